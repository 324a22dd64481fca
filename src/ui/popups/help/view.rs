//! The help overlay: every binding, generated from the keymap so rebinding shows.

use crate::ui::action::Command;
use crate::ui::state::{Overlay, State};
use crate::ui::widgets::{centered, popup_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn lines(state: &State) -> Vec<Line<'static>> {
    let key_style = Style::default()
        .fg(state.theme.accent)
        .add_modifier(Modifier::BOLD);
    let head = Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut out = vec![Line::styled("Keys", head)];
    for cmd in Command::ALL {
        let keys = state.keymap.keys_for(cmd);
        let keys = if keys.is_empty() {
            "(unbound)".to_string()
        } else {
            keys.join(" ")
        };
        out.push(Line::from(vec![
            Span::styled(format!("{keys:<24}"), key_style),
            Span::raw(format!("{} ", cmd.describe())),
            Span::styled(
                format!("[{}]", cmd.name()),
                Style::default().fg(state.theme.dim),
            ),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Queue columns", head));
    let columns = [
        (
            "T",
            "tier: 1 revenue … 5 monitor; * = you set it; ↑ = overdue, sorted higher",
        ),
        (
            "due",
            "time left to the first-response target; negative = overdue",
        ),
        (
            "ack",
            "tier-1 DMs: time left to acknowledge (15 min); ✓ met = a holding reply went",
        ),
        (
            "via",
            "platform: IG Instagram, FB Facebook, MAS Mastodon, GBP Google…",
        ),
        (
            "from · message",
            "the customer and what they wait about (nudges like \"?\" skipped); first: window left, send failed; out of view = re-tiered outside the filter, kept until you move on",
        ),
    ];
    for (k, what) in columns {
        out.push(Line::from(vec![
            Span::styled(format!("{k:<24}"), key_style),
            Span::raw(what),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("While typing", head));
    let fixed = [
        ("ctrl-c", "quit, always"),
        (
            "composer",
            "keys type; esc/tab leave; send, playbooks, $EDITOR keys above work",
        ),
        (
            "composer editing",
            "up/down by wrapped row; ctrl-home/end start/end of draft; ctrl-k deletes to the end of the line (a blank line: the line); ctrl-u undo, ctrl-r redo",
        ),
        (
            "search",
            "type the query; enter keeps results and moves to them; esc leaves",
        ),
        (
            "picker",
            "type to filter; up/down or ctrl-n/ctrl-p choose; tab/left/right template; enter insert",
        ),
        (
            "re-tier",
            "1-5 sets the tier, 0 or T clears the override, esc cancels",
        ),
        ("snooze", "1-4 or j/k then enter, esc cancels"),
        (
            "outbox",
            "j/k choose; r or enter resends, d dismisses, esc closes",
        ),
        ("confirm", "y carries it out; n or esc cancels"),
        (
            "selection",
            "space marks, v a range; d x t T z S act on every selected row; esc clears",
        ),
        (
            "accounts",
            "j/k scroll, ctrl-r refresh, any other key closes",
        ),
    ];
    for (k, what) in fixed {
        out.push(Line::from(vec![
            Span::styled(format!("{k:<24}"), key_style),
            Span::raw(what),
        ]));
    }
    out
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let scroll = match state.overlay {
        Some(Overlay::Help { scroll }) => scroll,
        _ => 0,
    };
    let rect = centered(area, 90, area.height.saturating_sub(2).max(3));
    frame.render_widget(Clear, rect);
    let block = popup_block(state, " Help — j/k scroll, any other key closes ");
    let all = lines(state);
    let max = u16::try_from(all.len()).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(all)
            .block(block)
            .scroll((scroll.min(max), 0)),
        rect,
    );
}
