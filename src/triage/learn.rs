//! Learning from the user's tier overrides: sparse per-user weight deltas over the
//! shipped model's hashed features (words, word pairs, character n-grams).
//!
//! **The model.** The adapted scores of a message are the shipped model's scores
//! plus `Δ·x`, where `x` is the message's hashed n-gram vector (the same buckets
//! and values the shipped model reads) and `Δ` holds one row of five tier weights
//! per bucket the user's corrections touched. The dense signals (phrase hits, tone,
//! kind, the rules' own tier) are not adapted: they are what the shipped model
//! learned across domains, and a handful of corrections should not move every DM
//! or every question. What a user teaches is the words of their stream.
//!
//! **The fit.** Each correction is one example of `(text, tier)`; `Δ` minimises
//! the softmax cross-entropy of the corrected tiers plus `λ/2·|Δ|²`, a prior that
//! pulls every delta back to zero, that is toward the shipped weights. It is fitted
//! by plain SGD as corrections arrive: [`STEPS`] steps on the new example, then one
//! step on each of the [`REPLAY`] corrections before it (so a new correction does
//! not wash out older ones). The prior is applied as weight decay on the rows each
//! step touches. Everything runs in the examples' order with no randomness, so
//! the state after corrections `1..n` is a pure function of them: learning them
//! one by one at override time and refitting them all when a cache is opened give
//! the same deltas, bit for bit. A cleared or replaced override, or a reset,
//! refits from the remaining corrections.
//!
//! **The reason.** When the deltas change the model's tier, or push hard toward
//! the tier it picked, the reason says "learned from N of your corrections": N
//! counts the corrections to that tier that share enough of the message's words
//! (function words and pleasantries aside; cosine of the two word sets ≥
//! [`SIMILAR`]): the
//! examples that taught it this. The same count gates the deltas: they may
//! change a message's tier only when at least one correction to the new tier
//! resembles it (a nearest-neighbour check beside the linear deltas). Many
//! corrections to one tier leave a small lean on the words every message has
//! ("hi", "you", common character n-grams); without the gate that lean could
//! carry an unrelated message across a close call.
//!
//! **The cost.** Nothing is done when nothing was learned. Otherwise classify
//! looks up each word and pair, and each word's summed char n-gram deltas from a
//! per-thread cache (as the shipped model does for its weights), keyed by the
//! learned state's generation so an update is never served stale.

// Numeric model code, as in `linear.rs`.
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]

use super::classify::{is_filler_word, model_tier};
use super::fasthash::WordHasher;
use super::features::{
    DENSE, Origin, Signals, Sink, char_gram_count, char_gram_key, char_gram_words, char_grams,
    char_value, visit_without_chars,
};
use super::linear::{TIERS, probabilities};
use super::text::Scanned;
use crate::model::Tier;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicU64, Ordering};

/// SGD steps on a new correction.
pub const STEPS: usize = 4;
/// Earlier corrections replayed (one step each) after a new one.
pub const REPLAY: usize = 16;
/// The learning rate.
const RATE: f32 = 0.6;
/// The L2 prior's strength (weight decay `RATE·λ` per step on the rows touched).
const PRIOR: f32 = 0.02;
/// A correction supports a decision when it moved a message to the chosen tier
/// and its words' cosine with the message's is at least this.
pub const SIMILAR: f32 = 0.2;
/// The learned push toward the chosen tier (over the mean of the others, in score
/// units) above which the reason credits similar corrections even when the
/// shipped model alone would have picked the same tier.
const CREDIT: f32 = 1.0;
/// A word is quoted when it learned at least this much for the tier.
const QUOTE: f32 = 0.2;
const QUOTED_WORDS: usize = 3;

type Rows = HashMap<u32, [f32; TIERS], BuildHasherDefault<WordHasher>>;

/// One hashed feature of a message: bucket, value and where it came from.
pub type Hashed = (u32, f32, Origin);

