//! One X.509 certificate (RFC 5280 §4.1) as received: its exact bytes, and
//! what the chain and party rules need of it. The signature is verified
//! over the `tbsCertificate` bytes received and the fingerprint is of the
//! certificate's bytes received, so no re-encoding can make a rewritten
//! certificate pass for the one its CA signed.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;
use sha2::{Digest, Sha256};

use super::der::{self, DerError, Reader, tag};
use super::extensions::{self, Extensions};
use super::name::{SubjectNames, subject_names};
use super::public_key::{RsaKeyShape, rsa_key_shape};
use super::{algorithm, time};
use crate::backend::{SignatureScheme, VerifyingKey};
use crate::error::{Error, Result};
use crate::limits::{self, MAX_CERTIFICATE_BYTES, MAX_RSA_BITS, MIN_RSA_BITS};

/// A parsed certificate. Its public key is turned into a [`VerifyingKey`]
/// only when a signature is to be checked with it.
#[derive(Clone, Debug)]
pub(crate) struct ChainCertificate {
    /// The DER bytes as received.
    pub der: Vec<u8>,
    /// SHA-256 of [`ChainCertificate::der`].
    pub sha256: [u8; 32],
    tbs: Range<usize>,
    serial: Range<usize>,
    issuer: Range<usize>,
    subject: Range<usize>,
    spki: Range<usize>,
    signature: Range<usize>,
    /// The scheme the issuer signed with (inner and outer identifiers equal).
    pub scheme: SignatureScheme,
    /// `notBefore`, Unix seconds.
    pub not_before: i64,
    /// `notAfter`, Unix seconds.
    pub not_after: i64,
    /// The extensions the path rules use.
    pub extensions: Extensions,
    /// The subject's party attributes.
    pub names: SubjectNames,
    /// The RSA modulus size.
    pub key_bits: usize,
}

impl ChainCertificate {
    /// Parses DER; `which` names the certificate in errors ("x5c[0]").
    /// Refuses non-RSA keys, keys outside 2048–8192 bits and exponents
    /// above 65537 — all before any RSA arithmetic.
    pub(crate) fn from_der(der: Vec<u8>, which: &str) -> Result<Self> {
        limits::check(
            "certificate size in bytes",
            der.len(),
            MAX_CERTIFICATE_BYTES,
        )?;
        let parsed = Parsed::read(&der).map_err(|why| {
            Error::InvalidCertificate(alloc::format!(
                "{which} could not be read as a DER X.509 certificate: {why}"
            ))
        })?;
        let key = parsed.key.ok_or_else(|| {
            Error::InvalidCertificate(alloc::format!("{which} does not carry an RSA public key"))
        })?;
        if key.bits < MIN_RSA_BITS {
            return Err(Error::WeakKey {
                which: which.into(),
                bits: key.bits,
            });
        }
        limits::check("RSA key size in bits", key.bits, MAX_RSA_BITS)?;
        let range = |part: &[u8]| {
            let start = (part.as_ptr() as usize).saturating_sub(der.as_ptr() as usize);
            start..start + part.len()
        };
        let certificate = ChainCertificate {
            sha256: Sha256::digest(&der).into(),
            tbs: range(parsed.tbs),
            serial: range(parsed.serial),
            issuer: range(parsed.issuer),
            subject: range(parsed.subject),
            spki: range(parsed.spki),
            signature: range(parsed.signature),
            scheme: parsed.scheme,
            not_before: parsed.not_before,
            not_after: parsed.not_after,
            extensions: parsed.extensions,
            names: parsed.names,
            key_bits: key.bits,
            der: Vec::new(),
        };
        Ok(ChainCertificate { der, ..certificate })
    }

    fn part(&self, range: &Range<usize>) -> &[u8] {
        self.der.get(range.clone()).unwrap_or_default()
    }

    /// The issuer Name's DER, as received.
    pub(crate) fn issuer(&self) -> &[u8] {
        self.part(&self.issuer)
    }

    /// The subject Name's DER, as received.
    pub(crate) fn subject(&self) -> &[u8] {
        self.part(&self.subject)
    }

