//! Views: pure functions of `State` that draw into a frame. Snapshot tests use
//! the very same functions the terminal does.

pub mod composer;
pub mod layout;
pub mod queue;
pub mod status;
pub mod thread;

use super::popups;
use super::state::{Overlay, State};
use ratatui::Frame;
use ratatui::layout::Rect;

/// Draw the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let areas = layout::areas(area, state);
    queue::render(state, frame, areas.queue);
    thread::render(state, frame, areas.thread);
    composer::render(state, frame, areas.composer);
    status::render(state, frame, areas.status);
    match &state.overlay {
        Some(Overlay::Help { .. }) => popups::help::view::render(state, frame, area),
        Some(Overlay::Picker(_)) => popups::picker::view::render(state, frame, area),
        Some(Overlay::Snooze { .. } | Overlay::Retier) => {
            popups::prompt::view::render(state, frame, area);
        }
        Some(Overlay::Accounts { .. }) => popups::accounts::view::render(state, frame, area),
        Some(Overlay::Outbox { .. }) => popups::outbox::view::render(state, frame, area),
        Some(Overlay::Confirm(_)) => popups::outbox::view::render_confirm(state, frame, area),
        Some(Overlay::Reason(_)) => popups::outbox::view::render_reason(state, frame, area),
        Some(Overlay::Schedule(_)) => popups::schedule::view::render(state, frame, area),
        Some(Overlay::People { .. }) => popups::people::view::render(state, frame, area),
        Some(Overlay::Lead(_)) => popups::lead::view::render(state, frame, area),
        None => {}
    }
}

/// Record what the current layout allows, for `update` to clamp against: the
/// half-page step and how far the thread can scroll.
pub fn measure(state: &mut State) {
    let (w, h) = state.size;
    let areas = layout::areas(Rect::new(0, 0, w, h), state);
    state.page = usize::from(areas.queue.height.saturating_sub(2) / 2).max(1);
    state.thread_max_scroll = thread::max_scroll(state);
    state.thread_scroll = state.thread_scroll.min(state.thread_max_scroll);
}
