//! The Facebook Page and Instagram connectors against a local fake Graph API,
//! committing through a real Store.

#[path = "fakes/meta.rs"]
mod meta_fake;

use chrono::{Duration, Utc};
use hearth::config::Config;
use hearth::config::accounts::AccountConfig;
use hearth::model::{
    Direction, IngestPage, Kind, MessageState, PageFacts, Platform, Status, reply_refusal,
    reply_window,
};
use hearth::store::{IngestStats, Store};
use hearth::sync::http::Timeouts;

use hearth::sync::meta::{Facebook, Instagram};
use hearth::sync::{Action, Connector, PageSink, Reconciled, Secret, SyncError, Target};
use hearth::triage::Triage;
use meta_fake::{FakeMeta, Fault, IG_USER_ID, PAGE_ID, Route, Seed, TOKEN};
use std::collections::BTreeSet;
use std::time::Duration as StdDuration;

const FB: &str = "shop-fb";
const IG: &str = "shop-ig";
/// Every test's network wait is bounded by this.
const LIMIT: StdDuration = StdDuration::from_secs(60);

struct StoreSink {
    store: Store,
    triage: Triage,
    account: String,
    pages: usize,
    _dir: tempfile::TempDir,
}

impl StoreSink {
    fn new(account: &str) -> StoreSink {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("cache.db")).expect("open store");
        StoreSink {
            store,
            triage: Triage::new(&Config::default()).expect("triage"),
            account: account.into(),
            pages: 0,
            _dir: dir,
        }
    }

    /// Platform ids cached for this account, and the number of message rows.
    fn cached(&self) -> (BTreeSet<String>, usize) {
        let conn = rusqlite::Connection::open(self.store.path()).expect("open");
        let mut stmt = conn
            .prepare("SELECT platform_id FROM messages WHERE account = ?1")
            .expect("prepare");
        let ids: Vec<String> = stmt
            .query_map([&self.account], |r| r.get(0))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        let n = ids.len();
        (ids.into_iter().collect(), n)
    }

    fn direction_of(&self, platform_id: &str) -> Option<(Direction, String)> {
        let conn = rusqlite::Connection::open(self.store.path()).expect("open");
        conn.query_row(
            "SELECT direction, body FROM messages WHERE account = ?1 AND platform_id = ?2",
            (&self.account, platform_id),
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .ok()
        .map(|(d, b)| (d.parse().expect("direction"), b))
    }
}

#[async_trait::async_trait]
impl PageSink for StoreSink {
    fn cursor(&self, key: &str) -> Option<String> {
        self.store.cursor(&self.account, key).ok().flatten()
    }
    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        self.accept_with(page, PageFacts::default()).await
    }
    async fn accept_with(
        &mut self,
        page: IngestPage,
        facts: PageFacts,
    ) -> Result<IngestStats, SyncError> {
        self.pages += 1;
        Ok(self
            .store
            .ingest_with(&page, Some((&self.account, &facts)), &self.triage)?)
    }
    async fn thread_of(&mut self, platform_id: &str) -> Result<Option<String>, SyncError> {
        Ok(self.store.thread_of(&self.account, platform_id)?)
    }
}

fn account(name: &str, platform: Platform, base: &str) -> AccountConfig {
    let toml = format!(
        "name = \"{name}\"\nplatform = \"{platform}\"\nbase_url = \"{base}\"\npage_id = \"{PAGE_ID}\"\nig_user_id = \"{IG_USER_ID}\"\nbrand = \"Shop\"\n"
    );
    toml::from_str(&toml).expect("account config")
}

fn facebook(fake: &FakeMeta) -> Facebook {
    Facebook::from_config(
        &account(FB, Platform::Facebook, &fake.base_url),
        Secret::new(TOKEN),
    )
    .expect("facebook")
}

fn instagram(fake: &FakeMeta) -> Instagram {
    Instagram::from_config(
        &account(IG, Platform::Instagram, &fake.base_url),
        Secret::new(TOKEN),
    )
    .expect("instagram")
}

async fn sync(
    c: &dyn Connector,
    sink: &mut StoreSink,
) -> Result<hearth::sync::RoundOutcome, SyncError> {
    tokio::time::timeout(LIMIT, c.sync(sink))
        .await
        .expect("sync finished in time")
}

async fn perform(c: &dyn Connector, t: &Target, a: &Action) -> Result<String, SyncError> {
    tokio::time::timeout(LIMIT, c.perform(t, a))
        .await
        .expect("perform finished in time")
}

fn count(fake: &FakeMeta, method: &str, suffix: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(suffix))
        .count()
}

fn comment_target(account: &str, thread: &str, message: Option<&str>) -> Target {
    Target {
        account: account.into(),
        kind: Kind::Comment,
        thread_id: thread.into(),
        message_id: message.map(str::to_string),
        last_inbound_at: None,
        attempted_at: None,
    }
}

/// A seeded Facebook top-level comment that has replies.
fn top_level_comment(fake: &FakeMeta) -> String {
    fake.ids(false)
        .into_iter()
        .find(|id| !fake.replies(id).is_empty())
        .expect("a comment with replies")
}

#[tokio::test]
async fn facebook_full_then_incremental() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let mut sink = StoreSink::new(FB);

    let outcome = sync(&fb, &mut sink).await.expect("first sync");
    assert_eq!(outcome.pause_until, None);
    let (cached, rows) = sink.cached();
    assert_eq!(
        cached,
        fake.ids(false),
        "first sync caches exactly the Page's items"
    );
    assert_eq!(rows, cached.len());

    // Messages the Page wrote are outbound; customers' are inbound.
    let conv = fake.conversation("t_1");
    for (id, from, _) in &conv {
        let (direction, _) = sink.direction_of(id).expect("cached");
        let want = if from == PAGE_ID {
            Direction::Outbound
        } else {
            Direction::Inbound
        };
        assert_eq!(direction, want, "{id}");
    }
    // Comment threads are top-level comments with the post as context.
    let store = &sink.store;
    let top = top_level_comment(&fake);
    let conv_id = store
        .conversation_id(FB, &top)
        .expect("query")
        .expect("thread exists");
    let c = store
        .conversation(conv_id)
        .expect("query")
        .expect("conversation");
    assert_eq!(c.kind, Kind::Comment);
    assert!(
        c.context
            .as_deref()
            .is_some_and(|x| x.starts_with("Post: Post number")),
        "{:?}",
        c.context
    );
    assert_eq!(
        store.messages(conv_id, 100).expect("messages").len(),
        1 + fake.replies(&top).len()
    );

    // Nothing changed: no conversation's messages are read again, nothing new lands.
    fake.clear_requests();
    sync(&fb, &mut sink).await.expect("idle sync");
    assert_eq!(count(&fake, "GET", "/messages"), 0);
    assert_eq!(sink.cached().1, rows);

    // One new DM and one new reply comment: only they are fetched and cached.
    fake.advance(Duration::minutes(5));
    let dm = fake.customer_writes("t_0", "is the shop open sunday?");
    let reply = fake.someone_comments(&fake.post_ids(false)[1], Some(&top), "me too");
    fake.clear_requests();
    sync(&fb, &mut sink).await.expect("incremental sync");
    assert_eq!(
        count(&fake, "GET", "/messages"),
        1,
        "only the updated conversation"
    );
    let (cached, rows2) = sink.cached();
    assert!(cached.contains(&dm) && cached.contains(&reply));
    assert_eq!(cached, fake.ids(false));
    assert_eq!(rows2, rows + 2);
    assert!(
        fake.requests().iter().any(|r| r.param("since").is_some()),
        "comments read with since"
    );
}

