//! The queue pane: one line per conversation, most urgent first.

use crate::model::{Conversation, Kind, ReplyWindow, Status, Tier};
use crate::ui::state::{Focus, State};
use crate::ui::text::{cap, clean_line, countdown, fit, pad};
use crate::ui::widgets::pane;
use crate::width::width as display_width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let rows = state.rows();
    let title = match &state.search {
        Some(s) => {
            let caret = if s.editing { "▏" } else { "" };
            format!(
                " Search: {}{caret} ({}) ",
                clean_line(&s.query),
                s.rows.len()
            )
        }
        None => {
            let more = if state.queue_more { "+" } else { "" };
            format!(" Queue ({}{more}) ", rows.len())
        }
    };
    let focused = state.focus == Focus::Queue && state.overlay.is_none();
    let block = pane(state, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }

    if rows.is_empty() {
        let text = match &state.search {
            Some(s) if s.query.trim().is_empty() => {
                "type to search every message in the cache".to_string()
            }
            Some(_) => "no matches".to_string(),
            None => crate::ui::filters::empty_queue_text(state),
        };
        let line = Line::styled(
            fit(&text, usize::from(inner.width)),
            Style::default().fg(state.theme.dim),
        );
        frame.render_widget(Paragraph::new(line), inner);
        return;
    }

    // A header row names the columns when there is room for it.
    let columns = Columns::for_rows(rows, usize::from(inner.width));
    let mut inner = inner;
    if inner.height >= 4 {
        let header = Line::styled(
            fit(&header(&columns), usize::from(inner.width)),
            Style::default()
                .fg(state.theme.dim)
                .add_modifier(Modifier::UNDERLINED),
        );
        frame.render_widget(Paragraph::new(header), Rect { height: 1, ..inner });
        inner = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
    }
    let height = usize::from(inner.height);
    let cursor = state.cursor().min(rows.len() - 1);
    // Keep the cursor in view; scroll only as far as needed.
    let top = cursor.saturating_sub(height - 1);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, c)| row(state, c, &columns, i == cursor))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Width of the acknowledgment column, its separating space included.
const ACK_WIDTH: usize = 9;

/// Which columns a queue row has at a width; the message takes what is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub width: usize,
    /// The ack column: only when the pane is wide enough and some loaded row
    /// has an acknowledgment clock or a holding reply to show.
    pub ack: bool,
    pub author: usize,
}

impl Columns {
    pub fn for_rows(rows: &[Conversation], width: usize) -> Columns {
        Columns {
            width,
            ack: width >= 50 && rows.iter().any(has_ack),
            author: match width {
                90.. => 16,
                70.. => 14,
                _ => 12,
            },
        }
    }
}

/// Whether `ack_column` shows anything for `c` (without formatting it).
fn has_ack(c: &Conversation) -> bool {
    c.status == Status::Open
        && (c.acknowledged_at.is_some()
            || (c.kind == Kind::Dm && c.tier == Tier::Revenue && c.ack_due_at.is_some()))
}

/// Column names, laid out exactly as `row` lays out its cells.
fn header(columns: &Columns) -> String {
    let mut out = format!(" {:<3}{:>7} ", "T", "due");
    if columns.ack {
        out.push_str(&pad("ack", ACK_WIDTH));
    }
    out.push_str(&pad("via", 4));
    out.push_str(&pad("from", columns.author));
    out.push_str(" message");
    out
}

