//! `hearth import`: messages from platforms without an API (Yelp, BBB, exports),
//! one JSON object per line. The schema is documented in `docs/import.md`.
//!
//! Importing is idempotent: a message is keyed by (account, id), so the same file
//! twice changes nothing. A bad line is reported and skipped; the rest still land.

use crate::model::{Assess, Direction, IncomingMessage, IngestPage, Kind, Platform};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::fmt;
use std::io::BufRead;

/// Lines per transaction: large enough to be fast, small enough to bound memory.
const PAGE_LINES: usize = 500;

/// A line longer than this is refused rather than parsed.
const MAX_LINE_BYTES: usize = 1 << 20;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Messages new to the cache.
    pub imported: usize,
    /// Messages the cache already had.
    pub duplicates: usize,
    /// Lines that were skipped, in file order.
    pub bad: Vec<BadLine>,
}

/// A line that could not be imported; displays as `FILE:LINE: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub source: String,
    /// 1-based.
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.problem)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{source_name}: reading line {line} failed: {error}")]
    Read {
        source_name: String,
        line: usize,
        error: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One line as written in the file. Unknown keys are refused so typos surface.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    account: String,
    platform: String,
    kind: String,
    thread_id: String,
    id: String,
    author: String,
    text: String,
    sent_at: String,
    #[serde(default)]
    direction: Option<String>,
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    rating: Option<i64>,
}

/// Read JSON Lines from `reader` into `store`, triaging with `assess`.
/// `source_name` names the input in bad-line reports.
pub fn import_reader<R: BufRead>(
    mut reader: R,
    source_name: &str,
    store: &mut Store,
    assess: &dyn Assess,
) -> Result<ImportSummary, ImportError> {
    let mut summary = ImportSummary::default();
    let mut page: Vec<IncomingMessage> = Vec::with_capacity(PAGE_LINES);
    let mut buffer = Vec::new();
    let mut line_no = 0;
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|error| ImportError::Read {
                source_name: source_name.to_string(),
                line: line_no + 1,
                error,
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        let mut bytes = buffer.as_slice();
        if line_no == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        match parse_bytes(bytes) {
            Ok(None) => {}
            Ok(Some(message)) => page.push(message),
            Err(problem) => summary.bad.push(BadLine {
                source: source_name.to_string(),
                line: line_no,
                problem,
            }),
        }
        if page.len() >= PAGE_LINES {
            flush(&mut page, store, assess, &mut summary)?;
        }
    }
    flush(&mut page, store, assess, &mut summary)?;
    Ok(summary)
}

fn flush(
    page: &mut Vec<IncomingMessage>,
    store: &mut Store,
    assess: &dyn Assess,
    summary: &mut ImportSummary,
) -> Result<(), ImportError> {
    if page.is_empty() {
        return Ok(());
    }
    let batch = IngestPage {
        messages: std::mem::take(page),
        cursor: None,
    };
    let stats = store.ingest(&batch, assess)?;
    summary.imported += stats.inserted;
    summary.duplicates += stats.duplicates;
    Ok(())
}

fn parse_bytes(bytes: &[u8]) -> Result<Option<IncomingMessage>, String> {
    // The limit is on the line's content; its line ending does not count.
    let content = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let content = content.strip_suffix(b"\r").unwrap_or(content);
    if content.len() > MAX_LINE_BYTES {
        return Err(format!(
            "line is longer than the limit of 1 MiB ({MAX_LINE_BYTES} bytes); see docs/import.md"
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "line is not valid UTF-8".to_string())?;
    parse_line(text)
}

/// How far ahead of this machine's clock a `sent_at` may be: clocks and time
/// zones are sometimes off by hours, never by more than a day.
const MAX_FUTURE_HOURS: i64 = 24;

/// One line → a message; `Ok(None)` for a blank line; `Err` says what is wrong.
pub fn parse_line(text: &str) -> Result<Option<IncomingMessage>, String> {
    parse_line_at(text, Utc::now())
}

/// [`parse_line`] with the clock `sent_at` is judged against.
pub fn parse_line_at(text: &str, now: DateTime<Utc>) -> Result<Option<IncomingMessage>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    // serde fills a struct from a JSON array by position too; `["a","yelp",…]`
    // is almost certainly not what the writer meant, so only objects are taken.
    if !text.starts_with('{') {
        return Err(
            "a line must be one JSON object ({\"account\": …}), not an array or a value"
                .to_string(),
        );
    }
    let line: Line = serde_json::from_str(text).map_err(describe_json_error)?;
    let platform: Platform = line
        .platform
        .parse()
        .map_err(|e| format!("platform: {e}"))?;
    let kind: Kind = line.kind.parse().map_err(|e| format!("kind: {e}"))?;
    let direction = match &line.direction {
        Some(d) => d
            .parse::<Direction>()
            .map_err(|e| format!("direction: {e}"))?,
        None => Direction::Inbound,
    };
    let sent_at = DateTime::parse_from_rfc3339(line.sent_at.trim())
        .map_err(|_| {
            format!(
                "sent_at: '{}' is not an RFC 3339 time (e.g. 2024-05-02T09:15:00Z)",
                line.sent_at
            )
        })?
        .with_timezone(&Utc);
    // A date far ahead (year 9999) would push due times past what RFC 3339 can
    // write; a message cannot have been written in the future anyway.
    if sent_at > now + chrono::Duration::hours(MAX_FUTURE_HOURS) {
        return Err(format!(
            "sent_at: '{}' is in the future; check the date and its time zone",
            line.sent_at
        ));
    }
    let rating = match line.rating {
        None => None,
        Some(r) => match u8::try_from(r) {
            Ok(stars @ 1..=5) => Some(stars),
            _ => return Err(format!("rating: must be 1 to 5, got {r}")),
        },
    };
    Ok(Some(IncomingMessage {
        account: required("account", line.account)?,
        platform,
        kind,
        thread_id: required("thread_id", line.thread_id)?,
        platform_id: required("id", line.id)?,
        direction,
        author: required("author", line.author)?,
        body: line.text,
        sent_at,
        context: optional(line.context),
        brand: optional(line.brand),
        location: optional(line.location),
        rating,
    }))
}

fn required(field: &str, value: String) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(format!("{field}: must not be empty"))
    } else {
        Ok(trimmed.to_string())
    }
}

