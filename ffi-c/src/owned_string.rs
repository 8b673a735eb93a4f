//! Strings the library hands over to the caller (`char **…_out`), and the
//! one function that frees them: `ishare_string_free`. For text whose size
//! the caller cannot know in advance (an explain report, a signer's
//! warnings), where a caller buffer would mean calling twice.

use core::ffi::c_char;
use std::ffi::CString;

use ishare_jwt::Error;

use crate::panic::value_boundary;
use crate::strings::{Out, c_string};

/// Hands `text` (the value of `what`) to the caller through `out`.
///
/// # Safety
///
/// The pointer given to [`Out::new`] is valid for a write.
pub(crate) unsafe fn give_string(
    out: Out<*mut c_char>,
    what: &str,
    text: String,
) -> Result<(), Error> {
    let owned = c_string(what, text)?.into_raw();
    // SAFETY: writable per the caller.
    unsafe { out.write(owned) };
    Ok(())
}

/// Frees a string the library gave to the caller through a `char **…_out`
/// parameter (`ishare_verifier_explain`, `ishare_verifier_explain_jwt`,
/// `ishare_signer_warnings`). NULL is ignored. Never pass it a string a
/// handle lends (the `ishare_assertion_*` getters and the like) or one
/// from another allocator.
///
/// # Safety
///
/// `text` is NULL or a string from one of those functions, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_string_free(text: *mut c_char) {
    value_boundary((), || {
        if !text.is_null() {
            // SAFETY: made by CString::into_raw (give_string) and, per the
            // caller, not freed before.
            drop(unsafe { CString::from_raw(text) });
        }
    });
}
