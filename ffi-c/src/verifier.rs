//! `ishare_verifier`: the server side (verify client assertions, refuse replays).

use core::ffi::c_char;
use std::sync::{Mutex, PoisonError};

use ishare_jwt::{
    Error, Profile, ReplayCache, SharedCaches, TrustAnchor, Verifier, VerifierCaches,
};

use crate::assertion::ishare_assertion;
use crate::os::resolve_now;
use crate::panic::status_boundary;
use crate::status::ishare_status;
use crate::strings::{Out, arg_ref, arg_str, free_handle, null, opt_arg_str};

/// Verifies client assertions and other iSHARE JWTs addressed to one party,
/// trusting a fixed set of roots, and remembers every accepted token so that
/// none is accepted twice (the `_unrecorded` verifications remember nothing,
/// for a replay store shared by several instances). Opaque.
///
/// Ownership: made by `ishare_verifier_new` (or `_new_oauth`), owned by the
/// caller until passed to `ishare_verifier_free`. Thread-safe: any number of
/// threads may verify with one verifier at the same time (its replay and
/// chain caches are locked only around look-ups and inserts, never during
/// RSA work).
#[allow(non_camel_case_types)]
pub struct ishare_verifier {
    verifier: Verifier,
    caches: LockedCaches,
}

impl ishare_verifier {
    /// The core verifier (for `ishare_verifier_explain`).
    pub(crate) fn core(&self) -> &Verifier {
        &self.verifier
    }
}

/// The verifier's caches behind a mutex, as the core's [`SharedCaches`].
struct LockedCaches(Mutex<VerifierCaches>);

impl SharedCaches for LockedCaches {
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R {
        // A panic under the lock poisons it; the caches change only by single
        // map inserts, so they stay consistent and usable.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The verifier's chain cache without its replay cache, for the unrecorded
/// verifications: the core records only when `replay` is `Some`, so the
/// chains are lent out under the lock in caches of their own whose `replay`
/// is `None`. The replay cache itself is never touched; if `f` panics the
/// chains are lost (an empty chain cache only costs time).
struct ChainsOnly<'a>(&'a LockedCaches);

impl SharedCaches for ChainsOnly<'_> {
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R {
        self.0.with_caches(|caches| {
            let mut chains_only = VerifierCaches {
                replay: None,
                chains: core::mem::take(&mut caches.chains),
            };
            let result = f(&mut chains_only);
            caches.chains = chains_only.chains;
            result
        })
    }
}

/// Makes a verifier for tokens addressed to `audience` (our own party id).
///
/// `trusted_roots` points to `trusted_roots_len` strings, each a PEM CA
/// certificate or a 64-hex-digit SHA-256 certificate fingerprint (at least
/// one). `leeway_s`: allowed clock skew in seconds (at most 300).
///
/// On success stores a new verifier in `*verifier_out`; otherwise leaves it
/// untouched and returns the error status.
///
/// Ownership: the strings and the array are only read during the call (the
/// verifier keeps its own copies). The caller owns the new verifier and frees
/// it with `ishare_verifier_free`.
///
/// # Safety
///
/// `audience` is NULL or NUL-terminated; `trusted_roots` is NULL or points to
/// `trusted_roots_len` pointers, each NULL or NUL-terminated; `verifier_out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_new(
    audience: *const c_char,
    trusted_roots: *const *const c_char,
    trusted_roots_len: usize,
    leeway_s: u32,
    verifier_out: *mut *mut ishare_verifier,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe {
            new_verifier(
                audience,
                trusted_roots,
                trusted_roots_len,
                leeway_s,
                Ok(Profile::ISHARE),
                verifier_out,
            )
        }
    })
}

/// Makes a verifier of generic OAuth client assertions (RFC 7523 and its
/// update draft; Duende's `IClientAssertionService` makes them): header
/// `typ` `client-authentication+jwt`, `aud` = `audience`, our authorization
/// server's issuer identifier (e.g. `https://as.example.com`, not a party
/// id), and any lifetime (`exp` - `iat`) from 1 s up to `lifetime_s`
/// (1 to 3600; Duende signs with 60). The client is still named by its
/// certificate, as in iSHARE. This is `Profile.oauth(lifetime=...)` of the
/// Python binding.
///
/// Everything else as for `ishare_verifier_new`: the trusted roots, the
/// leeway, the replay protection, `ishare_verifier_verify` and
/// `ishare_verifier_verify_jwt`. A lifetime out of range is
/// `ISHARE_STATUS_INVALID_ARGUMENT`.
///
/// Ownership: as for `ishare_verifier_new`.
///
/// # Safety
///
/// As for `ishare_verifier_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_new_oauth(
    audience: *const c_char,
    trusted_roots: *const *const c_char,
    trusted_roots_len: usize,
    leeway_s: u32,
    lifetime_s: u32,
    verifier_out: *mut *mut ishare_verifier,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe {
            new_verifier(
                audience,
                trusted_roots,
                trusted_roots_len,
                leeway_s,
                Profile::oauth(lifetime_s),
                verifier_out,
            )
        }
    })
}

