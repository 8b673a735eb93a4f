//! Redis stores for [`ishare_jwt`], so that every instance of a service
//! shares what it must remember: the tokens it accepted (replay protection)
//! and the access tokens it holds.
//!
//! - [`RedisReplayStore`] implements [`ishare_jwt::ReplayStore`] with one
//!   command per accepted token, `SET <prefix>replay:<replay_key> 1 NX EXAT
//!   <replay_until>` (Redis 6.2 or later). A store that cannot answer within
//!   its timeout refuses the token ([`Error::ReplayStore`]): it fails closed.
//! - [`RedisTokenStore`] keeps a [`TokenManager`]'s access tokens under
//!   `<prefix>token:<cache_key>`, expiring with the token, and takes a lock
//!   `<prefix>lock:<cache_key>` (`SET NX PX`) so that one instance fetches
//!   while the others wait for its token. [`fetch_with_store`] drives it; a
//!   store that fails only costs a request (fails open).
//!
//! # What is in Redis
//!
//! The same in every language (the Python binding writes and reads the
//! same keys and values):
//!
//! | key | value | expires |
//! | --- | --- | --- |
//! | `<prefix>replay:<replay_key>` | `1` | at `replay_until` (`EXAT`) |
//! | `<prefix>token:<cache_key>` | JSON `{"access_token":"…","token_type":"Bearer","expires_at":1798765200}` | at `expires_at` (`EXAT`) |
//! | `<prefix>lock:<cache_key>` | a random hex string of its holder | after the lock TTL (`PX`) |
//!
//! `<prefix>` is [`DEFAULT_PREFIX`] (`ishare-jwt:`) unless chosen;
//! `replay_key` is [`ishare_jwt::ReplayRecord::replay_key`] (lower-case hex
//! SHA-256(`iss` ‖ 0x00 ‖ `jti`)); `cache_key` is
//! [`TokenManager::cache_key`] (lower-case hex SHA-256(client_id ‖ 0x00 ‖
//! server_id ‖ 0x00 ‖ token_url ‖ 0x00 ‖ scope)). In a token value,
//! `expires_at` is an integer, Unix seconds; readers ignore other members
//! and take a value they cannot read as no token. A lock is released only
//! by its holder (compare-and-delete).
//!
//! Expiry times are absolute (`EXAT`), read against the Redis server's
//! clock: keep the verifiers' clocks within the verifier's leeway of it.
//!
//! # Example
//!
//! ```no_run
//! use ishare_jwt::{TrustAnchor, Verifier};
//! use ishare_jwt_redis::{DEFAULT_PREFIX, RedisReplayStore};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let (root_sha256, token, now) = ("", "", 0);
//! let client = redis::Client::open("redis://127.0.0.1:6379/")?;
//! let mut store = RedisReplayStore::new(client, DEFAULT_PREFIX);
//! let verifier = Verifier::new("EU.EORI.NL000000100", vec![TrustAnchor::from_sha256_hex(root_sha256)?])?;
//! // Accepted once across every instance using the same Redis; refused
//! // (kind `replay_store`) if Redis cannot be asked.
//! let assertion = verifier.verify_with_store(token, now, None, &mut store)?;
//! # let _ = assertion;
//! # Ok(())
//! # }
//! ```

use std::time::{Duration, Instant};

use ishare_jwt::{
    AccessToken, Error, ReplayRecord, ReplayStore, TokenKey, TokenManager, TokenRequest, TokenStep,
};
use rand_core::CryptoRng;
use redis::{Client, Cmd, Connection, ErrorKind, FromRedisValue, RedisError, RedisResult, Value};

/// The prefix of every key, unless another is chosen.
pub const DEFAULT_PREFIX: &str = "ishare-jwt:";
/// How long one Redis command (or connecting) may take before it counts as
/// a failure.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a token lock lives if its holder never releases it (it
/// crashed): longer than a token request takes.
pub const DEFAULT_LOCK_TTL: Duration = Duration::from_secs(10);
/// How long [`fetch_with_store`] waits for another instance's token before
/// fetching one itself.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(5);
/// How often a waiting [`fetch_with_store`] looks for the other instance's
/// token.
const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// Where a store's Redis is: a [`redis::Client`], from which the store
/// connects (and reconnects after a failure), or one open
/// [`redis::Connection`], used until it fails (after which every command
/// fails: prefer a client).
pub enum Source {
    /// Connect (and reconnect) through this client.
    Client(Client),
    /// Use this connection until it fails.
    Connection(Connection),
}

impl From<Client> for Source {
    fn from(client: Client) -> Source {
        Source::Client(client)
    }
}

impl From<Connection> for Source {
    fn from(connection: Connection) -> Source {
        Source::Connection(connection)
    }
}

