//! A keyword triage for tests, so demo tests do not depend on the real engine.

use crate::model::{Assess, AssessInput, Assessment, Tier};
use chrono::Duration;

pub struct KeywordAssess;

const SPAM: &[&str] = &[
    "crypto", "follow", "promo", "dm us", "bitcoin", "giveaway", "collab",
];
const REVENUE: &[&str] = &[
    "price",
    "how much",
    "quote",
    "book",
    "deliver",
    "available",
    "cater",
];
const RETENTION: &[&str] = &[
    "refund", "broken", "cold", "late", "wrong", "never", "charged",
];

impl Assess for KeywordAssess {
    fn assess(&self, input: &AssessInput<'_>) -> Assessment {
        let text = input.unanswered_text.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        let tier = if has(SPAM) {
            Tier::Monitor
        } else if input.rating.is_some_and(|r| r <= 2) || has(RETENTION) {
            Tier::Retention
        } else if has(REVENUE) {
            Tier::Revenue
        } else if text.contains('?') {
            Tier::Engagement
        } else {
            Tier::Acknowledgment
        };
        let minutes = [60, 120, 240, 1440, 0][usize::from(tier.number()) - 1];
        Assessment {
            tier,
            reason: "test keywords".into(),
            sentiment: 0.0,
            due_at: (minutes > 0).then(|| input.first_unanswered_at + Duration::minutes(minutes)),
            ack_due_at: None,
        }
    }
}
