//! The outbox vocabulary: what an item asks the platform to do, and how far it got.
//! Both are stored as their words, so the store, the engine and the front ends
//! cannot disagree on a spelling.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use super::ParseEnumError;

/// What an outbox item asks the platform to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxAction {
    Reply,
    Hide,
    Unhide,
    Delete,
    /// Remove our own reply (Google reviews).
    DeleteReply,
    /// Mute the author for a while (a strike's suspension, where the platform can).
    Mute,
    /// Block the author (a strike's ban on Mastodon).
    Block,
    /// Ban the author from the Page (a strike's ban on Facebook).
    Ban,
}
word_enum!(OutboxAction, "outbox action", {
    Reply => "reply", Hide => "hide", Unhide => "unhide", Delete => "delete",
    DeleteReply => "delete_reply", Mute => "mute", Block => "block", Ban => "ban",
});

impl OutboxAction {
    /// Actions aimed at one message (they need its platform id).
    pub fn needs_target(self) -> bool {
        !matches!(self, OutboxAction::Reply | OutboxAction::DeleteReply)
    }
}

/// Where an outbox item stands.
///
/// queued → sending (committed before the request) → sent | failed | unknown;
/// the user turns failed/unknown into queued again or dismissed, and may cancel a
/// queued item (a scheduled reply) before it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    Queued,
    Sending,
    Sent,
    /// The platform refused; the user decides (resend or dismiss).
    Failed,
    /// A crash interrupted the send and the platform cannot tell whether it went
    /// out: never resent silently, the user decides.
    Unknown,
    Dismissed,
    /// Withdrawn by the user before it was sent.
    Cancelled,
}
word_enum!(OutboxState, "outbox state", {
    Queued => "queued", Sending => "sending", Sent => "sent", Failed => "failed",
    Unknown => "unknown", Dismissed => "dismissed", Cancelled => "cancelled",
});

impl OutboxState {
    /// The user must decide what happens next.
    pub fn needs_decision(self) -> bool {
        matches!(self, OutboxState::Failed | OutboxState::Unknown)
    }
}
