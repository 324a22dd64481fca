//! The decision: from a message's words, signals, sentiment, kind and rating to a
//! tier and a short reason a person can check at a glance.

use super::followup::Nudges;
use super::phrases::{Category, Hits};
use super::rules::Rules;
use super::text::Scanned;
use crate::model::{Kind, Tier};

/// Everything known about one message when deciding.
pub struct Evidence<'a> {
    pub scanned: &'a Scanned,
    pub hits: Hits<'a>,
    pub sentiment: f64,
    pub kind: Kind,
    pub rating: Option<u8>,
    pub nudges: Nudges,
}

fn quoted(what: &str, phrase: &str) -> String {
    format!("{what} '{phrase}'")
}

impl Evidence<'_> {
    fn is_question(&self, rules: &Rules) -> bool {
        self.scanned.has_question_mark
            || self
                .scanned
                .first_word()
                .is_some_and(|w| rules.question_words.iter().any(|q| q == w))
    }

    /// "DM + " or "3★ review + " before a text reason, so the signal source shows.
    fn prefixed(&self, reason: String) -> String {
        match (self.kind, self.rating) {
            (Kind::Dm, _) => format!("DM + {reason}"),
            (Kind::Review, Some(r)) => format!("{r}★ review + {reason}"),
            (Kind::Review, None) => format!("review + {reason}"),
            _ => reason,
        }
    }
}

/// Tier and reason. Order matters: see the comment at the top of `assets/triage.toml`.
pub fn decide(rules: &Rules, e: &Evidence<'_>) -> (Tier, String) {
    let h = &e.hits;
    // Promotion wins over everything, purchase phrases included ("buy followers").
    if let Some(p) = h.first(Category::Spam) {
        return (Tier::Monitor, format!("spam: '{p}'"));
    }
    if let Some(r @ 1..=5) = e.rating {
        return review(rules, e, r);
    }
    if let Some(p) = h.first(Category::Retention) {
        return (Tier::Retention, e.prefixed(quoted("complaint phrase", p)));
    }
    // An insult with no concrete failure is a troll, whatever it thinks of our prices.
    if let Some(p) = h.first(Category::Troll) {
        return (Tier::Monitor, format!("troll: '{p}'"));
    }
    if let Some(p) = h.first(Category::Dislike) {
        return (Tier::Retention, e.prefixed(quoted("complaint phrase", p)));
    }
    if let Some(p) = h.first(Category::Revenue) {
        return (Tier::Revenue, e.prefixed(quoted("purchase phrase", p)));
    }
    if e.nudges == Nudges::Only {
        return (Tier::Retention, e.prefixed(follow_up_reason(e)));
    }
    let (tier, reason) = from_tone_and_shape(rules, e);
    // A question or comment followed by a nudge has been waiting on us.
    if e.nudges == Nudges::Some && matches!(tier, Tier::Engagement | Tier::Acknowledgment) {
        return (
            Tier::Retention,
            format!("{reason} + {}", follow_up_reason(e)),
        );
    }
    (tier, reason)
}

fn follow_up_reason(e: &Evidence<'_>) -> String {
    match e.hits.first(Category::FollowUp) {
        Some(p) => quoted("follow-up", p),
        None => "follow-up".to_string(),
    }
}

/// Reviews go by their stars; the text only splits 3★ (complaint or not) and
/// picks out 4–5★ reviews that ask us something. A review is not a sales lead.
fn review(rules: &Rules, e: &Evidence<'_>, stars: u8) -> (Tier, String) {
    let h = &e.hits;
    match stars {
        1..=2 => (Tier::Retention, format!("{stars}★ review")),
        3 => {
            let complaint = h.first(Category::Retention).or(h.first(Category::Dislike));
            if let Some(p) = complaint {
                (Tier::Retention, e.prefixed(quoted("complaint phrase", p)))
            } else if e.sentiment <= rules.sentiment.negative {
                let tone = format!("negative tone {:+.2}", e.sentiment);
                (Tier::Retention, e.prefixed(tone))
            } else if e.scanned.has_question_mark {
                (Tier::Engagement, e.prefixed("question".to_string()))
            } else {
                (Tier::Engagement, e.prefixed("mixed review".to_string()))
            }
        }
        _ if e.scanned.has_question_mark => (Tier::Engagement, e.prefixed("question".to_string())),
        _ => (Tier::Acknowledgment, format!("{stars}★ review")),
    }
}

/// No decisive phrase: promotion by its shape, then tone, questions and praise.
fn from_tone_and_shape(rules: &Rules, e: &Evidence<'_>) -> (Tier, String) {
    let h = &e.hits;
    let question = e.is_question(rules) || h.first(Category::Engagement).is_some();
    if let Some(reason) = spam_shape(e, question) {
        return (Tier::Monitor, reason);
    }
    if e.sentiment <= rules.sentiment.negative {
        return (
            Tier::Retention,
            e.prefixed(format!("negative tone {:+.2}", e.sentiment)),
        );
    }
    if question {
        let reason = match h.first(Category::Engagement) {
            Some(p) => quoted("question phrase", p),
            None => "question".to_string(),
        };
        return (Tier::Engagement, e.prefixed(reason));
    }
    if let Some(p) = h.first(Category::Acknowledgment) {
        return (Tier::Acknowledgment, e.prefixed(quoted("praise", p)));
    }
    if e.sentiment >= rules.sentiment.positive {
        return (
            Tier::Acknowledgment,
            e.prefixed(format!("positive tone {:+.2}", e.sentiment)),
        );
    }
    let general = if e.scanned.is_empty() {
        "no words"
    } else {
        "general comment"
    };
    (Tier::Acknowledgment, e.prefixed(general.to_string()))
}

/// Promotion that uses no spam phrase: a bare link, shouting, copy-paste repetition.
/// DMs are exempt: a customer writing privately in capitals is upset, not spamming.
fn spam_shape(e: &Evidence<'_>, question: bool) -> Option<String> {
    if e.kind == Kind::Dm {
        return None;
    }
    if e.scanned.is_repetitive() {
        return Some("spam: repeated text".into());
    }
    if e.scanned.has_link && !question {
        return Some("spam: promo link".into());
    }
    if e.scanned.is_shouting() && !question {
        return Some("spam: all-caps shouting".into());
    }
    None
}
