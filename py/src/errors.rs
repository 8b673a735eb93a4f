//! The one place where core errors become Python exceptions.
//!
//! `ishare_jwt.IshareJwtError` is the base; each kind in
//! [`ishare_jwt::Error::KINDS`] gets one subclass, named after the kind in
//! CamelCase plus `Error` (`expired` → `ExpiredError`), with class
//! attributes `kind` and `code`. The classes are generated from that table,
//! so a kind added to the core gets its class without touching this crate.
//!
//! Each exception also carries what the core says about it, set here and
//! nowhere else: `_oauth_answer`, the `(status, body)` of the token
//! endpoint's answer to it (`OAuthError::from_error`), and, for
//! `token_endpoint`, the server's `status`, `error` and `error_description`.
//! `ishare_jwt.oauth.OAuthError` (a token request refused before any
//! verification) is made here too, from the core's `OAuthError`.

use std::ffi::CString;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyAny, PyDict, PyType};

/// The Python module every public name lives in.
pub(crate) const PACKAGE: &str = "ishare_jwt";
/// The module of the token endpoint's helpers.
pub(crate) const OAUTH_MODULE: &str = "ishare_jwt.oauth";

/// What a binding function can fail with: a core error (mapped to its
/// exception class) or a Python error raised while converting arguments.
#[derive(Debug)]
pub(crate) enum BindingError {
    /// An error of the core library.
    Core(ishare_jwt::Error),
    /// A token request the core refused (RFC 6749 §5.2).
    OAuth(ishare_jwt::OAuthError),
    /// A Python exception (e.g. `TypeError` for an argument of the wrong type).
    Python(PyErr),
}

/// Result of a binding function.
pub(crate) type BindingResult<T> = Result<T, BindingError>;

impl From<ishare_jwt::Error> for BindingError {
    fn from(error: ishare_jwt::Error) -> Self {
        BindingError::Core(error)
    }
}

impl From<ishare_jwt::OAuthError> for BindingError {
    fn from(error: ishare_jwt::OAuthError) -> Self {
        BindingError::OAuth(error)
    }
}

impl From<PyErr> for BindingError {
    fn from(error: PyErr) -> Self {
        BindingError::Python(error)
    }
}

impl From<BindingError> for PyErr {
    fn from(error: BindingError) -> Self {
        match error {
            BindingError::Python(error) => error,
            BindingError::Core(error) => Python::attach(|py| {
                let exception = core_exception(py, &error).unwrap_or_else(|failed| failed);
                // A key callback that raised: its exception is the cause.
                match crate::key_callback::callback_failure(py, &error) {
                    Ok(cause) => {
                        if cause.is_some() {
                            exception.set_cause(py, cause);
                        }
                        exception
                    }
                    Err(interrupt) => interrupt,
                }
            }),
            BindingError::OAuth(error) => {
                Python::attach(|py| oauth_exception(py, &error).unwrap_or_else(|failed| failed))
            }
        }
    }
}

/// The exception of kind `error.kind()`, carrying its OAuth answer and, for
/// `token_endpoint`, the server's fields.
fn core_exception(py: Python<'_>, error: &ishare_jwt::Error) -> PyResult<PyErr> {
    let classes = ErrorClasses::get(py)?;
    let exception = classes
        .for_code(py, error.code())
        .call1((error.to_string(),))?;
    set_oauth_answer(&exception, &ishare_jwt::OAuthError::from_error(error))?;
    if let ishare_jwt::Error::TokenEndpoint {
        status,
        error,
        error_description,
    } = error
    {
        exception.setattr("status", status)?;
        exception.setattr("error", error)?;
        exception.setattr("error_description", error_description)?;
    }
    Ok(PyErr::from_value(exception))
}

/// `ishare_jwt.oauth.OAuthError` with `status`, `error`, `error_description`.
fn oauth_exception(py: Python<'_>, error: &ishare_jwt::OAuthError) -> PyResult<PyErr> {
    let classes = ErrorClasses::get(py)?;
    let exception = classes.oauth.bind(py).call1((error.to_string(),))?;
    exception.setattr("status", error.status)?;
    exception.setattr("error", error.error)?;
    exception.setattr("error_description", &error.error_description)?;
    set_oauth_answer(&exception, error)?;
    Ok(PyErr::from_value(exception))
}

/// `_oauth_answer`: the status and JSON body a token endpoint answers (read
/// by `ishare_jwt.oauth.error_response`). Plain values, so the exception
/// still pickles.
fn set_oauth_answer(exception: &Bound<'_, PyAny>, answer: &ishare_jwt::OAuthError) -> PyResult<()> {
    exception.setattr("_oauth_answer", (answer.status, answer.body()))
}

/// The exception a core error becomes, as a value (for Python code that
/// raises it, e.g. `NetworkError` for a failed HTTP request).
pub(crate) fn exception_value(py: Python<'_>, error: ishare_jwt::Error) -> Py<PyAny> {
    PyErr::from(BindingError::Core(error))
        .into_value(py)
        .into_any()
}

