//! The help popup: every binding, generated from the keymap. It owns its keys
//! (here) and its drawing (`view`).

pub mod view;

use crate::ui::action::{Command, Effect};
use crate::ui::state::{Overlay, State};

/// Keys while help is open: scroll, any other key closes it.
pub fn on_key(state: &mut State, scroll: u16, cmd: Option<Command>) -> Vec<Effect> {
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
