//! The small use cases of working the queue: re-tier (and clear the override),
//! snooze, mark done, mark spam (each for one conversation or a batch in one
//! transaction, each handing back its [`Undo`]), and the outbox decisions
//! (cancel a scheduled reply, resend or dismiss a failed one).

use super::undo::{SPAM, Undo};
use super::{Inbox, InboxError, Result};
use crate::model::{OutboxAction, Status, Tier};
use crate::store::OutboxItem;
use crate::store::WorkflowChange;
use chrono::{DateTime, Utc};

impl Inbox<'_> {
    /// Pin the tier (`None` clears the pin). The choice is kept as a labelled
    /// example, and triage learns from it at once (`learning.rs`): new messages
    /// like this one get the corrected tier. An overdue conversation keeps climbing from its new
    /// tier at once (`model::sort_tier`), not only at the next refresh.
    pub fn retier(&mut self, id: i64, tier: Option<Tier>, now: DateTime<Utc>) -> Result<Undo> {
        self.retier_all(&[id], tier, now)
    }

    /// [`Inbox::retier`] on several conversations, in one transaction.
    pub fn retier_all(
        &mut self,
        ids: &[i64],
        tier: Option<Tier>,
        now: DateTime<Utc>,
    ) -> Result<Undo> {
        self.require_all(ids)?;
        let change = WorkflowChange {
            tier: Some(tier),
            ..WorkflowChange::default()
        };
        self.workflow(ids, change, now)
    }

    /// Out of the queue until `until` (or until the customer writes again).
    pub fn snooze(&mut self, id: i64, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<Undo> {
        self.snooze_all(&[id], until, now)
    }

    /// [`Inbox::snooze`] on several conversations, in one transaction.
    pub fn snooze_all(
        &mut self,
        ids: &[i64],
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Undo> {
        if until <= now {
            return Err(InboxError::BadTime(
                "a snooze must end in the future".into(),
            ));
        }
        self.require_all(ids)?;
        let change = WorkflowChange {
            status: Some((Status::Snoozed, Some(until))),
            ..WorkflowChange::default()
        };
        self.workflow(ids, change, now)
    }

    /// Closed by the user; it returns when the customer writes again.
    pub fn done(&mut self, id: i64, now: DateTime<Utc>) -> Result<Undo> {
        self.done_all(&[id], now)
    }

    /// [`Inbox::done`] on several conversations, in one transaction.
    pub fn done_all(&mut self, ids: &[i64], now: DateTime<Utc>) -> Result<Undo> {
        self.require_all(ids)?;
        let change = WorkflowChange {
            status: Some((Status::Done, None)),
            ..WorkflowChange::default()
        };
        self.workflow(ids, change, now)
    }

    /// Spam, in one key, for what cannot be hidden (a DM) as well as what can:
    /// tier 5, recorded as an override example so learning sees it, and done. It
    /// comes back only if the sender writes again.
    pub fn spam(&mut self, ids: &[i64], now: DateTime<Utc>) -> Result<Undo> {
        self.require_all(ids)?;
        self.workflow(ids, SPAM, now)
    }

    fn require_all(&self, ids: &[i64]) -> Result<()> {
        for id in ids {
            self.conversation(*id)?;
        }
        Ok(())
    }

    /// Withdraw a queued item (a scheduled reply) before it goes. A reply's text
    /// comes back so the front end can restore it as a draft; its conversation is
    /// back in the queue.
    pub fn cancel_outbox(&mut self, outbox_id: i64, now: DateTime<Utc>) -> Result<OutboxItem> {
        self.store
            .cancel_outbox(outbox_id, self.assess, now)?
            .ok_or(InboxError::NotQueued(outbox_id))
    }

    /// The user's decision on a failed or unknown item.
    pub fn resolve_outbox(
        &mut self,
        outbox_id: i64,
        resend: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.store
            .resolve_outbox(outbox_id, resend, now, self.assess)?;
        Ok(())
    }

    /// Replies waiting for a later time, soonest first.
    pub fn scheduled(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxItem>> {
        Ok(self
            .store
            .outbox_scheduled(now, limit)?
            .into_iter()
            .filter(|i| i.action == OutboxAction::Reply)
            .collect())
    }
}
