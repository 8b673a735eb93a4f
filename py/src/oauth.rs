//! The server's token endpoint, sans-IO as in the core: read the token
//! request, answer with a token response or an OAuth error. The web
//! framework does the HTTP; `ishare_jwt.oauth` (Python) adapts its form.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::errors::{BindingError, BindingResult};

/// A token request whose form is right: the parts to verify.
#[pyclass(frozen, module = "ishare_jwt.oauth", name = "TokenRequest")]
pub(crate) struct PyTokenRequest {
    inner: ishare_jwt::ParsedTokenRequest,
}

#[pymethods]
impl PyTokenRequest {
    /// `client_id`: what the assertion's `iss` must be.
    #[getter]
    fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// `client_assertion`: the token to verify.
    #[getter]
    fn client_assertion(&self) -> &str {
        &self.inner.client_assertion
    }

    /// `scope` (`iSHARE` when the request has none).
    #[getter]
    fn scope(&self) -> &str {
        &self.inner.scope
    }

    fn __repr__(&self) -> String {
        format!(
            "TokenRequest(client_id={:?}, scope={:?})",
            self.inner.client_id, self.inner.scope
        )
    }
}

/// Reads an `application/x-www-form-urlencoded` token request body (`str`,
/// or `bytes` as received); raises `OAuthError` if its form is wrong.
#[pyfunction]
pub(crate) fn parse_token_request_body(body: &Bound<'_, PyAny>) -> BindingResult<PyTokenRequest> {
    let parsed = if let Ok(text) = body.cast::<PyString>() {
        ishare_jwt::parse_token_request(&text.to_cow()?)
    } else if let Ok(bytes) = body.cast::<PyBytes>() {
        // Bytes that are not UTF-8 are replaced; the core then refuses what
        // they were part of.
        ishare_jwt::parse_token_request(&String::from_utf8_lossy(bytes.as_bytes()))
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "a token request body must be str or bytes, not {}",
            body.get_type().name()?
        ))
        .into());
    };
    Ok(PyTokenRequest {
        inner: parsed.map_err(BindingError::from)?,
    })
}

/// The same from decoded `(name, value)` pairs, each name as often as it
/// was sent (what a web framework's form parser gives).
#[pyfunction]
pub(crate) fn parse_token_request_pairs(
    pairs: Vec<(String, String)>,
) -> BindingResult<PyTokenRequest> {
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let inner = ishare_jwt::parse_token_request_pairs(&borrowed)?;
    Ok(PyTokenRequest { inner })
}

/// The JSON body of a successful token response (RFC 6749 §5.1).
#[pyfunction]
#[pyo3(signature = (access_token, expires_in, scope = None))]
pub(crate) fn token_response_body(
    access_token: &str,
    expires_in: i64,
    scope: Option<&str>,
) -> BindingResult<String> {
    let expires_in = u64::try_from(expires_in).map_err(|_| {
        ishare_jwt::Error::InvalidArgument(format!(
            "expires_in must be a non-negative number, got {expires_in}"
        ))
    })?;
    Ok(ishare_jwt::token_response_body(
        access_token,
        expires_in,
        scope,
    ))
}
