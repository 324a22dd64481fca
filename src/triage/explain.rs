//! `hearth triage --explain`: every feature of one message with what it adds to each
//! tier's score, so a surprising tier can be traced to the words that caused it.

use super::Verdict;
use super::linear::TIERS;
use serde::Serialize;
use std::fmt;

/// One feature (or the bias): its value and `value × weight` per tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureRow {
    pub name: String,
    pub value: f32,
    pub contributions: [f32; TIERS],
}

/// The model's side of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelPart {
    /// The weights file's checksum, in hex: which model this was.
    pub weights: String,
    pub bias: [f32; TIERS],
    /// Every feature the message has, strongest effect on the chosen tier first.
    pub features: Vec<FeatureRow>,
    pub scores: [f32; TIERS],
    pub probabilities: [f32; TIERS],
    /// What the shipped model alone would pick (rules may overrule it).
    pub model_tier: u8,
    /// What the user's corrections add, when the engine learned from some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learned: Option<super::learn::LearnedPart>,
}

/// Why a message got its tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub tier: u8,
    pub reason: String,
    pub sentiment: f64,
    /// The step that decided: a rule, or the model (adapted by corrections).
    pub decided_by: &'static str,
    pub model: Option<ModelPart>,
    /// Why there is no model, if there is none.
    pub model_error: Option<String>,
}

impl Explanation {
    pub fn verdict(&self) -> Verdict {
        Verdict {
            tier: crate::model::Tier::from_number(self.tier).unwrap_or(crate::model::Tier::Monitor),
            reason: self.reason.clone(),
            sentiment: self.sentiment,
        }
    }
}

fn row(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    value: Option<f32>,
    cells: &[f32; TIERS],
) -> fmt::Result {
    let value = value.map_or(String::new(), |v| format!("{v:.3}"));
    write!(f, "  {name:<36} {value:>7}")?;
    for c in cells {
        write!(f, " {c:>+7.3}")?;
    }
    writeln!(f)
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "tier {}: {}", self.tier, self.reason)?;
        writeln!(f, "decided by: {}", self.decided_by)?;
        writeln!(f, "sentiment: {:+.3}", self.sentiment)?;
        if let Some(e) = &self.model_error {
            writeln!(f, "model: none ({e})")?;
        }
        let Some(m) = &self.model else {
            return Ok(());
        };
        writeln!(
            f,
            "model {} picks tier {}; features (value × weight per tier):",
            m.weights, m.model_tier
        )?;
        write!(f, "  {:<36} {:>7}", "feature", "value")?;
        for t in 1..=TIERS {
            write!(f, " {:>7}", format!("T{t}"))?;
        }
        writeln!(f)?;
        row(f, "bias", None, &m.bias)?;
        for r in &m.features {
            row(f, &r.name, Some(r.value), &r.contributions)?;
        }
        row(f, "= score", None, &m.scores)?;
        row(f, "= probability", None, &m.probabilities)?;
        let Some(l) = &m.learned else {
            return Ok(());
        };
        writeln!(
            f,
            "learned from your {} corrections ({} support tier {}); shipped model alone picks tier {}:",
            l.corrections, l.supporting, self.tier, l.shipped_tier
        )?;
        if l.held_back {
            writeln!(
                f,
                "  (held back: they would change the tier, but no correction resembles this message)"
            )?;
        }
        for r in &l.features {
            row(f, &r.name, Some(r.value), &r.contributions)?;
        }
        row(f, "= learned", None, &l.added)?;
        row(f, "= score with learning", None, &l.scores)?;
        row(f, "= probability", None, &l.probabilities)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::model::{Kind, Platform};
    use crate::triage::Triage;

    /// The explanation is of the real decision: for every kind of message (rules,
    /// stars, risk, model, user phrases) it gives classify's tier and reason, and
    /// the bias plus every feature's contribution is each tier's score.
    #[test]
    fn every_verdict_is_explained_by_all_of_its_features() {
        let config: Config = crate::config::parse_toml(
            std::path::Path::new("test.toml"),
            "[triage]\nspam = [\"zorblax\"]\nrevenue = [\"quokka\"]\n",
        )
        .unwrap();
        let t = Triage::new(&config).unwrap();
        let cases: [(&str, Kind, Option<u8>); 9] = [
            (
                "Hi! How much would a cake for 20 people be?",
                Kind::Dm,
                None,
            ),
            (
                "You poisoned my kid. My lawyer will sue you",
                Kind::Comment,
                None,
            ),
            ("1 star, cold coffee and rude staff", Kind::Review, Some(1)),
            ("Lovely little café, great cold brew", Kind::Review, Some(5)),
            (
                "check out my channel, free followers!!!",
                Kind::Mention,
                None,
            ),
            ("buy a zorblax today", Kind::Comment, None),
            ("do you sell the quokka mug?", Kind::Comment, None),
            ("any news??", Kind::Dm, None),
            (
                "¿Tienen opciones sin gluten? 日本語もOK",
                Kind::Comment,
                None,
            ),
        ];
        for (text, kind, rating) in cases {
            let v = t.classify(text, Some(kind), rating, Some(Platform::Forum));
            let x = t.explain(text, Some(kind), rating, Some(Platform::Forum));
            assert_eq!((x.tier, &x.reason), (v.tier.number(), &v.reason), "{text}");
            let m = x.model.as_ref().expect("the shipped model explains");
            assert!(!m.features.is_empty(), "{text}");
            for tier in 0..super::TIERS {
                let sum = m.bias[tier]
                    + m.features
                        .iter()
                        .map(|r| r.contributions[tier])
                        .sum::<f32>();
                assert!(
                    (sum - m.scores[tier]).abs() < 1e-3,
                    "{text}: tier {}: {sum} vs {}",
                    tier + 1,
                    m.scores[tier]
                );
            }
            let shown = x.to_string();
            assert_eq!(
                shown.lines().count(),
                m.features.len() + 8,
                "one line per feature: {shown}"
            );
        }
    }
}
