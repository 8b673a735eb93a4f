//! Every rule a received client assertion's claims must meet — the one place
//! to read what `iss`, `sub`, `aud`, `jti`, `iat`, `nbf` and `exp` must be.
//!
//! Order matters only for which error a token breaking several rules gets:
//! presence first, then the form of the identifier, then the relations
//! between claims, then time.

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

/// Applies every claim rule; returns the claims once all hold.
pub(crate) fn check(claims: ReceivedClaims, ctx: &ClaimContext<'_>) -> Result<CheckedClaims> {
    let iss = claims.iss.ok_or(Error::MissingClaim("iss"))?;
    let sub = claims.sub.ok_or(Error::MissingClaim("sub"))?;
    let aud = claims.aud.ok_or(Error::MissingClaim("aud"))?;
    let jti = claims
        .jti
        .filter(|j| !j.is_empty())
        .ok_or(Error::MissingClaim("jti"))?;
    let iat = claims.iat.ok_or(Error::MissingClaim("iat"))?;
    let exp = claims.exp.ok_or(Error::MissingClaim("exp"))?;
    limits::check("jti length in bytes", jti.len(), MAX_JTI_BYTES)?;
    if jti.chars().any(char::is_control) {
        return Err(Error::Malformed("jti contains control characters".into()));
    }

    // The identifier's form before any lookup (the certificate match comes later).
    let issuer = PartyId::parse(&iss)?;
    if sub != iss {
        return Err(Error::IssuerSubjectMismatch {
            iss: quote(&iss),
            sub: quote(&sub),
        });
    }
    match ctx.expected_issuer {
        ExpectedIssuer::ClientId(client_id) if client_id != iss => {
            return Err(Error::ClientIdMismatch {
                iss: quote(&iss),
                client_id: quote(client_id),
            });
        }
        ExpectedIssuer::Issuer(expected) if expected != iss => {
            return Err(Error::IssuerMismatch {
                expected: quote(expected),
                found: quote(&iss),
            });
        }
        _ => {}
    }
    check_audience(&aud, ctx.audience)?;
    check_lifetime(iat, exp, ctx.profile)?;
    check_time_window(iat, claims.nbf, exp, ctx.now, ctx.leeway)?;
    Ok(CheckedClaims {
        issuer,
        audience: ctx.audience.into(),
        jti,
        issued_at: iat,
        not_before: claims.nbf,
        expires_at: exp,
    })
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

/// Time: refused from `exp` + leeway on (RFC 7519: `exp` is the first
/// instant the token is no longer accepted), and while `iat` or `nbf` lies
/// beyond `now` + leeway.
fn check_time_window(iat: i64, nbf: Option<i64>, exp: i64, now: i64, leeway: u32) -> Result<()> {
    let leeway_s = i64::from(leeway);
    if now >= exp.saturating_add(leeway_s) {
        return Err(Error::Expired { exp, now, leeway });
    }
    let latest_start = now.saturating_add(leeway_s);
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
