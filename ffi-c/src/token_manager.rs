//! `ishare_token_manager`: access tokens for a client, sans-IO. The C
//! program brings its own HTTP client; the manager says what to send, judges
//! the answer and caches the token.

use core::ffi::c_char;
use std::ffi::CString;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use ishare_jwt::{
    AccessToken, DEFAULT_SCOPE, Error, TokenKey, TokenManager, TokenRequest, TokenStep,
};

use crate::os::{resolve_now, rng};
use crate::panic::{status_boundary, value_boundary};
use crate::signer::ishare_signer;
use crate::status::ishare_status;
use crate::strings::{
    Out, arg_bytes, arg_ref, arg_str, c_string, free_handle, null, number_field, opt_arg_str,
    string_field,
};

/// The access tokens of one client (one signer), per server: cached until
/// `refresh_before_s` seconds before they expire, then fetched anew with a
/// fresh client assertion. As Duende's AccessTokenManagement, without the
/// HTTP: `ishare_token_manager_get` answers a cached token or the request to
/// send; `ishare_token_manager_finish` takes the answer. Opaque.
///
/// A token is cached per (server id, token URL, scope): pass the same three
/// to `_get`, `_finish` and `_invalidate`.
///
/// Ownership: made by `ishare_token_manager_new`, owned by the caller until
/// passed to `ishare_token_manager_free`; it owns the signer it was made
/// with.
///
/// Threads: thread-safe; one manager is meant to be shared by all threads
/// of a client. An internal read-write lock guards the cache: `_get` takes
/// it shared (any number of threads sign in parallel; a cache miss signs
/// an assertion, about a millisecond, while holding it), `_finish` and
/// `_invalidate` take it exclusively for a look-up and an insert, never
/// across your HTTP request. Two threads that miss the same key at once
/// both get a request to send (no single-flight: add your own lock per key
/// if that matters); both answers are cached, the last one stays.
#[allow(non_camel_case_types)]
pub struct ishare_token_manager {
    inner: RwLock<TokenManager>,
}

impl ishare_token_manager {
    fn read(&self) -> RwLockReadGuard<'_, TokenManager> {
        // A panic under the lock poisons it; the cache changes only by
        // single inserts and removals, so it is still consistent.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, TokenManager> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An access token: the value to send as `Authorization: Bearer ...`, its
/// type and when it stops being usable. Opaque; read it with the
/// `ishare_access_token_*` getters.
///
/// Ownership: `ishare_token_manager_finish` makes one the caller owns (free
/// it with `ishare_access_token_free`); `ishare_token_step_access_token`
/// lends one that belongs to its step (never free that one). Immutable, so
/// any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_access_token {
    access_token: CString,
    token_type: CString,
    expires_at: i64,
}

impl ishare_access_token {
    fn new(token: AccessToken) -> Result<ishare_access_token, Error> {
        let nul = |what: &str| {
            Error::InvalidResponse(format!(
                "{what} contains a NUL character, which a C string cannot carry"
            ))
        };
        Ok(ishare_access_token {
            access_token: CString::new(token.access_token).map_err(|_| nul("access_token"))?,
            token_type: CString::new(token.token_type).map_err(|_| nul("token_type"))?,
            expires_at: token.expires_at,
        })
    }
}

/// What `ishare_token_manager_get` asks of the caller.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ishare_token_step_kind {
    /// No step (the step given was NULL).
    None = 0,
    /// Use the cached token: `ishare_token_step_access_token`.
    Cached = 1,
    /// Send the token request (`ishare_token_step_url`, `_body`,
    /// `_content_type`), then give the answer to
    /// `ishare_token_manager_finish`.
    Fetch = 2,
}

/// The answer of `ishare_token_manager_get`: a cached token, or the token
/// request to send. Opaque; `ishare_token_step_get_kind` says which.
///
/// Ownership: made by `ishare_token_manager_get`, owned by the caller until
/// passed to `ishare_token_step_free`; independent of the manager.
/// Immutable, so any thread may read it.
#[allow(non_camel_case_types)]
pub struct ishare_token_step {
    step: Step,
}

