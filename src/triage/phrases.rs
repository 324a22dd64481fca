//! Word-level phrase matching, compiled once: phrases are indexed by their first
//! word so one pass over a message's words finds every hit.

use super::fasthash::WordMap;
use super::text::{Scanned, is_cjk};

/// The lists a phrase can belong to; each leads to a tier (or to spam).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Revenue,
    Retention,
    Engagement,
    Acknowledgment,
    Spam,
    Troll,
    /// Complaint words that are opinion, not a service failure ("overpriced", "worst"):
    /// tier 2, unless the text is also an insult.
    Dislike,
    /// Nudges after no answer ("bump", "any update"): the customer is waiting on us.
    FollowUp,
    /// Legal, safety, press and threat words ("my lawyer", "poisoned"): a possible
    /// crisis, which must never sink to the bottom of the queue.
    Risk,
    /// Phrases that look like a signal but are not ("crash course"): their words are
    /// not matched by any other list.
    Ignore,
}

pub const CATEGORIES: usize = 10;

impl Category {
    pub const ALL: [Category; CATEGORIES] = [
        Category::Revenue,
        Category::Retention,
        Category::Engagement,
        Category::Acknowledgment,
        Category::Spam,
        Category::Troll,
        Category::Dislike,
        Category::FollowUp,
        Category::Risk,
        Category::Ignore,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    Exact(String),
    /// `stem*`: any word starting with the stem.
    Prefix(String),
    /// `#`: any word starting with a digit ("800", "10k", "24h").
    Number,
}

impl Pattern {
    fn matches(&self, word: &str) -> bool {
        match self {
            Pattern::Exact(w) => w == word,
            Pattern::Prefix(stem) => word.starts_with(stem.as_str()),
            Pattern::Number => word.as_bytes().first().is_some_and(u8::is_ascii_digit),
        }
    }
}

#[derive(Debug)]
struct Phrase {
    category: Category,
    /// As written in the rules, for reasons ("pricing phrase 'how much'").
    text: String,
    patterns: Vec<Pattern>,
    /// Written by the user in the config: a rule the user is certain of, which
    /// decides the tier instead of being one signal among many.
    user: bool,
}

/// The first hit per category and how many phrases of it matched.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hits<'a> {
    first: [Option<&'a str>; CATEGORIES],
    count: [u16; CATEGORIES],
    /// The first hit of a user's own phrase, per category.
    first_user: [Option<&'a str>; CATEGORIES],
}

impl<'a> Hits<'a> {
    pub fn first(&self, c: Category) -> Option<&'a str> {
        self.first[c.index()]
    }

    pub fn count(&self, c: Category) -> u16 {
        self.count[c.index()]
    }

    /// The first phrase from the user's config that matched in this category.
    pub fn first_user(&self, c: Category) -> Option<&'a str> {
        self.first_user[c.index()]
    }

    fn record(&mut self, phrase: &'a Phrase) {
        let i = phrase.category.index();
        self.count[i] = self.count[i].saturating_add(1);
        if self.first[i].is_none() {
            self.first[i] = Some(&phrase.text);
        }
        if phrase.user && self.first_user[i].is_none() {
            self.first_user[i] = Some(&phrase.text);
        }
    }
}

/// Splits a phrase into its word patterns the same way messages are split.
/// Returns `None` for a phrase with no words.
fn compile_phrase(phrase: &str) -> Option<Vec<Pattern>> {
    let mut patterns = Vec::new();
    for raw in phrase.split_whitespace() {
        if raw == "#" {
            patterns.push(Pattern::Number);
            continue;
        }
        let (body, star) = match raw.strip_suffix('*') {
            Some(b) => (b, true),
            None => (raw, false),
        };
        let scanned = Scanned::new(body);
        let words: Vec<&str> = scanned.words().collect();
        let last = words.len().saturating_sub(1);
        for (i, w) in words.iter().enumerate() {
            patterns.push(if star && i == last {
                Pattern::Prefix(w.to_string())
            } else {
                Pattern::Exact(w.to_string())
            });
        }
    }
    (!patterns.is_empty()).then_some(patterns)
}

