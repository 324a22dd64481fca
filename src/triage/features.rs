//! What the trained model sees of a message: a sparse vector of dense signals (phrase
//! hits, spam shape, tone, kind, rating) and hashed word 1–2-grams and character
//! 3–5-grams.
//!
//! Dense signals carry what the rules know in every domain; the hashed n-grams learn
//! the words the rule lists do not have. Each hashed group is scaled by one over the
//! square root of its size, so a long text does not outvote a short one by length.
//! Every feature remembers where it came from (which word), so the reason can quote
//! words and `--explain` can name each feature.

// Numeric model code: hashing into buckets, quantised weights and f32 scores
// narrow on purpose (each cast is bounded by the layout or clamped first).
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use super::followup::Nudges;
use super::phrases::{Category, Hits};
use super::text::Scanned;
use crate::model::{Kind, Tier};

/// Hashed n-grams land in `2^HASH_BITS` buckets: enough that collisions between the
/// few hundred thousand n-grams of the training text are rare, small enough that
/// the weights stay near a megabyte.
pub const HASH_BITS: u32 = 18;
pub const BUCKETS: usize = 1 << HASH_BITS;

/// Only this many words feed n-grams: long texts cost more and say no more.
const MAX_WORDS: usize = 160;
/// Longer words (URLs, glued CJK sentences) only give their first characters.
const MAX_WORD_CHARS: usize = 40;

/// The fixed, named features, in index order. Their names are part of the weights
/// file's layout fingerprint: renaming or reordering one needs a retrain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dense {
    RevenuePhrase,
    RetentionPhrase,
    EngagementPhrase,
    AcknowledgmentPhrase,
    SpamPhrase,
    TrollPhrase,
    DislikePhrase,
    FollowUpPhrase,
    RiskPhrase,
    Link,
    Shouting,
    Repetitive,
    QuestionMark,
    QuestionWordFirst,
    Exclamation,
    ManyExclamations,
    Money,
    LongNumber,
    AtSign,
    Hashtag,
    Emoji,
    PositiveTone,
    NegativeTone,
    KindDm,
    KindComment,
    KindMention,
    KindReview,
    RatingLow,
    RatingMid,
    RatingHigh,
    NudgeAfterText,
    NudgeOnly,
    FewWords,
    ManyWords,
    /// The tier the phrase rules alone would pick: their order of precedence
    /// (spam over revenue, complaints over questions...) in one signal.
    RulesSayRevenue,
    RulesSayRetention,
    RulesSayEngagement,
    RulesSayAcknowledgment,
    RulesSayMonitor,
    // Domain-independent shape of the message (appended: earlier indices keep
    // their meaning). Who it is about is what separates a customer's question
    // ("my card", "do you ship") from a general one ("why is the sky blue").
    /// A first-person word in several languages ("my", "ich", "mon", "mijn").
    FirstPerson,
    /// A word that addresses the reader ("you", "vous", "jullie", "você").
    SecondPerson,
    /// A question about neither the writer nor the reader: off-topic more often.
    ImpersonalQuestion,
    /// The writer speaks of themselves in a negative tone (value: how negative).
    FirstPersonNegative,
    /// Addressed to the reader with money, a phone number or a link: the shape
    /// of a prize or promotion text.
    SecondPersonOffer,
    /// Opens with a call to act ("call", "click", "claim", "subscribe").
    PromoVerbFirst,
    /// Hurry words ("urgent", "now", "today", "asap").
    Urgency,
}

impl Dense {
    pub const ALL: [Dense; 46] = [
        Dense::RevenuePhrase,
        Dense::RetentionPhrase,
        Dense::EngagementPhrase,
        Dense::AcknowledgmentPhrase,
        Dense::SpamPhrase,
        Dense::TrollPhrase,
        Dense::DislikePhrase,
        Dense::FollowUpPhrase,
        Dense::RiskPhrase,
        Dense::Link,
        Dense::Shouting,
        Dense::Repetitive,
        Dense::QuestionMark,
        Dense::QuestionWordFirst,
        Dense::Exclamation,
        Dense::ManyExclamations,
        Dense::Money,
        Dense::LongNumber,
        Dense::AtSign,
        Dense::Hashtag,
        Dense::Emoji,
        Dense::PositiveTone,
        Dense::NegativeTone,
        Dense::KindDm,
        Dense::KindComment,
        Dense::KindMention,
        Dense::KindReview,
        Dense::RatingLow,
        Dense::RatingMid,
        Dense::RatingHigh,
        Dense::NudgeAfterText,
        Dense::NudgeOnly,
        Dense::FewWords,
        Dense::ManyWords,
        Dense::RulesSayRevenue,
        Dense::RulesSayRetention,
        Dense::RulesSayEngagement,
        Dense::RulesSayAcknowledgment,
        Dense::RulesSayMonitor,
        Dense::FirstPerson,
        Dense::SecondPerson,
        Dense::ImpersonalQuestion,
        Dense::FirstPersonNegative,
        Dense::SecondPersonOffer,
        Dense::PromoVerbFirst,
        Dense::Urgency,
    ];

    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn from_index(i: u32) -> Option<Dense> {
        Dense::ALL.get(i as usize).copied()
    }

