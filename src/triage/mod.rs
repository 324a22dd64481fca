//! Triage: suggests a tier for each conversation with a short reason, scores its
//! sentiment and computes its response deadlines.
//!
//! Rules ship in `assets/triage.toml`; the user's `[triage]` config section adds
//! phrases or switches default ones off. Everything is compiled once in
//! [`Triage::new`], so [`Triage::classify`] is one pass over the words plus VADER.

mod classify;
mod fasthash;
pub mod features;
mod followup;
pub mod linear;
mod phrases;
mod rules;
mod sentiment;
pub mod sla;
pub mod stdin;
mod text;

#[cfg(test)]
mod tests;

pub use stdin::TriageRunSummary;

use crate::config::{Config, ConfigError, Targets};
use crate::model::{Assess, AssessInput, Assessment, Kind, Platform, Tier};
use chrono::Duration;
use classify::Evidence;
use rules::{RuleError, Rules, RulesFile};
use sla::{Schedule, ScheduleError};

/// Why triage could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// The default rules or the config file, located as file:line:col.
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("[business_hours]: {0}")]
    BusinessHours(#[from] ScheduleError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The tier suggested for one text, why, and its compound sentiment in [-1, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub tier: Tier,
    pub reason: String,
    pub sentiment: f64,
}

/// The triage engine. Build once; it is `Send + Sync` and cheap to share by reference.
#[derive(Debug)]
pub struct Triage {
    rules: Rules,
    sentiment: sentiment::Sentiment,
    targets: Targets,
    schedule: Option<Schedule>,
}

impl Triage {
    /// The default rules with the config's `[triage]` additions, targets and hours.
    pub fn new(config: &Config) -> Result<Triage, TriageError> {
        let rules = Rules::build(RulesFile::defaults()?, &config.triage)?;
        let schedule = config
            .business_hours
            .as_ref()
            .map(Schedule::from_hours)
            .transpose()?;
        Ok(Triage {
            sentiment: sentiment::Sentiment::new(rules.sentiment.max_chars),
            rules,
            targets: config.targets.clone(),
            schedule,
        })
    }

    /// Suggest a tier for `text`. A missing kind counts as a comment; `rating` only
    /// matters for reviews (1–5 stars). The platform is accepted for future rules.
    pub fn classify(
        &self,
        text: &str,
        kind: Option<Kind>,
        rating: Option<u8>,
        _platform: Option<Platform>,
    ) -> Verdict {
        let kind = kind.unwrap_or(Kind::Comment);
        let scanned = text::Scanned::new(text);
        let sentiment = self.sentiment.score(text, &scanned);
        let evidence = Evidence {
            scanned: &scanned,
            hits: self.rules.phrases.scan(&scanned),
            sentiment,
            kind,
            rating: if kind == Kind::Review { rating } else { None },
            nudges: followup::nudges(&self.rules, &scanned),
        };
        let (tier, reason) = classify::decide(&self.rules, &evidence);
        Verdict {
            tier,
            reason,
            sentiment,
        }
    }
}

impl Assess for Triage {
    fn assess(&self, input: &AssessInput<'_>) -> Assessment {
        let v = self.classify(
            input.unanswered_text,
            Some(input.kind),
            input.rating,
            Some(input.platform),
        );
        let start = input.first_unanswered_at;
        let due_at = self
            .targets
            .minutes_for(v.tier)
            .map(|m| match &self.schedule {
                Some(s) => s.due_at(start, m),
                None => start + Duration::minutes(i64::from(m)),
            });
        // Acknowledging a warm lead is a wall-clock promise, whatever the hours.
        let ack_due_at = match (v.tier, input.kind, self.targets.dm_ack_minutes) {
            (Tier::Revenue, Kind::Dm, Some(m)) => Some(start + Duration::minutes(i64::from(m))),
            _ => None,
        };
        Assessment {
            tier: v.tier,
            reason: v.reason,
            sentiment: v.sentiment,
            due_at,
            ack_due_at,
        }
    }
}
