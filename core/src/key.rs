//! Loading the signer's RSA private key: PKCS#8 or PKCS#1, PEM or DER.
//! Errors never quote the key.

use alloc::string::ToString;
use pkcs1::DecodeRsaPrivateKey;
use pkcs8::DecodePrivateKey;
use rsa::RsaPrivateKey;
use rsa::traits::PublicKeyParts;

use crate::error::{Error, Result};
use crate::limits::{self, MAX_PEM_BYTES, MAX_RSA_BITS, MIN_RSA_BITS};

/// Parses a private key in any of the four encodings and checks its size.
/// The returned key zeroizes itself on drop.
pub(crate) fn load_private_key(key: &[u8]) -> Result<RsaPrivateKey> {
    limits::check("private key size in bytes", key.len(), MAX_PEM_BYTES)?;
    let key = match pem_label(key) {
        Some((label, pem)) => from_pem(label, pem)?,
        None => RsaPrivateKey::from_pkcs8_der(key)
            .or_else(|_| RsaPrivateKey::from_pkcs1_der(key))
            .map_err(|_| {
                Error::InvalidKey(
                    "not a PEM block, nor a DER PKCS#8 or PKCS#1 RSA private key".to_string(),
                )
            })?,
    };
    let bits = key.size() * 8;
    if bits < MIN_RSA_BITS {
        return Err(Error::WeakKey {
            which: "signing key".into(),
            bits,
        });
    }
    limits::check("RSA key size in bits", bits, MAX_RSA_BITS)?;
    Ok(key)
}

fn from_pem(label: &str, pem: &str) -> Result<RsaPrivateKey> {
    let parsed = match label {
        "PRIVATE KEY" => RsaPrivateKey::from_pkcs8_pem(pem).map_err(|_| "PKCS#8"),
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_pem(pem).map_err(|_| "PKCS#1"),
        "ENCRYPTED PRIVATE KEY" => {
            return Err(Error::InvalidKey(
                "encrypted PKCS#8 keys are not supported; decrypt it first \
                 (openssl pkcs8 -in key.pem -out plain.pem)"
                    .to_string(),
            ));
        }
        "CERTIFICATE" => {
            return Err(Error::InvalidKey(
                "this is a certificate, not a private key (swapped arguments?)".to_string(),
            ));
        }
        other => {
            return Err(Error::InvalidKey(alloc::format!(
                "PEM label \"{}\" is not PRIVATE KEY or RSA PRIVATE KEY",
                crate::error::quote(other)
            )));
        }
    };
    parsed.map_err(|format| {
        Error::InvalidKey(alloc::format!(
            "the {format} PEM block does not hold a valid RSA private key"
        ))
    })
}

/// The label of the first PEM block and the text from it on, if `key` is PEM.
fn pem_label(key: &[u8]) -> Option<(&str, &str)> {
    let text = core::str::from_utf8(key).ok()?;
    let start = text.find("-----BEGIN ")?;
    let pem = text.get(start..)?;
    let label = pem.get(11..)?.split("-----").next()?;
    Some((label, pem))
}
