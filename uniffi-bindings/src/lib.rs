//! UniFFI bindings (Kotlin, Swift) for `ishare-jwt`: create and verify
//! iSHARE client assertions and any other iSHARE JWT from Android, iOS and
//! JVM apps, and judge a satellite's answers.
//!
//! A thin adapter over the core: argument conversion, the system clock when
//! `now` is null, OS randomness, and error mapping in one place
//! ([`IshareJwtError`]). Every rule about tokens lives in the core.
//!
//! - [`Signer`]: `Signer.fromPem(keyPem, chainPem, clientId, profile)`,
//!   `clientAssertion(audience, now, jti)`, `tokenRequest(audience, scope)`,
//!   `signJwt(audience, claimsJson, now, jti)`; `warnings()`, `notAfter()`; `Signer.fromCallback(chainPem,
//!   clientId, signer, profile)` with the app's [`ExternalSigner`] (a key
//!   that never leaves Android Keystore, the Keychain or an HSM), which signs
//!   each [`PendingSignature`]; `Signer.fromPkcs11(uri, clientId, pin,
//!   chainPem, profile)` with a key on a PKCS#11 device (feature `pkcs11`).
//! - [`Verifier`]: `Verifier(audience, trustedRoots, leeway, …, profile)`,
//!   `verify(token, now, clientId)` → [`Assertion`],
//!   `verifyJwt(token, now, issuer)` → [`VerifiedJwt`], replay protection on;
//!   `explain(token, now, clientId)` / `explainJwt` → [`Report`], every rule.
//! - [`Profile`]: `Profile.ishare()` (the default) or
//!   `Profile.oauth(lifetimeSecs)`, the generic OAuth client assertion.
//! - The satellite, sans-IO: [`check_party`] → [`PartyInfo`],
//!   [`trusted_list_anchors`] → fingerprints for `trustedRoots`.
//! - Access tokens, sans-IO (the app does the HTTP): [`TokenManager`]
//!   `get(serverId, tokenUrl, scope, now)` → [`TokenStep`] (cached, or the
//!   request to send), `finish(…, httpStatus, body, now)` → [`AccessToken`],
//!   `invalidate(…)`.
//! - The token endpoint, sans-IO: [`parse_token_request`] →
//!   [`ParsedTokenRequest`] or [`OAuthError`] (its
//!   [`OAuthErrorResponse`]), [`oauth_error_for`] (any error's RFC 6749
//!   §5.2 answer), [`token_response_body`],
//!   [`token_response_headers`].
//! - Errors: [`IshareJwtError`], with `kind()`, `code()` and `detail()`.
//!
//! Bindings are generated in library mode from the built cdylib:
//! `cargo run -p uniffi-bindgen -- generate --library target/release/libishare_jwt_uniffi.so --language kotlin --language swift --out-dir OUT`.

mod endpoint;
mod error;
mod explain;
mod external;
mod jwt;
#[cfg(feature = "pkcs11")]
mod pkcs11;
mod profile;
mod satellite;
mod signer;
mod signer_chain;
mod system;
#[cfg(test)]
mod testing;
mod token;
mod verifier;

pub use endpoint::{
    OAuthError, OAuthErrorResponse, ParsedTokenRequest, oauth_error_for, parse_token_request,
    token_response_body, token_response_headers,
};
pub use error::{IshareJwtError, panic_selftest};
pub use explain::{CertificateReport, Report, RuleReport};
pub use external::{ExternalSigner, PendingSignature};
pub use jwt::VerifiedJwt;
pub use profile::Profile;
pub use satellite::{PartyInfo, check_party, trusted_list_anchors};
pub use signer::Signer;
pub use token::{AccessToken, TokenManager, TokenRequest, TokenStep};
pub use verifier::{Assertion, Verifier};

uniffi::setup_scaffolding!();
