//! The claims of a client assertion (RFC 7519 §4.1 names) as received and
//! as sent. The rules they must meet live in [`crate::claim_rules`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Claims as found in a received token, before any rule is applied.
/// Unknown claims are ignored; a known claim named twice is refused.
#[derive(Deserialize)]
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

/// The `aud` claim: RFC 7519 allows one string or an array.
pub(crate) struct Audience(pub Vec<String>);

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        struct AudienceVisitor;
        impl<'de> Visitor<'de> for AudienceVisitor {
            type Value = Audience;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> core::result::Result<Audience, E> {
                Ok(Audience(alloc::vec![v.into()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> core::result::Result<Audience, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element::<String>()? {
                    values.push(value);
                }
                Ok(Audience(values))
            }
        }
        // serde-json-core has no `deserialize_any`; its `deserialize_ignored_any`
        // dispatches on the value's first byte (string → visit_str, array →
        // visit_seq, anything else → an error from `expecting`).
        deserializer.deserialize_ignored_any(AudienceVisitor)
    }
}

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
