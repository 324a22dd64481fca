//! Undo: every undoable use case (done, snooze, re-tier, spam, hide, and their
//! bulk forms) hands back an [`Undo`] saying what it replaced; [`Inbox::undo`]
//! puts that back. The token is plain data: the front end keeps it, the core
//! alone knows how to apply it.
//!
//! What is put back, and how:
//! - status and snooze end, tier override: only while the conversation still
//!   stands as the action left it (a reply, a new message or a later choice
//!   wins); a tier put back forgets the override example the action recorded;
//! - a hide: withdrawn while it still waits in the outbox, otherwise an unhide
//!   is queued the way `hearth moderate unhide` queues one; its strike is taken
//!   back and the strike's step (a warning reply, a mute) withdrawn if not sent.

use super::{Inbox, ModerateDecision, ModerateRequest, Moderation, Result};
use crate::model::{OutboxState, Status, Tier};
use crate::store::{WorkflowBefore, WorkflowChange, WorkflowRestore};
use chrono::{DateTime, Utc};

/// How to take back one action (or one batch: every step, newest first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Undo {
    pub steps: Vec<UndoStep>,
}

/// One conversation's part of an undo.
#[derive(Debug, Clone, PartialEq)]
pub enum UndoStep {
    /// A status or tier write (done, snooze, re-tier, spam).
    Workflow(WorkflowRestore),
    /// A queued hide, and what came with it.
    Hide {
        conversation_id: i64,
        outbox_id: i64,
        /// The message hidden (its platform id).
        target_id: String,
        strike_id: Option<i64>,
        /// The outbox item carrying the strike's step (warning reply, mute…).
        enforced_by: Option<i64>,
        /// The hide took it out of the queue: (status written, status before).
        status: Option<(Status, Status)>,
    },
}

