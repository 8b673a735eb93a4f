//! A bounded cache of certificate chains already found to lead to a trust
//! anchor, so a client's second assertion costs one RSA verification instead
//! of re-parsing and re-verifying its whole chain.
//!
//! The key is the token's encoded header within the verifier's scope: a
//! signer's header is the same on every assertion (`alg`, `typ`, `x5c`),
//! so equal bytes mean the header and chain checks already passed — for a
//! verifier with the same trust anchors and profile. The scope (a digest of
//! those) is part of the key, so caches shared between verifiers that trust
//! different roots never serve one the other's verdicts.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::RefCell;

use crate::backend::VerifyingKey;
use crate::error::{Error, Result};
use crate::jose::Algorithm;
use crate::replay::ReplayCache;
use crate::x509::SubjectNames;

/// Default number of distinct chains remembered.
pub const DEFAULT_CHAIN_CACHE_CAPACITY: usize = 1024;
/// Largest chain-cache capacity a caller may ask for.
pub const MAX_CHAIN_CACHE_CAPACITY: usize = 1_000_000;

/// What verification needs again of a chain that led to a trust anchor.
pub(crate) struct TrustedChain {
    pub algorithm: Algorithm,
    pub leaf_key: VerifyingKey,
    pub leaf_names: SubjectNames,
    pub leaf_sha256_hex: String,
    pub chain_der: Vec<Vec<u8>>,
    /// Every certificate on the path is valid from here…
    pub valid_from: i64,
    /// …to here, inclusive.
    pub valid_until: i64,
}

impl TrustedChain {
    /// Whether every certificate on the path is valid at `now`; if not, the
    /// caller re-verifies the chain to report exactly which one is not.
    pub(crate) fn valid_at(&self, now: i64) -> bool {
        (self.valid_from..=self.valid_until).contains(&now)
    }
}

/// The cache key: the verifier's scope, then the encoded (base64url) header
/// itself. Copying it costs a fraction of hashing it, and a look-up that
/// misses (every hostile token) compares only up to the first difference.
pub(crate) fn header_key(scope: &[u8; 32], encoded_header: &str) -> CacheKey {
    let mut key = Vec::with_capacity(scope.len() + encoded_header.len());
    key.extend_from_slice(scope);
    key.extend_from_slice(encoded_header.as_bytes());
    CacheKey(key)
}

/// A chain-cache key. Ordered by length, then eight bytes at a time: a hit
/// compares a whole header of several kilobytes, and where `memcmp` goes
/// byte by byte (WebAssembly) that comparison cost a tenth of a warm
/// verification. Any total order serves a map.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CacheKey(Vec<u8>);

impl Ord for CacheKey {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        let (a, b) = (&self.0, &other.0);
        a.len().cmp(&b.len()).then_with(|| {
            let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
            let (a_rest, b_rest) = (a_words.remainder(), b_words.remainder());
            a_words
                .zip(b_words)
                .map(|(x, y)| word(x).cmp(&word(y)))
                .find(|order| order.is_ne())
                .unwrap_or_else(|| a_rest.cmp(b_rest))
        })
    }
}

impl PartialOrd for CacheKey {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Eight bytes as one number (any fixed byte order keeps the order total).
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// Chains already verified against one verifier's trust anchors. Bounded:
/// when full, the entry with the smallest key makes room.
pub struct ChainCache {
    capacity: usize,
    chains: BTreeMap<CacheKey, Arc<TrustedChain>>,
}

impl ChainCache {
    /// A cache for up to `capacity` chains (1 to 1 000 000).
    pub fn new(capacity: usize) -> Result<ChainCache> {
        if capacity == 0 || capacity > MAX_CHAIN_CACHE_CAPACITY {
            return Err(Error::InvalidArgument(alloc::format!(
                "chain cache capacity must be 1 to {MAX_CHAIN_CACHE_CAPACITY}, got {capacity}"
            )));
        }
        Ok(ChainCache {
            capacity,
            chains: BTreeMap::new(),
        })
    }

    /// How many chains it holds.
    pub fn len(&self) -> usize {
        self.chains.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.chains.is_empty()
    }

    pub(crate) fn get(&self, key: &CacheKey) -> Option<Arc<TrustedChain>> {
        self.chains.get(key).cloned()
    }

    pub(crate) fn insert(&mut self, key: CacheKey, chain: Arc<TrustedChain>) {
        if self.chains.len() >= self.capacity && !self.chains.contains_key(&key) {
            self.chains.pop_first();
        }
        self.chains.insert(key, chain);
    }
}

impl Default for ChainCache {
    fn default() -> Self {
        ChainCache {
            capacity: DEFAULT_CHAIN_CACHE_CAPACITY,
            chains: BTreeMap::new(),
        }
    }
}

impl core::fmt::Debug for ChainCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChainCache")
            .field("capacity", &self.capacity)
            .field("len", &self.chains.len())
            .finish()
    }
}

/// The mutable state one verifier shares across requests: the replay cache
/// (`None` turns replay protection off) and the chain cache. The default has
/// both, at their default capacities.
#[derive(Debug)]
pub struct VerifierCaches {
    /// `(iss, jti)` already accepted.
    pub replay: Option<ReplayCache>,
    /// Chains already verified.
    pub chains: ChainCache,
}

impl Default for VerifierCaches {
    fn default() -> Self {
        VerifierCaches {
            replay: Some(ReplayCache::default()),
            chains: ChainCache::default(),
        }
    }
}

/// How a verifier reaches its [`VerifierCaches`]: bindings implement it
/// over their mutex (three lines), single-threaded code uses the `RefCell`
/// implementation. The verifier holds the lock only for map look-ups and
/// inserts, never during RSA work, so threads verify in parallel.
pub trait SharedCaches {
    /// Runs `f` with exclusive access to the caches.
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R;
}

impl SharedCaches for RefCell<VerifierCaches> {
    fn with_caches<R>(&self, f: impl FnOnce(&mut VerifierCaches) -> R) -> R {
        f(&mut self.borrow_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::CacheKey;
    use alloc::vec::Vec;
    use core::cmp::Ordering;

    #[test]
    fn cache_keys_are_totally_ordered_and_equal_only_when_their_bytes_are() {
        let mut keys: Vec<CacheKey> = Vec::new();
        for len in [0_usize, 1, 7, 8, 9, 16, 17, 40] {
            for at in [0, len / 2, len.saturating_sub(1)] {
                for byte in [0, 1, 0x80, 0xff] {
                    let mut bytes = alloc::vec![0x41; len];
                    if let Some(b) = bytes.get_mut(at) {
                        *b = byte;
                    }
                    keys.push(CacheKey(bytes));
                }
            }
        }
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b) == Ordering::Equal, a.0 == b.0);
                assert_eq!(a.cmp(b), b.cmp(a).reverse());
                for c in &keys {
                    if a < b && b < c {
                        assert!(a < c);
                    }
                }
            }
        }
    }
}
