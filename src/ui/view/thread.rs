//! The conversation pane: a header (tier, reason, where it came from) over the
//! whole thread. Only the visible lines are drawn; long bodies are capped.

use crate::model::{Conversation, Direction, Message};
use crate::playbook::platform_label;
use crate::ui::state::{Focus, State};
use crate::ui::text::{BODY_CAP, cap, clean, clean_line, countdown, local_time, stars, wrap};
use crate::ui::widgets::pane;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Columns outbound messages are pushed right by, so the two sides read apart.
const OUT_INDENT: usize = 6;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.focus == Focus::Thread && state.overlay.is_none();
    let Some(conv) = &state.open else {
        let block = pane(state, " Conversation ".into(), focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let hint = Line::styled(
            "select a conversation in the queue",
            Style::default().fg(state.theme.dim),
        );
        frame.render_widget(Paragraph::new(hint), inner);
        return;
    };
    let plural = if conv.message_count == 1 { "" } else { "s" };
    let title = format!(
        " {} · {} message{plural} ",
        clean_line(&conv.author),
        conv.message_count
    );
    let block = pane(state, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    let mut lines = header(state, conv, width, inner.height >= 16);
    lines.truncate(usize::from(inner.height));
    let body_h = usize::from(inner.height) - lines.len();
    let body = body_lines(state, width);
    let scroll = state.thread_scroll.min(body.len().saturating_sub(body_h));
    let end = body.len() - scroll;
    let start = end.saturating_sub(body_h);
    lines.extend(body[start..end].iter().cloned());
    frame.render_widget(Paragraph::new(lines), inner);
}

/// How far the thread can scroll up at the current terminal size.
pub fn max_scroll(state: &State) -> usize {
    let (w, h) = state.size;
    let area = super::layout::areas(Rect::new(0, 0, w, h), state).thread;
    let width = usize::from(area.width.saturating_sub(2));
    let Some(conv) = &state.open else { return 0 };
    let header_h = header(state, conv, width, area.height >= 18).len();
    let body_h = usize::from(area.height.saturating_sub(2)).saturating_sub(header_h);
    body_lines(state, width).len().saturating_sub(body_h)
}

/// `roomy`: there is height to spare for a separator line.
fn header<'a>(state: &State, c: &Conversation, width: usize, roomy: bool) -> Vec<Line<'a>> {
    let theme = &state.theme;
    let dim = Style::default().fg(theme.dim);
    let mut where_ = format!(
        " {} · {} · {}",
        c.tier.name(),
        c.kind.as_str().to_uppercase(),
        platform_label(c.platform)
    );
    let place: Vec<String> = [&c.brand, &c.location]
        .into_iter()
        .flatten()
        .map(|s| clean_line(s).into_owned())
        .collect();
    if !place.is_empty() {
        where_.push_str(&format!(" · {}", place.join(" / ")));
    }
    if c.tier_override.is_some() {
        where_.push_str(&format!(
            " (set by you; triage said T{})",
            c.tier_auto.number()
        ));
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("T{}", c.tier.number()), theme.badge(c.tier)),
        Span::styled(where_, Style::default().add_modifier(Modifier::BOLD)),
    ])];

    let mut facts: Vec<Span> = Vec::new();
    match c.due_at {
        Some(due) if due < state.now => facts.push(Span::styled(
            format!(
                "overdue {}",
                countdown(due, state.now).trim_start_matches('-')
            ),
            Style::default()
                .fg(theme.overdue)
                .add_modifier(Modifier::BOLD),
        )),
        Some(due) => facts.push(Span::raw(format!(
            "due in {} ({})",
            countdown(due, state.now),
            local_time(due, state.now, state.offset)
        ))),
        None => facts.push(Span::styled("no target", dim)),
    }
    if c.is_promoted() && c.status == crate::model::Status::Open {
        facts.push(Span::styled(
            format!(" · sorted as T{}", c.sort_tier.number()),
            Style::default()
                .fg(theme.overdue)
                .add_modifier(Modifier::BOLD),
        ));
    }
    match c.acknowledged_at {
        Some(at) => facts.push(Span::styled(
            format!(
                " · acknowledged {}",
                local_time(at, state.now, state.offset)
            ),
            Style::default().fg(theme.outbound),
        )),
        None => {
            if let Some(ack) = super::queue::ack_column(state, c) {
                facts.push(Span::raw(format!(" · ack {ack}")));
            }
        }
    }
    if c.status == crate::model::Status::Open
        && let Some(left) = c.reply_window(state.now).closing_soon(state.now)
    {
        facts.push(Span::styled(
            format!(" · window: {} left", super::queue::window_left(left)),
            Style::default()
                .fg(theme.tier(crate::model::Tier::Retention))
                .add_modifier(Modifier::BOLD),
        ));
    }
    facts.push(Span::raw(format!(" · sentiment {:+.2}", c.sentiment)));
    if let Some(r) = c.rating {
        facts.push(Span::raw(" · "));
        facts.push(Span::styled(
            stars(r),
            Style::default().fg(theme.tier(crate::model::Tier::Retention)),
        ));
    }
    if let Some(st) = &state.open_strikes {
        // The author's moderation record on this account, where moderation is decided.
        facts.push(Span::styled(
            format!(
                " · strikes {} (last: {} → {})",
                st.count, st.last_reason, st.last_step
            ),
            Style::default()
                .fg(theme.overdue)
                .add_modifier(Modifier::BOLD),
        ));
    }
    lines.push(Line::from(facts));
    if let Some(error) = c
        .send_error
        .as_ref()
        .filter(|_| c.status == crate::model::Status::Open)
    {
        let key = state
            .keymap
            .first_key(crate::ui::action::Command::Outbox)
            .map(|k| format!(" (outbox: {k})"))
            .unwrap_or_default();
        lines.push(Line::styled(
            crate::ui::text::fit(
                &format!("⚠ send failed: {}: not answered{key}", clean_line(error)),
                width,
            ),
            Style::default()
                .fg(theme.overdue)
                .add_modifier(Modifier::BOLD),
        ));
    }
    lines.extend(crate::ui::popups::people::view::header_lines(state, width));
    let mut why = format!("why: {}", clean_line(&c.tier_reason));
    if let Some(ctx) = &c.context {
        why.push_str(&format!(" · on: {}", clean_line(ctx)));
    }
    lines.push(Line::styled(crate::ui::text::fit(&why, width), dim));
    if roomy {
        lines.push(Line::styled("─".repeat(width), dim));
    }
    lines
}

