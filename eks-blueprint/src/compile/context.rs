//! What compile may know besides the spec: the Kubernetes version deployed now (an upgrade
//! is checked against it) and the day of synthesis (support periods are judged on it).
//! Both are inputs, never read by compile itself, so synthesis stays a pure function of
//! its inputs: the CLI passes today's date and the version of the previous output, tests
//! pass fixed values.

use std::fmt;
use std::str::FromStr;

use crate::spec::cluster::KubernetesVersion;

/// The context of a compile: [`crate::compile::compile_with`]. The default knows nothing:
/// no upgrade check, no support-period finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// The Kubernetes version of the cluster as deployed (the previous output's, or what
    /// the user says): the blueprint's version must equal it or be one minor version newer.
    pub deployed_version: Option<KubernetesVersion>,
    /// The day of synthesis (UTC): a version past its standard support on that day is
    /// finding `EKSB-VERSION-002`.
    pub today: Option<Date>,
}

impl Context {
    /// A context that knows nothing.
    pub fn new() -> Self {
        Context::default()
    }

    /// The Kubernetes version deployed now. Default: unknown (no upgrade check).
    pub fn deployed_version(mut self, version: KubernetesVersion) -> Self {
        self.deployed_version = Some(version);
        self
    }

    /// The day of synthesis. Default: unknown (no support-period finding).
    pub fn today(mut self, date: Date) -> Self {
        self.today = Some(date);
        self
    }
}

/// A calendar day (proleptic Gregorian, UTC), written `YYYY-MM-DD` like the dates of the
/// version calendar; ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The day, if it exists (years 1970 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1970..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }

    /// The UTC day of a time given in seconds since the Unix epoch (what the CLI reads from
    /// the clock). Days from the epoch to a civil date: Howard Hinnant's `civil_from_days`
    /// (<https://howardhinnant.github.io/date_algorithms.html#civil_from_days>).
    pub fn from_unix_seconds(seconds: u64) -> Date {
        let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX / 2);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let year = u16::try_from(year.min(9999)).unwrap_or(9999);
        // month in 1..=12 and day in 1..=31 by construction.
        Date { year, month: month as u8, day: day as u8 }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date that is not `YYYY-MM-DD`, or no such day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDate(pub String);

impl fmt::Display for InvalidDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date like 2026-12-02 (YYYY-MM-DD)", crate::text::quote(&self.0))
    }
}

impl std::error::Error for InvalidDate {}

impl FromStr for Date {
    type Err = InvalidDate;

    fn from_str(s: &str) -> Result<Date, InvalidDate> {
        let bad = || InvalidDate(s.to_owned());
        let parts: Vec<&str> = s.split('-').collect();
        let [y, m, d] = parts[..] else { return Err(bad()) };
        let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(bad());
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else { return Err(bad()) };
        Date::new(y, m, d).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_print_and_order() {
        let d: Date = "2026-12-02".parse().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(d.to_string(), "2026-12-02");
        assert!(d < "2027-03-27".parse().unwrap_or(d));
        for bad in ["2026-02-30", "2026-13-01", "26-12-02", "2026-12-2", "2026/12/02", "", "2025-02-29"] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2024-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn unix_time_to_utc_day() {
        assert_eq!(Date::from_unix_seconds(0).to_string(), "1970-01-01");
        // 2026-12-02T06:34:23Z = 1796193263 (date -u -d @1796193263).
        assert_eq!(Date::from_unix_seconds(1_796_193_263).to_string(), "2026-12-02");
        // 2024-02-29T23:59:59Z, a leap day.
        assert_eq!(Date::from_unix_seconds(1_709_251_199).to_string(), "2024-02-29");
        assert_eq!(Date::from_unix_seconds(1_709_251_200).to_string(), "2024-03-01");
    }
}