/// `T1  42m   9m     IG  Maria Lopez    How much for…`
fn row<'a>(state: &State, c: &Conversation, columns: &Columns, selected: bool) -> Line<'a> {
    let width = columns.width;
    let theme = &state.theme;
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    let mut push = |spans: &mut Vec<Span<'a>>, text: String, style: Style| {
        if used >= width {
            return;
        }
        let text = fit(&text, width - used);
        used += display_width(&text);
        spans.push(Span::styled(text, style));
    };

    // A visible cursor mark, so the cursor reads even without colour; a row
    // selected for a bulk action carries its own mark (`ui::selection`).
    let (cursor, cursor_style) = crate::ui::selection::row_mark(state, c.id, selected);
    push(&mut spans, cursor.into(), cursor_style);
    push(
        &mut spans,
        format!("T{}", c.tier.number()),
        theme.badge(c.tier),
    );
    // ↑: sorted above its tier because it is overdue; *: the tier was set by hand.
    let (mark, mark_style) = if c.is_promoted() && c.status == Status::Open {
        (
            "↑",
            Style::default()
                .fg(theme.overdue)
                .add_modifier(Modifier::BOLD),
        )
    } else if c.tier_override.is_some() {
        ("*", Style::default().fg(theme.accent))
    } else {
        (" ", Style::default())
    };
    push(&mut spans, mark.into(), mark_style);

    let (due, due_style) = due_column(state, c);
    push(&mut spans, format!("{due:>7} "), due_style);

    if columns.ack {
        let ack = ack_column(state, c);
        let style = match &ack {
            Some(text) if text.starts_with('-') => Style::default().fg(theme.overdue),
            Some(text) if text.starts_with(ACK_MET) => Style::default().fg(theme.outbound),
            _ => Style::default().fg(theme.tier(Tier::Revenue)),
        };
        // The header names the column; a space always separates it from the next.
        let text = fit(&ack.unwrap_or_default(), ACK_WIDTH - 1);
        push(&mut spans, pad(&text, ACK_WIDTH), style);
    }
    push(
        &mut spans,
        pad(c.platform.short(), 4),
        Style::default().fg(theme.dim),
    );
    push(
        &mut spans,
        pad(&clean_line(&c.author), columns.author),
        Style::default().add_modifier(Modifier::BOLD),
    );
    push(&mut spans, " ".into(), Style::default());
    let held = crate::ui::hold::is_held_outside(state, c);
    if held {
        // Re-tiered out of the filter; kept until the cursor moves on.
        push(
            &mut spans,
            "out of view · ".into(),
            Style::default()
                .fg(theme.dim)
                .add_modifier(Modifier::ITALIC),
        );
    }
    for (flag, style) in flags(state, c) {
        push(&mut spans, flag, style);
    }
    // Cap before cleaning: a preview is at most a line, whatever the cache holds.
    let (preview, _) = cap(&c.preview, 1024);
    push(
        &mut spans,
        clean_line(preview).into_owned(),
        Style::default(),
    );

    let mut line = Line::from(spans);
    let dim = if held {
        Modifier::DIM
    } else {
        Modifier::empty()
    };
    line = line.style(Style::default().add_modifier(dim));
    if selected {
        line = line.style(theme.selected().add_modifier(dim));
        // Fill the rest of the row so the highlight spans the pane.
        if used < width {
            line.spans.push(Span::raw(" ".repeat(width - used)));
        }
    }
    line
}

/// Countdown to the first-response target, or the status for closed rows in search.
fn due_column(state: &State, c: &Conversation) -> (String, Style) {
    if c.status != Status::Open {
        return (
            c.status.as_str().to_string(),
            Style::default().fg(state.theme.dim),
        );
    }
    match c.due_at {
        Some(due) if due < state.now => (
            countdown(due, state.now),
            Style::default()
                .fg(state.theme.overdue)
                .add_modifier(Modifier::BOLD),
        ),
        Some(due) => (countdown(due, state.now), Style::default()),
        None => ("—".into(), Style::default().fg(state.theme.dim)),
    }
}

/// What the ack column shows once a holding reply went out.
pub const ACK_MET: &str = "✓ met";

/// The 15-minute acknowledgment clock, for tier-1 DMs; "✓ met" for any open
/// conversation a holding reply acknowledged (its due column keeps counting).
pub fn ack_column(state: &State, c: &Conversation) -> Option<String> {
    if c.status != Status::Open {
        return None;
    }
    if c.acknowledged_at.is_some() {
        return Some(ACK_MET.to_string());
    }
    if c.kind != Kind::Dm || c.tier != Tier::Revenue {
        return None;
    }
    c.ack_due_at.map(|ack| countdown(ack, state.now))
}

/// Longest refusal reason a queue row shows (the thread header has it whole).
const FLAG_REASON_COLUMNS: usize = 40;

/// Warnings that lead the message column: a messaging window that is about to
/// close (or has), a refused send.
pub fn flags(state: &State, c: &Conversation) -> Vec<(String, Style)> {
    let mut out = Vec::new();
    if c.status != Status::Open {
        return out;
    }
    let alarm = Style::default()
        .fg(state.theme.overdue)
        .add_modifier(Modifier::BOLD);
    // The short flag first, so a narrow pane still shows both.
    match c.reply_window(state.now) {
        ReplyWindow::Closed { .. } => out.push(("window closed ".into(), alarm)),
        window => {
            if let Some(left) = window.closing_soon(state.now) {
                out.push((
                    format!("window: {} left ", window_left(left)),
                    Style::default()
                        .fg(state.theme.tier(Tier::Retention))
                        .add_modifier(Modifier::BOLD),
                ));
            }
        }
    }
    if let Some(error) = &c.send_error {
        let why = fit(&clean_line(error), FLAG_REASON_COLUMNS);
        out.push((format!("send failed: {why} "), alarm));
    }
    out
}

/// "2h", "35m": what is left of a messaging window, rounded down.
pub fn window_left(left: chrono::Duration) -> String {
    let minutes = left.num_minutes().max(0);
    if minutes >= 60 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}
