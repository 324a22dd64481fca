//! `update`: the one place UI state changes. Pure: actions in, state and effects out.

use super::action::{Action, Command, Effect};
use super::commands::command;
use super::input;
use super::popups;
use super::state::{Focus, GuardStop, NOTICE_SECS, Overlay, State, new_composer};
use crate::inbox::{ModerateDecision, ReplyDecision, When};

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let fx = reduce(state, action);
    super::hold::after(state, &fx);
    fx
}

fn reduce(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(ev) => input::on_key(state, ev),
        Action::Command(cmd) => command(state, cmd),
        Action::Paste(text) => input::on_paste(state, &text),
        Action::Tick(now) => {
            state.now = now;
            if state
                .notice
                .as_ref()
                .is_some_and(|n| (now - n.at).num_seconds() >= NOTICE_SECS)
            {
                state.notice = None;
            }
            let mut fx = Vec::new();
            // The accounts overlay shows live countdowns and states.
            if matches!(state.overlay, Some(Overlay::Accounts { .. })) {
                fx.push(Effect::LoadAccounts);
            }
            // Each new minute, overdue conversations may climb a tier.
            let minute = now.timestamp().div_euclid(60);
            if minute != state.order_minute {
                state.order_minute = minute;
                fx.push(Effect::RefreshOrder);
            }
            fx
        }
        Action::OrderRefreshed { moved } => {
            if moved > 0 {
                state.reload()
            } else {
                Vec::new()
            }
        }
        Action::Resize { width, height } => {
            // The page size and the thread's scroll limit follow from the drawn
            // layout; the runtime measures them after each draw.
            state.size = (width, height);
            Vec::new()
        }
        Action::Sync(ev) => super::sync_events::on_sync(state, ev),
        Action::QueueLoaded { rows, append, more } => on_queue_loaded(state, rows, append, more),
        Action::Counts(counts) => {
            state.counts = counts;
            Vec::new()
        }
        Action::ConversationLoaded {
            conversation,
            messages,
            strikes,
            message_states,
        } => {
            state.open_strikes = strikes;
            state.message_states = message_states.into_iter().collect();
            if let Some(c) = &conversation {
                super::hold::refresh_row(state, c);
                switch_draft(state, c.id);
                if state.open.as_ref().map(|o| o.id) != Some(c.id) {
                    state.thread_scroll = 0;
                }
            }
            state.open = conversation.map(|c| *c);
            state.messages = messages;
            super::popups::people::on_conversation_loaded(state)
        }
        Action::PersonLoaded(loaded) => super::popups::people::on_loaded(state, loaded),
        Action::LinkChanged {
            conversation_id,
            message,
        } => {
            state.notice(message, false);
            vec![Effect::LoadPerson(conversation_id)]
        }
        Action::SearchResults { query, rows } => {
            if let Some(search) = &mut state.search
                && search.query.trim() == query.trim()
            {
                state.facets.learn(&rows);
                search.rows = rows;
                search.results_for = query;
                search.selected = search.selected.min(search.rows.len().saturating_sub(1));
            }
            Vec::new()
        }
        Action::ReplyDecided {
            conversation_id,
            text,
            when,
            acknowledgment,
            decision,
        } => on_reply_decided(state, conversation_id, text, when, acknowledgment, decision),
        Action::ModerationDecided { request, decision } => match decision {
            ModerateDecision::Blocked(warnings) => {
                popups::outbox::on_moderation_blocked(state, request, &warnings);
                Vec::new()
            }
            ModerateDecision::Queued(outcome) => {
                let mut text = format!(
                    "{} queued (outbox #{})",
                    request.action.as_str(),
                    outcome.outbox_id
                );
                if let Some(strike) = &outcome.strike {
                    text.push_str("; ");
                    text.push_str(&strike.describe());
                }
                if outcome.left_queue {
                    text.push_str("; out of the queue");
                }
                match outcome.undo {
                    Some(undo) => super::undo::record(state, text, undo),
                    None => state.notice(text, false),
                }
                // A hide takes its conversation out of the queue.
                let mut fx = state.reload();
                fx.push(Effect::LoadOutbox);
                fx.push(Effect::LoadConversation(request.conversation_id));
                fx
            }
        },
        Action::OutboxCancelled {
            outbox_id,
            conversation_id,
            text,
        } => {
            // The withdrawn reply comes back as that conversation's draft.
            if state.draft_for == Some(conversation_id) {
                if state.composer.is_empty() {
                    state.composer = new_composer(text.lines().map(String::from).collect());
                }
            } else {
                state
                    .drafts
                    .entry(conversation_id)
                    .or_insert_with(|| text.lines().map(String::from).collect());
            }
            state.notice(
                format!("outbox #{outbox_id} cancelled; the reply is back as a draft"),
                false,
            );
            let mut fx = state.reload();
            fx.push(Effect::LoadOutbox);
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx
        }
        Action::Applied { message } => {
            state.notice(message, false);
            let mut fx = state.reload();
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx
        }
        Action::EditorDone(result) => {
            match result {
                Ok(text) => {
                    let clean = super::text::clean(&text);
                    state.composer = new_composer(super::composer_keys::draft_from_editor(&clean));
                    state
                        .composer
                        .move_cursor(ratatui_textarea::CursorMove::Bottom);
                    state
                        .composer
                        .move_cursor(ratatui_textarea::CursorMove::End);
                    state.focus = Focus::Composer;
                    state.notice("draft updated from editor".into(), false);
                }
                Err(e) => state.notice(format!("editor: {e}"), true),
            }
            Vec::new()
        }
        Action::Error(message) => {
            state.queue_paging = false;
            state.notice(message, true);
            Vec::new()
        }
        Action::AccountsLoaded(rows) => {
            popups::accounts::on_loaded(state, rows);
            Vec::new()
        }
        Action::OutboxLoaded(summary) => {
            popups::outbox::on_outbox_loaded(state, summary);
            Vec::new()
        }
        Action::FacetsLoaded(facets) => {
            state.facets = facets;
            Vec::new()
        }
        Action::OutboxChanged { message } => {
            state.notice(message, false);
            vec![Effect::LoadOutbox]
        }
        Action::Undoable { message, undo } => {
            super::undo::record(state, message, undo);
            reload_all(state)
        }
        Action::Undone { what, outcome } => {
            state.notice(format!("{what}: {}", outcome.describe()), false);
            reload_all(state)
        }
        Action::LeadLoaded {
            conversation_id,
            view,
            message,
        } => {
            popups::lead::on_loaded(state, conversation_id, view);
            if let Some(message) = message {
                state.notice(message, false);
            }
            Vec::new()
        }
    }
}

