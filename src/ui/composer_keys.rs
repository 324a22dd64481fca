//! Editing keys the composer adds to (or corrects in) `ratatui-textarea`'s own,
//! so editing behaves like a text editor a writer trusts:
//!
//! - `Ctrl-K` deletes to the end of the line; on a blank line it deletes that
//!   line, and at the end of a line it does nothing (the textarea would join the
//!   next line onto it);
//! - `Ctrl-Home` / `Ctrl-End` go to the start / end of the draft;
//! - clearing the draft (`Command::ClearDraft`) is one step of the textarea's
//!   undo history, so `Ctrl-U` brings it back.
//!
//! Up and Down move by wrapped row: that is the textarea's own behaviour in a
//! wrap mode (`state::new_composer` sets `WrapMode::WordOrGlyph`), measured at
//! the width it was last drawn.

use super::action::Command;
use super::state::State;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, DataCursor, TextArea};

/// Handle `ev` if it is one of the keys above; false leaves it to the textarea.
pub fn edit(composer: &mut TextArea<'_>, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    if !ctrl || alt {
        return false;
    }
    match ev.code {
        KeyCode::Char('k' | 'K') => {
            kill_line(composer);
            true
        }
        KeyCode::Home => {
            composer.cancel_selection();
            composer.move_cursor(CursorMove::Jump(0, 0));
            true
        }
        KeyCode::End => {
            composer.cancel_selection();
            composer.move_cursor(CursorMove::Bottom);
            composer.move_cursor(CursorMove::End);
            true
        }
        _ => false,
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// `Ctrl-K`: a selection is cut; a blank line (spaces at most) is deleted
/// whole; otherwise the rest of the line goes, and at its end nothing happens.
pub fn kill_line(composer: &mut TextArea<'_>) {
    if composer.is_selecting() {
        composer.cut();
        return;
    }
    let DataCursor(row, col) = composer.cursor();
    let lines = composer.lines();
    let Some(line) = lines.get(row) else {
        return;
    };
    let chars = line.chars().count();
    let blank = line.trim().is_empty();
    let count = lines.len();
    let above = row
        .checked_sub(1)
        .and_then(|r| lines.get(r))
        .map_or(0, |l| l.chars().count());
    if !blank {
        if col < chars {
            composer.delete_line_by_end();
        }
        return;
    }
    if row + 1 < count {
        // The line and its newline; the next line moves up under the cursor.
        composer.move_cursor(CursorMove::Jump(to_u16(row), 0));
        composer.delete_str(chars + 1);
    } else if row > 0 {
        // The last line: the newline before it goes too; the cursor goes up.
        composer.move_cursor(CursorMove::Jump(to_u16(row - 1), to_u16(above)));
        composer.delete_str(chars + 1);
        composer.move_cursor(CursorMove::Head);
    } else if chars > 0 {
        composer.move_cursor(CursorMove::Jump(0, 0));
        composer.delete_str(chars);
    }
}

/// `Command::ClearDraft`: empty the composer as one undoable step.
pub fn clear_draft(state: &mut State) {
    if state.composer.is_empty() {
        state.notice("the draft is already empty".into(), false);
        return;
    }
    state.composer.cancel_selection();
    state.composer.clear();
    state.guard = None;
    if let Some(id) = state.draft_for {
        state.ack_drafts.remove(&id);
    }
    state.notice(
        "draft cleared; ctrl-u (undo) in the composer brings it back".into(),
        false,
    );
}

/// The bottom line while typing in the composer: the keys that work there (a
/// plain letter types itself, so no `p` or `q`). Sending, playbooks and
/// `$EDITOR` are on the composer's own border.
pub fn hints(state: &State) -> Vec<String> {
    let bound = |cmd: Command, what: &str| {
        state
            .keymap
            .first_key_while_typing(cmd)
            .map(|k| format!("{k} {what}"))
    };
    [
        bound(Command::Cancel, "leave"),
        Some("ctrl-u undo".into()),
        Some("ctrl-k delete line".into()),
        bound(Command::ClearDraft, "clear draft"),
        Some("ctrl-home/end start/end".into()),
        bound(Command::SendLater, "later"),
        bound(Command::SendAck, "ack"),
        bound(Command::NextBlank, "next blank"),
        bound(Command::Help, "help"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What the `$EDITOR` file holds: the draft ending in a newline, as text files do.
pub fn editor_file_text(draft: &str) -> String {
    if draft.is_empty() || draft.ends_with('\n') {
        draft.to_string()
    } else {
        format!("{draft}\n")
    }
}

/// The draft's lines from the edited file: the trailing newline (and any blank
/// lines after the text) dropped, CRLF endings read as line ends.
pub fn draft_from_editor(text: &str) -> Vec<String> {
    text.trim_end_matches(['\n', '\r'])
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ta(lines: &[&str], row: u16, col: u16) -> TextArea<'static> {
        let mut t = TextArea::new(lines.iter().map(|s| s.to_string()).collect());
        t.move_cursor(CursorMove::Jump(row, col));
        t
    }

    #[test]
    fn ctrl_k_on_a_blank_line_deletes_just_that_line() {
        let mut t = ta(&["Hi Maria,", "", "Yes we do."], 1, 0);
        kill_line(&mut t);
        assert_eq!(t.lines(), ["Hi Maria,", "Yes we do."]);
        assert_eq!(t.cursor(), DataCursor(1, 0));

        // Spaces only count as blank; the last line takes its newline along.
        let mut t = ta(&["Hi", "   "], 1, 3);
        kill_line(&mut t);
        assert_eq!(t.lines(), ["Hi"]);
        assert_eq!(t.cursor(), DataCursor(0, 0));
    }

    #[test]
    fn ctrl_k_deletes_to_the_end_and_never_joins_lines() {
        let mut t = ta(&["Hello there", "next"], 0, 5);
        kill_line(&mut t);
        assert_eq!(t.lines(), ["Hello", "next"]);
        // At the end of a line with text: nothing happens.
        kill_line(&mut t);
        assert_eq!(t.lines(), ["Hello", "next"]);
        // And the deletion is one undo step.
        assert!(t.undo());
        assert_eq!(t.lines(), ["Hello there", "next"]);
    }

    #[test]
    fn the_editor_file_ends_with_a_newline_that_is_dropped_on_the_way_back() {
        assert_eq!(editor_file_text("one\ntwo"), "one\ntwo\n");
        assert_eq!(editor_file_text("done\n"), "done\n");
        assert_eq!(editor_file_text(""), "");
        assert_eq!(draft_from_editor("one\ntwo\n"), ["one", "two"]);
        assert_eq!(draft_from_editor("one\r\ntwo\r\n\n"), ["one", "two"]);
        assert_eq!(draft_from_editor("a\n\nb\n"), ["a", "", "b"]);
    }
}
