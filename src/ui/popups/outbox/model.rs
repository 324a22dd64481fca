//! The outbox popup's own state types: the y/n question and the reason chooser.

use crate::inbox::ModerateRequest;
use crate::model::ModerationReason;

/// What a "yes" carries out.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Moderate, with `force` set: the user saw the warnings and said yes.
    Moderate(ModerateRequest),
    /// Send again an item that may already have gone out; back to the outbox after.
    ResendUnknown { outbox_id: i64, selected: usize },
}

/// A y/n question in a popup.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub pending: Pending,
    pub question: String,
    /// The message acted on, for context (cache text: cleaned by the view).
    pub preview: Option<String>,
    pub warnings: Vec<String>,
}

/// The reason chooser shown before a hide or delete: each reason is a strike.
#[derive(Debug, Clone, PartialEq)]
pub struct ReasonPrompt {
    pub request: ModerateRequest,
    pub author: String,
    pub preview: String,
    /// A bulk hide: every selected conversation (empty: just `request`).
    pub bulk: Vec<i64>,
}

/// The reasons in chooser order, with their keys.
pub const REASONS: [(char, ModerationReason); 5] = [
    ('h', ModerationReason::Hate),
    ('t', ModerationReason::Troll),
    ('s', ModerationReason::Spam),
    ('p', ModerationReason::Promo),
    ('o', ModerationReason::Other),
];
