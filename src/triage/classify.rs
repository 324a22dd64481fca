//! The decision: from a message's words, signals, sentiment, kind and rating to a
//! tier and a short reason a person can check at a glance.
//!
//! Certain rules decide first (risk phrases, the user's own phrases, star ratings,
//! nudge-only follow-ups); the trained model decides the rest and the reason quotes
//! its strongest evidence. Without a model the phrase rules decide alone, as before.

use super::features::Dense;
use super::followup::Nudges;
use super::linear::{Breakdown, TIERS};
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
        self.scanned.has_question_mark || self.starts_like_a_question(rules)
    }

    /// The first word is one that opens a question ("how", "can", "where"...).
    pub fn starts_like_a_question(&self, rules: &Rules) -> bool {
        self.scanned
            .first_word()
            .is_some_and(|w| rules.question_words.iter().any(|q| q == w))
    }

    /// "DM + " or "3★ review + " before a text reason, so the signal source shows.
    pub fn prefixed(&self, reason: String) -> String {
        match (self.kind, self.rating) {
            (Kind::Dm, _) => format!("DM + {reason}"),
            (Kind::Review, Some(r)) => format!("{r}★ review + {reason}"),
            (Kind::Review, None) => format!("review + {reason}"),
            _ => reason,
        }
    }
}

/// Which step decided a tier, for `--explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidedBy {
    /// A legal, safety, press or threat phrase.
    Risk,
    /// A phrase from the user's config.
    UserRule,
    /// A review's star rating.
    Stars,
    /// A message made only of follow-up nudges.
    FollowUp,
    /// The trained model.
    Model,
    /// The trained model, then a nudge after the text moved it to tier 2.
    ModelThenFollowUp,
    /// The phrase rules alone (no usable model).
    Rules,
}

impl DecidedBy {
    pub fn describe(self) -> &'static str {
        match self {
            DecidedBy::Risk => "risk phrase (rule)",
            DecidedBy::UserRule => "your rule in config.toml",
            DecidedBy::Stars => "star rating (rule)",
            DecidedBy::FollowUp => "follow-up nudges only (rule)",
            DecidedBy::Model => "model",
            DecidedBy::ModelThenFollowUp => "model, then follow-up nudge (rule)",
            DecidedBy::Rules => "phrase rules (no model)",
        }
    }
}

/// What the model made of a message.
pub struct ModelView {
    pub scores: [f32; TIERS],
    pub probabilities: [f32; TIERS],
    pub breakdown: Breakdown,
}

/// Below this probability the model's tier 1 gives way to its second choice: the
/// revenue tier is the first thing read each session, so a doubtful lead waits in
/// its next tier rather than push spam or chatter to the top.
pub const REVENUE_MIN_PROBABILITY: f32 = 0.5;

/// The model's tier: the most probable, except a doubtful tier 1.
pub fn model_tier(p: &[f32; TIERS]) -> Tier {
    let mut order: Vec<usize> = (0..TIERS).collect();
    order.sort_by(|a, b| p[*b].total_cmp(&p[*a]));
    let pick = if order[0] == 0 && p[0] < REVENUE_MIN_PROBABILITY {
        order[1]
    } else {
        order[0]
    };
    Tier::ALL[pick]
}

/// Tier, reason and the step that decided, with the model when there is one.
pub fn decide(
    rules: &Rules,
    e: &Evidence<'_>,
    view: Option<&ModelView>,
) -> (Tier, String, DecidedBy) {
    // A possible crisis outranks everything, spam signals and stars included.
    if let Some(p) = e.hits.first(Category::Risk) {
        let reason = e.prefixed(quoted("risk phrase", p));
        return (Tier::Retention, reason, DecidedBy::Risk);
    }
    let Some(view) = view else {
        let (tier, reason) = by_rules(rules, e);
        return (tier, reason, DecidedBy::Rules);
    };
    with_model(rules, e, view)
}

