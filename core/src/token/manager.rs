//! The token cache and what to do on a miss.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use rand_core::CryptoRng;

use super::endpoint_error::refusal;
use crate::error::{Error, Result, quote};
use crate::form::{parse_token_response, token_request_form};
use crate::signer::Signer;

/// Default seconds before expiry at which a cached token is renewed
/// (Duende's `RefreshBeforeExpiration`).
pub const DEFAULT_REFRESH_BEFORE_SECS: u32 = 60;
/// Default number of (server, URL, scope) keys remembered.
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 1024;
/// Largest capacity a caller may ask for.
const MAX_TOKEN_CACHE_CAPACITY: usize = 1_000_000;
/// Largest `refresh_before`: a day (a longer one would renew every token
/// on every call).
const MAX_REFRESH_BEFORE_SECS: u32 = 86_400;
/// The `Content-Type` of a token request's body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// Longest token URL accepted, in bytes.
const MAX_TOKEN_URL_BYTES: usize = 2048;

/// What a token is for: the server (its party id, the assertion's
/// audience), its token endpoint and the scope asked for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenKey {
    /// The server's party id: the assertion's `aud`.
    pub server_id: String,
    /// The server's token endpoint URL (`…/connect/token`).
    pub token_url: String,
    /// The `scope` parameter (iSHARE: `iSHARE`).
    pub scope: String,
}

impl TokenKey {
    /// A key for `server_id` at `token_url` with `scope`.
    pub fn new(server_id: &str, token_url: &str, scope: &str) -> TokenKey {
        TokenKey {
            server_id: server_id.into(),
            token_url: token_url.into(),
            scope: scope.into(),
        }
    }
}

/// An access token and when it stops being usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// The token to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// `Bearer`, as the server wrote it.
    pub token_type: String,
    /// `now` + `expires_in` at the time it was received, Unix seconds.
    pub expires_at: i64,
}

/// The HTTP request to make: `POST url` with `body` as `content_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The token endpoint.
    pub url: String,
    /// The form body, with a fresh client assertion (fresh `jti`).
    pub body: String,
    /// Always [`FORM_CONTENT_TYPE`].
    pub content_type: &'static str,
}

/// The answer of [`TokenManager::get`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStep {
    /// A cached token, good for at least `refresh_before` more seconds.
    Cached(AccessToken),
    /// None cached (or about to expire): send this, then give the answer to
    /// [`TokenManager::finish`].
    Fetch(TokenRequest),
}

struct Entry {
    token: AccessToken,
    /// Insertion order, for evicting the oldest.
    inserted: u64,
}

/// Access tokens of one client, per server: cached until `refresh_before`
/// seconds before they expire, then fetched anew with a fresh assertion.
///
/// Sans-IO and clock-free: [`TokenManager::get`] answers a cached token or
/// the request to send; [`TokenManager::finish`] takes the HTTP status and
/// body of the answer. Bindings add the HTTP, the clock, and single-flight
/// (one request per key at a time, never a lock held across the network).
///
/// ```
/// use ishare_jwt::{Signer, TokenKey, TokenManager, TokenStep};
/// # fn pki(name: &str) -> String {
/// #     std::fs::read_to_string(format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
/// # }
/// # let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
/// let signer = Signer::from_pem(pki("client-eori.key.pem"), &pki("client-eori.chain.pem"), "EU.EORI.NL000000101")?;
/// let mut manager = TokenManager::new(signer);
/// let key = TokenKey::new("EU.EORI.NL000000100", "https://server.example/connect/token", "iSHARE");
/// let now = 1_798_761_600;
/// let TokenStep::Fetch(request) = manager.get(&mut rng, &key, now)? else { unreachable!() };
/// assert!(request.body.starts_with("grant_type=client_credentials&scope=iSHARE"));
/// // … POST request.body to request.url, then:
/// let body = br#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#;
/// assert_eq!(manager.finish(&key, 200, body, now)?.access_token, "abc");
/// assert!(matches!(manager.get(&mut rng, &key, now + 3000)?, TokenStep::Cached(_)));
/// assert!(matches!(manager.get(&mut rng, &key, now + 3541)?, TokenStep::Fetch(_)));
/// # Ok::<(), ishare_jwt::Error>(())
/// ```
pub struct TokenManager {
    signer: Arc<Signer>,
    refresh_before: u32,
    capacity: usize,
    tokens: BTreeMap<TokenKey, Entry>,
    next_insert: u64,
}

impl TokenManager {
    /// A manager signing its assertions with `signer` (its own, or an
    /// `Arc` shared with the application: the key is never copied),
    /// renewing [`DEFAULT_REFRESH_BEFORE_SECS`] before expiry, remembering
    /// up to [`DEFAULT_TOKEN_CACHE_CAPACITY`] keys.
    pub fn new(signer: impl Into<Arc<Signer>>) -> TokenManager {
        TokenManager {
            signer: signer.into(),
            refresh_before: DEFAULT_REFRESH_BEFORE_SECS,
            capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            tokens: BTreeMap::new(),
            next_insert: 0,
        }
    }

    /// Renews tokens `seconds` before they expire (at most a day).
    pub fn with_refresh_before(mut self, seconds: u32) -> Result<TokenManager> {
        if seconds > MAX_REFRESH_BEFORE_SECS {
            return Err(Error::InvalidArgument(alloc::format!(
                "refresh_before must be at most {MAX_REFRESH_BEFORE_SECS} s, got {seconds}"
            )));
        }
        self.refresh_before = seconds;
        Ok(self)
    }