/// The body of both verifier constructors. `profile` is checked after the
/// pointers, so a NULL argument is reported first.
///
/// # Safety
///
/// As for `ishare_verifier_new`.
unsafe fn new_verifier(
    audience: *const c_char,
    trusted_roots: *const *const c_char,
    trusted_roots_len: usize,
    leeway_s: u32,
    profile: Result<Profile, Error>,
    verifier_out: *mut *mut ishare_verifier,
) -> Result<(), Error> {
    let verifier_out = Out::new(verifier_out, "verifier_out")?;
    // SAFETY: NUL-terminated per the caller, read during this call only.
    let audience = unsafe { arg_str(audience, "audience")? };
    if trusted_roots.is_null() {
        return Err(null("trusted_roots"));
    }
    if trusted_roots_len > isize::MAX as usize / size_of::<*const c_char>() {
        return Err(Error::InvalidArgument(format!(
            "trusted_roots_len {trusted_roots_len} is not an array length"
        )));
    }
    // SAFETY: not NULL, `trusted_roots_len` readable pointers per the
    // caller, and the byte size fits in isize (checked above).
    let roots = unsafe { core::slice::from_raw_parts(trusted_roots, trusted_roots_len) };
    let trust = roots
        .iter()
        .enumerate()
        .map(|(index, root)| {
            // SAFETY: each entry NULL or NUL-terminated per the caller.
            let text = unsafe { arg_str(*root, &format!("trusted_roots[{index}]"))? };
            TrustAnchor::parse(text)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let verifier = Verifier::new_with_profile(audience, trust, profile?)?.with_leeway(leeway_s)?;
    let handle = Box::into_raw(Box::new(ishare_verifier {
        verifier,
        caches: LockedCaches(Mutex::new(VerifierCaches::default())),
    }));
    // SAFETY: `verifier_out` is writable per the caller.
    unsafe { verifier_out.write(handle) };
    Ok(())
}

/// Sets the limits of the verifier's replay cache: at most `replay_capacity`
/// unexpired tokens in all (1 to 10 000 000; a new verifier has 100 000), of
/// which one issuer may hold the share `replay_issuer_share` (more than 0, at
/// most 1; a new verifier has 0.1): floor(capacity * share) tokens, at least
/// one. A token beyond either limit is refused with
/// `ISHARE_STATUS_REPLAY_CACHE_FULL` (fails closed); the share keeps one
/// party from locking out the others.
///
/// Replaces the replay cache with an empty one, so tokens accepted before are
/// forgotten and would be accepted again: call it right after
/// `ishare_verifier_new`, before verifying. On an error (a limit out of
/// range: `ISHARE_STATUS_INVALID_ARGUMENT`) the verifier is unchanged.
///
/// Ownership: `verifier` stays the caller's; nothing is kept from the call.
/// Threads: the cache is swapped under the verifier's lock, so a concurrent
/// `ishare_verifier_verify` is safe, but the token it accepts may be among
/// those forgotten.
///
/// # Safety
///
/// `verifier` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_set_replay_limits(
    verifier: *mut ishare_verifier,
    replay_capacity: usize,
    replay_issuer_share: f64,
) -> ishare_status {
    status_boundary(|| {
        // Shared, not `&mut`: the caches sit behind their mutex, and another
        // thread may still be verifying with this verifier.
        // SAFETY: a live verifier per the caller, used during this call only.
        let handle = unsafe { arg_ref(verifier.cast_const(), "verifier")? };
        let replay = ReplayCache::with_issuer_share(replay_capacity, replay_issuer_share)?;
        handle
            .caches
            .with_caches(|caches| caches.replay = Some(replay));
        Ok(())
    })
}

/// Verifies a client assertion and, if it passes, remembers it: the same
/// token (the same `iss` and `jti`) is refused with `ISHARE_STATUS_REPLAY`
/// afterwards, as long as it has not expired.
///
/// `now`: the clock in Unix seconds; a negative value means the system clock.
/// `client_id`: the `client_id` form parameter that came with the token, or
/// NULL if there was none.
///
/// On success stores a new assertion in `*assertion_out`; otherwise leaves it
/// untouched and returns the error status (`ishare_last_error` says what was
/// wrong).
///
/// Ownership: `token` and `client_id` are only read during the call. The
/// caller owns the new assertion and frees it with `ishare_assertion_free`.
///
/// # Safety
///
/// `verifier` is NULL or live; the strings are NULL or NUL-terminated;
/// `assertion_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_verify(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    client_id: *const c_char,
    assertion_out: *mut *mut ishare_assertion,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { verify_assertion(verifier, token, now, client_id, assertion_out, Record::Yes) }
    })
}

