//! `hearth triage backtest`: re-triage the cache with the current rules and model
//! and say what would change, before a rule edit is trusted.
//!
//! Each conversation gets the same input ingest gives triage
//! (`Store::for_each_retriage`), so the new verdict is exactly what the next sync
//! would store. Two views come out of one pass over the rows (kept in memory:
//! counts and a few examples per move, never the rows):
//! - **moves**: open conversations whose automatic tier would change, by
//!   from → to. Conversations the user pinned keep their queue tier, so they are
//!   counted apart (`pinned`) and judged in the second view instead;
//! - **override agreement**: for every conversation with a tier override, does
//!   the automatic tier equal the user's choice, as stored (before) and re-triaged
//!   (after)?
//!
//! Read-only: it never writes the cache.

use crate::model::{Assess, Status, Tier};
use crate::store::{Retriage, Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Examples kept per from → to move.
pub const EXAMPLES_PER_MOVE: usize = 3;
/// Display columns of an example's text.
pub const EXAMPLE_COLUMNS: usize = 60;

/// What a re-triage of the cache would change.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Backtest {
    /// Open conversations re-triaged.
    pub open: usize,
    /// Open conversations whose tier the user pinned: their queue tier stays.
    pub pinned: usize,
    /// Open, unpinned conversations whose tier would change.
    pub changed: usize,
    /// Open, unpinned conversations that keep their tier.
    pub unchanged: usize,
    /// Of `unchanged`, those whose reason would read differently.
    pub reason_changed: usize,
    /// The changes by from → to, most common first.
    pub moves: Vec<Move>,
    /// How the automatic tier agrees with the user's overrides.
    pub overrides: Agreement,
}

/// Conversations that would move from one tier to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub from: Tier,
    pub to: Tier,
    pub count: usize,
    /// The first few, by conversation id.
    pub examples: Vec<Example>,
}

/// One conversation that would move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub id: i64,
    /// The text triage read, on one line, cleaned and cut to `EXAMPLE_COLUMNS`.
    pub text: String,
    pub old_reason: String,
    pub new_reason: String,
}

/// Overridden conversations (any status) whose automatic tier equals the user's
/// chosen tier, as stored and as re-triaged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Conversations with a tier override.
    pub conversations: usize,
    /// The stored automatic tier equals the override.
    pub agree_before: usize,
    /// The re-triaged automatic tier equals the override.
    pub agree_after: usize,
    /// Disagreed before, agree after.
    pub fixed: usize,
    /// Agreed before, disagree after.
    pub broken: usize,
    /// Of the overrides, those triage learns from (since the last learning
    /// reset): the re-triage was taught these, so agreeing with them is no test.
    pub learned_from: usize,
}

/// Re-triage every open or overridden conversation in `store` with `assess`.
pub fn backtest(store: &Store, assess: &dyn Assess) -> Result<Backtest, StoreError> {
    let mut report = Backtest::default();
    report.overrides.learned_from = store.learning_examples()?.len();
    let mut moves: BTreeMap<(Tier, Tier), Move> = BTreeMap::new();
    store.for_each_retriage(|row| {
        let verdict = assess.assess(&row.input);
        report.note(row, verdict.tier, &verdict.reason, &mut moves);
        Ok(())
    })?;
    let mut moves: Vec<Move> = moves.into_values().collect();
    // Most common first; ties in tier order, so the output is stable.
    moves.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    report.moves = moves;
    Ok(report)
}

impl Backtest {
    fn note(
        &mut self,
        row: &Retriage<'_>,
        tier: Tier,
        reason: &str,
        moves: &mut BTreeMap<(Tier, Tier), Move>,
    ) {
        if let Some(chosen) = row.tier_override {
            let a = &mut self.overrides;
            let before = row.tier_auto == chosen;
            let after = tier == chosen;
            a.conversations += 1;
            a.agree_before += usize::from(before);
            a.agree_after += usize::from(after);
            a.fixed += usize::from(!before && after);
            a.broken += usize::from(before && !after);
        }
        if row.status != Status::Open {
            return;
        }
        self.open += 1;
        if row.tier_override.is_some() {
            self.pinned += 1;
            return;
        }
        if tier == row.tier_auto {
            self.unchanged += 1;
            self.reason_changed += usize::from(reason != row.tier_reason);
            return;
        }
        self.changed += 1;
        let m = moves.entry((row.tier_auto, tier)).or_insert_with(|| Move {
            from: row.tier_auto,
            to: tier,
            count: 0,
            examples: Vec::new(),
        });
        m.count += 1;
        if m.examples.len() < EXAMPLES_PER_MOVE {
            m.examples.push(Example {
                id: row.id,
                text: short(row.input.unanswered_text),
                old_reason: row.tier_reason.to_string(),
                new_reason: reason.to_string(),
            });
        }
    }
}

