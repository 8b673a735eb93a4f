//! Replay protection: "a server SHALL NOT accept a JWT more than once".

use alloc::collections::BTreeMap;
use alloc::string::String;

use crate::error::{Error, Result, quote};
use crate::limits::MAX_REPLAY_CAPACITY;

/// Default capacity: ample for a token endpoint taking thousands of
/// assertions a second, each remembered for 30 s plus leeway.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// Remembers each accepted `(iss, jti)` until the token could no longer be
/// accepted anyway (`exp` + leeway), and refuses a second use.
///
/// Bounded: when full of unexpired entries it refuses new tokens
/// ([`Error::ReplayCacheFull`]) rather than forget one — failing closed.
/// It holds no clock and no lock; the bindings keep one per verifier behind
/// a mutex.
#[derive(Debug, Clone)]
pub struct ReplayCache {
    capacity: usize,
    /// `(iss, jti)` → the first instant the token is no longer accepted.
    seen: BTreeMap<(String, String), i64>,
}

impl ReplayCache {
    /// A cache for at most `capacity` unexpired tokens (1 to 10 000 000).
    pub fn new(capacity: usize) -> Result<ReplayCache> {
        if capacity == 0 || capacity > MAX_REPLAY_CAPACITY {
            return Err(Error::InvalidArgument(alloc::format!(
                "replay cache capacity must be 1 to {MAX_REPLAY_CAPACITY}, got {capacity}"
            )));
        }
        Ok(ReplayCache {
            capacity,
            seen: BTreeMap::new(),
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

    /// Records `(iss, jti)`, refusing it if seen before. `refused_from` is the
    /// first instant the token is no longer accepted (`exp` + leeway).
    pub(crate) fn remember(
        &mut self,
        iss: &str,
        jti: &str,
        refused_from: i64,
        now: i64,
    ) -> Result<()> {
        let key = (String::from(iss), String::from(jti));
        if self.seen.get(&key).is_some_and(|until| *until > now) {
            return Err(Error::Replay {
                iss: quote(iss),
                jti: quote(jti),
            });
        }
        if self.seen.len() >= self.capacity {
            self.seen.retain(|_, until| *until > now);
        }
        if self.seen.len() >= self.capacity {
            return Err(Error::ReplayCacheFull {
                capacity: self.capacity,
            });
        }
        self.seen.insert(key, refused_from);
        Ok(())
    }
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache {
            capacity: DEFAULT_REPLAY_CAPACITY,
            seen: BTreeMap::new(),
        }
    }
}