#[tokio::test]
async fn instagram_full_then_incremental() {
    let fake = FakeMeta::start(Seed::default()).await;
    let ig = instagram(&fake);
    let mut sink = StoreSink::new(IG);
    sync(&ig, &mut sink).await.expect("first sync");
    let (cached, rows) = sink.cached();
    assert_eq!(cached, fake.ids(true));
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == format!("/{PAGE_ID}/conversations")
                && r.param("platform") == Some("instagram"))
    );

    // Unchanged comment counts: media comments are not read again.
    fake.clear_requests();
    sync(&ig, &mut sink).await.expect("idle sync");
    assert_eq!(count(&fake, "GET", "/comments"), 0);
    assert_eq!(count(&fake, "GET", "/messages"), 0);

    fake.advance(Duration::minutes(3));
    let media = fake.post_ids(true)[0].clone();
    let top = fake.someone_comments(&media, None, "price?");
    let reply = fake.someone_comments(&media, Some(&top), "same question");
    let dm = fake.customer_writes("aWdf1", "price of the blue one?");
    fake.clear_requests();
    sync(&ig, &mut sink).await.expect("incremental");
    assert_eq!(
        count(&fake, "GET", "/comments"),
        1,
        "only the media whose count changed"
    );
    let (cached, rows2) = sink.cached();
    assert_eq!(cached, fake.ids(true));
    assert_eq!(rows2, rows + 3);
    let (direction, _) = sink.direction_of(&dm).expect("dm cached");
    assert_eq!(direction, Direction::Inbound);
    let conv_id = sink
        .store
        .conversation_id(IG, &top)
        .expect("q")
        .expect("thread");
    let ids: Vec<String> = sink
        .store
        .messages(conv_id, 10)
        .expect("m")
        .into_iter()
        .map(|m| m.platform_id)
        .collect();
    assert!(
        ids.contains(&reply),
        "the reply joins its top-level comment's thread"
    );
}

#[tokio::test]
async fn pagination_across_many_pages_keeps_the_token_out_of_urls() {
    let fake = FakeMeta::start(Seed {
        messenger_conversations: 60,
        messages_per_conversation: 7,
        posts: 30,
        comments_per_post: 40,
        replies_per_comment: 2,
        max_limit: 5,
        ..Seed::default()
    })
    .await;
    let fb = facebook(&fake);
    let mut sink = StoreSink::new(FB);
    sync(&fb, &mut sink).await.expect("sync");
    let (cached, rows) = sink.cached();
    let expected = fake.ids(false);
    assert_eq!(cached.len(), 60 * 7 + 30 * 40 * 3);
    assert_eq!(cached, expected);
    assert_eq!(rows, expected.len());
    assert!(
        sink.pages > 60,
        "committed per conversation and per post, not at the end"
    );
    let requests = fake.requests();
    assert!(
        requests
            .iter()
            .filter(|r| r.param("after").is_some())
            .count()
            > 100
    );
    for r in &requests {
        assert_eq!(
            r.param("access_token"),
            None,
            "token in URL: {} {}",
            r.method,
            r.path
        );
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert!(
            r.header("user-agent")
                .is_some_and(|ua| ua.starts_with("hearth/"))
        );
    }
}

#[tokio::test]
async fn each_fault_class_maps_to_its_error_and_loses_nothing() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let mut sink = StoreSink::new(FB);

    fake.fail_next(Route::Conversations, 1, Fault::AppRateLimit);
    match sync(&fb, &mut sink).await {
        Err(SyncError::RateLimited { until }) => assert!(until > Utc::now()),
        other => panic!("code 4: {other:?}"),
    }
    fake.fail_next(Route::Conversations, 1, Fault::BucRateLimit { minutes: 9 });
    match sync(&fb, &mut sink).await {
        Err(SyncError::RateLimited { until }) => assert!(until > Utc::now() + Duration::minutes(8)),
        other => panic!("code 80001: {other:?}"),
    }
    fake.fail_next(Route::Conversations, 1, Fault::ExpiredToken);
    assert!(matches!(
        sync(&fb, &mut sink).await,
        Err(SyncError::Auth { .. })
    ));
    fake.fail_next(Route::Conversations, 1, Fault::Transient);
    assert!(matches!(
        sync(&fb, &mut sink).await,
        Err(SyncError::Server { status: 500, .. })
    ));
    assert_eq!(sink.cached().1, 0);

    // DMs commit, then the comments fail: the next round picks up exactly the rest.
    fake.fail_next(Route::Comments, 1, Fault::TruncatedJson);
    assert!(matches!(
        sync(&fb, &mut sink).await,
        Err(SyncError::Malformed { .. })
    ));
    let partial = sink.cached().0;
    assert!(!partial.is_empty() && partial.len() < fake.ids(false).len());
    fake.fail_next(Route::Messages, 1, Fault::Transient);
    fake.advance(Duration::minutes(1));
    fake.customer_writes("t_2", "hello?");
    assert!(sync(&fb, &mut sink).await.is_err());
    sync(&fb, &mut sink).await.expect("recovers");
    let (cached, rows) = sink.cached();
    assert_eq!(cached, fake.ids(false));
    assert_eq!(rows, cached.len(), "no duplicates");

    // A usage header at 100% ends the round early with a pause, committing what it has.
    fake.advance(Duration::minutes(1));
    fake.someone_comments(&fake.post_ids(false)[0], None, "late");
    fake.fail_next(Route::Posts, 1, Fault::UsageSpent { minutes: 4 });
    let outcome = sync(&fb, &mut sink).await.expect("paused round");
    assert!(
        outcome
            .pause_until
            .is_some_and(|t| t > Utc::now() + Duration::minutes(3))
    );
    sync(&fb, &mut sink).await.expect("after the pause");
    assert_eq!(sink.cached().0, fake.ids(false));

    // Wrong token.
    let bad = Facebook::from_config(
        &account(FB, Platform::Facebook, &fake.base_url),
        Secret::new("nope"),
    )
    .expect("fb");
    assert!(matches!(
        sync(&bad, &mut sink).await,
        Err(SyncError::Auth { .. })
    ));
}

