//! Human renderings of times: countdowns to a deadline and local timestamps.

use chrono::{DateTime, Local, Utc};

/// Time left until `due`: "42m", "3h05m", "2d04h"; negative when overdue: "-1h12m".
pub fn countdown(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (due - now).num_seconds();
    let sign = if seconds < 0 { "-" } else { "" };
    // Round towards the deadline so "0m" only shows in the last minute.
    let minutes = seconds.unsigned_abs().div_ceil(60);
    let (days, hours, mins) = (minutes / 1440, (minutes / 60) % 24, minutes % 60);
    if days > 0 {
        format!("{sign}{days}d{hours:02}h")
    } else if hours > 0 {
        format!("{sign}{hours}h{mins:02}m")
    } else {
        format!("{sign}{mins}m")
    }
}

/// A timestamp in the user's local time zone: "Mar 02 14:05".
pub fn local_short(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%b %d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn countdowns_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        assert_eq!(countdown(now + Duration::minutes(42), now), "42m");
        assert_eq!(countdown(now + Duration::minutes(185), now), "3h05m");
        assert_eq!(countdown(now + Duration::hours(52), now), "2d04h");
        assert_eq!(countdown(now - Duration::minutes(72), now), "-1h12m");
        assert_eq!(countdown(now + Duration::seconds(20), now), "1m");
        assert_eq!(countdown(now, now), "0m");
    }
}