/// One correction, ready to learn from.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    /// The `tier_examples` row.
    pub id: i64,
    pub tier: Tier,
    /// The shipped model's scores for its text.
    pub base: [f32; TIERS],
    /// Its hashed features, one entry per bucket (repeats summed), by bucket.
    x: Vec<(u32, f32)>,
    /// Its words' buckets, function words aside, sorted and unique (support).
    words: Vec<u32>,
}

impl Correction {
    pub fn new(id: i64, tier: Tier, base: [f32; TIERS], s: &Signals<'_>) -> Correction {
        let all = hashed(s);
        let mut words: Vec<u32> = all
            .iter()
            .filter_map(|(i, _, o)| match o {
                Origin::Word(w) if content_word(s.scanned, *w) => Some(*i),
                _ => None,
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        Correction {
            id,
            tier,
            base,
            x: merged(&all),
            words,
        }
    }
}

/// A word that says what a message is about: not a function word, a greeting
/// or a pleasantry (these are in every kind of message). Support counts these,
/// and the reason quotes only these.
fn quotable(word: &str) -> bool {
    word.chars().count() >= 3
        && !is_filler_word(word)
        && !matches!(
            word,
            "would"
                | "could"
                | "like"
                | "love"
                | "have"
                | "here"
                | "there"
                | "hello"
                | "hey"
                | "thanks"
                | "thank"
                | "please"
                | "just"
                | "know"
                | "want"
                | "can"
                | "will"
                | "what"
                | "how"
                | "not"
                | "all"
                | "any"
                | "some"
        )
}

fn content_word(scanned: &Scanned, w: u16) -> bool {
    let w = usize::from(w);
    w < scanned.len() && quotable(scanned.word(w))
}

/// Distinct states of learning get distinct numbers (the char cache's key).
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// What the user's corrections taught: the deltas and the corrections themselves.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    rows: Rows,
    corrections: Vec<Correction>,
    /// Changes with every update, so cached char sums are never stale.
    generation: u64,
}

/// Two states are equal when they learned the same deltas from the same
/// corrections (the generation only names the state for the cache).
impl PartialEq for Learned {
    fn eq(&self, other: &Learned) -> bool {
        self.rows == other.rows && self.corrections == other.corrections
    }
}

/// Collects the hashed features a sink is given (dense ones are not adapted).
struct Collect<'a>(&'a mut Vec<Hashed>);

impl Sink for Collect<'_> {
    fn add(&mut self, index: u32, value: f32, origin: Origin) {
        if index >= DENSE {
            self.0.push((index, value, origin));
        }
    }
}

/// Every hashed feature of a message: words, pairs and char n-grams, with the
/// values `features::extract` gives them.
pub fn hashed(s: &Signals<'_>) -> Vec<Hashed> {
    let mut out = Vec::with_capacity(16 + s.scanned.len() * 24);
    visit_without_chars(s, &mut Collect(&mut out));
    let cjk = s.scanned.has_cjk;
    let v = char_value(char_count(s.scanned));
    for (i, word) in char_gram_words(s.scanned) {
        let at = i as u16;
        char_grams(word, cjk, |bucket, start, len| {
            out.push((
                bucket,
                v,
                Origin::Chars {
                    word: at,
                    start,
                    len,
                },
            ));
        });
    }
    out
}

fn char_count(scanned: &Scanned) -> usize {
    let cjk = scanned.has_cjk;
    char_gram_words(scanned)
        .map(|(_, w)| char_gram_count(w, cjk))
        .sum()
}

/// One entry per bucket, by bucket.
fn merged(hashed: &[Hashed]) -> Vec<(u32, f32)> {
    let mut x: Vec<(u32, f32)> = hashed.iter().map(|(i, v, _)| (*i, *v)).collect();
    x.sort_by_key(|p| p.0);
    let mut out: Vec<(u32, f32)> = Vec::with_capacity(x.len());
    for (i, v) in x {
        match out.last_mut() {
            Some(last) if last.0 == i => last.1 += v,
            _ => out.push((i, v)),
        }
    }
    out
}