/// The user's own phrase in `c`, as a tier and reason, if one matched.
fn user_rule(e: &Evidence<'_>, c: Category) -> Option<(Tier, String)> {
    let p = e.hits.first_user(c)?;
    let (tier, what) = match c {
        Category::Spam => (Tier::Monitor, "your spam phrase"),
        Category::Troll => (Tier::Monitor, "your troll phrase"),
        Category::Retention | Category::Dislike => (Tier::Retention, "your complaint phrase"),
        Category::Revenue => (Tier::Revenue, "your pricing phrase"),
        Category::Engagement => (Tier::Engagement, "your question phrase"),
        Category::Acknowledgment => (Tier::Acknowledgment, "your praise phrase"),
        Category::FollowUp | Category::Risk | Category::Ignore => return None,
    };
    Some((tier, e.prefixed(quoted(what, p))))
}

fn with_model(rules: &Rules, e: &Evidence<'_>, view: &ModelView) -> (Tier, String, DecidedBy) {
    // The user's promotion and abuse lists beat stars, as the default lists did.
    for c in [Category::Spam, Category::Troll] {
        if let Some((tier, reason)) = user_rule(e, c) {
            return (tier, reason, DecidedBy::UserRule);
        }
    }
    let tier = model_tier(&view.probabilities);
    if let Some(r @ 1..=5) = e.rating {
        // Stars decide a review, unless the model sees promotion in it.
        if tier == Tier::Monitor {
            return (tier, model_reason(rules, e, view, tier), DecidedBy::Model);
        }
        let (tier, reason) = review::<WithReason>(rules, e, r);
        return (tier, reason, DecidedBy::Stars);
    }
    for c in [
        Category::Retention,
        Category::Dislike,
        Category::Revenue,
        Category::Engagement,
        Category::Acknowledgment,
    ] {
        if let Some((tier, reason)) = user_rule(e, c) {
            return (tier, reason, DecidedBy::UserRule);
        }
    }
    if e.nudges == Nudges::Only {
        return (
            Tier::Retention,
            e.prefixed(follow_up_reason(e)),
            DecidedBy::FollowUp,
        );
    }
    let reason = model_reason(rules, e, view, tier);
    // A question or comment followed by a nudge has been waiting on us.
    if e.nudges == Nudges::Some && matches!(tier, Tier::Engagement | Tier::Acknowledgment) {
        return (
            Tier::Retention,
            format!("{reason} + {}", follow_up_reason(e)),
            DecidedBy::ModelThenFollowUp,
        );
    }
    (tier, reason, DecidedBy::Model)
}

/// One piece of evidence the reason may quote.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Phrase(Category),
    /// Words `start..end` (adjacent strong words merge into one quote).
    Words(usize, usize),
    Signal(Dense),
    /// The phrase rules' own verdict agreed and weighed in: quote their reason.
    Rules,
}

/// Evidence must push the chosen tier by this much (in score units) to be quoted.
const MIN_EVIDENCE: f32 = 0.25;
/// ...and by at least this share of the strongest piece.
const MIN_SHARE: f32 = 0.25;
const MAX_ITEMS: usize = 3;

/// What `x·w` adds to tier `t` over the mean of the other tiers: how much a feature
/// argues for this tier rather than the rest.
fn lean(row: &[f32; TIERS], t: usize) -> f32 {
    let others: f32 = row.iter().sum::<f32>() - row[t];
    row[t] - others / (TIERS - 1) as f32
}

