//! Replay protection: "a server SHALL NOT accept a JWT more than once".

use alloc::collections::BTreeMap;
use alloc::string::String;

use crate::error::{Error, Result, quote};
use crate::limits::MAX_REPLAY_CAPACITY;

/// Default capacity: ample for a token endpoint taking thousands of
/// assertions a second, each remembered for 30 s plus leeway.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// Default share of the capacity one issuer may hold: ten issuers at full
/// speed fill the cache; one alone cannot lock the others out.
pub const DEFAULT_REPLAY_ISSUER_SHARE: f64 = 0.1;

/// Remembers each accepted `(iss, jti)` until the token could no longer be
/// accepted anyway (`exp` + leeway), and refuses a second use.
///
/// Bounded twice, and failing closed both times
/// ([`Error::ReplayCacheFull`]): the whole cache holds at most `capacity`
/// unexpired tokens, and one issuer at most [`ReplayCache::issuer_quota`] of
/// them, so one party filling its share leaves room for every other. Expired
/// entries leave through an index by expiry, each in O(log n): a full cache
/// costs no more per request than an empty one.
///
/// It holds no clock and no lock; the bindings keep one per verifier behind
/// a mutex.
#[derive(Debug, Clone)]
pub struct ReplayCache {
    capacity: usize,
    issuer_quota: usize,
    /// `(iss, jti)` → the first instant the token is no longer accepted.
    seen: BTreeMap<(String, String), i64>,
    /// The same entries ordered by that instant, for purging.
    by_expiry: BTreeMap<(i64, String, String), ()>,
    /// Unexpired entries per issuer.
    per_issuer: BTreeMap<String, usize>,
}

impl ReplayCache {
    /// A cache for at most `capacity` unexpired tokens (1 to 10 000 000),
    /// each issuer holding at most [`DEFAULT_REPLAY_ISSUER_SHARE`] of them.
    pub fn new(capacity: usize) -> Result<ReplayCache> {
        ReplayCache::with_issuer_share(capacity, DEFAULT_REPLAY_ISSUER_SHARE)
    }

    /// A cache for at most `capacity` unexpired tokens, of which one issuer
    /// may hold `issuer_share` (more than 0, at most 1; the quota is rounded
    /// down, and at least 1).
    ///
    /// ```
    /// let cache = ishare_jwt::ReplayCache::with_issuer_share(1000, 0.25)?;
    /// assert_eq!(cache.issuer_quota(), 250);
    /// assert!(ishare_jwt::ReplayCache::with_issuer_share(1000, 0.0).is_err());
    /// # Ok::<(), ishare_jwt::Error>(())
    /// ```
    pub fn with_issuer_share(capacity: usize, issuer_share: f64) -> Result<ReplayCache> {
        if capacity == 0 || capacity > MAX_REPLAY_CAPACITY {
            return Err(Error::InvalidArgument(alloc::format!(
                "replay cache capacity must be 1 to {MAX_REPLAY_CAPACITY}, got {capacity}"
            )));
        }
        // Written so that NaN fails too.
        if !(issuer_share > 0.0 && issuer_share <= 1.0) {
            return Err(Error::InvalidArgument(alloc::format!(
                "replay issuer share must be more than 0 and at most 1, got {issuer_share}"
            )));
        }
        // capacity ≤ 10^7 is exact in f64; the product is in 0..=capacity.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let quota = (capacity as f64 * issuer_share) as usize;
        Ok(ReplayCache {
            capacity,
            issuer_quota: quota.clamp(1, capacity),
            seen: BTreeMap::new(),
            by_expiry: BTreeMap::new(),
            per_issuer: BTreeMap::new(),
        })
    }

    /// How many tokens it remembers now.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// The most tokens it remembers at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The most unexpired tokens it remembers of one issuer.
    pub fn issuer_quota(&self) -> usize {
        self.issuer_quota
    }

