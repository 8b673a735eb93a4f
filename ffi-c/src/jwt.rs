//! `ishare_jwt`: any verified iSHARE JWT (a satellite's `parties_token` or
//! `trusted_list_token`, a `delegation_token`, ...), as C strings, with its
//! whole payload.

// The handle's C name is the core crate's name: core items are reached as
// `::ishare_jwt::...` here, never through a `use ishare_jwt::...` that would
// be ambiguous.
use core::ffi::c_char;
use std::ffi::CString;

use ::ishare_jwt::{Error, VerifiedJwt};

use crate::strings::{c_string, free_handle, number_field, string_field};

/// An iSHARE JWT that passed every check of `ishare_verifier_verify_jwt`,
/// with its whole payload. Opaque; read it with the `ishare_jwt_*` getters,
/// judge a satellite's answer with `ishare_check_party` or
/// `ishare_trusted_list_anchors`.
///
/// Ownership: made by `ishare_verifier_verify_jwt` (or `_verify_jwt_unrecorded`), owned by the caller until
/// passed to `ishare_jwt_free`; independent of the verifier (it may outlive
/// it). Immutable, so any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_jwt {
    /// What the satellite checks read.
    pub(crate) verified: VerifiedJwt,
    claims_json: CString,
    issuer: CString,
    audience: CString,
    jti: CString,
    leaf_sha256: CString,
    replay_key: CString,
}

impl ishare_jwt {
    /// Copies the verified claims into C strings, keeping the core's value.
    pub(crate) fn new(verified: VerifiedJwt) -> Result<ishare_jwt, Error> {
        Ok(ishare_jwt {
            claims_json: c_string("the payload", verified.claims_json.clone())?,
            issuer: c_string("iss", verified.issuer.as_str().into())?,
            audience: c_string("aud", verified.audience.clone())?,
            jti: c_string("jti", verified.jti.clone())?,
            leaf_sha256: c_string("leaf_sha256", verified.leaf_sha256.clone())?,
            replay_key: c_string("replay_key", verified.replay_key.clone())?,
            verified,
        })
    }
}

/// The whole payload: the JWT claims set's JSON text exactly as it was
/// signed and verified (envelope and every other member, in their order,
/// escapes unchanged). NULL if `jwt` is NULL.
///
/// Ownership: the string belongs to the JWT and stays valid until
/// `ishare_jwt_free`; do not free it.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_claims_json(jwt: *const ishare_jwt) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(jwt, |j| &j.claims_json) }
}

/// The party that signed (`iss` = `sub`). NULL if `jwt` is NULL.
///
/// Ownership: as for `ishare_jwt_claims_json`.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_issuer(jwt: *const ishare_jwt) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(jwt, |j| &j.issuer) }
}

/// The audience (`aud`): the verifier's own identifier. NULL if `jwt` is
/// NULL.
///
/// Ownership: as for `ishare_jwt_claims_json`.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_audience(jwt: *const ishare_jwt) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(jwt, |j| &j.audience) }
}

/// The token id (`jti`). NULL if `jwt` is NULL.
///
/// Ownership: as for `ishare_jwt_claims_json`.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_jti(jwt: *const ishare_jwt) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(jwt, |j| &j.jti) }
}

/// SHA-256 of the signer's leaf certificate (DER), 64 upper-case hex
/// digits: what `ishare_check_party` compares with a party's registered
/// certificates. NULL if `jwt` is NULL.
///
/// Ownership: as for `ishare_jwt_claims_json`.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_leaf_sha256(jwt: *const ishare_jwt) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(jwt, |j| &j.leaf_sha256) }
}

/// The issue time (`iat`), Unix seconds; 0 if `jwt` is NULL.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_issued_at(jwt: *const ishare_jwt) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(jwt, |j| j.verified.issued_at) }
}

/// The expiry time (`exp`), Unix seconds; 0 if `jwt` is NULL.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_expires_at(jwt: *const ishare_jwt) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(jwt, |j| j.verified.expires_at) }
}

/// The key a replay store shared by every instance keeps this token under
/// (lower-case hex SHA-256 of `iss`, 0x00, `jti`), as
/// `ishare_assertion_replay_key`. NULL if `jwt` is NULL.
///
/// Ownership: as for `ishare_jwt_claims_json`.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_replay_key(jwt: *const ishare_jwt) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(jwt, |j| &j.replay_key) }
}

/// Until when the replay store must keep `ishare_jwt_replay_key`: `exp`
/// plus the verifier's leeway, Unix seconds. 0 if `jwt` is NULL.
///
/// # Safety
///
/// `jwt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_replay_until(jwt: *const ishare_jwt) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(jwt, |j| j.verified.replay_until) }
}

/// Frees a JWT and the strings its getters returned. NULL is accepted and
/// ignored.
///
/// Ownership: takes the JWT back from the caller; neither it nor any string
/// read from it may be used afterwards. Party infos and anchor lists made
/// from it stay valid.
///
/// # Safety
///
/// `jwt` is NULL or a JWT from `ishare_verifier_verify_jwt` (or
/// `_verify_jwt_unrecorded`) not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_jwt_free(jwt: *mut ishare_jwt) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_verifier_verify_jwt
    // and, per the caller, not freed before.
    unsafe { free_handle(jwt) }
}
