//! `ishare_signer_from_pkcs11`: a signer whose key stays on a PKCS#11 token.

use core::ffi::c_char;

use crate::panic::status_boundary;
use crate::signer::ishare_signer;
use crate::status::ishare_status;
use crate::strings::{Out, arg_str, opt_arg_str};

/// Loads a signer whose private key never leaves its PKCS#11 device (an
/// HSM, a USB token, a smart card), named by an RFC 7512 URI:
/// `pkcs11:token=…;object=…;id=%01;type=private?module-path=/path/module.so&pin-source=file:/path`.
/// The module is loaded at run time, once per process.
///
/// `pin`: NULL means the URI's `pin-value` or `pin-source`, else the
/// environment variable `ISHARE_PKCS11_PIN` (none is needed for a token
/// without login or with a PIN pad). `chain_pem`: the PEM certificate
/// chain, leaf first; NULL means the chain stored on the token (the
/// certificate object with the key's id, or label, and its issuers).
/// `client_id`: the party id the leaf names.
///
/// The token signs with `CKM_SHA256_RSA_PKCS` (or `CKM_RSA_PKCS` over the
/// DigestInfo); every signature is checked with the leaf's key. Errors:
/// a malformed URI is `ISHARE_STATUS_INVALID_ARGUMENT` naming the part; a
/// module that does not load, a token or key not found, a wrong or locked
/// PIN, a device error are `ISHARE_STATUS_KEY_STORE`, the detail naming the
/// token and the object, never the PIN; a token key that is not the
/// leaf's is `ISHARE_STATUS_KEY_MISMATCH`.
///
/// On success stores a new signer in `*signer_out`; otherwise leaves it
/// untouched. Like every signer it is thread-safe: each signature takes a
/// PKCS#11 session of its own, so threads sign in parallel.
///
/// Ownership: the strings are only read during the call (the PIN is kept in
/// memory wiped when the signer is freed; clear your copy). The caller owns
/// the new signer and frees it with `ishare_signer_free`.
///
/// # Safety
///
/// Each string is NULL or NUL-terminated; `signer_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_from_pkcs11(
    uri: *const c_char,
    pin: *const c_char,
    chain_pem: *const c_char,
    client_id: *const c_char,
    signer_out: *mut *mut ishare_signer,
) -> ishare_status {
    status_boundary(|| {
        let signer_out = Out::new(signer_out, "signer_out")?;
        // SAFETY: NUL-terminated strings per the caller, read during this call only.
        let (uri, pin, chain_pem, client_id) = unsafe {
            (
                arg_str(uri, "uri")?,
                opt_arg_str(pin, "pin")?,
                opt_arg_str(chain_pem, "chain_pem")?,
                arg_str(client_id, "client_id")?,
            )
        };
        let inner = ishare_jwt_pkcs11::from_pkcs11(uri, pin, chain_pem, client_id)?;
        let signer = Box::into_raw(Box::new(ishare_signer::new(inner)?));
        // SAFETY: `signer_out` is writable per the caller.
        unsafe { signer_out.write(signer) };
        Ok(())
    })
}
