//! The contract every platform connector fulfils, and what the engine hands it.

use super::error::SyncError;
use crate::model::{IngestPage, Kind};
use crate::store::IngestStats;
use chrono::{DateTime, Utc};

/// Where pages go: the engine commits each page together with its cursor in one
/// transaction, so a crash between pages loses nothing and duplicates nothing.
#[async_trait::async_trait]
pub trait PageSink: Send {
    /// The value last committed for this account's cursor `key`.
    fn cursor(&self, key: &str) -> Option<String>;
    /// Commit a page (messages + `page.cursor`). After this returns, `cursor(key)`
    /// gives the new value.
    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError>;
    /// The platform says how long a reply from this account may be (Mastodon's
    /// `max_characters`). Sinks that keep no account state ignore it.
    async fn set_reply_limit(&mut self, limit: usize) -> Result<(), SyncError> {
        let _ = limit;
        Ok(())
    }
}

/// What a sync round learned besides the pages it delivered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundOutcome {
    /// The platform's headers said the budget is (nearly) spent: wait until then.
    pub pause_until: Option<DateTime<Utc>>,
}

/// The conversation a reply or moderation action is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub account: String,
    pub kind: Kind,
    /// The conversation's platform thread id.
    pub thread_id: String,
    /// The platform id of the message acted on: the newest inbound one for a reply,
    /// the moderated one for hide/delete.
    pub message_id: Option<String>,
    /// When the customer last wrote (Meta's 24-hour messaging window).
    pub last_inbound_at: Option<DateTime<Utc>>,
}

/// Something to do on the platform, from the outbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Reply {
        body: String,
    },
    Hide,
    Unhide,
    Delete,
    /// Remove our reply (Google reviews).
    DeleteReply,
    /// Mute the author of the target message for `days` (a strike's suspension).
    Mute {
        days: u32,
    },
    /// Block the author of the target message (a strike's ban, Mastodon).
    Block,
    /// Ban the author of the target message from the Page (a strike's ban, Facebook).
    Ban,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Reply { .. } => "reply",
            Action::Hide => "hide",
            Action::Unhide => "unhide",
            Action::Delete => "delete",
            Action::DeleteReply => "delete_reply",
            Action::Mute { .. } => "mute",
            Action::Block => "block",
            Action::Ban => "ban",
        }
    }
}

/// After a crash mid-send: did the platform get it?
#[derive(Debug, Clone, PartialEq)]
pub enum Reconciled {
    /// Found our reply; here is its platform id.
    Sent { platform_id: String },
    /// Certainly not there: safe to send again.
    NotSent,
    /// The platform gives no way to tell: ask the user.
    Unknown,
}

/// One platform account.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    /// Fetch everything new since the sink's cursors, page by page, delivering each
    /// page to `sink` before fetching the next.
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError>;

    /// Carry out an action; returns the platform's id for what was created
    /// (the reply's id; for moderation the target's id).
    async fn perform(&self, target: &Target, action: &Action) -> Result<String, SyncError>;

    /// Look for a reply that may have gone out before a crash.
    async fn reconcile(&self, target: &Target, action: &Action) -> Result<Reconciled, SyncError> {
        let _ = (target, action);
        Ok(Reconciled::Unknown)
    }
}
