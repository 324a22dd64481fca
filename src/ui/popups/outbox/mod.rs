//! The outbox popup (scheduled replies to cancel, failed or interrupted items to
//! resend or dismiss), the moderation flow that starts from a key (reason, then
//! the core's verdict), and the y/n confirmation both use. Drawing is in `view`.

pub mod model;
pub mod view;

pub use model::{Confirm, Pending, REASONS, ReasonPrompt};

use crate::inbox::{ModerateRequest, Moderation, Warning};
use crate::model::{Direction, Kind, Message, ReplyWindow, reply_window};
use crate::ui::action::{Command, Effect};
use crate::ui::data::OutboxSummary;
use crate::ui::state::{Overlay, State};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

/// How many items of each list the popup shows (the counts are exact).
pub const ATTENTION_LIMIT: usize = 100;

/// The newest inbound message of conversation `id` among the loaded ones.
pub fn newest_inbound(messages: &[Message], id: i64) -> Option<&Message> {
    messages
        .iter()
        .filter(|m| m.conversation_id == id && m.direction == Direction::Inbound)
        .max_by_key(|m| (m.sent_at, m.id))
}

/// When the open conversation's messaging window closed (`None`: open or no window).
/// The rule itself is `model::reply_window`, the one the core and connectors use.
pub fn window_closed_since(state: &State) -> Option<DateTime<Utc>> {
    let c = state.open.as_ref()?;
    let last = newest_inbound(&state.messages, c.id).map(|m| m.sent_at);
    match reply_window(c.platform, c.kind, last, state.now) {
        ReplyWindow::Closed { since } => Some(since.unwrap_or(state.now)),
        _ => None,
    }
}

/// Hide, unhide or delete the newest inbound message of the open conversation.
/// Hiding and deleting first ask why (each reason is a strike against the author).
pub fn moderate(state: &mut State, action: Moderation) -> Vec<Effect> {
    let Some(id) = state.require_open() else {
        return Vec::new();
    };
    let Some(conv) = state.open.as_ref() else {
        return Vec::new();
    };
    if !matches!(conv.kind, Kind::Comment | Kind::Mention) {
        let what = conv.kind.as_str();
        state.notice(
            format!(
                "{} works on comments and mentions, not on a {what}",
                action.as_str()
            ),
            true,
        );
        return Vec::new();
    }
    let author = conv.author.clone();
    let Some(target) = newest_inbound(&state.messages, id) else {
        state.notice(
            format!("no message from the customer to {}", action.as_str()),
            true,
        );
        return Vec::new();
    };
    let request = ModerateRequest {
        conversation_id: id,
        action,
        reason: None,
        target_id: Some(target.platform_id.clone()),
        force: false,
    };
    if !action.is_strike() {
        return vec![Effect::Moderate(request)];
    }
    state.overlay = Some(Overlay::Reason(ReasonPrompt {
        request,
        author,
        preview: target.body.clone(),
        bulk: Vec::new(),
    }));
    Vec::new()
}

/// Hide every selected conversation: ask why once (each is a strike); the
/// core checks each on its own (a complaint or a DM is refused, the rest go).
pub fn ask_bulk_reason(state: &mut State, ids: Vec<i64>) {
    let Some(&first) = ids.first() else {
        return;
    };
    state.overlay = Some(Overlay::Reason(ReasonPrompt {
        request: ModerateRequest {
            conversation_id: first,
            action: Moderation::Hide,
            reason: None,
            target_id: None,
            force: false,
        },
        author: format!("Hide the newest comment of {} selected", ids.len()),
        preview: "complaints, DMs and reviews are refused and left alone".into(),
        bulk: ids,
    }));
}

