//! One pass over a message: lowercase word tokens plus the cheap surface signals
//! (links, shouting, repetition, question marks) that the rules look at.

/// One line of a message: words `start..end` and whether it has a question mark.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub question: bool,
}

/// Question marks of the scripts we see: ASCII, full-width (CJK), Spanish opening, Arabic.
fn is_question_mark(c: char) -> bool {
    matches!(c, '?' | '？' | '¿' | '؟')
}

/// Han, kana and Hangul: scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7AF}'
            | '\u{FF66}'..='\u{FF9F}')
}

/// A word's byte range in `Scanned::words` as the compact span table stores it.
/// Words past 4 GiB (far beyond what SQLite stores in one text) are left out
/// rather than wrapped into wrong ranges.
fn span(start: usize, end: usize) -> Option<(u32, u32)> {
    Some((u32::try_from(start).ok()?, u32::try_from(end).ok()?))
}

/// A message broken into lowercase words, with its surface signals.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Lowercased words, apostrophes dropped ("Don't" → "dont"), joined by single spaces.
    words: String,
    /// Byte ranges of each word inside `words`.
    spans: Vec<(u32, u32)>,
    /// Each line (the store joins a thread's unanswered messages with newlines):
    /// its word range and whether it holds a question mark.
    lines: Vec<Line>,
    pub has_question_mark: bool,
    pub has_link: bool,
    /// Chinese, Japanese or Korean script: words are not split by spaces there, so
    /// phrases in those scripts are matched as substrings.
    pub has_cjk: bool,
    pub letters: usize,
    pub upper_letters: usize,
    /// `is_repetitive`, worked out on first use: it sorts the words, and both the
    /// rules and the model's features ask.
    repetitive: std::cell::OnceCell<bool>,
}

impl Scanned {
    pub fn new(text: &str) -> Scanned {
        let mut s = Scanned {
            words: String::with_capacity(text.len()),
            spans: Vec::with_capacity(text.len() / 5 + 1),
            ..Scanned::default()
        };
        let mut word_start: Option<usize> = None;
        let mut line = Line::default();
        for c in text.chars() {
            if c.is_alphanumeric() {
                if !c.is_ascii() && is_cjk(c) {
                    s.has_cjk = true;
                }
                if c.is_alphabetic() {
                    s.letters += 1;
                    if c.is_uppercase() {
                        s.upper_letters += 1;
                    }
                }
                if word_start.is_none() {
                    word_start = Some(s.words.len());
                }
                if c.is_ascii() {
                    s.words.push(c.to_ascii_lowercase());
                } else {
                    s.words.extend(c.to_lowercase());
                }
            } else if c == '\'' || c == '’' {
                // "don't" and "dont" are the same word to the rules.
            } else {
                if is_question_mark(c) {
                    s.has_question_mark = true;
                    line.question = true;
                }
                if let Some(start) = word_start.take() {
                    s.spans.extend(span(start, s.words.len()));
                    s.words.push(' ');
                }
                if c == '\n' {
                    line.end = s.spans.len();
                    s.lines.push(line);
                    line = Line {
                        start: line.end,
                        ..Line::default()
                    };
                }
            }
        }
        if let Some(start) = word_start {
            s.spans.extend(span(start, s.words.len()));
        }
        line.end = s.spans.len();
        s.lines.push(line);
        s.has_link = detect_link(text, &s);
        s
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn word(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        &self.words[a as usize..b as usize]
    }

    pub fn words(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.word(i))
    }

    /// The lowercased words joined by single spaces (CJK runs stay unbroken).
    pub fn joined(&self) -> &str {
        &self.words
    }

    /// The message's lines, in order; always at least one.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Mostly capital letters over a long enough stretch to be shouting, not an acronym.
    pub fn is_shouting(&self) -> bool {
        self.letters >= 16 && self.upper_letters * 10 >= self.letters * 8
    }

    /// Long text made of few distinct words ("buy now buy now buy now ...").
    pub fn is_repetitive(&self) -> bool {
        let n = self.len();
        if n < 12 {
            return false;
        }
        *self.repetitive.get_or_init(|| {
            let mut seen: Vec<&str> = self.words().collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len() * 10 < n * 4
        })
    }

    /// The first word, used for "starts like a question" ("how", "can", "where"...).
    pub fn first_word(&self) -> Option<&str> {
        (!self.is_empty()).then(|| self.word(0))
    }
}

/// A URL or a bare domain such as "example.com/x".
fn detect_link(text: &str, scanned: &Scanned) -> bool {
    let has_web_word = scanned
        .words()
        .any(|w| matches!(w, "http" | "https" | "www"));
    if has_web_word {
        return true;
    }
    // Bare domains: a dot followed directly by a common top-level domain word.
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('.') {
        let rest = &bytes[i + 1..];
        for tld in [&b"com"[..], b"net", b"org", b"ly", b"io", b"info", b"biz"] {
            if rest.len() >= tld.len()
                && rest[..tld.len()].eq_ignore_ascii_case(tld)
                && rest
                    .get(tld.len())
                    .is_none_or(|b| !b.is_ascii_alphanumeric())
                && i > 0
                && bytes[i - 1].is_ascii_alphanumeric()
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_without_apostrophes() {
        let s = Scanned::new("Don't SHIP it… to Zürich?!");
        let words: Vec<&str> = s.words().collect();
        assert_eq!(words, ["dont", "ship", "it", "to", "zürich"]);
        assert!(s.has_question_mark);
        assert!(!s.has_link);
    }

    #[test]
    fn lines_keep_their_words_and_question_marks() {
        let s = Scanned::new("Do you rent bikes?\nbump\n\n？");
        let lines: Vec<(usize, usize, bool)> = s
            .lines()
            .iter()
            .map(|l| (l.start, l.end, l.question))
            .collect();
        assert_eq!(
            lines,
            [(0, 4, true), (4, 5, false), (5, 5, false), (5, 5, true)]
        );
        assert!(!s.has_cjk);
        assert!(Scanned::new("予約できますか").has_cjk);
        assert!(Scanned::new("¿cuánto cuesta").has_question_mark);
    }

    #[test]
    fn links_with_scheme_or_bare_domain() {
        assert!(Scanned::new("see https://x.y/z").has_link);
        assert!(Scanned::new("visit mysite.com now").has_link);
        assert!(!Scanned::new("I paid 3.50 for it. Com on").has_link);
    }

    #[test]
    fn shouting_needs_length_and_capitals() {
        assert!(Scanned::new("THIS IS THE BEST CHANNEL EVER GUYS").is_shouting());
        assert!(!Scanned::new("OK USA").is_shouting());
        assert!(!Scanned::new("This is a normal sentence with NASA in it").is_shouting());
    }

    #[test]
    fn repetition_is_few_distinct_words_in_long_text() {
        assert!(Scanned::new(&"free money now ".repeat(6)).is_repetitive());
        assert!(
            !Scanned::new("the order came late and the box was wet and the lid was broken")
                .is_repetitive()
        );
    }
}
