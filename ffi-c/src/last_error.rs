//! The thread-local record of the last failed call: its detail message, and
//! what C may read of it besides (a token endpoint's refusal, the OAuth
//! answer a token endpoint should give).

use core::cell::RefCell;
use core::ffi::c_char;

use ishare_jwt::{Error, OAuthError};

use crate::panic::value_boundary;

/// What this thread remembers of its last failed call.
struct LastError {
    /// `error`'s message (empty after a success).
    message: String,
    /// The error itself; `None` after a success.
    error: Option<Error>,
    /// The OAuth answer, when it is not `OAuthError::from_error(error)`
    /// (a token request `ishare_parse_token_request` refused).
    oauth: Option<OAuthError>,
}

std::thread_local! {
    static LAST_ERROR: RefCell<LastError> = const {
        RefCell::new(LastError { message: String::new(), error: None, oauth: None })
    };
}

/// Records `error` as this thread's last error.
pub(crate) fn set(error: Error) {
    store(error, None);
}

/// Records `error` as this thread's last error, answered with `oauth`
/// (a token request refused before any verification).
pub(crate) fn set_refused_request(error: Error, oauth: OAuthError) {
    store(error, Some(oauth));
}

fn store(error: Error, oauth: Option<OAuthError>) {
    let message = error.to_string();
    // A thread being torn down has no slot left; the record is then dropped.
    let _ = LAST_ERROR.try_with(|slot| {
        *slot.borrow_mut() = LastError {
            message,
            error: Some(error),
            oauth,
        };
    });
}

/// Forgets this thread's last error (after a call that succeeded).
pub(crate) fn clear() {
    let _ = LAST_ERROR.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        slot.message.clear();
        slot.error = None;
        slot.oauth = None;
    });
}

/// The OAuth answer (RFC 6749 §5.2) to this thread's last failed call, or
/// `None` after a success.
pub(crate) fn oauth_answer() -> Option<OAuthError> {
    LAST_ERROR
        .try_with(|slot| {
            let slot = slot.borrow();
            slot.oauth
                .clone()
                .or_else(|| slot.error.as_ref().map(OAuthError::from_error))
        })
        .ok()
        .flatten()
}

/// Reads the last `Error::TokenEndpoint`'s fields with `read`; `None` when
/// the last error is another kind (or there is none).
fn with_token_endpoint<R>(read: impl FnOnce(u16, Option<&str>, Option<&str>) -> R) -> Option<R> {
    LAST_ERROR
        .try_with(|slot| match &slot.borrow().error {
            Some(Error::TokenEndpoint {
                status,
                error,
                error_description,
            }) => Some(read(
                *status,
                error.as_deref(),
                error_description.as_deref(),
            )),
            _ => None,
        })
        .ok()
        .flatten()
}

/// Copies `text` into `buf` as `ishare_last_error` describes (cut at a UTF-8
/// character boundary to fit `buf_len` - 1 bytes, then a NUL) and returns
/// its full length.
///
/// # Safety
///
/// `buf` is NULL or points to `buf_len` writable bytes, not overlapping `text`.
unsafe fn copy_cut(text: &str, buf: *mut c_char, buf_len: usize) -> usize {
    if !buf.is_null() && buf_len > 0 {
        let mut cut = text.len().min(buf_len - 1);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let bytes = text.as_bytes().get(..cut).unwrap_or_default();
        // SAFETY: the caller guarantees `buf_len` writable bytes at `buf`; we
        // write `cut` + 1 <= `buf_len` of them, from a string that cannot
        // overlap the caller's buffer.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), cut);
            buf.add(cut).write(0);
        }
    }
    text.len()
}

/// Copies this thread's last error message into `buf` and returns its full
/// length in bytes, without the terminating NUL.
///
/// Every function returning an `ishare_status` sets the message when it fails
/// and clears it when it succeeds (then the message is empty and 0 is
/// returned). The message names what was wrong; it never contains key
/// material.
///
/// If `buf` is not NULL and `buf_len` > 0, writes at most `buf_len` - 1 bytes
/// of the message (cut at a UTF-8 character boundary) and a terminating NUL.
/// A return value >= `buf_len` means the message was cut: call again with a
/// buffer of at least the returned length + 1. `buf` may be NULL (with any
/// `buf_len`) to ask for the length only.
///
/// Ownership: `buf` stays the caller's; nothing is kept after the call.
///
/// # Safety
///
/// `buf` is NULL or points to `buf_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_last_error(buf: *mut c_char, buf_len: usize) -> usize {
    value_boundary(0, || {
        LAST_ERROR
            // SAFETY: `buf` as the caller guarantees.
            .try_with(|slot| unsafe { copy_cut(&slot.borrow().message, buf, buf_len) })
            .unwrap_or(0)
    })
}

/// The HTTP status of the token endpoint's answer, when this thread's last
/// failed call gave `ISHARE_STATUS_TOKEN_ENDPOINT`
/// (`ishare_token_manager_finish` with a status other than 200); 0 after any
/// other error and after a success.
///
/// The refusal's fields live with the detail message, in this thread's last
/// error: read them right after the failed call, before the next call that
/// returns an `ishare_status` (it replaces or clears them). Reading them
/// changes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_last_error_token_endpoint_status() -> u16 {
    value_boundary(0, || {
        with_token_endpoint(|status, _, _| status).unwrap_or(0)
    })
}

