//! Store tests on real SQLite files: migrations, idempotent upsert, queue order,
//! status transitions, overrides, search, replies.

use chrono::{DateTime, Duration, TimeZone, Utc};
use hearth::model::{
    Assess, AssessInput, Assessment, Cursor, Direction, IncomingMessage, IngestPage, Kind,
    Platform, QueueFilter, Status, Tier,
};
use hearth::store::{QueueKey, Store, StoreError};

/// Deterministic stand-in for triage: tier from a keyword, due = start + 1h per tier.
struct KeywordAssess;

impl Assess for KeywordAssess {
    fn assess(&self, input: &AssessInput<'_>) -> Assessment {
        let text = input.unanswered_text.to_lowercase();
        let tier = if text.contains("price") {
            Tier::Revenue
        } else if text.contains("broken") {
            Tier::Retention
        } else if text.contains('?') {
            Tier::Engagement
        } else if text.contains("spam") {
            Tier::Monitor
        } else {
            Tier::Acknowledgment
        };
        let due_at = (tier != Tier::Monitor)
            .then(|| input.first_unanswered_at + Duration::hours(i64::from(tier.number())));
        Assessment {
            tier,
            reason: format!("keyword tier {tier}"),
            sentiment: 0.0,
            due_at,
            ack_due_at: None,
        }
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn msg(thread: &str, id: &str, dir: Direction, body: &str, minutes: i64) -> IncomingMessage {
    IncomingMessage {
        account: "acme-ig".into(),
        platform: Platform::Instagram,
        kind: Kind::Dm,
        thread_id: thread.into(),
        platform_id: id.into(),
        direction: dir,
        author: if dir == Direction::Inbound {
            "Dana Kim".into()
        } else {
            "Acme".into()
        },
        body: body.into(),
        sent_at: t0() + Duration::minutes(minutes),
        context: None,
        brand: Some("Acme".into()),
        location: Some("Oslo".into()),
        rating: None,
    }
}

fn page(messages: Vec<IncomingMessage>) -> IngestPage {
    IngestPage {
        messages,
        cursor: None,
    }
}

fn open_temp() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("cache.sqlite3")).expect("open store");
    (dir, store)
}

#[test]
fn migrations_create_schema_and_reopen_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/cache.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .ingest(
                &page(vec![msg("a", "1", Direction::Inbound, "hi", 0)]),
                &KeywordAssess,
            )
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.totals().unwrap(), (1, 1));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, hearth::store::schema::CURRENT_VERSION);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_schema_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer"), "{err}");
    assert!(err.contains("cache.sqlite3"), "{err}");
}

#[test]
fn a_negative_schema_version_is_refused_not_taken_as_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", -3).unwrap();
    drop(conn);
    let err = Store::open(&path).err().unwrap().to_string();
    assert!(err.contains("never writes"), "{err}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, -3, "the file is left as it was");
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    std::fs::write(
        &path,
        b"this is not sqlite, just some text that is long enough",
    )
    .unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
}

#[test]
fn ingesting_the_same_page_twice_changes_nothing() {
    let (_dir, mut store) = open_temp();
    let p = IngestPage {
        messages: vec![
            msg("a", "1", Direction::Inbound, "what is the price?", 0),
            msg("a", "2", Direction::Inbound, "for two", 1),
            msg("b", "3", Direction::Inbound, "love it", 2),
        ],
        cursor: Some(Cursor {
            account: "acme-ig".into(),
            key: "dm".into(),
            value: "3".into(),
        }),
    };
    let first = store.ingest(&p, &KeywordAssess).unwrap();
    assert_eq!(first.inserted, 3);
    assert_eq!(first.touched.len(), 2);
    let before = store.queue(&QueueFilter::default(), None, 10).unwrap();
    let version = store.totals().unwrap();

    let second = store.ingest(&p, &KeywordAssess).unwrap();
    assert_eq!(second.inserted, 0);
    assert_eq!(second.duplicates, 3);
    assert!(second.touched.is_empty());
    assert_eq!(store.totals().unwrap(), version);
    assert_eq!(
        store.queue(&QueueFilter::default(), None, 10).unwrap(),
        before
    );
    assert_eq!(store.cursor("acme-ig", "dm").unwrap().as_deref(), Some("3"));
}

