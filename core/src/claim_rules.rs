//! Every rule a received client assertion's claims must meet — the one place
//! to read what `iss`, `sub`, `aud`, `jti`, `iat`, `nbf` and `exp` must be.
//!
//! [`CLAIM_RULES`] lists them in order, each with a stable name: the
//! verifier stops at the first that fails, `explain` evaluates each.

use alloc::string::String;
use alloc::vec::Vec;

use crate::claims::{Audience, ReceivedClaims};
use crate::error::{Error, Result, quote};
use crate::limits::{self, MAX_JTI_BYTES};
use crate::party::PartyId;
use crate::profile::Profile;

/// What the verifier knows when it checks claims.
pub(crate) struct ClaimContext<'a> {
    /// Our own identifier: the only acceptable `aud`.
    pub audience: &'a str,
    /// Who the caller expects `iss` to be, if anyone.
    pub expected_issuer: ExpectedIssuer<'a>,
    /// The clock, Unix seconds.
    pub now: i64,
    /// Allowed clock skew, seconds.
    pub leeway: u32,
    /// The lifetime rule.
    pub profile: &'a Profile,
}

/// Whom the caller expects as `iss`, and so which error a difference is.
#[derive(Clone, Copy)]
pub(crate) enum ExpectedIssuer<'a> {
    /// Any party the leaf certificate names.
    Any,
    /// The `client_id` form parameter sent with a client assertion.
    ClientId(&'a str),
    /// The issuer a general iSHARE JWT must come from (e.g. the satellite).
    Issuer(&'a str),
}

/// Claims that met every rule.
pub(crate) struct CheckedClaims {
    pub issuer: PartyId,
    pub audience: String,
    pub jti: String,
    pub issued_at: i64,
    pub not_before: Option<i64>,
    pub expires_at: i64,
}

/// One claim rule: a stable name (as `explain` reports it), its check, and
/// a one-line account of what it found when it passes.
pub(crate) struct ClaimRule {
    pub name: &'static str,
    pub check: fn(&ReceivedClaims, &ClaimContext<'_>) -> RuleVerdict,
    pub found: fn(&ReceivedClaims, &ClaimContext<'_>) -> String,
}

/// What one rule says of the claims.
pub(crate) enum RuleVerdict {
    Pass,
    Fail(Error),
    /// It cannot be evaluated: the claim it needs is missing.
    Needs(&'static str),
}

/// Every rule, in the order [`check`] applies them: presence first, then
/// the form of the identifier, then the relations between claims, then
/// time. The order decides which error a token breaking several rules gets.
pub(crate) const CLAIM_RULES: [ClaimRule; 9] = [
    ClaimRule {
        name: "claims_present",
        check: |c, _| match first_missing(c) {
            Some(claim) => RuleVerdict::Fail(Error::MissingClaim(claim)),
            None => RuleVerdict::Pass,
        },
        found: |_, _| "iss, sub, aud, jti, iat and exp are present".into(),
    },
    ClaimRule {
        name: "jti_form",
        check: |c, _| match c.jti.as_deref().filter(|j| !j.is_empty()) {
            None => RuleVerdict::Needs("jti"),
            Some(jti) => verdict(check_jti(jti)),
        },
        found: |c, _| {
            alloc::format!(
                "jti is {} bytes, no control characters",
                c.jti.as_deref().map_or(0, str::len)
            )
        },
    },
    ClaimRule {
        name: "issuer_party_id",
        check: |c, _| match &c.iss {
            None => RuleVerdict::Needs("iss"),
            Some(iss) => verdict(PartyId::parse(iss).map(|_| ())),
        },
        found: |c, _| {
            alloc::format!(
                "iss \"{}\" is a party id",
                quote(c.iss.as_deref().unwrap_or_default())
            )
        },
    },
    ClaimRule {
        name: "subject_is_issuer",
        check: |c, _| match (&c.iss, &c.sub) {
            (None, _) => RuleVerdict::Needs("iss"),
            (_, None) => RuleVerdict::Needs("sub"),
            (Some(iss), Some(sub)) if sub != iss => {
                RuleVerdict::Fail(Error::IssuerSubjectMismatch {
                    iss: quote(iss),
                    sub: quote(sub),
                })
            }
            _ => RuleVerdict::Pass,
        },
        found: |_, _| "sub = iss".into(),
    },
    ClaimRule {
        name: "expected_issuer",
        check: |c, ctx| match &c.iss {
            None => RuleVerdict::Needs("iss"),
            Some(iss) => verdict(check_expected_issuer(iss, ctx.expected_issuer)),
        },
        found: |_, ctx| match ctx.expected_issuer {
            ExpectedIssuer::Any => "no client_id or issuer given: any party the leaf names".into(),
            ExpectedIssuer::ClientId(id) => alloc::format!("iss = client_id \"{}\"", quote(id)),
            ExpectedIssuer::Issuer(id) => {
                alloc::format!("iss = the expected issuer \"{}\"", quote(id))
            }
        },
    },
    ClaimRule {
        name: "audience",
        check: |c, ctx| match &c.aud {
            None => RuleVerdict::Needs("aud"),
            Some(aud) => verdict(check_audience(aud, ctx.audience)),
        },
        found: |_, ctx| alloc::format!("aud is exactly \"{}\"", quote(ctx.audience)),
    },
    ClaimRule {
        name: "lifetime",
        check: |c, ctx| match (c.iat, c.exp) {
            (None, _) => RuleVerdict::Needs("iat"),
            (_, None) => RuleVerdict::Needs("exp"),
            (Some(iat), Some(exp)) => verdict(check_lifetime(iat, exp, ctx.profile)),
        },
        found: |c, ctx| {
            alloc::format!(
                "exp - iat = {}; {} s required",
                c.exp
                    .unwrap_or_default()
                    .saturating_sub(c.iat.unwrap_or_default()),
                ctx.profile.lifetime_secs()
            )
        },
    },
    ClaimRule {
        name: "not_expired",
        check: |c, ctx| match c.exp {
            None => RuleVerdict::Needs("exp"),
            Some(exp) => verdict(check_expiry(exp, ctx.now, ctx.leeway)),
        },
        found: |c, ctx| {
            alloc::format!(
                "now {} is before exp {} + leeway {}",
                ctx.now,
                c.exp.unwrap_or_default(),
                ctx.leeway
            )
        },
    },
    ClaimRule {
        name: "already_valid",
        check: |c, ctx| match c.iat {
            None => RuleVerdict::Needs("iat"),
            Some(iat) => verdict(check_started(iat, c.nbf, ctx.now, ctx.leeway)),
        },
        found: |_, ctx| {
            alloc::format!(
                "iat and nbf are at or before now {} + leeway {}",
                ctx.now,
                ctx.leeway
            )
        },
    },
];

fn verdict(result: Result<()>) -> RuleVerdict {
    match result {
        Ok(()) => RuleVerdict::Pass,
        Err(error) => RuleVerdict::Fail(error),
    }
}

/// The first registered claim missing, in the order iss, sub, aud, jti,
/// iat, exp (an empty `jti` counts as missing).
fn first_missing(c: &ReceivedClaims) -> Option<&'static str> {
    [
        ("iss", c.iss.is_some()),
        ("sub", c.sub.is_some()),
        ("aud", c.aud.is_some()),
        ("jti", c.jti.as_deref().is_some_and(|j| !j.is_empty())),
        ("iat", c.iat.is_some()),
        ("exp", c.exp.is_some()),
    ]
    .into_iter()
    .find_map(|(claim, present)| (!present).then_some(claim))
}

/// Applies every claim rule in order; returns the claims once all hold.
pub(crate) fn check(claims: ReceivedClaims, ctx: &ClaimContext<'_>) -> Result<CheckedClaims> {
    for rule in &CLAIM_RULES {
        match (rule.check)(&claims, ctx) {
            RuleVerdict::Pass => {}
            RuleVerdict::Fail(error) => return Err(error),
            RuleVerdict::Needs(claim) => return Err(Error::MissingClaim(claim)),
        }
    }
    let (Some(iss), Some(jti), Some(iat), Some(exp)) =
        (claims.iss, claims.jti, claims.iat, claims.exp)
    else {
        return Err(Error::Internal(
            "a claim rule passed a missing claim".into(),
        ));
    };
    Ok(CheckedClaims {
        issuer: PartyId::parse(&iss)?,
        audience: ctx.audience.into(),
        jti,
        issued_at: iat,
        not_before: claims.nbf,
        expires_at: exp,
    })
}

/// `jti`: bounded, without control characters.
fn check_jti(jti: &str) -> Result<()> {
    limits::check("jti length in bytes", jti.len(), MAX_JTI_BYTES)?;
    if jti.chars().any(char::is_control) {
        return Err(Error::Malformed("jti contains control characters".into()));
    }
    Ok(())
}

/// `iss` against who the caller expects.
fn check_expected_issuer(iss: &str, expected: ExpectedIssuer<'_>) -> Result<()> {
    match expected {
        ExpectedIssuer::ClientId(client_id) if client_id != iss => Err(Error::ClientIdMismatch {
            iss: quote(iss),
            client_id: quote(client_id),
        }),
        ExpectedIssuer::Issuer(expected) if expected != iss => Err(Error::IssuerMismatch {
            expected: quote(expected),
            found: quote(iss),
        }),
        _ => Ok(()),
    }
}

/// `aud`: exactly one value, equal to our own id. iSHARE forbids further
/// audiences even when ours is among them.
fn check_audience(aud: &Audience, expected: &str) -> Result<()> {
    match aud.0.as_slice() {
        [only] if only == expected => Ok(()),
        values => Err(Error::Audience {
            expected: quote(expected),
            found: describe_values(values),
        }),
    }
}

/// `exp` − `iat`: exactly 30 s for iSHARE; 1 s up to the configured
/// lifetime for the OAuth profile.
fn check_lifetime(iat: i64, exp: i64, profile: &Profile) -> Result<()> {
    let lifetime = exp.saturating_sub(iat);
    if !profile.accepts_lifetime(lifetime) {
        return Err(Error::InvalidLifetime {
            expected: profile.lifetime_secs(),
            found: lifetime,
        });
    }
    Ok(())
}

/// Time, first the end: refused from `exp` + leeway on (RFC 7519: `exp`
/// is the first instant the token is no longer accepted).
fn check_expiry(exp: i64, now: i64, leeway: u32) -> Result<()> {
    if now >= exp.saturating_add(i64::from(leeway)) {
        return Err(Error::Expired { exp, now, leeway });
    }
    Ok(())
}

/// Then the start: refused while `iat` or `nbf` lies beyond `now` + leeway.
fn check_started(iat: i64, nbf: Option<i64>, now: i64, leeway: u32) -> Result<()> {
    let latest_start = now.saturating_add(i64::from(leeway));
    for (claim, value) in [("iat", Some(iat)), ("nbf", nbf)] {
        if let Some(value) = value.filter(|v| *v > latest_start) {
            return Err(Error::NotYetValid {
                claim,
                value,
                now,
                leeway,
            });
        }
    }
    Ok(())
}

fn describe_values(values: &[String]) -> String {
    match values {
        [] => "an empty array".into(),
        [one] => alloc::format!("\"{}\"", quote(one)),
        many => {
            let quoted: Vec<String> = many.iter().take(4).map(|v| quote(v)).collect();
            alloc::format!("{} values {:?}", many.len(), quoted)
        }
    }
}