/// Every message of the thread as wrapped lines, oldest first.
fn body_lines<'a>(state: &State, width: usize) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for (i, m) in state.messages.iter().enumerate() {
        if i > 0 {
            out.push(Line::raw(""));
        }
        message_lines(state, m, width, &mut out);
    }
    out
}

fn message_lines<'a>(state: &State, m: &Message, width: usize, out: &mut Vec<Line<'a>>) {
    let theme = &state.theme;
    let (indent, colour, arrow) = match m.direction {
        Direction::Inbound => (0, theme.inbound, "▸"),
        Direction::Outbound => (OUT_INDENT.min(width / 3), theme.outbound, "◂"),
    };
    let pad = " ".repeat(indent);
    let time = local_time(m.sent_at, state.now, state.offset);
    let who = match m.direction {
        Direction::Inbound => clean_line(&m.author).into_owned(),
        Direction::Outbound => format!("{} (us)", clean_line(&m.author)),
    };
    out.push(Line::from(vec![
        Span::raw(pad.clone()),
        Span::styled(
            format!("{arrow} {who}"),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" · {time}"), Style::default().fg(theme.dim)),
        // What the platform shows of it, when that is not plainly visible.
        match state.message_states.get(&m.id) {
            Some(s) => Span::styled(
                format!(" · {} on the platform", s.as_str()),
                Style::default()
                    .fg(theme.overdue)
                    .add_modifier(Modifier::BOLD),
            ),
            None => Span::raw(""),
        },
    ]));
    // Cap before cleaning, so a huge body costs no more than a long one.
    let (head, rest) = cap(&m.body, BODY_CAP);
    let text_w = width.saturating_sub(indent + 2);
    let bar = Span::styled(format!("{pad}│ "), Style::default().fg(colour));
    for piece in wrap(&clean(head), text_w.max(1)) {
        out.push(Line::from(vec![bar.clone(), Span::raw(piece)]));
    }
    if rest > 0 {
        out.push(Line::from(vec![
            bar,
            Span::styled(
                format!("… {rest} more bytes not shown"),
                Style::default()
                    .fg(theme.dim)
                    .add_modifier(Modifier::ITALIC),
            ),
        ]));
    }
}