    /// Stable identifier, as `--explain` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Dense::RevenuePhrase => "phrases:revenue",
            Dense::RetentionPhrase => "phrases:retention",
            Dense::EngagementPhrase => "phrases:engagement",
            Dense::AcknowledgmentPhrase => "phrases:acknowledgment",
            Dense::SpamPhrase => "phrases:spam",
            Dense::TrollPhrase => "phrases:troll",
            Dense::DislikePhrase => "phrases:dislike",
            Dense::FollowUpPhrase => "phrases:follow_up",
            Dense::RiskPhrase => "phrases:risk",
            Dense::Link => "link",
            Dense::Shouting => "shouting",
            Dense::Repetitive => "repetitive",
            Dense::QuestionMark => "question_mark",
            Dense::QuestionWordFirst => "question_word_first",
            Dense::Exclamation => "exclamation",
            Dense::ManyExclamations => "many_exclamations",
            Dense::Money => "money",
            Dense::LongNumber => "long_number",
            Dense::AtSign => "at_sign",
            Dense::Hashtag => "hashtag",
            Dense::Emoji => "emoji",
            Dense::PositiveTone => "tone:positive",
            Dense::NegativeTone => "tone:negative",
            Dense::KindDm => "kind:dm",
            Dense::KindComment => "kind:comment",
            Dense::KindMention => "kind:mention",
            Dense::KindReview => "kind:review",
            Dense::RatingLow => "rating:1-2",
            Dense::RatingMid => "rating:3",
            Dense::RatingHigh => "rating:4-5",
            Dense::NudgeAfterText => "nudge_after_text",
            Dense::NudgeOnly => "nudge_only",
            Dense::FewWords => "few_words",
            Dense::ManyWords => "many_words",
            Dense::RulesSayRevenue => "rules_say:1",
            Dense::RulesSayRetention => "rules_say:2",
            Dense::RulesSayEngagement => "rules_say:3",
            Dense::RulesSayAcknowledgment => "rules_say:4",
            Dense::RulesSayMonitor => "rules_say:5",
            Dense::FirstPerson => "first_person",
            Dense::SecondPerson => "second_person",
            Dense::ImpersonalQuestion => "impersonal_question",
            Dense::FirstPersonNegative => "first_person_negative",
            Dense::SecondPersonOffer => "second_person_offer",
            Dense::PromoVerbFirst => "promo_verb_first",
            Dense::Urgency => "urgency",
        }
    }

    /// The phrase list a phrase-count feature counts.
    pub fn category(self) -> Option<Category> {
        Some(match self {
            Dense::RevenuePhrase => Category::Revenue,
            Dense::RetentionPhrase => Category::Retention,
            Dense::EngagementPhrase => Category::Engagement,
            Dense::AcknowledgmentPhrase => Category::Acknowledgment,
            Dense::SpamPhrase => Category::Spam,
            Dense::TrollPhrase => Category::Troll,
            Dense::DislikePhrase => Category::Dislike,
            Dense::FollowUpPhrase => Category::FollowUp,
            Dense::RiskPhrase => Category::Risk,
            _ => return None,
        })
    }
}

pub const DENSE: u32 = Dense::ALL.len() as u32;
/// Every feature index is below this: dense first, then the hash buckets.
pub const FEATURES: usize = DENSE as usize + BUCKETS;

/// Hashed n-gram settings that change what a weight means; with the dense names
/// they make the layout fingerprint stored in the weights file.
const HASH_LAYOUT: &str = "v2 words:1-2 numbers:shape chars:3-5 cjk-chars:2 buckets:18";

