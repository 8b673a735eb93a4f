//! `verifier.explain(token, now, clientId)`: why a token is accepted or
//! refused, rule by rule — the core's [`ishare_jwt::Report`] as records.

use crate::error::{IshareJwtError, guard};
use crate::system::now_or_clock;
use crate::verifier::Verifier;

/// One rule of a [`Report`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleReport {
    /// Stable snake_case name (`signature`, `lifetime`, …).
    pub rule: String,
    /// `pass`, `fail` or `skipped`.
    pub status: String,
    /// The error kind the rule stands for (for a failure, the kind found).
    pub kind: String,
    /// One line: what was found, or why the rule was skipped.
    pub detail: String,
}

/// One certificate of the token's `x5c`, as read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateReport {
    /// Its place in `x5c` (0 = the leaf).
    pub position: u32,
    /// The subject, as `C=NL, O=…, CN=…`.
    pub subject: String,
    /// The issuer, likewise.
    pub issuer: String,
    /// The serial number, upper-case hex.
    pub serial: String,
    /// `notBefore`, Unix seconds.
    pub not_before: i64,
    /// `notAfter`, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the DER, upper-case hex.
    pub sha256: String,
    /// The RSA modulus size in bits.
    pub key_bits: u32,
    /// The party the subject names (serialNumber, organizationIdentifier).
    pub party: String,
}

/// Why a token is accepted or refused: every rule of the iSHARE JWT,
/// passed, failed (what was found) or skipped (why), with the decoded
/// header, claims and certificates. For people and logs: it records no
/// replay and is never the authorisation decision (`verify` is).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// `accepted` or `refused`: `verify`'s verdict.
    pub verdict: String,
    /// The error kind `verify` refuses the token with (null if accepted).
    pub kind: Option<String>,
    /// Every rule, in the verifier's order.
    pub rules: Vec<RuleReport>,
    /// The JOSE header as JSON text (null when it is not JSON).
    pub header_json: Option<String>,
    /// The claims as JSON text (null when they are not JSON).
    pub claims_json: Option<String>,
    /// The certificates of `x5c` that could be read.
    pub chain: Vec<CertificateReport>,
}

/// A count as a record field (a report never holds 4 billion of anything).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<ishare_jwt::Report> for Report {
    fn from(report: ishare_jwt::Report) -> Self {
        Report {
            verdict: report.verdict().to_owned(),
            kind: report.kind.map(str::to_owned),
            rules: report
                .rules
                .into_iter()
                .map(|r| RuleReport {
                    rule: r.rule.to_owned(),
                    status: r.status.name().to_owned(),
                    kind: r.kind.to_owned(),
                    detail: r.detail,
                })
                .collect(),
            header_json: report.header_json,
            claims_json: report.claims_json,
            chain: report
                .chain
                .into_iter()
                .map(|c| CertificateReport {
                    position: count(c.position),
                    subject: c.subject,
                    issuer: c.issuer,
                    serial: c.serial,
                    not_before: c.not_before,
                    not_after: c.not_after,
                    sha256: c.sha256,
                    key_bits: count(c.key_bits),
                    party: c.party,
                })
                .collect(),
        }
    }
}

#[uniffi::export]
impl Verifier {
    /// Why `verify` accepts or refuses `token` at `now` (Unix seconds; the
    /// system clock when null): every rule, each passed, failed or skipped.
    /// Its verdict is `verify`'s, but it records no replay and is never the
    /// authorisation decision.
    #[uniffi::method(default(now = None, client_id = None))]
    pub fn explain(
        &self,
        token: String,
        now: Option<i64>,
        client_id: Option<String>,
    ) -> Result<Report, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            Ok(self
                .core()
                .explain(&token, now, client_id.as_deref())?
                .into())
        })
    }

    /// `explain` by the rules of `verify_jwt` (any iSHARE JWT; `issuer`,
    /// when given, must be its `iss`).
    #[uniffi::method(default(now = None, issuer = None))]
    pub fn explain_jwt(
        &self,
        token: String,
        now: Option<i64>,
        issuer: Option<String>,
    ) -> Result<Report, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            Ok(self
                .core()
                .explain_jwt(&token, now, issuer.as_deref())?
                .into())
        })
    }
}
