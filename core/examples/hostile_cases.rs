//! Hostile inputs, as JSON in the shape of `tests/vectors/vectors.json`,
//! for every language's suite: `cargo run -q -p ishare-jwt --example
//! hostile_cases > hostile.json`.
//!
//! Tokens that must reach the claims parser are signed properly (with the
//! repository's test PKI), so each case fails for the reason it names.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a test generator

#[path = "../tests/common/mini_ca.rs"]
mod mini_ca;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use rsa::RsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SERVER: &str = "EU.EORI.NL000000100";
const CLIENT: &str = "EU.EORI.NL000000101";
/// 2027-01-01T00:00:00Z, inside the test PKI's validity.
pub const NOW: i64 = 1_798_761_600;
const MIB: usize = 1024 * 1024;

fn pki(name: &str) -> String {
    let path = format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn x5c() -> Vec<String> {
    pki("client-eori.chain.pem")
        .split("-----END CERTIFICATE-----")
        .filter_map(|block| block.split("-----BEGIN CERTIFICATE-----").nth(1))
        .map(|b64| b64.replace(['\n', '\r'], ""))
        .collect()
}

/// A token over raw header and claims text, signed RS256 with the client key.
fn signed(header: &str, claims: &str) -> String {
    let key = RsaPrivateKey::from_pkcs8_pem(&pki("client-eori.key.pem")).unwrap();
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(claims.as_bytes())
    );
    let digest = Sha256::digest(input.as_bytes());
    let signature = key
        .sign_with_rng(
            &mut rand_core::UnwrapErr(getrandom::SysRng),
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            &digest,
        )
        .unwrap();
    format!("{input}.{}", Base64UrlUnpadded::encode_string(&signature))
}

fn good_header() -> String {
    json!({"alg": "RS256", "typ": "JWT", "x5c": x5c()}).to_string()
}

fn claims_with(iss: &str, iat: &str, exp: &str) -> String {
    format!(
        r#"{{"iss":{iss},"sub":{iss},"aud":"{SERVER}","jti":"hostile","iat":{iat},"nbf":{iat},"exp":{exp}}}"#
    )
}

fn case(name: &str, token: String, expect: &str, note: &str) -> Value {
    json!({
        "name": name,
        "token": token,
        "verifier": {"audience": SERVER, "now": NOW, "leeway": 0,
                     "trusted_roots": [pki("root-ca.sha256").trim()]},
        "expect": if expect == "valid" { json!("valid") } else { json!({"error": expect}) },
        "note": note,
    })
}