/// The reason for a model decision: the strongest evidence in plain words.
fn model_reason(rules: &Rules, e: &Evidence<'_>, view: &ModelView, tier: Tier) -> String {
    let t = usize::from(tier.number() - 1);
    let b = &view.breakdown;
    // Each word's lean, worked out once (on the stack for ordinary messages).
    let n_words = b.words.len();
    let mut stack = [0f32; 64];
    let mut heap = Vec::new();
    let leans: &mut [f32] = if n_words <= stack.len() {
        &mut stack[..n_words]
    } else {
        heap.resize(n_words, 0.0);
        &mut heap
    };
    for (l, row) in leans.iter_mut().zip(&b.words) {
        *l = lean(row, t);
    }
    let word_lean = |i: usize| leans[i];
    // Only evidence strong enough to be quoted is kept.
    let mut items: Vec<(f32, Item)> = Vec::with_capacity(8);
    for (d, row) in Dense::ALL.iter().zip(&b.dense) {
        if row.iter().all(|x| *x == 0.0) {
            continue;
        }
        let c = lean(row, t);
        if c < MIN_EVIDENCE {
            continue;
        }
        let item = match (d.category(), d) {
            (Some(cat), _) => Item::Phrase(cat),
            // The kind shows as the "DM + " prefix.
            (None, Dense::KindDm | Dense::KindComment | Dense::KindMention | Dense::KindReview) => {
                continue;
            }
            (
                None,
                Dense::RulesSayRevenue
                | Dense::RulesSayRetention
                | Dense::RulesSayEngagement
                | Dense::RulesSayAcknowledgment
                | Dense::RulesSayMonitor,
            ) => Item::Rules,
            (None, _) => Item::Signal(*d),
        };
        items.push((c, item));
    }
    // Runs of adjacent strong words become one quote ("no one answers"), without
    // the little words at either end ("hours and" says no more than "hours").
    let strong = |i: usize| word_lean(i) >= MIN_EVIDENCE / 2.0;
    let mut i = 0;
    while i < n_words {
        if !strong(i) {
            i += 1;
            continue;
        }
        let mut start = i;
        while i < n_words && strong(i) {
            i += 1;
        }
        let mut end = i;
        while start < end && is_filler_word(e.scanned.word(start)) {
            start += 1;
        }
        while end > start && is_filler_word(e.scanned.word(end - 1)) {
            end -= 1;
        }
        if start < end {
            let total: f32 = (start..end).map(word_lean).sum();
            items.push((
                total / ((end - start) as f32).sqrt(),
                Item::Words(start, end),
            ));
        }
    }
    items.retain(|(c, _)| *c >= MIN_EVIDENCE);
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    // The rules' own verdict, when it weighed in, is quoted as the rule that fired;
    // it is strong by design (training starts from it), so the other evidence is
    // measured against the strongest of the rest.
    let rule_reason = items.iter().any(|(_, i)| *i == Item::Rules).then(|| {
        let (_, reason) = by_rules(rules, e);
        let prefix = e.prefixed(String::new());
        reason.strip_prefix(&prefix).unwrap_or(&reason).to_string()
    });
    items.retain(|(_, i)| match (i, &rule_reason) {
        (Item::Rules, _) => false,
        // Not twice: the rule's reason already quotes this phrase.
        (Item::Phrase(c), Some(r)) => e.hits.first(*c).is_none_or(|p| !quotes(r, p)),
        _ => true,
    });
    let top = items.first().map_or(0.0, |x| x.0);
    items.retain(|(c, _)| *c >= top * MIN_SHARE);
    items.truncate(MAX_ITEMS);

    // Phrases first (the rule a person can check), then words, then signals.
    let mut phrases: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut signals: Vec<String> = Vec::new();
    let mut quoted_phrases: Vec<&str> = items
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Phrase(c) => e.hits.first(*c),
            _ => None,
        })
        .collect();
    // "complaint phrase 'refund*'" → "refund*"
    if let Some(quote) = rule_reason.as_deref().and_then(|r| r.split('\'').nth(1)) {
        quoted_phrases.push(quote);
    }
    for (_, item) in &items {
        match item {
            Item::Phrase(c) => {
                if let Some(p) = e.hits.first(*c) {
                    phrases.push(phrase_reason(*c, p));
                }
            }
            Item::Words(a, b) => {
                let quote: Vec<&str> = (*a..*b).map(|k| e.scanned.word(k)).collect();
                // The phrase already says it: "spam: 'check out my'" needs no
                // "spam words: 'check out my channel'" after it.
                let said = quoted_phrases.iter().any(|p| {
                    let phrase_words: Vec<&str> = p.split_whitespace().collect();
                    contains_phrase(&quote, p) || contains_phrase(&phrase_words, &quote.join(" "))
                });
                let text = format!("'{}'", quote.join(" "));
                if !said && !words.contains(&text) {
                    words.push(text);
                }
            }
            // "no words" already says it is short.
            Item::Signal(Dense::FewWords) if e.scanned.is_empty() => {}
            Item::Signal(d) => signals.push(signal_reason(*d, e)),
            Item::Rules => {}
        }
    }
    // Shown first: the rule a person can check.
    if let Some(r) = rule_reason {
        phrases.insert(0, r);
    }
    let mut seen = Vec::new();
    phrases.retain(|p| {
        let first = !seen.contains(p);
        seen.push(p.clone());
        first
    });
    signals.retain(|s| !phrases.contains(s));
    let mut parts = phrases;
    if !words.is_empty() {
        parts.push(format!(
            "{}: {}",
            word_label(rules, e, tier),
            words.join(", ")
        ));
    }
    parts.extend(signals);
    if parts.is_empty() {
        parts.push(fallback_reason(e, tier).to_string());
    }
    let reason = parts.join("; ");
    // Promotion is promotion wherever it was sent, as the rules have always said it.
    if tier == Tier::Monitor {
        reason
    } else {
        e.prefixed(reason)
    }
}

