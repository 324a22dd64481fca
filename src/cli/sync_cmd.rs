//! `hearth sync`, `accounts`, `doctor`, `reply`: the sync engine from the command
//! line. Output is plain lines for people and scripts; a token is never printed.

mod doctor;
mod reply;

use super::args::{AccountsArgs, SyncArgs};
use super::{Env, Failure, term};
use crate::config::{Config, Paths};
use crate::model::{Assess, SyncEvent};
use crate::sanitize::sanitize_line;
use crate::store::{AccountHints, AccountState, Store};
use crate::sync::credentials::readable_by_others;
use crate::sync::engine;
use crate::timefmt::{countdown, local_short};
use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

pub use doctor::doctor;
pub use reply::reply;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// A config file others can read may hold `token_cmd` secrets or reveal setup.
fn warn_if_config_exposed(env: &Env) {
    if readable_by_others(&env.config_path) {
        let path = env.config_path.display();
        tracing::warn!(%path, "config file is readable by other users");
        warn_line!("hearth: warning: {path} is readable by other users; run: chmod 600 {path}");
    }
}

pub fn sync(env: &Env, args: &SyncArgs) -> anyhow::Result<ExitCode> {
    if env.config.accounts.is_empty() {
        return Err(Failure::bad_input(format!(
            "no accounts to sync: add an [[account]] table to {}",
            env.config_path.display()
        )));
    }
    warn_if_config_exposed(env);
    let db = env.db_path();
    let triage = super::triage_engine_at(env, &db)?;
    let assess: Arc<dyn Assess + Send + Sync> = Arc::new(triage);
    let config = env.config.clone();
    let paths = env.paths.clone();
    let once = args.once;
    runtime()?.block_on(async move {
        let (events, receiver) = tokio::sync::mpsc::unbounded_channel();
        let printer = tokio::spawn(print_events(
            receiver,
            db.clone(),
            config.clone(),
            assess.clone(),
        ));
        if once {
            let report = sync_once(db, config, paths, assess, events).await;
            let _ = printer.await;
            report_once(&report)
        } else {
            let engine = engine::spawn(db, config, paths, assess, events);
            // Runs until Ctrl-C. Every page and outbox step is committed as it
            // happens, so even a hard kill loses nothing; Ctrl-C stops cleanly.
            let _ = tokio::signal::ctrl_c().await;
            warn_line!("stopping…");
            engine.shutdown().await;
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), printer).await;
            Ok(ExitCode::SUCCESS)
        }
    })
}

/// `hearth sync --once` waits for a rate limit that resets within this long...
const ONCE_MAX_WAIT: chrono::Duration = chrono::Duration::seconds(60);
/// ...this many times at most (a platform that keeps saying "a few seconds more"
/// gets the tempfail exit instead).
const ONCE_MAX_WAITS: usize = 3;
/// Added to the reset time: the platform's clock may be ahead of ours.
const ONCE_WAIT_MARGIN: chrono::Duration = chrono::Duration::seconds(1);

/// One round per account. An account stopped by a rate limit that resets soon
/// gets another round after the reset (said on stderr); the report covers both.
async fn sync_once(
    db: PathBuf,
    config: Config,
    paths: Paths,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
) -> engine::SyncReport {
    let mut report = engine::run_once(
        db.clone(),
        config.clone(),
        paths.clone(),
        assess.clone(),
        events.clone(),
    )
    .await;
    for _ in 0..ONCE_MAX_WAITS {
        let now = Utc::now();
        let soon: Vec<(String, DateTime<Utc>)> = report
            .rate_limited()
            .filter(|(_, until)| *until - now <= ONCE_MAX_WAIT)
            .map(|(account, until)| (account.to_string(), until))
            .collect();
        let Some(latest) = soon.iter().map(|(_, until)| *until).max() else {
            break;
        };
        for (account, until) in &soon {
            let seconds = (*until - now).num_seconds().max(0) + 1;
            warn_line!(
                "{}",
                sanitize_line(&format!(
                    "hearth: {account}: rate-limited; waiting {seconds} s for the reset at {}",
                    rfc3339(*until)
                ))
            );
        }
        let wait = (latest + ONCE_WAIT_MARGIN - now)
            .to_std()
            .unwrap_or_default();
        tokio::time::sleep(wait).await;
        let again = Config {
            accounts: config
                .accounts
                .iter()
                .filter(|a| soon.iter().any(|(name, _)| *name == a.name))
                .cloned()
                .collect(),
            ..config.clone()
        };
        let later = engine::run_once(
            db.clone(),
            again,
            paths.clone(),
            assess.clone(),
            events.clone(),
        )
        .await;
        report.absorb(later);
    }
    report
}

/// One line per account on stdout; the exit status says whether the sync is
/// complete (0), an account failed (1), or one was stopped by a rate limit
/// too far off to wait for ([`EXIT_TEMPFAIL`], with the time to retry on stderr).
fn report_once(report: &engine::SyncReport) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let mut out = term::stdout();
    for a in &report.accounts {
        let line = match (&a.error, a.rate_limited_until) {
            (Some(e), _) => format!("{}: FAILED ({}): {}", a.account, a.state, e),
            (None, Some(until)) => format!(
                "{}: INCOMPLETE, rate-limited until {} ({} new, {} sent so far)",
                a.account,
                rfc3339(until),
                a.inserted,
                a.sent
            ),
            (None, None) => format!("{}: done ({} new, {} sent)", a.account, a.inserted, a.sent),
        };
        writeln!(out, "{}", sanitize_line(&line))?;
    }
    out.flush()?;
    if report.failed() {
        return Ok(ExitCode::FAILURE);
    }
    let limited: Vec<_> = report.rate_limited().collect();
    if limited.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for (account, until) in limited {
        warn_line!(
            "{}",
            sanitize_line(&format!(
                "hearth: {account}: stopped by a rate limit; retry after {} ({}, in {})",
                rfc3339(until),
                local_short(until),
                countdown(until, now)
            ))
        );
    }
    Ok(ExitCode::from(super::EXIT_TEMPFAIL))
}

