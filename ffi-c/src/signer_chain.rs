//! What a signer knows of its own chain (checked when it was made): until
//! when it can sign, and what loads but some verifiers will refuse.

use core::ffi::c_char;

use crate::owned_string::give_string;
use crate::panic::status_boundary;
use crate::signer::ishare_signer;
use crate::status::ishare_status;
use crate::strings::{Out, arg_ref, number_field};

/// The last second (Unix) at which every certificate of the signer's chain
/// is valid: alert before it, renew the certificate. 0 for a NULL signer.
///
/// # Safety
///
/// `signer` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_not_after(signer: *const ishare_signer) -> i64 {
    // SAFETY: NULL or live per the caller.
    unsafe { number_field(signer, |s| s.core().not_after()) }
}

/// What loaded but some verifiers will refuse (a chain that ends below its
/// root, which verifiers trusting by SHA-256 fingerprint — the iSHARE way —
/// refuse; a root without basicConstraints), one sentence with its fix per
/// line, lines joined by `\n` with no newline at the end. The empty string
/// when every verifier accepts the chain.
///
/// On success stores the text in `*text_out`; otherwise leaves it untouched.
///
/// Ownership: the caller owns the new string and frees it with
/// `ishare_string_free`.
///
/// # Safety
///
/// `signer` is NULL or live; `text_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_warnings(
    signer: *const ishare_signer,
    text_out: *mut *mut c_char,
) -> ishare_status {
    status_boundary(|| {
        let text_out = Out::new(text_out, "text_out")?;
        // SAFETY: a live signer per the caller, read during this call only.
        let signer = unsafe { arg_ref(signer, "signer")? };
        let text = signer.core().warnings().join("\n");
        // SAFETY: `text_out` is writable per the caller.
        unsafe { give_string(text_out, "the warnings", text) }
    })
}
