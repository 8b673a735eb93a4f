//! The rule binding a party identifier to a certificate — the one place it
//! lives (the signer and the verifier both call [`names_party`]).
//!
//! - EORI (iSHARE 2.0): the subject has exactly one `serialNumber`, equal to
//!   the whole EORI (`EU.EORI.NL000000001`).
//! - `did:ishare:` (iSHARE 2.1): the subject has exactly one
//!   `organizationIdentifier`, in the ETSI EN 319 412-1 §5.1.4 form
//!   (three-letter type, two-letter country, `-`, identifier:
//!   `NTRNL-10000001`), and the DID is exactly the one it names:
//!   `did:ishare:` + continent code + `.` + that country + `.` + the
//!   organizationIdentifier (the iSHARE DID method specification,
//!   "Method-specific identifier"). A certificate names one DID, never an
//!   alias with other leading segments.
//!
//! Neither attribute stands in for the other, and a subject carrying the
//! attribute twice names no party: which value would it be?

use alloc::string::String;

use super::continent::continent_of;
use super::id::{PartyId, PartyIdScheme};
use crate::x509::SubjectNames;

/// Whether a certificate whose subject has `names` names `party`.
pub(crate) fn names_party(names: &SubjectNames, party: &PartyId) -> bool {
    match party.scheme() {
        PartyIdScheme::Eori => {
            matches!(names.serial_numbers.as_slice(), [Some(only)] if only == party.as_str())
        }
        PartyIdScheme::Did => matches!(
            names.organization_identifiers.as_slice(),
            [Some(only)] if did_of_organization_identifier(only).as_deref() == Some(party.as_str())
        ),
    }
}

/// The one iSHARE DID an ETSI organizationIdentifier names, if it has the
/// ETSI form and a country with a known continent.
pub(crate) fn did_of_organization_identifier(identifier: &str) -> Option<String> {
    let bytes = identifier.as_bytes();
    let (kind, rest) = bytes.split_at_checked(3)?;
    let (country, rest) = rest.split_at_checked(2)?;
    let (dash, reference) = rest.split_first()?;
    let well_formed = kind.iter().all(u8::is_ascii_uppercase)
        && country.iter().all(u8::is_ascii_uppercase)
        && *dash == b'-'
        && !reference.is_empty()
        && reference
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'));
    if !well_formed {
        return None;
    }
    let country = core::str::from_utf8(country).ok()?;
    let continent = continent_of(country)?;
    Some(alloc::format!(
        "did:ishare:{continent}.{country}.{identifier}"
    ))
}

/// What a subject names, for error messages.
pub(crate) fn describe(names: &SubjectNames) -> String {
    let show = |values: &[Option<String>]| -> alloc::vec::Vec<String> {
        values
            .iter()
            .map(|v| match v {
                Some(text) => alloc::format!("\"{}\"", crate::error::quote(text)),
                None => "(unreadable)".into(),
            })
            .collect()
    };
    alloc::format!(
        "serialNumber {:?}, organizationIdentifier {:?}",
        show(&names.serial_numbers),
        show(&names.organization_identifiers)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn did_subject(values: &[&str]) -> SubjectNames {
        SubjectNames {
            serial_numbers: vec![],
            organization_identifiers: values.iter().map(|v| Some((*v).into())).collect(),
        }
    }

    fn names(subject: &SubjectNames, id: &str) -> bool {
        names_party(subject, &PartyId::parse(id).unwrap())
    }

    #[test]
    fn a_did_certificate_names_exactly_one_did() {
        let subject = did_subject(&["NTRNL-90000101"]);
        assert!(names(&subject, "did:ishare:EU.NL.NTRNL-90000101"));
        for alias in [
            "did:ishare:EU.DE.NTRNL-90000101",
            "did:ishare:X.NTRNL-90000101",
            "did:ishare:A.B.C.D.NTRNL-90000101",
            "did:ishare:NA.NL.NTRNL-90000101",
            "did:ishare:EU.NL.NTRNL-9000010",
        ] {
            assert!(!names(&subject, alias), "{alias}");
        }
        assert!(!names(
            &did_subject(&["NTRNL-1", "NTRNL-1"]),
            "did:ishare:EU.NL.NTRNL-1"
        ));
        assert!(!names(
            &did_subject(&["ntrnl-1"]),
            "did:ishare:EU.NL.ntrnl-1"
        ));
        assert!(!names(
            &did_subject(&["NTRZZ-1"]),
            "did:ishare:EU.ZZ.NTRZZ-1"
        ));
    }

    #[test]
    fn attributes_never_stand_in_for_each_other() {
        let eori = "EU.EORI.NL000000101";
        let in_org_id = did_subject(&[eori]);
        assert!(!names(&in_org_id, eori));
        let did_in_serial = SubjectNames {
            serial_numbers: vec![Some("NTRNL-1".into())],
            organization_identifiers: vec![],
        };
        assert!(!names(&did_in_serial, "did:ishare:EU.NL.NTRNL-1"));
        let twice = SubjectNames {
            serial_numbers: vec![Some(eori.into()), Some("EU.EORI.NL000000102".into())],
            organization_identifiers: vec![],
        };
        assert!(!names(&twice, eori));
        assert!(!names(&twice, "EU.EORI.NL000000102"));
        let once = SubjectNames {
            serial_numbers: vec![Some(eori.into())],
            organization_identifiers: vec![],
        };
        assert!(names(&once, eori));
    }
}
