//! Test helpers: the repository's own test PKI (`testdata/pki/`), which the
//! JWT vectors use — a satellite `server-eori` and a client `client-eori`.

use std::sync::Arc;

use crate::{Profile, Signer, Verifier};

/// A time inside the test PKI's validity: 2027-01-01T00:00:00Z.
pub(crate) const NOW: i64 = 1_798_761_600;
/// The satellite (`server-eori`).
pub(crate) const SATELLITE: &str = "EU.EORI.NL000000100";
/// The client (`client-eori`).
pub(crate) const CLIENT: &str = "EU.EORI.NL000000101";

/// A file of `testdata/pki/`.
pub(crate) fn pki(name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki/");
    std::fs::read_to_string(format!("{dir}{name}")).unwrap()
}

/// The signer of `name` (`server-eori`, `client-eori`) for `party`.
pub(crate) fn pki_signer(name: &str, party: &str, profile: Option<Arc<Profile>>) -> Arc<Signer> {
    let key = pki(&format!("{name}.key.pem"));
    let chain = pki(&format!("{name}.chain.pem"));
    Signer::from_pem(key, chain, party.into(), profile).unwrap()
}

/// A verifier for `audience` trusting the test PKI's root.
pub(crate) fn pki_verifier(audience: &str, profile: Option<Arc<Profile>>) -> Verifier {
    Verifier::new(audience.into(), vec![root_sha256()], 0, 100, 0.1, profile).unwrap()
}

/// The test PKI root's SHA-256 fingerprint.
pub(crate) fn root_sha256() -> String {
    pki("root-ca.sha256").trim().to_owned()
}
