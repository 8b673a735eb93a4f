//! The certificate's RSA public key (RFC 8017 A.1.1 inside RFC 5280's
//! SubjectPublicKeyInfo), checked for size and exponent before any use.

use super::der::{self, DerError, Element, Reader, tag};
use crate::limits::MAX_RSA_PUBLIC_EXPONENT;

/// `rsaEncryption` (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// What the parser learns of an RSA key without doing arithmetic with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RsaKeyShape {
    /// The modulus length in bits.
    pub bits: usize,
    /// The public exponent.
    pub exponent: u64,
}

/// Reads an `rsaEncryption` SubjectPublicKeyInfo. A key of another type is
/// `Ok(None)`; the exponent must be odd, from 3 to
/// [`MAX_RSA_PUBLIC_EXPONENT`] (65537): a larger one only makes every
/// verification slower.
pub(crate) fn rsa_key_shape(spki: Element<'_>) -> Result<Option<RsaKeyShape>, DerError> {
    let mut fields = Reader::inside(spki);
    let mut algorithm = Reader::inside(fields.read(tag::SEQUENCE, "a key without an algorithm")?);
    if algorithm
        .read(tag::OID, "a key algorithm without an OID")?
        .value
        != RSA_ENCRYPTION
    {
        return Ok(None);
    }
    algorithm.read(tag::NULL, "rsaEncryption parameters other than NULL")?;
    algorithm.finish("rsaEncryption parameters other than NULL")?;
    let key = fields.read(tag::BIT_STRING, "a key without its bits")?;
    fields.finish("trailing data after the public key")?;
    let mut key = Reader::new(der::bit_string_bytes(key)?);
    let mut parts = Reader::inside(key.read(tag::SEQUENCE, "an RSA key that is not a SEQUENCE")?);
    key.finish("trailing data after the RSA key")?;
    let modulus = der::unsigned_integer(parts.read(tag::INTEGER, "an RSA key without a modulus")?)?;
    let exponent = parts.read(tag::INTEGER, "an RSA key without an exponent")?;
    parts.finish("trailing data in the RSA key")?;
    let exponent =
        der::small_integer(exponent).map_err(|_| "an RSA public exponent above 65537")?;
    if exponent < 3 || exponent % 2 == 0 || exponent > MAX_RSA_PUBLIC_EXPONENT {
        return Err("an RSA public exponent that is not odd, from 3 to 65537");
    }
    Ok(Some(RsaKeyShape {
        bits: modulus_bits(modulus),
        exponent,
    }))
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
