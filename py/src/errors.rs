//! The one place where core errors become Python exceptions.
//!
//! `ishare_jwt.IshareJwtError` is the base; each kind in
//! [`ishare_jwt::Error::KINDS`] gets one subclass, named after the kind in
//! CamelCase plus `Error` (`expired` → `ExpiredError`), with class
//! attributes `kind` and `code`. The classes are generated from that table,
//! so a kind added to the core gets its class without touching this crate.

use std::ffi::CString;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// The Python module every public name lives in.
pub(crate) const PACKAGE: &str = "ishare_jwt";

/// What a binding function can fail with: a core error (mapped to its
/// exception class) or a Python error raised while converting arguments.
#[derive(Debug)]
pub(crate) enum BindingError {
    /// An error of the core library.
    Core(ishare_jwt::Error),
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
                let message = error.to_string();
                match ErrorClasses::get(py) {
                    Ok(classes) => PyErr::from_type(classes.for_code(py, error.code()), (message,)),
                    Err(creation_failed) => creation_failed,
                }
            }),
        }
    }
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
            let class = new_class(py, &name, &doc, base.bind(py), Some(attributes))?;
            kinds.push((code, name, class));
        }
        Ok(ErrorClasses { base, kinds })
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
    name: &str,
    doc: &str,
    base: &Bound<'_, PyType>,
    attributes: Option<Bound<'_, PyDict>>,
) -> PyResult<Py<PyType>> {
    let qualified = CString::new(format!("{PACKAGE}.{name}"))?;
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
