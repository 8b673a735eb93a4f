//! Certificate validity times (RFC 5280 §4.1.2.5) as Unix seconds.
//!
//! UTCTime `YYMMDDHHMMSSZ` (years 50–99 are 1950–1999, 00–49 are 2000–2049)
//! and GeneralizedTime `YYYYMMDDHHMMSSZ`. RFC 5280 asks CAs for UTCTime
//! before 2050, but a GeneralizedTime date before 2050 is read like OpenSSL
//! reads it: the signature covers the bytes as they are.

use super::der::{DerError, Element, tag};

/// The instant `element` (a UTCTime or GeneralizedTime) names.
pub(crate) fn unix_seconds(element: Element<'_>) -> Result<i64, DerError> {
    let text = element.value;
    let (year, rest) = match (element.tag, text.len()) {
        (tag::UTC_TIME, 13) => {
            let yy = digits(text, 0, 2)?;
            (
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                text.get(2..).unwrap_or_default(),
            )
        }
        (tag::GENERALIZED_TIME, 15) => (digits(text, 0, 4)?, text.get(4..).unwrap_or_default()),
        _ => return Err("a validity time that is not YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ"),
    };
    if rest.last() != Some(&b'Z') {
        return Err("a validity time not in UTC (Z)");
    }
    let (month, day) = (digits(rest, 0, 2)?, digits(rest, 2, 2)?);
    let (hour, minute, second) = (
        digits(rest, 4, 2)?,
        digits(rest, 6, 2)?,
        digits(rest, 8, 2)?,
    );
    crate::civil_time::unix_seconds(year, month, day, hour, minute, second)
        .ok_or("a validity time that is not a real date and time")
}

fn digits(text: &[u8], start: usize, count: usize) -> Result<i64, DerError> {
    let field = text
        .get(start..start + count)
        .filter(|f| f.iter().all(u8::is_ascii_digit))
        .ok_or("a validity time with non-digits")?;
    Ok(field
        .iter()
        .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(tag: u8, text: &'static str) -> Result<i64, DerError> {
        unix_seconds(Element {
            tag,
            value: text.as_bytes(),
            raw: text.as_bytes(),
        })
    }

    #[test]
    fn both_forms_and_the_utc_time_century_rule() {
        assert_eq!(time(tag::UTC_TIME, "700101000000Z"), Ok(0));
        assert_eq!(time(tag::GENERALIZED_TIME, "19700101000000Z"), Ok(0));
        assert_eq!(time(tag::UTC_TIME, "500101000000Z"), Ok(-631_152_000));
        assert_eq!(time(tag::UTC_TIME, "691231235959Z"), Ok(-1));
        assert_eq!(time(tag::UTC_TIME, "490101000000Z"), Ok(2_493_072_000));
        assert_eq!(
            time(tag::GENERALIZED_TIME, "20270101000000Z"),
            Ok(1_798_761_600)
        );
        assert_eq!(
            time(tag::GENERALIZED_TIME, "20240229120000Z"),
            Ok(1_709_208_000)
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for (tag, text) in [
            (tag::UTC_TIME, "700101000000"),
            (tag::UTC_TIME, "7001010000Z"),
            (tag::UTC_TIME, "701301000000Z"),
            (tag::UTC_TIME, "700230000000Z"),
            (tag::UTC_TIME, "700101240000Z"),
            (tag::UTC_TIME, "70010100000+Z"),
            (tag::GENERALIZED_TIME, "20230229000000Z"),
            (tag::GENERALIZED_TIME, "20270101000000.5Z"),
            (tag::OCTET_STRING, "700101000000Z"),
        ] {
            assert!(time(tag, text).is_err(), "{text}");
        }
    }
}
