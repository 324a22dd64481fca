//! Key routing: overlays and text fields take keys first; everything else goes
//! through the keymap to a `Command`.

use super::action::{Command, Effect};
use super::commands::command;
use super::composer;
use super::popups;
use super::state::{Focus, Overlay, State};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn on_key(state: &mut State, ev: KeyEvent) -> Vec<Effect> {
    if ev.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    // Ctrl-C quits from anywhere, whatever the keymap says.
    if ctrl && matches!(ev.code, KeyCode::Char('c' | 'C')) {
        return command(state, Command::Quit);
    }
    if let Some(overlay) = state.overlay.take() {
        return on_overlay_key(state, overlay, ev);
    }
    if state.search.as_ref().is_some_and(|s| s.editing) {
        return on_search_key(state, ev);
    }
    if state.focus == Focus::Composer {
        return on_composer_key(state, ev);
    }
    match state.keymap.resolve(&ev) {
        Some(cmd) => command(state, cmd),
        None => Vec::new(),
    }
}

/// Pasted text lands in whatever field is taking text.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let clean = super::text::clean(text);
    if let Some(Overlay::Picker(mut picker)) = state.overlay.take() {
        picker.query.push_str(&super::text::clean_line(text));
        popups::picker::refilter(state, &mut picker);
        state.overlay = Some(Overlay::Picker(picker));
        return Vec::new();
    }
    if let Some(Overlay::Lead(panel)) = state.overlay.as_mut()
        && let Some((_, typed)) = panel.editing.as_mut()
    {
        typed.push_str(&super::text::clean_line(text));
        return Vec::new();
    }
    if let Some(search) = state.search.as_mut().filter(|s| s.editing) {
        search.query.push_str(&super::text::clean_line(text));
        return vec![Effect::Search(search.query.clone())];
    }
    if state.focus == Focus::Composer {
        state.composer.insert_str(clean);
    }
    Vec::new()
}

fn on_overlay_key(state: &mut State, overlay: Overlay, ev: KeyEvent) -> Vec<Effect> {
    let cmd = state.keymap.resolve(&ev);
    match overlay {
        Overlay::Help { scroll } => popups::help::on_key(state, scroll, cmd),
        Overlay::Retier => popups::prompt::on_retier_key(state, ev),
        Overlay::Snooze { selected } => popups::prompt::on_snooze_key(state, selected, ev, cmd),
        Overlay::Picker(picker) => popups::picker::on_key(state, picker, ev),
        Overlay::Accounts { scroll } => popups::accounts::on_key(state, scroll, cmd),
        Overlay::Outbox { selected } => popups::outbox::on_outbox_key(state, selected, ev, cmd),
        Overlay::Confirm(confirm) => popups::outbox::on_confirm_key(state, confirm, ev),
        Overlay::Reason(prompt) => popups::outbox::on_reason_key(state, prompt, ev),
        Overlay::Schedule(prompt) => popups::schedule::on_key(state, prompt, ev),
        Overlay::People { selected } => popups::people::on_key(state, selected, ev, cmd),
        Overlay::Lead(panel) => popups::lead::on_key(state, panel, ev),
    }
}

fn on_search_key(state: &mut State, ev: KeyEvent) -> Vec<Effect> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let Some(search) = state.search.as_mut() else {
        return Vec::new();
    };
    match ev.code {
        KeyCode::Esc => {
            state.search = None;
            return state.follow_cursor();
        }
        KeyCode::Enter => {
            search.editing = false;
            return state.follow_cursor();
        }
        KeyCode::Down => return command(state, Command::Down),
        KeyCode::Up => return command(state, Command::Up),
        KeyCode::Backspace => {
            search.query.pop();
        }
        KeyCode::Char('u') if ctrl => search.query.clear(),
        KeyCode::Char(c) if !ctrl => search.query.push(c),
        _ => return Vec::new(),
    }
    search.selected = 0;
    vec![Effect::Search(search.query.clone())]
}

fn on_composer_key(state: &mut State, ev: KeyEvent) -> Vec<Effect> {
    // Tab moves between fill-in blanks while the draft has any; otherwise focus.
    if matches!(ev.code, KeyCode::Tab | KeyCode::BackTab)
        && composer::jump_to_blank(state, ev.code == KeyCode::Tab)
    {
        return Vec::new();
    }
    let modified = ev
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    let special = matches!(ev.code, KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab);
    if modified || special {
        // Only commands that make sense while typing may steal a key from the editor.
        if let Some(
            cmd @ (Command::Send
            | Command::SendAnyway
            | Command::SendAck
            | Command::SendLater
            | Command::NextBlank
            | Command::PrevBlank
            | Command::Editor
            | Command::ClearDraft
            | Command::Playbooks
            | Command::Cancel
            | Command::FocusNext
            | Command::FocusPrev
            | Command::Help
            | Command::Quit),
        ) = state.keymap.resolve(&ev)
        {
            return command(state, cmd);
        }
    }
    if !super::composer_keys::edit(&mut state.composer, &ev) {
        state.composer.input(ratatui_textarea::Input::from(ev));
    }
    // An emptied draft is no longer the holding reply a playbook put there.
    if state.composer.is_empty()
        && let Some(id) = state.draft_for
    {
        state.ack_drafts.remove(&id);
    }
    Vec::new()
}
