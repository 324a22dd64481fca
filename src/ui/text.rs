//! Text helpers for views: sanitising cache text, countdowns, local times, wrapping.
//! Every string that came from the cache reaches a `Span` through `clean` or `clean_line`.

use crate::width;
use chrono::{DateTime, FixedOffset, Utc};
use std::borrow::Cow;

/// Longest message body the thread view lays out; the rest is summarised.
pub const BODY_CAP: usize = 16 * 1024;

/// Cache text for a multi-line view (escape sequences and controls removed, and
/// graphemes the terminal may draw at an unexpected width simplified).
pub fn clean(text: &str) -> Cow<'_, str> {
    match crate::sanitize::sanitize(text) {
        Cow::Borrowed(t) => width::simplify(t),
        Cow::Owned(t) => Cow::Owned(width::simplify(&t).into_owned()),
    }
}

/// Cache text for a one-line view (also folds newlines and tabs).
pub fn clean_line(text: &str) -> Cow<'_, str> {
    match crate::sanitize::sanitize_line(text) {
        Cow::Borrowed(t) => width::simplify(t),
        Cow::Owned(t) => Cow::Owned(width::simplify(&t).into_owned()),
    }
}

/// At most `max` bytes of `text`, cut on a char boundary, and how many bytes were left off.
pub fn cap(text: &str, max: usize) -> (&str, usize) {
    if text.len() <= max {
        return (text, 0);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], text.len() - end)
}

pub use crate::timefmt::countdown;

/// A short wait, to the second: `42s`, `3m05s`, `1h02m`, `2d04h` (never negative).
pub fn short_wait(secs: i64) -> String {
    let s = secs.max(0);
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s < 24 * 3600 {
        format!("{}h{:02}m", s / 3600, (s / 60) % 60)
    } else {
        format!("{}d{:02}h", s / (24 * 3600), (s / 3600) % 24)
    }
}

/// `14:05` today, `Mon 14:05` within a week, else `2024-03-01 14:05` (all local).
pub fn local_time(at: DateTime<Utc>, now: DateTime<Utc>, offset: FixedOffset) -> String {
    let local = at.with_timezone(&offset);
    let today = now.with_timezone(&offset).date_naive();
    let days = (today - local.date_naive()).num_days();
    if days == 0 {
        local.format("%H:%M").to_string()
    } else if (0..7).contains(&days) {
        local.format("%a %H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// `★★★☆☆` for a 1-5 rating.
pub fn stars(rating: u8) -> String {
    let r = usize::from(rating.min(5));
    format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
}

/// Truncate to `width` display columns (whole graphemes), ending in `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    width::truncate(text, width).into_owned()
}

/// Pad or cut to exactly `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    width::fit(text, width)
}

/// Wrap `text` to `width` columns: on spaces when possible, hard-cut long words.
/// Newlines start new lines. Width 0 yields nothing.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if width == 0 {
        return lines;
    }
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0;
        for word in para.split(' ') {
            let word_w = width::width(word);
            let sep = usize::from(!line.is_empty());
            if line_w + sep + word_w <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                line_w += sep + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
            }
            // A word wider than the line is cut into pieces, between graphemes.
            for (g, w) in width::graphemes(word) {
                if line_w + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0;
                }
                line.push_str(g);
                line_w += w;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 12, h, m, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn countdowns_read_naturally() {
        assert_eq!(countdown(t(10, 42), t(10, 0)), "42m");
        assert_eq!(countdown(t(13, 5), t(10, 0)), "3h05m");
        assert_eq!(countdown(t(8, 48), t(10, 0)), "-1h12m");
        assert_eq!(
            countdown(t(10, 0) + chrono::Duration::hours(50), t(10, 0)),
            "2d02h"
        );
    }

    #[test]
    fn short_waits_count_seconds() {
        assert_eq!(short_wait(42), "42s");
        assert_eq!(short_wait(185), "3m05s");
        assert_eq!(short_wait(3720), "1h02m");
        assert_eq!(short_wait(-5), "0s");
        assert_eq!(short_wait(2 * 86400 + 4 * 3600), "2d04h");
    }

    #[test]
    fn wrap_splits_words_and_long_runs() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        assert!(wrap("x", 0).is_empty());
    }

    #[test]
    fn cap_respects_char_boundaries() {
        let (head, rest) = cap("héllo", 2);
        assert_eq!(head, "h");
        assert_eq!(rest, 5);
        assert_eq!(cap("abc", 10), ("abc", 0));
    }

    #[test]
    fn fit_marks_cuts() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn fitting_counts_display_columns_by_grapheme() {
        // Wide characters never overflow the width, nor split a grapheme.
        for text in ["漢字漢字漢字", "🇯🇵🇯🇵🇯🇵🇯🇵", "éé́é"] {
            for w in 0..10 {
                assert!(width::width(&fit(text, w)) <= w, "{text} at {w}");
                assert_eq!(width::width(&pad(text, w)), w, "{text} at {w}");
            }
        }
        assert_eq!(fit("🇯🇵🇯🇵🇯🇵", 5), "🇯🇵🇯🇵…");
        assert!(wrap("漢字漢字", 3).iter().all(|l| width::width(l) <= 3));
    }
}
