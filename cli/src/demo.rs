//! `ishare-jwt demo`: the whole exchange with the repository's test PKI,
//! compiled in so the command works from anywhere.

use ishare_jwt::{Error, ReplayCache, Signer, TrustAnchor, Verifier};

use crate::commands::{assertion_json, json_for_terminal};
use crate::io::{now, outln, rng};

const CLIENT_KEY: &str = include_str!("../../testdata/pki/client-eori.key.pem");
const CLIENT_CHAIN: &str = include_str!("../../testdata/pki/client-eori.chain.pem");
const ROOT_SHA256: &str = include_str!("../../testdata/pki/root-ca.sha256");
const CLIENT: &str = "EU.EORI.NL000000101";
const SERVER: &str = "EU.EORI.NL000000100";

/// Runs the demo, printing each step; returns the closing line.
pub(crate) fn run() -> Result<String, Error> {
    outln!("ishare-jwt demo — test PKI from testdata/pki (its keys are public: never trust it)");
    let signer = Signer::from_pem(CLIENT_KEY, CLIENT_CHAIN, CLIENT)?;
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

    let root = TrustAnchor::from_sha256_hex(ROOT_SHA256.trim())?;
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
