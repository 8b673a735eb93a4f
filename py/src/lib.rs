//! Python bindings for ishare-jwt: the private extension module
//! `ishare_jwt._native`, re-exported by the pure-Python package `ishare_jwt`.
//!
//! A thin adapter over the core crate: argument conversion, the system clock,
//! OS randomness and error mapping (all of it in `errors.rs`). Every rule about
//! tokens lives in the core.

mod assertion;
mod convert;
mod errors;
mod explain;
mod jwt;
mod key_callback;
mod oauth;
mod profile;
mod replay_store;
mod satellite;
mod signer;
mod token;
mod verifier;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Native part of the `ishare_jwt` package (import `ishare_jwt` instead).
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::assertion::PyAssertion;
    #[pymodule_export]
    use crate::explain::{PyCertificateReport, PyReport, PyRuleReport};
    #[pymodule_export]
    use crate::jwt::PyVerifiedJwt;
    #[pymodule_export]
    use crate::key_callback::PyPendingSignature;
    // For ishare_jwt.AsyncSigner: not in `__all__`.
    #[pymodule_export]
    use crate::key_callback::{key_callback_error, key_callback_signature};
    #[pymodule_export]
    use crate::profile::PyProfile;
    #[pymodule_export]
    use crate::satellite::{PyPartyInfo, check_party, trusted_list_anchors};
    #[pymodule_export]
    use crate::signer::PySigner;
    #[pymodule_export]
    use crate::verifier::PyVerifier;

    // The token manager (under `ishare_jwt.TokenClient`) and the token
    // endpoint's helpers (under `ishare_jwt.oauth`): not in `__all__`.
    #[pymodule_export]
    use crate::oauth::{
        PyTokenRequest, parse_token_request_body, parse_token_request_pairs, token_response_body,
    };
    #[pymodule_export]
    use crate::token::{PyAccessToken, PyTokenFetch, PyTokenManager};

    /// Largest token endpoint answer the core reads, in bytes.
    #[pymodule_export]
    const MAX_RESPONSE_BYTES: usize = ishare_jwt::limits::MAX_RESPONSE_BYTES;

    /// `NetworkError(message)` as the core makes it, for the HTTP done in
    /// Python (`raise _native.network_error(...)`).
    #[pyfunction]
    fn network_error(py: Python<'_>, message: String) -> Py<PyAny> {
        crate::errors::exception_value(py, ishare_jwt::Error::Network(message))
    }

    /// The default `scope` of a token request.
    #[pymodule_export]
    const DEFAULT_SCOPE: &str = ishare_jwt::DEFAULT_SCOPE;

    /// The RSA backend this wheel signs and verifies with: `"aws-lc"` (the
    /// default build) or `"rust-crypto"` (built with `--no-default-features`).
    #[pymodule_export]
    const BACKEND: &str = ishare_jwt::BACKEND;

    /// Panics on purpose inside the binding's panic guard: always raises
    /// `InternalError`. Shows that a panic never surfaces as anything else.
    #[pyfunction]
    #[allow(clippy::panic)] // the deliberate panic is the point
    fn _panic_selftest() -> crate::errors::BindingResult<()> {
        Ok(crate::errors::guarded(|| {
            panic!("deliberate panic of _panic_selftest")
        })?)
    }

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::add_module_attributes(m)
    }
}

/// The error classes, `ERROR_KINDS`, `__version__` and `__all__`.
fn add_module_attributes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let mut public: Vec<String> = [
        "Assertion",
        "CertificateReport",
        "PartyInfo",
        "PendingSignature",
        "Profile",
        "Report",
        "RuleReport",
        "Signer",
        "VerifiedJwt",
        "Verifier",
        "check_party",
        "trusted_list_anchors",
        "BACKEND",
        "DEFAULT_SCOPE",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    public.extend(errors::ErrorClasses::get(m.py())?.add_to(m)?);
    m.add(
        "ERROR_KINDS",
        PyTuple::new(m.py(), ishare_jwt::Error::KINDS)?,
    )?;
    public.push("ERROR_KINDS".to_owned());
    m.add(
        "OAuthError",
        errors::ErrorClasses::get(m.py())?.oauth(m.py()),
    )?;
    m.add(
        "TOKEN_RESPONSE_HEADERS",
        PyTuple::new(m.py(), ishare_jwt::TOKEN_RESPONSE_HEADERS)?,
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("__all__", public)?;
    Ok(())
}
