//! hearth: a keyboard-driven terminal inbox for community managers.
//!
//! Layers (an arrow only points down): `cli` → `ui` / `demo` → `store`, `triage`,
//! `playbook` → `model`, `config`, `sanitize`.

pub mod cli;
pub mod config;
pub mod inbox;
pub mod demo;
pub mod model;
pub mod playbook;
pub mod sanitize;
pub mod store;
pub mod sync;
pub mod timefmt;
pub mod triage;
pub mod ui;
