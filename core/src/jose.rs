//! JWS compact serialization and the JOSE header (RFC 7515).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use serde::Serialize;

use crate::backend::{Hash, SignatureScheme};
use crate::error::{Error, Result, quote};
use crate::json;
use crate::limits::{self, MAX_CERTIFICATE_BYTES, MAX_CHAIN_CERTIFICATES};
use crate::profile::Profile;

/// A JWS signature algorithm this library accepts (RFC 7518 §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: what iSHARE clients must produce.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384 (accepted, iSHARE 2.1).
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (accepted, iSHARE 2.1).
    RS512,
}

impl Algorithm {
    /// Parses a JWS `alg` value; anything but RS256/RS384/RS512 is refused.
    pub fn parse(alg: &str) -> Result<Algorithm> {
        match alg {
            "RS256" => Ok(Algorithm::RS256),
            "RS384" => Ok(Algorithm::RS384),
            "RS512" => Ok(Algorithm::RS512),
            other => Err(Error::UnsupportedAlgorithm(quote(other))),
        }
    }

    /// The RSA scheme it names.
    pub(crate) fn scheme(self) -> SignatureScheme {
        SignatureScheme::Pkcs1v15(match self {
            Algorithm::RS256 => Hash::Sha256,
            Algorithm::RS384 => Hash::Sha384,
            Algorithm::RS512 => Hash::Sha512,
        })
    }

    /// The `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
        }
    }
}

/// The three base64url parts of a compact JWS.
pub(crate) struct CompactParts<'a> {
    pub header: &'a str,
    pub claims: &'a str,
    pub signature: &'a str,
    /// What the signature covers: `header.claims`.
    pub signing_input: &'a str,
}

impl<'a> CompactParts<'a> {
    /// Splits `header.claims.signature`, refusing any other shape and
    /// tokens over `max_bytes`.
    pub(crate) fn split(token: &'a str, max_bytes: usize) -> Result<Self> {
        limits::check("token length in bytes", token.len(), max_bytes)?;
        check_alphabet(token)?;
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None, Some((signing_input, _))) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            token.rsplit_once('.'),
        ) else {
            let count = token.split('.').count();
            return Err(Error::Malformed(alloc::format!(
                "a compact JWS has 3 dot-separated parts, found {count}"
            )));
        };
        Ok(CompactParts {
            header,
            claims,
            signature,
            signing_input,
        })
    }
}

/// Which bytes a compact JWS may hold: base64url and `.`.
// Evaluated at compile time: an index out of range would fail the build.
#[allow(clippy::indexing_slicing)]
const JWS_ALPHABET: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        #[allow(clippy::cast_possible_truncation)] // byte < 256
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        byte += 1;
    }
    table
};

/// A compact JWS is base64url and dots only: anything else — a trailing
/// newline from a file or `curl`, a space, a quote — is `malformed` and
/// named, never taken for a bad signature.
fn check_alphabet(token: &str) -> Result<()> {
    // Branch-free over the whole token (the hot path: every byte of a
    // valid token is looked at); the position only once one is wrong.
    let allowed = |b: u8| JWS_ALPHABET.get(usize::from(b)) == Some(&true);
    if token.bytes().fold(true, |all, b| all & allowed(b)) {
        return Ok(());
    }
    let Some(position) = token.bytes().position(|b| !allowed(b)) else {
        return Ok(());
    };
    let found = token
        .get(position..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or('?');
    let what = if found.is_whitespace() && token.trim() != token {
        if token.trim_end() != token {
            "the token has trailing whitespace (a newline?): strip it before verifying".into()
        } else {
            "the token has leading whitespace: strip it before verifying".into()
        }
    } else {
        alloc::format!(
            "the token holds \"{}\" at byte {position}; a compact JWS is base64url and dots only",
            found.escape_default()
        )
    };
    Err(Error::Malformed(what))
}

/// Header and claims of a token, decoded but NOT verified: for display only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnverifiedToken {
    /// The JOSE header's JSON text.
    pub header_json: String,
    /// The claims set's JSON text.
    pub claims_json: String,
}

/// Decodes a compact token's header and claims without verifying anything.
/// Never trust what it returns: use [`crate::Verifier`] for that.
pub fn decode_unverified(token: &str) -> Result<UnverifiedToken> {
    let parts = CompactParts::split(token, limits::MAX_JWT_TOKEN_BYTES)?;
    let text = |what: &'static str, part: &str, limit: usize| -> Result<String> {
        String::from_utf8(decode_part(what, part, limit)?)
            .map_err(|_| Error::Malformed(alloc::format!("{what} is not UTF-8")))
    };
    Ok(UnverifiedToken {
        header_json: text("header", parts.header, limits::MAX_HEADER_BYTES)?,
        claims_json: text("claims", parts.claims, limits::MAX_JWT_CLAIMS_BYTES)?,
    })
}

