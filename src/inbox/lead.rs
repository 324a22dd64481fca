//! Lead qualification: mark a conversation as a lead, show what is known and
//! what is still unknown (the next question), fill fields, confirm what the
//! thread suggests, and move the stage along the pipeline.
//!
//! A tier-1 conversation is a lead from the start; any other becomes one when
//! the user marks it (or fills a field). Filling the first field of a `new`
//! lead moves it to `qualifying`. Stages move only as `LeadStage::can_move_to`
//! allows. Nothing read from the thread is applied until the user confirms it.

use super::{Inbox, InboxError, Result};
use crate::leads::{self, Suggested, Suggestion, extract};
use crate::model::{Conversation, Lead, LeadField, LeadGap, LeadStage, Money, Tier};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Newest messages read for suggestions.
const SUGGEST_FROM: usize = 200;

/// A lead as the front ends show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeadView {
    pub conversation: Conversation,
    pub lead: Lead,
    /// What the thread suggests, unknown fields first; one key each.
    pub suggestions: Vec<Suggestion>,
    /// What is still unknown, in the order worth asking.
    pub unknown: Vec<LeadGap>,
}

impl LeadView {
    /// The first unknown and the question that fills it.
    pub fn next_question(&self) -> Option<(LeadGap, &'static str)> {
        self.unknown.first().map(|g| (*g, g.question()))
    }
}

/// Fields to set, as the user typed them; `Some("")` clears a field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadUpdate {
    pub need: Option<String>,
    pub timeline: Option<String>,
    pub budget: Option<String>,
    pub location: Option<String>,
    /// The estimated value: a number ("1200", "1.200,50", "1,5k"), or an
    /// amount with its currency ("€1.200").
    pub value: Option<String>,
    /// ISO 4217 code for `value` (default: the amount's own, else the lead's).
    pub currency: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub stage: Option<LeadStage>,
}

impl LeadUpdate {
    /// Nothing to change.
    pub fn is_empty(&self) -> bool {
        *self == LeadUpdate::default()
    }
}

/// One validated change to a lead.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Text(LeadField, Option<String>),
    Timeline(Option<String>, Option<NaiveDate>),
    Value(Option<Money>),
    Stage(LeadStage),
}

