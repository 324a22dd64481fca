//! The playbook picker: a fuzzy filter over the library, fitted to the open
//! conversation. It owns its state (`model`), keys (here) and drawing (`view`).

pub mod model;
pub mod view;

pub use model::Picker;

use crate::playbook::{RenderContext, render};
use crate::ui::action::Effect;
use crate::ui::composer;
use crate::ui::state::{Focus, Overlay, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Recompute the picker's matches for its query, fitted to the open conversation.
pub fn refilter(state: &State, picker: &mut Picker) {
    let fit = state.open.as_ref().map(|c| (c.tier, c.kind));
    picker.matches = state
        .playbooks
        .filter(&picker.query, fit)
        .into_iter()
        .map(|m| m.index)
        .collect();
    picker.selected = 0;
    picker.template = 0;
}

/// How many templates the selected playbook has (at least 1).
fn templates_of(state: &State, picker: &Picker) -> usize {
    picker
        .matches
        .get(picker.selected)
        .and_then(|i| state.playbooks.all().get(*i))
        .map_or(1, |p| p.templates.len().max(1))
}

pub fn on_key(state: &mut State, mut picker: Picker, ev: KeyEvent) -> Vec<Effect> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match ev.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Enter => {
            insert_template(state, &picker);
            return Vec::new();
        }
        KeyCode::Down => picker.selected += 1,
        KeyCode::Char('n' | 'j') if ctrl => picker.selected += 1,
        KeyCode::Up => picker.selected = picker.selected.saturating_sub(1),
        KeyCode::Char('p' | 'k') if ctrl => picker.selected = picker.selected.saturating_sub(1),
        // Tab and Shift-Tab wrap around the selected playbook's templates.
        KeyCode::Tab | KeyCode::Right => {
            let n = templates_of(state, &picker);
            picker.template = (picker.template + 1) % n;
        }
        KeyCode::BackTab | KeyCode::Left => {
            let n = templates_of(state, &picker);
            picker.template = (picker.template + n - 1) % n;
        }
        KeyCode::Backspace => {
            picker.query.pop();
            refilter(state, &mut picker);
        }
        KeyCode::Char('u') if ctrl => {
            picker.query.clear();
            refilter(state, &mut picker);
        }
        KeyCode::Char(c) if !ctrl => {
            picker.query.push(c);
            refilter(state, &mut picker);
        }
        _ => {}
    }
    picker.selected = picker.selected.min(picker.matches.len().saturating_sub(1));
    let templates = picker
        .matches
        .get(picker.selected)
        .and_then(|i| state.playbooks.all().get(*i))
        .map_or(1, |p| p.templates.len().max(1));
    picker.template = picker.template.min(templates - 1);
    state.overlay = Some(Overlay::Picker(picker));
    Vec::new()
}

fn insert_template(state: &mut State, picker: &Picker) {
    let Some(conv) = state.open.as_ref() else {
        state.notice("no conversation open".into(), true);
        return;
    };
    let Some(playbook) = picker
        .matches
        .get(picker.selected)
        .and_then(|i| state.playbooks.all().get(*i))
    else {
        state.notice("no playbook matches".into(), true);
        return;
    };
    let Some(template) = playbook.templates.get(picker.template) else {
        state.notice(format!("playbook {} has no template", playbook.name), true);
        return;
    };
    let ctx = RenderContext::for_conversation(conv, &state.config);
    // Placeholders carry cache text (the author's name): clean it like any other.
    let text = crate::ui::text::clean(&render(&template.text, &ctx)).into_owned();
    let name = playbook.name.clone();
    let holding = playbook.acknowledgment;
    let conversation_id = conv.id;
    if holding {
        // Sending it meets the acknowledgment target, not the response target.
        state.ack_drafts.insert(conversation_id);
    }
    let has_blanks = !crate::playbook::blanks(&text).is_empty();
    state.composer.insert_str(text);
    state.focus = Focus::Composer;
    if has_blanks {
        // Start on the first blank, so the writer fills it in right away.
        state
            .composer
            .move_cursor(ratatui_textarea::CursorMove::Jump(0, 0));
        composer::select_blank(state, crate::playbook::next_blank(&state.draft_text(), 0));
        state.notice(
            format!("inserted '{name}': fill each [[blank]] (Tab: next blank)"),
            false,
        );
    } else if holding {
        state.notice(
            format!("inserted playbook '{name}': a holding reply, the answer stays due"),
            false,
        );
    } else {
        state.notice(format!("inserted playbook '{name}'"), false);
    }
}
