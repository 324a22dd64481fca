//! A hostile corpus through every way text leaves hearth besides the TUI: import,
//! `queue`, `show`, `--json`, `triage`, error messages (import, config, keymap,
//! playbooks), `reply` into the outbox, `doctor`/`sync`/`accounts` quoting a
//! server, and the log. A raw-byte scan (support::terminal_hazard) asserts that
//! no ESC (so no CSI/OSC/DCS/APC/PM/SOS), no C1, no other control and no bidi
//! control comes out of any of them, that JSON keeps the raw text losslessly
//! (as escapes), and that the log holds no message text.

mod support;

use serde_json::{Value, json};
use support::{Answer, Fake, Home, assert_inert, text};

/// Words hidden *inside* control sequences: once cleaned they must be gone from
/// plain output and from search.
const HIDDEN: &str = "HIDDEN";

/// Every payload class, each with visible text around it.
fn payloads() -> Vec<(&'static str, String)> {
    vec![
        ("osc0", "\x1b]0;HIDDENOSCZERO\x07".into()),
        ("osc2", "\x1b]2;HIDDENOSCTWO\x1b\\".into()),
        (
            "osc8",
            "\x1b]8;;https://evil.example/HIDDENLINK\x1b\\visible link\x1b]8;;\x1b\\".into(),
        ),
        // base64 of "HIDDENCLIP": what a clipboard write would carry.
        ("osc52", "\x1b]52;c;SElEREVOQ0xJUA==\x07".into()),
        ("dcs", "\x1bP1$rHIDDENDCS\x1b\\".into()),
        ("apc", "\x1b_HIDDENAPC\x1b\\".into()),
        ("pm", "\x1b^HIDDENPM\x1b\\".into()),
        ("sos", "\x1bXHIDDENSOS\x1b\\".into()),
        ("csi", "\x1b[2J\x1b[3J\x1b[H\x1b[?1049h\x1b[31m".into()),
        ("ris", "\x1bc".into()),
        (
            "c1",
            "\u{9b}2J\u{9d}0;HIDDENCONE\u{9c}\u{90}HIDDENCDCS\u{9c}\u{9f}HIDDENCAPC\u{9c}\u{9e}HIDDENCPM\u{9c}\u{98}HIDDENCSOS\u{9c}\u{85}"
                .into(),
        ),
        ("bare-esc", "dangling\x1b".into()),
        ("bel", "ding\x07\x07".into()),
        ("cr", "Looks fine\roverwritten".into()),
        ("bidi", "invoice\u{202e}fdp.exe\u{202c} \u{2066}iso\u{2069}".into()),
        ("zero-width", "a\u{200b}b\u{200c}c\u{200d}d\u{feff}e\u{2060}f".into()),
        ("combining", format!("Z{}", "\u{301}\u{302}\u{303}".repeat(2000))),
        ("wide", "👨\u{200d}👩\u{200d}👧\u{200d}👦 🇯🇵🇫🇷 予約したい".into()),
    ]
}

fn line(class: &str, author: &str, text: &str) -> String {
    json!({
        "account": "hostile",
        "platform": "forum",
        "kind": "comment",
        "thread_id": format!("t-{class}"),
        "id": format!("m-{class}"),
        "author": author,
        "text": text,
        "sent_at": "2024-05-02T09:15:00Z",
        "context": format!("Post {class} \x1b]0;HIDDENCTX\x07"),
        "brand": "Brand\u{9d}0;HIDDENBRAND\u{9c}",
        "location": "Loc\u{202e}ation",
    })
    .to_string()
}

/// A 1 MB body (just under the 1 MiB line limit once JSON-escaped).
fn big_body() -> String {
    let mut body = String::from("Visible start \x1b]0;HIDDENBIG\x07 ");
    while body.len() < 1_000_000 {
        body.push_str("lorem ipsum ");
    }
    body.push_str("\x1b]52;c;SElEREVOQ0xJUA==\x07 end");
    body
}

