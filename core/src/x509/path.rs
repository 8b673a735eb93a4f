//! Certificate-path rules: from the `x5c` leaf up to a trust anchor.
//!
//! Cheap checks come first and RSA last (F4 of the security review): the
//! anchor is found by fingerprint, or by a PEM anchor's subject name equal
//! to a certificate's issuer name, before any key is parsed; names must
//! link, issuers must be CAs and every certificate on the path must be
//! valid. Only then are signatures verified, top-down from the anchor, so
//! every key used is already trusted. A chain that leads nowhere costs no
//! RSA operation at all.

use super::certificate::ChainCertificate;
use crate::error::{Error, Result};
use crate::trust::TrustAnchor;

/// A path that met every rule, for the verifier.
pub(crate) struct VerifiedPath {
    /// Every certificate on the path is valid from here…
    pub valid_from: i64,
    /// …to here, inclusive.
    pub valid_until: i64,
    /// Position of the first `x5c` certificate after the trusted path; the
    /// rest must still each certify the one before ([`verify_tail`]).
    pub tail_from: usize,
}

/// Where the chain meets a trust anchor.
enum Meeting<'a> {
    /// `x5c[position]` is itself trusted (by its fingerprint).
    Carried(usize),
    /// A trusted CA certificate issued `x5c[position]`.
    IssuedBy(usize, &'a ChainCertificate),
}

/// Checks `chain` (leaf first, each certificate issued by the next) up to
/// the first certificate that meets an anchor.
pub(crate) fn verify_path(
    chain: &[ChainCertificate],
    anchors: &[TrustAnchor],
    now: i64,
) -> Result<VerifiedPath> {
    let meeting = find_anchor(chain, anchors)?;
    let (top, anchor) = match meeting {
        Meeting::Carried(position) => (position, chain.get(position)),
        Meeting::IssuedBy(position, ca) => (position, Some(ca)),
    };
    // The names link and every issuer may issue, all the way to the anchor
    // and past it (RFC 7515 §4.1.6: each certificate certifies the one
    // before it).
    for (position, pair) in chain.windows(2).enumerate() {
        if let [certificate, issuer] = pair {
            let issuer_is_anchor = matches!(meeting, Meeting::Carried(p) if p == position + 1);
            check_link(certificate, issuer, position, issuer_is_anchor)?;
        }
    }
    if let (Meeting::IssuedBy(position, ca), Some(certificate)) = (&meeting, chain.get(top)) {
        check_link(certificate, ca, *position, true)?;
    }
    let mut window = (i64::MIN, i64::MAX);
    let path = chain.iter().take(top + 1).enumerate();
    let anchor_position = match meeting {
        Meeting::Carried(_) => None,
        Meeting::IssuedBy(..) => Some(chain.len()),
    };
    for (position, certificate) in path.chain(anchor_position.zip(anchor)) {
        if now < certificate.not_before || now > certificate.not_after {
            return Err(Error::CertificateExpired {
                position,
                not_before: certificate.not_before,
                not_after: certificate.not_after,
                now,
            });
        }
        window = (
            window.0.max(certificate.not_before),
            window.1.min(certificate.not_after),
        );
    }
    // Signatures, top-down: each key has been vouched for before it is used.
    if let Meeting::IssuedBy(position, ca) = meeting {
        check_signature(chain, position, ca, "the trusted CA")?;
    }
    for position in (0..top).rev() {
        if let Some(issuer) = chain.get(position + 1) {
            check_signature(chain, position, issuer, "x5c")?;
        }
    }
    Ok(VerifiedPath {
        valid_from: window.0,
        valid_until: window.1,
        tail_from: top,
    })
}

/// The certificates after the trusted path must each certify the one
/// before (their names were checked by [`verify_path`]). Called after the
/// token's signature, so only a holder of a trusted key can make a
/// verifier spend RSA operations on keys nobody vouched for.
pub(crate) fn verify_tail(chain: &[ChainCertificate], tail_from: usize) -> Result<()> {
    for position in tail_from..chain.len().saturating_sub(1) {
        if let Some(issuer) = chain.get(position + 1) {
            check_signature(chain, position, issuer, "x5c")?;
        }
    }
    Ok(())
}

fn find_anchor<'a>(chain: &[ChainCertificate], anchors: &'a [TrustAnchor]) -> Result<Meeting<'a>> {
    for (position, certificate) in chain.iter().enumerate() {
        if anchors.iter().any(|a| a.sha256 == certificate.sha256) {
            return Ok(Meeting::Carried(position));
        }
        let issuing_anchor = anchors
            .iter()
            .filter_map(|a| a.certificate.as_ref())
            .find(|ca| ca.subject() == certificate.issuer());
        if let Some(ca) = issuing_anchor {
            return Ok(Meeting::IssuedBy(position, ca));
        }
    }
    Err(Error::UntrustedChain(alloc::format!(
        "none of the {} x5c certificates is trusted or issued by a trusted CA",
        chain.len()
    )))
}

/// Names and CA flag of one link. A trust anchor needs no basicConstraints
/// (RFC 5280 §6.1.4(k) applies to intermediates), but one that says it is
/// not a CA issues nothing.
fn check_link(
    certificate: &ChainCertificate,
    issuer: &ChainCertificate,
    position: usize,
    issuer_is_anchor: bool,
) -> Result<()> {
    if certificate.issuer() != issuer.subject() {
        return Err(Error::UntrustedChain(alloc::format!(
            "x5c[{position}]'s issuer is not the subject of the certificate after it"
        )));
    }
    let may_issue = if issuer_is_anchor {
        issuer.ca != Some(false)
    } else {
        issuer.is_ca()
    };
    if !may_issue {
        return Err(Error::UntrustedChain(alloc::format!(
            "the issuer of x5c[{position}] is not a CA certificate"
        )));
    }
    Ok(())
}

fn check_signature(
    chain: &[ChainCertificate],
    position: usize,
    issuer: &ChainCertificate,
    issuer_name: &str,
) -> Result<()> {
    let key = issuer.verifying_key(issuer_name)?;
    let signed = chain
        .get(position)
        .is_some_and(|certificate| certificate.is_signed_by(&key));
    if !signed {
        return Err(Error::UntrustedChain(alloc::format!(
            "the signature on x5c[{position}] does not verify with its issuer's key"
        )));
    }
    Ok(())
}