/// A number that identifies the feature layout; a weights file built for another
/// layout would score nonsense, so it is refused.
pub fn layout_fingerprint() -> u64 {
    let mut h = Fnv::new(0x6865_6172_7468);
    h.bytes(HASH_LAYOUT.as_bytes());
    for d in Dense::ALL {
        h.bytes(d.name().as_bytes());
        h.bytes(b"|");
    }
    h.finish()
}

/// Where a feature came from, so it can be named and its words quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Dense(Dense),
    /// A word (or number shape) at this word position.
    Word(u16),
    /// Two words starting at this position.
    Bigram(u16),
    /// `len` characters from char `start` of the word at `word`, padded with a
    /// space at each end (so " re" is a word start).
    Chars {
        word: u16,
        start: u8,
        len: u8,
    },
}

/// One message as the model sees it: parallel lists of index, value and origin.
/// Indices may repeat (a word used twice); scores add up either way.
#[derive(Debug, Default, Clone)]
pub struct Features {
    pub index: Vec<u32>,
    pub value: Vec<f32>,
    pub origin: Vec<Origin>,
}

/// Where extracted features go: into a [`Features`] list, or straight into a
/// scorer (classify needs no list, and building one costs as much as scoring).
pub trait Sink {
    fn add(&mut self, index: u32, value: f32, origin: Origin);

    fn dense(&mut self, d: Dense, value: f32) {
        if value != 0.0 {
            self.add(d.index(), value, Origin::Dense(d));
        }
    }
}

impl Sink for Features {
    fn add(&mut self, index: u32, value: f32, origin: Origin) {
        self.push(index, value, origin);
    }
}

impl Features {
    fn push(&mut self, index: u32, value: f32, origin: Origin) {
        self.index.push(index);
        self.value.push(value);
        self.origin.push(origin);
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The value of a dense feature (0 when absent).
    pub fn dense_value(&self, d: Dense) -> f32 {
        self.index
            .iter()
            .zip(&self.value)
            .filter(|(i, _)| **i == d.index())
            .map(|(_, v)| *v)
            .sum()
    }
}

/// Everything the extractor needs besides the words.
pub struct Signals<'a> {
    pub text: &'a str,
    pub scanned: &'a Scanned,
    pub hits: &'a Hits<'a>,
    pub sentiment: f64,
    pub kind: Kind,
    pub rating: Option<u8>,
    pub nudges: Nudges,
    pub question_word_first: bool,
    /// What the phrase rules alone would decide.
    pub rules_tier: Tier,
}

/// 64-bit FNV-1a with a final multiply, so the top bits (the bucket) are well mixed.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new(seed: u64) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325 ^ seed)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(self) -> u64 {
        let h = self.0 ^ (self.0 >> 29);
        h.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }
}

/// Namespaces, so a word and the same letters as a char n-gram never share a bucket.
const SEED_WORD: u64 = 1;
const SEED_BIGRAM: u64 = 2;
const SEED_CHARS: u64 = 3;

fn bucket(h: u64) -> u32 {
    DENSE + (h >> (64 - HASH_BITS)) as u32
}

/// A word that holds a digit stands for its shape, not its value: "500" and "800"
/// are both "a three-digit number" (prices, codes and phone numbers generalise).
fn number_shape(word: &str) -> Option<&'static str> {
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    match digits {
        0 => None,
        1..=2 => Some("#1-2"),
        3..=4 => Some("#3-4"),
        _ => Some("#5+"),
    }
}

/// The n-gram text a word contributes: its shape if it is a number.
fn token(word: &str) -> &str {
    number_shape(word).unwrap_or(word)
}

fn word_hash(word: &str) -> u64 {
    let mut h = Fnv::new(SEED_WORD);
    h.bytes(token(word).as_bytes());
    h.finish()
}

fn bigram_hash(a: &str, b: &str) -> u64 {
    let mut h = Fnv::new(SEED_BIGRAM);
    h.bytes(token(a).as_bytes());
    h.bytes(b" ");
    h.bytes(token(b).as_bytes());
    h.finish()
}

/// Relative weight of each group before its 1/sqrt(size) scaling. Words carry most;
/// char n-grams back them up on misspellings and languages the lists lack.
const WORD_SCALE: f32 = 1.0;
const BIGRAM_SCALE: f32 = 0.7;
const CHAR_SCALE: f32 = 1.0;

