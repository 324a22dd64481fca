//! What each bindable command does to the UI state (and which effects it asks for).
//! Keys reach here through `input`; the reducer (`update`) calls it for
//! `Action::Command`.

use super::action::{Command, Effect};
use super::composer;
use super::popups;
use super::selection;
use super::state::{Focus, Overlay, Search, State};
use crate::inbox::{BulkAction, Moderation, When};
use crate::model::Family;

fn move_cursor(state: &mut State, to: impl FnOnce(usize, usize) -> usize) -> Vec<Effect> {
    let len = state.rows().len();
    if len == 0 {
        return Vec::new();
    }
    let current = state.cursor();
    let mut next = to(current, len).min(len - 1);
    // Moving on lets go of a re-tiered row kept in view only for the selection.
    if state.search.is_none()
        && let Some(gone) = super::hold::release(state)
    {
        if next > gone {
            next -= 1;
        }
        next = next.min(state.queue.len().saturating_sub(1));
    }
    match &mut state.search {
        Some(s) => s.selected = next,
        None => state.selected = next,
    }
    state.follow_cursor()
}

fn scroll_thread(state: &mut State, to: impl FnOnce(usize, usize) -> usize) {
    let max = state.thread_max_scroll;
    state.thread_scroll = to(state.thread_scroll, max).min(max);
}

fn filter_changed(state: &mut State) -> Vec<Effect> {
    // Rows out of sight are never acted on by surprise.
    selection::clear(state);
    state.search = None;
    state.held = None;
    state.selected = 0;
    state.queue.clear();
    state.reload()
}

/// Next value in `values` after `current`; past the last one comes `None` (no filter).
pub fn cycle<T: Clone + PartialEq>(
    values: impl IntoIterator<Item = T>,
    current: &Option<T>,
) -> Option<T> {
    let values: Vec<T> = values.into_iter().collect();
    match current {
        None => values.first().cloned(),
        Some(cur) => {
            let i = values.iter().position(|v| v == cur)?;
            values.get(i + 1).cloned()
        }
    }
}

