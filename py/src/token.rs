//! The client's access tokens, sans-IO as in the core: `TokenManager`
//! answers a cached token or the request to send, and judges the answer.
//! `ishare_jwt.TokenClient` (Python) adds the HTTP, the clock and the
//! per-key locking around it.

use std::sync::{PoisonError, RwLock};

use pyo3::prelude::*;

use crate::convert::{Now, now_or_clock, os_rng, to_u32, to_usize};
use crate::errors::{BindingResult, guarded};
use crate::signer::PySigner;

/// The access tokens of one client, per (server id, token URL, scope):
/// cached until `refresh_before` seconds before they expire. Thread-safe:
/// `get` signs under a read lock with the GIL released.
#[pyclass(frozen, module = "ishare_jwt._native", name = "TokenManager")]
pub(crate) struct PyTokenManager {
    inner: RwLock<ishare_jwt::TokenManager>,
}

// The signature's literal defaults are the core's.
const _: () = assert!(ishare_jwt::DEFAULT_REFRESH_BEFORE_SECS == 60);
const _: () = assert!(ishare_jwt::DEFAULT_TOKEN_CACHE_CAPACITY == 1024);

/// An access token and when it stops being usable.
#[pyclass(frozen, module = "ishare_jwt._native", name = "AccessToken")]
pub(crate) struct PyAccessToken {
    inner: ishare_jwt::AccessToken,
}

/// The request that fetches a token: `POST url` with `body` as `content_type`.
#[pyclass(frozen, module = "ishare_jwt._native", name = "TokenFetch")]
pub(crate) struct PyTokenFetch {
    inner: ishare_jwt::TokenRequest,
}

/// What `TokenManager.get` answers.
#[derive(IntoPyObject)]
pub(crate) enum PyTokenStep {
    Cached(PyAccessToken),
    Fetch(PyTokenFetch),
}

