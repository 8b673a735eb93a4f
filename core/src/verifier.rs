//! The server side: verify incoming client assertions.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::backend::VerifyingKey;
use crate::chain_cache::{SharedCaches, TrustedChain, header_key};
use crate::claim_rules::{self, CheckedClaims, ClaimContext};
use crate::claims::ReceivedClaims;
use crate::error::{Error, Result, quote};
use crate::jose::{self, Algorithm, CompactParts, ReceivedHeader};
use crate::limits::{self, MAX_AUDIENCE_BYTES, MAX_CLAIMS_BYTES, MAX_RSA_BITS, MAX_TRUST_ANCHORS};
use crate::party::{self, PartyId};
use crate::profile::Profile;
use crate::replay::ReplayCache;
use crate::trust::TrustAnchor;
use crate::x509::{ChainCertificate, verify_path, verify_tail};

/// A chain verified by one call, with its cache key, for the caller to cache.
type NewlyVerifiedChain = Option<(Vec<u8>, Arc<TrustedChain>)>;

/// Largest clock leeway a verifier may be given, in seconds.
pub const MAX_LEEWAY_SECS: u32 = 300;

/// A client assertion that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    /// The client: `iss` = `sub` (= `client_id` when one was given).
    pub client_id: PartyId,
    /// `aud`: our own identifier.
    pub audience: String,
    /// `jti`.
    pub jti: String,
    /// `iat`, Unix seconds.
    pub issued_at: i64,
    /// `nbf`, Unix seconds, if the token carried it.
    pub not_before: Option<i64>,
    /// `exp`, Unix seconds.
    pub expires_at: i64,
    /// The JWS algorithm it was signed with.
    pub algorithm: Algorithm,
    /// SHA-256 of the leaf certificate, upper-case hex.
    pub leaf_sha256: String,
    /// The `x5c` chain as DER, leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// Verifies client assertions sent to us.
///
/// Stateless and `Sync`: share one across threads. For replay protection pass
/// a [`ReplayCache`] to [`Verifier::verify_once`].
#[derive(Debug, Clone)]
pub struct Verifier {
    audience: String,
    anchors: Vec<TrustAnchor>,
    leeway: u32,
    profile: Profile,
    /// Digest of the anchors and profile: what a cached chain verdict
    /// depends on, part of every chain-cache key.
    cache_scope: [u8; 32],
}

impl Verifier {
    /// A verifier for tokens addressed to `audience` (our own party id),
    /// trusting chains that lead to one of `trust`. No leeway, iSHARE profile.
    pub fn new(audience: &str, trust: Vec<TrustAnchor>) -> Result<Verifier> {
        Verifier::new_with_profile(audience, trust, Profile::ISHARE)
    }

    /// A verifier for tokens of `profile`. For [`Profile::ISHARE`]
    /// `audience` is our party id; for the OAuth profile it is our issuer
    /// identifier (e.g. `https://as.example.com`).
    pub fn new_with_profile(
        audience: &str,
        trust: Vec<TrustAnchor>,
        profile: Profile,
    ) -> Result<Verifier> {
        if trust.is_empty() {
            return Err(Error::InvalidTrustAnchor(
                "at least one trusted root is needed".into(),
            ));
        }
        limits::check("trust anchor count", trust.len(), MAX_TRUST_ANCHORS)?;
        let verifier = Verifier {
            audience: audience.into(),
            cache_scope: cache_scope(&trust, &profile),
            anchors: trust,
            leeway: 0,
            profile,
        };
        verifier.check_audience()?;
        Ok(verifier)
    }

    /// Allows `seconds` of clock skew (at most [`MAX_LEEWAY_SECS`]).
    pub fn with_leeway(mut self, seconds: u32) -> Result<Verifier> {
        if seconds > MAX_LEEWAY_SECS {
            return Err(Error::InvalidArgument(alloc::format!(
                "leeway must be at most {MAX_LEEWAY_SECS} s, got {seconds}"
            )));
        }
        self.leeway = seconds;
        Ok(self)
    }

