//! Timestamps for reproducible documents: `SOURCE_DATE_EPOCH` / `--timestamp` values (epoch seconds,
//! RFC 3339, or `now`) normalised to RFC 3339 UTC, without a date library.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// Parse `now`, integer seconds since the epoch, or an RFC 3339 UTC time (`2024-05-01T12:00:00Z`),
/// returning RFC 3339 UTC with second precision. A value of another shape is an [`Error::Usage`] (the
/// value is an option the caller gave) saying what is accepted.
pub fn parse(v: &str) -> Result<String> {
    let v = v.trim();
    if v == "now" {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::usage("system clock before 1970"))?
            .as_secs();
        return Ok(from_epoch(secs as i64));
    }
    if let Ok(secs) = v.parse::<i64>() {
        if !(0..=253_402_300_799).contains(&secs) {
            return Err(Error::usage("epoch seconds out of range (0 to year 9999)"));
        }
        return Ok(from_epoch(secs));
    }
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let shape_ok = b.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z';
    if !shape_ok {
        return Err(Error::usage(
            "expected `now`, epoch seconds, or YYYY-MM-DDTHH:MM:SSZ",
        ));
    }
    let num = |r: std::ops::Range<usize>| v[r].parse::<u32>().unwrap_or(u32::MAX);
    let (mo, d, h, mi, s) = (num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return Err(Error::usage("date or time field out of range"));
    }
    Ok(v.to_string())
}

/// Seconds since the epoch → `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn from_epoch(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), by counting 400-year eras of 146,097 days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468; // shift the epoch to 0000-03-01, so leap days fall at the end of a year
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // March-based month, 0..=11
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_conversion() {
        assert_eq!(from_epoch(0), "1970-01-01T00:00:00Z");
        assert_eq!(from_epoch(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(from_epoch(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(from_epoch(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn parse_forms() {
        assert_eq!(parse("1700000000").unwrap(), "2023-11-14T22:13:20Z");
        assert_eq!(
            parse("2024-05-01T12:00:00Z").unwrap(),
            "2024-05-01T12:00:00Z"
        );
        assert!(parse("2024-13-01T12:00:00Z").is_err());
        assert!(parse("yesterday").is_err());
        assert!(parse("-5").is_err());
        assert!(parse("now").unwrap().ends_with('Z'));
    }
}
