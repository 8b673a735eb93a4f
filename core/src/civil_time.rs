//! Calendar dates and times as Unix seconds: what certificate validity and
//! a satellite's adherence dates are written in.

/// The Unix time of a UTC date and time, if it is a real one.
pub(crate) fn unix_seconds(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<i64> {
    let real = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second);
    real.then(|| days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// An ISO 8601 / RFC 3339 timestamp, `YYYY-MM-DDTHH:MM:SS`, optionally with
/// a fraction (dropped) and `Z` or a `±HH:MM` offset; without a zone it is
/// UTC (iSHARE writes UTC timestamps).
pub(crate) fn parse_timestamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |start: usize, len: usize| -> Option<i64> {
        let field = bytes.get(start..start + len)?;
        field.iter().all(u8::is_ascii_digit).then(|| {
            field
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| bytes.get(*at) != Some(c))
        || !matches!(bytes.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let at = unix_seconds(
        number(0, 4)?,
        number(5, 2)?,
        number(8, 2)?,
        number(11, 2)?,
        number(14, 2)?,
        number(17, 2)?,
    )?;
    let mut rest = bytes.get(19..)?;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = fraction.get(digits..)?;
    }
    let offset = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let value = |a: u8, b: u8| i64::from(a - b'0') * 10 + i64::from(b - b'0');
            let (hours, minutes) = (value(*h1, *h2), value(*m1, *m2));
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            if *sign == b'+' { seconds } else { -seconds }
        }
        _ => return None,
    };
    Some(at - offset)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_timestamp("2027-01-01T00:00:00.000Z"),
            Some(1_798_761_600)
        );
        assert_eq!(
            parse_timestamp("2027-01-01T01:00:00+01:00"),
            Some(1_798_761_600)
        );
        assert_eq!(
            parse_timestamp("2026-12-31T23:00:00-01:00"),
            Some(1_798_761_600)
        );
        assert_eq!(parse_timestamp("2027-01-01T00:00:00"), Some(1_798_761_600));
        for bad in [
            "2027-01-01",
            "2027-13-01T00:00:00Z",
            "2027-02-29T00:00:00Z",
            "2027-01-01T00:00:00.Z",
            "2027-01-01T00:00:00+1:00",
            "2027-01-01T00:00:00ZZ",
            "２０２７-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