    /// Our identifier, the only acceptable `aud`.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The allowed clock skew in seconds.
    pub fn leeway(&self) -> u32 {
        self.leeway
    }

    /// Verifies `token` at `now` (Unix seconds). `client_id` is the
    /// `client_id` form parameter that came with it, if any.
    ///
    /// Remembers nothing: see [`Verifier::verify_once`] and
    /// [`Verifier::verify_shared`].
    pub fn verify(
        &self,
        token: &str,
        now: i64,
        client_id: Option<&str>,
    ) -> Result<VerifiedAssertion> {
        self.verify_with_chain(token, now, client_id, |_| None)
            .map(|(assertion, _)| assertion)
    }

    /// Verifies `token` like [`Verifier::verify`] and, only if it passes,
    /// records its `(iss, jti)` in `replay_cache`, refusing one seen before.
    pub fn verify_once(
        &self,
        token: &str,
        now: i64,
        client_id: Option<&str>,
        replay_cache: &mut ReplayCache,
    ) -> Result<VerifiedAssertion> {
        let assertion = self.verify(token, now, client_id)?;
        self.remember(replay_cache, &assertion, now)?;
        Ok(assertion)
    }

    /// Verifies `token` with this verifier's shared state: chains already
    /// verified are taken from the chain cache (so a warm verification costs
    /// about one RSA public operation), new ones are added, and, when replay
    /// protection is on, `(iss, jti)` is recorded and a second use refused.
    /// The caches are locked only around look-ups and inserts.
    pub fn verify_shared(
        &self,
        token: &str,
        now: i64,
        client_id: Option<&str>,
        caches: &impl SharedCaches,
    ) -> Result<VerifiedAssertion> {
        let (assertion, verified_chain) = self.verify_with_chain(token, now, client_id, |key| {
            caches.with_caches(|c| c.chains.get(key))
        })?;
        caches.with_caches(|c| {
            if let Some(replay) = c.replay.as_mut() {
                self.remember(replay, &assertion, now)?;
            }
            if let Some((key, chain)) = verified_chain {
                c.chains.insert(key, chain);
            }
            Ok(assertion)
        })
    }

    fn remember(
        &self,
        replay_cache: &mut ReplayCache,
        assertion: &VerifiedAssertion,
        now: i64,
    ) -> Result<()> {
        let refused_from = assertion.expires_at.saturating_add(i64::from(self.leeway));
        replay_cache.remember(
            assertion.client_id.as_str(),
            &assertion.jti,
            refused_from,
            now,
        )
    }