/// One connection, opened when first needed, dropped after any failure but
/// an error reply (its answers could otherwise arrive late, to the next
/// command), every command bounded by `timeout`.
struct Link {
    client: Option<Client>,
    connection: Option<Connection>,
    /// `host:port` (never a password), for messages.
    address: String,
    timeout: Duration,
}

impl Link {
    fn new(source: Source) -> Link {
        match source {
            Source::Client(client) => Link {
                address: client.get_connection_info().addr().to_string(),
                client: Some(client),
                connection: None,
                timeout: DEFAULT_TIMEOUT,
            },
            Source::Connection(connection) => {
                let mut link = Link {
                    address: "a given connection".into(),
                    client: None,
                    connection: Some(connection),
                    timeout: DEFAULT_TIMEOUT,
                };
                link.set_timeout(DEFAULT_TIMEOUT);
                link
            }
        }
    }

    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
        // A connection that cannot be bounded is not used.
        if let Some(connection) = &self.connection
            && apply_timeout(connection, timeout).is_err()
        {
            self.connection = None;
        }
    }

    fn query<T: FromRedisValue>(&mut self, command: &Cmd) -> RedisResult<T> {
        let connection = match self.connection.take() {
            Some(connection) => connection,
            None => {
                let client = self.client.as_ref().ok_or_else(|| {
                    RedisError::from((ErrorKind::Io, "the given connection failed earlier"))
                })?;
                let connection = client.get_connection_with_timeout(self.timeout)?;
                apply_timeout(&connection, self.timeout)?;
                connection
            }
        };
        let mut connection = connection;
        let answer = command.query(&mut connection);
        let keep = match &answer {
            Ok(_) => true,
            Err(error) => matches!(error.kind(), ErrorKind::Server(_)),
        };
        if keep {
            self.connection = Some(connection);
        }
        answer
    }
}

fn apply_timeout(connection: &Connection, timeout: Duration) -> RedisResult<()> {
    connection.set_read_timeout(Some(timeout))?;
    connection.set_write_timeout(Some(timeout))
}

/// Replay protection shared by every verifier on one Redis: each accepted
/// token is one `SET <prefix>replay:<replay_key> 1 NX EXAT <replay_until>`
/// (Redis 6.2 or later), which answers whether it was new.
///
/// Fails closed: a Redis that cannot be reached, is too slow
/// ([`DEFAULT_TIMEOUT`]) or answers an error makes
/// [`ishare_jwt::Verifier::verify_with_store`] refuse the token with
/// [`Error::ReplayStore`] (kind `replay_store`).
pub struct RedisReplayStore {
    link: Link,
    prefix: String,
}

impl RedisReplayStore {
    /// A store on `source` (a [`redis::Client`] or [`redis::Connection`])
    /// with keys under `prefix` (usually [`DEFAULT_PREFIX`]).
    pub fn new(source: impl Into<Source>, prefix: &str) -> RedisReplayStore {
        RedisReplayStore {
            link: Link::new(source.into()),
            prefix: prefix.into(),
        }
    }

    /// Bounds each command (and connecting) by `timeout` instead of
    /// [`DEFAULT_TIMEOUT`]. A zero duration is taken as one millisecond.
    pub fn with_timeout(mut self, timeout: Duration) -> RedisReplayStore {
        self.link.set_timeout(timeout.max(Duration::from_millis(1)));
        self
    }

    /// The Redis key of a replay record: `<prefix>replay:<replay_key>`.
    pub fn key(&self, replay_key: &str) -> String {
        format!("{}replay:{replay_key}", self.prefix)
    }

    fn failure(&self, what: impl std::fmt::Display) -> Error {
        Error::ReplayStore(format!(
            "the Redis replay store at {} (keys {}replay:…) {what}",
            self.link.address, self.prefix
        ))
    }
}

impl ReplayStore for RedisReplayStore {
    fn record(&mut self, record: &ReplayRecord<'_>, _now: i64) -> ishare_jwt::Result<bool> {
        let mut command = redis::cmd("SET");
        command
            .arg(self.key(record.replay_key))
            .arg(1)
            .arg("NX")
            .arg("EXAT")
            .arg(record.replay_until);
        match self.link.query::<Value>(&command) {
            Ok(Value::Okay) => Ok(true),
            Ok(Value::SimpleString(ok)) if ok == "OK" => Ok(true),
            Ok(Value::Nil) => Ok(false),
            Ok(other) => Err(self.failure(format_args!("answered {other:?} to SET NX"))),
            Err(error) => Err(self.failure(format_args!("failed: {error}"))),
        }
    }
}

impl std::fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("address", &self.link.address)
            .field("prefix", &self.prefix)
            .field("timeout", &self.link.timeout)
            .finish()
    }
}