/// Whether `words` holds the rule phrase `phrase` ("refund*" matches "refunded").
fn contains_phrase(words: &[&str], phrase: &str) -> bool {
    let parts: Vec<&str> = phrase.split_whitespace().collect();
    if parts.is_empty() || parts.len() > words.len() {
        return false;
    }
    words.windows(parts.len()).any(|w| {
        w.iter()
            .zip(&parts)
            .all(|(word, p)| match p.strip_suffix('*') {
                Some(stem) => word.starts_with(stem),
                None => p == word || *p == "#",
            })
    })
}

/// Whether a reason quotes `phrase` ("complaint phrase 'refund*'" quotes "refund*").
fn quotes(reason: &str, phrase: &str) -> bool {
    reason
        .strip_suffix('\'')
        .and_then(|r| r.strip_suffix(phrase))
        .is_some_and(|r| r.ends_with('\''))
}

/// Words too common to quote on their own as evidence.
pub(super) fn is_filler_word(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "and"
            | "or"
            | "but"
            | "to"
            | "of"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "is"
            | "it"
            | "its"
            | "this"
            | "that"
            | "be"
            | "was"
            | "are"
            | "i"
            | "im"
            | "me"
            | "my"
            | "you"
            | "your"
            | "we"
            | "our"
            | "so"
            | "do"
            | "if"
            | "as"
            | "by"
            | "from"
            | "de"
            | "la"
            | "el"
            | "le"
            | "et"
            | "y"
            | "und"
            | "der"
            | "die"
    )
}

fn phrase_reason(c: Category, p: &str) -> String {
    match c {
        Category::Revenue => quoted("pricing phrase", p),
        Category::Retention | Category::Dislike => quoted("complaint phrase", p),
        Category::Engagement => quoted("question phrase", p),
        Category::Acknowledgment => quoted("praise", p),
        Category::Spam => format!("spam: '{p}'"),
        Category::Troll => format!("troll: '{p}'"),
        Category::FollowUp => quoted("follow-up", p),
        Category::Risk => quoted("risk phrase", p),
        Category::Ignore => quoted("phrase", p),
    }
}

fn signal_reason(d: Dense, e: &Evidence<'_>) -> String {
    match d {
        Dense::PositiveTone | Dense::NegativeTone => {
            let tone = if e.sentiment < 0.0 {
                "negative"
            } else {
                "positive"
            };
            format!("{tone} tone {:+.2}", e.sentiment)
        }
        Dense::Link => "link".into(),
        Dense::Shouting => "all caps".into(),
        Dense::Repetitive => "repeated text".into(),
        Dense::QuestionMark => "question mark".into(),
        Dense::QuestionWordFirst => "asks a question".into(),
        Dense::Exclamation => "exclamation mark".into(),
        Dense::ManyExclamations => "many exclamation marks".into(),
        Dense::Money => "money amount".into(),
        Dense::LongNumber => "phone number or code".into(),
        Dense::AtSign => "@-mention".into(),
        Dense::Hashtag => "hashtag".into(),
        Dense::Emoji => "emoji".into(),
        Dense::RatingLow | Dense::RatingMid | Dense::RatingHigh => match e.rating {
            Some(r) => format!("{r}★"),
            None => "rating".into(),
        },
        Dense::NudgeAfterText | Dense::NudgeOnly => "follow-up".into(),
        Dense::FewWords => "very short".into(),
        Dense::ManyWords => "long text".into(),
        Dense::FirstPerson => "about the writer".into(),
        Dense::SecondPerson => "addressed to you".into(),
        Dense::ImpersonalQuestion => "general question".into(),
        Dense::FirstPersonNegative => "own bad experience".into(),
        Dense::SecondPersonOffer => "offer with money, number or link".into(),
        Dense::PromoVerbFirst => "call to action".into(),
        Dense::Urgency => "urgency".into(),
        other => other.name().to_string(),
    }
}