/// The first `STEM_KEY` bytes of a word, if it is that long and cut on a char boundary.
fn stem_key(word: &str) -> Option<&str> {
    word.get(..STEM_KEY)
}

/// Every phrase of every list, indexed by its first word (or stem).
#[derive(Debug, Default)]
pub struct PhraseSet {
    phrases: Vec<Phrase>,
    /// Phrases whose first pattern is an exact word, by that word.
    by_word: WordMap<Vec<usize>>,
    /// Phrases whose first pattern is a stem, by the stem's first `STEM_KEY` bytes
    /// (shorter stems by the whole stem): one probe per word finds the candidates.
    by_stem: WordMap<Vec<usize>>,
    /// Lengths of stems shorter than `STEM_KEY`, probed one by one (rare).
    short_stems: Vec<usize>,
    /// Phrases starting with a number, tried at every number word.
    by_number: Vec<usize>,
    /// Phrases in a script without spaces (CJK), as substrings to find: (needle, id).
    substrings: Vec<(String, usize)>,
    /// Whether any `Ignore` phrase exists (most rule sets: a few), so the scan can
    /// skip looking for them otherwise.
    has_ignore: bool,
}

const STEM_KEY: usize = 4;

/// A phrase that has no words in it (e.g. "***").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyPhrase(pub String);

impl PhraseSet {
    #[cfg(test)]
    pub fn add(&mut self, category: Category, text: &str) -> Result<(), EmptyPhrase> {
        self.add_from(category, text, false)
    }

    /// Adds a phrase; `user` marks one from the user's config.
    pub fn add_from(
        &mut self,
        category: Category,
        text: &str,
        user: bool,
    ) -> Result<(), EmptyPhrase> {
        let patterns = compile_phrase(text).ok_or_else(|| EmptyPhrase(text.to_string()))?;
        let id = self.phrases.len();
        self.has_ignore |= category == Category::Ignore;
        if text.chars().any(is_cjk) {
            // "予約できますか" is one run of letters: look for it inside the text.
            let needle: String = Scanned::new(text).words().collect();
            self.substrings.push((needle, id));
            self.push(category, text, patterns, user);
            return Ok(());
        }
        match &patterns[0] {
            Pattern::Number => self.by_number.push(id),
            Pattern::Exact(w) => self.by_word.entry(w.clone()).or_default().push(id),
            Pattern::Prefix(stem) => {
                let key = stem_key(stem).unwrap_or(stem);
                if key.len() < STEM_KEY && !self.short_stems.contains(&key.len()) {
                    self.short_stems.push(key.len());
                }
                self.by_stem.entry(key.to_string()).or_default().push(id);
            }
        }
        self.push(category, text, patterns, user);
        Ok(())
    }