/// A held token lock: release it with [`RedisTokenStore::unlock`] (or let
/// it expire).
#[derive(Debug)]
pub struct TokenLock {
    key: String,
    holder: String,
}

/// Access tokens shared by every instance of a client on one Redis (see
/// the crate docs for the keys and the value format), with a lock per
/// token so that one instance fetches while the others wait.
///
/// Every method answers Redis's error as it is; [`fetch_with_store`] takes
/// any of them as "no store" and fetches directly.
pub struct RedisTokenStore {
    link: Link,
    prefix: String,
    lock_ttl: Duration,
    lock_wait: Duration,
}

/// A token's value in Redis.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredToken {
    access_token: String,
    token_type: String,
    expires_at: i64,
}

impl RedisTokenStore {
    /// A store on `source` (a [`redis::Client`] or [`redis::Connection`])
    /// with keys under `prefix` (usually [`DEFAULT_PREFIX`]).
    pub fn new(source: impl Into<Source>, prefix: &str) -> RedisTokenStore {
        RedisTokenStore {
            link: Link::new(source.into()),
            prefix: prefix.into(),
            lock_ttl: DEFAULT_LOCK_TTL,
            lock_wait: DEFAULT_LOCK_WAIT,
        }
    }

    /// Bounds each command (and connecting) by `timeout` instead of
    /// [`DEFAULT_TIMEOUT`]. A zero duration is taken as one millisecond.
    pub fn with_timeout(mut self, timeout: Duration) -> RedisTokenStore {
        self.link.set_timeout(timeout.max(Duration::from_millis(1)));
        self
    }

    /// A lock outlives a holder that never releases it by `ttl` instead of
    /// [`DEFAULT_LOCK_TTL`] (at least one millisecond).
    pub fn with_lock_ttl(mut self, ttl: Duration) -> RedisTokenStore {
        self.lock_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// [`fetch_with_store`] waits up to `wait` (instead of
    /// [`DEFAULT_LOCK_WAIT`]) for another instance's token.
    pub fn with_lock_wait(mut self, wait: Duration) -> RedisTokenStore {
        self.lock_wait = wait;
        self
    }

    /// The Redis key of a token: `<prefix>token:<cache_key>`.
    pub fn token_key(&self, cache_key: &str) -> String {
        format!("{}token:{cache_key}", self.prefix)
    }

    /// The Redis key of a token's lock: `<prefix>lock:<cache_key>`.
    pub fn lock_key(&self, cache_key: &str) -> String {
        format!("{}lock:{cache_key}", self.prefix)
    }

    /// The token stored for `cache_key`, if any (a value that is not a
    /// token counts as none).
    pub fn load(&mut self, cache_key: &str) -> RedisResult<Option<AccessToken>> {
        let mut command = redis::cmd("GET");
        command.arg(self.token_key(cache_key));
        let value: Option<Vec<u8>> = self.link.query(&command)?;
        Ok(value
            .and_then(|bytes| serde_json::from_slice::<StoredToken>(&bytes).ok())
            .map(|stored| AccessToken {
                access_token: stored.access_token,
                token_type: stored.token_type,
                expires_at: stored.expires_at,
            }))
    }

    /// Stores `token` for `cache_key`, expiring at its `expires_at`
    /// (nothing is stored for a token expired at `now`).
    pub fn save(&mut self, cache_key: &str, token: &AccessToken, now: i64) -> RedisResult<()> {
        if token.expires_at <= now {
            return Ok(());
        }
        let value = serde_json::to_string(&StoredToken {
            access_token: token.access_token.clone(),
            token_type: token.token_type.clone(),
            expires_at: token.expires_at,
        })
        .map_err(|error| RedisError::from((ErrorKind::Client, "token JSON", error.to_string())))?;
        let mut command = redis::cmd("SET");
        command
            .arg(self.token_key(cache_key))
            .arg(value)
            .arg("EXAT")
            .arg(token.expires_at);
        self.link.query::<()>(&command)
    }

    /// Takes the lock of `cache_key` (`SET NX PX`) unless another holds it.
    pub fn lock(&mut self, cache_key: &str) -> RedisResult<Option<TokenLock>> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|error| {
            RedisError::from((ErrorKind::Client, "lock value", error.to_string()))
        })?;
        let holder: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let key = self.lock_key(cache_key);
        let ttl_ms = u64::try_from(self.lock_ttl.as_millis()).unwrap_or(u64::MAX);
        let mut command = redis::cmd("SET");
        command
            .arg(&key)
            .arg(&holder)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms);
        let answer: Value = self.link.query(&command)?;
        Ok(match answer {
            Value::Nil => None,
            _ => Some(TokenLock { key, holder }),
        })
    }

    /// Releases `lock` if this holder still has it (it may have expired and
    /// gone to another).
    pub fn unlock(&mut self, lock: TokenLock) -> RedisResult<()> {
        const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                               return redis.call('DEL', KEYS[1]) else return 0 end";
        let mut command = redis::cmd("EVAL");
        command.arg(RELEASE).arg(1).arg(&lock.key).arg(&lock.holder);
        self.link.query::<i64>(&command).map(|_| ())
    }
}

