//! The Mastodon connector against a local fake instance: full and incremental
//! sync into a real cache, pagination, every fault, replies, reconcile, login.

#[path = "fakes/mastodon.rs"]
mod mastodon_fake;

use chrono::Utc;
use hearth::config::{AccountConfig, Config, Paths};
use hearth::model::{
    Assess, Direction, IncomingMessage, IngestPage, Kind, OutboxAction, OutboxState, Platform,
};
use hearth::store::{IngestStats, NewAction, Store};
use hearth::sync::engine::{self, EngineOptions};
use hearth::sync::http::Timeouts;
use hearth::sync::mastodon::Mastodon;
use hearth::sync::{Action, Connector, PageSink, Reconciled, Secret, SyncError, Target};
use hearth::triage::Triage;
use mastodon_fake::{AUTH_CODE, FakeData, FakeMastodon, Fault, InstanceInfo};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const ACCOUNT: &str = "shop-mastodon";

fn account_listening(base_url: &str, hashtags: &[&str], keywords: &[&str]) -> AccountConfig {
    let list = |items: &[&str]| {
        items
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "name = \"{ACCOUNT}\"\nplatform = \"mastodon\"\nbrand = \"Northwind\"\nbase_url = \"{base_url}\"\nhashtags = [{}]\nkeywords = [{}]\n",
        list(hashtags),
        list(keywords)
    );
    toml::from_str(&text).expect("account config")
}

fn connector(fake: &FakeMastodon, hashtags: &[&str]) -> Mastodon {
    connector_listening(fake, hashtags, &[])
}

fn connector_listening(fake: &FakeMastodon, hashtags: &[&str], keywords: &[&str]) -> Mastodon {
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_millis(400),
    };
    Mastodon::with_timeouts(
        &account_listening(&fake.base_url, hashtags, keywords),
        Secret::new("test-token"),
        timeouts,
    )
    .expect("connector")
    // One commit per HTTP page, so faults can be injected between pages.
    .with_commit_batch(1)
}

/// Commits pages the way the engine does; `after_page` lets a test inject faults mid-sync.
struct StoreSink {
    store: Store,
    triage: Triage,
    pages: usize,
    after_page: Option<Box<dyn FnMut(usize) + Send>>,
    /// Every reply limit the connector reported.
    limits: Vec<usize>,
}

#[async_trait::async_trait]
impl PageSink for StoreSink {
    fn cursor(&self, key: &str) -> Option<String> {
        self.store.cursor(ACCOUNT, key).ok().flatten()
    }

    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        let stats = self.store.ingest(&page, &self.triage)?;
        self.pages += 1;
        if let Some(hook) = self.after_page.as_mut() {
            hook(self.pages);
        }
        Ok(stats)
    }

    async fn set_reply_limit(&mut self, limit: usize) -> Result<(), SyncError> {
        self.limits.push(limit);
        Ok(())
    }
}

fn sink(dir: &Path) -> StoreSink {
    StoreSink {
        store: Store::open(&dir.join("cache.sqlite3")).expect("store"),
        triage: Triage::new(&Config::default()).expect("triage"),
        pages: 0,
        after_page: None,
        limits: Vec::new(),
    }
}

fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("cache.sqlite3")).expect("open db")
}

