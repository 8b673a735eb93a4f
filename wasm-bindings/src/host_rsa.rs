//! The host's RSA: in Node.js the package's entry registers `node:crypto`'s
//! RSASSA-PKCS1-v1_5 verification here (OpenSSL, several times faster than
//! this module's own arithmetic), and every verifier made afterwards checks
//! token signatures with it — the core's `RsaVerifier`, asked only where the
//! core's own RSA would be. The browser entry registers nothing (WebCrypto
//! is asynchronous only), so verifiers there keep the built-in RSA.

use std::cell::OnceCell;
use std::sync::Arc;

use ishare_jwt::{Algorithm, RsaVerifier};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `{verifyPkcs1v15(hashBits, spkiDer, message, signature) → boolean}`:
    /// the views it gets are valid only during the call.
    pub type HostRsa;

    #[wasm_bindgen(method, catch, js_name = verifyPkcs1v15)]
    fn verify_pkcs1v15(
        this: &HostRsa,
        hash_bits: u32,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, JsValue>;
}

thread_local! {
    /// Set once, by the Node entry as it loads the module.
    static HOST: OnceCell<HostRsa> = const { OnceCell::new() };
}

/// Registers the host's RSA for every verifier made from now on; `false`
/// when one was registered already (it stays).
#[wasm_bindgen(js_name = useHostRsa)]
pub fn use_host_rsa(host: HostRsa) -> bool {
    HOST.with(|cell| cell.set(host).is_ok())
}

/// The host's RSA for a new verifier, if one is registered.
pub(crate) fn registered() -> Option<Arc<dyn RsaVerifier>> {
    HOST.with(|cell| cell.get().is_some())
        .then(|| Arc::new(Registered) as Arc<dyn RsaVerifier>)
}

/// The registered host RSA, as the core's trait. A host that throws, or
/// answers anything but `true`, refuses the signature.
struct Registered;

impl RsaVerifier for Registered {
    fn verify_pkcs1v15(
        &self,
        algorithm: Algorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let hash_bits = match algorithm {
            Algorithm::RS256 => 256,
            Algorithm::RS384 => 384,
            Algorithm::RS512 => 512,
        };
        HOST.with(|cell| {
            cell.get().is_some_and(|host| {
                host.verify_pkcs1v15(hash_bits, spki_der, message, signature) == Ok(true)
            })
        })
    }
}
