//! `ishare_signer_from_callback`: a signer whose signatures come from the
//! caller's function — a key service (Azure Key Vault, AWS KMS, Google
//! Cloud KMS), a TPM, a PKCS#11 library of its own.

use core::ffi::{c_char, c_int, c_void};

use ishare_jwt::{Error, ExternalKey, PendingSignature, Signer};

use crate::panic::status_boundary;
use crate::signer::ishare_signer;
use crate::status::ishare_status;
use crate::strings::{Out, arg_str};

/// The size of the buffer a signing callback writes into: room for an RSA
/// signature of up to 8192 bits.
pub const ISHARE_SIGNATURE_CAPACITY: usize = 1024;

/// Signs one token for `ishare_signer_from_callback`.
///
/// Called with the `ctx` given there; `message`/`message_len`: the JWS
/// signing input (`header.payload`); `digest`/`digest_len`: its SHA-256 (32
/// bytes); `algorithm`: the JWS algorithm, `"RS256"`. A service that
/// signs a digest (AWS KMS with `MessageType=DIGEST`, Azure Key Vault
/// `sign` with `RS256`, Google Cloud KMS `asymmetricSign`) takes `digest`;
/// one that hashes itself takes `message`; a raw RSA PKCS#1 v1.5 signer
/// (PKCS#11 `CKM_RSA_PKCS`) takes the DER DigestInfo: the 19 bytes
/// `30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20` followed by
/// `digest`.
///
/// Write the RSASSA-PKCS1-v1_5 SHA-256 signature (as many bytes as the key's
/// modulus) to `signature_out`, which holds `signature_capacity`
/// (`ISHARE_SIGNATURE_CAPACITY`) bytes, set `*signature_len_out` to its
/// length and return 0. Return any other value on failure: the signing call
/// then fails with `ISHARE_STATUS_KEY_STORE`, the detail naming the value.
/// A signature that the leaf certificate's key does not verify (another
/// key, another padding, garbage) gives `ISHARE_STATUS_KEY_MISMATCH`;
/// never a token.
///
/// The pointers are valid only during the call. The callback runs on the
/// thread that signs, and on several threads at once when several threads
/// sign with one signer: make `ctx` safe for that, or use one signer per
/// thread. It must return normally (no `longjmp`, no C++ exception).
#[allow(non_camel_case_types)]
pub type ishare_sign_callback = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        message: *const u8,
        message_len: usize,
        digest: *const u8,
        digest_len: usize,
        algorithm: *const c_char,
        signature_out: *mut u8,
        signature_capacity: usize,
        signature_len_out: *mut usize,
    ) -> c_int,
>;

/// The caller's callback and context, as the core's key source.
struct CallbackKey {
    sign: unsafe extern "C" fn(
        *mut c_void,
        *const u8,
        usize,
        *const u8,
        usize,
        *const c_char,
        *mut u8,
        usize,
        *mut usize,
    ) -> c_int,
    ctx: *mut c_void,
}

// SAFETY: the callback and its context are the caller's, who is told (on
// `ishare_sign_callback`) that they are called from any thread that signs,
// at once from several.
unsafe impl Send for CallbackKey {}
// SAFETY: as for Send.
unsafe impl Sync for CallbackKey {}

impl ExternalKey for CallbackKey {
    fn sign(&self, pending: &PendingSignature) -> ishare_jwt::Result<Vec<u8>> {
        let (message, digest) = (pending.message(), pending.digest());
        let mut signature = vec![0u8; ISHARE_SIGNATURE_CAPACITY];
        // Left as it is unless the callback sets it.
        let mut len = usize::MAX;
        // SAFETY: the pointers are valid for the lengths given, for the
        // duration of the call; `ctx` is the caller's, used as they said.
        let status = unsafe {
            (self.sign)(
                self.ctx,
                message.as_ptr(),
                message.len(),
                digest.as_ptr(),
                digest.len(),
                c"RS256".as_ptr(),
                signature.as_mut_ptr(),
                signature.len(),
                &mut len,
            )
        };
        if status != 0 {
            return Err(Error::KeyStore(format!(
                "the signing callback failed (it returned {status})"
            )));
        }
        if len == usize::MAX {
            return Err(Error::KeyStore(
                "the signing callback returned 0 but did not set *signature_len_out".into(),
            ));
        }
        if len > ISHARE_SIGNATURE_CAPACITY {
            return Err(Error::KeyStore(format!(
                "the signing callback reported a {len}-byte signature, more than the {ISHARE_SIGNATURE_CAPACITY}-byte buffer"
            )));
        }
        signature.truncate(len);
        Ok(signature)
    }
}

/// Loads a signer whose signatures come from `sign_fn` (see
/// `ishare_sign_callback`): for a key in a key service (Azure Key Vault,
/// AWS KMS, Google Cloud KMS), a TPM, or a device the caller drives
/// itself. `chain_pem`: the PEM certificate chain, leaf first; `client_id`:
/// the party id the leaf names. `ctx` is passed to every call of `sign_fn`
/// as it is (it may be NULL).
///
/// Every signing function works with the signer (`ishare_signer_client_assertion`,
/// `ishare_signer_sign_jwt`, `ishare_signer_token_request`, the token
/// manager); each signature is checked with the leaf's key before a token
/// is returned. A NULL `sign_fn` is `ISHARE_STATUS_INVALID_ARGUMENT`.
///
/// On success stores a new signer in `*signer_out`; otherwise leaves it
/// untouched.
///
/// Ownership: the strings are only read during the call. `ctx` stays the
/// caller's: it must stay valid until the signer is freed (and the token
/// manager that took the signer over, if any); free it after
/// `ishare_signer_free`. The caller owns the new signer.
///
/// # Safety
///
/// Each string is NULL or NUL-terminated; `signer_out` is NULL or
/// writable; `sign_fn` is NULL or a function of the documented shape that
/// may be called as `ishare_sign_callback` says, with `ctx`, until the
/// signer is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_from_callback(
    chain_pem: *const c_char,
    client_id: *const c_char,
    sign_fn: ishare_sign_callback,
    ctx: *mut c_void,
    signer_out: *mut *mut ishare_signer,
) -> ishare_status {
    status_boundary(|| {
        let signer_out = Out::new(signer_out, "signer_out")?;
        // SAFETY: NUL-terminated strings per the caller, read during this call only.
        let (chain_pem, client_id) = unsafe {
            (
                arg_str(chain_pem, "chain_pem")?,
                arg_str(client_id, "client_id")?,
            )
        };
        let sign = sign_fn.ok_or_else(|| crate::strings::null("sign_fn"))?;
        let key = CallbackKey { sign, ctx };
        let inner = Signer::from_external_pem(Box::new(key), chain_pem, client_id)?;
        let signer = Box::into_raw(Box::new(ishare_signer::new(inner)?));
        // SAFETY: `signer_out` is writable per the caller.
        unsafe { signer_out.write(signer) };
        Ok(())
    })
}
