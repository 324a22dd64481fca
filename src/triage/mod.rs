//! Triage: suggests a tier for each conversation with a short reason, scores its
//! sentiment and computes its response deadlines.
//!
//! Rules ship in `assets/triage.toml`; the user's `[triage]` config section adds
//! phrases or switches default ones off. A trained linear model
//! (`assets/triage-model.bin`, built by `examples/train_triage.rs`) decides what the
//! certain rules leave open, using the rule signals as some of its features.
//! Everything is compiled once in [`Triage::new`], so [`Triage::classify`] is one
//! pass over the words, VADER and a sparse dot product.

mod classify;
pub mod explain;
mod fasthash;
pub mod features;
mod followup;
pub mod learn;
pub mod linear;
mod phrases;
mod rules;
mod sentiment;
pub mod sla;
pub mod stdin;
mod text;
pub mod train;

#[cfg(test)]
mod tests;

pub use stdin::TriageRunSummary;

use crate::config::{Config, ConfigError, Targets};
use crate::model::{Assess, AssessInput, Assessment, Kind, Platform, Tier, TierExample};
use chrono::Duration;
use classify::{Evidence, ModelView};
use features::Features;
pub use linear::{Model, ModelError};
use rules::{RuleError, Rules, RulesFile};
use sla::{Schedule, ScheduleError};
use std::borrow::Cow;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

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

/// The shipped weights, embedded so nothing is read from disk or the network.
const EMBEDDED_WEIGHTS: &[u8] = include_bytes!("../../assets/triage-model.bin");

/// The embedded model, checked and decoded once per process on first use.
pub fn embedded_model() -> Result<Arc<Model>, ModelError> {
    static EMBEDDED: OnceLock<Result<Arc<Model>, ModelError>> = OnceLock::new();
    EMBEDDED
        .get_or_init(|| Model::decode(Cow::Borrowed(EMBEDDED_WEIGHTS)).map(Arc::new))
        .clone()
}

/// The triage engine. Build once; it is `Send + Sync` and cheap to share by reference.
#[derive(Debug)]
pub struct Triage {
    rules: Rules,
    sentiment: sentiment::Sentiment,
    targets: Targets,
    schedule: Option<Schedule>,
    model: Option<Arc<Model>>,
    /// Why there is no model, when the weights could not be used.
    model_error: Option<ModelError>,
    /// What the user's corrections taught (`learn.rs`); empty until
    /// [`Triage::learn`] is given some. Shared by every task holding this engine.
    learned: RwLock<learn::Learned>,
}

/// One message, looked at once: what the rules and the model need.
struct Looked {
    scanned: text::Scanned,
    sentiment: f64,
    kind: Kind,
    rating: Option<u8>,
}

impl Triage {
    /// The default rules with the config's `[triage]` additions, targets and hours,
    /// and the shipped model. Weights that cannot be used are logged, and the phrase
    /// rules decide alone ([`Triage::model_error`] says why).
    pub fn new(config: &Config) -> Result<Triage, TriageError> {
        let model = embedded_model();
        if let Err(e) = &model {
            tracing::warn!("{e}; triage falls back to the phrase rules");
        }
        Triage::build(config, model.map_err(Some))
    }

    /// Like [`Triage::new`] with another model, or with the error that kept one from
    /// loading (then the phrase rules decide alone).
    pub fn with_model(
        config: &Config,
        model: Result<Model, ModelError>,
    ) -> Result<Triage, TriageError> {
        Triage::build(config, model.map(Arc::new).map_err(Some))
    }

    /// The phrase rules alone, as before the model: for training (features only)
    /// and for comparison.
    pub fn rules_only(config: &Config) -> Result<Triage, TriageError> {
        Triage::build(config, Err(None))
    }

    fn build(
        config: &Config,
        model: Result<Arc<Model>, Option<ModelError>>,
    ) -> Result<Triage, TriageError> {
        let rules = Rules::build(RulesFile::defaults()?, &config.triage)?;
        let schedule = config
            .business_hours
            .as_ref()
            .map(Schedule::from_hours)
            .transpose()?;
        let (model, model_error) = match model {
            Ok(m) => (Some(m), None),
            Err(e) => (None, e),
        };
        Ok(Triage {
            sentiment: sentiment::Sentiment::new(rules.sentiment.max_chars),
            rules,
            targets: config.targets.clone(),
            schedule,
            model,
            model_error,
            learned: RwLock::new(learn::Learned::default()),
        })
    }

    fn learned(&self) -> std::sync::RwLockReadGuard<'_, learn::Learned> {
        self.learned.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many corrections the engine has learned from.
    pub fn learned_corrections(&self) -> usize {
        self.learned().corrections()
    }

    /// A copy of what the engine learned (for tests and tools).
    pub fn learned_state(&self) -> learn::Learned {
        self.learned().clone()
    }

