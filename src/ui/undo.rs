//! The undo history of the session: the core's [`Undo`] tokens, newest last.
//! An undoable action's notice names the key ("marked done · U undo"); the key
//! hands the newest token back to the core (`inbox::Inbox::undo`).

use super::action::{Command, Effect};
use super::state::State;
use crate::inbox::Undo;

/// How many actions back the undo key reaches.
pub const UNDO_DEPTH: usize = 20;

/// Undo tokens, newest last, with what each took back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UndoStack {
    entries: Vec<(String, Undo)>,
}

impl UndoStack {
    pub fn push(&mut self, what: String, undo: Undo) {
        if undo.is_empty() {
            return;
        }
        self.entries.push((what, undo));
        if self.entries.len() > UNDO_DEPTH {
            self.entries.remove(0);
        }
    }

    pub fn pop(&mut self) -> Option<(String, Undo)> {
        self.entries.pop()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// " · U undo", for the notice after an undoable action.
pub fn hint(state: &State) -> String {
    state
        .keymap
        .first_key(Command::Undo)
        .map(|k| format!(" · {k} undo"))
        .unwrap_or_default()
}

/// An undoable action went through: say so, with the undo key, and keep its token.
pub fn record(state: &mut State, message: String, undo: Undo) {
    let text = if undo.is_empty() {
        message.clone()
    } else {
        format!("{message}{}", hint(state))
    };
    state.undo.push(message, undo);
    state.notice(text, false);
}

/// The undo key: hand the newest token to the core.
pub fn undo_last(state: &mut State) -> Vec<Effect> {
    match state.undo.pop() {
        Some((what, undo)) => {
            state.notice(format!("undoing: {what}…"), false);
            vec![Effect::Undo { what, undo }]
        }
        None => {
            state.notice("nothing to undo".into(), true);
            Vec::new()
        }
    }
}
