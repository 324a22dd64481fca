//! Tests across the module: shipped library, overrides, diagnostics, ranking.

use super::*;
use crate::config::Voice;
use crate::model::{Kind, Tier};
use std::fs;
use std::path::Path;

const VALID: &str = r#"name = "refund-fast"
title = "Fast refund"
description = "Refund without fuss."
tiers = [2]
kinds = ["dm"]
guidance = "Refund first, ask later."

[[templates]]
name = "main"
text = "Hi {first_name}, refunded."
"#;

fn write(dir: &Path, file: &str, text: &str) {
    fs::write(dir.join(file), text).expect("write temp playbook");
}

/// Diagnostics for one file's text, as "line:col: message".
fn problems(text: &str) -> Vec<String> {
    match parse_playbook(Path::new("x.toml"), text, "x.toml") {
        Ok(_) => Vec::new(),
        Err(ds) => ds
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect(),
    }
}

fn first_problem(text: &str) -> String {
    problems(text).into_iter().next().unwrap_or_default()
}

#[test]
fn builtin_library_is_clean_and_complete() {
    let (playbooks, diagnostics) = builtin::parse_all();
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        shown.is_empty(),
        "builtin playbooks have problems: {shown:#?}"
    );
    assert_eq!(playbooks.len(), builtin::FILES.len());
    let library = Library::builtin();
    for name in [
        "purchase-inquiry",
        "complaint",
        "move-to-dm",
        "positive-testimonial",
        "competitor-mention",
        "crisis-response",
        "negative-review-reply",
        "positive-review-reply",
        "spam-troll",
    ] {
        let p = library
            .get(name)
            .unwrap_or_else(|| panic!("missing {name}"));
        assert!(!p.templates.is_empty());
        assert!(p.guidance.len() > 100, "{name} guidance too thin");
        assert!(p.source.starts_with("builtin:"));
    }
    // Names are unique.
    let mut names: Vec<&str> = library.all().iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), library.all().len());
}

#[test]
fn builtin_templates_render_readably_without_values() {
    let bare = RenderContext {
        first_name: None,
        name: None,
        brand: "Bakehouse".into(),
        agent: "Sam".into(),
        location: None,
        platform: "Instagram".into(),
        voice: Voice::default(),
    };
    for p in Library::builtin().all() {
        for t in &p.templates {
            let text = render(&t.text, &bare);
            assert!(!text.contains('{'), "{}/{}: {text}", p.name, t.name);
            assert!(!text.contains("  "), "{}/{}: {text}", p.name, t.name);
            assert!(
                !text.contains(" ,") && !text.contains(" ."),
                "{}/{}: {text}",
                p.name,
                t.name
            );
        }
    }
}

#[test]
fn builtin_templates_greet_neutrally_when_there_is_only_a_handle() {
    let handle = RenderContext {
        first_name: first_name_of("@sam_k"),
        name: Some("@sam_k".into()),
        brand: "Bakehouse".into(),
        agent: "Sam".into(),
        location: Some("Camden".into()),
        platform: "Instagram".into(),
        voice: Voice::default(),
    };
    let named = RenderContext {
        first_name: first_name_of("Dana Reyes"),
        name: Some("Dana Reyes".into()),
        ..handle.clone()
    };
    let mut greeted = 0;
    for p in Library::builtin().all() {
        for t in &p.templates {
            let id = format!("{}/{}", p.name, t.name);
            // Greeting lines go through {greeting}, not a hand-written "Hi {first_name}".
            assert!(!t.text.contains("Hi {first_name}"), "{id}");
            let anonymous = render(&t.text, &handle);
            // The old fallback addressed people as "there".
            assert!(
                !anonymous.contains("Hi there") && !anonymous.contains(", there"),
                "{id}: {anonymous}"
            );
            for line in anonymous.lines() {
                assert!(
                    !line.starts_with([',', '.', '!', ' ']),
                    "{id}: line starts badly: {line}"
                );
                assert!(
                    !line.starts_with(char::is_lowercase),
                    "{id}: line starts lowercase: {line}"
                );
            }
            if t.text.starts_with("{greeting}") {
                greeted += 1;
                assert!(anonymous.starts_with("Hello"), "{id}: {anonymous}");
                let personal = render(&t.text, &named);
                assert!(personal.starts_with("Hi Dana"), "{id}: {personal}");
            }
        }
    }
    assert!(
        greeted >= 20,
        "only {greeted} templates open with {{greeting}}"
    );
}

