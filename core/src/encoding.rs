//! Small text encodings: hexadecimal fingerprints.

use alloc::string::String;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Upper-case hex of `bytes`.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            if let Some(digit) = HEX_UPPER.get(usize::from(nibble)) {
                out.push(char::from(*digit));
            }
        }
    }
    out
}

/// Parses a SHA-256 fingerprint in its common forms: 64 hex digits, either
/// case, optionally separated by `:` or spaces, optionally after a label
/// (`sha256 Fingerprint=` as `openssl x509 -fingerprint` prints it,
/// `SHA256:`, `sha256=`).
pub(crate) fn parse_sha256_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    let text = match text.get(..6) {
        Some(label) if label.eq_ignore_ascii_case("sha256") => match text.split_once('=') {
            Some((_, value)) => value,
            None => text.get(6..)?.trim_start_matches([':', ' ']),
        },
        _ => text,
    };
    let mut out = [0u8; 32];
    let mut digits = text.bytes().filter(|b| *b != b':' && *b != b' ');
    for byte in out.iter_mut() {
        let high = hex_value(digits.next()?)?;
        let low = hex_value(digits.next()?)?;
        *byte = (high << 4) | low;
    }
    digits.next().is_none().then_some(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}
