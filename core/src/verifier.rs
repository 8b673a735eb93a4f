//! The server side: verify incoming client assertions.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::backend::{RsaVerifier, VerifyingKey};
use crate::chain_cache::{CacheKey, SharedCaches, TrustedChain, header_key};
use crate::claim_rules::{self, CheckedClaims, ClaimContext, ExpectedIssuer};
use crate::claims::ReceivedClaims;
use crate::error::{Error, Result, quote};
use crate::jose::{self, Algorithm, CompactParts, ReceivedHeader};
use crate::limits::{self, MAX_AUDIENCE_BYTES, MAX_CLAIMS_BYTES, MAX_RSA_BITS, MAX_TRUST_ANCHORS};
use crate::party::{self, PartyId};
use crate::profile::Profile;
use crate::replay::{self, ReplayCache, ReplayRecord, ReplayStore};
use crate::trust::TrustAnchor;
use crate::x509::{ChainCertificate, verify_path, verify_tail};

/// A chain verified by one call, with its cache key, for the caller to cache.
type NewlyVerifiedChain = Option<(CacheKey, Arc<TrustedChain>)>;

/// Largest clock leeway a verifier may be given, in seconds.
pub const MAX_LEEWAY_SECS: u32 = 300;

/// Any iSHARE JWT that passed every check, with its whole payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedJwt {
    /// `iss` = `sub`: the party that signed.
    pub issuer: PartyId,
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
    /// The whole payload: the claims set's JSON text exactly as verified.
    pub claims_json: String,
    /// The key a replay store keeps this token under (see
    /// [`VerifiedAssertion::replay_key`]).
    pub replay_key: String,
    /// `exp` + leeway, Unix seconds.
    pub replay_until: i64,
}

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
    /// The key a replay store keeps this token under: lower-case hex
    /// SHA-256(`iss` ‖ 0x00 ‖ `jti`), the same in every language.
    pub replay_key: String,
    /// `exp` + leeway, Unix seconds: until when a store must keep the key.
    pub replay_until: i64,
}

/// Verifies client assertions sent to us.
///
/// Stateless and `Sync`: share one across threads. For replay protection pass
/// a [`ReplayCache`] to [`Verifier::verify_once`].
#[derive(Debug, Clone)]
pub struct Verifier {
    pub(crate) audience: String,
    pub(crate) anchors: Vec<TrustAnchor>,
    pub(crate) leeway: u32,
    pub(crate) profile: Profile,
    /// Digest of the anchors and profile: what a cached chain verdict
    /// depends on, part of every chain-cache key.
    cache_scope: [u8; 32],
    /// Checks the token's signature instead of this build's backend.
    host_rsa: Option<HostRsa>,
}

/// The host's [`RsaVerifier`], shareable and printable.
#[derive(Clone)]
struct HostRsa(Arc<dyn RsaVerifier>);

