//! The `[triage]` section of the config: user additions to the default rules.
//! (Owned by the triage work; see `crate::triage`.)

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TriageConfig {}