#[tokio::test]
async fn slow_responses_time_out() {
    let fake = FakeMeta::start(Seed::default()).await;
    let timeouts = Timeouts {
        connect: StdDuration::from_secs(2),
        request: StdDuration::from_millis(300),
    };
    let fb = Facebook::with_timeouts(
        &account(FB, Platform::Facebook, &fake.base_url),
        Secret::new(TOKEN),
        timeouts,
    )
    .expect("fb");
    let mut sink = StoreSink::new(FB);
    fake.fail_next(
        Route::Conversations,
        1,
        Fault::Slow(StdDuration::from_secs(3)),
    );
    assert!(matches!(
        sync(&fb, &mut sink).await,
        Err(SyncError::Timeout { .. })
    ));
    sync(&fb, &mut sink).await.expect("next round is fine");
    assert_eq!(sink.cached().0, fake.ids(false));
}

#[tokio::test]
async fn replies_to_comments_and_reconciles_them() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let top = top_level_comment(&fake);
    let target = comment_target(FB, &top, fake.replies(&top).last().map(|r| r.0.as_str()));
    let text = "Thanks, we ship to Canada!";
    let reply = Action::Reply { body: text.into() };

    assert_eq!(
        fb.reconcile(&target, &reply).await.expect("reconcile"),
        Reconciled::NotSent
    );
    let id = perform(&fb, &target, &reply).await.expect("reply");
    let sent = fake
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("post");
    assert_eq!(sent.path, format!("/{top}/comments"));
    assert!(sent.body.contains("message=Thanks"), "{}", sent.body);
    assert!(
        fake.replies(&top)
            .iter()
            .any(|(rid, from, body)| *rid == id && from == PAGE_ID && body == text)
    );
    assert_eq!(
        fb.reconcile(&target, &reply).await.expect("reconcile"),
        Reconciled::Sent {
            platform_id: id.clone()
        }
    );

    // Fetched back, our reply is outbound and in the same thread.
    let mut sink = StoreSink::new(FB);
    sync(&fb, &mut sink).await.expect("sync");
    assert_eq!(
        sink.direction_of(&id).map(|d| d.0),
        Some(Direction::Outbound)
    );

    let ig = instagram(&fake);
    let media = fake.post_ids(true)[0].clone();
    let ig_top = fake.someone_comments(&media, None, "where can I buy this?");
    let t = comment_target(IG, &ig_top, Some(&ig_top));
    let id = perform(
        &ig,
        &t,
        &Action::Reply {
            body: "link in bio".into(),
        },
    )
    .await
    .expect("ig reply");
    let sent = fake
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("post");
    assert_eq!(sent.path, format!("/{ig_top}/replies"));
    assert_eq!(
        fake.replies(&ig_top),
        vec![(
            id.clone(),
            IG_USER_ID.to_string(),
            "link in bio".to_string()
        )]
    );
    assert_eq!(
        ig.reconcile(
            &t,
            &Action::Reply {
                body: "link in bio".into()
            }
        )
        .await
        .expect("r"),
        Reconciled::Sent { platform_id: id }
    );
    assert_eq!(
        ig.reconcile(
            &t,
            &Action::Reply {
                body: "something else".into()
            }
        )
        .await
        .expect("r"),
        Reconciled::NotSent
    );
}

fn dm_target(account: &str, thread: &str, last_inbound_hours_ago: i64) -> Target {
    Target {
        account: account.into(),
        kind: Kind::Dm,
        thread_id: thread.into(),
        message_id: None,
        last_inbound_at: Some(Utc::now() - Duration::hours(last_inbound_hours_ago)),
        attempted_at: None,
    }
}

#[tokio::test]
async fn messages_respect_the_24_hour_window() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let ig = instagram(&fake);
    fake.customer_writes("t_1", "are you open?");
    fake.customer_writes("aWdf0", "hi!");
    let say = Action::Reply {
        body: "Yes, 10-4!".into(),
    };

    // Closed by our own clock: refused without any request.
    fake.clear_requests();
    for (c, thread) in [
        (&fb as &dyn Connector, "t_1"),
        (&ig as &dyn Connector, "aWdf0"),
    ] {
        let err = perform(c, &dm_target("a", thread, 25), &say)
            .await
            .unwrap_err();
        assert!(matches!(err, SyncError::WindowClosed(_)), "{err:?}");
    }
    assert!(fake.requests().is_empty(), "no request outside the window");
    assert!(
        !reply_window(
            Platform::Facebook,
            Kind::Dm,
            Some(Utc::now() - Duration::hours(25)),
            Utc::now()
        )
        .is_open()
    );

    // Open: Send API with messaging_type RESPONSE to the customer's id.
    let id = perform(&fb, &dm_target(FB, "t_1", 1), &say)
        .await
        .expect("send");
    let sent = fake
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("post");
    assert_eq!(sent.path, format!("/{PAGE_ID}/messages"));
    let body: serde_json::Value = serde_json::from_str(&sent.body).expect("json body");
    assert_eq!(body["messaging_type"], "RESPONSE");
    assert_eq!(body["recipient"]["id"], "24680000001");
    assert_eq!(body["message"]["text"], "Yes, 10-4!");
    assert!(
        fake.conversation("t_1")
            .iter()
            .any(|(mid, from, _)| *mid == id && from == PAGE_ID)
    );

    // The platform's own window error (its clock says two days later) is WindowClosed too.
    fake.advance(Duration::days(2));
    let err = perform(&fb, &dm_target(FB, "t_1", 1), &say)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::WindowClosed(ref m) if m.contains("2018278")),
        "{err:?}"
    );
    let err = perform(&ig, &dm_target(IG, "aWdf0", 1), &say)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::WindowClosed(ref m) if m.contains("2534022")),
        "{err:?}"
    );
    assert_eq!(
        fb.reconcile(&dm_target(FB, "t_1", 1), &say)
            .await
            .expect("r"),
        Reconciled::Unknown
    );
}