#[test]
fn queue_orders_by_tier_then_due_time() {
    let (_dir, mut store) = open_temp();
    store
        .ingest(
            &page(vec![
                // An early tier-4 comment must not outrank a later tier-1 DM.
                msg("thanks", "1", Direction::Inbound, "thank you all", 0),
                msg("late-price", "2", Direction::Inbound, "price for 3?", 30),
                msg("early-price", "3", Direction::Inbound, "price please", 10),
                msg("broken", "4", Direction::Inbound, "it arrived broken", 5),
                msg("spam", "5", Direction::Inbound, "spam spam", 1),
            ]),
            &KeywordAssess,
        )
        .unwrap();
    let queue = store.queue(&QueueFilter::default(), None, 10).unwrap();
    let threads: Vec<&str> = queue.iter().map(|c| c.thread_id.as_str()).collect();
    assert_eq!(
        threads,
        ["early-price", "late-price", "broken", "thanks", "spam"]
    );
    assert_eq!(queue[4].due_at, None);

    // Keyset paging returns the same order in pieces.
    let first = store.queue(&QueueFilter::default(), None, 2).unwrap();
    let rest = store
        .queue(&QueueFilter::default(), Some(QueueKey::of(&first[1])), 10)
        .unwrap();
    let paged: Vec<&str> = first
        .iter()
        .chain(rest.iter())
        .map(|c| c.thread_id.as_str())
        .collect();
    assert_eq!(paged, threads);

    let only_t2 = QueueFilter {
        tier: Some(Tier::Retention),
        ..QueueFilter::default()
    };
    let t2 = store.queue(&only_t2, None, 10).unwrap();
    assert_eq!(t2.len(), 1);
    assert_eq!(t2[0].thread_id, "broken");

    let counts = store.counts(&QueueFilter::default(), t0()).unwrap();
    assert_eq!(counts.per_tier, [2, 1, 0, 1, 1]);
    assert_eq!(counts.overdue, 0);
    let later = store
        .counts(&QueueFilter::default(), t0() + Duration::hours(5))
        .unwrap();
    assert_eq!(later.overdue, 4, "every deadline but the spam's has passed");
}

#[test]
fn answered_conversations_leave_the_queue_until_the_customer_writes_again() {
    let (_dir, mut store) = open_temp();
    let stats = store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "price?", 0)]),
            &KeywordAssess,
        )
        .unwrap();
    let id = stats.touched[0];
    store
        .record_reply(
            id,
            "Sam",
            "It is 20 EUR.",
            None,
            t0() + Duration::minutes(5),
        )
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.status, Status::Waiting);
    assert_eq!(c.due_at, None);
    assert_eq!(c.preview, "It is 20 EUR.");
    assert!(
        store
            .queue(&QueueFilter::default(), None, 10)
            .unwrap()
            .is_empty()
    );
    let outbox = store
        .outbox(hearth::model::OutboxState::Queued, 10)
        .unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].body, "It is 20 EUR.");

    store
        .ingest(
            &page(vec![msg(
                "a",
                "2",
                Direction::Inbound,
                "ok, and is it broken?",
                10,
            )]),
            &KeywordAssess,
        )
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.status, Status::Open);
    assert_eq!(
        c.tier,
        Tier::Retention,
        "only the unanswered text is triaged"
    );
    assert_eq!(c.first_unanswered_at, Some(t0() + Duration::minutes(10)));
    assert_eq!(c.message_count, 3);
    let thread = store.messages(id, 100).unwrap();
    let directions: Vec<Direction> = thread.iter().map(|m| m.direction).collect();
    assert_eq!(
        directions,
        [Direction::Inbound, Direction::Outbound, Direction::Inbound]
    );
}

#[test]
fn manual_override_wins_and_survives_new_messages() {
    let (_dir, mut store) = open_temp();
    let id = store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "hello", 0)]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    store
        .set_tier_override(id, Some(Tier::Revenue), t0())
        .unwrap();
    store
        .ingest(
            &page(vec![msg("a", "2", Direction::Inbound, "spam spam", 1)]),
            &KeywordAssess,
        )
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.tier, Tier::Revenue);
    assert_eq!(c.tier_auto, Tier::Monitor);
    store.set_tier_override(id, None, t0()).unwrap();
    // Both choices were kept as labelled examples for learning.
    assert_eq!(store.tier_example_count().unwrap(), 2);
    assert_eq!(store.tier_of(id).unwrap(), Some(Tier::Monitor));
    assert!(matches!(
        store.set_tier_override(999, Some(Tier::Revenue), t0()),
        Err(StoreError::NoSuchConversation(999))
    ));
}

