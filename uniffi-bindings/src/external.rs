//! Keys that never leave their device: an app's [`ExternalSigner`] (Android
//! Keystore, Apple's `SecKeyCreateSignature`, `java.security` with
//! SunPKCS11, a key service's SDK) as the core's `ExternalKey`.

use std::sync::Arc;

use crate::error::IshareJwtError;

/// A signature for a key outside this library to make: RSASSA-PKCS1-v1_5
/// with SHA-256 over `message` (`algorithm` `RS256`). An API that hashes
/// itself (`Signature.getInstance("SHA256withRSA")`, Apple's
/// `.rsaSignatureMessagePKCS1v15SHA256`) signs `message`; one that takes a
/// digest (`NONEwithRSA` over `digestInfo`, Apple's
/// `.rsaSignatureDigestPKCS1v15SHA256` over `digest`) the others.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingSignature {
    /// What is signed: the JWS signing input `header.payload`, ASCII.
    pub message: Vec<u8>,
    /// SHA-256 of `message` (32 bytes).
    pub digest: Vec<u8>,
    /// The DER `DigestInfo` of `digest`: what a raw PKCS#1 v1.5 mechanism
    /// pads and signs.
    pub digest_info: Vec<u8>,
    /// The JWS algorithm: `RS256`.
    pub algorithm: String,
}

impl From<&ishare_jwt::PendingSignature> for PendingSignature {
    fn from(pending: &ishare_jwt::PendingSignature) -> Self {
        PendingSignature {
            message: pending.message().to_vec(),
            digest: pending.digest().to_vec(),
            digest_info: pending.digest_info(),
            algorithm: pending.algorithm().name().to_owned(),
        }
    }
}

/// The app's key: returns the RSASSA-PKCS1-v1_5 SHA-256 signature over
/// `pending.message`. Called from whichever thread signs, so it must be
/// thread-safe. Throwing `IshareJwtException.KeyStore` (or any exception)
/// fails the signature with `KeyStore`; a signature that does not verify
/// with the chain's leaf key fails it with `KeyMismatch`.
#[uniffi::export(foreign)]
pub trait ExternalSigner: Send + Sync {
    /// The signature bytes (as many as the key's modulus).
    fn sign(&self, pending: PendingSignature) -> Result<Vec<u8>, IshareJwtError>;
}

/// The app's [`ExternalSigner`] as the core sees it.
pub(crate) struct ForeignKey(pub(crate) Arc<dyn ExternalSigner>);

impl ishare_jwt::ExternalKey for ForeignKey {
    fn sign(&self, pending: &ishare_jwt::PendingSignature) -> ishare_jwt::Result<Vec<u8>> {
        self.0.sign(pending.into()).map_err(|error| match error {
            IshareJwtError::KeyStore { detail } => ishare_jwt::Error::KeyStore(detail),
            other => ishare_jwt::Error::KeyStore(format!(
                "the external signer failed: {} ({})",
                other.message(),
                other.kind_name()
            )),
        })
    }
}

/// Any other exception an app's callback throws (Kotlin's
/// `KeyStoreException`, `SignatureException`, …): `KeyStore`, naming it by
/// the first line of what UniFFI reports (its class and message; not the
/// stack trace).
impl From<uniffi::UnexpectedUniFFICallbackError> for IshareJwtError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        let thrown = error.reason.lines().next().unwrap_or("").trim();
        IshareJwtError::KeyStore {
            detail: format!("the external signer threw {thrown}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Signer;
    use crate::testing::{CLIENT, NOW, SATELLITE, pki};

    /// A device that answers `answer` to every request, and keeps what it
    /// was asked.
    struct Device {
        answer: Result<Vec<u8>, IshareJwtError>,
        asked: std::sync::Mutex<Vec<PendingSignature>>,
    }

    impl ExternalSigner for Device {
        fn sign(&self, pending: PendingSignature) -> Result<Vec<u8>, IshareJwtError> {
            self.asked.lock().unwrap().push(pending);
            self.answer.clone()
        }
    }

    fn sign_with(answer: Result<Vec<u8>, IshareJwtError>) -> (IshareJwtError, Arc<Device>) {
        let device = Arc::new(Device {
            answer,
            asked: std::sync::Mutex::new(Vec::new()),
        });
        let signer = Signer::from_callback(
            pki("client-eori.chain.pem"),
            CLIENT.into(),
            device.clone(),
            None,
        )
        .unwrap();
        let error = signer
            .client_assertion(SATELLITE.into(), Some(NOW), Some("j".into()))
            .unwrap_err();
        (error, device)
    }

    #[test]
    fn the_device_is_asked_for_the_message_its_digest_and_digest_info() {
        let (error, device) = sign_with(Ok(vec![0; 256]));
        assert_eq!(error.kind_name(), "key_mismatch");
        let asked = device.asked.lock().unwrap();
        let [pending] = asked.as_slice() else {
            panic!("asked {} times", asked.len())
        };
        assert_eq!(pending.algorithm, "RS256");
        assert_eq!(pending.digest.len(), 32);
        assert_eq!(pending.digest_info[19..], pending.digest[..]);
        assert_eq!(pending.message.iter().filter(|&&b| b == b'.').count(), 1);
    }

    #[test]
    fn what_the_device_throws_is_a_key_store_error() {
        let (error, _) = sign_with(Err(IshareJwtError::KeyStore {
            detail: "keystore locked".into(),
        }));
        assert_eq!(
            error,
            IshareJwtError::KeyStore {
                detail: "keystore locked".into()
            }
        );
        let (error, _) = sign_with(Err(IshareJwtError::Signature {
            detail: "bad".into(),
        }));
        assert_eq!(error.kind_name(), "key_store");
        assert!(error.message().contains("bad (signature)"), "{error}");
    }

    #[test]
    fn an_unexpected_exception_is_named_by_its_first_line() {
        let error = IshareJwtError::from(uniffi::UnexpectedUniFFICallbackError::new(
            "java.security.KeyStoreException: no key\n\tat App.sign(App.kt:3)",
        ));
        assert_eq!(
            error,
            IshareJwtError::KeyStore {
                detail: "the external signer threw java.security.KeyStoreException: no key".into()
            }
        );
    }
}
