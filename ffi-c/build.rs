//! Generates include/ishare_jwt.h from this crate's source with cbindgen.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let config_path = crate_dir.join("cbindgen.toml");
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed={}", config_path.display());

    let header = crate_dir.join("..").join("include").join("ishare_jwt.h");
    // Regenerate when the header was edited or deleted by hand, too.
    println!("cargo::rerun-if-changed={}", header.display());

    let config = cbindgen::Config::from_file(&config_path)?;
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("lib.rs"))
        .generate()?
        .write_to_file(header);
    Ok(())
}
