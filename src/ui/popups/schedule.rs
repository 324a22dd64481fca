//! The send-later popup: "in 1 hour", "at opening time", or a typed time. It owns
//! its state, keys and drawing; picking a time sends the draft through the core
//! with that time (the guards still apply).

use crate::inbox::When;
use crate::inbox::schedule::{next_opening, parse_at};
use crate::ui::action::Effect;
use crate::ui::state::{Overlay, State};
use crate::ui::text::{clean_line, fit, local_time};
use crate::ui::update::notice;
use crate::ui::view::centered;
use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The popup's state: the highlighted choice, and the typed time while typing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchedulePrompt {
    pub conversation_id: i64,
    pub selected: usize,
    /// `Some` while the user types a time (third choice).
    pub typed: Option<String>,
}

const CHOICES: usize = 3;

/// Open the popup for the open conversation's draft.
pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(id) = crate::ui::update::require_open(state) else {
        return Vec::new();
    };
    if state.draft_text().trim().is_empty() {
        notice(state, "the draft is empty".into(), true);
        return Vec::new();
    }
    state.overlay = Some(Overlay::Schedule(SchedulePrompt {
        conversation_id: id,
        ..SchedulePrompt::default()
    }));
    Vec::new()
}

fn send(state: &State, id: i64, when: When) -> Vec<Effect> {
    vec![Effect::SendReply {
        conversation_id: id,
        text: state.draft_text(),
        when,
        force: false,
    }]
}

pub fn on_key(state: &mut State, mut prompt: SchedulePrompt, ev: KeyEvent) -> Vec<Effect> {
    let id = prompt.conversation_id;
    if let Some(typed) = &mut prompt.typed {
        match ev.code {
            KeyCode::Esc => prompt.typed = None,
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if typed.len() < 40 => typed.push(c),
            KeyCode::Enter => match parse_at(typed, &state.config, state.now) {
                Ok(at) => return send(state, id, When::At(at)),
                Err(e) => notice(state, e.to_string(), true),
            },
            _ => {}
        }
        state.overlay = Some(Overlay::Schedule(prompt));
        return Vec::new();
    }
    let pick = match ev.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Enter => Some(prompt.selected),
        KeyCode::Char(c @ '1'..='3') => c.to_digit(10).map(|n| n as usize - 1),
        KeyCode::Down | KeyCode::Char('j') => {
            prompt.selected = (prompt.selected + 1).min(CHOICES - 1);
            None
        }
        KeyCode::Up | KeyCode::Char('k') => {
            prompt.selected = prompt.selected.saturating_sub(1);
            None
        }
        _ => None,
    };
    match pick {
        Some(0) => send(state, id, When::At(state.now + Duration::hours(1))),
        Some(1) if next_opening(&state.config, state.now).is_some() => {
            send(state, id, When::Opening)
        }
        Some(1) => {
            notice(
                state,
                "set [business_hours] in the config to send at opening time".into(),
                true,
            );
            state.overlay = Some(Overlay::Schedule(prompt));
            Vec::new()
        }
        Some(_) => {
            prompt.selected = 2;
            prompt.typed = Some(String::new());
            state.overlay = Some(Overlay::Schedule(prompt));
            Vec::new()
        }
        None => {
            state.overlay = Some(Overlay::Schedule(prompt));
            Vec::new()
        }
    }
}

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
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(state.theme.focused_border())
        .title(" Send later ")
        .title_style(Style::default().add_modifier(Modifier::BOLD));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
