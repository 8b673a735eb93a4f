//! Regression tests for the independent security review (F1–F6, L1–L7):
//! each test names its finding; SECURITY.md lists them under "Reviewed".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::cell::RefCell;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::mini_ca::{self, Scheme};
use common::{CLIENT, NOW, SERVER, own_root_sha256, own_verifier};
use ishare_jwt::{
    ReplayCache, Signer, TrustAnchor, Verifier, VerifierCaches, parse_token_response,
};

fn kind<T>(result: Result<T, ishare_jwt::Error>) -> String {
    match result {
        Ok(_) => "valid".into(),
        Err(e) => e.kind().into(),
    }
}

fn b64(text: &str) -> String {
    Base64UrlUnpadded::encode_string(text.as_bytes())
}

/// Runs `f` on a thread with a 256 KiB stack, as the quality bar demands.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the small-stack thread survived")
}

fn client_key() -> rsa::RsaPrivateKey {
    mini_ca::key("client-eori")
}

/// The repository chain: leaf, intermediate, root.
fn eori_chain() -> Vec<Vec<u8>> {
    mini_ca::chain("client-eori.chain.pem")
}

fn verify_chain(chain: &[Vec<u8>]) -> Result<ishare_jwt::VerifiedAssertion, ishare_jwt::Error> {
    let token = mini_ca::assertion(chain, &client_key(), CLIENT, SERVER, NOW);
    own_verifier().verify(&token, NOW, None)
}

// F1: hostile nesting and non-JSON in every JSON text, on a 256 KiB stack.

