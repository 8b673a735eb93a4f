//! A signer checks its own chain when it is made: what no verifier would
//! accept is refused there, naming the certificate and the fix; what some
//! verifiers refuse loads with a warning.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests fail by panicking; DER fixtures are indexed by position

mod common;

use common::mini_ca::{self, children, ext, sequence, tlv};
use common::{CLIENT, NOW, SERVER, rng};
use ishare_jwt::{Error, Signer};
use rsa::RsaPrivateKey;

fn pem(chain: &[Vec<u8>]) -> String {
    use base64ct::{Base64, Encoding};
    chain
        .iter()
        .map(|der| {
            let body = Base64::encode_string(der);
            let lines: Vec<&str> = body
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                lines.join("\n")
            )
        })
        .collect()
}

fn signer(chain: &[Vec<u8>]) -> Result<Signer, Error> {
    let key = common::pki_text("client-eori.key.pem");
    Signer::from_pem(key, &pem(chain), CLIENT)
}

/// leaf, intermediate, root of the repository PKI.
fn pki() -> Vec<Vec<u8>> {
    mini_ca::chain("client-eori.chain.pem")
}

/// `certificate` as an X.509 v1 certificate (no version, no extensions),
/// signed by `issuer_key`: what `openssl x509 -req` makes without `-extfile`.
fn as_v1(certificate: &[u8], issuer_key: &RsaPrivateKey) -> Vec<u8> {
    let v3 = mini_ca::reissued(certificate, issuer_key, |fields| {
        fields.truncate(mini_ca::EXTENSIONS)
    });
    let parts = children(&v3);
    let mut fields = children(&parts[0]);
    fields.remove(0);
    let tbs = sequence(&fields);
    let signature = {
        use rsa::Pkcs1v15Sign;
        use sha2::{Digest, Sha256};
        let mut bits = vec![0u8];
        bits.extend(
            issuer_key
                .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&tbs))
                .unwrap(),
        );
        tlv(0x03, &bits)
    };
    sequence(&[tbs, parts[1].clone(), signature])
}

fn validity(from: &str, to: &str) -> Vec<u8> {
    sequence(&[tlv(0x17, from.as_bytes()), tlv(0x17, to.as_bytes())])
}

fn message(result: Result<Signer, Error>) -> (&'static str, String) {
    let error = result.unwrap_err();
    (error.kind(), error.to_string())
}

#[test]
fn a_complete_chain_loads_without_warnings_and_says_until_when() {
    let signer = signer(&pki()).unwrap();
    assert!(signer.warnings().is_empty(), "{:?}", signer.warnings());
    assert_eq!(
        signer.not_after(),
        4_891_363_200,
        "2125-01-01, the PKI's end"
    );
    assert!(signer.not_before() < NOW);
    signer.check_validity_at(NOW).unwrap();
}

#[test]
fn an_x509_v1_intermediate_is_refused_with_the_fix() {
    let mut chain = pki();
    chain[1] = as_v1(&chain[1], &mini_ca::key("root-ca"));
    let (kind, text) = message(signer(&chain));
    assert_eq!(kind, "invalid_certificate", "{text}");
    assert!(
        text.contains("x5c[0]") && text.contains("Intermediate"),
        "{text}"
    );
    assert!(text.contains("-extfile"), "{text}");
}

#[test]
fn a_v1_root_loads_with_a_warning_not_a_refusal() {
    let mut chain = pki();
    chain[2] = as_v1(&chain[2], &mini_ca::key("root-ca"));
    let signer = signer(&chain).unwrap();
    assert_eq!(signer.warnings().len(), 1);
    assert!(
        signer.warnings()[0].contains("x5c[2]")
            && signer.warnings()[0].contains("basicConstraints"),
        "{:?}",
        signer.warnings()
    );
}

#[test]
fn a_chain_without_its_root_loads_with_a_warning() {
    for length in [1, 2] {
        let signer = signer(&pki()[..length]).unwrap();
        let warning = signer.warnings().join("\n");
        assert!(
            warning.contains(&format!("x5c[{}]", length - 1))
                && warning.contains("append the root"),
            "{warning}"
        );
        signer
            .client_assertion(&mut rng(), SERVER, NOW)
            .expect("signs: a verifier with the intermediate as PEM anchor accepts it");
    }
}

