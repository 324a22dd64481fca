//! The application core from the command line, on the demo cache: reply guards
//! (check, stop with exit 3, force), send later and cancel, moderation with a
//! reason and its strike, and tier overrides.

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

fn seeded() -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let db = home.path().join("demo.sqlite3");
    let db = db.to_str().expect("utf-8 temp path").to_string();
    let out = hearth(home.path(), &db, &["demo", "--seed-only"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, db)
}

/// The first queued conversation that is a public comment or mention of `tier`.
fn public_thread(home: &Path, db: &str, tier: &str) -> String {
    let rows = json(&hearth(
        home,
        db,
        &["queue", "--json", "--tier", tier, "--limit", "200"],
    ));
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["kind"] == "comment" || r["kind"] == "mention")
        .map(|r| r["id"].to_string())
        .expect("a public thread in the demo")
}

#[test]
fn guards_stop_an_unfilled_template_until_forced() {
    let (home, db) = seeded();
    let home = home.path();
    let id = public_thread(home, &db, "1");
    let reply = |extra: &[&str]| {
        let mut args = vec![
            "reply",
            id.as_str(),
            "--playbook",
            "purchase-inquiry",
            "--no-send",
        ];
        args.extend_from_slice(extra);
        hearth(home, &db, &args)
    };
    // --check only reports: exit 3, the guard named, nothing queued.
    let check = hearth(
        home,
        &db,
        &["reply", &id, "--playbook", "purchase-inquiry", "--check"],
    );
    assert_eq!(check.status.code(), Some(3), "{}", text(&check.stderr));
    assert!(
        text(&check.stdout).contains("[unfilled-template]"),
        "{}",
        text(&check.stdout)
    );
    // Without --force: exit 3 on stderr, still nothing queued.
    let stopped = reply(&[]);
    assert_eq!(stopped.status.code(), Some(3));
    let stderr = text(&stopped.stderr);
    assert!(
        stderr.contains("[unfilled-template]") && stderr.contains("--force"),
        "{stderr}"
    );
    let queued = json(&hearth(home, &db, &["outbox", "--json"]));
    assert_eq!(queued.as_array().map(Vec::len), Some(0));
    // With --force it is queued and the override is said.
    let forced = reply(&["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(text(&forced.stdout).contains("queued reply"));
    assert!(text(&forced.stderr).contains("queued despite"));
}

#[test]
fn a_reply_sent_later_waits_in_the_outbox_and_can_be_cancelled() {
    let (home, db) = seeded();
    let home = home.path();
    let id = public_thread(home, &db, "3");
    let at = "2099-01-01T09:30:00Z";
    let out = hearth(
        home,
        &db,
        &[
            "reply",
            &id,
            "--text",
            "Thanks for asking, we open at nine.",
            "--at",
            at,
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("scheduled reply"),
        "{}",
        text(&out.stdout)
    );
    let listed = json(&hearth(home, &db, &["outbox", "--json"]));
    let item = &listed[0];
    assert_eq!(item["send_after"], at);
    assert_eq!(item["state"], "queued");
    // The conversation left the queue while the reply waits.
    let queue = json(&hearth(home, &db, &["queue", "--json", "--limit", "500"]));
    assert!(
        !queue
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["id"] == id.parse::<i64>().expect("an id"))
    );
    let outbox_id = item["id"].to_string();
    let cancel = hearth(home, &db, &["outbox", "cancel", &outbox_id]);
    assert!(cancel.status.success(), "{}", text(&cancel.stderr));
    assert!(
        json(&hearth(home, &db, &["outbox", "--json"]))
            .as_array()
            .expect("list")
            .is_empty()
    );
    // Back in the queue; a second cancel is a clear error.
    let queue = json(&hearth(home, &db, &["queue", "--json", "--limit", "500"]));
    assert!(
        queue
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["id"] == id.parse::<i64>().expect("an id"))
    );
    let again = hearth(home, &db, &["outbox", "cancel", &outbox_id]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("not waiting to be sent"));
    // A time that is not one names what it wants.
    let bad = hearth(
        home,
        &db,
        &["reply", &id, "--text", "x y z w", "--at", "soon"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("HH:MM"));
}

#[test]
fn moderation_needs_a_reason_and_counts_a_strike() {
    let (home, db) = seeded();
    let home = home.path();
    let id = public_thread(home, &db, "5");
    let no_reason = hearth(home, &db, &["moderate", &id, "hide"]);
    assert_eq!(no_reason.status.code(), Some(2));
    assert!(text(&no_reason.stderr).contains("say why"));
    let bad = hearth(home, &db, &["moderate", &id, "hide", "--reason", "boring"]);
    assert_eq!(bad.status.code(), Some(2));
    let out = hearth(home, &db, &["moderate", &id, "hide", "--reason", "spam"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("hide queued") && stdout.contains("strike 1"),
        "{stdout}"
    );
    let strikes = json(&hearth(home, &db, &["strikes", "--json"]));
    assert_eq!(strikes[0]["count"], 1);
    assert_eq!(strikes[0]["last_reason"], "spam");
}

#[test]
fn tier_overrides_and_clears() {
    let (home, db) = seeded();
    let home = home.path();
    let id = public_thread(home, &db, "4");
    let show = |home: &Path| json(&hearth(home, &db, &["show", &id, "--json"]));
    assert!(hearth(home, &db, &["tier", &id, "1"]).status.success());
    let c = show(home);
    assert_eq!(
        (c["tier"].as_u64(), c["tier_override"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        hearth(home, &db, &["tier", &id, "--clear"])
            .status
            .success()
    );
    let c = show(home);
    assert_eq!(c["tier"], c["tier_auto"]);
    assert!(c["tier_override"].is_null());
    let bad = hearth(home, &db, &["tier", "999999", "2"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_holding_reply_keeps_the_conversation_queued_with_its_deadline() {
    let (home, db) = seeded();
    let home = home.path();
    let rows = json(&hearth(
        home,
        &db,
        &["queue", "--json", "--tier", "1", "--limit", "500"],
    ));
    let dms: Vec<&serde_json::Value> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["kind"] == "dm" && r["acknowledged_at"].is_null())
        .take(2)
        .collect();
    assert_eq!(dms.len(), 2, "two tier-1 DMs in the demo");
    let in_queue = |id: &serde_json::Value| -> Option<serde_json::Value> {
        json(&hearth(home, &db, &["queue", "--json", "--limit", "500"]))
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["id"] == *id)
            .cloned()
    };

    // A playbook marked `acknowledgment = true` sends a holding reply.
    let first = dms[0]["id"].to_string();
    let out = hearth(
        home,
        &db,
        &[
            "reply",
            &first,
            "--playbook",
            "acknowledge-dm",
            "--template",
            "on-it",
            "--no-send",
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("queued holding reply"),
        "{}",
        text(&out.stdout)
    );
    let row = in_queue(&dms[0]["id"]).expect("still in the queue");
    assert!(row["acknowledged_at"].is_string(), "{row}");
    assert_eq!(row["due_at"], dms[0]["due_at"], "the deadline did not move");
    let shown = json(&hearth(home, &db, &["show", &first, "--json"]));
    assert!(shown["acknowledged_at"].is_string(), "{shown}");
    let messages = shown["messages"].as_array().expect("messages");
    assert_eq!(messages.last().expect("ours")["acknowledgment"], true);

    // `--ack` does the same for typed text; a plain reply answers.
    let second = dms[1]["id"].to_string();
    let out = hearth(
        home,
        &db,
        &[
            "reply",
            &second,
            "--ack",
            "--text",
            "Thanks! Checking now, full answer within the hour.",
            "--no-send",
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(in_queue(&dms[1]["id"]).is_some_and(|r| r["acknowledged_at"].is_string()));
    let out = hearth(
        home,
        &db,
        &[
            "reply",
            &second,
            "--text",
            "It is 40 EUR, and we deliver on Saturdays.",
            "--no-send",
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        in_queue(&dms[1]["id"]).is_none(),
        "answered: out of the queue"
    );
}
