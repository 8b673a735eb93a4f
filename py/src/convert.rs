//! Argument conversion: the system clock, OS randomness, PEM given as `str`
//! or `bytes`, files given as `str` or `os.PathLike`.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyString};

use crate::errors::{BindingError, BindingResult};

/// A `now` argument: Unix seconds as an `int`, or a `float` such as
/// `time.time()` gives (floored: a token issued within a second is issued
/// at its start). `bool`, NaN and infinities are refused.
#[derive(Clone, Copy)]
pub(crate) struct Now(i64);

impl<'a, 'py> FromPyObject<'a, 'py> for Now {
    type Error = BindingError;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> Result<Self, Self::Error> {
        if obj.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err("now must be int or float, not bool").into());
        }
        if obj.is_instance_of::<PyInt>() {
            // Beyond i64: Python's own OverflowError.
            return Ok(Now(obj.extract::<i64>()?));
        }
        let Ok(seconds) = obj.cast::<PyFloat>().map(|f| f.value()) else {
            return Err(PyTypeError::new_err(format!(
                "now must be int or float (Unix seconds), not {}",
                obj.get_type().name()?
            ))
            .into());
        };
        // In range and finite: every i64 second is far beyond 2^53.
        if !seconds.is_finite() || seconds.abs() > 9.0e15 {
            return Err(ishare_jwt::Error::InvalidArgument(format!(
                "now must be a finite Unix time, got {seconds}"
            ))
            .into());
        }
        #[allow(clippy::cast_possible_truncation)] // checked above
        Ok(Now(seconds.floor() as i64))
    }
}

/// The caller's `now`, or the system clock in Unix seconds.
pub(crate) fn now_or_clock(now: Option<Now>) -> ishare_jwt::Result<i64> {
    match now {
        Some(Now(now)) => Ok(now),
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

/// Reads a file, at most one byte more than the core accepts (so an
/// oversized file is reported by the core's size limit, not read whole).
fn read_limited(path: &Path) -> BindingResult<Vec<u8>> {
    let limit = ishare_jwt::limits::MAX_PEM_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit).read_to_end(&mut bytes))
        .map_err(|error| os_error(&error, path))?;
    Ok(bytes)
}

/// Reads a PEM file as text.
pub(crate) fn read_pem_file(path: &Path, name: &str, kind: PemKind) -> BindingResult<String> {
    String::from_utf8(read_limited(path)?).map_err(|_| BindingError::from(kind.not_text(name)))
}

/// Reads a private key file as bytes: PEM, or DER as `openssl pkcs8
/// -outform DER` writes it (the core tells which it is).
pub(crate) fn read_key_file(path: &Path) -> BindingResult<zeroize::Zeroizing<Vec<u8>>> {
    read_limited(path).map(zeroize::Zeroizing::new)
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

/// `trusted_roots` as texts for `TrustAnchor::parse_all`: one `str` or
/// `bytes` (a fingerprint, fingerprints one per line, a PEM bundle), an
/// `os.PathLike` naming a file of those, or any iterable of these.
pub(crate) fn trust_texts(value: &Bound<'_, PyAny>, name: &str) -> BindingResult<Vec<String>> {
    if let Some(text) = one_trust_text(value, name)? {
        return Ok(vec![text]);
    }
    let type_error = |what: String| {
        BindingError::from(PyTypeError::new_err(format!(
            "{name} must be str, bytes, os.PathLike or an iterable of them, not {what}"
        )))
    };
    let type_name = |v: &Bound<'_, PyAny>| {
        v.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let items = value.try_iter().map_err(|_| type_error(type_name(value)))?;
    let mut texts = Vec::new();
    for item in items {
        let item = item?;
        let text = one_trust_text(&item, name)?
            .ok_or_else(|| type_error(format!("an iterable holding {}", type_name(&item))))?;
        texts.push(text);
    }
    Ok(texts)
}

/// One trust text from `str`, `bytes` or a path; `None` for anything else.
fn one_trust_text(value: &Bound<'_, PyAny>, name: &str) -> BindingResult<Option<String>> {
    let not_text = || {
        BindingError::from(ishare_jwt::Error::InvalidTrustAnchor(format!(
            "{name}: the bytes are not text (UTF-8): give PEM or hex fingerprints"
        )))
    };
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(text.to_cow()?.into_owned()));
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        let text = std::str::from_utf8(bytes.as_bytes()).map_err(|_| not_text())?;
        return Ok(Some(text.to_owned()));
    }
    if value.hasattr("__fspath__")? {
        let path: PathBuf = value.extract()?;
        return String::from_utf8(read_limited(&path)?)
            .map(Some)
            .map_err(|_| not_text());
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock() {
        assert_eq!(now_or_clock(Some(Now(-3))).unwrap(), -3);
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
