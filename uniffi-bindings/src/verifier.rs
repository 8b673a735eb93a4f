//! `Verifier` and `Assertion`: the server side, checking client assertions
//! (and any other iSHARE JWT sent to us).

use std::sync::{Arc, Mutex, PoisonError};

use ishare_jwt::{ReplayCache, SharedCaches, TrustAnchor, VerifiedAssertion, VerifierCaches};

use crate::error::{IshareJwtError, guard};
use crate::jwt::VerifiedJwt;
use crate::profile::{Profile, or_ishare};
use crate::system::now_or_clock;

/// A client assertion that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Assertion {
    /// The client: `iss` = `sub` (= the `client_id` given, if any).
    pub client_id: String,
    /// `aud`: our own party id.
    pub audience: String,
    /// `jti`, the token's unique id.
    pub jti: String,
    /// `iat`, Unix seconds.
    pub issued_at: i64,
    /// `exp`, Unix seconds.
    pub expires_at: i64,
    /// SHA-256 of the leaf certificate, upper-case hex.
    pub leaf_sha256: String,
    /// The key a shared replay store keeps this token under (lower-case
    /// hex SHA-256 of `iss` ‖ 0x00 ‖ `jti`, the same in every language).
    pub replay_key: String,
    /// `exp` + leeway, Unix seconds: until when the store keeps the key.
    pub replay_until: i64,
}

impl From<VerifiedAssertion> for Assertion {
    fn from(verified: VerifiedAssertion) -> Self {
        Assertion {
            client_id: verified.client_id.as_str().to_owned(),
            audience: verified.audience,
            jti: verified.jti,
            issued_at: verified.issued_at,
            expires_at: verified.expires_at,
            leaf_sha256: verified.leaf_sha256,
            replay_key: verified.replay_key,
            replay_until: verified.replay_until,
        }
    }
}

/// Verifies client assertions (and any iSHARE JWT) addressed to us, with
/// replay protection: a `jti` accepted once is refused until the token has
/// expired. The replay
/// cache is bounded (all tokens, and one issuer's share of them) and refuses
/// with `ReplayCacheFull` beyond either bound. Thread-safe; share one per
/// audience.
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    inner: ishare_jwt::Verifier,
    caches: LockedCaches,
}

impl Verifier {
    /// The core verifier (for `explain`).
    pub(crate) fn core(&self) -> &ishare_jwt::Verifier {
        &self.inner
    }
}

// The constructor's literal defaults are the core's.
const _: () = assert!(ishare_jwt::DEFAULT_REPLAY_CAPACITY == 100_000);
const _: () = assert!(ishare_jwt::DEFAULT_REPLAY_ISSUER_SHARE == 0.1);

/// The verifier's replay and chain caches behind a mutex, as the core's
/// [`SharedCaches`]: locked only around look-ups and inserts.
#[derive(Debug)]
struct LockedCaches(Mutex<VerifierCaches>);

