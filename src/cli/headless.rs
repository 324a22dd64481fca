//! Headless commands for scripts: `queue`, `show`, `triage`. They read the same
//! store in the same order as the TUI.

use super::args::{QueueArgs, ShowArgs, TriageArgs};
use super::{EXIT_BAD_INPUT, Env, Failure, term};
use crate::model::{Conversation, Direction, Message, QueueFilter, ReplyWindow, Tier};
use crate::sanitize::{sanitize, sanitize_line};
use crate::store::Store;
use crate::timefmt::{countdown, local_short};
use crate::width;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Open an existing cache; a missing one is a usage error, not an empty queue.
pub(super) fn open_existing(env: &Env) -> anyhow::Result<Store> {
    Ok(Store::open(&existing_cache(env)?)?)
}

/// Open an existing cache read-only, for commands that only read: they work on
/// a cache this user may not write to.
pub(super) fn open_for_reading(env: &Env) -> anyhow::Result<Store> {
    Ok(Store::open_read_only(&existing_cache(env)?)?)
}

fn existing_cache(env: &Env) -> anyhow::Result<std::path::PathBuf> {
    let path = env.db_path();
    if !path.exists() {
        return Err(Failure::bad_input(format!(
            "no cache at {}: run `hearth demo --seed-only` for demo data, or pass --db PATH",
            path.display()
        )));
    }
    Ok(path)
}

/// Snoozed conversations whose time has come rejoin the queue; that is the one
/// write `queue` makes, and only when one is due. Without write access the queue
/// is still printed, with a note that names the file.
fn wake_due(env: &Env, reader: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    if reader.snoozed_due(now)? == 0 {
        return Ok(());
    }
    let woke = Store::open(reader.path()).and_then(|writer| writer.wake_snoozed(now));
    if let Err(e) = woke {
        tracing::warn!(error = %e, "cannot wake snoozed conversations");
        warn_line!(
            "hearth: note: cannot write to {} ({e}); snoozed conversations that are due \
             are not shown",
            env.db_path().display()
        );
    }
    Ok(())
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One queue row as `queue --json` prints it.
#[derive(Serialize)]
struct QueueItem<'a> {
    id: i64,
    platform: &'a str,
    account: &'a str,
    family: &'a str,
    kind: &'a str,
    tier: u8,
    tier_auto: u8,
    tier_override: Option<u8>,
    tier_reason: &'a str,
    /// The tier the queue sorts it as (higher than `tier` while it is overdue).
    sort_tier: u8,
    author: &'a str,
    preview: &'a str,
    received_at: String,
    due_at: Option<String>,
    ack_due_at: Option<String>,
    /// When a holding reply met the acknowledgment target (the response target
    /// still runs).
    acknowledged_at: Option<String>,
    overdue: bool,
    /// Why the platform refused our latest reply.
    send_error: Option<&'a str>,
    /// When Meta's messaging window closes (Facebook and Instagram DMs).
    window_closes_at: Option<String>,
    status: &'a str,
    sentiment: f64,
    rating: Option<u8>,
    brand: Option<&'a str>,
    location: Option<&'a str>,
    context: Option<&'a str>,
    message_count: i64,
}

impl<'a> QueueItem<'a> {
    fn new(c: &'a Conversation, now: DateTime<Utc>) -> Self {
        QueueItem {
            id: c.id,
            platform: c.platform.as_str(),
            account: &c.account,
            family: c.family.as_str(),
            kind: c.kind.as_str(),
            tier: c.tier.number(),
            tier_auto: c.tier_auto.number(),
            tier_override: c.tier_override.map(Tier::number),
            tier_reason: &c.tier_reason,
            sort_tier: c.sort_tier.number(),
            author: &c.author,
            preview: &c.preview,
            received_at: rfc3339(c.first_unanswered_at.unwrap_or(c.last_message_at)),
            due_at: c.due_at.map(rfc3339),
            ack_due_at: c.ack_due_at.map(rfc3339),
            acknowledged_at: c.acknowledged_at.map(rfc3339),
            overdue: c.is_overdue(now),
            send_error: c.send_error.as_deref(),
            window_closes_at: match c.reply_window(now) {
                ReplyWindow::OpenUntil { closes_at } => Some(rfc3339(closes_at)),
                ReplyWindow::Closed { since } => since.map(rfc3339),
                ReplyWindow::Always => None,
            },
            status: c.status.as_str(),
            sentiment: (c.sentiment * 1000.0).round() / 1000.0,
            rating: c.rating,
            brand: c.brand.as_deref(),
            location: c.location.as_deref(),
            context: c.context.as_deref(),
            message_count: c.message_count,
        }
    }
}

