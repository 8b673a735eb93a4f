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

#[allow(dead_code)] // used when run as an example; the core's test includes this file too
fn main() {
    println!("{}", cases());
}
