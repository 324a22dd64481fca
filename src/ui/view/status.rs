//! The two bottom lines: counts, sync state and filter; then a message or key hints.

use crate::model::Tier;
use crate::ui::action::Command;
use crate::ui::state::State;
use crate::ui::text::{clean_line, fit};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let theme = &state.theme;
    let mut spans: Vec<Span> = Vec::new();
    for tier in Tier::ALL {
        let n = state.counts.per_tier[usize::from(tier.number() - 1)];
        let style = if state.filter.tier == Some(tier) {
            theme.badge(tier)
        } else {
            Style::default().fg(theme.tier(tier))
        };
        spans.push(Span::styled(format!("T{} {n}", tier.number()), style));
        spans.push(Span::raw(" "));
    }
    if state.counts.overdue > 0 {
        spans.push(Span::styled(
            format!("│ {} overdue ", state.counts.overdue),
            Style::default()
                .fg(theme.overdue)
                .add_modifier(Modifier::BOLD),
        ));
    }
    let filter = filter_summary(state);
    if !filter.is_empty() {
        spans.push(Span::styled("│ filter: ", Style::default().fg(theme.dim)));
        spans.push(Span::styled(
            format!("{filter} "),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(Span::styled("│ ", Style::default().fg(theme.dim)));
    if state.offline() {
        spans.push(Span::styled(
            " OFFLINE ",
            Style::default().fg(Color::Black).bg(theme.overdue),
        ));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        sync_summary(state),
        Style::default().fg(theme.accent),
    ));
    let lines = vec![
        Line::from(spans),
        second_line(state, usize::from(area.width)),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

/// "demo: live", "sync ok", "2 accounts: 1 offline"…
fn sync_summary(state: &State) -> String {
    if state.accounts.is_empty() {
        return if state.demo {
            "demo: live".into()
        } else {
            "local cache".into()
        };
    }
    if state.accounts.len() == 1 {
        let (account, s) = state
            .accounts
            .iter()
            .next()
            .map_or(("", ""), |(a, s)| (a, s));
        return format!("{}: {}", clean_line(account), clean_line(s));
    }
    let ok = state
        .accounts
        .values()
        .filter(|s| matches!(s.as_str(), "ok" | "live" | "syncing"))
        .count();
    format!("{ok}/{} accounts ok", state.accounts.len())
}

/// The active filters, e.g. "tier 1, reputation, IG, Acme".
pub fn filter_summary(state: &State) -> String {
    let f = &state.filter;
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = f.tier {
        parts.push(format!("tier {}", t.number()));
    }
    if let Some(fam) = f.family {
        parts.push(fam.as_str().into());
    }
    if let Some(p) = f.platform {
        parts.push(p.short().into());
    }
    if let Some(b) = &f.brand {
        parts.push(clean_line(b).into_owned());
    }
    if let Some(l) = &f.location {
        parts.push(clean_line(l).into_owned());
    }
    parts.join(", ")
}

fn second_line<'a>(state: &State, width: usize) -> Line<'a> {
    if let Some(n) = &state.notice {
        let style = if n.error {
            Style::default()
                .fg(state.theme.overdue)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(state.theme.outbound)
        };
        return Line::styled(fit(&clean_line(&n.text), width), style);
    }
    let hints: Vec<String> = [
        (Command::Help, "help"),
        (Command::Reply, "reply"),
        (Command::Playbooks, "playbooks"),
        (Command::Retier, "tier"),
        (Command::Done, "done"),
        (Command::Snooze, "snooze"),
        (Command::Search, "search"),
        (Command::Quit, "quit"),
    ]
    .into_iter()
    .filter_map(|(cmd, what)| Some(format!("{} {what}", state.keymap.first_key(cmd)?)))
    .collect();
    // Drop hints from the end until they fit.
    let mut text = String::new();
    for h in hints {
        let next = if text.is_empty() {
            h
        } else {
            format!("{text}  {h}")
        };
        if next.width() > width {
            break;
        }
        text = next;
    }
    Line::styled(text, Style::default().fg(state.theme.dim))
}
