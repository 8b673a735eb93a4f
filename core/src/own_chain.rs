//! What a [`Signer`](crate::Signer) checks of its own chain when it is
//! made: that every verifier could accept tokens signed with it, and where
//! not, which certificate is wrong and how to fix it. The path rules are the
//! verifier's own ([`x509::verify_path`]), run with the chain's top
//! certificate as its anchor, so the signer can never be stricter or more
//! lenient than the verifier.

use alloc::string::String;
use alloc::vec::Vec;

use crate::backend::{SigningKey, VerifyingKey};
use crate::error::{Error, Result};
use crate::party::{self, PartyId};
use crate::trust::TrustAnchor;
use crate::x509::{self, ChainCertificate, display_name};

/// What the signer keeps of its checked chain.
pub(crate) struct OwnChain {
    /// The leaf's public key: what every signature must verify with.
    pub leaf_key: VerifyingKey,
    /// Every certificate of the chain is valid from here…
    pub valid_from: i64,
    /// …to here, inclusive.
    pub valid_until: i64,
    /// What loads but some verifiers will refuse (see [`crate::Signer::warnings`]).
    pub warnings: Vec<String>,
}

/// Checks `chain` for signing as party `client_id` with `key` (if in memory).
pub(crate) fn check_own_chain(
    chain: &[ChainCertificate],
    key: Option<&SigningKey>,
    client_id: &PartyId,
) -> Result<OwnChain> {
    let leaf = chain
        .first()
        .ok_or_else(|| Error::InvalidCertificate("the certificate chain is empty".into()))?;
    let leaf_key = leaf.verifying_key("x5c[0]")?;
    if let Some(key) = key
        && !key.matches(&leaf_key)
    {
        return Err(key_elsewhere(chain, key).unwrap_or(Error::KeyMismatch));
    }
    if !party::names_party(&leaf.names, client_id) {
        return Err(Error::PartyIdMismatch {
            party: client_id.as_str().into(),
            certificate: party::describe(&leaf.names),
        });
    }
    check_order(chain)?;
    let (valid_from, valid_until) = validity_window(chain)?;
    let top_position = chain.len() - 1;
    let top = chain.get(top_position).unwrap_or(leaf);
    let mut warnings = Vec::new();
    if top.issuer() == top.subject() {
        if top_position > 0 && top.extensions.ca.is_none() {
            warnings.push(alloc::format!(
                "{} has no basicConstraints (an X.509 v1 certificate?): verifiers accept it only as a trust anchor (RFC 5280 §6.1); a v3 root with basicConstraints CA:TRUE is safer",
                describe(chain, top_position)
            ));
        }
    } else {
        if top_position > 0 && !top.is_ca() {
            return Err(not_a_ca(chain, top_position));
        }
        warnings.push(alloc::format!(
            "the chain ends at {}, issued by \"{}\", which is not in the chain: verifiers that trust by SHA-256 fingerprint (the iSHARE way) refuse it; append the root certificate to the chain file",
            describe(chain, top_position),
            display_name(top.issuer())
        ));
    }
    // The verifier's path rules, with the top as the anchor, at a time when
    // every certificate is valid (validity is checked against the signing
    // time: [`crate::Signer::check_validity_at`]).
    let anchor = TrustAnchor::from_fingerprint(top.sha256);
    x509::verify_path(chain, core::slice::from_ref(&anchor), valid_from).map_err(
        |error| match error {
            Error::UntrustedChain(why) if why.contains("is not a CA") => {
                Error::InvalidCertificate(alloc::format!(
                    "{why}: reissue it as an X.509 v3 CA certificate (basicConstraints=critical,CA:TRUE; with openssl x509 -req, pass -extfile)"
                ))
            }
            other => other,
        },
    )?;
    Ok(OwnChain {
        leaf_key,
        valid_from,
        valid_until,
        warnings,
    })
}

/// `x5c[1] ("CN=…")`: a certificate's place and subject, for messages.
fn describe(chain: &[ChainCertificate], position: usize) -> String {
    let subject = chain
        .get(position)
        .map(|c| display_name(c.subject()))
        .unwrap_or_default();
    alloc::format!("x5c[{position}] (\"{subject}\")")
}

