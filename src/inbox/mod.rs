//! The application core: every action a user takes on the inbox (reply, moderate,
//! re-tier and learning from it, snooze, done, spam, schedule, cancel, bulk,
//! undo, lead qualification) as one function with one set of rules.
//! The TUI and the CLI are thin callers of these; neither repeats a rule.
//!
//! The core sits between the front ends and the store: it reads what it needs,
//! applies the platform rules (`model::reply_window`, `model::reply_limit`), the
//! reply guards and the moderation policy, and writes through the store. It does
//! no network I/O: platform actions go through the outbox, which the sync engine
//! sends exactly once.

pub mod alert;
pub mod backtest;
pub mod bulk;
pub mod guards;
pub mod lead;
pub mod learning;
pub mod moderate;
pub mod people;
pub mod reply;
pub mod schedule;
pub mod undo;
pub mod workflow;

use crate::config::Config;
use crate::model::{Assess, Conversation, Kind, Platform};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

pub use bulk::{BulkAction, BulkOutcome};
pub use guards::{Guard, Warning};
pub use lead::{LeadUpdate, LeadView};
pub use moderate::{ModerateDecision, ModerateOutcome, ModerateRequest, Moderation, StrikeOutcome};
pub use reply::{ReplyDecision, ReplyOutcome, ReplyRequest, When};
pub use undo::{Undo, UndoOutcome, UndoStep};

/// Why an action could not be carried out. Each reads as one sentence to the user.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("no conversation with id {0}")]
    NoConversation(i64),
    #[error("the reply is empty")]
    EmptyReply,
    #[error(
        "the messaging window has closed{}: {platform} only accepts a reply within 24 hours \
         of the customer's last message. Nothing was queued.",
        since.map(|t| format!(" (since {})", t.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default()
    )]
    WindowClosed {
        platform: Platform,
        since: Option<DateTime<Utc>>,
    },
    #[error("{0}. Nothing was queued.")]
    Refused(String),
    #[error("{action} works on comments and mentions, not on a {kind}")]
    NotModeratable { action: &'static str, kind: Kind },
    #[error("no message from the customer to {0}")]
    NoTarget(&'static str),
    #[error("say why you {0} it: hate, troll, spam, promo or other")]
    ReasonRequired(&'static str),
    #[error("outbox #{0} is not waiting to be sent (it went out, or is being sent)")]
    NotQueued(i64),
    #[error("{0}")]
    BadTime(String),
    #[error("conversation {0} has no known author to link")]
    NoAuthor(i64),
    #[error("both conversations are by {0} on the same platform: already one person")]
    SameIdentity(String),
    #[error(
        "conversation {0} is not a lead: mark it first (`hearth lead {0} --mark`, or m in the lead panel)"
    )]
    NotALead(i64),
    #[error("{0}")]
    BadLeadValue(String),
    #[error("a {from} lead cannot move to {to} (from {from}: {})", allowed(*.from))]
    StageNotAllowed {
        from: crate::model::LeadStage,
        to: crate::model::LeadStage,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stages a lead may move to, for the error that refuses another.
fn allowed(from: crate::model::LeadStage) -> String {
    let next: Vec<&str> = from.next_allowed().iter().map(|s| s.as_str()).collect();
    if next.is_empty() {
        "it is final".into()
    } else {
        next.join(", ")
    }
}

pub type Result<T, E = InboxError> = std::result::Result<T, E>;

/// The core bound to one store connection, the config and the triage engine.
pub struct Inbox<'a> {
    store: &'a mut Store,
    config: &'a Config,
    assess: &'a dyn Assess,
}

impl<'a> Inbox<'a> {
    pub fn new(store: &'a mut Store, config: &'a Config, assess: &'a dyn Assess) -> Inbox<'a> {
        Inbox {
            store,
            config,
            assess,
        }
    }

    fn conversation(&self, id: i64) -> Result<Conversation> {
        self.store
            .conversation(id)?
            .ok_or(InboxError::NoConversation(id))
    }
}

#[cfg(test)]
mod lead_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod undo_tests;