#[tokio::test]
async fn our_sent_messages_fetched_back_are_not_duplicated() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let mut sink = StoreSink::new(FB);
    fake.customer_writes("t_0", "do you deliver?");
    sync(&fb, &mut sink).await.expect("sync");
    let conv_id = sink
        .store
        .conversation_id(FB, "t_0")
        .expect("q")
        .expect("conversation");
    let before = sink.store.messages(conv_id, 100).expect("m").len();

    let outbox = sink
        .store
        .record_reply(conv_id, "agent", "We deliver daily", None, Utc::now())
        .expect("record");
    let r = sink.store.conversation_ref(conv_id).expect("ref");
    let target = Target {
        account: r.account,
        kind: r.kind,
        thread_id: r.thread_id,
        message_id: r.last_inbound_id,
        last_inbound_at: r.last_inbound_at,
        attempted_at: None,
    };
    // The seeded clock is "now", so the customer's message is minutes old.
    let id = perform(
        &fb,
        &target,
        &Action::Reply {
            body: "We deliver daily".into(),
        },
    )
    .await
    .expect("send");
    sink.store
        .mark_outbox_sent(outbox, &id, Utc::now())
        .expect("sent");
    sync(&fb, &mut sink).await.expect("sync back");
    let messages = sink.store.messages(conv_id, 100).expect("m");
    assert_eq!(messages.len(), before + 1);
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.body == "We deliver daily")
            .count(),
        1
    );
    assert!(
        messages
            .iter()
            .any(|m| m.platform_id == id && m.direction == Direction::Outbound)
    );
}

#[tokio::test]
async fn hides_unhides_and_deletes_comments() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let ig = instagram(&fake);
    let top = top_level_comment(&fake);
    let target = comment_target(FB, &top, Some(&top));

    assert_eq!(
        perform(&fb, &target, &Action::Hide).await.expect("hide"),
        top
    );
    assert_eq!(fake.comment_state(&top), Some(true));
    let req = fake
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("post");
    assert_eq!(
        (req.path.as_str(), req.body.as_str()),
        (format!("/{top}").as_str(), "is_hidden=true")
    );
    perform(&fb, &target, &Action::Unhide)
        .await
        .expect("unhide");
    assert_eq!(fake.comment_state(&top), Some(false));
    perform(&fb, &target, &Action::Delete)
        .await
        .expect("delete");
    assert_eq!(fake.comment_state(&top), None);
    // Deleting again (a retried outbox item) is done, not an error.
    perform(&fb, &target, &Action::Delete)
        .await
        .expect("delete twice");
    assert!(matches!(
        perform(&fb, &dm_target(FB, "t_0", 1), &Action::Hide).await,
        Err(SyncError::Unsupported(_))
    ));

    let media = fake.post_ids(true)[0].clone();
    let c = fake.someone_comments(&media, None, "spam spam");
    let t = comment_target(IG, &c, Some(&c));
    perform(&ig, &t, &Action::Hide).await.expect("ig hide");
    assert_eq!(fake.comment_state(&c), Some(true));
    let req = fake
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("post");
    assert_eq!(req.body, "hide=true");
    perform(&ig, &t, &Action::Unhide).await.expect("ig unhide");
    assert_eq!(fake.comment_state(&c), Some(false));
    perform(&ig, &t, &Action::Delete).await.expect("ig delete");
    assert_eq!(fake.comment_state(&c), None);
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.method == "DELETE" && r.path == format!("/{c}"))
    );
}

#[test]
fn configs_missing_ids_are_refused() {
    let mut a = account(FB, Platform::Facebook, "http://127.0.0.1:9/v21.0/");
    a.page_id = None;
    assert!(
        matches!(Facebook::from_config(&a, Secret::new(TOKEN)), Err(SyncError::Config(m)) if m.contains("page_id"))
    );
    let mut a = account(IG, Platform::Instagram, "http://127.0.0.1:9/v21.0/");
    a.ig_user_id = None;
    assert!(
        matches!(Instagram::from_config(&a, Secret::new(TOKEN)), Err(SyncError::Config(m)) if m.contains("ig_user_id"))
    );
    let a = account(FB, Platform::Facebook, "http://example.com/v21.0/");
    assert!(matches!(
        Facebook::from_config(&a, Secret::new(TOKEN)),
        Err(SyncError::Config(_))
    ));
}

mod normalise_props {
    use hearth::model::Platform;
    use hearth::sync::meta::normalise::{Origin, dm_message, fb_comment, ig_comment_tree};
    use proptest::prelude::*;

    fn json_from(s: &str) -> serde_json::Value {
        serde_json::from_str(s).unwrap_or(serde_json::Value::String(s.to_string()))
    }

    proptest! {
        #[test]
        fn normalise_never_panics_on_arbitrary_text(s in r#"[\[\]{}":,a-z0-9 _.+\-TZ]{0,200}"#) {
            let origin = Origin {
                account: "a".into(), platform: Platform::Facebook,
                own_ids: vec!["1".into()], brand: None, location: None,
            };
            let v = json_from(&s);
            let _ = dm_message(&origin, "t", &v);
            let _ = fb_comment(&origin, "ctx", &v);
            let _ = ig_comment_tree(&origin, "ctx", &v);
        }
    }
}

/// Stops committing after `budget` pages, like a process killed between commits.
struct KilledAfter<'a> {
    inner: &'a mut StoreSink,
    budget: usize,
}

#[async_trait::async_trait]
impl PageSink for KilledAfter<'_> {
    fn cursor(&self, key: &str) -> Option<String> {
        self.inner.cursor(key)
    }
    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        if self.budget == 0 {
            return Err(SyncError::Store("killed".into()));
        }
        self.budget -= 1;
        self.inner.accept(page).await
    }
}

