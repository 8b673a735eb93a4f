//! `Signer`: the client side, with the key in memory or, in two steps
//! (prepare, then finish with the device's signature), without it.

use wasm_bindgen::prelude::*;

use crate::convert::{now_or_clock, object, rng, set};
use crate::errors::{IntoJs, JsResult};
use crate::profile::profile_of;

/// Signs iSHARE JWTs for one party: its certificate chain (leaf first), its
/// party id and, unless made by `fromChainPem`, its private key.
#[wasm_bindgen(js_name = NativeSigner)]
pub struct NativeSigner {
    inner: ishare_jwt::Signer,
}

#[wasm_bindgen(js_class = NativeSigner)]
impl NativeSigner {
    /// A signer from a PEM private key (PKCS#8 or PKCS#1) and a PEM chain.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(
        key_pem: &str,
        chain_pem: &str,
        client_id: &str,
        oauth_lifetime: Option<f64>,
    ) -> JsResult<NativeSigner> {
        NativeSigner::checked(
            ishare_jwt::Signer::from_pem(key_pem, chain_pem, client_id),
            oauth_lifetime,
        )
    }

    /// A signer without a key: it prepares tokens for a device to sign.
    #[wasm_bindgen(js_name = fromChainPem)]
    pub fn from_chain_pem(
        chain_pem: &str,
        client_id: &str,
        oauth_lifetime: Option<f64>,
    ) -> JsResult<NativeSigner> {
        NativeSigner::checked(
            ishare_jwt::Signer::from_chain_pem(chain_pem, client_id),
            oauth_lifetime,
        )
    }

    /// A client assertion for `audience` issued at `now` (the clock when
    /// absent), with a fresh UUID v4 `jti` unless one is given.
    #[wasm_bindgen(js_name = clientAssertion)]
    pub fn client_assertion(
        &self,
        audience: &str,
        now: Option<f64>,
        jti: Option<String>,
    ) -> JsResult<String> {
        let now = now_or_clock(now).js()?;
        self.inner
            .sign(&mut rng(), audience, now, jti.as_deref())
            .js()
    }

    /// Any iSHARE JWT: the envelope, then the members of `claims_json`.
    #[wasm_bindgen(js_name = signJwt)]
    pub fn sign_jwt(
        &self,
        audience: &str,
        claims_json: Option<String>,
        now: Option<f64>,
        jti: Option<String>,
    ) -> JsResult<String> {
        let now = now_or_clock(now).js()?;
        self.inner
            .sign_jwt(
                &mut rng(),
                audience,
                claims_json.as_deref(),
                now,
                jti.as_deref(),
            )
            .js()
    }

    /// A client assertion waiting for its signature.
    #[wasm_bindgen(js_name = prepareAssertion)]
    pub fn prepare_assertion(
        &self,
        audience: &str,
        now: Option<f64>,
        jti: Option<String>,
    ) -> JsResult<NativePending> {
        let now = now_or_clock(now).js()?;
        let inner = self
            .inner
            .prepare_assertion(&mut rng(), audience, now, jti.as_deref())
            .js()?;
        Ok(NativePending { inner })
    }

    /// Any iSHARE JWT waiting for its signature.
    #[wasm_bindgen(js_name = prepareJwt)]
    pub fn prepare_jwt(
        &self,
        audience: &str,
        claims_json: Option<String>,
        now: Option<f64>,
        jti: Option<String>,
    ) -> JsResult<NativePending> {
        let now = now_or_clock(now).js()?;
        let inner = self
            .inner
            .prepare_jwt(
                &mut rng(),
                audience,
                claims_json.as_deref(),
                now,
                jti.as_deref(),
            )
            .js()?;
        Ok(NativePending { inner })
    }

    /// The token, once `signature` verifies with the chain's leaf key
    /// (`key_mismatch` otherwise).
    pub fn finish(&self, pending: &NativePending, signature: &[u8]) -> JsResult<String> {
        self.inner.finish(pending.inner.clone(), signature).js()
    }

    /// The five form fields of a token request carrying `assertion`, as a
    /// plain object in the order the core gives them.
    #[wasm_bindgen(js_name = tokenRequestFields)]
    pub fn token_request_fields(
        &self,
        assertion: &str,
        scope: Option<String>,
    ) -> JsResult<JsValue> {
        let fields = ishare_jwt::token_request_fields(
            self.inner.client_id().as_str(),
            assertion,
            scope.as_deref().unwrap_or(ishare_jwt::DEFAULT_SCOPE),
        )
        .js()?;
        let form = object();
        for (name, value) in fields {
            set(&form, name, value);
        }
        Ok(form)
    }

    /// The party id this signer signs for.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().as_str().to_owned()
    }

    /// SHA-256 of the leaf certificate, upper-case hex.
    #[wasm_bindgen(getter, js_name = leafSha256)]
    pub fn leaf_sha256(&self) -> String {
        self.inner.leaf_sha256()
    }

    /// What loaded but some verifiers refuse, one sentence each with its fix.
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// The last second (Unix) at which every certificate of the chain is valid.
    #[wasm_bindgen(getter, js_name = notAfter)]
    pub fn not_after(&self) -> f64 {
        self.inner.not_after() as f64
    }

    /// The first second (Unix) at which every certificate of the chain is valid.
    #[wasm_bindgen(getter, js_name = notBefore)]
    pub fn not_before(&self) -> f64 {
        self.inner.not_before() as f64
    }
}

impl NativeSigner {
    /// The loaded signer with its profile, once its chain is valid at the
    /// clock: an expired certificate is found now, not by a partner.
    fn checked(
        loaded: ishare_jwt::Result<ishare_jwt::Signer>,
        oauth_lifetime: Option<f64>,
    ) -> JsResult<NativeSigner> {
        let inner = loaded
            .and_then(|signer| signer.with_profile(profile_of(oauth_lifetime)?))
            .and_then(|signer| {
                signer.check_validity_at(now_or_clock(None)?)?;
                Ok(signer)
            })
            .js()?;
        Ok(NativeSigner { inner })
    }
}

/// A token waiting for its signature (RSASSA-PKCS1-v1_5 with SHA-256).
#[wasm_bindgen(js_name = NativePending)]
pub struct NativePending {
    inner: ishare_jwt::PendingSignature,
}

#[wasm_bindgen(js_class = NativePending)]
impl NativePending {
    /// What is signed: the JWS signing input `header.payload`.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> Vec<u8> {
        self.inner.message().to_vec()
    }

    /// SHA-256 of the message.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> Vec<u8> {
        self.inner.digest().to_vec()
    }

    /// The JWS algorithm: `RS256`.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.inner.algorithm().name().to_owned()
    }
}
