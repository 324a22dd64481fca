//! The lead panel's own state.

use crate::inbox::LeadView;
use crate::model::LeadField;

/// The panel over one conversation: its lead once read (`None` while loading),
/// and the field being typed, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadPanel {
    pub conversation_id: i64,
    pub view: Option<Box<LeadView>>,
    /// The conversation is not a lead (yet): `m` marks it.
    pub not_a_lead: bool,
    /// A field's new value being typed (enter saves, esc drops it).
    pub editing: Option<(LeadField, String)>,
}

impl LeadPanel {
    pub fn loading(conversation_id: i64) -> LeadPanel {
        LeadPanel {
            conversation_id,
            view: None,
            not_a_lead: false,
            editing: None,
        }
    }
}

/// Field keys in the panel: press one, type the value, enter.
pub const FIELD_KEYS: [(char, LeadField); 7] = [
    ('n', LeadField::Need),
    ('t', LeadField::Timeline),
    ('b', LeadField::Budget),
    ('l', LeadField::Location),
    ('v', LeadField::Value),
    ('e', LeadField::Email),
    ('p', LeadField::Phone),
];

/// The key that edits `field`.
pub fn key_of(field: LeadField) -> char {
    FIELD_KEYS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or('?', |(k, _)| *k)
}