/// After a write the queue, the open thread and the outbox may all have changed.
fn reload_all(state: &mut State) -> Vec<Effect> {
    let mut fx = state.reload();
    if let Some(c) = &state.open {
        fx.push(Effect::LoadConversation(c.id));
    }
    fx.push(Effect::LoadOutbox);
    fx
}

/// Everything the first screen needs: the queue, counts, filter values, accounts,
/// outbox; and the queue order brought up to now (in the background).
pub fn startup(state: &mut State) -> Vec<Effect> {
    let mut fx = state.reload();
    fx.extend([
        Effect::LoadFacets,
        Effect::LoadAccounts,
        Effect::LoadOutbox,
        Effect::RefreshOrder,
    ]);
    fx
}

fn on_queue_loaded(
    state: &mut State,
    rows: Vec<crate::model::Conversation>,
    append: bool,
    more: bool,
) -> Vec<Effect> {
    state.facets.learn(&rows);
    state.queue_more = more;
    if append {
        state.queue_paging = false;
        state.queue.extend(rows);
        return Vec::new();
    }
    // Keep the cursor on the same conversation when it is still queued.
    let keep = state.queue.get(state.selected).map(|c| c.id);
    let old = std::mem::replace(&mut state.queue, rows);
    if let Some(i) = keep.and_then(|id| state.queue.iter().position(|c| c.id == id)) {
        state.selected = i;
        state.held = None;
    } else if super::hold::reinsert(state, &old) {
        // Re-tiered out of the filter: kept in view until the cursor moves.
    } else {
        state.selected = state.selected.min(state.queue.len().saturating_sub(1));
    }
    state.follow_cursor()
}

/// The composer follows the open conversation; other drafts are kept aside.
fn switch_draft(state: &mut State, id: i64) {
    if state.draft_for == Some(id) {
        return;
    }
    if let Some(old) = state.draft_for
        && !state.composer.is_empty()
    {
        state.drafts.insert(old, state.composer.lines().to_vec());
    }
    state.composer = new_composer(state.drafts.remove(&id).unwrap_or_default());
    state.draft_for = Some(id);
}

/// The core queued the reply, or its guards stopped it.
fn on_reply_decided(
    state: &mut State,
    conversation_id: i64,
    text: String,
    when: When,
    acknowledgment: bool,
    decision: ReplyDecision,
) -> Vec<Effect> {
    let outcome = match decision {
        ReplyDecision::Blocked(warnings) => {
            let n = warnings.len();
            state.guard = Some(GuardStop {
                conversation_id,
                text,
                when,
                acknowledgment,
                warnings,
            });
            state.focus = Focus::Composer;
            let key = state
                .keymap
                .first_key_while_typing(Command::SendAnyway)
                .unwrap_or_else(|| "send-anyway".into());
            state.notice(format!(
                    "not sent: {n} reply guard(s) warn (see the composer); edit, or {key} to send anyway"
                ),
                true,
            );
            return Vec::new();
        }
        ReplyDecision::Queued(outcome) => outcome,
    };
    state.guard = None;
    if state.draft_for == Some(conversation_id) {
        state.composer = new_composer(Vec::new());
    }
    state.drafts.remove(&conversation_id);
    state.ack_drafts.remove(&conversation_id);
    state.focus = Focus::Queue;
    let id = outcome.outbox_id;
    let text = match outcome.send_after {
        // A holding reply: the acknowledgment is met, the answer is still owed.
        None if outcome.acknowledgment => {
            let still = match outcome.still_due_at {
                Some(due) if due < state.now => format!(
                    "the answer is overdue by {}",
                    super::text::countdown(due, state.now).trim_start_matches('-')
                ),
                Some(due) => format!(
                    "the answer is still due in {}",
                    super::text::countdown(due, state.now)
                ),
                None => "the conversation stays in the queue".to_string(),
            };
            format!("holding reply queued (outbox #{id}): acknowledged; {still}")
        }
        Some(at) => {
            let why = if outcome.held_for_opening {
                " (outside business hours)"
            } else {
                ""
            };
            format!(
                "reply scheduled for {}{why} (outbox #{id}; o to cancel)",
                super::text::local_time(at, state.now, state.offset)
            )
        }
        None if !outcome.overridden.is_empty() => format!(
            "reply queued (outbox #{id}) despite {} guard warning(s), recorded",
            outcome.overridden.len()
        ),
        None => format!("reply queued (outbox #{id})"),
    };
    state.notice(text, false);
    let mut fx = state.reload();
    fx.push(Effect::LoadConversation(conversation_id));
    fx.push(Effect::LoadOutbox);
    fx
}
