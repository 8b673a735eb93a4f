//! C ABI for ishare-jwt: `libishare_jwt.a` / `libishare_jwt.so` and the
//! generated header `include/ishare_jwt.h`. Client assertions (sign, verify,
//! token requests), any iSHARE JWT (`ishare_signer_sign_jwt`,
//! `ishare_verifier_verify_jwt`), the satellite checks (`ishare_check_party`,
//! `ishare_trusted_list_anchors`), the generic OAuth profile, and access
//! tokens sans-IO on both sides of `/connect/token` (the client's
//! `ishare_token_manager`, the server's `ishare_parse_token_request`,
//! `ishare_oauth_error` and `ishare_token_response_body`).
//!
//! A thin adapter over the `ishare-jwt` core: it converts C strings, reads
//! the system clock and the OS random number generator, maps errors to
//! `ishare_status` numbers and keeps a thread-local detail message. Every
//! rule about tokens lives in the core.
//!
//! Conventions (the header repeats them on each item):
//! - Every fallible function returns an `ishare_status`; results go through
//!   `*_out` parameters, written only on success.
//! - Every pointer argument is checked: NULL gives
//!   `ISHARE_STATUS_INVALID_ARGUMENT`, never a crash. Strings must be
//!   NUL-terminated UTF-8; anything else is `ISHARE_STATUS_INVALID_ARGUMENT`.
//! - Every body runs inside one panic boundary: a panic becomes
//!   `ISHARE_STATUS_INTERNAL`.
//! - Handles are opaque; each constructor has a NULL-safe `*_free`.

// The C ABI needs raw pointers and `#[no_mangle]`, which the workspace lints
// deny. Each `unsafe` block here is minimal and carries a SAFETY comment.
#![allow(unsafe_code)]

mod assertion;
mod build_info;
mod callback_signer;
mod explain;
mod jwt;
mod last_error;
mod os;
mod owned_string;
mod panic;
mod pkcs11_signer;
mod satellite;
mod signer;
mod signer_chain;
mod status;
mod strings;
mod token_endpoint;
mod token_manager;
mod verifier;

pub use assertion::{
    ishare_assertion, ishare_assertion_audience, ishare_assertion_client_id,
    ishare_assertion_expires_at, ishare_assertion_free, ishare_assertion_issued_at,
    ishare_assertion_jti, ishare_assertion_leaf_sha256, ishare_assertion_replay_key,
    ishare_assertion_replay_until,
};
pub use build_info::{ishare_backend, ishare_jwt_version};
pub use callback_signer::{
    ISHARE_SIGNATURE_CAPACITY, ishare_sign_callback, ishare_signer_from_callback,
};
pub use explain::{ishare_verifier_explain, ishare_verifier_explain_jwt};
pub use jwt::{
    ishare_jwt, ishare_jwt_audience, ishare_jwt_claims_json, ishare_jwt_expires_at,
    ishare_jwt_free, ishare_jwt_issued_at, ishare_jwt_issuer, ishare_jwt_jti,
    ishare_jwt_leaf_sha256, ishare_jwt_replay_key, ishare_jwt_replay_until,
};
pub use last_error::{
    ishare_last_error, ishare_last_error_token_endpoint_description,
    ishare_last_error_token_endpoint_error, ishare_last_error_token_endpoint_status,
};
pub use owned_string::ishare_string_free;
pub use panic::ishare_panic_selftest;
pub use pkcs11_signer::ishare_signer_from_pkcs11;
pub use satellite::{
    ishare_anchor_list, ishare_anchor_list_free, ishare_anchor_list_get, ishare_anchor_list_len,
    ishare_anchor_list_roots, ishare_check_party, ishare_party_info, ishare_party_info_certificate,
    ishare_party_info_certificates_len, ishare_party_info_end, ishare_party_info_free,
    ishare_party_info_party_id, ishare_party_info_party_name, ishare_party_info_start,
    ishare_party_info_status, ishare_trusted_list_anchors,
};
pub use signer::{
    ishare_signer, ishare_signer_client_assertion, ishare_signer_free, ishare_signer_from_pem,
    ishare_signer_from_pem_oauth, ishare_signer_sign_jwt, ishare_signer_token_request,
};
pub use signer_chain::{ishare_signer_not_after, ishare_signer_warnings};
pub use status::{ishare_status, ishare_status_code, ishare_status_kind, ishare_status_str};
pub use token_endpoint::{
    ishare_oauth_error, ishare_oauth_error_body, ishare_oauth_error_description,
    ishare_oauth_error_error, ishare_oauth_error_for_status, ishare_oauth_error_free,
    ishare_oauth_error_from_last_error, ishare_oauth_error_status, ishare_parse_token_request,
    ishare_token_request, ishare_token_request_client_assertion, ishare_token_request_client_id,
    ishare_token_request_free, ishare_token_request_scope, ishare_token_response_body,
    ishare_token_response_header_name, ishare_token_response_header_value,
};
pub use token_manager::{
    ishare_access_token, ishare_access_token_access_token, ishare_access_token_expires_at,
    ishare_access_token_free, ishare_access_token_token_type, ishare_token_manager,
    ishare_token_manager_finish, ishare_token_manager_free, ishare_token_manager_get,
    ishare_token_manager_invalidate, ishare_token_manager_new, ishare_token_step,
    ishare_token_step_access_token, ishare_token_step_body, ishare_token_step_content_type,
    ishare_token_step_free, ishare_token_step_get_kind, ishare_token_step_kind,
    ishare_token_step_url,
};
pub use verifier::{
    ishare_verifier, ishare_verifier_free, ishare_verifier_new, ishare_verifier_new_oauth,
    ishare_verifier_set_replay_limits, ishare_verifier_verify, ishare_verifier_verify_jwt,
    ishare_verifier_verify_jwt_unrecorded, ishare_verifier_verify_unrecorded,
};
