//! `Signer`: the client side, making client assertions.

use std::collections::HashMap;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::{IshareJwtError, guard};
use crate::external::{ExternalSigner, ForeignKey};
use crate::profile::{Profile, or_ishare};
use crate::system::{now_or_clock, os_rng};

/// Signs iSHARE client assertions and any other iSHARE JWT for one party: its
/// key, its certificate chain, its party id. Load it once; sign per request.
/// Thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct Signer {
    /// Shared with the token managers made from it: the key is held once.
    inner: Arc<ishare_jwt::Signer>,
}

impl Signer {
    /// The object around a core signer.
    /// The binding's signer over `inner`, once its chain is valid at the
    /// system clock: an expired certificate is found now, not by a partner.
    pub(crate) fn checked(inner: ishare_jwt::Signer) -> Result<Arc<Self>, IshareJwtError> {
        inner.check_validity_at(now_or_clock(None)?)?;
        Ok(Arc::new(Signer {
            inner: Arc::new(inner),
        }))
    }

    /// The core signer, for a token manager to share.
    pub(crate) fn shared(&self) -> Arc<ishare_jwt::Signer> {
        Arc::clone(&self.inner)
    }
}

#[uniffi::export]
impl Signer {
    /// A signer from a PEM private key (PKCS#8 or PKCS#1), a PEM certificate
    /// chain (leaf first) and the party id the leaf certificate names
    /// (`EU.EORI.…` or `did:ishare:…`), making tokens of `profile` (iSHARE
    /// when null). The chain is checked as every verifier will, at the
    /// system clock: an expired certificate is refused here, naming it
    /// (`x5c[i]`); what loads but some verifiers refuse is in `warnings()`.
    #[uniffi::constructor(default(profile = None))]
    pub fn from_pem(
        key_pem: String,
        chain_pem: String,
        client_id: String,
        profile: Option<Arc<Profile>>,
    ) -> Result<Arc<Self>, IshareJwtError> {
        guard(|| {
            // The key text is wiped when this call returns.
            let key_pem = Zeroizing::new(key_pem);
            let inner = ishare_jwt::Signer::from_pem(key_pem.as_bytes(), &chain_pem, &client_id)?
                .with_profile(or_ishare(profile.as_deref()))?;
            Signer::checked(inner)
        })
    }

    /// A signer whose key never leaves its device or service: `signer` is
    /// called for each signature (Android Keystore, Apple's
    /// `SecKeyCreateSignature`, `java.security` with SunPKCS11, a key
    /// service), with the PEM certificate chain (leaf first) and the party
    /// id the leaf names, making tokens of `profile` (iSHARE when null).
    /// Every signature is checked with the leaf's key (`KeyMismatch`); a
    /// signer that throws fails the call with `KeyStore`.
    #[uniffi::constructor(default(profile = None))]
    pub fn from_callback(
        chain_pem: String,
        client_id: String,
        signer: Arc<dyn ExternalSigner>,
        profile: Option<Arc<Profile>>,
    ) -> Result<Arc<Self>, IshareJwtError> {
        guard(|| {
            let key = Box::new(ForeignKey(signer));
            let inner = ishare_jwt::Signer::from_external_pem(key, &chain_pem, &client_id)?
                .with_profile(or_ishare(profile.as_deref()))?;
            Signer::checked(inner)
        })
    }

    /// The party this signer signs for.
    pub fn client_id(&self) -> String {
        self.inner.client_id().as_str().to_owned()
    }

    /// The profile of the tokens it makes.
    pub fn profile(&self) -> Profile {
        Profile {
            inner: self.inner.profile(),
        }
    }

    /// SHA-256 of the leaf certificate, upper-case hex: the fingerprint a
    /// satellite lists for this party (`x5t#S256`).
    pub fn leaf_sha256(&self) -> String {
        self.inner.leaf_sha256()
    }

    /// A client assertion for `audience` (the server's party id), issued at
    /// `now` (Unix seconds; the system clock when null), with `jti` (a fresh
    /// UUID v4 when null).
    #[uniffi::method(default(now = None, jti = None))]
    pub fn client_assertion(
        &self,
        audience: String,
        now: Option<i64>,
        jti: Option<String>,
    ) -> Result<String, IshareJwtError> {
        guard(|| {
            let issued_at = now_or_clock(now)?;
            Ok(self
                .inner
                .sign(&mut os_rng(), &audience, issued_at, jti.as_deref())?)
        })
    }

    /// Any iSHARE JWT (a satellite's `parties_token`, a `delegation_token`,
    /// …) for `audience`: the envelope of a client assertion (`iss` = `sub`
    /// = this party, `aud`, `jti`, `iat` = `nbf` = `now`, `exp` = `iat` + the
    /// profile's lifetime) followed by the members of `claims_json`, a JSON
    /// object, in their order and with their values. `now` is Unix seconds
    /// (the system clock when null), `jti` a fresh UUID v4 when null. A
    /// member the envelope owns (`iss`, `sub`, `aud`, `jti`, `iat`, `nbf`,
    /// `exp`), JSON that is not an object, or text that is not JSON is
    /// `InvalidArgument`.
    #[uniffi::method(default(claims_json = None, now = None, jti = None))]
    pub fn sign_jwt(
        &self,
        audience: String,
        claims_json: Option<String>,
        now: Option<i64>,
        jti: Option<String>,
    ) -> Result<String, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            Ok(self.inner.sign_jwt(
                &mut os_rng(),
                &audience,
                claims_json.as_deref(),
                now,
                jti.as_deref(),
            )?)
        })
    }

    /// The form fields of a token request (`POST /connect/token`) carrying a
    /// fresh assertion for `audience` at the system clock: `grant_type`,
    /// `scope` (`iSHARE` when null), `client_id`, `client_assertion_type`,
    /// `client_assertion`.
    #[uniffi::method(default(scope = None))]
    pub fn token_request(
        &self,
        audience: String,
        scope: Option<String>,
    ) -> Result<HashMap<String, String>, IshareJwtError> {
        guard(|| {
            let issued_at = now_or_clock(None)?;
            let assertion = self
                .inner
                .client_assertion(&mut os_rng(), &audience, issued_at)?;
            let fields = ishare_jwt::token_request_fields(
                self.inner.client_id().as_str(),
                &assertion,
                scope.as_deref().unwrap_or(ishare_jwt::DEFAULT_SCOPE),
            )?;
            Ok(fields
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect())
        })
    }
}
