//! Compact JSON of what the library sends (headers, claims), through
//! serde-json-core.

use alloc::vec;
use alloc::vec::Vec;
use serde::Serialize;

use crate::error::{Error, Result};

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
