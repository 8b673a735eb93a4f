//! The server's token endpoint, sans-IO: read a token request, answer with
//! a token response or an OAuth error. The C server's own HTTP stack does
//! the I/O; every rule of the exchange is the core's.

use core::ffi::{CStr, c_char};
use std::ffi::CString;
use std::sync::OnceLock;

use ishare_jwt::{
    Error, OAuthError, TOKEN_RESPONSE_HEADERS, parse_token_request, token_response_body,
};

use crate::last_error;
use crate::panic::{refusal_boundary, status_boundary, value_boundary};
use crate::status::{ishare_status, ishare_status_code};
use crate::strings::{
    Out, OutBuffer, arg_bytes, arg_str, c_string, free_handle, number_field, opt_arg_str,
    string_field,
};

/// A token request (`POST /connect/token`, RFC 6749 §4.4 with an RFC 7523
/// client assertion) whose form is right: `grant_type` is
/// `client_credentials`, `client_assertion_type` is the JWT bearer type, and
/// `client_id` and `client_assertion` are there, each parameter once. Its
/// assertion is not verified yet: hand it to `ishare_verifier_verify` with
/// the `client_id`. Opaque; read it with the `ishare_token_request_*`
/// getters.
///
/// Ownership: made by `ishare_parse_token_request`, owned by the caller
/// until passed to `ishare_token_request_free`. Immutable, so any thread may
/// read it.
#[allow(non_camel_case_types)]
pub struct ishare_token_request {
    client_id: CString,
    client_assertion: CString,
    scope: CString,
}

/// Reads the body of a token request (`application/x-www-form-urlencoded`,
/// `form_body_len` bytes; no NUL needed): the form rules of RFC 6749 §4.4
/// and RFC 7523 §2.2. Percent escapes are decoded; bytes that are not UTF-8
/// become U+FFFD, as form decoding does (an assertion carrying one then
/// fails verification).
///
/// On success stores a new token request in `*request_out`. A request the
/// rules refuse gives `ISHARE_STATUS_INVALID_ARGUMENT`, leaves
/// `*request_out` untouched, and keeps the OAuth answer with this thread's
/// last error: `ishare_oauth_error_from_last_error()` returns it
/// (`invalid_request` for a missing, empty or repeated parameter or a body
/// over 516 KiB, `unsupported_grant_type`, or `invalid_client` for another
/// `client_assertion_type`, each with status 400). A decoded value holding a
/// NUL character, which C cannot carry, is `ISHARE_STATUS_MALFORMED`
/// (answered `invalid_client`).
///
/// `form_body` may be NULL when `form_body_len` is 0 (an empty body, which
/// is refused).
///
/// Ownership: `form_body` is only read during the call. The caller owns the
/// new token request and frees it with `ishare_token_request_free`.
///
/// # Safety
///
/// `form_body` is NULL or points to `form_body_len` readable bytes;
/// `request_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_parse_token_request(
    form_body: *const c_char,
    form_body_len: usize,
    request_out: *mut *mut ishare_token_request,
) -> ishare_status {
    let plain = |error| (error, None);
    refusal_boundary(|| {
        let request_out = Out::new(request_out, "request_out").map_err(plain)?;
        // SAFETY: `form_body_len` readable bytes per the caller, read during
        // this call only.
        let body = unsafe { arg_bytes(form_body, form_body_len, "form_body") }.map_err(plain)?;
        let parsed = parse_token_request(&String::from_utf8_lossy(body)).map_err(|oauth| {
            let error = Error::InvalidArgument(format!("the token request is refused: {oauth}"));
            (error, Some(oauth))
        })?;
        let request = ishare_token_request {
            client_id: c_string("client_id", parsed.client_id).map_err(plain)?,
            client_assertion: c_string("client_assertion", parsed.client_assertion)
                .map_err(plain)?,
            scope: c_string("scope", parsed.scope).map_err(plain)?,
        };
        // SAFETY: `request_out` is writable per the caller.
        unsafe { request_out.write(Box::into_raw(Box::new(request))) };
        Ok(())
    })
}

/// The `client_id` parameter: the party the assertion's `iss` must name
/// (pass it to `ishare_verifier_verify`). NULL if `request` is NULL.
///
/// Ownership: the string belongs to the token request and stays valid until
/// `ishare_token_request_free`; do not free it.
///
/// # Safety
///
/// `request` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_request_client_id(
    request: *const ishare_token_request,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(request, |r| &r.client_id) }
}

/// The `client_assertion` parameter: the JWT to verify. NULL if `request`
/// is NULL.
///
/// Ownership: as for `ishare_token_request_client_id`.
///
/// # Safety
///
/// `request` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_request_client_assertion(
    request: *const ishare_token_request,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(request, |r| &r.client_assertion) }
}

