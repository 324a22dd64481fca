//! When a reply goes out: now, a time the user names, or the next opening of
//! business hours; and `hold_outside_hours`, which holds replies written after
//! closing until the next opening.

use super::{InboxError, Result, When};
use crate::config::Config;
use crate::triage::sla::Schedule;
use chrono::{DateTime, Duration, Local, NaiveTime, TimeZone, Utc};

/// Business hours as a schedule, when configured and valid.
fn business_schedule(config: &Config) -> Option<Schedule> {
    config
        .business_hours
        .as_ref()
        .and_then(|h| Schedule::from_hours(h).ok())
}

/// The next opening after `now`, or `None` without business hours.
pub fn next_opening(config: &Config, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    business_schedule(config)?.next_opening(now)
}

/// Whether `at` is outside configured business hours (never, without them).
pub fn after_hours(config: &Config, at: DateTime<Utc>) -> bool {
    business_schedule(config).is_some_and(|s| !s.is_open(at))
}

/// The time a reply is held until (`None`: send now), and whether
/// `hold_outside_hours` is what held it.
pub fn send_after(
    config: &Config,
    when: When,
    now: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, bool)> {
    match when {
        When::At(at) if at > now => Ok((Some(at), false)),
        When::At(_) => Ok((None, false)),
        When::Opening => match next_opening(config, now) {
            Some(at) if at > now => Ok((Some(at), false)),
            Some(_) => Ok((None, false)),
            None => Err(InboxError::BadTime(
                "no [business_hours] in the config, so there is no opening time to wait for".into(),
            )),
        },
        When::Now if config.hold_outside_hours && after_hours(config, now) => {
            Ok((next_opening(config, now).filter(|at| *at > now), true))
        }
        When::Now => Ok((None, false)),
    }
}

/// A time as the user types it: RFC 3339 (`2026-12-03T09:30:00+01:00`), or `HH:MM`
/// (the next time the clock shows it, in the business-hours zone when configured,
/// else the local zone).
pub fn parse_at(text: &str, config: &Config, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let Ok(clock) = NaiveTime::parse_from_str(text, "%H:%M") else {
        return Err(InboxError::BadTime(format!(
            "'{}' is not a time: use HH:MM or RFC 3339 (2026-12-03T09:30:00Z)",
            crate::sanitize::sanitize_line(text)
        )));
    };
    let at = match business_schedule(config) {
        Some(s) => next_clock(&s.tz(), clock, now),
        None => next_clock(&Local, clock, now),
    };
    at.ok_or_else(|| InboxError::BadTime(format!("{text} does not exist on the clock today")))
}

/// The first instant at or after `now` when the clock in `tz` reads `clock`.
fn next_clock<Z: TimeZone>(tz: &Z, clock: NaiveTime, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let today = now.with_timezone(tz).date_naive();
    [today, today + Duration::days(1)]
        .into_iter()
        .filter_map(|d| tz.from_local_datetime(&d.and_time(clock)).earliest())
        .map(|t| t.with_timezone(&Utc))
        .find(|t| *t > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BusinessHours;

    fn config(hold: bool) -> Config {
        Config {
            business_hours: Some(BusinessHours::berlin_weekdays()),
            hold_outside_hours: hold,
            ..Config::default()
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("valid time")
            .with_timezone(&Utc)
    }

    #[test]
    fn hold_outside_hours_waits_for_the_next_opening() {
        // Friday 20:00 Berlin (19:00 UTC): held until Monday 09:00 Berlin.
        let friday_evening = utc("2026-12-04T19:00:00Z");
        let (at, held) = send_after(&config(true), When::Now, friday_evening).expect("ok");
        assert_eq!(at, Some(utc("2026-12-07T08:00:00Z")));
        assert!(held);
        // Without the setting, or inside hours, it goes now.
        assert_eq!(
            send_after(&config(false), When::Now, friday_evening).expect("ok"),
            (None, false)
        );
        let tuesday_noon = utc("2026-12-01T11:00:00Z");
        assert_eq!(
            send_after(&config(true), When::Now, tuesday_noon).expect("ok"),
            (None, false)
        );
    }

    #[test]
    fn opening_needs_business_hours_and_past_times_mean_now() {
        let now = utc("2026-12-01T05:00:00Z");
        assert_eq!(
            send_after(&config(false), When::Opening, now)
                .expect("ok")
                .0,
            Some(utc("2026-12-01T08:00:00Z"))
        );
        assert!(send_after(&Config::default(), When::Opening, now).is_err());
        assert_eq!(
            send_after(&Config::default(), When::At(now - Duration::hours(1)), now).expect("ok"),
            (None, false)
        );
    }

    #[test]
    fn typed_times_are_rfc3339_or_the_next_hh_mm_in_the_business_zone() {
        let now = utc("2026-12-01T10:00:00Z"); // 11:00 in Berlin
        assert_eq!(
            parse_at("2026-12-03T09:30:00+01:00", &config(false), now).expect("ok"),
            utc("2026-12-03T08:30:00Z")
        );
        assert_eq!(
            parse_at("14:30", &config(false), now).expect("ok"),
            utc("2026-12-01T13:30:00Z")
        );
        // 08:00 has passed in Berlin today: tomorrow.
        assert_eq!(
            parse_at("08:00", &config(false), now).expect("ok"),
            utc("2026-12-02T07:00:00Z")
        );
        let err = parse_at("soon\u{1b}]0;x\u{7}", &config(false), now).expect_err("bad");
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
    }
}
