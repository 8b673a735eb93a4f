//! Input limits, checked before any expensive work.
//!
//! A verifier sits on a public endpoint; these bound what anyone can make it
//! parse, decode or hash. Each is generous for real iSHARE traffic (a token
//! with a three-certificate 4096-bit chain is about 7 KiB).

/// Longest compact token accepted, in bytes.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// Longest decoded JOSE header, in bytes.
pub const MAX_HEADER_BYTES: usize = 48 * 1024;
/// Longest decoded claims set of a client assertion, in bytes.
pub const MAX_CLAIMS_BYTES: usize = 8 * 1024;
/// Longest compact token [`crate::Verifier::verify_jwt`] reads: a
/// satellite's page of parties with their certificates runs to tens of KB.
pub const MAX_JWT_TOKEN_BYTES: usize = 512 * 1024;
/// Longest decoded claims set of a general iSHARE JWT, in bytes.
pub const MAX_JWT_CLAIMS_BYTES: usize = 256 * 1024;
/// Deepest nesting of JSON arrays and objects in any JSON text read (the
/// outermost object is depth 1; delegation evidence nests about 10 deep).
pub const MAX_JSON_DEPTH: usize = 32;
/// Most certificates in an `x5c` chain.
pub const MAX_CHAIN_CERTIFICATES: usize = 8;
/// Largest DER certificate, in bytes.
pub const MAX_CERTIFICATE_BYTES: usize = 8 * 1024;
/// Largest PEM input (key, chain or trust anchor), in bytes.
pub const MAX_PEM_BYTES: usize = 64 * 1024;
/// Longest party identifier, in bytes.
pub const MAX_PARTY_ID_BYTES: usize = 128;
/// Longest `jti`, in bytes.
pub const MAX_JTI_BYTES: usize = 256;
/// Longest audience, in bytes.
pub const MAX_AUDIENCE_BYTES: usize = 512;
/// Most trust anchors in one verifier.
pub const MAX_TRUST_ANCHORS: usize = 256;
/// Largest replay-cache capacity a caller may ask for.
pub const MAX_REPLAY_CAPACITY: usize = 10_000_000;
/// Largest RSA modulus accepted, in bits (bounds the cost of one operation).
pub const MAX_RSA_BITS: usize = 8192;
/// Largest RSA public exponent accepted: 65537, what every CA uses. A
/// larger one (up to 2^33 − 1 elsewhere) only makes verifying slower.
pub const MAX_RSA_PUBLIC_EXPONENT: u64 = 65_537;
/// Smallest RSA modulus accepted, in bits (iSHARE requires 2048).
pub const MIN_RSA_BITS: usize = 2048;
/// Longest token-endpoint response parsed, in bytes.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

use crate::error::{Error, Result};

/// Refuses `found` bytes of `what` if over `limit`.
pub(crate) fn check(what: &'static str, found: usize, limit: usize) -> Result<()> {
    if found > limit {
        return Err(Error::TooLarge { what, limit, found });
    }
    Ok(())
}
