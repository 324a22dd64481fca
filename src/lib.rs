//! hearth: a keyboard-driven terminal inbox for community managers.
//!
//! Layers (an arrow only points down): `cli` → `ui` / `demo` → `store`, `triage`,
//! `playbook` → `model`, `config`, `sanitize`.

// The command line is the one place that talks to the terminal directly; everything
// else logs, because while the TUI runs the screen belongs to it.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod config;
pub mod demo;
pub mod inbox;
pub mod leads;
pub mod model;
pub mod playbook;
pub mod private;
pub mod sanitize;
pub mod store;
pub mod sync;
pub mod timefmt;
pub mod triage;
pub mod ui;
pub mod width;
