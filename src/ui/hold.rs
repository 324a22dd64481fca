//! Re-tiering keeps the selection on the item until the user moves on, even
//! when its new tier is outside the current filter: the queue re-reads without
//! it, so its row is put back where it was, marked "out of view",
//! until the cursor moves (then it goes, and the cursor lands where it would
//! have without it).

use super::action::Effect;
use super::state::State;
use crate::model::Conversation;

/// A re-tiered conversation the selection stays on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub id: i64,
    /// The re-read queue no longer has it: its row is shown only for the hold.
    pub outside: bool,
}

/// A re-tier of `id` was asked for: keep the selection on it if it is the
/// selected queue row.
pub fn hold(state: &mut State, id: i64) {
    if state.search.is_none() && state.queue.get(state.selected).map(|c| c.id) == Some(id) {
        state.held = Some(Held { id, outside: false });
    }
}

/// After the queue was re-read into `state.queue` (`old` is what it held): put
/// the held row back at the cursor if the new rows lack it. True when it did.
pub fn reinsert(state: &mut State, old: &[Conversation]) -> bool {
    let Some(held) = state.held else {
        return false;
    };
    if state.queue.iter().any(|c| c.id == held.id) {
        // Still in view: the cursor follows it by id; nothing to hold.
        state.held = None;
        return false;
    }
    let Some(row) = old.iter().find(|c| c.id == held.id) else {
        state.held = None;
        return false;
    };
    let at = state.selected.min(state.queue.len());
    state.queue.insert(at, row.clone());
    state.selected = at;
    state.held = Some(Held {
        outside: true,
        ..held
    });
    true
}

/// The conversation was re-read: the held row shows its new tier.
pub fn refresh_row(state: &mut State, fresh: &Conversation) {
    if state.held.is_some_and(|h| h.outside && h.id == fresh.id)
        && let Some(row) = state.queue.iter_mut().find(|c| c.id == fresh.id)
    {
        *row = fresh.clone();
    }
}

/// The cursor moves on: the held row leaves the queue. Returns the index it had,
/// for the move to adjust by.
pub fn release(state: &mut State) -> Option<usize> {
    let held = state.held.take()?;
    if !held.outside {
        return None;
    }
    let at = state.queue.iter().position(|c| c.id == held.id)?;
    state.queue.remove(at);
    Some(at)
}

/// Whether `c` is shown only because the selection is held on it.
pub fn is_held_outside(state: &State, c: &Conversation) -> bool {
    state.held.is_some_and(|h| h.outside && h.id == c.id)
}

/// Done, snoozed or answered: the user is finished with it, so the next re-read
/// lets it go like any other row.
pub fn after(state: &mut State, effects: &[Effect]) {
    let Some(held) = state.held else {
        return;
    };
    let finished = effects.iter().any(|fx| match fx {
        Effect::MarkDone(id) => *id == held.id,
        Effect::Snooze {
            conversation_id, ..
        } => *conversation_id == held.id,
        Effect::SendReply {
            conversation_id,
            acknowledgment,
            ..
        } => *conversation_id == held.id && !acknowledgment,
        _ => false,
    });
    if finished {
        state.held = None;
    }
}
