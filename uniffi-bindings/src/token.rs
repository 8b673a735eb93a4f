//! `TokenManager`: the client's access tokens, sans-IO as in the core. The
//! app's own HTTP client (OkHttp, Ktor, `java.net.http`, URLSession) sends
//! the request `get` gives and hands the answer to `finish`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ishare_jwt::TokenKey;

use crate::error::{IshareJwtError, guard};
use crate::signer::Signer;
use crate::system::{now_or_clock, os_rng};

/// An access token and when it stops being usable.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessToken {
    /// The token to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// `Bearer`, as the server wrote it.
    pub token_type: String,
    /// `now` + `expires_in` when it was received, Unix seconds.
    pub expires_at: i64,
}

impl From<ishare_jwt::AccessToken> for AccessToken {
    fn from(token: ishare_jwt::AccessToken) -> Self {
        AccessToken {
            access_token: token.access_token,
            token_type: token.token_type,
            expires_at: token.expires_at,
        }
    }
}

/// The HTTP request that fetches a token: `POST url` with `body` sent as
/// `content_type`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TokenRequest {
    /// The token endpoint.
    pub url: String,
    /// The form body, with a fresh client assertion (fresh `jti`).
    pub body: String,
    /// `application/x-www-form-urlencoded`.
    pub content_type: String,
}

impl From<ishare_jwt::TokenRequest> for TokenRequest {
    fn from(request: ishare_jwt::TokenRequest) -> Self {
        TokenRequest {
            url: request.url,
            body: request.body,
            content_type: request.content_type.to_owned(),
        }
    }
}

/// What `TokenManager.get` answers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TokenStep {
    /// A cached token, good for at least `refreshBefore` more seconds.
    Cached {
        /// The token.
        token: AccessToken,
    },
    /// None cached (or it is about to expire): send `request`, then hand
    /// the answer to `TokenManager.finish`.
    Fetch {
        /// The request to send.
        request: TokenRequest,
    },
}

impl From<ishare_jwt::TokenStep> for TokenStep {
    fn from(step: ishare_jwt::TokenStep) -> Self {
        match step {
            ishare_jwt::TokenStep::Cached(token) => TokenStep::Cached {
                token: token.into(),
            },
            ishare_jwt::TokenStep::Fetch(request) => TokenStep::Fetch {
                request: request.into(),
            },
        }
    }
}

// The constructor's literal defaults are the core's.
const _: () = assert!(ishare_jwt::DEFAULT_REFRESH_BEFORE_SECS == 60);
const _: () = assert!(ishare_jwt::DEFAULT_TOKEN_CACHE_CAPACITY == 1024);

/// The access tokens of one client (one `Signer`), per (server id, token
/// URL, scope): cached until `refreshBefore` seconds before they expire,
/// then fetched anew with a fresh client assertion. Sans-IO: `get` answers
/// a cached token or the request to send; `finish` judges the answer.
///
/// Thread-safe. An internal lock guards the cache, held only to look a
/// token up or to store or forget one — never while signing, never over
/// the network. Two threads that miss the same key at once both get a
/// request to send; for one request per key, hold your own lock per key
/// around get → send → finish (see the README).
#[derive(Debug, uniffi::Object)]
pub struct TokenManager {
    /// The tokens, behind the lock.
    cache: Mutex<ishare_jwt::TokenManager>,
    /// Signs on a miss, outside the lock: a manager sharing the signer that
    /// is never given a token, so its `get` always answers a request.
    fetcher: ishare_jwt::TokenManager,
}