/// Every hostile case.
pub fn cases() -> Value {
    let b64 = |s: &str| Base64UrlUnpadded::encode_string(s.as_bytes());
    let client = format!("\"{CLIENT}\"");
    let (iat, exp) = (NOW.to_string(), (NOW + 30).to_string());
    let deep = format!(
        r#"{{"alg":"RS256","typ":"JWT","x":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let many_x5c = json!({"alg": "RS256", "typ": "JWT", "x5c": vec!["MIIB"; 10_000]}).to_string();
    let garbage_der = json!({"alg": "RS256", "typ": "JWT",
                             "x5c": [Base64::encode_string(b"\x30\x82\xff\xffgarbage")]})
    .to_string();
    let tokens = vec![
        case(
            "baseline_valid",
            signed(&good_header(), &claims_with(&client, &iat, &exp)),
            "valid",
            "the generator's own control: a well-formed token",
        ),
        case(
            "token_1mib",
            format!("{}.{}.{}", "A".repeat(MIB), "B", "C"),
            "too_large",
            "1 MiB token",
        ),
        case(
            "header_deep_nesting",
            format!("{}.{}.sig", b64(&deep), b64("{}")),
            "too_large",
            "10 000 nested arrays",
        ),
        case(
            "x5c_10000_entries",
            format!("{}.{}.sig", b64(&many_x5c), b64("{}")),
            "too_large",
            "10 000 x5c entries",
        ),
        case(
            "nul_bytes",
            "ey\0J.e\0y.s\0g".to_string(),
            "malformed",
            "NUL bytes in the token",
        ),
        case(
            "non_ascii",
            "é.ü.ß".to_string(),
            "malformed",
            "non-ASCII token",
        ),
        case(
            "x5c_garbage_der",
            format!("{}.{}.c2ln", b64(&garbage_der), b64("{}")),
            "invalid_certificate",
            "x5c entry is not DER",
        ),
        case(
            "claims_lone_surrogate",
            signed(
                &good_header(),
                &claims_with(r#""EU.EORI.NL\ud800""#, &iat, &exp),
            ),
            "malformed",
            "a lone surrogate escape in iss",
        ),
        case(
            "claims_iat_1e400",
            signed(&good_header(), &claims_with(&client, "1e400", &exp)),
            "malformed",
            "a number no integer type holds",
        ),
        case(
            "claims_negative_times",
            signed(&good_header(), &claims_with(&client, "-100", "-70")),
            "expired",
            "negative iat/exp are just very old",
        ),
        case(
            "claims_huge_exp",
            signed(
                &good_header(),
                &claims_with(&client, "9223372036854775777", "9223372036854775807"),
            ),
            "not_yet_valid",
            "times near i64::MAX must not overflow",
        ),
        case(
            "claims_nul_in_iss",
            signed(
                &good_header(),
                &claims_with(r#""EU.EORI.NL\u0000""#, &iat, &exp),
            ),
            "invalid_party_id",
            "an escaped NUL inside a claim",
        ),
        case(
            "claims_jti_control_character",
            signed(
                &good_header(),
                &claims_with(&client, &iat, &exp).replace("\"hostile\"", r#""a\u0001b""#),
            ),
            "malformed",
            "a control character escaped into jti",
        ),
        case(
            "claims_non_ascii_iss",
            signed(
                &good_header(),
                &claims_with("\"EU.EORI.NLÄÖÜ\"", &iat, &exp),
            ),
            "invalid_party_id",
            "non-ASCII party id",
        ),
    ];
    let mut tokens = tokens;
    tokens.extend(security_review_cases());
    tokens.extend(path_rule_cases());
    tokens.extend(openssl_path_rule_cases());
    let chain = pki("client-eori.chain.pem");
    let key = pki("client-eori.key.pem");
    let signer_inputs = json!([
        {"name": "certificate_as_key", "key_pem": chain, "chain_pem": chain, "client_id": CLIENT, "expect": "invalid_key"},
        {"name": "garbage_key", "key_pem": "-----BEGIN PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END PRIVATE KEY-----\n", "chain_pem": chain, "client_id": CLIENT, "expect": "invalid_key"},
        {"name": "key_1mib", "key_pem": "A".repeat(MIB), "chain_pem": chain, "client_id": CLIENT, "expect": "too_large"},
        {"name": "chain_1mib", "key_pem": key, "chain_pem": "A".repeat(MIB), "client_id": CLIENT, "expect": "too_large"},
        {"name": "chain_garbage", "key_pem": key, "chain_pem": "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n", "client_id": CLIENT, "expect": "invalid_certificate"},
        {"name": "client_id_nul", "key_pem": key, "chain_pem": chain, "client_id": "EU.EORI.NL\u{0}101", "expect": "invalid_party_id"},
    ]);
    let trust_inputs = json!([
        {"name": "anchor_1mib_pem", "root": format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", "A".repeat(MIB)), "expect": "too_large"},
        {"name": "anchor_garbage", "root": "zz", "expect": "invalid_trust_anchor"},
        {"name": "anchor_short_hex", "root": "78975BC3", "expect": "invalid_trust_anchor"},
    ]);
    json!({"t0": NOW, "vectors": tokens, "signer_inputs": signer_inputs, "trust_inputs": trust_inputs})
}

/// The shapes of the security review's findings (SECURITY.md, "Reviewed"),
/// for every binding: each must be refused for its reason, on any stack.
fn security_review_cases() -> Vec<Value> {
    let b64 = |s: &str| Base64UrlUnpadded::encode_string(s.as_bytes());
    let key = mini_ca::key("client-eori");
    let chain = mini_ca::chain("client-eori.chain.pem");
    let header = mini_ca::header(&chain);
    let claims = |extra: &str| {
        format!(
            r#"{{"iss":"{CLIENT}","sub":"{CLIENT}","aud":"{SERVER}","jti":"review","iat":{NOW},"exp":{}{extra}}}"#,
            NOW + 30
        )
    };
    let signed_claims = |extra: &str| mini_ca::token(&header, &claims(extra), &key);
    let deep = "[".repeat(46_000);
    let deep_claims = "[".repeat(7_000);
    let mut cases = vec![
        case(
            "f1_header_desynchronised_nesting",
            format!(
                "{}.{}.c2ln",
                b64(&format!(r#"{{"kid":x"y,"a":{deep}"#)),
                b64("{}")
            ),
            "malformed",
            "F1: a non-JSON value before 46 000 '[' once hid the nesting from the depth check",
        ),
        case(
            "f1_header_nesting_after_an_escaped_quote",
            format!(
                "{}.{}.c2ln",
                b64(&format!(r#"{{"alg":"RS256","kid":"x\"y","a":{deep}"#)),
                b64("{}")
            ),
            "too_large",
            "F1: 46 000 '[' after a string holding an escaped quote",
        ),
        case(
            "f1_claims_desynchronised_nesting",
            signed_claims(&format!(r#","kid":x"y,"a":{deep_claims}"#)),
            "malformed",
            "F1: the same in the (signed) claims",
        ),
        case(
            "f1_claims_deep_nesting",
            signed_claims(&format!(r#","x":"\"","a":{deep_claims}"#)),
            "too_large",
            "F1: 7 000 '[' in the claims",
        ),
        case(
            "l1_crit_null",
            mini_ca::token(
                &header.replacen('{', r#"{"crit":null,"#, 1),
                &claims(""),
                &key,
            ),
            "invalid_header",
            "L1: crit is present even when null",
        ),
        case(
            "l1_nbf_null",
            signed_claims(r#","nbf":null"#),
            "malformed",
            "L1: a null claim is never an absent one",
        ),
        case(
            "l7_typ_application_jwt",
            mini_ca::token(
                &header.replace(r#""typ":"JWT""#, r#""typ":"application/jwt""#),
                &claims(""),
                &key,
            ),
            "valid",
            "L7: RFC 7515 4.1.9 media type equivalence",
        ),
        case(
            "f3_did_alias",
            mini_ca::assertion(
                &mini_ca::chain("client-did.chain.pem"),
                &mini_ca::key("client-did"),
                "did:ishare:EU.DE.NTRNL-90000101",
                SERVER,
                NOW,
            ),
            "party_id_mismatch",
            "F3: the certificate names did:ishare:EU.NL.NTRNL-90000101 only",
        ),
    ];
    for (name, literal) in [
        ("tru", "tru"),
        ("nan", "NaN"),
        ("plus_one", "+1"),
        ("single_quotes", "'x'"),
        ("raw_control", "\"\u{1}\""),
    ] {
        cases.push(case(
            &format!("f1_claims_not_json_{name}"),
            signed_claims(&format!(r#","x":{literal}"#)),
            "malformed",
            "F1: what the old parser skipped unparsed",
        ));
    }
    for (name, rewrite) in mini_ca::non_canonical_rewrites() {
        for position in [0, 1] {
            let mut rewritten = chain.clone();
            rewritten[position] = mini_ca::rewritten(&chain[position], rewrite);
            cases.push(case(
                &format!("f2_rewritten_x5c{position}_{}", name.replace(' ', "_")),
                mini_ca::assertion(&rewritten, &key, CLIENT, SERVER, NOW),
                "untrusted_chain",
                "F2: a certificate's bytes changed without its issuer's key",
            ));
        }
    }
    let mut longer = chain.clone();
    longer.push(mini_ca::chain("client-did.chain.pem").remove(0));
    cases.push(case(
        "l4_certificate_after_the_root",
        mini_ca::assertion(&longer, &key, CLIENT, SERVER, NOW),
        "untrusted_chain",
        "L4: each x5c certificate must certify the one before",
    ));
    cases
}

/// The same rules on chains openssl made (`scripts/make-test-pki`,
/// `testdata/path-rules/`), independently of the workshop above.
fn openssl_path_rule_cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/path-rules/vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("testdata/path-rules/vectors.json");
    let vectors: Value = serde_json::from_str(&text).expect("path-rule vectors are JSON");
    let Some(vectors) = vectors["vectors"].as_array() else {
        return Vec::new();
    };
    vectors
        .iter()
        .map(|v| {
            let expect = v["expect"].as_str().unwrap_or("internal");
            let mut case = v.clone();
            let name = v["name"].as_str().unwrap_or("unnamed");
            case["name"] = json!(format!("openssl_{name}"));
            case["expect"] = if expect == "valid" {
                json!("valid")
            } else {
                json!({"error": expect})
            };
            case["note"] = json!("testdata/path-rules: a chain openssl made for one path rule");
            case
        })
        .collect()
}

/// The certificate path rules (RFC 5280 §6.1, SECURITY.md), one chain per
/// rule, made from the test PKI: what each must be refused with, and the
/// chains that must pass.
fn path_rule_cases() -> Vec<Value> {
    use mini_ca::ext;
    let key = mini_ca::key("client-eori");
    let (intermediate_key, root_key) = (mini_ca::key("intermediate-ca"), mini_ca::key("root-ca"));
    let chain = mini_ca::chain("client-eori.chain.pem");
    let token = |chain: &[Vec<u8>]| mini_ca::assertion(chain, &key, CLIENT, SERVER, NOW);
    // The chain with the leaf's (0) or the intermediate's (1) tbs fields changed.
    let changed = |position: usize, change: &dyn Fn(&mut Vec<Vec<u8>>)| {
        let mut changed = chain.clone();
        let issuer_key = if position == 0 {
            &intermediate_key
        } else {
            &root_key
        };
        changed[position] = mini_ca::reissued(&chain[position], issuer_key, |f| change(f));
        changed
    };
    // The chain with one extension added to (or replaced in) a certificate.
    let with = |position: usize, oid: &[u8], critical: bool, value: &[u8]| {
        let extension = mini_ca::extension(oid, critical, value);
        changed(position, &|f| mini_ca::with_extension(f, extension.clone()))
    };
    let without_key_usage = changed(0, &|f| mini_ca::without_extension(f, ext::KEY_USAGE));
    let null = [0x05, 0x00];
    let mut cases = vec![
        (
            "leaf_key_usage_key_encipherment_only",
            with(0, ext::KEY_USAGE, true, ext::KU_KEY_ENCIPHERMENT),
            "certificate_usage",
        ),
        (
            "leaf_key_usage_key_cert_sign_only",
            with(0, ext::KEY_USAGE, true, ext::KU_KEY_CERT_SIGN),
            "certificate_usage",
        ),
        (
            "leaf_is_a_ca",
            with(0, ext::BASIC_CONSTRAINTS, true, ext::CA_TRUE),
            "certificate_usage",
        ),
        (
            "ca_without_key_cert_sign",
            with(1, ext::KEY_USAGE, true, ext::KU_CRL_SIGN),
            "certificate_usage",
        ),
        (
            "unknown_critical_extension_on_the_leaf",
            with(0, ext::UNKNOWN, true, &null),
            "invalid_certificate",
        ),
        (
            "unknown_critical_extension_on_a_ca",
            with(1, ext::UNKNOWN, true, &null),
            "invalid_certificate",
        ),
        ("leaf_key_usage_absent", without_key_usage, "valid"),
        (
            "leaf_content_commitment_only",
            with(0, ext::KEY_USAGE, true, ext::KU_CONTENT_COMMITMENT),
            "valid",
        ),
        (
            "leaf_extended_key_usage_server_auth_only",
            with(0, ext::EXTENDED_KEY_USAGE, false, ext::EKU_SERVER_AUTH),
            "valid",
        ),
        ("path_len_0_directly_above_the_leaf", chain.clone(), "valid"),
        (
            "non_critical_unknown_extension",
            with(0, ext::UNKNOWN, false, &null),
            "valid",
        ),
    ];
    // Name constraints on the intermediate excluding the leaf's C=NL, O=Demo Client.
    let leaf_subject = mini_ca::tbs_fields(&chain[0])[mini_ca::SUBJECT].clone();
    let excluded = mini_ca::name_constraints_excluding(&mini_ca::name_prefix(&leaf_subject, 2));
    cases.push((
        "name_constraints_exclude_the_leaf",
        with(1, ext::NAME_CONSTRAINTS, true, &excluded),
        "certificate_usage",
    ));
    // A sub-CA under the intermediate (pathLenConstraint 0) issuing the leaf.
    let sub_ca_key = mini_ca::key("client-4096");
    let mut sub_ca = mini_ca::tbs_fields(&chain[1]);
    sub_ca[mini_ca::ISSUER] = sub_ca[mini_ca::SUBJECT].clone();
    sub_ca[mini_ca::SUBJECT] =
        mini_ca::name(&[(mini_ca::COMMON_NAME, 0x0c, "ishare-jwt Test Sub CA")]);
    sub_ca[mini_ca::SPKI] =
        mini_ca::tbs_fields(&mini_ca::chain("client-4096.chain.pem")[0])[mini_ca::SPKI].clone();
    mini_ca::with_extension(
        &mut sub_ca,
        mini_ca::extension(ext::BASIC_CONSTRAINTS, true, ext::CA_TRUE),
    );
    mini_ca::with_extension(
        &mut sub_ca,
        mini_ca::extension(ext::KEY_USAGE, true, ext::KU_KEY_CERT_SIGN),
    );
    let sub_ca_subject = sub_ca[mini_ca::SUBJECT].clone();
    let sub_ca = mini_ca::signed(sub_ca, &intermediate_key, mini_ca::Scheme::Pkcs1Sha256);
    let leaf = mini_ca::reissued(&chain[0], &sub_ca_key, |f| {
        f[mini_ca::ISSUER] = sub_ca_subject
    });
    cases.push((
        "path_len_0_above_another_ca",
        vec![leaf, sub_ca, chain[1].clone(), chain[2].clone()],
        "certificate_usage",
    ));
    let mut out: Vec<Value> = cases
        .into_iter()
        .map(|(name, chain, expect)| {
            case(
                name,
                token(&chain),
                expect,
                "a certificate path rule (SECURITY.md)",
            )
        })
        .collect();
    // A self-signed CA leaf, pinned by its own fingerprint.
    let mut pinned = mini_ca::tbs_fields(&chain[0]);
    pinned[mini_ca::ISSUER] = pinned[mini_ca::SUBJECT].clone();
    mini_ca::with_extension(
        &mut pinned,
        mini_ca::extension(ext::BASIC_CONSTRAINTS, true, ext::CA_TRUE),
    );
    mini_ca::with_extension(
        &mut pinned,
        mini_ca::extension(ext::KEY_USAGE, true, ext::KU_SIGNATURE_AND_CERT_SIGN),
    );
    let pinned = mini_ca::signed(pinned, &key, mini_ca::Scheme::Pkcs1Sha256);
    let mut pinned_case = case(
        "pinned_self_signed_ca_leaf",
        token(std::slice::from_ref(&pinned)),
        "valid",
        "a CA:TRUE leaf that is itself the trust anchor",
    );
    pinned_case["verifier"]["trusted_roots"] = json!([mini_ca::sha256_hex(&pinned)]);
    out.push(pinned_case);
    out
}

#[allow(dead_code)] // used when run as an example; the core's test includes this file too
fn main() {
    println!("{}", cases());
}
