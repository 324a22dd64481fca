//! The send-later popup's own state.

/// The popup's state: the highlighted choice, and the typed time while typing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchedulePrompt {
    pub conversation_id: i64,
    pub selected: usize,
    /// `Some` while the user types a time (third choice).
    pub typed: Option<String>,
}
