//! Store tests on real SQLite files: migrations, idempotent upsert, queue order,
//! status transitions, overrides, search, replies.

use chrono::{DateTime, Duration, TimeZone, Utc};
use hearth::model::{
    Assess, AssessInput, Assessment, Cursor, Direction, IncomingMessage, IngestPage, Kind,
    Platform, PromotionSteps, QueueFilter, Status, Tier, sort_tier,
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

fn steps() -> PromotionSteps {
    PromotionSteps::new([Some(60), Some(120), Some(240), Some(24 * 60), None])
}

#[test]
fn a_refused_reply_reopens_the_conversation_with_its_deadline_until_a_resend_goes_out() {
    let (_dir, mut store) = open_temp();
    let id = store
        .ingest(
            &page(vec![msg(
                "a",
                "1",
                Direction::Inbound,
                "it arrived broken",
                0,
            )]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    let deadline = store.conversation(id).unwrap().unwrap().due_at;
    assert_eq!(deadline, Some(t0() + Duration::hours(2)));
    let sent_at = t0() + Duration::minutes(30);
    let outbox = store
        .record_reply(id, "Sam", "So sorry, Dana!", None, sent_at)
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!((c.status, c.due_at), (Status::Waiting, None));

    // The platform refuses it: the conversation is back, with the same deadline.
    assert!(store.claim_outbox_item(outbox, sent_at).unwrap());
    store
        .mark_outbox_failed(
            outbox,
            "the messaging window has closed",
            sent_at,
            &KeywordAssess,
        )
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.status, Status::Open);
    assert_eq!(c.due_at, deadline);
    assert_eq!(c.first_unanswered_at, Some(t0()));
    assert_eq!(
        c.send_error.as_deref(),
        Some("the messaging window has closed")
    );
    let queue = store.queue(&QueueFilter::default(), None, 10).unwrap();
    assert_eq!(queue.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    let counts = store
        .counts(&QueueFilter::default(), t0() + Duration::hours(3))
        .unwrap();
    assert_eq!(counts.overdue, 1);
    assert_eq!(
        counts.oldest_overdue[1].as_ref().map(|o| (o.id, o.due_at)),
        Some((id, t0() + Duration::hours(2))),
        "the status bar can name it"
    );

    // Sent again: answered for now, and once the platform takes it, for good.
    store
        .resolve_outbox(outbox, true, sent_at, &KeywordAssess)
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!((c.status, c.send_error.as_deref()), (Status::Waiting, None));
    assert!(store.claim_outbox_item(outbox, sent_at).unwrap());
    store.mark_outbox_sent(outbox, "p-77", sent_at).unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!((c.status, c.due_at), (Status::Waiting, None));
    assert!(
        store
            .queue(&QueueFilter::default(), None, 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_dismissed_refusal_leaves_the_conversation_unanswered() {
    let (_dir, mut store) = open_temp();
    let id = store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "price please", 0)]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    let outbox = store
        .record_reply(id, "Sam", "20 EUR", None, t0() + Duration::minutes(5))
        .unwrap();
    store.set_status(id, Status::Done).unwrap();
    store
        .mark_outbox_failed(outbox, "rejected", t0(), &KeywordAssess)
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(
        c.status,
        Status::Open,
        "done only because we thought it answered"
    );
    store
        .resolve_outbox(outbox, false, t0(), &KeywordAssess)
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.status, Status::Open);
    assert_eq!(c.due_at, Some(t0() + Duration::hours(1)));
    assert_eq!(c.send_error, None, "given up on: no longer flagged");
}

#[test]
fn a_holding_reply_meets_the_acknowledgment_and_keeps_the_response_clock() {
    let (_dir, mut store) = open_temp();
    let id = store
        .ingest(
            &page(vec![msg("a", "1", Direction::Inbound, "price for 20?", 0)]),
            &KeywordAssess,
        )
        .unwrap()
        .touched[0];
    let before = store.conversation(id).unwrap().unwrap();
    let ack_at = t0() + Duration::minutes(4);
    let outbox = store
        .record_reply_as(
            id,
            "Sam",
            "Got it, full answer within the hour!",
            None,
            true,
            ack_at,
        )
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.status, Status::Open, "still owed an answer");
    assert_eq!(c.due_at, before.due_at, "the response clock keeps running");
    assert_eq!(c.acknowledged_at, Some(ack_at));
    let queue = store.queue(&QueueFilter::default(), None, 10).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].acknowledged_at, Some(ack_at));
    // Which outbound message was the acknowledgment is recorded, for metrics.
    let item = store.outbox_item(outbox).unwrap().unwrap();
    let thread = store.messages(id, 10).unwrap();
    let holding = thread
        .iter()
        .find(|m| Some(m.id) == item.message_id)
        .expect("the holding reply");
    assert!(holding.acknowledgment);
    assert!(!thread[0].acknowledgment);

    // A refused acknowledgment acknowledged nothing.
    store
        .mark_outbox_failed(outbox, "rejected", ack_at, &KeywordAssess)
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(c.acknowledged_at, None);
    assert_eq!(c.send_error.as_deref(), Some("rejected"));

    // The real answer ends both clocks.
    store
        .record_reply(
            id,
            "Sam",
            "It is 20 EUR a head.",
            None,
            t0() + Duration::minutes(40),
        )
        .unwrap();
    let c = store.conversation(id).unwrap().unwrap();
    assert_eq!(
        (c.status, c.acknowledged_at, c.due_at),
        (Status::Waiting, None, None)
    );
}

