//! Composer helpers shared by the keys and the picker: moving between the
//! `[[blanks]]` of an inserted template.

use super::state::State;

/// Select the next (or previous) `[[blank]]` of the draft, wrapping around, so
/// typing replaces it. False when the draft has none.
pub fn jump_to_blank(state: &mut State, forward: bool) -> bool {
    let text = state.draft_text();
    let ratatui_textarea::DataCursor(row, col) = state.composer.cursor();
    let at = crate::playbook::byte_of(&text, row, col);
    let blank = if forward {
        // From just after the cursor, so a selected blank moves on to the next one.
        crate::playbook::next_blank(&text, (at + 1).min(text.len()))
    } else {
        crate::playbook::prev_blank(&text, at)
    };
    select_blank(state, blank)
}

pub fn select_blank(state: &mut State, blank: Option<crate::playbook::Blank>) -> bool {
    let Some(blank) = blank else {
        return false;
    };
    let text = state.draft_text();
    let (r0, c0) = crate::playbook::line_col_of(&text, blank.range.start);
    let (r1, c1) = crate::playbook::line_col_of(&text, blank.range.end);
    let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    state.composer.cancel_selection();
    state
        .composer
        .move_cursor(ratatui_textarea::CursorMove::Jump(to_u16(r0), to_u16(c0)));
    state.composer.start_selection();
    state
        .composer
        .move_cursor(ratatui_textarea::CursorMove::Jump(to_u16(r1), to_u16(c1)));
    true
}
