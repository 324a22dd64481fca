//! Crash safety of the real binary: `hearth sync --once` is SIGKILLed at random
//! points while syncing 10,000+ messages from the fake Mastodon, restarted until it
//! completes, and the cache must hold exactly the served set. Then the outbox: a
//! reply caught in "sending" by a kill is reconciled, never posted twice.

#[path = "fakes/mastodon.rs"]
mod mastodon_fake;

use hearth::store::Store;
use mastodon_fake::{FakeData, FakeMastodon, Fault};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "crash-test-token";
const TOKEN_VAR: &str = "HEARTH_CRASH_TEST_TOKEN";

struct Workspace {
    dir: tempfile::TempDir,
    config: PathBuf,
    db: PathBuf,
}

impl Workspace {
    fn new(base_url: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[[account]]\nname = \"crashy\"\nplatform = \"mastodon\"\nbase_url = \"{base_url}\"\n\
                 token_env = \"{TOKEN_VAR}\"\npoll_seconds = 60\n"
            ),
        )
        .expect("write config");
        let db = dir.path().join("cache.sqlite3");
        Workspace { dir, config, db }
    }

    fn start(&self) -> Child {
        Command::new(env!("CARGO_BIN_EXE_hearth"))
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
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hearth")
    }
}

/// Wait for `child` up to `limit`; kill it if it is still running then.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn stderr_of(child: &mut Child) -> String {
    use std::io::Read;
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

/// Run to completion (bounded) and insist on success.
fn run_to_completion(ws: &Workspace) {
    let mut child = ws.start();
    let status = wait_bounded(&mut child, Duration::from_secs(60)).expect("hearth sync finished");
    assert!(
        status.success(),
        "hearth sync failed: {}",
        stderr_of(&mut child)
    );
}

fn cached_inbound(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open cache");
    let mut stmt = conn
        .prepare("SELECT platform_id FROM messages WHERE direction = 'inbound'")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<String>, _>>()
        .expect("rows")
}

#[test]
fn killed_at_random_points_the_cache_ends_exactly_served() {
    let fake = FakeMastodon::start_in_background(FakeData {
        mentions: 8_000,
        dms: 2_500,
        token: TOKEN.into(),
        ..FakeData::default()
    });
    let ws = Workspace::new(&fake.base_url);
    let mut rng = fastrand::Rng::with_seed(0x4ea7_2026);
    let mut kills = 0;
    let mut partial_sizes = Vec::new();
    for _ in 0..8 {
        let mut child = ws.start();
        let delay = Duration::from_millis(rng.u64(40..900));
        if wait_bounded(&mut child, delay).is_some() {
            break; // finished before the kill point
        }
        // wait_bounded already sent SIGKILL (child.kill) and reaped it.
        kills += 1;
        if ws.db.exists() {
            partial_sizes.push(cached_inbound(&ws.db).len());
        }
    }
    run_to_completion(&ws);
    eprintln!("killed {kills} times; cache sizes after kills: {partial_sizes:?}");
    assert!(kills >= 1, "the test never interrupted a sync");

    let cached = cached_inbound(&ws.db);
    let unique: BTreeSet<&String> = cached.iter().collect();
    assert_eq!(unique.len(), cached.len(), "duplicates in the cache");
    let served: BTreeSet<String> = fake.served_status_ids().into_iter().collect();
    assert!(served.len() >= 10_000);
    let cached: BTreeSet<String> = cached.into_iter().collect();
    assert_eq!(cached.len(), served.len(), "lost or extra messages");
    assert_eq!(cached, served);

    // A later run fetches nothing new and duplicates nothing.
    run_to_completion(&ws);
    assert_eq!(cached_inbound(&ws.db).len(), served.len());
}

/// Queue a reply to the first conversation; returns its outbox id.
fn queue_reply(db: &Path, text: &str) -> i64 {
    let mut store = Store::open(db).expect("cache");
    let conversation = store
        .queue(&Default::default(), None, 1)
        .expect("queue")
        .into_iter()
        .next()
        .expect("a conversation to answer");
    store
        .record_reply(conversation.id, "Alex", text, None, chrono::Utc::now())
        .expect("record reply")
}

