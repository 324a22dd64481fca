//! Popups: each one owns its state (a `model`), its keys (`mod.rs`) and its
//! drawing (`view`), in the manner of gitui's popups. `state::Overlay` says which
//! one is open; `input` routes keys to it and `view` draws it.

pub mod accounts;
pub mod help;
pub mod lead;
pub mod outbox;
pub mod people;
pub mod picker;
pub mod prompt;
pub mod schedule;
