//! The `certificate_der` fuzz target: its body is `ishare_jwt_fuzz_targets::certificate_der`
//! (fuzz/targets/src/lib.rs), which the corpus replay test calls as well.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ishare_jwt_fuzz_targets::certificate_der(data));
