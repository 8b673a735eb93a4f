//! Sign iSHARE JWTs with a key that never leaves its PKCS#11 device — an
//! HSM, a USB token, a smart card, a cloud HSM — named by an RFC 7512 URI.
//!
//! ```text
//! pub fn from_pkcs11(uri: &str, pin: Option<&str>, chain_pem: Option<&str>, client_id: &str)
//!     -> ishare_jwt::Result<ishare_jwt::Signer>;
//! pub struct Pkcs11Key;                  // impl ishare_jwt::ExternalKey, Send + Sync
//! impl Pkcs11Key {
//!     pub fn open(uri: &str, pin: Option<&str>) -> Result<Pkcs11Key>;
//!     pub fn open_uri(uri: &Pkcs11Uri, pin: Option<&str>) -> Result<Pkcs11Key>;
//!     pub fn certificate_chain_der(&self) -> Result<Vec<Vec<u8>>>;
//!     pub fn check_matches_leaf(&self, leaf_der: &[u8]) -> Result<()>;
//!     pub fn mechanism(&self) -> SignMechanism;
//!     pub fn with_mechanism(self, mechanism: SignMechanism) -> Result<Pkcs11Key>;
//!     pub fn name(&self) -> &str;
//! }
//! pub struct Pkcs11Uri { token, manufacturer, model, serial, slot_id, object, id, module_path, .. }
//! impl Pkcs11Uri { pub fn parse(uri: &str) -> Result<Pkcs11Uri>; }
//! pub fn is_pkcs11_uri(text: &str) -> bool;
//! pub enum SignMechanism { Sha256RsaPkcs, RsaPkcs }
//! pub const PIN_ENV: &str = "ISHARE_PKCS11_PIN";
//! pub const MODULE_ENV: &str = "ISHARE_PKCS11_MODULE";
//! ```
//!
//! The URI: `pkcs11:token=…;object=…;id=%01;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/pin`
//! (see [`Pkcs11Uri`]). The module is loaded at run time (nothing links to
//! a vendor library), once per process. The PIN: the `pin` argument, else
//! the URI's `pin-value` or `pin-source`, else [`PIN_ENV`]; it is wiped
//! from memory when the key is dropped and never appears in an error or
//! `Debug`.
//!
//! The token signs RS256 with `CKM_SHA256_RSA_PKCS`, or `CKM_RSA_PKCS` over
//! the SHA-256 `DigestInfo` when it lacks the former. Each signature is
//! checked with the chain's leaf key before a token is returned (the core's
//! [`Signer::finish`]); at construction the token's public key is compared
//! with the leaf's, so a URI naming the wrong key fails at once
//! (`key_mismatch`).
//!
//! Errors: a malformed URI is `invalid_argument` naming the part; a module
//! that does not load, a token or key not found, a wrong or locked PIN, a
//! device error are `key_store`, naming the token and the object.
//!
//! ```no_run
//! let chain = std::fs::read_to_string("client.chain.pem").unwrap();
//! let signer = ishare_jwt_pkcs11::from_pkcs11(
//!     "pkcs11:token=eseal;object=client?module-path=/usr/lib/softhsm/libsofthsm2.so",
//!     None,           // the PIN from ISHARE_PKCS11_PIN
//!     Some(&chain),   // or None: read from the token's certificate objects
//!     "EU.EORI.NL000000001",
//! )?;
//! let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
//! let token = signer.client_assertion(&mut rng, "EU.EORI.NL000000000", 1_798_761_600)?;
//! # Ok::<(), ishare_jwt::Error>(())
//! ```

mod certificate;
mod key;
mod module;
mod uri;

use ishare_jwt::{Result, Signer};

pub use key::{PIN_ENV, Pkcs11Key, SignMechanism};
pub use module::MODULE_ENV;
pub use uri::{Pkcs11Uri, SCHEME, is_pkcs11_uri};

/// A [`Signer`] for party `client_id` whose key is the PKCS#11 object `uri`
/// names ([`Pkcs11Key::open`]; `pin` as there), with the certificate chain
/// `chain_pem` (leaf first) or, when `None`, the chain stored on the token
/// ([`Pkcs11Key::certificate_chain_der`]). The token's public key must be
/// the leaf's (`key_mismatch` otherwise). Every operation of a PEM signer
/// works; one signer serves many threads.
pub fn from_pkcs11(
    uri: &str,
    pin: Option<&str>,
    chain_pem: Option<&str>,
    client_id: &str,
) -> Result<Signer> {
    let key = Pkcs11Key::open(uri, pin)?;
    match chain_pem {
        Some(chain_pem) => {
            // The core reads the chain; the leaf is read here only to compare
            // keys early (a chain it cannot read, the core reports).
            if let Some(leaf) = first_certificate_der(chain_pem) {
                key.check_matches_leaf(&leaf)?;
            }
            Signer::from_external_pem(Box::new(key), chain_pem, client_id)
        }
        None => {
            let chain = key.certificate_chain_der()?;
            if let Some(leaf) = chain.first() {
                key.check_matches_leaf(leaf)?;
            }
            Signer::from_external(Box::new(key), chain, client_id)
        }
    }
}

/// The DER of the first `CERTIFICATE` block of a PEM text, if it decodes.
fn first_certificate_der(pem: &str) -> Option<Vec<u8>> {
    const END: &str = "-----END CERTIFICATE-----";
    let start = pem.find("-----BEGIN CERTIFICATE-----")?;
    let rest = pem.get(start..)?;
    let block = rest.get(..rest.find(END)? + END.len())?;
    let (label, der) = pem_rfc7468::decode_vec(block.as_bytes()).ok()?;
    (label == "CERTIFICATE").then_some(der)
}
