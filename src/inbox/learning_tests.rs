//! Learning from overrides on real SQLite files: 20 corrections teach a new kind
//! of message, the reason credits them, unrelated messages keep their tier, a
//! reset forgets, a fresh cache is the shipped model, and the updates are
//! deterministic.

use super::*;
use crate::config::Config;
use crate::model::{Direction, IncomingMessage, IngestPage, Kind, Platform, Tier};
use crate::triage::Triage;
use chrono::TimeZone;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .single()
        .expect("valid time")
}

/// Influencer collaboration requests: the shipped model has no notion of them
/// (`tests/data/`, shared with the CLI test).
fn taught() -> Vec<&'static str> {
    include_str!("../../tests/data/influencer-taught.txt")
        .lines()
        .collect()
}

/// New requests of the same kind, in other words.
fn unseen() -> Vec<&'static str> {
    include_str!("../../tests/data/influencer-unseen.txt")
        .lines()
        .collect()
}

/// Complaints, spam, questions, praise and friendly DMs full of the same little
/// words ("hi", "I would love"): the corrections are not about them.
fn unrelated() -> Vec<&'static str> {
    include_str!("../../tests/data/unrelated.txt")
        .lines()
        .collect()
}

fn incoming(i: usize, text: &str) -> IncomingMessage {
    IncomingMessage {
        account: "ig-acct".into(),
        platform: Platform::Instagram,
        kind: Kind::Dm,
        thread_id: format!("thread-{i}"),
        platform_id: format!("m{i}"),
        direction: Direction::Inbound,
        author: format!("Author {i}"),
        body: text.into(),
        sent_at: t0() + chrono::Duration::minutes(i64::try_from(i).expect("small")),
        context: None,
        brand: None,
        location: None,
        rating: None,
    }
}

/// A cache holding the taught requests as DMs; returns their conversation ids.
fn cache(triage: &Triage) -> (tempfile::TempDir, std::path::PathBuf, Vec<i64>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("open");
    let messages = taught()
        .iter()
        .enumerate()
        .map(|(i, t)| incoming(i, t))
        .collect();
    let stats = store
        .ingest(
            &IngestPage {
                messages,
                cursor: None,
            },
            triage,
        )
        .expect("ingest");
    (dir, path, stats.touched)
}

fn engine() -> Triage {
    let t = Triage::new(&Config::default()).expect("triage");
    assert!(t.model().is_some(), "the shipped model loads");
    t
}

/// Override every taught conversation to tier 1, as `t 1` or `hearth tier ID 1`.
fn teach(path: &std::path::Path, ids: &[i64], triage: &Triage) {
    let config = Config::default();
    let mut store = Store::open(path).expect("open");
    for (k, id) in ids.iter().enumerate() {
        let now = t0() + chrono::Duration::hours(1 + i64::try_from(k).expect("small"));
        Inbox::new(&mut store, &config, triage)
            .retier(*id, Some(Tier::Revenue), now)
            .expect("retier");
    }
}

fn verdicts(triage: &Triage, texts: &[&str]) -> Vec<crate::triage::Verdict> {
    texts
        .iter()
        .map(|t| triage.classify(t, Some(Kind::Dm), None, Some(Platform::Instagram)))
        .collect()
}

#[test]
fn twenty_corrections_teach_a_new_kind_of_message_and_the_reason_says_so() {
    let shipped = engine();
    let learning = engine();
    let (_dir, path, ids) = cache(&shipped);
    assert_eq!(ids.len(), 20);
    let before = verdicts(&shipped, &unseen());
    let already = before.iter().filter(|v| v.tier == Tier::Revenue).count();

    teach(&path, &ids, &learning);
    assert_eq!(learning.learned_corrections(), 20);

    let after = verdicts(&learning, &unseen());
    // What changed, for the failure messages.
    let report: String = unseen()
        .iter()
        .zip(before.iter().zip(&after))
        .map(|(text, (b, a))| {
            format!(
                "T{} → T{}  {}  | {text}\n",
                b.tier.number(),
                a.tier.number(),
                a.reason
            )
        })
        .collect();
    let in_tier_1 = after.iter().filter(|v| v.tier == Tier::Revenue).count();
    assert!(
        in_tier_1 >= 7,
        "{in_tier_1} of 10 unseen requests in tier 1 (shipped: {already})\n{report}"
    );
    assert!(already < 7, "the shipped model already knew: {already}");
    let credited: Vec<&str> = after
        .iter()
        .filter(|v| v.tier == Tier::Revenue)
        .map(|v| v.reason.as_str())
        .filter(|r| r.contains("learned from") && r.contains("of your corrections"))
        .collect();
    assert!(credited.len() >= 7, "{report}");
    // "learned from N of your corrections": N counts similar tier-1 corrections.
    for r in &credited {
        let n: usize = r
            .split("learned from ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {r}"));
        assert!((1..=20).contains(&n), "{r}");
    }

    // Complaints, spam, questions and praise keep the shipped model's tier.
    let unrelated_before = verdicts(&shipped, &unrelated());
    let unrelated_after = verdicts(&learning, &unrelated());
    for (text, (b, a)) in unrelated()
        .iter()
        .zip(unrelated_before.iter().zip(&unrelated_after))
    {
        assert_eq!(a.tier, b.tier, "{text}: {} → {}", b.reason, a.reason);
        assert!(!a.reason.contains("learned from"), "{text}: {}", a.reason);
    }
}

