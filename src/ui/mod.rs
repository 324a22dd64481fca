//! The terminal UI: state, actions, a pure `update`, views, keymap, theme and the
//! runtime loop that owns the terminal and the store connection.

pub mod action;
pub mod command;
pub mod commands;
pub mod composer;
pub mod composer_keys;
pub mod data;
pub mod drafts;
pub mod effects;
pub mod filters;
pub mod hold;
pub mod input;
pub mod jobs;
pub mod keymap;
pub mod popups;
pub mod runtime;
pub mod selection;
pub mod state;
pub mod sync_events;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod undo;
pub mod update;
pub mod view;
pub mod widgets;

#[cfg(test)]
pub(crate) mod tests;

use std::path::PathBuf;

pub use keymap::Keymap;
pub use runtime::run;
pub use theme::Theme;

/// The inbox was stopped by a signal (SIGTERM, SIGHUP, SIGQUIT): the terminal is
/// restored and drafts are kept; the process should exit 128 + the signal number.
#[derive(Debug, thiserror::Error)]
#[error("stopped by signal {0}; the terminal is restored and drafts are kept")]
pub struct StoppedBySignal(pub i32);

/// What the CLI hands the UI.
pub struct UiContext {
    pub db_path: PathBuf,
    pub config: crate::config::Config,
    pub playbooks: crate::playbook::Library,
    pub demo: bool,
    /// The triage engine: the core re-assesses a conversation a cancelled reply reopens.
    pub assess: std::sync::Arc<dyn crate::model::Assess + Send + Sync>,
}
