//! The demo dataset: JSON Lines embedded in the binary, parsed with line-numbered errors.
//!
//! Times are relative (`minutes_ago`) so that a freshly seeded cache always has live
//! clocks: acknowledgment countdowns, overdue leads, reviews from days ago.

use super::DemoError;
use crate::model::{Direction, Kind, Platform, Status, Tier};
use serde::Deserialize;
use std::collections::HashSet;

/// The seeded conversations (see `assets/demo/README.md`).
pub const CONVERSATIONS_FILE: &str = "assets/demo/conversations.jsonl";
pub const CONVERSATIONS: &str = include_str!("../../assets/demo/conversations.jsonl");
/// Fresh messages the live feeder hands out, one per tick.
pub const LIVE_FILE: &str = "assets/demo/live.jsonl";
pub const LIVE: &str = include_str!("../../assets/demo/live.jsonl");

/// One conversation of the dataset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoThread {
    /// Thread id on the platform; unique within the dataset.
    pub thread: String,
    pub account: String,
    pub platform: Platform,
    pub kind: Kind,
    pub brand: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub rating: Option<u8>,
    /// The customer.
    pub author: String,
    /// Our name on outbound messages (the page or profile name).
    pub agent: String,
    /// The tier a person would give it. Documentation only: triage decides on seed.
    pub tier: Tier,
    /// Statuses ingest cannot infer ("done", "snoozed"); open/waiting follow the messages.
    #[serde(default)]
    pub status: Option<Status>,
    /// For `status = "snoozed"`: minutes from seed time until it wakes.
    #[serde(default)]
    pub snooze_minutes: Option<i64>,
    pub messages: Vec<DemoMessage>,
}

/// One message of a dataset conversation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoMessage {
    pub dir: Direction,
    pub minutes_ago: i64,
    pub text: String,
}

/// One entry of the live pool: a new conversation, or a follow-up in a seeded DM thread.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveMessage {
    /// `true`: appended to an existing seeded DM (account, thread and brand come from it).
    #[serde(default)]
    pub follow_up: bool,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub platform: Option<Platform>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub author: Option<String>,
    pub text: String,
}

fn parse_err(file: &'static str, line: usize, message: impl Into<String>) -> DemoError {
    DemoError::Parse {
        file,
        line,
        message: message.into(),
    }
}

/// Non-blank, non-comment lines with their 1-based numbers.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with("//"))
}

/// Parse and check the conversations file.
pub fn parse_threads(text: &str, file: &'static str) -> Result<Vec<DemoThread>, DemoError> {
    let mut seen = HashSet::new();
    let mut threads = Vec::new();
    for (line, raw) in data_lines(text) {
        let thread: DemoThread =
            serde_json::from_str(raw).map_err(|e| parse_err(file, line, e.to_string()))?;
        check_thread(&thread).map_err(|m| parse_err(file, line, m))?;
        if !seen.insert((thread.account.clone(), thread.thread.clone())) {
            return Err(parse_err(
                file,
                line,
                format!("duplicate thread '{}'", thread.thread),
            ));
        }
        threads.push(thread);
    }
    Ok(threads)
}

fn check_thread(t: &DemoThread) -> Result<(), String> {
    if t.thread.trim().is_empty() || t.account.trim().is_empty() || t.author.trim().is_empty() {
        return Err("thread, account and author must not be empty".into());
    }
    let Some(first) = t.messages.first() else {
        return Err(format!("thread '{}' has no messages", t.thread));
    };
    if first.dir != Direction::Inbound {
        return Err(format!(
            "thread '{}' must start with an inbound message",
            t.thread
        ));
    }
    match (t.kind, t.rating) {
        (Kind::Review, Some(1..=5)) => {}
        (Kind::Review, other) => {
            return Err(format!(
                "review '{}' needs a rating 1-5, got {other:?}",
                t.thread
            ));
        }
        (_, Some(_)) => return Err(format!("only reviews have a rating ('{}')", t.thread)),
        (_, None) => {}
    }
    let mut previous = i64::MAX;
    for m in &t.messages {
        if m.minutes_ago < 0 || m.minutes_ago >= previous {
            return Err(format!(
                "thread '{}': minutes_ago must be >= 0 and decrease along the thread",
                t.thread
            ));
        }
        if m.text.trim().is_empty() {
            return Err(format!("thread '{}' has an empty message", t.thread));
        }
        previous = m.minutes_ago;
    }
    match (t.status, t.snooze_minutes) {
        (None | Some(Status::Done), None) => Ok(()),
        (Some(Status::Snoozed), Some(m)) if m > 0 => Ok(()),
        (Some(Status::Snoozed), _) => Err("snoozed needs snooze_minutes > 0".into()),
        (None | Some(Status::Done), Some(_)) => {
            Err("snooze_minutes only goes with status snoozed".into())
        }
        (Some(s), _) => Err(format!(
            "status '{s}' is inferred from the messages; only done/snoozed may be given"
        )),
    }
}

