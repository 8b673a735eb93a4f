//! `ishare-jwt demo`: the whole exchange with the repository's test PKI
//! (`testdata/pki/`), read from a checkout at run time. Its keys are public
//! and must never be trusted, so they are neither compiled into the binary
//! nor shipped in the crate.

use std::path::{Path, PathBuf};

use ishare_jwt::{Error, ReplayCache, Signer, TrustAnchor, Verifier};

use crate::commands::{assertion_json, json_for_terminal};
use crate::io::{now, outln, read_text, rng};

const CLIENT: &str = "EU.EORI.NL000000101";
const SERVER: &str = "EU.EORI.NL000000100";
/// `testdata/pki` of the checkout this binary was built in.
const BUILT_IN_CHECKOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pki");

/// The test PKI's directory: `--pki DIR`, else `testdata/pki` under the
/// working directory, else that of the checkout the binary was built in.
fn pki_directory(given: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(directory) = given {
        return Ok(directory.to_path_buf());
    }
    [
        PathBuf::from("testdata/pki"),
        PathBuf::from(BUILT_IN_CHECKOUT),
    ]
    .into_iter()
    .find(|directory| directory.join("root-ca.sha256").is_file())
    .ok_or_else(|| {
        Error::InvalidArgument(
            "the demo uses the repository's test PKI (testdata/pki/), which is not here: \
                 run it in a checkout (`cargo run -p ishare-jwt-cli -- demo`) or give --pki DIR"
                .into(),
        )
    })
}

/// Runs the demo, printing each step; returns the closing line.
pub(crate) fn run(pki: Option<&Path>) -> Result<String, Error> {
    let pki = pki_directory(pki)?;
    let file = |name: &str| read_text(&pki.join(name));
    outln!(
        "ishare-jwt demo — test PKI from {} (its keys are public: never trust it)",
        pki.display()
    );
    let signer = Signer::from_pem(
        &file("client-eori.key.pem")?,
        &file("client-eori.chain.pem")?,
        CLIENT,
    )?;
    outln!(
        "1. client {CLIENT} loaded its key and chain (leaf SHA-256 {})",
        signer.leaf_sha256()
    );

    let issued_at = now()?;
    let token = signer.client_assertion(&mut rng(), SERVER, issued_at)?;
    outln!(
        "2. signed a client assertion for server {SERVER} ({} bytes):",
        token.len()
    );
    outln!("   {}…", token.get(..96).unwrap_or(&token));

    let form = ishare_jwt::token_request_form(CLIENT, &token, ishare_jwt::DEFAULT_SCOPE)?;
    outln!(
        "3. token request: POST /connect/token with {} bytes of form body",
        form.len()
    );

    let root = TrustAnchor::from_sha256_hex(file("root-ca.sha256")?.trim())?;
    let verifier = Verifier::new(SERVER, vec![root])?;
    let mut replay_cache = ReplayCache::default();
    let assertion = verifier.verify_once(&token, now()?, Some(CLIENT), &mut replay_cache)?;
    outln!("4. server verified it (chain to the trusted root, claims, signature):");
    outln!(
        "   {}",
        json_for_terminal(&assertion_json(&assertion).to_string())
    );

    match verifier.verify_once(&token, now()?, Some(CLIENT), &mut replay_cache) {
        Err(e) if e.kind() == "replay" => outln!("5. sent again, it is refused: replay: {e}"),
        Err(e) => return Err(e),
        Ok(_) => return Err(Error::Internal("a replayed token was accepted".into())),
    }
    Ok("demo complete: signed, verified, replay refused".into())
}