/// 20,000 lines, a payload every thousand.
fn long_body() -> String {
    (0..20_000)
        .map(|i| {
            if i % 1000 == 0 {
                format!("Visible start line {i} \x1b[2J\x1b]0;HIDDENLONG\x07\r")
            } else {
                format!("line {i}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The whole corpus as JSON Lines: one conversation per payload class (the
/// payload in the author, the text, context, brand and location), plus the
/// giant bodies.
fn corpus() -> String {
    let mut lines: Vec<String> = payloads()
        .iter()
        .map(|(class, payload)| {
            line(
                class,
                &format!("Author {class} {payload}"),
                &format!("Visible start {payload} visible end"),
            )
        })
        .collect();
    lines.push(line("big", "Big Body", &big_body()));
    lines.push(line("long", "Long Body", &long_body()));
    lines.join("\n")
}

fn imported() -> Home {
    let home = Home::new();
    let file = home.path().join("corpus.jsonl");
    std::fs::write(&file, corpus()).expect("corpus");
    let out = home.run(&["import", file.to_str().expect("utf-8 path")], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("import stdout", &out.stdout);
    assert_inert("import stderr", &out.stderr);
    assert!(text(&out.stdout).contains(&format!("imported {}", payloads().len() + 2)));
    home
}

/// No payload and no message text in the log, and nothing that drives a terminal.
fn assert_log_clean(home: &Home) {
    let log = home.log();
    assert!(!log.is_empty(), "hearth wrote no log");
    assert_inert("hearth.log", &log);
    let log = text(&log);
    for word in [HIDDEN, "Visible start", "lorem ipsum", "SElEREVOQ0xJUA"] {
        assert!(
            !log.contains(word),
            "the log holds message text ({word}): {log}"
        );
    }
}

#[test]
fn queue_and_show_print_no_control_and_json_keeps_every_byte() {
    let home = imported();

    let out = home.run(&["queue", "--limit", "100"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("queue", &out.stdout);
    assert_inert("queue stderr", &out.stderr);
    let table = text(&out.stdout);
    assert!(!table.contains(HIDDEN), "{table}");
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), payloads().len() + 2, "{table}");
    // Every preview starts in the same column, whatever the author holds
    // (family emoji, flags, CJK, 6000 combining marks), and the platform code
    // stands alone between two-space gaps.
    let starts: Vec<usize> = rows
        .iter()
        .map(|row| {
            let at = row.find("Visible start").expect("preview in every row");
            unicode_width::UnicodeWidthStr::width(&row[..at])
        })
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] == w[1]),
        "{starts:?}\n{table}"
    );
    assert!(
        rows.iter().all(|r| r.contains("  FRM  comment  ")),
        "{table}"
    );

    let out = home.run(&["queue", "--json", "--limit", "100"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("queue --json", &out.stdout);
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).expect("queue JSON");
    for (class, payload) in payloads() {
        // Import trims names (U+0085 at the end is whitespace); the rest is kept.
        let author = format!("Author {class} {payload}");
        let author = author.trim();
        assert!(
            items.iter().any(|i| i["author"] == author),
            "queue --json lost bytes of {class}"
        );
    }

    for item in &items {
        let id = item["id"].to_string();
        let out = home.run(&["show", &id], None);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_inert(&format!("show {id}"), &out.stdout);
        assert!(!text(&out.stdout).contains(HIDDEN), "show {id}");

        let out = home.run(&["show", &id, "--json"], None);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_inert(&format!("show {id} --json"), &out.stdout);
        let shown: Value = serde_json::from_slice(&out.stdout).expect("show JSON");
        let body = shown["messages"][0]["body"].as_str().expect("body");
        match item["author"].as_str() {
            Some("Big Body") => assert_eq!(body, big_body()),
            Some("Long Body") => assert_eq!(body, long_body()),
            _ => assert!(body.starts_with("Visible start ")),
        }
    }
    let long = items
        .iter()
        .find(|i| i["author"] == "Long Body")
        .expect("long body");
    let out = home.run(&["show", &long["id"].to_string()], None);
    assert!(text(&out.stdout).lines().count() > 20_000);
    assert_log_clean(&home);
}

#[test]
fn search_does_not_find_words_hidden_inside_escape_sequences() {
    let home = imported();
    let store = hearth::store::Store::open_read_only(&home.db()).expect("cache");
    for hidden in [
        "HIDDENOSCZERO",
        "HIDDENLINK",
        "SElEREVOQ0xJUA",
        "HIDDENDCS",
        "HIDDENAPC",
        "HIDDENCONE",
        "HIDDENBIG",
        "HIDDENLONG",
    ] {
        let found = store.search(hidden, 50).expect("search");
        assert!(
            found.is_empty(),
            "{hidden} matched {} conversations",
            found.len()
        );
    }
    // What is on screen is still found, including text between the sequences.
    assert_eq!(store.search("visible link", 50).expect("search").len(), 1);
    assert_eq!(store.search("looks", 50).expect("search").len(), 1);
    assert!(store.search("lorem", 50).expect("search").len() == 1);
}

#[test]
fn bad_import_lines_and_file_names_are_quoted_inertly() {
    let home = Home::new();
    let good: Value = serde_json::from_str(&line("x", "Sam", "hi")).expect("line");
    let with = |key: &str, value: &str| {
        let mut v = good.clone();
        v[key] = value.into();
        v.to_string()
    };
    let mut unknown = good.clone();
    unknown["rat\x1b]0;HIDDENKEY\x07ing"] = 3.into();
    let lines = [
        with("kind", "dm\x1b]0;HIDDENKIND\x07"),
        with("direction", "in\x1b]52;c;SElEREVOQ0xJUA==\x07"),
        with("platform", "fax\u{9b}2J\u{9d}0;HIDDENPLAT\u{9c}"),
        with("sent_at", "yesterday\x1bPHIDDENDCS\x1b\\\u{202e}"),
        unknown.to_string(),
        r#"["hostile","forum","comment","t","i","a","b","2024-05-02T09:15:00Z"]"#.to_string(),
        with("sent_at", "9999-12-31T23:59:59Z"),
    ];
    // A file name is user data too.
    let file = home.path().join("in\x1b]0;HIDDENNAME\x07.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("input");
    let out = home.run(&["import", file.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_inert("import stderr", &out.stderr);
    assert_inert("import stdout", &out.stdout);
    let stderr = text(&out.stderr);
    for n in 1..=lines.len() {
        assert!(
            stderr.contains(&format!(".jsonl:{n}: ")),
            "line {n}: {stderr}"
        );
    }
    assert!(stderr.contains("one JSON object"), "{stderr}");
    assert!(stderr.contains("in the future"), "{stderr}");
    assert!(text(&out.stdout).contains("imported 0, duplicates 0, bad 7"));
    // The log names the file (escaped), so only the byte scan applies here.
    assert_log_clean_or_empty(&home);
}

#[test]
fn triage_plain_and_json_pass_no_control() {
    let home = Home::new();
    let mut input = String::new();
    for (_, payload) in payloads() {
        input.push_str(
            &json!({"text": format!("Visible start {payload} refund please")}).to_string(),
        );
        input.push('\n');
    }
    input.push_str(&json!({"text": "x", "kind": "dm\x1b]0;HIDDENKIND\x07"}).to_string());
    input.push('\n');
    input.push_str("{\"text\": \"\u{9b}2J\u{202e}\", \"ratng\u{9d}0;HIDDENKEY\u{9c}\": 1}\n");

    let out = home.run(&["triage"], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_inert("triage", &out.stdout);
    assert_inert("triage stderr", &out.stderr);
    assert_eq!(text(&out.stdout).lines().count(), payloads().len());
    assert_eq!(
        text(&out.stderr).lines().count(),
        2,
        "{}",
        text(&out.stderr)
    );

    let out = home.run(&["triage", "--json"], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    assert_inert("triage --json", &out.stdout);
    assert_inert("triage --json stderr", &out.stderr);
    for (json_line, (class, payload)) in text(&out.stdout).lines().zip(payloads()) {
        let v: Value = serde_json::from_str(json_line).expect("a JSON line");
        assert_eq!(
            v["text"].as_str(),
            Some(format!("Visible start {payload} refund please").as_str()),
            "{class}"
        );
    }
}

#[test]
fn config_keymap_and_playbook_errors_are_inert() {
    let home = Home::new();
    home.write_config("\"ag\\u001b]0;HIDDENKEY\\u0007ent\" = \"x\"\n");
    let out = home.run(&["queue"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_inert("unknown config key", &out.stderr);
    assert!(
        text(&out.stderr).contains("config.toml:1:"),
        "{}",
        text(&out.stderr)
    );

    home.write_config(
        "[keymap]\n\"ctrl-\\u009b2J\\u001b]52;c;SElEREVOQ0xJUA==\\u0007\" = \"down\"\n",
    );
    let out = home.run(&[], None);
    assert_eq!(out.status.code(), Some(2));
    assert_inert("keymap error", &out.stderr);
    assert!(
        text(&out.stderr).contains("config.toml"),
        "{}",
        text(&out.stderr)
    );

    home.write_config("[[account]]\nname = \"a\"\nplatform = \"mastodon\"\nbase_url = \"https://x\\u001b]0;HIDDENURL\\u0007.example\"\n");
    let out = home.run(&["accounts"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_inert("base_url error", &out.stderr);

    std::fs::remove_file(home.config_dir().join("config.toml")).expect("remove config");
    let playbooks = home.path().join("playbooks");
    std::fs::create_dir_all(&playbooks).expect("dir");
    // Raw escapes in the file: TOML refuses them and quotes the line.
    std::fs::write(
        playbooks.join("raw.toml"),
        "name = \"raw\x1b]0;HIDDENPB\x07\"\ntitle = \"x\u{9b}2J\"\n",
    )
    .expect("playbook");
    std::fs::write(
        playbooks.join("escaped.toml"),
        "name = \"esc\"\ntitle = \"t\"\ndescription = \"d\\u001b]0;HIDDENDESC\\u0007\"\ntiers = [9]\n\
         [[templates]]\nname = \"a\"\ntext = \"Hi {first_name\\u001b[2J}\"\n",
    )
    .expect("playbook");
    let out = home.run(
        &["playbooks", "check", playbooks.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_inert("playbooks check", &out.stdout);
    assert_inert("playbooks check stderr", &out.stderr);
    assert!(
        text(&out.stdout).contains("raw.toml"),
        "{}",
        text(&out.stdout)
    );
    assert_log_clean_or_empty(&home);
}

/// Config errors stop hearth before it logs anything; a log, if any, is clean.
fn assert_log_clean_or_empty(home: &Home) {
    assert_inert("hearth.log", &home.log());
}

#[test]
fn replies_reach_the_outbox_without_controls() {
    let home = Home::new();
    let file = home.path().join("one.jsonl");
    std::fs::write(
        &file,
        line(
            "reply",
            "Sam\x1b]0;HIDDENNAME\x07 \u{202e}Doe",
            "Visible start where is my order?",
        ),
    )
    .expect("input");
    assert!(
        home.run(&["import", file.to_str().expect("utf-8")], None)
            .status
            .success()
    );
    let playbooks = home.config_dir().join("playbooks");
    std::fs::create_dir_all(&playbooks).expect("dir");
    std::fs::write(
        playbooks.join("hostile.toml"),
        "name = \"hostile\"\ntitle = \"Hostile\"\ndescription = \"d\"\nguidance = \"g\"\n\
         tiers = [1, 2, 3, 4, 5]\nkinds = [\"comment\"]\n\
         [[templates]]\nname = \"t\"\n\
         text = \"Hi {first_name}\\u001b]52;c;SElEREVOQ0xJUA==\\u0007, we are on it \\u202eok\\u009b2J. Thanks for waiting, your order is being checked now.\"\n",
    )
    .expect("playbook");

    let at = "2099-01-01T09:00:00Z";
    let out = home.run(
        &["reply", "1", "--playbook", "hostile", "--at", at, "--force"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("reply --playbook", &out.stdout);
    assert_inert("reply --playbook stderr", &out.stderr);
    let typed = "Typed \x1b]0;HIDDENTYPED\x07reply\u{9b}2J with \u{2066}isolates\u{2069}\r and a bell\x07 for the customer";
    let out = home.run(
        &["reply", "1", "--text", typed, "--at", at, "--force"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("reply --text", &out.stdout);

    let out = home.run(&["outbox", "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("outbox --json", &out.stdout);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("outbox JSON");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in &rows {
        let body = row["body"].as_str().expect("body");
        // What goes to the customer is clean in itself, not only once printed.
        assert!(
            support::terminal_hazard(body.as_bytes()).is_none(),
            "{body:?}"
        );
        assert!(!body.contains(HIDDEN), "{body:?}");
    }
    let bodies: Vec<&str> = rows.iter().filter_map(|r| r["body"].as_str()).collect();
    // The template's OSC 52, RLO and C1 CSI are gone, its words kept.
    assert!(
        bodies
            .iter()
            .any(|b| b.contains(", we are on it ok. Thanks")),
        "{bodies:?}"
    );
    assert!(
        bodies.contains(&"Typed reply with isolates and a bell for the customer"),
        "{bodies:?}"
    );
    let out = home.run(&["outbox"], None);
    assert_inert("outbox", &out.stdout);
    assert_log_clean(&home);
}

/// A server controls its error text: whatever it puts there reaches `doctor`,
/// `sync`, `accounts` and the log only as inert text, and never with the token.
#[test]
fn server_error_text_is_inert_everywhere_it_is_quoted() {
    const TOKEN: &str = "tok-hostile-9f8e7d";
    let fake = Fake::start(|seen| {
        if seen.path.ends_with("verify_credentials") {
            // Echoing the token it was sent, inside an OSC 52 clipboard write.
            let bearer = seen.header("authorization").unwrap_or("");
            Answer::json(
                401,
                json!({"error": format!("bad \x1b]52;c;SElEREVOQ0xJUA==\x07 {bearer} \u{9b}2J\u{202e}")})
                    .to_string(),
            )
        } else {
            Answer::json(500, "\x1b]0;HIDDENSRV\x07<html>\x1b[2J down\r</html>")
        }
    });
    let home = Home::new();
    home.write_config(&format!(
        "[[account]]\nname = \"srv\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\ntoken_env = \"HEARTH_HOSTILE_TOKEN\"\n",
        fake.base_url
    ));
    let run = |args: &[&str]| {
        let mut cmd = home.command(args);
        cmd.env("HEARTH_HOSTILE_TOKEN", TOKEN);
        support::run(cmd, None)
    };
    let out = run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert_inert("doctor", &out.stdout);
    let doctor = text(&out.stdout);
    assert!(doctor.contains("HTTP 401"), "{doctor}");
    assert!(
        !doctor.contains(TOKEN),
        "doctor printed the token: {doctor}"
    );

    let out = run(&["sync", "--once"]);
    assert_inert("sync --once", &out.stdout);
    assert_inert("sync --once stderr", &out.stderr);
    for args in [&["accounts"][..], &["accounts", "--json"][..]] {
        let out = run(args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_inert(&format!("{args:?}"), &out.stdout);
        assert!(text(&out.stdout).contains("needs"), "{}", text(&out.stdout));
        assert!(
            !text(&out.stdout).contains(TOKEN),
            "{args:?} printed the token"
        );
    }
    let log = home.log();
    assert_inert("hearth.log", &log);
    assert!(!text(&log).contains(TOKEN), "the log holds the token");
}

/// clap quotes a bad argument back; scripts pass platform text as arguments.
#[test]
fn argument_errors_quote_the_argument_inertly() {
    let home = Home::new();
    let out = home.run(&["moderate", "1", "hide\x1b]0;HIDDENARG\x07\u{9b}2J"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_inert("argument error", &out.stderr);
    assert!(
        text(&out.stderr).contains("invalid value 'hide'"),
        "{}",
        text(&out.stderr)
    );
    let out = home.run(&["--version"], None);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("hearth "));
}