#[tokio::test]
async fn a_kill_between_any_two_commits_loses_and_duplicates_nothing() {
    for (instagram, account_name) in [(false, FB), (true, IG)] {
        let fake = FakeMeta::start(Seed {
            messenger_conversations: 12,
            ig_conversations: 12,
            messages_per_conversation: 4,
            posts: 5,
            media: 5,
            comments_per_post: 6,
            max_limit: 4,
            ..Seed::default()
        })
        .await;
        let connector: Box<dyn Connector> = if instagram {
            Box::new(instagram_connector(&fake))
        } else {
            Box::new(facebook(&fake))
        };
        let mut sink = StoreSink::new(account_name);
        // Every round dies one commit later than the last, with new items arriving.
        let mut budget = 0;
        loop {
            fake.advance(Duration::seconds(30));
            if budget % 3 == 1 {
                fake.customer_writes(
                    &fake.conversation_ids(if instagram { "instagram" } else { "messenger" })
                        [budget % 12],
                    "more",
                );
            }
            let mut killed = KilledAfter {
                inner: &mut sink,
                budget,
            };
            let done = tokio::time::timeout(LIMIT, connector.sync(&mut killed))
                .await
                .expect("in time");
            if done.is_ok() {
                break;
            }
            budget += 1;
        }
        assert!(
            budget > 5,
            "the kill landed inside the round {budget} times"
        );
        let (cached, rows) = sink.cached();
        assert_eq!(cached, fake.ids(instagram), "instagram={instagram}");
        assert_eq!(rows, cached.len());
    }
}

fn instagram_connector(fake: &FakeMeta) -> Instagram {
    instagram(fake)
}

// Strike actions: a Facebook Page ban of a commenter; nothing on Instagram.

/// (method, path) of every request since the last `clear_requests`.
fn calls(fake: &FakeMeta) -> Vec<(String, String)> {
    fake.requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

fn call(method: &str, path: String) -> (String, String) {
    (method.to_string(), path)
}

#[tokio::test]
async fn a_ban_blocks_the_commenter_from_the_page() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let top = top_level_comment(&fake);
    let author = fake.comment_author(&top).expect("seeded author");
    let t = comment_target(FB, &top, Some(&top));
    fake.clear_requests();

    let banned = perform(&fb, &t, &Action::Ban).await.expect("ban");
    assert_eq!(banned, author, "the banned user's id comes back");
    assert_eq!(
        calls(&fake),
        vec![
            call("GET", format!("/{top}")),
            call("POST", format!("/{PAGE_ID}/blocked")),
        ]
    );
    let requests = fake.requests();
    assert_eq!(requests[0].param("fields"), Some("from"));
    assert_eq!(requests[1].body, format!("user={author}"));
    assert!(
        requests[1]
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    );
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(r.param("access_token"), None, "the token stays out of URLs");
    }
    assert_eq!(fake.blocked_users(), vec![author.clone()]);

    // Safe to repeat after a crash, and repeating changes nothing.
    assert_eq!(
        tokio::time::timeout(LIMIT, fb.reconcile(&t, &Action::Ban))
            .await
            .expect("in time")
            .expect("reconcile"),
        Reconciled::NotSent
    );
    assert_eq!(perform(&fb, &t, &Action::Ban).await.expect("again"), author);
    assert_eq!(fake.blocked_users(), vec![author.clone()]);

    // The message named, not the thread's first comment: a reply's author.
    let (reply, reply_author, _) = fake.replies(&top).remove(0);
    assert_ne!(reply_author, author);
    let on_reply = comment_target(FB, &top, Some(&reply));
    assert_eq!(
        perform(&fb, &on_reply, &Action::Ban).await.expect("ban"),
        reply_author
    );
    assert_eq!(fake.blocked_users().len(), 2);

    // Facebook has no mute or block of a commenter, nor a ban from a DM here.
    fake.clear_requests();
    for (target, action) in [
        (&t, Action::Mute { days: 7 }),
        (&t, Action::Block),
        (&dm_target(FB, "t_0", 1), Action::Ban),
    ] {
        let err = perform(&fb, target, &action).await.unwrap_err();
        assert!(
            matches!(err, SyncError::Unsupported(_)),
            "{action:?}: {err:?}"
        );
    }
    assert!(fake.requests().is_empty(), "refused without a request");
}

#[tokio::test]
async fn a_ban_fails_clearly_on_missing_comments_and_graph_errors() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);

    // The comment is gone: Graph's 100/33, said plainly; nobody is blocked.
    let gone = comment_target(FB, "1_404", Some("1_404"));
    match perform(&fb, &gone, &Action::Ban).await.unwrap_err() {
        SyncError::Rejected {
            status: 400,
            message,
        } => {
            assert!(message.contains("comment 1_404"), "{message}");
            assert!(message.contains("ban"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    // Graph does not say who wrote it: refused for good (not retried as a
    // broken answer), without a request to the blocked edge.
    let top = top_level_comment(&fake);
    let t = comment_target(FB, &top, Some(&top));
    fake.set_comment_from_visible(false);
    let err = perform(&fb, &t, &Action::Ban).await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Rejected { message, .. } if message.contains("who wrote")),
        "{err:?}"
    );
    fake.set_comment_from_visible(true);
    assert_eq!(count(&fake, "POST", "/blocked"), 0);

    // Graph error bodies on the blocked edge keep their classes.
    fake.fail_next(Route::Blocked, 1, Fault::ExpiredToken);
    let err = perform(&fb, &t, &Action::Ban).await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Auth { status: 400, message } if message.contains("190")),
        "{err:?}"
    );
    fake.fail_next(Route::Blocked, 1, Fault::BucRateLimit { minutes: 9 });
    let err = perform(&fb, &t, &Action::Ban).await.unwrap_err();
    assert!(
        matches!(err, SyncError::RateLimited { until }
            if until > Utc::now() + Duration::minutes(8)),
        "{err:?}"
    );
    assert_eq!(count(&fake, "POST", "/blocked"), 2);
    assert!(fake.blocked_users().is_empty());
}

#[tokio::test]
async fn instagram_has_no_strike_actions() {
    let fake = FakeMeta::start(Seed::default()).await;
    let ig = instagram(&fake);
    let media = fake.post_ids(true)[0].clone();
    let c = fake.someone_comments(&media, None, "spam spam");
    let on_comment = comment_target(IG, &c, Some(&c));
    let on_dm = dm_target(IG, "aWdf0", 1);
    fake.clear_requests();
    for target in [&on_comment, &on_dm] {
        for action in [Action::Mute { days: 7 }, Action::Block, Action::Ban] {
            let err = perform(&ig, target, &action).await.unwrap_err();
            assert!(
                matches!(err, SyncError::Unsupported(_)),
                "{:?} {action:?}: {err:?}",
                target.kind
            );
        }
    }
    assert!(fake.requests().is_empty(), "refused without a request");
    assert!(fake.blocked_users().is_empty());
}