enum Step {
    Cached(ishare_access_token),
    Fetch {
        url: CString,
        body: CString,
        content_type: CString,
    },
}

impl ishare_token_step {
    fn new(step: TokenStep) -> Result<ishare_token_step, Error> {
        let step = match step {
            TokenStep::Cached(token) => Step::Cached(ishare_access_token::new(token)?),
            TokenStep::Fetch(TokenRequest {
                url,
                body,
                content_type,
            }) => Step::Fetch {
                url: c_string("token_url", url)?,
                body: c_string("the token request body", body)?,
                content_type: c_string("the content type", content_type.into())?,
            },
        };
        Ok(ishare_token_step { step })
    }
}

/// The cache key of the C arguments; `scope` NULL is `iSHARE`.
///
/// # Safety
///
/// Each string is NULL or NUL-terminated, read during the call only.
unsafe fn token_key(
    server_id: *const c_char,
    token_url: *const c_char,
    scope: *const c_char,
) -> Result<TokenKey, Error> {
    // SAFETY: forwarded from the caller.
    let (server_id, token_url, scope) = unsafe {
        (
            arg_str(server_id, "server_id")?,
            arg_str(token_url, "token_url")?,
            opt_arg_str(scope, "scope")?,
        )
    };
    Ok(TokenKey::new(
        server_id,
        token_url,
        scope.unwrap_or(DEFAULT_SCOPE),
    ))
}

/// Makes a token manager that signs its client assertions with `signer`,
/// renews a token `refresh_before_s` seconds before it expires (0 to 86400;
/// Duende uses 60) and remembers up to `capacity` (server, URL, scope) keys
/// (1 to 1 000 000; 0 means 1024), the oldest token making room when full.
///
/// On success stores a new manager in `*manager_out`; otherwise leaves it
/// untouched and returns the error status (a value out of range:
/// `ISHARE_STATUS_INVALID_ARGUMENT`).
///
/// Ownership: the manager takes `signer` over, whatever the result: after
/// this call the caller must neither use nor free it (the manager frees it,
/// wiping the key, in `ishare_token_manager_free`, or at once if the call
/// fails). To sign other tokens too, load a second signer. The caller owns
/// the new manager and frees it with `ishare_token_manager_free`.
///
/// # Safety
///
/// `signer` is NULL or a signer from `ishare_signer_from_pem` (or
/// `_from_pem_oauth`) not freed before and used by no other thread;
/// `manager_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_manager_new(
    signer: *mut ishare_signer,
    refresh_before_s: u32,
    capacity: usize,
    manager_out: *mut *mut ishare_token_manager,
) -> ishare_status {
    status_boundary(|| {
        // Taken first, so that every way out below frees it.
        if signer.is_null() {
            return Err(null("signer"));
        }
        // SAFETY: made by Box::into_raw in ishare_signer_from_pem(_oauth),
        // not freed before, and handed over by the caller.
        let signer = unsafe { Box::from_raw(signer) };
        let manager_out = Out::new(manager_out, "manager_out")?;
        let mut manager =
            TokenManager::new(signer.into_inner()).with_refresh_before(refresh_before_s)?;
        if capacity != 0 {
            manager = manager.with_capacity(capacity)?;
        }
        let handle = Box::into_raw(Box::new(ishare_token_manager {
            inner: RwLock::new(manager),
        }));
        // SAFETY: `manager_out` is writable per the caller.
        unsafe { manager_out.write(handle) };
        Ok(())
    })
}

