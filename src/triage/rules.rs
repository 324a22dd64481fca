//! The rule set: defaults from `assets/triage.toml`, then the user's `[triage]`
//! additions and removals, compiled into one phrase set.

use super::fasthash::WordSet;
use super::phrases::{Category, PhraseSet};
use crate::config::{ConfigError, TriageConfig, parse_toml};
use serde::Deserialize;
use std::path::Path;

/// The default rules, shipped inside the binary.
pub const DEFAULT_RULES: &str = include_str!("../../assets/triage.toml");
const DEFAULT_RULES_PATH: &str = "assets/triage.toml";

/// The shape of `assets/triage.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    pub revenue: Vec<String>,
    pub retention: Vec<String>,
    pub engagement: Vec<String>,
    pub acknowledgment: Vec<String>,
    pub spam: Vec<String>,
    pub troll: Vec<String>,
    pub dislike: Vec<String>,
    pub follow_up: Vec<String>,
    /// Legal, safety, press and threat phrases: tier 2 at least, whatever else.
    pub risk: Vec<String>,
    /// Phrases whose words no other list may match ("crash course").
    pub ignore: Vec<String>,
    /// Words a nudge line may carry besides its follow-up phrase ("hi", "again").
    pub filler: Vec<String>,
    /// First words that make a message a question even without a '?'.
    pub question_words: Vec<String>,
    pub sentiment: SentimentRules,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentimentRules {
    /// Compound score at or below which text with no other signal counts as a complaint.
    pub negative: f64,
    /// Compound score at or above which text counts as praise.
    pub positive: f64,
    /// Only this many leading characters are scored: long texts cost more and say no more.
    pub max_chars: usize,
}

/// A rule the user wrote that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("[triage] {list}: phrase '{phrase}' has no words")]
    EmptyPhrase { list: &'static str, phrase: String },
    #[error("[triage] disable: '{0}' is not one of the default phrases")]
    UnknownDisabled(String),
}

/// Everything `classify` needs, compiled.
#[derive(Debug)]
pub struct Rules {
    pub phrases: PhraseSet,
    pub question_words: Vec<String>,
    pub filler: WordSet,
    pub sentiment: SentimentRules,
}

impl RulesFile {
    pub fn defaults() -> Result<RulesFile, ConfigError> {
        parse_toml(Path::new(DEFAULT_RULES_PATH), DEFAULT_RULES)
    }

    fn list(&self, c: Category) -> &[String] {
        match c {
            Category::Revenue => &self.revenue,
            Category::Retention => &self.retention,
            Category::Engagement => &self.engagement,
            Category::Acknowledgment => &self.acknowledgment,
            Category::Spam => &self.spam,
            Category::Troll => &self.troll,
            Category::Dislike => &self.dislike,
            Category::FollowUp => &self.follow_up,
            Category::Risk => &self.risk,
            Category::Ignore => &self.ignore,
        }
    }
}

fn user_list(config: &TriageConfig, c: Category) -> &[String] {
    match c {
        Category::Revenue => &config.revenue,
        Category::Retention => &config.retention,
        Category::Engagement => &config.engagement,
        Category::Acknowledgment => &config.acknowledgment,
        Category::Spam => &config.spam,
        Category::Troll => &config.troll,
        Category::Dislike => &config.dislike,
        Category::FollowUp => &config.follow_up,
        // The config has no lists for these (yet): they only ship with hearth.
        Category::Risk | Category::Ignore => &[],
    }
}

fn list_name(c: Category) -> &'static str {
    match c {
        Category::Revenue => "revenue",
        Category::Retention => "retention",
        Category::Engagement => "engagement",
        Category::Acknowledgment => "acknowledgment",
        Category::Spam => "spam",
        Category::Troll => "troll",
        Category::Dislike => "dislike",
        Category::FollowUp => "follow_up",
        Category::Risk => "risk",
        Category::Ignore => "ignore",
    }
}

/// Phrases compare by their words, so "Don't  work" disables "dont work".
fn same_phrase(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.to_lowercase().replace(['\'', '’'], "");
    norm(a).split_whitespace().eq(norm(b).split_whitespace())
}

impl Rules {
    pub fn build(defaults: RulesFile, user: &TriageConfig) -> Result<Rules, RuleError> {
        for d in &user.disable {
            let known = Category::ALL
                .iter()
                .any(|c| defaults.list(*c).iter().any(|p| same_phrase(p, d)));
            if !known {
                return Err(RuleError::UnknownDisabled(d.clone()));
            }
        }
        let mut phrases = PhraseSet::default();
        for c in Category::ALL {
            let kept = defaults
                .list(c)
                .iter()
                .filter(|p| !user.disable.iter().any(|d| same_phrase(p, d)))
                .map(|p| (p, false));
            let mine = user_list(user, c).iter().map(|p| (p, true));
            for (p, from_user) in kept.chain(mine) {
                phrases
                    .add_from(c, p, from_user)
                    .map_err(|e| RuleError::EmptyPhrase {
                        list: list_name(c),
                        phrase: e.0,
                    })?;
            }
        }
        let question_words = defaults
            .question_words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .collect();
        let filler = defaults
            .filler
            .iter()
            .map(|w| w.trim().to_lowercase())
            .collect();
        Ok(Rules {
            phrases,
            question_words,
            filler,
            sentiment: defaults.sentiment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_defaults_parse_and_compile() {
        let rules = Rules::build(RulesFile::defaults().unwrap(), &TriageConfig::default()).unwrap();
        assert!(rules.phrases.len() > 100, "{}", rules.phrases.len());
        assert!(rules.question_words.iter().any(|w| w == "how"));
    }

    #[test]
    fn disabling_an_unknown_phrase_is_an_error() {
        let user = TriageConfig {
            disable: vec!["no such phrase here".into()],
            ..TriageConfig::default()
        };
        let err = Rules::build(RulesFile::defaults().unwrap(), &user).unwrap_err();
        assert_eq!(
            err,
            RuleError::UnknownDisabled("no such phrase here".into())
        );
    }

    #[test]
    fn empty_user_phrase_names_its_list() {
        let user = TriageConfig {
            spam: vec!["  ".into()],
            ..TriageConfig::default()
        };
        let err = Rules::build(RulesFile::defaults().unwrap(), &user).unwrap_err();
        assert!(err.to_string().contains("[triage] spam"), "{err}");
    }

    #[test]
    fn malformed_defaults_would_name_file_line_and_column() {
        let err = parse_toml::<RulesFile>(Path::new(DEFAULT_RULES_PATH), "revenue = [1]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("assets/triage.toml:1:"), "{err}");
    }
}
