//! Splitting template text into literal text and `{placeholder}`s. Validation and
//! rendering share this so they can never disagree about what a brace means.

/// Every placeholder a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "first_name",
    "name",
    "brand",
    "agent",
    "location",
    "platform",
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
}

/// A brace that neither opens a placeholder nor is escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BraceError {
    pub offset: usize,
    pub message: String,
}

/// Split `text` into pieces. Stray braces are reported and kept as literal text,
/// so a lenient caller (rendering) still gets something readable.
pub fn split(text: &str) -> (Vec<Piece<'_>>, Vec<BraceError>) {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
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
            let rest = &text[i + 1..];
            let end = rest.find(['{', '}', '\n']);
            match end {
                Some(j) if rest.as_bytes()[j] == b'}' => {
                    pieces.push(Piece::Placeholder {
                        name: &rest[..j],
                        offset: i,
                    });
                    i += j + 2;
                }
                _ => {
                    errors.push(BraceError {
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
            errors.push(BraceError {
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
    if text_start < bytes.len() {
        pieces.push(Piece::Text(&text[text_start..]));
    }
    (pieces, errors)
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
}
