//! Breaking a reply (or the customer's message) into sentences, clauses and folded
//! words for the guards. One pass over the characters; never panics on any input.
//!
//! - A word is lowercase with diacritics folded ("Grüße" → "grusse") and apostrophes
//!   dropped ("don't" → "dont"), except after an elided article ("l'équipe" → "l",
//!   "equipe"). Each Chinese, Japanese or Korean character is a word of its own,
//!   since those scripts put no spaces between words.
//! - Links and email addresses are skipped: their words say nothing about whether
//!   the reply answers, and a long URL would otherwise look like a long sentence.
//! - Sentences end at `.`, `!`, `?` (and their full-width forms) and at line breaks;
//!   clauses at `,`, `;`, `:`, brackets, dashes and "and"/"but" words.

use super::phrases::{CONJUNCTIONS, ELISIONS};

/// One word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercase, diacritics folded, apostrophes dropped.
    pub text: String,
    /// Byte range in the scanned text, to quote the original spelling.
    pub start: usize,
    pub end: usize,
    /// Its first letter is a capital (a name, a sentence start, a German noun).
    pub capital: bool,
    /// Written as an `@handle`.
    pub mention: bool,
    /// Touches a hyphen ("e-mail"): part of a compound, never a conjunction.
    glued: bool,
}

/// Words between two clause breaks.
#[derive(Debug, Default, Clone)]
pub struct Clause {
    pub words: Vec<Word>,
    /// Introduced by a dash at the start of a line ("— Alex"): a signature when it
    /// is on the reply's last line (elsewhere it is more likely a list item).
    pub dash_led: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Sentence {
    pub clauses: Vec<Clause>,
    /// Holds a question mark (`?`, `¿`, `？`, `؟`).
    pub question: bool,
}

impl Sentence {
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.clauses.iter().flat_map(|c| c.words.iter())
    }
}

/// The text's sentences, in order; empty ones (only punctuation, emoji or links)
/// are left out.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut b = Builder::default();
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    let mut line_start = true;
    // Inside an @handle, which may go on after `_`, `.` or `-` ("@dana_k").
    let mut in_handle = false;
    while let Some((pos, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        // A link can only start where a whitespace-separated chunk starts.
        let chunk_start = prev
            .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '<' | '"' | '“' | '«' | '\''));
        if chunk_start && b.word.is_none() && !c.is_whitespace() {
            let len = link_len(&text[pos..]);
            if len > 0 {
                b.end_word();
                let end = pos + len;
                while chars.peek().is_some_and(|&(i, _)| i < end) {
                    chars.next();
                }
                prev = text[..end].chars().next_back();
                line_start = false;
                continue;
            }
        }
        if is_word_char(c) {
            if is_cjk(c) {
                b.end_word();
                let mut w = Word::new(pos, false, false);
                fold_into(&mut w.text, c);
                w.end = pos + c.len_utf8();
                b.word = Some(w);
                b.end_word();
            } else {
                let w = b.word.get_or_insert_with(|| {
                    let mut w = Word::new(pos, c.is_uppercase(), in_handle);
                    w.glued = prev == Some('-');
                    w
                });
                fold_into(&mut w.text, c);
                w.end = pos + c.len_utf8();
            }
        } else if matches!(c, '\'' | '’' | 'ʼ') {
            // "don't" stays one word; "l'équipe" is two.
            let inside = b.word.is_some() && next.is_some_and(is_word_char);
            let elided = b
                .word
                .as_ref()
                .is_some_and(|w| ELISIONS.contains(&w.text.as_str()));
            if !inside || elided {
                b.end_word();
            }
        } else if matches!(c, '.' | ',' | ':')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            // "4.20", "4,20" and "9:30" are one number, not two clauses.
        } else if c == '-' && b.word.is_some() && next.is_some_and(is_word_char) {
            // "e-mail", "rendez-vous": separate words of one compound.
            if let Some(w) = b.word.as_mut() {
                w.glued = true;
            }
            b.end_word();
        } else if c == '\n' {
            b.end_sentence();
            line_start = true;
            in_handle = false;
            prev = Some(c);
            continue;
        } else if matches!(c, '—' | '–' | '-' | '―') {
            b.end_clause();
            if line_start {
                b.clause.dash_led = true;
            }
        } else if matches!(c, '?' | '？' | '؟' | '¿') {
            b.sentence.question = true;
            if c == '¿' {
                b.end_word();
            } else {
                b.end_sentence();
            }
        } else if matches!(c, '!' | '！' | '。' | '…') {
            b.end_sentence();
        } else if c == '.' {
            // A dot ends a sentence only before a space or the end ("e.g" and
            // "northwind.coffee" without a scheme stay inside theirs).
            if next.is_none_or(|n| n.is_whitespace() || matches!(n, '"' | '”' | '»' | ')')) {
                b.end_sentence();
            } else {
                b.end_word();
            }
        } else if matches!(
            c,
            ',' | ';'
                | ':'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '"'
                | '“'
                | '”'
                | '«'
                | '»'
                | '•'
                | '·'
                | '|'
                | '，'
                | '、'
                | '；'
                | '：'
        ) {
            b.end_clause();
        } else {
            // Spaces, symbols, emoji: a word break and nothing more.
            b.end_word();
        }
        if !c.is_whitespace() {
            line_start = false;
        }
        if c == '@' {
            in_handle = true;
        } else if !(is_word_char(c) || matches!(c, '_' | '.' | '-')) {
            in_handle = false;
        }
        prev = Some(c);
    }
    b.end_sentence();
    b.out
}

