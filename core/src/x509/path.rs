//! Certificate-path rules: from the `x5c` leaf up to a trust anchor — the
//! one place they live (RFC 5280 §6.1, as this verifier applies it):
//!
//! - names link (issuer = the next certificate's subject) and every issuer
//!   is a CA (basicConstraints, §4.2.1.9; an anchor needs none, §6.1.4(k));
//! - no critical extension the verifier does not process (§4.2);
//! - the leaf may sign: keyUsage, when present, allows digitalSignature or
//!   contentCommitment (§4.2.1.3); a CA leaf only if it is the anchor;
//! - every CA may issue: keyUsage, when present, allows keyCertSign;
//!   pathLenConstraint counts the non-self-issued CAs below it (§4.2.1.9);
//!   nameConstraints' directoryName subtrees bound the subjects below it
//!   (§4.2.1.10);
//! - every certificate is valid at `now`, and each signature verifies.
//!
//! Cheap checks come first and RSA last (F4 of the security review): the
//! anchor is found by fingerprint, or by a PEM anchor's subject name equal
//! to a certificate's issuer name, before any key is parsed; names must
//! link, issuers must be CAs and every certificate on the path must be
//! valid. Only then are signatures verified, top-down from the anchor, so
//! every key used is already trusted. A chain that leads nowhere costs no
//! RSA operation at all.

use super::certificate::ChainCertificate;
use super::extensions::{key_usage, name_within};
use super::name::display_name;
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
    check_usage(chain, top, &meeting)?;
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

/// The rules on what each certificate of the path may do (see the module
/// documentation), before any signature is checked.
fn check_usage(chain: &[ChainCertificate], top: usize, meeting: &Meeting<'_>) -> Result<()> {
    let path = chain.get(..=top).unwrap_or_default();
    for (position, certificate) in path.iter().enumerate() {
        if let Some(oid) = &certificate.extensions.unknown_critical {
            return Err(Error::InvalidCertificate(alloc::format!(
                "x5c[{position}] has the critical extension {oid}, which this verifier does not process"
            )));
        }
    }
    let Some(leaf) = path.first() else {
        return Ok(());
    };
    if !(leaf.extensions.allows(key_usage::DIGITAL_SIGNATURE)
        || leaf.extensions.allows(key_usage::CONTENT_COMMITMENT))
    {
        return Err(Error::CertificateUsage(
            "x5c[0] may not sign: its keyUsage allows neither digitalSignature nor contentCommitment"
                .into(),
        ));
    }
    if leaf.is_ca() && !matches!(meeting, Meeting::Carried(0)) {
        return Err(Error::CertificateUsage(
            "x5c[0] is a CA certificate (basicConstraints cA TRUE): a CA signs tokens only as the pinned trust anchor itself".into(),
        ));
    }
    // The issuers: x5c[1..=top], then a PEM anchor that issued x5c[top].
    let anchor = match meeting {
        Meeting::IssuedBy(_, ca) => Some((chain.len(), "the trusted CA".into(), *ca)),
        Meeting::Carried(_) => None,
    };
    let issuers = path
        .iter()
        .enumerate()
        .skip(1)
        .map(|(position, c)| (position, alloc::format!("x5c[{position}]"), c))
        .chain(anchor);
    for (position, name, issuer) in issuers {
        if !issuer.extensions.allows(key_usage::KEY_CERT_SIGN) {
            return Err(Error::CertificateUsage(alloc::format!(
                "{name} may not issue certificates: its keyUsage lacks keyCertSign"
            )));
        }
        let below = path.get(..position.min(path.len())).unwrap_or_default();
        if let Some(limit) = issuer.extensions.path_len {
            let cas_below = below
                .iter()
                .skip(1)
                .filter(|c| c.issuer() != c.subject())
                .count();
            if cas_below as u64 > limit {
                return Err(Error::CertificateUsage(alloc::format!(
                    "{name} allows {limit} CA certificate(s) below it (pathLenConstraint), the chain has {cas_below}"
                )));
            }
        }
        if let Some(constraints) = &issuer.extensions.name_constraints {
            for (index, certificate) in below.iter().enumerate() {
                let self_issued_ca = index > 0 && certificate.issuer() == certificate.subject();
                let subject = certificate.subject();
                if self_issued_ca || subject == [0x30, 0x00] {
                    continue;
                }
                let permitted = constraints.permitted.is_empty()
                    || constraints
                        .permitted
                        .iter()
                        .any(|base| name_within(subject, base));
                let excluded = constraints
                    .excluded
                    .iter()
                    .any(|base| name_within(subject, base));
                if !permitted || excluded {
                    return Err(Error::CertificateUsage(alloc::format!(
                        "the subject of x5c[{index}] is {} the names {name} may issue for (nameConstraints)",
                        if excluded {
                            "among those excluded from"
                        } else {
                            "outside"
                        }
                    )));
                }
            }
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
    // Say what was found at the top, and what would have anchored it.
    let top = chain.len().saturating_sub(1);
    let (subject, issuer, sha256) = chain.get(top).map_or_else(Default::default, |c| {
        (
            display_name(c.subject()),
            display_name(c.issuer()),
            c.sha256_hex(),
        )
    });
    let fingerprints_only = anchors.iter().all(|a| a.certificate.is_none());
    Err(Error::UntrustedChain(alloc::format!(
        "none of the {} x5c certificates is trusted or issued by a trusted CA; the top one, x5c[{top}], is \"{subject}\" (SHA-256 {sha256}), issued by \"{issuer}\"{}",
        chain.len(),
        if fingerprints_only {
            ": with SHA-256 anchors the chain must carry the trusted root itself"
        } else {
            ""
        }
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
        issuer.extensions.ca != Some(false)
    } else {
        issuer.is_ca()
    };
    if !may_issue {
        return Err(Error::UntrustedChain(alloc::format!(
            "the issuer of x5c[{position}], \"{}\", is not a CA certificate (no basicConstraints CA:TRUE)",
            display_name(issuer.subject())
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