/// Verifies a client assertion by every rule of `ishare_verifier_verify`
/// but records nothing: the verifier's replay cache is neither read nor
/// written, so the same token passes again. For services that run more than
/// one instance and keep the replay record in a store they all share: then
/// SET NX EXAT the replay_key yourself; a false answer is a replay. With
/// Redis: `SET ishare-jwt:replay:<ishare_assertion_replay_key> 1 NX EXAT
/// <ishare_assertion_replay_until>`; a nil reply is a replay (refuse the
/// token), an error means the store cannot answer (refuse it too: fail
/// closed). Chains already verified are still taken from, and added to, the
/// verifier's chain cache.
///
/// Arguments, result, errors and ownership as for `ishare_verifier_verify`.
///
/// # Safety
///
/// As for `ishare_verifier_verify`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_verify_unrecorded(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    client_id: *const c_char,
    assertion_out: *mut *mut ishare_assertion,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { verify_assertion(verifier, token, now, client_id, assertion_out, Record::No) }
    })
}

/// Whether a verification records the token in the verifier's replay cache.
#[derive(Clone, Copy)]
enum Record {
    Yes,
    No,
}

/// The body of `ishare_verifier_verify` and `_verify_unrecorded`.
///
/// # Safety
///
/// As for `ishare_verifier_verify`.
unsafe fn verify_assertion(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    client_id: *const c_char,
    assertion_out: *mut *mut ishare_assertion,
    record: Record,
) -> Result<(), Error> {
    let assertion_out = Out::new(assertion_out, "assertion_out")?;
    // SAFETY: a live verifier and NUL-terminated strings per the caller,
    // used during this call only.
    let (handle, token, client_id) = unsafe {
        (
            arg_ref(verifier, "verifier")?,
            arg_str(token, "token")?,
            opt_arg_str(client_id, "client_id")?,
        )
    };
    let now = resolve_now(now)?;
    let verified = match record {
        Record::Yes => handle
            .verifier
            .verify_shared(token, now, client_id, &handle.caches)?,
        Record::No => {
            handle
                .verifier
                .verify_shared(token, now, client_id, &ChainsOnly(&handle.caches))?
        }
    };
    let assertion = Box::into_raw(Box::new(ishare_assertion::new(verified)?));
    // SAFETY: `assertion_out` is writable per the caller.
    unsafe { assertion_out.write(assertion) };
    Ok(())
}

/// Verifies any iSHARE JWT addressed to us — a satellite's `parties_token`
/// or `trusted_list_token`, a `delegation_token`, a `capabilities_token` —
/// by every rule of `ishare_verifier_verify` but the `client_id` one, and,
/// if it passes, remembers it like `ishare_verifier_verify` does (the same
/// `iss` and `jti` are refused with `ISHARE_STATUS_REPLAY` afterwards, as long
/// as the token has not expired; verify an answer once, then read it as
/// often as needed). Tokens up to 512 KiB, payloads up to 256 KiB (a
/// client assertion's payload: 8 KiB).
///
/// `now`: the clock in Unix seconds; a negative value means the system clock.
/// `issuer`: the party that must have signed (`iss`), e.g. the satellite's
/// id; NULL accepts any issuer whose certificate chain is trusted. Another
/// issuer is `ISHARE_STATUS_ISSUER_MISMATCH`.
///
/// On success stores a new JWT in `*jwt_out`; otherwise leaves it untouched
/// and returns the error status (`ishare_last_error` says what was wrong).
///
/// Ownership: `token` and `issuer` are only read during the call. The
/// caller owns the new JWT and frees it with `ishare_jwt_free`.
///
/// # Safety
///
/// `verifier` is NULL or live; the strings are NULL or NUL-terminated;
/// `jwt_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_verify_jwt(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    issuer: *const c_char,
    jwt_out: *mut *mut crate::jwt::ishare_jwt,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { verify_jwt(verifier, token, now, issuer, jwt_out, Record::Yes) }
    })
}