impl core::fmt::Debug for HostRsa {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RsaVerifier")
    }
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
            host_rsa: None,
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

    /// Checks each token's signature with `rsa` (say the host's own RSA,
    /// faster than this build's) instead of this build's backend: asked
    /// once per verification, with the `x5c` leaf key, only after a trusted
    /// path vouches for that key — exactly where the backend would be.
    /// Certificate signatures stay the backend's.
    pub fn with_rsa_verifier(mut self, rsa: Arc<dyn RsaVerifier>) -> Verifier {
        self.host_rsa = Some(HostRsa(rsa));
        self
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
        let (accepted, _) = self.accept(token, now, Expect::assertion(client_id), |_| None)?;
        self.finish_assertion(accepted)
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
        self.verify_with_store(token, now, client_id, replay_cache)
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
        let accepted = self.accept_shared(token, now, Expect::assertion(client_id), caches)?;
        self.finish_assertion(accepted)
    }

    /// Verifies any iSHARE JWT sent to us — a satellite's `parties_token`,
    /// a `delegation_token`, a `capabilities_token` — at `now`, by every
    /// rule of the client assertion (algorithm, signature with the `x5c`
    /// leaf, chain, validity, key sizes, the leaf names `iss`, `iss` =
    /// `sub`, `aud`, lifetime, time window, leeway) but the `client_id`
    /// parameter. `issuer`, when given, must equal `iss`
    /// ([`Error::IssuerMismatch`]). Tokens up to
    /// [`limits::MAX_JWT_TOKEN_BYTES`], payloads up to
    /// [`limits::MAX_JWT_CLAIMS_BYTES`]. Remembers nothing.
    pub fn verify_jwt(&self, token: &str, now: i64, issuer: Option<&str>) -> Result<VerifiedJwt> {
        let (accepted, _) = self.accept(token, now, Expect::jwt(issuer), |_| None)?;
        self.finish_jwt(accepted)
    }

    /// [`Verifier::verify_jwt`], recording `(iss, jti)` in `replay_cache`.
    pub fn verify_jwt_once(
        &self,
        token: &str,
        now: i64,
        issuer: Option<&str>,
        replay_cache: &mut ReplayCache,
    ) -> Result<VerifiedJwt> {
        self.verify_jwt_with_store(token, now, issuer, replay_cache)
    }

    /// [`Verifier::verify_jwt`] with this verifier's shared caches, as
    /// [`Verifier::verify_shared`].
    pub fn verify_jwt_shared(
        &self,
        token: &str,
        now: i64,
        issuer: Option<&str>,
        caches: &impl SharedCaches,
    ) -> Result<VerifiedJwt> {
        let accepted = self.accept_shared(token, now, Expect::jwt(issuer), caches)?;
        self.finish_jwt(accepted)
    }

    /// [`Verifier::verify_shared`]'s chain cache with an outside replay
    /// store (shared by every instance): warm verifications stay one RSA
    /// operation, and the token is recorded in `store`, not in
    /// `caches.replay`.
    pub fn verify_shared_with_store(
        &self,
        token: &str,
        now: i64,
        client_id: Option<&str>,
        caches: &impl SharedCaches,
        store: &mut impl ReplayStore,
    ) -> Result<VerifiedAssertion> {
        let accepted = self.accept_cached_then_record(
            token,
            now,
            Expect::assertion(client_id),
            caches,
            store,
        )?;
        self.finish_assertion(accepted)
    }

    /// [`Verifier::verify_shared_with_store`] for any iSHARE JWT.
    pub fn verify_jwt_shared_with_store(
        &self,
        token: &str,
        now: i64,
        issuer: Option<&str>,
        caches: &impl SharedCaches,
        store: &mut impl ReplayStore,
    ) -> Result<VerifiedJwt> {
        let accepted =
            self.accept_cached_then_record(token, now, Expect::jwt(issuer), caches, store)?;
        self.finish_jwt(accepted)
    }

    fn accept_cached_then_record(
        &self,
        token: &str,
        now: i64,
        expect: Expect<'_>,
        caches: &impl SharedCaches,
        store: &mut impl ReplayStore,
    ) -> Result<Accepted> {
        let (accepted, verified_chain) = self.accept(token, now, expect, |key| {
            caches.with_caches(|c| c.chains.get(key))
        })?;
        self.record(store, &accepted.claims, now)?;
        if let Some((key, chain)) = verified_chain {
            caches.with_caches(|c| c.chains.insert(key, chain));
        }
        Ok(accepted)
    }

    fn accept_shared(
        &self,
        token: &str,
        now: i64,
        expect: Expect<'_>,
        caches: &impl SharedCaches,
    ) -> Result<Accepted> {
        let (accepted, verified_chain) = self.accept(token, now, expect, |key| {
            caches.with_caches(|c| c.chains.get(key))
        })?;
        caches.with_caches(|c| {
            if let Some(replay) = c.replay.as_mut() {
                self.record(replay, &accepted.claims, now)?;
            }
            if let Some((key, chain)) = verified_chain {
                c.chains.insert(key, chain);
            }
            Ok(accepted)
        })
    }

    /// Records the accepted token in `store`: a key already there is a
    /// replay; a store that fails refuses the token (fail closed).
    fn record(&self, store: &mut impl ReplayStore, claims: &CheckedClaims, now: i64) -> Result<()> {
        let replay_until = self.replay_until(claims);
        let replay_key = replay::replay_key(claims.issuer.as_str(), &claims.jti);
        let record = ReplayRecord {
            issuer: claims.issuer.as_str(),
            jti: &claims.jti,
            replay_key: &replay_key,
            replay_until,
        };
        if store.record(&record, now)? {
            Ok(())
        } else {
            Err(Error::Replay {
                iss: quote(claims.issuer.as_str()),
                jti: quote(&claims.jti),
            })
        }
    }

    fn replay_until(&self, claims: &CheckedClaims) -> i64 {
        claims.expires_at.saturating_add(i64::from(self.leeway))
    }

    /// [`Verifier::verify`], then records the token in `store` — this
    /// process's [`ReplayCache`] or one shared by every instance — and
    /// refuses it if the store had it already or cannot answer.
    pub fn verify_with_store(
        &self,
        token: &str,
        now: i64,
        client_id: Option<&str>,
        store: &mut impl ReplayStore,
    ) -> Result<VerifiedAssertion> {
        let (accepted, _) = self.accept(token, now, Expect::assertion(client_id), |_| None)?;
        self.record(store, &accepted.claims, now)?;
        self.finish_assertion(accepted)
    }

    /// [`Verifier::verify_jwt`], then records the token in `store`.
    pub fn verify_jwt_with_store(
        &self,
        token: &str,
        now: i64,
        issuer: Option<&str>,
        store: &mut impl ReplayStore,
    ) -> Result<VerifiedJwt> {
        let (accepted, _) = self.accept(token, now, Expect::jwt(issuer), |_| None)?;
        self.record(store, &accepted.claims, now)?;
        self.finish_jwt(accepted)
    }

    fn finish_assertion(&self, accepted: Accepted) -> Result<VerifiedAssertion> {
        let replay_until = self.replay_until(&accepted.claims);
        accepted.into_assertion(replay_until)
    }

    fn finish_jwt(&self, accepted: Accepted) -> Result<VerifiedJwt> {
        let replay_until = self.replay_until(&accepted.claims);
        accepted.into_jwt(replay_until)
    }

    /// The whole verification. `cached` looks a chain up by its key; a chain
    /// verified here (not found, or no longer valid at `now`) is returned for
    /// the caller to cache.
    pub(crate) fn accept(
        &self,
        token: &str,
        now: i64,
        expect: Expect<'_>,
        cached: impl FnOnce(&CacheKey) -> Option<Arc<TrustedChain>>,
    ) -> Result<(Accepted, NewlyVerifiedChain)> {
        if now < 0 {
            return Err(Error::InvalidArgument(alloc::format!(
                "now must be a non-negative Unix time, got {now}"
            )));
        }
        let parts = CompactParts::split(token, expect.max_token_bytes)?;
        let key = header_key(&self.cache_scope, parts.header);
        if let Some(trusted) = cached(&key).filter(|t| t.valid_at(now)) {
            self.verify_signature(&parts, trusted.algorithm, &trusted.leaf_key)?;
            let accepted = self.accept_claims(&parts, trusted, now, &expect)?;
            return Ok((accepted, None));
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
        self.verify_signature(&parts, header.algorithm, &leaf_key)?;
        verify_tail(&chain, path.tail_from)?;
        let trusted = Arc::new(TrustedChain {
            algorithm: header.algorithm,
            leaf_key,
            leaf_names: leaf.names.clone(),
            leaf_sha256_hex: leaf.sha256_hex(),
            chain_der: chain.into_iter().map(|c| c.der).collect(),
            valid_from: path.valid_from,
            valid_until: path.valid_until,
        });
        let accepted = self.accept_claims(&parts, Arc::clone(&trusted), now, &expect)?;
        Ok((accepted, Some((key, trusted))))
    }

    /// Every claim rule, then the leaf's name for the issuer.
    fn accept_claims(
        &self,
        parts: &CompactParts<'_>,
        trusted: Arc<TrustedChain>,
        now: i64,
        expect: &Expect<'_>,
    ) -> Result<Accepted> {
        let claims_json = jose::decode_part("claims", parts.claims, expect.max_claims_bytes)?;
        let claims = claim_rules::check(
            ReceivedClaims::parse(&claims_json)?,
            &ClaimContext {
                audience: &self.audience,
                expected_issuer: expect.issuer,
                now,
                leeway: self.leeway,
                profile: &self.profile,
            },
        )?;
        if !party::names_party(&trusted.leaf_names, &claims.issuer) {
            return Err(Error::PartyIdMismatch {
                party: claims.issuer.as_str().into(),
                certificate: party::describe(&trusted.leaf_names),
            });
        }
        Ok(Accepted {
            claims,
            chain: trusted,
            claims_json,
        })
    }

    /// The signature, checked with the `x5c` leaf key and nothing else,
    /// by the host's [`RsaVerifier`] when there is one.
    pub(crate) fn verify_signature(
        &self,
        parts: &CompactParts<'_>,
        algorithm: Algorithm,
        leaf_key: &VerifyingKey,
    ) -> Result<()> {
        // A signature part that does not even decode (too long, truncated,
        // not base64url) is a signature that does not verify.
        let signature = jose::decode_part("signature", parts.signature, MAX_RSA_BITS / 8)
            .map_err(|_| Error::Signature)?;
        let message = parts.signing_input.as_bytes();
        let verified = match &self.host_rsa {
            Some(HostRsa(host)) => {
                host.verify_pkcs1v15(algorithm, leaf_key.spki_der(), message, &signature)
            }
            None => leaf_key.verify(algorithm.scheme(), message, &signature),
        };
        if verified {
            Ok(())
        } else {
            Err(Error::Signature)
        }
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

/// What the caller expects beyond the profile: which identity `iss` must
/// match, and how large a token may be.
#[derive(Clone)]
pub(crate) struct Expect<'a> {
    pub issuer: ExpectedIssuer<'a>,
    pub max_token_bytes: usize,
    pub max_claims_bytes: usize,
}

impl<'a> Expect<'a> {
    pub(crate) fn assertion(client_id: Option<&'a str>) -> Self {
        Expect {
            issuer: client_id.map_or(ExpectedIssuer::Any, ExpectedIssuer::ClientId),
            max_token_bytes: limits::MAX_TOKEN_BYTES,
            max_claims_bytes: MAX_CLAIMS_BYTES,
        }
    }

    pub(crate) fn jwt(issuer: Option<&'a str>) -> Self {
        Expect {
            issuer: issuer.map_or(ExpectedIssuer::Any, ExpectedIssuer::Issuer),
            max_token_bytes: limits::MAX_JWT_TOKEN_BYTES,
            max_claims_bytes: limits::MAX_JWT_CLAIMS_BYTES,
        }
    }
}

/// A token that met every rule, before it is shaped for the caller.
pub(crate) struct Accepted {
    claims: CheckedClaims,
    chain: Arc<TrustedChain>,
    /// The claims set's JSON text, as verified.
    claims_json: Vec<u8>,
}

impl Accepted {
    fn into_assertion(self, replay_until: i64) -> Result<VerifiedAssertion> {
        let claims = self.claims;
        let replay_key = replay::replay_key(claims.issuer.as_str(), &claims.jti);
        Ok(VerifiedAssertion {
            client_id: claims.issuer,
            audience: claims.audience,
            jti: claims.jti,
            issued_at: claims.issued_at,
            not_before: claims.not_before,
            expires_at: claims.expires_at,
            algorithm: self.chain.algorithm,
            leaf_sha256: self.chain.leaf_sha256_hex.clone(),
            chain: self.chain.chain_der.clone(),
            replay_key,
            replay_until,
        })
    }

    fn into_jwt(self, replay_until: i64) -> Result<VerifiedJwt> {
        let claims = self.claims;
        let replay_key = replay::replay_key(claims.issuer.as_str(), &claims.jti);
        let claims_json = String::from_utf8(self.claims_json)
            .map_err(|_| Error::Malformed("claims JSON is not UTF-8".into()))?;
        Ok(VerifiedJwt {
            issuer: claims.issuer,
            audience: claims.audience,
            jti: claims.jti,
            issued_at: claims.issued_at,
            not_before: claims.not_before,
            expires_at: claims.expires_at,
            algorithm: self.chain.algorithm,
            leaf_sha256: self.chain.leaf_sha256_hex.clone(),
            chain: self.chain.chain_der.clone(),
            claims_json,
            replay_key,
            replay_until,
        })
    }
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
