//! `hearth triage [--json] [--explain]`: classify JSON lines from a reader, one
//! verdict per line, or with `--explain` every feature's contribution per message.

use super::{Triage, TriageError};
use crate::model::{Kind, Platform};
use serde::Deserialize;
use std::io::{BufRead, Write};

/// One input line: `{"text": "...", "kind"?: "dm", "rating"?: 2, "platform"?: "yelp"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputLine {
    text: String,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    rating: Option<u8>,
    #[serde(default)]
    platform: Option<Platform>,
}

/// What a run did. `errors` holds one message per bad line ("stdin:3: ...").
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TriageRunSummary {
    pub classified: usize,
    pub errors: Vec<String>,
}

impl TriageRunSummary {
    pub fn failed(&self) -> usize {
        self.errors.len()
    }
}

/// Human output keeps each line to one terminal row's worth of text.
const PREVIEW_CHARS: usize = 60;

/// What to print per message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Output {
    /// One JSON object per line instead of text.
    pub json: bool,
    /// Every feature's contribution to every tier, not just the verdict.
    pub explain: bool,
}

/// Classify every line of `input`, writing verdicts to `output` and reporting bad
/// lines (and an unusable model) to `errors` as they come: they are counted in the
/// summary, not fatal.
pub fn run_reporting(
    input: impl BufRead,
    mut output: impl Write,
    mut errors: impl Write,
    mode: Output,
    triage: &Triage,
) -> Result<TriageRunSummary, TriageError> {
    let mut summary = TriageRunSummary::default();
    if let Some(e) = triage.model_error() {
        writeln!(errors, "warning: {e}; using the phrase rules only")?;
    }
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: InputLine = match serde_json::from_str(&line) {
            Ok(p) => p,
            Err(e) => {
                let message = format!("stdin:{number}: {}", describe(&e));
                writeln!(errors, "{message}")?;
                summary.errors.push(message);
                continue;
            }
        };
        if mode.explain {
            let x = triage.explain(&parsed.text, parsed.kind, parsed.rating, parsed.platform);
            if mode.json {
                let mut record = serde_json::to_value(&x).map_err(std::io::Error::other)?;
                record["text"] = serde_json::Value::String(parsed.text.clone());
                writeln!(output, "{record}")?;
            } else {
                writeln!(output, "| {}\n{x}", preview(&parsed.text))?;
            }
            summary.classified += 1;
            continue;
        }
        let v = triage.classify(&parsed.text, parsed.kind, parsed.rating, parsed.platform);
        if mode.json {
            let record = serde_json::json!({
                "tier": v.tier.number(),
                "reason": v.reason,
                "sentiment": (v.sentiment * 1000.0).round() / 1000.0,
                "text": parsed.text,
            });
            writeln!(output, "{record}")?;
        } else {
            writeln!(
                output,
                "T{}  {:+.2}  {}  | {}",
                v.tier.number(),
                v.sentiment,
                v.reason,
                preview(&parsed.text)
            )?;
        }
        summary.classified += 1;
    }
    output.flush()?;
    Ok(summary)
}

/// serde_json says "at line 1 column 9"; on a one-line record the column is what helps.
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => format!("column {}: {}", e.column(), &text[..i]),
        None => text,
    }
}

/// One line of printable text, cut at `PREVIEW_CHARS` characters.
fn preview(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(PREVIEW_CHARS) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn triage() -> Triage {
        Triage::new(&Config::default()).unwrap()
    }

    #[test]
    fn good_and_bad_lines() {
        let input = "{\"text\":\"how much is a dozen?\",\"kind\":\"dm\"}\n\n{\"text\": 5}\nnot json\n{\"text\":\"my card was stolen\"}\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let s = run_reporting(
            input.as_bytes(),
            &mut out,
            &mut err,
            Output::default(),
            &triage(),
        )
        .unwrap();
        assert_eq!(s.classified, 2);
        assert_eq!(s.failed(), 2);
        assert!(s.errors[0].starts_with("stdin:3: column"), "{:?}", s.errors);
        assert!(s.errors[0].contains("expected a string"), "{:?}", s.errors);
        assert!(s.errors[1].starts_with("stdin:4:"), "{:?}", s.errors);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("T1  "), "{out}");
        assert!(lines[0].contains("| how much is a dozen?"), "{out}");
        assert!(lines[1].starts_with("T2  "), "{out}");
        assert_eq!(String::from_utf8(err).unwrap().lines().count(), 2);
    }

    #[test]
    fn json_output_is_one_object_per_line() {
        let input = "{\"text\":\"1 star, never again\",\"kind\":\"review\",\"rating\":1,\"platform\":\"yelp\"}\n";
        let mut out = Vec::new();
        run_reporting(
            input.as_bytes(),
            &mut out,
            Vec::new(),
            Output {
                json: true,
                explain: false,
            },
            &triage(),
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["tier"], 2);
        assert_eq!(v["reason"], "1★ review");
        assert_eq!(v["text"], "1 star, never again");
        assert!(v["sentiment"].is_number());
    }

    #[test]
    fn unknown_kind_is_reported_not_fatal() {
        let input = "{\"text\":\"hi\",\"kind\":\"fax\"}\n";
        let mut err = Vec::new();
        let s = run_reporting(
            input.as_bytes(),
            Vec::new(),
            &mut err,
            Output::default(),
            &triage(),
        )
        .unwrap();
        assert_eq!(s.failed(), 1);
        assert!(s.errors[0].starts_with("stdin:1:"), "{:?}", s.errors);
    }

    #[test]
    fn preview_is_one_short_line() {
        assert_eq!(preview("a\nb\tc"), "a b c");
        assert_eq!(preview(&"x".repeat(100)).chars().count(), PREVIEW_CHARS + 1);
    }
}
