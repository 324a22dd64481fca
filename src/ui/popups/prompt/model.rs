//! The snooze prompt's choices.

/// The snooze choices, in chooser order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeChoice {
    OneHour,
    ThreeHours,
    TomorrowNine,
    NextMondayNine,
}

impl SnoozeChoice {
    pub const ALL: [SnoozeChoice; 4] = [
        SnoozeChoice::OneHour,
        SnoozeChoice::ThreeHours,
        SnoozeChoice::TomorrowNine,
        SnoozeChoice::NextMondayNine,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SnoozeChoice::OneHour => "1 hour",
            SnoozeChoice::ThreeHours => "3 hours",
            SnoozeChoice::TomorrowNine => "tomorrow 9:00",
            SnoozeChoice::NextMondayNine => "next Monday 9:00",
        }
    }
}