/// The `scope` parameter; `iSHARE` when the request sent none. NULL if
/// `request` is NULL.
///
/// Ownership: as for `ishare_token_request_client_id`.
///
/// # Safety
///
/// `request` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_request_scope(
    request: *const ishare_token_request,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(request, |r| &r.scope) }
}

/// Frees a token request and the strings its getters returned. NULL is
/// accepted and ignored.
///
/// Ownership: takes the token request back from the caller; neither it nor
/// any string read from it may be used afterwards.
///
/// # Safety
///
/// `request` is NULL or a token request from `ishare_parse_token_request`
/// not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_request_free(request: *mut ishare_token_request) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_parse_token_request
    // and, per the caller, not freed before.
    unsafe { free_handle(request) }
}

/// A token endpoint's error answer (RFC 6749 §5.2): the HTTP status, the
/// `error` code, the `error_description` and the JSON body that carries
/// them. Send `ishare_oauth_error_body` with that status and the headers of
/// `ishare_token_response_header_name`/`_value`. Opaque.
///
/// Ownership: made by `ishare_oauth_error_from_last_error` or
/// `ishare_oauth_error_for_status`, owned by the caller until passed to
/// `ishare_oauth_error_free`. Immutable, so any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_oauth_error {
    status: u16,
    error: CString,
    error_description: CString,
    body: CString,
}

impl ishare_oauth_error {
    fn new(oauth: &OAuthError) -> Result<ishare_oauth_error, Error> {
        Ok(ishare_oauth_error {
            status: oauth.status,
            error: c_string("error", oauth.error.into())?,
            error_description: c_string("error_description", oauth.error_description.clone())?,
            body: c_string("the OAuth error body", oauth.body())?,
        })
    }
}

/// The answer a token endpoint gives for this thread's last failed call: a
/// token request `ishare_parse_token_request` refused (its own answer), or
/// a client assertion `ishare_verifier_verify` refused (`invalid_client`,
/// 400), or the verifier's full replay cache (`temporarily_unavailable`,
/// 503), or the library's own fault (`server_error`, 500), or a bad argument
/// (`invalid_request`, 400) — one mapping for every binding. The
/// `error_description` is the error kind and the detail message
/// (`"signature: ..."`); it never contains key material.
///
/// Returns a new OAuth error, or NULL when this thread's last call that
/// returns an `ishare_status` succeeded (there is nothing to answer). Reading
/// it changes nothing: call it right after the failed call.
///
/// Ownership: the caller owns the new OAuth error and frees it with
/// `ishare_oauth_error_free`.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_oauth_error_from_last_error() -> *mut ishare_oauth_error {
    value_boundary(core::ptr::null_mut(), || {
        last_error::oauth_answer()
            .and_then(|oauth| ishare_oauth_error::new(&oauth).ok())
            .map_or(core::ptr::null_mut(), |handle| {
                Box::into_raw(Box::new(handle))
            })
    })
}

/// The answer a token endpoint gives for a failure with status `status`
/// (any status but `ISHARE_STATUS_OK`), by the same mapping as
/// `ishare_oauth_error_from_last_error`: for a status kept from an earlier
/// call or another thread. The `error_description` is the kind followed by
/// `detail` (`"expired: " detail`), or the kind alone when `detail` is
/// NULL; give `ishare_last_error`'s message as `detail` to get the very
/// answer `ishare_oauth_error_from_last_error` gives.
///
/// `ISHARE_STATUS_OK`, or a number that is no status, is
/// `ISHARE_STATUS_INVALID_ARGUMENT`. On success stores a new OAuth error in
/// `*oauth_out`; otherwise leaves it untouched.
///
/// Ownership: `detail` is only read during the call. The caller owns the
/// new OAuth error and frees it with `ishare_oauth_error_free`.
///
/// # Safety
///
/// `detail` is NULL or NUL-terminated; `oauth_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_oauth_error_for_status(
    status: ishare_status_code,
    detail: *const c_char,
    oauth_out: *mut *mut ishare_oauth_error,
) -> ishare_status {
    status_boundary(|| {
        let oauth_out = Out::new(oauth_out, "oauth_out")?;
        // SAFETY: NUL-terminated per the caller, read during this call only.
        let detail = unsafe { opt_arg_str(detail, "detail")? };
        let error = ishare_status::from_code(status)
            .and_then(error_of)
            .ok_or_else(|| {
                Error::InvalidArgument(format!("status {status} is not an error status"))
            })?;
        let kind = error.kind();
        let mut oauth = OAuthError::from_error(&error);
        oauth.error_description = match detail {
            Some(detail) => format!("{kind}: {detail}"),
            None => kind.to_owned(),
        };
        let handle = ishare_oauth_error::new(&oauth)?;
        // SAFETY: `oauth_out` is writable per the caller.
        unsafe { oauth_out.write(Box::into_raw(Box::new(handle))) };
        Ok(())
    })
}

