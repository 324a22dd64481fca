//! The status bar's counts are kept in the store (`queue_counts`, migration 9) by
//! triggers and an overdue sweep. On a real SQLite file, after random sequences of
//! writes, they must equal a full count of the conversations.

use chrono::{DateTime, Duration, TimeZone, Utc};
use hearth::model::{
    Assess, AssessInput, Assessment, Direction, Family, IncomingMessage, IngestPage, Kind,
    OverdueItem, Platform, PromotionSteps, QueueCounts, QueueFilter, Status, Tier,
};
use hearth::store::Store;
use proptest::prelude::*;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::Path;

/// Tier from a keyword; due one hour per tier after the first unanswered message
/// (tier 5 has no deadline).
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
        } else if text.contains("thanks") {
            Tier::Acknowledgment
        } else {
            Tier::Monitor
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

/// In the future: every ingest sweeps the overdue count to the real clock, and
/// these deadlines must be left for the test's own sweeps to pass.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2099, 3, 2, 9, 0, 0).unwrap()
}

const BODIES: &[&str] = &["what price?", "it is broken", "hello?", "thanks!", "spam"];
const PLATFORMS: [Platform; 4] = [
    Platform::Instagram,
    Platform::Facebook,
    Platform::Mastodon,
    Platform::Google,
];

fn label(values: &[&str], i: u8) -> Option<String> {
    values.get(usize::from(i)).map(|v| v.to_string())
}

#[derive(Debug, Clone)]
enum Op {
    Ingest {
        thread: u8,
        inbound: bool,
        body: u8,
        minutes: i64,
        brand: u8,
        location: u8,
    },
    Retier {
        thread: u8,
        tier: Option<u8>,
    },
    Status {
        thread: u8,
        status: u8,
    },
    Snooze {
        thread: u8,
        minutes: i64,
    },
    Wake {
        minutes: i64,
    },
    Sweep {
        minutes: i64,
    },
    Delete {
        thread: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let thread = 0..10_u8;
    let minutes = -60..900_i64;
    prop_oneof![
        4 => (thread.clone(), any::<bool>(), 0..5_u8, minutes.clone(), 0..3_u8, 0..3_u8).prop_map(
            |(thread, inbound, body, minutes, brand, location)| Op::Ingest {
                thread, inbound, body, minutes, brand, location
            }
        ),
        1 => (thread.clone(), proptest::option::of(1..=5_u8))
            .prop_map(|(thread, tier)| Op::Retier { thread, tier }),
        1 => (thread.clone(), 0..3_u8).prop_map(|(thread, status)| Op::Status { thread, status }),
        1 => (thread.clone(), minutes.clone()).prop_map(|(thread, minutes)| Op::Snooze { thread, minutes }),
        1 => minutes.clone().prop_map(|minutes| Op::Wake { minutes }),
        2 => minutes.prop_map(|minutes| Op::Sweep { minutes }),
        1 => thread.prop_map(|thread| Op::Delete { thread }),
    ]
}

fn message(thread: u8, seq: usize, op: &Op) -> Option<IncomingMessage> {
    let Op::Ingest {
        inbound,
        body,
        minutes,
        brand,
        location,
        ..
    } = *op
    else {
        return None;
    };
    let platform = PLATFORMS[usize::from(thread) % PLATFORMS.len()];
    let kind = match platform {
        Platform::Google => Kind::Review,
        Platform::Mastodon => Kind::Mention,
        _ => Kind::Dm,
    };
    let direction = if inbound {
        Direction::Inbound
    } else {
        Direction::Outbound
    };
    Some(IncomingMessage {
        account: format!("acct-{}", platform.as_str()),
        platform,
        kind,
        thread_id: format!("t{thread}"),
        platform_id: format!("m{seq}"),
        direction,
        author: if inbound {
            format!("Customer {thread}")
        } else {
            "Us".into()
        },
        body: BODIES[usize::from(body)].into(),
        sent_at: t0() + Duration::minutes(minutes),
        context: None,
        brand: label(&["Acme", "Birch"], brand),
        location: label(&["Oslo", "Bergen"], location),
        rating: (kind == Kind::Review).then_some(3),
    })
}

/// The conversation of a thread, if it exists.
fn id_of(raw: &Connection, thread: u8) -> Option<i64> {
    raw.query_row(
        "SELECT id FROM conversations WHERE thread_id = ?1",
        [format!("t{thread}")],
        |r| r.get(0),
    )
    .ok()
}

fn apply(store: &mut Store, raw: &Connection, seq: usize, op: &Op) {
    let at = |minutes: i64| t0() + Duration::minutes(minutes);
    match *op {
        Op::Ingest { thread, .. } => {
            let page = IngestPage {
                messages: message(thread, seq, op).into_iter().collect(),
                cursor: None,
            };
            store.ingest(&page, &KeywordAssess).expect("ingest");
        }
        Op::Retier { thread, tier } => {
            if let Some(id) = id_of(raw, thread) {
                let tier = tier.and_then(|n| Tier::ALL.into_iter().find(|t| t.number() == n));
                store.set_tier_override(id, tier, t0()).expect("retier");
            }
        }
        Op::Status { thread, status } => {
            if let Some(id) = id_of(raw, thread) {
                let status = [Status::Open, Status::Waiting, Status::Done][usize::from(status)];
                store.set_status(id, status).expect("status");
            }
        }
        Op::Snooze { thread, minutes } => {
            if let Some(id) = id_of(raw, thread) {
                store.snooze(id, at(minutes)).expect("snooze");
            }
        }
        Op::Wake { minutes } => {
            store.wake_snoozed(at(minutes)).expect("wake");
        }
        Op::Sweep { minutes } => {
            store
                .refresh_order(at(minutes), &PromotionSteps::new([Some(60); 5]))
                .expect("refresh order");
        }
        Op::Delete { thread } => {
            // No path of hearth deletes a conversation yet; the trigger must
            // still keep the counts exact when one does. (Its messages stay:
            // this connection lacks the FTS trigger's function.)
            raw.execute(
                "DELETE FROM conversations WHERE thread_id = ?1",
                [format!("t{thread}")],
            )
            .expect("delete");
        }
    }
}

/// `AND ...` clauses for `filter` over `conversations`, as a full count reads it.
fn where_of(filter: &QueueFilter) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    let mut add = |column: &str, value: String| {
        params.push(Value::Text(value));
        sql.push_str(&format!(" AND {column} = ?{}", params.len()));
    };
    if let Some(family) = filter.family {
        add("family", family.as_str().into());
    }
    if let Some(platform) = filter.platform {
        add("platform", platform.as_str().into());
    }
    if let Some(brand) = &filter.brand {
        add("brand", brand.clone());
    }
    if let Some(location) = &filter.location {
        add("location", location.clone());
    }
    (sql, params)
}