fn parse_filter(args: &QueueArgs) -> anyhow::Result<QueueFilter> {
    let bad = |e: crate::model::ParseEnumError| Failure::bad_input(e.to_string());
    Ok(QueueFilter {
        tier: args.tier.and_then(Tier::from_number),
        family: args
            .family
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(bad)?,
        platform: args
            .platform
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(bad)?,
        brand: args.brand.clone(),
        location: args.location.clone(),
    })
}

pub fn queue(env: &Env, args: &QueueArgs) -> anyhow::Result<ExitCode> {
    let filter = parse_filter(args)?;
    let store = open_for_reading(env)?;
    let now = Utc::now();
    wake_due(env, &store, now)?;
    // Overdue conversations climb a tier per target overrun before the read; that
    // is a write, so it needs a writable connection (a read-only cache keeps the
    // order it had, with a note).
    // Previews an older hearth chose are brought up to date first (once).
    let promoted = Store::open(store.path()).and_then(|mut writer| {
        if writer.has_stale_previews()? {
            match crate::triage::Triage::new(&env.config) {
                Ok(triage) => while writer.refresh_stale_previews(&triage, 500)? > 0 {},
                Err(e) => tracing::warn!(error = %e, "cannot refresh previews"),
            }
        }
        writer.refresh_order(now, &env.config.targets.promotion_steps())
    });
    if let Err(e) = promoted {
        tracing::warn!(error = %e, "cannot refresh the queue order");
    }
    let rows = store.queue(&filter, None, args.limit)?;
    if args.json {
        let items: Vec<QueueItem> = rows.iter().map(|c| QueueItem::new(c, now)).collect();
        term::print_json(&items)?;
    } else {
        let mut out = term::stdout();
        for c in &rows {
            writeln!(out, "{}", queue_line(c, now))?;
        }
        if rows.is_empty() {
            writeln!(out, "The queue is empty.")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Display columns of the author and preview in a `queue` row.
const AUTHOR_COLUMNS: usize = 18;
const PREVIEW_COLUMNS: usize = 60;
/// Between every two columns, so a long value never runs into the next one.
const GAP: &str = "  ";

/// One `queue` row. Columns are measured in display width (a CJK name or an
/// emoji takes two columns, a ZWJ family one cluster), cut with "…" and padded,
/// so every row has the same layout whatever the names hold.
fn queue_line(c: &Conversation, now: DateTime<Utc>) -> String {
    let due = c
        .due_at
        .map_or_else(|| "-".to_string(), |d| countdown(d, now));
    let author = width::fit(&sanitize_line(&c.author), AUTHOR_COLUMNS);
    // Flags go before the message, so a cut never hides them.
    let mut flags = String::new();
    if c.acknowledged_at.is_some() {
        flags.push_str("[acknowledged] ");
    }
    if let Some(error) = &c.send_error {
        flags.push_str(&format!(
            "[send failed: {}] ",
            width::truncate(&sanitize_line(error), 60)
        ));
    }
    if let Some(left) = c.reply_window(now).closing_soon(now) {
        flags.push_str(&format!("[window: {} left] ", window_left(left)));
    }
    let preview = format!("{flags}{}", sanitize_line(&c.preview));
    let preview = width::truncate(&preview, PREVIEW_COLUMNS);
    let promoted = if c.is_promoted() { "↑" } else { " " };
    [
        width::right(&c.id.to_string(), 6),
        format!("T{}{promoted}", c.tier),
        width::right(&due, 9),
        width::fit(c.platform.short(), 3),
        width::fit(c.kind.as_str(), 7),
        author,
        preview.into_owned(),
    ]
    .join(GAP)
}

/// "2h", "35m": what is left of a messaging window.
fn window_left(left: chrono::Duration) -> String {
    let minutes = left.num_minutes().max(0);
    if minutes >= 60 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

#[derive(Serialize)]
struct ShowOutput<'a> {
    #[serde(flatten)]
    conversation: QueueItem<'a>,
    messages: Vec<ShowMessage<'a>>,
    /// The author's other identities (linked or suggested) and their conversations.
    person: super::people::PersonOutput,
}

#[derive(Serialize)]
struct ShowMessage<'a> {
    id: i64,
    platform_id: &'a str,
    direction: &'a str,
    author: &'a str,
    body: &'a str,
    sent_at: String,
    /// An outbound holding reply.
    acknowledgment: bool,
}

impl<'a> From<&'a Message> for ShowMessage<'a> {
    fn from(m: &'a Message) -> Self {
        ShowMessage {
            id: m.id,
            platform_id: &m.platform_id,
            direction: m.direction.as_str(),
            author: &m.author,
            body: &m.body,
            sent_at: rfc3339(m.sent_at),
            acknowledgment: m.acknowledgment,
        }
    }
}

pub fn show(env: &Env, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let store = open_for_reading(env)?;
    let Some(c) = store.conversation(args.id)? else {
        return Err(Failure::bad_input(format!(
            "no conversation with id {}",
            args.id
        )));
    };
    let messages = store.messages(c.id, args.limit)?;
    let now = Utc::now();
    let person = crate::inbox::people::person_for(&store, &c)?;
    if args.json {
        let output = ShowOutput {
            conversation: QueueItem::new(&c, now),
            messages: messages.iter().map(ShowMessage::from).collect(),
            person: super::people::PersonOutput::new(&person, now),
        };
        term::print_json(&output)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = term::stdout();
    let place = [c.brand.as_deref(), c.location.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    writeln!(
        out,
        "#{} {} {} from {} [{}] {}",
        c.id,
        c.platform,
        c.kind,
        sanitize_line(&c.author),
        c.status,
        sanitize_line(&place)
    )?;
    writeln!(
        out,
        "Tier {} ({}): {}",
        c.tier,
        c.tier.name(),
        sanitize_line(&c.tier_reason)
    )?;
    if let Some(context) = &c.context {
        writeln!(out, "On: {}", sanitize_line(context))?;
    }
    if let Some(due) = c.due_at {
        writeln!(out, "Due: {} ({})", local_short(due), countdown(due, now))?;
    }
    if let Some(at) = c.acknowledged_at {
        writeln!(
            out,
            "Acknowledged: {} (the answer is still due)",
            local_short(at)
        )?;
    }
    if let Some(error) = &c.send_error {
        writeln!(out, "Send failed: {}", sanitize_line(error))?;
    }
    if let Some(line) = person.summary(now) {
        writeln!(out, "Person: {}", sanitize_line(&line))?;
    }
    for m in &messages {
        let arrow = match m.direction {
            Direction::Inbound => "<",
            Direction::Outbound => ">",
        };
        let holding = if m.acknowledgment {
            " · holding reply"
        } else {
            ""
        };
        writeln!(
            out,
            "\n{arrow} {} · {}{holding}",
            sanitize_line(&m.author),
            local_short(m.sent_at)
        )?;
        for line in sanitize(&m.body).lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn triage(env: &Env, args: &TriageArgs) -> anyhow::Result<ExitCode> {
    if args.reset_learning {
        return reset_learning(env, args.yes);
    }
    // The cache's corrections apply (`--db`, `HEARTH_DB` or the default cache).
    let engine = super::triage_engine_at(env, &env.db_path())?;
    let stdin = std::io::stdin().lock();
    // Verdicts quote the input text and bad-line reports quote serde's view of
    // it ("unknown variant `dm<ESC>]0;…`"): both go through the cleaner.
    let term_mode = if args.json {
        term::Mode::Json
    } else {
        term::Mode::Text
    };
    let stdout = term::stdout_as(term_mode);
    let mode = crate::triage::stdin::Output {
        json: args.json,
        explain: args.explain,
    };
    let summary =
        crate::triage::stdin::run_reporting(stdin, stdout, term::stderr(), mode, &engine)?;
    Ok(if summary.failed() > 0 {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    })
}

/// `hearth triage --reset-learning [--yes]`: forget what the overrides taught,
/// after a y/N question on a terminal (without one, `--yes` is required).
fn reset_learning(env: &Env, yes: bool) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(env)?;
    let triage = super::triage_engine(env, Some(&store))?;
    let mut inbox = crate::inbox::Inbox::new(&mut store, &env.config, &triage);
    let learned = inbox
        .learned_corrections()
        .map_err(super::actions::inbox_failure)?;
    let cache = env.db_path();
    if learned == 0 {
        say!(
            "nothing learned on {}: triage is the shipped model",
            cache.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        if !term::stdin_is_terminal() {
            return Err(Failure::bad_input(
                "--reset-learning asks before it forgets; pass --yes to reset without asking",
            ));
        }
        let mut err = term::stderr();
        write!(
            err,
            "Forget what triage learned from your {} on {}? \
             The overrides themselves stay. [y/N] ",
            corrections(learned),
            cache.display()
        )?;
        err.flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            say!("nothing forgotten");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let forgotten = inbox
        .reset_learning(Utc::now())
        .map_err(super::actions::inbox_failure)?;
    say!(
        "forgot what triage learned from {}; new messages get the shipped model's tiers \
         (open conversations keep theirs until they change)",
        corrections(forgotten)
    );
    Ok(ExitCode::SUCCESS)
}

/// "1 tier correction", "12 tier corrections".
fn corrections(n: usize) -> String {
    if n == 1 {
        "1 tier correction".to_string()
    } else {
        format!("{n} tier corrections")
    }
}
