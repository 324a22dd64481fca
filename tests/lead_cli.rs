//! `hearth lead` and `hearth leads` through the real binary: a tier-1 DM is a
//! lead, suggestions read from it are confirmed by number, fields and stages
//! are set and checked (a value that is not a number exits 2), and the JSON
//! carries the CRM ids (null until the hand-off).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hearth(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let db = home.join("cache.sqlite3");
    let config = home.join("config.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--db")
        .arg(&db)
        .arg("--config")
        .arg(&config)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("HEARTH_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hearth");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("hearth finished")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// A cache with a purchase-intent DM (Wednesday 7 January 2026) and a thank-you.
fn cache() -> (tempfile::TempDir, String, String) {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        home.path().join("config.toml"),
        "service_areas = [\"Potsdam\", \"Berlin\"]\n",
    )
    .expect("config");
    let lines = [
        r#"{"account":"ig","platform":"instagram","kind":"dm","thread_id":"t1","id":"m1","author":"Ana Souza","text":"Hi! How much would a cake for 30 cost? We need it next Saturday in Potsdam, budget around €450. Reach me at ana@example.com","sent_at":"2026-01-07T10:00:00Z"}"#,
        r#"{"account":"ig","platform":"instagram","kind":"comment","thread_id":"t2","id":"m2","author":"Ben","text":"Lovely photo, thank you!","sent_at":"2026-01-07T11:00:00Z"}"#,
    ];
    let out = hearth(home.path(), &["import", "-"], Some(&lines.join("\n")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = json(&hearth(home.path(), &["queue", "--json"], None));
    let id_of = |author: &str| {
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["author"] == author)
            .map(|r| r["id"].to_string())
            .expect("imported conversation")
    };
    let (lead, other) = (id_of("Ana Souza"), id_of("Ben"));
    (home, lead, other)
}

#[test]
fn a_tier_one_dm_is_a_lead_with_suggestions_and_crm_ids_still_null() {
    let (home, id, _) = cache();
    let home = home.path();
    let lead = json(&hearth(home, &["lead", &id, "--json"], None));
    assert_eq!(lead["stage"], "new");
    assert_eq!(lead["tier"], 1);
    assert!(lead["crm_contact_id"].is_null() && lead["crm_deal_id"].is_null());
    assert!(
        lead.as_object()
            .expect("object")
            .contains_key("crm_deal_id")
    );
    assert_eq!(lead["unknown"][0], "need");
    assert_eq!(lead["next_question"], "what exactly do they need?");
    let suggestions: Vec<String> = lead["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| format!("{}={}", s["field"].as_str().unwrap_or(""), s["value"]))
        .collect();
    assert_eq!(
        suggestions,
        [
            r#"timeline="2026-01-10""#,
            r#"budget="€450""#,
            r#"value={"currency":"EUR","minor":45000}"#,
            r#"location="Potsdam""#,
            r#"email="ana@example.com""#,
        ]
    );

    // Text output names what is unknown and the next question.
    let shown = hearth(home, &["lead", &id], None);
    let stdout = text(&shown.stdout);
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    assert!(stdout.contains("stage new"), "{stdout}");
    assert!(
        stdout.contains("Next question: what exactly do they need?"),
        "{stdout}"
    );
    assert!(stdout.contains("3. value: EUR 450.00"), "{stdout}");

    // Confirming suggestion 1 applies that one only.
    let after = json(&hearth(
        home,
        &["lead", &id, "--confirm", "1", "--json"],
        None,
    ));
    assert_eq!(after["timeline"], "next Saturday");
    assert_eq!(after["timeline_on"], "2026-01-10");
    assert_eq!(after["stage"], "qualifying");
    assert!(after["value"].is_null());
    let missing = hearth(home, &["lead", &id, "--confirm", "9"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no suggestion 9"));
}

#[test]
fn fields_and_stage_are_set_and_bad_values_exit_two() {
    let (home, id, _) = cache();
    let home = home.path();
    let bad = hearth(
        home,
        &["lead", &id, "--value", "lots", "--currency", "EUR"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(
        text(&bad.stderr).contains("not a number"),
        "{}",
        text(&bad.stderr)
    );
    let no_currency = hearth(home, &["lead", &id, "--value", "1200"], None);
    assert_eq!(no_currency.status.code(), Some(2));
    assert!(text(&no_currency.stderr).contains("--currency"));
    let bad_stage = hearth(home, &["lead", &id, "--stage", "maybe"], None);
    assert_eq!(bad_stage.status.code(), Some(2));
    assert!(text(&bad_stage.stderr).contains("handed-off"));

    let set = json(&hearth(
        home,
        &[
            "lead",
            &id,
            "--email",
            "a@b.c",
            "--value",
            "1200",
            "--currency",
            "EUR",
            "--stage",
            "qualified",
            "--json",
        ],
        None,
    ));
    assert_eq!(set["stage"], "qualified");
    assert_eq!(set["email"], "a@b.c");
    assert_eq!(set["value"]["minor"], 120_000);
    assert_eq!(set["value"]["currency"], "EUR");
    // Read back by a new process.
    let read = json(&hearth(home, &["lead", &id, "--json"], None));
    assert_eq!(read["value"], set["value"]);

    let skip = hearth(home, &["lead", &id, "--stage", "won"], None);
    assert_eq!(skip.status.code(), Some(2));
    assert!(
        text(&skip.stderr).contains("cannot move to won"),
        "{}",
        text(&skip.stderr)
    );

    let list = json(&hearth(home, &["leads", "--json"], None));
    let rows = list.as_array().expect("array");
    assert_eq!(rows.len(), 1, "the thank-you is no lead");
    assert_eq!(rows[0]["id"].to_string(), id);
    assert_eq!(rows[0]["stage"], "qualified");
    let table = text(&hearth(home, &["leads"], None).stdout);
    assert!(
        table.contains("qualified") && table.contains("EUR 1,200.00"),
        "{table}"
    );
}

#[test]
fn another_conversation_is_a_lead_once_marked() {
    let (home, _, other) = cache();
    let home = home.path();
    let not = hearth(home, &["lead", &other], None);
    assert_eq!(not.status.code(), Some(2));
    assert!(
        text(&not.stderr).contains("not a lead"),
        "{}",
        text(&not.stderr)
    );
    let marked = json(&hearth(home, &["lead", &other, "--mark", "--json"], None));
    assert_eq!(marked["stage"], "new");
    let list = json(&hearth(home, &["leads", "--json"], None));
    assert_eq!(list.as_array().map(Vec::len), Some(2));
}
