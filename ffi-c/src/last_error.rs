//! The thread-local detail message of the last failed call.

use core::cell::RefCell;
use core::ffi::c_char;

use ishare_jwt::Error;

use crate::panic::value_boundary;

std::thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `error`'s message as this thread's last error.
pub(crate) fn set(error: &Error) {
    let message = error.to_string();
    // A thread being torn down has no slot left; the message is then dropped.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = message);
}

/// Forgets this thread's last error (after a call that succeeded).
pub(crate) fn clear() {
    let _ = LAST_ERROR.try_with(|slot| slot.borrow_mut().clear());
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
            .try_with(|slot| {
                let message = slot.borrow();
                if !buf.is_null() && buf_len > 0 {
                    let mut cut = message.len().min(buf_len - 1);
                    while !message.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    let bytes = message.as_bytes().get(..cut).unwrap_or_default();
                    // SAFETY: the caller guarantees `buf_len` writable bytes at
                    // `buf`; we write `cut` + 1 <= `buf_len` of them, from a
                    // String that cannot overlap the caller's buffer.
                    unsafe {
                        core::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), cut);
                        buf.add(cut).write(0);
                    }
                }
                message.len()
            })
            .unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error(buf_len: usize) -> (usize, Vec<u8>) {
        let mut buf = vec![0x55_u8; buf_len];
        // SAFETY: `buf` has `buf_len` writable bytes.
        let len = unsafe { ishare_last_error(buf.as_mut_ptr().cast(), buf_len) };
        (len, buf)
    }

    #[test]
    fn reports_full_length_and_truncates_on_a_char_boundary() {
        set(&Error::InvalidArgument("caf\u{e9}".into()));
        let message = "invalid argument: caf\u{e9}";
        let (len, buf) = last_error(64);
        assert_eq!(len, message.len());
        assert_eq!(buf.get(..=len).unwrap(), format!("{message}\0").as_bytes());
        // Room for "invalid argument: caf" plus half of "é": the half is dropped.
        let (len, buf) = last_error(message.len());
        assert_eq!(len, message.len());
        assert_eq!(buf.get(..22).unwrap(), b"invalid argument: caf\0");
        // SAFETY: a NULL buffer is allowed.
        assert_eq!(unsafe { ishare_last_error(core::ptr::null_mut(), 10) }, len);
        clear();
        assert_eq!(last_error(4), (0, vec![0, 0x55, 0x55, 0x55]));
    }

    #[test]
    fn is_per_thread() {
        set(&Error::KeyMismatch);
        let other = std::thread::spawn(|| last_error(8).0).join().unwrap();
        assert_eq!(other, 0);
        assert!(last_error(8).0 > 0);
    }
}