/// Cosine of two word sets (sorted, unique).
fn overlap(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f32 / ((a.len() * b.len()) as f32).sqrt()
}

/// What `x·w` adds to tier `t` over the mean of the other tiers.
fn lean(row: &[f32; TIERS], t: usize) -> f32 {
    let others: f32 = row.iter().sum::<f32>() - row[t];
    row[t] - others / (TIERS - 1) as f32
}

/// The learned layer's effect on one message (when it has any).
#[derive(Debug, Clone)]
pub struct Applied {
    /// The shipped model's scores, before the deltas.
    pub shipped: [f32; TIERS],
    /// What the deltas added per tier.
    pub added: [f32; TIERS],
    /// What the deltas added per word (its unigram, half of each pair it is in,
    /// its char n-grams), so the reason can quote the words that were learned.
    words: Vec<[f32; TIERS]>,
    /// The message's word set (support).
    vocabulary: Vec<u32>,
    /// The deltas would change the model's tier, but no correction to that tier
    /// resembles the message: they were not added (see [`Learned::apply`]).
    pub held_back: bool,
}

/// Adds the learned rows of words and pairs as the extractor names them.
struct Adder<'a> {
    rows: &'a Rows,
    scanned: &'a Scanned,
    added: [f32; TIERS],
    words: Vec<[f32; TIERS]>,
    vocabulary: Vec<u32>,
}

impl Sink for Adder<'_> {
    fn add(&mut self, index: u32, value: f32, origin: Origin) {
        if index < DENSE {
            return;
        }
        if let Origin::Word(w) = origin
            && content_word(self.scanned, w)
        {
            self.vocabulary.push(index);
        }
        let Some(row) = self.rows.get(&index) else {
            return;
        };
        let add = |acc: &mut [f32; TIERS], share: f32| {
            for t in 0..TIERS {
                acc[t] += row[t] * value * share;
            }
        };
        add(&mut self.added, 1.0);
        match origin {
            Origin::Word(w) | Origin::Chars { word: w, .. } => {
                if let Some(acc) = self.words.get_mut(usize::from(w)) {
                    add(acc, 1.0);
                }
            }
            Origin::Bigram(w) => {
                let w = usize::from(w);
                if w + 1 < self.words.len() {
                    add(&mut self.words[w], 0.5);
                    add(&mut self.words[w + 1], 0.5);
                }
            }
            Origin::Dense(_) => {}
        }
    }
}

/// Per thread, the summed learned char n-gram deltas of recently seen words.
const CHAR_CACHE: usize = 4096;

#[derive(Clone, Copy, Default)]
struct CachedWord {
    key: u64,
    sums: [f32; TIERS],
}

thread_local! {
    static CHAR_SUMS: RefCell<Vec<CachedWord>> = const { RefCell::new(Vec::new()) };
}

/// The learned side of `--explain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnedPart {
    /// Corrections learned from in all.
    pub corrections: usize,
    /// Of those, the ones that support the chosen tier (see [`SIMILAR`]).
    pub supporting: usize,
    /// What the shipped model alone would pick.
    pub shipped_tier: u8,
    /// Every feature with a learned delta: `value × delta` per tier.
    pub features: Vec<super::explain::FeatureRow>,
    /// The deltas' sum per tier.
    pub added: [f32; TIERS],
    /// True when the deltas would have changed the tier with no similar
    /// correction behind them, and were not added.
    pub held_back: bool,
    /// Shipped + learned (shipped alone when held back).
    pub scores: [f32; TIERS],
    pub probabilities: [f32; TIERS],
}

/// How the reason credits the corrections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// Learning changed the model's tier (the reason is then this credit alone).
    pub changed: bool,
    /// The corrections that support the decision (see [`SIMILAR`]).
    pub supporting: usize,
    /// "learned from 12 of your corrections: 'collab', 'influencer'".
    pub text: String,
}

