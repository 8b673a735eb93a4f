//! A [`Report`] as JSON (the CLI's `--json`, the C ABI, JavaScript, the
//! web page) and as a table for people (the CLI, Python's `str()`).

use alloc::string::String;
use core::fmt::Write;

use super::{Report, RuleStatus};
use crate::json::write_string;

impl Report {
    /// `accepted` or `refused`.
    pub fn verdict(&self) -> &'static str {
        if self.accepted { "accepted" } else { "refused" }
    }

    /// The report as one JSON object:
    /// `{"verdict", "kind", "rules": [{"rule", "status", "kind", "detail"}],
    /// "header", "claims", "chain": [{"position", "subject", "issuer",
    /// "serial", "not_before", "not_after", "sha256", "key_bits", "party"}]}`
    /// (`kind`, `header` and `claims` are `null` when absent).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(2048);
        out.push_str("{\"verdict\":");
        write_string(&mut out, self.verdict());
        out.push_str(",\"kind\":");
        match self.kind {
            Some(kind) => write_string(&mut out, kind),
            None => out.push_str("null"),
        }
        out.push_str(",\"rules\":[");
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"rule\":");
            write_string(&mut out, rule.rule);
            out.push_str(",\"status\":");
            write_string(&mut out, rule.status.name());
            out.push_str(",\"kind\":");
            write_string(&mut out, rule.kind);
            out.push_str(",\"detail\":");
            write_string(&mut out, &rule.detail);
            out.push('}');
        }
        out.push_str("],\"header\":");
        out.push_str(self.header_json.as_deref().unwrap_or("null"));
        out.push_str(",\"claims\":");
        out.push_str(self.claims_json.as_deref().unwrap_or("null"));
        out.push_str(",\"chain\":[");
        for (i, c) in self.chain.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"position\":{},\"subject\":", c.position);
            write_string(&mut out, &c.subject);
            out.push_str(",\"issuer\":");
            write_string(&mut out, &c.issuer);
            out.push_str(",\"serial\":");
            write_string(&mut out, &c.serial);
            let _ = write!(
                out,
                ",\"not_before\":{},\"not_after\":{},\"sha256\":",
                c.not_before, c.not_after
            );
            write_string(&mut out, &c.sha256);
            let _ = write!(out, ",\"key_bits\":{},\"party\":", c.key_bits);
            write_string(&mut out, &c.party);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// The rule table: one line per rule, `✓` passed, `✗` failed, `–`
    /// skipped, then the verdict. With `colour`, ANSI green/red/grey marks
    /// (for a terminal that wants them).
    pub fn table(&self, colour: bool) -> String {
        let width = self.rules.iter().map(|r| r.rule.len()).max().unwrap_or(0);
        let mut out = String::new();
        for rule in &self.rules {
            let (mark, ansi) = match rule.status {
                RuleStatus::Pass => ("✓", "32"),
                RuleStatus::Fail => ("✗", "31"),
                RuleStatus::Skipped => ("–", "90"),
            };
            if colour {
                let _ = write!(out, "\u{1b}[{ansi}m{mark}\u{1b}[0m");
            } else {
                out.push_str(mark);
            }
            let detail = crate::escape_for_display(&rule.detail);
            let _ = writeln!(out, " {:width$}  {}", rule.rule, detail);
        }
        match self.kind {
            Some(kind) => {
                let _ = write!(out, "refused: {kind}");
            }
            None => out.push_str("accepted"),
        }
        out
    }
}

impl core::fmt::Display for Report {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.table(false))
    }
}