impl Undo {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// How many conversations it touches.
    pub fn conversations(&self) -> usize {
        let mut ids: Vec<i64> = self.steps.iter().map(UndoStep::conversation_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    pub fn extend(&mut self, other: Undo) {
        self.steps.extend(other.steps);
    }

    /// The undo of a batch write, from what it replaced.
    pub(super) fn of_workflow(before: &[WorkflowBefore], change: WorkflowChange) -> Undo {
        Undo {
            steps: before
                .iter()
                .map(|b| {
                    UndoStep::Workflow(WorkflowRestore {
                        id: b.id,
                        status: change
                            .status
                            .map(|(written, _)| (written, b.status, b.snoozed_until)),
                        tier: change
                            .tier
                            .map(|written| (written, b.tier_override, b.example_id)),
                    })
                })
                .collect(),
        }
    }
}

impl UndoStep {
    pub fn conversation_id(&self) -> i64 {
        match self {
            UndoStep::Workflow(r) => r.id,
            UndoStep::Hide {
                conversation_id, ..
            } => *conversation_id,
        }
    }
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UndoOutcome {
    /// Conversations put back.
    pub restored: usize,
    /// Conversations changed since the action, left as they are now.
    pub changed_since: usize,
    /// Hides withdrawn before they were sent.
    pub hides_withdrawn: usize,
    /// Hides that had gone out: an unhide is queued for each (outbox ids).
    pub unhides_queued: Vec<i64>,
    /// Strike steps that had already gone out (a warning reply, a mute).
    pub steps_already_sent: usize,
}

impl UndoOutcome {
    /// "undone: 3 put back", with what could not be.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("undone: {} put back", self.restored)];
        if self.hides_withdrawn > 0 {
            parts.push(format!("{} hide(s) withdrawn", self.hides_withdrawn));
        }
        if !self.unhides_queued.is_empty() {
            parts.push(format!(
                "{} already hidden: unhide queued",
                self.unhides_queued.len()
            ));
        }
        if self.steps_already_sent > 0 {
            parts.push(format!(
                "{} strike step(s) had already gone out",
                self.steps_already_sent
            ));
        }
        if self.changed_since > 0 {
            parts.push(format!("{} changed since, left as is", self.changed_since));
        }
        parts.join("; ")
    }
}

impl Inbox<'_> {
    /// Take back what `undo` describes (newest step first).
    pub fn undo(&mut self, undo: &Undo, now: DateTime<Utc>) -> Result<UndoOutcome> {
        let mut out = UndoOutcome::default();
        let mut restores = Vec::new();
        for step in undo.steps.iter().rev() {
            match step {
                UndoStep::Workflow(r) => restores.push(*r),
                UndoStep::Hide {
                    conversation_id,
                    outbox_id,
                    target_id,
                    strike_id,
                    enforced_by,
                    status,
                } => {
                    self.undo_hide(*conversation_id, *outbox_id, target_id, now, &mut out)?;
                    if let Some(strike) = strike_id {
                        self.store.remove_strike(*strike)?;
                    }
                    if let Some(step) = enforced_by
                        && self.store.cancel_outbox(*step, self.assess, now)?.is_none()
                        && self
                            .store
                            .outbox_item(*step)?
                            .is_some_and(|i| i.state != OutboxState::Cancelled)
                    {
                        out.steps_already_sent += 1;
                    }
                    match status {
                        Some((written, before)) => restores.push(WorkflowRestore {
                            id: *conversation_id,
                            status: Some((*written, *before, None)),
                            tier: None,
                        }),
                        // Nothing else to put back: the hide itself was the change.
                        None => out.restored += 1,
                    }
                }
            }
        }
        let asked = restores.len();
        let tiers_restored = restores.iter().any(|r| r.tier.is_some());
        let restored = self.store.restore_workflow(&restores)?;
        out.restored += restored.len();
        out.changed_since += asked - restored.len();
        let steps = self.config.targets.promotion_steps();
        for id in restored {
            self.store.refresh_order_of(id, now, &steps)?;
        }
        if tiers_restored {
            // An undone re-tier withdrew its example: learning forgets it.
            self.relearn()?;
        }
        Ok(out)
    }

    fn undo_hide(
        &mut self,
        conversation_id: i64,
        outbox_id: i64,
        target_id: &str,
        now: DateTime<Utc>,
        out: &mut UndoOutcome,
    ) -> Result<()> {
        if self
            .store
            .cancel_outbox(outbox_id, self.assess, now)?
            .is_some()
        {
            out.hides_withdrawn += 1;
            return Ok(());
        }
        // It went out (or is going): the platform needs an unhide. A refused or
        // dismissed hide hid nothing.
        let state = self.store.outbox_item(outbox_id)?.map(|i| i.state);
        if matches!(
            state,
            Some(OutboxState::Sent | OutboxState::Sending | OutboxState::Unknown)
        ) {
            let request = ModerateRequest {
                conversation_id,
                action: Moderation::Unhide,
                reason: None,
                target_id: Some(target_id.to_string()),
                force: false,
            };
            if let ModerateDecision::Queued(o) = self.moderate(&request, None, now)? {
                out.unhides_queued.push(o.outbox_id);
            }
        }
        Ok(())
    }

    /// Apply `change` to `ids` in one transaction, with its undo.
    pub(super) fn workflow(
        &mut self,
        ids: &[i64],
        change: WorkflowChange,
        now: DateTime<Utc>,
    ) -> Result<Undo> {
        let before = self.store.apply_workflow(ids, change, now)?;
        if change.tier.is_some() {
            // An overdue conversation keeps climbing from its new tier at once.
            let steps = self.config.targets.promotion_steps();
            for id in ids {
                self.store.refresh_order_of(*id, now, &steps)?;
            }
            // The override is a correction: triage learns from it at once.
            self.relearn()?;
        }
        Ok(Undo::of_workflow(&before, change))
    }
}

/// The change that marks conversations as spam: tier 5 (kept as an override
/// example, so learning sees it) and done.
pub const SPAM: WorkflowChange = WorkflowChange {
    status: Some((Status::Done, None)),
    tier: Some(Some(Tier::Monitor)),
};