/// Parse and check the live pool.
pub fn parse_live(text: &str, file: &'static str) -> Result<Vec<LiveMessage>, DemoError> {
    let mut pool = Vec::new();
    for (line, raw) in data_lines(text) {
        let m: LiveMessage =
            serde_json::from_str(raw).map_err(|e| parse_err(file, line, e.to_string()))?;
        let complete = m.account.is_some()
            && m.platform.is_some()
            && m.kind.is_some()
            && m.brand.is_some()
            && m.author.is_some();
        if !m.follow_up && !complete {
            return Err(parse_err(
                file,
                line,
                "a new conversation needs account, platform, kind, brand and author",
            ));
        }
        if m.text.trim().is_empty() {
            return Err(parse_err(file, line, "empty text"));
        }
        pool.push(m);
    }
    if pool.is_empty() {
        return Err(parse_err(file, 0, "the live pool is empty"));
    }
    Ok(pool)
}

/// The embedded dataset.
pub fn embedded_threads() -> Result<Vec<DemoThread>, DemoError> {
    parse_threads(CONVERSATIONS, CONVERSATIONS_FILE)
}

/// The embedded live pool.
pub fn embedded_live() -> Result<Vec<LiveMessage>, DemoError> {
    parse_live(LIVE, LIVE_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"thread":"t1","account":"a","platform":"instagram","kind":"dm","brand":"B","author":"Ana","agent":"B","tier":1,"messages":[{"dir":"inbound","minutes_ago":9,"text":"how much?"},{"dir":"outbound","minutes_ago":3,"text":"$4"}]}"#;

    #[test]
    fn a_good_line_parses() {
        let threads = parse_threads(GOOD, "x").expect("parses");
        assert_eq!(threads.len(), 1);
        assert_eq!(threads[0].messages[1].dir, Direction::Outbound);
        assert_eq!(threads[0].tier, Tier::Revenue);
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!("{GOOD}\n\n{{\"thread\": oops}}\n");
        let err = parse_threads(&text, "demo.jsonl").unwrap_err().to_string();
        assert!(err.contains("demo.jsonl"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn checks_reject_inconsistent_threads() {
        let dup = format!("{GOOD}\n{GOOD}");
        assert!(
            parse_threads(&dup, "x")
                .unwrap_err()
                .to_string()
                .contains("line 2")
        );
        let backwards = GOOD.replace("\"minutes_ago\":3", "\"minutes_ago\":30");
        assert!(parse_threads(&backwards, "x").is_err());
        let rated_dm = GOOD.replace("\"tier\":1", "\"tier\":1,\"rating\":5");
        assert!(parse_threads(&rated_dm, "x").is_err());
        let waiting = GOOD.replace("\"tier\":1", "\"tier\":1,\"status\":\"waiting\"");
        assert!(parse_threads(&waiting, "x").is_err());
        let bad_tier = GOOD.replace("\"tier\":1", "\"tier\":7");
        assert!(parse_threads(&bad_tier, "x").is_err());
    }

    #[test]
    fn live_entries_need_their_fields() {
        assert!(parse_live(r#"{"follow_up":true,"text":"any news?"}"#, "x").is_ok());
        let err = parse_live(r#"{"text":"hi"}"#, "x").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        assert!(parse_live("", "x").is_err());
    }

    #[test]
    fn the_embedded_files_parse() {
        let threads = embedded_threads().expect("embedded dataset parses");
        assert!(threads.len() >= 300, "{} threads", threads.len());
        let live = embedded_live().expect("embedded live pool parses");
        assert!(live.iter().any(|m| m.follow_up));
        assert!(live.iter().any(|m| !m.follow_up));
    }
}
