//! One person on two platforms from the command line, on the demo cache:
//! `show --json` carries the person, `link` and `unlink` undo each other, and a
//! reply to a lead who waits on a complaint elsewhere is stopped by a guard.

use std::path::Path;
use std::process::{Command, Output};

fn hearth(home: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("HEARTH_DB")
        .output()
        .expect("run hearth")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// A tier-1 row whose author has an open tier-2 row on another platform.
fn lead_with_complaint_elsewhere(rows: &[serde_json::Value]) -> (String, String, String) {
    for lead in rows.iter().filter(|r| r["tier"] == 1) {
        if let Some(complaint) = rows.iter().find(|r| {
            r["tier"] == 2 && r["author"] == lead["author"] && r["platform"] != lead["platform"]
        }) {
            return (
                lead["id"].to_string(),
                complaint["id"].to_string(),
                complaint["platform"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    panic!("the demo has a customer with a lead and a complaint on two platforms");
}

#[test]
fn link_unlink_and_the_guard_from_the_command_line() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let db = home.join("demo.sqlite3");
    let db = db.to_str().expect("utf-8 path");
    let seeded = hearth(home, db, &["demo", "--seed-only"]);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let rows = json(&hearth(home, db, &["queue", "--json", "--limit", "500"]));
    let (lead, complaint, platform) = lead_with_complaint_elsewhere(rows.as_array().expect("rows"));

    // Suggested by the same name, never merged on its own.
    let shown = json(&hearth(home, db, &["show", &lead, "--json"]));
    let other = shown["person"]["others"]
        .as_array()
        .expect("others")
        .iter()
        .find(|o| o["platform"] == platform.as_str())
        .cloned()
        .expect("the other platform is suggested");
    assert_eq!(other["tie"], "suggested");
    assert_eq!(other["shared"], serde_json::json!(["name"]));
    assert!(
        other["conversations"]
            .as_array()
            .expect("conversations")
            .iter()
            .any(
                |c| c["id"].as_i64().map(|i| i.to_string()) == Some(complaint.clone())
                    && c["status"] == "open"
            ),
        "{other}"
    );
    let summary = shown["person"]["summary"].as_str().unwrap_or_default();
    assert!(summary.starts_with("maybe also: "), "{summary}");

    // Pitching the lead is stopped while the complaint waits.
    let check = hearth(
        home,
        db,
        &[
            "reply",
            &lead,
            "--text",
            "Hi, our offer this week: 10% off.",
            "--check",
        ],
    );
    assert_eq!(check.status.code(), Some(3), "{}", text(&check.stderr));
    assert!(
        text(&check.stdout).contains("[complaint-elsewhere]"),
        "{}",
        text(&check.stdout)
    );

    // Link: "also:"; unlink: gone (and not suggested again).
    let linked = hearth(home, db, &["link", &lead, &complaint]);
    assert!(linked.status.success(), "{}", text(&linked.stderr));
    assert!(
        text(&linked.stdout).contains("linked: one person"),
        "{}",
        text(&linked.stdout)
    );
    let shown = json(&hearth(home, db, &["show", &complaint, "--json"]));
    let ties: Vec<&str> = shown["person"]["others"]
        .as_array()
        .expect("others")
        .iter()
        .filter_map(|o| o["tie"].as_str())
        .collect();
    assert!(ties.contains(&"linked"), "{shown}");
    assert!(
        shown["person"]["summary"]
            .as_str()
            .unwrap_or_default()
            .starts_with("also: "),
        "{shown}"
    );
    let unlinked = hearth(home, db, &["unlink", &complaint, &lead]);
    assert!(unlinked.status.success(), "{}", text(&unlinked.stderr));
    let shown = json(&hearth(home, db, &["show", &lead, "--json"]));
    assert!(
        shown["person"]["others"]
            .as_array()
            .expect("others")
            .iter()
            .all(|o| o["platform"] != platform.as_str()),
        "{shown}"
    );
    // The same author on the same platform is one identity already.
    let same = hearth(home, db, &["link", &lead, &lead]);
    assert_eq!(same.status.code(), Some(2), "{}", text(&same.stderr));
}
