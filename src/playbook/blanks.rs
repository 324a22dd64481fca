//! Fill-in blanks: `[[prompt]]` spans that a template leaves for the writer, and
//! the small API meant for the composer to jump between them (Tab / Shift-Tab).
//!
//! A blank starts at `[[` and ends at the first `]]` after it, on the same line.
//! The prompt between them must not be empty and must not contain another `[[`.
//! In a run of three or more `[`, the blank opens at the last two, so `[[[x]]`
//! is a literal `[` followed by the blank `[[x]]`. Text inside a blank is kept
//! literally: placeholders there are not rendered, braces are not checked.
//!
//! Validation (through [`scan`]) reports malformed blanks; the composer-facing
//! functions skip them, because the composer's text is whatever the writer typed
//! and must never make these panic.

use std::ops::Range;

const OPEN: &str = "[[";
const CLOSE: &str = "]]";

/// One well-formed blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blank {
    /// Byte range of the whole `[[...]]`, brackets included.
    pub range: Range<usize>,
    /// What the writer must fill in: the text between the brackets, trimmed.
    pub prompt: String,
}

/// A malformed blank: `offset` is the byte offset of the offending `[[`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlankError {
    pub offset: usize,
    pub message: String,
}

/// Every well-formed blank in `text`, in order. Malformed ones are skipped.
pub fn blanks(text: &str) -> Vec<Blank> {
    scan(text).0
}

/// The first blank starting at or after byte `after`; past the last one, the
/// first blank in the text (wrap-around). `None` when there is no blank.
///
/// To move on from the blank under the cursor, pass its `range.end` (or the
/// cursor plus one): passing the blank's own start finds that blank again.
pub fn next_blank(text: &str, after: usize) -> Option<Blank> {
    let mut all = blanks(text);
    match all.iter().position(|b| b.range.start >= after) {
        Some(i) => Some(all.swap_remove(i)),
        None => all.into_iter().next(),
    }
}

/// The last blank starting before byte `before`; before the first one, the last
/// blank in the text (wrap-around). `None` when there is no blank.
pub fn prev_blank(text: &str, before: usize) -> Option<Blank> {
    let mut all = blanks(text);
    match all.iter().rposition(|b| b.range.start < before) {
        Some(i) => Some(all.swap_remove(i)),
        None => all.pop(),
    }
}

/// 0-based (row, column) of byte `byte` in `text`, the column counted in chars,
/// which is how ratatui-textarea places its cursor. Rows are split at `\n`.
/// An offset past the end, or inside a multi-byte char, is moved back to the
/// nearest char boundary rather than rejected.
pub fn line_col_of(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, byte)];
    let row = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (row, before[line_start..].chars().count())
}

