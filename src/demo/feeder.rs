//! The live feeder: a background task that keeps the demo cache moving. Each tick it
//! "sends" queued replies and lets one new customer message arrive.

use super::DemoError;
use super::dataset::{self, DemoThread, LiveMessage};
use crate::model::{Assess, Direction, IncomingMessage, IngestPage, Kind, SyncEvent};
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// Outbox items "sent" per tick; the demo never has more than a handful queued.
const OUTBOX_BATCH: usize = 100;

/// Start the feeder. It opens its own `Store` on `db_path` (WAL lets the UI read
/// meanwhile), does all SQLite work on the blocking pool, and ends once `events`
/// is closed.
pub fn spawn_feeder(
    db_path: PathBuf,
    assess: Arc<dyn Assess + Send + Sync>,
    every: Duration,
    events: UnboundedSender<SyncEvent>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut feeder = match Feeder::new(db_path) {
            Ok(f) => f,
            Err(e) => {
                tracing::error!("demo feeder cannot start: {e}");
                return;
            }
        };
        let mut ticker = tokio::time::interval(every.max(Duration::from_millis(1)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate; start one period from now
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = events.closed() => break,
            }
            let assess = Arc::clone(&assess);
            let joined = tokio::task::spawn_blocking(move || {
                let out = feeder.tick(&*assess, Utc::now());
                (feeder, out)
            })
            .await;
            let out;
            (feeder, out) = match joined {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::error!("demo feeder tick panicked: {e}");
                    break;
                }
            };
            for event in out {
                if events.send(event).is_err() {
                    return;
                }
            }
        }
        tracing::debug!("demo feeder stopped");
    })
}

/// The feeder's state between ticks (moved into and out of the blocking pool).
struct Feeder {
    db_path: PathBuf,
    store: Option<Store>,
    pool: Vec<LiveMessage>,
    /// Seeded DM threads that follow-ups land in.
    follow_targets: Vec<DemoThread>,
    /// Ticks so far: picks the pool entry and makes ids unique.
    count: usize,
    follow_ups: usize,
}

impl Feeder {
    fn new(db_path: PathBuf) -> Result<Feeder, DemoError> {
        let pool = dataset::embedded_live()?;
        let follow_targets = dataset::embedded_threads()?
            .into_iter()
            .filter(|t| t.kind == Kind::Dm)
            .collect();
        Ok(Feeder {
            db_path,
            store: None,
            pool,
            follow_targets,
            count: 0,
            follow_ups: 0,
        })
    }

    /// One tick: drain the outbox, then ingest one new message. Errors are logged and
    /// the work that succeeded still reports its events.
    fn tick(&mut self, assess: &dyn Assess, now: DateTime<Utc>) -> Vec<SyncEvent> {
        let mut events = Vec::new();
        if self.store.is_none() {
            match Store::open(&self.db_path) {
                Ok(s) => self.store = Some(s),
                Err(e) => {
                    tracing::warn!("demo feeder: {e}");
                    return events;
                }
            }
        }
        let message = self.next_message(now);
        let Some(store) = self.store.as_mut() else {
            return events;
        };
        if let Err(e) = drain_outbox(store, now, &mut events) {
            tracing::warn!("demo feeder outbox: {e}");
        }
        if let Some(message) = message {
            let page = IngestPage {
                messages: vec![message],
                cursor: None,
            };
            match store.ingest(&page, assess) {
                Ok(stats) if !stats.touched.is_empty() => events.push(SyncEvent::Ingested {
                    conversations: stats.touched,
                }),
                Ok(_) => {}
                Err(e) => tracing::warn!("demo feeder ingest: {e}"),
            }
        }
        events
    }

    /// The next pool entry as an incoming message with ids no earlier run used.
    fn next_message(&mut self, now: DateTime<Utc>) -> Option<IncomingMessage> {
        let entry = self.pool.get(self.count % self.pool.len().max(1))?.clone();
        self.count += 1;
        let stamp = format!("{}-{}", now.timestamp_millis(), self.count);
        let platform_id = format!("live-{stamp}");
        if entry.follow_up && !self.follow_targets.is_empty() {
            // A stride spreads follow-ups over the dataset instead of one thread.
            let index = (self.follow_ups * 37) % self.follow_targets.len();
            self.follow_ups += 1;
            let t = &self.follow_targets[index];
            return Some(IncomingMessage {
                account: t.account.clone(),
                platform: t.platform,
                kind: t.kind,
                thread_id: t.thread.clone(),
                platform_id,
                direction: Direction::Inbound,
                author: t.author.clone(),
                body: entry.text,
                sent_at: now,
                context: t.context.clone(),
                brand: Some(t.brand.clone()),
                location: t.location.clone(),
                rating: None,
            });
        }
        Some(IncomingMessage {
            account: entry.account?,
            platform: entry.platform?,
            kind: entry.kind?,
            thread_id: format!("live-thread-{stamp}"),
            platform_id,
            direction: Direction::Inbound,
            author: entry.author?,
            body: entry.text,
            sent_at: now,
            context: entry.context,
            brand: entry.brand,
            location: entry.location,
            rating: entry.rating,
        })
    }
}