// ---------------------------------------------------------------------------------
// Issue 12: what the platform shows (hidden, deleted, threads whole), access,
// pacing, sends that fail after arriving, the Graph version.

use hearth::sync::connector::Clock;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock for the connectors' schedules, starting at `start`.
fn clock_at(start: chrono::DateTime<Utc>) -> (Clock, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let seen = offset.clone();
    let clock: Clock = Arc::new(move || start + Duration::seconds(seen.load(Ordering::SeqCst)));
    (clock, offset)
}

/// Comment ids (not DMs) the fake holds for one connector.
fn comment_ids(fake: &FakeMeta, instagram: bool) -> Vec<String> {
    let mut posts = fake.post_ids(instagram);
    posts.sort();
    posts
        .iter()
        .flat_map(|p| fake.comments_on(p))
        .map(|(id, _)| id)
        .collect()
}

fn status_of(sink: &StoreSink, thread: &str) -> Status {
    let id = sink
        .store
        .conversation_id(&sink.account, thread)
        .expect("query")
        .unwrap_or_else(|| panic!("no conversation {thread}"));
    sink.store
        .conversation(id)
        .expect("query")
        .expect("row")
        .status
}

/// An account the engine builds itself (token from a command, as users set it).
fn engine_account(name: &str, platform: Platform, fake: &FakeMeta) -> AccountConfig {
    AccountConfig {
        token_cmd: Some(format!("printf {TOKEN}")),
        ..account(name, platform, &fake.base_url)
    }
}

fn paths(dir: &std::path::Path) -> hearth::config::Paths {
    hearth::config::Paths {
        config_dir: dir.join("config"),
        data_dir: dir.join("data"),
    }
}

#[tokio::test]
async fn hidden_comments_are_stored_as_hidden_and_leave_the_queue() {
    let fake = FakeMeta::start(Seed {
        replies_per_comment: 0,
        ..Seed::default()
    })
    .await;
    let (clock, offset) = clock_at(fake.now());
    let fb = facebook(&fake).with_clock(clock.clone());
    let mut sink = StoreSink::new(FB);
    let fb_comments = comment_ids(&fake, false);
    let (early, later) = (fb_comments[0].clone(), fb_comments[1].clone());
    fake.hide_on_platform(&early, true);
    sync(&fb, &mut sink).await.expect("sync");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.param("fields").is_some_and(|f| f.contains("is_hidden"))),
        "Facebook is asked for is_hidden"
    );
    assert_eq!(
        sink.store.message_state(FB, &early).unwrap(),
        Some(MessageState::Hidden)
    );
    assert_ne!(status_of(&sink, &early), Status::Open, "out of the queue");
    assert_eq!(status_of(&sink, &later), Status::Open);

    // Hidden on Facebook after it was cached: the next full read shows it.
    fake.hide_on_platform(&later, true);
    offset.fetch_add(31 * 60, Ordering::SeqCst);
    sync(&fb, &mut sink).await.expect("sync");
    assert_eq!(
        sink.store.message_state(FB, &later).unwrap(),
        Some(MessageState::Hidden)
    );
    assert_ne!(status_of(&sink, &later), Status::Open);
    // Unhidden: it needs an answer again.
    fake.hide_on_platform(&later, false);
    offset.fetch_add(31 * 60, Ordering::SeqCst);
    sync(&fb, &mut sink).await.expect("sync");
    assert_eq!(status_of(&sink, &later), Status::Open);

    // Instagram: `hidden` is stored, and a reply to a hidden comment is refused
    // before any request, with the reason.
    let ig = instagram(&fake).with_clock(clock);
    let mut ig_sink = StoreSink::new(IG);
    let hidden = comment_ids(&fake, true)[0].clone();
    fake.hide_on_platform(&hidden, true);
    sync(&ig, &mut ig_sink).await.expect("sync");
    assert_eq!(
        ig_sink.store.message_state(IG, &hidden).unwrap(),
        Some(MessageState::Hidden)
    );
    assert_ne!(status_of(&ig_sink, &hidden), Status::Open);
    let conv = ig_sink.store.conversation_id(IG, &hidden).unwrap().unwrap();
    let state = ig_sink.store.thread_state(conv).unwrap();
    assert_eq!(state, Some(MessageState::Hidden));
    assert!(reply_refusal(Platform::Instagram, Kind::Comment, state).is_some());

    let outbox = ig_sink
        .store
        .record_reply(conv, "Alex", "Thanks for asking!", None, Utc::now())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    fake.clear_requests();
    let outcome = hearth::sync::engine::send_outbox_item(
        ig_sink.store.path(),
        &engine_account(IG, Platform::Instagram, &fake),
        &paths(dir.path()),
        outbox,
        Arc::new(Triage::new(&Config::default()).expect("triage")),
        hearth::sync::engine::EngineOptions::default(),
    )
    .await
    .expect("send attempt");
    match outcome {
        Some(hearth::sync::engine::ItemOutcome::Failed { error, .. }) => {
            assert!(error.contains("hidden"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&fake, "POST", "/replies"), 0, "no request");

    // The fake keeps Instagram's documented rule too.
    let err = perform(
        &ig,
        &comment_target(IG, &hidden, None),
        &Action::Reply { body: "hi".into() },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SyncError::Rejected { .. }), "{err:?}");
}

