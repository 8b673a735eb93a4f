//! Sign → verify round trips with the repository's own test PKI: both
//! profiles, both id kinds, every key encoding, 2048/3072/4096 bits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use base64ct::Encoding as _;
use common::{CLIENT, NOW, SERVER, own_signer, pki_file, pki_text, rng};
use ishare_jwt::{Profile, Signer, TrustAnchor, Verifier};

fn verifier() -> Verifier {
    common::own_verifier()
}

#[test]
fn every_key_size_and_encoding_round_trips() {
    for (stem, client) in [
        ("client-eori", CLIENT),
        ("client-3072", "EU.EORI.NL000000103"),
        ("client-4096", "EU.EORI.NL000000104"),
    ] {
        let chain = pki_text(&format!("{stem}.chain.pem"));
        let keys: [(&str, Signer); 3] = [
            (
                "pkcs8 pem",
                Signer::from_pem(pki_text(&format!("{stem}.key.pem")), &chain, client).unwrap(),
            ),
            (
                "pkcs1 pem",
                Signer::from_pem(pki_text(&format!("{stem}.key.pkcs1.pem")), &chain, client)
                    .unwrap(),
            ),
            ("pkcs8 der", {
                let ders = pem_chain_to_der(&chain);
                Signer::from_der(&pki_file(&format!("{stem}.key.der")), ders, client).unwrap()
            }),
        ];
        for (encoding, signer) in keys {
            let token = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
            let a = verifier()
                .verify(&token, NOW, Some(client))
                .unwrap_or_else(|e| panic!("{stem} {encoding}: {e}"));
            assert_eq!(a.client_id.as_str(), client);
            assert_eq!(a.leaf_sha256, signer.leaf_sha256());
        }
    }
}

#[test]
fn did_party_round_trips_against_a_did_audience() {
    let signer = own_signer("client-did", "did:ishare:EU.NL.NTRNL-90000101");
    let audience = "did:ishare:EU.NL.NTRNL-90000100";
    let token = signer.client_assertion(&mut rng(), audience, NOW).unwrap();
    let verifier = Verifier::new(
        audience,
        vec![TrustAnchor::parse(&pki_text("root-ca.pem")).unwrap()],
    )
    .unwrap();
    let a = verifier.verify(&token, NOW + 29, None).unwrap();
    assert_eq!(a.client_id.as_str(), "did:ishare:EU.NL.NTRNL-90000101");
    assert_eq!(
        verifier.verify(&token, NOW + 30, None).unwrap_err().kind(),
        "expired"
    );
}

#[test]
fn produced_token_has_exactly_the_ishare_shape() {
    let token = own_signer("client-eori", CLIENT)
        .client_assertion_with_jti(&mut rng(), SERVER, NOW, "jti-1")
        .unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value = decode_json(parts[0]);
    let keys: Vec<&String> = header.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["alg", "typ", "x5c"]);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["x5c"].as_array().unwrap().len(), 3);
    let claims: serde_json::Value = decode_json(parts[1]);
    assert_eq!(
        claims,
        serde_json::json!({"iss": CLIENT, "sub": CLIENT, "aud": SERVER, "jti": "jti-1",
                           "iat": NOW, "nbf": NOW, "exp": NOW + 30})
    );
}

#[test]
fn fresh_jti_is_a_uuid_v4_each_time() {
    let signer = own_signer("client-eori", CLIENT);
    let jtis: Vec<String> = (0..3)
        .map(|_| {
            let token = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
            verifier().verify(&token, NOW, None).unwrap().jti
        })
        .collect();
    for jti in &jtis {
        let b = jti.as_bytes();
        assert_eq!(b.len(), 36, "{jti}");
        assert_eq!(
            (b[8], b[13], b[14], b[18], b[23]),
            (b'-', b'-', b'4', b'-', b'-'),
            "{jti}"
        );
        assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "{jti}");
    }
    assert!(jtis[0] != jtis[1] && jtis[1] != jtis[2]);
}