/// Keys in the reason chooser: a reason's letter (or 1-5) picks it, esc cancels.
pub fn on_reason_key(state: &mut State, mut prompt: ReasonPrompt, ev: KeyEvent) -> Vec<Effect> {
    let picked = match ev.code {
        KeyCode::Esc => {
            state.notice(
                format!("{} cancelled", prompt.request.action.as_str()),
                false,
            );
            return Vec::new();
        }
        KeyCode::Char(c @ '1'..='5') => c
            .to_digit(10)
            .and_then(|n| REASONS.get(n as usize - 1))
            .map(|(_, r)| *r),
        KeyCode::Char(c) => REASONS
            .iter()
            .find(|(k, _)| *k == c.to_ascii_lowercase())
            .map(|(_, r)| *r),
        _ => None,
    };
    let Some(reason) = picked else {
        state.overlay = Some(Overlay::Reason(prompt));
        return Vec::new();
    };
    prompt.request.reason = Some(reason);
    if !prompt.bulk.is_empty() {
        crate::ui::selection::clear(state);
        return vec![Effect::Bulk {
            ids: prompt.bulk,
            action: crate::inbox::BulkAction::Hide(reason),
        }];
    }
    if prompt.request.action == Moderation::Delete {
        // Deleting cannot be undone: always ask, whatever the guards say.
        state.overlay = Some(Overlay::Confirm(Confirm {
            question: format!("Delete {}'s message ({reason})?", prompt.author),
            preview: Some(prompt.preview),
            warnings: vec!["deleting cannot be undone.".into()],
            pending: Pending::Moderate(prompt.request),
        }));
        return Vec::new();
    }
    vec![Effect::Moderate(prompt.request)]
}

/// The core stopped a moderation: show why and let the user go ahead on purpose.
pub fn on_moderation_blocked(
    state: &mut State,
    mut request: ModerateRequest,
    warnings: &[Warning],
) {
    let preview = state
        .open
        .as_ref()
        .filter(|c| c.id == request.conversation_id)
        .and_then(|c| newest_inbound(&state.messages, c.id))
        .map(|m| m.body.clone());
    request.force = true;
    let verb = request.action.as_str();
    state.overlay = Some(Overlay::Confirm(Confirm {
        question: format!("{verb} it anyway?"),
        preview,
        warnings: warnings.iter().map(|w| w.message.clone()).collect(),
        pending: Pending::Moderate(request),
    }));
}

/// Open the outbox popup (and refresh what it lists).
pub fn open_outbox(state: &mut State) -> Vec<Effect> {
    state.overlay = match state.overlay {
        Some(Overlay::Outbox { .. }) => None,
        _ => Some(Overlay::Outbox { selected: 0 }),
    };
    vec![Effect::LoadOutbox]
}

/// Keys in the outbox popup: move, `c` cancel a scheduled reply, `r`/enter resend,
/// `d` dismiss, esc/q/o close.
pub fn on_outbox_key(
    state: &mut State,
    selected: usize,
    ev: KeyEvent,
    cmd: Option<Command>,
) -> Vec<Effect> {
    let last = state.outbox.entries.len().saturating_sub(1);
    let keep = |state: &mut State, selected: usize| {
        state.overlay = Some(Overlay::Outbox {
            selected: selected.min(last),
        });
    };
    let entry = state.outbox.entries.get(selected).cloned();
    match (ev.code, cmd) {
        (KeyCode::Esc | KeyCode::Char('q' | 'o'), _) => Vec::new(),
        (KeyCode::Char('c'), _) => {
            keep(state, selected);
            match entry {
                Some(e) if e.is_scheduled() => vec![Effect::CancelOutbox(e.item.id)],
                Some(_) => {
                    state.notice("only a scheduled item can be cancelled".into(), true);
                    Vec::new()
                }
                None => Vec::new(),
            }
        }
        (KeyCode::Char('r') | KeyCode::Enter, _) => {
            keep(state, selected);
            let Some(entry) = entry.filter(|e| e.item.state.needs_decision()) else {
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
            match entry.filter(|e| e.item.state.needs_decision()) {
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
        Pending::Moderate(request) => {
            if yes {
                vec![Effect::Moderate(request)]
            } else {
                state.notice(format!("{} cancelled", request.action.as_str()), false);
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

/// New outbox facts from the store: keep the popup's cursor in range.
pub fn on_outbox_loaded(state: &mut State, summary: OutboxSummary) {
    let last = summary.entries.len().saturating_sub(1);
    state.outbox = summary;
    if let Some(Overlay::Outbox { selected }) = &mut state.overlay {
        *selected = (*selected).min(last);
    }
}