/// Verifies any iSHARE JWT addressed to us by every rule of
/// `ishare_verifier_verify_jwt` but records nothing, as
/// `ishare_verifier_verify_unrecorded` does for client assertions: then SET
/// NX EXAT the replay_key yourself; a false answer is a replay (Redis: `SET
/// ishare-jwt:replay:<ishare_jwt_replay_key> 1 NX EXAT
/// <ishare_jwt_replay_until>`, a nil reply is a replay, an error refuses the
/// token too). Chains are still cached.
///
/// Arguments, result, errors and ownership as for
/// `ishare_verifier_verify_jwt`.
///
/// # Safety
///
/// As for `ishare_verifier_verify_jwt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_verify_jwt_unrecorded(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    issuer: *const c_char,
    jwt_out: *mut *mut crate::jwt::ishare_jwt,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: forwarded from the caller.
        unsafe { verify_jwt(verifier, token, now, issuer, jwt_out, Record::No) }
    })
}

/// The body of `ishare_verifier_verify_jwt` and `_verify_jwt_unrecorded`.
///
/// # Safety
///
/// As for `ishare_verifier_verify_jwt`.
unsafe fn verify_jwt(
    verifier: *const ishare_verifier,
    token: *const c_char,
    now: i64,
    issuer: *const c_char,
    jwt_out: *mut *mut crate::jwt::ishare_jwt,
    record: Record,
) -> Result<(), Error> {
    let jwt_out = Out::new(jwt_out, "jwt_out")?;
    // SAFETY: a live verifier and NUL-terminated strings per the caller,
    // used during this call only.
    let (handle, token, issuer) = unsafe {
        (
            arg_ref(verifier, "verifier")?,
            arg_str(token, "token")?,
            opt_arg_str(issuer, "issuer")?,
        )
    };
    let now = resolve_now(now)?;
    let verified = match record {
        Record::Yes => handle
            .verifier
            .verify_jwt_shared(token, now, issuer, &handle.caches)?,
        Record::No => {
            handle
                .verifier
                .verify_jwt_shared(token, now, issuer, &ChainsOnly(&handle.caches))?
        }
    };
    let jwt = Box::into_raw(Box::new(crate::jwt::ishare_jwt::new(verified)?));
    // SAFETY: `jwt_out` is writable per the caller.
    unsafe { jwt_out.write(jwt) };
    Ok(())
}

/// Frees a verifier and its replay cache. NULL is accepted and ignored.
/// Assertions it returned stay valid.
///
/// Ownership: takes the verifier back from the caller; it must not be used
/// afterwards, nor while another thread still verifies with it.
///
/// # Safety
///
/// `verifier` is NULL or a verifier from `ishare_verifier_new` (or
/// `_new_oauth`) not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_verifier_free(verifier: *mut ishare_verifier) {
    // SAFETY: NULL, or made by Box::into_raw in new_verifier and, per the
    // caller, not freed before.
    unsafe { free_handle(verifier) }
}

#[cfg(test)]
mod tests {
    use core::ffi::CStr;
    use std::ffi::CString;

    use super::*;
    use crate::assertion::{ishare_assertion_free, ishare_assertion_jti};

    const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/");
    const ROOT_SHA256: &CStr = c"78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69";
    const NOW: i64 = 1_767_225_600;

    fn verifier() -> *mut ishare_verifier {
        let roots = [ROOT_SHA256.as_ptr()];
        let mut verifier = core::ptr::null_mut();
        // SAFETY: static strings, a one-element array, a local out-pointer.
        let status = unsafe {
            ishare_verifier_new(
                c"EU.EORI.NL000000000".as_ptr(),
                roots.as_ptr(),
                1,
                0,
                &mut verifier,
            )
        };
        assert_eq!(status, ishare_status::Ok);
        verifier
    }

    fn verify(
        verifier: *const ishare_verifier,
        token: &str,
    ) -> (ishare_status, *mut ishare_assertion) {
        let token = CString::new(token).unwrap();
        let mut assertion = core::ptr::null_mut();
        // SAFETY: a live verifier, a C string, a local out-pointer.
        let status = unsafe {
            ishare_verifier_verify(
                verifier,
                token.as_ptr(),
                NOW + 1,
                core::ptr::null(),
                &mut assertion,
            )
        };
        (status, assertion)
    }

