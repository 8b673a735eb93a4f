//! Why was a token refused? [`Verifier::explain`] evaluates every rule of
//! the iSHARE JWT on its own — an expired token with a wrong `aud` reports
//! both — in the order the verifier applies them, and says of each whether
//! it passed, failed (what was found) or could not be evaluated (why).
//!
//! The rules are the verifier's own functions (the JOSE header, the path
//! rules, the signature, [`CLAIM_RULES`]); this module only runs them one
//! by one instead of stopping at the first failure. The verdict and kind
//! are those of [`Verifier::verify`], run alongside, so `explain` never
//! accepts what `verify` refuses; its first failing rule has `verify`'s
//! kind (tested on every vector and hostile input).
//!
//! `explain` records no replay and is never the authorisation decision:
//! it is for people and logs.

mod render;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::claim_rules::{CLAIM_RULES, ClaimContext, RuleVerdict};
use crate::claims::ReceivedClaims;
use crate::error::{Error, Result};
use crate::jose::{self, CompactParts, ReceivedHeader};
use crate::json;
use crate::party::{self, PartyId};
use crate::verifier::{Expect, Verifier};
use crate::x509::{ChainCertificate, display_name, verify_path, verify_tail};

/// What a rule says of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleStatus {
    /// The rule holds.
    Pass,
    /// The rule is broken: the detail says what was found.
    Fail,
    /// The rule could not be evaluated: something it needs is unreadable.
    Skipped,
}

impl RuleStatus {
    /// `pass`, `fail` or `skipped`.
    pub fn name(self) -> &'static str {
        match self {
            RuleStatus::Pass => "pass",
            RuleStatus::Fail => "fail",
            RuleStatus::Skipped => "skipped",
        }
    }
}

/// One rule of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    /// Stable snake_case name (`signature`, `lifetime`, …).
    pub rule: &'static str,
    /// Its outcome.
    pub status: RuleStatus,
    /// The error kind it stands for (for a failure, the kind found).
    pub kind: &'static str,
    /// One line: what was found, or why it was skipped.
    pub detail: String,
}

/// One certificate of `x5c`, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateReport {
    /// Its place in `x5c`.
    pub position: usize,
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
    /// The RSA modulus size.
    pub key_bits: usize,
    /// The party attributes of the subject (serialNumber,
    /// organizationIdentifier).
    pub party: String,
}

/// The rule-by-rule account of one token (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Whether [`Verifier::verify`] accepts the token.
    pub accepted: bool,
    /// The kind `verify` refused it with.
    pub kind: Option<&'static str>,
    /// Every rule, in the verifier's order.
    pub rules: Vec<RuleReport>,
    /// The JOSE header, as JSON text, if it is JSON.
    pub header_json: Option<String>,
    /// The claims set, as JSON text, if it is JSON.
    pub claims_json: Option<String>,
    /// The certificates of `x5c` that could be read.
    pub chain: Vec<CertificateReport>,
}

impl Verifier {
    /// The rule-by-rule report of a client assertion (`client_id` as in
    /// [`Verifier::verify`]). Records no replay; never the authorisation
    /// decision. `Err` only for an unusable `now`.
    pub fn explain(&self, token: &str, now: i64, client_id: Option<&str>) -> Result<Report> {
        self.explain_with(token, now, Expect::assertion(client_id))
    }

    /// [`Verifier::explain`] for any iSHARE JWT (`issuer` as in
    /// [`Verifier::verify_jwt`]).
    pub fn explain_jwt(&self, token: &str, now: i64, issuer: Option<&str>) -> Result<Report> {
        self.explain_with(token, now, Expect::jwt(issuer))
    }

    fn explain_with(&self, token: &str, now: i64, expect: Expect<'_>) -> Result<Report> {
        let verdict = match self.accept(token, now, expect.clone(), |_| None) {
            Ok(_) => None,
            Err(Error::InvalidArgument(why)) => return Err(Error::InvalidArgument(why)),
            Err(error) => Some(error.kind()),
        };
        let mut report = Report {
            accepted: verdict.is_none(),
            kind: verdict,
            rules: Vec::new(),
            header_json: None,
            claims_json: None,
            chain: Vec::new(),
        };
        self.evaluate(token, now, &expect, &mut report);
        Ok(report)
    }

