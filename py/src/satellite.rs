//! The satellite's judgements, sans-IO as in the core: the caller fetches
//! `/parties?eori=…` or `/trusted_list`, verifies the answer's token with
//! `Verifier.verify_jwt(token, issuer=<the satellite>)` and hands the
//! `VerifiedJwt` to `check_party` or `trusted_list_anchors`.

use pyo3::prelude::*;

use crate::convert::{Now, now_or_clock};
use crate::errors::{BindingResult, guarded};
use crate::jwt::PyVerifiedJwt;

/// One participant as the satellite lists it (`check_party`'s answer).
#[pyclass(frozen, module = "ishare_jwt", name = "PartyInfo")]
pub(crate) struct PyPartyInfo {
    inner: ishare_jwt::PartyInfo,
}

#[pymethods]
impl PyPartyInfo {
    /// `party_id`.
    #[getter]
    fn party_id(&self) -> &str {
        &self.inner.party_id
    }

    /// `party_name` (empty if the satellite gives none).
    #[getter]
    fn party_name(&self) -> &str {
        &self.inner.party_name
    }

    /// `adherence.status` (always `Active` in what `check_party` returns).
    #[getter]
    fn status(&self) -> &str {
        &self.inner.status
    }

    /// `adherence.start_date`, Unix seconds.
    #[getter]
    fn start(&self) -> i64 {
        self.inner.start
    }

    /// `adherence.end_date`, Unix seconds.
    #[getter]
    fn end(&self) -> i64 {
        self.inner.end
    }

    /// The registered certificates' `x5t#S256` fingerprints, as listed.
    #[getter]
    fn certificates(&self) -> Vec<String> {
        self.inner.certificates.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "PartyInfo(party_id={:?}, party_name={:?}, status={:?}, start={}, end={})",
            self.inner.party_id,
            self.inner.party_name,
            self.inner.status,
            self.inner.start,
            self.inner.end
        )
    }
}

/// Judges a verified `parties_token`: `party_id` must be listed
/// (`PartyUnknownError`), `Active` with `now` within its adherence dates
/// (`PartyNotActiveError`) and, when `leaf_sha256` is given (the client
/// assertion's), registered with that certificate
/// (`PartyCertificateUnknownError`). `now` is Unix seconds, the system clock
/// when None.
#[pyfunction]
#[pyo3(signature = (parties_jwt, party_id, *, leaf_sha256 = None, now = None))]
pub(crate) fn check_party(
    py: Python<'_>,
    parties_jwt: &Bound<'_, PyVerifiedJwt>,
    party_id: &str,
    leaf_sha256: Option<&str>,
    now: Option<Now>,
) -> BindingResult<PyPartyInfo> {
    let jwt = &parties_jwt.get().inner;
    let inner = py.detach(|| {
        guarded(|| {
            let now = now_or_clock(now)?;
            ishare_jwt::check_party(jwt, party_id, leaf_sha256, now)
        })
    })?;
    Ok(PyPartyInfo { inner })
}

/// The trust anchors of a verified `trusted_list_token`: the SHA-256
/// fingerprints (upper-case hex) of the entries that are `granted` and
/// `valid`, ready to be a `Verifier`'s `trusted_roots`.
#[pyfunction]
pub(crate) fn trusted_list_anchors(
    py: Python<'_>,
    jwt: &Bound<'_, PyVerifiedJwt>,
) -> BindingResult<Vec<String>> {
    let jwt = &jwt.get().inner;
    let anchors = py.detach(|| guarded(|| ishare_jwt::trusted_list_anchors(jwt)))?;
    Ok(anchors
        .iter()
        .map(ishare_jwt::TrustAnchor::sha256_hex)
        .collect())
}
