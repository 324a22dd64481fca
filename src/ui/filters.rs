//! The brand and location filters, and what an empty filtered queue says.
//!
//! `L` offers only the locations of the brand the brand filter selects (all
//! locations when no brand is selected), and says so when that brand has none,
//! instead of showing an empty queue that looks like "all done".

use super::state::State;
use super::text::clean_line;

/// The locations `L` cycles through: the selected brand's, or every one.
pub fn location_choices(state: &State) -> Vec<String> {
    match &state.filter.brand {
        Some(brand) => state
            .facets
            .brand_locations
            .get(brand)
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default(),
        None => state.facets.locations.iter().cloned().collect(),
    }
}

/// `B`: the next brand; a location filter of another brand is dropped.
/// True when the filter changed.
pub fn cycle_brand(state: &mut State) -> bool {
    state.filter.brand =
        super::commands::cycle(state.facets.brands.iter().cloned(), &state.filter.brand);
    if let Some(location) = &state.filter.location
        && !location_choices(state).contains(location)
    {
        state.filter.location = None;
    }
    true
}

/// `L`: the next location of the selected brand. With none to offer, says why
/// and leaves the filter as it is (false).
pub fn cycle_location(state: &mut State) -> bool {
    let choices = location_choices(state);
    if choices.is_empty() {
        let text = match &state.filter.brand {
            Some(brand) => format!(
                "{} has no locations to filter by; the queue shows all of its items",
                clean_line(brand)
            ),
            None => "no conversation in the cache has a location".to_string(),
        };
        state.notice(text, false);
        return false;
    }
    state.filter.location = super::commands::cycle(choices, &state.filter.location);
    true
}

/// What the queue pane says when it has no rows: a filtered queue must not look
/// like a finished one.
pub fn empty_queue_text(state: &State) -> String {
    let filter = super::view::status::filter_summary(state);
    if filter.is_empty() {
        return "nothing waiting: the queue is clear".to_string();
    }
    let clear = state
        .keymap
        .first_key(super::action::Command::ClearFilters)
        .map(|k| format!(" ({k} clears the filter)"))
        .unwrap_or_default();
    format!("no open items for {filter}{clear}")
}
