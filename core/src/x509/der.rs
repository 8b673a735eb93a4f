//! A minimal DER reader: tag, definite length, value — with the raw bytes of
//! every element kept, so signatures and fingerprints are always over the
//! bytes received, never over a re-encoding.
//!
//! Only single-byte tags and definite lengths in their shortest form; the
//! reader never recurses (callers walk the fixed X.509 structure).

/// Tag numbers used by the certificate parser.
pub(crate) mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const TELETEX_STRING: u8 = 0x14;
    pub const IA5_STRING: u8 = 0x16;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    /// `[n]` constructed, context-specific (EXPLICIT tagging).
    pub const fn explicit(n: u8) -> u8 {
        0xa0 | n
    }
    /// `[n]` primitive, context-specific (IMPLICIT tagging of a primitive).
    pub const fn implicit(n: u8) -> u8 {
        0x80 | n
    }
}

/// One element: its tag, its value, and all its bytes (header included).
#[derive(Clone, Copy)]
pub(crate) struct Element<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    pub raw: &'a [u8],
}

/// Why DER did not parse (for messages).
pub(crate) type DerError = &'static str;

/// Reads consecutive elements from a byte slice.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    /// The elements inside a constructed element's value.
    pub(crate) fn inside(element: Element<'a>) -> Reader<'a> {
        Reader::new(element.value)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element, whatever its tag.
    pub(crate) fn any(&mut self) -> Result<Element<'a>, DerError> {
        let (&tag, after_tag) = self.rest.split_first().ok_or("unexpected end of DER")?;
        if tag & 0x1f == 0x1f {
            return Err("multi-byte DER tags are not used in certificates");
        }
        let (&first, mut after_length) = after_tag.split_first().ok_or("DER length missing")?;
        let length = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 {
                return Err("indefinite length is not DER");
            }
            if count > 4 {
                return Err("DER length too large");
            }
            let (bytes, rest) = after_length
                .split_at_checked(count)
                .ok_or("DER length truncated")?;
            after_length = rest;
            if bytes.first() == Some(&0) {
                return Err("DER length not in its shortest form");
            }
            let length = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            if length < 0x80 {
                return Err("DER length not in its shortest form");
            }
            length
        };
        let header_len = self.rest.len() - after_length.len();
        let value = after_length
            .get(..length)
            .ok_or("DER value runs past its container")?;
        let raw = self
            .rest
            .get(..header_len + length)
            .ok_or("DER value runs past its container")?;
        self.rest = self.rest.get(header_len + length..).unwrap_or_default();
        Ok(Element { tag, value, raw })
    }

    /// The next element, which must have `tag`.
    pub(crate) fn read(&mut self, tag: u8, what: DerError) -> Result<Element<'a>, DerError> {
        let element = self.any()?;
        if element.tag != tag {
            return Err(what);
        }
        Ok(element)
    }

    /// The next element if it has `tag`, else nothing is consumed.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Element<'a>>, DerError> {
        if self.peek_tag() == Some(tag) {
            return self.any().map(Some);
        }
        Ok(None)
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self, what: DerError) -> Result<(), DerError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(what)
        }
    }
}

/// The value of a DER BIT STRING without unused bits (keys, signatures).
pub(crate) fn bit_string_bytes(element: Element<'_>) -> Result<&[u8], DerError> {
    match element.value.split_first() {
        Some((0, bytes)) => Ok(bytes),
        _ => Err("a BIT STRING with unused bits where whole bytes are expected"),
    }
}

/// A non-negative DER INTEGER's magnitude, without the sign byte; refuses
/// negative values and non-minimal encodings.
pub(crate) fn unsigned_integer(element: Element<'_>) -> Result<&[u8], DerError> {
    match element.value {
        [] => Err("an empty INTEGER"),
        [first, ..] if first & 0x80 != 0 => Err("a negative INTEGER"),
        [0, second, ..] if second & 0x80 == 0 => Err("an INTEGER not in its shortest form"),
        [0, rest @ ..] => Ok(rest),
        all => Ok(all),
    }
}

/// A small non-negative DER INTEGER.
pub(crate) fn small_integer(element: Element<'_>) -> Result<u64, DerError> {
    let bytes = unsigned_integer(element)?;
    if bytes.len() > 8 {
        return Err("an INTEGER too large for its field");
    }
    Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_must_be_definite_and_shortest() {
        assert!(Reader::new(&[0x04, 0x01, 0xaa]).any().is_ok());
        assert!(Reader::new(&[0x04, 0x81, 0x01, 0xaa]).any().is_err());
        assert!(Reader::new(&[0x04, 0x80, 0xaa, 0, 0]).any().is_err());
        assert!(Reader::new(&[0x04, 0x82, 0x00, 0x81]).any().is_err());
        assert!(Reader::new(&[0x04, 0x02, 0xaa]).any().is_err());
        assert!(Reader::new(&[0x1f, 0x01, 0x00]).any().is_err());
        assert!(Reader::new(&[0x04, 0x85, 1, 1, 1, 1, 1]).any().is_err());
    }

    #[test]
    fn integers() {
        let int = |v: &'static [u8]| Element {
            tag: tag::INTEGER,
            value: v,
            raw: v,
        };
        assert_eq!(small_integer(int(&[0x01, 0x00, 0x01])), Ok(65537));
        assert_eq!(unsigned_integer(int(&[0x00, 0x80])), Ok(&[0x80][..]));
        assert!(unsigned_integer(int(&[0x00, 0x01])).is_err());
        assert!(unsigned_integer(int(&[0x80])).is_err());
        assert!(unsigned_integer(int(&[])).is_err());
    }
}
