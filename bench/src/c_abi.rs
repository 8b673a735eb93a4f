//! The C ABI, timed from C (`bench/c/bench_c.c`, built by `scripts/bench`
//! against `libishare_jwt.a`): its string conversions, panic boundary and
//! locking included.

use std::process::Command;

use crate::rust_cases::pki;

/// Runs the C benchmark binary: (sign, warm verify) in microseconds.
pub fn run(binary: &str, seconds: f64) -> Result<(f64, f64), String> {
    let dir = format!("{}/../testdata/pki", env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(binary)
        .arg(format!("{dir}/client-eori.key.pem"))
        .arg(format!("{dir}/client-eori.chain.pem"))
        .arg(pki("root-ca.sha256").trim())
        .arg(seconds.to_string())
        .output()
        .map_err(|e| format!("{binary}: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
            .ok_or_else(|| format!("no {name} in {text}"))
    };
    Ok((value("sign_us")?, value("verify_us")?))
}
