//! Random (version 4) UUIDs for `jti`.

use heapless::String;
use rand_core::CryptoRng;

/// Length of a hyphenated UUID.
pub(crate) const UUID_LEN: usize = 36;

/// A fresh UUID v4 (RFC 9562 §5.4), lower-case and hyphenated.
pub(crate) fn new_v4<R: CryptoRng + ?Sized>(rng: &mut R) -> String<UUID_LEN> {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
    let mut out = String::new();
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            let _ = out.push('-');
        }
        for nibble in [byte >> 4, byte & 0x0f] {
            if let Some(digit) = char::from_digit(u32::from(nibble), 16) {
                let _ = out.push(digit);
            }
        }
    }
    out
}
