//! The sync engine: one tokio task per account under a small supervisor. Each task
//! commits pages with their cursors, sends its account's outbox exactly once, and
//! reacts to faults (backoff, rate-limit pauses, re-auth) without touching the
//! other accounts. The TUI and `hearth sync` learn everything through `SyncEvent`s.
//!
//! ```text
//! spawn ──► AccountTask::run (per account) ──► round: reconcile → sync → outbox
//!                 │                                  └─ StoreSink (page + cursor, one tx)
//!                 └─ idle: outbox every second until the next poll / backoff / pause
//! ```

mod account;
mod backoff;
mod db;
mod outbox;
mod sink;
pub mod status;

#[cfg(test)]
mod tests;

pub use backoff::Backoff;
pub use outbox::ItemOutcome;

use crate::config::{AccountConfig, Config, Paths};
use crate::model::{AccountStatus, Assess, SyncEvent};
use crate::sync::{Connector, SyncError, registry};
use account::AccountTask;
use chrono::{DateTime, Utc};
use db::Db;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Builds an account's connector (credentials included). Tests swap in scripted ones.
pub type ConnectorFactory =
    Arc<dyn Fn(&AccountConfig, &Paths) -> Result<Box<dyn Connector>, SyncError> + Send + Sync>;

/// Knobs of the engine; `Default` is what users get.
#[derive(Clone)]
pub struct EngineOptions {
    /// First backoff delay after a transient fault; doubles up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// How often an account that needs re-auth tries again.
    pub reauth_retry: Duration,
    /// How often a waiting account looks for new outbox items.
    pub outbox_check: Duration,
    /// Poll every this long instead of each account's `poll_seconds` (tests).
    pub poll_override: Option<Duration>,
    pub factory: ConnectorFactory,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
            reauth_retry: Duration::from_secs(15 * 60),
            outbox_check: Duration::from_secs(1),
            poll_override: None,
            factory: Arc::new(registry::build),
        }
    }
}

/// What every account task of one engine shares.
#[derive(Clone)]
struct Shared {
    db: Db,
    paths: Paths,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
    options: EngineOptions,
}

impl Shared {
    async fn task(self, account: AccountConfig) -> AccountTask {
        AccountTask::new(
            account,
            self.db,
            self.paths,
            self.assess,
            self.events,
            self.options,
        )
        .await
    }
}

/// The running engine. Dropping it leaves the tasks running until the runtime ends;
/// call [`EngineHandle::shutdown`] to stop them.
pub struct EngineHandle {
    stop: watch::Sender<bool>,
    supervisor: JoinHandle<()>,
    accounts: usize,
}

impl EngineHandle {
    /// Ask every account task to stop and wait for them. Work in flight is cut at a
    /// safe point: page commits finish, an interrupted send stays "sending" and is
    /// reconciled on the next start.
    pub fn shutdown(self) -> impl std::future::Future<Output = ()> + Send {
        let _ = self.stop.send(true);
        async move {
            let _ = self.supervisor.await;
        }
    }

    /// Number of account tasks.
    pub fn accounts(&self) -> usize {
        self.accounts
    }
}

/// Start one task per configured account. Must be called inside a tokio runtime.
pub fn spawn(
    db_path: PathBuf,
    config: Config,
    paths: Paths,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
) -> EngineHandle {
    spawn_with(
        db_path,
        config,
        paths,
        assess,
        events,
        EngineOptions::default(),
    )
}

pub fn spawn_with(
    db_path: PathBuf,
    config: Config,
    paths: Paths,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
    options: EngineOptions,
) -> EngineHandle {
    let (stop, watcher) = watch::channel(false);
    let accounts = config.accounts.len();
    // One connection for all accounts: the engine's writes queue up in-process
    // instead of failing with SQLITE_BUSY against each other.
    let supervisor = tokio::spawn(async move {
        let db = match Db::open_exclusive(&db_path).await {
            Ok(db) => db,
            Err(e) => {
                for account in &config.accounts {
                    report_unstartable(&events, &account.name, &e);
                }
                return;
            }
        };
        let shared = Shared {
            db,
            paths,
            assess,
            events,
            options,
        };
        let tasks: Vec<JoinHandle<()>> = config
            .accounts
            .into_iter()
            .map(|account| {
                let (shared, watcher) = (shared.clone(), watcher.clone());
                tokio::spawn(async move { shared.task(account).await.run(watcher).await })
            })
            .collect();
        for task in tasks {
            let _ = task.await;
        }
    });
    EngineHandle {
        stop,
        supervisor,
        accounts,
    }
}

fn report_unstartable(events: &UnboundedSender<SyncEvent>, account: &str, e: &SyncError) {
    tracing::error!(%account, error = %e, "account task cannot start");
    let _ = events.send(SyncEvent::AccountState {
        account: account.to_string(),
        state: AccountStatus::Error,
        detail: Some(e.to_string()),
    });
}

/// How one account's round went (`hearth sync --once`).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountReport {
    pub account: String,
    pub state: AccountStatus,
    pub inserted: usize,
    pub sent: usize,
    /// The round stopped on a rate limit (a 429, or a budget the headers say is
    /// spent): what it did is committed, the rest waits until then. Not a failure.
    pub rate_limited_until: Option<DateTime<Utc>>,
    /// The round failed (anything but a rate limit).
    pub error: Option<String>,
}

