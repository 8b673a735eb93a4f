//! The `party_id_and_response` fuzz target: its body is `ishare_jwt_fuzz_targets::party_id_and_response`
//! (fuzz/targets/src/lib.rs), which the corpus replay test calls as well.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ishare_jwt_fuzz_targets::party_id_and_response(data));