/// Every text we look at, with the full verdict and the full explanation.
fn everything(triage: &Triage) -> Vec<(crate::triage::Verdict, String)> {
    taught()
        .into_iter()
        .chain(unseen())
        .chain(unrelated())
        .map(|t| {
            let v = triage.classify(t, Some(Kind::Dm), None, Some(Platform::Instagram));
            let x = triage.explain(t, Some(Kind::Dm), None, Some(Platform::Instagram));
            (v, serde_json::to_string(&x).expect("json"))
        })
        .collect()
}

#[test]
fn a_reset_forgets_and_the_verdicts_are_the_shipped_models_again() {
    let shipped = engine();
    let learning = engine();
    let (_dir, path, ids) = cache(&shipped);
    teach(&path, &ids, &learning);
    assert_ne!(everything(&learning), everything(&shipped));

    let config = Config::default();
    let mut store = Store::open(&path).expect("open");
    let forgotten = Inbox::new(&mut store, &config, &learning)
        .reset_learning(t0() + chrono::Duration::days(1))
        .expect("reset");
    assert_eq!(forgotten, 20);
    assert_eq!(learning.learned_corrections(), 0);
    assert!(learning.learned_state().is_empty());
    assert_eq!(everything(&learning), everything(&shipped));

    // The override history stays (the backtest reads it); learning does not.
    assert_eq!(store.tier_example_count().expect("count"), 20);
    let reopened = engine();
    assert_eq!(load(&store, &reopened).expect("load"), 0);
    assert_eq!(everything(&reopened), everything(&shipped));

    // Corrections after the reset are learned again, and only they.
    Inbox::new(&mut store, &config, &learning)
        .retier(
            ids[0],
            Some(Tier::Revenue),
            t0() + chrono::Duration::days(2),
        )
        .expect("retier");
    assert_eq!(learning.learned_corrections(), 1);
}

#[test]
fn a_fresh_cache_is_exactly_the_shipped_model() {
    let shipped = engine();
    let (_dir, path, _) = cache(&shipped);
    let store = Store::open(&path).expect("open");
    let fresh = engine();
    assert_eq!(load(&store, &fresh).expect("load"), 0);
    assert!(fresh.learned_state().is_empty());
    let (a, b) = (everything(&fresh), everything(&shipped));
    assert_eq!(a, b);
    assert!(
        a.iter()
            .all(|(v, x)| !v.reason.contains("learned") && !x.contains("\"learned\""))
    );
}

#[test]
fn learning_one_by_one_and_refitting_on_open_give_the_same_deltas_bit_for_bit() {
    let shipped = engine();
    let (_dir_a, path_a, ids_a) = cache(&shipped);
    let (_dir_b, path_b, ids_b) = cache(&shipped);
    let a = engine();
    let b = engine();
    teach(&path_a, &ids_a, &a);
    teach(&path_b, &ids_b, &b);
    // Two runs of the same overrides learn the same thing.
    assert_eq!(a.learned_state(), b.learned_state());
    assert_eq!(everything(&a), everything(&b));
    // Opening the cache again refits from the stored examples: the same deltas.
    let reopened = engine();
    let store = Store::open(&path_a).expect("open");
    assert_eq!(load(&store, &reopened).expect("load"), 20);
    assert_eq!(reopened.learned_state(), a.learned_state());
    assert_eq!(everything(&reopened), everything(&a));
    assert!(!a.learned_state().is_empty());
}

