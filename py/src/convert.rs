//! Argument conversion: the system clock, OS randomness, PEM given as `str`
//! or `bytes`, files given as `str` or `os.PathLike`.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::errors::{BindingError, BindingResult};

/// The caller's `now`, or the system clock in Unix seconds.
pub(crate) fn now_or_clock(now: Option<i64>) -> ishare_jwt::Result<i64> {
    match now {
        Some(now) => Ok(now),
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
            .ok_or_else(|| {
                ishare_jwt::Error::Internal("the system clock is before 1970".to_owned())
            }),
    }
}

/// The operating system's cryptographic RNG (a failure panics, which the
/// caller's [`crate::errors::guarded`] turns into an `internal` error).
pub(crate) fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// A `u32` argument given as a Python `int` (negative or huge values become
/// the core's `invalid_argument` error, not `OverflowError`).
pub(crate) fn to_u32(name: &str, value: i64) -> ishare_jwt::Result<u32> {
    u32::try_from(value).map_err(|_| {
        ishare_jwt::Error::InvalidArgument(format!(
            "{name} must be a non-negative number, got {value}"
        ))
    })
}

/// A `usize` argument given as a Python `int`, as [`to_u32`].
pub(crate) fn to_usize(name: &str, value: i64) -> ishare_jwt::Result<usize> {
    usize::try_from(value).map_err(|_| {
        ishare_jwt::Error::InvalidArgument(format!(
            "{name} must be a non-negative number, got {value}"
        ))
    })
}

/// Which PEM input an argument is, for the error raised when its bytes are
/// not text.
#[derive(Clone, Copy)]
pub(crate) enum PemKind {
    /// The private key.
    Key,
    /// The certificate chain.
    Chain,
}

impl PemKind {
    fn not_text(self, name: &str) -> ishare_jwt::Error {
        let why = format!("{name} is not PEM text (the bytes are not UTF-8)");
        match self {
            PemKind::Key => ishare_jwt::Error::InvalidKey(why),
            PemKind::Chain => ishare_jwt::Error::InvalidCertificate(why),
        }
    }
}

/// PEM text from a `str` or `bytes` argument.
pub(crate) fn pem_text<'a>(
    value: &'a Bound<'_, PyAny>,
    name: &str,
    kind: PemKind,
) -> BindingResult<Cow<'a, str>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Cow::Owned(text.to_cow()?.into_owned()));
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return match std::str::from_utf8(bytes.as_bytes()) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(_) => Err(kind.not_text(name).into()),
        };
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be str or bytes, not {}",
        value.get_type().name()?
    ))
    .into())
}

/// Reads a PEM file, at most one byte more than the core accepts (so an
/// oversized file is reported by the core's size limit, not read whole).
pub(crate) fn read_pem_file(path: &Path, name: &str, kind: PemKind) -> BindingResult<String> {
    let limit = ishare_jwt::limits::MAX_PEM_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit).read_to_end(&mut bytes))
        .map_err(|error| os_error(&error, path))?;
    String::from_utf8(bytes).map_err(|_| BindingError::from(kind.not_text(name)))
}

/// `OSError(errno, strerror, filename)`: Python picks the subclass
/// (`FileNotFoundError`, `PermissionError`, …) from the errno.
fn os_error(error: &std::io::Error, path: &Path) -> BindingError {
    let errno = error.raw_os_error().unwrap_or(0);
    let message = error.to_string();
    let suffix = format!(" (os error {errno})");
    let strerror = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    PyOSError::new_err((errno, strerror, path.display().to_string())).into()
}

/// `trusted_roots`: any iterable of `str` (a bare `str` is refused rather
/// than read as one root per character).
pub(crate) fn str_list(value: &Bound<'_, PyAny>, name: &str) -> BindingResult<Vec<String>> {
    let type_error = |what: String| {
        BindingError::from(PyTypeError::new_err(format!(
            "{name} must be a sequence of str, not {what}"
        )))
    };
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(type_error(value.get_type().name()?.to_string()));
    }
    let items = value.try_iter().map_err(|_| {
        type_error(
            value
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default(),
        )
    })?;
    let mut strings = Vec::new();
    for item in items {
        let item = item?;
        let text = item.cast::<PyString>().map_err(|_| {
            type_error(format!(
                "a sequence holding {}",
                item.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        strings.push(text.to_cow()?.into_owned());
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock() {
        assert_eq!(now_or_clock(Some(-3)).unwrap(), -3);
        assert!(now_or_clock(None).unwrap() > 1_700_000_000);
    }

    #[test]
    fn u32_arguments() {
        assert_eq!(to_u32("leeway", 300).unwrap(), 300);
        for bad in [-1, i64::from(u32::MAX) + 1] {
            let error = to_u32("leeway", bad).unwrap_err();
            assert_eq!(error.kind(), "invalid_argument");
            assert!(error.to_string().contains("leeway"), "{error}");
        }
    }
}
