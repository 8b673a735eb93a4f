//! Against a real PKCS#11 module: the SoftHSM token `scripts/test pkcs11`
//! makes (tests/vectors/client-eori's key as `id=01;object=client-eori`
//! with its chain as certificate objects, another party's key as
//! `id=02;object=other` with none), named by ISHARE_TEST_PKCS11_MODULE,
//! ISHARE_TEST_PKCS11_TOKEN and ISHARE_TEST_PKCS11_PIN. Ignored without
//! it: `scripts/test pkcs11` runs them with `--include-ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use std::sync::{Arc, RwLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, AttributeType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use ishare_jwt::{Signer, TrustAnchor, Verifier};
use ishare_jwt_pkcs11::{Pkcs11Key, SignMechanism, from_pkcs11};

const CLIENT: &str = "EU.EORI.NL000000001";
const SERVER: &str = "EU.EORI.NL000000000";
const ROOT_SHA256: &str = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69";
const T0: i64 = 1_767_225_600;

/// The login is the token's, shared by every session of this process: a
/// test that must see a login fail holds this exclusively, so that no other
/// test's open session keeps the token logged in.
static LOGIN: RwLock<()> = RwLock::new(());

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run these tests through `scripts/test pkcs11`")
    })
}

/// `pkcs11:token=…;<path>?module-path=…<query>`.
fn uri(path: &str, query: &str) -> String {
    format!(
        "pkcs11:token={};{path}?module-path={}{query}",
        env("ISHARE_TEST_PKCS11_TOKEN"),
        env("ISHARE_TEST_PKCS11_MODULE")
    )
}

fn pin() -> String {
    env("ISHARE_TEST_PKCS11_PIN")
}

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(SERVER, vec![TrustAnchor::parse(ROOT_SHA256).unwrap()]).unwrap()
}

fn rng() -> impl rand_core::CryptoRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn client_signer() -> Signer {
    from_pkcs11(
        &uri("object=client-eori;type=private", ""),
        Some(&pin()),
        Some(&vector("client-eori.chain.pem")),
        CLIENT,
    )
    .unwrap()
}

