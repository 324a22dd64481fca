//! Response deadlines: a target in minutes counted in business hours (the clock
//! stops outside them) or, without business hours, on the wall clock.

use crate::config::{BusinessHours, parse_weekday};
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Business hours parsed once: zone, daily window and working days.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    tz: Tz,
    start: NaiveTime,
    end: NaiveTime,
    /// Working days, Monday = index 0.
    days: [bool; 7],
}

/// Why business hours could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("unknown time zone '{0}'")]
    TimeZone(String),
    #[error("'{0}' is not a time of day as HH:MM")]
    Time(String),
    #[error("'{0}' is not a weekday")]
    Day(String),
}

/// A week has at most this many days to look through before a working window shows up;
/// the bound also keeps a huge target from looping for long.
const MAX_DAYS: i64 = 366 * 20;

impl Schedule {
    pub fn from_hours(hours: &BusinessHours) -> Result<Schedule, ScheduleError> {
        let tz: Tz = hours
            .timezone
            .parse()
            .map_err(|_| ScheduleError::TimeZone(hours.timezone.clone()))?;
        let time = |s: &str| {
            NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| ScheduleError::Time(s.into()))
        };
        let mut days = [false; 7];
        for d in &hours.days {
            let day = parse_weekday(d).ok_or_else(|| ScheduleError::Day(d.clone()))?;
            days[day.num_days_from_monday() as usize] = true;
        }
        Ok(Schedule {
            tz,
            start: time(&hours.start)?,
            end: time(&hours.end)?,
            days,
        })
    }

    /// `start` plus `minutes` of open time.
    pub fn due_at(&self, start: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
        let mut left = Duration::minutes(i64::from(minutes));
        if left.is_zero() || !self.days.iter().any(|d| *d) || self.start == self.end {
            // Nothing to count against: behave like the wall clock.
            return start + left;
        }
        let mut cursor = start;
        // Begin the day before: an overnight window that opened yesterday may still be open.
        let first = start.with_timezone(&self.tz).date_naive() - Duration::days(1);
        for offset in 0..MAX_DAYS {
            let day = first + Duration::days(offset);
            let Some((open, close)) = self.window(day) else {
                continue;
            };
            if close <= cursor {
                continue;
            }
            let from = open.max(cursor);
            let available = close - from;
            if left <= available {
                return from + left;
            }
            left -= available;
            cursor = close;
        }
        cursor + left
    }

    /// The zone business hours are kept in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Whether `at` falls inside business hours.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let day = at.with_timezone(&self.tz).date_naive();
        // Yesterday's window may run past midnight into today.
        [day - Duration::days(1), day]
            .into_iter()
            .filter_map(|d| self.window(d))
            .any(|(open, close)| open <= at && at < close)
    }

    /// The first opening time after `at` (`at` itself when it is an opening).
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let first = at.with_timezone(&self.tz).date_naive();
        (0..15)
            .filter_map(|offset| self.window(first + Duration::days(offset)))
            .map(|(open, _)| open)
            .find(|open| *open >= at)
    }

    /// The open window that starts on local `day`, as UTC instants.
    fn window(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        use chrono::Datelike;
        if !self.days[day.weekday().num_days_from_monday() as usize] {
            return None;
        }
        let open = self.instant(day.and_time(self.start));
        // An end at or before the start means the window runs past midnight.
        let end_day = if self.end > self.start {
            day
        } else {
            day.succ_opt()?
        };
        let close = self.instant(end_day.and_time(self.end));
        (close > open).then_some((open, close))
    }

    /// A local clock time as an instant; in a DST gap, the first instant after it.
    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
            LocalResult::None => {
                // Gaps are at most a few hours; step forward until the clock exists.
                let mut probe = local;
                for _ in 0..24 * 4 {
                    probe += Duration::minutes(15);
                    if let Some(t) = self.tz.from_local_datetime(&probe).earliest() {
                        return t.with_timezone(&Utc);
                    }
                }
                Utc.from_utc_datetime(&local)
            }
        }
    }
}

