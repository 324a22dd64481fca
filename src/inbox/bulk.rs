//! Bulk work: one action on several conversations (a visual selection). Status
//! and tier writes go through the same use cases in one transaction; hides go
//! one by one through `moderate`, so every guard still applies to each (a
//! complaint is refused, a DM cannot be hidden) and the rest go ahead. One
//! [`Undo`] takes the whole batch back.

use super::guards::Guard;
use super::undo::Undo;
use super::{Inbox, InboxError, ModerateDecision, ModerateRequest, Moderation, Result};
use crate::model::{ModerationReason, Tier};
use crate::playbook::Library;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What to do to every selected conversation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BulkAction {
    Done,
    Snooze(DateTime<Utc>),
    /// Pin a tier (`None` clears the pin).
    Retier(Option<Tier>),
    Spam,
    Hide(ModerationReason),
}

impl BulkAction {
    /// What it did to `n` conversations: "hid 7", "marked 3 done".
    pub fn summary(self, n: usize) -> String {
        match self {
            BulkAction::Done => format!("marked {n} done"),
            BulkAction::Snooze(_) => format!("snoozed {n}"),
            BulkAction::Retier(Some(t)) => format!("re-tiered {n} to T{}", t.number()),
            BulkAction::Retier(None) => format!("cleared the tier override of {n}"),
            BulkAction::Spam => format!("marked {n} as spam (T5, done)"),
            BulkAction::Hide(_) => format!("hid {n}"),
        }
    }
}

/// What a bulk action did.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOutcome {
    pub action: BulkAction,
    /// Conversations it was carried out on.
    pub applied: usize,
    /// Conversations refused, with the word saying why ("complaint", "dm").
    pub refused: Vec<(i64, String)>,
    /// Hides that took their conversation out of the queue.
    pub left_queue: usize,
    pub undo: Undo,
}

impl BulkOutcome {
    /// "hid 7, 1 refused: complaint"; "hid 5, 3 refused: 2 complaint, 1 dm".
    pub fn describe(&self) -> String {
        let mut text = self.action.summary(self.applied);
        if self.refused.is_empty() {
            return text;
        }
        let mut why: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, w) in &self.refused {
            *why.entry(w.as_str()).or_default() += 1;
        }
        let reasons: Vec<String> = if why.len() == 1 {
            why.keys().map(|w| (*w).to_string()).collect()
        } else {
            why.iter().map(|(w, n)| format!("{n} {w}")).collect()
        };
        text.push_str(&format!(
            ", {} refused: {}",
            self.refused.len(),
            reasons.join(", ")
        ));
        text
    }
}

/// The word a refused hide is summed up by.
fn refusal(e: &InboxError) -> Option<String> {
    match e {
        InboxError::NotModeratable { kind, .. } => Some(kind.as_str().to_string()),
        InboxError::NoTarget(_) => Some("no message".into()),
        InboxError::NoConversation(_) => Some("gone".into()),
        _ => None,
    }
}

impl Inbox<'_> {
    /// Carry out `action` on every conversation in `ids`.
    pub fn bulk(
        &mut self,
        ids: &[i64],
        action: BulkAction,
        playbooks: Option<&Library>,
        now: DateTime<Utc>,
    ) -> Result<BulkOutcome> {
        let mut out = BulkOutcome {
            action,
            applied: 0,
            refused: Vec::new(),
            left_queue: 0,
            undo: Undo::default(),
        };
        let undo = match action {
            BulkAction::Done => self.done_all(ids, now)?,
            BulkAction::Snooze(until) => self.snooze_all(ids, until, now)?,
            BulkAction::Retier(tier) => self.retier_all(ids, tier, now)?,
            BulkAction::Spam => self.spam(ids, now)?,
            BulkAction::Hide(reason) => {
                for &id in ids {
                    self.bulk_hide(id, reason, playbooks, now, &mut out)?;
                }
                return Ok(out);
            }
        };
        out.applied = ids.len();
        out.undo = undo;
        Ok(out)
    }

    fn bulk_hide(
        &mut self,
        id: i64,
        reason: ModerationReason,
        playbooks: Option<&Library>,
        now: DateTime<Utc>,
        out: &mut BulkOutcome,
    ) -> Result<()> {
        let request = ModerateRequest {
            conversation_id: id,
            action: Moderation::Hide,
            reason: Some(reason),
            target_id: None,
            force: false,
        };
        match self.moderate(&request, playbooks, now) {
            Ok(ModerateDecision::Queued(o)) => {
                out.applied += 1;
                out.left_queue += usize::from(o.left_queue);
                if let Some(undo) = o.undo {
                    out.undo.extend(undo);
                }
            }
            Ok(ModerateDecision::Blocked(warnings)) => {
                let word = match warnings.first().map(|w| w.guard) {
                    Some(Guard::HidingComplaint) | None => "complaint".to_string(),
                    Some(other) => other.as_str().to_string(),
                };
                out.refused.push((id, word));
            }
            Err(e) => match refusal(&e) {
                Some(word) => out.refused.push((id, word)),
                None => return Err(e),
            },
        }
        Ok(())
    }
}
