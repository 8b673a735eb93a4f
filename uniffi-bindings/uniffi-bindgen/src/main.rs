//! The workspace's `uniffi-bindgen`, on the same pinned uniffi as
//! `ishare-jwt-uniffi`, so generated bindings always match the library:
//!
//! ```sh
//! cargo run -p uniffi-bindgen -- generate --library target/release/libishare_jwt_uniffi.so \
//!   --language kotlin --language swift --out-dir uniffi-bindings/build/generated
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