/// Asks for an access token for `server_id` (the server's party id: the
/// audience of the client assertion) at its token endpoint `token_url`
/// (`http://` or `https://`, e.g. `https://server.example/connect/token`)
/// with `scope` (NULL: `iSHARE`). The answer is a step:
///
/// - `ISHARE_TOKEN_STEP_KIND_CACHED`: a cached token good at `now` for at
///   least `refresh_before_s` more seconds (`ishare_token_step_access_token`);
/// - `ISHARE_TOKEN_STEP_KIND_FETCH`: none is (or it is about to expire):
///   `POST` `ishare_token_step_body` to `ishare_token_step_url` with
///   `Content-Type: ` `ishare_token_step_content_type`, then hand the answer
///   to `ishare_token_manager_finish` with the same three key arguments. The
///   body carries a fresh client assertion issued at `now` (fresh `jti`),
///   good for 30 s: send it at once.
///
/// `now`: Unix seconds; a negative value means the system clock.
///
/// On success stores a new step in `*step_out`; otherwise leaves it
/// untouched and returns the error status (a token URL that is not an
/// http(s) URL: `ISHARE_STATUS_INVALID_ARGUMENT`).
///
/// Ownership: the strings are only read during the call; the manager is
/// only read (see `ishare_token_manager` for threads). The caller owns the
/// new step and frees it with `ishare_token_step_free`.
///
/// # Safety
///
/// `manager` is NULL or live; the strings are NULL or NUL-terminated;
/// `step_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_manager_get(
    manager: *const ishare_token_manager,
    server_id: *const c_char,
    token_url: *const c_char,
    scope: *const c_char,
    now: i64,
    step_out: *mut *mut ishare_token_step,
) -> ishare_status {
    status_boundary(|| {
        let step_out = Out::new(step_out, "step_out")?;
        // SAFETY: a live manager and NUL-terminated strings per the caller,
        // used during this call only.
        let (handle, key) = unsafe {
            (
                arg_ref(manager, "manager")?,
                token_key(server_id, token_url, scope)?,
            )
        };
        let now = resolve_now(now)?;
        let step = handle.read().get(&mut rng(), &key, now)?;
        let step = Box::into_raw(Box::new(ishare_token_step::new(step)?));
        // SAFETY: `step_out` is writable per the caller.
        unsafe { step_out.write(step) };
        Ok(())
    })
}

/// Hands the token endpoint's answer to the request of a
/// `ISHARE_TOKEN_STEP_KIND_FETCH` step over: `http_status` and `body_len`
/// bytes of `body` (no NUL needed; NULL with `body_len` 0 for an empty
/// body), for the same `server_id`, `token_url` and `scope` given to
/// `ishare_token_manager_get`. `now`: the time the answer came (Unix
/// seconds; negative: the system clock).
///
/// - 200 with a Bearer token response: the token is cached until `now` +
///   `expires_in` (renewed `refresh_before_s` earlier), a new access token
///   is stored in `*token_out`, and `ISHARE_STATUS_OK` returned.
/// - Any other status: `ISHARE_STATUS_TOKEN_ENDPOINT`; the server's status,
///   `error` and `error_description` (RFC 6749 §5.2) are then in this
///   thread's last error: `ishare_last_error_token_endpoint_status`,
///   `ishare_last_error_token_endpoint_error`,
///   `ishare_last_error_token_endpoint_description`.
/// - 200 with a body that is no token response (not JSON, no
///   `access_token`, `token_type` not Bearer, an `access_token` holding a
///   NUL character): `ISHARE_STATUS_INVALID_RESPONSE`.
/// - `http_status` outside 100 to 999 (0: there was no answer, a network
///   failure the caller reports itself): `ISHARE_STATUS_INVALID_ARGUMENT`.
///
/// On any error nothing is cached (the key's earlier token, if any, stays
/// until `ishare_token_manager_invalidate`) and `*token_out` is untouched.
///
/// Ownership: the strings and `body` are only read during the call. The
/// caller owns the new access token and frees it with
/// `ishare_access_token_free`; it is a copy, independent of the manager.
/// Threads: see `ishare_token_manager`.
///
/// # Safety
///
/// `manager` is NULL or live; the strings are NULL or NUL-terminated;
/// `body` is NULL or has `body_len` readable bytes; `token_out` is NULL or
/// writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ishare_token_manager_finish(
    manager: *mut ishare_token_manager,
    server_id: *const c_char,
    token_url: *const c_char,
    scope: *const c_char,
    http_status: u32,
    body: *const c_char,
    body_len: usize,
    now: i64,
    token_out: *mut *mut ishare_access_token,
) -> ishare_status {
    status_boundary(|| {
        let token_out = Out::new(token_out, "token_out")?;
        // SAFETY: a live manager, NUL-terminated strings and `body_len`
        // readable bytes per the caller, used during this call only.
        let (handle, key, body) = unsafe {
            (
                arg_ref(manager.cast_const(), "manager")?,
                token_key(server_id, token_url, scope)?,
                arg_bytes(body, body_len, "body")?,
            )
        };
        let http_status = u16::try_from(http_status)
            .ok()
            .filter(|status| (100..=999).contains(status))
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "http_status {http_status} is not an HTTP status (100 to 999)"
                ))
            })?;
        let now = resolve_now(now)?;
        let mut cache = handle.write();
        let token = cache.finish(&key, http_status, body, now)?;
        // A token C cannot carry must not stay cached either.
        let token = ishare_access_token::new(token).inspect_err(|_| cache.invalidate(&key))?;
        drop(cache);
        // SAFETY: `token_out` is writable per the caller.
        unsafe { token_out.write(Box::into_raw(Box::new(token))) };
        Ok(())
    })
}

