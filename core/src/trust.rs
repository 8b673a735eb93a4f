//! Trust anchors: what a verifier trusts a client's chain to lead to.

use crate::encoding::parse_sha256_hex;
use crate::error::{Error, Result};
use crate::limits::{self, MAX_PEM_BYTES};
use crate::x509::{self, ChainCertificate};
use alloc::vec::Vec;

/// One trusted root.
///
/// - A **SHA-256 fingerprint** (64 hex digits, as an iSHARE trusted list
///   gives it) anchors a certificate that the `x5c` chain itself carries:
///   iSHARE 2.1 chains end with the root.
/// - A **PEM CA certificate** also anchors a chain that stops below it
///   (iSHARE 2.0 allowed leaving the root out): its key verifies the last
///   certificate of the chain.
///
/// ```
/// use ishare_jwt::TrustAnchor;
/// let anchor = TrustAnchor::parse(
///     "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69",
/// )?;
/// assert_eq!(TrustAnchor::parse("not a root").unwrap_err().kind(), "invalid_trust_anchor");
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
#[derive(Clone)]
pub struct TrustAnchor {
    pub(crate) sha256: [u8; 32],
    /// Present for anchors given as certificates.
    pub(crate) certificate: Option<ChainCertificate>,
}

impl TrustAnchor {
    /// Parses a PEM CA certificate or a hex SHA-256 fingerprint.
    pub fn parse(text: &str) -> Result<TrustAnchor> {
        let trimmed = text.trim();
        if trimmed.starts_with("-----BEGIN") {
            return TrustAnchor::from_pem(trimmed);
        }
        TrustAnchor::from_sha256_hex(trimmed)
    }

    /// Every anchor in `text`: each certificate of a PEM bundle, or each
    /// fingerprint of a list (one per line, or separated by commas). An
    /// empty list is `invalid_trust_anchor`.
    pub fn parse_all(text: &str) -> Result<Vec<TrustAnchor>> {
        limits::check("trust anchor text size in bytes", text.len(), MAX_PEM_BYTES)?;
        let anchors = if text.contains("-----BEGIN") {
            x509::pem_certificates(text, "PEM trust anchors")
                .map_err(|e| Error::InvalidTrustAnchor(alloc::format!("{e}")))?
                .into_iter()
                .map(TrustAnchor::from_der)
                .collect::<Result<Vec<_>>>()?
        } else {
            text.split(['\n', ','])
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(TrustAnchor::from_sha256_hex)
                .collect::<Result<Vec<_>>>()?
        };
        if anchors.is_empty() {
            return Err(Error::InvalidTrustAnchor(
                "no trust anchor given: a PEM bundle or SHA-256 fingerprints".into(),
            ));
        }
        Ok(anchors)
    }

    /// A fingerprint anchor: 64 hex digits, either case, `:` or space
    /// separators allowed, after an optional `sha256 Fingerprint=` or
    /// `SHA256:` label.
    pub fn from_sha256_hex(hex: &str) -> Result<TrustAnchor> {
        let sha256 = parse_sha256_hex(hex).ok_or_else(|| {
            let digits = hex.chars().filter(char::is_ascii_hexdigit).count();
            Error::InvalidTrustAnchor(alloc::format!(
                "\"{}\" is not a SHA-256 fingerprint (64 hex digits, ':' between bytes allowed; found {digits} hex digits) nor a PEM CA certificate",
                crate::error::quote(hex)
            ))
        })?;
        Ok(TrustAnchor {
            sha256,
            certificate: None,
        })
    }

    /// A certificate anchor from PEM holding exactly one certificate.
    pub fn from_pem(pem: &str) -> Result<TrustAnchor> {
        limits::check("trust anchor PEM size in bytes", pem.len(), MAX_PEM_BYTES)?;
        let certificates = x509::pem_certificates(pem, "PEM trust anchor")
            .map_err(|e| Error::InvalidTrustAnchor(alloc::format!("{e}")))?;
        let [der] = <[Vec<u8>; 1]>::try_from(certificates).map_err(|all| {
            Error::InvalidTrustAnchor(alloc::format!(
                "one PEM trust anchor holds one certificate, found {}",
                all.len()
            ))
        })?;
        TrustAnchor::from_der(der)
    }

    /// A certificate anchor from DER.
    pub fn from_der(der: Vec<u8>) -> Result<TrustAnchor> {
        let certificate = ChainCertificate::from_der(der, "trust anchor")
            .map_err(|e| Error::InvalidTrustAnchor(alloc::format!("{e}")))?;
        Ok(TrustAnchor {
            sha256: certificate.sha256,
            certificate: Some(certificate),
        })
    }

    /// An anchor trusting the certificate with this SHA-256 fingerprint.
    pub(crate) fn from_fingerprint(sha256: [u8; 32]) -> TrustAnchor {
        TrustAnchor {
            sha256,
            certificate: None,
        }
    }

    /// The anchor's SHA-256 fingerprint, upper-case hex.
    pub fn sha256_hex(&self) -> alloc::string::String {
        crate::encoding::hex_upper(&self.sha256)
    }
}

impl core::fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrustAnchor")
            .field("sha256", &self.sha256_hex())
            .field("certificate", &self.certificate.is_some())
            .finish()
    }
}
