//! Create and verify iSHARE client assertions: RS256-signed JWTs carrying
//! their certificate chain in `x5c`, with which a party authenticates to
//! another party's `/connect/token` endpoint (OAuth 2.0
//! `client_credentials`, RFC 7523 `private_key_jwt`).
//!
//! - Client: [`Signer`] — load key and chain once, then
//!   [`Signer::client_assertion`] per request, and [`token_request_form`]
//!   for the form body.
//! - Server: [`Verifier`] — [`Verifier::verify_once`] with a
//!   [`ReplayCache`] checks structure, algorithm, signature (with the `x5c`
//!   leaf key only), the chain up to a [`TrustAnchor`], certificate validity,
//!   key sizes, that the leaf names the `iss` party, and every claim rule
//!   (see the `claim_rules` module source: the one place they live).
//!
//! `no_std` + `alloc`: no clock and no OS randomness inside. `now` (Unix
//! seconds) and a cryptographic RNG come in as arguments.
//!
//! Errors: one [`Error`] enum with stable [`Error::code`] and
//! [`Error::kind`], shared by every language binding.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod backend;
mod base64;
mod chain_cache;
mod civil_time;
mod claim_rules;
mod claims;
mod display;
mod encoding;
mod error;
mod explain;
mod form;
mod jose;
mod json;
mod key;
pub mod limits;
mod own_chain;
mod party;
mod profile;
mod replay;
mod satellite;
mod signer;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod system;
mod token;
mod trust;
mod uuid;
mod verifier;
mod x509;

#[doc(hidden)]
pub use backend::verify_rsa_pkcs1v15;
pub use backend::{BACKEND, RsaVerifier};
pub use chain_cache::{
    ChainCache, DEFAULT_CHAIN_CACHE_CAPACITY, MAX_CHAIN_CACHE_CAPACITY, SharedCaches,
    VerifierCaches,
};
pub use display::{escape_for_display, is_hidden_character};
pub use error::{Error, Result};
pub use explain::{CertificateReport, Report, RuleReport, RuleStatus};
pub use form::{
    CLIENT_ASSERTION_TYPE, DEFAULT_SCOPE, GRANT_TYPE, TokenResponse, parse_token_response,
    token_request_fields, token_request_form,
};
pub use jose::{Algorithm, UnverifiedToken, decode_unverified};
pub use party::{PartyId, PartyIdScheme};
pub use profile::{ISHARE_LIFETIME_SECS, ISHARE_TYP, OAUTH_MAX_LIFETIME_SECS, OAUTH_TYP, Profile};
pub use replay::{
    DEFAULT_REPLAY_CAPACITY, DEFAULT_REPLAY_ISSUER_SHARE, ReplayCache, ReplayRecord, ReplayStore,
};
pub use satellite::{PartyInfo, check_party, trusted_list_anchors};
pub use signer::{ExternalKey, PendingSignature, Signer};
pub use token::{
    AccessToken, DEFAULT_REFRESH_BEFORE_SECS, DEFAULT_TOKEN_CACHE_CAPACITY, FORM_CONTENT_TYPE,
    TokenKey, TokenManager, TokenRequest, TokenStep,
};
pub use token::{
    OAuthError, ParsedTokenRequest, TOKEN_RESPONSE_HEADERS, parse_token_request,
    parse_token_request_pairs, token_response_body,
};
pub use trust::TrustAnchor;
pub use verifier::{MAX_LEEWAY_SECS, VerifiedAssertion, VerifiedJwt, Verifier};
