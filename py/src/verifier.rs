//! `ishare_jwt.Verifier`: the server side.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::{PyTraverseError, PyVisit};

use crate::assertion::PyAssertion;
use crate::convert::{Now, now_or_clock, to_u32, to_usize, trust_texts};
use crate::errors::{BindingResult, guarded};
use crate::explain::PyReport;
use crate::jwt::PyVerifiedJwt;
use crate::profile::{PyProfile, or_ishare};
use crate::replay_store::PythonReplayStore;

/// Verifies client assertions addressed to `audience` (our own party id),
/// trusting chains that lead to one of `trusted_roots` (PEM CA certificates
/// or 64-hex SHA-256 fingerprints). Refuses a token seen before unless
/// `replay_protection=False`, remembering at most `replay_capacity` unexpired
/// tokens, of which one issuer may hold `replay_issuer_share`; beyond either
/// limit it refuses (`ReplayCacheFullError`). With `replay_store`, tokens
/// are recorded there instead (`store.remember(key, until, now)`; shared by
/// every instance of a service), and a failing store refuses the token
/// (`ReplayStoreError`). Thread-safe; verifies with the GIL released.
#[pyclass(frozen, module = "ishare_jwt", name = "Verifier")]
pub(crate) struct PyVerifier {
    inner: ishare_jwt::Verifier,
    caches: LockedCaches,
    replay_protection: bool,
    replay_capacity: usize,
    replay_issuer_share: f64,
    /// The Python object remembering accepted tokens, if not the cache.
    replay_store: Option<Py<PyAny>>,
}

// The signature's literal defaults are the core's.
const _: () = assert!(ishare_jwt::DEFAULT_REPLAY_CAPACITY == 100_000);
const _: () = assert!(ishare_jwt::DEFAULT_REPLAY_ISSUER_SHARE == 0.1);

/// The verifier's replay and chain caches behind a mutex; the core locks it
/// only around look-ups and inserts, never during RSA work.
struct LockedCaches(Mutex<ishare_jwt::VerifierCaches>);