/// An error of the kind `status` names (its fields empty), for
/// `OAuthError::from_error` to judge; `None` for `Ok`.
fn error_of(status: ishare_status) -> Option<Error> {
    use ishare_status as S;
    let empty = String::new;
    Some(match status {
        S::Ok => return None,
        S::Malformed => Error::Malformed(empty()),
        S::UnsupportedAlgorithm => Error::UnsupportedAlgorithm(empty()),
        S::InvalidHeader => Error::InvalidHeader(empty()),
        S::MissingCertificate => Error::MissingCertificate,
        S::WeakKey => Error::WeakKey {
            which: empty(),
            bits: 0,
        },
        S::Signature => Error::Signature,
        S::UntrustedChain => Error::UntrustedChain(empty()),
        S::CertificateExpired => Error::CertificateExpired {
            position: 0,
            not_before: 0,
            not_after: 0,
            now: 0,
        },
        S::MissingClaim => Error::MissingClaim(""),
        S::Audience => Error::Audience {
            expected: empty(),
            found: empty(),
        },
        S::InvalidPartyId => Error::InvalidPartyId {
            value: empty(),
            reason: "",
        },
        S::IssuerSubjectMismatch => Error::IssuerSubjectMismatch {
            iss: empty(),
            sub: empty(),
        },
        S::ClientIdMismatch => Error::ClientIdMismatch {
            iss: empty(),
            client_id: empty(),
        },
        S::PartyIdMismatch => Error::PartyIdMismatch {
            party: empty(),
            certificate: empty(),
        },
        S::InvalidLifetime => Error::InvalidLifetime {
            expected: 0,
            found: 0,
        },
        S::Expired => Error::Expired {
            exp: 0,
            now: 0,
            leeway: 0,
        },
        S::NotYetValid => Error::NotYetValid {
            claim: "",
            value: 0,
            now: 0,
            leeway: 0,
        },
        S::Replay => Error::Replay {
            iss: empty(),
            jti: empty(),
        },
        S::ReplayCacheFull => Error::ReplayCacheFull {
            capacity: 0,
            issuer: None,
        },
        S::InvalidKey => Error::InvalidKey(empty()),
        S::InvalidCertificate => Error::InvalidCertificate(empty()),
        S::KeyMismatch => Error::KeyMismatch,
        S::InvalidTrustAnchor => Error::InvalidTrustAnchor(empty()),
        S::TooLarge => Error::TooLarge {
            what: "",
            limit: 0,
            found: 0,
        },
        S::BufferTooSmall => Error::BufferTooSmall { needed: 0 },
        S::InvalidArgument => Error::InvalidArgument(empty()),
        S::InvalidResponse => Error::InvalidResponse(empty()),
        S::Internal => Error::Internal(empty()),
        S::IssuerMismatch => Error::IssuerMismatch {
            expected: empty(),
            found: empty(),
        },
        S::PartyUnknown => Error::PartyUnknown(empty()),
        S::PartyNotActive => Error::PartyNotActive(empty()),
        S::PartyCertificateUnknown => Error::PartyCertificateUnknown(empty()),
        S::TokenEndpoint => Error::TokenEndpoint {
            status: 0,
            error: None,
            error_description: None,
        },
        S::Network => Error::Network(empty()),
        S::CertificateUsage => Error::CertificateUsage(empty()),
        S::ReplayStore => Error::ReplayStore(empty()),
        S::KeyStore => Error::KeyStore(empty()),
    })
}

/// The HTTP status to answer with: 400, 500 or 503. 0 if `oauth` is NULL.
///
/// # Safety
///
/// `oauth` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_oauth_error_status(oauth: *const ishare_oauth_error) -> u16 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(oauth, |o| o.status) }
}

/// The `error` code: `invalid_request`, `invalid_client`,
/// `unsupported_grant_type`, `temporarily_unavailable` or `server_error`.
/// NULL if `oauth` is NULL.
///
/// Ownership: the string belongs to the OAuth error and stays valid until
/// `ishare_oauth_error_free`; do not free it.
///
/// # Safety
///
/// `oauth` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_oauth_error_error(
    oauth: *const ishare_oauth_error,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(oauth, |o| &o.error) }
}

/// The `error_description`: what was wrong, for the client's developer.
/// NULL if `oauth` is NULL.
///
/// Ownership: as for `ishare_oauth_error_error`.
///
/// # Safety
///
/// `oauth` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_oauth_error_description(
    oauth: *const ishare_oauth_error,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(oauth, |o| &o.error_description) }
}