/// The counts by reading every conversation (what `Store::counts` did before
/// migration 9).
fn full_count(raw: &Connection, filter: &QueueFilter, now: DateTime<Utc>) -> QueueCounts {
    let (clauses, mut params) = where_of(filter);
    params.push(Value::Integer(now.timestamp_millis()));
    let n = params.len();
    let mut counts = QueueCounts::default();
    let mut stmt = raw
        .prepare(&format!(
            "SELECT tier, count(*), sum(due_sort < ?{n}) FROM conversations
             WHERE status = 'open'{clauses} GROUP BY tier"
        ))
        .expect("count");
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .expect("rows");
    for row in rows {
        let (tier, open, overdue) = row.expect("row");
        counts.per_tier[usize::try_from(tier - 1).expect("tier")] = open;
        counts.overdue += overdue;
    }
    for tier in 1..=5_i64 {
        let mut with_tier = params.clone();
        with_tier.push(Value::Integer(tier));
        counts.oldest_overdue[usize::try_from(tier - 1).expect("tier")] = raw
            .query_row(
                &format!(
                    "SELECT id, author, due_sort FROM conversations
                     WHERE status = 'open' AND tier = ?{}{clauses} AND due_sort < ?{n}
                     ORDER BY due_sort, id LIMIT 1",
                    n + 1
                ),
                rusqlite::params_from_iter(with_tier),
                |r| {
                    Ok(OverdueItem {
                        id: r.get(0)?,
                        author: r.get(1)?,
                        due_at: Utc.timestamp_millis_opt(r.get(2)?).single().expect("time"),
                    })
                },
            )
            .ok();
    }
    counts
}

/// status, tier, family, platform, brand, location, overdue, count.
type Group = (String, i64, String, String, String, String, i64, i64);

/// Every group of the counters table equals the group counted from the rows,
/// with overdue meaning "open and due before the sweep".
fn assert_table_exact(raw: &Connection) {
    let read = |sql: &str| -> Vec<Group> {
        raw.prepare(sql)
            .expect("select")
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read")
    };
    let kept = read(
        "SELECT status, tier, family, platform, brand, location, overdue, n
         FROM queue_counts WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6, 7",
    );
    let counted = read(
        "SELECT status, tier, family, platform, ifnull('+' || brand, ''),
                ifnull('+' || location, ''),
                status = 'open' AND due_sort < (SELECT swept_to FROM overdue_sweep), count(*)
         FROM conversations GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7",
    );
    assert_eq!(kept, counted);
}