    /// Every rule, each evaluated when what it needs is readable.
    fn evaluate(&self, token: &str, now: i64, expect: &Expect<'_>, report: &mut Report) {
        let mut rules = Rules::default();
        let parts = rules.record(
            "token_form",
            "malformed",
            CompactParts::split(token, expect.max_token_bytes),
            |_| "three base64url parts".into(),
        );
        let Some(parts) = parts else {
            rules.skip_rest(NO_JWS);
            report.rules = rules.0;
            return;
        };
        report.header_json = json_text(jose::decode_part(
            "header",
            parts.header,
            crate::limits::MAX_HEADER_BYTES,
        ));
        let header = rules.record(
            "header",
            "invalid_header",
            ReceivedHeader::decode(parts.header, &self.profile),
            |h| {
                alloc::format!(
                    "alg {}, typ {}, x5c with {} certificate(s)",
                    h.algorithm.name(),
                    self.profile.typ(),
                    h.chain.len()
                )
            },
        );
        let chain = header.as_ref().map(|h| read_chain(&h.chain));
        if let Some(chain) = &chain {
            report.chain = chain
                .iter()
                .enumerate()
                .filter_map(|(position, c)| {
                    c.as_ref().ok().map(|c| certificate_report(position, c))
                })
                .collect();
        }
        let certificates = match chain {
            None => {
                rules.skipped("certificates", "invalid_certificate", NO_HEADER);
                None
            }
            Some(chain) => rules.record(
                "certificates",
                "invalid_certificate",
                chain.into_iter().collect::<Result<Vec<_>>>().and_then(|c| {
                    if c.is_empty() {
                        Err(Error::MissingCertificate)
                    } else {
                        Ok(c)
                    }
                }),
                |c| alloc::format!("{} RSA certificate(s), each readable", c.len()),
            ),
        };
        let path = match &certificates {
            None => {
                rules.skipped("chain_trusted", "untrusted_chain", NO_CERTIFICATES);
                None
            }
            Some(chain) => rules.record(
                "chain_trusted",
                "untrusted_chain",
                verify_path(chain, &self.anchors, now),
                |p| {
                    alloc::format!(
                        "x5c[0..={}] lead to a trust anchor; each certificate is valid at {now}, may do what it does, and is signed by the next",
                        p.tail_from
                    )
                },
            ),
        };
        // As the verifier: RSA with the leaf key only once a trusted path
        // vouches for it, and with the keys after the path only once the
        // token's signature verified (F4 of the security review).
        let signed = match (&header, &certificates, &path) {
            (Some(header), Some(chain), Some(_)) => rules.record(
                "signature",
                "signature",
                chain
                    .first()
                    .ok_or(Error::MissingCertificate)
                    .and_then(|leaf| leaf.verifying_key("x5c[0]"))
                    .and_then(|key| self.verify_signature(&parts, header.algorithm, &key)),
                |_| alloc::format!("{} with the x5c[0] key", header.algorithm.name()),
            ),
            _ => {
                rules.skipped("signature", "signature", NO_PATH);
                None
            }
        };
        match (&certificates, &path, signed) {
            (Some(chain), Some(path), Some(())) => {
                rules.record(
                    "chain_signatures",
                    "untrusted_chain",
                    verify_tail(chain, path.tail_from),
                    |_| "every certificate after the trusted path is signed by the next".into(),
                );
            }
            _ => {
                rules.skipped("chain_signatures", "untrusted_chain", NO_SIGNATURE);
            }
        }
        let claims_bytes = jose::decode_part("claims", parts.claims, expect.max_claims_bytes);
        report.claims_json = json_text(claims_bytes.clone());
        let claims = rules.record(
            "claims_form",
            "malformed",
            claims_bytes.and_then(|bytes| ReceivedClaims::parse(&bytes)),
            |_| "a JSON object; registered claims of their types".into(),
        );
        let Some(claims) = claims else {
            for rule in &CLAIM_RULES {
                rules.skipped(rule.name, primary_kind(rule.name, expect), NO_CLAIMS);
            }
            rules.skipped("leaf_names_issuer", "party_id_mismatch", NO_CLAIMS);
            report.rules = rules.0;
            return;
        };
        let context = ClaimContext {
            audience: &self.audience,
            expected_issuer: expect.issuer,
            now,
            leeway: self.leeway,
            profile: &self.profile,
        };
        for rule in &CLAIM_RULES {
            let kind = primary_kind(rule.name, expect);
            match (rule.check)(&claims, &context) {
                RuleVerdict::Pass => rules.passed(rule.name, kind, (rule.found)(&claims, &context)),
                RuleVerdict::Fail(error) => rules.failed(rule.name, &error),
                RuleVerdict::Needs(claim) => {
                    rules.skipped(
                        rule.name,
                        kind,
                        &alloc::format!("the token has no {claim} claim"),
                    );
                }
            }
        }
        let issuer = claims.iss.as_deref().map(PartyId::parse);
        match (certificates.as_ref().and_then(|c| c.first()), issuer) {
            (Some(leaf), Some(Ok(issuer))) => {
                let named = party::names_party(&leaf.names, &issuer);
                let outcome = if named {
                    Ok(())
                } else {
                    Err(Error::PartyIdMismatch {
                        party: issuer.as_str().into(),
                        certificate: party::describe(&leaf.names),
                    })
                };
                rules.record("leaf_names_issuer", "party_id_mismatch", outcome, |_| {
                    alloc::format!("x5c[0] names {}", issuer.as_str())
                });
            }
            (None, _) => {
                rules.skipped("leaf_names_issuer", "party_id_mismatch", NO_CERTIFICATES);
            }
            _ => {
                rules.skipped(
                    "leaf_names_issuer",
                    "party_id_mismatch",
                    "iss is missing or not a party id",
                );
            }
        }
        report.rules = rules.0;
    }
}

