//! `ishare_assertion`: a verified client assertion, as C strings.

use core::ffi::c_char;
use std::ffi::CString;

use ishare_jwt::{Error, VerifiedAssertion};

use crate::strings::{c_string, free_handle, number_field, string_field};

/// A client assertion that passed every check of `ishare_verifier_verify`.
/// Opaque; read it with the `ishare_assertion_*` getters.
///
/// Ownership: made by `ishare_verifier_verify` (or `_verify_unrecorded`), owned by the caller until
/// passed to `ishare_assertion_free`; independent of the verifier (it may
/// outlive it). Immutable, so any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_assertion {
    client_id: CString,
    audience: CString,
    jti: CString,
    leaf_sha256: CString,
    replay_key: CString,
    issued_at: i64,
    expires_at: i64,
    replay_until: i64,
}

impl ishare_assertion {
    /// Copies the verified claims into C strings.
    pub(crate) fn new(verified: VerifiedAssertion) -> Result<ishare_assertion, Error> {
        Ok(ishare_assertion {
            client_id: c_string("client_id", verified.client_id.as_str().into())?,
            audience: c_string("aud", verified.audience)?,
            jti: c_string("jti", verified.jti)?,
            leaf_sha256: c_string("leaf_sha256", verified.leaf_sha256)?,
            replay_key: c_string("replay_key", verified.replay_key)?,
            issued_at: verified.issued_at,
            expires_at: verified.expires_at,
            replay_until: verified.replay_until,
        })
    }
}

/// The client's party id (`iss` = `sub`, and the `client_id` if one was
/// given). NULL if `assertion` is NULL.
///
/// Ownership: the string belongs to the assertion and stays valid until
/// `ishare_assertion_free`; do not free it.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_client_id(
    assertion: *const ishare_assertion,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(assertion, |a| &a.client_id) }
}

/// The audience (`aud`): the verifier's own party id. NULL if `assertion` is
/// NULL.
///
/// Ownership: as for `ishare_assertion_client_id`.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_audience(
    assertion: *const ishare_assertion,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(assertion, |a| &a.audience) }
}

/// The token id (`jti`). NULL if `assertion` is NULL.
///
/// Ownership: as for `ishare_assertion_client_id`.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_jti(assertion: *const ishare_assertion) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(assertion, |a| &a.jti) }
}

/// SHA-256 of the client's leaf certificate (DER), 64 upper-case hex digits.
/// NULL if `assertion` is NULL.
///
/// Ownership: as for `ishare_assertion_client_id`.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_leaf_sha256(
    assertion: *const ishare_assertion,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(assertion, |a| &a.leaf_sha256) }
}

/// The issue time (`iat`), Unix seconds; 0 if `assertion` is NULL.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_issued_at(assertion: *const ishare_assertion) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(assertion, |a| a.issued_at) }
}

/// The expiry time (`exp`), Unix seconds; 0 if `assertion` is NULL.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_expires_at(assertion: *const ishare_assertion) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(assertion, |a| a.expires_at) }
}

/// The key a replay store shared by every instance keeps this token under:
/// lower-case hex SHA-256 of `iss`, a 0x00 byte and `jti` (64 digits, the
/// same in every language binding). After `ishare_verifier_verify_unrecorded`
/// record it yourself, e.g. Redis `SET ishare-jwt:replay:<replay_key> 1 NX
/// EXAT <replay_until>`: a false answer is a replay. NULL if `assertion` is
/// NULL.
///
/// Ownership: as for `ishare_assertion_client_id`.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_replay_key(
    assertion: *const ishare_assertion,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(assertion, |a| &a.replay_key) }
}

/// Until when the replay store must keep `ishare_assertion_replay_key`:
/// `exp` plus the verifier's leeway, Unix seconds (after it the token is
/// refused as expired anyway). 0 if `assertion` is NULL.
///
/// # Safety
///
/// `assertion` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_replay_until(assertion: *const ishare_assertion) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(assertion, |a| a.replay_until) }
}

/// Frees an assertion and the strings its getters returned. NULL is accepted
/// and ignored.
///
/// Ownership: takes the assertion back from the caller; neither it nor any
/// string read from it may be used afterwards.
///
/// # Safety
///
/// `assertion` is NULL or an assertion from `ishare_verifier_verify` (or
/// `_verify_unrecorded`) not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_assertion_free(assertion: *mut ishare_assertion) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_verifier_verify and,
    // per the caller, not freed before.
    unsafe { free_handle(assertion) }
}
