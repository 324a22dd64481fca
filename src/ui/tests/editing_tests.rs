//! The composer as a writer's editor (issue 13 item 7): wrapped Up/Down, Ctrl-K,
//! Ctrl-Home/End, clearing with undo, growing while focused, and the bottom
//! line naming the keys that work while typing.

use super::*;
use crate::ui::state::Focus;
use crate::ui::view::layout;
use ratatui::layout::Rect;
use ratatui_textarea::DataCursor;

fn with(state: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, modifiers)))
}

fn composing() -> State {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    assert_eq!(s.focus, Focus::Composer);
    s
}

#[test]
fn up_and_down_move_by_wrapped_row() {
    let mut s = composing();
    let long = "a reply long enough to wrap ".repeat(8);
    typed(&mut s, long.trim_end());
    // The textarea wraps at the width it was last drawn at (78 columns here).
    screen(&s, 80, 24);
    let DataCursor(row, end) = s.composer.cursor();
    assert_eq!((row, end), (0, long.trim_end().chars().count()));
    key(&mut s, KeyCode::Up);
    let DataCursor(row, up) = s.composer.cursor();
    assert_eq!(row, 0, "still the one logical line");
    assert!(
        up > 0 && up < end,
        "one wrapped row up: column {up} of {end}"
    );
    key(&mut s, KeyCode::Down);
    assert_eq!(s.composer.cursor(), DataCursor(0, end));
}

#[test]
fn ctrl_k_on_a_blank_line_deletes_that_line_only() {
    let mut s = composing();
    typed(&mut s, "Hi Maria,");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "Yes, we deliver to Eastside.");
    key(&mut s, KeyCode::Up);
    assert_eq!(s.composer.cursor().0, 1);
    ctrl(&mut s, 'k');
    assert_eq!(s.draft_text(), "Hi Maria,\nYes, we deliver to Eastside.");
    assert_eq!(s.composer.cursor(), DataCursor(1, 0));
    // At the end of a line with text, Ctrl-K does not join the next one.
    with(&mut s, KeyCode::Home, KeyModifiers::CONTROL);
    with(&mut s, KeyCode::End, KeyModifiers::NONE);
    ctrl(&mut s, 'k');
    assert_eq!(s.draft_text(), "Hi Maria,\nYes, we deliver to Eastside.");
}

#[test]
fn ctrl_home_and_ctrl_end_go_to_the_start_and_end_of_the_draft() {
    let mut s = composing();
    typed(&mut s, "first line");
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "second");
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "third and last");
    with(&mut s, KeyCode::Home, KeyModifiers::CONTROL);
    assert_eq!(s.composer.cursor(), DataCursor(0, 0));
    with(&mut s, KeyCode::End, KeyModifiers::CONTROL);
    assert_eq!(s.composer.cursor(), DataCursor(2, 14));
    // Plain Home stays on the line.
    key(&mut s, KeyCode::Home);
    assert_eq!(s.composer.cursor(), DataCursor(2, 0));
}

#[test]
fn clearing_the_draft_is_one_undo_away() {
    let mut s = composing();
    typed(&mut s, "Thanks Maria!");
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "See you Saturday.");
    let fx = ctrl(&mut s, 'l');
    assert!(fx.is_empty());
    assert!(s.composer.is_empty());
    let notice = s
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        notice.contains("cleared") && notice.contains("ctrl-u"),
        "{notice}"
    );
    // Nothing is kept for an empty composer...
    assert!(!s.draft_texts().contains_key(&1));
    // ...until the undo brings it back.
    ctrl(&mut s, 'u');
    assert_eq!(s.draft_text(), "Thanks Maria!\nSee you Saturday.");
    assert_eq!(
        s.draft_texts().get(&1).map(String::as_str),
        Some("Thanks Maria!\nSee you Saturday.")
    );
}

#[test]
fn the_composer_grows_while_focused_and_shrinks_back() {
    let area = Rect::new(0, 0, 140, 40);
    let mut s = loaded_state();
    let unfocused = layout::areas(area, &s).composer.height;
    assert_eq!(unfocused, 4);
    key(&mut s, KeyCode::Char('r'));
    let empty = layout::areas(area, &s).composer.height;
    assert_eq!(empty, 8);
    for i in 0..12 {
        typed(&mut s, &format!("line {i}"));
        key(&mut s, KeyCode::Enter);
    }
    let long = layout::areas(area, &s).composer.height;
    assert!(long > empty, "{long} rows for 13 lines");
    assert!(long <= 38 / 2, "at most half the column: {long}");
    key(&mut s, KeyCode::Esc);
    assert_eq!(layout::areas(area, &s).composer.height, unfocused);

    // 80×24 stacks the panes: the composer still grows, the queue and the
    // thread keep rows.
    let small = Rect::new(0, 0, 80, 24);
    key(&mut s, KeyCode::Char('r'));
    let a = layout::areas(small, &s);
    assert_eq!(a.composer.height, 11);
    assert!(a.queue.height >= 3 && a.thread.height >= 5, "{a:?}");
}

#[test]
fn the_bottom_line_offers_the_composers_keys_while_typing() {
    let mut s = loaded_state();
    let bottom = |s: &State| screen(s, 80, 24).lines().last().unwrap_or("").to_string();
    assert!(bottom(&s).contains("p playbooks"), "{}", bottom(&s));
    key(&mut s, KeyCode::Char('r'));
    let line = bottom(&s);
    assert!(
        !line.contains("p playbooks") && !line.contains("q quit"),
        "{line}"
    );
    assert!(
        line.contains("esc leave") && line.contains("ctrl-k delete line"),
        "{line}"
    );
}

#[test]
fn the_editor_file_ends_with_a_newline_and_it_is_dropped_on_return() {
    let mut s = composing();
    typed(&mut s, "Hi Maria");
    let fx = ctrl(&mut s, 'e');
    let Some(Effect::OpenEditor(draft)) = fx.first() else {
        panic!("no editor effect: {fx:?}");
    };
    assert_eq!(
        crate::ui::composer_keys::editor_file_text(draft),
        "Hi Maria\n"
    );
    feed(
        &mut s,
        Action::EditorDone(Ok("Hi Maria,\nsee you!\n".into())),
    );
    assert_eq!(s.draft_text(), "Hi Maria,\nsee you!");
}