    /// The whole verification. `cached` looks a chain up by its key; a chain
    /// verified here (not found, or no longer valid at `now`) is returned for
    /// the caller to cache.
    fn verify_with_chain(
        &self,
        token: &str,
        now: i64,
        client_id: Option<&str>,
        cached: impl FnOnce(&[u8]) -> Option<Arc<TrustedChain>>,
    ) -> Result<(VerifiedAssertion, NewlyVerifiedChain)> {
        if now < 0 {
            return Err(Error::InvalidArgument(alloc::format!(
                "now must be a non-negative Unix time, got {now}"
            )));
        }
        let parts = CompactParts::split(token)?;
        let key = header_key(&self.cache_scope, parts.header);
        if let Some(trusted) = cached(&key).filter(|t| t.valid_at(now)) {
            let assertion = self.verify_claims(&parts, &trusted, now, client_id)?;
            return Ok((assertion, None));
        }

        // Cheap first: header, certificate parsing and the path's names,
        // flags and dates; RSA only along a path that reaches an anchor,
        // top-down, then the token's signature, then the rest of x5c.
        let header = ReceivedHeader::decode(parts.header, &self.profile)?;
        let chain = header
            .chain
            .into_iter()
            .enumerate()
            .map(|(i, der)| ChainCertificate::from_der(der, &alloc::format!("x5c[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        let leaf = chain.first().ok_or(Error::MissingCertificate)?;
        let path = verify_path(&chain, &self.anchors, now)?;
        let leaf_key = leaf.verifying_key("x5c[0]")?;
        verify_signature(&parts, header.algorithm, &leaf_key)?;
        verify_tail(&chain, path.tail_from)?;
        let claims = self.check_claims(&parts, now, client_id)?;
        let trusted = TrustedChain {
            algorithm: header.algorithm,
            leaf_key,
            leaf_names: leaf.names.clone(),
            leaf_sha256_hex: leaf.sha256_hex(),
            chain_der: chain.into_iter().map(|c| c.der).collect(),
            valid_from: path.valid_from,
            valid_until: path.valid_until,
        };
        let assertion = assertion_for(claims, &trusted)?;
        Ok((assertion, Some((key, Arc::new(trusted)))))
    }

    /// Signature and claims against a chain already known to be trusted.
    fn verify_claims(
        &self,
        parts: &CompactParts<'_>,
        trusted: &TrustedChain,
        now: i64,
        client_id: Option<&str>,
    ) -> Result<VerifiedAssertion> {
        verify_signature(parts, trusted.algorithm, &trusted.leaf_key)?;
        let claims = self.check_claims(parts, now, client_id)?;
        assertion_for(claims, trusted)
    }

    fn check_claims(
        &self,
        parts: &CompactParts<'_>,
        now: i64,
        client_id: Option<&str>,
    ) -> Result<CheckedClaims> {
        let claims_json = jose::decode_part("claims", parts.claims, MAX_CLAIMS_BYTES)?;
        let claims = ReceivedClaims::parse(&claims_json)?;
        claim_rules::check(
            claims,
            &ClaimContext {
                audience: &self.audience,
                client_id,
                now,
                leeway: self.leeway,
                profile: &self.profile,
            },
        )
    }

    fn check_audience(&self) -> Result<()> {
        if self.profile == Profile::ISHARE {
            PartyId::parse(&self.audience)?;
        }
        if self.audience.is_empty() || self.audience.len() > MAX_AUDIENCE_BYTES {
            return Err(Error::InvalidArgument(alloc::format!(
                "audience \"{}\" must be 1 to {MAX_AUDIENCE_BYTES} bytes",
                quote(&self.audience)
            )));
        }
        Ok(())
    }
}

/// The signature, checked with the `x5c` leaf key and nothing else.
fn verify_signature(
    parts: &CompactParts<'_>,
    algorithm: Algorithm,
    leaf_key: &VerifyingKey,
) -> Result<()> {
    // A signature part that does not even decode (too long, truncated,
    // not base64url) is a signature that does not verify.
    let signature = jose::decode_part("signature", parts.signature, MAX_RSA_BITS / 8)
        .map_err(|_| Error::Signature)?;
    if leaf_key.verify(
        algorithm.scheme(),
        parts.signing_input.as_bytes(),
        &signature,
    ) {
        Ok(())
    } else {
        Err(Error::Signature)
    }
}

/// The verified assertion, once the leaf is known to name the `iss` party.
fn assertion_for(claims: CheckedClaims, trusted: &TrustedChain) -> Result<VerifiedAssertion> {
    if !party::names_party(&trusted.leaf_names, &claims.issuer) {
        return Err(Error::PartyIdMismatch {
            party: claims.issuer.as_str().into(),
            certificate: party::describe(&trusted.leaf_names),
        });
    }
    Ok(VerifiedAssertion {
        client_id: claims.issuer,
        audience: claims.audience,
        jti: claims.jti,
        issued_at: claims.issued_at,
        not_before: claims.not_before,
        expires_at: claims.expires_at,
        algorithm: trusted.algorithm,
        leaf_sha256: trusted.leaf_sha256_hex.clone(),
        chain: trusted.chain_der.clone(),
    })
}

/// What a chain verdict depends on besides the chain: the anchors (their
/// fingerprints, in order) and the profile.
fn cache_scope(anchors: &[TrustAnchor], profile: &Profile) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(profile.typ().as_bytes());
    hash.update(profile.lifetime_secs().to_be_bytes());
    for anchor in anchors {
        hash.update([u8::from(anchor.certificate.is_some())]);
        hash.update(anchor.sha256);
    }
    hash.finalize().into()
}