/// Independent of the blank parser: every '[' or ']' in a shipped template must
/// be one half of a doubled bracket, so no old-style "[hint]" is left behind.
#[test]
fn builtin_templates_have_no_single_bracket_hints() {
    let mut blank_count = 0;
    for p in Library::builtin().all() {
        for t in &p.templates {
            let chars: Vec<char> = t.text.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                if c != '[' && c != ']' {
                    continue;
                }
                let doubled = (i > 0 && chars[i - 1] == c) || chars.get(i + 1) == Some(&c);
                assert!(
                    doubled,
                    "{}/{}: single '{c}' at char {i}: {}",
                    p.name, t.name, t.text
                );
            }
            let found = blanks(&t.text);
            let opened = t.text.matches("[[").count();
            assert_eq!(
                found.len(),
                opened,
                "{}/{}: a '[[' is not a blank",
                p.name,
                t.name
            );
            blank_count += found.len();
        }
    }
    assert!(
        blank_count >= 40,
        "only {blank_count} blanks in the shipped templates"
    );
    let library = Library::builtin();
    let purchase = library.get("purchase-inquiry").expect("purchase-inquiry");
    let first = purchase.templates[0].text.as_str();
    assert_eq!(
        next_blank(first, 0).map(|b| b.prompt),
        Some("direct answer: price range or what is included".to_string())
    );
}

#[test]
fn builtin_templates_keep_their_blanks_when_rendered() {
    let ctx = RenderContext {
        first_name: Some("Dana".into()),
        name: Some("Dana Reyes".into()),
        brand: "Bakehouse".into(),
        agent: "Sam".into(),
        location: Some("Camden".into()),
        platform: "Google".into(),
        voice: Voice::default(),
    };
    for p in Library::builtin().all() {
        for t in &p.templates {
            // A brand value the brand lacks becomes a blank too ("[[email address]]").
            let mut text = t.text.clone();
            for key in crate::config::VOICE_KEYS {
                text = text.replace(&format!("{{{key}}}"), render::blank_for(key));
            }
            let before: Vec<String> = blanks(&text).into_iter().map(|b| b.prompt).collect();
            let after: Vec<String> = blanks(&render(&t.text, &ctx))
                .into_iter()
                .map(|b| b.prompt)
                .collect();
            assert_eq!(before, after, "{}/{}", p.name, t.name);
        }
    }
}

#[test]
fn acknowledgment_flag_defaults_to_false_and_is_type_checked() {
    let plain = parse_playbook(Path::new("x.toml"), VALID, "x.toml").expect("valid");
    assert!(!plain.acknowledgment);
    let text = VALID.replace("guidance =", "acknowledgment = true\nguidance =");
    let holding = parse_playbook(Path::new("x.toml"), &text, "x.toml").expect("valid");
    assert!(holding.acknowledgment);
    let text = VALID.replace("guidance =", "acknowledgment = \"yes\"\nguidance =");
    assert_eq!(
        first_problem(&text),
        "6:18: 'acknowledgment' must be true or false, found string"
    );
    let text = VALID.replace("guidance =", "acknowledgment = 1\nguidance =");
    assert_eq!(
        first_problem(&text),
        "6:18: 'acknowledgment' must be true or false, found integer"
    );
    // Only the shipped holding reply sets it.
    let library = Library::builtin();
    let flagged: Vec<&str> = library
        .all()
        .iter()
        .filter(|p| p.acknowledgment)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(flagged, vec!["acknowledge-dm"]);
}

/// VALID with its template text replaced by `text` (the raw TOML value, quotes included).
fn with_text(text: &str) -> String {
    VALID.replace(
        "text = \"Hi {first_name}, refunded.\"",
        &format!("text = {text}"),
    )
}

