//! The default backend: the `rsa` crate (constant-time `crypto-bigint`
//! arithmetic, private operations blinded with the caller's RNG).

use alloc::string::String;
use alloc::vec::Vec;
use rand_core::CryptoRng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use sha2::digest::FixedOutputReset;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::DecodePublicKey;

use super::{Hash, SignatureScheme};
use crate::error::{Error, Result};

/// A private key ready to sign. Zeroized on drop (by the `rsa` crate).
pub(crate) struct SigningKey {
    key: RsaPrivateKey,
}

// The zeroize-on-drop promise, checked by the compiler.
const _: () = {
    const fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroized_on_drop::<RsaPrivateKey>()
};

/// The constant start `header.` of every signing input of one signer: here
/// the SHA-256 state over it, so a signature hashes only what follows.
#[derive(Clone)]
pub(crate) struct SigningPrefix {
    len: usize,
    sha256: Sha256,
}

impl SigningPrefix {
    /// The prefix `header.` of every signing input made with `header`.
    pub(crate) fn new(header: &str) -> SigningPrefix {
        let mut sha256 = Sha256::new();
        sha256.update(header.as_bytes());
        sha256.update(b".");
        SigningPrefix {
            len: header.len() + 1,
            sha256,
        }
    }
}

impl SigningKey {
    pub(crate) fn new(key: RsaPrivateKey) -> Result<SigningKey> {
        Ok(SigningKey { key })
    }

    /// Whether `public` is this key's public half.
    pub(crate) fn matches(&self, public: &VerifyingKey) -> bool {
        public.key.n() == self.key.n() && public.key.e() == self.key.e()
    }

    /// The RS256 signature over `signing_input`, which must start with the
    /// bytes `prefix` was made from (only the rest is hashed here).
    pub(crate) fn sign_rs256<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        prefix: &SigningPrefix,
        signing_input: &[u8],
    ) -> Result<Vec<u8>> {
        let rest = signing_input
            .get(prefix.len..)
            .ok_or_else(|| Error::Internal("signing input shorter than its header".into()))?;
        let mut hash = prefix.sha256.clone();
        hash.update(rest);
        let digest = hash.finalize();
        self.key
            .sign_with_rng(rng, Pkcs1v15Sign::new::<Sha256>(), &digest)
            .map_err(|e| Error::Internal(alloc::format!("RSA signing failed: {e}")))
    }
}

/// A certificate's public key, ready to verify, with the DER it was read
/// from (for a host's [`super::RsaVerifier`]).
#[derive(Clone)]
pub(crate) struct VerifyingKey {
    key: RsaPublicKey,
    spki_der: Vec<u8>,
}

impl VerifyingKey {
    /// From `SubjectPublicKeyInfo` DER; the error says why it is unusable.
    pub(crate) fn from_spki_der(spki_der: &[u8]) -> core::result::Result<VerifyingKey, String> {
        RsaPublicKey::from_public_key_der(spki_der)
            .map(|key| VerifyingKey {
                key,
                spki_der: spki_der.to_vec(),
            })
            .map_err(|e| alloc::format!("{e}"))
    }

    /// The `SubjectPublicKeyInfo` DER it was made from.
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Whether `signature` is this key's `scheme` signature over `message`.
    pub(crate) fn verify(&self, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> bool {
        fn pkcs1<D: Digest + const_oid::AssociatedOid>(
            key: &RsaPublicKey,
            message: &[u8],
            signature: &[u8],
        ) -> bool {
            key.verify(Pkcs1v15Sign::new::<D>(), &D::digest(message), signature)
                .is_ok()
        }
        fn pss<D: Digest + FixedOutputReset>(
            key: &RsaPublicKey,
            message: &[u8],
            signature: &[u8],
        ) -> bool {
            key.verify(Pss::<D>::new(), &D::digest(message), signature)
                .is_ok()
        }
        match scheme {
            SignatureScheme::Pkcs1v15(Hash::Sha256) => {
                pkcs1::<Sha256>(&self.key, message, signature)
            }
            SignatureScheme::Pkcs1v15(Hash::Sha384) => {
                pkcs1::<Sha384>(&self.key, message, signature)
            }
            SignatureScheme::Pkcs1v15(Hash::Sha512) => {
                pkcs1::<Sha512>(&self.key, message, signature)
            }
            SignatureScheme::Pss(Hash::Sha256) => pss::<Sha256>(&self.key, message, signature),
            SignatureScheme::Pss(Hash::Sha384) => pss::<Sha384>(&self.key, message, signature),
            SignatureScheme::Pss(Hash::Sha512) => pss::<Sha512>(&self.key, message, signature),
        }
    }
}
