//! Pointer and string conversion at the C boundary: NULL and UTF-8 checks,
//! caller buffers, out-parameters. Nothing here knows about tokens.

use core::ffi::{CStr, c_char};
use core::ptr::NonNull;
use std::ffi::CString;

use ishare_jwt::Error;

use crate::panic::value_boundary;

/// `name is NULL` as an error.
pub(crate) fn null(name: &str) -> Error {
    Error::InvalidArgument(format!("{name} is NULL"))
}

/// Borrows a NUL-terminated UTF-8 string argument.
///
/// # Safety
///
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(null(name));
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string
    // valid for 'a.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map_err(|e| {
        Error::InvalidArgument(format!(
            "{name} is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })
}

/// Like [`arg_str`], but NULL means "not given".
///
/// # Safety
///
/// As for [`arg_str`].
pub(crate) unsafe fn opt_arg_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { arg_str(ptr, name) }.map(Some)
}

/// Borrows a `(pointer, length)` byte argument. NULL is allowed (as no
/// bytes) only with `len` 0.
///
/// # Safety
///
/// `ptr` is NULL or points to `len` readable bytes that stay valid and
/// unchanged for `'a`.
pub(crate) unsafe fn arg_bytes<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(null(&format!("{name} (with {name}_len > 0)")))
        };
    }
    if len > isize::MAX as usize {
        return Err(Error::InvalidArgument(format!(
            "{name}_len {len} is not a length"
        )));
    }
    // SAFETY: not NULL, `len` readable bytes per the caller, and `len` fits
    // in isize (checked above).
    Ok(unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Borrows an opaque handle.
///
/// # Safety
///
/// `ptr` is NULL or a live handle of type `T` that outlives `'a` and is not
/// freed meanwhile.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: forwarded from the caller; NULL becomes `None`.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(name))
}

/// Copies `text` (the value of `what`) into a C string for a handle's getter.
pub(crate) fn c_string(what: &str, text: String) -> Result<CString, Error> {
    CString::new(text).map_err(|_| {
        Error::Malformed(format!(
            "{what} contains a NUL character, which a C string cannot carry"
        ))
    })
}

/// A getter of a string field of a possibly NULL handle (NULL for NULL).
///
/// # Safety
///
/// `handle` is NULL or live.
pub(crate) unsafe fn string_field<T>(handle: *const T, field: fn(&T) -> &CStr) -> *const c_char {
    value_boundary(core::ptr::null(), || {
        // SAFETY: NULL or live per the caller.
        unsafe { handle.as_ref() }.map_or(core::ptr::null(), |h| field(h).as_ptr())
    })
}

/// A getter of a number field of a possibly NULL handle (0 for NULL).
///
/// # Safety
///
/// `handle` is NULL or live.
pub(crate) unsafe fn number_field<T, N: Default>(handle: *const T, field: fn(&T) -> N) -> N {
    value_boundary(N::default(), || {
        // SAFETY: NULL or live per the caller.
        unsafe { handle.as_ref() }.map_or_else(N::default, field)
    })
}

/// Frees a handle made by `Box::into_raw`; NULL is ignored.
///
/// # Safety
///
/// `handle` is NULL or was made by `Box::into_raw` and is not freed before.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    value_boundary((), || {
        if !handle.is_null() {
            // SAFETY: made by Box::into_raw and, per the caller, not freed before.
            drop(unsafe { Box::from_raw(handle) });
        }
    });
}

/// An out-parameter, checked for NULL before any work is done and written
/// only once the work succeeded.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks `ptr` for NULL.
    pub(crate) fn new(ptr: *mut T, name: &str) -> Result<Out<T>, Error> {
        NonNull::new(ptr).map(Out).ok_or_else(|| null(name))
    }

    /// Stores `value`.
    ///
    /// # Safety
    ///
    /// The pointer given to [`Out::new`] is valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: not NULL (checked in `new`); valid per the caller.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// A caller's `char *buf, size_t buf_len, size_t *len_out` triple.
pub(crate) struct OutBuffer {
    buf: *mut c_char,
    buf_len: usize,
    len_out: Out<usize>,
}