#[tokio::test]
async fn a_reply_to_a_reply_joins_the_parents_conversation() {
    // Graph's docs do not say whether `parent` names the reply or the top-level
    // comment: both ways must keep the thread whole.
    for flatten in [false, true] {
        let fake = FakeMeta::start(Seed {
            fb_flatten_replies: flatten,
            ..Seed::default()
        })
        .await;
        let fb = facebook(&fake);
        let mut sink = StoreSink::new(FB);
        sync(&fb, &mut sink).await.expect("sync");
        let top = top_level_comment(&fake);
        let post = fake.post_of(&top).unwrap();
        let first_reply = fake.replies(&top)[0].0.clone();
        // The thread is answered by someone else; the customer follows up.
        fake.advance(Duration::minutes(2));
        let follow_up = fake.someone_comments(&post, Some(&first_reply), "still waiting?");
        // A whole new chain in one round.
        let c1 = fake.someone_comments(&post, None, "new question");
        let c2 = fake.someone_comments(&post, Some(&c1), "me too");
        let c3 = fake.someone_comments(&post, Some(&c2), "any news?");
        sync(&fb, &mut sink).await.expect("sync");
        let thread = |id: &str| sink.store.thread_of(FB, id).unwrap();
        assert_eq!(
            thread(&follow_up).as_deref(),
            Some(top.as_str()),
            "flatten={flatten}"
        );
        assert_eq!(thread(&c2).as_deref(), Some(c1.as_str()));
        assert_eq!(
            thread(&c3).as_deref(),
            Some(c1.as_str()),
            "flatten={flatten}"
        );
        for reply in [&first_reply, &c2] {
            assert_eq!(
                sink.store.conversation_id(FB, reply).unwrap(),
                None,
                "no conversation keyed by a reply"
            );
        }
        assert_eq!(status_of(&sink, &top), Status::Open);
    }

    // The parent is neither read this round nor cached: Graph is asked for it.
    let fake = FakeMeta::start(Seed::default()).await;
    let top = top_level_comment(&fake);
    let post = fake.post_of(&top).unwrap();
    let first_reply = fake.replies(&top)[0].0.clone();
    fake.advance(Duration::minutes(2));
    let follow_up = fake.someone_comments(&post, Some(&first_reply), "hello again");
    let mut sink = StoreSink::new(FB);
    let (clock, _) = clock_at(fake.now());
    // Everything before the follow-up is "committed" (the mark) but not cached.
    let mark =
        serde_json::json!({"t": fake.now().timestamp() - 1, "r": fake.now().timestamp(), "th": []});
    sink.store
        .set_cursor(FB, &format!("facebook:post:{post}"), &mark.to_string())
        .unwrap();
    let fb = facebook(&fake).with_clock(clock);
    sync(&fb, &mut sink).await.expect("sync");
    assert_eq!(
        sink.store.thread_of(FB, &follow_up).unwrap().as_deref(),
        Some(top.as_str())
    );
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == format!("/{first_reply}") && r.method == "GET"),
        "asked Graph for the parent's parent"
    );
}

#[tokio::test]
async fn an_instagram_delete_plus_add_is_seen_and_the_delete_reflected() {
    let fake = FakeMeta::start(Seed {
        replies_per_comment: 0,
        ..Seed::default()
    })
    .await;
    let (clock, offset) = clock_at(fake.now());
    let ig = instagram(&fake).with_clock(clock);
    let mut sink = StoreSink::new(IG);
    sync(&ig, &mut sink).await.expect("sync");
    let media = fake.post_ids(true)[0].clone();
    let gone = fake.comments_on(&media)[0].0.clone();
    fake.delete_comment(&gone);
    fake.advance(Duration::minutes(1));
    let new = fake.someone_comments(&media, None, "where is my order?");

    // comments_count did not move: the count alone cannot show the change...
    fake.clear_requests();
    sync(&ig, &mut sink).await.expect("sync");
    let read_now = count(&fake, "GET", &format!("{media}/comments"));
    // ...so a full read within the half hour does.
    offset.fetch_add(31 * 60, Ordering::SeqCst);
    sync(&ig, &mut sink).await.expect("sync");
    let (cached, _) = sink.cached();
    assert!(cached.contains(&new), "the new comment arrived");
    assert_eq!(
        sink.store.message_state(IG, &gone).unwrap(),
        Some(MessageState::Deleted)
    );
    assert_ne!(
        status_of(&sink, &gone),
        Status::Open,
        "a deleted comment needs no answer"
    );
    assert_eq!(status_of(&sink, &new), Status::Open);
    assert_eq!(read_now, 0, "bounded re-read, not every round");
}

