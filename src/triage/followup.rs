//! Follow-up nudges ("bump", "any update?", "hello??"): a message that only asks
//! whether anyone is there means the customer is waiting on us.

use super::phrases::Category;
use super::rules::Rules;
use super::text::{Line, Scanned};
use crate::model::Gist;

/// How the lines of a text split between nudges and real content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nudges {
    /// No line is a nudge.
    None,
    /// Some lines are nudges, others say something.
    Some,
    /// Every line that says anything is a nudge.
    Only,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Nothing to go on: an emoji, a bare "hi".
    Blank,
    Nudge,
    Content,
}

fn line_kind(rules: &Rules, scanned: &Scanned, line: Line) -> LineKind {
    let mut phrase_seen = false;
    let mut i = line.start;
    while i < line.end {
        // The phrase first: "any" is filler, but "any update" is the nudge itself.
        match rules.phrases.covered_at(Category::FollowUp, scanned, i) {
            0 if rules.filler.contains(scanned.word(i)) => i += 1,
            0 => return LineKind::Content,
            n => {
                phrase_seen = true;
                i += n;
            }
        }
    }
    // "?" or "hello??" alone asks for an answer as much as "bump" does.
    if phrase_seen || line.question {
        LineKind::Nudge
    } else {
        LineKind::Blank
    }
}

/// The part of `text` from its first line that says something (neither a
/// greeting nor a nudge), else whether it nudges: what a queue row shows.
pub fn gist<'a>(rules: &Rules, text: &'a str) -> Gist<'a> {
    let mut at = 0;
    let mut nudge = false;
    for line in text.split_inclusive('\n') {
        let scanned = Scanned::new(line);
        for l in scanned.lines() {
            match line_kind(rules, &scanned, *l) {
                LineKind::Content => return Gist::Text(text[at..].trim_start()),
                LineKind::Nudge => nudge = true,
                LineKind::Blank => {}
            }
        }
        at += line.len();
    }
    if nudge { Gist::Nudge } else { Gist::Blank }
}

/// Sorts the lines of `scanned`; stops early once both kinds are seen.
pub fn nudges(rules: &Rules, scanned: &Scanned) -> Nudges {
    let (mut nudge, mut content) = (false, false);
    for line in scanned.lines() {
        match line_kind(rules, scanned, *line) {
            LineKind::Nudge => nudge = true,
            LineKind::Content => content = true,
            LineKind::Blank => {}
        }
        if nudge && content {
            return Nudges::Some;
        }
    }
    if nudge { Nudges::Only } else { Nudges::None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TriageConfig;
    use crate::triage::rules::RulesFile;

    fn kind(text: &str) -> Nudges {
        let rules = Rules::build(
            RulesFile::defaults().expect("defaults parse"),
            &TriageConfig::default(),
        )
        .expect("defaults compile");
        nudges(&rules, &Scanned::new(text))
    }

    #[test]
    fn lines_of_only_nudges_are_follow_ups() {
        for text in [
            "bump",
            "Any update?",
            "hello??",
            "?",
            "Hi again — any update on this? 🙏",
        ] {
            assert_eq!(kind(text), Nudges::Only, "{text}");
        }
        assert_eq!(kind("Anyone there? 🙂\nbump"), Nudges::Only);
    }

    #[test]
    fn the_gist_starts_at_the_first_line_that_says_something() {
        let rules = Rules::build(
            RulesFile::defaults().expect("defaults parse"),
            &TriageConfig::default(),
        )
        .expect("defaults compile");
        for nudge in ["?", "bump", "Hello?", "Any update? 🙏", "hi\nanyone there?"] {
            assert_eq!(gist(&rules, nudge), Gist::Nudge, "{nudge}");
        }
        for blank in ["hi", "🙂", "  \n\n", ""] {
            assert_eq!(gist(&rules, blank), Gist::Blank, "{blank:?}");
        }
        assert_eq!(
            gist(&rules, "Hello?\n\nMy e-bike battery died.\nbump"),
            Gist::Text("My e-bike battery died.\nbump")
        );
        assert_eq!(
            gist(&rules, "Do you deliver to Eastside?"),
            Gist::Text("Do you deliver to Eastside?")
        );
    }

    #[test]
    fn real_messages_are_not_nudges() {
        assert_eq!(kind("Do you rent bikes?\nbump"), Nudges::Some);
        for text in [
            "hello",
            "Perfect, thanks!",
            "any updates to the menu soon",
            "",
        ] {
            assert_eq!(kind(text), Nudges::None, "{text}");
        }
    }
}
