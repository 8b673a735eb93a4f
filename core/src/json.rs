//! Strict JSON decoding and encoding of JOSE headers and claim sets over
//! serde-json-core.
//!
//! serde-json-core recurses on nested values; [`check_depth`] bounds that
//! before parsing so hostile nesting cannot exhaust the stack.

use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::MAX_JSON_DEPTH;

/// Decodes one JSON object into `T`, understanding escapes (`\/`, `\uXXXX`)
/// and refusing duplicate known keys, trailing data and deep nesting.
/// `what` names the part in error messages ("header", "claims").
pub(crate) fn decode<T: for<'de> Deserialize<'de>>(what: &'static str, json: &[u8]) -> Result<T> {
    check_depth(what, json)?;
    // Unescaped text is never longer than its escaped form.
    let mut unescape_buffer = vec![0u8; json.len()];
    let (value, consumed) = serde_json_core::from_slice_escaped::<T>(json, &mut unescape_buffer)
        .map_err(|e| Error::Malformed(alloc::format!("{what} JSON: {e}")))?;
    if json
        .get(consumed..)
        .is_some_and(|rest| !rest.iter().all(u8::is_ascii_whitespace))
    {
        return Err(Error::Malformed(alloc::format!(
            "{what} JSON: trailing data after the object"
        )));
    }
    Ok(value)
}

/// Encodes `value` as compact JSON.
pub(crate) fn encode<T: Serialize>(value: &T, size_hint: usize) -> Result<Vec<u8>> {
    // Escaping can grow a string sixfold (`\u0000`); retry once with room for that.
    for capacity in [size_hint, size_hint.saturating_mul(6).saturating_add(64)] {
        let mut buffer = vec![0u8; capacity];
        if let Ok(len) = serde_json_core::to_slice(value, &mut buffer) {
            buffer.truncate(len);
            return Ok(buffer);
        }
    }
    Err(Error::Internal(
        "JSON encoding did not fit its buffer".into(),
    ))
}

/// Refuses JSON whose arrays and objects nest deeper than [`MAX_JSON_DEPTH`].
fn check_depth(what: &'static str, json: &[u8]) -> Result<()> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(Error::TooLarge {
                        what: if what == "header" {
                            "header JSON nesting depth"
                        } else {
                            "claims JSON nesting depth"
                        },
                        limit: MAX_JSON_DEPTH,
                        found: depth,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A JSON value whose presence matters but whose content does not
/// (e.g. `crit`): deserializes from anything.
pub(crate) struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Present)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[derive(Deserialize, Debug)]
    struct Sample {
        a: Option<String>,
    }

    #[test]
    fn escapes_are_understood() {
        let s: Sample = decode("claims", br#"{"a":"x\/y\u0041"}"#).unwrap();
        assert_eq!(s.a.as_deref(), Some("x/yA"));
    }

    #[test]
    fn duplicates_trailing_data_and_lone_surrogates_are_refused() {
        for bad in [
            &br#"{"a":"1","a":"2"}"#[..],
            br#"{"a":"1"} x"#,
            br#"{"a":"\ud800"}"#,
            br#"{"a":1e400}"#,
        ] {
            let err = decode::<Sample>("claims", bad).unwrap_err();
            assert_eq!(err.kind(), "malformed", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep: Vec<u8> = core::iter::repeat_n(b'[', 100_000).collect();
        let json = [&br#"{"b":"#[..], &deep].concat();
        let err = decode::<Sample>("claims", &json).unwrap_err();
        assert_eq!(err.kind(), "too_large");
    }
}
