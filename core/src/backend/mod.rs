//! The one place RSA private- and public-key operations happen.
//!
//! Two interchangeable implementations of the same three types:
//!
//! - `rust_crypto` (the default, and the only one in `no_std`): the `rsa`
//!   crate; the signing prefix keeps the SHA-256 state over the constant
//!   `header.`, so each signature hashes only the claims.
//! - `aws_lc` (feature `aws-lc`, implies `std`): AWS-LC through `aws-lc-rs`,
//!   which hashes whole messages itself.
//!
//! Everything above this module (key loading, encoding, chain rules, claim
//! rules) is shared; only these operations differ:
//!
//! - [`SigningKey`]: made once from the loaded private key;
//!   [`SigningKey::sign_rs256`] signs a JWS signing input (`header.claims`)
//!   that starts with the [`SigningPrefix`] made from its header;
//!   [`SigningKey::matches`] tells whether a certificate carries its public key.
//! - [`VerifyingKey`]: made from a certificate's `SubjectPublicKeyInfo` DER;
//!   [`VerifyingKey::verify`] checks a [`SignatureScheme`] signature over a
//!   whole message (a JWS signing input, a certificate's TBS bytes).
//!
//! A host whose own RSA is faster than this build's (Node.js's OpenSSL
//! beside the WebAssembly core) may take over one primitive, RSASSA-PKCS1-v1_5
//! verification, for a [`crate::Verifier`]: an [`RsaVerifier`]. It is asked
//! exactly where the built-in one would be, and only that: every rule around
//! it stays here.

/// The RSA backend this build signs and verifies with: `"aws-lc"` (feature
/// `aws-lc`) or `"rust-crypto"` (the `rsa` crate, the default).
#[cfg(feature = "aws-lc")]
pub const BACKEND: &str = "aws-lc";
/// The RSA backend this build signs and verifies with: `"aws-lc"` (feature
/// `aws-lc`) or `"rust-crypto"` (the `rsa` crate, the default).
#[cfg(not(feature = "aws-lc"))]
pub const BACKEND: &str = "rust-crypto";

use crate::jose::Algorithm;

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(not(feature = "aws-lc"))]
mod rust_crypto;

#[cfg(feature = "aws-lc")]
pub(crate) use aws_lc::{SigningKey, SigningPrefix, VerifyingKey};
#[cfg(not(feature = "aws-lc"))]
pub(crate) use rust_crypto::{SigningKey, SigningPrefix, VerifyingKey};

/// RSASSA-PKCS1-v1_5 signature verification done by the host, for
/// [`crate::Verifier::with_rsa_verifier`]: the token's signature with the
/// `x5c` leaf key is checked by it instead of this build's backend. The
/// verifier asks it only once a trusted path vouches for the key, and only
/// for that primitive; key sizes, algorithms and every other rule stay the
/// core's.
pub trait RsaVerifier: Send + Sync {
    /// Whether `signature` is an RSASSA-PKCS1-v1_5 signature over `message`
    /// (the whole message: the implementation hashes it with the hash
    /// `algorithm` names, SHA-256 for [`Algorithm::RS256`]) by the RSA key in
    /// `spki_der` (`SubjectPublicKeyInfo` DER). Anything that goes wrong is
    /// `false`: a refused signature.
    fn verify_pkcs1v15(
        &self,
        algorithm: Algorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> bool;
}

/// Whether `signature` is a PKCS#1 v1.5 signature with `hash` (`"SHA-256"`,
/// `"SHA-384"` or `"SHA-512"`) over `message` by the RSA key in `spki_der`,
/// as this build's backend judges it. Only for the Wycheproof tests
/// (`core/tests/wycheproof.rs`), which put the standard adversarial vectors
/// through the same primitive that checks tokens and certificates; an
/// unusable key or an unknown hash is `false`.
#[doc(hidden)]
pub fn verify_rsa_pkcs1v15(spki_der: &[u8], hash: &str, message: &[u8], signature: &[u8]) -> bool {
    let hash = match hash {
        "SHA-256" => Hash::Sha256,
        "SHA-384" => Hash::Sha384,
        "SHA-512" => Hash::Sha512,
        _ => return false,
    };
    VerifyingKey::from_spki_der(spki_der)
        .is_ok_and(|key| key.verify(SignatureScheme::Pkcs1v15(hash), message, signature))
}

/// A SHA-2 hash a signature is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The digest length in bytes.
    pub(crate) fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

/// An RSA signature scheme: JWS RS256/384/512 and certificates use PKCS#1
/// v1.5; certificates may use PSS (salt as long as the hash, MGF1 with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureScheme {
    Pkcs1v15(Hash),
    Pss(Hash),
}
