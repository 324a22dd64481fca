//! Reading the platforms' "slow down" signals from response headers.
//!
//! - `Retry-After`: delay in seconds or an HTTP date.
//! - `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`: an RFC 3339 time (Mastodon),
//!   epoch seconds, or seconds from now.
//! - Meta's usage headers (`X-App-Usage`, `X-Page-Usage`, `X-Business-Use-Case-Usage`):
//!   JSON percentages of the budget; throttling starts at 100.

use chrono::{DateTime, Duration, Utc};
use reqwest::header::HeaderMap;

/// When a Meta budget is spent but no time is given, wait this long.
const META_DEFAULT_PAUSE_MINUTES: i64 = 5;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// `Retry-After` as an absolute time.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let value = header(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(now + Duration::seconds(seconds.min(86_400) as i64));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `X-RateLimit-Reset` when `X-RateLimit-Remaining` says the budget is spent.
pub fn exhausted_until(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let remaining: f64 = header(headers, "x-ratelimit-remaining")?.parse().ok()?;
    if remaining > 0.0 {
        return None;
    }
    let reset = header(headers, "x-ratelimit-reset")?;
    if let Ok(t) = DateTime::parse_from_rfc3339(reset) {
        return Some(t.with_timezone(&Utc));
    }
    let number: i64 = reset.parse().ok()?;
    // Large numbers are epoch seconds; small ones are seconds from now.
    if number > 1_000_000_000 {
        DateTime::from_timestamp(number, 0)
    } else {
        Some(now + Duration::seconds(number.max(0)))
    }
}

/// A Meta usage header at or over 100% of any budget, as a pause deadline.
pub fn meta_usage_pause(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let mut worst: Option<i64> = None;
    for name in ["x-app-usage", "x-page-usage", "x-ad-account-usage"] {
        if let Some(value) = header(headers, name).and_then(|v| serde_json::from_str(v).ok())
            && usage_spent(&value)
        {
            worst = Some(worst.unwrap_or(0).max(META_DEFAULT_PAUSE_MINUTES));
        }
    }
    if let Some(serde_json::Value::Object(map)) = header(headers, "x-business-use-case-usage")
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
    {
        for entries in map.values() {
            for entry in entries.as_array().into_iter().flatten() {
                if usage_spent(entry) {
                    let minutes = entry
                        .get("estimated_time_to_regain_access")
                        .and_then(serde_json::Value::as_i64)
                        .filter(|m| *m > 0)
                        .unwrap_or(META_DEFAULT_PAUSE_MINUTES);
                    worst = Some(worst.unwrap_or(0).max(minutes));
                }
            }
        }
    }
    worst.map(|minutes| now + Duration::minutes(minutes))
}

/// The highest share of any Meta budget the usage headers report, in percent
/// (0-100; Meta throttles at 100). `None` when no usage header came, which Meta
/// does on light use.
pub fn meta_usage_percent(headers: &HeaderMap) -> Option<u8> {
    let mut entries: Vec<serde_json::Value> = Vec::new();
    for name in ["x-app-usage", "x-page-usage", "x-ad-account-usage"] {
        if let Some(value) = header(headers, name).and_then(|v| serde_json::from_str(v).ok()) {
            entries.push(value);
        }
    }
    if let Some(serde_json::Value::Object(map)) = header(headers, "x-business-use-case-usage")
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
    {
        for list in map.values() {
            entries.extend(list.as_array().into_iter().flatten().cloned());
        }
    }
    entries
        .iter()
        .flat_map(|entry| {
            ["call_count", "total_time", "total_cputime"]
                .iter()
                .filter_map(|k| entry.get(k).and_then(serde_json::Value::as_f64))
        })
        .map(percent_u8)
        .max()
}

/// A percentage as a whole number 0-100.
// Clamped to 0..=100 first, so the cast neither truncates nor loses a sign.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn percent_u8(percent: f64) -> u8 {
    if percent.is_nan() {
        return 0;
    }
    percent.clamp(0.0, 100.0).round() as u8
}

