//! The sync engine (library) against the fake Mastodon on 127.0.0.1: faults become
//! per-account states, recoveries cache exactly the served set, and a reply queued
//! while offline goes out once the network is back.

#[path = "fakes/mastodon.rs"]
mod mastodon_fake;

use chrono::Utc;
use hearth::config::{AccountConfig, Config, Paths};
use hearth::model::{Assess, Platform, SyncEvent};
use hearth::store::Store;
use hearth::sync::engine::{self, EngineOptions};
use mastodon_fake::{FakeData, FakeMastodon, Fault};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const TOKEN: &str = "engine-test-token";

struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("cache.sqlite3");
        // Created (and migrated) up front so test probes never race the engine.
        Store::open(&db).expect("create cache");
        Setup { dir, db }
    }
    fn paths(&self) -> Paths {
        Paths {
            config_dir: self.dir.path().join("config"),
            data_dir: self.dir.path().join("data"),
        }
    }
}

fn account(name: &str, base_url: &str) -> AccountConfig {
    AccountConfig {
        brand: Some("Northwind".into()),
        base_url: Some(base_url.into()),
        // A command, not an env var: tests run in parallel threads.
        token_cmd: Some(format!("printf {TOKEN}")),
        ..AccountConfig::new(name, Platform::Mastodon)
    }
}

fn config(accounts: Vec<AccountConfig>) -> Config {
    Config {
        accounts,
        ..Config::default()
    }
}

fn fast() -> EngineOptions {
    EngineOptions {
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(400),
        reauth_retry: Duration::from_secs(3600),
        outbox_check: Duration::from_millis(50),
        poll_override: Some(Duration::from_millis(100)),
        ..EngineOptions::default()
    }
}

fn assess() -> Arc<dyn Assess + Send + Sync> {
    Arc::new(hearth::triage::Triage::new(&Config::default()).expect("default triage"))
}

fn seed(mentions: usize, dms: usize) -> FakeData {
    FakeData {
        mentions,
        dms,
        token: TOKEN.into(),
        ..FakeData::default()
    }
}

/// Inbound platform ids cached for `account`.
fn cached(db: &Path, account: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open cache");
    let mut stmt = conn
        .prepare(
            "SELECT platform_id FROM messages WHERE account = ?1 AND direction = 'inbound'
             ORDER BY platform_id",
        )
        .expect("prepare");
    stmt.query_map([account], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<String>, _>>()
        .expect("rows")
}

fn assert_exactly_served(db: &Path, account: &str, fake: &FakeMastodon) {
    let cached = cached(db, account);
    let unique: BTreeSet<&String> = cached.iter().collect();
    assert_eq!(unique.len(), cached.len(), "duplicates in the cache");
    let served: BTreeSet<String> = fake.served_status_ids().into_iter().collect();
    let cached: BTreeSet<String> = cached.into_iter().collect();
    assert_eq!(cached, served, "cache differs from the served set");
}

fn account_state(db: &Path, account: &str) -> Option<hearth::store::AccountState> {
    Store::open(db)
        .ok()?
        .account_states()
        .ok()?
        .into_iter()
        .find(|a| a.account == account)
}

/// Poll `cond` every 25 ms for up to 30 s.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let ok = tokio::time::timeout(Duration::from_secs(30), async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await;
    assert!(ok.is_ok(), "timed out waiting for: {what}");
}

fn states_seen(rx: &mut UnboundedReceiver<SyncEvent>, account: &str) -> Vec<String> {
    let mut states = Vec::new();
    while let Ok(event) = rx.try_recv() {
        if let SyncEvent::AccountState {
            account: a, state, ..
        } = event
            && a == account
        {
            states.push(state.as_str().to_string());
        }
    }
    states
}

