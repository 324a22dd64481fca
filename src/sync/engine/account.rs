//! One account's task: build its connector, sync a round, send its outbox, wait
//! (sending new replies meanwhile), and react to faults by state and backoff.

use super::EngineOptions;
use super::backoff::Backoff;
use super::db::Db;
use super::outbox::{ItemOutcome, OutboxSender};
use super::sink::StoreSink;
use super::status::{self, Reporter};
use crate::config::{AccountConfig, Paths};
use crate::model::{AccountStatus, Assess, SyncEvent};
use crate::store::AccountHints;
use crate::sync::{Connector, SyncError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

/// What one successful round did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundResult {
    pub inserted: usize,
    pub sent: usize,
    pub pause_until: Option<DateTime<Utc>>,
    pub usage_percent: Option<u8>,
}

/// How many poll intervals to wait when a platform says `usage` percent of its
/// rate budget is spent. Meta throttles at 100% and then extends the penalty
/// while calls keep coming, so hearth slows down well before.
pub fn pace_factor(usage: Option<u8>) -> u32 {
    match usage {
        Some(u) if u >= 90 => 8,
        Some(u) if u >= 75 => 4,
        Some(u) if u >= 50 => 2,
        _ => 1,
    }
}

/// "4 min", "90 s": a wait for a note.
fn spoken(wait: Duration) -> String {
    let secs = wait.as_secs();
    if secs >= 120 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

pub struct AccountTask {
    account: AccountConfig,
    paths: Paths,
    options: EngineOptions,
    db: Db,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
    pub reporter: Reporter,
    outbox: OutboxSender,
    backoff: Backoff,
    connector: Option<Box<dyn Connector>>,
}

impl AccountTask {
    pub async fn new(
        account: AccountConfig,
        db: Db,
        paths: Paths,
        assess: Arc<dyn Assess + Send + Sync>,
        events: UnboundedSender<SyncEvent>,
        options: EngineOptions,
    ) -> AccountTask {
        let reporter = Reporter::load(
            &account.name,
            account.platform.as_str(),
            db.clone(),
            events.clone(),
        )
        .await;
        let outbox = OutboxSender::new(
            &account.name,
            db.clone(),
            Arc::clone(&assess),
            events.clone(),
            options.backoff_base,
            options.backoff_max,
        );
        let backoff = Backoff::new(options.backoff_base, options.backoff_max);
        AccountTask {
            account,
            paths,
            options,
            db,
            assess,
            events,
            reporter,
            outbox,
            backoff,
            connector: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.account.name
    }

    fn poll(&self) -> Duration {
        self.options
            .poll_override
            .unwrap_or(Duration::from_secs(self.account.poll_seconds.max(1)))
    }

    /// Build the connector unless we have one. Credentials may come from a slow
    /// command (a password manager), so this runs on the blocking pool.
    async fn ensure_connector(&mut self) -> Result<(), SyncError> {
        if self.connector.is_some() {
            return Ok(());
        }
        let factory = Arc::clone(&self.options.factory);
        let account = self.account.clone();
        let paths = self.paths.clone();
        let connector = tokio::task::spawn_blocking(move || factory(&account, &paths))
            .await
            .map_err(|e| SyncError::Config(format!("building the connector failed: {e}")))??;
        self.connector = Some(connector);
        Ok(())
    }

    /// One round: reconcile interrupted sends, fetch everything new, send the outbox.
    pub async fn round(&mut self) -> Result<RoundResult, SyncError> {
        self.ensure_connector().await?;
        let Some(connector) = self.connector.as_deref() else {
            return Err(SyncError::Config("no connector".into()));
        };
        self.outbox.reconcile(connector).await?;
        let mut sink = StoreSink::load(
            &self.account.name,
            self.db.clone(),
            Arc::clone(&self.assess),
            self.events.clone(),
        )
        .await?;
        let outcome = connector.sync(&mut sink).await?;
        let sent = count_sent(&self.outbox.drain(connector, None).await?);
        Ok(RoundResult {
            inserted: sink.inserted,
            sent,
            pause_until: outcome.pause_until,
            usage_percent: outcome.usage_percent,
        })
    }

    /// Record how the round went; returns how long to wait before the next one.
    pub async fn settle(&mut self, result: &Result<RoundResult, SyncError>) -> Duration {
        let now = Utc::now();
        match result {
            Ok(r) => {
                self.backoff.reset();
                let factor = pace_factor(r.usage_percent);
                let poll_std = self.poll().saturating_mul(factor);
                let poll = chrono::Duration::from_std(poll_std).unwrap_or_default();
                let (state, next) = match r.pause_until {
                    Some(until) if until > now + poll => (AccountStatus::RateLimited, until),
                    _ => (AccountStatus::Ok, now + poll),
                };
                let detail = (r.inserted > 0 || r.sent > 0)
                    .then(|| format!("{} new, {} sent", r.inserted, r.sent));
                self.reporter
                    .set(state, Some(next), None, detail, true)
                    .await;
                let note = match r.usage_percent {
                    Some(usage) if factor > 1 => Some(format!(
                        "paced: the platform reports {usage}% of its rate budget used; \
                         polling every {} instead of {}",
                        spoken(poll_std),
                        spoken(self.poll())
                    )),
                    _ => None,
                };
                self.reporter
                    .set_hints(AccountHints { fix: None, note })
                    .await;
                (next - now).to_std().unwrap_or_default()
            }
            Err(e) => {
                if let SyncError::Malformed { message, snippet } = e {
                    tracing::warn!(account = %self.account.name, %message, %snippet, "malformed response");
                }
                let wait = match e {
                    SyncError::RateLimited { until } => (*until - now)
                        .to_std()
                        .unwrap_or_default()
                        .max(Duration::from_secs(1)),
                    SyncError::Auth { .. }
                    | SyncError::Permission { .. }
                    | SyncError::Config(_)
                    | SyncError::Unsupported(_) => {
                        // Build again next time: the user may have fixed the token.
                        self.connector = None;
                        self.options.reauth_retry
                    }
                    _ => self.backoff.next_delay(),
                };
                tracing::warn!(account = %self.account.name, error = %e, ?wait, "sync round failed");
                let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
                self.reporter
                    .set(
                        status::state_for(e),
                        Some(next),
                        Some(e.to_string()),
                        None,
                        false,
                    )
                    .await;
                let fix = match e {
                    SyncError::Permission { fix, .. } => Some(fix.clone()),
                    _ => None,
                };
                self.reporter
                    .set_hints(AccountHints { fix, note: None })
                    .await;
                wait
            }
        }
    }

    /// The long-running loop of `spawn`.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        // A pause an earlier run was given still holds: a restart (a cron job, a
        // new TUI) must not ask before it ends, or the platform extends it.
        if let Some(until) = self.reporter.saved_pause(Utc::now()) {
            tracing::info!(account = %self.account.name, %until,
                "rate-limited by an earlier run; waiting before the first request");
            self.reporter.resume_pause(until).await;
            let wait = (until - Utc::now()).to_std().unwrap_or_default();
            if !self.idle(wait, false, &mut shutdown).await {
                tracing::info!(account = %self.account.name, "account task stopped");
                return;
            }
        }
        self.reporter
            .set(AccountStatus::Syncing, None, None, None, false)
            .await;
        loop {
            let result = tokio::select! {
                r = self.round() => r,
                () = stopped(&mut shutdown) => break,
            };
            let wait = self.settle(&result).await;
            // While paused, replies wait too: a send is a request to the same budget.
            let healthy = self.reporter.state() == AccountStatus::Ok;
            if !self.idle(wait, healthy, &mut shutdown).await {
                break;
            }
        }
        tracing::info!(account = %self.account.name, "account task stopped");
    }

    /// Wait `wait`, sending new outbox items every `outbox_check` while the account
    /// is healthy. False when shutting down.
    async fn idle(
        &mut self,
        wait: Duration,
        mut healthy: bool,
        shutdown: &mut watch::Receiver<bool>,
    ) -> bool {
        let mut deadline = Instant::now() + wait;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            let step = (deadline - now).min(self.options.outbox_check);
            tokio::select! {
                () = tokio::time::sleep(step) => {}
                () = stopped(shutdown) => return false,
            }
            if !healthy {
                continue;
            }
            let Some(connector) = self.connector.as_deref() else {
                continue;
            };
            let drained = tokio::select! {
                r = self.outbox.drain(connector, None) => r,
                () = stopped(shutdown) => return false,
            };
            if let Err(e) = drained {
                let wait = self.settle(&Err(e)).await;
                deadline = Instant::now() + wait;
                healthy = false;
            }
        }
    }

    /// The pause an earlier run recorded, if it still holds.
    pub fn saved_pause(&self) -> Option<DateTime<Utc>> {
        self.reporter.saved_pause(Utc::now())
    }

    /// Send one queued item now (`hearth reply`), without reconciling items that
    /// another process may have in flight.
    pub async fn send_item(&mut self, outbox_id: i64) -> Result<Option<ItemOutcome>, SyncError> {
        // Still paused by the platform: the item stays queued for the engine.
        if self.reporter.saved_pause(Utc::now()).is_some() {
            return Ok(None);
        }
        self.ensure_connector().await?;
        let Some(connector) = self.connector.as_deref() else {
            return Err(SyncError::Config("no connector".into()));
        };
        self.outbox.skip_reconcile();
        let outcomes = self.outbox.drain(connector, Some(outbox_id)).await?;
        Ok(outcomes
            .into_iter()
            .find(|(id, _)| *id == outbox_id)
            .map(|(_, o)| o))
    }
}

fn count_sent(outcomes: &[(i64, ItemOutcome)]) -> usize {
    outcomes
        .iter()
        .filter(|(_, o)| matches!(o, ItemOutcome::Sent { .. }))
        .count()
}

/// Resolves once shutdown is requested. A dropped handle is not a request: the
/// tasks then run as long as the runtime does.
pub async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        if shutdown.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
