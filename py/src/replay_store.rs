//! A Python object as the core's `ReplayStore`: `Verifier(...,
//! replay_store=store)` records every accepted token with
//! `store.remember(replay_key, replay_until, now)` (True: new, False: a
//! replay). The verifier runs with the GIL released; the call takes it back
//! only for itself.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBool;

/// One verification's view of the Python store. A failing store refuses the
/// token (`Error::ReplayStore`, naming the store's type); the Python
/// exception is kept for the `ReplayStoreError`'s `__cause__`.
pub(crate) struct PythonReplayStore<'a> {
    store: &'a Py<PyAny>,
    failure: Option<PyErr>,
}

impl<'a> PythonReplayStore<'a> {
    pub(crate) fn new(store: &'a Py<PyAny>) -> Self {
        PythonReplayStore {
            store,
            failure: None,
        }
    }

    /// The verification's error as Python sees it: a `BaseException` that is
    /// not an `Exception` (`KeyboardInterrupt`, `SystemExit`) raised by the
    /// store goes through unchanged; any other failure of the store becomes
    /// `ReplayStoreError` caused by the store's exception.
    pub(crate) fn python_error(self, py: Python<'_>, error: ishare_jwt::Error) -> PyErr {
        let failure = match (&error, self.failure) {
            (ishare_jwt::Error::ReplayStore(_), Some(failure)) => failure,
            _ => return crate::errors::BindingError::from(error).into(),
        };
        if !failure.is_instance_of::<PyException>(py) {
            return failure;
        }
        let converted = PyErr::from(crate::errors::BindingError::from(error));
        converted.set_cause(py, Some(failure));
        converted
    }
}

impl ishare_jwt::ReplayStore for PythonReplayStore<'_> {
    fn record(
        &mut self,
        record: &ishare_jwt::ReplayRecord<'_>,
        now: i64,
    ) -> ishare_jwt::Result<bool> {
        Python::attach(|py| {
            let store = self.store.bind(py);
            let name = store
                .get_type()
                .qualname()
                .map_or_else(|_| "?".to_owned(), |name| name.to_string());
            let answer = store
                .call_method1("remember", (record.replay_key, record.replay_until, now))
                .and_then(|answer| {
                    answer
                        .cast_into::<PyBool>()
                        .map(|answer| answer.is_true())
                        .map_err(PyErr::from)
                });
            answer.map_err(|failure| {
                let error = ishare_jwt::Error::ReplayStore(format!(
                    "replay store {name} failed, token refused: {}",
                    describe(py, &failure)
                ));
                self.failure = Some(failure);
                error
            })
        })
    }
}

/// `TypeName: message` of a Python exception.
fn describe(py: Python<'_>, error: &PyErr) -> String {
    let kind = error
        .get_type(py)
        .qualname()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string());
    format!("{kind}: {}", error.value(py))
}