/// Runs `f`, turning a Rust panic into an `internal` error so that no
/// `PanicException` reaches Python.
pub(crate) fn guarded<T>(f: impl FnOnce() -> ishare_jwt::Result<T>) -> ishare_jwt::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(ishare_jwt::Error::from_panic(payload.as_ref())))
}

/// `invalid_party_id` → `InvalidPartyIdError`.
pub(crate) fn class_name(kind: &str) -> String {
    let mut name = String::with_capacity(kind.len() + 5);
    for word in kind.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name.push_str("Error");
    name
}

/// The exception classes, created once per process.
pub(crate) struct ErrorClasses {
    base: Py<PyType>,
    /// `ishare_jwt.oauth.OAuthError`, not an `IshareJwtError`: the request
    /// was refused before any token was judged.
    oauth: Py<PyType>,
    /// `(code, class name, class)`, in the order of `Error::KINDS`.
    kinds: Vec<(u32, String, Py<PyType>)>,
}

static CLASSES: PyOnceLock<ErrorClasses> = PyOnceLock::new();

impl ErrorClasses {
    /// The classes, creating them on first use.
    pub(crate) fn get(py: Python<'_>) -> PyResult<&ErrorClasses> {
        CLASSES.get_or_try_init(py, || ErrorClasses::create(py))
    }

    fn create(py: Python<'_>) -> PyResult<ErrorClasses> {
        let base = new_class(
            py,
            PACKAGE,
            "IshareJwtError",
            "Base of every error raised by ishare_jwt; `.kind` names the kind, `.code` is its stable number.",
            &py.get_type::<PyException>(),
            None,
        )?;
        let mut kinds = Vec::with_capacity(ishare_jwt::Error::KINDS.len());
        for &(code, kind) in ishare_jwt::Error::KINDS {
            let attributes = PyDict::new(py);
            attributes.set_item("kind", kind)?;
            attributes.set_item("code", code)?;
            let name = class_name(kind);
            let doc = format!("ishare_jwt error kind `{kind}` (code {code}).");
            let class = new_class(py, PACKAGE, &name, &doc, base.bind(py), Some(attributes))?;
            kinds.push((code, name, class));
        }
        let oauth = new_class(
            py,
            OAUTH_MODULE,
            "OAuthError",
            "A token request refused (RFC 6749 §5.2): `.status`, `.error`, `.error_description`.",
            &py.get_type::<PyException>(),
            None,
        )?;
        Ok(ErrorClasses { base, oauth, kinds })
    }

    /// The class of the kind numbered `code` (the base for an unknown code).
    fn for_code<'py>(&self, py: Python<'py>, code: u32) -> Bound<'py, PyType> {
        self.kinds
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or(&self.base, |(_, _, class)| class)
            .bind(py)
            .clone()
    }

    /// `ishare_jwt.oauth.OAuthError`.
    pub(crate) fn oauth<'py>(&self, py: Python<'py>) -> &Bound<'py, PyType> {
        self.oauth.bind(py)
    }

    /// Adds the base and every subclass to `module`, returning their names.
    pub(crate) fn add_to(&self, module: &Bound<'_, PyModule>) -> PyResult<Vec<String>> {
        let py = module.py();
        module.add("IshareJwtError", self.base.bind(py))?;
        let mut names = vec!["IshareJwtError".to_owned()];
        for (_, name, class) in &self.kinds {
            module.add(name.as_str(), class.bind(py))?;
            names.push(name.clone());
        }
        Ok(names)
    }
}

fn new_class(
    py: Python<'_>,
    module: &str,
    name: &str,
    doc: &str,
    base: &Bound<'_, PyType>,
    attributes: Option<Bound<'_, PyDict>>,
) -> PyResult<Py<PyType>> {
    let qualified = CString::new(format!("{module}.{name}"))?;
    let doc = CString::new(doc)?;
    // `new_type` drops the `Py` it is given before using its pointer, so keep
    // our own reference to the dict alive across the call.
    let dict = attributes.as_ref().map(|a| a.clone().into_any().unbind());
    let class = PyErr::new_type(py, &qualified, Some(&doc), Some(base), dict);
    drop(attributes);
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let result: ishare_jwt::Result<()> = guarded(|| panic!("boom {}", 7));
        let error = result.unwrap_err();
        assert_eq!(error.kind(), "internal");
        assert!(error.to_string().contains("boom 7"), "{error}");
        let result: ishare_jwt::Result<()> = guarded(|| std::panic::panic_any(42_u8));
        assert!(result.unwrap_err().to_string().contains("(no message)"));
    }

    #[test]
    fn results_pass_through() {
        assert_eq!(guarded(|| Ok(5)).unwrap(), 5);
        let error = guarded::<()>(|| Err(ishare_jwt::Error::Signature)).unwrap_err();
        assert_eq!(error, ishare_jwt::Error::Signature);
    }

    #[test]
    fn class_names() {
        assert_eq!(class_name("expired"), "ExpiredError");
        assert_eq!(class_name("invalid_party_id"), "InvalidPartyIdError");
        let names: std::collections::BTreeSet<_> = ishare_jwt::Error::KINDS
            .iter()
            .map(|(_, kind)| class_name(kind))
            .collect();
        assert_eq!(names.len(), ishare_jwt::Error::KINDS.len(), "names collide");
    }
}
