//! `--key pkcs11:…` end to end, against the SoftHSM token `scripts/test
//! pkcs11` makes (see pkcs11/tests/softhsm.rs for what it holds). Ignored
//! without it: `scripts/test pkcs11` runs them with `--include-ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use std::process::{Command, Output};
use std::sync::{Mutex, PoisonError};

const CLIENT: &str = "EU.EORI.NL000000001";
const SERVER: &str = "EU.EORI.NL000000000";
const ROOT_SHA256: &str = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69";
const T0: &str = "1767225600";
const T0_PLUS_1: &str = "1767225601";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run these tests through `scripts/test pkcs11`")
    })
}

fn uri(object: &str, query: &str) -> String {
    format!(
        "pkcs11:token={};object={object};type=private?module-path={}{query}",
        env("ISHARE_TEST_PKCS11_TOKEN"),
        env("ISHARE_TEST_PKCS11_MODULE")
    )
}

fn vector(name: &str) -> String {
    format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// SoftHSM's file store is not made for several processes at once (one
/// process reading the token while another logs in now and then reads
/// CKR_GENERAL_ERROR): one command at a time.
static ONE_PROCESS: Mutex<()> = Mutex::new(());

/// Runs the command with `pin` (or none) in ISHARE_PKCS11_PIN.
fn run(args: &[&str], pin: Option<&str>) -> Output {
    let _alone = ONE_PROCESS.lock().unwrap_or_else(PoisonError::into_inner);
    let mut command = Command::new(env!("CARGO_BIN_EXE_ishare-jwt"));
    command.args(args).env_remove("ISHARE_PKCS11_PIN");
    if let Some(pin) = pin {
        command.env("ISHARE_PKCS11_PIN", pin);
    }
    command.output().unwrap()
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
        .to_owned()
}

fn stderr(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

/// `<command> --key <key> [--chain <chain>] --client … --audience … --now T0 <extra…>`.
fn sign(
    command: &str,
    key: &str,
    chain: Option<&str>,
    extra: &[&str],
    pin: Option<&str>,
) -> Output {
    let mut args = vec![command, "--key", key];
    if let Some(chain) = chain {
        args.extend(["--chain", chain]);
    }
    args.extend(["--client", CLIENT, "--audience", SERVER]);
    if command != "token" {
        args.extend(["--now", T0]);
    }
    args.extend_from_slice(extra);
    run(&args, pin)
}

/// The normal verifier, from the command line.
fn verify(command: &str, token: &str) -> String {
    stdout(&run(
        &[
            command,
            "--audience",
            SERVER,
            "--trust-sha256",
            ROOT_SHA256,
            "--now",
            T0_PLUS_1,
            token,
        ],
        None,
    ))
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn assertion_sign_jwt_and_token_request_sign_on_the_token() {
    let pin = env("ISHARE_TEST_PKCS11_PIN");
    let chain = vector("client-eori.chain.pem");
    // The PIN from a file the URI names, the chain from PEM.
    let pin_file = std::env::temp_dir().join(format!("ishare-cli-pin-{}", std::process::id()));
    std::fs::write(&pin_file, format!("{pin}\n")).unwrap();
    let key = uri(
        "client-eori",
        &format!("&pin-source=file:{}", pin_file.display()),
    );
    let token = stdout(&sign("assertion", &key, Some(&chain), &[], None));
    std::fs::remove_file(&pin_file).unwrap();
    let claims = verify("verify", &token);
    assert!(
        claims.contains(&format!("\"client_id\":\"{CLIENT}\"")),
        "{claims}"
    );

    // The PIN from ISHARE_PKCS11_PIN, the chain read from the token.
    let key = uri("client-eori", "");
    let jwt = stdout(&sign(
        "sign-jwt",
        &key,
        None,
        &["--claims", r#"{"capabilities":[]}"#],
        Some(&pin),
    ));
    let payload = verify("verify-jwt", &jwt);
    assert!(payload.contains("\"capabilities\""), "{payload}");

    let form = stdout(&sign("token-request", &key, None, &[], Some(&pin)));
    let assertion = form
        .split('&')
        .find_map(|pair| pair.strip_prefix("client_assertion="))
        .unwrap();
    verify("verify", assertion);
}

#[test]
#[ignore = "needs the SoftHSM token of scripts/test pkcs11"]
fn device_failures_say_key_store_or_key_mismatch_and_never_the_pin() {
    let wrong = "55555-wrong-pin";
    let message = stderr(&sign(
        "assertion",
        &uri("client-eori", ""),
        None,
        &[],
        Some(wrong),
    ));
    assert!(
        message.starts_with("error: key_store: PKCS#11 token \"")
            && message.contains("object \"client-eori\"")
            && message.contains("the PIN is wrong"),
        "{message}"
    );
    assert!(!message.contains(wrong), "{message}");

    let pin = env("ISHARE_TEST_PKCS11_PIN");
    let message = stderr(&sign(
        "assertion",
        &uri("missing", ""),
        None,
        &[],
        Some(&pin),
    ));
    assert!(
        message.starts_with("error: key_store: ") && message.contains("object \"missing\""),
        "{message}"
    );

    let chain = vector("client-eori.chain.pem");
    let message = stderr(&sign(
        "assertion",
        &uri("other", ""),
        Some(&chain),
        &[],
        Some(&pin),
    ));
    assert!(message.starts_with("error: key_mismatch: "), "{message}");

    let message = stderr(&sign(
        "assertion",
        "pkcs11:object=client-eori;bad",
        None,
        &[],
        Some(&pin),
    ));
    assert!(
        message.starts_with("error: invalid_argument: PKCS#11 URI path attribute \"bad\""),
        "{message}"
    );
}

#[test]
fn a_key_file_still_needs_its_chain() {
    let key = vector("client-eori.key.pem");
    let message = stderr(&sign("assertion", &key, None, &[], None));
    assert!(
        message.starts_with("error: invalid_argument: --chain is required with a key file"),
        "{message}"
    );
}