impl Learned {
    /// Nothing learned: classify is exactly the shipped model's.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many corrections it learned from.
    pub fn corrections(&self) -> usize {
        self.corrections.len()
    }

    /// The rows ids learned from, in order.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.corrections.iter().map(|c| c.id)
    }

    /// A learned correction by row id (its features are reused by a refit).
    pub fn correction(&self, id: i64) -> Option<&Correction> {
        self.corrections.iter().find(|c| c.id == id)
    }

    /// The learned delta of one bucket, if any.
    pub fn row(&self, bucket: u32) -> Option<&[f32; TIERS]> {
        self.rows.get(&bucket)
    }

    /// How many buckets carry a delta.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// All corrections learned from scratch, in order: what [`Learned::learn`]
    /// reaches one by one.
    pub fn fit(corrections: Vec<Correction>) -> Learned {
        let mut l = Learned::default();
        for c in corrections {
            l.learn(c);
        }
        l
    }

    /// Learn one new correction: [`STEPS`] SGD steps on it, then one on each of
    /// the [`REPLAY`] corrections before it, newest first.
    pub fn learn(&mut self, c: Correction) {
        for _ in 0..STEPS {
            step(&mut self.rows, &c);
        }
        for old in self.corrections.iter().rev().take(REPLAY) {
            step(&mut self.rows, old);
        }
        self.corrections.push(c);
        self.generation = GENERATION.fetch_add(1, Ordering::Relaxed);
    }

    /// The summed learned deltas of `word`'s char n-grams.
    fn char_sums_uncached(&self, word: &str, cjk: bool) -> [f32; TIERS] {
        let mut sums = [0.0; TIERS];
        char_grams(word, cjk, |bucket, _, _| {
            if let Some(row) = self.rows.get(&bucket) {
                for t in 0..TIERS {
                    sums[t] += row[t];
                }
            }
        });
        sums
    }

    /// Add the deltas to a message's scores. `None` when nothing was learned: the
    /// shipped model's scores are untouched.
    pub fn apply(&self, s: &Signals<'_>, scores: &mut [f32; TIERS]) -> Option<Applied> {
        if self.is_empty() {
            return None;
        }
        let mut adder = Adder {
            rows: &self.rows,
            scanned: s.scanned,
            added: [0.0; TIERS],
            words: vec![[0.0; TIERS]; s.scanned.len()],
            vocabulary: Vec::with_capacity(s.scanned.len()),
        };
        visit_without_chars(s, &mut adder);
        let cjk = s.scanned.has_cjk;
        let v = char_value(char_count(s.scanned));
        CHAR_SUMS.with(|cache| {
            let mut cache = cache.try_borrow_mut().ok();
            if let Some(c) = cache.as_mut().filter(|c| c.is_empty()) {
                c.resize(CHAR_CACHE, CachedWord::default());
            }
            for (i, word) in char_gram_words(s.scanned) {
                let sums = match cache.as_mut() {
                    Some(cache) => {
                        let key = char_gram_key(word, cjk) ^ self.generation.rotate_left(29);
                        let slot = &mut cache[(key as usize) & (CHAR_CACHE - 1)];
                        if slot.key != key {
                            *slot = CachedWord {
                                key,
                                sums: self.char_sums_uncached(word, cjk),
                            };
                        }
                        slot.sums
                    }
                    None => self.char_sums_uncached(word, cjk),
                };
                for (t, sum) in sums.iter().enumerate() {
                    let d = sum * v;
                    adder.added[t] += d;
                    adder.words[i][t] += d;
                }
            }
        });
        let shipped = *scores;
        let mut adapted = shipped;
        for (score, added) in adapted.iter_mut().zip(adder.added) {
            *score += added;
        }
        let mut vocabulary = adder.vocabulary;
        vocabulary.sort_unstable();
        vocabulary.dedup();
        let mut applied = Applied {
            shipped,
            added: adder.added,
            words: adder.words,
            vocabulary,
            held_back: false,
        };
        // The deltas alone may not move a message no correction resembles: a
        // stream of corrections to one tier leaves a little lean on the words
        // every message has, and that must not carry a stranger with it.
        let from = model_tier(&probabilities(&shipped));
        let to = model_tier(&probabilities(&adapted));
        if from != to && self.supporting(&applied, to) == 0 {
            applied.held_back = true;
        } else {
            *scores = adapted;
        }
        Some(applied)
    }

    /// The corrections to `tier` that share enough of the message's words: the
    /// ones that taught the model this decision.
    pub fn supporting(&self, applied: &Applied, tier: Tier) -> usize {
        self.corrections
            .iter()
            .filter(|c| c.tier == tier && overlap(&applied.vocabulary, &c.words) >= SIMILAR)
            .count()
    }

    /// What the corrections did for this decision: changed the model's tier, or
    /// pushed hard toward it with similar corrections behind it. `None` when the
    /// shipped model decided alone.
    pub fn credit(
        &self,
        applied: &Applied,
        scanned: &Scanned,
        model_tier: Tier,
        shipped_tier: Tier,
    ) -> Option<Credit> {
        if applied.held_back {
            return None;
        }
        let t = usize::from(model_tier.number() - 1);
        let pushed = lean(&applied.added, t);
        let changed = model_tier != shipped_tier && pushed > 0.0;
        if !changed && pushed < CREDIT {
            return None;
        }
        let supporting = self.supporting(applied, model_tier);
        if !changed && supporting == 0 {
            return None;
        }
        // The words that learned most for this tier, strongest first.
        let mut words: Vec<(f32, usize)> = applied
            .words
            .iter()
            .enumerate()
            .map(|(i, row)| (lean(row, t), i))
            .filter(|(l, i)| *l >= QUOTE && quotable(scanned.word(*i)))
            .collect();
        words.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut quoted: Vec<String> = Vec::new();
        for (_, i) in words {
            let w = format!("'{}'", scanned.word(i));
            if !quoted.contains(&w) {
                quoted.push(w);
            }
            if quoted.len() == QUOTED_WORDS {
                break;
            }
        }
        let mut text = match supporting {
            0 => "learned from your corrections".to_string(),
            1 => "learned from 1 of your corrections".to_string(),
            n => format!("learned from {n} of your corrections"),
        };
        if changed && !quoted.is_empty() {
            text = format!("{text}: {}", quoted.join(", "));
        }
        Some(Credit {
            changed,
            supporting,
            text,
        })
    }

    /// Every learned row the message has, named, with `value × delta` per tier.
    pub fn explain(
        &self,
        s: &Signals<'_>,
        applied: &Applied,
        name: impl Fn(Origin) -> String,
        tier: Tier,
    ) -> LearnedPart {
        let mut features: Vec<super::explain::FeatureRow> = Vec::new();
        let mut at: HashMap<(u32, String), usize> = HashMap::new();
        for (i, v, origin) in hashed(s) {
            let Some(row) = self.rows.get(&i) else {
                continue;
            };
            let name = name(origin);
            match at.get(&(i, name.clone())) {
                Some(&k) => {
                    let r = &mut features[k];
                    r.value += v;
                    for (c, d) in r.contributions.iter_mut().zip(row) {
                        *c += d * v;
                    }
                }
                None => {
                    at.insert((i, name.clone()), features.len());
                    features.push(super::explain::FeatureRow {
                        name,
                        value: v,
                        contributions: row.map(|d| d * v),
                    });
                }
            }
        }
        let t = usize::from(tier.number() - 1);
        features.sort_by(|a, b| {
            b.contributions[t]
                .abs()
                .total_cmp(&a.contributions[t].abs())
        });
        let mut scores = applied.shipped;
        if !applied.held_back {
            for (s, a) in scores.iter_mut().zip(applied.added) {
                *s += a;
            }
        }
        LearnedPart {
            held_back: applied.held_back,
            corrections: self.corrections(),
            supporting: self.supporting(applied, tier),
            shipped_tier: model_tier(&probabilities(&applied.shipped)).number(),
            features,
            added: applied.added,
            scores,
            probabilities: probabilities(&scores),
        }
    }
}

