//! The `aws-lc` backend: AWS-LC through `aws-lc-rs` (constant-time, its own
//! blinding from its own DRBG). It signs and verifies whole messages.

use alloc::string::String;
use alloc::vec::Vec;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    KeyPair, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384,
    RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA256, RSA_PSS_2048_8192_SHA256,
    RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512, RsaKeyPair, UnparsedPublicKey,
};
use pkcs8::EncodePrivateKey;
use rand_core::CryptoRng;
use rsa::RsaPrivateKey;

use super::{Hash, SignatureScheme};
use crate::error::{Error, Result};

/// A private key ready to sign, held by AWS-LC (which clears it when freed).
pub(crate) struct SigningKey {
    key: RsaKeyPair,
}

/// The constant start `header.` of every signing input of one signer. AWS-LC
/// hashes whole messages, so nothing is kept but its length.
#[derive(Clone)]
pub(crate) struct SigningPrefix {
    len: usize,
}

impl SigningPrefix {
    /// The prefix `header.` of every signing input made with `header`.
    pub(crate) fn new(header: &str) -> SigningPrefix {
        SigningPrefix {
            len: header.len() + 1,
        }
    }
}

impl SigningKey {
    /// Hands the key to AWS-LC as PKCS#8 DER (a buffer zeroized on drop, as
    /// is `key`).
    pub(crate) fn new(key: RsaPrivateKey) -> Result<SigningKey> {
        let pkcs8 = key
            .to_pkcs8_der()
            .map_err(|_| Error::Internal("the RSA private key does not encode as PKCS#8".into()))?;
        let key = RsaKeyPair::from_pkcs8(pkcs8.as_bytes()).map_err(|e| {
            Error::InvalidKey(alloc::format!("AWS-LC refuses the RSA private key: {e}"))
        })?;
        Ok(SigningKey { key })
    }

    /// The length of its signatures in bytes.
    pub(crate) fn signature_len(&self) -> usize {
        self.key.public_modulus_len()
    }

    /// Whether `public` is this key's public half (both encoded by AWS-LC,
    /// so equal keys give equal bytes).
    pub(crate) fn matches(&self, public: &VerifyingKey) -> bool {
        match (self.key.public_key().as_der(), public.rs256.as_der()) {
            (Ok(ours), Ok(theirs)) => ours.as_ref() == theirs.as_ref(),
            _ => false,
        }
    }

    /// The RS256 signature over `signing_input`, which must start with the
    /// bytes `prefix` was made from. AWS-LC blinds with its own randomness:
    /// `rng` is not used (PKCS#1 v1.5 signatures are deterministic).
    pub(crate) fn sign_rs256<R: CryptoRng + ?Sized>(
        &self,
        _rng: &mut R,
        prefix: &SigningPrefix,
        signing_input: &[u8],
    ) -> Result<Vec<u8>> {
        if signing_input.len() < prefix.len {
            return Err(Error::Internal(
                "signing input shorter than its header".into(),
            ));
        }
        let mut signature = alloc::vec![0; self.signature_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input,
                &mut signature,
            )
            .map_err(|_| Error::Internal("RSA signing failed (AWS-LC)".into()))?;
        Ok(signature)
    }
}

/// A certificate's public key, parsed once for RS256 (what iSHARE clients
/// and certificates use); RS384 and RS512 re-parse it per call. With the
/// DER it was read from (for a host's [`super::RsaVerifier`]).
#[derive(Clone)]
pub(crate) struct VerifyingKey {
    rs256: ParsedPublicKey,
    spki_der: Vec<u8>,
}

impl VerifyingKey {
    /// From `SubjectPublicKeyInfo` DER; the error says why it is unusable.
    pub(crate) fn from_spki_der(spki_der: &[u8]) -> core::result::Result<VerifyingKey, String> {
        ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki_der)
            .map(|rs256| VerifyingKey {
                rs256,
                spki_der: spki_der.to_vec(),
            })
            .map_err(|e| alloc::format!("AWS-LC refuses it: {e}"))
    }

    /// The `SubjectPublicKeyInfo` DER it was made from.
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Whether `signature` is this key's `scheme` signature over `message`
    /// (AWS-LC's PSS takes the salt as long as the hash, as we demand).
    pub(crate) fn verify(&self, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> bool {
        let parameters = match scheme {
            SignatureScheme::Pkcs1v15(Hash::Sha256) => {
                return self.rs256.verify_sig(message, signature).is_ok();
            }
            SignatureScheme::Pkcs1v15(Hash::Sha384) => &RSA_PKCS1_2048_8192_SHA384,
            SignatureScheme::Pkcs1v15(Hash::Sha512) => &RSA_PKCS1_2048_8192_SHA512,
            SignatureScheme::Pss(Hash::Sha256) => &RSA_PSS_2048_8192_SHA256,
            SignatureScheme::Pss(Hash::Sha384) => &RSA_PSS_2048_8192_SHA384,
            SignatureScheme::Pss(Hash::Sha512) => &RSA_PSS_2048_8192_SHA512,
        };
        UnparsedPublicKey::new(parameters, self.rs256.as_ref())
            .verify(message, signature)
            .is_ok()
    }
}
