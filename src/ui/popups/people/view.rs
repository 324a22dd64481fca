//! The person line in the conversation header and the people popup.

use super::current;
use crate::inbox::people::{OtherIdentity, Tie, conversation_state};
use crate::model::{KeyKind, Status, Tier};
use crate::playbook::platform_label;
use crate::ui::action::Command;
use crate::ui::state::{Overlay, State};
use crate::ui::text::{clean_line, fit, pad};
use crate::ui::widgets::{draw_fitted, popup_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The header lines under the conversation's facts: "also: Mastodon · open
/// complaint, 19h overdue" (linked), then "maybe also: …" (suggested) with the
/// key that confirms. The linked line is red and bold while the person waits on
/// a complaint there.
pub fn header_lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let Some(person) = current(state) else {
        return Vec::new();
    };
    let waiting = person.open_complaints().any(|(o, _)| o.tie == Tie::Linked);
    let mut out = Vec::new();
    for text in person.lines(state.now) {
        let maybe = text.starts_with("maybe");
        let (text, style) = if maybe {
            let key = state
                .keymap
                .first_key(Command::People)
                .map(|k| format!(" ({k}: link)"))
                .unwrap_or_default();
            let mut style = Style::default().fg(state.theme.dim);
            if person.open_complaints().any(|(o, _)| o.tie != Tie::Linked) {
                style = style.fg(state.theme.overdue);
            }
            (format!("{text}{key}"), style)
        } else if waiting {
            let style = Style::default()
                .fg(state.theme.overdue)
                .add_modifier(Modifier::BOLD);
            (text, style)
        } else {
            (text, Style::default().fg(state.theme.accent))
        };
        out.push(Line::styled(fit(&clean_line(&text), width), style));
    }
    out
}

/// One row of the popup: tie, platform, author, what is going on there.
fn row(state: &State, o: &OtherIdentity, width: usize) -> String {
    let tie = match &o.tie {
        Tie::Linked => "✓ linked".to_string(),
        Tie::Suggested(keys) => {
            let keys: Vec<&str> = keys.iter().map(|k: &KeyKind| k.as_str()).collect();
            format!("? same {}", keys.join("+"))
        }
    };
    let what = match o.conversations.first() {
        Some(c) => {
            let more = o.conversations.len() - 1;
            let more = if more > 0 {
                format!(" (+{more})")
            } else {
                String::new()
            };
            format!("#{} {}{more}", c.id, conversation_state(c, state.now))
        }
        None => String::new(),
    };
    fit(
        &format!(
            "{} {} {} {what}",
            pad(&tie, 12),
            pad(platform_label(o.identity.platform), 10),
            pad(&clean_line(&o.identity.author), 20),
        ),
        width,
    )
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(Overlay::People { selected }) = state.overlay else {
        return;
    };
    let Some(person) = current(state) else { return };
    let width = area.width.saturating_sub(4).min(96);
    let inner = usize::from(width.saturating_sub(2));
    let dim = Style::default().fg(state.theme.dim);
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{} on {}: the same person as…",
                clean_line(&person.identity.author),
                platform_label(person.identity.platform)
            ),
            inner,
        ),
        dim,
    )];
    for (i, o) in person.others.iter().enumerate() {
        let waiting = o
            .conversations
            .iter()
            .any(|c| c.status == Status::Open && c.tier == Tier::Retention);
        let mut style = Style::default();
        if waiting {
            style = style.fg(state.theme.overdue);
        }
        if i == selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::from(Span::styled(row(state, o, inner), style)));
    }
    lines.push(Line::styled(
        fit("Suggestions never merge until you say so.", inner),
        dim,
    ));
    let block = popup_block(state, " One person? ")
        .title_bottom(" y same person · n not the same · enter toggles · esc ");
    draw_fitted(frame, area, width, lines, block);
}
