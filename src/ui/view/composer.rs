//! The reply composer: a multi-line editor bound to the open conversation.

use crate::ui::action::Command;
use crate::ui::popups::outbox::window_closed_since;
use crate::ui::state::{Focus, State};
use crate::ui::text::{clean_line, countdown};
use crate::ui::widgets::pane;
use crate::width::width as display_width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.focus == Focus::Composer && state.overlay.is_none();
    let holding = state
        .draft_for
        .is_some_and(|id| state.ack_drafts.contains(&id));
    let who = state
        .open
        .as_ref()
        .map(|c| {
            let what = if holding { "Holding reply" } else { "Reply" };
            format!(" {what} to {} ", clean_line(&c.author))
        })
        .unwrap_or_else(|| " Reply ".into());
    let hints: Vec<String> = [
        (Command::Send, "send"),
        (Command::Playbooks, "playbooks"),
        (Command::Editor, "$EDITOR"),
        (Command::SendLater, "later"),
        (Command::SendAck, "ack"),
    ]
    .into_iter()
    .filter_map(|(cmd, what)| {
        let key = state.keymap.first_key_while_typing(cmd)?;
        Some(format!("{key} {what}"))
    })
    .collect();
    let room = usize::from(area.width).saturating_sub(4);
    // As many hints as fit, whole, in their order.
    let mut shown: Vec<String> = Vec::new();
    for hint in hints {
        shown.push(hint);
        if display_width(&format!(" {} ", shown.join(" · "))) > room {
            shown.pop();
            break;
        }
    }
    let hints = format!(" {} ", shown.join(" · "));
    let (who_w, hints_w) = (display_width(&who), display_width(&hints));
    let mut block = pane(state, who, focused).title_bottom(hints);
    if let Some(closed_at) = window_closed_since(state) {
        // Sending still queues; the engine fails it with the platform's reason.
        let ago = countdown(state.now, closed_at);
        let warn = Style::default()
            .fg(state.theme.overdue)
            .add_modifier(Modifier::BOLD);
        let top = format!(" ⚠ 24h window closed {} ago ", ago.trim_start_matches('-'));
        let top = if who_w + display_width(&top) <= room {
            top
        } else {
            " ⚠ 24h window closed ".to_string()
        };
        block = block.title_top(Line::from(Span::styled(top, warn)).right_aligned());
        let bottom = " Meta will refuse a send ";
        if hints_w + display_width(bottom) <= room {
            block = block.title_bottom(Line::from(Span::styled(bottom, warn)).right_aligned());
        }
    }
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    // Guard warnings sit above the draft they are about, until it changes.
    let draft = state.draft_text();
    if let Some(g) = state
        .guard
        .as_ref()
        .filter(|g| state.draft_for == Some(g.conversation_id) && g.text == draft)
    {
        let warn = Style::default()
            .fg(state.theme.overdue)
            .add_modifier(Modifier::BOLD);
        let anyway = state
            .keymap
            .first_key_while_typing(Command::SendAnyway)
            .unwrap_or_else(|| "send-anyway".into());
        let mut lines: Vec<Line> = g
            .warnings
            .iter()
            .map(|w| Line::styled(format!("⚠ {}", clean_line(&w.message)), warn))
            .collect();
        lines.push(Line::styled(
            format!("edit the reply, or {anyway} to send it anyway (recorded)"),
            Style::default().fg(state.theme.dim),
        ));
        // Keep at least two rows for the draft itself.
        let rows = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .min(inner.height.saturating_sub(2));
        if rows > 0 {
            let top = Rect::new(inner.x, inner.y, inner.width, rows);
            frame.render_widget(ratatui::widgets::Paragraph::new(lines), top);
            inner = Rect::new(inner.x, inner.y + rows, inner.width, inner.height - rows);
        }
    }
    if focused {
        frame.render_widget(&state.composer, inner);
    } else {
        // Unfocused: no block cursor, so it does not look like it takes keys.
        let mut quiet = state.composer.clone();
        quiet.set_cursor_style(Style::default());
        frame.render_widget(&quiet, inner);
    }
}