/// Decodes one base64url (unpadded) part, naming it on failure.
pub(crate) fn decode_part(what: &'static str, part: &str, limit: usize) -> Result<Vec<u8>> {
    // Decoded size is 3/4 of the text; refuse before allocating.
    limits::check(what, part.len() / 4 * 3, limit)?;
    crate::base64::decode_url_unpadded(part)
        .ok_or_else(|| Error::Malformed(alloc::format!("{what} is not valid base64url")))
}

/// A received header, checked against the profile.
pub(crate) struct ReceivedHeader {
    pub algorithm: Algorithm,
    /// `x5c` decoded to DER, leaf first.
    pub chain: Vec<Vec<u8>>,
}

impl ReceivedHeader {
    /// Decodes and checks the header: algorithm, `typ`, no `crit`, an `x5c`.
    /// Other parameters (`kid`, and any key a token carries, such as `jwk`)
    /// are ignored: only the `x5c` leaf key ever verifies a signature.
    pub(crate) fn decode(encoded: &str, profile: &Profile) -> Result<Self> {
        const WHAT: &str = "header";
        let bytes = decode_part(WHAT, encoded, limits::MAX_HEADER_BYTES)?;
        let header = json::parse(WHAT, &bytes)?.into_object(WHAT)?;
        let alg = header.string(WHAT, "alg")?.ok_or_else(|| {
            Error::InvalidHeader("the header has no \"alg\" parameter".to_string())
        })?;
        let algorithm = Algorithm::parse(alg)?;
        match header.string(WHAT, "typ")? {
            Some(typ) if typ_matches(typ, profile.typ()) => {}
            Some(typ) => {
                return Err(Error::InvalidHeader(alloc::format!(
                    "typ is \"{}\", expected \"{}\"",
                    quote(typ),
                    profile.typ()
                )));
            }
            None => {
                return Err(Error::InvalidHeader(alloc::format!(
                    "typ is missing, expected \"{}\"",
                    profile.typ()
                )));
            }
        }
        // Present in any form, `null` included (RFC 7515 §4.1.11 allows
        // only a non-empty array, and we understand no extension).
        if header.get("crit").is_some() {
            return Err(Error::InvalidHeader(
                "crit names extensions this verifier does not understand".to_string(),
            ));
        }
        let x5c = header.strings(WHAT, "x5c")?.unwrap_or_default();
        if x5c.is_empty() {
            return Err(Error::MissingCertificate);
        }
        limits::check("x5c certificate count", x5c.len(), MAX_CHAIN_CERTIFICATES)?;
        let chain = x5c
            .iter()
            .enumerate()
            .map(|(position, entry)| decode_x5c_entry(position, entry))
            .collect::<Result<Vec<_>>>()?;
        Ok(ReceivedHeader { algorithm, chain })
    }
}

/// RFC 7515 §4.1.9: media types compare without regard to case, and
/// `application/` may be left out, so `JWT` and `application/jwt` are one.
fn typ_matches(typ: &str, expected: &str) -> bool {
    let short = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => typ.get(12..).unwrap_or(""),
        _ => typ,
    };
    short.eq_ignore_ascii_case(expected)
}

fn decode_x5c_entry(position: usize, entry: &str) -> Result<Vec<u8>> {
    limits::check(
        "x5c certificate size in bytes",
        entry.len() / 4 * 3,
        MAX_CERTIFICATE_BYTES,
    )?;
    crate::base64::decode_padded(entry).ok_or_else(|| {
        Error::Malformed(alloc::format!(
            "x5c[{position}] is not standard (padded) base64"
        ))
    })
}

#[derive(Serialize)]
struct HeaderOut<'a> {
    alg: &'static str,
    typ: &'static str,
    x5c: &'a [String],
}

/// Encodes the header a signer sends: exactly `alg`, `typ`, `x5c`
/// (standard base64 DER, leaf first), as base64url.
pub(crate) fn encode_header(profile: &Profile, chain: &[Vec<u8>]) -> Result<String> {
    let x5c: Vec<String> = chain.iter().map(|der| Base64::encode_string(der)).collect();
    let size_hint = 64 + x5c.iter().map(|c| c.len() + 3).sum::<usize>();
    let json = json::encode(
        &HeaderOut {
            alg: Algorithm::RS256.name(),
            typ: profile.typ(),
            x5c: &x5c,
        },
        size_hint,
    )?;
    Ok(Base64UrlUnpadded::encode_string(&json))
}