impl std::fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("address", &self.link.address)
            .field("prefix", &self.prefix)
            .field("timeout", &self.link.timeout)
            .field("lock_ttl", &self.lock_ttl)
            .field("lock_wait", &self.lock_wait)
            .finish()
    }
}

/// An access token for `key`: from `manager`'s own cache; else from
/// `store` (another instance fetched it); else fetched with `fetch` while
/// holding the store's lock for `key`, then kept in both. An instance that
/// finds the lock taken waits (up to the store's lock wait) for the
/// holder's token, then fetches itself.
///
/// `fetch` sends the request (`POST request.url`, body `request.body` as
/// `request.content_type`) and answers the HTTP status and body; it runs at
/// most once. The store never makes this fail: Redis unreachable, slow or
/// erring means fetching directly. The token endpoint's refusals and
/// `fetch`'s own errors are returned as they are.
pub fn fetch_with_store<R, F>(
    manager: &mut TokenManager,
    store: &mut RedisTokenStore,
    rng: &mut R,
    key: &TokenKey,
    now: i64,
    fetch: F,
) -> ishare_jwt::Result<AccessToken>
where
    R: CryptoRng + ?Sized,
    F: FnOnce(&TokenRequest) -> ishare_jwt::Result<(u16, Vec<u8>)>,
{
    if let Some(token) = manager.cached(key, now) {
        return Ok(token);
    }
    let cache_key = manager.cache_key(key);
    let refresh_before = i64::from(manager.refresh_before());
    let usable = |token: &Option<AccessToken>| match token {
        Some(token) if now < token.expires_at.saturating_sub(refresh_before) => Some(token.clone()),
        _ => None,
    };

    let lock = match store.load(&cache_key) {
        Err(_) => None,
        Ok(found) => {
            if let Some(token) = usable(&found) {
                manager.insert(key, token.clone());
                return Ok(token);
            }
            match take_or_wait(store, &cache_key, &usable) {
                Wait::Token(token) => {
                    manager.insert(key, token.clone());
                    return Ok(token);
                }
                Wait::Locked(lock) => Some(lock),
                Wait::Alone => None,
            }
        }
    };

    let answer = fetch_now(manager, rng, key, now, fetch);
    if let Ok(token) = &answer {
        let _ = store.save(&cache_key, token, now);
    }
    if let Some(lock) = lock {
        let _ = store.unlock(lock);
    }
    answer
}

enum Wait {
    /// Another instance's token.
    Token(AccessToken),
    /// The lock is ours and there is still no token.
    Locked(TokenLock),
    /// No lock (the store failed or the wait ran out): fetch regardless.
    Alone,
}

fn take_or_wait(
    store: &mut RedisTokenStore,
    cache_key: &str,
    usable: &dyn Fn(&Option<AccessToken>) -> Option<AccessToken>,
) -> Wait {
    let deadline = Instant::now() + store.lock_wait;
    loop {
        match store.lock(cache_key) {
            Ok(Some(lock)) => {
                // A token may have landed between our look and our lock.
                return match store.load(cache_key) {
                    Ok(found) => match usable(&found) {
                        Some(token) => {
                            let _ = store.unlock(lock);
                            Wait::Token(token)
                        }
                        None => Wait::Locked(lock),
                    },
                    Err(_) => Wait::Locked(lock),
                };
            }
            Ok(None) => {}
            Err(_) => return Wait::Alone,
        }
        if Instant::now() >= deadline {
            return Wait::Alone;
        }
        std::thread::sleep(POLL_INTERVAL);
        match store.load(cache_key) {
            Ok(found) => {
                if let Some(token) = usable(&found) {
                    return Wait::Token(token);
                }
            }
            Err(_) => return Wait::Alone,
        }
    }
}

/// The token manager's own request, sent through `fetch`.
fn fetch_now<R, F>(
    manager: &mut TokenManager,
    rng: &mut R,
    key: &TokenKey,
    now: i64,
    fetch: F,
) -> ishare_jwt::Result<AccessToken>
where
    R: CryptoRng + ?Sized,
    F: FnOnce(&TokenRequest) -> ishare_jwt::Result<(u16, Vec<u8>)>,
{
    match manager.get(rng, key, now)? {
        TokenStep::Cached(token) => Ok(token),
        TokenStep::Fetch(request) => {
            let (status, body) = fetch(&request)?;
            manager.finish(key, status, &body, now)
        }
    }
}
