//! The accounts overlay: each account's sync state, last sync, next attempt
//! (counting down) and last error.

use super::rows;
use crate::model::AccountStatus;
use crate::store::AccountState;
use crate::ui::state::{Overlay, State};
use crate::ui::text::{cap, clean_line, countdown, fit, local_time, pad, short_wait};
use crate::ui::widgets::{centered, popup_block};
use crate::width::width as display_width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// Longest error text looked at; the line is then cut to the width.
const ERROR_CAP: usize = 400;
/// From this width on, the last sync shows its time as well as its age.
const WIDE_ROW: usize = 96;

pub fn lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let dim = Style::default().fg(state.theme.dim);
    let all = rows(state);
    if all.is_empty() {
        let text = if state.demo {
            "demo: live. The demo feeder stands in for real accounts."
        } else {
            "No accounts configured. Add [[account]] tables to the config; `hearth doctor` checks them."
        };
        return crate::ui::text::wrap(text, width.max(1))
            .into_iter()
            .map(|l| Line::styled(l, dim))
            .collect();
    }
    let head = format!(
        "  {:<22} {:<10} {:<14} {}",
        "account", "platform", "state", "last sync · next attempt"
    );
    let mut out = vec![Line::styled(fit(&head, width), dim)];
    for row in &all {
        out.extend(account_lines(state, row, width));
    }
    out
}

fn account_lines(state: &State, row: &AccountState, width: usize) -> Vec<Line<'static>> {
    let colour = status_colour(state, row.state);
    let word = row.state.label().to_string();
    let mut when = match row.last_sync_at {
        // Narrow: just how long ago; wide: the time as well.
        Some(at) => {
            let ago = countdown(state.now, at);
            let ago = ago.trim_start_matches('-');
            if width >= WIDE_ROW {
                format!("{} ({ago} ago)", local_time(at, state.now, state.offset))
            } else {
                format!("{ago} ago")
            }
        }
        None => "never".into(),
    };
    if let Some(next) = row.next_attempt_at {
        let secs = (next - state.now).num_seconds();
        if secs > 0 {
            when.push_str(&format!(" · next in {}", short_wait(secs)));
        } else {
            when.push_str(" · next: now");
        }
    }
    let left = format!(
        "{} {} ",
        pad(&clean_line(&row.account), 22),
        pad(&clean_line(&row.platform), 10)
    );
    let state_col = format!("{} ", pad(&word, 14));
    let used = 2 + display_width(&left) + display_width(&state_col);
    let mut out = vec![Line::from(vec![
        Span::styled("● ", Style::default().fg(colour)),
        Span::raw(left),
        Span::styled(
            state_col,
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Span::raw(fit(&when, width.saturating_sub(used))),
    ])];
    if let Some(err) = row.last_error.as_deref().filter(|e| !e.trim().is_empty()) {
        let (head, _) = cap(err, ERROR_CAP);
        let text = format!("    last error: {}", clean_line(head));
        out.push(Line::styled(
            fit(&text, width),
            Style::default().fg(state.theme.overdue),
        ));
    }
    out
}

pub fn status_colour(state: &State, status: AccountStatus) -> Color {
    match status {
        AccountStatus::Ok => state.theme.outbound,
        AccountStatus::Syncing => state.theme.accent,
        AccountStatus::RateLimited => state.theme.tier(crate::model::Tier::Retention),
        AccountStatus::Offline | AccountStatus::NeedsReauth | AccountStatus::Error => {
            state.theme.overdue
        }
        AccountStatus::Pending => state.theme.dim,
        AccountStatus::NeedsPermission => state.theme.overdue,
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let scroll = match state.overlay {
        Some(Overlay::Accounts { scroll }) => scroll,
        _ => 0,
    };
    let width = area.width.saturating_sub(2).min(110);
    let inner_w = usize::from(width.saturating_sub(2));
    let all = lines(state, inner_w);
    let want = u16::try_from(all.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, want.min(area.height.saturating_sub(2)).max(3));
    frame.render_widget(Clear, rect);
    let block = popup_block(state, " Accounts ")
        .title_bottom(" j/k scroll · ctrl-r refresh · any other key closes ");
    let max = u16::try_from(all.len()).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(all)
            .block(block)
            .scroll((scroll.min(max), 0)),
        rect,
    );
}
