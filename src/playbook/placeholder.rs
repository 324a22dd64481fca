//! Splitting template text into literal text, `{placeholder}`s and `[[blanks]]`.
//! Validation and rendering share this so they can never disagree about what a
//! brace or a bracket means.

use super::blanks;

/// Every placeholder a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "greeting",
    "first_name",
    "name",
    "brand",
    "agent",
    "location",
    "platform",
    "email",
    "phone",
    "review_link",
    "booking_link",
];

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// `{{` or `}}`: one literal brace.
    Brace(char),
    /// `{word}`, with the byte offset of its `{` in the template.
    Placeholder {
        name: &'a str,
        offset: usize,
    },
    /// A whole `[[prompt]]`, brackets included: left for the writer, so it is
    /// copied verbatim and nothing inside it is a placeholder.
    Blank(&'a str),
}

/// A stray brace or a malformed blank, at the byte offset of its `{`, `}` or `[[`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub offset: usize,
    pub message: String,
}

/// Split `text` into pieces. Blanks are found first, so braces inside a prompt
/// stay literal. Stray braces and malformed blanks are reported (in text order)
/// and kept as literal text, so a lenient caller (rendering) still gets something
/// readable.
pub fn split(text: &str) -> (Vec<Piece<'_>>, Vec<TextError>) {
    let (found, blank_errors) = blanks::scan(text);
    let mut pieces = Vec::new();
    let mut errors: Vec<TextError> = blank_errors
        .into_iter()
        .map(|e| TextError {
            offset: e.offset,
            message: e.message,
        })
        .collect();
    let mut at = 0;
    for blank in found {
        split_braces(text, at, blank.range.start, &mut pieces, &mut errors);
        pieces.push(Piece::Blank(&text[blank.range.clone()]));
        at = blank.range.end;
    }
    split_braces(text, at, text.len(), &mut pieces, &mut errors);
    errors.sort_by_key(|e| e.offset);
    (pieces, errors)
}

/// Placeholders and escaped braces in `text[start..end]`, a stretch with no
/// blank in it; offsets stay relative to the whole `text`.
fn split_braces<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    pieces: &mut Vec<Piece<'a>>,
    errors: &mut Vec<TextError>,
) {
    let bytes = &text.as_bytes()[..end];
    let mut text_start = start;
    let mut i = start;
    while i < end {
        let b = bytes[i];
        if b != b'{' && b != b'}' {
            i += 1;
            continue;
        }
        if text_start < i {
            pieces.push(Piece::Text(&text[text_start..i]));
        }
        let doubled = bytes.get(i + 1) == Some(&b);
        if doubled {
            pieces.push(Piece::Brace(char::from(b)));
            i += 2;
        } else if b == b'{' {
            // A placeholder ends at the next '}' on the same line, before any other '{'.
            let rest = &text[i + 1..end];
            match rest.find(['{', '}', '\n']) {
                Some(j) if rest.as_bytes()[j] == b'}' => {
                    pieces.push(Piece::Placeholder {
                        name: &rest[..j],
                        offset: i,
                    });
                    i += j + 2;
                }
                _ => {
                    errors.push(TextError {
                        offset: i,
                        message:
                            "unbalanced brace: '{' is never closed (write '{{' for a literal brace)"
                                .into(),
                    });
                    pieces.push(Piece::Text(&text[i..i + 1]));
                    i += 1;
                }
            }
        } else {
            errors.push(TextError {
                offset: i,
                message:
                    "unbalanced brace: '}' has no opening '{' (write '}}' for a literal brace)"
                        .into(),
            });
            pieces.push(Piece::Text(&text[i..i + 1]));
            i += 1;
        }
        text_start = i;
    }
    if text_start < end {
        pieces.push(Piece::Text(&text[text_start..end]));
    }
}

pub fn is_known(name: &str) -> bool {
    PLACEHOLDERS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders_and_escapes() {
        let (pieces, errors) = split("Hi {first_name}, {{x}} é");
        assert!(errors.is_empty());
        assert_eq!(
            pieces,
            vec![
                Piece::Text("Hi "),
                Piece::Placeholder {
                    name: "first_name",
                    offset: 3
                },
                Piece::Text(", "),
                Piece::Brace('{'),
                Piece::Text("x"),
                Piece::Brace('}'),
                Piece::Text(" é"),
            ]
        );
    }

    #[test]
    fn reports_stray_braces_at_their_offset() {
        let (_, errors) = split("a { b\nc } d");
        let offsets: Vec<usize> = errors.iter().map(|e| e.offset).collect();
        assert_eq!(offsets, vec![2, 8]);
        assert!(errors[0].message.contains("never closed"));
        assert!(errors[1].message.contains("no opening"));
    }

    #[test]
    fn blanks_are_whole_pieces_and_hide_their_braces() {
        let (pieces, errors) = split("Hi {first_name}: [[ask for {order} }]] {brand}");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            pieces,
            vec![
                Piece::Text("Hi "),
                Piece::Placeholder {
                    name: "first_name",
                    offset: 3
                },
                Piece::Text(": "),
                Piece::Blank("[[ask for {order} }]]"),
                Piece::Text(" "),
                Piece::Placeholder {
                    name: "brand",
                    offset: 39
                },
            ]
        );
    }

    #[test]
    fn blank_and_brace_errors_come_back_in_text_order() {
        // A brace cannot pair across a blank: both halves are stray.
        let (pieces, errors) = split("{a [[x]] b} [[]] c");
        let offsets: Vec<usize> = errors.iter().map(|e| e.offset).collect();
        assert_eq!(offsets, vec![0, 10, 12]);
        assert!(errors[2].message.contains("empty blank"));
        assert!(pieces.contains(&Piece::Blank("[[x]]")));
    }
}
