//! The engine against a scripted in-process connector: pages and cursors, outbox
//! exactly-once (claim, reconcile, retry), and per-account fault states.

mod scripted;

use super::*;
use crate::demo::test_assess::KeywordAssess;
use crate::model::OutboxState as state;
use crate::model::{Cursor, Direction, IncomingMessage, IngestPage, Kind, Platform};
use crate::store::Store;
use crate::sync::{Action, Reconciled};
use chrono::{TimeZone, Utc};
use scripted::Scripted;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

fn account(name: &str) -> AccountConfig {
    AccountConfig {
        base_url: Some("http://127.0.0.1:9".into()),
        ..AccountConfig::new(name, Platform::Mastodon)
    }
}

fn message(acct: &str, id: u32, thread: &str) -> IncomingMessage {
    IncomingMessage {
        account: acct.into(),
        platform: Platform::Mastodon,
        kind: Kind::Mention,
        thread_id: thread.into(),
        platform_id: format!("s{id}"),
        direction: Direction::Inbound,
        author: "Dana".into(),
        body: format!("hello {id}?"),
        sent_at: Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
            + chrono::Duration::seconds(id.into()),
        context: None,
        brand: None,
        location: None,
        rating: None,
    }
}

fn page(acct: &str, ids: std::ops::Range<u32>, cursor: &str) -> IngestPage {
    IngestPage {
        messages: ids
            .map(|i| message(acct, i, &format!("t{}", i % 3)))
            .collect(),
        cursor: Some(Cursor {
            account: acct.into(),
            key: "mentions".into(),
            value: cursor.into(),
        }),
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    db: PathBuf,
    paths: Paths,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.sqlite3");
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    Store::open(&db).unwrap();
    Setup {
        _dir: dir,
        db,
        paths,
    }
}

/// Options that route every account to its scripted connector (or an error).
fn options(connectors: Vec<(&str, Result<Scripted, SyncError>)>) -> EngineOptions {
    let map: std::collections::HashMap<String, Result<Scripted, SyncError>> = connectors
        .into_iter()
        .map(|(n, c)| (n.to_string(), c))
        .collect();
    EngineOptions {
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(100),
        reauth_retry: Duration::from_secs(3600),
        outbox_check: Duration::from_millis(20),
        poll_override: Some(Duration::from_millis(50)),
        factory: Arc::new(
            move |a: &AccountConfig, _p: &Paths| match map.get(&a.name) {
                Some(Ok(c)) => Ok(Box::new(c.clone()) as Box<dyn Connector>),
                Some(Err(e)) => Err(e.clone()),
                None => Err(SyncError::Unsupported(a.name.clone())),
            },
        ),
    }
}

fn config(names: &[&str]) -> Config {
    Config {
        accounts: names.iter().map(|n| account(n)).collect(),
        ..Config::default()
    }
}

fn assess() -> Arc<dyn Assess + Send + Sync> {
    Arc::new(KeywordAssess)
}

async fn once(
    s: &Setup,
    names: &[&str],
    opts: EngineOptions,
) -> (SyncReport, UnboundedReceiver<SyncEvent>) {
    let (tx, rx) = unbounded_channel();
    let report = run_once_with(
        s.db.clone(),
        config(names),
        s.paths.clone(),
        assess(),
        tx,
        opts,
    )
    .await;
    (report, rx)
}

fn platform_ids(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    let mut ids = Vec::new();
    for c in store.queue(&Default::default(), None, 1000).unwrap() {
        ids.extend(
            store
                .messages(c.id, 1000)
                .unwrap()
                .into_iter()
                .map(|m| m.platform_id),
        );
    }
    ids.sort();
    ids
}

fn state_of(db: &Path, acct: &str) -> crate::store::AccountState {
    Store::open(db)
        .unwrap()
        .account_states()
        .unwrap()
        .into_iter()
        .find(|a| a.account == acct)
        .unwrap()
}

#[tokio::test]
async fn pages_commit_with_their_cursor_and_resume_from_it() {
    let s = setup();
    let c = Scripted::with(|s| {
        s.rounds
            .push_back(Ok(vec![page("a", 0..5, "c5"), page("a", 5..9, "c9")]));
        s.rounds.push_back(Ok(vec![page("a", 9..10, "c10")]));
    });
    let (report, mut rx) = once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert!(!report.failed(), "{report:?}");
    assert_eq!(report.inserted(), 9);
    let (report, _) = once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert_eq!(report.inserted(), 1);
    assert_eq!(c.script().cursors_seen, vec![None, Some("c9".into())]);
    assert_eq!(platform_ids(&s.db).len(), 10);
    assert_eq!(state_of(&s.db, "a").state, crate::model::AccountStatus::Ok);
    let mut ingested = false;
    while let Ok(e) = rx.try_recv() {
        ingested |= matches!(e, SyncEvent::Ingested { .. });
    }
    assert!(ingested, "the UI hears about new conversations");
}

#[tokio::test]
async fn a_failing_page_keeps_earlier_pages_and_their_cursor() {
    let s = setup();
    let c = Scripted::with(|s| {
        s.rounds.push_back(Ok(vec![page("a", 0..3, "c3")]));
        s.rounds.push_back(Err(SyncError::Malformed {
            message: "eof".into(),
            snippet: "[{\"id\"".into(),
        }));
    });
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    let (report, _) = once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert!(report.failed());
    assert_eq!(report.accounts[0].state, crate::model::AccountStatus::Error);
    let st = state_of(&s.db, "a");
    assert!(st.last_error.unwrap().contains("malformed"));
    assert!(st.last_sync_at.is_some(), "the earlier sync is remembered");
    assert_eq!(platform_ids(&s.db).len(), 3);
}

#[tokio::test]
async fn a_rate_limit_is_reported_with_its_reset_not_as_a_failure() {
    let s = setup();
    // Whole milliseconds: what the cache keeps.
    let until = in_ms(Utc::now() + chrono::Duration::seconds(2));
    let limited = Scripted::with(|s| {
        s.rounds.push_back(Err(SyncError::RateLimited { until }));
    });
    let fine = Scripted::with(|s| s.rounds.push_back(Ok(vec![page("b", 0..2, "c2")])));
    let opts = options(vec![("a", Ok(limited.clone())), ("b", Ok(fine))]);
    let (mut report, _) = once(&s, &["a", "b"], opts).await;
    assert!(!report.failed(), "{report:?}");
    assert_eq!(
        report.rate_limited().collect::<Vec<_>>(),
        vec![("a", until)]
    );
    assert_eq!(
        report.accounts[0].state,
        crate::model::AccountStatus::RateLimited
    );
    assert_eq!(report.accounts[0].error, None);

    // Started again before the reset (a cron job, `sync --once` in a loop): the
    // stored pause holds and the platform is not asked.
    let (early, _) = once(&s, &["a"], options(vec![("a", Ok(limited.clone()))])).await;
    assert_eq!(early.rate_limited().collect::<Vec<_>>(), vec![("a", until)]);
    assert_eq!(limited.script().sync_calls, 1, "no round before the reset");

    // The account's next round (after the wait) is folded into the same report.
    let wait = (until - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(50)).await;
    let (again, _) = once(&s, &["a"], options(vec![("a", Ok(limited.clone()))])).await;
    assert_eq!(limited.script().sync_calls, 2);
    report.absorb(again);
    assert_eq!(report.rate_limited().count(), 0, "{report:?}");
    assert_eq!(report.accounts.len(), 2);
    assert_eq!(report.inserted(), 2);
    assert_eq!(report.accounts[0].state, crate::model::AccountStatus::Ok);
}

#[tokio::test]
async fn a_pause_from_an_earlier_run_holds_for_the_spawned_engine_and_hearth_reply() {
    let s = setup();
    let until = in_ms(Utc::now() + chrono::Duration::seconds(3));
    let limited = Scripted::with(|s| s.rounds.push_back(Err(SyncError::RateLimited { until })));
    let (report, _) = once(&s, &["a"], options(vec![("a", Ok(limited.clone()))])).await;
    assert_eq!(
        report.rate_limited().collect::<Vec<_>>(),
        vec![("a", until)]
    );

    // A reply queued meanwhile: `hearth reply` leaves it for the engine.
    let (_, outbox) = conversation_with_reply(&s, "a", "we are on it");
    let sent = send_outbox_item(
        &s.db,
        &account("a"),
        &s.paths,
        outbox,
        std::sync::Arc::new(crate::demo::test_assess::KeywordAssess),
        options(vec![("a", Ok(limited.clone()))]),
    )
    .await
    .unwrap();
    assert_eq!(sent, None, "not attempted while paused");
    assert!(limited.script().performed.is_empty());

    // The engine restarted (the TUI, `hearth sync`) waits for the reset too.
    let (tx, _rx) = unbounded_channel();
    let handle = spawn_with(
        s.db.clone(),
        config(&["a"]),
        s.paths.clone(),
        assess(),
        tx,
        options(vec![("a", Ok(limited.clone()))]),
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(Utc::now() < until, "the test checks before the reset");
    assert_eq!(limited.script().sync_calls, 1, "no round before the reset");
    assert!(
        limited.script().performed.is_empty(),
        "no send before the reset"
    );
    let st = state_of(&s.db, "a");
    assert_eq!(st.state, crate::model::AccountStatus::RateLimited);
    assert_eq!(st.next_attempt_at, Some(until));
    // After it, rounds and sends resume.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while limited.script().performed.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    handle.shutdown().await;
    let script = limited.script();
    assert!(script.sync_calls >= 2, "rounds resumed after the reset");
    assert_eq!(script.performed.len(), 1, "the queued reply went out once");
    assert_eq!(outbox_item(&s, outbox).state, state::Sent);
}

fn in_ms(t: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap()
}

/// A conversation with one inbound message, and a reply recorded on it.
fn conversation_with_reply(s: &Setup, acct: &str, text: &str) -> (i64, i64) {
    let mut store = Store::open(&s.db).unwrap();
    store
        .ingest(&page(acct, 1..2, "c1"), &KeywordAssess)
        .unwrap();
    let conv = store.conversation_id(acct, "t1").unwrap().unwrap();
    let outbox = store
        .record_reply(conv, "Alex", text, None, Utc::now())
        .unwrap();
    (conv, outbox)
}

fn outbox_item(s: &Setup, id: i64) -> crate::store::OutboxItem {
    Store::open(&s.db)
        .unwrap()
        .outbox_item(id)
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_reply_is_sent_once_and_takes_the_platform_id() {
    let s = setup();
    let (conv, id) = conversation_with_reply(&s, "a", "thanks!");
    let c = Scripted::with(|s| s.performs.push_back(Ok("p-77".into())));
    let (report, _) = once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert_eq!(report.accounts[0].sent, 1);
    let item = outbox_item(&s, id);
    assert_eq!(
        (item.state.as_str(), item.platform_id.as_deref()),
        ("sent", Some("p-77"))
    );
    {
        let script = c.script();
        assert_eq!(script.performed.len(), 1);
        let (target, action) = &script.performed[0];
        assert_eq!(target.message_id.as_deref(), Some("s1"));
        assert_eq!(target.thread_id, "t1");
        assert_eq!(
            action,
            &Action::Reply {
                body: "thanks!".into()
            }
        );
    }
    let store = Store::open(&s.db).unwrap();
    let ids: Vec<String> = store
        .messages(conv, 10)
        .unwrap()
        .into_iter()
        .map(|m| m.platform_id)
        .collect();
    assert!(ids.contains(&"p-77".to_string()), "{ids:?}");
    drop(store);
    // Another round does not send it again.
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert_eq!(c.script().performed.len(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_reconciled_not_resent() {
    let s = setup();
    let (_, id) = conversation_with_reply(&s, "a", "hi");
    let c = Scripted::with(|s| {
        s.performs
            .push_back(Err(SyncError::Timeout { host: "h".into() }));
        s.reconciles.push_back(Ok(Reconciled::Sent {
            platform_id: "p-found".into(),
        }));
    });
    let opts = options(vec![("a", Ok(c.clone()))]);
    once(&s, &["a"], opts.clone()).await;
    assert_eq!(outbox_item(&s, id).state, state::Sending);
    once(&s, &["a"], opts).await;
    let item = outbox_item(&s, id);
    assert_eq!(
        (item.state.as_str(), item.platform_id.as_deref()),
        ("sent", Some("p-found"))
    );
    assert_eq!(c.script().performed.len(), 1, "never posted twice");
}

#[tokio::test]
async fn crash_leftovers_follow_the_platforms_answer() {
    let s = setup();
    let (_, unknown) = conversation_with_reply(&s, "a", "one");
    let store = Store::open(&s.db).unwrap();
    let conv = store.conversation_id("a", "t1").unwrap().unwrap();
    drop(store);
    let mut store = Store::open(&s.db).unwrap();
    let not_sent = store
        .record_reply(conv, "Alex", "two", None, Utc::now())
        .unwrap();
    // A crash left both in "sending".
    store.mark_outbox_sending(unknown, Utc::now()).unwrap();
    store.mark_outbox_sending(not_sent, Utc::now()).unwrap();
    drop(store);
    let c = Scripted::with(|s| {
        s.reconciles.push_back(Ok(Reconciled::Unknown));
        s.reconciles.push_back(Ok(Reconciled::NotSent));
        s.performs.push_back(Ok("p-2".into()));
    });
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert_eq!(outbox_item(&s, unknown).state, state::Unknown);
    let item = outbox_item(&s, not_sent);
    assert_eq!(
        (item.state.as_str(), item.platform_id.as_deref()),
        ("sent", Some("p-2"))
    );
    let performed = &c.script().performed;
    assert_eq!(performed.len(), 1);
    assert_eq!(performed[0].1, Action::Reply { body: "two".into() });
}

#[tokio::test]
async fn refusals_fail_and_transient_errors_retry() {
    let s = setup();
    let (conv, closed) = conversation_with_reply(&s, "a", "late");
    let c = Scripted::with(|s| {
        s.performs
            .push_back(Err(SyncError::WindowClosed("24 hours passed".into())));
    });
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    let item = outbox_item(&s, closed);
    assert_eq!(item.state, state::Failed);
    assert!(item.error.unwrap().contains("window"));
    // The refused reply answered nothing: the conversation is back in the queue,
    // with its deadline and the reason.
    let back = Store::open(&s.db)
        .unwrap()
        .conversation(conv)
        .unwrap()
        .unwrap();
    assert_eq!(back.status, crate::model::Status::Open);
    assert!(back.due_at.is_some(), "{back:?}");
    assert!(
        back.send_error
            .as_deref()
            .is_some_and(|e| e.contains("window")),
        "{back:?}"
    );

    let retry = Store::open(&s.db)
        .unwrap()
        .queue_action(
            &crate::store::NewAction {
                conversation_id: conv,
                action: crate::model::OutboxAction::Hide,
                body: String::new(),
                target_id: Some("s1".into()),
                reason: None,
                author: None,
            },
            Utc::now(),
        )
        .unwrap();
    let c = Scripted::with(|s| {
        s.performs.push_back(Err(SyncError::Connect {
            host: "h".into(),
            reason: "refused".into(),
        }));
    });
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    let item = outbox_item(&s, retry);
    assert_eq!(item.state, state::Queued);
    assert!(item.error.is_some());
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    assert_eq!(outbox_item(&s, retry).state, state::Sent);
    let performed = &c.script().performed;
    assert_eq!(
        performed[1].0.message_id.as_deref(),
        Some("s1"),
        "moderation targets its message"
    );
    assert_eq!(performed[1].1, Action::Hide);
}

#[tokio::test]
async fn auth_failure_on_send_leaves_the_reply_queued() {
    let s = setup();
    let (_, id) = conversation_with_reply(&s, "a", "x");
    let c = Scripted::with(|s| {
        s.performs.push_back(Err(SyncError::Auth {
            status: 401,
            message: "invalid token".into(),
        }));
    });
    let (report, _) = once(&s, &["a"], options(vec![("a", Ok(c))])).await;
    assert_eq!(
        report.accounts[0].state,
        crate::model::AccountStatus::NeedsReauth
    );
    assert_eq!(outbox_item(&s, id).state, state::Queued);
}

async fn wait_for(mut cond: impl FnMut() -> bool) {
    tokio::time::timeout(Duration::from_secs(20), async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("condition not reached in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_failing_leaves_the_others_running() {
    let s = setup();
    let healthy = Scripted::with(|s| {
        for i in 0..4u32 {
            s.rounds
                .push_back(Ok(vec![page("good", i * 2..i * 2 + 2, &format!("c{i}"))]));
        }
    });
    let reauth = Scripted::with(|s| {
        s.rounds.push_back(Err(SyncError::Auth {
            status: 401,
            message: "token revoked".into(),
        }));
    });
    let until = Utc::now() + chrono::Duration::hours(1);
    let limited = Scripted::with(|s| s.rounds.push_back(Err(SyncError::RateLimited { until })));
    let opts = options(vec![
        ("good", Ok(healthy.clone())),
        ("bad", Ok(reauth.clone())),
        ("slow", Ok(limited.clone())),
        ("nocreds", Err(SyncError::Config("no token".into()))),
    ]);
    let (tx, _rx) = unbounded_channel();
    let engine = spawn_with(
        s.db.clone(),
        config(&["good", "bad", "slow", "nocreds"]),
        s.paths.clone(),
        assess(),
        tx,
        opts,
    );
    assert_eq!(engine.accounts(), 4);
    wait_for(|| healthy.script().sync_calls >= 5).await;
    engine.shutdown().await;
    assert_eq!(reauth.script().sync_calls, 1, "no polling after 401");
    assert_eq!(
        limited.script().sync_calls,
        1,
        "paused until the stated time"
    );
    assert_eq!(
        state_of(&s.db, "bad").state,
        crate::model::AccountStatus::NeedsReauth
    );
    assert_eq!(
        state_of(&s.db, "nocreds").state,
        crate::model::AccountStatus::NeedsReauth
    );
    let slow = state_of(&s.db, "slow");
    assert_eq!(slow.state, crate::model::AccountStatus::RateLimited);
    let next = slow.next_attempt_at.unwrap();
    assert!((next - until).num_seconds().abs() <= 1, "{next} vs {until}");
    assert_eq!(
        state_of(&s.db, "good").state,
        crate::model::AccountStatus::Ok
    );
    assert_eq!(platform_ids(&s.db).len(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_start_backs_off_then_drains_the_queue() {
    let s = setup();
    let (_, id) = conversation_with_reply(&s, "a", "queued while offline");
    let offline = || SyncError::Connect {
        host: "h".into(),
        reason: "refused".into(),
    };
    let c = Scripted::with(|s| {
        for _ in 0..3 {
            s.rounds.push_back(Err(offline()));
        }
        s.performs.push_back(Ok("p-9".into()));
    });
    let (tx, mut rx) = unbounded_channel();
    let engine = spawn_with(
        s.db.clone(),
        config(&["a"]),
        s.paths.clone(),
        assess(),
        tx,
        options(vec![("a", Ok(c.clone()))]),
    );
    let db = s.db.clone();
    wait_for(|| outbox_item(&s, id).state == state::Sent).await;
    engine.shutdown().await;
    assert!(c.script().sync_calls >= 4);
    let mut states = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if let SyncEvent::AccountState { state, .. } = e {
            states.push(state);
        }
    }
    assert!(
        states.contains(&crate::model::AccountStatus::Offline),
        "{states:?}"
    );
    assert_eq!(
        states.last(),
        Some(&crate::model::AccountStatus::Ok),
        "{states:?}"
    );
    assert_eq!(state_of(&db, "a").state, crate::model::AccountStatus::Ok);
}

#[tokio::test]
async fn a_round_learns_the_tier_corrections_made_by_another_process() {
    let s = setup();
    let c = Scripted::with(|s| {
        s.rounds.push_back(Ok(vec![page("a", 0..3, "c3")]));
        s.rounds.push_back(Ok(vec![page("a", 3..4, "c4")]));
    });
    once(&s, &["a"], options(vec![("a", Ok(c.clone()))])).await;
    // `hearth tier ID 1` in another process, while this one keeps syncing.
    {
        let mut store = Store::open(&s.db).unwrap();
        let id = store.queue(&Default::default(), None, 10).unwrap()[0].id;
        crate::inbox::Inbox::new(&mut store, &Config::default(), &KeywordAssess)
            .retier(id, Some(crate::model::Tier::Revenue), Utc::now())
            .unwrap();
    }
    let triage = Arc::new(crate::triage::Triage::new(&Config::default()).unwrap());
    assert_eq!(triage.learned_corrections(), 0);
    let (tx, _rx) = unbounded_channel();
    let shared: Arc<dyn Assess + Send + Sync> = triage.clone();
    let report = run_once_with(
        s.db.clone(),
        config(&["a"]),
        s.paths.clone(),
        shared,
        tx,
        options(vec![("a", Ok(c.clone()))]),
    )
    .await;
    assert!(!report.failed(), "{report:?}");
    assert_eq!(triage.learned_corrections(), 1);
}