#[test]
fn promotion_keeps_keyset_paging_complete_and_duplicate_free() {
    let (_dir, mut store) = open_temp();
    let bodies = [
        "price please",
        "it arrived broken",
        "open on sunday?",
        "thank you all",
        "spam spam",
    ];
    // 60 conversations of every tier, arriving over 30 hours.
    let messages = (0..60)
        .map(|i| {
            msg(
                &format!("t{i}"),
                &format!("m{i}"),
                Direction::Inbound,
                bodies[i % bodies.len()],
                i64::try_from(i * 31 % 1800).unwrap(),
            )
        })
        .collect();
    store.ingest(&page(messages), &KeywordAssess).unwrap();
    let now = t0() + Duration::hours(31);
    let moved = store.refresh_order(now, &steps()).unwrap();
    assert!(moved > 0, "some deadlines have long passed");
    assert_eq!(store.refresh_order(now, &steps()).unwrap(), 0, "settled");

    let all = store.queue(&QueueFilter::default(), None, 1000).unwrap();
    assert_eq!(all.len(), 60);
    for c in &all {
        assert_eq!(
            c.sort_tier,
            sort_tier(c.tier, c.due_at, now, &steps()),
            "the SQL and the rule agree on #{}",
            c.id
        );
    }
    assert!(all.iter().any(|c| c.is_promoted()));
    // A promoted complaint sorts above leads that are due later.
    let complaint = all
        .iter()
        .position(|c| c.tier == Tier::Retention && c.is_promoted())
        .expect("a promoted complaint");
    let later_lead = all
        .iter()
        .position(|c| c.tier == Tier::Revenue && c.due_at > all[complaint].due_at)
        .expect("a later lead");
    assert!(complaint < later_lead);

    for filter in [
        QueueFilter::default(),
        QueueFilter {
            tier: Some(Tier::Acknowledgment),
            ..QueueFilter::default()
        },
    ] {
        let whole = store.queue(&filter, None, 1000).unwrap();
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page = store.queue(&filter, after, 7).unwrap();
            let Some(last) = page.last() else { break };
            after = Some(QueueKey::of(last));
            paged.extend(page.iter().map(|c| c.id));
        }
        let mut unique = paged.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), paged.len(), "no row twice ({filter:?})");
        assert_eq!(
            paged,
            whole.iter().map(|c| c.id).collect::<Vec<_>>(),
            "every row, in order ({filter:?})"
        );
        let keys: Vec<(u8, i64, i64)> = whole
            .iter()
            .map(|c| {
                let due = c.due_at.map_or(i64::MAX, |d| d.timestamp_millis());
                (c.sort_tier.number(), due, c.id)
            })
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    }

    // A re-tier settles the sorting tier at once, without waiting for the minute.
    let praise = all
        .iter()
        .find(|c| c.tier == Tier::Acknowledgment && c.is_overdue(now))
        .expect("overdue praise");
    store
        .set_tier_override(praise.id, Some(Tier::Retention), now)
        .unwrap();
    assert!(store.refresh_order_of(praise.id, now, &steps()).unwrap());
    let c = store.conversation(praise.id).unwrap().unwrap();
    assert_eq!(
        c.sort_tier,
        sort_tier(Tier::Retention, c.due_at, now, &steps())
    );
}
