//! Text made safe for the terminal's grid. Terminals disagree with each other
//! (and with width tables) about emoji joined by zero-width joiners, variation
//! selectors and stacks of combining marks, and a disagreement shifts borders and
//! leaves residue. So the screen gets simple graphemes: joiners, variation
//! selectors and invisible format characters are dropped, and at most two
//! combining marks stay on a letter. A family emoji shows as its members.

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

/// The display width of `text`, counted grapheme by grapheme as ratatui lays it out.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// The graphemes of `text` with their widths.
pub fn graphemes(text: &str) -> impl Iterator<Item = (&str, usize)> {
    text.graphemes(true).map(|g| (g, g.width()))
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
        // CJK is double width; a flag (two regional indicators) is one grapheme.
        assert_eq!(width("漢字"), 4);
        assert_eq!(graphemes("🇯🇵").count(), 1);
    }
}
