//! Certificate signature algorithms (RFC 4055, RFC 8017): RSASSA-PKCS1-v1_5
//! and RSASSA-PSS, each with SHA-256, SHA-384 or SHA-512.

use super::der::{self, DerError, Element, Reader, tag};
use crate::backend::{Hash, SignatureScheme};

/// OID contents (without tag and length).
mod oid {
    pub const SHA1_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
    pub const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
    pub const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
    pub const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
    pub const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    pub const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
    pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    pub const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
    pub const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
}

/// The scheme an `AlgorithmIdentifier` names. PKCS#1 v1.5 parameters must
/// be NULL or absent (RFC 4055 §5); PSS must use MGF1 with the same hash, a
/// salt as long as the hash and trailer field 1 (RFC 4055 §3.1, as the
/// CA/Browser Forum profiles it).
pub(crate) fn signature_scheme(identifier: Element<'_>) -> Result<SignatureScheme, DerError> {
    let mut fields = Reader::inside(identifier);
    let algorithm = fields.read(tag::OID, "an AlgorithmIdentifier without an OID")?;
    let pkcs1 = match algorithm.value {
        oid::SHA256_WITH_RSA => Some(Hash::Sha256),
        oid::SHA384_WITH_RSA => Some(Hash::Sha384),
        oid::SHA512_WITH_RSA => Some(Hash::Sha512),
        oid::RSASSA_PSS => None,
        oid::SHA1_WITH_RSA => {
            return Err(
                "signed with sha1WithRSAEncryption, which verifiers refuse: reissue it with sha256WithRSAEncryption",
            );
        }
        _ => {
            return Err(
                "signed with an algorithm other than RSA PKCS#1 v1.5 or PSS with SHA-2: reissue it with sha256WithRSAEncryption",
            );
        }
    };
    if let Some(hash) = pkcs1 {
        null_or_absent(&mut fields)?;
        return Ok(SignatureScheme::Pkcs1v15(hash));
    }
    let params = fields.read(tag::SEQUENCE, "RSASSA-PSS without its parameters")?;
    fields.finish("trailing data in an AlgorithmIdentifier")?;
    pss_parameters(params).map(SignatureScheme::Pss)
}

fn pss_parameters(params: Element<'_>) -> Result<Hash, DerError> {
    const UNSUPPORTED: DerError = "RSASSA-PSS parameters other than SHA-2, MGF1 with the same hash, salt = hash length, trailer 1";
    let mut fields = Reader::inside(params);
    // The defaults (SHA-1) are refused: each field must be present.
    let hash = fields.read(tag::explicit(0), UNSUPPORTED)?;
    let hash = hash_algorithm(Reader::inside(hash).any()?)?;
    let mgf = fields.read(tag::explicit(1), UNSUPPORTED)?;
    let mut mgf = Reader::inside(Reader::inside(mgf).read(tag::SEQUENCE, UNSUPPORTED)?);
    if mgf.read(tag::OID, UNSUPPORTED)?.value != oid::MGF1
        || hash_algorithm(mgf.read(tag::SEQUENCE, UNSUPPORTED)?)? != hash
    {
        return Err(UNSUPPORTED);
    }
    mgf.finish(UNSUPPORTED)?;
    let salt = fields.read(tag::explicit(2), UNSUPPORTED)?;
    let salt = der::small_integer(Reader::inside(salt).read(tag::INTEGER, UNSUPPORTED)?)?;
    if usize::try_from(salt).ok() != Some(hash.len()) {
        return Err(UNSUPPORTED);
    }
    if let Some(trailer) = fields.optional(tag::explicit(3))? {
        let trailer = Reader::inside(trailer).read(tag::INTEGER, UNSUPPORTED)?;
        if der::small_integer(trailer)? != 1 {
            return Err(UNSUPPORTED);
        }
    }
    fields.finish(UNSUPPORTED)?;
    Ok(hash)
}

/// A hash `AlgorithmIdentifier` (parameters NULL or absent).
fn hash_algorithm(identifier: Element<'_>) -> Result<Hash, DerError> {
    if identifier.tag != tag::SEQUENCE {
        return Err("a hash AlgorithmIdentifier that is not a SEQUENCE");
    }
    let mut fields = Reader::inside(identifier);
    let hash = match fields
        .read(tag::OID, "a hash AlgorithmIdentifier without an OID")?
        .value
    {
        oid::SHA256 => Hash::Sha256,
        oid::SHA384 => Hash::Sha384,
        oid::SHA512 => Hash::Sha512,
        _ => return Err("a hash other than SHA-256, SHA-384 or SHA-512"),
    };
    null_or_absent(&mut fields)?;
    Ok(hash)
}

fn null_or_absent(fields: &mut Reader<'_>) -> Result<(), DerError> {
    if let Some(null) = fields.optional(tag::NULL)?
        && !null.value.is_empty()
    {
        return Err("a NULL parameter with content");
    }
    fields.finish("algorithm parameters where NULL or none are allowed")
}
