//! The panic boundary every `extern "C"` body runs in.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ishare_jwt::Error;

use crate::last_error;
use crate::status::ishare_status;

/// Runs a fallible body: success clears the thread's last error and gives
/// `Ok`; an error (or a panic, as `Internal`) records the message and gives
/// its status.
pub(crate) fn status_boundary(body: impl FnOnce() -> Result<(), Error>) -> ishare_status {
    // AssertUnwindSafe: after a panic the only state we touch again is a
    // verifier's replay-cache mutex, whose poisoning is handled where it is
    // locked.
    let outcome = catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(Error::Internal(panic_message(payload.as_ref()))));
    match outcome {
        Ok(()) => {
            last_error::clear();
            ishare_status::Ok
        }
        Err(error) => {
            last_error::set(&error);
            ishare_status::from(&error)
        }
    }
}

/// Runs an infallible body (getters, `*_free`); a panic records an internal
/// error and gives `fallback`.
pub(crate) fn value_boundary<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        last_error::set(&Error::Internal(panic_message(payload.as_ref())));
        fallback
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("panic at the C boundary: {detail}")
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
        assert_eq!(message, "internal error: panic at the C boundary: boom");
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