impl Inbox<'_> {
    /// The lead of conversation `id`, its suggestions and what is still unknown.
    pub fn lead(&self, id: i64) -> Result<LeadView> {
        let conversation = self.conversation(id)?;
        let lead = self
            .lead_of(&conversation)?
            .ok_or(InboxError::NotALead(id))?;
        let messages = self.store.messages(id, SUGGEST_FROM)?;
        let areas = self.config.service_areas_for(conversation.brand.as_deref());
        let suggestions = leads::suggest(&messages, &lead, areas, self.business_tz());
        Ok(LeadView {
            unknown: lead.gaps(),
            conversation,
            lead,
            suggestions,
        })
    }

    /// Make conversation `id` a lead (nothing changes if it already is one).
    pub fn mark_lead(&mut self, id: i64, now: DateTime<Utc>) -> Result<Lead> {
        let conversation = self.conversation(id)?;
        if let Some(lead) = self.store.lead(id)? {
            return Ok(lead);
        }
        let mut lead = Lead::new(conversation.id, now);
        lead.stored = true;
        self.store.save_lead(&lead)?;
        Ok(lead)
    }

    /// Set the fields and the stage given; a conversation that was not a lead
    /// becomes one. Every value is checked before anything is written.
    pub fn update_lead(
        &mut self,
        id: i64,
        update: &LeadUpdate,
        now: DateTime<Utc>,
    ) -> Result<Lead> {
        let conversation = self.conversation(id)?;
        let current = self
            .lead_of(&conversation)?
            .unwrap_or_else(|| Lead::new(id, now));
        let changes = self.changes(&current, update, now)?;
        self.write(current, changes, now)
    }

    /// Move the lead along the pipeline (only as `LeadStage::can_move_to` allows).
    pub fn set_lead_stage(
        &mut self,
        id: i64,
        stage: LeadStage,
        now: DateTime<Utc>,
    ) -> Result<Lead> {
        let update = LeadUpdate {
            stage: Some(stage),
            ..LeadUpdate::default()
        };
        self.update_lead(id, &update, now)
    }

    /// Apply one suggestion the user confirmed.
    pub fn confirm_suggestion(
        &mut self,
        id: i64,
        suggestion: &Suggestion,
        now: DateTime<Utc>,
    ) -> Result<Lead> {
        let conversation = self.conversation(id)?;
        let current = self
            .lead_of(&conversation)?
            .ok_or(InboxError::NotALead(id))?;
        let change = match (&suggestion.value, suggestion.field) {
            (Suggested::Date(day), _) => {
                Change::Timeline(Some(suggestion.quote.clone()), Some(*day))
            }
            (Suggested::Money(m), _) => Change::Value(Some(m.clone())),
            (Suggested::Text(t), field) => Change::Text(field, Some(t.clone())),
        };
        self.write(current, vec![change], now)
    }

    /// The stored lead, or a fresh one for a tier-1 conversation.
    fn lead_of(&self, conversation: &Conversation) -> Result<Option<Lead>> {
        if let Some(lead) = self.store.lead(conversation.id)? {
            return Ok(Some(lead));
        }
        Ok((conversation.tier == Tier::Revenue)
            .then(|| Lead::new(conversation.id, conversation.last_message_at)))
    }

    fn business_tz(&self) -> Option<Tz> {
        self.config
            .business_hours
            .as_ref()
            .and_then(|h| h.timezone.parse::<Tz>().ok())
    }

    /// The update checked and turned into changes; the first bad value stops it.
    fn changes(&self, lead: &Lead, u: &LeadUpdate, now: DateTime<Utc>) -> Result<Vec<Change>> {
        let mut changes = Vec::new();
        let cleared = |t: &str| {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        for (field, text) in [
            (LeadField::Need, &u.need),
            (LeadField::Budget, &u.budget),
            (LeadField::Location, &u.location),
        ] {
            if let Some(t) = text {
                changes.push(Change::Text(field, cleared(t)));
            }
        }
        if let Some(t) = &u.timeline {
            let text = cleared(t);
            let today = leads::local_day(now, self.business_tz());
            let day = text
                .as_deref()
                .and_then(|t| extract::dates(t, today).into_iter().next())
                .map(|f| f.value);
            changes.push(Change::Timeline(text, day));
        }
        if let Some(t) = &u.email {
            let email = cleared(t);
            if let Some(e) = &email
                && !extract::is_email(e)
            {
                return Err(InboxError::BadLeadValue(format!(
                    "'{e}' is not an email address"
                )));
            }
            changes.push(Change::Text(LeadField::Email, email));
        }
        if let Some(t) = &u.phone {
            let phone = match cleared(t) {
                None => None,
                Some(p) => Some(typed_phone(&p).ok_or_else(|| {
                    InboxError::BadLeadValue(format!(
                        "'{p}' is not a phone number (7 to 15 digits, e.g. +49 30 1234567)"
                    ))
                })?),
            };
            changes.push(Change::Text(LeadField::Phone, phone));
        }
        match (&u.value, &u.currency) {
            (Some(v), currency) => {
                changes.push(Change::Value(typed_value(v, currency.as_deref(), lead)?));
            }
            (None, Some(c)) => {
                let code = currency_code(c)?;
                let Some(value) = &lead.value else {
                    return Err(InboxError::BadLeadValue(
                        "a currency needs a value: give --value too".into(),
                    ));
                };
                // The same amount in the new currency's minor units.
                let minor = rescale(value.minor, &value.currency, &code)?;
                changes.push(Change::Value(Some(Money {
                    minor,
                    currency: code,
                })));
            }
            (None, None) => {}
        }
        if let Some(stage) = u.stage {
            changes.push(Change::Stage(stage));
        }
        Ok(changes)
    }

    /// Apply `changes` to `lead` and store it: stages are checked, and the
    /// first field filled on a `new` lead moves it to `qualifying`.
    fn write(&mut self, mut lead: Lead, changes: Vec<Change>, now: DateTime<Utc>) -> Result<Lead> {
        let mut stage = None;
        let mut filled = false;
        for change in changes {
            match change {
                Change::Text(field, value) => {
                    filled |= value.is_some();
                    let slot = match field {
                        LeadField::Need => &mut lead.need,
                        LeadField::Budget => &mut lead.budget,
                        LeadField::Location => &mut lead.location,
                        LeadField::Email => &mut lead.email,
                        LeadField::Phone => &mut lead.phone,
                        LeadField::Timeline => &mut lead.timeline,
                        LeadField::Value => continue,
                    };
                    *slot = value;
                }
                Change::Timeline(text, day) => {
                    filled |= text.is_some() || day.is_some();
                    lead.timeline = text;
                    lead.timeline_on = day;
                }
                Change::Value(value) => {
                    filled |= value.is_some();
                    lead.value = value;
                }
                Change::Stage(to) => stage = Some(to),
            }
        }
        match stage {
            Some(to) if !lead.stage.can_move_to(to) => {
                return Err(InboxError::StageNotAllowed {
                    from: lead.stage,
                    to,
                });
            }
            Some(to) => lead.stage = to,
            None if filled && lead.stage == LeadStage::New => lead.stage = LeadStage::Qualifying,
            None => {}
        }
        if !lead.stored {
            lead.created_at = now;
            lead.stored = true;
        }
        lead.updated_at = now;
        self.store.save_lead(&lead)?;
        Ok(lead)
    }
}

