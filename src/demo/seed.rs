//! Seeding: the dataset goes through `Store::ingest`, the same path real connectors use.

use super::DemoError;
use super::dataset::{self, DemoThread};
use crate::model::{Assess, Direction, IncomingMessage, IngestPage, Status};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeSet;

/// What a seed put in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    pub conversations: i64,
    pub messages: i64,
    /// Open conversations (what the queue holds) per effective tier, index 0 = tier 1.
    pub open_per_tier: [i64; 5],
    /// Answered, waiting for the customer: out of the queue until they write again.
    pub waiting: i64,
    /// Out of the queue until their snooze ends.
    pub snoozed: i64,
    pub done: i64,
    pub platforms: usize,
}

impl SeedSummary {
    /// Conversations in the queue, every tier.
    pub fn open(&self) -> i64 {
        self.open_per_tier.iter().sum()
    }
}

/// Messages per ingest transaction: big enough to be fast, small enough to look like sync.
const PAGE_SIZE: usize = 200;

/// Seed the embedded dataset, with clocks relative to `now`. Idempotent: seeding an
/// already seeded cache adds nothing.
pub fn seed(
    store: &mut Store,
    assess: &dyn Assess,
    now: DateTime<Utc>,
) -> Result<SeedSummary, DemoError> {
    let threads = dataset::embedded_threads()?;
    seed_threads(store, assess, now, &threads)
}

/// Seed `threads` (the embedded dataset, or a smaller one in tests).
pub(crate) fn seed_threads(
    store: &mut Store,
    assess: &dyn Assess,
    now: DateTime<Utc>,
    threads: &[DemoThread],
) -> Result<SeedSummary, DemoError> {
    let messages: Vec<IncomingMessage> = threads.iter().flat_map(|t| incoming(t, now)).collect();
    // Replay history as a connector would have seen it: first what customers wrote
    // before our first answer (so every thread is assessed on its opening), then
    // the rest. Duplicates are skipped by the store, so this is also idempotent.
    let openings: Vec<IncomingMessage> = threads
        .iter()
        .flat_map(|t| {
            incoming(t, now)
                .into_iter()
                .take_while(|m| m.direction == Direction::Inbound)
        })
        .collect();
    for pass in [&openings, &messages] {
        for page in pass.chunks(PAGE_SIZE) {
            store.ingest(
                &IngestPage {
                    messages: page.to_vec(),
                    cursor: None,
                },
                assess,
            )?;
        }
    }

    let mut open_per_tier = [0i64; 5];
    let (mut waiting, mut snoozed, mut done) = (0, 0, 0);
    for t in threads {
        let id = store
            .conversation_id(&t.account, &t.thread)?
            .ok_or_else(|| StoreError::Corrupt(format!("seeded thread {} is missing", t.thread)))?;
        match t.status {
            Some(Status::Done) => store.set_status(id, Status::Done)?,
            Some(Status::Snoozed) => {
                let minutes = t.snooze_minutes.unwrap_or(60);
                store.snooze(id, now + Duration::minutes(minutes))?;
            }
            _ => {}
        }
        let c = store
            .conversation(id)?
            .ok_or_else(|| StoreError::Corrupt(format!("seeded thread {} vanished", t.thread)))?;
        match c.status {
            Status::Open => open_per_tier[usize::from(c.tier.number()) - 1] += 1,
            Status::Waiting => waiting += 1,
            Status::Snoozed => snoozed += 1,
            Status::Done => done += 1,
        }
    }
    let platforms: BTreeSet<_> = threads.iter().map(|t| t.platform).collect();
    Ok(SeedSummary {
        conversations: threads.len() as i64,
        messages: messages.len() as i64,
        open_per_tier,
        waiting,
        snoozed,
        done,
        platforms: platforms.len(),
    })
}

