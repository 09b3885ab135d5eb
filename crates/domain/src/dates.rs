//! Civil dates as people in Norway read them: the date in Europe/Oslo, written dd.mm.åååå or
//! ISO 8601.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;

/// The calendar date in Oslo at `instant` (the clock itself is read by the caller).
pub fn oslo_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Oslo).date_naive()
}

/// The first moment of day `d` in Oslo (midnight exists every day there: the clocks change at
/// 02:00 and 03:00).
pub fn oslo_day_start(d: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = d.and_time(chrono::NaiveTime::MIN);
    Oslo.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The wall-clock time in Oslo at `instant`.
pub fn oslo_local(instant: DateTime<Utc>) -> chrono::NaiveDateTime {
    instant.with_timezone(&Oslo).naive_local()
}

/// A time of day as typed, `tt:mm` or `tt.mm`.
pub fn parse_clock(input: &str) -> Option<chrono::NaiveTime> {
    let t = input.trim().replace('.', ":");
    chrono::NaiveTime::parse_from_str(&t, "%H:%M").ok()
}

/// A civil date as Norwegians write it: `dd.mm.åååå`.
pub fn date_nb(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The moment as a clock in Oslo shows it, `dd.mm.åååå tt:mm` (summer and winter time as
/// they were on that day).
pub fn oslo_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&Oslo)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date: {0:?} (use dd.mm.åååå or åååå-mm-dd)")]
pub struct InvalidDate(pub String);

impl InvalidDate {
    pub fn message_nb(&self) -> &'static str {
        "Skriv en gyldig dato som dd.mm.åååå."
    }
}

/// Parses `dd.mm.åååå` (also `d.m.åååå`) or `åååå-mm-dd`; the date must exist.
pub fn parse_civil_date(input: &str) -> Result<NaiveDate, InvalidDate> {
    let s = input.trim();
    // Fast path for ISO dates, which registers hold by the million.
    if let Some(d) = parse_iso(s.as_bytes()) {
        return Ok(d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| InvalidDate(input.to_owned()))
}

/// `åååå-mm-dd` exactly, without the general format machinery.
fn parse_iso(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?).filter(|_| (1900..=2200).contains(&year))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn an_oslo_day_starts_at_local_midnight_in_winter_and_summer() {
        let winter = oslo_day_start(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        assert_eq!(winter, Utc.with_ymd_and_hms(2026, 1, 14, 23, 0, 0).unwrap());
        let summer = oslo_day_start(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(summer, Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap());
        // The day the clocks go forward still starts at midnight.
        let change = oslo_day_start(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(change, Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap());
    }

    #[test]
    fn the_oslo_date_follows_summer_time() {
        // 22:30 UTC is 23:30 in winter (UTC+1) but 00:30 the next day in summer (UTC+2).
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 22, 30, 0).unwrap();
        assert_eq!(
            oslo_date(winter),
            NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
        );
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 22, 30, 0).unwrap();
        assert_eq!(
            oslo_date(summer),
            NaiveDate::from_ymd_opt(2026, 7, 16).unwrap()
        );
        // New Year in Oslo begins at 23:00 UTC.
        let new_year = Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap();
        assert_eq!(
            oslo_date(new_year),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn norwegian_and_iso_dates_parse_and_impossible_ones_do_not() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        assert_eq!(parse_civil_date("28.02.2026"), Ok(d));
        assert_eq!(parse_civil_date(" 2026-02-28 "), Ok(d));
        assert_eq!(parse_civil_date("28.2.2026"), Ok(d));
        for bad in [
            "29.02.2026",
            "2026-13-01",
            "i går",
            "",
            "31.04.2026",
            "01.01.0026",
        ] {
            assert!(parse_civil_date(bad).is_err(), "{bad}");
        }
    }
}