/// The JSON body to send: `{"error":...,"error_description":...}`. NULL if
/// `oauth` is NULL.
///
/// Ownership: as for `ishare_oauth_error_error`.
///
/// # Safety
///
/// `oauth` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_oauth_error_body(
    oauth: *const ishare_oauth_error,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(oauth, |o| &o.body) }
}

/// Frees an OAuth error and the strings its getters returned. NULL is
/// accepted and ignored.
///
/// Ownership: takes the OAuth error back from the caller; neither it nor any
/// string read from it may be used afterwards.
///
/// # Safety
///
/// `oauth` is NULL or an OAuth error from `ishare_oauth_error_from_last_error`
/// or `ishare_oauth_error_for_status` not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_oauth_error_free(oauth: *mut ishare_oauth_error) {
    // SAFETY: NULL, or made by Box::into_raw in this module and, per the
    // caller, not freed before.
    unsafe { free_handle(oauth) }
}

/// Writes the body of a successful token response (RFC 6749 §5.1):
/// `{"access_token":...,"token_type":"Bearer","expires_in":N}`, with
/// `,"scope":...` before the `}` when `scope` is not NULL. Send it with
/// status 200 and the headers of `ishare_token_response_header_name`/`_value`.
///
/// The buffer rules are those of `ishare_signer_client_assertion`: the text
/// and a NUL if both fit (`*len_out` = its length), else nothing but
/// `*len_out` = the length needed and `ISHARE_STATUS_BUFFER_TOO_SMALL`;
/// `buf` NULL with `buf_len` 0 asks for the size.
///
/// Ownership: everything stays the caller's.
///
/// # Safety
///
/// `access_token` is NULL or NUL-terminated, `scope` too; `buf` is NULL or
/// has `buf_len` writable bytes; `len_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_response_body(
    access_token: *const c_char,
    expires_in: u64,
    scope: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> ishare_status {
    status_boundary(|| {
        let out = OutBuffer::new(buf, buf_len, len_out)?;
        // SAFETY: NUL-terminated strings per the caller, read during this
        // call only.
        let (access_token, scope) = unsafe {
            (
                arg_str(access_token, "access_token")?,
                opt_arg_str(scope, "scope")?,
            )
        };
        let body = token_response_body(access_token, expires_in, scope);
        // SAFETY: `buf`/`len_out` as the caller guarantees.
        unsafe { out.write(&body) }
    })
}

/// `TOKEN_RESPONSE_HEADERS` as C strings.
fn response_headers() -> &'static [(CString, CString)] {
    static HEADERS: OnceLock<Vec<(CString, CString)>> = OnceLock::new();
    HEADERS.get_or_init(|| {
        TOKEN_RESPONSE_HEADERS
            .iter()
            .filter_map(|(name, value)| {
                Some((CString::new(*name).ok()?, CString::new(*value).ok()?))
            })
            .collect()
    })
}

fn response_header(index: usize, part: fn(&(CString, CString)) -> &CStr) -> *const c_char {
    value_boundary(core::ptr::null(), || {
        response_headers()
            .get(index)
            .map_or(core::ptr::null(), |header| part(header).as_ptr())
    })
}

/// The name of header `index` that every token-endpoint answer carries,
/// success or error (RFC 6749 §5.1, §5.2): `Content-Type`
/// (`application/json`), `Cache-Control` (`no-store`), `Pragma`
/// (`no-cache`). NULL for an index past the last, so
/// `for (i = 0; (name = ishare_token_response_header_name(i)) != NULL; i++)`
/// walks them all.
///
/// Ownership: the string is static; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_token_response_header_name(index: usize) -> *const c_char {
    response_header(index, |(name, _)| name)
}

/// The value of header `index` (see `ishare_token_response_header_name`);
/// NULL for an index past the last.
///
/// Ownership: the string is static; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_token_response_header_value(index: usize) -> *const c_char {
    response_header(index, |(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_but_ok_has_an_error_of_its_number() {
        assert!(error_of(ishare_status::Ok).is_none());
        for code in 1..u32::MAX {
            let Some(status) = ishare_status::from_code(code) else {
                break;
            };
            let error = error_of(status).unwrap();
            assert_eq!(error.code(), code, "{status:?}");
            assert_eq!(ishare_status::from(&error), status);
        }
    }

    #[test]
    fn every_header_is_there() {
        assert_eq!(response_headers().len(), TOKEN_RESPONSE_HEADERS.len());
        assert!(ishare_token_response_header_name(TOKEN_RESPONSE_HEADERS.len()).is_null());
    }
}