/// Pretend every queued item whose time has come went out (scheduled ones wait).
fn drain_outbox(
    store: &mut Store,
    now: DateTime<Utc>,
    events: &mut Vec<SyncEvent>,
) -> Result<(), DemoError> {
    let due = store.outbox(crate::model::OutboxState::Queued, OUTBOX_BATCH)?;
    for item in due.into_iter().filter(|i| !i.is_scheduled(now)) {
        store.mark_outbox_sent(item.id, &format!("demo-{}", item.id), now)?;
        events.push(SyncEvent::OutboxUpdated {
            outbox_id: item.id,
            error: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::seed;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{Family, QueueFilter, Status};
    use tokio::sync::mpsc;
    use tokio::time::timeout;

    /// Generous: only a hung feeder hits it.
    const WAIT: Duration = Duration::from_secs(20);

    #[tokio::test]
    async fn the_feeder_ingests_and_sends_the_outbox() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("demo.db");
        let mut store = Store::open(&path).expect("open");
        seed(&mut store, &KeywordAssess, Utc::now()).expect("seed");
        let (before, _) = store.totals().expect("totals");
        // A review: follow-ups only land in DMs, so nothing reopens it behind our back.
        let reviews = QueueFilter {
            family: Some(Family::Reputation),
            ..Default::default()
        };
        let open = store
            .queue(&reviews, None, 1)
            .expect("queue")
            .pop()
            .expect("an open conversation");
        let outbox_id = store
            .record_reply(open.id, "Sam", "Thanks, on it!", None, Utc::now())
            .expect("reply");

        let (tx, mut rx) = mpsc::unbounded_channel();
        let handle = spawn_feeder(
            path.clone(),
            Arc::new(KeywordAssess),
            Duration::from_millis(10),
            tx,
        );
        let mut ingested = 0;
        let mut sent = Vec::new();
        while ingested < 4 || sent.is_empty() {
            match timeout(WAIT, rx.recv()).await {
                Ok(Some(SyncEvent::Ingested { conversations })) => {
                    assert!(!conversations.is_empty());
                    ingested += 1;
                }
                Ok(Some(SyncEvent::OutboxUpdated { outbox_id, error })) => {
                    assert_eq!(error, None);
                    sent.push(outbox_id);
                }
                Ok(Some(other)) => panic!("unexpected event {other:?}"),
                Ok(None) => panic!("the feeder stopped early"),
                Err(_) => panic!("no event within {WAIT:?}"),
            }
        }
        drop(rx);
        timeout(WAIT, handle)
            .await
            .expect("the feeder ends once the channel closes")
            .expect("no panic");

        assert_eq!(sent, vec![outbox_id]);
        assert!(
            store
                .outbox(crate::model::OutboxState::Queued, 10)
                .expect("outbox")
                .is_empty()
        );
        let done = store
            .outbox(crate::model::OutboxState::Sent, 10)
            .expect("outbox");
        assert_eq!(
            done[0].platform_id.as_deref(),
            Some(&*format!("demo-{outbox_id}"))
        );
        let (after, _) = store.totals().expect("totals");
        // Follow-ups land in seeded threads; at least the new conversations are counted.
        assert!(after > before, "{after} > {before}");
        assert_eq!(
            store.conversation(open.id).expect("read").map(|c| c.status),
            Some(Status::Waiting)
        );
    }

    #[test]
    fn every_pool_entry_becomes_a_unique_message() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut feeder = Feeder::new(dir.path().join("x.db")).expect("feeder");
        let now = Utc::now();
        let rounds = feeder.pool.len() * 2;
        let messages: Vec<IncomingMessage> = (0..rounds)
            .filter_map(|_| feeder.next_message(now))
            .collect();
        assert_eq!(messages.len(), rounds);
        let ids: std::collections::HashSet<_> = messages.iter().map(|m| &m.platform_id).collect();
        assert_eq!(ids.len(), rounds);
        assert!(messages.iter().all(|m| m.direction == Direction::Inbound));
        let threads: std::collections::HashSet<_> = messages
            .iter()
            .filter(|m| !m.thread_id.starts_with("live-"))
            .map(|m| &m.thread_id)
            .collect();
        assert!(threads.len() > 1, "follow-ups spread over seeded threads");
    }
}