fn notification_requests(fake: &FakeMastodon) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path == "/api/v1/notifications")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_pauses_only_that_account() {
    let s = Setup::new();
    let limited = FakeMastodon::start(seed(20, 5)).await;
    let healthy = FakeMastodon::start(seed(20, 5)).await;
    limited.fail_next(
        "*",
        1,
        Fault::RateLimited {
            reset_in_secs: 3600,
        },
    );
    let (tx, _rx) = unbounded_channel();
    let handle = engine::spawn_with(
        s.db.clone(),
        config(vec![
            account("limited", &limited.base_url),
            account("healthy", &healthy.base_url),
        ]),
        s.paths(),
        assess(),
        tx,
        fast(),
    );
    wait_until("limited is rate-limited", || {
        account_state(&s.db, "limited").is_some_and(|a| a.state.as_str() == "rate-limited")
    })
    .await;
    let requests_when_paused = limited.requests().len();
    // The other account keeps syncing: new mentions arrive while the first waits.
    healthy.add_mentions(9);
    wait_until("healthy caught up", || {
        cached(&s.db, "healthy").len() == healthy.served_status_ids().len()
    })
    .await;
    handle.shutdown().await;
    assert_exactly_served(&s.db, "healthy", &healthy);
    assert_eq!(
        limited.requests().len(),
        requests_when_paused,
        "paused account stayed quiet"
    );
    let st = account_state(&s.db, "limited").expect("state saved");
    let next = st.next_attempt_at.expect("next attempt");
    assert!(
        next > Utc::now() + chrono::Duration::minutes(50),
        "pause honours the reset time"
    );
    assert!(cached(&s.db, "limited").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_marks_needs_reauth_and_stops_polling() {
    let s = Setup::new();
    let fake = FakeMastodon::start(seed(10, 2)).await;
    fake.fail_next("*", 1, Fault::Unauthorized);
    let (tx, mut rx) = unbounded_channel();
    let handle = engine::spawn_with(
        s.db.clone(),
        config(vec![account("revoked", &fake.base_url)]),
        s.paths(),
        assess(),
        tx,
        fast(),
    );
    wait_until("needs-reauth", || {
        account_state(&s.db, "revoked").is_some_and(|a| a.state.as_str() == "needs-reauth")
    })
    .await;
    let after = fake.requests().len();
    // Several poll periods later, still nothing: re-auth retries only every 15 min.
    tokio::time::sleep(Duration::from_millis(600)).await;
    handle.shutdown().await;
    assert_eq!(fake.requests().len(), after);
    let st = account_state(&s.db, "revoked").expect("state");
    let error = st.last_error.expect("error recorded");
    assert!(error.contains("401"), "{error}");
    assert!(!error.contains(TOKEN), "never a token in errors");
    assert!(states_seen(&mut rx, "revoked").contains(&"needs-reauth".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_back_off_then_recover() {
    let s = Setup::new();
    let fake = FakeMastodon::start(seed(120, 30)).await;
    fake.fail_next("*", 3, Fault::ServerError(503));
    let (tx, mut rx) = unbounded_channel();
    let handle = engine::spawn_with(
        s.db.clone(),
        config(vec![account("flaky", &fake.base_url)]),
        s.paths(),
        assess(),
        tx,
        fast(),
    );
    wait_until("recovered", || {
        account_state(&s.db, "flaky").is_some_and(|a| a.state.as_str() == "ok")
            && cached(&s.db, "flaky").len() == 150
    })
    .await;
    handle.shutdown().await;
    assert_exactly_served(&s.db, "flaky", &fake);
    let states = states_seen(&mut rx, "flaky");
    assert!(states.contains(&"error".to_string()), "{states:?}");
    assert_eq!(states.last().map(String::as_str), Some("ok"), "{states:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_json_is_an_error_then_recovers_exactly() {
    let s = Setup::new();
    let fake = FakeMastodon::start(seed(200, 40)).await;
    fake.fail_next("/api/v1/notifications", 2, Fault::TruncatedJson);
    let (tx, mut rx) = unbounded_channel();
    let handle = engine::spawn_with(
        s.db.clone(),
        config(vec![account("broken", &fake.base_url)]),
        s.paths(),
        assess(),
        tx,
        fast(),
    );
    wait_until("recovered", || {
        cached(&s.db, "broken").len() == fake.served_status_ids().len()
    })
    .await;
    handle.shutdown().await;
    assert_exactly_served(&s.db, "broken", &fake);
    let states = states_seen(&mut rx, "broken");
    assert!(states.contains(&"error".to_string()), "{states:?}");
}

/// Forward 127.0.0.1:`port` to `target` (the network "coming back").
async fn proxy(port: u16, target: String) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind the reserved port");
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_start_queues_then_drains_on_reconnect() {
    let s = Setup::new();
    let fake = FakeMastodon::start(seed(12, 3)).await;
    // A first sync fills the cache while the network is up.
    let (tx, _rx) = unbounded_channel();
    let report = engine::run_once_with(
        s.db.clone(),
        config(vec![account("nw", &fake.base_url)]),
        s.paths(),
        assess(),
        tx,
        fast(),
    )
    .await;
    assert!(!report.failed(), "{report:?}");

    // Now offline: the account points at a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let offline_url = format!("http://127.0.0.1:{port}");
    let outbox_id = {
        let mut store = Store::open(&s.db).expect("cache");
        let conversation = store
            .queue(&Default::default(), None, 1)
            .expect("queue")
            .into_iter()
            .next()
            .expect("a conversation");
        store
            .record_reply(
                conversation.id,
                "Alex",
                "Queued while offline",
                None,
                Utc::now(),
            )
            .expect("reply")
    };
    let (tx, mut rx) = unbounded_channel();
    let handle = engine::spawn_with(
        s.db.clone(),
        config(vec![account("nw", &offline_url)]),
        s.paths(),
        assess(),
        tx,
        fast(),
    );
    wait_until("offline", || {
        account_state(&s.db, "nw").is_some_and(|a| a.state.as_str() == "offline")
    })
    .await;
    // The cache stays usable while offline.
    assert!(
        !Store::open(&s.db)
            .expect("cache")
            .queue(&Default::default(), None, 10)
            .expect("queue")
            .is_empty()
    );
    let item = Store::open(&s.db)
        .expect("cache")
        .outbox_item(outbox_id)
        .expect("read");
    assert_eq!(item.expect("item").state.as_str(), "queued");

    let host = fake.base_url.trim_start_matches("http://").to_string();
    let forwarder = proxy(port, host).await;
    wait_until("reply sent", || {
        Store::open(&s.db)
            .ok()
            .and_then(|st| st.outbox_item(outbox_id).ok().flatten())
            .is_some_and(|i| i.state.as_str() == "sent")
    })
    .await;
    handle.shutdown().await;
    forwarder.abort();
    let posted = fake.posted_statuses();
    assert_eq!(posted.len(), 1, "{posted:?}");
    let states = states_seen(&mut rx, "nw");
    assert!(states.contains(&"offline".to_string()), "{states:?}");
    assert!(notification_requests(&fake) > 0);
}
