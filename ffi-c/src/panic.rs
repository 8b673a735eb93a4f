//! The panic boundary every `extern "C"` body runs in.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ishare_jwt::{Error, OAuthError};

use crate::last_error;
use crate::status::ishare_status;

/// Runs a fallible body: success clears the thread's last error and gives
/// `Ok`; an error (or a panic, as `Internal`) records the message and gives
/// its status.
pub(crate) fn status_boundary(body: impl FnOnce() -> Result<(), Error>) -> ishare_status {
    refusal_boundary(|| body().map_err(|error| (error, None)))
}

/// Like [`status_boundary`], for a body whose failure may carry the OAuth
/// answer a token endpoint gives it (a refused token request), kept with
/// the last error.
pub(crate) fn refusal_boundary(
    body: impl FnOnce() -> Result<(), (Error, Option<OAuthError>)>,
) -> ishare_status {
    // AssertUnwindSafe: after a panic the only state we touch again sits
    // behind a verifier's or token manager's lock, whose poisoning is handled
    // where it is locked.
    let outcome = catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err((Error::from_panic(payload.as_ref()), None)));
    match outcome {
        Ok(()) => {
            last_error::clear();
            ishare_status::Ok
        }
        Err((error, oauth)) => {
            let status = ishare_status::from(&error);
            match oauth {
                Some(oauth) => last_error::set_refused_request(error, oauth),
                None => last_error::set(error),
            }
            status
        }
    }
}

/// Runs an infallible body (getters, `*_free`); a panic records an internal
/// error and gives `fallback`.
pub(crate) fn value_boundary<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        last_error::set(Error::from_panic(payload.as_ref()));
        fallback
    })
}

/// Panics on purpose inside the panic boundary and returns what every
/// function returns after a panic: `ISHARE_STATUS_INTERNAL`, with the panic
/// in `ishare_last_error`. Lets a test (or a start-up health check) see that
/// a panic never crosses into C. Has no other effect.
#[allow(clippy::panic)] // the deliberate panic is the point
#[unsafe(no_mangle)]
pub extern "C" fn ishare_panic_selftest() -> ishare_status {
    status_boundary(|| panic!("deliberate panic of ishare_panic_selftest"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_status() {
        let status = status_boundary(|| panic!("boom"));
        assert_eq!(status, ishare_status::Internal);
        let mut buf = [0_u8; 128];
        // SAFETY: `buf` has 128 writable bytes.
        let len = unsafe { crate::ishare_last_error(buf.as_mut_ptr().cast(), buf.len()) };
        let message = std::str::from_utf8(buf.get(..len).unwrap()).unwrap();
        assert_eq!(
            message,
            "internal error: panic caught at the language boundary: boom"
        );
        assert_eq!(value_boundary(7, || panic!("again")), 7);
    }

    #[test]
    fn errors_keep_their_status_and_success_clears() {
        let status = status_boundary(|| Err(Error::KeyMismatch));
        assert_eq!(status, ishare_status::KeyMismatch);
        assert_eq!(status_boundary(|| Ok(())), ishare_status::Ok);
        // SAFETY: a NULL buffer asks for the length only.
        assert_eq!(
            unsafe { crate::ishare_last_error(std::ptr::null_mut(), 0) },
            0
        );
    }
}