#[test]
fn a_chain_out_of_order_says_the_order_that_links() {
    let chain = pki();
    let (kind, text) = message(signer(&[
        chain[1].clone(),
        chain[0].clone(),
        chain[2].clone(),
    ]));
    assert_eq!(kind, "invalid_certificate", "{text}");
    assert!(text.contains("belongs to x5c[1]"), "{text}");
    assert!(text.contains("x5c[1], x5c[0], x5c[2]"), "{text}");

    let (kind, text) = message(signer(&[
        chain[0].clone(),
        chain[2].clone(),
        chain[1].clone(),
    ]));
    assert_eq!(kind, "invalid_certificate", "{text}");
    assert!(text.contains("x5c[0], x5c[2], x5c[1]"), "{text}");
}

#[test]
fn an_expired_certificate_refuses_to_sign_naming_it() {
    let mut chain = pki();
    chain[0] = mini_ca::reissued(&chain[0], &mini_ca::key("intermediate-ca"), |fields| {
        fields[mini_ca::VALIDITY] = validity("250101000000Z", "260601000000Z")
    });
    let signer = signer(&chain).unwrap();
    assert_eq!(signer.not_after(), 1_780_272_000, "2026-06-01");
    let error = signer.check_validity_at(NOW).unwrap_err();
    assert_eq!(error.kind(), "certificate_expired");
    assert!(error.to_string().contains("x5c[0]"), "{error}");
    let error = signer
        .client_assertion(&mut rng(), SERVER, NOW)
        .unwrap_err();
    assert_eq!(error.kind(), "certificate_expired");
    let error = signer
        .prepare_jwt(&mut rng(), SERVER, None, NOW, None)
        .unwrap_err();
    assert_eq!(error.kind(), "certificate_expired");
    // Still valid earlier.
    signer
        .client_assertion(&mut rng(), SERVER, 1_767_225_600)
        .unwrap();
}

#[test]
fn validity_periods_that_never_overlap_are_refused() {
    let mut chain = pki();
    chain[0] = mini_ca::reissued(&chain[0], &mini_ca::key("intermediate-ca"), |fields| {
        fields[mini_ca::VALIDITY] = validity("200101000000Z", "210101000000Z")
    });
    let (kind, text) = message(signer(&chain));
    assert_eq!(kind, "invalid_certificate", "{text}");
    assert!(
        text.contains("x5c[0]") && text.contains("at any time"),
        "{text}"
    );
}

#[test]
fn a_sha1_signed_leaf_is_named_as_such() {
    let chain = pki();
    let sha1 = sequence(&[
        tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05],
        ),
        vec![0x05, 0x00],
    ]);
    let parts = children(&chain[0]);
    let mut fields = children(&parts[0]);
    fields[mini_ca::SIGNATURE] = sha1.clone();
    let leaf = sequence(&[sequence(&fields), sha1, parts[2].clone()]);
    let (kind, text) = message(signer(&[leaf, chain[1].clone(), chain[2].clone()]));
    assert_eq!(kind, "invalid_certificate", "{text}");
    assert!(
        text.contains("x5c[0]") && text.contains("sha1WithRSAEncryption"),
        "{text}"
    );
}

#[test]
fn a_pss_signed_leaf_signs_as_the_verifier_accepts_it() {
    let mut chain = pki();
    let fields = mini_ca::tbs_fields(&chain[0]);
    chain[0] = mini_ca::signed(
        fields,
        &mini_ca::key("intermediate-ca"),
        mini_ca::Scheme::PssSha256,
    );
    let signer = signer(&chain).unwrap();
    let token = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
    common::own_verifier()
        .verify(&token, NOW, Some(CLIENT))
        .unwrap();
}

#[test]
fn a_leaf_that_may_not_sign_is_refused_by_the_verifiers_rule() {
    let mut chain = pki();
    chain[0] = mini_ca::reissued(&chain[0], &mini_ca::key("intermediate-ca"), |fields| {
        mini_ca::with_extension(
            fields,
            mini_ca::extension(ext::KEY_USAGE, true, ext::KU_KEY_ENCIPHERMENT),
        )
    });
    let (kind, text) = message(signer(&chain));
    assert_eq!(kind, "certificate_usage", "{text}");
    assert!(text.contains("x5c[0]"), "{text}");
}
