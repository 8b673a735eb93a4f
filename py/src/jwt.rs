//! `ishare_jwt.VerifiedJwt`, and the JSON text of a JWT's own claims both
//! ways: a mapping becomes text with Python's `json` module before signing;
//! the verified payload becomes a `dict` with `json.loads` when asked for.

use std::sync::OnceLock;

use pyo3::exceptions::{PyRecursionError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};
use pyo3::{PyTraverseError, PyVisit};

use crate::errors::{BindingError, BindingResult};

/// The JSON text `sign_jwt` hands the core: `claims_json` as given, or the
/// mapping `claims` written by `json.dumps` (compact, `ensure_ascii=False`,
/// `allow_nan=False`, members in the mapping's order).
///
/// A `claims` that is not a mapping, or holds a value of a type JSON has no
/// form for, raises `TypeError` (as `json.dumps` and PyJWT do); a value of a
/// JSON type that JSON text cannot carry (NaN, ±Infinity, a lone surrogate,
/// a circular reference, nesting too deep) is `invalid_argument`.
pub(crate) fn claims_text(
    claims: Option<&Bound<'_, PyAny>>,
    claims_json: Option<String>,
) -> BindingResult<Option<String>> {
    let claims = match (claims, claims_json) {
        (Some(_), Some(_)) => {
            return Err(PyTypeError::new_err("give claims or claims_json, not both").into());
        }
        (None, text) => return Ok(text),
        (Some(claims), None) => claims,
    };
    let py = claims.py();
    if claims.cast::<PyMapping>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "claims must be a mapping of claim names to JSON values, not {}",
            claims.get_type().name()?
        ))
        .into());
    }
    // json.dumps writes only dicts as objects; any other Mapping is copied.
    let object = if claims.is_instance_of::<PyDict>() {
        claims.clone()
    } else {
        py.get_type::<PyDict>().call1((claims,))?
    };
    let options = PyDict::new(py);
    options.set_item("ensure_ascii", false)?;
    options.set_item("allow_nan", false)?;
    options.set_item("separators", (",", ":"))?;
    let text = py
        .import("json")?
        .getattr("dumps")?
        .call((object,), Some(&options))
        .map_err(|error| json_error(py, error))?;
    let text = text.cast_into::<PyString>().map_err(PyErr::from)?;
    match text.to_cow() {
        Ok(text) => Ok(Some(text.into_owned())),
        Err(_) => Err(ishare_jwt::Error::InvalidArgument(
            "claims: a string holds a lone surrogate, which JSON text cannot carry".to_owned(),
        )
        .into()),
    }
}

/// `json.dumps`'s refusal as ours: its `TypeError` (a value of a type JSON
/// has no form for) stays a `TypeError`, its `ValueError` (NaN, Infinity, a
/// circular reference) and `RecursionError` become `invalid_argument`; each
/// keeps json's exception as its `__cause__`.
fn json_error(py: Python<'_>, error: PyErr) -> BindingError {
    let converted = if error.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(format!("claims: {}", error.value(py)))
    } else if error.is_instance_of::<PyValueError>(py)
        || error.is_instance_of::<PyRecursionError>(py)
    {
        PyErr::from(BindingError::from(ishare_jwt::Error::InvalidArgument(
            format!("claims are not JSON: {}", error.value(py)),
        )))
    } else {
        return error.into();
    };
    converted.set_cause(py, Some(error));
    converted.into()
}

/// Any iSHARE JWT that passed every check (`Verifier.verify_jwt`): the
/// envelope's claims as attributes, the whole payload as `claims` (a
/// `dict`) and as `claims_json` (the text that was verified).
#[pyclass(frozen, module = "ishare_jwt", name = "VerifiedJwt")]
pub(crate) struct PyVerifiedJwt {
    pub(crate) inner: ishare_jwt::VerifiedJwt,
    /// `json.loads(claims_json)`, made on first use.
    claims: OnceLock<Py<PyAny>>,
}

impl From<ishare_jwt::VerifiedJwt> for PyVerifiedJwt {
    fn from(inner: ishare_jwt::VerifiedJwt) -> Self {
        PyVerifiedJwt {
            inner,
            claims: OnceLock::new(),
        }
    }
}

#[pymethods]
impl PyVerifiedJwt {
    /// The whole payload as a `dict` (`json.loads` of `claims_json`): the
    /// envelope (`iss`, `sub`, `aud`, `jti`, `iat`, `nbf`, `exp`) and the
    /// issuer's own claims. Parsed once; every access returns that `dict`.
    #[getter]
    fn claims(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(claims) = self.claims.get() {
            return Ok(claims.clone_ref(py));
        }
        let parsed = py
            .import("json")?
            .getattr("loads")?
            .call1((self.inner.claims_json.as_str(),))?
            .unbind();
        // Two threads may both parse; the first to finish is kept.
        let _ = self.claims.set(parsed);
        Ok(self
            .claims
            .get()
            .map_or_else(|| py.None(), |claims| claims.clone_ref(py)))
    }

    /// The whole payload: the JSON text exactly as it was verified.
    #[getter]
    fn claims_json(&self) -> &str {
        &self.inner.claims_json
    }

    /// `iss` = `sub`: the party that signed.
    #[getter]
    fn issuer(&self) -> &str {
        self.inner.issuer.as_str()
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
            "VerifiedJwt(issuer={:?}, audience={:?}, jti={:?}, issued_at={}, expires_at={})",
            self.inner.issuer.as_str(),
            self.inner.audience,
            self.inner.jti,
            self.inner.issued_at,
            self.inner.expires_at
        )
    }

    // The parsed claims are a dict the caller may change, even to hold this
    // object: let the garbage collector see that reference.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(claims) = self.claims.get() {
            visit.call(claims)?;
        }
        Ok(())
    }
}
