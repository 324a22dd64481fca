//! Follow-up nudges ("bump", "any update?", "hello??"): a message that only asks
//! whether anyone is there means the customer is waiting on us.

use super::phrases::Category;
use super::rules::Rules;
use super::text::{Line, Scanned};

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
