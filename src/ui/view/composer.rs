//! The reply composer: a multi-line editor bound to the open conversation.

use super::pane;
use crate::ui::action::Command;
use crate::ui::state::{Focus, State};
use crate::ui::text::clean_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.focus == Focus::Composer && state.overlay.is_none();
    let who = state
        .open
        .as_ref()
        .map(|c| format!(" Reply to {} ", clean_line(&c.author)))
        .unwrap_or_else(|| " Reply ".into());
    let hints: Vec<String> = [
        (Command::Send, "send"),
        (Command::Playbooks, "playbooks"),
        (Command::Editor, "$EDITOR"),
    ]
    .into_iter()
    .filter_map(|(cmd, what)| Some(format!("{} {what}", state.keymap.first_key(cmd)?)))
    .collect();
    let block = pane(state, who, focused).title_bottom(format!(" {} ", hints.join(" · ")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if focused {
        frame.render_widget(&state.composer, inner);
    } else {
        // Unfocused: no block cursor, so it does not look like it takes keys.
        let mut quiet = state.composer.clone();
        quiet.set_cursor_style(Style::default());
        frame.render_widget(&quiet, inner);
    }
}
