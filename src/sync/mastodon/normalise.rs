//! Mastodon statuses → the cache's `IncomingMessage`: pure functions, no I/O.
//!
//! Threads (so every feed files the same status under the same thread, whichever
//! feed sees it first):
//! - direct visibility → kind `Dm`, thread `dm:<participants>`: the accts of the
//!   author and everyone mentioned, minus us, sorted and comma-joined. This is how
//!   Mastodon groups a private conversation, and it can be computed from one status.
//! - anything else → kind `Mention`. A public back-and-forth is ONE conversation:
//!   a status *joins* the thread of its parent when it is our reply (to anyone) or
//!   a reply to one of our statuses. Following joins upward ends at the root: a
//!   customer's status that does not reply to us (a fresh mention, or a reply to
//!   someone else), or our own standalone post. The thread id is that root's id.
//!   So mention M1 → our R1 → their M2 → our R2 → their M3 all live in thread M1,
//!   while a customer replying to our announcement P lands in thread P.
//!   The connector resolves the root from the server (one `…/context` call, whose
//!   `ancestors` hold the whole chain) and passes it in as `parent_thread`; without
//!   it the parent's own id is the best guess.

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
    /// A keyword search (brand, product or competitor name).
    Keyword(&'a str),
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

/// The parent whose thread `status` joins: ours replying to anything, or anyone
/// replying to one of ours (public statuses only). `None`: `status` is a root.
pub fn joined_parent<'a>(status: &'a Status, me: &str) -> Option<&'a str> {
    if is_direct(status) {
        return None;
    }
    let parent = status.in_reply_to_id.as_deref().filter(|p| !p.is_empty())?;
    let to_us = !me.is_empty() && status.in_reply_to_account_id.as_deref() == Some(me);
    (is_ours(status, me) || to_us).then_some(parent)
}

/// The ids from `status` up to its thread root (last), following
/// [`joined_parent`] through `ancestors` (any order; Mastodon gives root first).
/// A parent missing from `ancestors` (deleted, not visible) ends the walk as the
/// root: the same guess [`thread_id`] makes without help.
pub fn thread_path(status: &Status, ancestors: &[Status], me: &str) -> Vec<String> {
    let by_id: std::collections::HashMap<&str, &Status> =
        ancestors.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut path = vec![status.id.clone()];
    let mut current = status;
    // Each step moves to a distinct ancestor, so a cyclic answer cannot loop.
    while path.len() <= ancestors.len() + 1 {
        let Some(parent) = joined_parent(current, me) else {
            break;
        };
        if path.iter().any(|p| p == parent) {
            break;
        }
        path.push(parent.to_string());
        match by_id.get(parent) {
            Some(next) => current = next,
            None => break,
        }
    }
    path
}

/// The thread id for `status`. `parent_thread` is the thread of the status it
/// joins (see the module notes), when the connector could find it out.
pub fn thread_id(status: &Status, me: &str, parent_thread: Option<&str>) -> String {
    if is_direct(status) {
        return dm_thread(status, me);
    }
    match joined_parent(status, me) {
        Some(parent) => parent_thread.unwrap_or(parent).to_string(),
        None => status.id.clone(),
    }
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
        (Feed::Keyword(word), _) => Some(format!("keyword: {word}")),
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

/// The status of a mention notification (DMs included); other types have none
/// hearth keeps.
pub fn mention_status(n: &Notification) -> Option<&Status> {
    if n.kind != "mention" {
        return None;
    }
    n.status.as_ref()
}

/// A mention notification's status (DMs included); other types are skipped.
pub fn normalise_notification(n: &Notification, ctx: &Context<'_>) -> Option<IncomingMessage> {
    normalise_status(mention_status(n)?, ctx, Feed::Mentions, None)
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
