//! Helpers shared by the core's integration tests: the vector files and an RNG.
#![allow(dead_code)]

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