    /// The serialNumber's content octets, as received.
    pub(crate) fn serial(&self) -> &[u8] {
        self.part(&self.serial)
    }

    /// Whether basicConstraints says this certificate is a CA.
    pub(crate) fn is_ca(&self) -> bool {
        self.extensions.ca == Some(true)
    }

    /// The public key, ready to verify (parsed now, not at load).
    pub(crate) fn verifying_key(&self, which: &str) -> Result<VerifyingKey> {
        VerifyingKey::from_spki_der(self.part(&self.spki)).map_err(|e| {
            Error::InvalidCertificate(alloc::format!("{which} has an unusable RSA key: {e}"))
        })
    }

    /// Whether `issuer_key` verifies this certificate's signature over the
    /// `tbsCertificate` bytes received.
    pub(crate) fn is_signed_by(&self, issuer_key: &VerifyingKey) -> bool {
        issuer_key.verify(
            self.scheme,
            self.part(&self.tbs),
            self.part(&self.signature),
        )
    }

    /// Upper-case hex SHA-256 of the DER, as iSHARE trusted lists give it.
    pub(crate) fn sha256_hex(&self) -> String {
        crate::encoding::hex_upper(&self.sha256)
    }
}

/// The parts of a certificate, borrowed from its bytes.
struct Parsed<'a> {
    tbs: &'a [u8],
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
    signature: &'a [u8],
    scheme: SignatureScheme,
    not_before: i64,
    not_after: i64,
    extensions: Extensions,
    names: SubjectNames,
    key: Option<RsaKeyShape>,
}

impl<'a> Parsed<'a> {
    fn read(der: &'a [u8]) -> core::result::Result<Parsed<'a>, DerError> {
        let mut outer = Reader::new(der);
        let certificate = outer.read(tag::SEQUENCE, "not a SEQUENCE")?;
        outer.finish("trailing data after the certificate")?;
        let mut parts = Reader::inside(certificate);
        let tbs = parts.read(tag::SEQUENCE, "no tbsCertificate")?;
        let outer_algorithm = parts.read(tag::SEQUENCE, "no signatureAlgorithm")?;
        let signature = der::bit_string_bytes(parts.read(tag::BIT_STRING, "no signatureValue")?)?;
        parts.finish("trailing data after the signature")?;

        let mut fields = Reader::inside(tbs);
        if let Some(version) = fields.optional(tag::explicit(0))? {
            let version =
                der::small_integer(Reader::inside(version).read(tag::INTEGER, "a bad version")?)?;
            if version > 2 {
                return Err("an unknown certificate version");
            }
        }
        let serial = fields.read(tag::INTEGER, "no serialNumber")?.value;
        let inner_algorithm = fields.read(tag::SEQUENCE, "no signature algorithm in the body")?;
        // RFC 5280 §4.1.1.2: the signed body names the same algorithm.
        if inner_algorithm.raw != outer_algorithm.raw {
            return Err("the signed signature algorithm differs from the outer one");
        }
        let scheme = algorithm::signature_scheme(outer_algorithm)?;
        let issuer = fields.read(tag::SEQUENCE, "no issuer")?;
        let mut validity = Reader::inside(fields.read(tag::SEQUENCE, "no validity")?);
        let not_before = time::unix_seconds(validity.any()?)?;
        let not_after = time::unix_seconds(validity.any()?)?;
        validity.finish("trailing data in the validity")?;
        let subject = fields.read(tag::SEQUENCE, "no subject")?;
        let spki = fields.read(tag::SEQUENCE, "no subjectPublicKeyInfo")?;
        fields.optional(tag::implicit(1))?;
        fields.optional(tag::implicit(2))?;
        let extensions = match fields.optional(tag::explicit(3))? {
            Some(extensions) => extensions::read(extensions)?,
            None => Extensions::default(),
        };
        fields.finish("unexpected data at the end of tbsCertificate")?;
        Ok(Parsed {
            tbs: tbs.raw,
            serial,
            issuer: issuer.raw,
            subject: subject.raw,
            spki: spki.raw,
            signature,
            scheme,
            not_before,
            not_after,
            extensions,
            names: subject_names(subject)?,
            key: rsa_key_shape(spki)?,
        })
    }
}
