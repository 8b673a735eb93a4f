//! `Signer.fromPkcs11`: a key on a PKCS#11 device (HSM, USB token, smart
//! card), named by an RFC 7512 URI (feature `pkcs11`, on by default).

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::{IshareJwtError, guard};
use crate::profile::{Profile, or_ishare};
use crate::signer::Signer;

#[uniffi::export]
impl Signer {
    /// A signer whose key is on a PKCS#11 device, named by an RFC 7512 URI
    /// (`pkcs11:token=…;object=…?module-path=…`). The PIN: `pin`, else the
    /// URI's `pin-value` / `pin-source`, else the environment variable
    /// `ISHARE_PKCS11_PIN`; it never appears in an error. The chain:
    /// `chainPem` (leaf first), else the token's certificate objects. A
    /// module that does not load, a token or key not found, a wrong PIN:
    /// `KeyStore`; a key that is not the leaf's: `KeyMismatch`.
    #[uniffi::constructor(default(pin = None, chain_pem = None, profile = None))]
    pub fn from_pkcs11(
        uri: String,
        client_id: String,
        pin: Option<String>,
        chain_pem: Option<String>,
        profile: Option<Arc<Profile>>,
    ) -> Result<Arc<Self>, IshareJwtError> {
        guard(|| {
            // The PIN's copy here is wiped when this call returns.
            let pin = pin.map(Zeroizing::new);
            let inner = ishare_jwt_pkcs11::from_pkcs11(
                &uri,
                pin.as_deref().map(String::as_str),
                chain_pem.as_deref(),
                &client_id,
            )?
            .with_profile(or_ishare(profile.as_deref()))?;
            Signer::checked(inner)
        })
    }
}
