//! `update`: the one place UI state changes. Pure: actions in, state and effects out.

use super::action::{Action, Command, Effect};
use super::input;
use super::popups;
use super::state::{
    Focus, GuardStop, NOTICE_SECS, Notice, Overlay, QUEUE_PAGE, QUEUE_PREFETCH, Search, State,
    new_composer,
};
use crate::inbox::{ModerateDecision, Moderation, ReplyDecision, When};
use crate::model::Family;
use crate::store::QueueKey;

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
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
            // The accounts overlay shows live countdowns and states.
            if matches!(state.overlay, Some(Overlay::Accounts { .. })) {
                vec![Effect::LoadAccounts]
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
        } => {
            state.open_strikes = strikes;
            if let Some(c) = &conversation {
                switch_draft(state, c.id);
                if state.open.as_ref().map(|o| o.id) != Some(c.id) {
                    state.thread_scroll = 0;
                }
            }
            state.open = conversation.map(|c| *c);
            state.messages = messages;
            Vec::new()
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
            decision,
        } => on_reply_decided(state, conversation_id, text, when, decision),
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
                notice(state, text, false);
                let mut fx = vec![Effect::LoadOutbox];
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
            notice(
                state,
                format!("outbox #{outbox_id} cancelled; the reply is back as a draft"),
                false,
            );
            let mut fx = reload(state);
            fx.push(Effect::LoadOutbox);
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx
        }
        Action::Applied { message } => {
            notice(state, message, false);
            let mut fx = reload(state);
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx
        }
        Action::EditorDone(result) => {
            match result {
                Ok(text) => {
                    let clean = super::text::clean(&text).into_owned();
                    let lines = clean
                        .trim_end_matches('\n')
                        .lines()
                        .map(String::from)
                        .collect();
                    state.composer = new_composer(lines);
                    state
                        .composer
                        .move_cursor(ratatui_textarea::CursorMove::Bottom);
                    state
                        .composer
                        .move_cursor(ratatui_textarea::CursorMove::End);
                    state.focus = Focus::Composer;
                    notice(state, "draft updated from editor".into(), false);
                }
                Err(e) => notice(state, format!("editor: {e}"), true),
            }
            Vec::new()
        }
        Action::Error(message) => {
            state.queue_paging = false;
            notice(state, message, true);
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
            notice(state, message, false);
            vec![Effect::LoadOutbox]
        }
    }
}

/// Everything the first screen needs: the queue, counts, filter values, accounts, outbox.
pub fn startup(state: &mut State) -> Vec<Effect> {
    let mut fx = reload(state);
    fx.extend([Effect::LoadFacets, Effect::LoadAccounts, Effect::LoadOutbox]);
    fx
}

pub fn notice(state: &mut State, text: String, error: bool) {
    state.notice = Some(Notice {
        text,
        error,
        at: state.now,
    });
}

/// Re-read the queue from the top (keeping the window as deep as it is) and the counts.
pub fn reload(state: &mut State) -> Vec<Effect> {
    state.queue_paging = false;
    let mut fx = vec![
        Effect::LoadQueue {
            filter: state.filter.clone(),
            after: None,
            limit: state.queue.len().max(QUEUE_PAGE),
            append: false,
        },
        Effect::LoadCounts(state.filter.clone()),
    ];
    if let Some(search) = &state.search {
        fx.push(Effect::Search(search.query.clone()));
    }
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
    state.queue = rows;
    if let Some(i) = keep.and_then(|id| state.queue.iter().position(|c| c.id == id)) {
        state.selected = i;
    } else {
        state.selected = state.selected.min(state.queue.len().saturating_sub(1));
    }
    follow_cursor(state)
}

