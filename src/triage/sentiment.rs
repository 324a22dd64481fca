//! VADER sentiment, built once and scored on a bounded prefix of the text.
//!
//! VADER costs several microseconds a message, so it only runs when the text has
//! something it could score: a word from its lexicon, an emoticon or an emoji.
//! Text with none of those scores 0 without asking it (which is also what the
//! original VADER gives; this port would nudge a neutral question below zero).

use super::fasthash::WordSet;
use super::text::Scanned;
use vader_sentiment::SentimentIntensityAnalyzer;

pub struct Sentiment {
    analyzer: SentimentIntensityAnalyzer<'static>,
    max_chars: usize,
    /// VADER's lexicon words, spelled as `Scanned` spells words.
    lexicon_words: WordSet,
}

impl std::fmt::Debug for Sentiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sentiment")
            .field("max_chars", &self.max_chars)
            .finish()
    }
}

impl Sentiment {
    pub fn new(max_chars: usize) -> Sentiment {
        let lexicon_words = vader_sentiment::LEXICON
            .keys()
            .map(|k| k.to_lowercase().replace('\'', ""))
            .filter(|w| w.chars().all(char::is_alphanumeric))
            .collect();
        Sentiment {
            analyzer: SentimentIntensityAnalyzer::new(),
            max_chars: max_chars.max(1),
            lexicon_words,
        }
    }

    /// Whether VADER could give `text` a non-zero score.
    fn has_sentiment_cues(&self, text: &str, scanned: &Scanned) -> bool {
        let symbol = |c: char| {
            matches!(c, ':' | ';' | '=' | '<' | '^') || (!c.is_ascii() && !c.is_alphanumeric())
        };
        scanned.words().any(|w| self.lexicon_words.contains(w)) || text.chars().any(symbol)
    }

    /// Compound score in [-1, 1]; 0 for text with no sentiment words.
    pub fn score(&self, text: &str, scanned: &Scanned) -> f64 {
        if !self.has_sentiment_cues(text, scanned) {
            return 0.0;
        }
        let end = text
            .char_indices()
            .nth(self.max_chars)
            .map_or(text.len(), |(i, _)| i);
        let head = &text[..end];
        if head.trim().is_empty() {
            return 0.0;
        }
        self.analyzer
            .polarity_scores(head)
            .get("compound")
            .copied()
            .filter(|c| c.is_finite())
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait ScoreText {
        fn score_text(&self, text: &str) -> f64;
    }
    impl ScoreText for Sentiment {
        fn score_text(&self, text: &str) -> f64 {
            self.score(text, &Scanned::new(text))
        }
    }

    #[test]
    fn polarity_and_negation() {
        let s = Sentiment::new(1000);
        assert!(s.score_text("I love this, it is great") > 0.5);
        assert!(s.score_text("This is terrible and I hate it") < -0.5);
        // Negation flips: "not good" is negative, "not bad" leans positive.
        assert!(s.score_text("the food was not good") < 0.0);
        assert!(s.score_text("the food was not bad") > 0.0);
        assert_eq!(s.score_text("   "), 0.0);
        // No lexicon word: skipped, and a neutral question is exactly neutral.
        assert_eq!(s.score_text("what time does the shop open?"), 0.0);
        assert!(s.score_text("loved it :)") > 0.0);
        assert!(s.score_text("😠😠") < 0.0);
    }

    #[test]
    fn intensity_raises_the_score() {
        let s = Sentiment::new(1000);
        assert!(s.score_text("this is extremely good!!!") > s.score_text("this is good"));
    }

    #[test]
    fn only_the_prefix_is_scored() {
        let s = Sentiment::new(10);
        let tail_only = format!("{}{}", "x".repeat(20), " terrible awful horrible");
        assert_eq!(s.score_text(&tail_only), 0.0);
    }
}
