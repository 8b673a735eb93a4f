//! `ishare_jwt.Assertion`: the claims of a verified client assertion.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// A client assertion that passed every check.
#[pyclass(frozen, module = "ishare_jwt", name = "Assertion")]
pub(crate) struct PyAssertion {
    inner: ishare_jwt::VerifiedAssertion,
}

impl From<ishare_jwt::VerifiedAssertion> for PyAssertion {
    fn from(inner: ishare_jwt::VerifiedAssertion) -> Self {
        PyAssertion { inner }
    }
}

#[pymethods]
impl PyAssertion {
    /// The client: `iss` = `sub` (= the `client_id` sent, when given).
    #[getter]
    fn client_id(&self) -> &str {
        self.inner.client_id.as_str()
    }

    /// `aud`: our own identifier.
    #[getter]
    fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// `jti`: the token's unique id.
    #[getter]
    fn jti(&self) -> &str {
        &self.inner.jti
    }

    /// `iat`, Unix seconds.
    #[getter]
    fn issued_at(&self) -> i64 {
        self.inner.issued_at
    }

    /// `nbf`, Unix seconds, if the token carried it.
    #[getter]
    fn not_before(&self) -> Option<i64> {
        self.inner.not_before
    }

    /// `exp`, Unix seconds.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// The key a replay store keeps this token under: lower-case hex
    /// SHA-256(`iss` 0x00 `jti`), the same in every language.
    #[getter]
    fn replay_key(&self) -> &str {
        &self.inner.replay_key
    }

    /// `exp` + the verifier's leeway, Unix seconds: until when a replay
    /// store must keep `replay_key`.
    #[getter]
    fn replay_until(&self) -> i64 {
        self.inner.replay_until
    }

    /// The JWS algorithm: `RS256`, `RS384` or `RS512`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm.name()
    }

    /// SHA-256 of the leaf certificate, upper-case hex.
    #[getter]
    fn leaf_sha256(&self) -> &str {
        &self.inner.leaf_sha256
    }

    /// The `x5c` chain as DER certificates, leaf first.
    #[getter]
    fn chain<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.inner
            .chain
            .iter()
            .map(|der| PyBytes::new(py, der))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Assertion(client_id={:?}, audience={:?}, jti={:?}, issued_at={}, expires_at={})",
            self.inner.client_id.as_str(),
            self.inner.audience,
            self.inner.jti,
            self.inner.issued_at,
            self.inner.expires_at
        )
    }
}
