//! The lead vocabulary: where a lead stands in the pipeline, which of its fields
//! are still unknown, and an amount of money. Stored and printed as their words.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use super::ParseEnumError;

/// Where a lead stands: new → qualifying → qualified → handed-off → won | lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeadStage {
    /// Found (a tier-1 conversation, or marked by the user); nothing known yet.
    New,
    /// Questions are being asked: need, timeline, budget, location.
    Qualifying,
    /// Enough is known to hand it to sales.
    Qualified,
    /// Sales has it (the CRM, or by hand).
    HandedOff,
    Won,
    Lost,
}
word_enum!(LeadStage, "lead stage", {
    New => "new", Qualifying => "qualifying", Qualified => "qualified",
    HandedOff => "handed-off", Won => "won", Lost => "lost",
});

impl LeadStage {
    /// The stages a lead may move to from this one. Staying put is always
    /// allowed (and changes nothing); `won` is final; a lost lead can be taken
    /// up again when the customer comes back.
    pub fn next_allowed(self) -> &'static [LeadStage] {
        use LeadStage as S;
        match self {
            S::New => &[S::Qualifying, S::Qualified, S::Lost],
            S::Qualifying => &[S::Qualified, S::Lost],
            S::Qualified => &[S::Qualifying, S::HandedOff, S::Lost],
            S::HandedOff => &[S::Won, S::Lost],
            S::Won => &[],
            S::Lost => &[S::Qualifying],
        }
    }

    pub fn can_move_to(self, to: LeadStage) -> bool {
        self == to || self.next_allowed().contains(&to)
    }

    /// The next step forward while qualifying (new → qualifying → qualified);
    /// the hand-off and the outcome are their own decisions.
    pub fn advance(self) -> Option<LeadStage> {
        match self {
            LeadStage::New => Some(LeadStage::Qualifying),
            LeadStage::Qualifying => Some(LeadStage::Qualified),
            _ => None,
        }
    }

    /// Still being worked (not handed off, won or lost).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LeadStage::New | LeadStage::Qualifying | LeadStage::Qualified
        )
    }
}

/// A lead field the user fills (or confirms from a suggestion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadField {
    Need,
    Timeline,
    Budget,
    Location,
    Value,
    Email,
    Phone,
}
word_enum!(LeadField, "lead field", {
    Need => "need", Timeline => "timeline", Budget => "budget", Location => "location",
    Value => "value", Email => "email", Phone => "phone",
});

/// What is still unknown about a lead, in the order worth asking. `Contact`
/// is one gap for both email and phone (either will do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadGap {
    Need,
    Timeline,
    Budget,
    Location,
    Contact,
    Value,
}
word_enum!(LeadGap, "lead gap", {
    Need => "need", Timeline => "timeline", Budget => "budget", Location => "location",
    Contact => "contact", Value => "value",
});

impl LeadGap {
    /// The question that fills the gap, as a prompt to the user.
    pub fn question(self) -> &'static str {
        match self {
            LeadGap::Need => "what exactly do they need?",
            LeadGap::Timeline => "when do they need it?",
            LeadGap::Budget => "what budget do they have in mind?",
            LeadGap::Location => "where is it (is it in our service area)?",
            LeadGap::Contact => "an email or phone number for sales?",
            LeadGap::Value => "estimate the deal's value (v, or --value)",
        }
    }
}

/// An amount of money: integer minor units (cents) and an ISO 4217 code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    /// In the currency's minor unit (cents; whole yen for JPY).
    pub minor: i64,
    /// Three upper-case letters, e.g. "EUR".
    pub currency: String,
}

impl Money {
    /// Digits after the decimal point for `currency` (ISO 4217 exponent).
    pub fn exponent(currency: &str) -> u32 {
        match currency {
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "HUF" => 0,
            _ => 2,
        }
    }

    /// An ISO-looking currency code: three ASCII letters, upper-cased.
    pub fn currency_code(text: &str) -> Option<String> {
        let t = text.trim();
        (t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
    }

    /// The amount in major units, e.g. "1,200.00" (no currency).
    pub fn amount_text(&self) -> String {
        let exp = Money::exponent(&self.currency);
        let scale = 10_i64.pow(exp);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale_u = scale.unsigned_abs();
        let whole = (abs / scale_u).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if exp == 0 {
            format!("{sign}{grouped}")
        } else {
            let frac = abs % scale_u;
            format!("{sign}{grouped}.{frac:0width$}", width = exp as usize)
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount_text())
    }
}

/// A lead: what is known about one conversation's purchase intent, and its stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lead {
    pub conversation_id: i64,
    pub stage: LeadStage,
    pub need: Option<String>,
    /// The timeline as said ("next Saturday", "in March").
    pub timeline: Option<String>,
    /// The day it comes to, when one is known.
    pub timeline_on: Option<NaiveDate>,
    pub budget: Option<String>,
    /// Where, and whether it fits the service area.
    pub location: Option<String>,
    /// The estimated value of the deal.
    pub value: Option<Money>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Filled by the CRM hand-off.
    pub crm_contact_id: Option<String>,
    pub crm_deal_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// False for a tier-1 conversation's lead that nothing has been written to yet.
    pub stored: bool,
}

