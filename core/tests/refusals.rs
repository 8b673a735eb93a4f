//! What the signer, the verifier and the replay cache refuse, and that no
//! error or debug output carries key material.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, SERVER, pki_text, rng, vector_file};
use ishare_jwt::{Error, ReplayCache, Signer, TrustAnchor, Verifier};

fn kind(result: Result<impl std::fmt::Debug, Error>) -> &'static str {
    result.unwrap_err().kind()
}

fn client_key() -> String {
    pki_text("client-eori.key.pem")
}

fn client_chain() -> String {
    pki_text("client-eori.chain.pem")
}

#[test]
fn signer_refuses_what_it_cannot_sign_for() {
    let chain = client_chain();
    let key = client_key();
    assert_eq!(
        kind(Signer::from_pem(
            &key,
            &pki_text("client-did.chain.pem"),
            CLIENT
        )),
        "key_mismatch"
    );
    assert_eq!(
        kind(Signer::from_pem(&key, &chain, "EU.EORI.NL000000999")),
        "party_id_mismatch"
    );
    assert_eq!(
        kind(Signer::from_pem(&key, &chain, "NL000000101")),
        "invalid_party_id"
    );
    assert_eq!(
        kind(Signer::from_pem(&key, "", CLIENT)),
        "invalid_certificate"
    );
    assert_eq!(
        kind(Signer::from_pem(&key, "garbage", CLIENT)),
        "invalid_certificate"
    );
    assert_eq!(
        kind(Signer::from_pem(&chain, &chain, CLIENT)),
        "invalid_key"
    );
    assert_eq!(
        kind(Signer::from_pem("garbage", &chain, CLIENT)),
        "invalid_key"
    );
    assert_eq!(
        kind(Signer::from_pem(
            vector_file("client-1024.key.pem"),
            &vector_file("client-1024.chain.pem"),
            "EU.EORI.NL000000003"
        )),
        "weak_key"
    );
    // Leaf first, each followed by its issuer: leaf, root, intermediate is refused.
    let blocks: Vec<&str> = chain
        .split_inclusive("-----END CERTIFICATE-----\n")
        .collect();
    assert_eq!(blocks.len(), 3);
    let out_of_order = [blocks[0], blocks[2], blocks[1]].concat();
    let err = Signer::from_pem(&key, &out_of_order, CLIENT).unwrap_err();
    assert_eq!(err.kind(), "invalid_certificate");
    assert!(err.to_string().contains("leaf first"), "{err}");
    let huge = "A".repeat(2 * 1024 * 1024);
    assert_eq!(kind(Signer::from_pem(&huge, &chain, CLIENT)), "too_large");
}

#[test]
fn signer_refuses_bad_arguments() {
    let signer = Signer::from_pem(client_key(), &client_chain(), CLIENT).unwrap();
    assert_eq!(
        kind(signer.client_assertion(&mut rng(), "https://x", NOW)),
        "invalid_party_id"
    );
    assert_eq!(
        kind(signer.client_assertion(&mut rng(), SERVER, -1)),
        "invalid_argument"
    );
    assert_eq!(
        kind(signer.client_assertion(&mut rng(), SERVER, i64::MAX)),
        "invalid_argument"
    );
    assert_eq!(
        kind(signer.client_assertion_with_jti(&mut rng(), SERVER, NOW, "")),
        "invalid_argument"
    );
    assert_eq!(
        kind(signer.token_request(&mut rng(), SERVER, NOW, None, Some("bad\"scope"))),
        "invalid_argument"
    );
    let body = signer
        .token_request(&mut rng(), SERVER, NOW, None, None)
        .unwrap();
    assert!(
        body.starts_with(
            "grant_type=client_credentials&scope=iSHARE&client_id=EU.EORI.NL000000101&"
        )
    );
}