/// Carry out one command.
pub fn command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let page = state.page.max(1);
    // With rows selected, the workflow keys act on all of them.
    if let Some(fx) = selection::bulk_command(state, cmd) {
        return fx;
    }
    match cmd {
        Command::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Command::Down
        | Command::Up
        | Command::Top
        | Command::Bottom
        | Command::PageDown
        | Command::PageUp => {
            if state.focus == Focus::Thread {
                // Thread scroll counts lines up from the newest message.
                scroll_thread(state, |s, max| match cmd {
                    Command::Down => s.saturating_sub(1),
                    Command::Up => s + 1,
                    Command::PageDown => s.saturating_sub(page),
                    Command::PageUp => s + page,
                    Command::Top => max,
                    _ => 0,
                });
                Vec::new()
            } else {
                move_cursor(state, |c, len| match cmd {
                    Command::Down => c + 1,
                    Command::Up => c.saturating_sub(1),
                    Command::PageDown => c + page,
                    Command::PageUp => c.saturating_sub(page),
                    Command::Top => 0,
                    _ => len - 1,
                })
            }
        }
        Command::FocusNext | Command::FocusPrev => {
            let order = [Focus::Queue, Focus::Thread, Focus::Composer];
            let i = order.iter().position(|f| *f == state.focus).unwrap_or(0);
            let step = if cmd == Command::FocusNext { 1 } else { 2 };
            let next = order[(i + step) % 3];
            if next == Focus::Composer && state.require_open().is_none() {
                state.focus = Focus::Queue;
            } else {
                state.focus = next;
            }
            Vec::new()
        }
        Command::Open => {
            if let Some(search) = &mut state.search {
                search.editing = false;
            }
            let fx = state.follow_cursor();
            if state.selected_conversation().is_some() {
                state.focus = Focus::Thread;
            } else {
                state.notice("nothing selected".into(), true);
            }
            fx
        }
        Command::Reply => {
            if state.require_open().is_some() {
                state.focus = Focus::Composer;
            }
            Vec::new()
        }
        Command::Playbooks => {
            if state.require_open().is_some() {
                let mut picker = popups::picker::Picker::default();
                popups::picker::refilter(state, &mut picker);
                state.overlay = Some(Overlay::Picker(picker));
            }
            Vec::new()
        }
        Command::Send | Command::SendAnyway | Command::SendAck => {
            let Some(id) = state.require_open() else {
                return Vec::new();
            };
            let text = state.draft_text();
            if text.trim().is_empty() {
                state.notice("the draft is empty".into(), true);
                return Vec::new();
            }
            // "Anyway" applies only to the warnings already shown for this very draft.
            let seen = state
                .guard
                .as_ref()
                .filter(|g| g.conversation_id == id && g.text == text);
            let (when, force) = match (cmd, seen) {
                (Command::SendAnyway, Some(g)) => (g.when, true),
                (_, Some(g)) => (g.when, false),
                _ => (When::Now, false),
            };
            // A holding reply: asked for by its own key, or the draft came from an
            // acknowledgment playbook, or it was one when the guards stopped it.
            let acknowledgment = cmd == Command::SendAck
                || state.ack_drafts.contains(&id)
                || (cmd == Command::SendAnyway && seen.is_some_and(|g| g.acknowledgment));
            vec![Effect::SendReply {
                conversation_id: id,
                text,
                when,
                force,
                acknowledgment,
            }]
        }
        Command::SendLater => popups::schedule::open(state),
        Command::NextBlank | Command::PrevBlank => {
            composer::jump_to_blank(state, cmd == Command::NextBlank);
            Vec::new()
        }
        Command::ClearDraft => {
            if state.require_open().is_some() {
                super::composer_keys::clear_draft(state);
            }
            Vec::new()
        }
        Command::Editor => match state.require_open() {
            Some(_) => vec![Effect::OpenEditor(state.draft_text())],
            None => Vec::new(),
        },
        Command::Cancel => {
            if state.overlay.take().is_some() {
            } else if state.search.is_some() {
                state.search = None;
                return state.follow_cursor();
            } else if state.focus != Focus::Queue {
                state.focus = Focus::Queue;
            } else if !selection::targets(state).is_empty() || state.selection.is_visual() {
                selection::clear(state);
            } else {
                state.notice = None;
            }
            Vec::new()
        }
        Command::TierFilter(tier) => {
            state.filter.tier = tier;
            filter_changed(state)
        }
        Command::Family => {
            state.filter.family = match state.filter.family {
                None => Some(Family::Community),
                Some(Family::Community) => Some(Family::Reputation),
                Some(Family::Reputation) => None,
            };
            filter_changed(state)
        }
        Command::Platform => {
            state.filter.platform = cycle(
                state.facets.platforms.iter().copied(),
                &state.filter.platform,
            );
            filter_changed(state)
        }
        Command::Brand => {
            super::filters::cycle_brand(state);
            filter_changed(state)
        }
        Command::Location => {
            if super::filters::cycle_location(state) {
                filter_changed(state)
            } else {
                Vec::new()
            }
        }
        Command::ClearFilters => {
            state.filter = Default::default();
            filter_changed(state)
        }
        Command::Search => {
            let search = state.search.get_or_insert_with(Search::default);
            search.editing = true;
            state.focus = Focus::Queue;
            Vec::new()
        }
        Command::Retier => {
            if state.require_open().is_some() {
                state.overlay = Some(Overlay::Retier);
            }
            Vec::new()
        }
        Command::ClearOverride => match state.require_open() {
            Some(id) => {
                super::hold::hold(state, id);
                vec![Effect::SetTier {
                    conversation_id: id,
                    tier: None,
                }]
            }
            None => Vec::new(),
        },
        Command::Done => match state.require_open() {
            Some(id) => vec![Effect::MarkDone(id)],
            None => Vec::new(),
        },
        Command::Snooze => {
            if state.require_open().is_some() {
                state.overlay = Some(Overlay::Snooze { selected: 0 });
            }
            Vec::new()
        }
        Command::Help => {
            state.overlay = match state.overlay {
                Some(Overlay::Help { .. }) => None,
                _ => Some(Overlay::Help { scroll: 0 }),
            };
            Vec::new()
        }
        Command::Refresh => {
            // Re-read everything and repaint the whole terminal, whatever it shows.
            let mut fx = vec![Effect::Repaint];
            fx.extend(state.reload());
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx.extend([Effect::LoadFacets, Effect::LoadAccounts, Effect::LoadOutbox]);
            fx
        }
        Command::Accounts => popups::accounts::toggle(state),
        Command::Outbox => popups::outbox::open_outbox(state),
        Command::People => popups::people::open(state),
        Command::Hide => popups::outbox::moderate(state, Moderation::Hide),
        Command::Unhide => popups::outbox::moderate(state, Moderation::Unhide),
        Command::Delete => popups::outbox::moderate(state, Moderation::Delete),
        Command::Undo => super::undo::undo_last(state),
        Command::Visual => selection::toggle_visual(state),
        Command::Mark => selection::toggle_mark(state),
        Command::Spam => selection::run(state, BulkAction::Spam),
        Command::Lead => popups::lead::toggle(state),
    }
}
