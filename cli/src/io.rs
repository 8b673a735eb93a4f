//! What the command line adds to the core: files, standard input, the
//! system clock and the OS random number generator.

use ishare_jwt::Error;
use std::io::Read;
use std::path::Path;

/// The system clock as Unix seconds.
pub(crate) fn now() -> Result<i64, Error> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or_else(|| Error::InvalidArgument("the system clock is before 1970".into()))
}

/// The operating system's random number generator.
pub(crate) fn rng() -> impl rand_core::CryptoRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// A whole file as bytes, naming the file on failure.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path)
        .map_err(|e| Error::InvalidArgument(format!("cannot read {}: {e}", path.display())))
}

/// A whole file as text, naming the file on failure.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|_| Error::InvalidArgument(format!("{} is not UTF-8 text", path.display())))
}

/// The token argument, or standard input for `-`; surrounding whitespace removed.
pub(crate) fn token_argument(token: &str) -> Result<String, Error> {
    if token != "-" {
        return Ok(token.trim().to_string());
    }
    let mut text = String::new();
    std::io::stdin()
        .take(ishare_jwt::limits::MAX_JWT_TOKEN_BYTES as u64 + 1024)
        .read_to_string(&mut text)
        .map_err(|e| Error::InvalidArgument(format!("cannot read the token from stdin: {e}")))?;
    Ok(text.trim().to_string())
}