#[test]
fn no_key_material_in_errors_or_debug_output() {
    let key = client_key();
    let signer = Signer::from_pem(&key, &client_chain(), CLIENT).unwrap();
    let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut outputs = vec![format!("{signer:?}")];
    // Keys damaged in ways that get parsed deep into the key.
    let truncated = key.replace(body[5], "");
    let flipped = key.replace(body[3], &body[3].chars().rev().collect::<String>());
    for bad_key in [truncated.as_str(), flipped.as_str(), &key[..key.len() / 2]] {
        let err = Signer::from_pem(bad_key, &client_chain(), CLIENT).unwrap_err();
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    for output in outputs {
        for line in &body {
            for chunk in line.as_bytes().chunks(16).filter(|c| c.len() == 16) {
                let chunk = std::str::from_utf8(chunk).unwrap();
                assert!(!output.contains(chunk), "key material in {output:?}");
            }
        }
    }
}

#[test]
fn verifier_refuses_bad_configuration() {
    let root = TrustAnchor::parse(&common::own_root_sha256()).unwrap();
    assert_eq!(kind(Verifier::new(SERVER, vec![])), "invalid_trust_anchor");
    assert_eq!(
        kind(Verifier::new("server", vec![root.clone()])),
        "invalid_party_id"
    );
    assert_eq!(
        kind(
            Verifier::new(SERVER, vec![root.clone()])
                .unwrap()
                .with_leeway(301)
        ),
        "invalid_argument"
    );
    assert_eq!(kind(TrustAnchor::parse("ABCD")), "invalid_trust_anchor");
    assert_eq!(
        kind(TrustAnchor::parse(&client_chain())),
        "invalid_trust_anchor"
    );
    assert_eq!(
        kind(TrustAnchor::parse(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        )),
        "invalid_trust_anchor"
    );
    let lower = common::own_root_sha256().to_lowercase();
    assert!(TrustAnchor::parse(&lower).is_ok());
    let verifier = Verifier::new(SERVER, vec![root]).unwrap();
    assert_eq!(kind(verifier.verify("a.b.c", -5, None)), "invalid_argument");
}

fn token(jti: &str, iat: i64) -> String {
    common::own_signer("client-eori", CLIENT)
        .client_assertion_with_jti(&mut rng(), SERVER, iat, jti)
        .unwrap()
}

fn verifier() -> Verifier {
    common::own_verifier().with_leeway(5).unwrap()
}

#[test]
fn replay_is_refused_until_the_token_could_not_be_accepted_anyway() {
    let mut cache = ReplayCache::with_issuer_share(10, 1.0).unwrap();
    let verifier = verifier();
    let t = token("once", NOW);
    verifier.verify_once(&t, NOW, None, &mut cache).unwrap();
    let err = verifier
        .verify_once(&t, NOW + 1, None, &mut cache)
        .unwrap_err();
    assert_eq!(err.kind(), "replay");
    assert!(err.to_string().contains("once"), "{err}");
    // After exp + leeway the token itself is refused as expired.
    assert_eq!(
        kind(verifier.verify_once(&t, NOW + 35, None, &mut cache)),
        "expired"
    );
    // A token refused for another reason does not use up its jti.
    let t2 = token("second", NOW);
    assert_eq!(
        kind(verifier.verify_once(&t2, NOW, Some("EU.EORI.NL000000102"), &mut cache)),
        "client_id_mismatch"
    );
    verifier.verify_once(&t2, NOW, None, &mut cache).unwrap();
}

#[test]
fn a_full_replay_cache_fails_closed_then_recovers_as_entries_expire() {
    let mut cache = ReplayCache::with_issuer_share(2, 1.0).unwrap();
    let verifier = verifier();
    verifier
        .verify_once(&token("a", NOW), NOW, None, &mut cache)
        .unwrap();
    verifier
        .verify_once(&token("b", NOW), NOW, None, &mut cache)
        .unwrap();
    assert_eq!(
        kind(verifier.verify_once(&token("c", NOW), NOW, None, &mut cache)),
        "replay_cache_full"
    );
    assert_eq!(cache.len(), 2);
    // a and b are refused from NOW + 35 on; then c fits.
    let later = NOW + 35;
    verifier
        .verify_once(&token("c", later), later, None, &mut cache)
        .unwrap();
    assert_eq!(cache.len(), 1);
    assert_eq!(kind(ReplayCache::new(0)), "invalid_argument");
}

#[test]
fn every_error_kind_is_listed_once_with_its_code() {
    let kinds = Error::KINDS;
    for (index, (code, kind)) in kinds.iter().enumerate() {
        assert_eq!(*code as usize, index + 1);
        assert_eq!(Error::kind_of_code(*code), Some(*kind));
    }
    assert_eq!(Error::kind_of_code(0), None);
    let samples = [
        Error::Malformed(String::new()),
        Error::Signature,
        Error::MissingClaim("exp"),
        Error::BufferTooSmall { needed: 1 },
        Error::Internal(String::new()),
    ];
    for e in samples {
        assert_eq!(Error::kind_of_code(e.code()), Some(e.kind()));
    }
    let vector_kinds: Vec<String> = vector_file("README.md")
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next().map(str::to_string))
        .collect();
    assert!(vector_kinds.len() >= 17, "{vector_kinds:?}");
    for k in vector_kinds {
        assert!(
            kinds.iter().any(|(_, known)| *known == k),
            "kind {k} of the vectors README is missing"
        );
    }
}

/// A token copied with its line ending (what `curl --data-binary @-` sends
/// from a file) is malformed, and says so — never a bad signature.
#[test]
fn surrounding_whitespace_and_foreign_characters_are_malformed_and_named() {
    let token = token("ws", NOW);
    for (bad, words) in [
        (format!("{token}\n"), "trailing whitespace"),
        (format!("{token}\r\n"), "trailing whitespace"),
        (format!(" {token}"), "leading whitespace"),
        (format!("\"{token}\""), "base64url and dots only"),
        (token.replacen('.', ".+", 1), "base64url and dots only"),
    ] {
        let error = verifier().verify(&bad, NOW, None).unwrap_err();
        assert_eq!(error.kind(), "malformed", "{bad:?}");
        assert!(error.to_string().contains(words), "{error}");
    }
}
