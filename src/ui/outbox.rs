//! The outbox side of the UI: items waiting for a decision (resend or dismiss),
//! moderation queued through the outbox with its guard against hiding complaints,
//! the y/n confirmation both use, and Meta's 24-hour messaging window.

use super::action::{Command, Effect};
use super::state::{Overlay, State};
use super::update::{notice, require_open};
use crate::model::{Direction, Kind, Message, Platform, Tier};
use crate::store::OutboxItem;
use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent};

/// How many needing-a-decision items the overlay lists (the count is exact).
pub const ATTENTION_LIMIT: usize = 100;

/// Hours Meta lets a business answer a DM after the customer's last message.
pub const MESSAGING_WINDOW_HOURS: i64 = 24;

/// The warning the guard shows before hiding or deleting a likely complaint.
pub const COMPLAINT_WARNING: &str = "hiding an unhappy customer backfires; reply instead";

/// A moderation action the keys can queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Hide,
    Unhide,
    Delete,
}

impl Moderation {
    /// The outbox's action name.
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Hide => "hide",
            Moderation::Unhide => "unhide",
            Moderation::Delete => "delete",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Moderation::Hide => "Hide",
            Moderation::Unhide => "Unhide",
            Moderation::Delete => "Delete",
        }
    }
}

/// An outbox item with what the overlay shows about its conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub item: OutboxItem,
    /// The conversation's author (`None` when the conversation is gone).
    pub author: Option<String>,
    pub platform: Option<Platform>,
    pub kind: Option<Kind>,
}

impl OutboxEntry {
    /// The crash left it unclear whether the platform got it.
    pub fn is_unknown(&self) -> bool {
        self.item.state == crate::store::outbox::state::UNKNOWN
    }
}

/// What the status bar and the outbox overlay know about the outbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxSummary {
    /// Items waiting to go out (shown while offline).
    pub queued: i64,
    /// Failed or unknown items: exact count, and the oldest of them listed.
    pub attention_count: i64,
    pub attention: Vec<OutboxEntry>,
}

/// What a "yes" carries out.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Moderate {
        conversation_id: i64,
        target_id: String,
        action: Moderation,
    },
    /// Send again an item that may already have gone out; back to the outbox after.
    ResendUnknown { outbox_id: i64, selected: usize },
}

/// A y/n question in an overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub pending: Pending,
    pub question: String,
    /// The message acted on, for context (cache text: cleaned by the view).
    pub preview: Option<String>,
    pub warnings: Vec<String>,
}

/// Whether a business may still send a message in this thread. Only Facebook and
/// Instagram DMs have a window: 24 hours after the customer's last message. With no
/// inbound message known there is nothing to say it has closed.
pub fn messaging_window_open(
    platform: Platform,
    kind: Kind,
    last_inbound_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let meta_dm = kind == Kind::Dm && matches!(platform, Platform::Facebook | Platform::Instagram);
    match last_inbound_at {
        Some(at) if meta_dm => now - at <= Duration::hours(MESSAGING_WINDOW_HOURS),
        _ => true,
    }
}

/// The newest inbound message of conversation `id` among the loaded ones.
pub fn newest_inbound(messages: &[Message], id: i64) -> Option<&Message> {
    messages
        .iter()
        .filter(|m| m.conversation_id == id && m.direction == Direction::Inbound)
        .max_by_key(|m| (m.sent_at, m.id))
}

/// When the open conversation's messaging window closed (`None`: open or no window).
pub fn window_closed_since(state: &State) -> Option<DateTime<Utc>> {
    let c = state.open.as_ref()?;
    let last = newest_inbound(&state.messages, c.id).map(|m| m.sent_at);
    if messaging_window_open(c.platform, c.kind, last, state.now) {
        return None;
    }
    last.map(|at| at + Duration::hours(MESSAGING_WINDOW_HOURS))
}

/// Hide, unhide or delete the newest inbound message of the open conversation.
/// Deleting always asks; hiding or deleting in a tier-2 (retention) conversation
/// asks with a warning, because that is most likely a genuine complaint.
pub fn moderate(state: &mut State, action: Moderation) -> Vec<Effect> {
    let Some(id) = require_open(state) else {
        return Vec::new();
    };
    let Some(conv) = state.open.as_ref() else {
        return Vec::new();
    };
    if !matches!(conv.kind, Kind::Comment | Kind::Mention) {
        let what = conv.kind.as_str();
        notice(
            state,
            format!(
                "{} works on comments and mentions, not on a {what}",
                action.as_str()
            ),
            true,
        );
        return Vec::new();
    }
    let tier = conv.tier;
    let author = conv.author.clone();
    let Some(target) = newest_inbound(&state.messages, id) else {
        notice(
            state,
            format!("no message from the customer to {}", action.as_str()),
            true,
        );
        return Vec::new();
    };
    let target_id = target.platform_id.clone();
    let preview = Some(target.body.clone());
    let pending = Pending::Moderate {
        conversation_id: id,
        target_id: target_id.clone(),
        action,
    };
    let mut warnings = Vec::new();
    if tier == Tier::Retention && action != Moderation::Unhide {
        warnings.push("tier 2 (retention): this looks like a genuine complaint.".to_string());
        warnings.push(COMPLAINT_WARNING.to_string());
    }
    if action == Moderation::Delete {
        warnings.push("deleting cannot be undone.".to_string());
    }
    if warnings.is_empty() {
        return vec![Effect::Moderate {
            conversation_id: id,
            target_id,
            action,
        }];
    }
    state.overlay = Some(Overlay::Confirm(Confirm {
        pending,
        question: format!("{} {author}'s message?", action.verb()),
        preview,
        warnings,
    }));
    Vec::new()
}