#[test]
fn good_blanks_parse_and_keep_their_text() {
    let text = with_text(r#""Hi {first_name}, refunded on [[refund date, {not_a_placeholder}]].""#);
    let p = parse_playbook(Path::new("x.toml"), &text, "x.toml").expect("valid");
    assert_eq!(
        p.templates[0].text,
        "Hi {first_name}, refunded on [[refund date, {not_a_placeholder}]]."
    );
    // A stray brace inside a prompt is literal too.
    assert!(problems(&with_text(r#""[[a } or { b]]""#)).is_empty());
}

#[test]
fn malformed_blanks_are_located_at_their_brackets() {
    // "Hi {first_name}, " is 17 chars; the string's content starts at col 9.
    assert_eq!(
        first_problem(&with_text(r#""Hi {first_name}, [[the refund date.""#)),
        "10:26: '[[' is never closed: end the blank with ']]' on the same line"
    );
    assert_eq!(
        first_problem(&with_text(r#""Hi {first_name}, [[]] refunded.""#)),
        "10:26: empty blank: write what to fill in between '[[' and ']]'"
    );
    assert_eq!(
        first_problem(&with_text(r#""Hi {first_name}, [[  ]] refunded.""#)),
        "10:26: empty blank: write what to fill in between '[[' and ']]'"
    );
    // Nesting points at the inner '[['.
    let p = first_problem(&with_text(r#""Hi [[when [[date]] it lands]]""#));
    assert!(p.starts_with("10:19: '[[' inside a blank"), "{p}");
    // A prompt broken over lines, in a multi-line literal string.
    let p = first_problem(&with_text(
        "'''\nHi {first_name},\n  refunded on [[the\n  date]].\n'''",
    ));
    assert!(
        p.starts_with("12:15: blank spans more than one line"),
        "{p}"
    );
    // The same through an escaped newline in a basic string: \u00e9 is six
    // source chars for one decoded char, and the column still lands on '[['.
    let p = first_problem(&with_text(r#""\u00e9 [[x\ny]]""#));
    assert!(
        p.starts_with("10:16: blank spans more than one line"),
        "{p}"
    );
    // Every problem is reported, not only the first.
    let all = problems(&with_text(r#""[[]] {nope} [[open""#));
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all[0].starts_with("10:9: empty blank"), "{all:?}");
    assert!(
        all[1].starts_with("10:14: unknown placeholder '{nope}'"),
        "{all:?}"
    );
    assert!(all[2].starts_with("10:21: '[[' is never closed"), "{all:?}");
}

#[test]
fn check_dir_reports_blank_problems_with_positions() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.toml",
        &with_text(r#""Sorry [[what went wrong""#),
    );
    let shown: Vec<String> = check_dir(dir.path())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    let expected = "a.toml:10:15: '[[' is never closed: end the blank with ']]' on the same line";
    assert!(shown[0].ends_with(expected), "{}", shown[0]);
}

#[test]
fn user_dir_overrides_by_name_and_adds_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let custom = VALID
        .replace("refund-fast", "complaint")
        .replace("Fast refund", "Our complaint way");
    write(dir.path(), "complaint.toml", &custom);
    write(dir.path(), "refund.toml", VALID);
    write(dir.path(), "broken.toml", "name = \n");
    write(dir.path(), "notes.txt", "not a playbook");
    let missing = dir.path().join("nope");
    let (library, diagnostics) = Library::load(&[missing, dir.path().to_path_buf()]);
    let builtin_count = Library::builtin().all().len();
    assert_eq!(library.all().len(), builtin_count + 1);
    let complaint = library.get("complaint").expect("complaint");
    assert_eq!(complaint.title, "Our complaint way");
    assert!(complaint.source.ends_with("complaint.toml"));
    assert!(!complaint.source.starts_with("builtin:"));
    assert!(library.get("refund-fast").is_some());
    // The broken file is reported, the valid ones still load.
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(diagnostics[0].path.ends_with("broken.toml"));
    assert_eq!((diagnostics[0].line, diagnostics[0].col), (1, 8));
}

#[test]
fn later_dirs_win() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    write(a.path(), "r.toml", VALID);
    write(b.path(), "r.toml", &VALID.replace("Fast refund", "Second"));
    let (library, diagnostics) = Library::load(&[a.path().to_path_buf(), b.path().to_path_buf()]);
    assert!(diagnostics.is_empty());
    assert_eq!(
        library.get("refund-fast").map(|p| p.title.as_str()),
        Some("Second")
    );
}

#[test]
fn check_dir_reports_every_problem_in_the_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.toml", VALID);
    write(dir.path(), "b.toml", VALID);
    write(
        dir.path(),
        "c.toml",
        &VALID.replace("tiers = [2]", "tiers = [9]"),
    );
    let diagnostics = check_dir(dir.path());
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    let first_file = dir.path().join("a.toml");
    let expected = format!(
        "b.toml:1:8: duplicate playbook name 'refund-fast' (already used by {}); this file is skipped",
        first_file.display()
    );
    assert!(shown[0].ends_with(&expected), "{}", shown[0]);
    assert!(shown[1].contains("c.toml:4:10: tier 9 is out of range (1-5)"));

    let missing = check_dir(&dir.path().join("missing"));
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0]
            .to_string()
            .ends_with("missing: no such directory")
    );
    assert!(
        check_dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("playbooks")
                .as_path()
        )
        .is_empty()
    );
}

#[test]
fn bad_toml_is_located() {
    assert_eq!(
        first_problem("name = \"x\"\ntiers = [1,\n"),
        "2:12: unclosed array, expected `]`"
    );
    let p = first_problem("name = \"x\"\ntitle = = 2\n");
    assert!(p.starts_with("2:9: "), "{p}");
}

#[test]
fn missing_and_unknown_fields() {
    let text = VALID.replace("title = \"Fast refund\"\n", "");
    assert_eq!(first_problem(&text), "1:1: missing required field 'title'");
    let text = VALID.replace("guidance =", "colour = \"red\"\nguidance =");
    assert_eq!(
        first_problem(&text),
        "6:1: unknown field 'colour' (expected one of: name, title, description, tiers, kinds, tags, guidance, acknowledgment, templates)"
    );
    let text = VALID.replace("text = ", "body = \"x\"\ntext = ");
    assert!(first_problem(&text).starts_with("10:1: unknown template field 'body'"));
    let text = VALID.replace("text = \"Hi {first_name}, refunded.\"\n", "");
    assert_eq!(
        first_problem(&text),
        "8:1: template: missing required field 'text'"
    );
}

#[test]
fn unknown_placeholder_points_inside_multiline_text() {
    let text = VALID.replace(
        "text = \"Hi {first_name}, refunded.\"",
        "text = '''\nHi {first_name},\n  your {order_id} is refunded.\n'''",
    );
    let p = first_problem(&text);
    assert!(
        p.starts_with("12:8: unknown placeholder '{order_id}'"),
        "{p}"
    );
    // In a basic string with escapes the column still lands on the brace.
    let text = VALID.replace(
        "text = \"Hi {first_name}, refunded.\"",
        "text = \"\\u00e9\\t{nope}\"",
    );
    let p = first_problem(&text);
    assert!(p.starts_with("10:17: unknown placeholder '{nope}'"), "{p}");
}

#[test]
fn unbalanced_braces_are_reported() {
    let text = VALID.replace("{first_name}, refunded", "{first_name, refunded");
    assert!(first_problem(&text).starts_with("10:12: unbalanced brace: '{'"));
    let text = VALID.replace("refunded.", "refunded }.");
    assert!(first_problem(&text).starts_with("10:35: unbalanced brace: '}'"));
    let text = VALID.replace("refunded.", "{{refunded}}.");
    assert!(problems(&text).is_empty());
}

#[test]
fn tier_kind_and_template_checks() {
    let text = VALID.replace("tiers = [2]", "tiers = [2, 0]");
    assert_eq!(first_problem(&text), "4:13: tier 0 is out of range (1-5)");
    let text = VALID.replace("kinds = [\"dm\"]", "kinds = [\"dm\", \"tweet\"]");
    assert_eq!(
        first_problem(&text),
        "5:16: unknown kind 'tweet' (expected one of: dm, comment, mention, review)"
    );
    let empty = VALID
        .split("[[templates]]")
        .next()
        .unwrap_or_default()
        .to_string()
        + "templates = []\n";
    assert_eq!(
        first_problem(&empty),
        "8:13: 'templates' is empty: add at least one [[templates]] entry"
    );
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let text = VALID
        .replace("tiers = [2]", "tiers = [7]")
        .replace("\"dm\"", "\"fax\"")
        .replace("{first_name}", "{firstname}");
    assert_eq!(problems(&text).len(), 3, "{:?}", problems(&text));
}

#[test]
fn typed_queries_rank_the_right_playbook_first() {
    let library = Library::builtin();
    let first = |q: &str| {
        library
            .filter(q, None)
            .first()
            .map(|m| library.all()[m.index].name.clone())
    };
    assert_eq!(first("refnd").as_deref(), Some("complaint"));
    assert!(first("review").is_some_and(|n| n.ends_with("review-reply")));
    assert_eq!(first("troll").as_deref(), Some("spam-troll"));
    assert_eq!(first("crisis").as_deref(), Some("crisis-response"));
    assert_eq!(first("quote").as_deref(), Some("purchase-inquiry"));
    assert!(library.filter("qqqxxzz", None).is_empty());
}

#[test]
fn fit_breaks_ties_and_orders_an_empty_query() {
    let library = Library::builtin();
    let names = |matches: Vec<Match>| -> Vec<String> {
        matches
            .iter()
            .map(|m| library.all()[m.index].name.clone())
            .collect()
    };
    let by_fit = names(library.filter("", Some((Tier::Retention, Kind::Review))));
    assert_eq!(by_fit.len(), library.all().len());
    assert_eq!(by_fit[0], "negative-review-reply");
    let dm = names(library.filter("", Some((Tier::Revenue, Kind::Dm))));
    assert_eq!(dm[0], "purchase-inquiry");
    let praise = names(library.filter("", Some((Tier::Acknowledgment, Kind::Review))));
    assert_eq!(praise[0], "positive-review-reply");
    // "review" matches both review replies equally by name; fit picks the order.
    let low = names(library.filter("review reply", Some((Tier::Retention, Kind::Review))));
    let high = names(library.filter("review reply", Some((Tier::Acknowledgment, Kind::Review))));
    let pos = |v: &[String], n: &str| v.iter().position(|x| x == n);
    assert!(pos(&low, "negative-review-reply") < pos(&low, "positive-review-reply"));
    assert!(pos(&high, "positive-review-reply") < pos(&high, "negative-review-reply"));
    // No fit and no query: library order.
    let plain = library.filter("", None);
    assert!(
        plain
            .iter()
            .enumerate()
            .all(|(i, m)| m.index == i && m.score == 0)
    );
}

#[test]
fn diagnostic_display_is_path_line_col() {
    let d = Diagnostic {
        path: "p/a.toml".into(),
        line: 3,
        col: 7,
        message: "boom".into(),
    };
    assert_eq!(d.to_string(), "p/a.toml:3:7: boom");
}

#[test]
fn a_query_filters_the_picker_and_keeps_the_best_first() {
    let library = Library::builtin();
    let total = library.all().len();
    for (query, best) in [("refund", "complaint"), ("purchase", "purchase-inquiry")] {
        let matches = library.filter(query, None);
        let names: Vec<&str> = matches
            .iter()
            .map(|m| library.all()[m.index].name.as_str())
            .collect();
        assert_eq!(names.first().copied(), Some(best), "{query}: {names:?}");
        assert!(
            matches.len() < total,
            "{query} narrows the list: {} of {total}",
            matches.len()
        );
    }
    // No query: everything, ranked by fit.
    assert_eq!(library.filter("", None).len(), total);
}