    /// Adapt to exactly these corrections (oldest first), as the store lists
    /// them (`Store::learning_examples`). New ones after those already learned
    /// are learned incrementally; anything else (a cleared or replaced override,
    /// a reset) refits from the remaining ones. Either way the result is the same
    /// as learning them one by one (see `learn.rs`). Without a model nothing is
    /// learned: the phrase rules do not adapt.
    pub fn learn(&self, examples: &[TierExample]) {
        let Some(model) = &self.model else {
            return;
        };
        let (known, appended) = {
            let l = self.learned();
            let known: Vec<i64> = l.ids().collect();
            let appended = examples.len() >= known.len()
                && examples.iter().zip(&known).all(|(e, id)| e.id == *id);
            (known, appended)
        };
        if appended && examples.len() == known.len() {
            return;
        }
        if appended {
            let new: Vec<learn::Correction> = examples[known.len()..]
                .iter()
                .map(|e| self.correction(model, e))
                .collect();
            let mut l = self.learned.write().unwrap_or_else(PoisonError::into_inner);
            // Another task may have learned them meanwhile.
            if l.corrections() == known.len() {
                for c in new {
                    l.learn(c);
                }
            }
            return;
        }
        let all: Vec<learn::Correction> = {
            let l = self.learned();
            examples
                .iter()
                .map(|e| match l.correction(e.id) {
                    Some(c) if c.tier == e.tier => c.clone(),
                    _ => self.correction(model, e),
                })
                .collect()
        };
        let fitted = learn::Learned::fit(all);
        *self.learned.write().unwrap_or_else(PoisonError::into_inner) = fitted;
    }

    /// A stored example as the learner sees it: its hashed features and the
    /// shipped model's scores, exactly as classify would compute them.
    fn correction(&self, model: &Model, e: &TierExample) -> learn::Correction {
        let looked = self.look(&e.text, Some(e.kind), e.rating);
        let ev = self.evidence(&looked);
        let signals = self.signals(&e.text, &ev);
        let (base, _) = model.score_signals(&signals);
        learn::Correction::new(e.id, e.tier, base, &signals)
    }

    /// Why the model is not in use, if it was wanted and could not be loaded.
    pub fn model_error(&self) -> Option<&ModelError> {
        self.model_error.as_ref()
    }

    /// The model in use, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_deref()
    }

    fn look(&self, text: &str, kind: Option<Kind>, rating: Option<u8>) -> Looked {
        let kind = kind.unwrap_or(Kind::Comment);
        let scanned = text::Scanned::new(text);
        let sentiment = self.sentiment.score(text, &scanned);
        Looked {
            scanned,
            sentiment,
            kind,
            rating: if kind == Kind::Review { rating } else { None },
        }
    }

    fn evidence<'a>(&'a self, looked: &'a Looked) -> Evidence<'a> {
        Evidence {
            scanned: &looked.scanned,
            hits: self.rules.phrases.scan(&looked.scanned),
            sentiment: looked.sentiment,
            kind: looked.kind,
            rating: looked.rating,
            nudges: followup::nudges(&self.rules, &looked.scanned),
        }
    }

    fn signals<'a>(&self, text: &'a str, e: &'a Evidence<'a>) -> features::Signals<'a> {
        features::Signals {
            text,
            scanned: e.scanned,
            hits: &e.hits,
            sentiment: e.sentiment,
            kind: e.kind,
            rating: e.rating,
            nudges: e.nudges,
            question_word_first: e.starts_like_a_question(&self.rules),
            rules_tier: classify::rules_tier(&self.rules, e),
        }
    }

    /// The first risk phrase (legal, safety, press, threats) in `text`, from the
    /// same `risk` list the tiers use (config additions included).
    pub fn risk_phrase(&self, text: &str) -> Option<String> {
        let scanned = text::Scanned::new(text);
        self.rules
            .phrases
            .scan(&scanned)
            .first(phrases::Category::Risk)
            .map(str::to_string)
    }

    /// What the model sees of a message (training uses this, so it sees the same).
    pub fn features(&self, text: &str, kind: Option<Kind>, rating: Option<u8>) -> Features {
        let looked = self.look(text, kind, rating);
        let e = self.evidence(&looked);
        features::extract(&self.signals(text, &e))
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
        let looked = self.look(text, kind, rating);
        let e = self.evidence(&looked);
        let (tier, reason) = match &self.model {
            Some(model) => {
                let signals = self.signals(text, &e);
                let (mut scores, breakdown) = model.score_signals(&signals);
                // Nothing learned: nothing added, the shipped verdict exactly.
                let learned = self.learned();
                let applied = learned.apply(&signals, &mut scores);
                let view = view(scores, breakdown);
                let (tier, reason, by) = classify::decide(&self.rules, &e, Some(&view));
                let credit = applied.and_then(|a| credit(&learned, &a, &e, &view, by));
                (tier, credited(reason, credit.as_ref(), &e, tier, by))
            }
            None => {
                let (tier, reason, _) = classify::decide(&self.rules, &e, None);
                (tier, reason)
            }
        };
        Verdict {
            tier,
            reason,
            sentiment: looked.sentiment,
        }
    }

    /// [`Triage::classify`] with every feature's contribution to every tier.
    pub fn explain(
        &self,
        text: &str,
        kind: Option<Kind>,
        rating: Option<u8>,
        _platform: Option<Platform>,
    ) -> explain::Explanation {
        let looked = self.look(text, kind, rating);
        let e = self.evidence(&looked);
        let (tier, reason, by, model) = match &self.model {
            Some(model) => {
                let signals = self.signals(text, &e);
                let features = features::extract(&signals);
                let (scores, breakdown) =
                    model.scores_with_breakdown(&features, &looked.scanned, true);
                let shipped = view(scores, breakdown.clone());
                let learned = self.learned();
                let mut scores = scores;
                let applied = learned.apply(&signals, &mut scores);
                let view = view(scores, breakdown);
                let (tier, mut reason, by) = classify::decide(&self.rules, &e, Some(&view));
                let mut decided_by = by.describe();
                let mut part = explain_model(model, &shipped, &features, &looked.scanned, tier);
                if let Some(a) = &applied {
                    if let Some(c) = credit(&learned, a, &e, &view, by) {
                        reason = credited(reason, Some(&c), &e, tier, by);
                        decided_by = "model, adapted by your corrections";
                    }
                    let name = |o| features::describe(o, &looked.scanned);
                    part.learned = Some(learned.explain(&signals, a, name, tier));
                }
                (tier, reason, decided_by, Some(part))
            }
            None => {
                let (tier, reason, by) = classify::decide(&self.rules, &e, None);
                (tier, reason, by.describe(), None)
            }
        };
        explain::Explanation {
            tier: tier.number(),
            reason,
            sentiment: looked.sentiment,
            decided_by: by,
            model,
            model_error: self.model_error.as_ref().map(ToString::to_string),
        }
    }
}

