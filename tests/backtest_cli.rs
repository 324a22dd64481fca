//! `hearth triage backtest` through the real binary, on a small cache filled by
//! `hearth import` (the store's ingest path, the shipped rules and model) with
//! overrides set by `hearth tier`: a config rule edit moves exactly the
//! conversations it names, agreement with the overrides is counted, and the
//! cache is not touched.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn hearth(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
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

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", text(&out.stderr));
    out
}

/// The customer's texts, in import order (so conversation ids are 1..=8).
const TEXTS: [&str; 8] = [
    "the zorblax arrived broken, I want my money back",
    "my order arrived broken and nobody answers",
    "what time do you open on sunday? zorblax",
    "loved the zorblax, thanks team",
    "how much is the catering menu for 40 people?",
    "can I order a zorblax cake for friday?",
    "is the zorblax vegan?",
    "zorblax rocks, best thing I bought",
];
/// The one we answered (it waits on the customer, out of the queue).
const ANSWERED: usize = 6;

fn import_file(dir: &Path) -> std::path::PathBuf {
    let mut lines = Vec::new();
    for (i, body) in TEXTS.iter().enumerate() {
        let n = i + 1;
        let kind = if n == 5 { "dm" } else { "comment" };
        lines.push(format!(
            r#"{{"account":"forum","platform":"forum","kind":"{kind}","thread_id":"t{n}","id":"m{n}","author":"Sam","text":"{body}","sent_at":"2026-05-04T09:0{n}:00Z"}}"#
        ));
        if n == ANSWERED {
            lines.push(format!(
                r#"{{"account":"forum","platform":"forum","kind":"{kind}","thread_id":"t{n}","id":"r{n}","direction":"outbound","author":"Us","text":"Yes, order by Wednesday.","sent_at":"2026-05-04T10:00:00Z"}}"#
            ));
        }
    }
    let path = dir.join("messages.jsonl");
    std::fs::write(&path, lines.join("\n")).expect("write import file");
    path
}

/// Each conversation's stored automatic tier and status, by id.
fn stored(home: &Path, db: &str) -> BTreeMap<i64, (u64, String)> {
    (1..=8)
        .map(|id| {
            let out = ok(hearth(
                home,
                &["--db", db, "show", &id.to_string(), "--json"],
            ));
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show JSON");
            let preview = v["preview"].as_str().expect("preview");
            let index = usize::try_from(id - 1).expect("small id");
            let first_inbound = if id == 6 { "Yes, order" } else { TEXTS[index] };
            assert!(preview.starts_with(first_inbound), "id {id}: {preview}");
            let auto = v["tier_auto"].as_u64().expect("tier_auto");
            (
                id,
                (auto, v["status"].as_str().expect("status").to_string()),
            )
        })
        .collect()
}

