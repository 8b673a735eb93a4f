//! The claims of a client assertion (RFC 7519 §4.1 names) as received and
//! as sent. The rules they must meet live in [`crate::claim_rules`].

use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::json::{self, Value};

/// Claims as found in a received token, before any rule is applied.
/// Unknown claims are ignored (but must be JSON); a registered claim that is
/// `null` or of the wrong type is `malformed`, never taken for absent.
pub(crate) struct ReceivedClaims {
    /// `iss` (RFC 7519 §4.1.1): the client's party id.
    pub iss: Option<String>,
    /// `sub` (RFC 7519 §4.1.2): must equal `iss`.
    pub sub: Option<String>,
    /// `aud` (RFC 7519 §4.1.3): a string or an array of strings.
    pub aud: Option<Audience>,
    /// `jti` (RFC 7519 §4.1.7): unique per token.
    pub jti: Option<String>,
    /// `iat` (RFC 7519 §4.1.6): integer seconds.
    pub iat: Option<i64>,
    /// `nbf` (RFC 7519 §4.1.5): integer seconds, optional when received.
    pub nbf: Option<i64>,
    /// `exp` (RFC 7519 §4.1.4): integer seconds.
    pub exp: Option<i64>,
}

impl ReceivedClaims {
    /// Reads the claims set's JSON text (RFC 8259, strictly).
    pub(crate) fn parse(json: &[u8]) -> Result<ReceivedClaims> {
        const WHAT: &str = "claims";
        let claims = json::parse(WHAT, json)?.into_object(WHAT)?;
        let text = |name| claims.string(WHAT, name).map(|s| s.map(String::from));
        let aud = match claims.present(WHAT, "aud")? {
            None => None,
            Some(Value::String(one)) => Some(Audience(alloc::vec![one.clone()])),
            Some(Value::Array(_)) => claims
                .strings(WHAT, "aud")?
                .map(|all| Audience(all.into_iter().map(String::from).collect())),
            Some(other) => {
                return Err(Error::Malformed(alloc::format!(
                    "claims: \"aud\" must be a string or an array of strings, found {}",
                    other.type_name()
                )));
            }
        };
        Ok(ReceivedClaims {
            iss: text("iss")?,
            sub: text("sub")?,
            aud,
            jti: text("jti")?,
            iat: claims.integer(WHAT, "iat")?,
            nbf: claims.integer(WHAT, "nbf")?,
            exp: claims.integer(WHAT, "exp")?,
        })
    }
}

/// The `aud` claim: RFC 7519 allows one string or an array.
pub(crate) struct Audience(pub Vec<String>);

/// Claims as a signer sends them, in this order: `iss`, `sub`, `aud`, `jti`,
/// `iat`, `nbf`, `exp`, integer seconds, `aud` a single string.
#[derive(Serialize)]
pub(crate) struct SentClaims<'a> {
    pub iss: &'a str,
    pub sub: &'a str,
    pub aud: &'a str,
    pub jti: &'a str,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}
