//! What a certificate's subject Name (RFC 5280 §4.1.2.6) says about its
//! party: every `serialNumber` and every `organizationIdentifier` value.

use alloc::string::String;
use alloc::vec::Vec;

use super::der::{DerError, Element, Reader, tag};

/// `serialNumber` (2.5.4.5): the EORI of an iSHARE 2.0 party.
const SERIAL_NUMBER: &[u8] = &[0x55, 0x04, 0x05];
/// `organizationIdentifier` (2.5.4.97): ETSI EN 319 412-1 §5.1.4 form.
const ORGANIZATION_IDENTIFIER: &[u8] = &[0x55, 0x04, 0x61];

/// The party attributes of a subject, each value as often as it appears (a
/// value that is not a readable string is kept as `None`: it still counts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SubjectNames {
    pub serial_numbers: Vec<Option<String>>,
    pub organization_identifiers: Vec<Option<String>>,
}

/// Reads a Name: SEQUENCE OF RelativeDistinguishedName (SET OF
/// AttributeTypeAndValue). The set's order is taken as received.
pub(crate) fn subject_names(name: Element<'_>) -> Result<SubjectNames, DerError> {
    let mut names = SubjectNames::default();
    let mut rdns = Reader::inside(name);
    while !rdns.is_empty() {
        let mut attributes = Reader::inside(rdns.read(tag::SET, "a Name part that is not a SET")?);
        while !attributes.is_empty() {
            let mut attribute = Reader::inside(
                attributes.read(tag::SEQUENCE, "a Name attribute that is not a SEQUENCE")?,
            );
            let kind = attribute.read(tag::OID, "a Name attribute without a type")?;
            let value = attribute.any()?;
            attribute.finish("trailing data in a Name attribute")?;
            let list = match kind.value {
                SERIAL_NUMBER => &mut names.serial_numbers,
                ORGANIZATION_IDENTIFIER => &mut names.organization_identifiers,
                _ => continue,
            };
            list.push(directory_string(value));
        }
    }
    Ok(names)
}

/// A DirectoryString's text: UTF8String, PrintableString, IA5String, or a
/// TeletexString holding ASCII.
fn directory_string(value: Element<'_>) -> Option<String> {
    let text = core::str::from_utf8(value.value).ok()?;
    match value.tag {
        tag::UTF8_STRING => Some(text.into()),
        tag::PRINTABLE_STRING | tag::IA5_STRING | tag::TELETEX_STRING if text.is_ascii() => {
            Some(text.into())
        }
        _ => None,
    }
}

/// A Name for messages, RFC 4514 style but in reading order
/// (`C=NL, O=Demo, CN=Demo`), values quoted for display.
pub(crate) fn display_name(name: &[u8]) -> String {
    const SHORT: [(&[u8], &str); 8] = [
        (&[0x55, 0x04, 0x03], "CN"),
        (&[0x55, 0x04, 0x06], "C"),
        (&[0x55, 0x04, 0x07], "L"),
        (&[0x55, 0x04, 0x08], "ST"),
        (&[0x55, 0x04, 0x0a], "O"),
        (&[0x55, 0x04, 0x0b], "OU"),
        (SERIAL_NUMBER, "serialNumber"),
        (ORGANIZATION_IDENTIFIER, "organizationIdentifier"),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut outer = Reader::new(name);
    let Ok(sequence) = outer.read(tag::SEQUENCE, "") else {
        return "(unreadable name)".into();
    };
    let mut rdns = Reader::inside(sequence);
    while let Ok(rdn) = rdns.read(tag::SET, "") {
        let mut attributes = Reader::inside(rdn);
        while let Ok(attribute) = attributes.read(tag::SEQUENCE, "") {
            let mut fields = Reader::inside(attribute);
            let (Ok(kind), Ok(value)) = (fields.read(tag::OID, ""), fields.any()) else {
                continue;
            };
            let label = SHORT
                .iter()
                .find(|(oid, _)| *oid == kind.value)
                .map_or("?", |(_, label)| label);
            let text = directory_string(value).unwrap_or_else(|| "?".into());
            parts.push(alloc::format!("{label}={}", crate::error::quote(&text)));
        }
    }
    if parts.is_empty() {
        return "(empty name)".into();
    }
    parts.join(", ")
}