    /// Records `(iss, jti)` at `now`, refusing it if seen before
    /// ([`Error::Replay`]) or if there is no room ([`Error::ReplayCacheFull`]).
    /// `refused_from` is the first instant the token is no longer accepted
    /// (`exp` + leeway); the entry is forgotten then. The verifier calls
    /// this for every token it accepts ([`crate::Verifier::verify_once`]).
    ///
    /// ```
    /// let mut cache = ishare_jwt::ReplayCache::new(100)?;
    /// cache.remember("EU.EORI.NL000000001", "jti-1", 1_030, 1_000)?;
    /// let again = cache.remember("EU.EORI.NL000000001", "jti-1", 1_030, 1_010);
    /// assert_eq!(again.unwrap_err().kind(), "replay");
    /// cache.remember("EU.EORI.NL000000001", "jti-1", 1_060, 1_030)?; // expired: forgotten
    /// # Ok::<(), ishare_jwt::Error>(())
    /// ```
    pub fn remember(&mut self, iss: &str, jti: &str, refused_from: i64, now: i64) -> Result<()> {
        self.forget_expired(now);
        let key = (String::from(iss), String::from(jti));
        if self.seen.contains_key(&key) {
            return Err(Error::Replay {
                iss: quote(iss),
                jti: quote(jti),
            });
        }
        if self.seen.len() >= self.capacity {
            return Err(Error::ReplayCacheFull {
                capacity: self.capacity,
                issuer: None,
            });
        }
        let held = self.per_issuer.get(iss).copied().unwrap_or(0);
        if held >= self.issuer_quota {
            return Err(Error::ReplayCacheFull {
                capacity: self.issuer_quota,
                issuer: Some(quote(iss)),
            });
        }
        self.per_issuer.insert(key.0.clone(), held + 1);
        self.by_expiry
            .insert((refused_from, key.0.clone(), key.1.clone()), ());
        self.seen.insert(key, refused_from);
        Ok(())
    }

    /// Drops every entry no longer accepted at `now`, oldest first.
    fn forget_expired(&mut self, now: i64) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (_, iss, jti) = entry.remove_entry().0;
            if let Some(held) = self.per_issuer.get_mut(&iss) {
                *held = held.saturating_sub(1);
                if *held == 0 {
                    self.per_issuer.remove(&iss);
                }
            }
            self.seen.remove(&(iss, jti));
        }
    }
}

/// What a replay store keeps of one accepted token: enough to refuse it
/// until it could not be accepted anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayRecord<'a> {
    /// `iss`.
    pub issuer: &'a str,
    /// `jti`.
    pub jti: &'a str,
    /// The store's key: lower-case hex SHA-256(`iss` ‖ 0x00 ‖ `jti`), the
    /// same in every language (a token one verifier accepted is a replay to
    /// every other on the same store).
    pub replay_key: &'a str,
    /// `exp` + leeway, Unix seconds: from then on the token is refused as
    /// expired, so the store may forget it.
    pub replay_until: i64,
}

/// Where accepted tokens are remembered: this process's [`ReplayCache`],
/// or a store shared by every instance of a service (Redis `SET key 1 NX
/// EXAT until` in the bindings' adapters).
pub trait ReplayStore {
    /// Records `record` at `now`: `Ok(true)` if it is new, `Ok(false)` if
    /// the key is already there (a replay). A store that cannot answer
    /// returns an error ([`Error::ReplayStore`]), and the verifier refuses
    /// the token: it never accepts one it could not record.
    fn record(&mut self, record: &ReplayRecord<'_>, now: i64) -> Result<bool>;
}

impl ReplayStore for ReplayCache {
    fn record(&mut self, record: &ReplayRecord<'_>, now: i64) -> Result<bool> {
        match self.remember(record.issuer, record.jti, record.replay_until, now) {
            Ok(()) => Ok(true),
            Err(Error::Replay { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }
}

/// The replay key of `(iss, jti)`: lower-case hex SHA-256(`iss` ‖ 0x00 ‖ `jti`).
pub(crate) fn replay_key(iss: &str, jti: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(iss.as_bytes());
    hash.update([0u8]);
    hash.update(jti.as_bytes());
    crate::encoding::hex_upper(&hash.finalize()).to_ascii_lowercase()
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache {
            capacity: DEFAULT_REPLAY_CAPACITY,
            // DEFAULT_REPLAY_ISSUER_SHARE of DEFAULT_REPLAY_CAPACITY.
            issuer_quota: DEFAULT_REPLAY_CAPACITY / 10,
            seen: BTreeMap::new(),
            by_expiry: BTreeMap::new(),
            per_issuer: BTreeMap::new(),
        }
    }
}
