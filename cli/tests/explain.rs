//! `ishare-jwt explain` and `ishare-jwt check-signer`, end to end: the
//! report's verdict is `verify`'s on every shared vector, JWT vector and
//! hostile input; two broken rules show as two failures; exit codes, JSON
//! and colour.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests fail by panicking
// hostile_cases.rs brings its own copy of common/mini_ca.rs.
#![allow(clippy::duplicate_mod)]

#[path = "../../core/examples/hostile_cases.rs"]
mod hostile_cases;

use std::io::Write;
use std::process::{Command, Output, Stdio};

const CLIENT: &str = "EU.EORI.NL000000101";
const SERVER: &str = "EU.EORI.NL000000100";
const NOW: i64 = 1_798_761_600;

fn repo(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

/// The command with `args`, `stdin` written from another thread (a command
/// that stops reading early must not fail the test).
fn run(args: &[String], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ishare-jwt"));
    command.env_remove("NO_COLOR");
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

/// `--audience`, `--trust…`, `--now`, `--leeway` (and `--client` or
/// `--issuer`) of a vector's verifier. PEM roots go into files in `dir`.
fn verifier_args(v: &serde_json::Value, dir: &std::path::Path, jwt: bool) -> Vec<String> {
    let mut args = strings(&["--audience", v["audience"].as_str().unwrap()]);
    for (i, root) in v["trusted_roots"].as_array().unwrap().iter().enumerate() {
        let root = root.as_str().unwrap();
        if root.contains("-----BEGIN") {
            let path = dir.join(format!("root-{i}.pem"));
            std::fs::write(&path, root).unwrap();
            args.extend(["--trust".to_owned(), path.display().to_string()]);
        } else {
            args.extend(["--trust-sha256".to_owned(), root.to_owned()]);
        }
    }
    args.extend([
        "--now".to_owned(),
        v["now"].as_i64().unwrap().to_string(),
        "--leeway".to_owned(),
        v["leeway"].as_u64().unwrap_or(0).to_string(),
    ]);
    let (flag, who) = if jwt {
        ("--issuer", &v["issuer"])
    } else {
        ("--client", &v["client_id"])
    };
    if let Some(who) = who.as_str() {
        args.extend([flag.to_owned(), who.to_owned()]);
    }
    args
}

/// The kind in `error: <kind>: …` on standard error.
fn error_kind(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .strip_prefix("error: ")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no error line: {stderr}"))
        .to_owned()
}

/// `verify` (or `verify-jwt`) and `explain --json` (with `--jwt`) on every
/// vector of `vectors`; the mismatches.
fn disagreements(vectors: &serde_json::Value, jwt: bool) -> (usize, Vec<String>) {
    let dir = tempdir();
    let mut failures = Vec::new();
    let cases = vectors["vectors"].as_array().unwrap();
    for vector in cases {
        let name = vector["name"].as_str().unwrap();
        let token = vector["token"].as_str().unwrap();
        let common = verifier_args(&vector["verifier"], &dir, jwt);
        let mut verify = strings(&[if jwt { "verify-jwt" } else { "verify" }]);
        verify.extend(common.iter().cloned());
        verify.push("-".to_owned());
        let mut explain = strings(&["explain", "--json"]);
        if jwt {
            explain.push("--jwt".to_owned());
        }
        explain.extend(common);
        explain.push("-".to_owned());

        let verified = run(&verify, token, &[]);
        let explained = run(&explain, token, &[]);
        let expected = (!verified.status.success()).then(|| error_kind(&verified));
        if explained.stdout.is_empty() {
            // Not explainable at all (a verifier the vector cannot make):
            // the same error as verify's.
            let found = (!explained.status.success()).then(|| error_kind(&explained));
            if found != expected || explained.status.code() != Some(1) {
                failures.push(format!("{name}: verify {expected:?}, explain {found:?}"));
            }
            continue;
        }
        let report = parse_report(name, &explained.stdout);
        let verdict = report["verdict"].as_str().unwrap();
        let kind = report["kind"].as_str().map(str::to_owned);
        let first_failure = report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["status"] == "fail")
            .map(|r| r["kind"].as_str().unwrap().to_owned());
        let exit = explained.status.code();
        let agrees = kind == expected
            && first_failure == expected
            && (verdict == "accepted") == expected.is_none()
            && exit == Some(if expected.is_none() { 0 } else { 1 });
        if !agrees {
            failures.push(format!(
                "{name}: verify {expected:?}; explain {verdict} {kind:?}, first failure {first_failure:?}, exit {exit:?}"
            ));
        }
    }
    (cases.len(), failures)
}

/// The JSON report. `serde_json` (without `arbitrary_precision`) refuses
/// numbers beyond an f64, which RFC 8259 §6 allows and the claims of the
/// hostile case `claims_iat_1e400` carry: read that one with the number
/// swapped out.
fn parse_report(name: &str, stdout: &[u8]) -> serde_json::Value {
    let text = std::str::from_utf8(stdout).unwrap();
    serde_json::from_str(text)
        .or_else(|e| {
            if name == "claims_iat_1e400" {
                serde_json::from_str(&text.replace("1e400", "0"))
            } else {
                Err(e)
            }
        })
        .unwrap_or_else(|e| panic!("{name}: explain --json is not JSON: {e}\n{text}"))
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ishare-jwt-cli-explain-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_file(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(repo(path)).unwrap()).unwrap()
}

#[test]
fn explain_agrees_with_verify_on_every_shared_vector() {
    let (count, failures) = disagreements(&json_file("tests/vectors/vectors.json"), false);
    assert!(count > 40, "{count} vectors");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn explain_jwt_agrees_with_verify_jwt_on_every_jwt_vector() {
    let (count, failures) = disagreements(&json_file("tests/vectors/jwt/vectors.json"), true);
    assert!(count >= 14, "{count} vectors");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn explain_agrees_with_verify_on_every_hostile_input() {
    let (count, failures) = disagreements(&hostile_cases::cases(), false);
    assert!(count > 20, "{count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn pki(name: &str) -> String {
    repo(&format!("testdata/pki/{name}"))
}

/// A client assertion from the repository's test PKI for `audience`,
/// issued at NOW.
fn assertion(audience: &str) -> String {
    let args = strings(&[
        "assertion",
        "--key",
        &pki("client-eori.key.pem"),
        "--chain",
        &pki("client-eori.chain.pem"),
        "--client",
        CLIENT,
        "--audience",
        audience,
        "--now",
        &NOW.to_string(),
    ]);
    let output = run(&args, "", &[]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn explain(extra: &[&str], now: i64, token: &str, env: &[(&str, &str)]) -> Output {
    let root = std::fs::read_to_string(pki("root-ca.sha256")).unwrap();
    let mut args = strings(&[
        "explain",
        "--audience",
        SERVER,
        "--trust-sha256",
        root.trim(),
        "--now",
        &now.to_string(),
    ]);
    args.extend(strings(extra));
    args.push(token.to_owned());
    run(&args, "", env)
}

#[test]
fn a_token_breaking_two_rules_shows_both_and_exits_1() {
    let token = assertion("EU.EORI.NL000000999");
    let table = explain(&[], NOW + 3600, &token, &[]);
    assert_eq!(table.status.code(), Some(1));
    let text = String::from_utf8(table.stdout).unwrap();
    let failed: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("✗ "))
        .map(|rest| rest.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(failed, ["audience", "not_expired"], "{text}");
    assert!(text.lines().any(|l| l.starts_with("✓ lifetime")), "{text}");
    assert!(text.trim_end().ends_with("refused: audience"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour in a pipe: {text}");

    let json = explain(&["--client", CLIENT, "--json"], NOW + 3600, &token, &[]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["verdict"], "refused");
    assert_eq!(report["kind"], "audience");
    let statuses: Vec<(&str, &str)> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail")
        .map(|r| (r["rule"].as_str().unwrap(), r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [("audience", "audience"), ("not_expired", "expired")]
    );
    assert_eq!(report["claims"]["aud"], "EU.EORI.NL000000999");
    assert_eq!(report["chain"].as_array().unwrap().len(), 3);
}

#[test]
fn an_accepted_token_exits_0_with_every_rule_passed() {
    let token = assertion(SERVER);
    let output = explain(&["--client", CLIENT], NOW + 1, &token, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.trim_end().ends_with("accepted"), "{text}");
    assert!(
        text.lines().take(17).all(|line| line.starts_with("✓ ")),
        "{text}"
    );
    let json = explain(&["--json"], NOW + 1, &token, &[]);
    assert_eq!(json.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["verdict"], "accepted");
    assert!(report["kind"].is_null());
    assert_eq!(report["header"]["alg"], "RS256");
}

#[test]
fn explain_takes_the_token_from_stdin_and_refuses_bad_options() {
    let token = assertion(SERVER);
    let root = std::fs::read_to_string(pki("root-ca.sha256")).unwrap();
    let args = strings(&[
        "explain",
        "--audience",
        SERVER,
        "--trust",
        &pki("root-ca.pem"),
        "--trust-sha256",
        root.trim(),
        "--now",
        &NOW.to_string(),
        "-",
    ]);
    let output = run(&args, &format!("{token}\n"), &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    let bad_root = explain(&["--trust-sha256", "abc"], NOW, &token, &[]);
    assert_eq!(bad_root.status.code(), Some(1));
    assert_eq!(error_kind(&bad_root), "invalid_trust_anchor");
    assert!(bad_root.stdout.is_empty());
    // --issuer belongs to --jwt; --client to client assertions.
    assert_eq!(
        explain(&["--issuer", CLIENT], NOW, &token, &[])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        explain(&["--jwt", "--client", CLIENT], NOW, &token, &[])
            .status
            .code(),
        Some(2)
    );
}

/// The table on a terminal (a pseudo-terminal from util-linux `script`):
/// coloured, unless `NO_COLOR` is set.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let token = assertion("EU.EORI.NL000000999");
    let root = std::fs::read_to_string(pki("root-ca.sha256")).unwrap();
    let command = format!(
        "{} explain --audience {SERVER} --trust-sha256 {} --now {NOW} {token}",
        env!("CARGO_BIN_EXE_ishare-jwt"),
        root.trim()
    );
    let on_terminal = |no_color: Option<&str>| {
        let mut script = Command::new("script");
        script
            .args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        if let Some(value) = no_color {
            script.env("NO_COLOR", value);
        }
        let output = script
            .output()
            .expect("util-linux `script` (Debian bsdutils) runs the command on a terminal");
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let coloured = on_terminal(None);
    assert!(
        coloured.contains("\u{1b}[31m✗\u{1b}[0m audience"),
        "{coloured}"
    );
    assert!(coloured.contains("\u{1b}[32m✓"), "{coloured}");
    let plain = on_terminal(Some("1"));
    assert!(!plain.contains('\u{1b}'), "{plain}");
    assert!(plain.contains("✗ audience"), "{plain}");
}

fn vectors_file(name: &str) -> String {
    repo(&format!("tests/vectors/{name}"))
}

fn check_signer(key: Option<&str>, chain: &str, client: &str, now: Option<i64>) -> Output {
    let mut args = strings(&["check-signer", "--chain", chain, "--client", client]);
    if let Some(key) = key {
        args.extend(strings(&["--key", key]));
    }
    if let Some(now) = now {
        args.extend(["--now".to_owned(), now.to_string()]);
    }
    run(&args, "", &[])
}

/// 2045-01-01T00:00:00Z: the notAfter of every certificate of
/// `tests/vectors/` but the expired one (tests/vectors/README.md).
const VECTORS_NOT_AFTER: i64 = 2_366_841_600;

#[test]
fn check_signer_prints_the_chain_and_its_end() {
    let output = check_signer(
        Some(&vectors_file("client-eori.key.pem")),
        &vectors_file("client-eori.chain.pem"),
        "EU.EORI.NL000000001",
        Some(1_767_225_600),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("x5c[0] C=NL, O=Client One (test)"), "{text}");
    assert!(
        text.contains("x5c[2] C=NL, O=Vector Test Root CA"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "not_after 2045-01-01T00:00:00Z ({VECTORS_NOT_AFTER})"
        )),
        "{text}"
    );
    assert!(!text.contains("warning"), "{text}");
}

#[test]
fn check_signer_refuses_an_expired_chain_and_a_time_outside_it() {
    let expired = check_signer(
        Some(&vectors_file("client-expired.key.pem")),
        &vectors_file("client-expired.chain.pem"),
        "EU.EORI.NL000000002",
        None,
    );
    assert_eq!(expired.status.code(), Some(1));
    let stderr = String::from_utf8(expired.stderr).unwrap();
    assert!(stderr.contains("x5c[0]"), "{stderr}");
    assert!(expired.stdout.is_empty());

    let later = check_signer(
        None,
        &vectors_file("client-eori.chain.pem"),
        "EU.EORI.NL000000001",
        Some(VECTORS_NOT_AFTER + 1),
    );
    assert_eq!(later.status.code(), Some(1));
    assert_eq!(error_kind(&later), "certificate_expired");
    let stderr = String::from_utf8(later.stderr).unwrap();
    assert!(stderr.contains("x5c[0] is not valid at"), "{stderr}");
}

#[test]
fn check_signer_warns_of_a_chain_without_its_root() {
    let chain = std::fs::read_to_string(vectors_file("client-eori.chain.pem")).unwrap();
    let blocks: Vec<&str> = chain
        .split_inclusive("-----END CERTIFICATE-----")
        .filter(|b| b.contains("BEGIN"))
        .collect();
    assert_eq!(blocks.len(), 3);
    let dir = tempdir();
    let without_root = dir.join("without-root.pem");
    std::fs::write(&without_root, blocks[..2].concat()).unwrap();
    let output = check_signer(
        Some(&vectors_file("client-eori.key.pem")),
        without_root.to_str().unwrap(),
        "EU.EORI.NL000000001",
        Some(1_767_225_600),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    let warning = text
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning: {text}"));
    assert!(warning.contains("root"), "{warning}");
    assert!(!text.contains("x5c[2]"), "{text}");
}