fn failure(result: ishare_jwt::Result<Signer>) -> (String, String) {
    let e = result.expect_err("the signer should not load");
    (e.kind().to_owned(), e.to_string())
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn assertion_jwt_and_token_request_signed_on_the_token_verify() {
    let _shared = LOGIN.read().unwrap();
    let signer = client_signer();
    let verifier = verifier();

    let token = signer.client_assertion(&mut rng(), SERVER, T0).unwrap();
    let assertion = verifier.verify(&token, T0 + 1, Some(CLIENT)).unwrap();
    assert_eq!(assertion.client_id.as_str(), CLIENT);

    let jwt = signer
        .sign_jwt(
            &mut rng(),
            SERVER,
            Some(r#"{"delegationEvidence":{}}"#),
            T0,
            None,
        )
        .unwrap();
    let verified = verifier.verify_jwt(&jwt, T0 + 1, Some(CLIENT)).unwrap();
    assert!(
        verified
            .claims_json
            .ends_with(r#","delegationEvidence":{}}"#)
    );

    let form = signer
        .token_request(&mut rng(), SERVER, T0, None, None)
        .unwrap();
    let request = ishare_jwt::parse_token_request(&form).unwrap();
    verifier
        .verify(&request.client_assertion, T0 + 1, Some(&request.client_id))
        .unwrap();

    // The same signatures as the PEM signer with the same key: RS256 is
    // deterministic, so the token on the device and in memory agree.
    let pem = Signer::from_pem(
        vector("client-eori.key.pem"),
        &vector("client-eori.chain.pem"),
        CLIENT,
    )
    .unwrap();
    let jti = Some("same-jti");
    assert_eq!(
        signer.sign(&mut rng(), SERVER, T0, jti).unwrap(),
        pem.sign(&mut rng(), SERVER, T0, jti).unwrap()
    );
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn the_chain_is_read_from_the_tokens_certificate_objects() {
    let _shared = LOGIN.read().unwrap();
    let verifier = verifier();
    for path in ["object=client-eori", "id=%01", "object=client-eori;id=%01"] {
        let signer = from_pkcs11(&uri(path, ""), Some(&pin()), None, CLIENT).unwrap();
        let pem = Signer::from_chain_pem(&vector("client-eori.chain.pem"), CLIENT).unwrap();
        assert_eq!(signer.leaf_sha256(), pem.leaf_sha256(), "{path}");
        let token = signer.client_assertion(&mut rng(), SERVER, T0).unwrap();
        // The verifier's anchor is the root's fingerprint: the chain read
        // from the token carries the root, as the PEM chain does.
        let assertion = verifier.verify(&token, T0 + 1, Some(CLIENT)).unwrap();
        assert_eq!(assertion.chain.len(), 3, "{path}");
    }

    let key = Pkcs11Key::open(&uri("id=%01", ""), Some(&pin())).unwrap();
    assert_eq!(key.certificate_chain_der().unwrap().len(), 3);
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn sixteen_threads_sign_at_once_through_one_signer() {
    let _shared = LOGIN.read().unwrap();
    let signer = Arc::new(client_signer());
    let verifier = Arc::new(verifier());
    let gate = Arc::new(std::sync::Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (signer, verifier, gate) = (signer.clone(), verifier.clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                (0..8)
                    .map(|_| {
                        let token = signer.client_assertion(&mut rng(), SERVER, T0).unwrap();
                        verifier.verify(&token, T0 + 1, Some(CLIENT)).unwrap().jti
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut jtis: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    jtis.sort();
    jtis.dedup();
    assert_eq!(jtis.len(), 16 * 8);
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn the_raw_rsa_pkcs_mechanism_signs_the_digest_info() {
    let _shared = LOGIN.read().unwrap();
    let key = Pkcs11Key::open(&uri("object=client-eori", ""), Some(&pin())).unwrap();
    assert_eq!(key.mechanism(), SignMechanism::Sha256RsaPkcs);
    let key = key.with_mechanism(SignMechanism::RsaPkcs).unwrap();
    let signer =
        Signer::from_external_pem(Box::new(key), &vector("client-eori.chain.pem"), CLIENT).unwrap();
    let token = signer.client_assertion(&mut rng(), SERVER, T0).unwrap();
    verifier().verify(&token, T0 + 1, Some(CLIENT)).unwrap();
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn a_wrong_pin_is_key_store_and_the_pin_is_in_no_message() {
    let _alone = LOGIN.write().unwrap();
    let wrong = "98765-not-the-pin";
    let object = "object=client-eori";
    let attempts = [
        from_pkcs11(&uri(object, ""), Some(wrong), None, CLIENT),
        from_pkcs11(
            &uri(object, &format!("&pin-value={wrong}")),
            None,
            None,
            CLIENT,
        ),
    ];
    for attempt in attempts {
        let (kind, message) = failure(attempt);
        assert_eq!(kind, "key_store", "{message}");
        assert!(
            message.contains(&format!(
                "token \"{}\", object \"client-eori\"",
                env("ISHARE_TEST_PKCS11_TOKEN")
            )) && message.contains("the PIN is wrong"),
            "{message}"
        );
        assert!(!message.contains(wrong), "{message}");
    }

    // A PIN file holding the wrong PIN: the same.
    let file = std::env::temp_dir().join(format!("ishare-wrong-pin-{}", std::process::id()));
    std::fs::write(&file, format!("{wrong}\n")).unwrap();
    let attempt = from_pkcs11(
        &uri(object, &format!("&pin-source=file:{}", file.display())),
        None,
        None,
        CLIENT,
    );
    std::fs::remove_file(&file).unwrap();
    let (kind, message) = failure(attempt);
    assert_eq!(kind, "key_store", "{message}");
    assert!(!message.contains(wrong), "{message}");

    // And once logged in, neither the key's nor the signer's Debug shows it.
    let key = Pkcs11Key::open(&uri(object, ""), Some(&pin())).unwrap();
    let debug = format!("{key:?}");
    assert!(
        !debug.contains(&pin()) && debug.contains("(hidden)"),
        "{debug}"
    );
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn unknown_objects_tokens_and_modules_are_key_store() {
    let _shared = LOGIN.read().unwrap();
    let token = env("ISHARE_TEST_PKCS11_TOKEN");
    let (kind, message) = failure(from_pkcs11(
        &uri("object=no-such-key", ""),
        Some(&pin()),
        None,
        CLIENT,
    ));
    assert_eq!(kind, "key_store");
    assert_eq!(
        message,
        format!(
            "PKCS#11 token \"{token}\", object \"no-such-key\": no such private key on the token"
        )
    );

    let (kind, message) = failure(from_pkcs11(
        &format!(
            "pkcs11:token=no-such-token;object=client-eori?module-path={}",
            env("ISHARE_TEST_PKCS11_MODULE")
        ),
        Some(&pin()),
        None,
        CLIENT,
    ));
    assert_eq!(kind, "key_store");
    assert!(
        message.contains("no token \"no-such-token\"") && message.contains(&format!("\"{token}\"")),
        "{message}"
    );

    let (kind, message) = failure(from_pkcs11(
        "pkcs11:object=client-eori?module-path=/nonexistent/libpkcs11.so",
        Some(&pin()),
        None,
        CLIENT,
    ));
    assert_eq!(kind, "key_store");
    assert!(
        message.starts_with("the PKCS#11 module /nonexistent/libpkcs11.so cannot be loaded"),
        "{message}"
    );

    // A key with no certificate on the token, and no PEM chain given.
    let (kind, message) = failure(from_pkcs11(
        &uri("object=other", ""),
        Some(&pin()),
        None,
        CLIENT,
    ));
    assert_eq!(kind, "key_store");
    assert!(message.contains("holds no certificate object"), "{message}");

    // A malformed URI is the caller's mistake, not the device's.
    let (kind, message) = failure(from_pkcs11(
        &uri("object=%zz", ""),
        Some(&pin()),
        None,
        CLIENT,
    ));
    assert_eq!(kind, "invalid_argument");
    assert!(message.contains("attribute object"), "{message}");
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn a_token_key_that_is_not_the_leafs_is_key_mismatch_at_once() {
    let _shared = LOGIN.read().unwrap();
    let (kind, _) = failure(from_pkcs11(
        &uri("object=other", ""),
        Some(&pin()),
        Some(&vector("client-eori.chain.pem")),
        CLIENT,
    ));
    assert_eq!(kind, "key_mismatch");
    // The key alone, compared with the leaf it does not belong to.
    let key = Pkcs11Key::open(&uri("id=%02", ""), Some(&pin())).unwrap();
    let leaf = Pkcs11Key::open(&uri("id=%01", ""), Some(&pin()))
        .unwrap()
        .certificate_chain_der()
        .unwrap()
        .remove(0);
    assert_eq!(
        key.check_matches_leaf(&leaf).unwrap_err().kind(),
        "key_mismatch"
    );
    // Past the early check (the key boxed as it is), the core still refuses
    // each signature that the leaf's key does not verify.
    let signer =
        Signer::from_external_pem(Box::new(key), &vector("client-eori.chain.pem"), CLIENT).unwrap();
    let e = signer.client_assertion(&mut rng(), SERVER, T0).unwrap_err();
    assert_eq!(e.kind(), "key_mismatch");
}

/// What `scripts/test pkcs11` promises of its token: the key is sensitive
/// and cannot be extracted, read here with cryptoki itself.
#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn the_tokens_key_is_sensitive_and_never_extractable() {
    let _shared = LOGIN.read().unwrap();
    // Loaded through the crate first: it initialises the module once.
    let _key = Pkcs11Key::open(&uri("id=%01", ""), Some(&pin())).unwrap();
    let module = Pkcs11::new(env("ISHARE_TEST_PKCS11_MODULE")).unwrap();
    // Already initialised by the crate in this process: that is expected.
    let _ = module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = module
        .get_slots_with_initialized_token()
        .unwrap()
        .into_iter()
        .find(|slot| {
            module.get_token_info(*slot).unwrap().label() == env("ISHARE_TEST_PKCS11_TOKEN")
        })
        .unwrap();
    let session = module.open_ro_session(slot).unwrap();
    let _ = session.login(UserType::User, Some(&AuthPin::new(pin().into())));
    let keys = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(vec![1]),
        ])
        .unwrap();
    let attributes = session
        .get_attributes(
            keys[0],
            &[AttributeType::Sensitive, AttributeType::Extractable],
        )
        .unwrap();
    assert!(
        attributes.contains(&Attribute::Sensitive(true)),
        "{attributes:?}"
    );
    assert!(
        attributes.contains(&Attribute::Extractable(false)),
        "{attributes:?}"
    );
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn a_pin_is_needed_and_its_absence_is_said() {
    let _alone = LOGIN.write().unwrap();
    if std::env::var_os(ishare_jwt_pkcs11::PIN_ENV).is_some() {
        panic!("unset {} for this test", ishare_jwt_pkcs11::PIN_ENV);
    }
    let (kind, message) = failure(from_pkcs11(
        &uri("object=client-eori", ""),
        None,
        None,
        CLIENT,
    ));
    assert_eq!(kind, "key_store");
    assert!(
        message.contains("the token needs a PIN") && message.contains("ISHARE_PKCS11_PIN"),
        "{message}"
    );
}
