//! `ishare_signer`: the client side (make client assertions and token requests).

use core::ffi::c_char;

use ishare_jwt::{Profile, Signer};

use crate::os::{resolve_now, rng};
use crate::panic::status_boundary;
use crate::status::ishare_status;
use crate::strings::{Out, OutBuffer, arg_ref, arg_str, free_handle, opt_arg_str};

/// A party's private key, certificate chain and party id, loaded once to sign
/// many client assertions (or other iSHARE JWTs). Opaque.
///
/// Ownership: made by `ishare_signer_from_pem` (or `_from_pem_oauth`), owned
/// by the caller until passed to `ishare_signer_free` (or handed over to
/// `ishare_token_manager_new`, which then owns it). It is immutable and
/// thread-safe: any number of threads may sign with one signer at the same
/// time. The private key is wiped from memory when the signer is freed.
#[allow(non_camel_case_types)]
pub struct ishare_signer {
    inner: Signer,
}

impl ishare_signer {
    /// A handle over a signer made elsewhere (a device, a callback), once
    /// its chain is valid at the system clock.
    pub(crate) fn new(inner: Signer) -> Result<ishare_signer, ishare_jwt::Error> {
        Ok(ishare_signer {
            inner: valid_now(inner)?,
        })
    }

    /// The core signer, for a handle that takes this one over.
    pub(crate) fn into_inner(self) -> Signer {
        self.inner
    }

    /// The core signer (for the chain accessors).
    pub(crate) fn core(&self) -> &Signer {
        &self.inner
    }
}

/// A signer that can sign now: a certificate of its chain that is not valid
/// at the system clock is refused when the signer is made (naming it,
/// `x5c[i]`), not by a partner later.
fn valid_now(signer: Signer) -> Result<Signer, ishare_jwt::Error> {
    signer.check_validity_at(resolve_now(-1)?)?;
    Ok(signer)
}

/// Loads a signer from a PEM private key (PKCS#8 or PKCS#1), a PEM
/// certificate chain (leaf first, each certificate followed by its issuer)
/// and the party id the leaf certificate names (`EU.EORI.NL000000001` or
/// `did:ishare:...`).
///
/// The chain is checked as every verifier will: each certificate issued by
/// the next, issuers v3 CAs, signature algorithms a verifier accepts, every
/// certificate valid at the system clock (`ISHARE_STATUS_CERTIFICATE_EXPIRED`
/// names the one that is not); what loads but some verifiers refuse is in
/// `ishare_signer_warnings`.
///
/// On success stores a new signer in `*signer_out`; otherwise leaves
/// `*signer_out` untouched and returns the error status.
///
/// Ownership: the three strings are only read during the call (the signer
/// keeps its own copies). The caller owns the new signer and frees it with
/// `ishare_signer_free`.
///
/// # Safety
///
/// Each string is NULL or NUL-terminated; `signer_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_from_pem(
    key_pem: *const c_char,
    chain_pem: *const c_char,
    client_id: *const c_char,
    signer_out: *mut *mut ishare_signer,
) -> ishare_status {
    status_boundary(|| {
        let signer_out = Out::new(signer_out, "signer_out")?;
        // SAFETY: NUL-terminated strings per the caller, read during this call only.
        let (key_pem, chain_pem, client_id) = unsafe {
            (
                arg_str(key_pem, "key_pem")?,
                arg_str(chain_pem, "chain_pem")?,
                arg_str(client_id, "client_id")?,
            )
        };
        let inner = valid_now(Signer::from_pem(key_pem, chain_pem, client_id)?)?;
        let signer = Box::into_raw(Box::new(ishare_signer { inner }));
        // SAFETY: `signer_out` is writable per the caller.
        unsafe { signer_out.write(signer) };
        Ok(())
    })
}

