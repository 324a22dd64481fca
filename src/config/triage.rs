//! The `[triage]` section of the config: user additions to the default rules in
//! `assets/triage.toml`. (Owned by the triage work; see `crate::triage`.)
//!
//! ```toml
//! [triage]
//! revenue = ["do you deliver to", "catering"]   # extra purchase-intent phrases
//! retention = ["cold coffee"]                   # extra complaint phrases
//! spam = ["dm me for a collab"]
//! follow_up = ["any news"]                      # nudges after no answer
//! disable = ["late"]                            # default phrases to switch off
//! ```
//! A phrase is lowercase words; a word ending in `*` matches any word that starts
//! with it (`refund*` matches "refunded"), `#` matches any number ("10k"). Apostrophes
//! are ignored ("don't" = "dont"). Chinese, Japanese and Korean phrases match anywhere
//! inside the text, since those scripts put no spaces between words.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TriageConfig {
    /// Extra tier-1 phrases (purchase intent).
    pub revenue: Vec<String>,
    /// Extra tier-2 phrases (complaints, service failures).
    pub retention: Vec<String>,
    /// Extra tier-3 phrases (genuine questions).
    pub engagement: Vec<String>,
    /// Extra tier-4 phrases (praise, thanks).
    pub acknowledgment: Vec<String>,
    /// Extra spam phrases (tier 5).
    pub spam: Vec<String>,
    /// Extra troll / abuse phrases (tier 5 unless the text is also a complaint).
    pub troll: Vec<String>,
    /// Extra opinion-only complaint phrases ("overpriced"): tier 2 unless also abuse.
    pub dislike: Vec<String>,
    /// Extra follow-up nudges ("any news"): a message made only of them means the
    /// customer is waiting on us (tier 2).
    pub follow_up: Vec<String>,
    /// Default phrases to switch off, in any list, spelled as in `assets/triage.toml`.
    pub disable: Vec<String>,
}