fn filters() -> Vec<QueueFilter> {
    let brand = |b: &str| Some(b.to_string());
    vec![
        QueueFilter::default(),
        QueueFilter {
            brand: brand("Acme"),
            ..QueueFilter::default()
        },
        QueueFilter {
            location: brand("Bergen"),
            ..QueueFilter::default()
        },
        QueueFilter {
            brand: brand("Birch"),
            location: brand("Oslo"),
            ..QueueFilter::default()
        },
        QueueFilter {
            platform: Some(Platform::Mastodon),
            ..QueueFilter::default()
        },
        QueueFilter {
            family: Some(Family::Reputation),
            brand: brand("Acme"),
            ..QueueFilter::default()
        },
        // No brand is not the empty brand.
        QueueFilter {
            brand: brand(""),
            ..QueueFilter::default()
        },
    ]
}

fn open(path: &Path) -> (Store, Connection) {
    let store = Store::open(path).expect("open store");
    let raw = Connection::open(path).expect("raw connection");
    raw.busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    // The test deletes conversations and leaves their messages (see `Op::Delete`).
    raw.pragma_update(None, "foreign_keys", "OFF")
        .expect("foreign keys");
    (store, raw)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn counters_equal_a_full_count_after_any_writes(
        ops in proptest::collection::vec(op(), 1..60),
        reads in proptest::collection::vec(-120..1200_i64, 3),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite3");
        let (mut store, raw) = open(&path);
        for (seq, op) in ops.iter().enumerate() {
            apply(&mut store, &raw, seq, op);
            assert_table_exact(&raw);
        }
        // Read before and after the last sweep, and after reopening the file.
        for minutes in &reads {
            let now = t0() + Duration::minutes(*minutes);
            for filter in filters() {
                let kept = store.counts(&filter, now).expect("counts");
                prop_assert_eq!(&kept, &full_count(&raw, &filter, now), "{:?} at {}", filter, minutes);
            }
        }
        drop(store);
        let (store, raw) = open(&path);
        let now = t0() + Duration::minutes(reads[0]);
        let kept = store.counts(&QueueFilter::default(), now).expect("counts");
        prop_assert_eq!(kept, full_count(&raw, &QueueFilter::default(), now));
    }
}

#[test]
fn the_sweep_moves_passed_deadlines_into_the_overdue_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite3");
    let (mut store, raw) = open(&path);
    for (seq, thread) in [0_u8, 1, 2].into_iter().enumerate() {
        let ingest = Op::Ingest {
            thread,
            inbound: true,
            body: 1, // broken: tier 2, due two hours after it was written
            minutes: i64::from(thread) * 60,
            brand: 0,
            location: 0,
        };
        apply(&mut store, &raw, seq, &ingest);
    }
    let overdue_in_table = || -> i64 {
        raw.query_row("SELECT sum(n * overdue) FROM queue_counts", [], |r| {
            r.get(0)
        })
        .expect("sum")
    };
    assert_eq!(overdue_in_table(), 0, "nothing swept yet");
    let at = |minutes: i64| t0() + Duration::minutes(minutes);
    // Due at 2h, 3h and 4h: at 3h30 two are overdue, read from the rows.
    assert_eq!(
        store
            .counts(&QueueFilter::default(), at(210))
            .expect("counts")
            .overdue,
        2
    );
    store
        .refresh_order(at(210), &PromotionSteps::default())
        .expect("sweep");
    assert_eq!(overdue_in_table(), 2, "the sweep counted them");
    let counts = store
        .counts(&QueueFilter::default(), at(300))
        .expect("counts");
    assert_eq!(counts.overdue, 3);
    assert_eq!(counts.per_tier[1], 3);
    assert_eq!(
        counts.oldest_overdue[1].as_ref().map(|o| o.author.as_str()),
        Some("Customer 0")
    );
    // A clock set back counts by the time it is given, not by the sweep.
    assert_eq!(
        store
            .counts(&QueueFilter::default(), at(150))
            .expect("counts")
            .overdue,
        1
    );
    // An earlier sweep time never moves the sweep back.
    store
        .refresh_order(at(100), &PromotionSteps::default())
        .expect("sweep");
    assert_eq!(overdue_in_table(), 2);
}
