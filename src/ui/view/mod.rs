//! Views: pure functions of `State` that draw into a frame. Snapshot tests use
//! the very same functions the terminal does.

pub mod accounts;
pub mod composer;
pub mod help;
pub mod layout;
pub mod outbox;
pub mod picker;
pub mod prompt;
pub mod queue;
pub mod status;
pub mod thread;

use super::state::{Overlay, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

/// Draw the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let areas = layout::areas(area, state);
    queue::render(state, frame, areas.queue);
    thread::render(state, frame, areas.thread);
    composer::render(state, frame, areas.composer);
    status::render(state, frame, areas.status);
    match &state.overlay {
        Some(Overlay::Help { .. }) => help::render(state, frame, area),
        Some(Overlay::Picker(_)) => picker::render(state, frame, area),
        Some(Overlay::Snooze { .. } | Overlay::Retier) => prompt::render(state, frame, area),
        Some(Overlay::Accounts { .. }) => accounts::render(state, frame, area),
        Some(Overlay::Outbox { .. }) => outbox::render(state, frame, area),
        Some(Overlay::Confirm(_)) => outbox::render_confirm(state, frame, area),
        None => {}
    }
}

/// A bordered pane, highlighted when it has the focus.
pub fn pane<'a>(state: &State, title: String, focused: bool) -> Block<'a> {
    let style = if focused {
        state.theme.focused_border()
    } else {
        state.theme.border()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(style)
        .title(title)
        .title_style(if focused { style } else { Style::default() })
}

/// A rectangle of `width`×`height` centred in `area` (clamped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
