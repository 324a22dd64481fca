//! Key routing: overlays and text fields take keys first; everything else goes
//! through the keymap to a `Command`.

// TODO(core refactor): `n as u8` on a digit (a cast clippy cannot prove safe);
// allowed here until the rewrite of src/ui/ lands, then drop this line.
#![allow(clippy::cast_possible_truncation)]

use super::action::{Command, Effect};
use super::popups;
use super::state::{Focus, Overlay, Picker, SnoozeChoice, State};
use super::update::{command, follow_cursor, notice};
use crate::model::Tier;
use crate::playbook::{RenderContext, render};
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
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
        refilter(state, &mut picker);
        state.overlay = Some(Overlay::Picker(picker));
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
        Overlay::Help { scroll } => {
            let scroll = match cmd {
                Some(Command::Down) => scroll.saturating_add(1),
                Some(Command::Up) => scroll.saturating_sub(1),
                Some(Command::PageDown) => scroll.saturating_add(10),
                Some(Command::PageUp) => scroll.saturating_sub(10),
                Some(Command::Top) => 0,
                // Any other key closes the help.
                _ => return Vec::new(),
            };
            state.overlay = Some(Overlay::Help { scroll });
            Vec::new()
        }
        Overlay::Retier => match ev.code {
            KeyCode::Char(c @ '1'..='5') => {
                let tier = c.to_digit(10).and_then(|n| Tier::from_number(n as u8));
                retier(state, tier)
            }
            KeyCode::Char('0' | 'T') => retier(state, None),
            KeyCode::Esc => Vec::new(),
            _ => {
                state.overlay = Some(Overlay::Retier);
                Vec::new()
            }
        },
        Overlay::Snooze { selected } => {
            let last = SnoozeChoice::ALL.len() - 1;
            let pick = match (ev.code, cmd) {
                (KeyCode::Esc, _) => return Vec::new(),
                (KeyCode::Enter, _) => Some(selected),
                (KeyCode::Char(c @ '1'..='9'), _) => c
                    .to_digit(10)
                    .map(|n| n as usize - 1)
                    .filter(|i| *i <= last),
                (_, Some(Command::Down)) => {
                    state.overlay = Some(Overlay::Snooze {
                        selected: (selected + 1).min(last),
                    });
                    None
                }
                (_, Some(Command::Up)) => {
                    state.overlay = Some(Overlay::Snooze {
                        selected: selected.saturating_sub(1),
                    });
                    None
                }
                _ => {
                    state.overlay = Some(Overlay::Snooze { selected });
                    None
                }
            };
            match (pick, state.open.as_ref()) {
                (Some(i), Some(c)) => vec![Effect::Snooze {
                    conversation_id: c.id,
                    until: snooze_until(SnoozeChoice::ALL[i], state.now, state.offset),
                }],
                _ => Vec::new(),
            }
        }
        Overlay::Picker(picker) => on_picker_key(state, picker, ev),
        Overlay::Accounts { scroll } => popups::accounts::on_key(state, scroll, cmd),
        Overlay::Outbox { selected } => popups::outbox::on_outbox_key(state, selected, ev, cmd),
        Overlay::Confirm(confirm) => popups::outbox::on_confirm_key(state, confirm, ev),
        Overlay::Reason(prompt) => popups::outbox::on_reason_key(state, prompt, ev),
        Overlay::Schedule(prompt) => popups::schedule::on_key(state, prompt, ev),
    }
}

fn retier(state: &mut State, tier: Option<Tier>) -> Vec<Effect> {
    match state.open.as_ref() {
        Some(c) => vec![Effect::SetTier {
            conversation_id: c.id,
            tier,
        }],
        None => Vec::new(),
    }
}

