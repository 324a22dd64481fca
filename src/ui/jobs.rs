//! Slow reads off the UI task, newest request wins (in the manner of gitui's
//! `AsyncSingleJob`). While a job runs, a new request only replaces the one
//! waiting behind it; when the job ends, the waiting one starts. So a burst of
//! keystrokes in the search box runs at most two queries, never blocks a key,
//! and the last answer is for the last query.
//!
//! The order lane is the one writer here: once a minute it lets overdue
//! conversations climb the queue (`Store::refresh_order`), a write the UI task
//! never waits for. Its first run also brings previews an older hearth chose
//! up to date (`Store::refresh_stale_previews`, in small transactions).

use super::action::Action;
use crate::model::{Assess, PromotionSteps, QueueFilter};
use crate::store::Store;
use chrono::Utc;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc::UnboundedSender;

/// Search results shown at most.
pub const SEARCH_LIMIT: usize = 200;

/// Which job finished (each has its own lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Search,
    Counts,
    Order,
}

/// A job's answer, to feed to `update`, and the lane to free.
#[derive(Debug)]
pub struct Done {
    pub lane: Lane,
    pub action: Action,
}

/// What a lane can be asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Search(String),
    Counts(QueueFilter),
    /// Raise overdue conversations in the stored order, with these steps.
    RefreshOrder(PromotionSteps),
}

impl Request {
    fn lane(&self) -> Lane {
        match self {
            Request::Search(_) => Lane::Search,
            Request::Counts(_) => Lane::Counts,
            Request::RefreshOrder(_) => Lane::Order,
        }
    }
}

/// One lane: at most one job running and one waiting.
struct Single {
    /// Its own connection, so a slow query never holds the UI's.
    store: Arc<Mutex<Store>>,
    running: bool,
    next: Option<Request>,
}

/// The background lanes the runtime owns.
pub struct Jobs {
    search: Single,
    counts: Single,
    order: Single,
    done: UnboundedSender<Done>,
    /// Triage, for the previews the order lane brings up to date.
    assess: Arc<dyn Assess + Send + Sync>,
}

/// Stale previews refreshed per transaction, so sync never waits long for the lock.
const PREVIEW_BATCH: usize = 500;

impl Jobs {
    /// Open a connection per lane on the cache at `db`.
    pub fn open(
        db: &Path,
        done: UnboundedSender<Done>,
        assess: Arc<dyn Assess + Send + Sync>,
    ) -> crate::store::Result<Jobs> {
        let lane = || -> crate::store::Result<Single> {
            Ok(Single {
                store: Arc::new(Mutex::new(Store::open(db)?)),
                running: false,
                next: None,
            })
        };
        Ok(Jobs {
            search: lane()?,
            counts: lane()?,
            order: lane()?,
            done,
            assess,
        })
    }

    fn single(&mut self, lane: Lane) -> &mut Single {
        match lane {
            Lane::Search => &mut self.search,
            Lane::Counts => &mut self.counts,
            Lane::Order => &mut self.order,
        }
    }

    /// Ask for `request`; it runs now, or after the running job of its lane
    /// (replacing anything already waiting there).
    pub fn request(&mut self, request: Request) {
        let lane = request.lane();
        let single = self.single(lane);
        if single.running {
            single.next = Some(request);
            return;
        }
        single.running = true;
        let store = single.store.clone();
        let done = self.done.clone();
        let assess = self.assess.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
            let action = run(&mut store, &*assess, request);
            // The receiver is gone only when the UI is shutting down.
            let _ = done.send(Done { lane, action });
        });
    }

    /// A lane's job ended: start what waited behind it.
    pub fn finished(&mut self, lane: Lane) {
        let single = self.single(lane);
        single.running = false;
        if let Some(next) = single.next.take() {
            self.request(next);
        }
    }
}

fn run(store: &mut Store, assess: &dyn Assess, request: Request) -> Action {
    let result = match request {
        Request::Search(query) => store
            .search(&query, SEARCH_LIMIT)
            .map(|rows| Action::SearchResults { query, rows }),
        Request::Counts(filter) => store.counts(&filter, Utc::now()).map(Action::Counts),
        Request::RefreshOrder(steps) => refresh_previews(store, assess).and_then(|previews| {
            store
                .refresh_order(Utc::now(), &steps)
                .map(|moved| Action::OrderRefreshed {
                    moved: moved + previews,
                })
        }),
    };
    result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "background read failed");
        Action::Error(e.to_string())
    })
}

/// Every stale preview, a batch per transaction; how many changed.
fn refresh_previews(store: &mut Store, assess: &dyn Assess) -> crate::store::Result<usize> {
    let mut total = 0;
    loop {
        match store.refresh_stale_previews(assess, PREVIEW_BATCH)? {
            0 => return Ok(total),
            n => total += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_newest_request_wins_and_at_most_two_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("cache.db");
        Store::open(&db).expect("create");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut jobs =
            Jobs::open(&db, tx, Arc::new(crate::demo::test_assess::KeywordAssess)).expect("jobs");
        // A burst: "a" runs, "ab" waits, then "abc" replaces "ab".
        for q in ["a", "ab", "abc"] {
            jobs.request(Request::Search(q.into()));
        }
        let mut answered = Vec::new();
        while answered.len() < 2 {
            let done = rx.recv().await.expect("an answer");
            assert_eq!(done.lane, Lane::Search);
            if let Action::SearchResults { query, .. } = done.action {
                answered.push(query);
            }
            jobs.finished(done.lane);
        }
        assert_eq!(answered, vec!["a".to_string(), "abc".to_string()]);
        // Nothing else was queued.
        let extra = tokio::time::timeout(std::time::Duration::from_millis(200), rx.recv()).await;
        assert!(extra.is_err(), "a third query ran");
    }
}
