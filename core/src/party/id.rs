//! iSHARE party identifiers: EORI (iSHARE 2.0) and `did:ishare:` (iSHARE 2.1).

use alloc::string::{String, ToString};
use core::fmt;

use crate::error::{Error, Result, quote};
use crate::limits::MAX_PARTY_ID_BYTES;

const EORI_PREFIX: &str = "EU.EORI.";
const DID_PREFIX: &str = "did:ishare:";
/// An EORI number is a country code plus up to 15 alphanumerics.
const EORI_MAX_NUMBER_CHARS: usize = 15;

/// Which scheme a [`PartyId`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartyIdScheme {
    /// iSHARE 2.0: `EU.EORI.<country><number>`, e.g. `EU.EORI.NL123456789`.
    Eori,
    /// iSHARE 2.1: `did:ishare:<segments>`, e.g. `did:ishare:EU.NL.NTRNL-10000001`.
    Did,
}

/// A validated iSHARE party identifier.
///
/// ```
/// use ishare_jwt::{PartyId, PartyIdScheme};
/// let eori = PartyId::parse("EU.EORI.NL123456789")?;
/// assert_eq!(eori.scheme(), PartyIdScheme::Eori);
/// assert_eq!(eori.certificate_name(), "EU.EORI.NL123456789");
///
/// let did = PartyId::parse("did:ishare:EU.NL.NTRNL-10000001")?;
/// assert_eq!(did.certificate_name(), "NTRNL-10000001");
///
/// assert_eq!(PartyId::parse("NL123").unwrap_err().kind(), "invalid_party_id");
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartyId {
    id: String,
    scheme: PartyIdScheme,
}

impl PartyId {
    /// Parses and validates an EORI or `did:ishare:` identifier.
    pub fn parse(id: &str) -> Result<PartyId> {
        let refuse = |reason: &'static str| Error::InvalidPartyId {
            value: quote(id),
            reason,
        };
        if id.len() > MAX_PARTY_ID_BYTES {
            return Err(refuse("longer than 128 bytes"));
        }
        if let Some(number) = id.strip_prefix(EORI_PREFIX) {
            validate_eori_number(number).map_err(refuse)?;
            return Ok(PartyId {
                id: id.to_string(),
                scheme: PartyIdScheme::Eori,
            });
        }
        if let Some(rest) = id.strip_prefix(DID_PREFIX) {
            validate_did_segments(rest).map_err(refuse)?;
            return Ok(PartyId {
                id: id.to_string(),
                scheme: PartyIdScheme::Did,
            });
        }
        Err(refuse(
            "expected an EORI (EU.EORI.NL123456789) or a did:ishare: identifier",
        ))
    }

    /// The identifier as given.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// EORI or DID.
    pub fn scheme(&self) -> PartyIdScheme {
        self.scheme
    }

    /// The attribute value a participant certificate carries for this
    /// party: the EORI (in the subject `serialNumber`, 2.5.4.5), or the
    /// DID's last segment (in `organizationIdentifier`, 2.5.4.97). Matching
    /// asks more: that attribute exactly once, and for a DID the whole DID
    /// equal to the one that value names (`did:ishare:` continent `.`
    /// country `.` value; SECURITY.md).
    pub fn certificate_name(&self) -> &str {
        match self.scheme {
            PartyIdScheme::Eori => &self.id,
            PartyIdScheme::Did => self.id.rsplit('.').next().unwrap_or(&self.id),
        }
    }
}

fn validate_eori_number(number: &str) -> core::result::Result<(), &'static str> {
    let bytes = number.as_bytes();
    let (country, rest) = bytes
        .split_at_checked(2)
        .ok_or("EORI needs a two-letter country code after EU.EORI.")?;
    if !country.iter().all(u8::is_ascii_uppercase) {
        return Err("EORI country code must be two upper-case letters");
    }
    if rest.is_empty() || rest.len() > EORI_MAX_NUMBER_CHARS {
        return Err("EORI number must have 1 to 15 characters after the country code");
    }
    if !rest
        .iter()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return Err("EORI number must be upper-case letters and digits");
    }
    Ok(())
}

fn validate_did_segments(rest: &str) -> core::result::Result<(), &'static str> {
    let mut segments = 0;
    for segment in rest.split('.') {
        if segment.is_empty() {
            return Err("did:ishare: segments must not be empty");
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("did:ishare: segments are letters, digits and '-'");
        }
        segments += 1;
    }
    if segments < 2 {
        return Err("did:ishare: needs at least a scheme and an identifier segment");
    }
    Ok(())
}

impl fmt::Display for PartyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_schemes() {
        for id in [
            "EU.EORI.NL000000001",
            "EU.EORI.DE1",
            "did:ishare:EU.NL.NTRNL-10000001",
            "did:ishare:EU.DE.X-1",
        ] {
            assert_eq!(PartyId::parse(id).map(|p| p.to_string()), Ok(id.into()));
        }
    }

    #[test]
    fn refuses_everything_else_with_a_reason() {
        for id in [
            "",
            "EU.EORI.",
            "EU.EORI.nl123",
            "EU.EORI.NL",
            "EU.EORI.NL1234567890123456",
            "EU.EORI.NL12 34",
            "did:ishare:",
            "did:ishare:EU",
            "did:ishare:EU..X",
            "did:ishare:EU.NL.X_1",
            "did:web:example.com",
            "urn:x",
            "EU.EORI.NL\u{0}1",
        ] {
            let err = PartyId::parse(id).unwrap_err();
            assert_eq!(err.kind(), "invalid_party_id", "{id}");
        }
        let long = "EU.EORI.NL".to_string() + &"1".repeat(200);
        assert!(PartyId::parse(&long).is_err());
    }
}