const NO_JWS: &str = "the token is not a compact JWS";
const NO_HEADER: &str = "the header is unreadable";
const NO_CERTIFICATES: &str = "the x5c certificates are unreadable";
const NO_PATH: &str =
    "no trusted path: a signature is checked only with a key a trusted chain vouches for";
const NO_SIGNATURE: &str = "the token's signature did not verify with a trusted key";
const NO_CLAIMS: &str = "the claims are unreadable";

/// The rules after `token_form`, for a token that is not a JWS at all.
const AFTER_FORM: [(&str, &str); 7] = [
    ("header", "invalid_header"),
    ("certificates", "invalid_certificate"),
    ("chain_trusted", "untrusted_chain"),
    ("signature", "signature"),
    ("chain_signatures", "untrusted_chain"),
    ("claims_form", "malformed"),
    ("leaf_names_issuer", "party_id_mismatch"),
];

/// The kind a claim rule stands for when it does not fail.
fn primary_kind(rule: &str, expect: &Expect<'_>) -> &'static str {
    match rule {
        "claims_present" => "missing_claim",
        "jti_form" => "malformed",
        "issuer_party_id" => "invalid_party_id",
        "subject_is_issuer" => "issuer_subject_mismatch",
        "expected_issuer" => match expect.issuer {
            crate::claim_rules::ExpectedIssuer::Issuer(_) => "issuer_mismatch",
            _ => "client_id_mismatch",
        },
        "audience" => "audience",
        "lifetime" => "invalid_lifetime",
        "not_expired" => "expired",
        "already_valid" => "not_yet_valid",
        _ => "internal",
    }
}

/// The rules recorded so far.
#[derive(Default)]
struct Rules(Vec<RuleReport>);

impl Rules {
    fn record<T>(
        &mut self,
        rule: &'static str,
        kind: &'static str,
        outcome: Result<T>,
        found: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        match outcome {
            Ok(value) => {
                self.passed(rule, kind, found(&value));
                Some(value)
            }
            Err(error) => {
                self.failed(rule, &error);
                None
            }
        }
    }

    fn passed(&mut self, rule: &'static str, kind: &'static str, detail: String) {
        self.0.push(RuleReport {
            rule,
            status: RuleStatus::Pass,
            kind,
            detail,
        });
    }

    fn failed(&mut self, rule: &'static str, error: &Error) {
        self.0.push(RuleReport {
            rule,
            status: RuleStatus::Fail,
            kind: error.kind(),
            detail: error.to_string(),
        });
    }

    fn skipped(&mut self, rule: &'static str, kind: &'static str, why: &str) {
        self.0.push(RuleReport {
            rule,
            status: RuleStatus::Skipped,
            kind,
            detail: why.into(),
        });
    }

    /// Every later rule skipped: the token is not a JWS.
    fn skip_rest(&mut self, why: &str) {
        for (rule, kind) in AFTER_FORM {
            self.skipped(rule, kind, why);
            if rule == "claims_form" {
                for claim_rule in &CLAIM_RULES {
                    let kind = primary_kind(claim_rule.name, &Expect::assertion(None));
                    self.skipped(claim_rule.name, kind, why);
                }
            }
        }
    }
}

fn read_chain(ders: &[Vec<u8>]) -> Vec<Result<ChainCertificate>> {
    ders.iter()
        .enumerate()
        .map(|(i, der)| ChainCertificate::from_der(der.clone(), &alloc::format!("x5c[{i}]")))
        .collect()
}

fn certificate_report(position: usize, certificate: &ChainCertificate) -> CertificateReport {
    CertificateReport {
        position,
        subject: display_name(certificate.subject()),
        issuer: display_name(certificate.issuer()),
        serial: crate::encoding::hex_upper(certificate.serial()),
        not_before: certificate.not_before,
        not_after: certificate.not_after,
        sha256: certificate.sha256_hex(),
        key_bits: certificate.key_bits,
        party: party::describe(&certificate.names),
    }
}

/// The text of a decoded part, when it is JSON (re-written canonically,
/// so the report never carries bytes the strict parser refused).
fn json_text(bytes: Result<Vec<u8>>) -> Option<String> {
    let bytes = bytes.ok()?;
    let value = json::parse("part", &bytes).ok()?;
    let mut out = String::new();
    json::write_value(&mut out, &value);
    Some(out)
}
