//! Text measured the way a terminal draws it: by grapheme cluster (a flag, a
//! family emoji, a letter with its combining marks is one unit, never split)
//! and by display width (CJK and emoji take two columns, combining marks none).
//! The same measure ratatui uses, so plain tables line up like the inbox.
//!
//! Input is expected to be cleaned already (`sanitize`): controls have no width.
//!
//! Terminals also disagree with each other (and with width tables) about emoji
//! joined by zero-width joiners, variation selectors and stacks of combining
//! marks; a disagreement shifts borders and leaves residue. [`simplify`] turns
//! such text into simple graphemes before it reaches the inbox's grid.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Combining marks kept on one base character.
const MAX_MARKS: usize = 2;

fn dropped(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' // zero-width space, non-joiner, joiner
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FEFF}' // zero-width no-break space
            | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
            | '\u{E0000}'..='\u{E007F}' // tag characters (subdivision flags)
    )
}

/// A combining mark: it draws on the character before it.
fn combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// `text` with joiners, selectors and mark floods removed (borrowed when clean).
pub fn simplify(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| dropped(c) || combining(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut marks = 0;
    for c in text.chars() {
        if dropped(c) {
            continue;
        }
        if combining(c) {
            marks += 1;
            if marks > MAX_MARKS {
                continue;
            }
        } else {
            marks = 0;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// The graphemes of `text` with the columns each takes.
pub fn graphemes(text: &str) -> impl Iterator<Item = (&str, usize)> {
    text.graphemes(true).map(|g| (g, UnicodeWidthStr::width(g)))
}

/// Columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// `text` cut to at most `max` columns, ending in "…" when something was cut.
/// Whole grapheme clusters only: a flag or a ZWJ sequence is kept or dropped
/// whole, so no half-emoji or orphaned combining mark is left behind.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = UnicodeWidthStr::width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `text` in exactly `columns` columns: cut (with "…") or padded with spaces on the right.
pub fn fit(text: &str, columns: usize) -> String {
    let cut = truncate(text, columns);
    let pad = columns.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(pad))
}

/// `text` padded with spaces on the left to at least `columns` (never cut: for
/// numbers and times, which must stay readable).
pub fn right(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(width(text));
    format!("{}{text}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_emoji_fall_apart_and_floods_are_trimmed() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(simplify(family), "👨👩👧");
        assert_eq!(width(&simplify(family)), 6);
        assert_eq!(simplify("❤\u{FE0F} ok"), "❤ ok");
        let flood = format!("z{}", "\u{0334}".repeat(40));
        assert_eq!(simplify(&flood).chars().count(), 3);
        assert!(matches!(simplify("plain text"), Cow::Borrowed(_)));
    }

    const FAMILY: &str = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
    const FLAG: &str = "🇯🇵";

    #[test]
    fn clusters_have_the_width_a_terminal_gives_them() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("予約"), 4);
        assert_eq!(width(FAMILY), 2);
        assert_eq!(width(FLAG), 2);
        assert_eq!(width("e\u{301}\u{301}\u{301}"), 1);
        assert_eq!(width("a\u{200b}b"), 2);
    }

    #[test]
    fn cutting_never_splits_a_cluster_and_hits_the_width() {
        let text = format!("{FAMILY}{FLAG}予約abc");
        for max in 0..12 {
            let cut = truncate(&text, max);
            assert!(width(&cut) <= max, "{max}: {cut}");
            // Every cluster of the cut text (bar the ellipsis) is a whole cluster of the input.
            let kept = cut.trim_end_matches('…');
            assert!(text.starts_with(kept), "{max}: {cut}");
        }
        assert_eq!(truncate(&text, 5), format!("{FAMILY}{FLAG}…"));
        assert_eq!(truncate(&text, 4), format!("{FAMILY}…"));
        assert_eq!(truncate("abc", 3), "abc");
    }

    #[test]
    fn fit_pads_to_exact_columns() {
        for text in ["Sam", "予約したい予約したい", FAMILY, "e\u{301}", ""] {
            for columns in [1, 2, 5, 8, 18] {
                assert_eq!(width(&fit(text, columns)), columns, "{text:?} in {columns}");
            }
        }
        assert_eq!(right("-3d04h", 9), "   -3d04h");
        assert_eq!(right("-10000d04h", 9), "-10000d04h");
    }
}
