//! The lead panel (one key, `$` by default): the open conversation's lead
//! fields, what the thread suggests (a digit confirms one), and what is still
//! unknown, the next question first. It owns its state (`model`), its keys
//! (here) and its drawing (`view`); every change goes through the core
//! (`inbox::lead`) as an `Effect::Lead`.

pub mod model;
pub mod view;

pub use model::{FIELD_KEYS, LeadPanel};

use crate::inbox::{LeadUpdate, LeadView};
use crate::model::{LeadField, LeadStage};
use crate::ui::action::{Effect, LeadOp};
use crate::ui::state::{Overlay, State};
use crossterm::event::{KeyCode, KeyEvent};

/// Open the panel on the open conversation, or close it.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    if matches!(state.overlay, Some(Overlay::Lead(_))) {
        state.overlay = None;
        return Vec::new();
    }
    let Some(id) = state.require_open() else {
        return Vec::new();
    };
    state.overlay = Some(Overlay::Lead(LeadPanel::loading(id)));
    vec![Effect::LoadLead(id)]
}

/// The lead as read (`None`: the conversation is not a lead).
pub fn on_loaded(state: &mut State, conversation_id: i64, view: Option<Box<LeadView>>) {
    if let Some(Overlay::Lead(panel)) = &mut state.overlay
        && panel.conversation_id == conversation_id
    {
        panel.not_a_lead = view.is_none();
        panel.view = view;
    }
}

fn op(id: i64, op: LeadOp) -> Vec<Effect> {
    vec![Effect::Lead {
        conversation_id: id,
        op,
    }]
}

pub fn on_key(state: &mut State, mut panel: LeadPanel, ev: KeyEvent) -> Vec<Effect> {
    let id = panel.conversation_id;
    if let Some((field, typed)) = &mut panel.editing {
        let mut fx = Vec::new();
        match ev.code {
            KeyCode::Esc => panel.editing = None,
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if typed.chars().count() < 200 => typed.push(c),
            KeyCode::Enter => {
                fx = op(id, LeadOp::Update(Box::new(update_of(*field, typed))));
                panel.editing = None;
            }
            _ => {}
        }
        state.overlay = Some(Overlay::Lead(panel));
        return fx;
    }
    let KeyCode::Char(c) = ev.code else {
        // Esc (or any other key without a meaning here) closes the panel.
        return if ev.code == KeyCode::Esc {
            Vec::new()
        } else {
            state.overlay = Some(Overlay::Lead(panel));
            Vec::new()
        };
    };
    let fx = match (c, panel.view.as_deref()) {
        ('$', _) => return Vec::new(),
        ('m', None) if panel.not_a_lead => op(id, LeadOp::Mark),
        (_, None) => Vec::new(),
        ('1'..='9', Some(view)) => {
            let n = c.to_digit(10).map_or(0, |n| n as usize);
            match view.suggestions.get(n - 1) {
                Some(s) => op(id, LeadOp::Confirm(Box::new(s.clone()))),
                None => {
                    state.notice(format!("no suggestion {n}"), true);
                    Vec::new()
                }
            }
        }
        ('>', Some(view)) => match view.lead.stage.advance() {
            Some(next) => op(id, LeadOp::Stage(next)),
            None => {
                state.notice(
                    format!(
                        "a {} lead moves on by hand-off, won or lost",
                        view.lead.stage
                    ),
                    true,
                );
                Vec::new()
            }
        },
        ('w', Some(_)) => op(id, LeadOp::Stage(LeadStage::Won)),
        ('x', Some(_)) => op(id, LeadOp::Stage(LeadStage::Lost)),
        (c, Some(view)) => {
            if let Some((_, field)) = FIELD_KEYS.iter().find(|(k, _)| *k == c) {
                let current = editable_text(view, *field);
                panel.editing = Some((*field, current));
            }
            Vec::new()
        }
    };
    state.overlay = Some(Overlay::Lead(panel));
    fx
}

/// What the typing starts from: the field's value as it would be typed back.
fn editable_text(view: &LeadView, field: LeadField) -> String {
    let lead = &view.lead;
    match field {
        LeadField::Timeline => lead.timeline.clone().unwrap_or_default(),
        LeadField::Value => lead
            .value
            .as_ref()
            .map(|m| format!("{} {}", m.amount_text().replace(',', ""), m.currency))
            .unwrap_or_default(),
        other => lead.field_text(other).unwrap_or_default(),
    }
}

/// The update one typed field makes (empty clears it).
fn update_of(field: LeadField, typed: &str) -> LeadUpdate {
    let text = Some(typed.to_string());
    let mut u = LeadUpdate::default();
    match field {
        LeadField::Need => u.need = text,
        LeadField::Timeline => u.timeline = text,
        LeadField::Budget => u.budget = text,
        LeadField::Location => u.location = text,
        LeadField::Value => u.value = text,
        LeadField::Email => u.email = text,
        LeadField::Phone => u.phone = text,
    }
    u
}
