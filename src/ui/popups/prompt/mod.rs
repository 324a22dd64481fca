//! The snooze and re-tier prompts: small choosers that own their keys (here),
//! their choices (`model`) and their drawing (`view`).

pub mod model;
pub mod view;

pub use model::SnoozeChoice;

use crate::inbox::BulkAction;
use crate::model::Tier;
use crate::ui::action::{Command, Effect};
use crate::ui::selection;
use crate::ui::state::{Overlay, State};
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use crossterm::event::{KeyCode, KeyEvent};

/// Keys in the re-tier prompt: 1-5 set the tier, 0 or T clear the override.
pub fn on_retier_key(state: &mut State, ev: KeyEvent) -> Vec<Effect> {
    match ev.code {
        KeyCode::Char(c @ '1'..='5') => {
            let tier = c
                .to_digit(10)
                .and_then(|n| u8::try_from(n).ok())
                .and_then(Tier::from_number);
            retier(state, tier)
        }
        KeyCode::Char('0' | 'T') => retier(state, None),
        KeyCode::Esc => Vec::new(),
        _ => {
            state.overlay = Some(Overlay::Retier);
            Vec::new()
        }
    }
}

/// Keys in the snooze prompt: a number or j/k + enter picks, esc cancels.
pub fn on_snooze_key(
    state: &mut State,
    selected: usize,
    ev: KeyEvent,
    cmd: Option<Command>,
) -> Vec<Effect> {
    let last = SnoozeChoice::ALL.len() - 1;
    let pick = match (ev.code, cmd) {
        (KeyCode::Esc, _) => return Vec::new(),
        (KeyCode::Enter, _) => Some(selected),
        (KeyCode::Char(c @ '1'..='9'), _) => c
            .to_digit(10)
            .map(|n| n as usize - 1)
            .filter(|i| *i <= last),
        (_, Some(Command::Down)) => {
            state.overlay = Some(Overlay::Snooze {
                selected: (selected + 1).min(last),
            });
            None
        }
        (_, Some(Command::Up)) => {
            state.overlay = Some(Overlay::Snooze {
                selected: selected.saturating_sub(1),
            });
            None
        }
        _ => {
            state.overlay = Some(Overlay::Snooze { selected });
            None
        }
    };
    let Some(i) = pick else {
        return Vec::new();
    };
    let until = snooze_until(SnoozeChoice::ALL[i], state.now, state.offset);
    if !selection::targets(state).is_empty() {
        return selection::run(state, BulkAction::Snooze(until));
    }
    match state.open.as_ref() {
        Some(c) => vec![Effect::Snooze {
            conversation_id: c.id,
            until,
        }],
        None => Vec::new(),
    }
}

fn retier(state: &mut State, tier: Option<Tier>) -> Vec<Effect> {
    if !selection::targets(state).is_empty() {
        return selection::run(state, BulkAction::Retier(tier));
    }
    let Some(id) = state.open.as_ref().map(|c| c.id) else {
        return Vec::new();
    };
    // The selection stays on it, even if the new tier is outside the filter.
    crate::ui::hold::hold(state, id);
    vec![Effect::SetTier {
        conversation_id: id,
        tier,
    }]
}

/// When a snooze choice ends, in the local offset.
pub fn snooze_until(
    choice: SnoozeChoice,
    now: DateTime<Utc>,
    offset: chrono::FixedOffset,
) -> DateTime<Utc> {
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let today = now.with_timezone(&offset).date_naive();
    let at_nine = |date: chrono::NaiveDate| {
        offset
            .from_local_datetime(&date.and_time(nine))
            .single()
            .map_or(now + Duration::hours(24), |t| t.with_timezone(&Utc))
    };
    match choice {
        SnoozeChoice::OneHour => now + Duration::hours(1),
        SnoozeChoice::ThreeHours => now + Duration::hours(3),
        SnoozeChoice::TomorrowNine => at_nine(today + Duration::days(1)),
        SnoozeChoice::NextMondayNine => {
            let ahead = 7 - i64::from(today.weekday().num_days_from_monday());
            let days = if today.weekday() == Weekday::Mon {
                7
            } else {
                ahead
            };
            at_nine(today + Duration::days(days))
        }
    }
}
