//! What the command line adds to the core: files, standard input, the
//! system clock and the OS random number generator.

use ishare_jwt::Error;
use std::io::{Read, Write};
use std::path::Path;

/// Writes one line to standard output. A reader that has gone away
/// (`ishare-jwt … | head -c 20`) ends the program quietly with status 141,
/// what a shell shows for a tool ended by SIGPIPE — never success, since the
/// output (a refusal, say) was not delivered — instead of the panic
/// `println!` gives; any other write error is reported and fails the command.
pub(crate) fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(128 + 13); // SIGPIPE is signal 13
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot write to standard output: {error}"
        );
        std::process::exit(1);
    }
}

/// `println!` through [`print_line`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::io::print_line(&format!($($arg)*))
    };
}
pub(crate) use outln;

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
