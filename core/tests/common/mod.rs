//! Helpers shared by the core's integration tests: the vector files and an RNG.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail by panicking

pub mod mini_ca;

use ishare_jwt::{TrustAnchor, Verifier};
use std::path::PathBuf;

/// `tests/vectors/` of the repository.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// A file of `tests/vectors/` as text.
pub fn vector_file(name: &str) -> String {
    std::fs::read_to_string(vectors_dir().join(name))
        .unwrap_or_else(|e| panic!("reading tests/vectors/{name}: {e}"))
}

/// The operating system's RNG.
pub fn rng() -> impl rand_core::CryptoRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// `vectors.json`.
pub fn vectors() -> serde_json::Value {
    serde_json::from_str(&vector_file("vectors.json")).expect("vectors.json parses")
}

/// `pki.json`.
pub fn pki() -> serde_json::Value {
    serde_json::from_str(&vector_file("pki.json")).expect("pki.json parses")
}

/// The trusted root's SHA-256 fingerprint.
pub const ROOT_SHA256: &str = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69";
/// t0 of the vectors: 2026-01-01T00:00:00Z.
pub const T0: i64 = 1_767_225_600;

/// A file of the repository's own test PKI (`testdata/pki/`).
pub fn pki_file(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/pki")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// A text file of the repository's own test PKI.
pub fn pki_text(name: &str) -> String {
    String::from_utf8(pki_file(name)).expect("PEM is text")
}

/// The repository test PKI's root fingerprint.
pub fn own_root_sha256() -> String {
    pki_text("root-ca.sha256").trim().to_string()
}

/// A time inside the repository PKI's validity: 2027-01-01T00:00:00Z.
pub const NOW: i64 = 1_798_761_600;
/// The demo client and server of the repository PKI.
pub const CLIENT: &str = "EU.EORI.NL000000101";
/// The demo server.
pub const SERVER: &str = "EU.EORI.NL000000100";

/// Runs one vector (shape of `vectors.json`): `Ok` when it gets its expected verdict.
pub fn verdict(vector: &serde_json::Value) -> Result<(), String> {
    verdict_with(vector, None)
}

/// Like [`verdict`], through [`Verifier::verify_shared`] when `caches` is given.
pub fn verdict_with(
    vector: &serde_json::Value,
    caches: Option<&std::cell::RefCell<ishare_jwt::VerifierCaches>>,
) -> Result<(), String> {
    let v = &vector["verifier"];
    let anchors = v["trusted_roots"]
        .as_array()
        .expect("trusted_roots")
        .iter()
        .map(|r| TrustAnchor::parse(r.as_str().expect("root is text")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("trust anchor: {e}"))?;
    let verifier = Verifier::new(v["audience"].as_str().expect("audience"), anchors)
        .and_then(|verifier| verifier.with_leeway(v["leeway"].as_u64().expect("leeway") as u32))
        .map_err(|e| format!("verifier: {e}"))?;
    let (token, now) = (
        vector["token"].as_str().expect("token"),
        v["now"].as_i64().expect("now"),
    );
    let result = match caches {
        Some(caches) => verifier.verify_shared(token, now, v["client_id"].as_str(), caches),
        None => verifier.verify(token, now, v["client_id"].as_str()),
    };
    let got = match &result {
        Ok(_) => "valid".to_string(),
        Err(e) => e.kind().to_string(),
    };
    let want = match &vector["expect"] {
        serde_json::Value::String(s) => s.clone(),
        other => other["error"].as_str().expect("expect.error").to_string(),
    };
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "expected {want}, got {got} ({})",
            result.err().map(|e| e.to_string()).unwrap_or_default()
        ))
    }
}

/// A signer from the repository PKI: `stem` of `testdata/pki/<stem>.key.pem`.
pub fn own_signer(stem: &str, client: &str) -> ishare_jwt::Signer {
    ishare_jwt::Signer::from_pem(
        pki_text(&format!("{stem}.key.pem")),
        &pki_text(&format!("{stem}.chain.pem")),
        client,
    )
    .unwrap()
}

/// A verifier for the demo server trusting the repository PKI's root.
pub fn own_verifier() -> Verifier {
    Verifier::new(
        SERVER,
        vec![TrustAnchor::parse(&own_root_sha256()).unwrap()],
    )
    .unwrap()
}
