//! What this build of the library is: its version and its RSA backend, as
//! static C strings (a program logs them, a test or a packager checks them).
//! Returning a static pointer cannot panic, so these two need no panic
//! boundary.

use core::ffi::c_char;

/// The core's backend name (`ishare_jwt::BACKEND`) as a C string, made at
/// compile time so it can never disagree with the core.
static BACKEND_NUL: [u8; ishare_jwt::BACKEND.len() + 1] = nul_terminated(ishare_jwt::BACKEND);

/// The workspace version (this crate's `CARGO_PKG_VERSION`) as a C string.
static VERSION_NUL: [u8; env!("CARGO_PKG_VERSION").len() + 1] =
    nul_terminated(env!("CARGO_PKG_VERSION"));

/// `text` followed by a NUL; a compile error if `N` is not its length + 1 or
/// `text` holds a NUL itself.
#[allow(clippy::indexing_slicing)] // `i` < `bytes.len()` < `N`, checked at compile time
const fn nul_terminated<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    assert!(bytes.len() + 1 == N, "N is the text's length + 1");
    let mut out = [0_u8; N];
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i] != 0, "no NUL inside the text");
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// The RSA backend this library signs and verifies with: `"aws-lc"` (AWS-LC,
/// the default of the C library) or `"rust-crypto"` (the pure-Rust `rsa`
/// crate, in a build with `--no-default-features`).
///
/// Ownership: the returned string is static; never free it. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_backend() -> *const c_char {
    BACKEND_NUL.as_ptr().cast()
}

/// This library's version, `"MAJOR.MINOR.PATCH"` (the workspace version; the
/// same as the pkg-config and CMake package versions of an installed tree).
///
/// Ownership: the returned string is static; never free it. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn ishare_jwt_version() -> *const c_char {
    VERSION_NUL.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ffi::CStr;

    #[test]
    fn the_strings_are_the_builds() {
        // SAFETY: both functions return static NUL-terminated strings.
        let (backend, version) = unsafe {
            (
                CStr::from_ptr(ishare_backend()),
                CStr::from_ptr(ishare_jwt_version()),
            )
        };
        assert_eq!(backend.to_str().unwrap(), ishare_jwt::BACKEND);
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        #[cfg(feature = "aws-lc")]
        assert_eq!(backend, c"aws-lc");
        #[cfg(not(feature = "aws-lc"))]
        assert_eq!(backend, c"rust-crypto");
    }
}
