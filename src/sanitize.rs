//! Untrusted text (anything from the network or the cache) is cleaned here once,
//! on its way into a view: no escape sequence or control character reaches the
//! terminal.
//!
//! Removed: CSI (`ESC [` … final byte, and the 8-bit C1 form), OSC/DCS/SOS/PM/APC
//! strings (up to BEL or ST, or the end of the text when unterminated), any other
//! `ESC x` pair, bare ESC, every other C0 and C1 control, DEL, and the Unicode
//! bidirectional overrides that can visually reorder a line.
//!
//! Two more shapes of the same policy for other boundaries: [`escape_controls`]
//! (log records: keep the text, show controls as `\x1b`) and [`json_inert`]
//! (JSON output: C1, DEL and bidi as `\u009b`, so the document stays valid).

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

/// Log fields and other records read later with `cat` or `tail`: nothing is
/// removed (the text is evidence), but every control character and bidi control
/// is written as a visible escape (`\x1b`, `\u{9b}`, `\u{202e}`), so the record
/// stays one inert line. Backslashes are left alone: this is for eyes, not parsers.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x80 && needs_escape(c) => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Make serialised JSON inert in a terminal without changing what it says:
/// serde_json escapes C0 controls but writes C1 controls (U+0080–U+009F, which
/// some terminals obey as 8-bit CSI/OSC), DEL and bidi controls raw. Each becomes
/// a `\uXXXX` escape, which a JSON reader turns back into the same character.
///
/// Only for the output of a JSON serialiser: there these characters can only be
/// inside strings, where an escape is always valid.
pub fn json_inert(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_json_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_json_escape(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Also U+2028/U+2029: valid JSON, but line breaks to JavaScript and some pagers.
fn needs_json_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_bidi_control(c)
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
    fn escaping_keeps_the_text_but_not_the_controls() {
        assert!(matches!(escape_controls("plain ü 🙂"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\x1b]0;t\x07b\r\nc\u{9b}2J\u{202e}d"),
            "a\\x1b]0;t\\x07b\\r\\nc\\u{9b}2J\\u{202e}d"
        );
        assert!(no_controls(&escape_controls("\x00\x7f\u{85}\u{2066}")));
    }

    #[test]
    fn json_stays_valid_and_means_the_same() {
        let raw = "x\u{9b}31m\u{9d}0;t\u{9c}\u{202e}\u{2066}\x7f\u{2028}\x1b";
        let json = serde_json::to_string(&raw).unwrap();
        // serde_json leaves C1 and bidi raw: the reason json_inert exists.
        assert!(json.contains('\u{9b}'));
        let inert = json_inert(&json);
        assert!(inert.is_ascii(), "{inert}");
        assert!(
            inert.contains("\\u009b") && inert.contains("\\u202e"),
            "{inert}"
        );
        let back: String = serde_json::from_str(&inert).unwrap();
        assert_eq!(back, raw);
        assert!(matches!(json_inert("{\"a\":\"ü\"}"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_dangerous_survives_a_mixed_attack() {
        let nasty = "\x1b[?1049l\x1b]52;c;Y2xpcGJvYXJk\x07\u{9b}6n\x1bP+q\x1b\\\x1b(0\x0e\x0f hi";
        let out = sanitize(nasty);
        assert!(no_controls(&out), "{out:?}");
        assert!(out.ends_with("hi"));
    }
}