/// All words of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    sentences(text)
        .into_iter()
        .flat_map(|s| s.clauses)
        .flat_map(|c| c.words)
        .collect()
}

impl Word {
    fn new(start: usize, capital: bool, mention: bool) -> Word {
        Word {
            text: String::new(),
            start,
            end: start,
            capital,
            mention,
            glued: false,
        }
    }
}

#[derive(Default)]
struct Builder {
    out: Vec<Sentence>,
    sentence: Sentence,
    clause: Clause,
    word: Option<Word>,
}

impl Builder {
    fn end_word(&mut self) {
        let Some(w) = self.word.take() else {
            return;
        };
        if w.text.is_empty() {
            return;
        }
        if !w.glued && CONJUNCTIONS.contains(&w.text.as_str()) {
            self.end_clause();
        } else {
            self.clause.words.push(w);
        }
    }

    fn end_clause(&mut self) {
        self.end_word();
        if !self.clause.words.is_empty() {
            let clause = std::mem::take(&mut self.clause);
            self.sentence.clauses.push(clause);
        }
    }

    fn end_sentence(&mut self) {
        self.end_clause();
        // A dash with nothing after it on its line leads nothing.
        self.clause.dash_led = false;
        let sentence = std::mem::take(&mut self.sentence);
        if !sentence.clauses.is_empty() {
            self.out.push(sentence);
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

/// Combining diacritical marks: text typed in decomposed form ("e" + U+0301).
fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Han, kana and Hangul, written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{AC00}'..='\u{D7AF}')
}

/// Lowercase `c` without its diacritics onto `out`. Covers the Latin letters of
/// the languages the guards know plus common Central European ones; anything else
/// is only lowercased.
pub fn fold_into(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for l in c.to_lowercase() {
        match l {
            _ if is_combining(l) => {}
            'à'..='å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => out.push('c'),
            'ď' | 'đ' | 'ð' => out.push('d'),
            'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => out.push('g'),
            'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => out.push('i'),
            'ĺ' | 'ļ' | 'ľ' | 'ł' => out.push('l'),
            'ñ' | 'ń' | 'ņ' | 'ň' => out.push('n'),
            'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ŕ' | 'ř' => out.push('r'),
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => out.push('s'),
            'ß' => out.push_str("ss"),
            'ţ' | 'ť' | 'ț' => out.push('t'),
            'þ' => out.push_str("th"),
            'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            _ => out.push(l),
        }
    }
}

/// Punctuation that may follow a link without being part of it.
const AFTER_LINK: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '”', '’', '»', '>',
];

/// Top-level domains recognised without a scheme or path ("northwind.com").
const BARE_TLDS: &[&str] = &[
    "com", "org", "net", "io", "co", "app", "shop", "store", "eu", "uk", "us", "ca", "au", "es",
    "fr", "de", "it", "nl", "pt", "br", "mx", "ar",
];

/// Byte length of the link or email address at the start of `rest`, 0 when there
/// is none.
fn link_len(rest: &str) -> usize {
    let chunk = rest.split(char::is_whitespace).next().unwrap_or("");
    let candidate = chunk.trim_end_matches(AFTER_LINK);
    if is_link(candidate) {
        candidate.len()
    } else {
        0
    }
}

fn is_link(s: &str) -> bool {
    if s.contains("://") || s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
        return true;
    }
    // name@host.tld (a leading @ is a handle, not an address)
    if let Some(at) = s.find('@')
        && at > 0
        && is_host(&s[at + 1..])
    {
        return true;
    }
    // host.tld/path
    if let Some(slash) = s.find('/')
        && slash > 0
        && is_host(&s[..slash])
    {
        return true;
    }
    is_host(s)
        && s.rsplit('.')
            .next()
            .is_some_and(|tld| BARE_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)))
}

