//! Certificate extensions (RFC 5280 §4.2): the ones the path rules use,
//! read once at parse time, and the first critical one nobody understands.

use alloc::string::String;
use alloc::vec::Vec;

use super::der::{self, DerError, Element, Reader, tag};

/// Extension OIDs (contents only).
mod oid {
    pub const SUBJECT_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x0e];
    pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    pub const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    pub const ISSUER_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x12];
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    pub const NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
    pub const CERTIFICATE_POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
    pub const AUTHORITY_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x23];
    pub const EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
}

/// The extensions a verifier processes; a critical one of any other kind
/// makes the certificate unusable (RFC 5280 §4.2). extendedKeyUsage is
/// processed by demanding no purpose (iSHARE's own test leaf carries only
/// serverAuth), certificatePolicies by accepting any policy.
const UNDERSTOOD: [&[u8]; 9] = [
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::EXTENDED_KEY_USAGE,
    oid::SUBJECT_ALT_NAME,
    oid::ISSUER_ALT_NAME,
    oid::NAME_CONSTRAINTS,
    oid::CERTIFICATE_POLICIES,
    oid::SUBJECT_KEY_IDENTIFIER,
    oid::AUTHORITY_KEY_IDENTIFIER,
];

/// keyUsage bits (RFC 5280 §4.2.1.3), as positions.
pub(crate) mod key_usage {
    pub const DIGITAL_SIGNATURE: u8 = 0;
    pub const CONTENT_COMMITMENT: u8 = 1;
    pub const KEY_CERT_SIGN: u8 = 5;
}

/// What the path rules need of a certificate's extensions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extensions {
    /// basicConstraints `cA`; `None` when the extension is absent.
    pub ca: Option<bool>,
    /// basicConstraints `pathLenConstraint`.
    pub path_len: Option<u64>,
    /// keyUsage as a bit set (bit n = 1 << n); `None` when absent.
    pub key_usage: Option<u16>,
    /// nameConstraints' directoryName subtrees.
    pub name_constraints: Option<NameConstraints>,
    /// The dotted OID of the first critical extension not understood.
    pub unknown_critical: Option<String>,
}

impl Extensions {
    /// Whether keyUsage is absent or allows `bit`.
    pub(crate) fn allows(&self, bit: u8) -> bool {
        self.key_usage.is_none_or(|bits| bits & (1 << bit) != 0)
    }
}

/// nameConstraints' `directoryName` subtrees (the only name form the
/// verifier uses for identity), each the DER of a Name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameConstraints {
    pub permitted: Vec<Vec<u8>>,
    pub excluded: Vec<Vec<u8>>,
}

