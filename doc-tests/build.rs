//! Writes `OUT_DIR/document_blocks.md`: every Rust block of the user
//! documents (as `scripts/doc-blocks extract rust` gives them) as a doctest,
//! behind its prelude from `preludes/<block>.rs` as hidden lines. A prelude
//! whose first line is `// no_run: REASON` makes a doctest that is compiled
//! but not run (a live Redis or HSM). A block without a prelude, or a prelude
//! without its block, fails the build.

use std::collections::BTreeSet;
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

type BuildResult<T> = Result<T, Box<dyn Error>>;

fn main() -> BuildResult<()> {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let repository = crate_dir
        .parent()
        .ok_or("doc-tests/ has no parent directory")?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let blocks_dir = out.join("blocks");
    if blocks_dir.exists() {
        fs::remove_dir_all(&blocks_dir)?;
    }

    let doc_blocks = repository.join("scripts/doc-blocks");
    let listed = run(Command::new("python3").arg(&doc_blocks).arg("list"))?;
    let documents: BTreeSet<&str> = listed
        .lines()
        .filter_map(|line| line.split(':').next())
        .collect();
    for document in documents {
        println!(
            "cargo::rerun-if-changed={}",
            repository.join(document).display()
        );
    }
    println!("cargo::rerun-if-changed={}", doc_blocks.display());
    let preludes_dir = crate_dir.join("preludes");
    println!("cargo::rerun-if-changed={}", preludes_dir.display());

    let extracted = run(Command::new("python3")
        .arg(&doc_blocks)
        .args(["extract", "rust"])
        .arg(&blocks_dir))?;
    let mut markdown = String::new();
    let mut used = BTreeSet::new();
    for path in extracted.lines().map(Path::new) {
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| format!("{} is not a block's file name", path.display()))?;
        let prelude_path = preludes_dir.join(format!("{name}.rs"));
        let prelude = fs::read_to_string(&prelude_path).map_err(|e| {
            format!(
                "the Rust block {name} has no prelude ({e}): write {} with what its document says is the reader's own",
                prelude_path.display()
            )
        })?;
        used.insert(format!("{name}.rs"));
        let block = fs::read_to_string(path)?;
        let fence = if prelude.starts_with("// no_run:") {
            "rust,no_run"
        } else {
            "rust"
        };
        writeln!(markdown, "{name}\n\n```{fence}")?;
        markdown.push_str("# fn main() -> Result<(), Box<dyn std::error::Error>> {\n");
        for line in prelude.lines() {
            writeln!(markdown, "# {line}")?;
        }
        for line in block.lines() {
            // rustdoc hides `# ` lines and reads `##` as `#`: a block's own
            // `#` line stays shown.
            match line.find(|c: char| !c.is_whitespace()) {
                Some(at) if line[at..].starts_with('#') => {
                    writeln!(markdown, "{}#{}", &line[..at], &line[at..])?
                }
                _ => writeln!(markdown, "{line}")?,
            }
        }
        markdown.push_str("# Ok(())\n# }\n```\n\n");
    }
    let mut stale = Vec::new();
    for entry in fs::read_dir(&preludes_dir)? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        if !used.contains(&file) {
            stale.push(file);
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "preludes without their block (renamed or removed from the documents?): {stale:?}"
        )
        .into());
    }
    fs::write(out.join("document_blocks.md"), markdown)?;
    Ok(())
}

/// The standard output of `command`, which must succeed.
fn run(command: &mut Command) -> BuildResult<String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?} (python3 is needed): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?)
}