/// One SGD step of softmax cross-entropy on `c`, with the L2 prior as decay of
/// the rows it touches.
fn step(rows: &mut Rows, c: &Correction) {
    let mut logits = c.base;
    for (i, v) in &c.x {
        if let Some(row) = rows.get(i) {
            for t in 0..TIERS {
                logits[t] += row[t] * v;
            }
        }
    }
    let p = probabilities(&logits);
    let target = usize::from(c.tier.number() - 1);
    let mut g = p.map(|q| -q);
    g[target] += 1.0;
    let decay = 1.0 - RATE * PRIOR;
    for (i, v) in &c.x {
        let row = rows.entry(*i).or_insert([0.0; TIERS]);
        for t in 0..TIERS {
            row[t] = row[t] * decay + RATE * g[t] * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{Kind, TierExample};
    use crate::triage::Triage;

    fn example(id: i64, text: &str, tier: Tier) -> TierExample {
        TierExample {
            id,
            conversation_id: id,
            kind: Kind::Comment,
            rating: None,
            text: text.into(),
            tier,
        }
    }

    #[test]
    fn word_sets_overlap_by_cosine() {
        assert_eq!(overlap(&[], &[1, 2]), 0.0);
        assert!((overlap(&[1, 2, 3, 4], &[1, 2, 3, 4]) - 1.0).abs() < 1e-6);
        assert!((overlap(&[1, 2], &[2, 3, 5, 7, 11, 13, 17, 19]) - 0.25).abs() < 1e-6);
        assert_eq!(overlap(&[1, 2], &[3, 4]), 0.0);
    }

    #[test]
    fn a_correction_moves_its_own_text_and_touches_only_its_buckets() {
        let t = Triage::new(&Config::default()).expect("triage");
        let text = "Can we feature your bakery in our zine next month?";
        let before = t.classify(text, Some(Kind::Comment), None, None);
        let target = if before.tier == Tier::Monitor {
            Tier::Revenue
        } else {
            Tier::Monitor
        };
        t.learn(&[example(1, text, target)]);
        let after = t.classify(text, Some(Kind::Comment), None, None);
        assert_eq!(after.tier, target, "{before:?} → {after:?}");
        assert!(
            after.reason.contains("learned from 1 of your corrections"),
            "{}",
            after.reason
        );
        let state = t.learned_state();
        // Dense signals are never adapted: every row is a hashed bucket.
        assert!(state.rows.keys().all(|i| *i >= DENSE));
        assert_eq!(state.corrections(), 1);
        // Forgetting everything is the shipped model again.
        t.learn(&[]);
        assert_eq!(t.classify(text, Some(Kind::Comment), None, None), before);
        assert!(t.learned_state().is_empty());
    }

    #[test]
    fn one_by_one_equals_all_at_once_and_a_withdrawn_example_refits() {
        let a = Triage::new(&Config::default()).expect("triage");
        let b = Triage::new(&Config::default()).expect("triage");
        let examples = [
            example(3, "collab request for our summer campaign", Tier::Revenue),
            example(
                7,
                "loved the croissants, see you soon",
                Tier::Acknowledgment,
            ),
            example(9, "is the collab still open for creators?", Tier::Revenue),
        ];
        for n in 1..=examples.len() {
            a.learn(&examples[..n]);
        }
        b.learn(&examples);
        assert_eq!(a.learned_state(), b.learned_state());
        // The middle one withdrawn (its override cleared): a refit of the rest.
        let rest = [examples[0].clone(), examples[2].clone()];
        a.learn(&rest);
        let c = Triage::new(&Config::default()).expect("triage");
        c.learn(&rest);
        assert_eq!(a.learned_state(), c.learned_state());
        assert_eq!(a.learned_corrections(), 2);
    }
}
