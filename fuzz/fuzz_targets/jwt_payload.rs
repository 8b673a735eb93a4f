//! The `jwt_payload` fuzz target: its body is `ishare_jwt_fuzz_targets::jwt_payload`
//! (fuzz/targets/src/lib.rs), which the corpus replay test calls as well.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ishare_jwt_fuzz_targets::jwt_payload(data));
