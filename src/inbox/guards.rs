//! Reply guards: catch the common mistakes the product brief names (deflecting,
//! canned repeats, ignoring the customer's name, leftover template blanks, overlong
//! replies, hiding a complaint) before they reach a customer. Pure logic, no I/O:
//! the caller gathers the facts and shows the warnings.
//!
//! Each guard can be switched off in the `[guards]` config table
//! ([`GuardConfig`]); a warning names its guard so the UI can say which one fired.

mod elsewhere;
mod phrases;
mod scan;

use crate::config::GuardConfig;
use crate::model::{ParseEnumError, Tier};
use scan::{Clause, Sentence, Word};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// A named guard. Stored/configured by its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Guard {
    Deflection,
    RepeatedText,
    NoPersonalisation,
    UnfilledTemplate,
    TooLong,
    HidingComplaint,
    ComplaintElsewhere,
}

/// The good words, for the error that names a bad one.
const GUARD_WORDS: &str = "deflection, repeated-text, no-personalisation, unfilled-template, too-long, hiding-complaint, \
     complaint-elsewhere";

impl Guard {
    /// Every guard, in the order `check_reply` reports them.
    pub const ALL: [Guard; 7] = [
        Guard::Deflection,
        Guard::RepeatedText,
        Guard::NoPersonalisation,
        Guard::UnfilledTemplate,
        Guard::TooLong,
        Guard::HidingComplaint,
        Guard::ComplaintElsewhere,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Guard::Deflection => "deflection",
            Guard::RepeatedText => "repeated-text",
            Guard::NoPersonalisation => "no-personalisation",
            Guard::UnfilledTemplate => "unfilled-template",
            Guard::TooLong => "too-long",
            Guard::HidingComplaint => "hiding-complaint",
            Guard::ComplaintElsewhere => "complaint-elsewhere",
        }
    }

    /// One line saying what the guard catches (for help screens and docs).
    pub fn describe(self) -> &'static str {
        match self {
            Guard::Deflection => {
                "a reply that redirects (\"check our website\", \"DM us\") instead of answering"
            }
            Guard::RepeatedText => "the same reply text sent again and again (reads as a bot)",
            Guard::NoPersonalisation => "the customer's first name is known but not in the reply",
            Guard::UnfilledTemplate => {
                "a template [[blank]], [hint] or {placeholder} left in the reply"
            }
            Guard::TooLong => "a reply longer than the platform allows",
            Guard::HidingComplaint => {
                "hiding or deleting a genuine complaint or an unhappy customer"
            }
            Guard::ComplaintElsewhere => {
                "answering a lead whose author waits on an open complaint on another platform"
            }
        }
    }
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Guard {
    type Err = ParseEnumError;

    /// The guard's word, case-insensitive. `_` for `-` (the config field spelling)
    /// and the American "no-personalization" are accepted too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase().replace('_', "-");
        let word = match word.as_str() {
            "no-personalization" => "no-personalisation",
            other => other,
        };
        Guard::ALL
            .into_iter()
            .find(|g| g.as_str() == word)
            .ok_or_else(|| ParseEnumError {
                what: "guard",
                value: s.to_string(),
                expected: GUARD_WORDS,
            })
    }
}

impl Serialize for Guard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Guard {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        word.parse().map_err(serde::de::Error::custom)
    }
}

// Lives here rather than in `config::guards` so the config layer does not depend
// on the application core (see the layer note in `lib.rs`).
impl GuardConfig {
    /// Whether `guard` runs.
    pub fn enabled(&self, guard: Guard) -> bool {
        match guard {
            Guard::Deflection => self.deflection,
            Guard::RepeatedText => self.repeated_text,
            Guard::NoPersonalisation => self.no_personalisation,
            Guard::UnfilledTemplate => self.unfilled_template,
            Guard::TooLong => self.too_long,
            Guard::HidingComplaint => self.hiding_complaint,
            Guard::ComplaintElsewhere => self.complaint_elsewhere,
        }
    }
}

/// One guard that fired, with a one-line explanation of this case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub guard: Guard,
    /// e.g. "unfilled template: '[[price range]]' is still in the text"
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the reply guards look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplyFacts<'a> {
    /// The reply about to be sent.
    pub text: &'a str,
    /// The customer's unanswered message(s) it answers (may be empty).
    pub customer_text: &'a str,
    /// The customer's first name when known (None when only a handle).
    pub first_name: Option<&'a str>,
    /// The platform's limit, counted in chars (None = no limit).
    pub max_chars: Option<usize>,
    /// Our replies on the same account in the last 7 days.
    pub recent_replies: &'a [String],
    /// The conversation's tier: a tier-1 reply is a pitch.
    pub tier: Option<Tier>,
    /// The author's open complaints on other platforms (linked or suggested as
    /// the same person), one line each: "Mastodon · open complaint, 19h overdue".
    pub complaints_elsewhere: &'a [String],
}

/// Sentiment below this reads as unhappy (VADER's usual neutral band ends here).
pub const UNHAPPY_SENTIMENT: f64 = -0.05;

/// A sentence with at least this many words that are neither a redirect nor a
/// pleasantry (greeting, thanks, sign-off) is taken as an answer.
pub const SUBSTANTIVE_WORDS: usize = 4;

/// How many leftover template pieces a warning quotes before "and N more".
const QUOTED_LEFTOVERS: usize = 3;

/// Check a reply about to be sent. Warnings come in [`Guard::ALL`] order; a
/// disabled guard never warns. An empty reply gets none (there is nothing to send).
pub fn check_reply(facts: &ReplyFacts<'_>, config: &GuardConfig) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if facts.text.trim().is_empty() {
        return warnings;
    }
    let reply = scan::sentences(facts.text);
    let name: Vec<String> = facts
        .first_name
        .map(|n| scan::words(n).into_iter().map(|w| w.text).collect())
        .unwrap_or_default();
    for guard in Guard::ALL {
        if !config.enabled(guard) {
            continue;
        }
        let warning = match guard {
            Guard::Deflection => deflection(facts.text, &reply, facts.customer_text, &name),
            Guard::RepeatedText => repeated_text(&reply, facts.recent_replies, &name, config),
            Guard::NoPersonalisation => no_personalisation(&reply, &name, facts.first_name),
            Guard::UnfilledTemplate => unfilled_template(facts.text),
            Guard::TooLong => too_long(facts.text, facts.max_chars),
            Guard::ComplaintElsewhere => {
                elsewhere::complaint_elsewhere(facts.tier, facts.complaints_elsewhere)
            }
            // Only for moderation: see `check_moderation`.
            Guard::HidingComplaint => None,
        };
        warnings.extend(warning);
    }
    warnings
}

