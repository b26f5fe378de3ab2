//! Just enough calendar arithmetic for Backlog's two wire formats: `yyyy-MM-dd` in
//! requests and ISO-8601 UTC (`2026-11-27T08:00:00Z`) in responses. A date crate would
//! be the only heavy dependency of the sandbox, so the civil-date conversion is inlined.

use std::fmt;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};

const SECS_PER_DAY: i64 = 86_400;

/// A calendar date, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

/// An instant in UTC, as seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Date {
    /// `None` unless `month`/`day` name a real day of `year`.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// Parses Backlog's request format, exactly `yyyy-MM-dd`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes[range.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| text[range].parse::<u32>().ok())
                .flatten()
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        Date::from_ymd(i64::from(digits(0..4)?), digits(5..7)?, digits(8..10)?)
    }

    pub fn add_days(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    pub fn at(self, hour: i64, minute: i64, second: i64) -> Timestamp {
        Timestamp(self.0 * SECS_PER_DAY + hour * 3600 + minute * 60 + second)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Timestamp {
    pub fn date(self) -> Date {
        Date(self.0.div_euclid(SECS_PER_DAY))
    }

    pub fn plus_seconds(self, seconds: i64) -> Timestamp {
        Timestamp(self.0 + seconds)
    }

    pub fn epoch_seconds(self) -> i64 {
        self.0
    }

    /// Parses Backlog's response format, exactly `yyyy-MM-ddTHH:mm:ssZ`.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let (date, time) = text.split_once('T')?;
        let time = time.strip_suffix('Z')?.as_bytes();
        if time.len() != 8 || time[2] != b':' || time[5] != b':' {
            return None;
        }
        let field = |at: usize, max: i64| {
            let digits = &time[at..at + 2];
            let value = digits
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| i64::from(digits[0] - b'0') * 10 + i64::from(digits[1] - b'0'))?;
            (value <= max).then_some(value)
        };
        Some(Date::parse(date)?.at(field(0, 23)?, field(3, 59)?, field(6, 59)?))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(SECS_PER_DAY);
        let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
        write!(f, "{}T{h:02}:{m:02}:{s:02}Z", self.date())
    }
}

// Responses carry both as ISO-8601 UTC (`startDate: "2026-12-01T00:00:00Z"`); the data
// files use the same form, so a row reads back exactly as Backlog would answer it.

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).ok_or_else(|| D::Error::custom(format!("not a timestamp: {text}")))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.at(0, 0, 0))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let at = Timestamp::deserialize(deserializer)?;
        let date = at.date();
        (date.at(0, 0, 0) == at)
            .then_some(date)
            .ok_or_else(|| D::Error::custom(format!("not midnight UTC: {at}")))
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's `days_from_civil` / `civil_from_days` (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates_and_formats_timestamps() {
        let date = Date::parse("2026-11-27").unwrap();
        assert_eq!(date.to_string(), "2026-11-27");
        assert_eq!(date.at(8, 0, 0).to_string(), "2026-11-27T08:00:00Z");
        assert_eq!(Date::parse("1970-01-01").unwrap().at(0, 0, 0), Timestamp(0));
        assert_eq!(
            Date::parse("2024-02-29").unwrap().add_days(1).to_string(),
            "2024-03-01"
        );
        assert_eq!(
            date.at(23, 59, 59).plus_seconds(1).to_string(),
            "2026-11-28T00:00:00Z"
        );
    }

    #[test]
    fn parses_what_it_formats() {
        let at = Date::parse("2026-11-27").unwrap().at(23, 5, 9);
        assert_eq!(Timestamp::parse(&at.to_string()), Some(at));
        for bad in [
            "2026-11-27T24:00:00Z",
            "2026-11-27T08:60:00Z",
            "2026-11-27T08:00:00",
            "2026-11-27 08:00:00Z",
            "2026-11-27T8:00:00Z",
            "2026-11-27T08:00:+0Z",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rejects_malformed_or_impossible_dates() {
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "+026-01-01",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }
}
