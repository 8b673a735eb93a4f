//! Keys that never leave their device: a Python callable as the core's
//! `ExternalKey` (`Signer.from_callback`), and `PendingSignature`, what the
//! callable (or the caller of `prepare_assertion` / `finish`) signs.
//!
//! The signer runs with the GIL released; the callback takes it back only
//! for itself. A callback that raises, or answers anything but bytes, fails
//! the signature with `key_store`, naming the callback; the Python exception
//! is kept (per thread) for the `KeyStoreError`'s `__cause__`, attached where
//! core errors become Python exceptions (`errors.rs`).

use std::cell::RefCell;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};

/// A signature to be made by a key outside this process: RSASSA-PKCS1-v1_5
/// with SHA-256 over `message` (`algorithm` RS256). A key service that takes
/// the message signs `message`; one that takes a digest signs `digest`; a
/// raw-RSA one pads and signs `digest_info`.
#[pyclass(frozen, module = "ishare_jwt", name = "PendingSignature")]
pub(crate) struct PyPendingSignature {
    pub(crate) inner: ishare_jwt::PendingSignature,
}

#[pymethods]
impl PyPendingSignature {
    /// What is signed: the JWS signing input `header.payload`, ASCII.
    #[getter]
    fn message<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.message())
    }

    /// SHA-256 of `message` (32 bytes).
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.digest())
    }

    /// The DER `DigestInfo` of `digest`: what a raw PKCS#1 v1.5 mechanism
    /// (PKCS#11 `CKM_RSA_PKCS`) pads and signs.
    #[getter]
    fn digest_info<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.digest_info())
    }

    /// The JWS algorithm: `RS256`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm().name()
    }

    fn __repr__(&self) -> String {
        // Not the token text: it is not a token yet, and may carry claims.
        format!(
            "PendingSignature(algorithm={:?}, message_len={})",
            self.inner.algorithm().name(),
            self.inner.message().len()
        )
    }
}

/// `sign(pending) -> bytes`, called with the GIL for each signature.
pub(crate) struct PythonKey {
    sign: Py<PyAny>,
}

impl PythonKey {
    pub(crate) fn new(sign: Py<PyAny>) -> PythonKey {
        PythonKey { sign }
    }
}

thread_local! {
    /// The exception of this thread's last failed callback, with the
    /// message of the `key_store` error it became (so it is attached only
    /// to that error).
    static FAILURE: RefCell<Option<(String, PyErr)>> = const { RefCell::new(None) };
}

impl ishare_jwt::ExternalKey for PythonKey {
    fn sign(&self, pending: &ishare_jwt::PendingSignature) -> ishare_jwt::Result<Vec<u8>> {
        Python::attach(|py| {
            FAILURE.with_borrow_mut(Option::take);
            let sign = self.sign.bind(py);
            let pending = PyPendingSignature {
                inner: pending.clone(),
            };
            match sign.call1((pending,)) {
                Ok(answer) => signature_bytes(sign, &answer),
                Err(failure) => {
                    let message = failure_message(sign, &failure);
                    FAILURE.with_borrow_mut(|slot| *slot = Some((message.clone(), failure)));
                    Err(ishare_jwt::Error::KeyStore(message))
                }
            }
        })
    }
}

/// The Python exception `error` stands for, if it is a failed callback's
/// `key_store` error on this thread: `Err(exception)` of a `BaseException`
/// that is not an `Exception` (`KeyboardInterrupt`, `SystemExit`), to be
/// raised unchanged; `Ok(Some(exception))` for the `__cause__`.
pub(crate) fn callback_failure(
    py: Python<'_>,
    error: &ishare_jwt::Error,
) -> Result<Option<PyErr>, PyErr> {
    let ishare_jwt::Error::KeyStore(message) = error else {
        return Ok(None);
    };
    match FAILURE.with_borrow_mut(Option::take) {
        Some((failed, failure)) if failed == *message => {
            if failure.is_instance_of::<PyException>(py) {
                Ok(Some(failure))
            } else {
                Err(failure)
            }
        }
        _ => Ok(None),
    }
}

/// The signature a callback answered: `bytes` (or `bytearray`), else
/// `key_store` naming the callback and the type it answered.
fn signature_bytes(
    sign: &Bound<'_, PyAny>,
    answer: &Bound<'_, PyAny>,
) -> ishare_jwt::Result<Vec<u8>> {
    if let Ok(bytes) = answer.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(bytes) = answer.cast::<PyByteArray>() {
        return Ok(bytes.to_vec());
    }
    Err(ishare_jwt::Error::KeyStore(format!(
        "key callback {} returned {}, not the signature bytes",
        callable_name(sign),
        type_name(answer)
    )))
}

fn failure_message(sign: &Bound<'_, PyAny>, failure: &PyErr) -> String {
    let py = sign.py();
    format!(
        "key callback {} raised {}: {}",
        callable_name(sign),
        failure
            .get_type(py)
            .qualname()
            .map_or_else(|_| "?".to_owned(), |name| name.to_string()),
        failure.value(py)
    )
}

/// A function's `__qualname__`, or the type of a callable object.
fn callable_name(sign: &Bound<'_, PyAny>) -> String {
    sign.getattr("__qualname__")
        .ok()
        .and_then(|name| name.extract::<String>().ok())
        .unwrap_or_else(|| type_name(sign))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .qualname()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

/// For `ishare_jwt.AsyncSigner`, whose awaited callback Python calls: the
/// signature bytes of `answer`, else `KeyStoreError` as for a sync callback.
#[pyfunction]
pub(crate) fn key_callback_signature<'py>(
    sign: &Bound<'py, PyAny>,
    answer: &Bound<'py, PyAny>,
) -> crate::errors::BindingResult<Bound<'py, PyBytes>> {
    let signature = signature_bytes(sign, answer)?;
    Ok(PyBytes::new(sign.py(), &signature))
}

/// For `ishare_jwt.AsyncSigner`: the `KeyStoreError` of the callback `sign`
/// that raised `failure` (`raise key_callback_error(...) from failure`).
#[pyfunction]
pub(crate) fn key_callback_error(
    py: Python<'_>,
    sign: &Bound<'_, PyAny>,
    failure: &Bound<'_, PyAny>,
) -> Py<PyAny> {
    let failure = PyErr::from_value(failure.clone());
    let message = failure_message(sign, &failure);
    crate::errors::exception_value(py, ishare_jwt::Error::KeyStore(message))
}
