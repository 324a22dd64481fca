//! The real binary's headless commands: demo seeding, queue/show JSON, triage from
//! stdin, playbook checks, and config errors that exit 2 without touching the terminal.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hearth(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("HEARTH_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start hearth");
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("wait for hearth")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn seeded() -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let db = home.path().join("demo.sqlite3");
    let db = db.to_str().expect("utf-8 temp path").to_string();
    let out = hearth(home.path(), &["--db", &db, "demo", "--seed-only"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, db)
}

/// The number after `label` on the line that starts with it (after indentation).
fn count_after(stdout: &str, label: &str) -> i64 {
    stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no '{label}' count in {stdout}"))
}

#[test]
fn demo_seed_only_counts_what_the_queue_holds() {
    let (home, db) = seeded();
    let out = hearth(home.path(), &["--db", &db, "demo", "--seed-only"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let seeded: i64 = stdout
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {stdout}"));
    assert!(seeded >= 300, "{stdout}");

    let out = hearth(
        home.path(),
        &["--db", &db, "queue", "--json", "--limit", "100000"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("queue json");
    let mut queued = [0i64; 5];
    for item in &items {
        let tier = item["tier"].as_u64().expect("tier is a number");
        queued[usize::try_from(tier - 1).expect("tier 1-5")] += 1;
    }
    for (i, name) in [
        "Revenue",
        "Retention",
        "Engagement",
        "Acknowledgment",
        "Monitor",
    ]
    .iter()
    .enumerate()
    {
        let printed = count_after(&stdout, &format!("tier {} {name}:", i + 1));
        assert_eq!(printed, queued[i], "tier {}: {stdout}", i + 1);
    }
    let open = count_after(&stdout, "in the queue (open):");
    assert_eq!(open, i64::try_from(items.len()).expect("count"), "{stdout}");
    assert!(open < seeded, "not every conversation is open: {stdout}");
    let others: i64 = ["answered, waiting for the customer:", "snoozed:", "done:"]
        .iter()
        .map(|label| count_after(&stdout, label))
        .sum();
    assert_eq!(open + others, seeded, "the totals add up: {stdout}");
}

#[test]
fn queue_json_has_the_documented_fields_in_queue_order() {
    let (home, db) = seeded();
    let out = hearth(
        home.path(),
        &["--db", &db, "queue", "--json", "--limit", "400"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(items.len() > 100);
    for key in [
        "id",
        "platform",
        "account",
        "family",
        "kind",
        "tier",
        "tier_reason",
        "author",
        "preview",
        "received_at",
        "due_at",
        "overdue",
        "status",
        "sentiment",
        "sort_tier",
        "acknowledged_at",
        "send_error",
    ] {
        assert!(items[0].get(key).is_some(), "missing {key}");
    }
    // Queue order: the sorting tier (the tier, raised while overdue), then the
    // deadline; never above the real tier.
    let keys: Vec<(u64, String)> = items
        .iter()
        .map(|i| {
            let due = i["due_at"].as_str().unwrap_or("9999").to_string();
            (i["sort_tier"].as_u64().unwrap(), due)
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted: {keys:?}");
    assert!(
        items
            .iter()
            .all(|i| i["sort_tier"].as_u64() <= i["tier"].as_u64())
    );
    assert!(items.iter().all(|i| i["status"] == "open"));
    let due = items[0]["due_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(due).is_ok(), "{due}");

    let out = hearth(
        home.path(),
        &["--db", &db, "queue", "--json", "--tier", "2"],
        None,
    );
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["tier"] == 2));

    // show ID returns the whole thread of the first item.
    let id = items[0]["id"].to_string();
    let out = hearth(home.path(), &["--db", &db, "show", &id, "--json"], None);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["id"].to_string(), id);
    assert!(!shown["messages"].as_array().unwrap().is_empty());

    let out = hearth(home.path(), &["--db", &db, "show", "999999"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no conversation with id 999999"));
}

#[test]
fn queue_on_a_missing_cache_says_how_to_get_one() {
    let home = tempfile::tempdir().unwrap();
    let out = hearth(home.path(), &["queue"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("demo --seed-only"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn triage_reads_json_lines_and_reports_bad_ones_by_line() {
    let home = tempfile::tempdir().unwrap();
    let input = "{\"text\":\"how much for a dozen?\",\"kind\":\"dm\"}\n{\"text\": oops}\n{\"text\":\"Terrible, 1 star\",\"kind\":\"review\",\"rating\":1}\n";
    let out = hearth(home.path(), &["triage", "--json"], Some(input));
    assert_eq!(out.status.code(), Some(2), "a bad line makes the run fail");
    let verdicts: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), 2);
    assert_eq!(verdicts[0]["tier"], 1);
    assert_eq!(verdicts[1]["tier"], 2);
    assert!(
        text(&out.stderr).contains("stdin:2:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_config_names_file_line_and_column_and_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("bad.toml");
    std::fs::write(&config, "agent = \"Sam\"\n[targets]\ntier1_minutes = -5\n").unwrap();
    let out = hearth(
        home.path(),
        &["--config", config.to_str().unwrap(), "demo"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.toml:3:17"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing reaches the terminal");
    assert!(!stderr.contains('\x1b'), "no escape sequences: {stderr:?}");
}

#[test]
fn playbooks_check_reports_problems_with_positions() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("pb");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("thanks.toml"),
        "name = \"thanks\"\ntitle = \"Thanks\"\ndescription = \"Say thanks\"\ntiers = [4]\nkinds = [\"comment\"]\ntags = []\nguidance = \"Be brief.\"\n\n[[templates]]\nname = \"short\"\ntext = \"Thanks {frist_name}!\"\n",
    )
    .unwrap();
    let out = hearth(
        home.path(),
        &["playbooks", "check", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("thanks.toml:11:"), "{stdout}");
    assert!(stdout.contains("frist_name"), "{stdout}");
    // An unclosed blank is located at its '[[': the string's text starts at col 9.
    std::fs::write(
        dir.join("thanks.toml"),
        "name = \"thanks\"\ntitle = \"Thanks\"\ndescription = \"Say thanks\"\ntiers = [4]\nkinds = [\"comment\"]\nguidance = \"Be brief.\"\n\n[[templates]]\nname = \"short\"\ntext = \"Sorry [[what went wrong\"\n",
    )
    .unwrap();
    let out = hearth(
        home.path(),
        &["playbooks", "check", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("thanks.toml:10:15: '[[' is never closed"),
        "{stdout}"
    );

    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("playbooks");
    let out = hearth(
        home.path(),
        &["playbooks", "check", shipped.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn the_inbox_refuses_to_start_without_a_terminal() {
    let (home, db) = seeded();
    let out = hearth(home.path(), &["--db", &db], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("terminal"));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_bad_key_binding_is_reported_at_its_line_before_the_terminal_is_touched() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("keys.toml");
    std::fs::write(
        &config,
        "agent = \"Sam\"\n\n[keymap]\n\"ctrl-q\" = \"fly\"\n",
    )
    .unwrap();
    let out = hearth(
        home.path(),
        &["--config", config.to_str().unwrap(), "demo"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("keys.toml:4:1:"), "{stderr}");
    assert!(stderr.contains("unknown action 'fly'"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_bad_colour_is_reported_at_its_line() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("colours.toml");
    std::fs::write(&config, "[theme]\ntier1 = \"red\"\noverdue = \"blurple\"\n").unwrap();
    let out = hearth(
        home.path(),
        &["--config", config.to_str().unwrap(), "demo"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("colours.toml:3:1:"), "{stderr}");
    assert!(stderr.contains("blurple"), "{stderr}");
}

#[test]
fn logs_go_to_a_dated_file_in_the_data_directory_not_the_terminal() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = hearth(home.path(), &["demo", "--seed-only"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let data = home.path().join("data").join("hearth");
    let names: Vec<String> = std::fs::read_dir(&data)
        .expect("data directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let logs: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.strip_prefix("hearth.log.")
                .is_some_and(|day| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok())
        })
        .collect();
    assert_eq!(logs.len(), 1, "one log file per day: {names:?}");
    assert!(!names.iter().any(|n| n == "hearth.log"), "{names:?}");
    let log = std::fs::read_to_string(data.join(logs[0])).expect("read log");
    assert!(log.contains("hearth starting"), "{log}");
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !text(stream).contains("hearth starting"),
            "{}",
            text(stream)
        );
    }
}

/// `hearth args…` as a user who cannot write `home`: this user after a chmod,
/// or, when the tests run as root (who writes anything), the `nobody` user
/// through setpriv.
#[cfg(unix)]
fn hearth_without_write_access(home: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata(home).expect("home").uid() == 0;
    let bin = env!("CARGO_BIN_EXE_hearth");
    let mut cmd = if root {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        cmd
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("HEARTH_DB")
        .stdin(Stdio::null());
    cmd.output()
        .expect("run hearth (as root this needs setpriv from util-linux)")
}

#[cfg(unix)]
#[test]
fn reads_work_on_a_cache_nobody_may_write_and_writes_name_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let (home, _) = seeded();
    let dir = home.path().join("ro");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("cache.sqlite3");
    let seed = hearth(
        home.path(),
        &["--db", db.to_str().unwrap(), "demo", "--seed-only"],
        None,
    );
    assert!(seed.status.success(), "{}", text(&seed.stderr));
    // One snooze that is due: waking it would be queue's only write.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE conversations SET status = 'snoozed', snoozed_until = 0
         WHERE id = (SELECT min(id) FROM conversations WHERE status = 'open')",
        [],
    )
    .unwrap();
    drop(conn);
    let mode = |path: &Path, bits: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(bits)).unwrap();
    };
    mode(home.path(), 0o755);
    mode(&db, 0o444);
    mode(&dir, 0o555);
    let db_arg = db.to_str().unwrap();

    let out = hearth_without_write_access(home.path(), &["--db", db_arg, "queue"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).lines().count() >= 10,
        "{}",
        text(&out.stdout)
    );
    let note = text(&out.stderr);
    assert!(
        note.contains(&format!("cannot write to {db_arg}")),
        "{note}"
    );

    let out = hearth_without_write_access(home.path(), &["--db", db_arg, "show", "2", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = hearth_without_write_access(home.path(), &["--db", db_arg, "tier", "2", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(db_arg),
        "the error names the cache: {stderr}"
    );
    mode(&dir, 0o755);
}

#[test]
fn an_error_says_each_thing_once() {
    let home = tempfile::tempdir().unwrap();
    // A cache path that cannot be created: SQLite's message would come three times.
    let out = hearth(
        home.path(),
        &["--db", "/proc/hearth-none/cache.sqlite3", "import", "-"],
        Some(""),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr).to_lowercase();
    assert!(
        stderr.contains("/proc/hearth-none/cache.sqlite3"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("unable to open").count(),
        1,
        "repeated: {stderr}"
    );
    let not_a_db = home.path().join("notes.txt");
    std::fs::write(&not_a_db, "plain text, not SQLite").unwrap();
    let out = hearth(
        home.path(),
        &["--db", not_a_db.to_str().unwrap(), "queue"],
        None,
    );
    let stderr = text(&out.stderr).to_lowercase();
    assert_eq!(
        stderr.matches("not a database").count(),
        1,
        "repeated: {stderr}"
    );
}