/// The `error` code the token endpoint sent (RFC 6749 §5.2:
/// `invalid_client`, `invalid_request`, ...), when this thread's last failed
/// call gave `ISHARE_STATUS_TOKEN_ENDPOINT`. Copied into `buf` and measured
/// exactly as `ishare_last_error` does; the length is 0 (and `buf`, if
/// given, the empty string) when the server sent none (its body was not the
/// JSON object of §5.2), after any other error and after a success.
/// Characters a log should not show raw (control characters and the like)
/// are escaped, and a long value is shortened, as in the detail message.
///
/// Ownership and timing: as for `ishare_last_error` and
/// `ishare_last_error_token_endpoint_status`.
///
/// # Safety
///
/// `buf` is NULL or points to `buf_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_last_error_token_endpoint_error(
    buf: *mut c_char,
    buf_len: usize,
) -> usize {
    value_boundary(0, || {
        let error = with_token_endpoint(|_, error, _| error.unwrap_or_default().to_owned());
        // SAFETY: `buf` as the caller guarantees.
        unsafe { copy_cut(error.as_deref().unwrap_or_default(), buf, buf_len) }
    })
}

/// The `error_description` the token endpoint sent, when this thread's last
/// failed call gave `ISHARE_STATUS_TOKEN_ENDPOINT`; otherwise (none sent,
/// another error, a success) the length is 0. Copied, measured, escaped and
/// shortened as by `ishare_last_error_token_endpoint_error`.
///
/// # Safety
///
/// `buf` is NULL or points to `buf_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_last_error_token_endpoint_description(
    buf: *mut c_char,
    buf_len: usize,
) -> usize {
    value_boundary(0, || {
        let description =
            with_token_endpoint(|_, _, description| description.unwrap_or_default().to_owned());
        // SAFETY: `buf` as the caller guarantees.
        unsafe { copy_cut(description.as_deref().unwrap_or_default(), buf, buf_len) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(f: unsafe extern "C" fn(*mut c_char, usize) -> usize, buf_len: usize) -> String {
        let mut buf = vec![0x55_u8; buf_len];
        // SAFETY: `buf` has `buf_len` writable bytes.
        let len = unsafe { f(buf.as_mut_ptr().cast(), buf_len) };
        let end = buf.iter().position(|&b| b == 0).unwrap();
        assert!(end <= len);
        String::from_utf8(buf.get(..end).unwrap().to_vec()).unwrap()
    }

    fn last_error(buf_len: usize) -> (usize, Vec<u8>) {
        let mut buf = vec![0x55_u8; buf_len];
        // SAFETY: `buf` has `buf_len` writable bytes.
        let len = unsafe { ishare_last_error(buf.as_mut_ptr().cast(), buf_len) };
        (len, buf)
    }

    #[test]
    fn reports_full_length_and_truncates_on_a_char_boundary() {
        set(Error::InvalidArgument("bad caf\u{e9}".into()));
        let message = "bad caf\u{e9}";
        let (len, buf) = last_error(64);
        assert_eq!(len, message.len());
        assert_eq!(buf.get(..=len).unwrap(), format!("{message}\0").as_bytes());
        // Room for "bad caf" plus half of "é": the half is dropped.
        let (len, buf) = last_error(message.len());
        assert_eq!(len, message.len());
        assert_eq!(buf.get(..8).unwrap(), b"bad caf\0");
        // SAFETY: a NULL buffer is allowed.
        assert_eq!(unsafe { ishare_last_error(core::ptr::null_mut(), 10) }, len);
        clear();
        assert_eq!(last_error(4), (0, vec![0, 0x55, 0x55, 0x55]));
    }

    #[test]
    fn is_per_thread() {
        set(Error::KeyMismatch);
        let other = std::thread::spawn(|| last_error(8).0).join().unwrap();
        assert_eq!(other, 0);
        assert!(last_error(8).0 > 0);
    }

    #[test]
    fn a_token_endpoint_refusal_keeps_the_servers_fields() {
        set(Error::TokenEndpoint {
            status: 400,
            error: Some("invalid_client".into()),
            error_description: Some("no such client".into()),
        });
        assert_eq!(ishare_last_error_token_endpoint_status(), 400);
        assert_eq!(
            read(ishare_last_error_token_endpoint_error, 64),
            "invalid_client"
        );
        assert_eq!(read(ishare_last_error_token_endpoint_error, 8), "invalid");
        assert_eq!(
            read(ishare_last_error_token_endpoint_description, 64),
            "no such client"
        );
        // The message reads after the kind: "token_endpoint: 400 ...".
        assert_eq!(
            read(ishare_last_error, 64),
            "400 invalid_client: no such client"
        );
        // Another kind of error, then a success: no fields.
        set(Error::InvalidResponse("x".into()));
        assert_eq!(ishare_last_error_token_endpoint_status(), 0);
        assert_eq!(read(ishare_last_error_token_endpoint_error, 8), "");
        set(Error::TokenEndpoint {
            status: 503,
            error: None,
            error_description: None,
        });
        assert_eq!(ishare_last_error_token_endpoint_status(), 503);
        // SAFETY: a NULL buffer asks for the length only.
        let len = unsafe { ishare_last_error_token_endpoint_description(core::ptr::null_mut(), 0) };
        assert_eq!(len, 0);
        clear();
        assert_eq!(ishare_last_error_token_endpoint_status(), 0);
        assert!(oauth_answer().is_none());
    }
}