/// One line per engine event, as it happens; new messages are checked for
/// urgency (the after-hours and crisis alert), as the inbox does.
async fn print_events(
    mut events: UnboundedReceiver<SyncEvent>,
    db: std::path::PathBuf,
    config: crate::config::Config,
    assess: Arc<dyn Assess + Send + Sync>,
) {
    let mut store: Option<Store> = None;
    while let Some(event) = events.recv().await {
        let time = chrono::Local::now().format("%H:%M:%S");
        let line = match event {
            SyncEvent::Ingested { conversations } => {
                if store.is_none() {
                    store = Store::open(&db)
                        .map_err(|e| tracing::warn!(error = %e, "cannot check for alerts"))
                        .ok();
                }
                let Some(store) = &store else { continue };
                let alerts = crate::inbox::alert::check(
                    store,
                    &config,
                    &*assess,
                    &conversations,
                    Utc::now(),
                )
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot check for alerts");
                    Vec::new()
                });
                let mut out = term::stdout();
                for a in alerts {
                    crate::inbox::alert::notify(&config, &a);
                    let line =
                        format!("{time} ALERT conversation {}: {}", a.conversation_id, a.why);
                    if writeln!(out, "{}", sanitize_line(&line)).is_err() {
                        return;
                    }
                }
                continue;
            }
            SyncEvent::AccountState {
                account,
                state,
                detail,
            } => match detail {
                Some(d) => format!("{time} {account}: {state}: {d}"),
                None => format!("{time} {account}: {state}"),
            },
            SyncEvent::OutboxUpdated {
                outbox_id,
                error: None,
            } => format!("{time} outbox #{outbox_id}: sent"),
            SyncEvent::OutboxUpdated {
                outbox_id,
                error: Some(e),
            } => format!("{time} outbox #{outbox_id}: {e}"),
            SyncEvent::Alert {
                conversation_id,
                why,
            } => format!("{time} ALERT conversation {conversation_id}: {why}"),
        };
        let mut out = term::stdout();
        if writeln!(out, "{}", sanitize_line(&line)).is_err() {
            return;
        }
        let _ = out.flush();
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One account as `accounts --json` prints it.
#[derive(Serialize)]
struct AccountRow {
    name: String,
    platform: String,
    brand: Option<String>,
    location: Option<String>,
    state: String,
    last_sync_at: Option<String>,
    next_attempt_at: Option<String>,
    last_error: Option<String>,
    /// What restores access (needs-permission).
    fix: Option<String>,
    /// Why the next attempt is later than poll_seconds.
    note: Option<String>,
}

fn account_rows(env: &Env) -> anyhow::Result<Vec<AccountRow>> {
    let db = env.db_path();
    // Listing must not create a cache as a side effect.
    let (states, hints): (Vec<AccountState>, Vec<(String, AccountHints)>) = if db.exists() {
        let store = Store::open_read_only(&db)?;
        (store.account_states()?, store.account_hints()?)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(env
        .config
        .accounts
        .iter()
        .map(|a| {
            let saved = states.iter().find(|s| s.account == a.name);
            let hint = hints.iter().find(|(n, _)| *n == a.name).map(|(_, h)| h);
            AccountRow {
                name: a.name.clone(),
                platform: a.platform.as_str().to_string(),
                brand: a.brand.clone(),
                location: a.location.clone(),
                state: saved.map_or_else(
                    || "never synced".to_string(),
                    |s| s.state.as_str().to_string(),
                ),
                last_sync_at: saved.and_then(|s| s.last_sync_at).map(rfc3339),
                next_attempt_at: saved.and_then(|s| s.next_attempt_at).map(rfc3339),
                last_error: saved.and_then(|s| s.last_error.clone()),
                fix: hint.and_then(|h| h.fix.clone()),
                note: hint.and_then(|h| h.note.clone()),
            }
        })
        .collect())
}

pub fn accounts(env: &Env, args: &AccountsArgs) -> anyhow::Result<ExitCode> {
    let rows = account_rows(env)?;
    if args.json {
        term::print_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = term::stdout();
    if rows.is_empty() {
        writeln!(
            out,
            "No accounts configured: add [[account]] tables to {}",
            env.config_path.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let when = |t: &Option<String>| {
        t.as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map_or_else(|| "-".to_string(), |t| local_short(t.with_timezone(&Utc)))
    };
    writeln!(
        out,
        "{:<24} {:<10} {:<13} {:<16} {:<16} LAST ERROR",
        "NAME", "PLATFORM", "STATE", "LAST SYNC", "NEXT ATTEMPT"
    )?;
    for r in &rows {
        let line = format!(
            "{:<24} {:<10} {:<13} {:<16} {:<16} {}",
            r.name,
            r.platform,
            r.state,
            when(&r.last_sync_at),
            when(&r.next_attempt_at),
            r.last_error.as_deref().unwrap_or("-")
        );
        writeln!(out, "{}", sanitize_line(&line))?;
        for (label, text) in [("fix", &r.fix), ("note", &r.note)] {
            if let Some(text) = text {
                writeln!(
                    out,
                    "{}",
                    sanitize_line(&format!("{:<24} {label}: {text}", ""))
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