impl PyTokenManager {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, ishare_jwt::TokenManager> {
        // The manager is changed only by single map operations, so a panic
        // under the lock (caught by `guarded`) leaves it usable.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// `look(manager)` under the read lock, waited for with the GIL
    /// released: `get` holds the lock while a key callback may wait for the
    /// GIL, and a queued writer stops new readers, so a reader holding the
    /// GIL could wait for ever.
    fn reading<T: Send>(
        &self,
        py: Python<'_>,
        look: impl FnOnce(&ishare_jwt::TokenManager) -> T + Send,
    ) -> T {
        py.detach(|| look(&self.read()))
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, ishare_jwt::TokenManager> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl PyTokenManager {
    #[new]
    #[pyo3(signature = (signer, *, refresh_before = 60, capacity = 1024))]
    fn new(
        py: Python<'_>,
        signer: PyRef<'_, PySigner>,
        refresh_before: i64,
        capacity: i64,
    ) -> BindingResult<PyTokenManager> {
        let refresh_before = to_u32("refresh_before", refresh_before)?;
        let capacity = to_usize("capacity", capacity)?;
        let signer = signer.shared();
        let manager = py.detach(|| {
            guarded(|| {
                ishare_jwt::TokenManager::new(signer)
                    .with_refresh_before(refresh_before)?
                    .with_capacity(capacity)
            })
        })?;
        Ok(PyTokenManager {
            inner: RwLock::new(manager),
        })
    }

    /// The cached token for the key if it is good for at least
    /// `refresh_before` more seconds at `now` (the system clock when None).
    #[pyo3(signature = (server_id, token_url, scope, *, now = None))]
    fn cached(
        &self,
        py: Python<'_>,
        server_id: &str,
        token_url: &str,
        scope: &str,
        now: Option<Now>,
    ) -> BindingResult<Option<PyAccessToken>> {
        let now = now_or_clock(now)?;
        let key = ishare_jwt::TokenKey::new(server_id, token_url, scope);
        Ok(self
            .reading(py, |manager| manager.cached(&key, now))
            .map(|inner| PyAccessToken { inner }))
    }

    /// A cached token, or the request that fetches one (with a fresh client
    /// assertion for `server_id`, issued at `now`).
    #[pyo3(signature = (server_id, token_url, scope, *, now = None))]
    fn get(
        &self,
        py: Python<'_>,
        server_id: &str,
        token_url: &str,
        scope: &str,
        now: Option<Now>,
    ) -> BindingResult<PyTokenStep> {
        let key = ishare_jwt::TokenKey::new(server_id, token_url, scope);
        let step = py.detach(|| {
            guarded(|| {
                let now = now_or_clock(now)?;
                self.read().get(&mut os_rng(), &key, now)
            })
        })?;
        Ok(match step {
            ishare_jwt::TokenStep::Cached(inner) => PyTokenStep::Cached(PyAccessToken { inner }),
            ishare_jwt::TokenStep::Fetch(inner) => PyTokenStep::Fetch(PyTokenFetch { inner }),
        })
    }

    /// Judges the token endpoint's answer (HTTP `status`, `body`) to the
    /// request `get` gave: the token, now cached; `TokenEndpointError` for a
    /// status other than 200; `InvalidResponseError` for a 200 that is not
    /// a token response. Nothing is cached on error.
    #[pyo3(signature = (server_id, token_url, scope, status, body, *, now = None))]
    #[allow(clippy::too_many_arguments)] // Python arguments
    fn finish(
        &self,
        py: Python<'_>,
        server_id: &str,
        token_url: &str,
        scope: &str,
        status: u16,
        body: &[u8],
        now: Option<Now>,
    ) -> BindingResult<PyAccessToken> {
        let key = ishare_jwt::TokenKey::new(server_id, token_url, scope);
        let inner = py.detach(|| {
            guarded(|| {
                let now = now_or_clock(now)?;
                self.write().finish(&key, status, body, now)
            })
        })?;
        Ok(PyAccessToken { inner })
    }

    /// The key's name in a store shared by every instance: lower-case hex
    /// SHA-256 of the client id, server id, token URL and scope (0-separated).
    fn cache_key(&self, py: Python<'_>, server_id: &str, token_url: &str, scope: &str) -> String {
        let key = ishare_jwt::TokenKey::new(server_id, token_url, scope);
        self.reading(py, |manager| manager.cache_key(&key))
    }

    /// Caches a token another instance fetched (read from a shared store).
    #[allow(clippy::too_many_arguments)] // Python arguments
    fn insert(
        &self,
        py: Python<'_>,
        server_id: &str,
        token_url: &str,
        scope: &str,
        access_token: String,
        token_type: String,
        expires_at: i64,
    ) {
        let key = ishare_jwt::TokenKey::new(server_id, token_url, scope);
        let token = ishare_jwt::AccessToken {
            access_token,
            token_type,
            expires_at,
        };
        py.detach(|| self.write().insert(&key, token));
    }

    /// Forgets the token of the key (a resource server refused it).
    fn invalidate(&self, py: Python<'_>, server_id: &str, token_url: &str, scope: &str) {
        let key = ishare_jwt::TokenKey::new(server_id, token_url, scope);
        py.detach(|| self.write().invalidate(&key));
    }

    /// Seconds before expiry at which a token is renewed.
    #[getter]
    fn refresh_before(&self, py: Python<'_>) -> u32 {
        self.reading(py, ishare_jwt::TokenManager::refresh_before)
    }

    /// How many keys hold a token.
    fn __len__(&self, py: Python<'_>) -> usize {
        self.reading(py, ishare_jwt::TokenManager::len)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.reading(py, |manager| {
            format!(
                "TokenManager(client_id={:?}, refresh_before={}, cached={})",
                manager.signer().client_id().as_str(),
                manager.refresh_before(),
                manager.len()
            )
        })
    }
}

#[pymethods]
impl PyAccessToken {
    /// The token to send as `Authorization: Bearer …`.
    #[getter]
    fn access_token(&self) -> &str {
        &self.inner.access_token
    }

    /// `Bearer`, as the server wrote it.
    #[getter]
    fn token_type(&self) -> &str {
        &self.inner.token_type
    }

    /// When it was received plus `expires_in`, Unix seconds.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    fn __repr__(&self) -> String {
        // Never the token itself.
        format!(
            "AccessToken(token_type={:?}, expires_at={})",
            self.inner.token_type, self.inner.expires_at
        )
    }
}

#[pymethods]
impl PyTokenFetch {
    /// The token endpoint.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// The form body, with a fresh client assertion.
    #[getter]
    fn body(&self) -> &str {
        &self.inner.body
    }

    /// `application/x-www-form-urlencoded`.
    #[getter]
    fn content_type(&self) -> &str {
        self.inner.content_type
    }

    fn __repr__(&self) -> String {
        format!("TokenFetch(url={:?})", self.inner.url)
    }
}