impl SharedCaches for LockedCaches {
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R {
        // A panic under the lock poisons it; the caches change only by single
        // map inserts, so they stay consistent and usable.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The chain cache without the replay cache, for the unrecorded
/// verifications: the core records only when `replay` is `Some`, so the
/// chains are lent out under the lock in caches of their own whose `replay`
/// is `None`. The replay cache is never touched; if `f` panics the chains
/// are lost (an empty chain cache only costs time).
struct ChainsOnly<'a>(&'a LockedCaches);

impl SharedCaches for ChainsOnly<'_> {
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R {
        self.0.with_caches(|caches| {
            let mut chains_only = VerifierCaches {
                replay: None,
                chains: std::mem::take(&mut caches.chains),
            };
            let result = f(&mut chains_only);
            caches.chains = chains_only.chains;
            result
        })
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier for tokens addressed to `audience` (our own party id),
    /// trusting chains that lead to one of `trusted_roots` (each a PEM CA
    /// certificate or a 64-hex-digit SHA-256 fingerprint), allowing `leeway`
    /// seconds of clock skew (at most 300). Its replay cache remembers at most
    /// `replay_capacity` unexpired tokens (1 to 10 000 000), of which one
    /// issuer may hold `replay_issuer_share` (more than 0, at most 1:
    /// floor(capacity * share) tokens, at least one), so one party cannot
    /// lock the others out. It expects tokens of `profile` (iSHARE when
    /// null; for `Profile.oauth` `audience` is our issuer identifier, e.g.
    /// `https://as.example.com`).
    #[uniffi::constructor(default(
        leeway = 0,
        replay_capacity = 100000,
        replay_issuer_share = 0.1,
        profile = None
    ))]
    pub fn new(
        audience: String,
        trusted_roots: Vec<String>,
        leeway: u32,
        replay_capacity: u32,
        replay_issuer_share: f64,
        profile: Option<Arc<Profile>>,
    ) -> Result<Self, IshareJwtError> {
        guard(|| {
            let anchors = trusted_roots
                .iter()
                .map(|root| TrustAnchor::parse(root))
                .collect::<Result<Vec<_>, _>>()?;
            let profile = or_ishare(profile.as_deref());
            let inner = ishare_jwt::Verifier::new_with_profile(&audience, anchors, profile)?
                .with_leeway(leeway)?;
            // u32 fits usize on every target UniFFI builds for (32, 64 bits).
            let capacity = replay_capacity as usize;
            let replay = ReplayCache::with_issuer_share(capacity, replay_issuer_share)?;
            Ok(Verifier {
                inner,
                caches: LockedCaches(Mutex::new(VerifierCaches {
                    replay: Some(replay),
                    ..VerifierCaches::default()
                })),
            })
        })
    }

    /// Verifies `token` at `now` (Unix seconds; the system clock when null).
    /// `client_id` is the `client_id` form parameter that came with it, if
    /// any. Remembers the token: a second use is an `Replay` error.
    #[uniffi::method(default(now = None, client_id = None))]
    pub fn verify(
        &self,
        token: String,
        now: Option<i64>,
        client_id: Option<String>,
    ) -> Result<Assertion, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            let verified =
                self.inner
                    .verify_shared(&token, now, client_id.as_deref(), &self.caches)?;
            Ok(verified.into())
        })
    }

    /// Verifies `token` by every rule of `verify` but records nothing: the
    /// replay cache is neither read nor written, so the same token passes
    /// again. For services running more than one instance with one replay
    /// store they all share: then SET NX EXAT the replay_key yourself; a
    /// false answer is a replay. With Redis: `SET
    /// ishare-jwt:replay:<replayKey> 1 NX EXAT <replayUntil>`, a nil reply
    /// is a replay (refuse it), an error means the store cannot answer
    /// (refuse it too). Chains already verified are still cached.
    #[uniffi::method(default(now = None, client_id = None))]
    pub fn verify_unrecorded(
        &self,
        token: String,
        now: Option<i64>,
        client_id: Option<String>,
    ) -> Result<Assertion, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            let verified = self.inner.verify_shared(
                &token,
                now,
                client_id.as_deref(),
                &ChainsOnly(&self.caches),
            )?;
            Ok(verified.into())
        })
    }

    /// Verifies any iSHARE JWT sent to us — a satellite's `parties_token`
    /// or `trusted_list_token`, a `delegation_token` — at `now` (Unix
    /// seconds; the system clock when null), by every rule of the client
    /// assertion but the `client_id` one, and returns its whole payload.
    /// `issuer`, when given, must equal `iss` (else `IssuerMismatch`).
    /// Shares the replay cache with `verify`: a second use of the same token
    /// is a `Replay` error.
    #[uniffi::method(default(now = None, issuer = None))]
    pub fn verify_jwt(
        &self,
        token: String,
        now: Option<i64>,
        issuer: Option<String>,
    ) -> Result<VerifiedJwt, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            let verified =
                self.inner
                    .verify_jwt_shared(&token, now, issuer.as_deref(), &self.caches)?;
            Ok(verified.into())
        })
    }

    /// `verify_jwt` recording nothing, as `verify_unrecorded`: then SET NX
    /// EXAT the replay_key yourself; a false answer is a replay.
    #[uniffi::method(default(now = None, issuer = None))]
    pub fn verify_jwt_unrecorded(
        &self,
        token: String,
        now: Option<i64>,
        issuer: Option<String>,
    ) -> Result<VerifiedJwt, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            let verified = self.inner.verify_jwt_shared(
                &token,
                now,
                issuer.as_deref(),
                &ChainsOnly(&self.caches),
            )?;
            Ok(verified.into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Signer;
    use crate::testing::{CLIENT, NOW, SATELLITE, pki_signer, pki_verifier};

    const T0: i64 = 1_767_225_600;
    const ROOT: &str = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69";

    fn vector(name: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/");
        std::fs::read_to_string(format!("{dir}{name}")).unwrap()
    }

    fn signed() -> String {
        let signer = Signer::from_pem(
            vector("client-eori.key.pem"),
            vector("client-eori.chain.pem"),
            "EU.EORI.NL000000001".into(),
            None,
        )
        .unwrap();
        signer
            .client_assertion("EU.EORI.NL000000000".into(), Some(T0), None)
            .unwrap()
    }

    fn verifier() -> Verifier {
        Verifier::new(
            "EU.EORI.NL000000000".into(),
            vec![ROOT.into()],
            0,
            100_000,
            0.1,
            None,
        )
        .unwrap()
    }

    #[test]
    fn verifies_once_then_refuses_a_replay() {
        let (verifier, token) = (verifier(), signed());
        let assertion = verifier.verify(token.clone(), Some(T0 + 1), None).unwrap();
        assert_eq!(assertion.client_id, "EU.EORI.NL000000001");
        assert_eq!(assertion.expires_at, T0 + 30);
        let replay = verifier.verify(token, Some(T0 + 2), None).unwrap_err();
        assert_eq!(replay.kind(), "replay");
    }

    #[test]
    fn sign_jwt_then_verify_jwt_returns_the_whole_payload() {
        let token = pki_signer("server-eori", SATELLITE, None)
            .sign_jwt(
                CLIENT.into(),
                Some(r#"{"b":{"n":[1,"é"]},"a":true}"#.into()),
                Some(NOW),
                Some("id-1".into()),
            )
            .unwrap();
        let verifier = pki_verifier(CLIENT, None);
        let jwt = verifier
            .verify_jwt(token.clone(), Some(NOW + 1), Some(SATELLITE.into()))
            .unwrap();
        assert_eq!(
            (jwt.issuer.as_str(), jwt.audience.as_str(), jwt.jti.as_str()),
            (SATELLITE, CLIENT, "id-1")
        );
        assert_eq!(
            (jwt.issued_at, jwt.not_before, jwt.expires_at),
            (NOW, Some(NOW), NOW + 30)
        );
        assert_eq!(jwt.algorithm, "RS256");
        assert_eq!(jwt.chain.len(), 3);
        assert!(
            jwt.claims_json
                .starts_with(r#"{"iss":"EU.EORI.NL000000100","#)
        );
        assert!(
            jwt.claims_json.ends_with(r#","b":{"n":[1,"é"]},"a":true}"#),
            "{}",
            jwt.claims_json
        );
        // The replay cache is the one verify uses.
        let replay = verifier.verify_jwt(token, Some(NOW + 2), None).unwrap_err();
        assert_eq!(replay.kind(), "replay");
    }

    #[test]
    fn verify_jwt_refuses_another_issuer_and_sign_jwt_the_envelope_names() {
        let satellite = pki_signer("server-eori", SATELLITE, None);
        let token = satellite
            .sign_jwt(CLIENT.into(), None, Some(NOW), None)
            .unwrap();
        let error = pki_verifier(CLIENT, None)
            .verify_jwt(token, Some(NOW), Some("EU.EORI.NL000000999".into()))
            .unwrap_err();
        assert!(
            matches!(error, IshareJwtError::IssuerMismatch { .. }),
            "{error:?}"
        );
        for claims in [r#"{"exp":1}"#, "[1]", r#"{"a":"#] {
            let error = satellite
                .sign_jwt(CLIENT.into(), Some(claims.into()), Some(NOW), None)
                .unwrap_err();
            assert_eq!(error.kind(), "invalid_argument", "{claims}");
        }
    }

    #[test]
    fn oauth_profile_round_trip_and_the_profiles_refuse_each_other() {
        let issuer = "https://as.example.com";
        let oauth = Arc::new(Profile::oauth(60).unwrap());
        let signer = pki_signer("client-eori", CLIENT, Some(Arc::clone(&oauth)));
        assert_eq!(signer.profile(), *oauth);
        let token = signer
            .client_assertion(issuer.into(), Some(NOW), None)
            .unwrap();
        let verifier = pki_verifier(issuer, Some(oauth));
        let assertion = verifier
            .verify(token.clone(), Some(NOW + 59), None)
            .unwrap();
        assert_eq!(
            (assertion.audience.as_str(), assertion.expires_at),
            (issuer, NOW + 60)
        );
        let ishare = pki_verifier(SATELLITE, None);
        let refused = ishare.verify(token, Some(NOW), None).unwrap_err();
        assert_eq!(refused.kind(), "invalid_header");
        let ishare_token = pki_signer("client-eori", CLIENT, None)
            .client_assertion(SATELLITE.into(), Some(NOW), None)
            .unwrap();
        let refused = verifier.verify(ishare_token, Some(NOW), None).unwrap_err();
        assert_eq!(refused.kind(), "invalid_header");
    }

    #[test]
    fn replay_limits_out_of_range_are_refused() {
        for (capacity, share) in [
            (0, 0.1),
            (10_000_001, 0.1),
            (10, 0.0),
            (10, 1.5),
            (10, f64::NAN),
        ] {
            let refused = Verifier::new(
                "EU.EORI.NL000000000".into(),
                vec![ROOT.into()],
                0,
                capacity,
                share,
                None,
            )
            .unwrap_err();
            assert_eq!(refused.kind(), "invalid_argument", "{capacity} {share}");
        }
    }

    #[test]
    fn unrecorded_verifications_leave_the_replay_cache_alone_and_share_chains() {
        let (verifier, token) = (verifier(), signed());
        for now in [T0 + 1, T0 + 2] {
            let assertion = verifier
                .verify_unrecorded(token.clone(), Some(now), None)
                .unwrap();
            assert_eq!(assertion.replay_until, T0 + 30);
            let jwt = verifier
                .verify_jwt_unrecorded(token.clone(), Some(now), None)
                .unwrap();
            assert_eq!(jwt.replay_key, assertion.replay_key);
        }
        verifier.caches.with_caches(|c| {
            assert_eq!(c.chains.len(), 1);
            assert!(c.replay.as_ref().is_some_and(|r| r.is_empty()));
        });
        verifier.verify(token.clone(), Some(T0 + 3), None).unwrap();
        let replay = verifier.verify(token, Some(T0 + 4), None).unwrap_err();
        assert_eq!(replay.kind(), "replay");
    }

    #[test]
    fn a_poisoned_lock_keeps_replay_protection() {
        let verifier = verifier();
        std::thread::scope(|scope| {
            let _ = scope
                .spawn(|| {
                    let _guard = verifier.caches.0.lock();
                    panic!("poison the lock");
                })
                .join();
        });
        let token = signed();
        verifier.verify(token.clone(), Some(T0 + 1), None).unwrap();
        let replay = verifier.verify(token, Some(T0 + 2), None).unwrap_err();
        assert_eq!(replay.kind(), "replay");
    }
}