/// How the quoted words are introduced, by the tier they argue for.
fn word_label(rules: &Rules, e: &Evidence<'_>, tier: Tier) -> &'static str {
    match tier {
        Tier::Revenue => "buying words",
        Tier::Retention => "complaint words",
        Tier::Engagement => "question words",
        Tier::Acknowledgment if e.sentiment >= rules.sentiment.positive => "praise words",
        Tier::Acknowledgment => "comment words",
        Tier::Monitor => "spam words",
    }
}

/// When no single piece of evidence stands out.
fn fallback_reason(e: &Evidence<'_>, tier: Tier) -> &'static str {
    match tier {
        _ if e.scanned.is_empty() => "no words",
        Tier::Revenue => "purchase intent",
        Tier::Retention => "complaint",
        Tier::Engagement => "question",
        Tier::Acknowledgment => "general comment",
        Tier::Monitor => "spam or off-topic",
    }
}

/// How the phrase rules report: with their reason, or the tier alone. The model
/// reads the rules' tier for every message, and formatting a reason nobody reads
/// would cost more than the decision itself.
pub trait Say {
    type Out;
    fn say(f: impl FnOnce() -> String) -> Self::Out;
    fn then(out: Self::Out, f: impl FnOnce(String) -> String) -> Self::Out;
}

/// With the reason text.
pub struct WithReason;

impl Say for WithReason {
    type Out = String;
    fn say(f: impl FnOnce() -> String) -> String {
        f()
    }
    fn then(out: String, f: impl FnOnce(String) -> String) -> String {
        f(out)
    }
}

/// The tier alone.
pub struct TierOnly;

impl Say for TierOnly {
    type Out = ();
    fn say(_: impl FnOnce() -> String) {}
    fn then(_: (), _: impl FnOnce(String) -> String) {}
}

/// The phrase rules alone, with their reason: the engine before the model, kept
/// as the fallback.
pub fn by_rules(rules: &Rules, e: &Evidence<'_>) -> (Tier, String) {
    by_rules_as::<WithReason>(rules, e)
}

/// The tier the phrase rules alone would pick, shown to the model as a feature.
pub fn rules_tier(rules: &Rules, e: &Evidence<'_>) -> Tier {
    by_rules_as::<TierOnly>(rules, e).0
}

/// Order matters: see the comment at the top of `assets/triage.toml`.
fn by_rules_as<S: Say>(rules: &Rules, e: &Evidence<'_>) -> (Tier, S::Out) {
    let h = &e.hits;
    // Promotion wins over everything else, purchase phrases included ("buy followers").
    if let Some(p) = h.first(Category::Spam) {
        return (Tier::Monitor, S::say(|| format!("spam: '{p}'")));
    }
    if let Some(r @ 1..=5) = e.rating {
        return review::<S>(rules, e, r);
    }
    if let Some(p) = h.first(Category::Retention) {
        let reason = S::say(|| e.prefixed(quoted("complaint phrase", p)));
        return (Tier::Retention, reason);
    }
    // An insult with no concrete failure is a troll, whatever it thinks of our prices.
    if let Some(p) = h.first(Category::Troll) {
        return (Tier::Monitor, S::say(|| format!("troll: '{p}'")));
    }
    if let Some(p) = h.first(Category::Dislike) {
        let reason = S::say(|| e.prefixed(quoted("complaint phrase", p)));
        return (Tier::Retention, reason);
    }
    // A public post with a bare link, shouting or copy-paste is promotion even when it
    // names a price ("buy now at ..."): spam must not reach the revenue tier.
    let question = e.is_question(rules) || h.first(Category::Engagement).is_some();
    if let Some(reason) = spam_shape(e, question) {
        return (Tier::Monitor, S::say(|| reason.to_string()));
    }
    if let Some(p) = h.first(Category::Revenue) {
        let reason = S::say(|| e.prefixed(quoted("pricing phrase", p)));
        return (Tier::Revenue, reason);
    }
    if e.nudges == Nudges::Only {
        return (Tier::Retention, S::say(|| e.prefixed(follow_up_reason(e))));
    }
    let (tier, reason) = from_tone::<S>(rules, e, question);
    // A question or comment followed by a nudge has been waiting on us.
    if e.nudges == Nudges::Some && matches!(tier, Tier::Engagement | Tier::Acknowledgment) {
        let reason = S::then(reason, |r| format!("{r} + {}", follow_up_reason(e)));
        return (Tier::Retention, reason);
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
fn review<S: Say>(rules: &Rules, e: &Evidence<'_>, stars: u8) -> (Tier, S::Out) {
    let h = &e.hits;
    match stars {
        1..=2 => (Tier::Retention, S::say(|| format!("{stars}★ review"))),
        3 => {
            let complaint = h.first(Category::Retention).or(h.first(Category::Dislike));
            if let Some(p) = complaint {
                let reason = S::say(|| e.prefixed(quoted("complaint phrase", p)));
                (Tier::Retention, reason)
            } else if e.sentiment <= rules.sentiment.negative {
                let reason = S::say(|| e.prefixed(format!("negative tone {:+.2}", e.sentiment)));
                (Tier::Retention, reason)
            } else if e.scanned.has_question_mark {
                (
                    Tier::Engagement,
                    S::say(|| e.prefixed("question".to_string())),
                )
            } else {
                (
                    Tier::Engagement,
                    S::say(|| e.prefixed("mixed review".to_string())),
                )
            }
        }
        _ if e.scanned.has_question_mark => (
            Tier::Engagement,
            S::say(|| e.prefixed("question".to_string())),
        ),
        _ => (Tier::Acknowledgment, S::say(|| format!("{stars}★ review"))),
    }
}

/// No decisive phrase: tone, questions and praise.
fn from_tone<S: Say>(rules: &Rules, e: &Evidence<'_>, question: bool) -> (Tier, S::Out) {
    let h = &e.hits;
    if e.sentiment <= rules.sentiment.negative {
        let reason = S::say(|| e.prefixed(format!("negative tone {:+.2}", e.sentiment)));
        return (Tier::Retention, reason);
    }
    if question {
        let reason = S::say(|| {
            e.prefixed(match h.first(Category::Engagement) {
                Some(p) => quoted("question phrase", p),
                None => "question".to_string(),
            })
        });
        return (Tier::Engagement, reason);
    }
    if let Some(p) = h.first(Category::Acknowledgment) {
        return (
            Tier::Acknowledgment,
            S::say(|| e.prefixed(quoted("praise", p))),
        );
    }
    if e.sentiment >= rules.sentiment.positive {
        let reason = S::say(|| e.prefixed(format!("positive tone {:+.2}", e.sentiment)));
        return (Tier::Acknowledgment, reason);
    }
    let reason = S::say(|| {
        e.prefixed(if e.scanned.is_empty() {
            "no words".to_string()
        } else {
            "general comment".to_string()
        })
    });
    (Tier::Acknowledgment, reason)
}

/// Promotion that uses no spam phrase: a bare link, shouting, copy-paste repetition.
/// DMs are exempt: a customer writing privately in capitals is upset, not spamming.
fn spam_shape(e: &Evidence<'_>, question: bool) -> Option<&'static str> {
    if e.kind == Kind::Dm {
        return None;
    }
    if e.scanned.is_repetitive() {
        return Some("spam: repeated text");
    }
    if e.scanned.has_link && !question {
        return Some("spam: promo link");
    }
    if e.scanned.is_shouting() && !question {
        return Some("spam: all-caps shouting");
    }
    None
}