/// Open the outbox overlay (and refresh what it lists).
pub fn open_outbox(state: &mut State) -> Vec<Effect> {
    state.overlay = match state.overlay {
        Some(Overlay::Outbox { .. }) => None,
        _ => Some(Overlay::Outbox { selected: 0 }),
    };
    vec![Effect::LoadOutbox]
}

/// Keys in the outbox overlay: move, `r`/enter resend, `d` dismiss, esc/q/o close.
pub fn on_outbox_key(
    state: &mut State,
    selected: usize,
    ev: KeyEvent,
    cmd: Option<Command>,
) -> Vec<Effect> {
    let last = state.outbox.attention.len().saturating_sub(1);
    let keep = |state: &mut State, selected: usize| {
        state.overlay = Some(Overlay::Outbox {
            selected: selected.min(last),
        });
    };
    match (ev.code, cmd) {
        (KeyCode::Esc | KeyCode::Char('q' | 'o'), _) => Vec::new(),
        (KeyCode::Char('r') | KeyCode::Enter, _) => {
            keep(state, selected);
            let Some(entry) = state.outbox.attention.get(selected) else {
                return Vec::new();
            };
            let id = entry.item.id;
            if entry.is_unknown() {
                let who = entry.author.clone().unwrap_or_else(|| "?".into());
                state.overlay = Some(Overlay::Confirm(Confirm {
                    pending: Pending::ResendUnknown {
                        outbox_id: id,
                        selected,
                    },
                    question: format!("Send outbox #{id} to {who} again?"),
                    preview: Some(entry.item.body.clone()).filter(|b| !b.is_empty()),
                    warnings: vec![
                        "it MAY ALREADY HAVE BEEN SENT: hearth stopped mid-send and the platform cannot tell.".into(),
                        "check the thread on the platform first, or sending again may post it twice.".into(),
                    ],
                }));
                return Vec::new();
            }
            vec![Effect::ResolveOutbox { id, resend: true }]
        }
        (KeyCode::Char('d'), _) => {
            keep(state, selected);
            match state.outbox.attention.get(selected) {
                Some(entry) => vec![Effect::ResolveOutbox {
                    id: entry.item.id,
                    resend: false,
                }],
                None => Vec::new(),
            }
        }
        (_, Some(Command::Down)) => {
            keep(state, selected + 1);
            Vec::new()
        }
        (_, Some(Command::Up)) => {
            keep(state, selected.saturating_sub(1));
            Vec::new()
        }
        (_, Some(Command::Top)) => {
            keep(state, 0);
            Vec::new()
        }
        (_, Some(Command::Bottom)) => {
            keep(state, last);
            Vec::new()
        }
        _ => {
            keep(state, selected);
            Vec::new()
        }
    }
}

/// Keys in a y/n prompt: `y` carries it out, `n` or esc cancels, others wait.
pub fn on_confirm_key(state: &mut State, confirm: Confirm, ev: KeyEvent) -> Vec<Effect> {
    let yes = match ev.code {
        KeyCode::Char('y' | 'Y') => true,
        KeyCode::Char('n' | 'N') | KeyCode::Esc => false,
        _ => {
            state.overlay = Some(Overlay::Confirm(confirm));
            return Vec::new();
        }
    };
    match confirm.pending {
        Pending::Moderate {
            conversation_id,
            target_id,
            action,
        } => {
            if yes {
                vec![Effect::Moderate {
                    conversation_id,
                    target_id,
                    action,
                }]
            } else {
                notice(state, format!("{} cancelled", action.as_str()), false);
                Vec::new()
            }
        }
        Pending::ResendUnknown {
            outbox_id,
            selected,
        } => {
            state.overlay = Some(Overlay::Outbox { selected });
            if yes {
                vec![Effect::ResolveOutbox {
                    id: outbox_id,
                    resend: true,
                }]
            } else {
                Vec::new()
            }
        }
    }
}

/// New outbox facts from the store: keep the overlay's cursor in range.
pub fn on_outbox_loaded(state: &mut State, summary: OutboxSummary) {
    let last = summary.attention.len().saturating_sub(1);
    state.outbox = summary;
    if let Some(Overlay::Outbox { selected }) = &mut state.overlay {
        *selected = (*selected).min(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 12, 10, 0, 0)
            .single()
            .expect("valid time")
            + Duration::hours(h)
    }

    #[test]
    fn only_meta_dms_have_a_24_hour_window() {
        let now = at(0);
        let old = Some(at(-25));
        let fresh = Some(at(-23));
        assert!(!messaging_window_open(
            Platform::Facebook,
            Kind::Dm,
            old,
            now
        ));
        assert!(!messaging_window_open(
            Platform::Instagram,
            Kind::Dm,
            old,
            now
        ));
        assert!(messaging_window_open(
            Platform::Instagram,
            Kind::Dm,
            fresh,
            now
        ));
        assert!(messaging_window_open(
            Platform::Facebook,
            Kind::Comment,
            old,
            now
        ));
        assert!(messaging_window_open(
            Platform::Mastodon,
            Kind::Dm,
            old,
            now
        ));
        assert!(messaging_window_open(
            Platform::Facebook,
            Kind::Dm,
            None,
            now
        ));
        // Exactly 24 hours is still inside.
        assert!(messaging_window_open(
            Platform::Facebook,
            Kind::Dm,
            Some(at(-24)),
            now
        ));
    }
}
