//! Untrusted text (anything from the network or the cache) is cleaned here once,
//! on its way into a view: no escape sequence or control character reaches the
//! terminal.
//!
//! Removed: CSI (`ESC [` … final byte, and the 8-bit C1 form), OSC/DCS/SOS/PM/APC
//! strings (up to BEL or ST, or the end of the text when unterminated), any other
//! `ESC x` pair, bare ESC, every other C0 and C1 control, DEL, and the Unicode
//! bidirectional overrides that can visually reorder a line.

use std::borrow::Cow;

/// Keep newlines and tabs (as four spaces); drop everything that could drive the terminal.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// Like [`sanitize`], but folds newlines and tabs to single spaces: for one-line previews.
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    clean(text, true)
}

fn is_safe(c: char) -> bool {
    !(c.is_control() || is_bidi_control(c)) || c == '\n'
}

/// Bidi embeddings/overrides/isolates: they can make a line display in a misleading order.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn clean(text: &str, one_line: bool) -> Cow<'_, str> {
    if text.chars().all(|c| is_safe(c) && !(one_line && c == '\n')) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if one_line => push_space(&mut out),
            '\n' => out.push('\n'),
            '\t' if one_line => push_space(&mut out),
            '\t' => out.push_str("    "),
            '\r' => {}
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Any other ESC pair (or a bare ESC at the end) is dropped whole.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_safe(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

fn push_space(out: &mut String) {
    if !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Parameters and intermediates, up to and including the final byte (0x40–0x7E).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        // A control in the middle aborts the sequence, as terminals do.
        if c.is_control() {
            return;
        }
    }
}

/// A control string, up to BEL, ST (`ESC \`) or the 8-bit ST.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_controls(s: &str) -> bool {
        s.chars().all(|c| c == '\n' || !c.is_control())
    }

    #[test]
    fn plain_text_is_borrowed_untouched() {
        let text = "Hola, ¿tienen mesa? 予約したい 🙂\nsecond line";
        assert!(matches!(sanitize(text), Cow::Borrowed(_)));
        assert_eq!(sanitize(text), text);
    }

    #[test]
    fn csi_sequences_are_removed() {
        assert_eq!(sanitize("a\x1b[2Jb\x1b[31;1mc\x1b[0m"), "abc");
        assert_eq!(sanitize("x\u{9b}31my"), "xy");
    }

    #[test]
    fn osc_with_bel_or_st_is_removed() {
        assert_eq!(sanitize("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(
            sanitize("a\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\b"),
            "alinkb"
        );
        assert_eq!(sanitize("a\u{9d}title\u{9c}b"), "ab");
    }

    #[test]
    fn dcs_and_unterminated_strings_are_removed() {
        assert_eq!(sanitize("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b]0;never ends"), "a");
        assert_eq!(sanitize("a\u{90}dcs"), "a");
    }

    #[test]
    fn bare_esc_and_other_controls_are_removed() {
        assert_eq!(sanitize("a\x1bcb"), "ab");
        assert_eq!(sanitize("end\x1b"), "end");
        assert_eq!(sanitize("a\x07b\x08c\x7fd\u{85}e\r"), "abcde");
        assert_eq!(sanitize("safe\u{202E}txt.exe"), "safetxt.exe");
    }

    #[test]
    fn tabs_expand_and_lines_fold_for_previews() {
        assert_eq!(sanitize("a\tb"), "a    b");
        assert_eq!(sanitize_line("one\n\ntwo\tthree"), "one two three");
    }

    #[test]
    fn nothing_dangerous_survives_a_mixed_attack() {
        let nasty = "\x1b[?1049l\x1b]52;c;Y2xpcGJvYXJk\x07\u{9b}6n\x1bP+q\x1b\\\x1b(0\x0e\x0f hi";
        let out = sanitize(nasty);
        assert!(no_controls(&out), "{out:?}");
        assert!(out.ends_with("hi"));
    }
}