#[test]
fn a_rule_edit_is_judged_on_the_cache_without_touching_it() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let db = home.join("cache.sqlite3");
    let db = db.to_str().expect("utf-8 temp path");
    let file = import_file(home);
    ok(hearth(
        home,
        &["--db", db, "import", file.to_str().expect("utf-8")],
    ));
    let before = stored(home, db);
    assert_eq!(before[&6].1, "waiting");
    for id in [1, 3, 4, 7, 8] {
        assert_ne!(before[&id].0, 5, "#{id} already tier 5 without the edit");
    }
    let tier = |id: i64, tier: u64| {
        ok(hearth(
            home,
            &["--db", db, "tier", &id.to_string(), &tier.to_string()],
        ));
    };
    // Agreeing before and after (the edit does not touch #2).
    tier(2, before[&2].0);
    // The edit fixes these two: the user wants them in tier 5.
    tier(3, 5);
    tier(6, 5);
    // The edit breaks this one: the user confirmed its tier, the edit moves it.
    tier(4, before[&4].0);

    let config = home.join("edited.toml");
    std::fs::write(&config, "[triage]\nspam = [\"zorblax\"]\n").expect("write config");
    let config = config.to_str().expect("utf-8");
    let bytes = std::fs::read(db).expect("read cache");

    let out = ok(hearth(
        home,
        &[
            "--db", db, "--config", config, "triage", "backtest", "--json",
        ],
    ));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");

    // The shape scripts rely on.
    let mut keys: Vec<&str> = report
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "changed",
            "moves",
            "open",
            "overrides",
            "pinned",
            "reason_changed",
            "unchanged",
        ]
    );
    assert_eq!(report["open"], 7);
    assert_eq!(report["pinned"], 3);
    assert_eq!(report["changed"], 3, "{report:#}");
    assert_eq!(report["unchanged"], 1);

    // Unpinned open conversations with the phrase move to tier 5 from where they were.
    let mut expected: BTreeMap<(u64, u64), Vec<i64>> = BTreeMap::new();
    for id in [1, 7, 8] {
        expected.entry((before[&id].0, 5)).or_default().push(id);
    }
    let mut got: BTreeMap<(u64, u64), Vec<i64>> = BTreeMap::new();
    for m in report["moves"].as_array().expect("moves") {
        let key = (
            m["from"].as_u64().expect("from"),
            m["to"].as_u64().expect("to"),
        );
        let examples = m["examples"].as_array().expect("examples");
        assert_eq!(m["count"].as_u64(), Some(examples.len() as u64));
        for e in examples {
            assert_eq!(e["new_reason"], "your spam phrase 'zorblax'");
            assert!(e["old_reason"].as_str().is_some_and(|r| !r.is_empty()));
            let id = e["id"].as_i64().expect("id");
            let index = usize::try_from(id - 1).expect("small id");
            assert_eq!(e["text"], TEXTS[index]);
            got.entry(key).or_default().push(id);
        }
    }
    assert_eq!(got, expected);

    assert_eq!(
        report["overrides"],
        serde_json::json!({
            "conversations": 4,
            "agree_before": 2,
            "agree_after": 3,
            "fixed": 2,
            "broken": 1,
            "learned_from": 4,
        })
    );

    // The same run as text.
    let out = ok(hearth(
        home,
        &["--db", db, "--config", config, "triage", "backtest"],
    ));
    let lines = text(&out.stdout);
    assert!(lines.contains("3 would change tier"), "{lines}");
    assert!(lines.contains("→ your spam phrase 'zorblax'"), "{lines}");
    assert!(
        lines.contains("after   3 of 4 (75%)  2 fixed, 1 broken"),
        "{lines}"
    );

    // Without the edit nothing moves: the cache holds what the rules say.
    let out = ok(hearth(home, &["--db", db, "triage", "backtest", "--json"]));
    let plain: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(plain["changed"], 0);
    // Triage learned from the four overrides, so without the edit it agrees with
    // all of them, and the report says why that is no test.
    assert_eq!(plain["overrides"]["agree_after"], 4);
    let out = ok(hearth(home, &["--db", db, "triage", "backtest"]));
    let lines = text(&out.stdout);
    assert!(
        lines.contains("triage learned from 4 of these corrections"),
        "{lines}"
    );

    // Read-only: the file is byte for byte what it was, and nothing waits in a WAL.
    assert!(
        std::fs::read(db).expect("read cache") == bytes,
        "cache changed"
    );
    let wal = format!("{db}-wal");
    let wal_len = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(wal_len, 0, "the backtest wrote to the WAL");
    // `hearth tier` pins without re-assessing: the automatic tiers are as imported.
    assert_eq!(stored(home, db), before);
}

#[test]
fn triage_backtest_refuses_the_stdin_flags_and_needs_a_cache() {
    let home = tempfile::tempdir().expect("tempdir");
    let home = home.path();
    let out = hearth(home, &["triage", "--explain", "backtest"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let missing = home.join("none.sqlite3");
    let out = hearth(
        home,
        &[
            "--db",
            missing.to_str().expect("utf-8"),
            "triage",
            "backtest",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no cache at"),
        "{}",
        text(&out.stderr)
    );
    assert!(!missing.exists(), "a missing cache is not created");
}
