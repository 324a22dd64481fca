//! Headless commands for scripts: `queue`, `show`, `triage`. They read the same
//! store in the same order as the TUI.

use super::args::{QueueArgs, ShowArgs, TriageArgs};
use super::{EXIT_BAD_INPUT, Env, Failure};
use crate::model::{Conversation, Direction, Message, QueueFilter, ReplyWindow, Tier};
use crate::sanitize::{sanitize, sanitize_line};
use crate::store::Store;
use crate::timefmt::{countdown, local_short};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

/// Open an existing cache; a missing one is a usage error, not an empty queue.
pub(super) fn open_existing(env: &Env) -> anyhow::Result<Store> {
    let path = env.db_path();
    if !path.exists() {
        return Err(Failure::bad_input(format!(
            "no cache at {}: run `hearth demo --seed-only` for demo data, or pass --db PATH",
            path.display()
        )));
    }
    Ok(Store::open(&path)?)
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
    let store = open_existing(env)?;
    let now = Utc::now();
    store.wake_snoozed(now)?;
    // Overdue conversations climb a tier per target overrun before the read.
    store.refresh_order(now, &env.config.targets.promotion_steps())?;
    let rows = store.queue(&filter, None, args.limit)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<QueueItem> = rows.iter().map(|c| QueueItem::new(c, now)).collect();
        serde_json::to_writer_pretty(&mut out, &items)?;
        writeln!(out)?;
    } else {
        for c in &rows {
            writeln!(out, "{}", queue_line(c, now))?;
        }
        if rows.is_empty() {
            writeln!(out, "The queue is empty.")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn queue_line(c: &Conversation, now: DateTime<Utc>) -> String {
    let due = c
        .due_at
        .map_or_else(|| "-".to_string(), |d| countdown(d, now));
    let author: String = sanitize_line(&c.author).chars().take(18).collect();
    let preview: String = sanitize_line(&c.preview).chars().take(60).collect();
    let mut flags = String::new();
    if c.acknowledged_at.is_some() {
        flags.push_str("[acknowledged] ");
    }
    if let Some(error) = &c.send_error {
        let error: String = sanitize_line(error).chars().take(60).collect();
        flags.push_str(&format!("[send failed: {error}] "));
    }
    if let Some(left) = c.reply_window(now).closing_soon(now) {
        flags.push_str(&format!("[window: {} left] ", window_left(left)));
    }
    let promoted = if c.is_promoted() { "↑" } else { " " };
    format!(
        "{:>6}  T{}{promoted} {:>7}  {:<4} {:<7} {:<18}  {flags}{}",
        c.id,
        c.tier,
        due,
        c.platform.short(),
        c.kind.as_str(),
        author,
        preview
    )
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
    let store = open_existing(env)?;
    let Some(c) = store.conversation(args.id)? else {
        return Err(Failure::bad_input(format!(
            "no conversation with id {}",
            args.id
        )));
    };
    let messages = store.messages(c.id, args.limit)?;
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    if args.json {
        let output = ShowOutput {
            conversation: QueueItem::new(&c, now),
            messages: messages.iter().map(ShowMessage::from).collect(),
        };
        serde_json::to_writer_pretty(&mut out, &output)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
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
    let engine =
        crate::triage::Triage::new(&env.config).map_err(|e| Failure::bad_input(e.to_string()))?;
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    let summary = crate::triage::stdin::run(stdin, stdout, args.json, &engine)?;
    Ok(if summary.failed() > 0 {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    })
}
