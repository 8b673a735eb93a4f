//! References measured in the same run: `openssl speed`, PyJWT, and our
//! wheel through Python; plus the CLI's start-up time and peak RSS.

use std::process::Command;
use std::time::Instant;

use crate::rust_cases::{CLIENT, SERVER, pki};

fn pki_path(name: &str) -> String {
    format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `openssl speed rsa2048`: (sign, verify) in microseconds. Wall-clock time
/// (`-elapsed`), as every row of ours is measured: openssl's default divisor,
/// CPU user time, leaves out the time other load takes from it.
pub fn openssl_speed() -> Option<(f64, f64)> {
    let output = Command::new("openssl")
        .args(["speed", "-elapsed", "-seconds", "3", "rsa2048"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    // "rsa 2048 bits 0.000716s 0.000021s   1396.7  48235.3"
    let line = text.lines().find(|l| l.starts_with("rsa 2048 bits"))?;
    let mut seconds = line
        .split_whitespace()
        .filter_map(|w| w.strip_suffix('s')?.parse::<f64>().ok());
    Some((seconds.next()? * 1e6, seconds.next()? * 1e6))
}

const PYTHON_BENCH: &str = r#"
import base64, json, statistics, sys, time, timeit, uuid
import ishare_jwt, jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key

key_pem, chain_pem = open(sys.argv[1]).read(), open(sys.argv[2]).read()
root, client, server = sys.argv[3], sys.argv[4], sys.argv[5]
now = int(time.time())

def per_op(fn):
    n = 1
    while timeit.timeit(fn, number=n) < 0.1:
        n *= 2
    return statistics.median(timeit.timeit(fn, number=n) / n for _ in range(7)) * 1e6

signer = ishare_jwt.Signer.from_pem(key_pem, chain_pem, client)
verifier = ishare_jwt.Verifier(server, [root], replay_protection=False)
token = signer.client_assertion(server, now=now)
verifier.verify(token, now=now)
result = {
    "backend": ishare_jwt.BACKEND,
    "ours_sign": per_op(lambda: signer.client_assertion(server, now=now)),
    "ours_verify": per_op(lambda: verifier.verify(token, now=now)),
}

private_key = load_pem_private_key(key_pem.encode(), None)
certificates = x509.load_pem_x509_certificates(chain_pem.encode())
x5c = [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in certificates]
public_key = certificates[0].public_key()

def pyjwt_sign():
    claims = {"iss": client, "sub": client, "aud": server, "jti": str(uuid.uuid4()),
              "iat": now, "nbf": now, "exp": now + 30}
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"x5c": x5c})

pyjwt_token = pyjwt_sign()
def pyjwt_verify():  # signature and claims only: PyJWT checks no chain
    jwt.decode(pyjwt_token, public_key, algorithms=["RS256"], audience=server, issuer=client,
               options={"require": ["iss", "sub", "aud", "jti", "iat", "exp"]})
pyjwt_verify()
result["pyjwt_sign"] = per_op(pyjwt_sign)
result["pyjwt_verify"] = per_op(pyjwt_verify)
print(json.dumps(result))
"#;

/// Our wheel and PyJWT, timed by `python` (a venv with both installed): the
/// wheel's `BACKEND`, and (ours sign, ours verify, PyJWT sign, PyJWT verify)
/// in microseconds.
pub fn python(python: &str) -> Result<(String, [f64; 4]), String> {
    let output = Command::new(python)
        .args(["-c", PYTHON_BENCH])
        .args([
            pki_path("client-eori.key.pem"),
            pki_path("client-eori.chain.pem"),
            pki("root-ca.sha256").trim().to_string(),
            CLIENT.to_string(),
            SERVER.to_string(),
        ])
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let result: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{e} in {text}"))?;
    let field = |name: &str| {
        result[name]
            .as_f64()
            .ok_or_else(|| format!("{name} in {text}"))
    };
    let backend = result["backend"]
        .as_str()
        .ok_or_else(|| format!("backend in {text}"))?
        .to_string();
    Ok((
        backend,
        [
            field("ours_sign")?,
            field("ours_verify")?,
            field("pyjwt_sign")?,
            field("pyjwt_verify")?,
        ],
    ))
}

/// Our Rust rows measured by `bench` (this harness built with another
/// backend) run with `--rust-only`: (name, µs, allocations, bytes) per row.
pub fn rust_only(
    bench: &str,
    seconds: f64,
    label: &str,
) -> Result<Vec<(String, f64, f64, f64)>, String> {
    let output = Command::new(bench)
        .args(["--rust-only", "--label", label, "--seconds"])
        .arg(seconds.to_string())
        .output()
        .map_err(|e| format!("{bench}: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let number = |i: usize| -> Result<f64, String> {
                fields
                    .get(i)
                    .and_then(|f| f.parse().ok())
                    .ok_or_else(|| format!("unexpected line from {bench}: {line}"))
            };
            Ok((fields[0].to_string(), number(1)?, number(2)?, number(3)?))
        })
        .collect()
}

/// A one-shot `ishare-jwt assertion`: (median wall time in ms, peak RSS in KiB).
pub fn cli_one_shot(cli: &str, runs: usize) -> Result<(f64, u64), String> {
    let args = [
        "assertion".to_string(),
        "--key".into(),
        pki_path("client-eori.key.pem"),
        "--chain".into(),
        pki_path("client-eori.chain.pem"),
        "--client".into(),
        CLIENT.into(),
        "--audience".into(),
        SERVER.into(),
    ];
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let output = Command::new(cli)
            .args(&args)
            .output()
            .map_err(|e| format!("{cli}: {e}"))?;
        times.push(start.elapsed().as_secs_f64() * 1e3);
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
    }
    times.sort_by(f64::total_cmp);
    let rss = Command::new("python3")
        .args([
            "-c",
            "import resource,subprocess,sys; subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
            cli,
        ])
        .args(&args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0);
    Ok((times[times.len() / 2], rss))
}
