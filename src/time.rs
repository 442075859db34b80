//! Date arithmetic without a clock: ISO-8601 timestamps to epoch milliseconds.

/// Epoch milliseconds of a UTC `YYYY-MM-DDTHH:MM:SS[.fff]Z` timestamp, as STS
/// writes `Expiration`; `None` for anything else.
pub fn parse_iso8601_utc(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'T' {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' || !text.ends_with('Z') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let fraction = &text[19..text.len() - 1];
    let millis = match fraction.strip_prefix('.') {
        None if fraction.is_empty() => 0,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{:0<3}", &digits[..digits.len().min(3)]).parse::<i64>().ok()?
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sts_expirations() {
        assert_eq!(parse_iso8601_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601_utc("2015-08-30T12:36:00Z"), Some(1_440_938_160_000));
        assert_eq!(parse_iso8601_utc("2026-11-21T10:10:10.5Z"), Some(1_795_255_810_500));
        assert_eq!(parse_iso8601_utc("2024-02-29T23:59:59.123456Z"), Some(1_709_251_199_123));
    }

    #[test]
    fn refuses_other_forms() {
        for bad in ["", "2026-11-21", "2026-11-21T10:10:10", "2026-11-21T10:10:10+01:00", "2026-13-01T00:00:00Z", "20261121T101010Z", "2026-11-21T10:10:10.Z", "2026-1x-21T10:10:10Z"] {
            assert_eq!(parse_iso8601_utc(bad), None, "{bad}");
        }
    }
}
