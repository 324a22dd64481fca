//! The moderation use case: hide, unhide or delete a comment through the outbox,
//! never hide an unhappy customer without an explicit override, and count a strike
//! against the author for every hide or delete, with the policy's next step. A
//! hidden comment needs no answer: hiding takes it out of the queue, and hands
//! back an undo (`inbox::undo`).

use super::guards::{self, Warning};
use super::undo::{Undo, UndoStep};
use super::{Inbox, InboxError, Result};
use crate::model::{
    Conversation, Direction, Kind, ModerationReason, OutboxAction, Platform, Status, StrikeStep,
};
use crate::playbook::{Library, RenderContext, render};
use crate::store::{NewAction, NewStrike, WorkflowChange};
use chrono::{DateTime, Utc};

/// A moderation action a user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Hide,
    Unhide,
    Delete,
}

impl Moderation {
    pub fn as_str(self) -> &'static str {
        self.action().as_str()
    }

    pub fn action(self) -> OutboxAction {
        match self {
            Moderation::Hide => OutboxAction::Hide,
            Moderation::Unhide => OutboxAction::Unhide,
            Moderation::Delete => OutboxAction::Delete,
        }
    }

    /// Hiding and deleting count against the author; unhiding undoes nothing.
    pub fn is_strike(self) -> bool {
        self != Moderation::Unhide
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModerateRequest {
    pub conversation_id: i64,
    pub action: Moderation,
    /// Required for hide and delete.
    pub reason: Option<ModerationReason>,
    /// The platform id of the message; default: the newest from the customer.
    pub target_id: Option<String>,
    /// Go ahead although the hiding-a-complaint guard warns (recorded).
    pub force: bool,
}

/// The strike a hide or delete added, and how its step is carried out.
#[derive(Debug, Clone, PartialEq)]
pub struct StrikeOutcome {
    /// Strikes the author now has on this account.
    pub count: i64,
    pub step: StrikeStep,
    /// The outbox item carrying the step (a warning reply, a mute, a block, a ban).
    pub enforced_by: Option<i64>,
    /// What the user must do by hand because the platform cannot.
    pub reminder: Option<String>,
}

impl StrikeOutcome {
    /// "strike 2: suspension queued (outbox #9)", or the reminder when the platform cannot.
    pub fn describe(&self) -> String {
        let step = match (self.step, self.enforced_by, &self.reminder) {
            (StrikeStep::None, _, _) => "counted".to_string(),
            (step, Some(id), _) => format!("{step} queued (outbox #{id})"),
            (step, None, Some(reminder)) => {
                format!("{step}: {}", crate::sanitize::sanitize_line(reminder))
            }
            (step, None, None) => step.to_string(),
        };
        format!("strike {}: {step}", self.count)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModerateOutcome {
    pub outbox_id: i64,
    pub strike: Option<StrikeOutcome>,
    /// A hide took the conversation out of the queue (the hidden comment was
    /// all it had to answer).
    pub left_queue: bool,
    /// How to take a hide back (`None` for unhide and delete).
    pub undo: Option<Undo>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModerateDecision {
    Queued(ModerateOutcome),
    Blocked(Vec<Warning>),
}

/// Which step a strike count reaches under the policy (the highest that applies).
pub fn step_for(count: i64, policy: &crate::config::ModerationConfig) -> StrikeStep {
    let reached = |at: u32| at > 0 && count >= i64::from(at);
    if reached(policy.ban_at) {
        StrikeStep::Ban
    } else if reached(policy.suspension_at) {
        StrikeStep::Suspension
    } else if reached(policy.warning_at) {
        StrikeStep::Warning
    } else {
        StrikeStep::None
    }
}

/// The platform action that carries out a step, where the platform offers one.
pub fn platform_action(platform: Platform, step: StrikeStep) -> Option<OutboxAction> {
    match (step, platform) {
        (StrikeStep::Warning, Platform::Mastodon | Platform::Facebook | Platform::Instagram) => {
            Some(OutboxAction::Reply)
        }
        (StrikeStep::Suspension, Platform::Mastodon) => Some(OutboxAction::Mute),
        (StrikeStep::Ban, Platform::Mastodon) => Some(OutboxAction::Block),
        (StrikeStep::Ban, Platform::Facebook) => Some(OutboxAction::Ban),
        _ => None,
    }
}

/// A reason as a noun for a warning's text.
fn reason_noun(reason: ModerationReason) -> &'static str {
    match reason {
        ModerationReason::Hate => "hateful language",
        ModerationReason::Troll => "personal attacks",
        ModerationReason::Spam => "spam",
        ModerationReason::Promo => "self-promotion",
        ModerationReason::Other => "posts like this",
    }
}

/// Fill every `[[blank]]` (or older `[hint]`) of a warning template with the reason.
fn fill_reason(text: &str, reason: ModerationReason) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let double = rest[open..].starts_with("[[");
        let close_pat = if double { "]]" } else { "]" };
        let Some(len) = rest[open..].find(close_pat) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(reason_noun(reason));
        rest = &rest[open + len + close_pat.len()..];
    }
    out.push_str(rest);
    out
}

impl Inbox<'_> {
    /// Hide, unhide or delete a message of a comment thread.
    pub fn moderate(
        &mut self,
        req: &ModerateRequest,
        playbooks: Option<&Library>,
        now: DateTime<Utc>,
    ) -> Result<ModerateDecision> {
        let c = self.conversation(req.conversation_id)?;
        let verb = req.action.as_str();
        if !matches!(c.kind, Kind::Comment | Kind::Mention) {
            return Err(InboxError::NotModeratable {
                action: verb,
                kind: c.kind,
            });
        }
        let reason = match (req.action.is_strike(), req.reason) {
            (true, None) => return Err(InboxError::ReasonRequired(verb)),
            (_, reason) => reason,
        };
        let target_id = match &req.target_id {
            Some(id) => id.clone(),
            None => self.newest_inbound(&c)?.ok_or(InboxError::NoTarget(verb))?,
        };
        let mut warnings = Vec::new();
        if req.action.is_strike()
            && let Some(w) = guards::check_moderation(c.tier, c.sentiment, &self.config.guards)
        {
            warnings.push(w);
        }
        if !warnings.is_empty() && !req.force {
            return Ok(ModerateDecision::Blocked(warnings));
        }
        let outbox_id = self.store.queue_action(
            &NewAction {
                conversation_id: c.id,
                action: req.action.action(),
                body: String::new(),
                target_id: Some(target_id.clone()),
                reason,
                author: Some(c.author.clone()),
            },
            now,
        )?;
        for w in &warnings {
            self.store.record_guard_override(
                c.id,
                Some(outbox_id),
                w.guard.as_str(),
                &w.message,
                now,
            )?;
        }
        let (strike_id, strike) = match reason.filter(|_| req.action.is_strike()) {
            Some(reason) => {
                let (id, strike) =
                    self.strike(&c, &target_id, req.action, reason, playbooks, now)?;
                (Some(id), Some(strike))
            }
            None => (None, None),
        };
        let mut left_queue = false;
        let undo = if req.action == Moderation::Hide {
            let status = self.leave_queue_after_hide(c.id, &target_id, now)?;
            left_queue = status.is_some();
            Some(Undo {
                steps: vec![UndoStep::Hide {
                    conversation_id: c.id,
                    outbox_id,
                    target_id: target_id.clone(),
                    strike_id,
                    enforced_by: strike.as_ref().and_then(|s| s.enforced_by),
                    status,
                }],
            })
        } else {
            None
        };
        tracing::info!(
            conversation = c.id,
            outbox = outbox_id,
            action = verb,
            "moderation queued"
        );
        Ok(ModerateDecision::Queued(ModerateOutcome {
            outbox_id,
            strike,
            left_queue,
            undo,
        }))
    }

    /// A hidden comment needs no answer: when it was all the conversation had
    /// to answer (the newest message from the customer, nothing older still
    /// unanswered), the conversation leaves the queue as done; it comes back
    /// when someone writes again. Returns (status written, status before).
    fn leave_queue_after_hide(
        &mut self,
        id: i64,
        target_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Status, Status)>> {
        // Re-read: a strike's warning reply may have answered it already.
        let c = self.conversation(id)?;
        if c.status != Status::Open {
            return Ok(None);
        }
        let newest = self
            .store
            .messages(id, 50)?
            .into_iter()
            .filter(|m| m.direction == Direction::Inbound)
            .max_by_key(|m| (m.sent_at, m.id));
        let only = newest.is_some_and(|m| {
            m.platform_id == target_id && c.first_unanswered_at.is_none_or(|f| f >= m.sent_at)
        });
        if !only {
            return Ok(None);
        }
        let change = WorkflowChange {
            status: Some((Status::Done, None)),
            ..WorkflowChange::default()
        };
        self.store.apply_workflow(&[id], change, now)?;
        Ok(Some((Status::Done, c.status)))
    }

    fn newest_inbound(&self, c: &Conversation) -> Result<Option<String>> {
        Ok(self
            .store
            .messages(c.id, 50)?
            .into_iter()
            .filter(|m| m.direction == Direction::Inbound)
            .max_by_key(|m| (m.sent_at, m.id))
            .map(|m| m.platform_id))
    }

    /// Count a strike and queue (or remind of) the step the policy gives it.
    fn strike(
        &mut self,
        c: &Conversation,
        target_id: &str,
        action: Moderation,
        reason: ModerationReason,
        playbooks: Option<&Library>,
        now: DateTime<Utc>,
    ) -> Result<(i64, StrikeOutcome)> {
        let policy = &self.config.moderation;
        let count = self.store.strike_count(&c.account, &c.author)? + 1;
        let step = step_for(count, policy);
        let strike_id = self.store.add_strike(
            &NewStrike {
                account: c.account.clone(),
                author: c.author.clone(),
                conversation_id: c.id,
                target_id: Some(target_id.to_string()),
                action: action.action(),
                reason,
                step,
            },
            now,
        )?;
        let (enforced_by, reminder) = match (step, platform_action(c.platform, step)) {
            (StrikeStep::None, _) => (None, None),
            (StrikeStep::Warning, Some(_)) => match self.warning_text(c, reason, playbooks) {
                Some(text) => {
                    let id = self.store.record_reply(
                        c.id,
                        &self
                            .config
                            .signature_for(c.brand.as_deref(), c.location.as_deref()),
                        &text,
                        None,
                        now,
                    )?;
                    (Some(id), None)
                }
                None => (
                    None,
                    Some(format!(
                        "warn {}: no template '{}' in playbook '{}'",
                        c.author, policy.warning_template, policy.warning_playbook
                    )),
                ),
            },
            (_, Some(platform_action)) => {
                let body = match platform_action {
                    OutboxAction::Mute => policy.suspension_days.to_string(),
                    _ => String::new(),
                };
                let id = self.store.queue_action(
                    &NewAction {
                        conversation_id: c.id,
                        action: platform_action,
                        body,
                        target_id: Some(target_id.to_string()),
                        reason: Some(reason),
                        author: Some(c.author.clone()),
                    },
                    now,
                )?;
                (Some(id), None)
            }
            (step, None) => (None, Some(manual_step(c.platform, step, &c.author, policy))),
        };
        self.store
            .set_strike_enforcement(strike_id, enforced_by, reminder.as_deref())?;
        Ok((
            strike_id,
            StrikeOutcome {
                count,
                step,
                enforced_by,
                reminder,
            },
        ))
    }

    fn warning_text(
        &self,
        c: &Conversation,
        reason: ModerationReason,
        playbooks: Option<&Library>,
    ) -> Option<String> {
        let policy = &self.config.moderation;
        let template = playbooks?
            .get(&policy.warning_playbook)?
            .templates
            .iter()
            .find(|t| t.name == policy.warning_template)?;
        let text = render(
            &template.text,
            &RenderContext::for_conversation(c, self.config),
        );
        Some(super::reply::clean_outgoing(&fill_reason(&text, reason)))
    }
}

