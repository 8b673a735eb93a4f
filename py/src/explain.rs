//! `ishare_jwt.Report`: the rule-by-rule account `Verifier.explain` gives
//! (the core's [`ishare_jwt::Report`]), as Python objects, the table for
//! `str()` and an HTML table for notebooks.

use pyo3::prelude::*;
use pyo3::types::PyList;

/// Why a token is accepted or refused: every rule of the iSHARE JWT,
/// passed, failed (what was found) or skipped (why), with the decoded
/// header, claims and certificates. For people and logs: it records no
/// replay and is never the authorisation decision (`verify` is).
#[pyclass(frozen, module = "ishare_jwt", name = "Report")]
pub(crate) struct PyReport {
    inner: ishare_jwt::Report,
}

impl From<ishare_jwt::Report> for PyReport {
    fn from(inner: ishare_jwt::Report) -> Self {
        PyReport { inner }
    }
}

/// One rule of a [`PyReport`].
#[pyclass(frozen, module = "ishare_jwt", name = "RuleReport")]
pub(crate) struct PyRuleReport {
    /// Stable snake_case name (`signature`, `lifetime`, ...).
    #[pyo3(get)]
    rule: &'static str,
    /// `pass`, `fail` or `skipped`.
    #[pyo3(get)]
    status: &'static str,
    /// The error kind the rule stands for (for a failure, the kind found).
    #[pyo3(get)]
    kind: &'static str,
    /// One line: what was found, or why the rule was skipped.
    #[pyo3(get)]
    detail: String,
}

#[pymethods]
impl PyRuleReport {
    fn __repr__(&self) -> String {
        format!(
            "RuleReport(rule={:?}, status={:?}, kind={:?}, detail={:?})",
            self.rule, self.status, self.kind, self.detail
        )
    }
}

/// One certificate of the token's `x5c`, as read.
#[pyclass(frozen, module = "ishare_jwt", name = "CertificateReport")]
pub(crate) struct PyCertificateReport {
    inner: ishare_jwt::CertificateReport,
}

#[pymethods]
impl PyCertificateReport {
    /// Its place in `x5c` (0 = the leaf).
    #[getter]
    fn position(&self) -> usize {
        self.inner.position
    }

    /// The subject, as `C=NL, O=..., CN=...`.
    #[getter]
    fn subject(&self) -> &str {
        &self.inner.subject
    }

    /// The issuer, likewise.
    #[getter]
    fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The serial number, upper-case hex.
    #[getter]
    fn serial(&self) -> &str {
        &self.inner.serial
    }

    /// `notBefore`, Unix seconds.
    #[getter]
    fn not_before(&self) -> i64 {
        self.inner.not_before
    }

    /// `notAfter`, Unix seconds.
    #[getter]
    fn not_after(&self) -> i64 {
        self.inner.not_after
    }

    /// SHA-256 of the DER, upper-case hex.
    #[getter]
    fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// The RSA modulus size in bits.
    #[getter]
    fn key_bits(&self) -> usize {
        self.inner.key_bits
    }

    /// The party the subject names (serialNumber, organizationIdentifier).
    #[getter]
    fn party(&self) -> &str {
        &self.inner.party
    }

    fn __repr__(&self) -> String {
        format!(
            "CertificateReport(position={}, subject={:?}, sha256={:?})",
            self.inner.position, self.inner.subject, self.inner.sha256
        )
    }
}

/// `json.loads(text)`, or None.
fn parsed(py: Python<'_>, text: Option<&str>) -> PyResult<Py<PyAny>> {
    match text {
        None => Ok(py.None()),
        Some(text) => Ok(py
            .import("json")?
            .getattr("loads")?
            .call1((text,))?
            .unbind()),
    }
}

#[pymethods]
impl PyReport {
    /// `"accepted"` or `"refused"`: `verify`'s verdict.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict()
    }

    /// The error kind `verify` refuses the token with (None if accepted).
    #[getter]
    fn kind(&self) -> Option<&'static str> {
        self.inner.kind
    }

    /// Every rule, in the verifier's order.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rules = self.inner.rules.iter().map(|r| PyRuleReport {
            rule: r.rule,
            status: r.status.name(),
            kind: r.kind,
            detail: r.detail.clone(),
        });
        PyList::new(py, rules)
    }

    /// The JOSE header as a `dict` (None when it is not JSON).
    #[getter]
    fn header(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        parsed(py, self.inner.header_json.as_deref())
    }

    /// The claims as a `dict` (None when they are not JSON).
    #[getter]
    fn claims(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        parsed(py, self.inner.claims_json.as_deref())
    }

    /// The certificates of `x5c` that could be read.
    #[getter]
    fn chain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let chain = self
            .inner
            .chain
            .iter()
            .map(|c| PyCertificateReport { inner: c.clone() });
        PyList::new(py, chain)
    }

    /// The report as JSON text: `{"verdict", "kind", "rules", "header",
    /// "claims", "chain"}` (the CLI's `explain --json`).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The rule table: `✓` passed, `✗` failed, `–` skipped, then the verdict.
    fn __str__(&self) -> String {
        self.inner.table(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(verdict={:?}, kind={})",
            self.inner.verdict(),
            self.inner
                .kind
                .map_or_else(|| "None".to_owned(), |k| format!("{k:?}"))
        )
    }

    /// The report as an HTML table (Jupyter and other notebooks). Every
    /// value is escaped with `html.escape`: the token's content is the
    /// sender's, not ours.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let escape_fn = py.import("html")?.getattr("escape")?;
        let escape = |text: &str| -> PyResult<String> { escape_fn.call1((text,))?.extract() };
        let mut out = String::from("<div class=\"ishare-jwt-report\">");
        out.push_str(&format!(
            "<p><strong>{}</strong>{}</p>",
            escape(self.inner.verdict())?,
            match self.inner.kind {
                Some(kind) => format!(": {}", escape(kind)?),
                None => String::new(),
            }
        ));
        out.push_str(
            "<table><thead><tr><th></th><th>rule</th><th>status</th><th>kind</th><th>detail</th></tr></thead><tbody>",
        );
        for rule in &self.inner.rules {
            let mark = match rule.status {
                ishare_jwt::RuleStatus::Pass => "✓",
                ishare_jwt::RuleStatus::Fail => "✗",
                ishare_jwt::RuleStatus::Skipped => "–",
            };
            out.push_str(&format!(
                "<tr><td>{mark}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(rule.rule)?,
                escape(rule.status.name())?,
                escape(rule.kind)?,
                escape(&rule.detail)?
            ));
        }
        out.push_str("</tbody></table>");
        for (title, json) in [
            ("header", &self.inner.header_json),
            ("claims", &self.inner.claims_json),
        ] {
            if let Some(json) = json {
                out.push_str(&format!("<p>{title}</p><pre>{}</pre>", escape(json)?));
            }
        }
        if !self.inner.chain.is_empty() {
            out.push_str(
                "<table><thead><tr><th>x5c</th><th>subject</th><th>issuer</th><th>serial</th><th>not before</th><th>not after</th><th>SHA-256</th><th>key bits</th><th>party</th></tr></thead><tbody>",
            );
            for c in &self.inner.chain {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    c.position,
                    escape(&c.subject)?,
                    escape(&c.issuer)?,
                    escape(&c.serial)?,
                    c.not_before,
                    c.not_after,
                    escape(&c.sha256)?,
                    c.key_bits,
                    escape(&c.party)?
                ));
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</div>");
        Ok(out)
    }
}
