//! Certificate-path checks: from the `x5c` leaf up to a trust anchor, then
//! the validity of every certificate on that path.

use alloc::vec::Vec;

use crate::certificate::ChainCertificate;
use crate::error::{Error, Result};
use crate::trust::TrustAnchor;

/// Walks `chain` (leaf first, each certificate issued by the next) until a
/// certificate is anchored, then checks every certificate on the path is
/// valid at `now`. Returns the window in which the whole path is valid.
///
/// A certificate is anchored when its fingerprint is trusted, or when a
/// trusted CA certificate issued it. Each issuer inside the chain must be a
/// CA whose key verifies the certificate below it.
pub(crate) fn verify_path(
    chain: &[ChainCertificate],
    anchors: &[TrustAnchor],
    now: i64,
) -> Result<(i64, i64)> {
    let mut path: Vec<(usize, &ChainCertificate)> = Vec::new();
    for (position, certificate) in chain.iter().enumerate() {
        path.push((position, certificate));
        if anchors.iter().any(|a| a.sha256 == certificate.sha256) {
            return check_validity(&path, now);
        }
        let issuing_anchor = anchors
            .iter()
            .filter_map(|a| a.certificate.as_ref())
            .find(|ca| ca.is_ca() && certificate.is_issued_by(ca));
        if let Some(ca) = issuing_anchor {
            path.push((chain.len(), ca));
            return check_validity(&path, now);
        }
        let Some(issuer) = chain.get(position + 1) else {
            return Err(Error::UntrustedChain(alloc::format!(
                "x5c[{position}] is neither trusted nor issued by a trusted CA, and the chain ends there"
            )));
        };
        if !issuer.is_ca() {
            return Err(Error::UntrustedChain(alloc::format!(
                "x5c[{}] is not a CA certificate but is the issuer of x5c[{position}]",
                position + 1
            )));
        }
        if !certificate.is_issued_by(issuer) {
            return Err(Error::UntrustedChain(alloc::format!(
                "x5c[{position}] was not issued by x5c[{}] (issuer name or signature does not match)",
                position + 1
            )));
        }
    }
    Err(Error::UntrustedChain("the chain is empty".into()))
}

fn check_validity(path: &[(usize, &ChainCertificate)], now: i64) -> Result<(i64, i64)> {
    let mut window = (i64::MIN, i64::MAX);
    for (position, certificate) in path {
        let (not_before, not_after) = certificate.validity();
        if now < not_before || now > not_after {
            return Err(Error::CertificateExpired {
                position: *position,
                not_before,
                not_after,
                now,
            });
        }
        window = (window.0.max(not_before), window.1.min(not_after));
    }
    Ok(window)
}
