//! The npm package in Node.js beside jose, measured in one Node process by
//! `npm/bench/bench.js`, and the size of its WebAssembly module
//! (`wasm-sizes.json`, written by `scripts/build-npm`).

use std::process::Command;

use crate::rust_cases::{CLIENT, SERVER, pki};
use crate::{Row, ratio};

fn pki_path(name: &str) -> String {
    format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A number field of a flat JSON object.
fn field(text: &str, name: &str) -> Result<f64, String> {
    let value: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|e| format!("{e}: {text}"))?;
    value
        .get(name)
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| format!("no number {name} in {text}"))
}

/// The Node rows, measured in `project` (a directory holding `bench.js`
/// with `ishare-jwt` and `jose` installed), and the module's sizes from
/// `sizes` as notes; or a note saying why not.
pub fn rows(
    project: &str,
    sizes: Option<&str>,
    seconds: f64,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) {
    eprintln!("measuring Node.js (WebAssembly) and jose …");
    let output = Command::new("node")
        .current_dir(project)
        .arg("bench.js")
        .args([
            pki_path("client-eori.key.pem"),
            pki_path("client-eori.chain.pem"),
            pki("root-ca.sha256").trim().to_string(),
            CLIENT.to_string(),
            SERVER.to_string(),
            seconds.to_string(),
        ])
        .output();
    let measured = match output {
        Ok(output) if output.status.success() => {
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            ["ours_sign", "ours_verify", "jose_sign", "jose_verify"]
                .map(|name| field(&text, name))
                .into_iter()
                .collect::<Result<Vec<_>, _>>()
                .map(|numbers| (numbers, text))
        }
        Ok(output) => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        Err(e) => Err(format!("node: {e}")),
    };
    match measured {
        Ok((numbers, text)) => {
            let [ours_sign, ours_verify, jose_sign, jose_verify] = numbers[..] else {
                return;
            };
            let node = serde_json::from_str::<serde_json::Value>(text.trim())
                .ok()
                .and_then(|v| v.get("node").and_then(|n| n.as_str()).map(str::to_owned))
                .unwrap_or_default();
            rows.push(Row {
                name: "ours: sign an assertion (Node.js, WebAssembly)".into(),
                micros: ours_sign,
                per_op: String::new(),
                versus: ratio(ours_sign, jose_sign, None, "jose sign"),
            });
            rows.push(Row {
                name: "ours: full verify, warm chain cache (Node.js, WebAssembly)".into(),
                micros: ours_verify,
                per_op: String::new(),
                versus: ratio(
                    ours_verify,
                    jose_verify,
                    Some(1.0),
                    "jose signature-only verify",
                ),
            });
            rows.push(Row {
                name: "jose: sign (Node.js, WebCrypto)".into(),
                micros: jose_sign,
                per_op: String::new(),
                versus: "reference".into(),
            });
            rows.push(Row {
                name: "jose: jwtVerify (signature + claims, no chain; Node.js, WebCrypto)".into(),
                micros: jose_verify,
                per_op: String::new(),
                versus: "reference".into(),
            });
            notes.push(format!(
                "Node.js rows (Node {node}): the packed npm package and jose in one process; ours verifies every iSHARE rule with replay protection off (as the Python row), jose the signature and claims with the leaf key imported once; jose's calls are awaited, ours are synchronous; verify's RSA public-key step runs in node:crypto (the npm package's Node entry hands it to the host), signing's RSA is the rsa crate compiled to wasm32"
            ));
        }
        Err(why) => notes.push(format!("Node.js not measured: {why}")),
    }
    if let Some(path) = sizes {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        match ["before_wasm_opt", "after_wasm_opt", "gzipped"]
            .map(|name| field(&text, name))
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(sizes) => {
                let kb = |bytes: f64| bytes / 1024.0;
                let gzipped = kb(sizes[2]);
                notes.push(format!(
                    "npm package's WebAssembly module: {:.0} KiB from wasm-bindgen, {:.0} KiB after wasm-opt -O3, {gzipped:.0} KiB gzipped (target ≤ 350 KB gzipped: {})",
                    kb(sizes[0]),
                    kb(sizes[1]),
                    if sizes[2] <= 350_000.0 { "met" } else { "NOT met" }
                ));
            }
            Err(why) => notes.push(format!("module size unknown ({path}: {why})")),
        }
    }
}
