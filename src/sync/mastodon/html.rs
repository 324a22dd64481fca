//! Mastodon status `content` is sanitised HTML (`<p>`, `<br>`, `<a>`, `<span>`):
//! turn it into plain text for the cache, keeping paragraph and line breaks and
//! decoding entities. Not a general HTML parser: just enough for what servers emit.

/// Plain text of a status's HTML content.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // An unclosed '<' is text, not a tag.
            push_decoded(&mut out, &rest[lt..]);
            rest = "";
            break;
        };
        apply_tag(&mut out, &after[..gt]);
        rest = &after[gt + 1..];
    }
    push_decoded(&mut out, rest);
    tidy(&out)
}

/// Block tags become line breaks; every other tag disappears.
fn apply_tag(out: &mut String, tag: &str) {
    let tag = tag.trim();
    let closing = tag.starts_with('/');
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match (name.as_str(), closing) {
        ("br", _) => out.push('\n'),
        ("p" | "blockquote" | "pre" | "ul" | "ol", false) => paragraph_break(out),
        ("p" | "blockquote" | "pre" | "ul" | "ol", true) => paragraph_break(out),
        ("li", false) => {
            line_break(out);
            out.push_str("- ");
        }
        ("li" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => line_break(out),
        _ => {}
    }
}

fn line_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn paragraph_break(out: &mut String) {
    if out.is_empty() {
        return;
    }
    line_break(out);
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// Text between tags, with entities decoded and source newlines treated as spaces
/// (HTML line breaks come from tags).
fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        push_text(out, &rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';').filter(|&semi| semi <= 10) {
            Some(semi) => match decode_entity(&after[..semi]) {
                Some(c) => {
                    out.push(c);
                    rest = &after[semi + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            },
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    push_text(out, rest);
}

fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
}

fn decode_entity(name: &str) -> Option<char> {
    let named = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            return char::from_u32(code).filter(|c| *c != '\0');
        }
    };
    Some(named)
}

/// Trim each line's trailing spaces, at most one blank line in a row, no blank
/// lines at either end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.split('\n') {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_text;
    use proptest::prelude::*;

    #[test]
    fn mentions_and_paragraphs() {
        let html = r#"<p><span class="h-card"><a href="https://brand.example/@brand" class="u-url mention">@<span>brand</span></a></span> is the shop open sunday?</p><p>second para</p>"#;
        assert_eq!(
            html_to_text(html),
            "@brand is the shop open sunday?\n\nsecond para"
        );
    }

    #[test]
    fn line_breaks_and_entities() {
        assert_eq!(
            html_to_text("<p>a &amp; b<br>c &lt;3 &#39;x&#x27; &quot;q&quot;<br />d</p>"),
            "a & b\nc <3 'x' \"q\"\nd"
        );
        // Unknown or broken entities stay as written.
        assert_eq!(html_to_text("fish &chips; &bogus"), "fish &chips; &bogus");
        assert_eq!(html_to_text("&#0; &#xZZ;"), "&#0; &#xZZ;");
    }

    #[test]
    fn shortened_links_keep_their_full_text() {
        let html = r#"<p>see <a href="https://example.com/a/long/path"><span class="invisible">https://</span><span class="ellipsis">example.com/a/lo</span><span class="invisible">ng/path</span></a></p>"#;
        assert_eq!(html_to_text(html), "see https://example.com/a/long/path");
    }

    #[test]
    fn source_newlines_are_spaces_and_stray_brackets_are_text() {
        assert_eq!(html_to_text("<p>one\ntwo</p>"), "one two");
        assert_eq!(html_to_text("a < b"), "a < b");
        assert_eq!(html_to_text("1 <2 and 3> 0"), "1  0");
        assert_eq!(html_to_text(""), "");
    }

    #[test]
    fn lists_become_dashes() {
        assert_eq!(
            html_to_text("<ul><li>one</li><li>two</li></ul>"),
            "- one\n- two"
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_never_leaves_tags(s in ".{0,200}") {
            let text = html_to_text(&s);
            // Tags and the text between are removed; no output grows unboundedly.
            prop_assert!(text.len() <= s.len() * 4 + 8);
        }

        #[test]
        fn plain_text_survives(s in "[a-zA-Z0-9 ,.!?]{0,80}") {
            let expected = if s.trim().is_empty() { String::new() } else { s.trim_end().to_string() };
            prop_assert_eq!(html_to_text(&s), expected);
        }
    }
}
