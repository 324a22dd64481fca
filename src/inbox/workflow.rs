//! The small use cases of working the queue: re-tier (and clear the override),
//! snooze, mark done, and the outbox decisions (cancel a scheduled reply, resend
//! or dismiss a failed one).

use super::{Inbox, InboxError, Result};
use crate::model::{OutboxAction, Status, Tier};
use crate::store::OutboxItem;
use chrono::{DateTime, Utc};

impl Inbox<'_> {
    /// Pin the tier (`None` clears the pin). The choice is kept as a labelled
    /// example, and triage learns from it at once (`learning.rs`): new messages
    /// like this one get the corrected tier. An overdue conversation keeps
    /// climbing from its new tier at once (`model::sort_tier`), not only at the
    /// next refresh.
    pub fn retier(&mut self, id: i64, tier: Option<Tier>, now: DateTime<Utc>) -> Result<()> {
        self.conversation(id)?;
        self.store.set_tier_override(id, tier, now)?;
        self.store
            .refresh_order_of(id, now, &self.config.targets.promotion_steps())?;
        self.relearn()
    }

    /// Out of the queue until `until` (or until the customer writes again).
    pub fn snooze(&mut self, id: i64, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
        if until <= now {
            return Err(InboxError::BadTime(
                "a snooze must end in the future".into(),
            ));
        }
        self.conversation(id)?;
        self.store.snooze(id, until)?;
        Ok(())
    }

    /// Closed by the user; it returns when the customer writes again.
    pub fn done(&mut self, id: i64) -> Result<()> {
        self.conversation(id)?;
        self.store.set_status(id, Status::Done)?;
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
