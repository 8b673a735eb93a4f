//! `ishare_jwt.Profile`: which kind of client assertion to make or expect.

use pyo3::prelude::*;

use crate::convert::to_u32;
use crate::errors::BindingResult;

/// Which kind of client assertion a Signer makes or a Verifier expects:
/// `Profile.ishare()` (the default: `typ` `JWT`, lifetime exactly 30 s) or
/// `Profile.oauth(lifetime=60)` (the generic RFC 7523 client assertion:
/// `typ` `client-authentication+jwt`, `aud` the authorization server's issuer
/// identifier, lifetime up to `lifetime` seconds).
#[pyclass(frozen, eq, module = "ishare_jwt", name = "Profile")]
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct PyProfile {
    pub(crate) inner: ishare_jwt::Profile,
}

/// The core profile of an optional `profile=` argument (iSHARE when absent).
pub(crate) fn or_ishare(profile: Option<&PyProfile>) -> ishare_jwt::Profile {
    profile.map_or(ishare_jwt::Profile::ISHARE, |p| p.inner)
}

#[pymethods]
impl PyProfile {
    /// The iSHARE client assertion: `typ` `JWT`, `exp` = `iat` + 30.
    #[staticmethod]
    fn ishare() -> PyProfile {
        PyProfile {
            inner: ishare_jwt::Profile::ISHARE,
        }
    }

    /// The generic OAuth client assertion (RFC 7523 and its update draft),
    /// signed with `exp` = `iat` + `lifetime`, accepted with any lifetime from
    /// 1 s up to `lifetime` (1 to 3600).
    #[staticmethod]
    #[pyo3(signature = (lifetime = 60))]
    fn oauth(lifetime: i64) -> BindingResult<PyProfile> {
        let inner = ishare_jwt::Profile::oauth(to_u32("lifetime", lifetime)?)?;
        Ok(PyProfile { inner })
    }

    /// The header `typ` this profile produces and demands.
    #[getter]
    fn typ(&self) -> &'static str {
        self.inner.typ()
    }

    /// The lifetime (`exp` − `iat`, seconds) of the tokens it makes.
    #[getter]
    fn lifetime(&self) -> u32 {
        self.inner.lifetime_secs()
    }

    fn __repr__(&self) -> String {
        if self.inner == ishare_jwt::Profile::ISHARE {
            "Profile.ishare()".to_owned()
        } else {
            format!("Profile.oauth(lifetime={})", self.inner.lifetime_secs())
        }
    }
}
