//! `hearth import` through the real binary: counts, idempotence, bad-line reports,
//! standard input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hearth(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
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

fn line(id: &str, thread: &str, extra: &str) -> String {
    format!(
        r#"{{"account":"yelp-downtown","platform":"yelp","kind":"review","thread_id":"{thread}","id":"{id}","author":"Sam R.","text":"Waited an hour and the order was wrong","sent_at":"2024-05-02T09:15:00Z","rating":2,"location":"Downtown"{extra}}}"#
    )
}

const GOOD_LINES: usize = 4;

fn sample() -> String {
    [
        line("y1", "y1", ""),
        line("y1-reply", "y1", r#","direction":"outbound""#),
        String::new(),
        line("y2", "y2", r#","brand":"Northwind","context":"Yelp page""#),
        r#"{"account":"bbb","platform":"bbb","kind":"review","thread_id":"c9","id":"c9","author":"Pat","text":"Complaint filed","sent_at":"2024-05-03T10:00:00+02:00"}"#.to_string(),
        r#"{"account":"bbb","platform":"bbb""#.to_string(),
        line("y3", "y3", "").replace("2024-05-02T09:15:00Z", "last tuesday"),
    ]
    .join("\n")
}

fn queue_json(home: &Path, db: &str) -> serde_json::Value {
    let out = hearth(
        home,
        &["--db", db, "queue", "--json", "--limit", "50"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("queue JSON")
}

#[test]
fn import_counts_reports_bad_lines_and_is_idempotent() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("reviews.jsonl");
    std::fs::write(&file, sample()).unwrap();
    let file = file.to_str().unwrap().to_string();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();

    let out = hearth(home.path(), &["--db", &db, "import", &file], None);
    assert_eq!(out.status.code(), Some(2), "a bad line exits 2");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("imported {GOOD_LINES}, duplicates 0, bad 2")),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("{file}:6: ")), "{stderr}");
    assert!(stderr.contains(&format!("{file}:7: sent_at:")), "{stderr}");
    assert!(
        !stderr.contains(&format!("{file}:3:")),
        "blank lines are fine: {stderr}"
    );

    // The valid lines landed, triaged, in the reputation family.
    let queue = queue_json(home.path(), &db);
    let items = queue.as_array().expect("array");
    let yelp: Vec<_> = items.iter().filter(|c| c["platform"] == "yelp").collect();
    assert_eq!(yelp.len(), 1, "y1 is answered, y2 is open: {queue}");
    assert_eq!(yelp[0]["family"], "reputation");
    assert_eq!(yelp[0]["rating"], 2);
    assert_eq!(yelp[0]["brand"], "Northwind");
    assert_eq!(yelp[0]["location"], "Downtown");
    assert!(items.iter().any(|c| c["platform"] == "bbb"));

    // Same file again: nothing new.
    let again = hearth(home.path(), &["--db", &db, "import", &file], None);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stdout).contains(&format!("imported 0, duplicates {GOOD_LINES}, bad 2")),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(queue_json(home.path(), &db), queue);
}

#[test]
fn import_reads_standard_input_and_succeeds_when_clean() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();
    let input = format!("{}\n{}\n", line("a", "a", ""), line("b", "b", ""));
    let out = hearth(home.path(), &["--db", &db, "import", "-"], Some(&input));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 2, duplicates 0, bad 0"));
}

#[test]
fn a_missing_file_is_a_usage_error_and_creates_no_cache() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let out = hearth(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            "/nonexistent/x.jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot open /nonexistent/x.jsonl"));
    assert!(!db.exists());
}

#[test]
fn a_directory_is_a_usage_error_like_a_missing_file() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let dir = home.path().join("exports");
    std::fs::create_dir(&dir).unwrap();
    let out = hearth(
        home.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is a directory"),
        "{}",
        text(&out.stderr)
    );
    assert!(!db.exists());
}

#[test]
fn a_known_id_under_another_thread_makes_no_empty_conversation() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();
    let first = format!("{}\n", line("r1", "thread-a", ""));
    let out = hearth(home.path(), &["--db", &db, "import", "-"], Some(&first));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let moved = format!("{}\n", line("r1", "thread-b", ""));
    let out = hearth(home.path(), &["--db", &db, "import", "-"], Some(&moved));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 0, duplicates 1, bad 0"),
        "{}",
        text(&out.stdout)
    );
    let queue = queue_json(home.path(), &db);
    let items = queue.as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["message_count"], 1, "{queue}");
}

#[test]
fn array_lines_and_far_future_times_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();
    let input = [
        r#"["yelp-downtown","yelp","review","t1","r1","Sam","Great","2024-05-02T09:15:00Z"]"#
            .to_string(),
        line("r2", "t2", "").replace("2024-05-02T09:15:00Z", "9999-12-31T23:59:59Z"),
        line("r3", "t3", ""),
    ]
    .join("\n");
    let out = hearth(home.path(), &["--db", &db, "import", "-"], Some(&input));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("<stdin>:1: a line must be one JSON object"),
        "{stderr}"
    );
    assert!(
        stderr.contains("<stdin>:2: sent_at: '9999-12-31T23:59:59Z' is in the future"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("imported 1, duplicates 0, bad 2"));
    // Every time the queue prints is RFC 3339 (year 9999 gave "+10000-…").
    let queue = queue_json(home.path(), &db);
    for item in queue.as_array().unwrap() {
        for key in ["received_at", "due_at"] {
            if let Some(t) = item[key].as_str() {
                assert!(
                    chrono::DateTime::parse_from_rfc3339(t).is_ok(),
                    "{key}: {t}"
                );
            }
        }
    }
}
