//! The `std` face (feature `std`, on by default): the system clock, the
//! operating system's randomness and a thread-safe cache, so a server or a
//! command-line tool signs and verifies in one call. The explicit functions
//! it calls stay for devices (`no_std`) and tests.
//!
//! ```
//! use ishare_jwt::{Signer, TrustAnchor, Verifier};
//! # let pki = |name: &str| std::fs::read_to_string(format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
//! let signer = Signer::from_pem(pki("client-eori.key.pem"), &pki("client-eori.chain.pem"), "EU.EORI.NL000000101")?;
//! let token = signer.client_assertion_now("EU.EORI.NL000000100")?;
//!
//! let root = TrustAnchor::parse(pki("root-ca.sha256").trim())?;
//! let verifier = Verifier::new("EU.EORI.NL000000100", vec![root])?;
//! let assertion = verifier.verify_now(&token, Some("EU.EORI.NL000000101"))?;
//! assert_eq!(assertion.client_id.as_str(), "EU.EORI.NL000000101");
//! # Ok::<(), ishare_jwt::Error>(())
//! ```

extern crate std;

use alloc::string::String;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::chain_cache::{SharedCaches, VerifierCaches};
use crate::error::{Error, Result};
use crate::signer::Signer;
use crate::verifier::{VerifiedAssertion, VerifiedJwt, Verifier};

/// The system clock in Unix seconds.
pub fn unix_now() -> Result<i64> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
        .ok_or_else(|| Error::Internal("the system clock is before 1970".into()))
}

/// The operating system's cryptographic RNG. It fails only where the OS
/// has no randomness at all; a failure panics, which every binding turns
/// into an `internal` error at its boundary.
pub fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// A verifier's caches shared by reference across threads: share one
/// `Mutex<VerifierCaches>` per [`Verifier`] and call
/// [`Verifier::verify_shared`] (or [`Verifier::verify_once_now`]). The
/// lock is held only around look-ups and inserts, never during RSA work.
impl SharedCaches for Mutex<VerifierCaches> {
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R {
        // A panic under the lock poisons it; the caches change only by
        // single map inserts, so they stay usable.
        f(&mut self.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Signer {
    /// [`Signer::client_assertion`] issued now, with OS randomness.
    pub fn client_assertion_now(&self, audience: &str) -> Result<String> {
        self.client_assertion(&mut os_rng(), audience, unix_now()?)
    }

    /// [`Signer::token_request`] issued now (`scope` defaults to `iSHARE`).
    pub fn token_request_now(&self, audience: &str, scope: Option<&str>) -> Result<String> {
        self.token_request(&mut os_rng(), audience, unix_now()?, None, scope)
    }

    /// [`Signer::sign_jwt`] issued now.
    pub fn sign_jwt_now(&self, audience: &str, claims_json: Option<&str>) -> Result<String> {
        self.sign_jwt(&mut os_rng(), audience, claims_json, unix_now()?, None)
    }
}

impl Verifier {
    /// [`Verifier::verify`] at the system clock's time. Remembers nothing.
    pub fn verify_now(&self, token: &str, client_id: Option<&str>) -> Result<VerifiedAssertion> {
        self.verify(token, unix_now()?, client_id)
    }

    /// [`Verifier::verify_shared`] at the system clock's time: a second
    /// use of the token is refused, and chains already verified are taken
    /// from `caches` — one `Mutex<VerifierCaches>` per verifier, shared by
    /// every thread.
    pub fn verify_once_now(
        &self,
        token: &str,
        client_id: Option<&str>,
        caches: &Mutex<VerifierCaches>,
    ) -> Result<VerifiedAssertion> {
        self.verify_shared(token, unix_now()?, client_id, caches)
    }

    /// [`Verifier::verify_jwt`] at the system clock's time.
    pub fn verify_jwt_now(&self, token: &str, issuer: Option<&str>) -> Result<VerifiedJwt> {
        self.verify_jwt(token, unix_now()?, issuer)
    }

    /// [`Verifier::verify_jwt_shared`] at the system clock's time, as
    /// [`Verifier::verify_once_now`].
    pub fn verify_jwt_once_now(
        &self,
        token: &str,
        issuer: Option<&str>,
        caches: &Mutex<VerifierCaches>,
    ) -> Result<VerifiedJwt> {
        self.verify_jwt_shared(token, unix_now()?, issuer, caches)
    }
}
