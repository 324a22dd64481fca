//! The contract every platform connector fulfils, and what the engine hands it.

use super::error::SyncError;
use crate::model::{IngestPage, Kind, PageFacts};
use crate::store::{IngestStats, KnownThread};
use chrono::{DateTime, Utc};

/// The source of "now" for a connector's own schedules (tests move it).
pub type Clock = std::sync::Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

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

    /// Commit a page together with what it says about how the platform shows
    /// messages (hidden, deleted, replaced, in moderation), in one transaction.
    /// Sinks that keep no such state commit the page alone.
    async fn accept_with(
        &mut self,
        page: IngestPage,
        facts: PageFacts,
    ) -> Result<IngestStats, SyncError> {
        let _ = facts;
        self.accept(page).await
    }

    /// The thread of a message already committed, by its platform id.
    async fn thread_of(&mut self, platform_id: &str) -> Result<Option<String>, SyncError> {
        let _ = platform_id;
        Ok(None)
    }

    /// Committed threads whose id starts with `prefix`, newest activity first.
    async fn known_threads(
        &mut self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<KnownThread>, SyncError> {
        let _ = (prefix, limit);
        Ok(Vec::new())
    }

    /// Store connector bookkeeping under the cursor `key` with no page (a cached
    /// title, the time of the last reconcile). A crash may lose it; nothing may
    /// depend on it for correctness.
    async fn remember(&mut self, key: &str, value: String) -> Result<(), SyncError> {
        let _ = (key, value);
        Ok(())
    }
}

/// What a sync round learned besides the pages it delivered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundOutcome {
    /// The platform's headers said the budget is (nearly) spent: wait until then.
    pub pause_until: Option<DateTime<Utc>>,
    /// The highest share of a rate budget the platform said this round used, in
    /// percent (Meta's usage headers): the engine polls slower as it climbs.
    pub usage_percent: Option<u8>,
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
    /// For an item being reconciled: when its send began. What the platform holds
    /// from before then is not this item.
    pub attempted_at: Option<DateTime<Utc>>,
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