/// Extract every feature of one message, char n-grams one by one (training and
/// `--explain` need them so).
pub fn extract(s: &Signals<'_>) -> Features {
    let mut f = extract_without_chars(s);
    let n_words = s.scanned.len().min(MAX_WORDS);
    let first_char = f.len();
    for i in 0..n_words {
        let word = s.scanned.word(i);
        if number_shape(word).is_none() {
            let at = i as u16;
            char_grams(word, s.scanned.has_cjk, |bucket, start, len| {
                f.push(
                    bucket,
                    1.0,
                    Origin::Chars {
                        word: at,
                        start,
                        len,
                    },
                );
            });
        }
    }
    let n_chars = f.len() - first_char;
    if n_chars > 0 {
        let w = char_value(n_chars);
        for v in &mut f.value[first_char..] {
            *v = w;
        }
    }
    f
}

/// The value each char n-gram gets when a message has `n` of them.
pub fn char_value(n: usize) -> f32 {
    CHAR_SCALE / (n.max(1) as f32).sqrt()
}

/// Dense features, words and bigrams; char n-grams are left out, for the scorer
/// to add per word (see `Model::scores_with_breakdown`, which caches each word's
/// char n-gram weights: most words recur, and their n-grams are most features).
pub fn extract_without_chars(s: &Signals<'_>) -> Features {
    let n_words = s.scanned.len().min(MAX_WORDS);
    let mut f = Features::default();
    let cap = 48 + n_words * 20;
    f.index.reserve(cap);
    f.value.reserve(cap);
    f.origin.reserve(cap);
    visit_without_chars(s, &mut f);
    f
}

/// [`extract_without_chars`] into any [`Sink`].
pub fn visit_without_chars(s: &Signals<'_>, sink: &mut impl Sink) {
    let n_words = s.scanned.len().min(MAX_WORDS);
    dense(s, sink);
    if n_words > 0 {
        let w = WORD_SCALE / (n_words as f32).sqrt();
        for i in 0..n_words {
            sink.add(
                bucket(word_hash(s.scanned.word(i))),
                w,
                Origin::Word(i as u16),
            );
        }
    }
    if n_words > 1 {
        let w = BIGRAM_SCALE / ((n_words - 1) as f32).sqrt();
        for i in 0..n_words - 1 {
            let h = bigram_hash(s.scanned.word(i), s.scanned.word(i + 1));
            sink.add(bucket(h), w, Origin::Bigram(i as u16));
        }
    }
}

/// The words of a message that get char n-grams, by position (numbers do not).
pub fn char_gram_words(scanned: &Scanned) -> impl Iterator<Item = (usize, &str)> {
    (0..scanned.len().min(MAX_WORDS))
        .map(|i| (i, scanned.word(i)))
        .filter(|(_, w)| number_shape(w).is_none())
}

/// How many char n-grams `word` gives, without hashing them.
pub fn char_gram_count(word: &str, cjk: bool) -> usize {
    let n = word.chars().take(MAX_WORD_CHARS).count() + 2;
    let min = if cjk { 2 } else { 3 };
    (min..=5).filter(|k| *k <= n).map(|k| n + 1 - k).sum()
}

/// A key for `word`'s char n-grams (with the CJK flag, which adds 2-grams).
pub fn char_gram_key(word: &str, cjk: bool) -> u64 {
    let mut h = Fnv::new(SEED_CHARS ^ u64::from(cjk));
    h.bytes(word.as_bytes());
    h.finish()
}