/// Untrusted text as one short, clean line.
fn short(text: &str) -> String {
    let line = crate::sanitize::sanitize_line(text);
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::width::truncate(&line, EXAMPLE_COLUMNS).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{
        AssessInput, Assessment, Direction, IncomingMessage, IngestPage, Kind, Platform,
    };
    use chrono::{Duration, TimeZone, Utc};

    /// `KeywordAssess`, except that "quokka" is a purchase word now: a rule edit.
    struct Edited;

    impl Assess for Edited {
        fn assess(&self, input: &AssessInput<'_>) -> Assessment {
            let mut a = KeywordAssess.assess(input);
            if input.unanswered_text.contains("quokka") {
                a.tier = Tier::Revenue;
                a.reason = "your pricing phrase 'quokka'".into();
            } else if input.unanswered_text.contains("thanks") {
                a.reason = "new words".into();
            }
            a
        }
    }

    fn message(thread: &str, direction: Direction, body: &str, minute: i64) -> IncomingMessage {
        IncomingMessage {
            account: "a".into(),
            platform: Platform::Forum,
            kind: Kind::Comment,
            thread_id: thread.into(),
            platform_id: format!("{thread}-{minute}"),
            direction,
            author: "Sam".into(),
            body: body.into(),
            sent_at: Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap() + Duration::minutes(minute),
            context: None,
            brand: None,
            location: None,
            rating: None,
        }
    }

    fn id(store: &Store, thread: &str) -> i64 {
        store.conversation_id("a", thread).unwrap().unwrap()
    }

    #[test]
    fn moves_and_override_agreement_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        let inbound = Direction::Inbound;
        let page = IngestPage {
            messages: vec![
                // Tier 3 → 1 under the edit, three of them (one pinned).
                message("q1", inbound, "is the quokka mug back?", 0),
                message("q2", inbound, "any quokka socks?", 1),
                message("q3", inbound, "quokka plush restock?", 2),
                // Tier 4 → 1: a comment that only the edit makes a lead.
                message("q4", inbound, "love the quokka", 3),
                // Unchanged tier, new reason.
                message("t1", inbound, "thanks a lot", 4),
                // Unchanged altogether.
                message("c1", inbound, "my order was wrong", 5),
                // Answered, overridden: counted for agreement only. The customer
                // asked about a quokka first, then we answered.
                message("w1", inbound, "quokka keyring?", 6),
                message("w1", Direction::Outbound, "Yes, Friday.", 7),
            ],
            cursor: None,
        };
        store.ingest(&page, &KeywordAssess).unwrap();
        let now = Utc::now();
        // Pinned to 1: agreed with nothing before, the edit agrees.
        store
            .set_tier_override(id(&store, "q3"), Some(Tier::Revenue), now)
            .unwrap();
        store
            .set_tier_override(id(&store, "w1"), Some(Tier::Revenue), now)
            .unwrap();
        // Pinned to 2 and already 2: agreement kept.
        store
            .set_tier_override(id(&store, "c1"), Some(Tier::Retention), now)
            .unwrap();

        let report = backtest(&store, &Edited).unwrap();
        assert_eq!(report.open, 6);
        assert_eq!(report.pinned, 2);
        assert_eq!(report.changed, 3);
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.reason_changed, 1);
        let moves: Vec<(u8, u8, usize)> = report
            .moves
            .iter()
            .map(|m| (m.from.number(), m.to.number(), m.count))
            .collect();
        assert_eq!(moves, vec![(3, 1, 2), (4, 1, 1)]);
        let first = &report.moves[0].examples;
        assert_eq!(
            first.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![id(&store, "q1"), id(&store, "q2")]
        );
        assert_eq!(first[0].text, "is the quokka mug back?");
        assert_eq!(first[0].old_reason, "test keywords");
        assert_eq!(first[0].new_reason, "your pricing phrase 'quokka'");
        assert_eq!(
            report.overrides,
            Agreement {
                conversations: 3,
                agree_before: 1,
                agree_after: 3,
                fixed: 2,
                broken: 0,
                learned_from: 3,
            }
        );

        // The same engine that filled the cache changes nothing.
        let same = backtest(&store, &KeywordAssess).unwrap();
        assert_eq!((same.changed, same.reason_changed), (0, 0));
        assert!(same.moves.is_empty());
        assert_eq!(same.overrides.agree_before, same.overrides.agree_after);
    }

    #[test]
    fn examples_are_few_and_one_clean_short_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        let long = format!("quokka\x1b]0;TITLE\x07 line\n{}", "word ".repeat(40));
        let messages = (0..5)
            .map(|i| message(&format!("t{i}"), Direction::Inbound, &long, i))
            .collect();
        store
            .ingest(
                &IngestPage {
                    messages,
                    cursor: None,
                },
                &KeywordAssess,
            )
            .unwrap();
        let report = backtest(&store, &Edited).unwrap();
        assert_eq!(report.moves.len(), 1);
        assert_eq!(report.moves[0].count, 5);
        let examples = &report.moves[0].examples;
        assert_eq!(examples.len(), EXAMPLES_PER_MOVE);
        let text = &examples[0].text;
        assert!(text.starts_with("quokka line word"), "{text}");
        assert!(!text.contains("TITLE") && !text.contains('\n'), "{text}");
        assert!(crate::width::width(text) <= EXAMPLE_COLUMNS, "{text}");
        assert!(text.ends_with('…'), "{text}");
    }
}