fn optional(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// serde's message without its "at line 1 column N" (the line is ours to report);
/// the column stays for syntax errors, where it helps.
fn describe_json_error(e: serde_json::Error) -> String {
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&position).unwrap_or(&full);
    match e.classify() {
        serde_json::error::Category::Data => message.to_string(),
        _ => format!("not valid JSON (column {}): {message}", e.column()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"account":"yelp-downtown","platform":"yelp","kind":"review","thread_id":"r1","id":"r1","author":"Sam","text":"Great tacos","sent_at":"2024-05-02T09:15:00Z","rating":5,"location":"Downtown"}"#;

    #[test]
    fn a_good_line_becomes_an_inbound_message() {
        let m = parse_line(GOOD).unwrap().unwrap();
        assert_eq!(m.platform, Platform::Yelp);
        assert_eq!(m.kind, Kind::Review);
        assert_eq!(m.direction, Direction::Inbound);
        assert_eq!(m.platform_id, "r1");
        assert_eq!(m.rating, Some(5));
        assert_eq!(m.location.as_deref(), Some("Downtown"));
        assert_eq!(m.context, None);
        assert_eq!(m.sent_at.to_rfc3339(), "2024-05-02T09:15:00+00:00");
    }

    #[test]
    fn blank_lines_are_skipped_quietly() {
        assert_eq!(parse_line("   \r").unwrap(), None);
    }

    fn problem(line: &str) -> String {
        parse_line(line).unwrap_err()
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let with = |key: &str, value: serde_json::Value| {
            let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
            v[key] = value;
            v.to_string()
        };
        assert!(
            problem("{").starts_with("not valid JSON"),
            "{}",
            problem("{")
        );
        assert_eq!(problem(r#"{"platform":"yelp"}"#), "missing field `account`");
        assert!(
            problem(&with("platform", "fax".into()))
                .starts_with("platform: unknown platform 'fax'")
        );
        assert!(problem(&with("kind", "tweet".into())).starts_with("kind: "));
        assert!(problem(&with("sent_at", "yesterday".into())).contains("RFC 3339"));
        assert_eq!(
            problem(&with("rating", 6.into())),
            "rating: must be 1 to 5, got 6"
        );
        assert_eq!(problem(&with("id", " ".into())), "id: must not be empty");
        assert!(problem(&with("direction", "sideways".into())).starts_with("direction: "));
        assert!(problem(&with("ratng", 3.into())).contains("unknown field `ratng`"));
        assert!(parse_bytes(b"\xff\xfe").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn the_documented_line_limit_is_the_enforced_one() {
        let doc = include_str!("../../docs/import.md");
        assert!(
            doc.contains("at most 1 MiB\n(1,048,576 bytes"),
            "docs/import.md"
        );
        assert_eq!(MAX_LINE_BYTES, 1_048_576);
        let at_limit = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_LINE_BYTES - 8));
        assert_eq!(at_limit.len(), MAX_LINE_BYTES);
        assert!(
            !parse_bytes(at_limit.as_bytes())
                .unwrap_err()
                .contains("limit")
        );
        let with_ending = format!("{at_limit}\r\n");
        assert!(
            !parse_bytes(with_ending.as_bytes())
                .unwrap_err()
                .contains("limit")
        );
        let over = format!("{at_limit} ");
        assert!(
            parse_bytes(over.as_bytes())
                .unwrap_err()
                .contains("limit of 1 MiB")
        );
    }

    #[test]
    fn only_objects_are_lines() {
        let array =
            r#"["yelp-downtown","yelp","review","r1","r1","Sam","Great","2024-05-02T09:15:00Z"]"#;
        assert!(
            problem(array).contains("one JSON object"),
            "{}",
            problem(array)
        );
        assert!(problem("\"text\"").contains("one JSON object"));
        assert!(problem("42").contains("one JSON object"));
    }

    #[test]
    fn a_sent_at_in_the_future_is_refused() {
        let now = DateTime::parse_from_rfc3339("2024-05-02T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |sent: &str| parse_line_at(&GOOD.replace("2024-05-02T09:15:00Z", sent), now);
        assert!(
            at("9999-12-31T23:59:59Z")
                .unwrap_err()
                .contains("in the future")
        );
        assert!(at("2024-05-04T12:00:00Z").is_err());
        // Within a day ahead: a clock or time zone slightly off.
        assert!(at("2024-05-03T02:00:00+02:00").unwrap().is_some());
    }

    #[test]
    fn outbound_lines_are_ours() {
        let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        v["direction"] = "outbound".into();
        let m = parse_line(&v.to_string()).unwrap().unwrap();
        assert_eq!(m.direction, Direction::Outbound);
    }
}
