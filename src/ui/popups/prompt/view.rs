//! Small choosers: snooze (until when) and re-tier (which tier).

use super::SnoozeChoice;
use super::snooze_until;
use crate::model::Tier;
use crate::ui::state::{Overlay, State};
use crate::ui::text::local_time;
use crate::ui::widgets::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let (title, lines) = match state.overlay {
        Some(Overlay::Snooze { selected }) => (" Snooze until ", snooze_lines(state, selected)),
        Some(Overlay::Retier) => (" Set tier ", retier_lines(state)),
        _ => return,
    };
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 40, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(state.theme.focused_border())
        .title(title);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn snooze_lines(state: &State, selected: usize) -> Vec<Line<'static>> {
    SnoozeChoice::ALL
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let until = snooze_until(*choice, state.now, state.offset);
            let text = format!(
                " {} {:<18} {}",
                i + 1,
                choice.label(),
                local_time(until, state.now, state.offset)
            );
            if i == selected {
                Line::styled(text, state.theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect()
}

fn retier_lines(state: &State) -> Vec<Line<'static>> {
    let current = state.open.as_ref().map(|c| c.tier);
    let mut lines: Vec<Line> = Tier::ALL
        .iter()
        .map(|t| {
            let mark = if Some(*t) == current { " ◂ now" } else { "" };
            Line::from(vec![
                Span::raw(" "),
                Span::styled(format!("T{}", t.number()), state.theme.badge(*t)),
                Span::raw(format!(" {}{mark}", t.name())),
            ])
        })
        .collect();
    lines.push(Line::styled(
        " 0 or T: back to automatic",
        Style::default().fg(state.theme.dim),
    ));
    lines
}
