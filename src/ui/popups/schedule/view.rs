//! Drawing the send-later popup.

use crate::inbox::schedule::next_opening;
use crate::ui::state::{Overlay, State};
use crate::ui::text::{clean_line, fit, local_time};
use crate::ui::widgets::{draw_fitted, popup_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Schedule(prompt)) = &state.overlay else {
        return;
    };
    let width = area.width.saturating_sub(2).min(60);
    let inner = usize::from(width.saturating_sub(2));
    let opening = next_opening(&state.config, state.now).map_or_else(
        || "no business hours set".to_string(),
        |at| local_time(at, state.now, state.offset),
    );
    let choices = [
        "in 1 hour".to_string(),
        format!("at opening time ({opening})"),
        match &prompt.typed {
            Some(t) => format!("at: {}▏ (HH:MM or RFC 3339, enter)", clean_line(t)),
            None => "at a time you type".to_string(),
        },
    ];
    let mut lines = Vec::new();
    for (i, choice) in choices.iter().enumerate() {
        let text = fit(&format!(" {} {choice}", i + 1), inner);
        lines.push(if i == prompt.selected {
            Line::styled(text, state.theme.selected())
        } else {
            Line::raw(text)
        });
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(
            "scheduled replies wait in the outbox (o) and can be cancelled there",
            inner,
        ),
        Style::default().fg(state.theme.dim),
    ));
    let block = popup_block(state, " Send later ")
        .title_style(Style::default().add_modifier(Modifier::BOLD));
    draw_fitted(frame, area, width, lines, block);
}