/// A phone number as the user typed it: the extractor's reading, or any
/// number of 7-15 digits written with phone punctuation.
fn typed_phone(text: &str) -> Option<String> {
    if let Some(p) = extract::phone_number(text) {
        return Some(p);
    }
    let plain = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-./()".contains(c));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    (plain && (7..=15).contains(&digits.len())).then(|| {
        if text.trim_start().starts_with('+') {
            format!("+{digits}")
        } else {
            digits
        }
    })
}

fn currency_code(text: &str) -> Result<String> {
    Money::currency_code(text).ok_or_else(|| {
        InboxError::BadLeadValue(format!(
            "'{}' is not a currency code (three letters, e.g. EUR, USD, CHF)",
            text.trim()
        ))
    })
}

/// `minor` units of `from` as minor units of `to` (the same amount).
fn rescale(minor: i64, from: &str, to: &str) -> Result<i64> {
    let (a, b) = (Money::exponent(from), Money::exponent(to));
    let out = if b >= a {
        minor.checked_mul(10_i64.pow(b - a))
    } else {
        Some(minor / 10_i64.pow(a - b))
    };
    out.ok_or_else(|| InboxError::BadLeadValue("the value is too large".into()))
}

/// The value the user typed: an amount with its currency ("€1.200"), or a
/// number with `--currency` (else the lead's currency). Empty clears it.
fn typed_value(text: &str, currency: Option<&str>, lead: &Lead) -> Result<Option<Money>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let written = extract::amounts(text)
        .into_iter()
        .find(|f| f.text == text)
        .map(|f| f.value);
    if let Some(mut money) = written {
        if let Some(c) = currency {
            let code = currency_code(c)?;
            if code != money.currency {
                return Err(InboxError::BadLeadValue(format!(
                    "'{text}' is in {}, not {code}",
                    money.currency
                )));
            }
            money.currency = code;
        }
        return Ok(Some(money));
    }
    let code = match (currency, &lead.value) {
        (Some(c), _) => currency_code(c)?,
        (None, Some(v)) => v.currency.clone(),
        (None, None) => {
            return Err(InboxError::BadLeadValue(format!(
                "which currency is {text}? Give --currency (e.g. EUR)"
            )));
        }
    };
    let minor = extract::parse_number(text, Money::exponent(&code)).ok_or_else(|| {
        InboxError::BadLeadValue(format!(
            "the value '{text}' is not a number (e.g. 1200, 1200.50 or €1.200)"
        ))
    })?;
    Ok(Some(Money {
        minor,
        currency: code,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_take_their_currency_from_the_text_the_flag_or_the_lead() {
        let now = Utc::now();
        let mut lead = Lead::new(1, now);
        let eur = typed_value("€1.200", None, &lead).unwrap().unwrap();
        assert_eq!(eur.to_string(), "EUR 1,200.00");
        assert!(matches!(
            typed_value("1200", None, &lead),
            Err(InboxError::BadLeadValue(m)) if m.contains("--currency")
        ));
        assert!(matches!(
            typed_value("twelve", Some("EUR"), &lead),
            Err(InboxError::BadLeadValue(m)) if m.contains("not a number")
        ));
        assert!(typed_value("€5", Some("USD"), &lead).is_err());
        assert!(typed_value("5", Some("EURO"), &lead).is_err());
        lead.value = Some(eur);
        let more = typed_value("1500.5", None, &lead).unwrap().unwrap();
        assert_eq!(more.minor, 150_050);
        assert_eq!(typed_value(" ", None, &lead).unwrap(), None);
    }

    #[test]
    fn typed_phones_accept_punctuated_digits_only() {
        assert_eq!(
            typed_phone("+49 30 1234567").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(typed_phone("555 123 4567").as_deref(), Some("5551234567"));
        assert_eq!(typed_phone("call me"), None);
        assert_eq!(typed_phone("12345"), None);
        assert_eq!(rescale(120_000, "EUR", "JPY").unwrap(), 1_200);
        assert_eq!(rescale(1_200, "JPY", "EUR").unwrap(), 120_000);
    }
}