    #[test]
    fn accepts_once_then_refuses_a_replay() {
        let read = |name: &str| std::fs::read_to_string(format!("{VECTORS}{name}")).unwrap();
        let signer = ishare_jwt::Signer::from_pem(
            read("client-eori.key.pem").as_str(),
            read("client-eori.chain.pem").as_str(),
            "EU.EORI.NL000000001",
        )
        .unwrap();
        let token = signer
            .client_assertion_with_jti(&mut crate::os::rng(), "EU.EORI.NL000000000", NOW, "id-1")
            .unwrap();
        let verifier = verifier();
        let (status, assertion) = verify(verifier, &token);
        assert_eq!(status, ishare_status::Ok);
        // SAFETY: a live assertion; its string lives until it is freed.
        let jti = unsafe { CStr::from_ptr(ishare_assertion_jti(assertion)) };
        assert_eq!(jti, c"id-1");
        let (status, second) = verify(verifier, &token);
        assert_eq!(
            (status, second),
            (ishare_status::Replay, core::ptr::null_mut())
        );

        // A jti a C string cannot carry is never made (nor accepted: the core
        // refuses control characters in jti).
        let refused = signer.client_assertion_with_jti(
            &mut crate::os::rng(),
            "EU.EORI.NL000000000",
            NOW,
            "a\0b",
        );
        assert_eq!(refused.unwrap_err().kind(), "invalid_argument");
        // SAFETY: handles made above, freed once.
        unsafe {
            ishare_assertion_free(assertion);
            ishare_verifier_free(verifier);
        }
    }

    #[test]
    fn unrecorded_verifications_leave_the_replay_cache_alone_and_share_chains() {
        let read = |name: &str| std::fs::read_to_string(format!("{VECTORS}{name}")).unwrap();
        let signer = ishare_jwt::Signer::from_pem(
            read("client-eori.key.pem").as_str(),
            read("client-eori.chain.pem").as_str(),
            "EU.EORI.NL000000001",
        )
        .unwrap();
        let token = signer
            .client_assertion_with_jti(&mut crate::os::rng(), "EU.EORI.NL000000000", NOW, "id-2")
            .unwrap();
        let token = CString::new(token).unwrap();
        let verifier = verifier();
        for _ in 0..2 {
            let mut assertion = core::ptr::null_mut();
            // SAFETY: a live verifier, a C string, a local out-pointer; the
            // assertion made is freed once.
            unsafe {
                let status = ishare_verifier_verify_unrecorded(
                    verifier,
                    token.as_ptr(),
                    NOW + 1,
                    core::ptr::null(),
                    &mut assertion,
                );
                assert_eq!(status, ishare_status::Ok);
                ishare_assertion_free(assertion);
            }
        }
        // SAFETY: a live verifier, used during this block only.
        let caches = unsafe { &(*verifier).caches };
        caches.with_caches(|c| {
            assert_eq!(c.chains.len(), 1);
            assert!(c.replay.as_ref().is_some_and(|r| r.is_empty()));
        });
        let (status, first) = verify(verifier, token.to_str().unwrap());
        assert_eq!(status, ishare_status::Ok);
        let (status, _) = verify(verifier, token.to_str().unwrap());
        assert_eq!(status, ishare_status::Replay);
        // SAFETY: handles made above, freed once.
        unsafe {
            ishare_assertion_free(first);
            ishare_verifier_free(verifier);
        }
    }

    #[test]
    fn replay_limits_out_of_range_are_refused() {
        let verifier = verifier();
        for (capacity, share) in [
            (0, 0.5),
            (10_000_001, 0.5),
            (10, 0.0),
            (10, 1.5),
            (10, f64::NAN),
        ] {
            // SAFETY: a live verifier.
            let status = unsafe { ishare_verifier_set_replay_limits(verifier, capacity, share) };
            assert_eq!(status, ishare_status::InvalidArgument, "{capacity} {share}");
        }
        // SAFETY: NULL is checked; then a live verifier, freed once.
        unsafe {
            assert_eq!(
                ishare_verifier_set_replay_limits(core::ptr::null_mut(), 10, 0.5),
                ishare_status::InvalidArgument
            );
            assert_eq!(
                ishare_verifier_set_replay_limits(verifier, 1, 1.0),
                ishare_status::Ok
            );
            ishare_verifier_free(verifier);
        }
    }
}