#[test]
fn oauth_profile_round_trips_and_is_not_an_ishare_token() {
    let issuer = "https://as.example.com";
    let signer = own_signer("client-eori", CLIENT)
        .with_profile(Profile::oauth(60).unwrap())
        .unwrap();
    let token = signer.client_assertion(&mut rng(), issuer, NOW).unwrap();
    let header: serde_json::Value = decode_json(token.split('.').next().unwrap());
    assert_eq!(header["typ"], "client-authentication+jwt");

    let roots = vec![TrustAnchor::parse(&common::own_root_sha256()).unwrap()];
    let oauth =
        Verifier::new_with_profile(issuer, roots.clone(), Profile::oauth(60).unwrap()).unwrap();
    let a = oauth.verify(&token, NOW + 59, None).unwrap();
    assert_eq!((a.audience.as_str(), a.expires_at), (issuer, NOW + 60));
    assert_eq!(
        oauth.verify(&token, NOW + 60, None).unwrap_err().kind(),
        "expired"
    );
    // An iSHARE verifier's audience must be a party id.
    assert_eq!(
        Verifier::new(issuer, roots.clone()).unwrap_err().kind(),
        "invalid_party_id"
    );

    let ishare_signer = signer.with_profile(Profile::ISHARE).unwrap();
    let ishare_token = ishare_signer
        .client_assertion(&mut rng(), SERVER, NOW)
        .unwrap();
    assert_eq!(
        verifier_with_profile(SERVER, Profile::oauth(60).unwrap())
            .verify(&ishare_token, NOW, None)
            .unwrap_err()
            .kind(),
        "invalid_header"
    );
    assert_eq!(
        verifier()
            .verify(&ishare_token, NOW, None)
            .unwrap()
            .expires_at,
        NOW + 30
    );

    let shorter = Verifier::new_with_profile(issuer, roots, Profile::oauth(30).unwrap()).unwrap();
    assert_eq!(
        shorter.verify(&token, NOW, None).unwrap_err().kind(),
        "invalid_lifetime"
    );
}

fn verifier_with_profile(audience: &str, profile: Profile) -> Verifier {
    let roots = vec![TrustAnchor::parse(&common::own_root_sha256()).unwrap()];
    Verifier::new_with_profile(audience, roots, profile).unwrap()
}

#[test]
fn our_tokens_verify_with_openssl_dgst() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        panic!("openssl is needed for this test (apt-get install openssl)");
    }
    let token = own_signer("client-eori", CLIENT)
        .client_assertion(&mut rng(), SERVER, NOW)
        .unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let dir = std::env::temp_dir().join(format!("ishare-jwt-openssl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("input"), input).unwrap();
    std::fs::write(
        dir.join("sig"),
        base64ct::Base64UrlUnpadded::decode_vec(signature).unwrap(),
    )
    .unwrap();
    let pubkey = std::process::Command::new("openssl")
        .args(["x509", "-pubkey", "-noout", "-in"])
        .arg(common::vectors_dir().join("../../testdata/pki/client-eori.chain.pem"))
        .output()
        .unwrap();
    std::fs::write(dir.join("pub.pem"), &pubkey.stdout).unwrap();
    let verified = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(dir.join("pub.pem"))
        .arg("-signature")
        .arg(dir.join("sig"))
        .arg(dir.join("input"))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&verified.stdout).trim(),
        "Verified OK"
    );
}

fn decode_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&base64ct::Base64UrlUnpadded::decode_vec(part).unwrap()).unwrap()
}

fn pem_chain_to_der(chain: &str) -> Vec<Vec<u8>> {
    chain
        .split("-----END CERTIFICATE-----")
        .filter_map(|block| block.split("-----BEGIN CERTIFICATE-----").nth(1))
        .map(|b64| base64ct::Base64::decode_vec(&b64.replace(['\n', '\r'], "")).unwrap())
        .collect()
}
