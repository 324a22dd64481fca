//! The reply use case: clean the text, check the messaging window, run the reply
//! guards, decide when it goes (now, a time, or the next opening), then queue it.

use super::guards::{self, ReplyFacts, Warning};
use super::{Inbox, InboxError, Result, schedule};
use crate::model::{Conversation, Direction, Message, reply_limit, reply_refusal, reply_window};
use chrono::{DateTime, Duration, Utc};

/// How far back the repeated-text guard looks.
const REPEAT_WINDOW_DAYS: i64 = 7;
/// Replies compared at most (the newest ones).
const REPEAT_SAMPLE: usize = 500;

/// When a reply should go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// As soon as possible (held until opening when `hold_outside_hours` says so).
    Now,
    /// Not before this time.
    At(DateTime<Utc>),
    /// At the next opening of business hours.
    Opening,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplyRequest {
    pub conversation_id: i64,
    pub text: String,
    pub when: When,
    /// Send even though guards warn (every overridden warning is recorded).
    pub force: bool,
    /// A holding reply ("got it, the full answer within the hour"): it meets the
    /// acknowledgment target; the response target keeps running and the
    /// conversation stays in the queue.
    pub acknowledgment: bool,
}

/// A reply that went into the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyOutcome {
    pub outbox_id: i64,
    /// Held until then; `None` = sent as soon as possible.
    pub send_after: Option<DateTime<Utc>>,
    /// True when `hold_outside_hours` moved it to the next opening.
    pub held_for_opening: bool,
    /// Guard warnings the user chose to send through.
    pub overridden: Vec<Warning>,
    /// It was a holding reply: the conversation is still due at `still_due_at`.
    pub acknowledgment: bool,
    pub still_due_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReplyDecision {
    Queued(ReplyOutcome),
    /// Guards warn and the request did not force: nothing was queued.
    Blocked(Vec<Warning>),
}

/// What leaves hearth toward a customer carries no control characters or
/// escape sequences, and no bidi overrides (they could reorder what the
/// customer reads): the same cleaning the screen gets.
pub fn clean_outgoing(text: &str) -> String {
    crate::sanitize::sanitize(text).trim_end().to_string()
}

/// The inbound text since our last outbound message, oldest first.
fn unanswered_text(messages: &[Message]) -> String {
    let last_outbound = messages
        .iter()
        .filter(|m| m.direction == Direction::Outbound)
        .map(|m| m.sent_at)
        .max();
    messages
        .iter()
        .filter(|m| {
            m.direction == Direction::Inbound && last_outbound.is_none_or(|t| m.sent_at > t)
        })
        .map(|m| m.body.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Inbox<'_> {
    /// Every guard warning for `text` as a reply in conversation `id`. A closed
    /// messaging window is an error, not a warning: the platform would refuse.
    pub fn check_reply(&self, id: i64, text: &str, now: DateTime<Utc>) -> Result<Vec<Warning>> {
        let conversation = self.conversation(id)?;
        let text = clean_outgoing(text);
        if text.trim().is_empty() {
            return Err(InboxError::EmptyReply);
        }
        self.require_window(&conversation, now)?;
        self.guard_warnings(&conversation, &text, now)
    }

    /// Queue a reply, or say which guards stand in the way.
    pub fn reply(&mut self, req: &ReplyRequest, now: DateTime<Utc>) -> Result<ReplyDecision> {
        let conversation = self.conversation(req.conversation_id)?;
        let text = clean_outgoing(&req.text);
        if text.trim().is_empty() {
            return Err(InboxError::EmptyReply);
        }
        self.require_window(&conversation, now)?;
        let warnings = self.guard_warnings(&conversation, &text, now)?;
        if !warnings.is_empty() && !req.force {
            return Ok(ReplyDecision::Blocked(warnings));
        }
        let (send_after, held_for_opening) = schedule::send_after(self.config, req.when, now)?;
        if let Some(at) = send_after {
            // A Meta window that will have closed by then would make the platform refuse.
            self.require_window(&conversation, at)?;
        }
        // Signed as the brand (or location) signs: its `signature`, else `agent`.
        let signature = self.config.signature_for(
            conversation.brand.as_deref(),
            conversation.location.as_deref(),
        );
        let outbox_id = self.store.record_reply_as(
            conversation.id,
            &signature,
            &text,
            send_after,
            req.acknowledgment,
            now,
        )?;
        for w in &warnings {
            self.store.record_guard_override(
                conversation.id,
                Some(outbox_id),
                w.guard.as_str(),
                &w.message,
                now,
            )?;
        }
        tracing::info!(
            conversation = conversation.id,
            outbox = outbox_id,
            scheduled = send_after.is_some(),
            overridden = warnings.len(),
            acknowledgment = req.acknowledgment,
            "reply queued"
        );
        Ok(ReplyDecision::Queued(ReplyOutcome {
            outbox_id,
            send_after,
            held_for_opening,
            overridden: warnings,
            acknowledgment: req.acknowledgment,
            still_due_at: if req.acknowledgment {
                conversation.due_at
            } else {
                None
            },
        }))
    }

    fn require_window(&self, c: &Conversation, at: DateTime<Utc>) -> Result<()> {
        let target = self.store.conversation_ref(c.id)?;
        // What the platform shows of the thread (hidden, deleted) can rule a reply out.
        if let Some(why) = reply_refusal(c.platform, c.kind, target.thread_state) {
            return Err(InboxError::Refused(why));
        }
        match reply_window(c.platform, c.kind, target.last_inbound_at, at) {
            crate::model::ReplyWindow::Closed { since } => Err(InboxError::WindowClosed {
                platform: c.platform,
                since,
            }),
            _ => Ok(()),
        }
    }

    fn guard_warnings(
        &self,
        c: &Conversation,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Warning>> {
        let messages = self.store.messages(c.id, 50)?;
        let customer_text = unanswered_text(&messages);
        let first_name = crate::playbook::first_name_of(&c.author);
        let max_chars = match self.store.reply_limit(&c.account)? {
            Some(limit) => Some(limit),
            None => reply_limit(c.platform, c.kind),
        };
        let recent = self.store.recent_replies(
            &c.account,
            now - Duration::days(REPEAT_WINDOW_DAYS),
            REPEAT_SAMPLE,
        )?;
        // Only a pitch looks for complaints elsewhere: a few indexed reads.
        let complaints: Vec<String> = if c.tier == crate::model::Tier::Revenue {
            let person = super::people::person_for(self.store, c)?;
            person
                .open_complaints()
                .map(|(o, c)| super::people::describe(o, c, now))
                .collect()
        } else {
            Vec::new()
        };
        Ok(guards::check_reply(
            &ReplyFacts {
                text,
                customer_text: &customer_text,
                first_name: first_name.as_deref(),
                max_chars,
                recent_replies: &recent,
                tier: Some(c.tier),
                complaints_elsewhere: &complaints,
            },
            &self.config.guards,
        ))
    }
}
