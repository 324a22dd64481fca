//! Small drawing helpers shared by the panes and the popups.

use super::state::State;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

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

/// The frame of a popup that has the keys: a highlighted border and a title.
pub fn popup_block<'a>(state: &State, title: impl Into<ratatui::text::Line<'a>>) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(state.theme.focused_border())
        .title(title)
}

/// Draw `lines` in `block`, centred in `area`, as tall as the lines need (the
/// small y/n and chooser popups).
pub fn draw_fitted(
    frame: &mut ratatui::Frame,
    area: Rect,
    width: u16,
    lines: Vec<ratatui::text::Line<'_>>,
    block: Block<'_>,
) {
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines).block(block), rect);
}
