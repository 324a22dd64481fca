//! Lead qualification's pure logic: what the customer's messages suggest for each
//! lead field (`extract` reads the text). Nothing here writes: a suggestion is
//! applied only when the user confirms it (`inbox::lead`).

pub mod extract;

use crate::model::{Direction, Lead, LeadField, Message, Money};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// At most this many suggestions are offered at once (one key each: 1-9).
pub const MAX_SUGGESTIONS: usize = 9;

/// What a suggestion would set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Suggested {
    Text(String),
    Money(Money),
    /// A timeline: the words and the day they come to.
    Date(NaiveDate),
}

/// One value read from the thread, waiting for the user to confirm it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub field: LeadField,
    pub value: Suggested,
    /// The customer's words it was read from.
    pub quote: String,
    /// The message it was read from.
    pub message_id: i64,
}

impl Suggestion {
    /// How the panel and the CLI show it: "timeline: next Saturday (2026-12-05)".
    pub fn describe(&self) -> String {
        let value = match &self.value {
            Suggested::Text(t) => t.clone(),
            Suggested::Money(m) => m.to_string(),
            Suggested::Date(d) => format!("{} ({d})", self.quote),
        };
        format!("{}: {value}", self.field)
    }

    /// Whether the lead already holds this value.
    fn already_in(&self, lead: &Lead) -> bool {
        match (&self.value, self.field) {
            (Suggested::Money(m), LeadField::Value) => lead.value.as_ref() == Some(m),
            (Suggested::Date(d), _) => lead.timeline_on == Some(*d),
            (Suggested::Text(t), LeadField::Phone) => lead
                .phone
                .as_deref()
                .and_then(extract::phone_number)
                .is_some_and(|p| &p == t),
            (Suggested::Text(t), field) => lead
                .field_text(field)
                .is_some_and(|have| have.eq_ignore_ascii_case(t)),
            (Suggested::Money(_), _) => false,
        }
    }
}

/// The day a message was written, where the business is (UTC without one).
pub fn local_day(at: DateTime<Utc>, tz: Option<Tz>) -> NaiveDate {
    match tz {
        Some(tz) => at.with_timezone(&tz).date_naive(),
        None => at.date_naive(),
    }
}

/// Suggestions from the customer's messages (newest first), skipping what the
/// lead already holds and repeats. An amount suggests both the budget (as said)
/// and the estimated value; each is confirmed on its own.
pub fn suggest(
    messages: &[Message],
    lead: &Lead,
    service_areas: &[String],
    tz: Option<Tz>,
) -> Vec<Suggestion> {
    let mut inbound: Vec<&Message> = messages
        .iter()
        .filter(|m| m.direction == Direction::Inbound)
        .collect();
    inbound.sort_by_key(|m| std::cmp::Reverse((m.sent_at, m.id)));
    let mut out: Vec<Suggestion> = Vec::new();
    let mut push = |s: Suggestion| {
        let repeat = out.iter().any(|o| o.field == s.field && o.value == s.value);
        if !repeat && !s.already_in(lead) {
            out.push(s);
        }
    };
    for m in inbound {
        let id = m.id;
        let text = m.body.as_str();
        for f in extract::dates(text, local_day(m.sent_at, tz)) {
            push(Suggestion {
                field: LeadField::Timeline,
                value: Suggested::Date(f.value),
                quote: f.text,
                message_id: id,
            });
        }
        for f in extract::amounts(text) {
            push(Suggestion {
                field: LeadField::Budget,
                value: Suggested::Text(f.text.clone()),
                quote: f.text.clone(),
                message_id: id,
            });
            push(Suggestion {
                field: LeadField::Value,
                value: Suggested::Money(f.value),
                quote: f.text,
                message_id: id,
            });
        }
        for f in extract::places(text, service_areas) {
            push(Suggestion {
                field: LeadField::Location,
                value: Suggested::Text(f.value),
                quote: f.text,
                message_id: id,
            });
        }
        for f in extract::emails(text) {
            push(Suggestion {
                field: LeadField::Email,
                value: Suggested::Text(f.value),
                quote: f.text,
                message_id: id,
            });
        }
        for f in extract::phones(text) {
            push(Suggestion {
                field: LeadField::Phone,
                value: Suggested::Text(f.value),
                quote: f.text,
                message_id: id,
            });
        }
    }
    // Unknown fields first, so the panel's first keys fill the gaps.
    out.sort_by_key(|s| lead.field_text(s.field).is_some());
    out.truncate(MAX_SUGGESTIONS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn msg(id: i64, direction: Direction, body: &str, at: DateTime<Utc>) -> Message {
        Message {
            id,
            conversation_id: 1,
            platform_id: format!("m{id}"),
            direction,
            author: "Dana".into(),
            body: body.into(),
            sent_at: at,
            acknowledgment: false,
        }
    }

    #[test]
    fn suggestions_come_from_the_customer_and_skip_known_values() {
        // Wednesday 2 December 2026, 23:30 UTC: already Thursday in Berlin.
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 23, 30, 0).unwrap();
        let messages = vec![
            msg(
                1,
                Direction::Inbound,
                "Hi! Cake for 20 people tomorrow in Potsdam, budget €300. ana@example.com",
                at,
            ),
            msg(2, Direction::Outbound, "Call us on +49 30 1234567", at),
        ];
        let mut lead = Lead::new(1, at);
        lead.email = Some("ana@example.com".into());
        let areas = vec!["Potsdam".to_string()];
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let found = suggest(&messages, &lead, &areas, Some(tz));
        let described: Vec<String> = found.iter().map(Suggestion::describe).collect();
        assert_eq!(
            described,
            [
                "timeline: tomorrow (2026-12-04)",
                "budget: €300",
                "value: EUR 300.00",
                "location: Potsdam",
            ],
            "our own phone number and the known email are not suggested"
        );
        // Without the business's zone the day is UTC's.
        let utc = suggest(&messages, &lead, &areas, None);
        assert_eq!(
            utc[0].value,
            Suggested::Date(at.date_naive().succ_opt().unwrap())
        );
    }

    #[test]
    fn repeats_are_offered_once_and_at_most_nine() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
        let body = "€1 €2 €3 €4 €5 €6 €7 €8 €9 €10";
        let messages = vec![
            msg(1, Direction::Inbound, "€1", at),
            msg(2, Direction::Inbound, body, at),
        ];
        let found = suggest(&messages, &Lead::new(1, at), &[], None);
        assert_eq!(found.len(), MAX_SUGGESTIONS);
        let ones = found
            .iter()
            .filter(|s| s.field == LeadField::Budget && s.quote == "€1")
            .count();
        assert_eq!(ones, 1);
    }
}
