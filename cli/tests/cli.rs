//! The `ishare-jwt` command end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use std::io::Write;
use std::process::{Command, Output, Stdio};

const CLIENT: &str = "EU.EORI.NL000000101";
const SERVER: &str = "EU.EORI.NL000000100";
const NOW: &str = "1798761600";

fn pki(name: &str) -> String {
    format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn root_sha256() -> String {
    std::fs::read_to_string(pki("root-ca.sha256"))
        .unwrap()
        .trim()
        .to_string()
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ishare-jwt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

fn assertion(extra: &[&str]) -> String {
    let (key, chain) = (pki("client-eori.key.pem"), pki("client-eori.chain.pem"));
    let mut args = vec![
        "assertion",
        "--key",
        &key,
        "--chain",
        &chain,
        "--client",
        CLIENT,
        "--audience",
        SERVER,
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    stdout(&run(&args, None))
}

/// `ishare-jwt verify --audience SERVER <trust_flag> <root> --now <now> <extra…>`.
fn verify(trust_flag: &str, root: &str, now: &str, extra: &[&str], stdin: Option<&str>) -> Output {
    let mut args = vec![
        "verify",
        "--audience",
        SERVER,
        trust_flag,
        root,
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    run(&args, stdin)
}

#[test]
fn assertion_then_verify_prints_the_claims_as_json() {
    let token = assertion(&["--jti", "cli-1"]);
    let root = root_sha256();
    let output = verify(
        "--trust-sha256",
        &root,
        NOW,
        &["--client", CLIENT, &token],
        None,
    );
    let claims: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(claims["client_id"], CLIENT);
    assert_eq!(claims["jti"], "cli-1");
    assert_eq!(claims["expires_at"], 1_798_761_630);
}

#[test]
fn verify_reads_stdin_and_accepts_a_pem_root() {
    let token = assertion(&[]);
    let root = pki("root-ca.pem");
    let output = verify(
        "--trust",
        &root,
        NOW,
        &["-"],
        Some(&format!(
            "{token}
"
        )),
    );
    assert!(stdout(&output).contains(CLIENT));
}

#[test]
fn a_refused_token_prints_kind_and_detail_and_exits_1() {
    let token = assertion(&[]);
    let root = root_sha256();
    let output = verify("--trust-sha256", &root, "1798761630", &[&token], None);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: expired: "), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn version_names_the_release_and_the_rsa_backend() {
    let printed = stdout(&run(&["--version"], None));
    // The binary links the same build of the core as this test.
    let backend = ishare_jwt::BACKEND;
    assert!(["rust-crypto", "aws-lc"].contains(&backend), "{backend}");
    assert_eq!(
        printed,
        format!("ishare-jwt {} ({backend})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = run(&["verify", "--audience", SERVER], None);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["no-such-command"], None);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn token_request_prints_a_form_body() {
    let (key, chain) = (pki("client-eori.key.pem"), pki("client-eori.chain.pem"));
    let body = stdout(&run(
        &[
            "token-request",
            "--key",
            &key,
            "--chain",
            &chain,
            "--client",
            CLIENT,
            "--audience",
            SERVER,
            "--scope",
            "iSHARE extra",
        ],
        None,
    ));
    assert!(body.starts_with("grant_type=client_credentials&scope=iSHARE+extra&client_id=EU.EORI.NL000000101&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=ey"), "{body}");
}

#[test]
fn inspect_decodes_and_says_it_did_not_verify() {
    let token = assertion(&["--jti", "look"]);
    let text = stdout(&run(&["inspect", &token], None));
    assert!(text.starts_with("NOT VERIFIED"), "{text}");
    assert!(text.contains("\"jti\": \"look\""), "{text}");
    let output = run(&["inspect", "not-a-token"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: malformed: "));
}

#[test]
fn missing_files_are_named() {
    let output = run(
        &[
            "assertion",
            "--key",
            "/nonexistent.pem",
            "--chain",
            "/x",
            "--client",
            CLIENT,
            "--audience",
            SERVER,
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent.pem"));
}

#[test]
fn demo_signs_verifies_and_refuses_the_replay() {
    let text = stdout(&run(&["demo"], None));
    assert!(text.contains("server verified it"), "{text}");
    assert!(text.contains("it is refused: replay"), "{text}");
    assert!(
        text.ends_with("demo complete: signed, verified, replay refused"),
        "{text}"
    );
}

#[test]
fn demo_outside_a_checkout_names_the_missing_test_pki() {
    let empty = std::env::temp_dir().join(format!("ishare-jwt-demo-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let output = run(&["demo", "--pki", empty.to_str().unwrap()], None);
    std::fs::remove_dir_all(&empty).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("client-eori.key.pem"), "{stderr}");
}

/// Review finding L5: text from a token never reaches the terminal raw.
#[test]
fn hidden_characters_from_a_token_are_escaped_in_every_output() {
    // verify's JSON: a bidi override in jti arrives as a JSON escape.
    let token = assertion(&["--jti", "a\u{202e}b"]);
    let output = verify("--trust-sha256", &root_sha256(), NOW, &[&token], None);
    let printed = stdout(&output);
    assert!(!printed.contains('\u{202e}'), "{printed}");
    assert!(printed.contains("a\\u202eb"), "{printed}");
    let claims: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(claims["jti"], "a\u{202e}b");

    // Error messages: a client_id with a bidi override is quoted escaped.
    let output = verify(
        "--trust-sha256",
        &root_sha256(),
        NOW,
        &["--client", "EU.EORI.NL1\u{202e}", &token],
        None,
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("client_id_mismatch"), "{stderr}");
    assert!(
        !stderr.contains('\u{202e}') && stderr.contains("\\u{202e}"),
        "{stderr}"
    );

    // inspect of a header that is not JSON: ESC, BEL and an OSC sequence.
    use base64ct::{Base64UrlUnpadded, Encoding};
    let header = Base64UrlUnpadded::encode_string(b"\x1b]0;owned\x07\x1b[2J\xe2\x80\xae");
    let output = run(&["inspect", &format!("{header}.e30.c2ln")], None);
    let printed = stdout(&output);
    assert!(
        !printed.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "{printed:?}"
    );
    assert!(printed.contains("\\u{1b}]0;owned\\u{7}"), "{printed}");
}

const SATELLITE: &str = "EU.EORI.NL000000100";

/// `sign-jwt` as the satellite (server-eori) to the client, with `claims`.
fn satellite_jwt(claims: &str) -> Output {
    let (key, chain) = (pki("server-eori.key.pem"), pki("server-eori.chain.pem"));
    run(
        &[
            "sign-jwt",
            "--key",
            &key,
            "--chain",
            &chain,
            "--client",
            SATELLITE,
            "--audience",
            CLIENT,
            "--now",
            NOW,
            "--claims",
            claims,
        ],
        None,
    )
}

/// `verify-jwt` (or `check-party`) as the client, expecting the satellite.
fn client_verifies(command: &str, token: &str, extra: &[&str]) -> Output {
    let root = root_sha256();
    let mut args = vec![
        command,
        "--audience",
        CLIENT,
        "--trust-sha256",
        &root,
        "--issuer",
        SATELLITE,
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    args.push(token);
    run(&args, None)
}

#[test]
fn sign_jwt_then_verify_jwt_prints_the_whole_payload() {
    let claims = r#"{"capabilities_info":{"party_id":"EU.EORI.NL000000100","supported_versions":[{"version":"2.0","note":"Grüße 😀"}]}}"#;
    let token = stdout(&satellite_jwt(claims));
    let payload: serde_json::Value =
        serde_json::from_str(&stdout(&client_verifies("verify-jwt", &token, &[]))).unwrap();
    assert_eq!(payload["iss"], SATELLITE);
    assert_eq!(payload["aud"], CLIENT);
    assert_eq!(
        payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(),
        30
    );
    let expected: serde_json::Value = serde_json::from_str(claims).unwrap();
    assert_eq!(payload["capabilities_info"], expected["capabilities_info"]);

    // From a file, and refused when it sets an envelope claim.
    let dir = std::env::temp_dir().join(format!("ishare-jwt-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("claims.json");
    std::fs::write(&file, r#"{"iss":"EU.EORI.NL000000999"}"#).unwrap();
    let refused = satellite_jwt(&format!("@{}", file.display()));
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.starts_with("error: invalid_argument: ") && stderr.contains("iss"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // Another issuer expected: refused with its kind.
    let root = root_sha256();
    let output = run(
        &[
            "verify-jwt",
            "--audience",
            CLIENT,
            "--trust-sha256",
            &root,
            "--issuer",
            "EU.EORI.NL000000999",
            "--now",
            NOW,
            &token,
        ],
        None,
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: issuer_mismatch: "), "{stderr}");
}

#[test]
fn check_party_prints_the_party_or_says_why_not() {
    // The client's certificate fingerprint, from verifying its assertion.
    let assertion = assertion(&[]);
    let verified = verify("--trust-sha256", &root_sha256(), NOW, &[&assertion], None);
    let claims: serde_json::Value = serde_json::from_str(&stdout(&verified)).unwrap();
    let leaf = claims["leaf_sha256"].as_str().unwrap().to_string();
    let parties = serde_json::json!({"parties_info": {"count": 1, "data": [{
        "party_id": CLIENT, "party_name": "Demo Client",
        "adherence": {"status": "Active", "start_date": "2025-01-01T00:00:00Z", "end_date": "2045-01-01T00:00:00Z"},
        "certificates": [{"x5t#S256": leaf.to_lowercase()}]}]}});
    let token = stdout(&satellite_jwt(&parties.to_string()));

    let info: serde_json::Value = serde_json::from_str(&stdout(&client_verifies(
        "check-party",
        &token,
        &["--party", CLIENT, "--leaf-sha256", &leaf],
    )))
    .unwrap();
    assert_eq!(info["party_name"], "Demo Client");
    assert_eq!(info["status"], "Active");
    assert_eq!(info["start"], 1_735_689_600);

    for (extra, kind) in [
        (vec!["--party", "EU.EORI.NL000000999"], "party_unknown"),
        (
            vec!["--party", CLIENT, "--leaf-sha256", &"0".repeat(64)],
            "party_certificate_unknown",
        ),
    ] {
        let output = client_verifies("check-party", &token, &extra);
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with(&format!("error: {kind}: ")), "{stderr}");
    }
}

/// `ishare-jwt token` as the demo client against `url`.
fn token_command(url: &str, extra: &[&str]) -> Output {
    let (key, chain) = (pki("client-eori.key.pem"), pki("client-eori.chain.pem"));
    let mut args = vec![
        "token",
        "--key",
        &key,
        "--chain",
        &chain,
        "--client",
        CLIENT,
        "--audience",
        SERVER,
        "--url",
        url,
    ];
    args.extend_from_slice(extra);
    run(&args, None)
}

#[test]
fn token_fetches_an_access_token_from_a_real_endpoint() {
    let endpoint = ishare_jwt_test_endpoint::Endpoint::start(0).unwrap();
    let url = format!("{}/connect/token", endpoint.base_url());
    assert_eq!(stdout(&token_command(&url, &[])), "token-1");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&token_command(&url, &["--json"]))).unwrap();
    assert_eq!(
        (json["access_token"].as_str(), json["expires_in"].as_i64()),
        (Some("token-2"), Some(3600))
    );
    assert_eq!(endpoint.token_requests(), 2);

    // A refusal: the server's error code and description, exit 1.
    let output = token_command(&format!("{url}?fail=400"), &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: token_endpoint: 400 invalid_client: refused as the test asked"),
        "{stderr}"
    );
    // The wrong audience: the endpoint's verifier refuses the assertion.
    let (key, chain) = (pki("client-eori.key.pem"), pki("client-eori.chain.pem"));
    let output = run(
        &[
            "token",
            "--key",
            &key,
            "--chain",
            &chain,
            "--client",
            CLIENT,
            "--audience",
            "EU.EORI.NL000000999",
            "--url",
            &url,
        ],
        None,
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("400 invalid_client: audience:"), "{stderr}");
    let output = token_command(&format!("{url}?fail=500"), &[]);
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .starts_with("error: token_endpoint: 500")
    );
}

#[test]
fn token_reports_network_failures_within_the_timeout() {
    // A port nobody listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = token_command(&format!("http://127.0.0.1:{port}/connect/token"), &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: network: POST http://127.0.0.1:"),
        "{stderr}"
    );

    let endpoint = ishare_jwt_test_endpoint::Endpoint::start(0).unwrap();
    let slow = format!("{}/connect/token?delay_ms=3000", endpoint.base_url());
    let started = std::time::Instant::now();
    let output = token_command(&slow, &["--timeout", "0.5"]);
    assert!(started.elapsed() < std::time::Duration::from_millis(2500));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: network: ") && stderr.to_lowercase().contains("timeout"),
        "{stderr}"
    );
}

#[path = "../../core/tests/common/mini_ca.rs"]
mod mini_ca;

/// The certificate path rules reach the command line: a leaf whose
/// keyUsage does not allow signing is refused with `certificate_usage`,
/// one allowing only contentCommitment (eIDAS seals) is accepted.
#[test]
fn verify_applies_the_certificate_path_rules() {
    let chain = mini_ca::chain("client-eori.chain.pem");
    let intermediate = mini_ca::key("intermediate-ca");
    let with_key_usage = |bits: &[u8]| {
        let mut changed = chain.clone();
        let usage = mini_ca::extension(mini_ca::ext::KEY_USAGE, true, bits);
        changed[0] = mini_ca::reissued(&chain[0], &intermediate, |f| {
            mini_ca::with_extension(f, usage)
        });
        mini_ca::assertion(
            &changed,
            &mini_ca::key("client-eori"),
            CLIENT,
            SERVER,
            NOW.parse().unwrap(),
        )
    };
    let refused = verify(
        "--trust-sha256",
        &root_sha256(),
        NOW,
        &[&with_key_usage(mini_ca::ext::KU_KEY_ENCIPHERMENT)],
        None,
    );
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.starts_with("error: certificate_usage: x5c[0] may not sign"),
        "{stderr}"
    );
    let accepted = verify(
        "--trust-sha256",
        &root_sha256(),
        NOW,
        &[&with_key_usage(mini_ca::ext::KU_CONTENT_COMMITMENT)],
        None,
    );
    stdout(&accepted);
}

#[test]
fn a_reader_that_went_away_ends_the_command_quietly_and_not_as_a_success() {
    // The read end is closed before the command starts, so its first write
    // meets a broken pipe, as `ishare-jwt demo | head -c 0` would.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    for args in [
        &["demo"][..],
        &[
            "explain",
            "--audience",
            SERVER,
            "--trust-sha256",
            &root_sha256(),
            "a.b.c",
        ],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_ishare-jwt"))
            .args(args)
            .stdout(writer.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(141), "{args:?}: {stderr}");
    }
}
