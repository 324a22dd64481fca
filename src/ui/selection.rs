//! Selecting several rows, as in a file manager: `space` marks the row under the
//! cursor (and moves on), `v` starts a visual range from the cursor (moving
//! extends it; `v` again keeps it as marks), esc clears. While anything is
//! selected, done, snooze, re-tier, hide and spam act on all of it at once
//! through the core's bulk use case (`inbox::bulk`).

use super::action::{Command, Effect};
use super::state::{Overlay, State};
use crate::inbox::BulkAction;
use ratatui::style::{Modifier, Style};
use std::collections::BTreeSet;

/// Marked rows (by conversation id, so they survive a reload) and the visual
/// range's anchor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub marked: BTreeSet<i64>,
    /// Visual mode: the conversation the range started on.
    pub anchor: Option<i64>,
}

impl Selection {
    pub fn is_visual(&self) -> bool {
        self.anchor.is_some()
    }
}

/// The visual range's ids (anchor to cursor, inclusive), in row order.
fn visual_ids(state: &State) -> Vec<i64> {
    let Some(anchor) = state.selection.anchor else {
        return Vec::new();
    };
    let rows = state.rows();
    let cursor = state.cursor().min(rows.len().saturating_sub(1));
    // A vanished anchor (the row left the queue) starts the range at the cursor.
    let from = rows.iter().position(|c| c.id == anchor).unwrap_or(cursor);
    let (lo, hi) = if from <= cursor {
        (from, cursor)
    } else {
        (cursor, from)
    };
    rows.get(lo..=hi)
        .map(|r| r.iter().map(|c| c.id).collect())
        .unwrap_or_default()
}

/// Every selected conversation: the marks and the visual range, in row order
/// (marks no longer shown last). Empty when nothing is selected.
pub fn targets(state: &State) -> Vec<i64> {
    if state.selection.marked.is_empty() && !state.selection.is_visual() {
        return Vec::new();
    }
    let visual: BTreeSet<i64> = visual_ids(state).into_iter().collect();
    let mut all: Vec<i64> = Vec::new();
    for c in state.rows() {
        if state.selection.marked.contains(&c.id) || visual.contains(&c.id) {
            all.push(c.id);
        }
    }
    for id in &state.selection.marked {
        if !all.contains(id) {
            all.push(*id);
        }
    }
    all
}

/// Whether row `id` is selected (drawn marked).
pub fn is_selected(state: &State, id: i64) -> bool {
    state.selection.marked.contains(&id) || visual_ids(state).contains(&id)
}

pub fn clear(state: &mut State) {
    state.selection = Selection::default();
}

/// `v`: start a visual range at the cursor, or end it keeping the range marked.
pub fn toggle_visual(state: &mut State) -> Vec<Effect> {
    if state.selection.is_visual() {
        let range = visual_ids(state);
        state.selection.marked.extend(range);
        state.selection.anchor = None;
    } else if let Some(c) = state.selected_conversation() {
        state.selection.anchor = Some(c.id);
    } else {
        state.notice("nothing to select".into(), true);
    }
    Vec::new()
}

/// `space`: mark or unmark the row under the cursor, then move down.
pub fn toggle_mark(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_conversation().map(|c| c.id) else {
        state.notice("nothing to select".into(), true);
        return Vec::new();
    };
    if !state.selection.marked.remove(&id) {
        state.selection.marked.insert(id);
    }
    // Down the queue (or the results), whichever pane has the focus.
    let next = (state.cursor() + 1).min(state.rows().len().saturating_sub(1));
    match &mut state.search {
        Some(s) => s.selected = next,
        None => state.selected = next,
    }
    state.follow_cursor()
}

/// A command while rows are selected: the bulk form, or `None` when nothing is
/// selected (the command acts on the open conversation as usual).
pub fn bulk_command(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    let bulk = matches!(
        cmd,
        Command::Done
            | Command::Spam
            | Command::Retier
            | Command::ClearOverride
            | Command::Snooze
            | Command::Hide
            | Command::Unhide
            | Command::Delete
    );
    if !bulk || (state.selection.marked.is_empty() && !state.selection.is_visual()) {
        return None;
    }
    let ids = targets(state);
    if ids.is_empty() {
        return None;
    }
    Some(match cmd {
        Command::Done => run(state, BulkAction::Done),
        Command::Spam => run(state, BulkAction::Spam),
        Command::Retier => {
            state.overlay = Some(Overlay::Retier);
            Vec::new()
        }
        Command::ClearOverride => run(state, BulkAction::Retier(None)),
        Command::Snooze => {
            state.overlay = Some(Overlay::Snooze { selected: 0 });
            Vec::new()
        }
        Command::Hide => {
            super::popups::outbox::ask_bulk_reason(state, ids);
            Vec::new()
        }
        Command::Unhide | Command::Delete => {
            state.notice(
                format!(
                    "{} works on one conversation at a time; esc clears the selection",
                    cmd.name()
                ),
                true,
            );
            Vec::new()
        }
        _ => return None,
    })
}

/// Carry out `action` on the selection (clearing it), or on the open
/// conversation when nothing is selected.
pub fn run(state: &mut State, action: BulkAction) -> Vec<Effect> {
    let mut ids = targets(state);
    if ids.is_empty() {
        match state.require_open() {
            Some(id) => ids.push(id),
            None => return Vec::new(),
        }
    } else {
        clear(state);
    }
    vec![Effect::Bulk { ids, action }]
}

/// The first cell of a queue row: `▌` the cursor, `✓` a selected row (`▶` the
/// cursor on a selected row), so both read without colour.
pub fn row_mark(state: &State, id: i64, cursor: bool) -> (&'static str, Style) {
    let accent = Style::default().fg(state.theme.accent);
    match (cursor, is_selected(state, id)) {
        (true, true) => ("▶", accent.add_modifier(Modifier::BOLD)),
        (false, true) => ("✓", accent.add_modifier(Modifier::BOLD)),
        (true, false) => ("▌", accent),
        (false, false) => (" ", accent),
    }
}

/// The bottom line while rows are selected: how many, and what acts on them.
pub fn hint_line(state: &State) -> Option<String> {
    let n = targets(state).len();
    if n == 0 && !state.selection.is_visual() {
        return None;
    }
    let mode = if state.selection.is_visual() {
        "-- VISUAL -- "
    } else {
        ""
    };
    let keys: Vec<String> = [
        (Command::Done, "done"),
        (Command::Hide, "hide"),
        (Command::Retier, "tier"),
        (Command::Snooze, "snooze"),
        (Command::Spam, "spam"),
        (Command::Cancel, "clear"),
        (Command::Mark, "mark"),
    ]
    .into_iter()
    .filter_map(|(cmd, what)| Some(format!("{} {what}", state.keymap.first_key(cmd)?)))
    .collect();
    Some(format!("{mode}{n} selected: {}", keys.join("  ")))
}
