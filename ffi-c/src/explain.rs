//! `ishare_verifier_explain`: why a token is accepted or refused, rule by
//! rule, as the JSON text of the core's report ([`ishare_jwt::Report`]).

use core::ffi::c_char;

use ishare_jwt::Error;

use crate::os::resolve_now;
use crate::owned_string::give_string;
use crate::panic::status_boundary;
use crate::status::ishare_status;
use crate::strings::{Out, arg_ref, arg_str, opt_arg_str};
use crate::verifier::ishare_verifier;

/// Which rules to explain by.
enum Rules {
    /// A client assertion's (`ishare_verifier_verify`).
    Assertion,
    /// Any iSHARE JWT's (`ishare_verifier_verify_jwt`).
    Jwt,
}

/// Explains a client assertion: every rule `ishare_verifier_verify`
/// applies, each evaluated on its own (an expired token with a wrong `aud`
/// reports both), as one JSON object:
/// `{"verdict": "accepted"|"refused", "kind": null|"<kind>", "rules":
/// [{"rule", "status": "pass"|"fail"|"skipped", "kind", "detail"}],
/// "header": {…}|null, "claims": {…}|null, "chain": [{"position",
/// "subject", "issuer", "serial", "not_before", "not_after", "sha256",
/// "key_bits", "party"}]}`. The verdict and kind are exactly those of
/// `ishare_verifier_verify`; a refused token is still `ISHARE_STATUS_OK`
/// here (the report says why). Records no replay and is never the
/// authorisation decision: for people and logs.
///
/// `now`: the clock in Unix seconds; a negative value means the system clock.
/// `client_id`: the `client_id` that came with the token, or NULL.
///
/// On success stores the JSON text in `*json_out`; otherwise leaves it
/// untouched and returns the error status (a NULL argument, a string that
/// is not UTF-8).
///
/// Ownership: `token` and `client_id` are only read during the call. The
/// caller owns the new string and frees it with `ishare_string_free`.
///
/// # Safety
///
/// `verifier` is NULL or live; the strings are NULL or NUL-terminated;
/// `json_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_explain(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    client_id: *const c_char,
    json_out: *mut *mut c_char,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { explain(verifier, token, now, client_id, json_out, Rules::Assertion) }
    })
}

/// `ishare_verifier_explain` by the rules of `ishare_verifier_verify_jwt`:
/// any iSHARE JWT; `issuer`, when not NULL, must be its `iss`. Arguments,
/// result, errors and ownership as for `ishare_verifier_explain`.
///
/// # Safety
///
/// As for `ishare_verifier_explain`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_explain_jwt(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    issuer: *const c_char,
    json_out: *mut *mut c_char,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { explain(verifier, token, now, issuer, json_out, Rules::Jwt) }
    })
}

/// # Safety
///
/// As for `ishare_verifier_explain`.
unsafe fn explain(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    who: *const c_char,
    json_out: *mut *mut c_char,
    rules: Rules,
) -> Result<(), Error> {
    let json_out = Out::new(json_out, "json_out")?;
    let who_name = match rules {
        Rules::Assertion => "client_id",
        Rules::Jwt => "issuer",
    };
    // SAFETY: a live verifier and NUL-terminated strings per the caller,
    // used during this call only.
    let (handle, token, who) = unsafe {
        (
            arg_ref(verifier, "verifier")?,
            arg_str(token, "token")?,
            opt_arg_str(who, who_name)?,
        )
    };
    let now = resolve_now(now)?;
    let report = match rules {
        Rules::Assertion => handle.core().explain(token, now, who)?,
        Rules::Jwt => handle.core().explain_jwt(token, now, who)?,
    };
    // SAFETY: `json_out` is writable per the caller.
    unsafe { give_string(json_out, "the report", report.to_json()) }
}