/// Reads the `[3]` extensions of a tbsCertificate.
pub(crate) fn read(extensions: Element<'_>) -> Result<Extensions, DerError> {
    let mut list = Reader::inside(
        Reader::inside(extensions).read(tag::SEQUENCE, "extensions that are not a SEQUENCE")?,
    );
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut out = Extensions::default();
    while !list.is_empty() {
        let mut extension =
            Reader::inside(list.read(tag::SEQUENCE, "an extension that is not a SEQUENCE")?);
        let id = extension
            .read(tag::OID, "an extension without an OID")?
            .value;
        if seen.contains(&id) {
            return Err("an extension appears twice");
        }
        seen.push(id);
        let critical = match extension.optional(tag::BOOLEAN)? {
            Some(flag) => boolean(flag)?,
            None => false,
        };
        let value = extension
            .read(tag::OCTET_STRING, "an extension without its value")?
            .value;
        extension.finish("trailing data in an extension")?;
        match id {
            oid::BASIC_CONSTRAINTS => (out.ca, out.path_len) = basic_constraints(value)?,
            oid::KEY_USAGE => out.key_usage = Some(key_usage_bits(value)?),
            oid::NAME_CONSTRAINTS => out.name_constraints = Some(name_constraints(value)?),
            _ if critical && !UNDERSTOOD.contains(&id) && out.unknown_critical.is_none() => {
                out.unknown_critical = Some(dotted(id));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn boolean(flag: Element<'_>) -> Result<bool, DerError> {
    match flag.value {
        [0xff] => Ok(true),
        [0x00] => Ok(false),
        _ => Err("a BOOLEAN that is neither TRUE nor FALSE"),
    }
}

/// `SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`.
fn basic_constraints(value: &[u8]) -> Result<(Option<bool>, Option<u64>), DerError> {
    let mut outer = Reader::new(value);
    let mut fields =
        Reader::inside(outer.read(tag::SEQUENCE, "basicConstraints is not a SEQUENCE")?);
    outer.finish("trailing data after basicConstraints")?;
    let ca = match fields.optional(tag::BOOLEAN)? {
        Some(flag) => boolean(flag)?,
        None => false,
    };
    let path_len = fields
        .optional(tag::INTEGER)?
        .map(der::small_integer)
        .transpose()?;
    fields.finish("trailing data in basicConstraints")?;
    Ok((Some(ca), path_len))
}

/// keyUsage: a BIT STRING, bit 0 first.
fn key_usage_bits(value: &[u8]) -> Result<u16, DerError> {
    let mut outer = Reader::new(value);
    let bits = outer.read(tag::BIT_STRING, "keyUsage is not a BIT STRING")?;
    outer.finish("trailing data after keyUsage")?;
    let (unused, bytes) = bits.value.split_first().ok_or("an empty keyUsage")?;
    if *unused > 7 || bytes.len() > 2 {
        return Err("a keyUsage of more than 16 bits");
    }
    let mut set = 0u16;
    for (index, byte) in bytes.iter().enumerate() {
        for bit in 0..8 {
            if byte & (0x80 >> bit) != 0 {
                set |= 1 << (index * 8 + bit);
            }
        }
    }
    Ok(set)
}

/// `SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
/// excludedSubtrees [1] GeneralSubtrees OPTIONAL }`, keeping directoryName
/// bases (`[4]` EXPLICIT Name).
fn name_constraints(value: &[u8]) -> Result<NameConstraints, DerError> {
    let mut outer = Reader::new(value);
    let mut fields =
        Reader::inside(outer.read(tag::SEQUENCE, "nameConstraints is not a SEQUENCE")?);
    outer.finish("trailing data after nameConstraints")?;
    let mut constraints = NameConstraints::default();
    for (list_tag, target) in [
        (tag::explicit(0), &mut constraints.permitted),
        (tag::explicit(1), &mut constraints.excluded),
    ] {
        let Some(subtrees) = fields.optional(list_tag)? else {
            continue;
        };
        let mut subtrees = Reader::inside(subtrees);
        while !subtrees.is_empty() {
            let mut subtree = Reader::inside(
                subtrees.read(tag::SEQUENCE, "a GeneralSubtree that is not a SEQUENCE")?,
            );
            let base = subtree.any()?;
            if base.tag == tag::explicit(4) {
                let mut name = Reader::inside(base);
                target.push(
                    name.read(tag::SEQUENCE, "a directoryName that is not a Name")?
                        .raw
                        .into(),
                );
                name.finish("trailing data in a directoryName")?;
            }
        }
    }
    fields.finish("trailing data in nameConstraints")?;
    Ok(constraints)
}

/// An OID's dotted form, for messages.
fn dotted(id: &[u8]) -> String {
    let mut out = String::new();
    let mut value = 0u64;
    let mut first = true;
    for byte in id {
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 != 0 {
            continue;
        }
        if first {
            let (a, b) = if value < 80 {
                (value / 40, value % 40)
            } else {
                (2, value - 80)
            };
            out.push_str(&alloc::format!("{a}.{b}"));
            first = false;
        } else {
            out.push_str(&alloc::format!(".{value}"));
        }
        value = 0;
    }
    out
}

/// Whether the Name `subject` lies in the subtree `base`: its RDNs begin
/// with `base`'s, compared as DER (RFC 5280 §4.2.1.10, directoryName).
pub(crate) fn name_within(subject: &[u8], base: &[u8]) -> bool {
    match (rdns(subject), rdns(base)) {
        (Some(subject), Some(base)) => {
            base.len() <= subject.len() && base.iter().zip(&subject).all(|(b, s)| b == s)
        }
        _ => false,
    }
}

/// The RDNs of a Name, each as its DER.
fn rdns(name: &[u8]) -> Option<Vec<&[u8]>> {
    let mut outer = Reader::new(name);
    let mut list = Reader::inside(outer.read(tag::SEQUENCE, "").ok()?);
    let mut all = Vec::new();
    while !list.is_empty() {
        all.push(list.any().ok()?.raw);
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_oids() {
        assert_eq!(dotted(&[0x55, 0x1d, 0x13]), "2.5.29.19");
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
            "1.2.840.113549.1.1.11"
        );
    }

    #[test]
    fn key_usage_bits_are_numbered_from_the_first() {
        assert_eq!(key_usage_bits(&[0x03, 0x02, 0x07, 0x80]), Ok(1));
        assert_eq!(key_usage_bits(&[0x03, 0x02, 0x02, 0x04]), Ok(1 << 5));
        assert_eq!(key_usage_bits(&[0x03, 0x03, 0x07, 0x00, 0x80]), Ok(1 << 8));
    }
}
