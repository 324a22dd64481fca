//! The outbox overlay (items needing a decision) and the y/n confirmation prompt.

use super::{Confirm, REASONS, ReasonPrompt};
use crate::ui::data::OutboxEntry;
use crate::ui::state::{Overlay, State};
use crate::ui::text::{cap, clean_line, fit, local_time, pad, wrap};
use crate::ui::widgets::{centered, draw_fitted, popup_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// Bytes of a body or error looked at before cutting to the line.
const PREVIEW_CAP: usize = 400;

/// The plain warning an interrupted send carries.
pub const MAY_HAVE_BEEN_SENT: &str =
    "⚠ may already have been sent: hearth stopped mid-send; check the platform before resending";

/// Lines for one item; the first is highlighted when selected.
fn entry_lines(state: &State, e: &OutboxEntry, selected: bool, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let item = &e.item;
    let who = e.author.as_deref().map_or_else(
        || "(conversation gone)".to_string(),
        |a| clean_line(a).into_owned(),
    );
    let place = match (e.platform, e.kind) {
        (Some(p), Some(k)) => format!(" · {} {}", p.short(), k.as_str()),
        _ => String::new(),
    };
    let state_word = match item.send_after {
        Some(at) if e.is_scheduled() => {
            format!("scheduled {}", local_time(at, state.now, state.offset))
        }
        _ if e.is_unknown() => "UNKNOWN".to_string(),
        _ => item.state.to_string(),
    };
    let head = format!(
        "#{} {} → {who}{place} · {state_word} · {}",
        item.id,
        item.action,
        local_time(item.created_at, state.now, state.offset)
    );
    let head_style = if selected {
        theme.selected()
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    };
    let marker = if selected { "▌" } else { " " };
    let mut out = vec![Line::from(vec![
        Span::styled(marker, Style::default().fg(theme.accent)),
        Span::styled(pad(&head, width.saturating_sub(1)), head_style),
    ])];
    let body = if item.body.is_empty() {
        item.target_id
            .as_deref()
            .map(|t| format!("on message {}", clean_line(t)))
            .unwrap_or_default()
    } else {
        format!("“{}”", clean_line(cap(&item.body, PREVIEW_CAP).0))
    };
    if !body.is_empty() {
        out.push(Line::raw(fit(&format!("   {body}"), width)));
    }
    if let Some(err) = item.error.as_deref().filter(|x| !x.trim().is_empty()) {
        out.push(Line::styled(
            fit(
                &format!("   error: {}", clean_line(cap(err, PREVIEW_CAP).0)),
                width,
            ),
            Style::default().fg(theme.overdue),
        ));
    }
    if e.is_unknown() {
        for piece in wrap(MAY_HAVE_BEEN_SENT, width.saturating_sub(3).max(1)) {
            out.push(Line::styled(
                format!("   {piece}"),
                Style::default()
                    .fg(theme.overdue)
                    .add_modifier(Modifier::BOLD),
            ));
        }
    }
    out
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let selected = match state.overlay {
        Some(Overlay::Outbox { selected }) => selected,
        _ => return,
    };
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let summary = &state.outbox;
    let title = format!(
        " Outbox: {} scheduled · {} need a decision ",
        summary.scheduled_count(),
        summary.attention_count
    );
    let block = popup_block(state, title)
        .title_bottom(" c cancel scheduled · r resend · d dismiss · j/k move · esc close ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    let dim = Style::default().fg(state.theme.dim);
    let mut lines: Vec<Line> = Vec::new();
    if summary.queued > 0 {
        let why = if state.offline() {
            " (offline: they go out when the network is back)"
        } else {
            ""
        };
        lines.push(Line::styled(
            fit(&format!("{} queued to send{why}", summary.queued), width),
            dim,
        ));
    }
    if summary.entries.is_empty() {
        lines.push(Line::styled(
            fit(
                "Nothing scheduled or waiting for a decision. Scheduled replies and failed or interrupted sends show up here.",
                width,
            ),
            dim,
        ));
    }
    // Lay out every item, then scroll so the selected one is wholly visible.
    let mut selected_end = 0;
    for (i, e) in summary.entries.iter().enumerate() {
        lines.extend(entry_lines(state, e, i == selected, width));
        if i == selected {
            selected_end = lines.len();
        }
    }
    let listed = summary.entries.iter().filter(|e| !e.is_scheduled()).count() as i64;
    if summary.attention_count > listed {
        lines.push(Line::styled(
            format!(
                "… and {} more (oldest first)",
                summary.attention_count - listed
            ),
            dim,
        ));
    }
    let height = usize::from(inner.height);
    let top = selected_end.saturating_sub(height);
    let top = u16::try_from(top).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((top, 0)), inner);
}

pub fn confirm_lines(state: &State, confirm: &Confirm, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut out = vec![Line::styled(
        fit(&clean_line(&confirm.question), width),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if let Some(p) = &confirm.preview {
        let text = format!("“{}”", clean_line(cap(p, PREVIEW_CAP).0));
        for l in wrap(&text, width.max(1)).into_iter().take(2) {
            out.push(Line::styled(l, Style::default().fg(theme.inbound)));
        }
    }
    for w in &confirm.warnings {
        for l in wrap(&format!("⚠ {}", clean_line(w)), width.max(1)) {
            out.push(Line::styled(
                l,
                Style::default()
                    .fg(theme.overdue)
                    .add_modifier(Modifier::BOLD),
            ));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "y yes · n or esc no",
        Style::default().fg(theme.dim),
    ));
    out
}

pub fn render_confirm(state: &State, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Confirm(confirm)) = &state.overlay else {
        return;
    };
    let width = area.width.saturating_sub(2).min(70);
    let lines = confirm_lines(state, confirm, usize::from(width.saturating_sub(2)));
    let block =
        popup_block(state, " Confirm ").border_style(Style::default().fg(state.theme.overdue));
    draw_fitted(frame, area, width, lines, block);
}

/// The reason chooser before a hide or delete.
pub fn render_reason(state: &State, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Reason(prompt)) = &state.overlay else {
        return;
    };
    let lines = reason_lines(
        state,
        prompt,
        usize::from(area.width.saturating_sub(4).min(68)),
    );
    let width = area.width.saturating_sub(2).min(70);
    let block = popup_block(
        state,
        format!(" {} — why? ", prompt.request.action.as_str()),
    );
    draw_fitted(frame, area, width, lines, block);
}

fn reason_lines(state: &State, prompt: &ReasonPrompt, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    // A bulk hide names how many, and what the core will leave alone.
    let (head, text) = if prompt.bulk.is_empty() {
        (
            format!("{}'s message:", clean_line(&prompt.author)),
            format!("“{}”", clean_line(cap(&prompt.preview, PREVIEW_CAP).0)),
        )
    } else {
        (format!("{}:", prompt.author), prompt.preview.clone())
    };
    let mut out = vec![Line::styled(
        fit(&head, width),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for l in wrap(&text, width.max(1)).into_iter().take(2) {
        out.push(Line::styled(l, Style::default().fg(theme.inbound)));
    }
    out.push(Line::raw(""));
    for (key, reason) in REASONS {
        out.push(Line::raw(format!("  {key}  {reason}")));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        fit(
            "each reason is a strike against the author · esc cancel",
            width,
        ),
        Style::default().fg(theme.dim),
    ));
    out
}