/// Hiding/deleting a comment: warn when it is a genuine complaint.
///
/// Tier 2 (Retention) is a complaint by definition. Otherwise an unhappy message
/// (sentiment below [`UNHAPPY_SENTIMENT`]) counts too, except in tier 5 (Monitor:
/// spam, hate, trolls), which is what hiding is for. An unknown (NaN) sentiment
/// does not warn on its own.
pub fn check_moderation(tier: Tier, sentiment: f64, config: &GuardConfig) -> Option<Warning> {
    if !config.enabled(Guard::HidingComplaint) {
        return None;
    }
    let message = if tier == Tier::Retention {
        "hiding complaint: tier 2 (Retention) marks a genuine complaint; reply instead of hiding it"
            .to_string()
    } else if tier != Tier::Monitor && sentiment < UNHAPPY_SENTIMENT {
        format!(
            "hiding complaint: the message reads as unhappy (sentiment {sentiment:.2}); \
             never hide an unhappy customer, reply instead"
        )
    } else {
        return None;
    };
    Some(Warning {
        guard: Guard::HidingComplaint,
        message,
    })
}

// ---------------------------------------------------------------------------
// Phrase matching

/// One word of a phrase from `phrases`.
#[derive(Debug, Clone, Copy)]
enum Tok {
    Word(&'static str),
    /// `word*`: any word starting with it.
    Prefix(&'static str),
    /// `...`: up to `GAP` words.
    Gap,
}

/// The most words `...` skips ("check out our new website").
const GAP: usize = 4;

impl Tok {
    fn parse(word: &'static str) -> Tok {
        match word {
            "..." => Tok::Gap,
            w => match w.strip_suffix('*') {
                Some(prefix) => Tok::Prefix(prefix),
                None => Tok::Word(w),
            },
        }
    }

    fn matches(self, word: &str) -> bool {
        match self {
            Tok::Word(w) => word == w,
            Tok::Prefix(p) => word.starts_with(p),
            Tok::Gap => true,
        }
    }
}

type Phrase = Vec<Tok>;

/// The phrase lists, split into words once per process.
struct Phrases {
    deflections: Vec<Phrase>,
    greetings: Vec<Phrase>,
    thanks: Vec<Phrase>,
    closings: Vec<Phrase>,
    asking: Vec<Phrase>,
    channels: Vec<Vec<Tok>>,
}

fn phrases() -> &'static Phrases {
    static PHRASES: OnceLock<Phrases> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let compile = |list: &'static [&'static str]| -> Vec<Phrase> {
            list.iter()
                .map(|p| p.split_whitespace().map(Tok::parse).collect())
                .collect()
        };
        Phrases {
            deflections: compile(phrases::DEFLECTIONS),
            greetings: compile(phrases::GREETINGS),
            thanks: compile(phrases::THANKS),
            closings: compile(phrases::CLOSINGS),
            asking: compile(phrases::ASKING),
            channels: phrases::CHANNELS
                .iter()
                .map(|words| words.iter().copied().map(Tok::parse).collect())
                .collect(),
        }
    })
}

/// End (exclusive) of `phrase` matched at `words[i..]`.
fn match_at(words: &[Word], i: usize, phrase: &[Tok]) -> Option<usize> {
    let Some((first, rest)) = phrase.split_first() else {
        return Some(i);
    };
    match first {
        Tok::Gap => (0..=GAP)
            .take_while(|skip| i + skip <= words.len())
            .find_map(|skip| match_at(words, i + skip, rest)),
        tok => {
            let word = words.get(i)?;
            if tok.matches(&word.text) {
                match_at(words, i + 1, rest)
            } else {
                None
            }
        }
    }
}

/// The earliest (then longest) match of any phrase in `words`, as a word range.
fn find_any(words: &[Word], list: &[Phrase]) -> Option<(usize, usize)> {
    (0..words.len()).find_map(|i| {
        list.iter()
            .filter_map(|phrase| match_at(words, i, phrase))
            .max()
            .map(|end| (i, end))
    })
}

/// End of the longest phrase of `list` that opens `words`.
fn opens_with(words: &[Word], list: &[Phrase]) -> Option<usize> {
    list.iter()
        .filter_map(|phrase| match_at(words, 0, phrase))
        .max()
}

/// Which words of `words` spell the customer's first name (all its words in a row).
fn name_mask(words: &[Word], name: &[String]) -> Vec<bool> {
    let mut mask = vec![false; words.len()];
    if name.is_empty() || words.len() < name.len() {
        return mask;
    }
    for start in 0..=words.len() - name.len() {
        let here = &words[start..start + name.len()];
        if here.iter().zip(name).all(|(w, n)| w.text == *n) {
            mask[start..start + name.len()].fill(true);
        }
    }
    mask
}

// ---------------------------------------------------------------------------
// deflection

/// A redirect found in the reply: where it is, and which channel it points to.
struct Redirect {
    start: usize,
    end: usize,
    channel: Option<usize>,
}

/// Warn when the reply's substance is a redirect: at least one clause redirects and
/// no sentence holds [`SUBSTANTIVE_WORDS`] words of anything else once greetings,
/// thanks, sign-offs, signatures and the customer's name are set aside. A redirect
/// to the very channel the customer asked about ("what's your email?") answers them.
fn deflection(
    text: &str,
    reply: &[Sentence],
    customer_text: &str,
    name: &[String],
) -> Option<Warning> {
    let p = phrases();
    let mut redirects = Vec::new();
    let last = reply.len().saturating_sub(1);
    for (i, sentence) in reply.iter().enumerate() {
        let mut content = 0;
        for clause in &sentence.clauses {
            let found = find_any(&clause.words, &p.deflections)
                .and_then(|(a, b)| clause.words.get(a..b))
                .and_then(|span| Some((span, span.first()?, span.last()?)));
            if let Some((span, head, tail)) = found {
                redirects.push(Redirect {
                    start: head.start,
                    end: tail.end,
                    channel: channel_of(span),
                });
            } else {
                content += content_words(clause, name, i == last);
            }
        }
        if content >= SUBSTANTIVE_WORDS {
            return None;
        }
    }
    let first = redirects.first()?;
    let customer = scan::sentences(customer_text);
    let answered = redirects.iter().all(|r| {
        r.channel
            .is_some_and(|channel| asked_for_channel(&customer, channel))
    });
    if answered {
        return None;
    }
    // Quoted as the agent wrote it; `scan` offsets are char boundaries of `text`.
    let quoted = text.get(first.start..first.end).unwrap_or_default();
    Some(Warning {
        guard: Guard::Deflection,
        message: format!(
            "deflection: '{quoted}' sends the customer elsewhere without answering; \
             put the answer in the reply (a link can support it)"
        ),
    })
}