/// When a snooze choice ends, in the local offset.
pub fn snooze_until(
    choice: SnoozeChoice,
    now: DateTime<Utc>,
    offset: chrono::FixedOffset,
) -> DateTime<Utc> {
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let today = now.with_timezone(&offset).date_naive();
    let at_nine = |date: chrono::NaiveDate| {
        offset
            .from_local_datetime(&date.and_time(nine))
            .single()
            .map_or(now + Duration::hours(24), |t| t.with_timezone(&Utc))
    };
    match choice {
        SnoozeChoice::OneHour => now + Duration::hours(1),
        SnoozeChoice::ThreeHours => now + Duration::hours(3),
        SnoozeChoice::TomorrowNine => at_nine(today + Duration::days(1)),
        SnoozeChoice::NextMondayNine => {
            let ahead = 7 - i64::from(today.weekday().num_days_from_monday());
            let days = if today.weekday() == Weekday::Mon {
                7
            } else {
                ahead
            };
            at_nine(today + Duration::days(days))
        }
    }
}

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

fn on_picker_key(state: &mut State, mut picker: Picker, ev: KeyEvent) -> Vec<Effect> {
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
        KeyCode::Tab | KeyCode::Right => picker.template += 1,
        KeyCode::BackTab | KeyCode::Left => picker.template = picker.template.saturating_sub(1),
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
        notice(state, "no conversation open".into(), true);
        return;
    };
    let Some(playbook) = picker
        .matches
        .get(picker.selected)
        .and_then(|i| state.playbooks.all().get(*i))
    else {
        notice(state, "no playbook matches".into(), true);
        return;
    };
    let Some(template) = playbook.templates.get(picker.template) else {
        notice(
            state,
            format!("playbook {} has no template", playbook.name),
            true,
        );
        return;
    };
    let ctx = RenderContext::for_conversation(conv, &state.config);
    // Placeholders carry cache text (the author's name): clean it like any other.
    let text = super::text::clean(&render(&template.text, &ctx)).into_owned();
    let name = playbook.name.clone();
    let has_blanks = !crate::playbook::blanks(&text).is_empty();
    state.composer.insert_str(text);
    state.focus = Focus::Composer;
    if has_blanks {
        // Start on the first blank, so the writer fills it in right away.
        state
            .composer
            .move_cursor(ratatui_textarea::CursorMove::Jump(0, 0));
        select_blank(state, crate::playbook::next_blank(&state.draft_text(), 0));
        notice(
            state,
            format!("inserted '{name}': fill each [[blank]] (Tab: next blank)"),
            false,
        );
    } else {
        notice(state, format!("inserted playbook '{name}'"), false);
    }
}

/// Select the next (or previous) `[[blank]]` of the draft, wrapping around, so
/// typing replaces it. False when the draft has none.
pub fn jump_to_blank(state: &mut State, forward: bool) -> bool {
    let text = state.draft_text();
    let ratatui_textarea::DataCursor(row, col) = state.composer.cursor();
    let at = crate::playbook::byte_of(&text, row, col);
    let blank = if forward {
        // From just after the cursor, so a selected blank moves on to the next one.
        crate::playbook::next_blank(&text, (at + 1).min(text.len()))
    } else {
        crate::playbook::prev_blank(&text, at)
    };
    select_blank(state, blank)
}

fn select_blank(state: &mut State, blank: Option<crate::playbook::Blank>) -> bool {
    let Some(blank) = blank else {
        return false;
    };
    let text = state.draft_text();
    let (r0, c0) = crate::playbook::line_col_of(&text, blank.range.start);
    let (r1, c1) = crate::playbook::line_col_of(&text, blank.range.end);
    let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    state.composer.cancel_selection();
    state
        .composer
        .move_cursor(ratatui_textarea::CursorMove::Jump(to_u16(r0), to_u16(c0)));
    state.composer.start_selection();
    state
        .composer
        .move_cursor(ratatui_textarea::CursorMove::Jump(to_u16(r1), to_u16(c1)));
    true
}

fn on_search_key(state: &mut State, ev: KeyEvent) -> Vec<Effect> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let Some(search) = state.search.as_mut() else {
        return Vec::new();
    };
    match ev.code {
        KeyCode::Esc => {
            state.search = None;
            return follow_cursor(state);
        }
        KeyCode::Enter => {
            search.editing = false;
            return follow_cursor(state);
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
        && jump_to_blank(state, ev.code == KeyCode::Tab)
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
            | Command::SendLater
            | Command::NextBlank
            | Command::PrevBlank
            | Command::Editor
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
    state.composer.input(ratatui_textarea::Input::from(ev));
    Vec::new()
}
