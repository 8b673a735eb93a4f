//! Keys that never leave their device: a signer made from the chain alone
//! prepares, the device signs, `finish` checks the signature with the leaf.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, SERVER};
use ishare_jwt::{Signer, TrustAnchor, Verifier};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
use sha2::Sha256;

/// The "device": the client key, never handed to the signer.
fn device() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(&common::pki_text("client-eori.key.pem")).unwrap()
}

fn keyless() -> Signer {
    Signer::from_chain_pem(&common::pki_text("client-eori.chain.pem"), CLIENT).unwrap()
}

#[test]
fn a_device_signature_over_the_digest_finishes_a_token_every_verifier_accepts() {
    let signer = keyless();
    let pending = signer
        .prepare_assertion(&mut common::rng(), SERVER, NOW, None)
        .unwrap();
    assert_eq!(pending.algorithm().name(), "RS256");
    assert_eq!(pending.digest().len(), 32);
    let signature = device()
        .sign(Pkcs1v15Sign::new::<Sha256>(), pending.digest())
        .unwrap();
    let token = signer.finish(pending, &signature).unwrap();
    let assertion = common::own_verifier()
        .verify(&token, NOW, Some(CLIENT))
        .unwrap();
    assert_eq!(assertion.leaf_sha256, signer.leaf_sha256());

    // Raw-RSA devices (CKM_RSA_PKCS) sign the DigestInfo themselves.
    let pending = signer
        .prepare_jwt(
            &mut common::rng(),
            SERVER,
            Some(r#"{"x":[1,"é"]}"#),
            NOW,
            Some("j"),
        )
        .unwrap();
    let raw = device()
        .sign(Pkcs1v15Sign::new_unprefixed(), &pending.digest_info())
        .unwrap();
    let token = signer.finish(pending, &raw).unwrap();
    let jwt = common::own_verifier()
        .verify_jwt(&token, NOW, Some(CLIENT))
        .unwrap();
    assert!(jwt.claims_json.ends_with(r#","x":[1,"é"]}"#));
}

#[test]
fn a_signature_from_another_key_or_padding_is_a_key_mismatch_never_a_token() {
    let signer = keyless();
    let other = RsaPrivateKey::from_pkcs8_pem(&common::pki_text("server-eori.key.pem")).unwrap();
    let pending = || {
        signer
            .prepare_assertion(&mut common::rng(), SERVER, NOW, None)
            .unwrap()
    };
    let p = pending();
    let wrong_key = other
        .sign(Pkcs1v15Sign::new::<Sha256>(), p.digest())
        .unwrap();
    assert_eq!(
        signer.finish(p, &wrong_key).unwrap_err().kind(),
        "key_mismatch"
    );
    let p = pending();
    let pss = device()
        .sign_with_rng(&mut common::rng(), Pss::<Sha256>::new(), p.digest())
        .unwrap();
    assert_eq!(signer.finish(p, &pss).unwrap_err().kind(), "key_mismatch");
    for garbage in [&[][..], &[0u8; 3][..], &[0xffu8; 512][..]] {
        assert_eq!(
            signer.finish(pending(), garbage).unwrap_err().kind(),
            "key_mismatch"
        );
    }
}

#[test]
fn a_keyless_signer_says_how_to_sign_and_still_checks_its_chain() {
    let signer = keyless();
    let error = signer
        .client_assertion(&mut common::rng(), SERVER, NOW)
        .unwrap_err();
    assert_eq!(error.kind(), "invalid_key");
    assert!(error.to_string().contains("prepare_assertion"), "{error}");
    // The chain and the party are checked as for a key signer.
    let chain = common::pki_text("client-eori.chain.pem");
    let refused = Signer::from_chain_pem(&chain, "EU.EORI.NL000000102").unwrap_err();
    assert_eq!(refused.kind(), "party_id_mismatch");
    let pending = signer
        .prepare_assertion(&mut common::rng(), SERVER, NOW, None)
        .unwrap();
    assert!(
        !format!("{pending:?}").contains('.'),
        "Debug shows no token text"
    );
    // Trust is unchanged: an untrusted root refuses the finished token.
    let signature = device()
        .sign(Pkcs1v15Sign::new::<Sha256>(), pending.digest())
        .unwrap();
    let token = signer.finish(pending, &signature).unwrap();
    let elsewhere = Verifier::new(
        SERVER,
        vec![TrustAnchor::parse(common::ROOT_SHA256).unwrap()],
    )
    .unwrap();
    assert_eq!(
        elsewhere.verify(&token, NOW, None).unwrap_err().kind(),
        "untrusted_chain"
    );
}