fn cached(dir: &Path, direction: &str) -> Vec<String> {
    let conn = db(dir);
    let mut stmt = conn
        .prepare("SELECT platform_id FROM messages WHERE direction = ?1 ORDER BY platform_id")
        .expect("prepare");
    stmt.query_map([direction], |r| r.get::<_, String>(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

fn thread_of(dir: &Path, platform_id: &str) -> (String, i64) {
    db(dir)
        .query_row(
            "SELECT c.thread_id, (SELECT count(*) FROM messages WHERE conversation_id = c.id)
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.platform_id = ?1",
            [platform_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("message cached")
}

fn assert_exactly_served(dir: &Path, fake: &FakeMastodon) {
    let cached = cached(dir, "inbound");
    let unique: BTreeSet<&String> = cached.iter().collect();
    assert_eq!(unique.len(), cached.len(), "duplicates in the cache");
    let mut served = fake.served_status_ids();
    served.sort();
    assert_eq!(cached, served);
}

fn seed(mentions: usize, dms: usize, page_limit_max: usize) -> FakeData {
    FakeData {
        mentions,
        dms,
        token: "test-token".into(),
        page_limit_max,
    }
}

fn notification_requests(fake: &FakeMastodon) -> Vec<mastodon_fake::RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/notifications")
        .collect()
}

#[tokio::test]
async fn full_then_incremental_sync() {
    let fake = FakeMastodon::start(seed(150, 50, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &[]);

    let outcome = mastodon.sync(&mut sink).await.expect("full sync");
    assert_eq!(outcome.pause_until, None);
    assert_exactly_served(dir.path(), &fake);
    let cursor = sink.cursor("notifications").expect("cursor set");
    assert!(
        cursor.chars().all(|c| c.is_ascii_digit()),
        "backfill finished: {cursor}"
    );
    // Every request identified itself and carried the token.
    for r in fake.requests() {
        assert!(
            r.header("user-agent")
                .is_some_and(|ua| ua.starts_with("hearth/"))
        );
        assert_eq!(r.header("authorization"), Some("Bearer test-token"));
    }
    let kinds: Vec<(String, Kind)> = db(dir.path())
        .prepare("SELECT thread_id, kind FROM conversations")
        .expect("prepare")
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("query")
        .map(|r| {
            let (t, k) = r.expect("row");
            (t, k.parse::<Kind>().expect("kind"))
        })
        .collect();
    assert!(
        kinds
            .iter()
            .any(|(t, k)| *k == Kind::Dm && t.starts_with("dm:user"))
    );
    assert!(kinds.iter().any(|(_, k)| *k == Kind::Mention));

    fake.clear_requests();
    fake.add_mentions(30);
    mastodon.sync(&mut sink).await.expect("incremental sync");
    assert_exactly_served(dir.path(), &fake);
    let notif = notification_requests(&fake);
    assert!(
        notif.iter().all(|r| r.query.contains("min_id=")),
        "incremental by min_id"
    );
    assert!(
        notif
            .iter()
            .all(|r| r.query.contains("types%5B%5D=mention"))
    );

    // A third round finds nothing new and changes nothing.
    let before = cached(dir.path(), "inbound").len();
    mastodon.sync(&mut sink).await.expect("idle sync");
    assert_eq!(cached(dir.path(), "inbound").len(), before);
}

#[tokio::test]
async fn pagination_across_many_pages() {
    let fake = FakeMastodon::start(seed(800, 200, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    connector(&fake, &[]).sync(&mut sink).await.expect("sync");
    assert_exactly_served(dir.path(), &fake);
    let pages = notification_requests(&fake);
    // 1,000 mentions (plus follows filtered out by the server) at 40 per page.
    assert!(pages.len() >= 25, "{} notification requests", pages.len());
    assert!(
        pages
            .iter()
            .skip(1)
            .take(20)
            .all(|r| r.query.contains("max_id="))
    );
}

/// Sync until `pages` pages are committed, then inject `fault`; the round fails
/// with the expected class, the cache holds a consistent prefix, and the next
/// round completes with exactly the served set.
async fn fault_mid_sync(fault: Fault, after_pages: usize, check: fn(&SyncError) -> bool) {
    let fake = std::sync::Arc::new(FakeMastodon::start(seed(300, 100, 40)).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let injector = fake.clone();
    let scripted = fault.clone();
    sink.after_page = Some(Box::new(move |n| {
        if n == after_pages {
            injector.fail_next("/api/v1/notifications", 1, scripted.clone());
        }
    }));
    let mastodon = connector(&fake, &[]);
    let err = mastodon.sync(&mut sink).await.expect_err("fault surfaces");
    assert!(check(&err), "{fault:?} gave {err:?}");
    let partial = cached(dir.path(), "inbound");
    assert!(!partial.is_empty() && partial.len() < fake.served_status_ids().len());
    let served: BTreeSet<String> = fake.served_status_ids().into_iter().collect();
    assert!(partial.iter().all(|id| served.contains(id)));
    sink.after_page = None;
    mastodon.sync(&mut sink).await.expect("recovers");
    assert_exactly_served(dir.path(), &fake);

    // The same fault during an incremental round leaves the cache unchanged.
    fake.add_mentions(50);
    fake.fail_next("/api/v1/notifications", 1, fault);
    let before = cached(dir.path(), "inbound");
    let err = mastodon.sync(&mut sink).await.expect_err("fault surfaces");
    assert!(check(&err), "{err:?}");
    assert_eq!(cached(dir.path(), "inbound"), before);
    mastodon.sync(&mut sink).await.expect("recovers");
    assert_exactly_served(dir.path(), &fake);
}

#[tokio::test]
async fn rate_limited_pauses_until_the_reset_time() {
    let start = Utc::now();
    fault_mid_sync(Fault::RateLimited { reset_in_secs: 600 }, 2, |e| {
        matches!(e, SyncError::RateLimited { until }
            if *until > Utc::now() + chrono::Duration::seconds(500)
                && *until < Utc::now() + chrono::Duration::seconds(700))
    })
    .await;
    assert!(Utc::now() >= start);
}

#[tokio::test]
async fn server_errors_are_server_class() {
    fault_mid_sync(Fault::ServerError(503), 3, |e| {
        matches!(e, SyncError::Server { status: 503, .. })
    })
    .await;
}

#[tokio::test]
async fn unauthorized_needs_reauth() {
    fault_mid_sync(Fault::Unauthorized, 1, |e| {
        matches!(e, SyncError::Auth { status: 401, .. })
    })
    .await;
}

#[tokio::test]
async fn truncated_json_is_malformed() {
    fault_mid_sync(
        Fault::TruncatedJson,
        2,
        |e| matches!(e, SyncError::Malformed { snippet, .. } if snippet.starts_with('[')),
    )
    .await;
}

#[tokio::test]
async fn slow_answers_time_out() {
    fault_mid_sync(Fault::Slow(Duration::from_secs(3)), 2, |e| {
        matches!(e, SyncError::Timeout { .. })
    })
    .await;
}

#[tokio::test]
async fn spent_budget_on_a_success_pauses_the_round() {
    let fake = FakeMastodon::start(seed(200, 0, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &[]);
    fake.set_rate_limit_remaining(Some(0));
    let outcome = mastodon.sync(&mut sink).await.expect("sync");
    assert!(outcome.pause_until.is_some_and(|t| t > Utc::now()));
    // It stopped after the first page instead of spending more.
    assert_eq!(notification_requests(&fake).len(), 1);
    assert_eq!(cached(dir.path(), "inbound").len(), 40);
    fake.set_rate_limit_remaining(None);
    let outcome = mastodon.sync(&mut sink).await.expect("sync");
    assert_eq!(outcome.pause_until, None);
    assert_exactly_served(dir.path(), &fake);
}

fn find_status(fake: &FakeMastodon, visibility: &str) -> serde_json::Value {
    fake.served_status_ids()
        .iter()
        .filter_map(|id| fake.status(id))
        .find(|s| s["visibility"] == visibility && s["in_reply_to_id"].is_null())
        .expect("a seeded status")
}

fn target(kind: Kind, thread_id: &str, message_id: &str) -> Target {
    Target {
        account: ACCOUNT.into(),
        kind,
        thread_id: thread_id.into(),
        message_id: Some(message_id.into()),
        last_inbound_at: None,
        attempted_at: None,
    }
}

#[tokio::test]
async fn dm_reply_stays_direct_and_is_not_duplicated_when_fetched_back() {
    let fake = FakeMastodon::start(seed(20, 10, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &[]);
    mastodon.sync(&mut sink).await.expect("sync");

    let dm = find_status(&fake, "direct");
    let dm_id = dm["id"].as_str().expect("id").to_string();
    let acct = dm["account"]["acct"].as_str().expect("acct").to_string();
    let (thread, _) = thread_of(dir.path(), &dm_id);
    assert_eq!(thread, format!("dm:{acct}"));
    let action = Action::Reply {
        body: "Sorry! The refund went out today.".into(),
    };
    let t = target(Kind::Dm, &thread, &dm_id);
    let reply_id = mastodon.perform(&t, &action).await.expect("reply");

    let post = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/api/v1/statuses")
        .expect("POST recorded");
    assert_eq!(post.param("visibility").as_deref(), Some("direct"));
    assert_eq!(
        post.param("in_reply_to_id").as_deref(),
        Some(dm_id.as_str())
    );
    assert_eq!(
        post.param("status"),
        Some(format!("@{acct} Sorry! The refund went out today."))
    );
    let key = post
        .header("idempotency-key")
        .expect("idempotency key")
        .to_string();

    // A retry (say after a timeout) carries the same key: the server creates nothing new.
    let again = mastodon.perform(&t, &action).await.expect("retry");
    assert_eq!(again, reply_id);
    assert_eq!(fake.posted_statuses().len(), 1);
    let keys: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .filter_map(|r| r.header("idempotency-key").map(str::to_string))
        .collect();
    assert_eq!(keys, vec![key.clone(), key]);

    // The engine records our reply with the platform's id; sync fetches it back.
    let ours = IncomingMessage {
        account: ACCOUNT.into(),
        platform: Platform::Mastodon,
        kind: Kind::Dm,
        thread_id: thread.clone(),
        platform_id: reply_id.clone(),
        direction: Direction::Outbound,
        author: "Brand Shop".into(),
        body: "Sorry! The refund went out today.".into(),
        sent_at: Utc::now(),
        context: None,
        brand: None,
        location: None,
        rating: None,
    };
    sink.accept(IngestPage {
        messages: vec![ours],
        cursor: None,
    })
    .await
    .expect("record reply");
    mastodon.sync(&mut sink).await.expect("sync");
    assert_eq!(cached(dir.path(), "outbound"), vec![reply_id.clone()]);
    assert_eq!(thread_of(dir.path(), &reply_id).0, thread);
    assert_exactly_served(dir.path(), &fake);

    // After a crash the reply is found again; a different text is not.
    assert_eq!(
        mastodon.reconcile(&t, &action).await.expect("reconcile"),
        Reconciled::Sent {
            platform_id: reply_id
        }
    );
    let other = Action::Reply {
        body: "Something else".into(),
    };
    assert_eq!(
        mastodon.reconcile(&t, &other).await.expect("reconcile"),
        Reconciled::NotSent
    );
}

#[tokio::test]
async fn public_reply_keeps_visibility_and_joins_the_thread() {
    let fake = FakeMastodon::start(seed(20, 0, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &[]);
    mastodon.sync(&mut sink).await.expect("sync");
    let mention = find_status(&fake, "public");
    let id = mention["id"].as_str().expect("id").to_string();
    let (thread, _) = thread_of(dir.path(), &id);
    let reply_id = mastodon
        .perform(
            &target(Kind::Mention, &thread, &id),
            &Action::Reply {
                body: "Yes, 9 to 5!".into(),
            },
        )
        .await
        .expect("reply");
    let posted = fake.posted_statuses();
    assert_eq!(posted[0]["visibility"], "public");
    assert_eq!(posted[0]["in_reply_to_id"], id.as_str());
    // Made outside hearth's outbox (nothing recorded locally): sync files it in the thread.
    mastodon.sync(&mut sink).await.expect("sync");
    assert_eq!(thread_of(dir.path(), &reply_id), (thread, 2));
}

#[tokio::test]
async fn moderation_is_limited_to_our_own_statuses() {
    let fake = FakeMastodon::start(seed(5, 0, 40)).await;
    let mastodon = connector(&fake, &[]);
    let theirs = find_status(&fake, "public")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let t = target(Kind::Mention, &theirs, &theirs);
    assert!(matches!(
        mastodon.perform(&t, &Action::Hide).await,
        Err(SyncError::Unsupported(_))
    ));
    assert!(matches!(
        mastodon.perform(&t, &Action::Delete).await,
        Err(SyncError::Rejected { status: 404, .. })
    ));
    let ours = fake.our_status_ids()[0].clone();
    let t = target(Kind::Mention, &ours, &ours);
    assert_eq!(
        mastodon.perform(&t, &Action::Delete).await.expect("delete"),
        ours
    );
    assert!(fake.status(&ours).is_none());
    assert_eq!(
        mastodon
            .reconcile(&t, &Action::Delete)
            .await
            .expect("reconcile"),
        Reconciled::Sent { platform_id: ours }
    );
}

#[tokio::test]
async fn hashtags_are_a_monitor_feed() {
    let fake = FakeMastodon::start(seed(3, 0, 40)).await;
    fake.add_tagged("coffee", 5);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &["#coffee"]);
    mastodon.sync(&mut sink).await.expect("sync");
    assert_exactly_served(dir.path(), &fake);
    fake.add_tagged("coffee", 3);
    fake.add_tagged("tea", 2);
    mastodon.sync(&mut sink).await.expect("sync");
    let contexts: Vec<String> = db(dir.path())
        .prepare("SELECT context FROM conversations WHERE context = '#coffee'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(contexts.len(), 8);
    let tag_requests: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/timelines/tag/coffee")
        .collect();
    assert!(
        tag_requests
            .iter()
            .skip(1)
            .all(|r| r.query.contains("min_id="))
    );
}

#[tokio::test]
async fn login_registers_exchanges_and_stores_the_token() {
    let fake = FakeMastodon::start(seed(1, 0, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("tokens").join(format!("{ACCOUNT}.token"));
    let mut input = std::io::Cursor::new(format!("  {AUTH_CODE}\n"));
    let mut output = Vec::new();
    let who = hearth::sync::mastodon::login::login(
        &fake.base_url,
        &path,
        Timeouts::default(),
        &mut input,
        &mut output,
    )
    .await
    .expect("login");
    assert_eq!(who.acct, "brand");
    assert_eq!(
        std::fs::read_to_string(&path).expect("token").trim(),
        "test-token"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let shown = String::from_utf8(output).expect("utf8");
    assert!(shown.contains("/oauth/authorize?client_id=fake-client-id"));
    assert!(shown.contains("urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"));
    assert!(!shown.contains("test-token"), "the token is never printed");
    let apps = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/apps")
        .expect("app registered");
    assert_eq!(apps.param("scopes").as_deref(), Some("read write"));

    // A wrong code fails with the server's explanation and writes nothing.
    let other = dir.path().join("tokens").join("other.token");
    let err = hearth::sync::mastodon::login::login(
        &fake.base_url,
        &other,
        Timeouts::default(),
        &mut std::io::Cursor::new("wrong\n"),
        &mut Vec::new(),
    )
    .await
    .expect_err("bad code");
    assert!(
        matches!(err, SyncError::Rejected { status: 400, ref message } if message.contains("invalid")),
        "{err:?}"
    );
    assert!(!other.exists());
}

/// What the store shows for a conversation: (platform id, direction), oldest first.
fn conversation_messages(sink: &StoreSink, thread: &str) -> Vec<(String, Direction)> {
    let id = sink
        .store
        .conversation_id(ACCOUNT, thread)
        .expect("lookup")
        .unwrap_or_else(|| panic!("no conversation {thread}"));
    sink.store
        .messages(id, 100)
        .expect("messages")
        .into_iter()
        .map(|m| (m.platform_id, m.direction))
        .collect()
}

fn context_requests(fake: &FakeMastodon) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/context"))
        .count()
}

#[tokio::test]
async fn a_public_back_and_forth_stays_one_conversation() {
    let fake = FakeMastodon::start(seed(8, 0, 40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &[]);
    mastodon.sync(&mut sink).await.expect("sync");
    let standalone: Vec<String> = fake
        .served_status_ids()
        .into_iter()
        .filter(|id| {
            fake.status(id)
                .is_some_and(|s| s["in_reply_to_id"].is_null())
        })
        .collect();
    let (m1, other) = (standalone[0].clone(), standalone[1].clone());
    assert_eq!(thread_of(dir.path(), &m1), (m1.clone(), 1));

    // Our reply, the way the engine sends it: recorded locally, performed, marked sent.
    let reply = |body: &str| Action::Reply { body: body.into() };
    let conv = sink
        .store
        .conversation_id(ACCOUNT, &m1)
        .expect("lookup")
        .expect("conversation");
    // The fake's clock is its own: "now" for the reply is just after M1 there.
    let m1_at = fake.status(&m1).expect("M1")["created_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("M1 time")
        .with_timezone(&Utc);
    let now = m1_at + chrono::Duration::milliseconds(1);
    let outbox = sink
        .store
        .record_reply(conv, "Alex", "Which branch was it?", None, now)
        .expect("queue");
    let r1 = mastodon
        .perform(
            &target(Kind::Mention, &m1, &m1),
            &reply("Which branch was it?"),
        )
        .await
        .expect("reply 1");
    sink.store
        .mark_outbox_sent(outbox, &r1, now)
        .expect("mark sent");
    mastodon.sync(&mut sink).await.expect("sync back R1");

    // The customer answers our reply; we answer again; they answer that.
    let m2 = fake
        .add_customer_reply(&m1, &r1, "The one on Main Street.")
        .expect("M2");
    mastodon.sync(&mut sink).await.expect("sync M2");
    let r2 = mastodon
        .perform(
            &target(Kind::Mention, &m1, &m2),
            &reply("Thanks, refund is on its way."),
        )
        .await
        .expect("reply 2");
    mastodon.sync(&mut sink).await.expect("sync back R2");
    fake.clear_requests();
    let m3 = fake
        .add_customer_reply(&m1, &r2, "Got it, thank you!")
        .expect("M3");
    // Others chime in under our second reply in the same round: one lookup for all.
    let also: Vec<String> = (0..3)
        .map(|i| {
            fake.add_customer_reply(&other, &r2, &format!("me too {i}"))
                .expect("extra reply")
        })
        .collect();
    mastodon.sync(&mut sink).await.expect("sync M3");
    assert_eq!(
        context_requests(&fake),
        1,
        "one lookup per thread per round"
    );

    let mut expected = vec![
        (m1.clone(), Direction::Inbound),
        (r1, Direction::Outbound),
        (m2, Direction::Inbound),
        (r2, Direction::Outbound),
        (m3, Direction::Inbound),
    ];
    expected.extend(also.into_iter().map(|id| (id, Direction::Inbound)));
    assert_eq!(conversation_messages(&sink, &m1), expected);
    // A mention that is not part of the exchange keeps its own conversation.
    assert_eq!(thread_of(dir.path(), &other), (other.clone(), 1));
    assert_eq!(
        cached(dir.path(), "outbound").len(),
        2,
        "no duplicate replies"
    );
}

const SEARCH: &str = "/api/v2/search";

fn search_requests(fake: &FakeMastodon) -> Vec<mastodon_fake::RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == SEARCH)
        .collect()
}

fn query_value(request: &mastodon_fake::RecordedRequest, key: &str) -> Option<String> {
    request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// (platform id, kind, context, brand) of every cached message, by platform id.
fn cached_rows(dir: &Path) -> Vec<(String, String, Option<String>, Option<String>)> {
    db(dir)
        .prepare(
            "SELECT m.platform_id, c.kind, c.context, c.brand FROM messages m
             JOIN conversations c ON c.id = m.conversation_id ORDER BY m.platform_id",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

fn keyword_ids(dir: &Path, context: &str) -> Vec<String> {
    cached_rows(dir)
        .into_iter()
        .filter(|(_, _, c, _)| c.as_deref() == Some(context))
        .map(|(id, ..)| id)
        .collect()
}

#[tokio::test]
async fn keywords_are_a_monitor_feed() {
    let fake = FakeMastodon::start(seed(3, 1, 40)).await;
    let mut posts: Vec<String> = (0..3)
        .map(|i| fake.add_keyword_post(&format!("Tried the NORTHWIND oat latte #{i}")))
        .collect();
    let ours = fake.add_our_post("Northwind opens on Sunday!");
    let mention = fake.add_mention_with_text("is Northwind open on Sunday?");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector_listening(&fake, &[], &["northwind", " Northwind ", ""]);
    mastodon.sync(&mut sink).await.expect("first sync");

    // Every stranger's post once; ours is not a conversation; the mention is
    // filed as a mention, not as a keyword hit.
    assert_exactly_served(dir.path(), &fake);
    assert_eq!(keyword_ids(dir.path(), "keyword: northwind"), posts);
    let rows = cached_rows(dir.path());
    assert!(rows.iter().all(|(id, ..)| *id != ours));
    let mention_row = rows
        .iter()
        .find(|(id, ..)| *id == mention)
        .expect("mention");
    assert_eq!(mention_row.2.as_deref(), Some("Mention"));
    for (id, kind, _, brand) in &rows {
        if posts.contains(id) {
            assert_eq!(
                (kind.as_str(), brand.as_deref()),
                ("mention", Some("Northwind"))
            );
        }
    }
    // One keyword despite the repeats; the first run asks for the newest page only.
    let first = search_requests(&fake);
    assert_eq!(first.len(), 1);
    assert_eq!(query_value(&first[0], "q").as_deref(), Some("northwind"));
    assert_eq!(query_value(&first[0], "type").as_deref(), Some("statuses"));
    assert_eq!(query_value(&first[0], "min_id"), None);

    fake.clear_requests();
    posts.push(fake.add_keyword_post("Northwind vs the chain café: no contest"));
    posts.push(fake.add_keyword_post("anyone been to northwind lately?"));
    mastodon.sync(&mut sink).await.expect("incremental sync");
    let second = search_requests(&fake);
    assert_eq!(second.len(), 1);
    // Forward from the newest match seen (the mention, the last one added).
    assert_eq!(
        query_value(&second[0], "min_id").as_deref(),
        Some(mention.as_str())
    );
    assert_eq!(keyword_ids(dir.path(), "keyword: northwind"), posts);
    assert_exactly_served(dir.path(), &fake);

    // Nothing new: nothing changes.
    let before = cached_rows(dir.path());
    mastodon.sync(&mut sink).await.expect("repeat sync");
    assert_eq!(cached_rows(dir.path()), before);
    assert_eq!(
        sink.store
            .cursor(ACCOUNT, "keyword:northwind")
            .expect("cursor"),
        posts.last().cloned()
    );
}

/// More than a page of new matches between rounds lands complete, whether the
/// server answers `min_id` with the newest matches or with the ones right after.
#[tokio::test]
async fn keyword_backlog_beyond_one_page_is_not_skipped() {
    for newest_first in [true, false] {
        let fake = FakeMastodon::start(seed(2, 0, 40)).await;
        fake.set_search_newest_first(newest_first);
        fake.add_keyword_post("northwind first");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(dir.path());
        let mastodon = connector_listening(&fake, &[], &["Northwind"]);
        mastodon.sync(&mut sink).await.expect("first sync");
        for i in 0..95 {
            fake.add_keyword_post(&format!("northwind post {i}"));
        }
        mastodon.sync(&mut sink).await.expect("backlog sync");
        assert_exactly_served(dir.path(), &fake);
        assert_eq!(keyword_ids(dir.path(), "keyword: Northwind").len(), 96);
        mastodon.sync(&mut sink).await.expect("repeat");
        assert_eq!(keyword_ids(dir.path(), "keyword: Northwind").len(), 96);
    }
}

#[tokio::test]
async fn a_failing_search_does_not_fail_the_round() {
    let fake = FakeMastodon::start(seed(6, 2, 40)).await;
    fake.add_tagged("coffee", 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector_listening(&fake, &["coffee"], &["northwind", "latte"]);
    fake.add_keyword_post("northwind is lovely");
    fake.fail_next(SEARCH, 1, Fault::ServerError(503));
    let outcome = mastodon.sync(&mut sink).await.expect("round is OK");
    assert_eq!(outcome.pause_until, None);
    // The other feeds synced (mentions, DMs, hashtag); the failed keyword waits,
    // the next keyword was still searched.
    assert_eq!(keyword_ids(dir.path(), "#coffee").len(), 2);
    assert!(keyword_ids(dir.path(), "keyword: northwind").is_empty());
    assert_eq!(cached(dir.path(), "inbound").len(), 6 + 2 + 2);
    let searched: Vec<_> = search_requests(&fake)
        .iter()
        .filter_map(|r| query_value(r, "q"))
        .collect();
    assert_eq!(searched, ["northwind", "latte"]);

    // Next round catches up; a 429 pauses the round instead of failing it.
    mastodon.sync(&mut sink).await.expect("retry");
    assert_exactly_served(dir.path(), &fake);
    fake.fail_next(SEARCH, 1, Fault::RateLimited { reset_in_secs: 120 });
    let outcome = mastodon.sync(&mut sink).await.expect("rate-limited round");
    assert!(outcome.pause_until.is_some_and(|t| t > Utc::now()));
    assert_exactly_served(dir.path(), &fake);
}

// Strike actions: mute (a suspension) and block (a ban) of a status's author.

/// A seeded public mention: (status id, its author's account id).
fn public_mention(fake: &FakeMastodon) -> (String, String) {
    let status = find_status(fake, "public");
    let id = status["id"].as_str().expect("id").to_string();
    let author = status["account"]["id"]
        .as_str()
        .expect("author")
        .to_string();
    (id, author)
}

/// (method, path) of every request since the last `clear_requests`.
fn calls(fake: &FakeMastodon) -> Vec<(String, String)> {
    fake.requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

fn call(method: &str, path: String) -> (String, String) {
    (method.to_string(), path)
}

#[tokio::test]
async fn mute_for_the_strike_days_then_block_the_author() {
    let fake = FakeMastodon::start(seed(5, 0, 40)).await;
    let mastodon = connector(&fake, &[]);
    let (status, author) = public_mention(&fake);
    let t = target(Kind::Mention, &status, &status);

    let muted = mastodon
        .perform(&t, &Action::Mute { days: 7 })
        .await
        .expect("mute");
    assert_eq!(muted, author, "the muted account's id comes back");
    assert_eq!(
        calls(&fake),
        vec![
            call("GET", format!("/api/v1/statuses/{status}")),
            call("POST", format!("/api/v1/accounts/{author}/mute")),
        ]
    );
    let post = fake.requests().pop().expect("the mute");
    assert_eq!(
        post.params(),
        vec![("duration".to_string(), "604800".to_string())]
    );
    assert!(
        post.header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")),
        "{:?}",
        post.header("content-type")
    );
    assert_eq!(post.header("authorization"), Some("Bearer test-token"));
    let relationship = fake.relationship(&author).expect("known account");
    assert_eq!(relationship["muting"], true);
    assert_eq!(relationship["muting_notifications"], true);
    assert!(relationship["muting_expires_at"].is_string());
    assert_eq!(relationship["blocking"], false);

    fake.clear_requests();
    let blocked = mastodon.perform(&t, &Action::Block).await.expect("block");
    assert_eq!(blocked, author);
    assert_eq!(
        calls(&fake),
        vec![
            call("GET", format!("/api/v1/statuses/{status}")),
            call("POST", format!("/api/v1/accounts/{author}/block")),
        ]
    );
    let post = fake.requests().pop().expect("the block");
    assert!(post.params().is_empty(), "block takes no parameters");
    assert_eq!(fake.relationship(&author).expect("known")["blocking"], true);

    // Both are idempotent on the instance: after a crash they are simply sent
    // again, and sending again succeeds.
    for action in [Action::Mute { days: 7 }, Action::Block] {
        assert_eq!(
            mastodon.reconcile(&t, &action).await.expect("reconcile"),
            Reconciled::NotSent,
            "{action:?}"
        );
        assert_eq!(mastodon.perform(&t, &action).await.expect("again"), author);
    }

    // A Page ban has no Mastodon equivalent: refused without a request.
    fake.clear_requests();
    let err = mastodon.perform(&t, &Action::Ban).await.unwrap_err();
    assert!(matches!(err, SyncError::Unsupported(_)), "{err:?}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn muting_fails_clearly_without_a_visible_status_or_on_faults() {
    let fake = FakeMastodon::start(seed(5, 0, 40)).await;
    let mastodon = connector(&fake, &[]);

    // The status is gone: a 404 that says why, and nothing is muted.
    let gone = target(Kind::Mention, "1", "1");
    let err = mastodon
        .perform(&gone, &Action::Mute { days: 7 })
        .await
        .unwrap_err();
    match &err {
        SyncError::Rejected {
            status: 404,
            message,
        } => {
            assert!(message.contains("status 1"), "{message}");
            assert!(message.contains("mute"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    // No message to act on: refused before any request.
    fake.clear_requests();
    let mut none = target(Kind::Mention, "1", "1");
    none.message_id = None;
    let err = mastodon.perform(&none, &Action::Block).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Rejected { status: 0, .. }),
        "{err:?}"
    );
    assert!(fake.requests().is_empty());

    // A revoked token and a 429 on the mute itself keep their classes.
    let (status, author) = public_mention(&fake);
    let t = target(Kind::Mention, &status, &status);
    let route = format!("/api/v1/accounts/{author}/mute");
    fake.fail_next(&route, 1, Fault::Unauthorized);
    let err = mastodon
        .perform(&t, &Action::Mute { days: 7 })
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::Auth { status: 401, .. }),
        "{err:?}"
    );
    fake.fail_next(&route, 1, Fault::RateLimited { reset_in_secs: 600 });
    let err = mastodon
        .perform(&t, &Action::Mute { days: 7 })
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::RateLimited { until }
            if until > Utc::now() + chrono::Duration::seconds(500)),
        "{err:?}"
    );
    assert_eq!(
        fake.relationship(&author).expect("known")["muting"],
        false,
        "neither attempt muted anyone"
    );
}

// The instance's status length limit.

fn instance_requests(fake: &FakeMastodon) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/instance"))
        .map(|r| r.path)
        .collect()
}

#[tokio::test]
async fn the_status_limit_is_learned_once_from_v2_or_v1() {
    const V2: &str = "/api/v2/instance";
    const V1: &str = "/api/v1/instance";
    let cases = [
        (
            InstanceInfo::Current {
                max_characters: 5000,
            },
            Some(5000),
            vec![V2],
        ),
        (
            InstanceInfo::V1Only {
                max_characters: 1000,
            },
            Some(1000),
            vec![V2, V1],
        ),
        (
            InstanceInfo::Fork {
                max_toot_chars: 3000,
            },
            Some(3000),
            vec![V2, V1],
        ),
        (InstanceInfo::Missing, None, vec![V2, V1]),
    ];
    for (info, limit, asked) in cases {
        let fake = FakeMastodon::start(seed(4, 2, 40)).await;
        fake.set_instance(info.clone());
        let dir = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(dir.path());
        let mastodon = connector(&fake, &[]);
        let outcome = mastodon.sync(&mut sink).await.expect("the round succeeds");
        assert_eq!(outcome.pause_until, None, "{info:?}");
        assert_exactly_served(dir.path(), &fake);
        assert_eq!(
            sink.limits,
            limit.into_iter().collect::<Vec<_>>(),
            "{info:?}"
        );
        assert_eq!(instance_requests(&fake), asked, "{info:?}");
        // Once per connector: later rounds do not ask again.
        fake.add_mentions(3);
        mastodon.sync(&mut sink).await.expect("second round");
        assert_exactly_served(dir.path(), &fake);
        assert_eq!(instance_requests(&fake), asked, "{info:?}");
        assert_eq!(sink.limits.len(), usize::from(limit.is_some()), "{info:?}");
    }
}

#[tokio::test]
async fn a_failing_instance_endpoint_does_not_fail_the_round() {
    let fake = FakeMastodon::start(seed(4, 2, 40)).await;
    fake.set_instance(InstanceInfo::Current {
        max_characters: 2000,
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sink = sink(dir.path());
    let mastodon = connector(&fake, &[]);

    // A 503, then a 429: each round still succeeds, and the next asks again.
    fake.fail_next("/api/v2/instance", 1, Fault::ServerError(503));
    let outcome = mastodon.sync(&mut sink).await.expect("503 round");
    assert_eq!(outcome.pause_until, None);
    assert_exactly_served(dir.path(), &fake);
    assert!(sink.limits.is_empty());
    fake.fail_next(
        "/api/v2/instance",
        1,
        Fault::RateLimited { reset_in_secs: 120 },
    );
    let outcome = mastodon.sync(&mut sink).await.expect("429 round");
    assert!(
        outcome.pause_until.is_some_and(|t| t > Utc::now()),
        "a 429 pauses the account like any other"
    );
    assert!(sink.limits.is_empty());
    mastodon.sync(&mut sink).await.expect("third round");
    assert_eq!(sink.limits, vec![2000]);
    assert_eq!(instance_requests(&fake).len(), 3);
    // A broken body is retried the same way (a new connector asks afresh).
    let again = connector(&fake, &[]);
    let dir2 = tempfile::tempdir().expect("tempdir");
    let mut sink2 = self::sink(dir2.path());
    fake.fail_next("/api/v2/instance", 1, Fault::TruncatedJson);
    again.sync(&mut sink2).await.expect("truncated round");
    assert!(sink2.limits.is_empty());
    again.sync(&mut sink2).await.expect("next round");
    assert_eq!(sink2.limits, vec![2000]);
}

// The same through the engine, as the app runs it.

/// An engine run against `fake`: a cache, config and paths in a temp dir.
struct Engine {
    dir: tempfile::TempDir,
    config: Config,
}

impl Engine {
    fn new(fake: &FakeMastodon) -> Engine {
        let dir = tempfile::tempdir().expect("tempdir");
        Store::open(&dir.path().join("cache.sqlite3")).expect("create cache");
        let account: AccountConfig = toml::from_str(&format!(
            "name = \"{ACCOUNT}\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\ntoken_cmd = \"printf test-token\"\n",
            fake.base_url
        ))
        .expect("account config");
        Engine {
            dir,
            config: Config {
                accounts: vec![account],
                ..Config::default()
            },
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("cache.sqlite3")
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).expect("cache")
    }

    async fn round(&self) -> engine::SyncReport {
        let (events, _ignored) = tokio::sync::mpsc::unbounded_channel();
        let paths = Paths {
            config_dir: self.dir.path().join("config"),
            data_dir: self.dir.path().join("data"),
        };
        let assess: Arc<dyn Assess + Send + Sync> =
            Arc::new(Triage::new(&Config::default()).expect("triage"));
        let report = tokio::time::timeout(
            Duration::from_secs(60),
            engine::run_once_with(
                self.db(),
                self.config.clone(),
                paths,
                assess,
                events,
                EngineOptions::default(),
            ),
        )
        .await
        .expect("round finished in time");
        assert!(!report.failed(), "{report:?}");
        report
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_sends_a_queued_mute_and_marks_it_sent() {
    let fake = FakeMastodon::start(seed(6, 0, 40)).await;
    let engine = Engine::new(&fake);
    engine.round().await;
    let (status, author) = public_mention(&fake);
    let conversation: i64 = rusqlite::Connection::open(engine.db())
        .expect("open")
        .query_row(
            "SELECT conversation_id FROM messages WHERE platform_id = ?1",
            [&status],
            |r| r.get(0),
        )
        .expect("the mention is cached");
    // What the core queues for a strike's suspension: the days in the body.
    let outbox_id = engine
        .store()
        .queue_action(
            &NewAction {
                conversation_id: conversation,
                action: OutboxAction::Mute,
                body: "7".into(),
                target_id: Some(status.clone()),
                reason: None,
                author: Some("user".into()),
            },
            Utc::now(),
        )
        .expect("queue");
    fake.clear_requests();

    let report = engine.round().await;
    assert_eq!(report.accounts[0].sent, 1, "{report:?}");
    let item = engine
        .store()
        .outbox_item(outbox_id)
        .expect("read")
        .expect("item");
    assert_eq!(item.state, OutboxState::Sent);
    assert_eq!(item.platform_id.as_deref(), Some(author.as_str()));
    let mutes: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == format!("/api/v1/accounts/{author}/mute"))
        .collect();
    assert_eq!(mutes.len(), 1);
    assert_eq!(mutes[0].param("duration").as_deref(), Some("604800"));
    assert_eq!(fake.relationship(&author).expect("known")["muting"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_round_the_cache_holds_the_instance_limit() {
    let fake = FakeMastodon::start(seed(3, 1, 40)).await;
    fake.set_instance(InstanceInfo::Current {
        max_characters: 11_000,
    });
    let engine = Engine::new(&fake);
    assert_eq!(engine.store().reply_limit(ACCOUNT).expect("read"), None);
    engine.round().await;
    assert_eq!(
        engine.store().reply_limit(ACCOUNT).expect("read"),
        Some(11_000)
    );
}
