//! The checked-in fuzz corpus (`fuzz/corpus/<target>/`, minimised by
//! `scripts/fuzz-corpus`) replayed on stable through the very functions the
//! fuzz targets call: every input that ever found new coverage, and every
//! crash turned regression (`fuzz/corpus/<target>/regression-*`), runs in
//! each `cargo test`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use std::path::Path;

#[test]
fn every_corpus_input_runs_through_its_target_without_a_finding() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut total = 0;
    for (target, run) in ishare_jwt_fuzz_targets::TARGETS {
        let dir = corpus.join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        inputs.sort();
        // An empty folder would make this test pass without testing anything.
        assert!(
            inputs.len() >= 10,
            "{target}: only {} corpus inputs",
            inputs.len()
        );
        for input in &inputs {
            let data = std::fs::read(input).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target} fails on {}", input.display());
        }
        println!("{target}: {} inputs", inputs.len());
        total += inputs.len();
    }
    println!("fuzz corpus: {total} inputs replayed");
}
