//! The few fields of an X.509 certificate this crate reads: its issuer and
//! subject (to put a chain read from a token in order) and its RSA public
//! key (to compare with the token's key). The core judges the chain itself.

use der::asn1::AnyRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
use ishare_jwt::{Error, Result};
use spki::SubjectPublicKeyInfoRef;

/// What a certificate says of itself, as DER bytes.
pub(crate) struct CertificateFields {
    pub(crate) issuer: Vec<u8>,
    pub(crate) subject: Vec<u8>,
    /// The RSA modulus, big-endian without leading zeros; `None` for a key
    /// that is not RSA.
    pub(crate) rsa_modulus: Option<Vec<u8>>,
    /// The RSA public exponent, big-endian without leading zeros.
    pub(crate) rsa_exponent: Option<Vec<u8>>,
}

/// Reads `Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
/// OPTIONAL, serialNumber, signature, issuer, validity, subject,
/// subjectPublicKeyInfo, ... }, ... }` (RFC 5280 §4.1).
pub(crate) fn read(certificate_der: &[u8], what: &str) -> Result<CertificateFields> {
    let bad = |e: der::Error| {
        Error::InvalidCertificate(format!("{what} is not a DER X.509 certificate: {e}"))
    };
    let mut reader = SliceReader::new(certificate_der).map_err(bad)?;
    let fields = reader
        .sequence(|certificate| {
            let fields = certificate.sequence(|tbs| {
                let first = AnyRef::decode(tbs)?;
                let version = Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber(0),
                };
                if first.tag() == version {
                    AnyRef::decode(tbs)?; // serialNumber
                }
                AnyRef::decode(tbs)?; // signature algorithm
                let issuer = AnyRef::decode(tbs)?.to_der()?;
                AnyRef::decode(tbs)?; // validity
                let subject = AnyRef::decode(tbs)?.to_der()?;
                let spki = SubjectPublicKeyInfoRef::decode(tbs)?;
                skip_rest(tbs)?;
                Ok::<_, der::Error>((issuer, subject, rsa_numbers(&spki)))
            })?;
            skip_rest(certificate)?;
            Ok::<_, der::Error>(fields)
        })
        .map_err(bad)?;
    let (issuer, subject, rsa) = fields;
    let (rsa_modulus, rsa_exponent) = rsa.unzip();
    Ok(CertificateFields {
        issuer,
        subject,
        rsa_modulus,
        rsa_exponent,
    })
}

fn skip_rest<'a, R: Reader<'a>>(reader: &mut R) -> der::Result<()> {
    while !reader.is_finished() {
        AnyRef::decode(reader)?;
    }
    Ok(())
}

/// An RSA key's modulus and exponent, or `None` for another key type.
fn rsa_numbers(spki: &SubjectPublicKeyInfoRef<'_>) -> Option<(Vec<u8>, Vec<u8>)> {
    if spki.algorithm.oid != pkcs1::ALGORITHM_OID {
        return None;
    }
    let bits = spki.subject_public_key.as_bytes()?;
    let key = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(bits).ok()?;
    Some((
        strip_leading_zeros(key.modulus.as_bytes()).to_vec(),
        strip_leading_zeros(key.public_exponent.as_bytes()).to_vec(),
    ))
}

/// A big-endian number as PKCS#11 and DER may pad it, unpadded.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::Encoding;

    fn pem_der(name: &str) -> Vec<u8> {
        let path = format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"));
        let pem = std::fs::read_to_string(&path).unwrap();
        let body: String = pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        base64ct::Base64::decode_vec(&body).unwrap()
    }

    #[test]
    fn reads_names_and_the_rsa_key_of_a_certificate() -> Result<()> {
        let root = read(&pem_der("root-ca.pem"), "the root")?;
        assert_eq!(root.issuer, root.subject, "the root is self-issued");
        let intermediate = read(&pem_der("intermediate-ca.pem"), "the intermediate")?;
        assert_eq!(intermediate.issuer, root.subject);
        assert_ne!(intermediate.subject, root.subject);
        let leaf = read(&pem_der("client-eori.chain.pem"), "the leaf")?;
        assert_eq!(leaf.issuer, intermediate.subject);
        assert_eq!(leaf.rsa_exponent.as_deref(), Some(&[1, 0, 1][..]));
        assert_eq!(leaf.rsa_modulus.map(|m| m.len()), Some(256));
        Ok(())
    }

    #[test]
    fn bytes_that_are_no_certificate_are_invalid_certificate() {
        let e = read(b"\x30\x03\x02\x01\x01", "the leaf").err();
        assert!(
            e.as_ref().is_some_and(|e| e.kind() == "invalid_certificate"
                && e.to_string()
                    .starts_with("the leaf is not a DER X.509 certificate")),
            "{e:?}"
        );
        assert_eq!(strip_leading_zeros(&[0, 0, 1, 0]), &[1, 0]);
        assert_eq!(strip_leading_zeros(&[0]), &[] as &[u8]);
    }
}