impl OutBuffer {
    /// Checks the pointers: `len_out` must not be NULL; `buf` may be NULL only
    /// when `buf_len` is 0 (a query for the length needed).
    pub(crate) fn new(
        buf: *mut c_char,
        buf_len: usize,
        len_out: *mut usize,
    ) -> Result<Self, Error> {
        let len_out = Out::new(len_out, "len_out")?;
        if buf.is_null() && buf_len > 0 {
            return Err(null("buf (with buf_len > 0)"));
        }
        Ok(OutBuffer {
            buf,
            buf_len,
            len_out,
        })
    }

    /// Writes `text` and a terminating NUL and sets `*len_out` to its length;
    /// if it does not fit, writes nothing but `*len_out` = the length needed
    /// (without the NUL) and fails with `BufferTooSmall`.
    ///
    /// # Safety
    ///
    /// `buf` points to `buf_len` writable bytes (or is NULL with `buf_len`
    /// 0) and `len_out` to a writable `size_t`, neither overlapping `text`.
    pub(crate) unsafe fn write(self, text: &str) -> Result<(), Error> {
        let needed = text.len();
        if needed >= self.buf_len {
            // SAFETY: `len_out` is valid per the caller.
            unsafe { self.len_out.write(needed) };
            return Err(Error::BufferTooSmall { needed });
        }
        // SAFETY: `buf` is not NULL here (buf_len > needed >= 0) and has
        // `buf_len` > `needed` writable bytes, so `needed` bytes plus the NUL
        // fit; `text` cannot overlap it. `len_out` is valid per the caller.
        unsafe {
            core::ptr::copy_nonoverlapping(text.as_ptr(), self.buf.cast::<u8>(), needed);
            self.buf.add(needed).write(0);
            self.len_out.write(needed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked() {
        // SAFETY: NULL and a static C string.
        unsafe {
            assert!(
                matches!(arg_str(core::ptr::null(), "x"), Err(Error::InvalidArgument(m)) if m == "x is NULL")
            );
            assert_eq!(opt_arg_str(core::ptr::null(), "x").unwrap(), None);
            assert_eq!(arg_str(c"abc".as_ptr(), "x").unwrap(), "abc");
            let err = arg_str(c"ab\xffc".as_ptr(), "x").unwrap_err();
            assert_eq!(err.to_string(), "x is not valid UTF-8 (at byte 2)");
        }
    }

    #[test]
    fn byte_arguments_are_checked() {
        let bytes = c"abc";
        // SAFETY: NULL, or three readable bytes.
        unsafe {
            assert_eq!(arg_bytes(core::ptr::null(), 0, "body").unwrap(), b"");
            let err = arg_bytes(core::ptr::null(), 1, "body").unwrap_err();
            assert_eq!(err.to_string(), "body (with body_len > 0) is NULL");
            assert_eq!(arg_bytes(bytes.as_ptr(), 3, "body").unwrap(), b"abc");
            assert!(arg_bytes(bytes.as_ptr(), usize::MAX, "body").is_err());
        }
    }

    #[test]
    fn buffers_fit_or_report_the_size() {
        let mut len = 99_usize;
        let mut small = [7_u8; 3];
        let out = OutBuffer::new(small.as_mut_ptr().cast(), 3, &mut len).unwrap();
        // SAFETY: `small` has 3 writable bytes, `len` is a usize.
        let err = unsafe { out.write("abc") }.unwrap_err();
        assert_eq!(err, Error::BufferTooSmall { needed: 3 });
        assert_eq!((len, small), (3, [7, 7, 7]));

        let mut fits = [7_u8; 4];
        let out = OutBuffer::new(fits.as_mut_ptr().cast(), 4, &mut len).unwrap();
        // SAFETY: as above, with 4 bytes.
        unsafe { out.write("abc") }.unwrap();
        assert_eq!((len, &fits), (3, b"abc\0"));

        assert!(OutBuffer::new(core::ptr::null_mut(), 1, &mut len).is_err());
        assert!(OutBuffer::new(fits.as_mut_ptr().cast(), 4, core::ptr::null_mut()).is_err());
        let query = OutBuffer::new(core::ptr::null_mut(), 0, &mut len).unwrap();
        // SAFETY: a NULL buffer of length 0 is never written.
        assert!(unsafe { query.write("hello") }.is_err());
        assert_eq!(len, 5);
    }
}