/// Loads a signer of generic OAuth client assertions (RFC 7523 and its update
/// draft, as Duende's `IClientAssertionService` expects them): header `typ`
/// `client-authentication+jwt` and `exp` = `iat` + `lifetime_s` (1 to 3600;
/// Duende uses 60). The arguments, the chain rules and the ownership are
/// those of `ishare_signer_from_pem`; `client_id` is still a party id the
/// leaf certificate names. The audience given to
/// `ishare_signer_client_assertion` or `ishare_signer_sign_jwt` is then the
/// authorization server's issuer identifier (e.g. `https://as.example.com`),
/// not a party id. This is `Profile.oauth(lifetime=...)` of the Python
/// binding; `ishare_verifier_new_oauth` verifies such tokens.
///
/// A lifetime out of range is `ISHARE_STATUS_INVALID_ARGUMENT`. On success
/// stores a new signer in `*signer_out`; otherwise leaves it untouched.
///
/// # Safety
///
/// As for `ishare_signer_from_pem`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_from_pem_oauth(
    key_pem: *const c_char,
    chain_pem: *const c_char,
    client_id: *const c_char,
    lifetime_s: u32,
    signer_out: *mut *mut ishare_signer,
) -> ishare_status {
    status_boundary(|| {
        let signer_out = Out::new(signer_out, "signer_out")?;
        // SAFETY: NUL-terminated strings per the caller, read during this call only.
        let (key_pem, chain_pem, client_id) = unsafe {
            (
                arg_str(key_pem, "key_pem")?,
                arg_str(chain_pem, "chain_pem")?,
                arg_str(client_id, "client_id")?,
            )
        };
        let profile = Profile::oauth(lifetime_s)?;
        let inner =
            valid_now(Signer::from_pem(key_pem, chain_pem, client_id)?.with_profile(profile)?)?;
        let signer = Box::into_raw(Box::new(ishare_signer { inner }));
        // SAFETY: `signer_out` is writable per the caller.
        unsafe { signer_out.write(signer) };
        Ok(())
    })
}

/// Signs a client assertion for `audience` (the receiving party's id).
///
/// `now`: the issue time in Unix seconds; a negative value means the system
/// clock. `jti`: the token id; NULL means a fresh random UUID v4 (give one
/// only if you keep them unique: a server refuses a second use).
///
/// If the token and a terminating NUL fit in `buf_len` bytes, writes them to
/// `buf`, sets `*len_out` to the token's length (without the NUL) and returns
/// `ISHARE_STATUS_OK`. Otherwise writes nothing to `buf`, sets `*len_out` to
/// the length needed (without the NUL) and returns
/// `ISHARE_STATUS_BUFFER_TOO_SMALL`: call again with at least `*len_out` + 1
/// bytes (the length depends only on the signer, the audience, the length of
/// the jti and the number of digits of now). `buf` may be NULL when `buf_len`
/// is 0, to ask for the length. On any other error neither `buf` nor
/// `*len_out` is written.
///
/// Ownership: everything stays the caller's; the signer is only read.
///
/// # Safety
///
/// `signer` is NULL or a live signer; strings are NULL or NUL-terminated;
/// `buf` is NULL or has `buf_len` writable bytes; `len_out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_client_assertion(
    signer: *const ishare_signer,
    audience: *const c_char,
    now: i64,
    jti: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> ishare_status {
    status_boundary(|| {
        let out = OutBuffer::new(buf, buf_len, len_out)?;
        // SAFETY: a live signer and NUL-terminated strings per the caller,
        // used during this call only.
        let (signer, audience, jti) = unsafe {
            (
                arg_ref(signer, "signer")?,
                arg_str(audience, "audience")?,
                opt_arg_str(jti, "jti")?,
            )
        };
        let now = resolve_now(now)?;
        let token = signer.inner.sign(&mut rng(), audience, now, jti)?;
        // SAFETY: `buf`/`len_out` as the caller guarantees.
        unsafe { out.write(&token) }
    })
}