impl ishare_jwt::SharedCaches for LockedCaches {
    fn with_caches<R>(&self, f: impl FnOnce(&mut ishare_jwt::VerifierCaches) -> R) -> R {
        // A panic under the lock (caught by `guarded`) poisons it; the caches
        // are only ever changed by single map inserts, so they stay usable.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (
        audience,
        trusted_roots,
        *,
        leeway = 0,
        replay_protection = true,
        profile = None,
        replay_capacity = 100_000,
        replay_issuer_share = 0.1,
        replay_store = None,
    ))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments
    fn new(
        py: Python<'_>,
        audience: &str,
        trusted_roots: &Bound<'_, PyAny>,
        leeway: i64,
        replay_protection: bool,
        profile: Option<PyRef<'_, PyProfile>>,
        replay_capacity: i64,
        replay_issuer_share: f64,
        replay_store: Option<Py<PyAny>>,
    ) -> BindingResult<PyVerifier> {
        if replay_store.is_some() && !replay_protection {
            return Err(ishare_jwt::Error::InvalidArgument(
                "replay_store given with replay_protection=False".to_owned(),
            )
            .into());
        }
        let profile = or_ishare(profile.as_deref());
        let trusted_roots = trust_texts(trusted_roots, "trusted_roots")?;
        let (inner, replay_cache) = py.detach(|| {
            guarded(|| {
                let mut anchors = Vec::new();
                for text in &trusted_roots {
                    anchors.extend(ishare_jwt::TrustAnchor::parse_all(text)?);
                }
                let inner = ishare_jwt::Verifier::new_with_profile(audience, anchors, profile)?
                    .with_leeway(to_u32("leeway", leeway)?)?;
                // Checked even with replay_protection=False: a bad limit is a
                // mistake either way.
                let replay_cache = ishare_jwt::ReplayCache::with_issuer_share(
                    to_usize("replay_capacity", replay_capacity)?,
                    replay_issuer_share,
                )?;
                Ok((inner, replay_cache))
            })
        })?;
        let replay_capacity = replay_cache.capacity();
        let caches = ishare_jwt::VerifierCaches {
            // A store replaces the cache; the chain cache stays.
            replay: (replay_protection && replay_store.is_none()).then_some(replay_cache),
            ..ishare_jwt::VerifierCaches::default()
        };
        Ok(PyVerifier {
            inner,
            caches: LockedCaches(Mutex::new(caches)),
            replay_protection,
            replay_capacity,
            replay_issuer_share,
            replay_store,
        })
    }

    /// Verifies `token` at `now` (Unix seconds; the system clock when None).
    /// `client_id` is the `client_id` form parameter sent with it, if any.
    /// Returns the verified claims or raises an `IshareJwtError` subclass.
    #[pyo3(signature = (token, *, now = None, client_id = None))]
    fn verify(
        &self,
        py: Python<'_>,
        token: &str,
        now: Option<Now>,
        client_id: Option<&str>,
    ) -> BindingResult<PyAssertion> {
        if let Some(store) = &self.replay_store {
            let mut store = PythonReplayStore::new(store);
            let verified = py.detach(|| {
                guarded(|| {
                    let now = now_or_clock(now)?;
                    Ok(self.inner.verify_shared_with_store(
                        token,
                        now,
                        client_id,
                        &self.caches,
                        &mut store,
                    ))
                })
            })?;
            return verified
                .map(PyAssertion::from)
                .map_err(|error| store.python_error(py, error).into());
        }
        let verified = py.detach(|| {
            guarded(|| {
                let now = now_or_clock(now)?;
                self.inner
                    .verify_shared(token, now, client_id, &self.caches)
            })
        })?;
        Ok(PyAssertion::from(verified))
    }

    /// Verifies any iSHARE JWT sent to us (a satellite's `parties_token`,
    /// a `delegation_token`, ...) at `now` (Unix seconds; the system clock
    /// when None) by every rule of `verify` but the `client_id` one; when
    /// `issuer` is given, `iss` must be it (`IssuerMismatchError`). Like
    /// `verify`, refuses a token seen before unless `replay_protection=False`.
    /// Returns the envelope and the whole payload.
    #[pyo3(signature = (token, *, now = None, issuer = None))]
    fn verify_jwt(
        &self,
        py: Python<'_>,
        token: &str,
        now: Option<Now>,
        issuer: Option<&str>,
    ) -> BindingResult<PyVerifiedJwt> {
        if let Some(store) = &self.replay_store {
            let mut store = PythonReplayStore::new(store);
            let verified = py.detach(|| {
                guarded(|| {
                    let now = now_or_clock(now)?;
                    Ok(self.inner.verify_jwt_shared_with_store(
                        token,
                        now,
                        issuer,
                        &self.caches,
                        &mut store,
                    ))
                })
            })?;
            return verified
                .map(PyVerifiedJwt::from)
                .map_err(|error| store.python_error(py, error).into());
        }
        let verified = py.detach(|| {
            guarded(|| {
                let now = now_or_clock(now)?;
                self.inner
                    .verify_jwt_shared(token, now, issuer, &self.caches)
            })
        })?;
        Ok(PyVerifiedJwt::from(verified))
    }

    /// Why `verify` accepts or refuses `token` at `now` (Unix seconds; the
    /// system clock when None): every rule, each passed, failed or skipped,
    /// with the decoded header, claims and certificates. Its verdict is
    /// `verify`'s, but it records no replay and is never the authorisation
    /// decision: it is for people and logs.
    #[pyo3(signature = (token, *, now = None, client_id = None))]
    fn explain(
        &self,
        py: Python<'_>,
        token: &str,
        now: Option<Now>,
        client_id: Option<&str>,
    ) -> BindingResult<PyReport> {
        let report =
            py.detach(|| guarded(|| self.inner.explain(token, now_or_clock(now)?, client_id)))?;
        Ok(PyReport::from(report))
    }

    /// `explain` for any iSHARE JWT (the rules of `verify_jwt`; `issuer`,
    /// when given, must be its `iss`).
    #[pyo3(signature = (token, *, now = None, issuer = None))]
    fn explain_jwt(
        &self,
        py: Python<'_>,
        token: &str,
        now: Option<Now>,
        issuer: Option<&str>,
    ) -> BindingResult<PyReport> {
        let report =
            py.detach(|| guarded(|| self.inner.explain_jwt(token, now_or_clock(now)?, issuer)))?;
        Ok(PyReport::from(report))
    }

    /// Our identifier, the only acceptable `aud`.
    #[getter]
    fn audience(&self) -> &str {
        self.inner.audience()
    }

    /// Allowed clock skew in seconds.
    #[getter]
    fn leeway(&self) -> u32 {
        self.inner.leeway()
    }

    /// Whether a token is refused the second time.
    #[getter]
    fn replay_protection(&self) -> bool {
        self.replay_protection
    }

    /// The most unexpired tokens the replay cache remembers.
    #[getter]
    fn replay_capacity(&self) -> usize {
        self.replay_capacity
    }

    /// The share of `replay_capacity` one issuer may hold.
    #[getter]
    fn replay_issuer_share(&self) -> f64 {
        self.replay_issuer_share
    }

    /// The object that remembers accepted tokens (None: this verifier's
    /// own replay cache).
    #[getter]
    fn replay_store(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.replay_store.as_ref().map(|store| store.clone_ref(py))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(store) = &self.replay_store {
            visit.call(store)?;
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!(
            "Verifier(audience={:?}, leeway={}, replay_protection={}, replay_capacity={}, replay_issuer_share={:?})",
            self.inner.audience(),
            self.inner.leeway(),
            if self.replay_protection {
                "True"
            } else {
                "False"
            },
            self.replay_capacity,
            self.replay_issuer_share,
        )
    }
}