/// Calls `emit(bucket, start, len)` for each char n-gram of " word ": 3 to 5
/// characters (and 2 in CJK text, where a two-character run is often a whole word).
pub fn char_grams(word: &str, cjk: bool, mut emit: impl FnMut(u32, u8, u8)) {
    // Byte offsets of each char boundary of " word ", capped.
    let mut ends = [0usize; MAX_WORD_CHARS + 3];
    let mut padded = [0u8; MAX_WORD_CHARS * 4 + 2];
    padded[0] = b' ';
    let mut len = 1;
    let mut n = 1;
    ends[0] = 0;
    ends[1] = 1;
    for c in word.chars().take(MAX_WORD_CHARS) {
        let mut buf = [0u8; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        padded[len..len + bytes.len()].copy_from_slice(bytes);
        len += bytes.len();
        n += 1;
        ends[n] = len;
    }
    padded[len] = b' ';
    len += 1;
    n += 1;
    ends[n] = len;
    // `n` chars now; char k spans ends[k]..ends[k + 1].
    let min = if cjk { 2 } else { 3 };
    for start in 0..n {
        let mut h = Fnv::new(SEED_CHARS);
        let mut fed = ends[start];
        for size in 1..=5usize {
            let end_char = start + size;
            if end_char > n {
                break;
            }
            h.bytes(&padded[fed..ends[end_char]]);
            fed = ends[end_char];
            if size >= min {
                emit(bucket(h.finish()), start as u8, size as u8);
            }
        }
    }
}

/// Surface signals of the raw text that `Scanned` drops (it keeps only words).
#[derive(Debug, Default, PartialEq, Eq)]
struct Marks {
    exclamations: usize,
    money: bool,
    long_number: bool,
    at_sign: bool,
    hashtag: bool,
    emoji: bool,
}

fn marks(text: &str) -> Marks {
    let mut m = Marks::default();
    let mut digit_run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digit_run += 1;
            // Phone numbers and short codes: five digits or more, spaces allowed
            // only between groups ("0800 123 456" counts as one run here).
            if digit_run >= 5 {
                m.long_number = true;
            }
            continue;
        }
        if c != ' ' && c != '-' {
            digit_run = 0;
        }
        match c {
            '!' | '！' => m.exclamations += 1,
            '$' | '€' | '£' | '¥' | '₹' | '₩' => m.money = true,
            '@' => m.at_sign = true,
            '#' => m.hashtag = true,
            '\u{1F300}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' => m.emoji = true,
            _ => {}
        }
    }
    m
}

/// A first-person word (apostrophes already dropped: "I'm" → "im").
fn is_first_person(w: &str) -> bool {
    matches!(
        w,
        "i" | "im" | "ive" | "id" | "ill" | "me" | "my" | "mine" | "myself" | "we" | "weve"
            | "our" | "ours" | "us"
            // de
            | "ich" | "mich" | "mir" | "mein" | "meine" | "meinen" | "meinem" | "meiner"
            | "wir" | "uns" | "unser" | "unsere" | "unseren"
            // fr
            | "je" | "jai" | "moi" | "mon" | "ma" | "mes" | "nous" | "notre" | "nos"
            // es, it, pt
            | "yo" | "mi" | "mis" | "nosotros" | "nuestro" | "nuestra" | "nuestros"
            | "io" | "mio" | "mia" | "miei" | "mie" | "noi" | "nostro" | "nostra"
            | "eu" | "meu" | "minha" | "meus" | "minhas" | "nós" | "nosso" | "nossa"
            // nl
            | "ik" | "mijn" | "wij" | "ons" | "onze"
    )
}

/// A word that addresses the reader.
fn is_second_person(w: &str) -> bool {
    matches!(
        w,
        "you" | "your" | "yours" | "youre" | "youve" | "youll" | "yall" | "u" | "ur"
            | "yourself"
            // de
            | "du" | "dich" | "dir" | "dein" | "deine" | "deinen" | "euch" | "euer" | "eure"
            | "ihnen"
            // fr
            | "vous" | "votre" | "vos" | "tu" | "toi" | "ton" | "ta" | "tes"
            // es, it, pt
            | "tú" | "usted" | "ustedes" | "vosotros" | "vuestro" | "vuestra"
            | "voi" | "vostro" | "vostra" | "você" | "vocês" | "voce" | "voces" | "vosso"
            | "teu" | "tua"
            // nl
            | "jij" | "jou" | "jouw" | "jullie" | "uw"
    )
}

/// A first word that calls the reader to act, as promotions open.
fn is_promo_verb(w: &str) -> bool {
    matches!(
        w,
        "call"
            | "click"
            | "claim"
            | "text"
            | "txt"
            | "visit"
            | "subscribe"
            | "follow"
            | "join"
            | "win"
            | "earn"
            | "get"
            | "watch"
            | "check"
            | "congrats"
            | "congratulations"
            | "winner"
            | "urgent"
            | "gana"
            | "gagnez"
            | "verdiene"
            | "guadagna"
            | "ganhe"
    )
}

fn is_urgency(w: &str) -> bool {
    matches!(
        w,
        "urgent"
            | "now"
            | "asap"
            | "immediately"
            | "today"
            | "hurry"
            | "expires"
            | "final"
            | "limited"
            | "sofort"
            | "dringend"
            | "urgente"
            | "maintenant"
            | "ahora"
            | "subito"
            | "agora"
            | "nu"
            | "meteen"
    )
}