impl AccountReport {
    /// An account whose round could not run at all.
    fn failed(account: &str, error: String) -> AccountReport {
        AccountReport {
            account: account.to_string(),
            state: AccountStatus::Error,
            inserted: 0,
            sent: 0,
            rate_limited_until: None,
            error: Some(error),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    pub accounts: Vec<AccountReport>,
}

impl SyncReport {
    /// Any account whose round failed (a rate limit is not a failure).
    pub fn failed(&self) -> bool {
        self.accounts.iter().any(|a| a.error.is_some())
    }

    /// Accounts stopped by a rate limit, with the time they may go on.
    pub fn rate_limited(&self) -> impl Iterator<Item = (&str, DateTime<Utc>)> {
        self.accounts
            .iter()
            .filter_map(|a| Some((a.account.as_str(), a.rate_limited_until?)))
    }

    /// Fold in a later round of some of the accounts: counts add up, the later
    /// state, rate limit and error replace the earlier ones.
    pub fn absorb(&mut self, later: SyncReport) {
        for next in later.accounts {
            match self.accounts.iter_mut().find(|a| a.account == next.account) {
                Some(a) => {
                    a.inserted += next.inserted;
                    a.sent += next.sent;
                    a.state = next.state;
                    a.rate_limited_until = next.rate_limited_until;
                    a.error = next.error;
                }
                None => self.accounts.push(next),
            }
        }
    }

    pub fn inserted(&self) -> usize {
        self.accounts.iter().map(|a| a.inserted).sum()
    }
}

/// One round for every account (concurrently), then return.
pub async fn run_once(
    db_path: PathBuf,
    config: Config,
    paths: Paths,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
) -> SyncReport {
    run_once_with(
        db_path,
        config,
        paths,
        assess,
        events,
        EngineOptions::default(),
    )
    .await
}

pub async fn run_once_with(
    db_path: PathBuf,
    config: Config,
    paths: Paths,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
    options: EngineOptions,
) -> SyncReport {
    let db = match Db::open_exclusive(&db_path).await {
        Ok(db) => db,
        Err(e) => {
            let mut report = SyncReport::default();
            for account in &config.accounts {
                report_unstartable(&events, &account.name, &e);
                report
                    .accounts
                    .push(AccountReport::failed(&account.name, e.to_string()));
            }
            return report;
        }
    };
    let shared = Shared {
        db,
        paths,
        assess,
        events,
        options,
    };
    let tasks: Vec<_> = config
        .accounts
        .into_iter()
        .map(|account| {
            let shared = shared.clone();
            let name = account.name.clone();
            let handle = tokio::spawn(async move { one_round(shared.task(account).await).await });
            (name, handle)
        })
        .collect();
    let mut report = SyncReport::default();
    for (name, handle) in tasks {
        let account_report = handle.await.unwrap_or_else(|e| {
            AccountReport::failed(&name, format!("the account task failed: {e}"))
        });
        report.accounts.push(account_report);
    }
    report
}

async fn one_round(mut task: AccountTask) -> AccountReport {
    // Paused by an earlier run: report the pause, ask nothing.
    if let Some(until) = task.saved_pause() {
        task.reporter.resume_pause(until).await;
        return AccountReport {
            account: task.name().to_string(),
            state: AccountStatus::RateLimited,
            inserted: 0,
            sent: 0,
            rate_limited_until: Some(until),
            error: None,
        };
    }
    task.reporter
        .set(AccountStatus::Syncing, None, None, None, false)
        .await;
    let result = task.round().await;
    task.settle(&result).await;
    let now = Utc::now();
    let (inserted, sent) = result.as_ref().map_or((0, 0), |r| (r.inserted, r.sent));
    let (rate_limited_until, error) = match result {
        Ok(r) => (r.pause_until.filter(|until| *until > now), None),
        Err(SyncError::RateLimited { until }) => (Some(until), None),
        Err(e) => (None, Some(e.to_string())),
    };
    AccountReport {
        account: task.name().to_string(),
        state: task.reporter.state(),
        inserted,
        sent,
        rate_limited_until,
        error,
    }
}

/// Try to send one queued outbox item of `account` now (`hearth reply`). `None`
/// when it was not attempted (no longer queued, or waiting for a retry). `assess`
/// puts a refused reply's conversation back in the queue with its deadline.
pub async fn send_outbox_item(
    db_path: &Path,
    account: &AccountConfig,
    paths: &Paths,
    outbox_id: i64,
    assess: Arc<dyn Assess + Send + Sync>,
    options: EngineOptions,
) -> Result<Option<ItemOutcome>, SyncError> {
    let (events, _ignored) = tokio::sync::mpsc::unbounded_channel();
    let shared = Shared {
        db: Db::open(db_path).await?,
        paths: paths.clone(),
        assess,
        events,
        options,
    };
    let mut task = shared.task(account.clone()).await;
    task.send_item(outbox_id).await
}