/// What the user has to do by hand when the platform offers no API for a step.
fn manual_step(
    platform: Platform,
    step: StrikeStep,
    author: &str,
    policy: &crate::config::ModerationConfig,
) -> String {
    let who = crate::sanitize::sanitize_line(author);
    match step {
        StrikeStep::Warning => format!("{platform} cannot reply here: warn {who} by hand"),
        StrikeStep::Suspension => format!(
            "{platform} offers no API to suspend: restrict {who} for {} days by hand",
            policy.suspension_days
        ),
        StrikeStep::Ban => format!("{platform} offers no API to ban: block {who} by hand"),
        StrikeStep::None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ModerationConfig;

    #[test]
    fn the_policy_walks_warning_suspension_ban() {
        let policy = ModerationConfig::default();
        assert_eq!(step_for(1, &policy), StrikeStep::Warning);
        assert_eq!(step_for(2, &policy), StrikeStep::Suspension);
        assert_eq!(step_for(3, &policy), StrikeStep::Ban);
        assert_eq!(step_for(9, &policy), StrikeStep::Ban);
        let lenient = ModerationConfig {
            warning_at: 2,
            suspension_at: 0,
            ban_at: 5,
            ..ModerationConfig::default()
        };
        assert_eq!(step_for(1, &lenient), StrikeStep::None);
        assert_eq!(step_for(3, &lenient), StrikeStep::Warning);
        assert_eq!(step_for(5, &lenient), StrikeStep::Ban);
    }

    #[test]
    fn platforms_say_what_they_can_do() {
        assert_eq!(
            platform_action(Platform::Mastodon, StrikeStep::Suspension),
            Some(OutboxAction::Mute)
        );
        assert_eq!(
            platform_action(Platform::Facebook, StrikeStep::Ban),
            Some(OutboxAction::Ban)
        );
        assert_eq!(platform_action(Platform::Instagram, StrikeStep::Ban), None);
        assert_eq!(
            platform_action(Platform::Facebook, StrikeStep::Suspension),
            None
        );
    }

    #[test]
    fn warnings_name_the_reason_in_place_of_the_blank() {
        assert_eq!(
            fill_reason("no [[what they did]] here", ModerationReason::Spam),
            "no spam here"
        );
        assert_eq!(
            fill_reason("no [insults / spam] here", ModerationReason::Hate),
            "no hateful language here"
        );
        assert_eq!(
            fill_reason("unclosed [x", ModerationReason::Spam),
            "unclosed [x"
        );
    }
}