#[test]
fn f1_nesting_and_non_json_are_refused_on_a_small_stack() {
    // Under the header's size limit, and (for the claims) under theirs.
    let deep = "[".repeat(46_000);
    let deep_claims = "[".repeat(7_000);
    let desync_header = format!(r#"{{"kid":x"y,"a":{deep}"#);
    let string_header = format!(r#"{{"alg":"RS256","kid":"x\"y","a":{deep}"#);
    let results = on_small_stack(move || {
        let verifier = own_verifier();
        let key = client_key();
        let header = mini_ca::header(&eori_chain());
        let claims = |extra: &str| {
            format!(
                r#"{{"iss":"{CLIENT}","sub":"{CLIENT}","aud":"{SERVER}","jti":"f1","iat":{NOW},"exp":{}{extra}}}"#,
                NOW + 30
            )
        };
        let cases = vec![
            (
                format!("{}.{}.c2ln", b64(&desync_header), b64("{}")),
                "malformed",
            ),
            (
                format!("{}.{}.c2ln", b64(&string_header), b64("{}")),
                "too_large",
            ),
            (
                mini_ca::token(
                    &header,
                    &claims(&format!(r#","kid":x"y,"a":{deep_claims}"#)),
                    &key,
                ),
                "malformed",
            ),
            (
                mini_ca::token(
                    &header,
                    &claims(&format!(r#","x":"\"","a":{deep_claims}"#)),
                    &key,
                ),
                "too_large",
            ),
            (
                mini_ca::token(&header, &claims(r#","x":tru"#), &key),
                "malformed",
            ),
            (
                mini_ca::token(&header, &claims(r#","x":NaN"#), &key),
                "malformed",
            ),
            (
                mini_ca::token(&header, &claims(r#","x":+1"#), &key),
                "malformed",
            ),
            (
                mini_ca::token(&header, &claims(r#","x":'x'"#), &key),
                "malformed",
            ),
            (
                mini_ca::token(&header, &claims(",\"x\":\"\u{1}\""), &key),
                "malformed",
            ),
            (mini_ca::token(&header, &claims(""), &key), "valid"),
        ];
        let tokens: Vec<(String, &str)> = cases
            .into_iter()
            .map(|(token, want)| (kind(verifier.verify(&token, NOW, None)), want))
            .collect();
        let responses: Vec<String> = [
            format!(r#"{{"access_token":"a","x":x"y,"a":{deep}"#),
            format!(r#"{{"access_token":"a","x":"\"","a":{deep}"#),
            r#"{"access_token":"a","token_type":"Bearer","expires_in":tru}"#.to_string(),
        ]
        .iter()
        .map(|body| kind(parse_token_response(body.as_bytes())))
        .collect();
        (tokens, responses)
    });
    for (got, want) in results.0 {
        assert_eq!(got, want);
    }
    assert_eq!(
        results.1,
        ["invalid_response", "too_large", "invalid_response"]
    );
}

// F2: signatures over the bytes received; fingerprints of the bytes received.

#[test]
fn f2_rewritten_certificates_are_untrusted_on_the_leaf_and_the_intermediate() {
    for (name, rewrite) in mini_ca::non_canonical_rewrites() {
        let mut chain = eori_chain();
        chain[0] = mini_ca::rewritten(&chain[0], rewrite);
        assert_eq!(
            kind(verify_chain(&chain)),
            "untrusted_chain",
            "leaf: {name}"
        );

        let mut chain = eori_chain();
        chain[1] = mini_ca::rewritten(&chain[1], rewrite);
        assert_eq!(
            kind(verify_chain(&chain)),
            "untrusted_chain",
            "intermediate: {name}"
        );
    }
}

#[test]
fn f2_certificates_a_ca_signed_in_those_encodings_are_accepted_with_their_own_fingerprint() {
    let (root_key, intermediate_key) = (mini_ca::key("root-ca"), mini_ca::key("intermediate-ca"));
    for (name, rewrite) in mini_ca::non_canonical_rewrites() {
        // The leaf in the unusual encoding, signed by the intermediate.
        let mut chain = eori_chain();
        chain[0] = mini_ca::reissued(&chain[0], &intermediate_key, rewrite);
        let verified = verify_chain(&chain).unwrap_or_else(|e| panic!("leaf {name}: {e}"));
        assert_eq!(
            verified.leaf_sha256,
            mini_ca::sha256_hex(&chain[0]),
            "{name}"
        );
        assert_eq!(verified.chain, chain);

        // The intermediate in the unusual encoding, signed by the root; the
        // leaf names it as its issuer byte for byte.
        let mut chain = eori_chain();
        chain[1] = mini_ca::reissued(&chain[1], &root_key, rewrite);
        let issuer = mini_ca::tbs_fields(&chain[1])[mini_ca::SUBJECT].clone();
        chain[0] = mini_ca::reissued(&chain[0], &intermediate_key, |f| {
            f[mini_ca::ISSUER] = issuer
        });
        verify_chain(&chain).unwrap_or_else(|e| panic!("intermediate {name}: {e}"));

        // And a signer loads such a chain as it is.
        let signer = Signer::from_der(
            &std::fs::read(format!(
                "{}/../testdata/pki/client-eori.key.der",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap(),
            chain.clone(),
            CLIENT,
        )
        .unwrap_or_else(|e| panic!("signer {name}: {e}"));
        assert_eq!(signer.leaf_sha256(), mini_ca::sha256_hex(&chain[0]));
    }
}

// F3: a certificate names exactly one DID.

#[test]
fn f3_a_did_certificate_is_not_an_alias_for_other_dids() {
    let chain = mini_ca::chain("client-did.chain.pem");
    let key = mini_ca::key("client-did");
    let verify = |iss: &str| {
        let token = mini_ca::assertion(&chain, &key, iss, SERVER, NOW);
        kind(own_verifier().verify(&token, NOW, None))
    };
    assert_eq!(verify("did:ishare:EU.NL.NTRNL-90000101"), "valid");
    for alias in [
        "did:ishare:EU.DE.NTRNL-90000101",
        "did:ishare:X.NTRNL-90000101",
        "did:ishare:A.B.C.D.NTRNL-90000101",
    ] {
        assert_eq!(verify(alias), "party_id_mismatch", "{alias}");
        let signer = Signer::from_pem(
            common::pki_text("client-did.key.pem"),
            &common::pki_text("client-did.chain.pem"),
            alias,
        );
        assert_eq!(kind(signer), "party_id_mismatch", "{alias}");
    }
}

// F4: untrusted chains cost no RSA; exponents are capped.

#[test]
fn f4_a_self_made_chain_is_refused_before_any_signature_is_checked() {
    // Eight certificates nobody trusts, with signatures that would not even
    // verify: the refusal names the missing anchor, not a bad signature.
    let mut chain = Vec::new();
    for i in 0..8u8 {
        let mut fields = mini_ca::tbs_fields(&eori_chain()[1]);
        fields[mini_ca::SUBJECT] =
            mini_ca::name(&[(mini_ca::COMMON_NAME, 0x0c, &format!("self-made {i}"))]);
        fields[mini_ca::ISSUER] =
            mini_ca::name(&[(mini_ca::COMMON_NAME, 0x0c, &format!("self-made {}", i + 1))]);
        chain.push(mini_ca::signed(fields, &client_key(), Scheme::Pkcs1Sha256));
    }
    let token = mini_ca::assertion(&chain, &client_key(), CLIENT, SERVER, NOW);
    let error = own_verifier().verify(&token, NOW, None).unwrap_err();
    assert_eq!(error.kind(), "untrusted_chain");
    assert!(
        error.to_string().contains("none of the 8 x5c certificates"),
        "{error}"
    );
}

#[test]
fn f4_public_exponents_above_65537_are_refused() {
    // The leaf's key with its exponent replaced by 2^33 - 1.
    let mut chain = eori_chain();
    chain[0] = mini_ca::rewritten(&chain[0], |fields| {
        let spki = mini_ca::children(&fields[mini_ca::SPKI]);
        let bits = mini_ca::value(&spki[1])[1..].to_vec();
        let key = mini_ca::children(&bits[..]);
        let modulus = key[0].clone();
        let exponent = mini_ca::tlv(0x02, &[0x01, 0xff, 0xff, 0xff, 0xff]);
        let mut bit_string = vec![0u8];
        bit_string.extend(mini_ca::sequence(&[modulus, exponent]));
        fields[mini_ca::SPKI] =
            mini_ca::sequence(&[spki[0].clone(), mini_ca::tlv(0x03, &bit_string)]);
    });
    let error = verify_chain(&chain).unwrap_err();
    assert_eq!(error.kind(), "invalid_certificate");
    assert!(error.to_string().contains("65537"), "{error}");
}

// F5: the replay cache: expiry index and per-issuer quota.

#[test]
fn f5_one_issuer_filling_its_share_does_not_lock_out_another() {
    let mut cache = ReplayCache::with_issuer_share(10, 0.2).unwrap();
    assert_eq!(cache.issuer_quota(), 2);
    let verifier = own_verifier();
    let client = common::own_signer("client-eori", CLIENT);
    let other = common::own_signer("server-eori", SERVER);
    let mut rng = common::rng();
    let mut once = |signer: &Signer, jti: &str, now: i64, cache: &mut ReplayCache| {
        let token = signer
            .client_assertion_with_jti(&mut rng, SERVER, now, jti)
            .unwrap();
        kind(verifier.verify_once(&token, now, None, cache))
    };
    assert_eq!(once(&client, "1", NOW, &mut cache), "valid");
    assert_eq!(once(&client, "2", NOW, &mut cache), "valid");
    assert_eq!(once(&client, "3", NOW, &mut cache), "replay_cache_full");
    assert_eq!(once(&other, "1", NOW, &mut cache), "valid");
    assert_eq!(once(&other, "2", NOW, &mut cache), "valid");
    assert_eq!(once(&client, "1", NOW + 1, &mut cache), "replay");
    // Once the first tokens could no longer be accepted, the share is free.
    assert_eq!(once(&client, "3", NOW + 30, &mut cache), "valid");
    assert_eq!(cache.len(), 1);
    for share in [0.0, -1.0, 1.5, f64::NAN] {
        assert_eq!(
            kind(ReplayCache::with_issuer_share(10, share)),
            "invalid_argument"
        );
    }
}

#[test]
fn f5_a_full_cache_fails_closed_and_expired_entries_leave_in_order() {
    let mut cache = ReplayCache::with_issuer_share(3, 1.0).unwrap();
    let verifier = own_verifier();
    let signer = common::own_signer("client-eori", CLIENT);
    let mut rng = common::rng();
    for (i, now) in [NOW, NOW + 5, NOW + 10].into_iter().enumerate() {
        let token = signer
            .client_assertion_with_jti(&mut rng, SERVER, now, &i.to_string())
            .unwrap();
        verifier.verify_once(&token, now, None, &mut cache).unwrap();
    }
    let token = signer
        .client_assertion_with_jti(&mut rng, SERVER, NOW + 12, "x")
        .unwrap();
    assert_eq!(
        kind(verifier.verify_once(&token, NOW + 12, None, &mut cache)),
        "replay_cache_full"
    );
    // At NOW + 30 only the first entry has expired: room for exactly one.
    let token = signer
        .client_assertion_with_jti(&mut rng, SERVER, NOW + 30, "y")
        .unwrap();
    verifier
        .verify_once(&token, NOW + 30, None, &mut cache)
        .unwrap();
    assert_eq!(cache.len(), 3);
}

// F6: shared caches never serve a verifier another verifier's verdict.

#[test]
fn f6_a_shared_chain_cache_does_not_carry_trust_between_verifiers() {
    let trusting = own_verifier();
    let other_root = TrustAnchor::parse(common::ROOT_SHA256).unwrap();
    let not_trusting = Verifier::new(SERVER, vec![other_root]).unwrap();
    let caches = RefCell::new(VerifierCaches {
        replay: None,
        ..VerifierCaches::default()
    });
    let token = mini_ca::assertion(&eori_chain(), &client_key(), CLIENT, SERVER, NOW);
    trusting.verify_shared(&token, NOW, None, &caches).unwrap();
    assert_eq!(caches.borrow().chains.len(), 1);
    assert_eq!(
        kind(not_trusting.verify_shared(&token, NOW, None, &caches)),
        "untrusted_chain"
    );
}

// L1: null is never absence.

#[test]
fn l1_null_registered_members_are_refused() {
    let chain = eori_chain();
    let mut header: serde_json::Value = serde_json::from_str(&mini_ca::header(&chain)).unwrap();
    header["crit"] = serde_json::Value::Null;
    let claims = mini_ca::claims(CLIENT, SERVER, NOW, "l1");
    let token = mini_ca::token(&header.to_string(), &claims, &client_key());
    assert_eq!(
        kind(own_verifier().verify(&token, NOW, None)),
        "invalid_header"
    );
    for claim in ["nbf", "iat", "exp", "jti", "aud", "iss", "sub"] {
        let mut claims: serde_json::Value = serde_json::from_str(&claims).unwrap();
        claims[claim] = serde_json::Value::Null;
        let token = mini_ca::token(&mini_ca::header(&chain), &claims.to_string(), &client_key());
        assert_eq!(
            kind(own_verifier().verify(&token, NOW, None)),
            "malformed",
            "{claim}"
        );
    }
}

// L2: the signed algorithm identifier is the outer one, with NULL or no parameters.

#[test]
fn l2_algorithm_identifiers_must_agree_and_carry_no_parameters() {
    let intermediate_key = mini_ca::key("intermediate-ca");
    let mut chain = eori_chain();
    chain[0] = mini_ca::rewritten(
        &mini_ca::reissued(&chain[0], &intermediate_key, |_| {}),
        |f| {
            f[mini_ca::SIGNATURE] = mini_ca::sequence(&[
                mini_ca::tlv(
                    0x06,
                    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c],
                ),
                vec![0x05, 0x00],
            ]);
        },
    );
    assert_eq!(kind(verify_chain(&chain)), "invalid_certificate");

    // sha256WithRSAEncryption with an OCTET STRING where NULL belongs, in
    // both identifiers.
    let with_parameters = mini_ca::sequence(&[
        mini_ca::tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
        ),
        mini_ca::tlv(0x04, b"x"),
    ]);
    let mut chain = eori_chain();
    let parts = mini_ca::children(&chain[0]);
    let mut fields = mini_ca::tbs_fields(&chain[0]);
    fields[mini_ca::SIGNATURE] = with_parameters.clone();
    chain[0] = mini_ca::sequence(&[
        mini_ca::sequence(&fields),
        with_parameters,
        parts[2].clone(),
    ]);
    assert_eq!(kind(verify_chain(&chain)), "invalid_certificate");
}

// L3: each scheme in its own attribute, exactly once.

#[test]
fn l3_party_names_are_read_from_their_own_attribute_only_once() {
    let intermediate_key = mini_ca::key("intermediate-ca");
    let with_subject = |attributes: &[(&[u8], u8, &str)]| {
        let mut chain = eori_chain();
        let subject = mini_ca::name(attributes);
        chain[0] = mini_ca::reissued(&chain[0], &intermediate_key, |f| {
            f[mini_ca::SUBJECT] = subject
        });
        chain
    };
    let (cn, sn, oi) = (
        mini_ca::COMMON_NAME,
        mini_ca::SERIAL_NUMBER,
        mini_ca::ORGANIZATION_IDENTIFIER,
    );
    let verify = |chain: &[Vec<u8>], iss: &str| {
        let token = mini_ca::assertion(chain, &client_key(), iss, SERVER, NOW);
        kind(own_verifier().verify(&token, NOW, None))
    };
    let eori_in_org_id = with_subject(&[(cn, 0x0c, "x"), (oi, 0x13, CLIENT)]);
    assert_eq!(verify(&eori_in_org_id, CLIENT), "party_id_mismatch");
    let did_in_serial = with_subject(&[(cn, 0x0c, "x"), (sn, 0x13, "NTRNL-90000101")]);
    assert_eq!(
        verify(&did_in_serial, "did:ishare:EU.NL.NTRNL-90000101"),
        "party_id_mismatch"
    );
    let two_serials = with_subject(&[
        (cn, 0x0c, "x"),
        (sn, 0x13, CLIENT),
        (sn, 0x13, "EU.EORI.NL000000102"),
    ]);
    assert_eq!(verify(&two_serials, CLIENT), "party_id_mismatch");
    assert_eq!(
        verify(&two_serials, "EU.EORI.NL000000102"),
        "party_id_mismatch"
    );
    let one_serial = with_subject(&[(cn, 0x0c, "x"), (sn, 0x13, CLIENT)]);
    assert_eq!(verify(&one_serial, CLIENT), "valid");
}

// L4: every x5c certificate certifies the one before it.

#[test]
fn l4_certificates_after_the_anchor_must_certify_their_predecessor() {
    let mut chain = eori_chain();
    chain.push(mini_ca::chain("client-did.chain.pem").remove(0));
    assert_eq!(kind(verify_chain(&chain)), "untrusted_chain");
    // Anchored by the intermediate's fingerprint, the root after it is fine.
    let chain = eori_chain();
    let by_intermediate = Verifier::new(
        SERVER,
        vec![TrustAnchor::parse(&mini_ca::sha256_hex(&chain[1])).unwrap()],
    )
    .unwrap();
    let token = mini_ca::assertion(&chain, &client_key(), CLIENT, SERVER, NOW);
    assert_eq!(
        by_intermediate
            .verify(&token, NOW, None)
            .unwrap()
            .chain
            .len(),
        3
    );
    // A "root" after it with the root's name but another key is not.
    let mut chain = eori_chain();
    let other_key = mini_ca::tbs_fields(&chain[0])[mini_ca::SPKI].clone();
    chain[2] = mini_ca::reissued(&chain[2], &client_key(), |f| f[mini_ca::SPKI] = other_key);
    let token = mini_ca::assertion(&chain, &client_key(), CLIENT, SERVER, NOW);
    assert_eq!(
        kind(by_intermediate.verify(&token, NOW, None)),
        "untrusted_chain"
    );
}

// L7: legitimate tokens that were refused.

#[test]
fn l7_typ_application_jwt_is_the_same_media_type() {
    for typ in ["application/jwt", "application/JWT", "jwt"] {
        let header =
            mini_ca::header(&eori_chain()).replace(r#""typ":"JWT""#, &format!(r#""typ":"{typ}""#));
        let token = mini_ca::token(
            &header,
            &mini_ca::claims(CLIENT, SERVER, NOW, typ),
            &client_key(),
        );
        assert_eq!(
            kind(own_verifier().verify(&token, NOW, None)),
            "valid",
            "{typ}"
        );
    }
    let header =
        mini_ca::header(&eori_chain()).replace(r#""typ":"JWT""#, r#""typ":"application/jose""#);
    let token = mini_ca::token(
        &header,
        &mini_ca::claims(CLIENT, SERVER, NOW, "x"),
        &client_key(),
    );
    assert_eq!(
        kind(own_verifier().verify(&token, NOW, None)),
        "invalid_header"
    );
}

#[test]
fn l7_rsa_pss_signed_certificates_are_accepted() {
    let mut chain = eori_chain();
    chain[0] = mini_ca::signed(
        mini_ca::tbs_fields(&chain[0]),
        &mini_ca::key("intermediate-ca"),
        Scheme::PssSha256,
    );
    verify_chain(&chain).unwrap();
    chain[0] = mini_ca::rewritten(&chain[0], mini_ca::generalized_not_before);
    assert_eq!(kind(verify_chain(&chain)), "untrusted_chain");
}

#[test]
fn l7_a_pem_anchor_without_basic_constraints_and_utc_times_before_1970() {
    let root_key = mini_ca::key("root-ca");
    let chain = eori_chain();
    // The root re-issued without any extension (so without
    // basicConstraints), valid from 1950 (UTCTime "50…").
    let plain_root = mini_ca::reissued(&chain[2], &root_key, |fields| {
        fields.truncate(mini_ca::EXTENSIONS);
        let mut times = mini_ca::children(&fields[mini_ca::VALIDITY]);
        times[0] = mini_ca::tlv(0x17, b"500101000000Z");
        fields[mini_ca::VALIDITY] = mini_ca::sequence(&times);
    });
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64ct::Base64::encode_string(&plain_root)
    );
    // The chain stops below the root: the PEM anchor issued the intermediate.
    let verifier = Verifier::new(SERVER, vec![TrustAnchor::from_pem(&pem).unwrap()]).unwrap();
    let token = mini_ca::assertion(&chain[..2], &client_key(), CLIENT, SERVER, NOW);
    verifier.verify(&token, NOW, None).unwrap();
    // One that says it is not a CA issues nothing.
    let not_a_ca = mini_ca::reissued(&chain[2], &root_key, |fields| {
        let mut extensions = mini_ca::children(&mini_ca::children(&fields[mini_ca::EXTENSIONS])[0]);
        extensions.retain(|e| mini_ca::value(&mini_ca::children(e)[0]) != [0x55, 0x1d, 0x13]);
        extensions.push(mini_ca::sequence(&[
            mini_ca::tlv(0x06, &[0x55, 0x1d, 0x13]),
            mini_ca::tlv(0x04, &mini_ca::sequence(&[vec![0x01, 0x01, 0x00]])),
        ]));
        fields[mini_ca::EXTENSIONS] = mini_ca::tlv(0xa3, &mini_ca::sequence(&extensions));
    });
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64ct::Base64::encode_string(&not_a_ca)
    );
    let verifier = Verifier::new(SERVER, vec![TrustAnchor::from_pem(&pem).unwrap()]).unwrap();
    assert_eq!(kind(verifier.verify(&token, NOW, None)), "untrusted_chain");
    assert_ne!(own_root_sha256(), mini_ca::sha256_hex(&plain_root));
}
