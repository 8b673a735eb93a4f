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

/// A key service standing in for an HSM or a cloud KMS: it signs digests
/// with its own key, or fails as a device does.
struct KeyService {
    key: Option<RsaPrivateKey>,
}

impl ishare_jwt::ExternalKey for KeyService {
    fn sign(&self, pending: &ishare_jwt::PendingSignature) -> ishare_jwt::Result<Vec<u8>> {
        let key = self.key.as_ref().ok_or_else(|| {
            ishare_jwt::Error::KeyStore("key service \"test-kms\": key \"client\" not found".into())
        })?;
        Ok(key
            .sign(Pkcs1v15Sign::new::<Sha256>(), pending.digest())
            .unwrap())
    }
}

fn external(key: Option<RsaPrivateKey>) -> Signer {
    Signer::from_external_pem(
        Box::new(KeyService { key }),
        &common::pki_text("client-eori.chain.pem"),
        CLIENT,
    )
    .unwrap()
}

#[test]
fn an_external_key_signs_every_token_the_pem_signer_does() {
    let signer = external(Some(device()));
    let verifier = common::own_verifier();
    let token = signer
        .client_assertion(&mut common::rng(), SERVER, NOW)
        .unwrap();
    verifier.verify(&token, NOW, Some(CLIENT)).unwrap();
    let token = signer
        .sign_jwt(&mut common::rng(), SERVER, Some(r#"{"a":1}"#), NOW, None)
        .unwrap();
    verifier.verify_jwt(&token, NOW, Some(CLIENT)).unwrap();
    let form = signer
        .token_request(&mut common::rng(), SERVER, NOW, None, None)
        .unwrap();
    assert!(form.contains("client_assertion=ey"), "{form}");

    // The token manager signs through it too.
    let manager = ishare_jwt::TokenManager::new(signer);
    let key = ishare_jwt::TokenKey::new(SERVER, "http://127.0.0.1/connect/token", "iSHARE");
    match manager.get(&mut common::rng(), &key, NOW).unwrap() {
        ishare_jwt::TokenStep::Fetch(request) => {
            assert!(request.body.contains("client_assertion=ey"))
        }
        ishare_jwt::TokenStep::Cached(_) => panic!("nothing is cached yet"),
    }
}

#[test]
fn a_failing_or_foreign_external_key_gives_key_store_or_key_mismatch_never_a_token() {
    let error = external(None)
        .client_assertion(&mut common::rng(), SERVER, NOW)
        .unwrap_err();
    assert_eq!((error.kind(), error.code()), ("key_store", 37));
    assert!(error.to_string().contains("test-kms"), "{error}");

    let foreign = RsaPrivateKey::from_pkcs8_pem(&common::pki_text("server-eori.key.pem")).unwrap();
    let error = external(Some(foreign))
        .sign_jwt(&mut common::rng(), SERVER, None, NOW, None)
        .unwrap_err();
    assert_eq!(error.kind(), "key_mismatch");
}
