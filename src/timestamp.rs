//! Cognito's TIMESTAMP: `EEE MMM d HH:mm:ss 'UTC' yyyy` in English, UTC, day not zero-padded
//! (`Tue Sep 3 07:05:09 UTC 2024`). A zero-padded day fails as "Incorrect username or password".

use alloc::string::String;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats seconds since the Unix epoch (no `core::fmt`: digits are written by hand).
pub fn format_timestamp(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(32);
    // 1970-01-01 was a Thursday.
    out.push_str(WEEKDAYS[((days + 4) % 7) as usize]);
    out.push(' ');
    out.push_str(MONTHS[(month - 1) as usize]);
    out.push(' ');
    push_decimal(&mut out, day, 1);
    for (separator, value) in [(' ', secs / 3600), (':', secs / 60 % 60), (':', secs % 60)] {
        out.push(separator);
        push_decimal(&mut out, value, 2);
    }
    out.push_str(" UTC ");
    push_decimal(&mut out, year, 1);
    out
}

/// Appends `value` in decimal, zero-padded to at least `width` digits.
fn push_decimal(out: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut rest = value;
    let mut start = digits.len();
    while rest > 0 || digits.len() - start < width {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// The last year [`parse_timestamp`] accepts: four digits, as Java's `yyyy` prints them, and
/// far below where the day and second counts could overflow.
const MAX_YEAR: u64 = 9999;

/// Parses a TIMESTAMP back to Unix seconds, strictly (the server side's check). The weekday
/// must match the date, the day must not be zero-padded, every number is plain ASCII digits
/// (no sign) and the year is 1970 to [`MAX_YEAR`].
pub fn parse_timestamp(text: &str) -> Option<u64> {
    let mut parts = text.split(' ');
    let weekday = parts.next()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|&m| m == month_name)? as u64 + 1;
    let day_text = parts.next()?;
    let time = parts.next()?;
    let zone = parts.next()?;
    let year = decimal(parts.next()?, 4).filter(|&y| y <= MAX_YEAR)?;
    if parts.next().is_some() || zone != "UTC" || day_text.starts_with('0') {
        return None;
    }
    let day = decimal(day_text, 2)?;
    let mut hms = time.split(':');
    let mut field = |max: u64| -> Option<u64> {
        let digits = hms.next()?;
        let value = decimal(digits, 2).filter(|&v| v < max)?;
        (digits.len() == 2).then_some(value)
    };
    let (hour, minute, second) = (field(24)?, field(60)?, field(60)?);
    if hms.next().is_some() {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    if civil_from_days(days) != (year, month, day) || WEEKDAYS[((days + 4) % 7) as usize] != weekday
    {
        return None;
    }
    days.checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second)
}

/// A number of 1 to `max_digits` ASCII digits (`str::parse` would also take a sign).
fn decimal(text: &str, max_digits: usize) -> Option<u64> {
    if text.is_empty() || text.len() > max_digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        text.bytes()
            .fold(0, |value, digit| value * 10 + u64::from(digit - b'0')),
    )
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Inverse of [`civil_from_days`] for dates from 1970 to [`MAX_YEAR`].
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1970..=MAX_YEAR).contains(&year)
    {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_reference_timestamp() {
        // 2024-09-03T07:05:09Z
        assert_eq!(
            format_timestamp(1_725_347_109),
            "Tue Sep 3 07:05:09 UTC 2024"
        );
        assert_eq!(format_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        // 2024-12-31T23:59:59Z: a two-digit day and the last second of a day.
        assert_eq!(
            format_timestamp(1_735_689_599),
            "Tue Dec 31 23:59:59 UTC 2024"
        );
        assert_eq!(
            format_timestamp(951_825_600),
            "Tue Feb 29 12:00:00 UTC 2000"
        );
    }

    #[test]
    fn parses_what_it_formats() {
        for t in [0, 1_725_347_109, 951_825_600, 4_102_444_799, 1_709_251_199] {
            assert_eq!(parse_timestamp(&format_timestamp(t)), Some(t));
        }
    }

    #[test]
    fn rejects_near_misses() {
        for bad in [
            "Tue Sep 03 07:05:09 UTC 2024",
            "Wed Sep 3 07:05:09 UTC 2024",
            "Tue Sep 3 7:05:09 UTC 2024",
            "Tue Sep 3 07:05:09 GMT 2024",
            "Tue Sept 3 07:05:09 UTC 2024",
            "Tue Sep 31 07:05:09 UTC 2024",
            "Tue Sep 3 24:05:09 UTC 2024",
            "",
            // Signs that `str::parse` would accept.
            "Tue Sep +3 07:05:09 UTC 2024",
            "Tue Sep 3 +7:05:09 UTC 2024",
            "Tue Sep 3 07:05:09 UTC +2024",
            // A fourth time field was ignored.
            "Tue Sep 3 07:05:09:11 UTC 2024",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn rejects_years_past_9999_without_overflow() {
        // These overflowed `era * 146_097` / `days * 86_400` (a panic in debug builds).
        for bad in [
            "Thu Jan 1 00:00:00 UTC 18446744073709551615",
            "Thu Jan 1 00:00:00 UTC 18446744073709551",
            "Sat Jan 1 00:00:00 UTC 10000",
            "Fri Dec 31 23:59:59 UTC 99999999999999",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        // The last second accepted.
        let last = parse_timestamp("Fri Dec 31 23:59:59 UTC 9999");
        assert_eq!(last, Some(253_402_300_799));
        assert_eq!(
            format_timestamp(253_402_300_799),
            "Fri Dec 31 23:59:59 UTC 9999"
        );
    }
}
