//! `ishare_jwt.Signer`: the client side.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use zeroize::Zeroizing;

use crate::convert::{Now, PemKind, now_or_clock, os_rng, pem_text, read_key_file, read_pem_file};
use crate::errors::{BindingResult, guarded};
use crate::jwt::claims_text;
use crate::key_callback::{PyPendingSignature, PythonKey};
use crate::profile::{PyProfile, or_ishare};

/// Signs iSHARE client assertions for one party: its private key, its
/// certificate chain (leaf first) and its party id. Load it once, then call
/// `client_assertion` or `token_request` per request (`sign_jwt` for any
/// other iSHARE JWT); it is thread-safe and signs with the GIL released.
#[pyclass(frozen, module = "ishare_jwt", name = "Signer")]
pub(crate) struct PySigner {
    /// Shared with the token managers made from it: the key is never copied.
    inner: Arc<ishare_jwt::Signer>,
}

impl PySigner {
    fn load(
        py: Python<'_>,
        key: Zeroizing<Vec<u8>>,
        chain_pem: String,
        client_id: &str,
        profile: Option<&PyProfile>,
    ) -> BindingResult<PySigner> {
        PySigner::build(py, profile, || {
            ishare_jwt::Signer::from_pem(key.as_slice(), &chain_pem, client_id)
        })
    }

    /// The signer `make` loads (with the GIL released), making tokens of
    /// `profile`.
    fn build(
        py: Python<'_>,
        profile: Option<&PyProfile>,
        make: impl FnOnce() -> ishare_jwt::Result<ishare_jwt::Signer> + Send,
    ) -> BindingResult<PySigner> {
        let profile = or_ishare(profile);
        let inner = py.detach(|| {
            guarded(|| {
                let signer = make()?.with_profile(profile)?;
                // An expired certificate is found now, not by a partner.
                signer.check_validity_at(now_or_clock(None)?)?;
                Ok(signer)
            })
        })?;
        Ok(PySigner {
            inner: Arc::new(inner),
        })
    }

    /// The signer itself, for a token manager to share.
    pub(crate) fn shared(&self) -> Arc<ishare_jwt::Signer> {
        Arc::clone(&self.inner)
    }
}

#[pymethods]
impl PySigner {
    /// A signer from a PEM private key (PKCS#8 or PKCS#1) and a PEM
    /// certificate chain, leaf first, each as `str` or `bytes`.
    #[staticmethod]
    #[pyo3(signature = (key_pem, chain_pem, client_id, *, profile = None))]
    fn from_pem(
        py: Python<'_>,
        key_pem: &Bound<'_, PyAny>,
        chain_pem: &Bound<'_, PyAny>,
        client_id: &str,
        profile: Option<PyRef<'_, PyProfile>>,
    ) -> BindingResult<PySigner> {
        let key = Zeroizing::new(
            pem_text(key_pem, "key_pem", PemKind::Key)?
                .into_owned()
                .into_bytes(),
        );
        let chain = pem_text(chain_pem, "chain_pem", PemKind::Chain)?.into_owned();
        PySigner::load(py, key, chain, client_id, profile.as_deref())
    }

    /// A signer from a key file (PEM, or DER PKCS#8/PKCS#1) and a PEM chain
    /// file (`str` or `os.PathLike` paths).
    #[staticmethod]
    #[pyo3(signature = (key_path, chain_path, client_id, *, profile = None))]
    fn from_files(
        py: Python<'_>,
        key_path: PathBuf,
        chain_path: PathBuf,
        client_id: &str,
        profile: Option<PyRef<'_, PyProfile>>,
    ) -> BindingResult<PySigner> {
        let key = read_key_file(&key_path)?;
        let chain = read_pem_file(&chain_path, "chain_path", PemKind::Chain)?;
        PySigner::load(py, key, chain, client_id, profile.as_deref())
    }

