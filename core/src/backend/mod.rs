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
//!   that starts with the [`SigningPrefix`] made from its header, into
//!   [`SigningKey::signature_len`] bytes; [`SigningKey::matches`] tells whether a certificate carries its public key.
//! - [`VerifyingKey`]: made from a certificate's `SubjectPublicKeyInfo` DER;
//!   [`VerifyingKey::verify`] checks an RS256/RS384/RS512 signature over a
//!   whole message (a JWS signing input, a certificate's TBS bytes).

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(not(feature = "aws-lc"))]
mod rust_crypto;

#[cfg(feature = "aws-lc")]
pub(crate) use aws_lc::{SigningKey, SigningPrefix, VerifyingKey};
#[cfg(not(feature = "aws-lc"))]
pub(crate) use rust_crypto::{SigningKey, SigningPrefix, VerifyingKey};
