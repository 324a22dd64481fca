//! Keeping drafts in the cache: the runtime writes what changed every second and
//! on the way out (quit, a signal), so an unsent reply survives quitting, a crash
//! or `kill`. Only differences are written.

use super::state::State;
use crate::store::Store;
use chrono::Utc;
use std::collections::BTreeMap;

/// What the cache holds, as last written.
#[derive(Debug, Default)]
pub struct DraftSync {
    saved: BTreeMap<i64, String>,
}

impl DraftSync {
    /// Start from the drafts the cache already holds.
    pub fn new(saved: &[(i64, String)]) -> DraftSync {
        DraftSync {
            saved: saved.iter().cloned().collect(),
        }
    }

    /// Write every draft that changed since the last flush; forget sent ones.
    pub fn flush(&mut self, store: &Store, state: &State) {
        let now = Utc::now();
        let current = state.draft_texts();
        for (id, text) in &current {
            if self.saved.get(id) != Some(text) {
                if let Err(e) = store.save_draft(*id, text, now) {
                    tracing::warn!(error = %e, conversation = id, "cannot keep the draft");
                    continue;
                }
                self.saved.insert(*id, text.clone());
            }
        }
        let gone: Vec<i64> = self
            .saved
            .keys()
            .filter(|id| !current.contains_key(id))
            .copied()
            .collect();
        for id in gone {
            match store.save_draft(id, "", now) {
                Ok(()) => {
                    self.saved.remove(&id);
                }
                Err(e) => tracing::warn!(error = %e, conversation = id, "cannot drop the draft"),
            }
        }
    }
}
