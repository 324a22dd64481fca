//! What a connector learns about cached messages besides their text: a comment
//! hidden on the platform, a review edited or deleted, a reply still in moderation.
//! Handed to the store with the page it came with, so both land in one transaction.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use super::ParseEnumError;

/// How the platform shows a message now. Only `Visible` messages count when the
/// store decides whether a conversation is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageState {
    Visible,
    /// A moderator hid it on the platform (Meta's hidden comments): it stays in
    /// the thread but needs no answer.
    Hidden,
    /// The platform no longer has it (deleted by its author, or a removed review).
    Deleted,
    /// A newer version of the same text exists (an edited review or reply): kept
    /// as history, not shown as a message of its own.
    Replaced,
    /// A reply the platform is still moderating: not yet an answer.
    Pending,
    /// A reply the platform refused: no answer at all.
    Rejected,
}
word_enum!(MessageState, "message state", {
    Visible => "visible", Hidden => "hidden", Deleted => "deleted", Replaced => "replaced",
    Pending => "pending", Rejected => "rejected",
});

/// Settles which cached messages of one thread the platform still shows. Every
/// message of `thread_id` whose platform id starts with `prefix`, other than those
/// in `keep`, takes the state `others`; a kept message that was `Deleted` or
/// `Replaced` is visible again (a review edited back to an earlier text). Messages
/// hearth wrote that have not reached the platform yet are never touched.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub thread_id: String,
    /// "" for every message of the thread.
    pub prefix: String,
    pub keep: Vec<String>,
    pub others: MessageState,
}

/// Everything a page says about messages beyond the messages themselves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts {
    /// Applied first.
    pub sweeps: Vec<Sweep>,
    /// (platform id, state): applied after the sweeps, so they win.
    pub states: Vec<(String, MessageState)>,
}

impl PageFacts {
    pub fn is_empty(&self) -> bool {
        self.sweeps.is_empty() && self.states.is_empty()
    }

    /// Add another page's facts to these.
    pub fn extend(&mut self, other: PageFacts) {
        self.sweeps.extend(other.sweeps);
        self.states.extend(other.states);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_words() {
        for s in MessageState::ALL {
            assert_eq!(s.as_str().parse::<MessageState>().unwrap(), *s);
        }
        assert!("gone".parse::<MessageState>().is_err());
    }
}
