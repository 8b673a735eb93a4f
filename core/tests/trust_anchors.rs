//! Trust anchors in the forms people paste: fingerprints as openssl, a
//! trusted list or a colleague writes them, and PEM bundles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::ROOT_SHA256;
use ishare_jwt::TrustAnchor;

#[test]
fn a_fingerprint_is_read_in_every_common_form() {
    let colons: Vec<String> = ROOT_SHA256
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8(pair.to_vec()).unwrap())
        .collect();
    let colons = colons.join(":");
    for form in [
        ROOT_SHA256.to_string(),
        ROOT_SHA256.to_lowercase(),
        colons.clone(),
        format!("sha256 Fingerprint={colons}"),
        format!("SHA256 Fingerprint={colons}\n"),
        format!("SHA256:{ROOT_SHA256}"),
        format!("sha256={}", ROOT_SHA256.to_lowercase()),
        colons.replace(':', " "),
    ] {
        let anchor = TrustAnchor::parse(&form).unwrap_or_else(|e| panic!("{form:?}: {e}"));
        assert_eq!(anchor.sha256_hex(), ROOT_SHA256, "{form:?}");
    }
    for bad in [
        "sha256",
        "SHA256:",
        "md5 Fingerprint=AB",
        &ROOT_SHA256[1..],
        "é",
    ] {
        assert_eq!(
            TrustAnchor::parse(bad).unwrap_err().kind(),
            "invalid_trust_anchor",
            "{bad:?}"
        );
    }
}

#[test]
fn a_bundle_gives_one_anchor_per_certificate_or_fingerprint() {
    let bundle = common::pki_text("client-eori.chain.pem");
    let anchors = TrustAnchor::parse_all(&bundle).unwrap();
    assert_eq!(anchors.len(), 3);
    assert_eq!(anchors[2].sha256_hex(), common::own_root_sha256());

    let list = format!(
        "{ROOT_SHA256}\n\n {}, {ROOT_SHA256}\n",
        common::own_root_sha256()
    );
    let anchors = TrustAnchor::parse_all(&list).unwrap();
    assert_eq!(anchors.len(), 3);
    assert_eq!(anchors[1].sha256_hex(), common::own_root_sha256());

    for empty in [
        "",
        " \n, ",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    ] {
        assert_eq!(
            TrustAnchor::parse_all(empty).unwrap_err().kind(),
            "invalid_trust_anchor",
            "{empty:?}"
        );
    }
}
