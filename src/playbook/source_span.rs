//! Mapping a byte offset inside a decoded TOML string back to the file, so a
//! problem inside a multi-line template points at its real line and column.

/// File offset of byte `decoded` of the string whose raw source (quotes
/// included) is `raw`, starting at file offset `raw_start`.
pub fn file_offset(raw: &str, raw_start: usize, decoded: usize) -> usize {
    let (open, literal) = if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with("\"\"\"") {
        ("\"\"\"", false)
    } else if raw.starts_with('\'') {
        ("'", true)
    } else {
        ("\"", false)
    };
    let mut content = open.len();
    // TOML drops a newline right after the opening delimiter of a multi-line string.
    if open.len() == 3 {
        if raw[content..].starts_with("\r\n") {
            content += 2;
        } else if raw[content..].starts_with('\n') {
            content += 1;
        }
    }
    let body = &raw[content..];
    let within = if literal {
        decoded
    } else {
        basic_offset(body, decoded)
    };
    raw_start + content + within.min(body.len())
}

/// Walk a basic string's raw body, decoding escapes, until `decoded` bytes of
/// output have been produced; return how far into the raw body that is.
fn basic_offset(body: &str, decoded: usize) -> usize {
    let mut out = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((pos, c)) = chars.next() {
        // A line-ending backslash swallows the newline and following whitespace.
        if c == '\\' && chars.next_if(|(_, w)| w.is_whitespace()).is_some() {
            while chars.next_if(|(_, w)| w.is_whitespace()).is_some() {}
            continue;
        }
        if out >= decoded {
            return pos;
        }
        if c != '\\' {
            out += c.len_utf8();
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return pos;
        };
        match e {
            'u' | 'U' | 'x' => {
                let digits = match e {
                    'u' => 4,
                    'U' => 8,
                    _ => 2,
                };
                let mut hex = String::new();
                for _ in 0..digits {
                    if let Some((_, h)) = chars.next() {
                        hex.push(h);
                    }
                }
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('?');
                out += ch.len_utf8();
            }
            _ => out += 1,
        }
    }
    body.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_multiline_skips_the_first_newline() {
        let raw = "'''\nab{x}'''";
        // decoded text is "ab{x}"; '{' is decoded byte 2 → raw byte 3 + 1 + 2.
        assert_eq!(file_offset(raw, 10, 2), 16);
    }

    #[test]
    fn basic_strings_account_for_escapes() {
        let raw = r#""a\n\u00e9{x}""#;
        // decoded: "a\né{x}" → '{' at decoded byte 4 (a, \n, é is 2 bytes).
        let at = file_offset(raw, 0, 4);
        assert_eq!(&raw[at..at + 1], "{");
    }

    #[test]
    fn line_ending_backslash_is_skipped() {
        let raw = "\"\"\"\nab \\\n    {x}\"\"\"";
        // decoded: "ab {x}" → '{' at 3.
        let at = file_offset(raw, 0, 3);
        assert_eq!(&raw[at..at + 1], "{");
    }
}