#[tokio::test]
async fn an_idle_facebook_page_reads_no_comments() {
    let fake = FakeMeta::start(Seed {
        posts: 10,
        ..Seed::default()
    })
    .await;
    let (clock, _) = clock_at(fake.now());
    let fb = facebook(&fake).with_clock(clock);
    let mut sink = StoreSink::new(FB);
    sync(&fb, &mut sink).await.expect("sync");
    fake.clear_requests();
    sync(&fb, &mut sink).await.expect("idle sync");
    assert_eq!(count(&fake, "GET", "/comments"), 0, "posts by activity");
    assert!(
        fake.request_count() <= 3,
        "{:?}",
        fake.requests().iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    // A new comment on one post reads that post only.
    let post = fake.post_ids(false)[3].clone();
    fake.someone_comments(&post, None, "hello?");
    fake.clear_requests();
    sync(&fb, &mut sink).await.expect("sync");
    assert_eq!(count(&fake, "GET", "/comments"), 1);
    assert_eq!(count(&fake, "GET", &format!("{post}/comments")), 1);
}

#[tokio::test]
async fn a_graph_that_refuses_the_activity_field_still_gets_every_comment() {
    let fake = FakeMeta::start(Seed {
        refuse_comment_expansion: true,
        ..Seed::default()
    })
    .await;
    let fb = facebook(&fake);
    let mut sink = StoreSink::new(FB);
    sync(&fb, &mut sink).await.expect("sync");
    assert_eq!(sink.cached().0, fake.ids(false));
    let post = fake.post_ids(false)[0].clone();
    let late = fake.someone_comments(&post, None, "hello?");
    sync(&fb, &mut sink).await.expect("sync");
    assert!(sink.cached().0.contains(&late));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_below_100_percent_slows_polling_and_says_so() {
    let fake = FakeMeta::start(Seed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.sqlite3");
    let config = Config {
        accounts: vec![engine_account(FB, Platform::Facebook, &fake)],
        ..Config::default()
    };
    let assess: Arc<dyn hearth::model::Assess + Send + Sync> =
        Arc::new(Triage::new(&Config::default()).unwrap());
    let round = |config: Config| {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        hearth::sync::engine::run_once(db.clone(), config, paths(dir.path()), assess.clone(), tx)
    };
    let wait_of = || {
        let store = Store::open(&db).unwrap();
        let state = store.account_states().unwrap().remove(0);
        let hints = store.account_hints().unwrap().remove(0).1;
        let wait = state.next_attempt_at.unwrap() - state.last_sync_at.unwrap();
        (wait.num_seconds(), hints.note)
    };

    fake.set_usage(Some(85));
    let report = round(config.clone()).await;
    assert!(!report.failed(), "{report:?}");
    let (wait, note) = wait_of();
    assert!((235..=245).contains(&wait), "4 x 60 s at 85%: {wait}");
    let note = note.expect("a note");
    assert!(note.contains("85%") && note.contains("4 min"), "{note}");

    fake.set_usage(Some(20));
    round(config).await;
    let (wait, note) = wait_of();
    assert!((55..=65).contains(&wait), "poll_seconds at 20%: {wait}");
    assert_eq!(note, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_permission_is_needs_permission_with_its_fix() {
    let fake = FakeMeta::start(Seed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.sqlite3");
    fake.fail_next(
        Route::Conversations,
        1,
        Fault::MissingPermission {
            permission: "pages_messaging",
        },
    );
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let report = hearth::sync::engine::run_once(
        db.clone(),
        Config {
            accounts: vec![engine_account(FB, Platform::Facebook, &fake)],
            ..Config::default()
        },
        paths(dir.path()),
        Arc::new(Triage::new(&Config::default()).unwrap()),
        tx,
    )
    .await;
    assert_eq!(
        report.accounts[0].state,
        hearth::model::AccountStatus::NeedsPermission
    );
    let store = Store::open(&db).unwrap();
    let state = store.account_states().unwrap().remove(0);
    assert_eq!(state.state.as_str(), "needs-permission");
    assert!(
        state
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("pages_messaging"),
        "{state:?}"
    );
    let fix = store
        .account_hints()
        .unwrap()
        .remove(0)
        .1
        .fix
        .expect("a fix");
    assert!(
        fix.contains("App Review") && fix.contains("pages_messaging"),
        "{fix}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_on_a_send_is_checked_before_any_resend() {
    let fake = FakeMeta::start(Seed::default()).await;
    let fb = facebook(&fake);
    let mut sink = StoreSink::new(FB);
    fake.customer_writes("t_0", "are you open today?");
    sync(&fb, &mut sink).await.expect("sync");
    let dir = tempfile::tempdir().unwrap();
    let (db, acct, paths) = (
        sink.store.path().to_path_buf(),
        engine_account(FB, Platform::Facebook, &fake),
        paths(dir.path()),
    );
    let send = |outbox: i64| {
        hearth::sync::engine::send_outbox_item(
            &db,
            &acct,
            &paths,
            outbox,
            Arc::new(Triage::new(&Config::default()).expect("triage")),
            hearth::sync::engine::EngineOptions::default(),
        )
    };
    let copies = |text: &str| {
        fake.conversation("t_0")
            .iter()
            .filter(|(_, _, t)| t == text)
            .count()
    };
    let conv = sink.store.conversation_id(FB, "t_0").unwrap().unwrap();

    // The platform stored the message, then answered 500.
    let first = sink
        .store
        .record_reply(conv, "Alex", "Yes, until 6pm.", None, Utc::now())
        .unwrap();
    fake.fail_next(Route::Send, 1, Fault::StoredThenFailed);
    match send(first).await.expect("attempt") {
        Some(hearth::sync::engine::ItemOutcome::Sent { platform_id }) => {
            assert!(platform_id.starts_with("m_"), "{platform_id}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(copies("Yes, until 6pm."), 1, "not sent twice");

    // A 500 that stored nothing: queued again, and the next attempt sends it once.
    let second = sink
        .store
        .record_reply(conv, "Alex", "And 10-4 on Sunday.", None, Utc::now())
        .unwrap();
    fake.fail_next(Route::Send, 1, Fault::Transient);
    let outcome = send(second).await.expect("attempt");
    assert!(
        matches!(
            outcome,
            Some(hearth::sync::engine::ItemOutcome::Retrying { .. })
        ),
        "{outcome:?}"
    );
    assert_eq!(copies("And 10-4 on Sunday."), 0);
    let outcome = send(second).await.expect("attempt");
    assert!(
        matches!(
            outcome,
            Some(hearth::sync::engine::ItemOutcome::Sent { .. })
        ),
        "{outcome:?}"
    );
    assert_eq!(copies("And 10-4 on Sunday."), 1);

    // A comment reply the platform stored before failing.
    let top = top_level_comment(&fake);
    let conv = sink.store.conversation_id(FB, &top).unwrap().unwrap();
    let third = sink
        .store
        .record_reply(conv, "Alex", "We ship to Canada.", None, Utc::now())
        .unwrap();
    fake.fail_next(Route::Comments, 1, Fault::StoredThenFailed);
    let outcome = send(third).await.expect("attempt");
    assert!(
        matches!(
            outcome,
            Some(hearth::sync::engine::ItemOutcome::Sent { .. })
        ),
        "{outcome:?}"
    );
    let ours = fake
        .replies(&top)
        .into_iter()
        .filter(|(_, _, t)| t == "We ship to Canada.")
        .count();
    assert_eq!(ours, 1);
}

#[tokio::test]
async fn the_graph_version_comes_from_the_config_and_retired_ones_are_refused() {
    let fake = FakeMeta::start(Seed::default()).await;
    let mut sink = StoreSink::new(FB);
    sync(&facebook(&fake), &mut sink).await.expect("sync");
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.version.as_deref() == Some(hearth::config::DEFAULT_GRAPH_VERSION)),
        "the current version by default"
    );
    let pinned = AccountConfig {
        graph_version: Some("v25.0".into()),
        ..account(FB, Platform::Facebook, &fake.base_url)
    };
    fake.clear_requests();
    let fb = Facebook::from_config(&pinned, Secret::new(TOKEN)).unwrap();
    sync(&fb, &mut StoreSink::new(FB)).await.expect("sync");
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.version.as_deref() == Some("v25.0"))
    );

    // After v21.0's end date the fake refuses it, as Graph refuses retired versions.
    fake.set_now(
        chrono::NaiveDate::from_ymd_opt(2027, 1, 22)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc(),
    );
    let old = account(FB, Platform::Facebook, &format!("{}/v21.0/", fake.base_url));
    let fb = Facebook::from_config(&old, Secret::new(TOKEN)).unwrap();
    let err = sync(&fb, &mut StoreSink::new(FB)).await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Rejected { message, .. } if message.contains("v21.0")),
        "{err:?}"
    );
    let current = Facebook::from_config(
        &account(FB, Platform::Facebook, &fake.base_url),
        Secret::new(TOKEN),
    )
    .unwrap();
    sync(&current, &mut StoreSink::new(FB))
        .await
        .expect("v26.0 still served");
}
