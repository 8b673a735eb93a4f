//! The WebAssembly adapter of `ishare-jwt` (wasm-bindgen), the native half
//! of the `ishare-jwt` npm package: argument conversion, the clock
//! (`Date.now()`), randomness (`crypto.getRandomValues`), the host's RSA
//! where it has a synchronous one (`host_rsa`: Node.js) and one error
//! mapping (`errors`). Every rule about tokens is the core's.
//!
//! The names exported here (`NativeSigner`, `NativeVerifier`, …) are the
//! package's internals; its JavaScript (`npm/src/`) gives users the API
//! (`Signer`, `Verifier`, `IshareJwtError`, options objects, the external
//! signer's promises) and its TypeScript types.

mod convert;
mod errors;
mod host_rsa;
mod oauth;
mod profile;
mod satellite;
mod signer;
mod verifier;

pub use errors::{error_kinds, internal_error, key_store_error};
pub use host_rsa::{HostRsa, use_host_rsa};
pub use oauth::{
    parse_token_request_body, parse_token_request_pairs, token_response_body,
    token_response_headers,
};
pub use profile::profile_info;
pub use satellite::{check_party, trusted_list_anchors};
pub use signer::{NativePending, NativeSigner};
pub use verifier::{NativeVerifiedJwt, NativeVerifier};