/// `start` plus `minutes`, counted in business hours when `hours` is set. Hours that do
/// not parse (config validation normally prevents that) fall back to the wall clock.
pub fn due_at(start: DateTime<Utc>, minutes: u32, hours: Option<&BusinessHours>) -> DateTime<Utc> {
    match hours.map(Schedule::from_hours) {
        Some(Ok(schedule)) => schedule.due_at(start, minutes),
        _ => start + Duration::minutes(i64::from(minutes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(tz: &str, start: &str, end: &str, days: &[&str]) -> BusinessHours {
        BusinessHours {
            timezone: tz.into(),
            start: start.into(),
            end: end.into(),
            days: days.iter().map(|d| d.to_string()).collect(),
        }
    }

    fn weekdays(tz: &str) -> BusinessHours {
        hours(tz, "09:00", "17:00", &["mon", "tue", "wed", "thu", "fri"])
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn without_business_hours_it_is_the_wall_clock() {
        let t = utc("2025-03-07T16:30:00Z");
        assert_eq!(due_at(t, 120, None), utc("2025-03-07T18:30:00Z"));
    }

    #[test]
    fn within_hours_it_adds_plainly() {
        let h = weekdays("UTC");
        assert_eq!(
            due_at(utc("2025-03-05T10:00:00Z"), 60, Some(&h)),
            utc("2025-03-05T11:00:00Z")
        );
        // Exactly filling the rest of the day ends at closing time.
        assert_eq!(
            due_at(utc("2025-03-05T15:00:00Z"), 120, Some(&h)),
            utc("2025-03-05T17:00:00Z")
        );
    }

    #[test]
    fn overnight_the_clock_stops() {
        let h = weekdays("UTC");
        // 16:30 Wednesday, 2 h: 30 min today, 90 min Thursday morning.
        assert_eq!(
            due_at(utc("2025-03-05T16:30:00Z"), 120, Some(&h)),
            utc("2025-03-06T10:30:00Z")
        );
        // Arriving at night starts counting at opening time.
        assert_eq!(
            due_at(utc("2025-03-05T23:00:00Z"), 60, Some(&h)),
            utc("2025-03-06T10:00:00Z")
        );
    }

    #[test]
    fn friday_afternoon_runs_into_monday() {
        let h = weekdays("UTC");
        // 2025-03-07 is a Friday.
        assert_eq!(
            due_at(utc("2025-03-07T16:30:00Z"), 120, Some(&h)),
            utc("2025-03-10T10:30:00Z")
        );
        // Saturday arrivals wait for Monday.
        assert_eq!(
            due_at(utc("2025-03-08T12:00:00Z"), 30, Some(&h)),
            utc("2025-03-10T09:30:00Z")
        );
    }

    #[test]
    fn time_zone_and_dst_are_respected() {
        // New York switched to daylight time on Sunday 2025-03-09: 09:00 local was
        // 14:00 UTC on Friday and 13:00 UTC on Monday.
        let h = weekdays("America/New_York");
        assert_eq!(
            due_at(utc("2025-03-07T21:30:00Z"), 120, Some(&h)),
            utc("2025-03-10T14:30:00Z")
        );
        // 16:30 local Friday (21:30 UTC) → 30 min Friday, 90 min Monday → 10:30 EDT.
    }

    #[test]
    fn overnight_windows_cross_midnight() {
        let h = hours(
            "UTC",
            "22:00",
            "06:00",
            &["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        );
        assert_eq!(
            due_at(utc("2025-03-05T05:30:00Z"), 60, Some(&h)),
            utc("2025-03-05T22:30:00Z")
        );
        assert_eq!(
            due_at(utc("2025-03-05T23:00:00Z"), 60, Some(&h)),
            utc("2025-03-06T00:00:00Z")
        );
    }

    #[test]
    fn long_targets_span_several_days_and_bad_hours_fall_back() {
        let h = weekdays("UTC");
        // 24 h of open time = three 8-hour days: Mon 09:00 → Wed 17:00.
        assert_eq!(
            due_at(utc("2025-03-10T09:00:00Z"), 24 * 60, Some(&h)),
            utc("2025-03-12T17:00:00Z")
        );
        let bad = hours("Mars/Base", "09:00", "17:00", &["mon"]);
        assert_eq!(
            due_at(utc("2025-03-10T09:00:00Z"), 10, Some(&bad)),
            utc("2025-03-10T09:10:00Z")
        );
        assert!(matches!(
            Schedule::from_hours(&bad),
            Err(ScheduleError::TimeZone(_))
        ));
    }
}