    /// Remembers up to `capacity` keys (1 to 1 000 000); when full, the
    /// oldest token makes room.
    pub fn with_capacity(mut self, capacity: usize) -> Result<TokenManager> {
        if capacity == 0 || capacity > MAX_TOKEN_CACHE_CAPACITY {
            return Err(Error::InvalidArgument(alloc::format!(
                "token cache capacity must be 1 to {MAX_TOKEN_CACHE_CAPACITY}, got {capacity}"
            )));
        }
        self.capacity = capacity;
        Ok(self)
    }

    /// The signer the assertions come from.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Seconds before expiry at which a token is renewed.
    pub fn refresh_before(&self) -> u32 {
        self.refresh_before
    }

    /// How many keys hold a token.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether no key holds a token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The stable name of `key`'s token outside this process (a shared
    /// store): lower-case hex SHA-256(client_id ‖ 0x00 ‖ server_id ‖ 0x00 ‖
    /// token_url ‖ 0x00 ‖ scope), the same in every language.
    pub fn cache_key(&self, key: &TokenKey) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (index, part) in [
            self.signer.client_id().as_str(),
            key.server_id.as_str(),
            key.token_url.as_str(),
            key.scope.as_str(),
        ]
        .iter()
        .enumerate()
        {
            if index > 0 {
                hash.update([0u8]);
            }
            hash.update(part.as_bytes());
        }
        crate::encoding::hex_upper(&hash.finalize()).to_ascii_lowercase()
    }

    /// Puts a token fetched elsewhere (another instance, via a shared
    /// store) into this cache for `key`, as if [`TokenManager::finish`] had
    /// received it.
    pub fn insert(&mut self, key: &TokenKey, token: AccessToken) {
        if self.tokens.len() >= self.capacity && !self.tokens.contains_key(key) {
            let oldest = self
                .tokens
                .iter()
                .min_by_key(|(_, entry)| entry.inserted)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                self.tokens.remove(&oldest);
            }
        }
        self.next_insert += 1;
        self.tokens.insert(
            key.clone(),
            Entry {
                token,
                inserted: self.next_insert,
            },
        );
    }

    /// The cached token for `key` if it is good at `now` for at least
    /// `refresh_before` more seconds.
    pub fn cached(&self, key: &TokenKey, now: i64) -> Option<AccessToken> {
        let entry = self.tokens.get(key)?;
        let renew_from = entry
            .token
            .expires_at
            .saturating_sub(i64::from(self.refresh_before));
        (now < renew_from).then(|| entry.token.clone())
    }

    /// A cached token for `key`, or the request that fetches one: a form
    /// body with a fresh client assertion for `key.server_id` issued at
    /// `now`. Signing happens here, outside any state change, so callers
    /// may hold only a read lock.
    pub fn get<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        key: &TokenKey,
        now: i64,
    ) -> Result<TokenStep> {
        if let Some(token) = self.cached(key, now) {
            return Ok(TokenStep::Cached(token));
        }
        check_token_url(&key.token_url)?;
        let assertion = self.signer.sign(rng, &key.server_id, now, None)?;
        let body = token_request_form(self.signer.client_id().as_str(), &assertion, &key.scope)?;
        Ok(TokenStep::Fetch(TokenRequest {
            url: key.token_url.clone(),
            body,
            content_type: FORM_CONTENT_TYPE,
        }))
    }

    /// Judges the token endpoint's answer to the request [`TokenManager::get`]
    /// gave for `key`: a 200 with a Bearer token response is cached (until
    /// `now` + `expires_in`) and returned; another status is
    /// [`Error::TokenEndpoint`] with the server's `error` and
    /// `error_description`; a 200 that is not a token response is
    /// [`Error::InvalidResponse`]. Nothing is cached on error.
    pub fn finish(
        &mut self,
        key: &TokenKey,
        http_status: u16,
        body: &[u8],
        now: i64,
    ) -> Result<AccessToken> {
        if http_status != 200 {
            return Err(refusal(http_status, body));
        }
        let response = parse_token_response(body)?;
        let expires_in = i64::try_from(response.expires_in).unwrap_or(i64::MAX);
        let token = AccessToken {
            access_token: response.access_token,
            token_type: response.token_type,
            expires_at: now.saturating_add(expires_in),
        };
        self.insert(key, token.clone());
        Ok(token)
    }

    /// Forgets the token for `key` (a resource server answered 401 to it).
    pub fn invalidate(&mut self, key: &TokenKey) {
        self.tokens.remove(key);
    }
}

impl core::fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never the tokens.
        f.debug_struct("TokenManager")
            .field("signer", &self.signer)
            .field("refresh_before", &self.refresh_before)
            .field("capacity", &self.capacity)
            .field("cached", &self.tokens.len())
            .finish()
    }
}

/// An `http` or `https` URL without whitespace or control characters.
fn check_token_url(url: &str) -> Result<()> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    if !scheme_ok
        || url.len() > MAX_TOKEN_URL_BYTES
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::InvalidArgument(alloc::format!(
            "token URL \"{}\" must be an http(s) URL of at most {MAX_TOKEN_URL_BYTES} bytes",
            quote(url)
        )));
    }
    Ok(())
}
