//! Learning from overrides: the triage engine adapts to the user's corrections
//! (each conversation's latest tier override since the last reset). Re-tier
//! (`workflow.rs`) stores the example and calls [`Inbox::relearn`]; a front end
//! that builds a triage engine on a cache calls [`load`] once.

use super::{Inbox, Result};
use crate::model::Assess;
use crate::store::Store;
use chrono::{DateTime, Utc};

/// Give `assess` what the user taught on this cache. Every front end (TUI, sync,
/// CLI commands, `hearth triage --db`) builds its engine through this.
pub fn load(store: &Store, assess: &dyn Assess) -> Result<usize> {
    let examples = store.learning_examples()?;
    assess.learn(&examples);
    Ok(examples.len())
}

impl Inbox<'_> {
    /// Bring the engine up to date with the stored corrections: a new override is
    /// learned incrementally, a cleared or replaced one refits.
    pub(super) fn relearn(&mut self) -> Result<()> {
        load(self.store, self.assess)?;
        Ok(())
    }

    /// Forget what was learned (the override history stays). Returns how many
    /// corrections were forgotten; triage is the shipped model's again.
    pub fn reset_learning(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let forgotten = self.store.reset_learning(now)?;
        self.relearn()?;
        Ok(forgotten)
    }

    /// How many corrections triage learns from on this cache.
    pub fn learned_corrections(&self) -> Result<usize> {
        Ok(self.store.learning_examples()?.len())
    }
}

#[cfg(test)]
#[path = "learning_tests.rs"]
mod tests;