#[test]
fn done_and_snoozed_leave_the_queue_and_snoozed_ones_wake() {
    let (_dir, mut store) = open_temp();
    let stats = store
        .ingest(
            &page(vec![
                msg("a", "1", Direction::Inbound, "hello", 0),
                msg("b", "2", Direction::Inbound, "hello", 0),
            ]),
            &KeywordAssess,
        )
        .unwrap();
    let (a, b) = (stats.touched[0], stats.touched[1]);
    store.set_status(a, Status::Done).unwrap();
    store.snooze(b, t0() + Duration::hours(1)).unwrap();
    assert!(
        store
            .queue(&QueueFilter::default(), None, 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.wake_snoozed(t0()).unwrap(), 0);
    assert_eq!(store.wake_snoozed(t0() + Duration::hours(2)).unwrap(), 1);
    let queue = store.queue(&QueueFilter::default(), None, 10).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].id, b);
    // A customer writing into a done conversation reopens it.
    store
        .ingest(
            &page(vec![msg("a", "3", Direction::Inbound, "hello?", 5)]),
            &KeywordAssess,
        )
        .unwrap();
    assert_eq!(store.conversation(a).unwrap().unwrap().status, Status::Open);
}

#[test]
fn full_text_search_finds_any_status_and_treats_syntax_literally() {
    let (_dir, mut store) = open_temp();
    let stats = store
        .ingest(
            &page(vec![
                msg(
                    "a",
                    "1",
                    Direction::Inbound,
                    "The espresso machine is broken",
                    0,
                ),
                msg("b", "2", Direction::Inbound, "Café con leche, por favor", 1),
                msg("c", "3", Direction::Inbound, "予約できますか", 2),
            ]),
            &KeywordAssess,
        )
        .unwrap();
    store.set_status(stats.touched[0], Status::Done).unwrap();
    let hits = store.search("espres", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].thread_id, "a");
    assert_eq!(store.search("cafe", 10).unwrap()[0].thread_id, "b");
    assert!(store.search("\"unbalanced AND (", 10).unwrap().is_empty());
    assert!(store.search("", 10).unwrap().is_empty());
}

#[test]
fn corrupt_rows_give_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let id = store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "hi", 0)]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE conversations SET platform = 'myspace'", [])
        .unwrap();
    let err = store.conversation(id).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
    assert!(err.to_string().contains("myspace"), "{err}");
}

#[test]
fn replies_never_predate_what_they_answer() {
    let (_dir, mut store) = open_temp();
    let id = store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "hi", 60)]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    // The local clock is behind the platform's timestamp.
    store.record_reply(id, "Sam", "hello!", None, t0()).unwrap();
    let thread = store.messages(id, 10).unwrap();
    assert_eq!(thread.last().unwrap().direction, Direction::Outbound);
    assert!(thread[1].sent_at > thread[0].sent_at);
    assert_eq!(
        store.conversation(id).unwrap().unwrap().status,
        Status::Waiting
    );
}

#[test]
fn a_thread_that_arrives_already_answered_is_still_triaged() {
    let (_dir, mut store) = open_temp();
    let id = store
        .ingest(
            &page(vec![
                msg("a", "1", Direction::Inbound, "the price please", 0),
                msg("a", "2", Direction::Outbound, "20 EUR", 3),
            ]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.status, Status::Waiting);
    assert_eq!(c.tier, Tier::Revenue);
    assert_eq!(c.tier_reason, "keyword tier 1");
    assert_eq!(c.due_at, None);
}

#[test]
fn distinct_filter_values_skip_empty_ones() {
    use hearth::store::FilterColumn;
    let (_dir, mut store) = open_temp();
    let mut other = msg("b", "2", Direction::Inbound, "hi", 1);
    other.platform = Platform::Mastodon;
    other.brand = None;
    other.location = Some(String::new());
    store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "hi", 0), other]),
            &KeywordAssess,
        )
        .unwrap();
    assert_eq!(
        store.distinct_values(FilterColumn::Platform).unwrap(),
        ["instagram", "mastodon"]
    );
    assert_eq!(
        store.distinct_values(FilterColumn::Brand).unwrap(),
        ["Acme"]
    );
    assert_eq!(
        store.distinct_values(FilterColumn::Location).unwrap(),
        ["Oslo"]
    );
}

#[test]
fn opening_a_new_cache_from_many_threads_at_once_migrates_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let openers: Vec<_> = (0..8)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).map(|_| ()))
        })
        .collect();
    for opener in openers {
        opener.join().unwrap().expect("every opener succeeds");
    }
    assert_eq!(Store::open(&path).unwrap().totals().unwrap(), (0, 0));
}