/// The thread's messages as a connector would deliver them.
fn incoming(t: &DemoThread, now: DateTime<Utc>) -> Vec<IncomingMessage> {
    t.messages
        .iter()
        .enumerate()
        .map(|(i, m)| IncomingMessage {
            account: t.account.clone(),
            platform: t.platform,
            kind: t.kind,
            thread_id: t.thread.clone(),
            platform_id: format!("{}-m{}", t.thread, i + 1),
            direction: m.dir,
            author: match m.dir {
                Direction::Inbound => t.author.clone(),
                Direction::Outbound => t.agent.clone(),
            },
            body: m.text.clone(),
            sent_at: now - Duration::minutes(m.minutes_ago),
            context: t.context.clone(),
            brand: Some(t.brand.clone()),
            location: t.location.clone(),
            rating: t.rating,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{Kind, QueueFilter, Tier};
    use std::collections::HashSet;

    fn fresh_store(dir: &tempfile::TempDir) -> Store {
        Store::open(&dir.path().join("demo.db")).expect("open store")
    }

    fn status_of(store: &Store, t: &DemoThread) -> Status {
        let id = store
            .conversation_id(&t.account, &t.thread)
            .expect("lookup")
            .expect("seeded");
        store
            .conversation(id)
            .expect("read")
            .expect("exists")
            .status
    }

    #[test]
    fn seeding_fills_a_realistic_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh_store(&dir);
        let now = Utc::now();
        let summary = seed(&mut store, &KeywordAssess, now).expect("seed");
        assert!(summary.conversations >= 300, "{summary:?}");
        assert!(summary.platforms >= 4, "{summary:?}");
        assert!(summary.open_per_tier.iter().all(|&n| n > 0), "{summary:?}");
        assert_eq!(
            store.totals().expect("totals"),
            (summary.conversations, summary.messages)
        );
        let queued = store.counts(&QueueFilter::default(), now).expect("counts");
        assert_eq!(summary.open_per_tier, queued.per_tier, "open means queued");
        assert!(summary.waiting > 0 && summary.snoozed > 0 && summary.done > 0);
        assert_eq!(
            summary.open() + summary.waiting + summary.snoozed + summary.done,
            summary.conversations,
            "every conversation is counted once"
        );

        let counts = |filter: QueueFilter| store.counts(&filter, now).expect("counts").total();
        for brand in ["Northwind Coffee", "Harbor Bikes"] {
            let filter = QueueFilter {
                brand: Some(brand.into()),
                ..Default::default()
            };
            assert!(counts(filter) > 0, "{brand}");
        }
        for location in ["Portland", "Seattle", "Oakland"] {
            let filter = QueueFilter {
                location: Some(location.into()),
                ..Default::default()
            };
            assert!(counts(filter) > 0, "{location}");
        }
        let open = store
            .queue(&QueueFilter::default(), None, 10_000)
            .expect("queue");
        let kinds: HashSet<Kind> = open.iter().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), Kind::ALL.len(), "{kinds:?}");
        assert!(open.iter().any(|c| c.message_count >= 5));
        assert!(
            open.iter().any(|c| c.is_overdue(now)),
            "some leads are overdue"
        );
        assert!(
            open.iter()
                .any(|c| c.tier == Tier::Revenue && !c.is_overdue(now))
        );
    }

    #[test]
    fn statuses_follow_the_dataset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh_store(&dir);
        seed(&mut store, &KeywordAssess, Utc::now()).expect("seed");
        let threads = dataset::embedded_threads().expect("dataset");
        let answered = threads.iter().filter(|t| t.status.is_none()).filter(|t| {
            t.messages
                .last()
                .is_some_and(|m| m.dir == Direction::Outbound)
        });
        let mut waiting = 0;
        for t in answered {
            assert_eq!(status_of(&store, t), Status::Waiting, "{}", t.thread);
            waiting += 1;
        }
        assert!(waiting >= 20, "{waiting} answered threads");
        for t in threads.iter().filter(|t| t.status.is_some()) {
            assert_eq!(Some(status_of(&store, t)), t.status, "{}", t.thread);
        }
    }

    #[test]
    fn non_latin_text_survives_the_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh_store(&dir);
        seed(&mut store, &KeywordAssess, Utc::now()).expect("seed");
        for word in ["Здравствуйте", "¡Hola!", "مرحبا"] {
            assert!(!store.search(word, 5).expect("search").is_empty(), "{word}");
        }
        let threads = dataset::embedded_threads().expect("dataset");
        let japanese = threads
            .iter()
            .find(|t| t.messages[0].text.contains("こんにちは"))
            .expect("a Japanese thread");
        let id = store
            .conversation_id(&japanese.account, &japanese.thread)
            .expect("lookup")
            .expect("seeded");
        let messages = store.messages(id, 50).expect("messages");
        assert_eq!(messages[0].body, japanese.messages[0].text);
        assert_eq!(messages.len(), japanese.messages.len());
    }

    #[test]
    fn seeding_twice_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = fresh_store(&dir);
        let now = Utc::now();
        let first = seed(&mut store, &KeywordAssess, now).expect("first seed");
        let totals = store.totals().expect("totals");
        let counts = store.counts(&QueueFilter::default(), now).expect("counts");
        let second = seed(&mut store, &KeywordAssess, now + Duration::minutes(5)).expect("again");
        assert_eq!(first, second);
        assert_eq!(store.totals().expect("totals"), totals);
        let again = store.counts(&QueueFilter::default(), now).expect("counts");
        assert_eq!(again.per_tier, counts.per_tier);
    }

    #[test]
    fn the_dataset_covers_what_the_demo_shows() {
        let threads = dataset::embedded_threads().expect("dataset");
        let tiers: HashSet<Tier> = threads.iter().map(|t| t.tier).collect();
        assert_eq!(tiers.len(), 5);
        let brands: HashSet<&str> = threads.iter().map(|t| t.brand.as_str()).collect();
        assert_eq!(brands.len(), 2, "{brands:?}");
        let texts: Vec<&str> = threads
            .iter()
            .flat_map(|t| t.messages.iter().map(|m| m.text.as_str()))
            .collect();
        let distinct: HashSet<&&str> = texts.iter().collect();
        assert!(distinct.len() >= 150, "{} distinct texts", distinct.len());
        let has = |range: std::ops::RangeInclusive<char>| {
            texts.iter().any(|t| t.chars().any(|c| range.contains(&c)))
        };
        assert!(has('\u{3040}'..='\u{30ff}'), "Japanese kana");
        assert!(has('\u{4e00}'..='\u{9fff}'), "Chinese characters");
        assert!(has('\u{0600}'..='\u{06ff}'), "Arabic");
        assert!(has('\u{0400}'..='\u{04ff}'), "Cyrillic");
        assert!(has('\u{1f300}'..='\u{1faff}'), "emoji");
        let ratings: HashSet<u8> = threads.iter().filter_map(|t| t.rating).collect();
        assert_eq!(ratings.len(), 5, "every star rating appears");
        assert!(threads.iter().any(|t| t.messages.len() >= 10));
        assert!(threads.iter().any(|t| t.status == Some(Status::Snoozed)));
    }
}