/// How many words of `clause` carry content: none for thanks, sign-offs and
/// signatures; after a greeting, the name that follows it does not count, and in
/// an apology neither do the words that only say sorry.
fn content_words(clause: &Clause, name: &[String], last_sentence: bool) -> usize {
    let p = phrases();
    let words = clause.words.as_slice();
    if (clause.dash_led && last_sentence) || opens_with(words, &p.thanks).is_some() {
        return 0;
    }
    let mask = name_mask(words, name);
    let mut start = 0;
    if let Some(end) = opens_with(words, &p.greetings) {
        start = end;
        // "Hi Dana", "Hallo Frau Müller", "Hey @dana": the vocative is not content.
        let mut skipped = 0;
        while let Some(w) = words.get(start) {
            let vocative = mask[start] || w.mention || (w.capital && skipped < 2);
            if !vocative {
                break;
            }
            skipped += 1;
            start += 1;
        }
    }
    let rest = &words[start..];
    if find_any(rest, &p.closings).is_some() || is_signature(rest) {
        return 0;
    }
    let apology = rest
        .iter()
        .any(|w| phrases::APOLOGIES.contains(&w.text.as_str()));
    rest.iter()
        .zip(&mask[start..])
        .filter(|(w, named)| !w.mention && !**named)
        .filter(|(w, _)| {
            let word = w.text.as_str();
            !(apology
                && (phrases::APOLOGIES.contains(&word) || phrases::APOLOGY_WORDS.contains(&word)))
        })
        .count()
}

/// "Alex from Northwind Coffee", "el equipo de Northwind": short, names and
/// team words only.
fn is_signature(words: &[Word]) -> bool {
    !words.is_empty()
        && words.len() <= 6
        && words.iter().any(|w| w.capital)
        && words
            .iter()
            .all(|w| w.capital || w.mention || phrases::SIGNATURE_WORDS.contains(&w.text.as_str()))
}

/// The channel (index into `phrases::CHANNELS`) a redirect points to.
fn channel_of(words: &[Word]) -> Option<usize> {
    words.iter().find_map(|w| {
        phrases()
            .channels
            .iter()
            .position(|vocab| vocab.iter().any(|t| t.matches(&w.text)))
    })
}

/// Did the customer ask for this channel ("what's your email?", "¿tenéis web?")?
fn asked_for_channel(customer: &[Sentence], channel: usize) -> bool {
    let p = phrases();
    let Some(vocab) = p.channels.get(channel) else {
        return false;
    };
    customer.iter().filter(|s| s.question).any(|s| {
        let words: Vec<Word> = s.words().cloned().collect();
        find_any(&words, &p.asking).is_some()
            && words
                .iter()
                .any(|w| vocab.iter().any(|t| t.matches(&w.text)))
    })
}

// ---------------------------------------------------------------------------
// repeated text

/// Warn when at least `repeat_limit` recent replies are alike this one.
///
/// Alike means a Sørensen–Dice coefficient over the two texts' words of at least
/// `repeat_similarity`: twice the words they share (counting repeats) over the
/// total of both. For texts of equal length that is the share of words in common,
/// so 0.9 allows one word in ten to differ. Word order is ignored, which keeps the
/// comparison linear in the text length. Texts are normalised first (see
/// [`normalised_words`]). A reply with no words left (only emoji, say) is not
/// compared.
fn repeated_text(
    reply: &[Sentence],
    recent: &[String],
    name: &[String],
    config: &GuardConfig,
) -> Option<Warning> {
    let words = normalised_words(reply, name);
    if words.is_empty() {
        return None;
    }
    let mut bag = Bag::new(&words);
    let alike = recent
        .iter()
        .filter(|r| {
            bag.similarity(&normalised_words(&scan::sentences(r), name)) >= config.repeat_similarity
        })
        .count();
    if alike < config.repeat_limit {
        return None;
    }
    Some(Warning {
        guard: Guard::RepeatedText,
        message: format!(
            "repeated text: sent {alike} times in 7 days (replies sharing at least {} of \
             their words with this one); reword it so it does not read like a bot",
            percent(config.repeat_similarity)
        ),
    })
}

/// "90%", "92.5%".
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

/// A text's words for comparison: folded, without punctuation, without words that
/// hold digits (prices, times, order and tracking numbers differ between otherwise
/// identical replies), without @handles and without names. Other customers' names
/// are unknown, so names are recognised by where they stand: the customer's first
/// name anywhere; a capitalised word right after a greeting or thanks ("Thanks
/// Ben!", "Hola Ana"); a capitalised word alone in a clause at either end of its
/// sentence or next to a greeting or thanks ("Ben, thanks!", "— Alex"). That is
/// how "Thanks Ana!" and "Thanks Ben!" become one text.
fn normalised_words(sentences: &[Sentence], name: &[String]) -> Vec<String> {
    let p = phrases();
    let mut out = Vec::new();
    let opener =
        |words: &[Word]| opens_with(words, &p.greetings).or_else(|| opens_with(words, &p.thanks));
    for sentence in sentences {
        let clauses = &sentence.clauses;
        let openers: Vec<Option<usize>> = clauses.iter().map(|c| opener(&c.words)).collect();
        for (i, clause) in clauses.iter().enumerate() {
            let words = clause.words.as_slice();
            let mut drop = name_mask(words, name);
            if let Some(end) = openers[i] {
                for j in (end..words.len()).take(2) {
                    if !words[j].capital {
                        break;
                    }
                    drop[j] = true;
                }
            }
            // A vocative on its own: "Ana, your order...", "...enjoy it, Ben!",
            // "Thanks, Carla!", "— Alex".
            let edge = i == 0 || i + 1 == clauses.len();
            let next_to_opener = (i > 0 && openers[i - 1].is_some())
                || openers.get(i + 1).is_some_and(Option::is_some);
            if let [only] = words
                && only.capital
                && openers[i].is_none()
                && (edge || next_to_opener)
            {
                drop[0] = true;
            }
            for (w, dropped) in words.iter().zip(drop) {
                if !dropped && !w.mention && !w.text.chars().any(char::is_numeric) {
                    out.push(w.text.clone());
                }
            }
        }
    }
    out
}

