//! Mastodon statuses → the cache's `IncomingMessage`: pure functions, no I/O.
//!
//! Threads (so every feed files the same status under the same thread, whichever
//! feed sees it first):
//! - direct visibility → kind `Dm`, thread `dm:<participants>`: the accts of the
//!   author and everyone mentioned, minus us, sorted and comma-joined. This is how
//!   Mastodon groups a private conversation, and it can be computed from one status.
//! - anything else → kind `Mention`; the thread is the status our conversation
//!   started from: for a customer's status that replies to one of OUR statuses,
//!   our status (`in_reply_to_id`); otherwise the customer's status itself. Our own
//!   replies join the thread of the status they answer (`parent_thread`).

use super::api::{Notification, Status};
use super::html::html_to_text;
use crate::model::{Direction, IncomingMessage, Kind, Platform};
use chrono::{DateTime, Utc};

/// What every normalised message shares.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub account: &'a str,
    /// Our account id (from verify_credentials).
    pub me: &'a str,
    pub brand: Option<&'a str>,
    pub location: Option<&'a str>,
    /// Used when a status carries no readable time.
    pub now: DateTime<Utc>,
}

/// Which feed a status came from: decides the context line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Feed<'a> {
    Mentions,
    Own,
    Hashtag(&'a str),
}

pub fn is_direct(status: &Status) -> bool {
    status.visibility == "direct"
}

pub fn is_ours(status: &Status, me: &str) -> bool {
    !me.is_empty() && status.account.id == me
}

/// `dm:` + the other participants' accts (lowercase, sorted, unique).
pub fn dm_thread(status: &Status, me: &str) -> String {
    let mut accts: Vec<String> = std::iter::once((&status.account.id, &status.account.acct))
        .chain(status.mentions.iter().map(|m| (&m.id, &m.acct)))
        .filter(|(id, acct)| id.as_str() != me && !acct.is_empty())
        .map(|(_, acct)| acct.to_lowercase())
        .collect();
    accts.sort();
    accts.dedup();
    format!("dm:{}", accts.join(","))
}

/// The thread of a customer's (or any non-DM) status, from the status alone.
pub fn public_thread(status: &Status, me: &str) -> String {
    match (&status.in_reply_to_id, &status.in_reply_to_account_id) {
        (Some(parent), Some(parent_author)) if parent_author == me && !parent.is_empty() => {
            parent.clone()
        }
        _ => status.id.clone(),
    }
}

/// The thread id for `status`. `parent_thread` is the thread of the status it
/// replies to, when known (our own public replies need it).
pub fn thread_id(status: &Status, me: &str, parent_thread: Option<&str>) -> String {
    if is_direct(status) {
        return dm_thread(status, me);
    }
    if is_ours(status, me) {
        if let Some(thread) = parent_thread {
            return thread.to_string();
        }
        if let Some(parent) = status.in_reply_to_id.as_ref().filter(|p| !p.is_empty()) {
            return parent.clone();
        }
    }
    public_thread(status, me)
}

/// Body text: content warning first, the HTML as text, then one line per attachment.
pub fn body_text(status: &Status) -> String {
    let mut body = String::new();
    if !status.spoiler_text.trim().is_empty() {
        body.push_str("CW: ");
        body.push_str(status.spoiler_text.trim());
        body.push_str("\n\n");
    }
    body.push_str(&html_to_text(&status.content));
    for media in &status.media_attachments {
        if !body.is_empty() {
            body.push('\n');
        }
        let kind = if media.kind.is_empty() {
            "attachment"
        } else {
            &media.kind
        };
        match media.description.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => body.push_str(&format!("[{kind}: {d}]")),
            _ => body.push_str(&format!("[{kind}]")),
        }
    }
    body
}

pub fn parse_time(value: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// One status as a cache message, or `None` for what hearth does not keep
/// (no id, boosts).
pub fn normalise_status(
    status: &Status,
    ctx: &Context<'_>,
    feed: Feed<'_>,
    parent_thread: Option<&str>,
) -> Option<IncomingMessage> {
    if status.id.is_empty() || status.reblog.is_some() {
        return None;
    }
    let ours = is_ours(status, ctx.me);
    let kind = if is_direct(status) {
        Kind::Dm
    } else {
        Kind::Mention
    };
    let context = match (feed, kind) {
        (Feed::Hashtag(tag), _) => Some(format!("#{tag}")),
        (_, Kind::Dm) => None,
        _ if !ours && status.in_reply_to_account_id.as_deref() == Some(ctx.me) => {
            Some("Reply to our post".to_string())
        }
        _ => Some("Mention".to_string()),
    };
    let author = if status.account.display_name.trim().is_empty() {
        format!("@{}", status.account.acct)
    } else {
        status.account.display_name.trim().to_string()
    };
    Some(IncomingMessage {
        account: ctx.account.to_string(),
        platform: Platform::Mastodon,
        kind,
        thread_id: thread_id(status, ctx.me, parent_thread),
        platform_id: status.id.clone(),
        direction: if ours {
            Direction::Outbound
        } else {
            Direction::Inbound
        },
        author,
        body: body_text(status),
        sent_at: parse_time(status.created_at.as_deref()).unwrap_or(ctx.now),
        context,
        brand: ctx.brand.map(str::to_string),
        location: ctx.location.map(str::to_string),
        rating: None,
    })
}

/// A mention notification's status (DMs included); other types are skipped.
pub fn normalise_notification(n: &Notification, ctx: &Context<'_>) -> Option<IncomingMessage> {
    if n.kind != "mention" {
        return None;
    }
    normalise_status(n.status.as_ref()?, ctx, Feed::Mentions, None)
}

/// For property tests and tools: any JSON value, as a notification.
pub fn normalise_notification_json(
    value: &serde_json::Value,
    ctx: &Context<'_>,
) -> Option<IncomingMessage> {
    let n: Notification = serde_json::from_value(value.clone()).ok()?;
    normalise_notification(&n, ctx)
}

/// For property tests and tools: any JSON value, as a status.
pub fn normalise_status_json(
    value: &serde_json::Value,
    ctx: &Context<'_>,
    feed: Feed<'_>,
) -> Option<IncomingMessage> {
    let s: Status = serde_json::from_value(value.clone()).ok()?;
    normalise_status(&s, ctx, feed, None)
}

#[cfg(test)]
mod tests;
