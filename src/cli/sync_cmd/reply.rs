//! `hearth reply ID --text T | --playbook NAME [--template NAME] [--ack] [--no-send]
//! [--force] [--check] [--at TIME]`: the same core use case as the TUI (window,
//! guards, schedule), then (unless --no-send or scheduled) one attempt to send now.
//! `--ack`, or a playbook marked `acknowledgment = true`, sends a holding reply:
//! the acknowledgment target is met and the conversation stays in the queue.

use super::super::actions::{inbox_failure, report_guards, triage};
use super::super::args::ReplyArgs;
use super::super::{Env, Failure};
use crate::inbox::{Inbox, ReplyDecision, ReplyRequest, When};
use crate::model::Conversation;
use crate::playbook::{Library, RenderContext, render};
use crate::sanitize::sanitize_line;
use crate::store::Store;
use crate::sync::engine::{self, EngineOptions, ItemOutcome};
use chrono::Utc;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

pub fn reply(env: &Env, args: &ReplyArgs) -> anyhow::Result<ExitCode> {
    let path = env.db_path();
    if !path.exists() {
        return Err(Failure::bad_input(format!(
            "no cache at {}: run `hearth sync --once` first, or pass --db PATH",
            path.display()
        )));
    }
    let mut store = Store::open(&path)?;
    let Some(conversation) = store.conversation(args.id)? else {
        return Err(Failure::bad_input(format!(
            "no conversation with id {}",
            args.id
        )));
    };
    let (text, holding) = reply_text(env, args, &conversation)?;
    let acknowledgment = args.ack || holding;
    let now = Utc::now();
    let triage = Arc::new(triage(env, &store)?);
    let mut inbox = Inbox::new(&mut store, &env.config, &*triage);
    if args.check {
        let warnings = inbox
            .check_reply(conversation.id, &text, now)
            .map_err(inbox_failure)?;
        if warnings.is_empty() {
            say!("no guard warns about this reply");
            return Ok(ExitCode::SUCCESS);
        }
        for w in &warnings {
            say!("{} [{}]", sanitize_line(&w.message), w.guard);
        }
        return Ok(ExitCode::from(super::super::EXIT_GUARDED));
    }
    let when = match args.at.as_deref() {
        None => When::Now,
        Some("opening") => When::Opening,
        Some(t) => {
            When::At(crate::inbox::schedule::parse_at(t, &env.config, now).map_err(inbox_failure)?)
        }
    };
    let request = ReplyRequest {
        conversation_id: conversation.id,
        text,
        when,
        force: args.force,
        acknowledgment,
    };
    let outcome = match inbox.reply(&request, now).map_err(inbox_failure)? {
        ReplyDecision::Blocked(warnings) => return Ok(report_guards(&warnings, "reply")),
        ReplyDecision::Queued(outcome) => outcome,
    };
    let outbox_id = outcome.outbox_id;
    for w in &outcome.overridden {
        warn_line!(
            "hearth: queued despite: {} [{}]",
            sanitize_line(&w.message),
            w.guard
        );
    }
    if let Some(at) = outcome.send_after {
        let why = if outcome.held_for_opening {
            " (written outside business hours: hold_outside_hours)"
        } else {
            ""
        };
        say!(
            "scheduled reply (outbox #{outbox_id}) to conversation {} for {}{why}; \
             `hearth sync` sends it then, `hearth outbox cancel {outbox_id}` withdraws it",
            conversation.id,
            crate::timefmt::local_short(at)
        );
        return Ok(ExitCode::SUCCESS);
    }
    drop(store);
    let mut out = super::super::term::stdout();
    if acknowledgment {
        let due = match outcome.still_due_at {
            Some(due) => format!(
                "the answer is still due {} ({})",
                crate::timefmt::local_short(due),
                crate::timefmt::countdown(due, now)
            ),
            None => "it stays in the queue".to_string(),
        };
        writeln!(
            out,
            "queued holding reply (outbox #{outbox_id}) to conversation {}: acknowledged; {due}",
            conversation.id
        )?;
    } else {
        writeln!(
            out,
            "queued reply (outbox #{outbox_id}) to conversation {}",
            conversation.id
        )?;
    }
    if args.no_send {
        writeln!(out, "not sent now (--no-send): `hearth sync` will send it")?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(account) = env
        .config
        .accounts
        .iter()
        .find(|a| a.name == conversation.account)
    else {
        writeln!(
            out,
            "not sent: no [[account]] named '{}' in {}; it stays queued",
            sanitize_line(&conversation.account),
            env.config_path.display()
        )?;
        return Ok(ExitCode::FAILURE);
    };
    let outcome = super::runtime()?.block_on(engine::send_outbox_item(
        &path,
        account,
        &env.paths,
        outbox_id,
        triage,
        EngineOptions::default(),
    ));
    let (line, ok) = match outcome {
        Ok(Some(ItemOutcome::Sent { platform_id })) => {
            (format!("sent (platform id {platform_id})"), true)
        }
        Ok(Some(ItemOutcome::Failed {
            window_closed: true,
            error,
        })) => (
            format!(
                "not sent: the messaging window has closed ({error}). The reply is kept in \
                 the outbox as failed; dismiss it there or answer on another channel."
            ),
            false,
        ),
        Ok(Some(ItemOutcome::Failed { error, .. })) => (
            format!("not sent: {error}. It is kept in the outbox as failed for you to decide."),
            false,
        ),
        Ok(Some(ItemOutcome::Retrying { error })) => (
            format!("not sent yet: {error}. It stays queued; `hearth sync` will retry."),
            false,
        ),
        Ok(Some(ItemOutcome::Interrupted { error })) => (
            format!(
                "no answer from the platform ({error}). hearth will check whether it arrived \
                 before sending again; it is never sent twice."
            ),
            false,
        ),
        Ok(None) => (
            "queued: it will go out with the next sync".to_string(),
            true,
        ),
        Err(e) => (
            format!("not sent: {e}. It stays queued; fix the account, then run `hearth sync`."),
            false,
        ),
    };
    writeln!(out, "{}", sanitize_line(&line))?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The reply's text, and whether its playbook marks it as a holding reply.
fn reply_text(env: &Env, args: &ReplyArgs, c: &Conversation) -> anyhow::Result<(String, bool)> {
    if let Some(text) = &args.text {
        return Ok((text.clone(), false));
    }
    let Some(name) = &args.playbook else {
        return Err(Failure::bad_input("give --text or --playbook"));
    };
    let (library, problems) = Library::load(&env.playbook_dirs());
    for problem in &problems {
        tracing::warn!(%problem, "playbook skipped");
    }
    let Some(playbook) = library.get(name) else {
        let names: Vec<&str> = library.all().iter().map(|p| p.name.as_str()).collect();
        return Err(Failure::bad_input(format!(
            "no playbook named '{name}'; known: {}",
            names.join(", ")
        )));
    };
    let template = match &args.template {
        Some(t) => playbook.templates.iter().find(|x| &x.name == t),
        None => playbook.templates.first(),
    };
    let Some(template) = template else {
        let names: Vec<&str> = playbook.templates.iter().map(|t| t.name.as_str()).collect();
        return Err(Failure::bad_input(format!(
            "playbook '{name}' has no template '{}'; it has: {}",
            args.template.as_deref().unwrap_or(""),
            names.join(", ")
        )));
    };
    // The core cleans what goes out; render() only fills placeholders.
    Ok((
        render(
            &template.text,
            &RenderContext::for_conversation(c, &env.config),
        ),
        playbook.acknowledgment,
    ))
}