/// One text's word counts, to compare many others against in linear time.
struct Bag<'a> {
    index: HashMap<&'a str, usize>,
    counts: Vec<u32>,
    len: usize,
    /// Scratch: how often each word was seen in the text being compared.
    seen: Vec<u32>,
}

impl<'a> Bag<'a> {
    fn new(words: &'a [String]) -> Bag<'a> {
        let mut index = HashMap::new();
        let mut counts = Vec::new();
        for w in words {
            let next = index.len();
            let i = *index.entry(w.as_str()).or_insert(next);
            if i == counts.len() {
                counts.push(0);
            }
            counts[i] += 1;
        }
        let seen = vec![0; counts.len()];
        Bag {
            index,
            counts,
            len: words.len(),
            seen,
        }
    }

    /// Dice coefficient in [0, 1]: 2 × shared words / (words here + words there).
    fn similarity(&mut self, other: &[String]) -> f64 {
        let total = self.len + other.len();
        if total == 0 {
            return 0.0;
        }
        self.seen.fill(0);
        let mut shared = 0usize;
        for w in other {
            if let Some(&i) = self.index.get(w.as_str()) {
                if self.seen[i] < self.counts[i] {
                    shared += 1;
                }
                self.seen[i] += 1;
            }
        }
        (2 * shared) as f64 / total as f64
    }
}

// ---------------------------------------------------------------------------
// personalisation, templates, length

/// Warn when the customer's first name is known but no word of the reply spells it
/// (case and accents aside; "Dan" is not "Dana").
fn no_personalisation(
    reply: &[Sentence],
    name: &[String],
    first_name: Option<&str>,
) -> Option<Warning> {
    // A name with no letters or digits (only emoji, say) cannot be looked for.
    if name.is_empty() {
        return None;
    }
    let words: Vec<Word> = reply.iter().flat_map(Sentence::words).cloned().collect();
    if name_mask(&words, name).contains(&true) {
        return None;
    }
    Some(Warning {
        guard: Guard::NoPersonalisation,
        message: format!(
            "no personalisation: the customer's name ({}) is known but not in the reply",
            first_name.unwrap_or_default().trim()
        ),
    })
}

/// Warn when template leftovers are still in the text: `[[blank]]`, a bracketed
/// hint such as `[The direct answer.]` (any brackets holding a letter, except a
/// Markdown link `[text](url)`), or a `{placeholder}`.
fn unfilled_template(text: &str) -> Option<Warning> {
    let mut leftovers: Vec<&str> = Vec::new();
    for piece in template_leftovers(text) {
        if !leftovers.contains(&piece) {
            leftovers.push(piece);
        }
    }
    if leftovers.is_empty() {
        return None;
    }
    let mut quoted: Vec<String> = leftovers
        .iter()
        .take(QUOTED_LEFTOVERS)
        .map(|piece| format!("'{}'", shorten(piece, 40)))
        .collect();
    let more = leftovers.len().saturating_sub(QUOTED_LEFTOVERS);
    if more > 0 {
        quoted.push(format!("{more} more"));
    }
    let list = match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let verb = if leftovers.len() == 1 { "is" } else { "are" };
    Some(Warning {
        guard: Guard::UnfilledTemplate,
        message: format!("unfilled template: {list} {verb} still in the text"),
    })
}

/// Every leftover in `text`, in order.
fn template_leftovers(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = text[i..].find(['[', '{']) {
        let at = i + offset;
        let rest = &text[at..];
        match blank_len(rest)
            .or_else(|| hint_len(rest))
            .or_else(|| placeholder_len(rest))
        {
            Some(len) => {
                found.push(&rest[..len]);
                i = at + len;
            }
            // '[' and '{' are one byte, so `at + 1` is a char boundary.
            None => i = at + 1,
        }
    }
    found
}

/// `[[anything on one line]]`
fn blank_len(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix("[[")?;
    let close = inner.find("]]")?;
    (!inner[..close].contains('\n')).then_some(close + 4)
}

/// `[Words of a hint]`: one line, holds a letter, not a Markdown link.
fn hint_len(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('[')?;
    let close = inner.find([']', '[', '\n'])?;
    let after = &inner[close..];
    let is_hint = after.starts_with(']')
        && !after[1..].starts_with('(')
        && inner[..close].chars().any(char::is_alphabetic);
    is_hint.then_some(close + 2)
}

/// `{identifier}`
fn placeholder_len(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('{')?;
    let len = inner
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let ident = &inner[..len];
    let starts_well = ident
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    (starts_well && inner[len..].starts_with('}')).then_some(len + 2)
}

/// At most `max` chars of `s`, with "…" when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// Warn when the text, as it will be sent, has more chars than the platform allows.
fn too_long(text: &str, max_chars: Option<usize>) -> Option<Warning> {
    let max = max_chars?;
    let count = text.chars().count();
    (count > max).then(|| Warning {
        guard: Guard::TooLong,
        message: format!(
            "too long: {count} characters, {} over the platform's limit of {max}",
            count - max
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn on() -> GuardConfig {
        GuardConfig::default()
    }

    /// Only `guard` switched on, so a test sees that guard's verdict alone.
    fn only(guard: Guard) -> GuardConfig {
        GuardConfig {
            deflection: guard == Guard::Deflection,
            repeated_text: guard == Guard::RepeatedText,
            no_personalisation: guard == Guard::NoPersonalisation,
            unfilled_template: guard == Guard::UnfilledTemplate,
            too_long: guard == Guard::TooLong,
            hiding_complaint: guard == Guard::HidingComplaint,
            complaint_elsewhere: guard == Guard::ComplaintElsewhere,
            ..GuardConfig::default()
        }
    }

    fn facts(text: &str) -> ReplyFacts<'_> {
        ReplyFacts {
            text,
            ..ReplyFacts::default()
        }
    }

    fn fired(facts: &ReplyFacts<'_>, guard: Guard) -> Option<String> {
        let warnings = check_reply(facts, &only(guard));
        assert!(warnings.len() <= 1, "{warnings:?}");
        warnings.into_iter().next().map(|w| {
            assert_eq!(w.guard, guard);
            assert!(!w.message.contains('\n'), "one line: {}", w.message);
            w.message
        })
    }

    // --- the Guard words -----------------------------------------------------

    #[test]
    fn guard_words_round_trip_through_display_fromstr_and_serde() {
        let mut words = std::collections::HashSet::new();
        for g in Guard::ALL {
            assert!(words.insert(g.as_str()), "duplicate word {g}");
            assert_eq!(g.to_string(), g.as_str());
            assert_eq!(g.as_str().parse::<Guard>(), Ok(g));
            let json = serde_json::to_string(&g).unwrap();
            assert_eq!(json, format!("\"{}\"", g.as_str()));
            assert_eq!(serde_json::from_str::<Guard>(&json).unwrap(), g);
            assert!(
                GUARD_WORDS.contains(g.as_str()),
                "{g} missing from the error list"
            );
            let line = g.describe();
            assert!(!line.is_empty() && !line.contains('\n'), "{g}: {line:?}");
        }
        assert_eq!(
            words.into_iter().collect::<std::collections::BTreeSet<_>>(),
            [
                "complaint-elsewhere",
                "deflection",
                "hiding-complaint",
                "no-personalisation",
                "repeated-text",
                "too-long",
                "unfilled-template"
            ]
            .into_iter()
            .collect()
        );
    }

    #[test]
    fn a_bad_guard_word_is_named_with_the_good_ones() {
        let err = "deflexion".parse::<Guard>().unwrap_err().to_string();
        assert!(err.contains("'deflexion'"), "{err}");
        for g in Guard::ALL {
            assert!(err.contains(g.as_str()), "{err}");
        }
        assert!(serde_json::from_str::<Guard>("\"loud\"").is_err());
    }

    #[test]
    fn config_spellings_of_guard_words_are_accepted() {
        assert_eq!(" Repeated_Text ".parse(), Ok(Guard::RepeatedText));
        assert_eq!("no-personalization".parse(), Ok(Guard::NoPersonalisation));
    }

    #[test]
    fn enabled_reads_the_field_of_each_guard() {
        for g in Guard::ALL {
            let config = only(g);
            for other in Guard::ALL {
                assert_eq!(config.enabled(other), other == g, "{g} vs {other}");
            }
            assert!(on().enabled(g));
        }
    }

    #[test]
    fn warnings_serialise_with_the_guard_word() {
        let w = Warning {
            guard: Guard::TooLong,
            message: "too long".into(),
        };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"guard":"too-long","message":"too long"}"#
        );
        assert_eq!(w.to_string(), "too long");
    }

    // --- deflection ----------------------------------------------------------

    fn deflects(reply: &str) -> Option<String> {
        fired(&facts(reply), Guard::Deflection)
    }

    fn deflects_answering(reply: &str, customer: &str) -> Option<String> {
        let f = ReplyFacts {
            customer_text: customer,
            ..facts(reply)
        };
        fired(&f, Guard::Deflection)
    }

    #[test]
    fn english_redirects_without_an_answer_warn() {
        let m = deflects("Hi Dana, please check our website for more info! — Alex").unwrap();
        assert!(m.starts_with("deflection: 'check our website'"), "{m}");
        for reply in [
            "Please visit the link in our bio.",
            "Hey @dana! DM us 😊",
            "Thanks for reaching out! Please send us a message and our team will get back to you.",
            // An apology with nothing in it yet is not an answer either.
            "Sorry to hear that! Please DM us.",
            "Oh no, we're really sorry about that! DM us please",
            "Hi Dana! For pricing, please contact customer service. Have a great day!\nAlex, Northwind",
            "Email us at hello@northwind.coffee",
            "Hi Dana,\n\nCheck out our FAQ: https://northwind.coffee/faq\n\nBest,\nThe Northwind Coffee team",
        ] {
            assert!(deflects(reply).is_some(), "{reply}");
        }
    }

    #[test]
    fn english_answers_with_a_link_do_not_warn() {
        for reply in [
            "Our oat latte is €4.20. The full menu is on our website.",
            "Our oat latte is €4.20 and the full menu is on our website.",
            "Hi Dana, thanks for asking! Yes, we're open until 9pm on Saturdays. Anything else, just ask.",
            // Moving a complaint to private messages, with empathy, is the playbook.
            "We're so sorry your order arrived cold, Dana. Could you DM us your order number so we can refund it?",
            "Thank you for taking the time to tell us about this, Dana. I'd like to look into it personally: could you email us at care@northwind.coffee and ask for Alex?",
            "- The oat latte costs €4.20\n- Full menu on our website",
            "Thanks so much!",
        ] {
            assert_eq!(deflects(reply), None, "{reply}");
        }
    }

    #[test]
    fn signatures_and_sign_offs_are_not_an_answer() {
        for reply in [
            "Check our website!\n— Alex from Northwind Coffee",
            "Check our website! Alex, Northwind",
            "Check our website. Let us know if you have any other questions!",
            "Check our website, have a lovely weekend!",
            "Hi Dana! Check our website. Thanks so much for your patience and understanding!",
        ] {
            assert!(deflects(reply).is_some(), "{reply}");
        }
    }

    #[test]
    fn spanish_deflection() {
        let m = deflects("¡Hola Ana! Para más información, visita nuestra web. Un saludo, el equipo de Northwind")
            .unwrap();
        // Quoted as written, accents and all.
        assert!(m.contains("'Para más información'"), "{m}");
        assert!(deflects("Escríbenos por privado y lo vemos 😉").is_some());
        assert!(deflects("Lo sentimos mucho. Contáctanos por privado.").is_some());
        // Saying where *we* will write is not sending the customer away.
        assert_eq!(
            deflects(
                "Hola Ana, gracias por escribirnos. Te escribimos por privado para ver tu pedido."
            ),
            None
        );
        assert_eq!(
            deflects(
                "¡Hola Ana! El latte de avena cuesta 4,20 €. Tienes la carta completa en nuestra web."
            ),
            None
        );
    }

    #[test]
    fn french_deflection() {
        assert!(
            deflects("Bonjour Marie, n'hésitez pas à consulter notre FAQ. Cordialement, l'équipe Northwind")
                .is_some()
        );
        assert!(deflects("Envoyez-nous un message privé !").is_some());
        assert_eq!(
            deflects(
                "Bonjour Marie, oui, nous livrons à Lyon le samedi matin. Plus d'infos sur notre site."
            ),
            None
        );
    }

    #[test]
    fn german_deflection() {
        assert!(
            deflects("Hallo Jonas, schau gerne auf unserer Website vorbei! Viele Grüße, dein Northwind-Team")
                .is_some()
        );
        assert!(deflects("Bitte wenden Sie sich an unseren Kundenservice.").is_some());
        assert_eq!(
            deflects(
                "Hallo Jonas, der Hafer-Latte kostet 4,20 €. Die ganze Karte findest du auf unserer Website."
            ),
            None
        );
    }

    #[test]
    fn portuguese_deflection() {
        assert!(deflects("Olá João! Confira nosso site para mais informações. Abraços!").is_some());
        assert!(deflects("Oi João, chama a gente no direct!").is_some());
        assert_eq!(
            deflects(
                "Olá João! Sim, entregamos em Lisboa de segunda a sexta. Mais detalhes no nosso site."
            ),
            None
        );
    }

    #[test]
    fn italian_and_dutch_deflection() {
        assert!(deflects("Ciao Giulia, scrivici in privato! Un saluto").is_some());
        assert_eq!(
            deflects(
                "Ciao Giulia, il cornetto vegano costa 2 euro. Il menu completo è sul nostro sito."
            ),
            None
        );
        assert!(
            deflects("Hoi Sanne, kijk even op onze website voor meer informatie. Groetjes!")
                .is_some()
        );
        assert_eq!(
            deflects(
                "Hoi Sanne, de haverlatte kost €4,20 en is er elke dag. Meer op onze website."
            ),
            None
        );
    }

    #[test]
    fn a_redirect_to_the_channel_the_customer_asked_for_answers_them() {
        let reply = "Of course! Email us at catering@northwind.coffee";
        assert_eq!(
            deflects_answering(reply, "Hi! What's your email address for catering orders?"),
            None
        );
        assert_eq!(
            deflects_answering("Claro, en nuestra web: northwind.es", "¿Tenéis página web?"),
            None
        );
        // Mentioning the channel in a complaint is not asking for it.
        assert!(deflects_answering(reply, "Why has nobody answered my emails??").is_some());
        // Nor is asking about something else.
        assert!(deflects_answering(reply, "What time do you open?").is_some());
    }

    #[test]
    fn no_redirect_no_deflection_warning() {
        assert_eq!(deflects("Hi Dana!"), None);
        assert_eq!(deflects("Thanks Dana, see you soon!"), None);
    }

    #[test]
    fn disabled_deflection_guard_is_silent() {
        let config = GuardConfig {
            deflection: false,
            ..on()
        };
        let warnings = check_reply(&facts("Check our website."), &config);
        assert!(
            warnings.iter().all(|w| w.guard != Guard::Deflection),
            "{warnings:?}"
        );
        assert!(!check_reply(&facts("Check our website."), &on()).is_empty());
    }

    // --- repeated text ---------------------------------------------------------

    fn repeats(
        text: &str,
        name: Option<&str>,
        recent: &[&str],
        config: &GuardConfig,
    ) -> Option<String> {
        let recent: Vec<String> = recent.iter().map(|s| s.to_string()).collect();
        let f = ReplyFacts {
            text,
            first_name: name,
            recent_replies: &recent,
            ..ReplyFacts::default()
        };
        let warnings = check_reply(&f, config);
        warnings
            .into_iter()
            .find(|w| w.guard == Guard::RepeatedText)
            .map(|w| w.message)
    }

    #[test]
    fn the_same_thanks_to_different_customers_is_a_repeat() {
        let recent = [
            "Thanks Ben!",
            "Thanks, Carla! 🙏",
            "thanks @dev_k",
            "Our latte is €4.20.",
        ];
        let m = repeats("Thanks Ana!", Some("Ana"), &recent, &on()).unwrap();
        assert!(m.contains("sent 3 times in 7 days"), "{m}");
        assert!(m.contains("90%"), "{m}");
    }

    #[test]
    fn names_of_other_customers_in_usual_places_are_ignored() {
        let config = GuardConfig {
            repeat_limit: 2,
            ..on()
        };
        let recent = [
            "Ben, your order has shipped!",
            "Carla, your order has shipped!",
        ];
        assert!(
            repeats(
                "Ana, your order has shipped!",
                Some("Ana"),
                &recent,
                &config
            )
            .is_some()
        );
        let recent = ["Enjoy it, Ben!", "Carla, enjoy it!"];
        assert!(repeats("Enjoy it, Ana!", Some("Ana"), &recent, &config).is_some());
        let recent = ["Hi Carla Smith, enjoy it!", "Hi @ben_k, enjoy it!"];
        assert!(repeats("Hi Ana, enjoy it!", Some("Ana"), &recent, &config).is_some());
    }

    #[test]
    fn below_the_repeat_limit_is_fine() {
        let recent = ["Thanks Ben!", "Thanks, Carla!", "Our latte is €4.20."];
        assert_eq!(repeats("Thanks Ana!", Some("Ana"), &recent, &on()), None);
        let two = GuardConfig {
            repeat_limit: 2,
            ..on()
        };
        assert!(repeats("Thanks Ana!", Some("Ana"), &recent, &two).is_some());
    }

    #[test]
    fn the_similarity_threshold_is_inclusive() {
        // Ten words each, nine shared: Dice = 18 / 20 = 0.9 exactly.
        let reply = "we are so sorry the oat latte was cold today";
        let recent = ["we are so sorry the oat latte was late today"];
        let at = |share: f64| GuardConfig {
            repeat_limit: 1,
            repeat_similarity: share,
            ..on()
        };
        assert!(repeats(reply, None, &recent, &at(0.9)).is_some());
        assert_eq!(repeats(reply, None, &recent, &at(0.91)), None);
        let m = repeats(reply, None, &recent, &at(0.875)).unwrap();
        assert!(m.contains("87.5%"), "{m}");
    }

    #[test]
    fn dice_counts_repeated_words_once_per_occurrence() {
        let a: Vec<String> = ["yes", "yes", "no"].map(String::from).to_vec();
        let b: Vec<String> = ["yes", "no", "no"].map(String::from).to_vec();
        let mut bag = Bag::new(&a);
        // Shared: one "yes", one "no" → 2 × 2 / 6.
        assert!((bag.similarity(&b) - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(bag.similarity(&a), 1.0);
        assert_eq!(bag.similarity(&[]), 0.0);
    }

    #[test]
    fn order_numbers_punctuation_and_case_do_not_make_replies_different() {
        let config = GuardConfig {
            repeat_limit: 2,
            ..on()
        };
        let recent = [
            "Your order #12345 has shipped!! Tracking number: 1Z999.",
            "your order 67890 has shipped — tracking number 2X123",
        ];
        let reply = "Your order #55555 has shipped. Tracking number: 7Q1.";
        assert!(repeats(reply, None, &recent, &config).is_some());
    }

    #[test]
    fn different_replies_and_german_nouns_are_not_repeats() {
        let config = GuardConfig {
            repeat_limit: 1,
            ..on()
        };
        let recent = [
            "Vielen Dank für Ihre Geduld.",
            "Our oat latte is €4.20 today.",
        ];
        assert_eq!(
            repeats("Vielen Dank für Ihre Bestellung.", None, &recent, &config),
            None
        );
        assert_eq!(
            repeats("Thanks, see you Saturday!", None, &recent, &config),
            None
        );
    }

    #[test]
    fn diacritics_are_folded_for_repeats() {
        let config = GuardConfig {
            repeat_limit: 1,
            ..on()
        };
        assert!(
            repeats(
                "¡Muchas gracias por tu reseña!",
                None,
                &["muchas GRACIAS por tu resena"],
                &config
            )
            .is_some()
        );
    }

    #[test]
    fn a_reply_with_no_words_is_not_compared() {
        let config = GuardConfig {
            repeat_limit: 1,
            ..on()
        };
        assert_eq!(repeats("❤️🙏", None, &["❤️🙏", "❤️"], &config), None);
    }

    #[test]
    fn hundreds_of_long_recent_replies_are_fine() {
        let long =
            "thanks for your message we will look into the order and reply today ".repeat(20);
        let mut recent: Vec<String> = (0..400)
            .map(|i| format!("{i} unrelated words here {i}"))
            .collect();
        recent.extend(std::iter::repeat_n(long.clone(), 3));
        let f = ReplyFacts {
            text: &long,
            recent_replies: &recent,
            ..ReplyFacts::default()
        };
        let m = fired(&f, Guard::RepeatedText).unwrap();
        assert!(m.contains("sent 3 times"), "{m}");
    }

    #[test]
    fn disabled_repeat_guard_is_silent() {
        let config = GuardConfig {
            repeated_text: false,
            repeat_limit: 1,
            ..on()
        };
        assert_eq!(repeats("Thanks!", None, &["Thanks!"], &config), None);
    }

    // --- personalisation -------------------------------------------------------

    fn unnamed(text: &str, name: Option<&str>) -> Option<String> {
        let f = ReplyFacts {
            first_name: name,
            ..facts(text)
        };
        fired(&f, Guard::NoPersonalisation)
    }

    #[test]
    fn a_known_name_missing_from_the_reply_warns() {
        let m = unnamed("Thanks for your order!", Some("Dana")).unwrap();
        assert!(m.contains("(Dana)"), "{m}");
        // Whole words only: "Dana" is not "Danae", "Dan" is not "Dana".
        assert!(unnamed("Hi Danae, thanks!", Some("Dana")).is_some());
        assert!(unnamed("Hi Dana, thanks!", Some("Dan")).is_some());
    }

    #[test]
    fn the_name_in_any_case_or_accent_is_personal() {
        assert_eq!(unnamed("Thanks, DANA!", Some("Dana")), None);
        assert_eq!(unnamed("Hola jose, ¡gracias!", Some("José")), None);
        assert_eq!(unnamed("Merci Zoë !", Some("zoe")), None);
        assert_eq!(unnamed("Thanks Mary Jane!", Some("Mary Jane")), None);
        assert_eq!(unnamed("Thanks @dana_k!", Some("Dana")), None);
        assert_eq!(
            unnamed("太郎さん、ありがとうございます！", Some("太郎")),
            None
        );
        assert!(unnamed("花子さん、ありがとうございます！", Some("太郎")).is_some());
    }

    #[test]
    fn no_name_nothing_to_personalise() {
        assert_eq!(unnamed("Thanks!", None), None);
        assert_eq!(unnamed("Thanks!", Some("  ")), None);
        assert_eq!(unnamed("Thanks!", Some("🌻")), None);
    }

    #[test]
    fn disabled_personalisation_guard_is_silent() {
        let config = GuardConfig {
            no_personalisation: false,
            ..on()
        };
        let f = ReplyFacts {
            first_name: Some("Dana"),
            ..facts("Thanks!")
        };
        assert!(check_reply(&f, &config).is_empty());
        assert!(!check_reply(&f, &on()).is_empty());
    }

    // --- unfilled template -----------------------------------------------------

    fn unfilled(text: &str) -> Option<String> {
        fired(&facts(text), Guard::UnfilledTemplate)
    }

    #[test]
    fn a_fill_in_blank_is_named() {
        assert_eq!(
            unfilled("Our lattes are [[price range]]. Hi Dana!").as_deref(),
            Some("unfilled template: '[[price range]]' is still in the text")
        );
    }

    #[test]
    fn hints_and_placeholders_are_named_in_order() {
        assert_eq!(
            unfilled("Hi {first_name}, great question! [The direct answer.] More: [link].")
                .as_deref(),
            Some(
                "unfilled template: '{first_name}', '[The direct answer.]' and '[link]' are still in the text"
            )
        );
        assert_eq!(
            unfilled("{a} [b] [[c]] {d} {e} {a}").as_deref(),
            Some("unfilled template: '{a}', '[b]', '[[c]]' and 2 more are still in the text")
        );
        assert_eq!(
            unfilled("Hi {{first_name}}, [Qué tal] and [名前]").as_deref(),
            Some(
                "unfilled template: '{first_name}', '[Qué tal]' and '[名前]' are still in the text"
            )
        );
    }

    #[test]
    fn long_hints_are_shortened_in_the_message() {
        let m = unfilled(&format!("[{}]", "word ".repeat(30))).unwrap();
        assert!(m.contains("…'"), "{m}");
        assert!(m.chars().count() < 120, "{m}");
    }

    #[test]
    fn brackets_that_are_not_template_leftovers() {
        for text in [
            "See note [1] and [2].",
            "Our [menu](https://northwind.coffee/menu) is online.",
            "Braces { like this } and {1} and {} and [ ] stay.",
            "An open [bracket and an open { brace",
            "A hint split over lines [is\nnot] one",
            "Thanks Dana! 😊 【お知らせ】",
        ] {
            assert_eq!(unfilled(text), None, "{text}");
        }
    }

    #[test]
    fn disabled_template_guard_is_silent() {
        let config = GuardConfig {
            unfilled_template: false,
            ..on()
        };
        assert!(check_reply(&facts("Costs [[price]]."), &config).is_empty());
        assert!(!check_reply(&facts("Costs [[price]]."), &on()).is_empty());
    }

    // --- too long --------------------------------------------------------------

    fn long(text: &str, max: Option<usize>) -> Option<String> {
        let f = ReplyFacts {
            max_chars: max,
            ..facts(text)
        };
        fired(&f, Guard::TooLong)
    }

    #[test]
    fn over_the_limit_says_by_how_much() {
        assert_eq!(
            long(&"a".repeat(2210), Some(2200)).as_deref(),
            Some("too long: 2210 characters, 10 over the platform's limit of 2200")
        );
    }

    #[test]
    fn at_the_limit_or_without_one_is_fine_and_chars_are_not_bytes() {
        assert_eq!(long("hello", Some(5)), None);
        assert_eq!(long(&"x".repeat(100_000), None), None);
        // Ten chars, twenty-odd bytes.
        assert_eq!(long("éééééüüüüü", Some(10)), None);
        assert_eq!(long("👍👍👍", Some(3)), None);
        assert!(long("👍👍👍👍", Some(3)).is_some());
    }

    #[test]
    fn disabled_length_guard_is_silent() {
        let config = GuardConfig {
            too_long: false,
            ..on()
        };
        let f = ReplyFacts {
            max_chars: Some(3),
            ..facts("Thanks!")
        };
        assert!(check_reply(&f, &config).is_empty());
        assert!(!check_reply(&f, &on()).is_empty());
    }

    // --- moderation ------------------------------------------------------------

    #[test]
    fn hiding_a_retention_conversation_always_warns() {
        let w = check_moderation(Tier::Retention, 0.8, &on()).unwrap();
        assert_eq!(w.guard, Guard::HidingComplaint);
        assert!(w.message.contains("tier 2"), "{}", w.message);
    }

    #[test]
    fn hiding_an_unhappy_customer_warns_outside_monitor() {
        for tier in [Tier::Revenue, Tier::Engagement, Tier::Acknowledgment] {
            let w = check_moderation(tier, -0.4, &on()).unwrap();
            assert!(w.message.contains("-0.40"), "{}", w.message);
        }
        assert_eq!(check_moderation(Tier::Monitor, -0.9, &on()), None);
        assert_eq!(check_moderation(Tier::Engagement, 0.3, &on()), None);
    }

    #[test]
    fn the_unhappy_threshold_is_strict() {
        assert_eq!(check_moderation(Tier::Engagement, -0.05, &on()), None);
        assert!(check_moderation(Tier::Engagement, -0.051, &on()).is_some());
        assert_eq!(check_moderation(Tier::Engagement, f64::NAN, &on()), None);
    }

    #[test]
    fn disabled_complaint_guard_is_silent() {
        let config = GuardConfig {
            hiding_complaint: false,
            ..on()
        };
        assert_eq!(check_moderation(Tier::Retention, -0.9, &config), None);
    }

    // --- check_reply as a whole ------------------------------------------------

    #[test]
    fn warnings_come_in_guard_order_and_only_for_enabled_guards() {
        let recent = vec!["Check our website for [[prices]]!".to_string(); 3];
        let f = ReplyFacts {
            text: "Check our website for [[prices]]!",
            customer_text: "My order is late",
            first_name: Some("Dana"),
            max_chars: Some(10),
            recent_replies: &recent,
            ..ReplyFacts::default()
        };
        let guards: Vec<Guard> = check_reply(&f, &on()).iter().map(|w| w.guard).collect();
        assert_eq!(guards, &Guard::ALL[..5]);
        let none = GuardConfig {
            deflection: false,
            repeated_text: false,
            no_personalisation: false,
            unfilled_template: false,
            too_long: false,
            hiding_complaint: false,
            ..on()
        };
        assert!(check_reply(&f, &none).is_empty());
    }

    #[test]
    fn an_empty_reply_gets_no_warnings() {
        let f = ReplyFacts {
            text: "  \n ",
            first_name: Some("Dana"),
            max_chars: Some(0),
            ..ReplyFacts::default()
        };
        assert!(check_reply(&f, &on()).is_empty());
    }

    #[test]
    fn unicode_replies_are_checked_without_panicking() {
        let recent = vec!["谢谢你的留言！我们明天回复。".to_string(); 3];
        for text in [
            "谢谢你的留言！我们明天回复。",
            "🙏🏽👨‍👩‍👧 ❤️‍🔥",
            "مرحبا! شكرا لك؟",
            "Cafe\u{0301} [[",
            "{",
            "[",
            "]]",
            "'",
            "—",
            "-\n-",
            "a'",
            "@",
            "http://",
            "x@y.",
            "ありがとう[名前]さん{名前}",
        ] {
            let f = ReplyFacts {
                text,
                customer_text: text,
                first_name: Some(text),
                max_chars: Some(3),
                recent_replies: &recent,
                ..ReplyFacts::default()
            };
            let _ = check_reply(&f, &on());
        }
        let f = ReplyFacts {
            text: "谢谢你的留言！我们明天回复。",
            recent_replies: &recent,
            ..ReplyFacts::default()
        };
        assert!(fired(&f, Guard::RepeatedText).is_some());
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(
            text in "\\PC{0,120}",
            customer in "\\PC{0,60}",
            name in "\\PC{0,12}",
            max in 0usize..200,
        ) {
            let recent = vec![text.clone(), customer.clone()];
            let f = ReplyFacts {
                text: &text,
                customer_text: &customer,
                first_name: Some(&name),
                max_chars: Some(max),
                recent_replies: &recent,
                ..ReplyFacts::default()
            };
            let warnings = check_reply(&f, &GuardConfig { repeat_limit: 1, ..GuardConfig::default() });
            for w in &warnings {
                prop_assert!(!w.message.contains('\n'));
            }
            // The reply itself is in `recent`, so it is always a repeat (unless wordless).
            let has_words = !normalised_words(&scan::sentences(&text), &[]).is_empty();
            let names: Vec<String> = scan::words(&name).into_iter().map(|w| w.text).collect();
            let has_words_without_name = !normalised_words(&scan::sentences(&text), &names).is_empty();
            if has_words && has_words_without_name && !text.trim().is_empty() {
                prop_assert!(warnings.iter().any(|w| w.guard == Guard::RepeatedText), "{:?}", warnings);
            }
        }
    }
}