/// Signs any iSHARE JWT for `audience`: a satellite's answer, a
/// `delegation_token`, a `capabilities_token`. The payload is the envelope
/// of a client assertion (`iss` = `sub` = the signer's party id, `aud`,
/// `jti`, `iat` = `nbf` = now, `exp` = `iat` + 30, or + the lifetime of an
/// OAuth signer) followed by the members of `claims_json`, a JSON object, in
/// their order and with their values unchanged.
///
/// `claims_json`: NULL means no members beyond the envelope. A member the
/// envelope owns (`iss`, `sub`, `aud`, `jti`, `iat`, `nbf`, `exp`), a value
/// that is not an object, JSON that does not parse (or has a duplicate
/// member name, a lone surrogate, more than 32 levels) or more than 256 KiB
/// is `ISHARE_STATUS_INVALID_ARGUMENT`. `now` and `jti` as for
/// `ishare_signer_client_assertion`.
///
/// The buffer rules are those of `ishare_signer_client_assertion`: the
/// length needed depends only on the signer, the audience, `claims_json`,
/// the length of the jti and the number of digits of now, so a size query
/// (`buf` NULL, `buf_len` 0) followed by the real call fits.
///
/// Ownership: everything stays the caller's; the signer is only read.
///
/// # Safety
///
/// As for `ishare_signer_client_assertion`; `claims_json` is NULL or
/// NUL-terminated.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ishare_signer_sign_jwt(
    signer: *const ishare_signer,
    audience: *const c_char,
    claims_json: *const c_char,
    now: i64,
    jti: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> ishare_status {
    status_boundary(|| {
        let out = OutBuffer::new(buf, buf_len, len_out)?;
        // SAFETY: a live signer and NUL-terminated strings per the caller,
        // used during this call only.
        let (signer, audience, claims_json, jti) = unsafe {
            (
                arg_ref(signer, "signer")?,
                arg_str(audience, "audience")?,
                opt_arg_str(claims_json, "claims_json")?,
                opt_arg_str(jti, "jti")?,
            )
        };
        let now = resolve_now(now)?;
        let token = signer
            .inner
            .sign_jwt(&mut rng(), audience, claims_json, now, jti)?;
        // SAFETY: `buf`/`len_out` as the caller guarantees.
        unsafe { out.write(&token) }
    })
}

/// Builds the form body (`application/x-www-form-urlencoded`) of a token
/// request, `POST /connect/token`, carrying a fresh client assertion:
/// `grant_type=client_credentials&scope=...&client_id=...&client_assertion_type=...&client_assertion=...`.
///
/// `audience`, `now` and `jti` as for `ishare_signer_client_assertion`;
/// `scope`: NULL means `iSHARE`. The buffer rules are those of
/// `ishare_signer_client_assertion`.
///
/// Ownership: everything stays the caller's; the signer is only read.
///
/// # Safety
///
/// As for `ishare_signer_client_assertion`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ishare_signer_token_request(
    signer: *const ishare_signer,
    audience: *const c_char,
    now: i64,
    jti: *const c_char,
    scope: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> ishare_status {
    status_boundary(|| {
        let out = OutBuffer::new(buf, buf_len, len_out)?;
        // SAFETY: a live signer and NUL-terminated strings per the caller,
        // used during this call only.
        let (signer, audience, jti, scope) = unsafe {
            (
                arg_ref(signer, "signer")?,
                arg_str(audience, "audience")?,
                opt_arg_str(jti, "jti")?,
                opt_arg_str(scope, "scope")?,
            )
        };
        let now = resolve_now(now)?;
        let body = signer
            .inner
            .token_request(&mut rng(), audience, now, jti, scope)?;
        // SAFETY: `buf`/`len_out` as the caller guarantees.
        unsafe { out.write(&body) }
    })
}

/// Frees a signer (and wipes its private key). NULL is accepted and ignored.
///
/// Ownership: takes the signer back from the caller; it must not be used
/// afterwards, nor while another thread still signs with it.
///
/// # Safety
///
/// `signer` is NULL or a signer from `ishare_signer_from_pem` (or
/// `_from_pem_oauth`) not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_signer_free(signer: *mut ishare_signer) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_signer_from_pem(_oauth)
    // and, per the caller, not freed before.
    unsafe { free_handle(signer) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn handles_are_thread_safe() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<super::ishare_signer>();
        send_sync::<crate::ishare_verifier>();
        send_sync::<crate::ishare_assertion>();
        send_sync::<crate::ishare_jwt>();
        send_sync::<crate::ishare_party_info>();
        send_sync::<crate::ishare_anchor_list>();
        send_sync::<crate::ishare_token_manager>();
        send_sync::<crate::ishare_token_step>();
        send_sync::<crate::ishare_access_token>();
        send_sync::<crate::ishare_token_request>();
        send_sync::<crate::ishare_oauth_error>();
    }
}
