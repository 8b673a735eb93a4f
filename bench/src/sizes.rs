//! What users install, by size: each artefact as `scripts/bench` built it
//! (release profile: no debug info, stripped) against its target.

use std::fmt::Write as _;
use std::process::Command;

/// One artefact: what it is, its size in bytes, and its target in bytes.
pub struct Size {
    pub name: String,
    pub bytes: Result<u64, String>,
    pub target: u64,
}

const MB: u64 = 1_000_000;

/// A file's size, or why it has none.
pub fn file(path: &str) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{path}: {e}"))
}

/// The size of the extension module `ishare_jwt/_native.abi3.so` inside a
/// wheel (uncompressed, as installed), read from the zip's directory.
pub fn wheel_module(wheel: &str) -> Result<u64, String> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo('ishare_jwt/_native.abi3.so').file_size)",
            wheel,
        ])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("{wheel}: {e}"))
}

/// The backend a CLI binary names in `--version` (`ishare-jwt 0.1.0 (rust-crypto)`).
pub fn cli_backend(cli: &str) -> String {
    Command::new(cli)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).trim().to_string();
            let inner = text.rsplit_once('(')?.1.strip_suffix(')')?.to_string();
            Some(inner)
        })
        .unwrap_or_else(|| "backend unknown".into())
}

impl Size {
    pub fn new(name: impl Into<String>, bytes: Result<u64, String>, target_mb: f64) -> Size {
        Size {
            name: name.into(),
            bytes,
            target: (target_mb * MB as f64) as u64,
        }
    }
}

/// The markdown table of `sizes`.
pub fn table(sizes: &[Size]) -> String {
    let mut out = String::from("| artefact | size | target |\n| --- | ---: | --- |\n");
    for size in sizes {
        let target = size.target as f64 / MB as f64;
        let (shown, verdict) = match &size.bytes {
            Ok(bytes) => (
                format!("{:.2} MB", *bytes as f64 / MB as f64),
                if *bytes <= size.target {
                    "met"
                } else {
                    "NOT met"
                }
                .to_string(),
            ),
            Err(why) => ("—".into(), format!("not measured: {why}")),
        };
        let _ = writeln!(
            out,
            "| {} | {shown} | ≤ {target} MB: {verdict} |",
            size.name
        );
    }
    out
}
