//! Popups: each one owns its state, its keys and its drawing in one module
//! (in the manner of gitui's popups). `state::Overlay` says which one is open.

pub mod accounts;
pub mod outbox;
pub mod schedule;