impl Lead {
    /// A lead nothing is known about yet.
    pub fn new(conversation_id: i64, now: DateTime<Utc>) -> Lead {
        Lead {
            conversation_id,
            stage: LeadStage::New,
            need: None,
            timeline: None,
            timeline_on: None,
            budget: None,
            location: None,
            value: None,
            email: None,
            phone: None,
            crm_contact_id: None,
            crm_deal_id: None,
            created_at: now,
            updated_at: now,
            stored: false,
        }
    }

    /// What is still unknown, in the order worth asking.
    pub fn gaps(&self) -> Vec<LeadGap> {
        let mut gaps = Vec::new();
        let unknown = |f: &Option<String>| f.as_deref().is_none_or(|t| t.trim().is_empty());
        if unknown(&self.need) {
            gaps.push(LeadGap::Need);
        }
        if unknown(&self.timeline) && self.timeline_on.is_none() {
            gaps.push(LeadGap::Timeline);
        }
        if unknown(&self.budget) {
            gaps.push(LeadGap::Budget);
        }
        if unknown(&self.location) {
            gaps.push(LeadGap::Location);
        }
        if unknown(&self.email) && unknown(&self.phone) {
            gaps.push(LeadGap::Contact);
        }
        if self.value.is_none() {
            gaps.push(LeadGap::Value);
        }
        gaps
    }

    /// The field's value as text, for showing and comparing.
    pub fn field_text(&self, field: LeadField) -> Option<String> {
        match field {
            LeadField::Need => self.need.clone(),
            LeadField::Timeline => match (&self.timeline, self.timeline_on) {
                (Some(t), Some(d)) => Some(format!("{t} ({d})")),
                (Some(t), None) => Some(t.clone()),
                (None, Some(d)) => Some(d.to_string()),
                (None, None) => None,
            },
            LeadField::Budget => self.budget.clone(),
            LeadField::Location => self.location.clone(),
            LeadField::Value => self.value.as_ref().map(Money::to_string),
            LeadField::Email => self.email.clone(),
            LeadField::Phone => self.phone.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_round_trip_and_refuse_skipping_backwards() {
        for s in LeadStage::ALL {
            assert_eq!(s.as_str().parse::<LeadStage>().unwrap(), *s);
        }
        assert_eq!(LeadStage::HandedOff.as_str(), "handed-off");
        assert!(LeadStage::New.can_move_to(LeadStage::Qualifying));
        assert!(LeadStage::Qualified.can_move_to(LeadStage::HandedOff));
        assert!(!LeadStage::New.can_move_to(LeadStage::Won));
        assert!(!LeadStage::Won.can_move_to(LeadStage::Lost));
        assert!(LeadStage::Won.can_move_to(LeadStage::Won));
        assert!(LeadStage::Lost.can_move_to(LeadStage::Qualifying));
        assert_eq!(LeadStage::New.advance(), Some(LeadStage::Qualifying));
        assert_eq!(LeadStage::Qualified.advance(), None);
    }

    #[test]
    fn money_prints_in_major_units() {
        let m = |minor, c: &str| Money {
            minor,
            currency: c.into(),
        };
        assert_eq!(m(120_000, "EUR").to_string(), "EUR 1,200.00");
        assert_eq!(m(5, "USD").amount_text(), "0.05");
        assert_eq!(m(123_456_789, "CHF").amount_text(), "1,234,567.89");
        assert_eq!(m(900, "JPY").to_string(), "JPY 900");
        assert_eq!(Money::currency_code(" eur "), Some("EUR".into()));
        assert_eq!(Money::currency_code("EURO"), None);
    }

    #[test]
    fn gaps_list_what_is_unknown_in_asking_order() {
        let now = chrono::Utc::now();
        let mut lead = Lead::new(1, now);
        assert_eq!(
            lead.gaps(),
            [
                LeadGap::Need,
                LeadGap::Timeline,
                LeadGap::Budget,
                LeadGap::Location,
                LeadGap::Contact,
                LeadGap::Value
            ]
        );
        lead.need = Some("wedding cake".into());
        lead.phone = Some("+4930123456".into());
        lead.budget = Some("  ".into());
        assert_eq!(lead.gaps()[0], LeadGap::Timeline);
        assert!(!lead.gaps().contains(&LeadGap::Contact));
        assert!(lead.gaps().contains(&LeadGap::Budget), "blank is unknown");
    }
}