fn phrase_count(hits: &Hits<'_>, c: Category) -> f32 {
    // ln(1 + n): the first hit matters most, more hits still add a little.
    (1.0 + f32::from(hits.count(c))).ln()
}

fn dense(s: &Signals<'_>, f: &mut impl Sink) {
    for d in Dense::ALL {
        if let Some(c) = d.category() {
            f.dense(d, phrase_count(s.hits, c));
        }
    }
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    f.dense(Dense::Link, flag(s.scanned.has_link));
    f.dense(Dense::Shouting, flag(s.scanned.is_shouting()));
    f.dense(Dense::Repetitive, flag(s.scanned.is_repetitive()));
    f.dense(Dense::QuestionMark, flag(s.scanned.has_question_mark));
    f.dense(Dense::QuestionWordFirst, flag(s.question_word_first));
    let m = marks(s.text);
    f.dense(Dense::Exclamation, flag(m.exclamations > 0));
    f.dense(Dense::ManyExclamations, flag(m.exclamations >= 3));
    f.dense(Dense::Money, flag(m.money));
    f.dense(Dense::LongNumber, flag(m.long_number));
    f.dense(Dense::AtSign, flag(m.at_sign));
    f.dense(Dense::Hashtag, flag(m.hashtag));
    f.dense(Dense::Emoji, flag(m.emoji));
    f.dense(Dense::PositiveTone, s.sentiment.max(0.0) as f32);
    f.dense(Dense::NegativeTone, (-s.sentiment).max(0.0) as f32);
    f.dense(
        match s.kind {
            Kind::Dm => Dense::KindDm,
            Kind::Comment => Dense::KindComment,
            Kind::Mention => Dense::KindMention,
            Kind::Review => Dense::KindReview,
        },
        1.0,
    );
    match s.rating {
        Some(1..=2) => f.dense(Dense::RatingLow, 1.0),
        Some(3) => f.dense(Dense::RatingMid, 1.0),
        Some(4..=5) => f.dense(Dense::RatingHigh, 1.0),
        _ => {}
    }
    match s.nudges {
        Nudges::Some => f.dense(Dense::NudgeAfterText, 1.0),
        Nudges::Only => f.dense(Dense::NudgeOnly, 1.0),
        Nudges::None => {}
    }
    let n = s.scanned.len();
    f.dense(Dense::FewWords, flag(n <= 3));
    f.dense(Dense::ManyWords, flag(n > 40));
    let (mut first, mut second, mut urgent) = (false, false, false);
    let mut previous = "";
    for w in s.scanned.words().take(MAX_WORDS) {
        first |= is_first_person(w);
        // "thank you" thanks; it does not address an offer to anyone.
        second |= is_second_person(w) && previous != "thank";
        urgent |= is_urgency(w);
        previous = w;
    }
    let question = s.scanned.has_question_mark || s.question_word_first;
    f.dense(Dense::FirstPerson, flag(first));
    f.dense(Dense::SecondPerson, flag(second));
    f.dense(
        Dense::ImpersonalQuestion,
        flag(question && !first && !second),
    );
    if first {
        f.dense(Dense::FirstPersonNegative, (-s.sentiment).max(0.0) as f32);
    }
    f.dense(
        Dense::SecondPersonOffer,
        flag(second && (m.money || m.long_number || s.scanned.has_link)),
    );
    f.dense(
        Dense::PromoVerbFirst,
        flag(s.scanned.first_word().is_some_and(is_promo_verb)),
    );
    f.dense(Dense::Urgency, flag(urgent));
    f.dense(
        match s.rules_tier {
            Tier::Revenue => Dense::RulesSayRevenue,
            Tier::Retention => Dense::RulesSayRetention,
            Tier::Engagement => Dense::RulesSayEngagement,
            Tier::Acknowledgment => Dense::RulesSayAcknowledgment,
            Tier::Monitor => Dense::RulesSayMonitor,
        },
        1.0,
    );
}