/// After the cursor moved: load the conversation under it, page further if near the end.
pub fn follow_cursor(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Some(c) = state.selected_conversation()
        && state.open.as_ref().map(|o| o.id) != Some(c.id)
    {
        fx.push(Effect::LoadConversation(c.id));
    }
    if state.search.is_none()
        && state.queue_more
        && !state.queue_paging
        && state.selected + QUEUE_PREFETCH >= state.queue.len()
        && let Some(last) = state.queue.last()
    {
        state.queue_paging = true;
        fx.push(Effect::LoadQueue {
            filter: state.filter.clone(),
            after: Some(QueueKey::of(last)),
            limit: QUEUE_PAGE,
            append: true,
        });
    }
    fx
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

fn move_cursor(state: &mut State, to: impl FnOnce(usize, usize) -> usize) -> Vec<Effect> {
    let len = state.rows().len();
    if len == 0 {
        return Vec::new();
    }
    let current = state.cursor();
    let next = to(current, len).min(len - 1);
    match &mut state.search {
        Some(s) => s.selected = next,
        None => state.selected = next,
    }
    follow_cursor(state)
}

fn scroll_thread(state: &mut State, to: impl FnOnce(usize, usize) -> usize) {
    let max = state.thread_max_scroll;
    state.thread_scroll = to(state.thread_scroll, max).min(max);
}

pub fn require_open(state: &mut State) -> Option<i64> {
    let id = state.open.as_ref().map(|c| c.id);
    if id.is_none() {
        notice(state, "no conversation open".into(), true);
    }
    id
}

fn filter_changed(state: &mut State) -> Vec<Effect> {
    state.search = None;
    state.selected = 0;
    state.queue.clear();
    reload(state)
}

/// Next value in `values` after `current`; past the last one comes `None` (no filter).
fn cycle<T: Clone + PartialEq>(
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

pub fn command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let page = state.page.max(1);
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
            if next == Focus::Composer && require_open(state).is_none() {
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
            let fx = follow_cursor(state);
            if state.selected_conversation().is_some() {
                state.focus = Focus::Thread;
            } else {
                notice(state, "nothing selected".into(), true);
            }
            fx
        }
        Command::Reply => {
            if require_open(state).is_some() {
                state.focus = Focus::Composer;
            }
            Vec::new()
        }
        Command::Playbooks => {
            if require_open(state).is_some() {
                let mut picker = super::state::Picker::default();
                input::refilter(state, &mut picker);
                state.overlay = Some(Overlay::Picker(picker));
            }
            Vec::new()
        }
        Command::Send | Command::SendAnyway => {
            let Some(id) = require_open(state) else {
                return Vec::new();
            };
            let text = state.draft_text();
            if text.trim().is_empty() {
                notice(state, "the draft is empty".into(), true);
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
            vec![Effect::SendReply {
                conversation_id: id,
                text,
                when,
                force,
            }]
        }
        Command::SendLater => popups::schedule::open(state),
        Command::NextBlank | Command::PrevBlank => {
            input::jump_to_blank(state, cmd == Command::NextBlank);
            Vec::new()
        }
        Command::Editor => match require_open(state) {
            Some(_) => vec![Effect::OpenEditor(state.draft_text())],
            None => Vec::new(),
        },
        Command::Cancel => {
            if state.overlay.take().is_some() {
            } else if state.search.is_some() {
                state.search = None;
                return follow_cursor(state);
            } else if state.focus != Focus::Queue {
                state.focus = Focus::Queue;
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
            state.filter.brand = cycle(state.facets.brands.iter().cloned(), &state.filter.brand);
            filter_changed(state)
        }
        Command::Location => {
            state.filter.location = cycle(
                state.facets.locations.iter().cloned(),
                &state.filter.location,
            );
            filter_changed(state)
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
            if require_open(state).is_some() {
                state.overlay = Some(Overlay::Retier);
            }
            Vec::new()
        }
        Command::ClearOverride => match require_open(state) {
            Some(id) => vec![Effect::SetTier {
                conversation_id: id,
                tier: None,
            }],
            None => Vec::new(),
        },
        Command::Done => match require_open(state) {
            Some(id) => vec![Effect::MarkDone(id)],
            None => Vec::new(),
        },
        Command::Snooze => {
            if require_open(state).is_some() {
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
            let mut fx = reload(state);
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx.extend([Effect::LoadFacets, Effect::LoadAccounts, Effect::LoadOutbox]);
            fx
        }
        Command::Accounts => popups::accounts::toggle(state),
        Command::Outbox => popups::outbox::open_outbox(state),
        Command::Hide => popups::outbox::moderate(state, Moderation::Hide),
        Command::Unhide => popups::outbox::moderate(state, Moderation::Unhide),
        Command::Delete => popups::outbox::moderate(state, Moderation::Delete),
    }
}

/// The core queued the reply, or its guards stopped it.
fn on_reply_decided(
    state: &mut State,
    conversation_id: i64,
    text: String,
    when: When,
    decision: ReplyDecision,
) -> Vec<Effect> {
    let outcome = match decision {
        ReplyDecision::Blocked(warnings) => {
            let n = warnings.len();
            state.guard = Some(GuardStop {
                conversation_id,
                text,
                when,
                warnings,
            });
            state.focus = Focus::Composer;
            let key = state
                .keymap
                .first_key_while_typing(Command::SendAnyway)
                .unwrap_or_else(|| "send-anyway".into());
            notice(
                state,
                format!(
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
    state.focus = Focus::Queue;
    let id = outcome.outbox_id;
    let text = match outcome.send_after {
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
    notice(state, text, false);
    let mut fx = reload(state);
    fx.push(Effect::LoadConversation(conversation_id));
    fx.push(Effect::LoadOutbox);
    fx
}