/// The byte offset of 0-based (row, column-in-chars), the inverse of
/// [`line_col_of`], so the composer can turn its cursor into an offset for
/// [`next_blank`] / [`prev_blank`]. A column past the end of its row gives the
/// end of that row; a row past the last gives the end of the text.
pub fn byte_of(text: &str, row: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 0..row {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text[start..line_end]
        .char_indices()
        .nth(col)
        .map_or(line_end, |(i, _)| start + i)
}

fn floor_char_boundary(text: &str, byte: usize) -> usize {
    let mut at = byte.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Find every blank and every malformed `[[` in `text`. Scanning goes on after
/// a problem so that one file reports all of them at once.
pub fn scan(text: &str) -> (Vec<Blank>, Vec<BlankError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(OPEN) {
        let mut open = from + i;
        // "[[[x]]": the blank is the inner "[[x]]"; the extra '[' is plain text.
        while text[open + OPEN.len()..].starts_with('[') {
            open += 1;
        }
        let body = open + OPEN.len();
        let rest = &text[body..];
        let close = rest.find(CLOSE);
        let nested = rest.find(OPEN);
        let line_end = rest.find(['\n', '\r']);
        let earliest = [close, nested, line_end].into_iter().flatten().min();
        match earliest {
            Some(end) if Some(end) == close => {
                let prompt = rest[..end].trim();
                let range = open..body + end + CLOSE.len();
                if prompt.is_empty() {
                    errors.push(BlankError {
                        offset: open,
                        message: "empty blank: write what to fill in between '[[' and ']]'".into(),
                    });
                } else {
                    found.push(Blank {
                        range: range.clone(),
                        prompt: prompt.to_string(),
                    });
                }
                from = range.end;
            }
            Some(end) if Some(end) == nested => {
                // Point at the inner '[[': it is the one breaking the rule. The
                // scan restarts there, so a forgotten ']]' on the outer blank
                // still leaves the inner one usable.
                errors.push(BlankError {
                    offset: body + end,
                    message: "'[[' inside a blank: blanks cannot be nested (close the blank before it with ']]')".into(),
                });
                from = body + end;
            }
            // A ']]' later on, before any other '[[': the prompt was broken over lines.
            Some(_) if close.is_some_and(|c| nested.is_none_or(|n| c < n)) => {
                errors.push(BlankError {
                    offset: open,
                    message: "blank spans more than one line: keep '[[prompt]]' on one line".into(),
                });
                from = body;
            }
            _ => {
                errors.push(BlankError {
                    offset: open,
                    message: "'[[' is never closed: end the blank with ']]' on the same line"
                        .into(),
                });
                from = body;
            }
        }
    }
    (found, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompts(text: &str) -> Vec<String> {
        blanks(text).into_iter().map(|b| b.prompt).collect()
    }

    fn error_offsets(text: &str) -> Vec<usize> {
        scan(text).1.iter().map(|e| e.offset).collect()
    }

    #[test]
    fn finds_blanks_with_ranges_and_trimmed_prompts() {
        let text = "Hi! [[the answer]] and [[ a link ]].";
        let found = blanks(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].range, 4..18);
        assert_eq!(&text[found[0].range.clone()], "[[the answer]]");
        assert_eq!(found[0].prompt, "the answer");
        assert_eq!(&text[found[1].range.clone()], "[[ a link ]]");
        assert_eq!(found[1].prompt, "a link");
        assert!(scan(text).1.is_empty());
    }

    #[test]
    fn prompts_keep_braces_and_single_brackets_literally() {
        assert_eq!(
            prompts("[[ask for {order_id} [if any]]"),
            vec!["ask for {order_id} [if any"]
        );
        assert_eq!(prompts("[[[x]]]"), vec!["x"]);
        assert_eq!(blanks("[[[x]]]")[0].range, 1..6);
    }

    #[test]
    fn malformed_blanks_are_reported_at_their_opening() {
        // Unclosed at the end of the text, and before a newline.
        assert_eq!(error_offsets("ab [[never"), vec![3]);
        assert_eq!(error_offsets("ab [[never\nclosed"), vec![3]);
        // Empty and blank-only prompts.
        assert_eq!(error_offsets("x [[]] y [[   ]]"), vec![2, 9]);
        // A prompt broken over two lines is named as such.
        let (_, errors) = scan("a [[two\nlines]] b");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].offset, 2);
        assert!(errors[0].message.contains("more than one line"));
        let (_, errors) = scan("a [[two\r\nlines]] b");
        assert!(errors[0].message.contains("more than one line"));
        // Unclosed says so, also when a later blank closes on another line.
        let (found, errors) = scan("[[x\n[[y]]");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("never closed"), "{errors:?}");
        assert_eq!(found.len(), 1, "the next line's blank is still found");
    }

    #[test]
    fn nesting_is_reported_at_the_inner_opening_and_the_inner_blank_survives() {
        let text = "[[outer [[inner]] rest]]";
        let (found, errors) = scan(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].offset, 8);
        assert!(errors[0].message.contains("nested"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].prompt, "inner");
    }

    #[test]
    fn malformed_text_never_panics() {
        for text in [
            "",
            "[",
            "[[",
            "]]",
            "[[]",
            "[[[",
            "]][[",
            "[[é",
            "é[[",
            "[[\n]]",
            "[[[[[[",
            "[[a]][[b",
            "[[a]]]]]",
            "\u{1F600}[[\u{1F600}]]",
        ] {
            let _ = scan(text);
            for at in 0..=text.len() + 2 {
                let _ = next_blank(text, at);
                let _ = prev_blank(text, at);
                let _ = line_col_of(text, at);
            }
        }
        assert_eq!(prompts("\u{1F600}[[\u{1F600}]]"), vec!["\u{1F600}"]);
    }

    #[test]
    fn next_and_prev_wrap_around() {
        let text = "[[a]] x [[b]] y [[c]]";
        let start = |b: Option<Blank>| b.map(|b| b.range.start);
        assert_eq!(start(next_blank(text, 0)), Some(0));
        assert_eq!(start(next_blank(text, 1)), Some(8));
        assert_eq!(start(next_blank(text, 8)), Some(8));
        assert_eq!(start(next_blank(text, 9)), Some(16));
        assert_eq!(start(next_blank(text, 17)), Some(0), "wraps to the first");
        assert_eq!(start(next_blank(text, 999)), Some(0));
        assert_eq!(start(prev_blank(text, 999)), Some(16));
        assert_eq!(start(prev_blank(text, 16)), Some(8));
        assert_eq!(start(prev_blank(text, 9)), Some(8));
        assert_eq!(start(prev_blank(text, 8)), Some(0));
        assert_eq!(start(prev_blank(text, 0)), Some(16), "wraps to the last");
        assert_eq!(next_blank("no blanks", 0), None);
        assert_eq!(prev_blank("no blanks", 3), None);
        // A single blank is both next and previous from anywhere.
        assert_eq!(start(next_blank("x [[only]] y", 5)), Some(2));
        assert_eq!(start(prev_blank("x [[only]] y", 1)), Some(2));
    }

    #[test]
    fn offsets_and_columns_with_multibyte_text_before_a_blank() {
        // "Zoë, ☕ " is 10 bytes but 7 chars: the column must count chars.
        let text = "Hi\nZoë, ☕ [[the answer]]!";
        let blank = next_blank(text, 0).expect("a blank");
        assert_eq!(&text[blank.range.clone()], "[[the answer]]");
        assert_eq!(blank.range.start, 3 + "Zoë, ☕ ".len());
        assert_eq!(line_col_of(text, blank.range.start), (1, 7));
        assert_eq!(line_col_of(text, blank.range.end), (1, 21));
        assert_eq!(byte_of(text, 1, 7), blank.range.start);
        assert_eq!(prev_blank(text, text.len()), Some(blank.clone()));
        // Inside the two-byte 'ë': moved back onto the 'ë' itself.
        assert_eq!(line_col_of(text, 6), (1, 2));
        assert_eq!(line_col_of(text, 0), (0, 0));
        assert_eq!(line_col_of(text, 3), (1, 0));
        assert_eq!(line_col_of(text, 10_000), (1, 22));
    }

    #[test]
    fn byte_of_round_trips_and_clamps() {
        let text = "ab\nçd\n\nlast";
        for byte in (0..=text.len()).filter(|b| text.is_char_boundary(*b)) {
            let (row, col) = line_col_of(text, byte);
            assert_eq!(byte_of(text, row, col), byte, "byte {byte}");
        }
        assert_eq!(byte_of(text, 0, 99), 2, "end of the first row");
        assert_eq!(byte_of(text, 9, 0), text.len());
    }
}