/// "northwind.coffee": dot-separated ASCII labels, the last of at least two letters.
fn is_host(s: &str) -> bool {
    let mut labels = 0;
    let mut last_ok = false;
    for label in s.split('.') {
        if label.is_empty()
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
        labels += 1;
        last_ok = label.len() >= 2 && label.bytes().all(|b| b.is_ascii_alphabetic());
    }
    labels >= 2 && last_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<Vec<Vec<String>>> {
        sentences(text)
            .iter()
            .map(|s| {
                s.clauses
                    .iter()
                    .map(|c| c.words.iter().map(|w| w.text.clone()).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn sentences_clauses_and_folded_words() {
        assert_eq!(
            texts("Hi Dana, the oat latte is €4.20 and it's vegan! Grüße — Alex"),
            vec![
                vec![
                    vec!["hi", "dana"],
                    vec!["the", "oat", "latte", "is", "420"],
                    vec!["its", "vegan"]
                ],
                vec![vec!["grusse"], vec!["alex"]],
            ]
        );
    }

    #[test]
    fn links_and_addresses_are_skipped_but_their_punctuation_counts() {
        assert_eq!(
            texts(
                "See https://northwind.coffee/faq?x=1. Mail hello@northwind.coffee, or www.nw.es"
            ),
            vec![vec![vec!["see"]], vec![vec!["mail"], vec!["or"]]]
        );
        assert_eq!(
            texts("northwind.coffee/menu"),
            Vec::<Vec<Vec<String>>>::new()
        );
        // A dot between words without a space is not a link and not a sentence end.
        assert_eq!(texts("a.b this"), vec![vec![vec!["a", "b", "this"]]]);
    }

    #[test]
    fn elisions_split_but_contractions_join() {
        assert_eq!(
            texts("L'équipe don't n’hésitez"),
            vec![vec![vec!["l", "equipe", "dont", "n", "hesitez"]]]
        );
    }

    #[test]
    fn hyphenated_e_is_not_a_conjunction() {
        assert_eq!(
            texts("e-mail us e a b"),
            vec![vec![vec!["e", "mail", "us"], vec!["a", "b"]]]
        );
    }

    #[test]
    fn cjk_characters_are_words_and_questions_are_marked() {
        let s = sentences("ありがとう？ 好");
        assert_eq!(s.len(), 2);
        assert!(s[0].question);
        assert_eq!(s[0].words().count(), 5);
        assert!(!s[1].question);
    }

    #[test]
    fn dash_at_line_start_leads_a_clause_and_handles_are_mentions() {
        let s = sentences("Thanks @dana_k!\n— Alex");
        let w = &s[0].clauses[0].words;
        assert_eq!(
            (w[0].mention, w[1].mention, w[2].mention),
            (false, true, true)
        );
        assert!(s[1].clauses[0].dash_led);
        let mid = sentences("Hi - check this");
        assert!(!mid[0].clauses[1].dash_led);
    }

    #[test]
    fn decomposed_accents_fold_like_composed_ones() {
        let w = words("Jose\u{0301} JOSÉ İstanbul");
        let t: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, ["jose", "jose", "istanbul"]);
        assert!(w[1].capital);
    }
}