/// Forgets the cached token for (`server_id`, `token_url`, `scope`), if
/// any: do this when a resource server answers 401 to it, then
/// `ishare_token_manager_get` fetches a new one. Forgetting a key that holds
/// no token is no error.
///
/// Ownership: the strings are only read during the call. Threads: see
/// `ishare_token_manager`.
///
/// # Safety
///
/// `manager` is NULL or live; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_manager_invalidate(
    manager: *mut ishare_token_manager,
    server_id: *const c_char,
    token_url: *const c_char,
    scope: *const c_char,
) -> ishare_status {
    status_boundary(|| {
        // SAFETY: a live manager and NUL-terminated strings per the caller,
        // used during this call only.
        let (handle, key) = unsafe {
            (
                arg_ref(manager.cast_const(), "manager")?,
                token_key(server_id, token_url, scope)?,
            )
        };
        handle.write().invalidate(&key);
        Ok(())
    })
}

/// Frees a token manager, its cached tokens and its signer (wiping the
/// key). NULL is accepted and ignored. Steps and access tokens it returned
/// stay valid.
///
/// Ownership: takes the manager back from the caller; it must not be used
/// afterwards, nor while another thread still uses it.
///
/// # Safety
///
/// `manager` is NULL or a manager from `ishare_token_manager_new` not freed
/// before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_manager_free(manager: *mut ishare_token_manager) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_token_manager_new
    // and, per the caller, not freed before.
    unsafe { free_handle(manager) }
}

/// What the step asks: `ISHARE_TOKEN_STEP_KIND_CACHED` or
/// `ISHARE_TOKEN_STEP_KIND_FETCH`; `ISHARE_TOKEN_STEP_KIND_NONE` if `step`
/// is NULL.
///
/// # Safety
///
/// `step` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_step_get_kind(
    step: *const ishare_token_step,
) -> ishare_token_step_kind {
    value_boundary(ishare_token_step_kind::None, || {
        // SAFETY: NULL or live per the caller.
        match unsafe { step.as_ref() }.map(|s| &s.step) {
            None => ishare_token_step_kind::None,
            Some(Step::Cached(_)) => ishare_token_step_kind::Cached,
            Some(Step::Fetch { .. }) => ishare_token_step_kind::Fetch,
        }
    })
}

/// The cached token of a `ISHARE_TOKEN_STEP_KIND_CACHED` step; NULL for a
/// fetch step or a NULL `step`.
///
/// Ownership: lent, not given: the access token belongs to the step and
/// stays valid until `ishare_token_step_free`; never pass it to
/// `ishare_access_token_free`.
///
/// # Safety
///
/// `step` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_step_access_token(
    step: *const ishare_token_step,
) -> *const ishare_access_token {
    value_boundary(core::ptr::null(), || {
        // SAFETY: NULL or live per the caller.
        match unsafe { step.as_ref() }.map(|s| &s.step) {
            Some(Step::Cached(token)) => core::ptr::from_ref(token),
            _ => core::ptr::null(),
        }
    })
}