/// The reason's credit to the user's corrections, when the model decided and
/// learning changed its tier or pushed hard toward it.
fn credit(
    learned: &learn::Learned,
    applied: &learn::Applied,
    e: &Evidence<'_>,
    view: &ModelView,
    by: classify::DecidedBy,
) -> Option<learn::Credit> {
    use classify::DecidedBy;
    if !matches!(by, DecidedBy::Model | DecidedBy::ModelThenFollowUp) {
        return None;
    }
    let tier = classify::model_tier(&view.probabilities);
    let shipped = classify::model_tier(&linear::probabilities(&applied.shipped));
    learned.credit(applied, e.scanned, tier, shipped)
}

/// The reason with the credit: alone when learning changed the model's tier
/// (the shipped evidence argued for another), else after the shipped reason.
fn credited(
    reason: String,
    credit: Option<&learn::Credit>,
    e: &Evidence<'_>,
    tier: Tier,
    by: classify::DecidedBy,
) -> String {
    match credit {
        None => reason,
        Some(c) if c.changed && by == classify::DecidedBy::Model => {
            if tier == Tier::Monitor {
                c.text.clone()
            } else {
                e.prefixed(c.text.clone())
            }
        }
        Some(c) => format!("{reason}; {}", c.text),
    }
}

fn view(scores: [f32; linear::TIERS], breakdown: linear::Breakdown) -> ModelView {
    ModelView {
        scores,
        probabilities: linear::probabilities(&scores),
        breakdown,
    }
}

/// Every feature by name with `value × weight` per tier; repeats merged.
fn explain_model(
    model: &Model,
    view: &ModelView,
    f: &Features,
    scanned: &text::Scanned,
    tier: Tier,
) -> explain::ModelPart {
    let mut rows: Vec<explain::FeatureRow> = Vec::new();
    let mut at: std::collections::HashMap<(u32, String), usize> = std::collections::HashMap::new();
    for ((&i, &v), origin) in f.index.iter().zip(&f.value).zip(&f.origin) {
        let name = features::describe(*origin, scanned);
        let w = model.row(i);
        let contributions = w.map(|x| x * v);
        match at.get(&(i, name.clone())) {
            Some(&k) => {
                let r = &mut rows[k];
                r.value += v;
                for (c, d) in r.contributions.iter_mut().zip(contributions) {
                    *c += d;
                }
            }
            None => {
                at.insert((i, name.clone()), rows.len());
                rows.push(explain::FeatureRow {
                    name,
                    value: v,
                    contributions,
                });
            }
        }
    }
    let t = usize::from(tier.number() - 1);
    rows.sort_by(|a, b| {
        b.contributions[t]
            .abs()
            .total_cmp(&a.contributions[t].abs())
    });
    explain::ModelPart {
        weights: format!("{:016x}", model.checksum()),
        bias: model.bias(),
        features: rows,
        scores: view.scores,
        probabilities: view.probabilities,
        model_tier: classify::model_tier(&view.probabilities).number(),
        learned: None,
    }
}

impl Assess for Triage {
    fn risk(&self, text: &str) -> Option<String> {
        self.risk_phrase(text)
    }

    /// Skips greetings and nudges with the follow-up rule triage itself uses.
    fn gist<'a>(&self, text: &'a str) -> crate::model::Gist<'a> {
        followup::gist(&self.rules, text)
    }

    fn learn(&self, examples: &[TierExample]) {
        Triage::learn(self, examples);
    }

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