fn usage_spent(value: &serde_json::Value) -> bool {
    ["call_count", "total_time", "total_cputime"]
        .iter()
        .filter_map(|k| value.get(k).and_then(serde_json::Value::as_f64))
        .any(|percent| percent >= 100.0)
}

/// The latest pause any header asks for.
pub fn pause_until(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    [
        retry_after(headers, now),
        exhausted_until(headers, now),
        meta_usage_pause(headers, now),
    ]
    .into_iter()
    .flatten()
    .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use reqwest::header::{HeaderName, HeaderValue};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let h = headers(&[("Retry-After", "120")]);
        assert_eq!(retry_after(&h, now()), Some(now() + Duration::seconds(120)));
        let h = headers(&[("Retry-After", "Sat, 02 May 2026 09:05:00 GMT")]);
        assert_eq!(retry_after(&h, now()), Some(now() + Duration::minutes(5)));
        assert_eq!(
            retry_after(&headers(&[("Retry-After", "soon")]), now()),
            None
        );
    }

    #[test]
    fn mastodon_reset_timestamps_pause_only_when_spent() {
        let spent = headers(&[
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "2026-05-02T09:20:00.000000Z"),
        ]);
        assert_eq!(
            exhausted_until(&spent, now()),
            Some(now() + Duration::minutes(20))
        );
        let fine = headers(&[
            ("X-RateLimit-Remaining", "12"),
            ("X-RateLimit-Reset", "2026-05-02T09:20:00.000000Z"),
        ]);
        assert_eq!(exhausted_until(&fine, now()), None);
        let epoch = headers(&[
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", &(now().timestamp() + 30).to_string()),
        ]);
        assert_eq!(
            exhausted_until(&epoch, now()),
            Some(now() + Duration::seconds(30))
        );
    }

    #[test]
    fn meta_usage_at_100_percent_pauses() {
        let h = headers(&[(
            "X-Business-Use-Case-Usage",
            r#"{"1122":[{"type":"pages","call_count":100,"total_cputime":3,"total_time":5,"estimated_time_to_regain_access":12}]}"#,
        )]);
        assert_eq!(
            meta_usage_pause(&h, now()),
            Some(now() + Duration::minutes(12))
        );
        let h = headers(&[(
            "X-App-Usage",
            r#"{"call_count":28,"total_time":25,"total_cputime":25}"#,
        )]);
        assert_eq!(meta_usage_pause(&h, now()), None);
        let h = headers(&[("X-App-Usage", r#"{"call_count":100}"#)]);
        assert_eq!(
            meta_usage_pause(&h, now()),
            Some(now() + Duration::minutes(5))
        );
        assert_eq!(
            meta_usage_pause(&headers(&[("X-App-Usage", "{broken")]), now()),
            None
        );
    }

    #[test]
    fn usage_percent_is_the_highest_counter_of_any_header() {
        let h = headers(&[
            (
                "X-App-Usage",
                r#"{"call_count":12,"total_time":5,"total_cputime":3}"#,
            ),
            (
                "X-Business-Use-Case-Usage",
                r#"{"1":[{"type":"pages","call_count":40,"total_cputime":98,"total_time":7}]}"#,
            ),
        ]);
        assert_eq!(meta_usage_percent(&h), Some(98));
        assert_eq!(meta_usage_percent(&headers(&[])), None);
        let over = headers(&[("X-App-Usage", r#"{"call_count":250}"#)]);
        assert_eq!(meta_usage_percent(&over), Some(100));
    }

    #[test]
    fn the_latest_pause_wins() {
        let h = headers(&[
            ("Retry-After", "60"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "300"),
        ]);
        assert_eq!(pause_until(&h, now()), Some(now() + Duration::seconds(300)));
    }
}
