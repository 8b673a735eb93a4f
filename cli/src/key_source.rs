//! Where `--key` points: a private key file, or a key on a PKCS#11 token
//! named by a `pkcs11:` URI (RFC 7512) that never leaves the device.

use std::path::Path;

use ishare_jwt::{Error, Signer};
use ishare_jwt_pkcs11::is_pkcs11_uri;

use crate::io::{read_bytes, read_text};

/// The signer `--key`, `--chain` and `--client` describe. With a `pkcs11:`
/// key the PIN comes from the URI (`pin-source=file:…`) or the
/// `ISHARE_PKCS11_PIN` environment variable — never from the command line,
/// where other users could read it — and a missing `--chain` is read from
/// the token.
pub(crate) fn load_signer(
    key: &Path,
    chain: Option<&Path>,
    client_id: &str,
) -> Result<Signer, Error> {
    if let Some(uri) = key.to_str().filter(|key| is_pkcs11_uri(key)) {
        let chain_pem = chain.map(read_text).transpose()?;
        return ishare_jwt_pkcs11::from_pkcs11(uri, None, chain_pem.as_deref(), client_id);
    }
    let chain = chain.ok_or_else(|| {
        Error::InvalidArgument(
            "--chain is required with a key file (only a pkcs11: key can read its chain from the token)"
                .into(),
        )
    })?;
    Signer::from_pem(read_bytes(key)?, &read_text(chain)?, client_id)
}
