//! The send-later popup: "in 1 hour", "at opening time", or a typed time. It owns
//! its state (`model`), keys (here) and drawing (`view`); picking a time sends the
//! draft through the core with that time (the guards still apply).

pub mod model;
pub mod view;

pub use model::SchedulePrompt;

use crate::inbox::When;
use crate::inbox::schedule::{next_opening, parse_at};

/// The number of choices.
pub const CHOICES: usize = 3;
use crate::ui::action::Effect;
use crate::ui::state::{Overlay, State};
use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent};

/// Open the popup for the open conversation's draft.
pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.require_open() else {
        return Vec::new();
    };
    if state.draft_text().trim().is_empty() {
        state.notice("the draft is empty".into(), true);
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
        acknowledgment: state.ack_drafts.contains(&id),
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
                Err(e) => state.notice(e.to_string(), true),
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
            state.notice(
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
