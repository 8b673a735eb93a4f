//! Base64 decoding of what a token carries: its base64url parts (RFC 7515,
//! unpadded) and its `x5c` certificates (RFC 4648 §4, padded).
//!
//! Table-driven and several times faster than a constant-time decoder:
//! everything decoded here is public (a token, certificates), and decoding
//! is most of what refusing an oversized hostile token costs. Only the
//! canonical encoding of each byte string is accepted (the unused bits of
//! the last character are zero), as RFC 4648 §3.5 allows a decoder to demand.

use alloc::vec::Vec;

const INVALID: u8 = 0xff;

// Evaluated at compile time: an index out of range would fail the build.
#[allow(clippy::indexing_slicing)]
const fn table(url_safe: bool) -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 26 {
        table[b'A' as usize + i] = i as u8;
        table[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut digit = 0;
    while digit < 10 {
        table[b'0' as usize + digit] = 52 + digit as u8;
        digit += 1;
    }
    if url_safe {
        table[b'-' as usize] = 62;
        table[b'_' as usize] = 63;
    } else {
        table[b'+' as usize] = 62;
        table[b'/' as usize] = 63;
    }
    table
}

static STANDARD: [u8; 256] = table(false);
static URL_SAFE: [u8; 256] = table(true);

/// Decodes unpadded base64url (a JWS part); `None` if it is not exactly that.
pub(crate) fn decode_url_unpadded(text: &str) -> Option<Vec<u8>> {
    decode(text.as_bytes(), &URL_SAFE)
}

/// Decodes padded standard base64 (an `x5c` entry); `None` if it is not
/// exactly that.
pub(crate) fn decode_padded(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let unpadded = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(bytes);
    // "==" after one character of a group would pad three: not base64.
    if unpadded.len() % 4 == 1 {
        return None;
    }
    decode(unpadded, &STANDARD)
}

fn decode(text: &[u8], table: &[u8; 256]) -> Option<Vec<u8>> {
    // Up to four characters as their 6-bit values, big-endian.
    let bits = |group: &[u8]| {
        group.iter().try_fold(0u32, |n, c| {
            let v = table.get(usize::from(*c)).copied().unwrap_or(INVALID);
            (v != INVALID).then_some((n << 6) | u32::from(v))
        })
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut groups = text.chunks_exact(4);
    for group in &mut groups {
        out.extend_from_slice(&bits(group)?.to_be_bytes()[1..]);
    }
    let rest = groups.remainder();
    let n = bits(rest)?;
    match rest.len() {
        0 => {}
        // 12 bits: one byte and four bits that must be zero.
        2 if n & 0xf == 0 => out.push((n >> 4) as u8),
        // 18 bits: two bytes and two bits that must be zero.
        3 if n & 0x3 == 0 => out.extend_from_slice(&((n >> 2) as u16).to_be_bytes()),
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64, Base64UrlUnpadded, Encoding};

    #[test]
    fn agrees_with_base64ct_on_every_length() {
        let data: Vec<u8> = (0..=255u8).cycle().take(700).collect();
        for len in 0..data.len() {
            let bytes = &data[..len];
            let url = Base64UrlUnpadded::encode_string(bytes);
            assert_eq!(decode_url_unpadded(&url).as_deref(), Some(bytes));
            let std = Base64::encode_string(bytes);
            assert_eq!(decode_padded(&std).as_deref(), Some(bytes));
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in ["A", "AB=", "A===", "QQ=", "QR==", "Q Q=", "QUJD\n", "QUJ*"] {
            assert_eq!(decode_padded(bad), None, "{bad}");
        }
        for bad in ["A", "QR", "QUJD=", "QUJ+", "QUJ/", "QQ==", "é"] {
            assert_eq!(decode_url_unpadded(bad), None, "{bad}");
        }
        assert_eq!(decode_padded("").as_deref(), Some(&[][..]));
        assert_eq!(decode_url_unpadded("QUI").as_deref(), Some(&b"AB"[..]));
    }
}