/// A fetch step's field (NULL for a cached step or a NULL step).
///
/// # Safety
///
/// `step` is NULL or live.
unsafe fn fetch_field(
    step: *const ishare_token_step,
    field: fn(&CString, &CString, &CString) -> *const c_char,
) -> *const c_char {
    value_boundary(core::ptr::null(), || {
        // SAFETY: NULL or live per the caller.
        match unsafe { step.as_ref() }.map(|s| &s.step) {
            Some(Step::Fetch {
                url,
                body,
                content_type,
            }) => field(url, body, content_type),
            _ => core::ptr::null(),
        }
    })
}

/// The URL to `POST` the token request to (the `token_url` given to
/// `ishare_token_manager_get`) of a `ISHARE_TOKEN_STEP_KIND_FETCH` step;
/// NULL for a cached step or a NULL `step`.
///
/// Ownership: the string belongs to the step and stays valid until
/// `ishare_token_step_free`; do not free it.
///
/// # Safety
///
/// `step` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_step_url(step: *const ishare_token_step) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { fetch_field(step, |url, _, _| url.as_ptr()) }
}

/// The form body to send
/// (`grant_type=client_credentials&scope=...&client_id=...&client_assertion_type=...&client_assertion=...`)
/// of a fetch step; its length is `strlen`. NULL for a cached step or a
/// NULL `step`.
///
/// Ownership: as for `ishare_token_step_url`.
///
/// # Safety
///
/// `step` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_step_body(step: *const ishare_token_step) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { fetch_field(step, |_, body, _| body.as_ptr()) }
}

/// The `Content-Type` of the body of a fetch step:
/// `application/x-www-form-urlencoded`. NULL for a cached step or a NULL
/// `step`.
///
/// Ownership: as for `ishare_token_step_url`.
///
/// # Safety
///
/// `step` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_step_content_type(
    step: *const ishare_token_step,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { fetch_field(step, |_, _, content_type| content_type.as_ptr()) }
}

/// Frees a step and what its getters returned (the lent access token too).
/// NULL is accepted and ignored.
///
/// Ownership: takes the step back from the caller; neither it nor anything
/// read from it may be used afterwards.
///
/// # Safety
///
/// `step` is NULL or a step from `ishare_token_manager_get` not freed
/// before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_token_step_free(step: *mut ishare_token_step) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_token_manager_get
    // and, per the caller, not freed before.
    unsafe { free_handle(step) }
}

/// The token to send as `Authorization: Bearer <token>`. NULL if `token` is
/// NULL.
///
/// Ownership: the string belongs to the access token (or to the step that
/// lent it) and stays valid until it is freed; do not free it.
///
/// # Safety
///
/// `token` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_access_token_access_token(
    token: *const ishare_access_token,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(token, |t| &t.access_token) }
}

/// The token type as the server wrote it (`Bearer`, in any case). NULL if
/// `token` is NULL.
///
/// Ownership: as for `ishare_access_token_access_token`.
///
/// # Safety
///
/// `token` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_access_token_token_type(
    token: *const ishare_access_token,
) -> *const c_char {
    // SAFETY: forwarded from the caller.
    unsafe { string_field(token, |t| &t.token_type) }
}

/// When the token stops being usable: the `now` of
/// `ishare_token_manager_finish` + `expires_in`, Unix seconds. 0 if `token`
/// is NULL.
///
/// # Safety
///
/// `token` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_access_token_expires_at(token: *const ishare_access_token) -> i64 {
    // SAFETY: forwarded from the caller.
    unsafe { number_field(token, |t| t.expires_at) }
}

/// Frees an access token from `ishare_token_manager_finish`. NULL is
/// accepted and ignored.
///
/// Ownership: takes the access token back from the caller; neither it nor
/// any string read from it may be used afterwards. Never pass the token a
/// step lends (`ishare_token_step_access_token`): the step frees that one.
///
/// # Safety
///
/// `token` is NULL or an access token from `ishare_token_manager_finish`
/// not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ishare_access_token_free(token: *mut ishare_access_token) {
    // SAFETY: NULL, or made by Box::into_raw in ishare_token_manager_finish
    // and, per the caller, not freed before.
    unsafe { free_handle(token) }
}
