//! `hearth sync --once` (the real binary) against the fake Mastodon when the
//! platform rate-limits it: a reset within a minute is waited for and the sync
//! finishes; a later one exits 75 (EX_TEMPFAIL) naming the account and the time
//! to retry, so a script can tell the sync is incomplete.

#[path = "fakes/mastodon.rs"]
mod mastodon_fake;

use chrono::{DateTime, Utc};
use mastodon_fake::{FakeData, FakeMastodon, Fault};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "once-test-token";
const TOKEN_VAR: &str = "HEARTH_ONCE_TEST_TOKEN";
const ACCOUNT: &str = "northwind-once";
const NOTIFICATIONS: &str = "/api/v1/notifications";

struct Workspace {
    dir: tempfile::TempDir,
    config: PathBuf,
    db: PathBuf,
}

impl Workspace {
    fn new(fake: &FakeMastodon) -> Workspace {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[[account]]\nname = \"{ACCOUNT}\"\nplatform = \"mastodon\"\n\
                 base_url = \"{}\"\ntoken_env = \"{TOKEN_VAR}\"\npoll_seconds = 60\n",
                fake.base_url
            ),
        )
        .expect("write config");
        let db = dir.path().join("cache.sqlite3");
        Workspace { dir, config, db }
    }

    /// Run `hearth sync --once` to the end (at most 90 s).
    fn sync_once(&self) -> (Output, Duration) {
        let began = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("--config")
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .args(["sync", "--once"])
            .env(TOKEN_VAR, TOKEN)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("cfg"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hearth");
        while child.try_wait().expect("poll hearth").is_none() {
            if began.elapsed() > Duration::from_secs(90) {
                let _ = child.kill();
                panic!("hearth sync --once still running after 90 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let took = began.elapsed();
        (child.wait_with_output().expect("hearth output"), took)
    }
}

fn seed() -> FakeData {
    FakeData {
        mentions: 30,
        dms: 6,
        token: TOKEN.into(),
        ..FakeData::default()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn cached_inbound(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).expect("open cache");
    let mut stmt = conn
        .prepare("SELECT platform_id FROM messages WHERE direction = 'inbound'")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<BTreeSet<String>, _>>()
        .expect("rows")
}

/// The RFC 3339 time after "retry after " in `stderr`.
fn retry_time(stderr: &str) -> DateTime<Utc> {
    stderr
        .split("retry after ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("no retry time in: {stderr}"))
}

fn assert_tempfail_until(out: &Output, reset_in: chrono::Duration, started: DateTime<Utc>) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(75),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stdout.contains(&format!("{ACCOUNT}: INCOMPLETE, rate-limited until")),
        "{stdout}"
    );
    assert!(!stdout.contains(": done"), "{stdout}");
    assert!(stderr.contains(ACCOUNT), "{stderr}");
    let retry = retry_time(&stderr);
    let slack = chrono::Duration::seconds(30);
    assert!(
        retry > started + reset_in - slack && retry < Utc::now() + reset_in + slack,
        "retry at {retry}, reset was {reset_in} after {started}"
    );
}

#[test]
fn a_spent_budget_far_from_its_reset_exits_75_with_the_time_to_retry() {
    // Every answer says "0 requests left, reset in 5 minutes": the round stops
    // after its first page. This used to print "done" and exit 0.
    let fake = FakeMastodon::start_in_background(seed());
    fake.set_rate_limit_remaining(Some(0));
    let ws = Workspace::new(&fake);
    let started = Utc::now();
    let (out, took) = ws.sync_once();
    assert_tempfail_until(&out, chrono::Duration::seconds(300), started);
    assert!(took < Duration::from_secs(30), "it did not wait 5 minutes");
    let conversations = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/conversations")
        .count();
    assert_eq!(conversations, 0, "nothing asked once the budget was spent");
}

#[test]
fn a_429_far_from_its_reset_exits_75_not_as_a_failure() {
    let fake = FakeMastodon::start_in_background(seed());
    fake.fail_next(NOTIFICATIONS, 1, Fault::RateLimited { reset_in_secs: 600 });
    let ws = Workspace::new(&fake);
    let started = Utc::now();
    let (out, _) = ws.sync_once();
    assert_tempfail_until(&out, chrono::Duration::seconds(600), started);
    assert!(
        !text(&out.stdout).contains("FAILED"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_429_that_resets_within_a_minute_is_waited_for_and_the_sync_completes() {
    let fake = FakeMastodon::start_in_background(seed());
    fake.fail_next(NOTIFICATIONS, 1, Fault::RateLimited { reset_in_secs: 2 });
    let ws = Workspace::new(&fake);
    let (out, took) = ws.sync_once();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stderr.contains(&format!("{ACCOUNT}: rate-limited; waiting")),
        "says why it waits: {stderr}"
    );
    assert!(stdout.contains(&format!("{ACCOUNT}: done (")), "{stdout}");
    assert!(
        took >= Duration::from_secs(2),
        "waited for the reset: {took:?}"
    );
    let served: BTreeSet<String> = fake.served_status_ids().into_iter().collect();
    assert!(!served.is_empty());
    assert_eq!(
        cached_inbound(&ws.db),
        served,
        "everything arrived after the wait"
    );
}
