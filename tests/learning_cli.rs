//! Learning from overrides from the command line, on a real cache: `hearth tier`
//! teaches, `hearth triage` on the cache applies it and says so, and
//! `hearth triage --reset-learning` asks, then forgets.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hearth(home: &Path, db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--db")
        .arg(db)
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
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(file: &str) -> Vec<&str> {
    file.lines().collect()
}

/// One `hearth triage --json` line per text; (tier, reason).
fn triage(home: &Path, db: &Path, texts: &[&str]) -> Vec<(u64, String)> {
    let input: String = texts
        .iter()
        .map(|t| format!("{}\n", serde_json::json!({"text": t, "kind": "dm"})))
        .collect();
    let out = hearth(home, db, &["triage", "--json"], &input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            (
                v["tier"].as_u64().expect("tier"),
                v["reason"].as_str().expect("reason").to_string(),
            )
        })
        .collect()
}

#[test]
fn tier_overrides_teach_triage_and_a_reset_forgets() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let db = home.join("cache.sqlite3");
    let taught = lines(include_str!("data/influencer-taught.txt"));
    let unseen = lines(include_str!("data/influencer-unseen.txt"));
    let unrelated = lines(include_str!("data/unrelated.txt"));
    let mut all = unseen.clone();
    all.extend(&unrelated);

    // No cache yet: the shipped model.
    let shipped = triage(home, &db, &all);
    assert!(!db.exists(), "triage on stdin creates no cache");

    let import: String = taught
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{}\n",
                serde_json::json!({
                    "account": "ig", "platform": "instagram", "kind": "dm",
                    "thread_id": format!("t{i}"), "id": format!("m{i}"),
                    "author": format!("Creator {i}"), "text": t,
                    "sent_at": "2026-11-30T09:00:00Z",
                })
            )
        })
        .collect();
    let out = hearth(home, &db, &["import", "-"], &import);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A cache with no overrides: still exactly the shipped model.
    assert_eq!(triage(home, &db, &all), shipped);

    let out = hearth(home, &db, &["queue", "--json", "--limit", "100"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let queue: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<String> = queue
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 20);
    for id in &ids {
        let out = hearth(home, &db, &["tier", id, "1"], "");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    let learned = triage(home, &db, &all);
    let unseen_learned = &learned[..unseen.len()];
    let in_tier_1 = unseen_learned.iter().filter(|(t, _)| *t == 1).count();
    assert!(in_tier_1 >= 7, "{unseen_learned:#?}");
    assert!(
        unseen_learned
            .iter()
            .filter(|(_, r)| r.contains("of your corrections"))
            .count()
            >= 7,
        "{unseen_learned:#?}"
    );
    for ((tier, reason), (shipped_tier, _)) in
        learned[unseen.len()..].iter().zip(&shipped[unseen.len()..])
    {
        assert_eq!(tier, shipped_tier, "{reason}");
    }

    // --explain shows what was learned.
    let input = format!("{}\n", serde_json::json!({"text": unseen[0], "kind": "dm"}));
    let out = hearth(home, &db, &["triage", "--explain"], &input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let explained = text(&out.stdout);
    assert!(
        explained.contains("learned from your 20 corrections"),
        "{explained}"
    );
    assert!(explained.contains("= score with learning"), "{explained}");

    // Without a terminal to ask on, the reset wants --yes; "n" keeps everything.
    let out = hearth(home, &db, &["triage", "--reset-learning"], "y\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--yes"), "{}", text(&out.stderr));
    assert_eq!(triage(home, &db, &all), learned);

    let out = hearth(home, &db, &["triage", "--reset-learning", "--yes"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("from 20 tier corrections"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(triage(home, &db, &all), shipped);
    let out = hearth(home, &db, &["triage", "--reset-learning", "--yes"], "");
    assert!(
        text(&out.stdout).contains("nothing learned"),
        "{}",
        text(&out.stdout)
    );
}