    fn push(&mut self, category: Category, text: &str, patterns: Vec<Pattern>, user: bool) {
        self.phrases.push(Phrase {
            category,
            text: text.trim().to_string(),
            patterns,
            user,
        });
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// All hits in `scanned`, earliest position first within each category.
    pub fn scan<'a>(&'a self, scanned: &Scanned) -> Hits<'a> {
        let mut hits = Hits::default();
        // Words up to here belong to an ignored phrase ("crash course").
        let mut ignored_until = 0;
        for i in 0..scanned.len() {
            let word = scanned.word(i);
            let exact = self.by_word.get(word);
            let stem = stem_key(word).and_then(|k| self.by_stem.get(k));
            if self.has_ignore {
                for ids in exact.into_iter().chain(stem) {
                    for &id in ids {
                        let phrase = &self.phrases[id];
                        if phrase.category == Category::Ignore && self.matches_at(id, scanned, i) {
                            ignored_until = ignored_until.max(i + phrase.patterns.len());
                        }
                    }
                }
            }
            if i < ignored_until {
                continue;
            }
            if let Some(ids) = exact {
                self.check(ids, scanned, i, &mut hits);
            }
            if let Some(ids) = stem {
                self.check(ids, scanned, i, &mut hits);
            }
            for &len in &self.short_stems {
                if let Some(ids) = word.get(..len).and_then(|k| self.by_stem.get(k)) {
                    self.check(ids, scanned, i, &mut hits);
                }
            }
            if !self.by_number.is_empty() && Pattern::Number.matches(word) {
                self.check(&self.by_number, scanned, i, &mut hits);
            }
        }
        if scanned.has_cjk {
            let text = scanned.joined();
            for (needle, id) in &self.substrings {
                let phrase = &self.phrases[*id];
                if phrase.category != Category::Ignore && text.contains(needle.as_str()) {
                    hits.record(phrase);
                }
            }
        }
        hits
    }

    /// How many words from `at` the longest phrase of `category` covers (0: none).
    /// Used to tell a line made only of nudges ("any update?") from a real message.
    pub fn covered_at(&self, category: Category, scanned: &Scanned, at: usize) -> usize {
        let word = scanned.word(at);
        let candidates = self
            .by_word
            .get(word)
            .into_iter()
            .chain(stem_key(word).and_then(|k| self.by_stem.get(k)))
            .flatten();
        candidates
            .filter(|&&id| self.phrases[id].category == category)
            .filter(|&&id| self.matches_at(id, scanned, at))
            .map(|&id| self.phrases[id].patterns.len())
            .max()
            .unwrap_or(0)
    }

    fn matches_at(&self, id: usize, scanned: &Scanned, at: usize) -> bool {
        let patterns = &self.phrases[id].patterns;
        at + patterns.len() <= scanned.len()
            && patterns
                .iter()
                .enumerate()
                .all(|(k, p)| p.matches(scanned.word(at + k)))
    }

    fn check<'a>(&'a self, ids: &[usize], scanned: &Scanned, at: usize, hits: &mut Hits<'a>) {
        for &id in ids {
            if self.matches_at(id, scanned, at) && self.phrases[id].category != Category::Ignore {
                hits.record(&self.phrases[id]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &[(Category, &str)]) -> PhraseSet {
        let mut s = PhraseSet::default();
        for (c, p) in list {
            s.add(*c, p).unwrap();
        }
        s
    }

    #[test]
    fn multi_word_phrases_match_whole_words_only() {
        let s = set(&[(Category::Revenue, "how much")]);
        let hits = s.scan(&Scanned::new("So, HOW much is it?"));
        assert_eq!(hits.first(Category::Revenue), Some("how much"));
        let miss = s.scan(&Scanned::new("somehow muchness"));
        assert_eq!(miss.first(Category::Revenue), None);
        let cut = s.scan(&Scanned::new("tell me how"));
        assert_eq!(cut.count(Category::Revenue), 0);
    }

    #[test]
    fn stars_match_word_prefixes_anywhere_in_a_phrase() {
        let s = set(&[
            (Category::Retention, "refund*"),
            (Category::Retention, "was charg*"),
        ]);
        let hits = s.scan(&Scanned::new("I was charged and want a refund"));
        assert_eq!(hits.count(Category::Retention), 2);
        assert_eq!(hits.first(Category::Retention), Some("was charg*"));
        assert_eq!(
            s.scan(&Scanned::new("refunded!"))
                .count(Category::Retention),
            1
        );
    }

    #[test]
    fn apostrophes_are_ignored_on_both_sides() {
        let s = set(&[(Category::Retention, "doesn't work")]);
        assert_eq!(
            s.scan(&Scanned::new("it doesnt work"))
                .count(Category::Retention),
            1
        );
    }

    #[test]
    fn short_and_long_stems_and_unicode_words() {
        let s = set(&[
            (Category::Acknowledgment, "ty*"),
            (Category::Spam, "crypt*"),
            (Category::Revenue, "précommande"),
        ]);
        assert_eq!(
            s.scan(&Scanned::new("tysm"))
                .count(Category::Acknowledgment),
            1
        );
        assert_eq!(
            s.scan(&Scanned::new("cryptocurrency x"))
                .count(Category::Spam),
            1
        );
        assert_eq!(s.scan(&Scanned::new("crypt")).count(Category::Spam), 1);
        assert_eq!(s.scan(&Scanned::new("cryp")).count(Category::Spam), 0);
        assert_eq!(
            s.scan(&Scanned::new("Précommande?"))
                .count(Category::Revenue),
            1
        );
    }

    #[test]
    fn cjk_phrases_match_inside_unspaced_text() {
        let s = set(&[
            (Category::Revenue, "予約"),
            (Category::Revenue, "多少钱"),
            (Category::Retention, "не работает"),
        ]);
        let hits = s.scan(&Scanned::new(
            "こんにちは！10袋買いたいのですが、予約できますか？",
        ));
        assert_eq!(hits.first(Category::Revenue), Some("予約"));
        assert_eq!(
            s.scan(&Scanned::new("这个多少钱？"))
                .count(Category::Revenue),
            1
        );
        assert_eq!(
            s.scan(&Scanned::new("这个很好")).count(Category::Revenue),
            0
        );
        assert_eq!(
            s.scan(&Scanned::new("Приложение не работает"))
                .count(Category::Retention),
            1
        );
    }

    #[test]
    fn hash_matches_any_number_word() {
        let s = set(&[
            (Category::Spam, "make # day"),
            (Category::Spam, "# followers"),
        ]);
        assert_eq!(
            s.scan(&Scanned::new("Make $800/day!!"))
                .count(Category::Spam),
            1
        );
        assert_eq!(
            s.scan(&Scanned::new("grow to 10K followers"))
                .count(Category::Spam),
            1
        );
        assert_eq!(
            s.scan(&Scanned::new("make my day")).count(Category::Spam),
            0
        );
    }

    #[test]
    fn covered_at_gives_the_longest_phrase_of_a_category() {
        let s = set(&[
            (Category::FollowUp, "any update*"),
            (Category::FollowUp, "any"),
            (Category::Revenue, "any deals"),
        ]);
        let text = Scanned::new("any updates on this");
        assert_eq!(s.covered_at(Category::FollowUp, &text, 0), 2);
        assert_eq!(s.covered_at(Category::FollowUp, &text, 2), 0);
        let deals = Scanned::new("any deals");
        assert_eq!(s.covered_at(Category::FollowUp, &deals, 0), 1);
    }

    #[test]
    fn ignored_phrases_hide_their_words_from_other_lists() {
        let s = set(&[
            (Category::Retention, "crash*"),
            (Category::Ignore, "crash course"),
        ]);
        assert_eq!(
            s.scan(&Scanned::new("the app crashed again"))
                .count(Category::Retention),
            1
        );
        let course = s.scan(&Scanned::new("do you run a crash course in latte art?"));
        assert_eq!(course.count(Category::Retention), 0);
        assert_eq!(course.count(Category::Ignore), 0);
        // Only the ignored words are hidden: a crash later in the text still counts.
        let both = s.scan(&Scanned::new("crash course booked, then the site crashed"));
        assert_eq!(both.first(Category::Retention), Some("crash*"));
    }

    #[test]
    fn user_phrases_are_told_apart() {
        let mut s = PhraseSet::default();
        s.add(Category::Revenue, "quote").unwrap();
        s.add_from(Category::Revenue, "wedding cake*", true)
            .unwrap();
        let hits = s.scan(&Scanned::new("a quote for wedding cakes"));
        assert_eq!(hits.first(Category::Revenue), Some("quote"));
        assert_eq!(hits.first_user(Category::Revenue), Some("wedding cake*"));
        assert_eq!(
            s.scan(&Scanned::new("a quote please"))
                .first_user(Category::Revenue),
            None
        );
    }

    #[test]
    fn empty_phrases_are_rejected() {
        let mut s = PhraseSet::default();
        assert_eq!(
            s.add(Category::Spam, " ** "),
            Err(EmptyPhrase(" ** ".into()))
        );
        assert!(s.is_empty());
    }
}
