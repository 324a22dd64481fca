//! `hearth moderate`, `strikes`, `tier`, `outbox`: thin callers of the application
//! core (`crate::inbox`), with its decisions turned into lines and exit statuses.

use super::args::{ModerateArgs, OutboxArgs, OutboxCommand, StrikesArgs, TierArgs};
use super::headless::{open_existing, open_for_reading};
use super::{EXIT_GUARDED, Env, Failure, term};
use crate::inbox::{Inbox, InboxError, ModerateDecision, ModerateRequest, Moderation, Warning};
use crate::model::{ModerationReason, Tier};
use crate::sanitize::sanitize_line;
use crate::triage::Triage;
use crate::width;
use chrono::Utc;
use std::io::Write;
use std::process::ExitCode;

/// The triage engine the core re-assesses with (a cancelled reply reopens a
/// thread), with what the user taught on this cache.
pub(super) fn triage(env: &Env, store: &crate::store::Store) -> anyhow::Result<Triage> {
    super::triage_engine(env, Some(store))
}

/// A core error as the CLI reports it: the user's mistakes exit 2, the rest 1.
pub(super) fn inbox_failure(e: InboxError) -> anyhow::Error {
    match e {
        InboxError::Store(e) => e.into(),
        other => Failure::bad_input(other.to_string()),
    }
}

/// Guard warnings on stderr, one per line, with the way through.
pub(super) fn report_guards(warnings: &[Warning], what: &str) -> ExitCode {
    let mut err = term::stderr();
    for w in warnings {
        // The message names the mistake; the bracketed word is the guard's config key.
        let _ = writeln!(err, "hearth: {} [{}]", sanitize_line(&w.message), w.guard);
    }
    let _ = writeln!(
        err,
        "hearth: {what} not queued; fix it, or pass --force to go ahead (the override is recorded)"
    );
    ExitCode::from(EXIT_GUARDED)
}

pub fn moderate(env: &Env, args: &ModerateArgs) -> anyhow::Result<ExitCode> {
    let action = match args.action.as_str() {
        "hide" => Moderation::Hide,
        "unhide" => Moderation::Unhide,
        _ => Moderation::Delete,
    };
    let reason = args
        .reason
        .as_deref()
        .map(str::parse::<ModerationReason>)
        .transpose()
        .map_err(|e| Failure::bad_input(sanitize_line(&e.to_string()).into_owned()))?;
    let mut store = open_existing(env)?;
    let triage = triage(env, &store)?;
    let (playbooks, _) = crate::playbook::Library::load(&env.playbook_dirs());
    let request = ModerateRequest {
        conversation_id: args.id,
        action,
        reason,
        target_id: args.message.clone(),
        force: args.force,
    };
    let decision = Inbox::new(&mut store, &env.config, &triage)
        .moderate(&request, Some(&playbooks), Utc::now())
        .map_err(inbox_failure)?;
    match decision {
        ModerateDecision::Blocked(warnings) => Ok(report_guards(&warnings, action.as_str())),
        ModerateDecision::Queued(outcome) => {
            let mut out = term::stdout();
            writeln!(
                out,
                "{} queued (outbox #{}); `hearth sync` carries it out",
                action.as_str(),
                outcome.outbox_id
            )?;
            if let Some(strike) = &outcome.strike {
                writeln!(out, "{}", strike.describe())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn strikes(env: &Env, args: &StrikesArgs) -> anyhow::Result<ExitCode> {
    let store = open_for_reading(env)?;
    let rows = store.strikes(1000)?;
    if args.json {
        term::print_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = term::stdout();
    if rows.is_empty() {
        writeln!(out, "No strikes.")?;
    }
    for r in &rows {
        // Names are cleaned first and then fitted by display width, so an
        // emoji or CJK name keeps the columns aligned.
        let line = format!(
            "{:>3}  {}  {}  last: {} → {} {}",
            r.count,
            width::fit(&sanitize_line(&r.author), 24),
            width::fit(&sanitize_line(&r.account), 20),
            r.last_reason,
            r.last_step,
            r.reminder
                .as_deref()
                .map(|m| format!("(to do: {m})"))
                .unwrap_or_default()
        );
        writeln!(out, "{}", sanitize_line(&line))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn tier(env: &Env, args: &TierArgs) -> anyhow::Result<ExitCode> {
    let tier = args.tier.and_then(Tier::from_number);
    let mut store = open_existing(env)?;
    let triage = triage(env, &store)?;
    Inbox::new(&mut store, &env.config, &triage)
        .retier(args.id, tier, Utc::now())
        .map_err(inbox_failure)?;
    match tier {
        Some(t) => say!("conversation {}: tier {} ({})", args.id, t, t.name()),
        None => say!("conversation {}: tier override cleared", args.id),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Serialize)]
struct OutboxRow {
    id: i64,
    conversation_id: i64,
    account: String,
    action: crate::model::OutboxAction,
    state: crate::model::OutboxState,
    send_after: Option<String>,
    error: Option<String>,
    body: String,
}

pub fn outbox(env: &Env, args: &OutboxArgs) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    if let Some(OutboxCommand::Cancel { id }) = args.command {
        let mut store = open_existing(env)?;
        let triage = triage(env, &store)?;
        let item = Inbox::new(&mut store, &env.config, &triage)
            .cancel_outbox(id, now)
            .map_err(inbox_failure)?;
        say!(
            "outbox #{id} cancelled; conversation {} is back in the queue",
            item.conversation_id
        );
        return Ok(ExitCode::SUCCESS);
    }
    let store = open_for_reading(env)?;
    let mut items = store.outbox_scheduled(now, 500)?;
    items.extend(store.outbox_needing_attention(500)?);
    let rows: Vec<OutboxRow> = items
        .into_iter()
        .map(|i| OutboxRow {
            id: i.id,
            conversation_id: i.conversation_id,
            account: i.account,
            action: i.action,
            state: i.state,
            send_after: i
                .send_after
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            error: i.error,
            body: i.body,
        })
        .collect();
    if args.json {
        term::print_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = term::stdout();
    if rows.is_empty() {
        writeln!(out, "Nothing scheduled or waiting for a decision.")?;
    }
    for r in &rows {
        let when = match (&r.send_after, r.state) {
            (Some(t), _) => format!("scheduled {t}"),
            (None, state) => state.to_string(),
        };
        let line = format!(
            "#{:<5} conv {:<6} {:<7} {:<28} {}",
            r.id,
            r.conversation_id,
            r.action,
            when,
            r.error.as_deref().unwrap_or(&r.body)
        );
        writeln!(out, "{}", width::truncate(&sanitize_line(&line), 160))?;
    }
    Ok(ExitCode::SUCCESS)
}
