//! `Verifier`: the server side. JavaScript runs one call at a time, so the
//! replay and chain caches sit in a `RefCell`.

use core::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::convert::{now_or_clock, number_or_null, object, seconds, set, to_u32, to_usize};
use crate::errors::{IntoJs, JsResult};
use crate::profile::profile_of;

/// Verifies client assertions (and any iSHARE JWT) addressed to `audience`.
#[wasm_bindgen(js_name = NativeVerifier)]
pub struct NativeVerifier {
    inner: ishare_jwt::Verifier,
    caches: RefCell<ishare_jwt::VerifierCaches>,
}

#[wasm_bindgen(js_class = NativeVerifier)]
impl NativeVerifier {
    /// A verifier trusting `trusted_roots` (PEM CA certificates or SHA-256
    /// hex fingerprints), allowing `leeway` seconds of clock skew (none when
    /// absent), refusing a token seen before when `replay_protection`,
    /// remembering at most `replay_capacity` unexpired tokens, of which one
    /// issuer may hold `replay_issuer_share` (the core's defaults when
    /// absent).
    #[wasm_bindgen(constructor)]
    pub fn new(
        audience: &str,
        trusted_roots: Vec<String>,
        leeway: Option<f64>,
        replay_protection: bool,
        oauth_lifetime: Option<f64>,
        replay_capacity: Option<f64>,
        replay_issuer_share: Option<f64>,
    ) -> JsResult<NativeVerifier> {
        let build = || -> ishare_jwt::Result<_> {
            let anchors = trusted_roots
                .iter()
                .map(|root| ishare_jwt::TrustAnchor::parse(root))
                .collect::<ishare_jwt::Result<Vec<_>>>()?;
            let inner = ishare_jwt::Verifier::new_with_profile(
                audience,
                anchors,
                profile_of(oauth_lifetime)?,
            )?
            .with_leeway(leeway.map_or(Ok(0), |s| to_u32("leeway", s))?)?;
            // Checked even without replay protection: a bad limit is a
            // mistake either way.
            let replay = ishare_jwt::ReplayCache::with_issuer_share(
                replay_capacity.map_or(Ok(ishare_jwt::DEFAULT_REPLAY_CAPACITY), |n| {
                    to_usize("replayCapacity", n)
                })?,
                replay_issuer_share.unwrap_or(ishare_jwt::DEFAULT_REPLAY_ISSUER_SHARE),
            )?;
            Ok((inner, replay))
        };
        let (inner, replay) = build().js()?;
        let caches = ishare_jwt::VerifierCaches {
            replay: replay_protection.then_some(replay),
            ..ishare_jwt::VerifierCaches::default()
        };
        Ok(NativeVerifier {
            inner,
            caches: RefCell::new(caches),
        })
    }

    /// Verifies a client assertion at `now` (the clock when absent);
    /// `client_id` is the form parameter sent with it. Returns
    /// `{clientId, audience, jti, issuedAt, notBefore, expiresAt, algorithm,
    /// leafSha256, replayKey, replayUntil}`.
    pub fn verify(
        &self,
        token: &str,
        now: Option<f64>,
        client_id: Option<String>,
    ) -> JsResult<JsValue> {
        let now = now_or_clock(now).js()?;
        let assertion = self
            .inner
            .verify_shared(token, now, client_id.as_deref(), &self.caches)
            .js()?;
        let out = object();
        set(&out, "clientId", assertion.client_id.as_str());
        set(&out, "audience", assertion.audience);
        set(&out, "jti", assertion.jti);
        set(&out, "issuedAt", seconds(assertion.issued_at));
        set(&out, "notBefore", number_or_null(assertion.not_before));
        set(&out, "expiresAt", seconds(assertion.expires_at));
        set(&out, "algorithm", assertion.algorithm.name());
        set(&out, "leafSha256", assertion.leaf_sha256);
        set(&out, "replayKey", assertion.replay_key);
        set(&out, "replayUntil", seconds(assertion.replay_until));
        Ok(out)
    }

    /// Verifies any iSHARE JWT sent to us; `issuer`, when given, must be
    /// its `iss`.
    #[wasm_bindgen(js_name = verifyJwt)]
    pub fn verify_jwt(
        &self,
        token: &str,
        now: Option<f64>,
        issuer: Option<String>,
    ) -> JsResult<NativeVerifiedJwt> {
        let now = now_or_clock(now).js()?;
        let inner = self
            .inner
            .verify_jwt_shared(token, now, issuer.as_deref(), &self.caches)
            .js()?;
        Ok(NativeVerifiedJwt { inner })
    }

    /// The rule-by-rule report of a client assertion at `now` (the clock
    /// when absent), as the core's JSON text (`Report::to_json`); the
    /// package's JavaScript parses it. Records no replay.
    pub fn explain(
        &self,
        token: &str,
        now: Option<f64>,
        client_id: Option<String>,
    ) -> JsResult<String> {
        let now = now_or_clock(now).js()?;
        let report = self.inner.explain(token, now, client_id.as_deref()).js()?;
        Ok(report.to_json())
    }

    /// [`NativeVerifier::explain`] for any iSHARE JWT; `issuer`, when
    /// given, must be its `iss`.
    #[wasm_bindgen(js_name = explainJwt)]
    pub fn explain_jwt(
        &self,
        token: &str,
        now: Option<f64>,
        issuer: Option<String>,
    ) -> JsResult<String> {
        let now = now_or_clock(now).js()?;
        let report = self.inner.explain_jwt(token, now, issuer.as_deref()).js()?;
        Ok(report.to_json())
    }

    /// Our identifier, the only acceptable `aud`.
    #[wasm_bindgen(getter)]
    pub fn audience(&self) -> String {
        self.inner.audience().to_owned()
    }

    /// Allowed clock skew in seconds.
    #[wasm_bindgen(getter)]
    pub fn leeway(&self) -> u32 {
        self.inner.leeway()
    }
}

/// Any iSHARE JWT that passed every check, kept on this side of the
/// boundary so that `checkParty` and `trustedListAnchors` judge exactly
/// what was verified.
#[wasm_bindgen(js_name = NativeVerifiedJwt)]
pub struct NativeVerifiedJwt {
    pub(crate) inner: ishare_jwt::VerifiedJwt,
}

#[wasm_bindgen(js_class = NativeVerifiedJwt)]
impl NativeVerifiedJwt {
    /// `{issuer, audience, jti, issuedAt, notBefore, expiresAt, algorithm,
    /// leafSha256, replayKey, replayUntil, claimsJson}`.
    pub fn fields(&self) -> JsValue {
        let jwt = &self.inner;
        let out = object();
        set(&out, "issuer", jwt.issuer.as_str());
        set(&out, "audience", jwt.audience.as_str());
        set(&out, "jti", jwt.jti.as_str());
        set(&out, "issuedAt", seconds(jwt.issued_at));
        set(&out, "notBefore", number_or_null(jwt.not_before));
        set(&out, "expiresAt", seconds(jwt.expires_at));
        set(&out, "algorithm", jwt.algorithm.name());
        set(&out, "leafSha256", jwt.leaf_sha256.as_str());
        set(&out, "replayKey", jwt.replay_key.as_str());
        set(&out, "replayUntil", seconds(jwt.replay_until));
        set(&out, "claimsJson", jwt.claims_json.as_str());
        out
    }
}