    /// A signer whose key never leaves its device or service: `sign(pending)`
    /// is called for each signature with a `PendingSignature` (`.message`,
    /// `.digest`, `.digest_info`, `.algorithm`) and returns the
    /// RSASSA-PKCS1-v1_5 SHA-256 signature bytes. The signature is checked
    /// with the chain's leaf key (`KeyMismatchError` otherwise); a `sign`
    /// that raises, or returns anything but bytes, raises `KeyStoreError`
    /// (its `__cause__` the callback's exception). `sign` is called from
    /// whichever thread signs, with the GIL held.
    #[staticmethod]
    #[pyo3(signature = (chain_pem, client_id, sign, *, profile = None))]
    fn from_callback(
        py: Python<'_>,
        chain_pem: &Bound<'_, PyAny>,
        client_id: &str,
        sign: &Bound<'_, PyAny>,
        profile: Option<PyRef<'_, PyProfile>>,
    ) -> BindingResult<PySigner> {
        if !sign.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "sign must be callable, not {}",
                sign.get_type().name()?
            ))
            .into());
        }
        let chain = pem_text(chain_pem, "chain_pem", PemKind::Chain)?.into_owned();
        let key = Box::new(PythonKey::new(sign.clone().unbind()));
        PySigner::build(py, profile.as_deref(), || {
            ishare_jwt::Signer::from_external_pem(key, &chain, client_id)
        })
    }

    /// A signer whose key is on a PKCS#11 device (an HSM, a USB token, a
    /// smart card), named by an RFC 7512 URI
    /// (`pkcs11:token=…;object=…?module-path=…`). The PIN: `pin`, else the
    /// URI's `pin-value` / `pin-source`, else the environment variable
    /// `ISHARE_PKCS11_PIN`; it never appears in an error or a repr. The
    /// chain: `chain_pem` (leaf first), else the token's certificate objects.
    /// A module that does not load, a token or key not found, a wrong PIN
    /// raise `KeyStoreError`; a key that is not the leaf's `KeyMismatchError`.
    #[staticmethod]
    #[pyo3(signature = (uri, *, client_id, pin = None, chain_pem = None, profile = None))]
    fn from_pkcs11(
        py: Python<'_>,
        uri: &str,
        client_id: &str,
        pin: Option<String>,
        chain_pem: Option<&Bound<'_, PyAny>>,
        profile: Option<PyRef<'_, PyProfile>>,
    ) -> BindingResult<PySigner> {
        let pin = pin.map(Zeroizing::new);
        let chain = chain_pem
            .map(|chain| pem_text(chain, "chain_pem", PemKind::Chain).map(Cow::into_owned))
            .transpose()?;
        PySigner::build(py, profile.as_deref(), || {
            ishare_jwt_pkcs11::from_pkcs11(
                uri,
                pin.as_deref().map(String::as_str),
                chain.as_deref(),
                client_id,
            )
        })
    }

    /// A signer holding no key at all: it prepares tokens
    /// (`prepare_assertion`, `prepare_jwt`); the device signs the pending
    /// signature; `finish` checks that signature and returns the token. Its
    /// `client_assertion`, `token_request` and `sign_jwt` raise
    /// `InvalidKeyError`.
    #[staticmethod]
    #[pyo3(signature = (chain_pem, client_id, *, profile = None))]
    fn from_chain_pem(
        py: Python<'_>,
        chain_pem: &Bound<'_, PyAny>,
        client_id: &str,
        profile: Option<PyRef<'_, PyProfile>>,
    ) -> BindingResult<PySigner> {
        let chain = pem_text(chain_pem, "chain_pem", PemKind::Chain)?.into_owned();
        PySigner::build(py, profile.as_deref(), || {
            ishare_jwt::Signer::from_chain_pem(&chain, client_id)
        })
    }

    /// What `client_assertion` would sign, for a key elsewhere to sign;
    /// `finish` makes the token.
    #[pyo3(signature = (audience, *, now = None, jti = None))]
    fn prepare_assertion(
        &self,
        py: Python<'_>,
        audience: &str,
        now: Option<Now>,
        jti: Option<&str>,
    ) -> BindingResult<PyPendingSignature> {
        let inner = py.detach(|| {
            guarded(|| {
                let issued_at = now_or_clock(now)?;
                self.inner
                    .prepare_assertion(&mut os_rng(), audience, issued_at, jti)
            })
        })?;
        Ok(PyPendingSignature { inner })
    }

    /// What `sign_jwt` would sign (same arguments), for a key elsewhere to
    /// sign; `finish` makes the token.
    #[pyo3(signature = (audience, claims = None, *, claims_json = None, now = None, jti = None))]
    fn prepare_jwt(
        &self,
        py: Python<'_>,
        audience: &str,
        claims: Option<&Bound<'_, PyAny>>,
        claims_json: Option<String>,
        now: Option<Now>,
        jti: Option<&str>,
    ) -> BindingResult<PyPendingSignature> {
        let claims_json = claims_text(claims, claims_json)?;
        let inner = py.detach(|| {
            guarded(|| {
                let now = now_or_clock(now)?;
                self.inner
                    .prepare_jwt(&mut os_rng(), audience, claims_json.as_deref(), now, jti)
            })
        })?;
        Ok(PyPendingSignature { inner })
    }

    /// The token, once `signature` (RSASSA-PKCS1-v1_5 SHA-256 over
    /// `pending.message`) verifies with the chain's leaf key;
    /// `KeyMismatchError` otherwise (another key, another padding, garbage).
    fn finish(
        &self,
        py: Python<'_>,
        pending: PyRef<'_, PyPendingSignature>,
        signature: &[u8],
    ) -> BindingResult<String> {
        let pending = pending.inner.clone();
        let token = py.detach(|| guarded(|| self.inner.finish(pending, signature)))?;
        Ok(token)
    }

    /// A signed client assertion for `audience`, issued at `now` (Unix
    /// seconds; the system clock when None), with a fresh UUID v4 `jti`
    /// unless one is given.
    #[pyo3(signature = (audience, *, now = None, jti = None))]
    fn client_assertion(
        &self,
        py: Python<'_>,
        audience: &str,
        now: Option<Now>,
        jti: Option<&str>,
    ) -> BindingResult<String> {
        let token = py.detach(|| {
            guarded(|| {
                let issued_at = now_or_clock(now)?;
                self.inner.sign(&mut os_rng(), audience, issued_at, jti)
            })
        })?;
        Ok(token)
    }

    /// Any iSHARE JWT for `audience`: the envelope of a client assertion
    /// (`iss` = `sub` = this party, `aud`, `jti`, `iat` = `nbf` = `now`,
    /// `exp` = `iat` + 30) followed by the members of `claims`, a mapping
    /// written as JSON by Python's `json` module (`ensure_ascii=False`,
    /// `allow_nan=False`) — or of `claims_json`, JSON object text — in their
    /// order, values unchanged. A claim the envelope owns raises
    /// `InvalidArgumentError`.
    #[pyo3(signature = (audience, claims = None, *, claims_json = None, now = None, jti = None))]
    fn sign_jwt(
        &self,
        py: Python<'_>,
        audience: &str,
        claims: Option<&Bound<'_, PyAny>>,
        claims_json: Option<String>,
        now: Option<Now>,
        jti: Option<&str>,
    ) -> BindingResult<String> {
        let claims_json = claims_text(claims, claims_json)?;
        let token = py.detach(|| {
            guarded(|| {
                let now = now_or_clock(now)?;
                self.inner
                    .sign_jwt(&mut os_rng(), audience, claims_json.as_deref(), now, jti)
            })
        })?;
        Ok(token)
    }

    /// The form fields of a token request (`POST /connect/token`) carrying a
    /// fresh client assertion: `grant_type`, `scope`, `client_id`,
    /// `client_assertion_type`, `client_assertion`.
    // The literal keeps `inspect.signature` (and so the stubs) readable; a
    // test checks that it equals `ishare_jwt::DEFAULT_SCOPE`.
    #[pyo3(signature = (audience, *, scope = "iSHARE", now = None))]
    fn token_request<'py>(
        &self,
        py: Python<'py>,
        audience: &str,
        scope: &str,
        now: Option<Now>,
    ) -> BindingResult<Bound<'py, PyDict>> {
        let fields = py.detach(|| {
            guarded(|| {
                let issued_at = now_or_clock(now)?;
                let assertion = self
                    .inner
                    .client_assertion(&mut os_rng(), audience, issued_at)?;
                ishare_jwt::token_request_fields(self.inner.client_id().as_str(), &assertion, scope)
            })
        })?;
        let form = PyDict::new(py);
        for (name, value) in fields {
            form.set_item(name, value)?;
        }
        Ok(form)
    }

    /// The party id this signer signs for (`iss` = `sub` = `client_id`).
    #[getter]
    fn client_id(&self) -> &str {
        self.inner.client_id().as_str()
    }

    /// The profile of the tokens it makes.
    #[getter]
    fn profile(&self) -> PyProfile {
        PyProfile {
            inner: self.inner.profile(),
        }
    }

    /// SHA-256 of the leaf certificate, upper-case hex.
    #[getter]
    fn leaf_sha256(&self) -> String {
        self.inner.leaf_sha256()
    }

    /// What loaded but some verifiers will refuse, one sentence each with
    /// its fix (a chain without its root, a root without basicConstraints);
    /// empty for a chain every verifier accepts.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// The last second (Unix) at which every certificate of the chain is
    /// valid: alert before it, renew the certificate.
    #[getter]
    fn not_after(&self) -> i64 {
        self.inner.not_after()
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(client_id={:?}, leaf_sha256={:?})",
            self.inner.client_id().as_str(),
            self.inner.leaf_sha256()
        )
    }
}
