//! The moderation policy: what each strike against an author leads to.

use serde::Deserialize;

/// `[moderation]`: at which strike count each step applies (0 turns a step off).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ModerationConfig {
    /// Strike that brings a warning (a reply from `warning_playbook`).
    pub warning_at: u32,
    /// Strike that brings a suspension (mute or time-out, where the platform can).
    pub suspension_at: u32,
    /// Strike that brings a ban (block or Page ban, where the platform can).
    pub ban_at: u32,
    /// How long a suspension lasts.
    pub suspension_days: u32,
    /// The playbook and template a warning is written from.
    pub warning_playbook: String,
    pub warning_template: String,
}

impl Default for ModerationConfig {
    fn default() -> Self {
        ModerationConfig {
            warning_at: 1,
            suspension_at: 2,
            ban_at: 3,
            suspension_days: 7,
            warning_playbook: "spam-troll".into(),
            warning_template: "warning".into(),
        }
    }
}
