//! Moderation vocabulary: why a message was hidden or deleted, and what each strike
//! against its author leads to.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use super::ParseEnumError;

/// Why the user hid or deleted a message. Each counts as a strike against the author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModerationReason {
    Hate,
    Troll,
    Spam,
    Promo,
    Other,
}
word_enum!(ModerationReason, "moderation reason", {
    Hate => "hate", Troll => "troll", Spam => "spam", Promo => "promo", Other => "other",
});

/// What a strike leads to under the moderation policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StrikeStep {
    /// Nothing beyond counting the strike.
    None,
    /// Tell the author the rules (a reply from a playbook template, where possible).
    Warning,
    /// Mute or time the author out for some days, where the platform can.
    Suspension,
    /// Block or ban the author, where the platform can.
    Ban,
}
word_enum!(StrikeStep, "strike step", {
    None => "none", Warning => "warning", Suspension => "suspension", Ban => "ban",
});