/// A feature's name for `--explain`: the dense name, or the n-gram it hashed.
pub fn describe(origin: Origin, scanned: &Scanned) -> String {
    let word = |i: u16| {
        let i = usize::from(i);
        if i < scanned.len() {
            token(scanned.word(i)).to_string()
        } else {
            String::new()
        }
    };
    match origin {
        Origin::Dense(d) => d.name().to_string(),
        Origin::Word(i) => format!("word '{}'", word(i)),
        Origin::Bigram(i) => format!("words '{} {}'", word(i), word(i + 1)),
        Origin::Chars {
            word: i,
            start,
            len,
        } => {
            let padded = format!(" {} ", word(i));
            let gram: String = padded
                .chars()
                .skip(usize::from(start))
                .take(usize::from(len))
                .collect();
            format!("chars '{gram}'")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TriageConfig;
    use crate::triage::rules::{Rules, RulesFile};

    fn rules() -> Rules {
        Rules::build(
            RulesFile::defaults().expect("defaults parse"),
            &TriageConfig::default(),
        )
        .expect("defaults compile")
    }

    fn features(rules: &Rules, text: &str, kind: Kind, sentiment: f64) -> (Features, Scanned) {
        let scanned = Scanned::new(text);
        let hits = rules.phrases.scan(&scanned);
        let f = extract(&Signals {
            text,
            scanned: &scanned,
            hits: &hits,
            sentiment,
            kind,
            rating: None,
            nudges: Nudges::None,
            question_word_first: false,
            rules_tier: Tier::Acknowledgment,
        });
        (f, scanned)
    }

    fn names(f: &Features, scanned: &Scanned) -> Vec<String> {
        f.origin.iter().map(|o| describe(*o, scanned)).collect()
    }

    #[test]
    fn dense_signals_reflect_the_rules_and_the_surface() {
        let r = rules();
        let (f, _) = features(
            &r,
            "Refund me NOW!!! call 0800 555 123 or visit scam.biz, $50 #fail @shop 😠",
            Kind::Dm,
            -0.6,
        );
        assert!(f.dense_value(Dense::RetentionPhrase) > 0.6);
        assert_eq!(f.dense_value(Dense::RevenuePhrase), 0.0);
        for d in [
            Dense::Link,
            Dense::Exclamation,
            Dense::ManyExclamations,
            Dense::Money,
            Dense::LongNumber,
            Dense::AtSign,
            Dense::Hashtag,
            Dense::Emoji,
            Dense::KindDm,
        ] {
            assert_eq!(f.dense_value(d), 1.0, "{}", d.name());
        }
        assert!((f.dense_value(Dense::NegativeTone) - 0.6).abs() < 1e-6);
        assert_eq!(f.dense_value(Dense::PositiveTone), 0.0);
        assert_eq!(f.dense_value(Dense::KindComment), 0.0);
        assert_eq!(f.dense_value(Dense::Shouting), 0.0);
        // Two phrase hits count more than one, but less than twice as much.
        let (two, _) = features(&r, "refund, and it arrived broken", Kind::Dm, 0.0);
        let one = f.dense_value(Dense::RetentionPhrase);
        let both = two.dense_value(Dense::RetentionPhrase);
        assert!(both > one && both < 2.0 * one, "{one} {both}");
    }

    fn with_question(rules: &Rules, text: &str, sentiment: f64) -> Features {
        let scanned = Scanned::new(text);
        let hits = rules.phrases.scan(&scanned);
        extract(&Signals {
            text,
            scanned: &scanned,
            hits: &hits,
            sentiment,
            kind: Kind::Comment,
            rating: None,
            nudges: Nudges::None,
            question_word_first: false,
            rules_tier: Tier::Acknowledgment,
        })
    }

    #[test]
    fn who_a_message_is_about_is_read_in_several_languages() {
        let r = rules();
        let f = with_question(&r, "why is the sky blue?", 0.0);
        assert_eq!(f.dense_value(Dense::ImpersonalQuestion), 1.0);
        assert_eq!(f.dense_value(Dense::FirstPerson), 0.0);
        assert_eq!(f.dense_value(Dense::SecondPerson), 0.0);
        // About the writer or the reader: not a general question.
        for text in [
            "why was my card declined?",
            "do you ship to Ireland?",
            "Wo finde ich meine Rechnungen?",
            "Vous livrez en Belgique ?",
            "Hebben jullie nog plek?",
        ] {
            let f = with_question(&r, text, 0.0);
            assert_eq!(f.dense_value(Dense::ImpersonalQuestion), 0.0, "{text}");
            let person = f.dense_value(Dense::FirstPerson) + f.dense_value(Dense::SecondPerson);
            assert!(person > 0.0, "{text}");
        }
        // A bad experience of one's own carries the tone's strength.
        let f = with_question(&r, "my order never came", -0.4);
        assert!((f.dense_value(Dense::FirstPersonNegative) - 0.4).abs() < 1e-6);
        let f = with_question(&r, "the weather is awful", -0.4);
        assert_eq!(f.dense_value(Dense::FirstPersonNegative), 0.0);
    }

    #[test]
    fn prize_texts_have_the_offer_shape_and_thanks_does_not() {
        let r = rules();
        let f = with_question(&r, "Congrats! You won $500, call 0800 123 456 now", 0.0);
        for d in [
            Dense::SecondPersonOffer,
            Dense::PromoVerbFirst,
            Dense::Urgency,
        ] {
            assert_eq!(f.dense_value(d), 1.0, "{}", d.name());
        }
        // "thank you" with a price is a customer, not an offer.
        let f = with_question(&r, "is it still $22 a month? thank you", 0.0);
        assert_eq!(f.dense_value(Dense::SecondPersonOffer), 0.0);
        assert_eq!(f.dense_value(Dense::PromoVerbFirst), 0.0);
        assert_eq!(f.dense_value(Dense::Money), 1.0);
    }

    #[test]
    fn words_bigrams_and_char_grams_are_named_by_their_text() {
        let r = rules();
        let (f, scanned) = features(&r, "Late again", Kind::Comment, 0.0);
        let names = names(&f, &scanned);
        for expected in [
            "word 'late'",
            "word 'again'",
            "words 'late again'",
            "chars ' la'",
            "chars 'late '",
            "chars 'gain '",
            "kind:comment",
            "few_words",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
        }
        // Char n-grams stay inside one word: nothing spans "late again".
        assert!(!names.iter().any(|n| n == "chars 'e a'"), "{names:?}");
        assert!(!names.iter().any(|n| n == "chars 'late a'"), "{names:?}");
    }

    #[test]
    fn numbers_are_shapes_and_buckets_are_stable() {
        let r = rules();
        let (a, _) = features(&r, "win 500 now", Kind::Comment, 0.0);
        let (b, _) = features(&r, "win 800 now", Kind::Comment, 0.0);
        let (c, _) = features(&r, "win 80000 now", Kind::Comment, 0.0);
        assert_eq!(a.index, b.index, "same shape, same features");
        assert_ne!(a.index, c.index);
        assert!(a.index.iter().all(|i| (*i as usize) < FEATURES));
        // A word's bucket does not depend on its neighbours.
        let (d, _) = features(&r, "refund", Kind::Comment, 0.0);
        let (e, _) = features(&r, "a refund", Kind::Comment, 0.0);
        let word_bucket = |f: &Features| {
            f.index
                .iter()
                .zip(&f.origin)
                .filter(|(_, o)| matches!(o, Origin::Word(_)))
                .map(|(i, _)| *i)
                .next_back()
        };
        assert_eq!(word_bucket(&d), word_bucket(&e));
    }

    #[test]
    fn hashed_groups_are_length_normalised() {
        let r = rules();
        let short = features(&r, "great", Kind::Comment, 0.0).0;
        let long_text = "great ".repeat(30);
        let long = features(&r, &long_text, Kind::Comment, 0.0).0;
        // Sum of squares per group is 1 (times the group scale), whatever the length.
        let words_norm = |f: &Features| -> f32 {
            f.value
                .iter()
                .zip(&f.origin)
                .filter(|(_, o)| matches!(o, Origin::Word(_)))
                .map(|(v, _)| v * v)
                .sum()
        };
        assert!((words_norm(&short) - 1.0).abs() < 1e-5);
        assert!((words_norm(&long) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn cjk_text_gets_two_char_grams_and_long_words_are_capped() {
        let r = rules();
        let (f, scanned) = features(&r, "退款", Kind::Dm, 0.0);
        let names = names(&f, &scanned);
        assert!(names.iter().any(|n| n == "chars '退款'"), "{names:?}");
        let huge = "x".repeat(5000);
        let (g, _) = features(&r, &huge, Kind::Comment, 0.0);
        assert!(g.len() < 200, "{}", g.len());
    }

    #[test]
    fn the_layout_fingerprint_is_fixed_for_this_build() {
        assert_eq!(layout_fingerprint(), layout_fingerprint());
        assert_eq!(DENSE as usize, Dense::ALL.len());
        for (i, d) in Dense::ALL.iter().enumerate() {
            assert_eq!(d.index() as usize, i, "{}", d.name());
            assert_eq!(Dense::from_index(i as u32), Some(*d));
        }
    }
}
