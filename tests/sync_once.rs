//! `hearth sync --once` (the real binary) against the fake Mastodon when the
//! platform rate-limits it: a reset within a minute is waited for and the sync
//! finishes; a later one exits 75 (EX_TEMPFAIL) naming the account and the time
//! to retry, so a script can tell the sync is incomplete. A pause survives a
//! restart: neither `sync --once` run again nor `hearth sync` killed and started
//! again asks the platform before the reset.

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

    /// `hearth sync` (the long-running engine), output discarded.
    fn spawn_sync(&self) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("--config")
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .arg("sync")
            .env(TOKEN_VAR, TOKEN)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("cfg"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hearth sync")
    }

    /// The account's stored state and next attempt.
    fn stored(&self) -> Option<(String, Option<DateTime<Utc>>)> {
        let store = hearth::store::Store::open(&self.db).ok()?;
        let state = store
            .account_states()
            .ok()?
            .into_iter()
            .find(|a| a.account == ACCOUNT)?;
        Some((state.state.as_str().to_string(), state.next_attempt_at))
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

#[test]
fn sync_once_run_again_while_paused_asks_nothing_and_says_when() {
    let fake = FakeMastodon::start_in_background(seed());
    fake.fail_next(NOTIFICATIONS, 1, Fault::RateLimited { reset_in_secs: 600 });
    let ws = Workspace::new(&fake);
    let started = Utc::now();
    let (first, _) = ws.sync_once();
    assert_tempfail_until(&first, chrono::Duration::seconds(600), started);
    let asked = fake.requests().len();

    // A cron job five minutes early: nothing is asked, the same time is given.
    let (again, _) = ws.sync_once();
    assert_tempfail_until(&again, chrono::Duration::seconds(600), started);
    assert_eq!(fake.requests().len(), asked, "no request before the reset");
    let (t1, t2) = (
        retry_time(&text(&first.stderr)),
        retry_time(&text(&again.stderr)),
    );
    assert!((t1 - t2).num_seconds().abs() <= 1, "{t1} vs {t2}");
}

#[test]
fn hearth_sync_killed_while_paused_waits_for_the_reset_after_a_restart() {
    let fake = FakeMastodon::start_in_background(seed());
    fake.fail_next(NOTIFICATIONS, 1, Fault::RateLimited { reset_in_secs: 8 });
    let ws = Workspace::new(&fake);
    let mut first = ws.spawn_sync();
    let began = Instant::now();
    let until = loop {
        if let Some((state, Some(next))) = ws.stored()
            && state == "rate-limited"
        {
            break next;
        }
        assert!(began.elapsed() < Duration::from_secs(30), "never paused");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Killed without a chance to clean up, then started again at once.
    first.kill().expect("kill hearth sync");
    let _ = first.wait();
    let asked = fake.requests().len();
    let mut second = ws.spawn_sync();
    while Utc::now() + chrono::Duration::milliseconds(300) < until {
        assert_eq!(
            fake.requests().len(),
            asked,
            "asked before the reset at {until} (now {})",
            Utc::now()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        ws.stored().map(|(state, _)| state).as_deref(),
        Some("rate-limited"),
        "the restarted engine shows the pause"
    );
    // After the reset it syncs again.
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.requests().len() == asked && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let resumed = fake.requests().len() > asked;
    let _ = second.kill();
    let _ = second.wait();
    assert!(resumed, "syncing resumed after the reset");
}