#[test]
fn a_cleared_or_changed_override_withdraws_its_example() {
    let shipped = engine();
    let learning = engine();
    let (_dir, path, ids) = cache(&shipped);
    teach(&path, &ids, &learning);
    let config = Config::default();
    let mut store = Store::open(&path).expect("open");
    let later = t0() + chrono::Duration::days(1);
    Inbox::new(&mut store, &config, &learning)
        .retier(ids[3], None, later)
        .expect("clear");
    assert_eq!(learning.learned_corrections(), 19);
    Inbox::new(&mut store, &config, &learning)
        .retier(ids[5], Some(Tier::Engagement), later)
        .expect("change");
    let examples = store.learning_examples().expect("examples");
    assert_eq!(examples.len(), 19);
    assert!(!examples.iter().any(|e| e.conversation_id == ids[3]));
    let changed = examples
        .iter()
        .find(|e| e.conversation_id == ids[5])
        .expect("changed example");
    assert_eq!(changed.tier, Tier::Engagement);
    assert_eq!(examples.last().map(|e| e.conversation_id), Some(ids[5]));
    // The running engine refitted: the same as a fresh load of what is stored.
    let reopened = engine();
    load(&store, &reopened).expect("load");
    assert_eq!(reopened.learned_state(), learning.learned_state());
}

#[test]
fn bulk_retier_and_spam_teach_and_undo_forgets() {
    let shipped = engine();
    let learning = engine();
    let (_dir, path, ids) = cache(&shipped);
    let config = Config::default();
    let mut store = Store::open(&path).expect("open");
    let now = t0() + chrono::Duration::hours(1);
    let undo = Inbox::new(&mut store, &config, &learning)
        .retier_all(&ids[..10], Some(Tier::Revenue), now)
        .expect("bulk retier");
    assert_eq!(learning.learned_corrections(), 10);
    let spam = Inbox::new(&mut store, &config, &learning)
        .spam(&ids[10..12], now)
        .expect("spam");
    assert_eq!(
        learning.learned_corrections(),
        12,
        "spam is a tier 5 correction"
    );

    // Undo withdraws the examples, and the running engine forgets them at once.
    Inbox::new(&mut store, &config, &learning)
        .undo(&spam, now)
        .expect("undo spam");
    assert_eq!(learning.learned_corrections(), 10);
    Inbox::new(&mut store, &config, &learning)
        .undo(&undo, now)
        .expect("undo retier");
    assert_eq!(learning.learned_corrections(), 0);
    assert_eq!(
        everything(&learning),
        everything(&shipped),
        "nothing learned is left"
    );
}

#[test]
fn the_t_key_teaches_the_engine_the_running_inbox_and_its_sync_share() {
    use crate::ui::action::Effect;
    let shipped = engine();
    let (_dir, path, ids) = cache(&shipped);
    // The TUI holds one engine for itself and its sync engine.
    let shared: std::sync::Arc<dyn crate::model::Assess + Send + Sync> =
        std::sync::Arc::new(engine());
    let state = crate::ui::tests::loaded_state();
    let mut store = Store::open(&path).expect("open");
    for id in &ids {
        crate::ui::effects::execute(
            &mut store,
            shared.as_ref(),
            &state,
            Effect::SetTier {
                conversation_id: *id,
                tier: Some(Tier::Revenue),
            },
            t0() + chrono::Duration::hours(1),
        )
        .expect("an answer");
    }
    // What the sync engine ingests next is triaged with what was just learned.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut other = Store::open(&dir.path().join("next.db")).expect("open");
    let stats = other
        .ingest(
            &IngestPage {
                messages: unseen()
                    .iter()
                    .enumerate()
                    .map(|(i, t)| incoming(100 + i, t))
                    .collect(),
                cursor: None,
            },
            shared.as_ref(),
        )
        .expect("ingest");
    let tiers: Vec<Tier> = stats
        .touched
        .iter()
        .map(|id| {
            other
                .conversation(*id)
                .expect("read")
                .expect("conversation")
                .tier
        })
        .collect();
    let in_tier_1 = tiers.iter().filter(|t| **t == Tier::Revenue).count();
    assert!(in_tier_1 >= 7, "{tiers:?}");
}
