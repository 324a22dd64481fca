//! Word-level phrase matching, compiled once: phrases are indexed by their first
//! word so one pass over a message's words finds every hit.

use super::fasthash::WordMap;
use super::text::Scanned;

/// The lists a phrase can belong to; each leads to a tier (or to spam).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Revenue,
    Retention,
    Engagement,
    Acknowledgment,
    Spam,
    Troll,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Revenue,
        Category::Retention,
        Category::Engagement,
        Category::Acknowledgment,
        Category::Spam,
        Category::Troll,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    Exact(String),
    /// `stem*`: any word starting with the stem.
    Prefix(String),
}

impl Pattern {
    fn matches(&self, word: &str) -> bool {
        match self {
            Pattern::Exact(w) => w == word,
            Pattern::Prefix(stem) => word.starts_with(stem.as_str()),
        }
    }
}

#[derive(Debug)]
struct Phrase {
    category: Category,
    /// As written in the rules, for reasons ("pricing phrase 'how much'").
    text: String,
    patterns: Vec<Pattern>,
}

/// The first hit per category and how many phrases of it matched.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hits<'a> {
    first: [Option<&'a str>; 6],
    count: [u16; 6],
}

impl<'a> Hits<'a> {
    pub fn first(&self, c: Category) -> Option<&'a str> {
        self.first[c.index()]
    }

    #[cfg(test)]
    pub fn count(&self, c: Category) -> u16 {
        self.count[c.index()]
    }
}

/// Splits a phrase into its word patterns the same way messages are split.
/// Returns `None` for a phrase with no words.
fn compile_phrase(phrase: &str) -> Option<Vec<Pattern>> {
    let mut patterns = Vec::new();
    for raw in phrase.split_whitespace() {
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
}

const STEM_KEY: usize = 4;

/// A phrase that has no words in it (e.g. "***").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyPhrase(pub String);

impl PhraseSet {
    pub fn add(&mut self, category: Category, text: &str) -> Result<(), EmptyPhrase> {
        let patterns = compile_phrase(text).ok_or_else(|| EmptyPhrase(text.to_string()))?;
        let id = self.phrases.len();
        match &patterns[0] {
            Pattern::Exact(w) => self.by_word.entry(w.clone()).or_default().push(id),
            Pattern::Prefix(stem) => {
                let key = stem_key(stem).unwrap_or(stem);
                if key.len() < STEM_KEY && !self.short_stems.contains(&key.len()) {
                    self.short_stems.push(key.len());
                }
                self.by_stem.entry(key.to_string()).or_default().push(id);
            }
        }
        self.phrases.push(Phrase {
            category,
            text: text.trim().to_string(),
            patterns,
        });
        Ok(())
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
        for i in 0..scanned.len() {
            let word = scanned.word(i);
            if let Some(ids) = self.by_word.get(word) {
                self.check(ids, scanned, i, &mut hits);
            }
            if let Some(ids) = stem_key(word).and_then(|k| self.by_stem.get(k)) {
                self.check(ids, scanned, i, &mut hits);
            }
            for &len in &self.short_stems {
                if let Some(ids) = word.get(..len).and_then(|k| self.by_stem.get(k)) {
                    self.check(ids, scanned, i, &mut hits);
                }
            }
        }
        hits
    }

    fn check<'a>(&'a self, ids: &[usize], scanned: &Scanned, at: usize, hits: &mut Hits<'a>) {
        let word = scanned.word(at);
        for &id in ids {
            let phrase = &self.phrases[id];
            if !phrase.patterns[0].matches(word) {
                continue;
            }
            let rest = &phrase.patterns[1..];
            if at + 1 + rest.len() > scanned.len() {
                continue;
            }
            let all = rest
                .iter()
                .enumerate()
                .all(|(k, p)| p.matches(scanned.word(at + 1 + k)));
            if all {
                let c = phrase.category.index();
                hits.count[c] = hits.count[c].saturating_add(1);
                if hits.first[c].is_none() {
                    hits.first[c] = Some(&phrase.text);
                }
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
    fn empty_phrases_are_rejected() {
        let mut s = PhraseSet::default();
        assert_eq!(
            s.add(Category::Spam, " ** "),
            Err(EmptyPhrase(" ** ".into()))
        );
        assert!(s.is_empty());
    }
}
