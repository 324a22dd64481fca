//! The pipelined notification sync against the fake server, with a sink that
//! yields inside `accept` (as the engine's blocking-pool sink does), so the next
//! fetch really runs while a commit is in flight.

#[path = "../../../../../tests/fakes/mastodon.rs"]
mod mastodon_fake;

use super::KEY_NOTIFICATIONS;
use crate::config::AccountConfig;
use crate::model::IngestPage;
use crate::store::IngestStats;
use crate::sync::connector::{Connector, PageSink};
use crate::sync::error::SyncError;
use crate::sync::http::Timeouts;
use crate::sync::mastodon::Mastodon;
use crate::sync::mastodon::paging::FeedCursor;
use crate::sync::secret::Secret;
use mastodon_fake::{FakeData, FakeMastodon, Fault};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

const NOTIFICATIONS: &str = "/api/v1/notifications";

fn connector(fake: &FakeMastodon, commit_batch: usize) -> Mastodon {
    let account: AccountConfig = toml::from_str(&format!(
        "name = \"acct\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\n",
        fake.base_url
    ))
    .expect("account");
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(5),
    };
    Mastodon::with_timeouts(&account, Secret::new("test-token"), timeouts)
        .expect("connector")
        .with_commit_batch(commit_batch)
}

fn fake(items: usize) -> Arc<FakeMastodon> {
    Arc::new(FakeMastodon::start_in_background(FakeData {
        mentions: items,
        dms: 0,
        ..FakeData::default()
    }))
}

/// Records commits; before each one it runs `before` synchronously, then waits
/// (bounded) until another notification request reaches the server, proving the
/// next fetch overlaps the commit.
struct SlowSink {
    fake: Arc<FakeMastodon>,
    /// Message ids and the notification cursor of each commit (other feeds' cursors are only kept).
    commits: Vec<(Vec<String>, Option<String>)>,
    cursors: HashMap<String, String>,
    overlapped: Vec<bool>,
    before: Box<dyn FnMut(usize) + Send + Sync>,
    /// Fail this commit (1-based) after the wait.
    fail_commit: Option<usize>,
}

impl SlowSink {
    fn new(fake: &Arc<FakeMastodon>) -> SlowSink {
        SlowSink {
            fake: Arc::clone(fake),
            commits: Vec::new(),
            cursors: HashMap::new(),
            overlapped: Vec::new(),
            before: Box::new(|_| {}),
            fail_commit: None,
        }
    }

    fn notification_requests(&self) -> usize {
        let requests = self.fake.requests();
        requests.iter().filter(|r| r.path == NOTIFICATIONS).count()
    }
}

#[async_trait::async_trait]
impl PageSink for SlowSink {
    fn cursor(&self, key: &str) -> Option<String> {
        self.cursors.get(key).cloned()
    }

    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        let n = self.commits.len() + 1;
        (self.before)(n);
        let seen = self.notification_requests();
        let waited = tokio::time::timeout(Duration::from_millis(1500), async {
            while self.notification_requests() == seen {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await;
        self.overlapped.push(waited.is_ok());
        if self.fail_commit == Some(n) {
            return Err(SyncError::Store("disk full".into()));
        }
        let ids = page
            .messages
            .iter()
            .map(|m| m.platform_id.clone())
            .collect();
        let value = page.cursor.and_then(|c| {
            self.cursors.insert(c.key.clone(), c.value.clone());
            (c.key == KEY_NOTIFICATIONS).then_some(c.value)
        });
        self.commits.push((ids, value));
        Ok(IngestStats::default())
    }
}

#[tokio::test]
async fn pipelined_commits_keep_order_and_lose_or_repeat_nothing() {
    let fake = fake(400);
    // Pages of 80, commits of at least 100: 160, 160, then the last 80 + end.
    let mastodon = connector(&fake, 100);
    let mut sink = SlowSink::new(&fake);
    mastodon.sync(&mut sink).await.expect("sync");

    let notification_commits: Vec<_> = sink.commits.iter().filter(|(_, c)| c.is_some()).collect();
    let sizes: Vec<usize> = notification_commits.iter().map(|(m, _)| m.len()).collect();
    assert_eq!(sizes, vec![160, 160, 80]);
    // The full batches were committed while the next pages were being fetched.
    assert_eq!(sink.overlapped[..2], [true, true]);
    let cursors: Vec<FeedCursor> = notification_commits
        .iter()
        .map(|(_, c)| FeedCursor::parse(c.as_deref()))
        .collect();
    let (top, first, second) = match (&cursors[0], &cursors[1]) {
        (
            FeedCursor::Backfill {
                top,
                next_max_id: a,
            },
            FeedCursor::Backfill {
                top: t2,
                next_max_id: b,
            },
        ) if top == t2 => (top.clone(), a.clone(), b.clone()),
        other => panic!("expected two backfill cursors, got {other:?}"),
    };
    assert!(second < first, "backfill moves down: {first} then {second}");
    assert_eq!(cursors[2], FeedCursor::Since(top));

    let mut committed = HashSet::new();
    for (ids, _) in &sink.commits {
        for id in ids {
            assert!(committed.insert(id.clone()), "{id} committed twice");
        }
    }
    let served: HashSet<String> = fake.served_status_ids().into_iter().collect();
    assert_eq!(committed, served);
}

#[tokio::test]
async fn a_prefetch_error_after_a_good_commit_is_the_rounds_error() {
    let fake = fake(300);
    let mastodon = connector(&fake, 80);
    let mut sink = SlowSink::new(&fake);
    let script = Arc::clone(&fake);
    // Runs before the first commit's first await, so before the prefetch is sent.
    sink.before = Box::new(move |n| {
        if n == 1 {
            script.fail_next(NOTIFICATIONS, 1, Fault::ServerError(503));
        }
    });
    let err = mastodon
        .sync(&mut sink)
        .await
        .expect_err("the prefetch failed");
    assert!(
        matches!(err, SyncError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(sink.commits.len(), 1, "only the first page is committed");
    assert_eq!(sink.commits[0].0.len(), 80);
    let cursor = FeedCursor::parse(sink.cursor(KEY_NOTIFICATIONS).as_deref());
    assert!(matches!(cursor, FeedCursor::Backfill { .. }), "{cursor:?}");

    // The next round resumes below the committed page: all served, none twice.
    mastodon.sync(&mut sink).await.expect("resume");
    let all: Vec<&String> = sink.commits.iter().flat_map(|(ids, _)| ids).collect();
    let unique: HashSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len(), "nothing committed twice");
    assert_eq!(unique.len(), fake.served_status_ids().len());
}

#[tokio::test]
async fn a_commit_error_wins_over_the_prefetch() {
    let fake = fake(300);
    let mastodon = connector(&fake, 80);
    let mut sink = SlowSink::new(&fake);
    sink.fail_commit = Some(1);
    let script = Arc::clone(&fake);
    sink.before = Box::new(move |_| script.fail_next(NOTIFICATIONS, 1, Fault::ServerError(503)));
    let err = mastodon
        .sync(&mut sink)
        .await
        .expect_err("the commit failed");
    assert!(matches!(err, SyncError::Store(_)), "{err:?}");
    assert!(sink.commits.is_empty());
    assert_eq!(sink.cursor(KEY_NOTIFICATIONS), None);
}