impl TokenManager {
    fn cache(&self) -> MutexGuard<'_, ishare_jwt::TokenManager> {
        // A panic under the lock poisons it; the cache changes only by
        // single map operations, so it stays consistent and usable.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[uniffi::export]
impl TokenManager {
    /// A manager signing its client assertions with `signer` (shared, the
    /// key never copied), renewing a token `refresh_before` seconds
    /// before it expires (at most 86 400), remembering up to `capacity`
    /// keys (1 to 1 000 000; when full, the oldest token makes room).
    #[uniffi::constructor(default(refresh_before = 60, capacity = 1024))]
    pub fn new(
        signer: Arc<Signer>,
        refresh_before: u32,
        capacity: u32,
    ) -> Result<Self, IshareJwtError> {
        guard(|| {
            // u32 fits usize on every target UniFFI builds for (32, 64 bits).
            let capacity = capacity as usize;
            let cache = ishare_jwt::TokenManager::new(signer.shared())
                .with_refresh_before(refresh_before)?
                .with_capacity(capacity)?;
            let fetcher = ishare_jwt::TokenManager::new(signer.shared())
                .with_refresh_before(refresh_before)?;
            Ok(TokenManager {
                cache: Mutex::new(cache),
                fetcher,
            })
        })
    }

    /// A token for `server_id` (the server's party id, the assertion's
    /// audience) at `token_url` with `scope`: cached, or the request that
    /// fetches one (with a fresh client assertion issued at `now`). `now` is
    /// Unix seconds, the system clock when null. A `token_url` that is not
    /// an http(s) URL is `InvalidArgument`; an unusable `server_id`
    /// `InvalidPartyId`.
    #[uniffi::method(default(scope = "iSHARE", now = None))]
    pub fn get(
        &self,
        server_id: String,
        token_url: String,
        scope: String,
        now: Option<i64>,
    ) -> Result<TokenStep, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            let key = TokenKey::new(&server_id, &token_url, &scope);
            let cached = self.cache().cached(&key, now);
            if let Some(token) = cached {
                return Ok(TokenStep::Cached {
                    token: token.into(),
                });
            }
            Ok(self.fetcher.get(&mut os_rng(), &key, now)?.into())
        })
    }

    /// Judges the token endpoint's answer (HTTP status `http_status` and
    /// `body`) to the request `get` gave for this key, received at `now`
    /// (the system clock when null): a 200 with a Bearer token response is
    /// cached until `now` + `expires_in` and returned. Another status is
    /// `TokenEndpoint` with the server's `error` and `error_description`; a
    /// 200 that is not a token response is `InvalidResponse`. Nothing is
    /// cached on error.
    #[uniffi::method(default(scope = "iSHARE", now = None))]
    pub fn finish(
        &self,
        server_id: String,
        token_url: String,
        scope: String,
        http_status: u16,
        body: Vec<u8>,
        now: Option<i64>,
    ) -> Result<AccessToken, IshareJwtError> {
        guard(|| {
            let now = now_or_clock(now)?;
            let key = TokenKey::new(&server_id, &token_url, &scope);
            Ok(self.cache().finish(&key, http_status, &body, now)?.into())
        })
    }

    /// Forgets the token for this key: do this when a resource server
    /// answers 401 to it; the next `get` then fetches a new one.
    #[uniffi::method(default(scope = "iSHARE"))]
    pub fn invalidate(&self, server_id: String, token_url: String, scope: String) {
        let key = TokenKey::new(&server_id, &token_url, &scope);
        self.cache().invalidate(&key);
    }

    /// Seconds before expiry at which a token is renewed.
    pub fn refresh_before(&self) -> u32 {
        self.fetcher.refresh_before()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{CLIENT, NOW, SATELLITE, pki_signer, pki_verifier};

    const URL: &str = "https://satellite.example/connect/token";

    fn manager() -> TokenManager {
        TokenManager::new(pki_signer("client-eori", CLIENT, None), 60, 1024).unwrap()
    }

    fn fetch(manager: &TokenManager, now: i64) -> TokenRequest {
        match manager
            .get(SATELLITE.into(), URL.into(), "iSHARE".into(), Some(now))
            .unwrap()
        {
            TokenStep::Fetch { request } => request,
            TokenStep::Cached { token } => panic!("expected a fetch, got {token:?}"),
        }
    }

    fn answer(token: &str, expires_in: u64) -> Vec<u8> {
        ishare_jwt::token_response_body(token, expires_in, None).into_bytes()
    }

    fn finish(manager: &TokenManager, status: u16, body: &[u8], now: i64) -> AccessToken {
        manager
            .finish(
                SATELLITE.into(),
                URL.into(),
                "iSHARE".into(),
                status,
                body.to_vec(),
                Some(now),
            )
            .unwrap()
    }

    #[test]
    fn a_miss_is_a_request_the_server_accepts_then_the_token_is_cached() {
        let manager = manager();
        let request = fetch(&manager, NOW);
        assert_eq!(request.url, URL);
        assert_eq!(request.content_type, "application/x-www-form-urlencoded");
        let parsed = ishare_jwt::parse_token_request(&request.body).unwrap();
        assert_eq!(
            (parsed.client_id.as_str(), parsed.scope.as_str()),
            (CLIENT, "iSHARE")
        );
        pki_verifier(SATELLITE, None)
            .verify(parsed.client_assertion, Some(NOW), Some(CLIENT.into()))
            .unwrap();

        let token = finish(&manager, 200, &answer("first", 3600), NOW);
        assert_eq!(
            token,
            AccessToken {
                access_token: "first".into(),
                token_type: "Bearer".into(),
                expires_at: NOW + 3600,
            }
        );
        let step = |now| {
            manager
                .get(SATELLITE.into(), URL.into(), "iSHARE".into(), Some(now))
                .unwrap()
        };
        assert_eq!(
            step(NOW + 3539),
            TokenStep::Cached {
                token: token.clone()
            }
        );
        assert!(matches!(step(NOW + 3540), TokenStep::Fetch { .. }));
        manager.invalidate(SATELLITE.into(), URL.into(), "iSHARE".into());
        assert!(matches!(step(NOW), TokenStep::Fetch { .. }));
    }

    #[test]
    fn a_refusal_is_token_endpoint_and_caches_nothing() {
        let manager = manager();
        let body = br#"{"error":"invalid_client","error_description":"unknown client"}"#;
        let error = manager
            .finish(
                SATELLITE.into(),
                URL.into(),
                "iSHARE".into(),
                400,
                body.to_vec(),
                Some(NOW),
            )
            .unwrap_err();
        assert_eq!(
            error,
            IshareJwtError::TokenEndpoint {
                status: 400,
                error: Some("invalid_client".into()),
                error_description: Some("unknown client".into()),
                detail: "400 invalid_client: unknown client".into(),
            }
        );
        fetch(&manager, NOW);
        let not_a_token = manager
            .finish(
                SATELLITE.into(),
                URL.into(),
                "iSHARE".into(),
                200,
                b"{}".to_vec(),
                Some(NOW),
            )
            .unwrap_err();
        assert_eq!(not_a_token.kind(), "invalid_response");
        fetch(&manager, NOW);
    }

    #[test]
    fn limits_and_urls_out_of_range_are_invalid_arguments() {
        let signer = || pki_signer("client-eori", CLIENT, None);
        for (refresh_before, capacity) in [(86_401, 1024), (60, 0), (60, 1_000_001)] {
            let error = TokenManager::new(signer(), refresh_before, capacity).unwrap_err();
            assert_eq!(
                error.kind(),
                "invalid_argument",
                "{refresh_before} {capacity}"
            );
        }
        assert_eq!(
            TokenManager::new(signer(), 86_400, 1)
                .unwrap()
                .refresh_before(),
            86_400
        );
        let error = manager()
            .get(
                SATELLITE.into(),
                "ftp://x".into(),
                "iSHARE".into(),
                Some(NOW),
            )
            .unwrap_err();
        assert_eq!(error.kind(), "invalid_argument");
        let error = manager()
            .get("nobody".into(), URL.into(), "iSHARE".into(), Some(NOW))
            .unwrap_err();
        assert_eq!(error.kind(), "invalid_party_id");
    }
}