fn not_a_ca(chain: &[ChainCertificate], position: usize) -> Error {
    Error::InvalidCertificate(alloc::format!(
        "{} issued x5c[{}] but is not a CA certificate (no basicConstraints CA:TRUE; an X.509 v1 certificate?): reissue it as an X.509 v3 CA certificate (basicConstraints=critical,CA:TRUE; with openssl x509 -req, pass -extfile)",
        describe(chain, position),
        position - 1
    ))
}

/// The key matches another certificate of the file: the chain is out of
/// order. Says which, and an order that links, if there is one.
fn key_elsewhere(chain: &[ChainCertificate], key: &SigningKey) -> Option<Error> {
    let position = chain.iter().enumerate().skip(1).find_map(|(i, c)| {
        c.verifying_key("x5c")
            .ok()
            .filter(|k| key.matches(k))
            .map(|_| i)
    })?;
    let order = linked_order(chain, position)
        .map(|order| alloc::format!(" (an order that links: {})", join(&order)))
        .unwrap_or_default();
    Some(Error::InvalidCertificate(alloc::format!(
        "the private key belongs to {}, not to x5c[0]: the chain file is out of order; put the leaf first, each certificate followed by its issuer{order}",
        describe(chain, position)
    )))
}

/// Each certificate must be followed by its issuer.
fn check_order(chain: &[ChainCertificate]) -> Result<()> {
    for (position, pair) in chain.windows(2).enumerate() {
        if let [certificate, issuer] = pair
            && certificate.issuer() != issuer.subject()
        {
            let hint = match linked_order(chain, 0) {
                Some(order) => alloc::format!(
                    "the file holds them out of order; put the leaf first, each certificate followed by its issuer (an order that links: {})",
                    join(&order)
                ),
                None => alloc::format!(
                    "x5c[{position}] was issued by \"{}\"; give the chain leaf first, each certificate followed by its issuer",
                    display_name(certificate.issuer())
                ),
            };
            return Err(Error::InvalidCertificate(alloc::format!(
                "{} is not the issuer of x5c[{position}]: {hint}",
                describe(chain, position + 1)
            )));
        }
    }
    Ok(())
}

/// The positions of `chain` from `start`, each followed by its issuer,
/// using every certificate once — if such an order exists.
fn linked_order(chain: &[ChainCertificate], start: usize) -> Option<Vec<usize>> {
    let mut order = alloc::vec![start];
    while order.len() < chain.len() {
        let current = chain.get(*order.last()?)?;
        let next = (0..chain.len()).find(|i| {
            !order.contains(i)
                && chain
                    .get(*i)
                    .is_some_and(|c| c.subject() == current.issuer())
        })?;
        order.push(next);
    }
    Some(order)
}

fn join(positions: &[usize]) -> String {
    let parts: Vec<String> = positions
        .iter()
        .map(|p| alloc::format!("x5c[{p}]"))
        .collect();
    parts.join(", ")
}

/// The time during which every certificate is valid; an empty one is an
/// error naming the two certificates that never overlap.
fn validity_window(chain: &[ChainCertificate]) -> Result<(i64, i64)> {
    let latest_start = chain.iter().enumerate().max_by_key(|(_, c)| c.not_before);
    let earliest_end = chain.iter().enumerate().min_by_key(|(_, c)| c.not_after);
    match (latest_start, earliest_end) {
        (Some((starts, first)), Some((ends, last))) => {
            if first.not_before > last.not_after {
                return Err(Error::InvalidCertificate(alloc::format!(
                    "{} is valid only from {}, after {} expired at {}: no verifier accepts this chain at any time; renew the expired certificate",
                    describe(chain, starts),
                    first.not_before,
                    describe(chain, ends),
                    last.not_after
                )));
            }
            Ok((first.not_before, last.not_after))
        }
        _ => Err(Error::InvalidCertificate(
            "the certificate chain is empty".into(),
        )),
    }
}

/// Refuses signing at `now` outside the chain's validity, naming the first
/// certificate not valid then.
pub(crate) fn check_validity_at(chain: &[ChainCertificate], now: i64) -> Result<()> {
    match chain
        .iter()
        .enumerate()
        .find(|(_, c)| now < c.not_before || now > c.not_after)
    {
        Some((position, certificate)) => Err(Error::CertificateExpired {
            position,
            not_before: certificate.not_before,
            not_after: certificate.not_after,
            now,
        }),
        None => Ok(()),
    }
}