fn outbox_state(db: &Path, id: i64) -> String {
    Store::open(db)
        .ok()
        .and_then(|s| s.outbox_item(id).ok().flatten())
        .map_or_else(String::new, |i| i.state.as_str().to_string())
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn posts_with(fake: &FakeMastodon, text: &str) -> usize {
    fake.posted_statuses()
        .iter()
        .filter(|p| p.to_string().contains(text))
        .count()
}

#[test]
fn a_reply_caught_sending_by_a_kill_is_never_posted_twice() {
    let fake = FakeMastodon::start_in_background(FakeData {
        mentions: 20,
        dms: 5,
        token: TOKEN.into(),
        ..FakeData::default()
    });
    let ws = Workspace::new(&fake.base_url);
    run_to_completion(&ws);

    // 1. Killed after the platform created the status but before hearth recorded
    //    it: the test holds the cache's write lock so "sent" cannot be committed.
    let delivered = "Thanks for waiting, it is on its way";
    let first = queue_reply(&ws.db, delivered);
    fake.fail_next(
        "/api/v1/statuses",
        1,
        Fault::Slow(Duration::from_millis(800)),
    );
    let mut child = ws.start();
    wait_for("the reply to be marked sending", || {
        outbox_state(&ws.db, first) == "sending"
    });
    let lock = rusqlite::Connection::open(&ws.db).expect("open cache");
    lock.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    lock.execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    wait_for("the fake to create the status", || {
        posts_with(&fake, delivered) == 1
    });
    std::thread::sleep(Duration::from_millis(200));
    child.kill().expect("kill");
    let _ = child.wait();
    lock.execute_batch("ROLLBACK").expect("release the lock");
    drop(lock);
    assert_eq!(
        outbox_state(&ws.db, first),
        "sending",
        "the crash left it mid-send"
    );

    fake.clear_requests();
    run_to_completion(&ws);
    assert_eq!(
        outbox_state(&ws.db, first),
        "sent",
        "reconciled from the platform"
    );
    assert_eq!(posts_with(&fake, delivered), 1, "not posted again");
    let reposts = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/v1/statuses")
        .count();
    assert_eq!(reposts, 0, "found on the platform, so no second request");

    // 2. Killed while the request was still in flight. Whether the server then
    //    finishes it or drops it, the restart (after the server settled) must end
    //    with exactly one post.
    let lost = "Sorry about the mix-up with your order";
    let second = queue_reply(&ws.db, lost);
    fake.fail_next(
        "/api/v1/statuses",
        1,
        Fault::Slow(Duration::from_millis(1500)),
    );
    let mut child = ws.start();
    wait_for("the second reply to be marked sending", || {
        outbox_state(&ws.db, second) == "sending"
    });
    child.kill().expect("kill");
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(2000));
    run_to_completion(&ws);
    assert_eq!(outbox_state(&ws.db, second), "sent");
    assert_eq!(posts_with(&fake, lost), 1, "sent exactly once");
    assert_eq!(posts_with(&fake, delivered), 1);
}

#[test]
fn reply_and_accounts_commands_use_the_same_outbox_and_never_print_tokens() {
    let fake = FakeMastodon::start_in_background(FakeData {
        mentions: 6,
        dms: 2,
        token: TOKEN.into(),
        ..FakeData::default()
    });
    let ws = Workspace::new(&fake.base_url);
    run_to_completion(&ws);
    let conversation = Store::open(&ws.db)
        .expect("cache")
        .queue(&Default::default(), None, 1)
        .expect("queue")
        .into_iter()
        .next()
        .expect("a conversation");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("--config")
            .arg(&ws.config)
            .arg("--db")
            .arg(&ws.db)
            .args(args)
            .env(TOKEN_VAR, TOKEN)
            .env("HOME", ws.dir.path())
            .env("XDG_DATA_HOME", ws.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", ws.dir.path().join("cfg"))
            .output()
            .expect("run hearth")
    };
    let id = conversation.id.to_string();
    // --force: the reply guards may warn (no name used); this test is about the outbox.
    let out = run(&["reply", &id, "--text", "Happy to help with that", "--force"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("sent (platform id"), "{stdout}");
    assert_eq!(posts_with(&fake, "Happy to help with that"), 1);

    let out = run(&[
        "reply",
        &id,
        "--text",
        "Queued only",
        "--no-send",
        "--force",
    ]);
    assert!(out.status.success());
    assert_eq!(posts_with(&fake, "Queued only"), 0);

    let out = run(&["accounts", "--json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_str(&stdout).expect("accounts JSON");
    assert_eq!(rows[0]["name"], "crashy");
    assert_eq!(rows[0]["state"], "ok");
    assert!(!stdout.contains(TOKEN));

    let out = run(&["reply", "999999", "--text", "x"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "unknown conversation is bad input"
    );
}
