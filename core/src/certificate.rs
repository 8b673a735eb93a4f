//! One X.509 certificate of a chain: parsing, its RSA key, validity, the
//! party it names, and whether another certificate issued it.

use alloc::string::String;
use alloc::vec::Vec;
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::ext::pkix::name::DirectoryString;

use crate::backend::VerifyingKey;
use crate::error::{Error, Result};
use crate::jose::Algorithm;
use crate::limits::{self, MAX_CERTIFICATE_BYTES, MAX_RSA_BITS, MIN_RSA_BITS};
use crate::party_id::PartyId;

/// Subject `serialNumber`: the EORI of an iSHARE 2.0 party.
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
/// Subject `organizationIdentifier`: the DID's last segment (iSHARE 2.1).
const ORGANIZATION_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.97");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// A parsed certificate with its RSA public key and SHA-256 fingerprint.
#[derive(Clone)]
pub(crate) struct ChainCertificate {
    pub der: Vec<u8>,
    pub certificate: Certificate,
    pub sha256: [u8; 32],
    pub public_key: VerifyingKey,
}

impl ChainCertificate {
    /// Parses DER; `which` names the certificate in errors ("x5c[0]").
    /// Refuses non-RSA keys and keys outside 2048–8192 bits.
    pub(crate) fn from_der(der: Vec<u8>, which: &str) -> Result<Self> {
        limits::check(
            "certificate size in bytes",
            der.len(),
            MAX_CERTIFICATE_BYTES,
        )?;
        let certificate = Certificate::from_der(&der).map_err(|e| {
            Error::InvalidCertificate(alloc::format!(
                "{which} is not a DER X.509 certificate: {e}"
            ))
        })?;
        let public_key = rsa_public_key(&certificate, which)?;
        let sha256 = Sha256::digest(&der).into();
        Ok(ChainCertificate {
            der,
            certificate,
            sha256,
            public_key,
        })
    }

    /// `notBefore` and `notAfter` as Unix seconds.
    pub(crate) fn validity(&self) -> (i64, i64) {
        let validity = self.certificate.tbs_certificate().validity();
        let seconds = |t: x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        (seconds(validity.not_before), seconds(validity.not_after))
    }

    /// Whether basicConstraints marks this certificate as a CA.
    pub(crate) fn is_ca(&self) -> bool {
        matches!(
            self.certificate
                .tbs_certificate()
                .get_extension::<BasicConstraints>(),
            Ok(Some((_, BasicConstraints { ca: true, .. })))
        )
    }

    /// Whether `issuer`'s subject is this certificate's issuer and its key
    /// verifies this certificate's signature.
    pub(crate) fn is_issued_by(&self, issuer: &ChainCertificate) -> bool {
        let tbs = self.certificate.tbs_certificate();
        if tbs.issuer() != issuer.certificate.tbs_certificate().subject() {
            return false;
        }
        let algorithm = match self.certificate.signature_algorithm().oid {
            SHA256_WITH_RSA => Algorithm::RS256,
            SHA384_WITH_RSA => Algorithm::RS384,
            SHA512_WITH_RSA => Algorithm::RS512,
            _ => return false,
        };
        let Ok(tbs_der) = tbs.to_der() else {
            return false;
        };
        let Some(signature) = self.certificate.signature().as_bytes() else {
            return false;
        };
        issuer.public_key.verify(algorithm, &tbs_der, signature)
    }

    /// Whether the subject names `party`: `serialNumber` = the EORI, or
    /// `organizationIdentifier` = the DID's last segment.
    pub(crate) fn names_party(&self, party: &PartyId) -> bool {
        names_party(&self.party_names(), party)
    }

    /// The subject's `serialNumber` and `organizationIdentifier` values.
    pub(crate) fn party_names(&self) -> Vec<String> {
        self.certificate
            .tbs_certificate()
            .subject()
            .iter()
            .filter(|atv| atv.oid == SERIAL_NUMBER || atv.oid == ORGANIZATION_IDENTIFIER)
            .filter_map(|atv| DirectoryString::try_from(&atv.value).ok())
            .map(String::from)
            .collect()
    }

    /// Upper-case hex SHA-256 of the DER, as iSHARE trusted lists give it.
    pub(crate) fn sha256_hex(&self) -> String {
        crate::encoding::hex_upper(&self.sha256)
    }
}

/// Whether a certificate's subject `names` (from [`ChainCertificate::party_names`])
/// name `party`: the iSHARE rule binding a party id to its certificate.
pub(crate) fn names_party(names: &[String], party: &PartyId) -> bool {
    names.iter().any(|name| name == party.certificate_name())
}

/// The certificate's RSA public key, refusing other key types and sizes
/// outside [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`].
fn rsa_public_key(certificate: &Certificate, which: &str) -> Result<VerifyingKey> {
    let spki = certificate.tbs_certificate().subject_public_key_info();
    let bits = spki
        .subject_public_key
        .as_bytes()
        .and_then(|key| pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(key).ok())
        .map(|key| modulus_bits(key.modulus.as_bytes()))
        .ok_or_else(|| {
            Error::InvalidCertificate(alloc::format!("{which} does not carry an RSA public key"))
        })?;
    if bits < MIN_RSA_BITS {
        return Err(Error::WeakKey {
            which: which.into(),
            bits,
        });
    }
    limits::check("RSA key size in bits", bits, MAX_RSA_BITS)?;
    let spki_der = spki
        .to_der()
        .map_err(|e| Error::InvalidCertificate(alloc::format!("{which}: {e}")))?;
    VerifyingKey::from_spki_der(&spki_der).map_err(|e| {
        Error::InvalidCertificate(alloc::format!("{which} has an unusable RSA key: {e}"))
    })
}

/// Bit length of a big-endian unsigned integer.
pub(crate) fn modulus_bits(bytes: &[u8]) -> usize {
    let trimmed: &[u8] = match bytes.iter().position(|b| *b != 0) {
        Some(first) => bytes.get(first..).unwrap_or_default(),
        None => &[],
    };
    match trimmed.first() {
        Some(top) => trimmed.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}
