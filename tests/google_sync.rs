//! The Google Business Profile connector against a local fake: multi-location
//! sync, pagination, crash-safe cursors, OAuth refresh, faults, reply and delete
//! reply, and our own reply fetched back without a duplicate.

#[path = "fakes/google.rs"]
mod google_fake;

use chrono::{Duration, Utc};
use google_fake::{
    ACCOUNT, CLIENT_ID, CLIENT_SECRET, FakeGoogle, Fault, GoogleSeed, REFRESH_TOKEN, Route,
};
use hearth::config::{AccountConfig, Config};
use hearth::model::{Direction, Family, IngestPage, Kind, MessageState, PageFacts, Status};
use hearth::store::{IngestStats, KnownThread, Store};
use hearth::sync::google::normalise::reply_id;
use hearth::sync::google::{Clock, Google};
use hearth::sync::{Action, Connector, PageSink, Reconciled, Secret, SyncError, Target};
use hearth::triage::Triage;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

const NAME: &str = "gbp";
/// Every connector call in these tests finishes well within this.
const BOUND: std::time::Duration = std::time::Duration::from_secs(60);

/// Commits each page (and its cursor) the way the engine does; can "crash" after
/// a number of pages.
struct Sink {
    store: Store,
    triage: Triage,
    pages: usize,
    crash_after: Option<usize>,
}

impl Sink {
    fn new(dir: &tempfile::TempDir) -> Sink {
        Sink {
            store: Store::open(&dir.path().join("cache.sqlite3")).expect("open store"),
            triage: Triage::new(&Config::default()).expect("triage"),
            pages: 0,
            crash_after: None,
        }
    }

    fn totals(&self) -> (i64, i64) {
        self.store.totals().expect("totals")
    }

    fn messages_of(&self, review: &str) -> Vec<hearth::model::Message> {
        let id = self
            .store
            .conversation_id(NAME, review)
            .expect("lookup")
            .unwrap_or_else(|| panic!("no conversation for {review}"));
        self.store.messages(id, 100).expect("messages")
    }
}

#[async_trait::async_trait]
impl PageSink for Sink {
    fn cursor(&self, key: &str) -> Option<String> {
        self.store.cursor(NAME, key).ok().flatten()
    }

    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        self.accept_with(page, PageFacts::default()).await
    }

    async fn accept_with(
        &mut self,
        page: IngestPage,
        facts: PageFacts,
    ) -> Result<IngestStats, SyncError> {
        if self.crash_after == Some(self.pages) {
            return Err(SyncError::Store("simulated crash".into()));
        }
        self.pages += 1;
        Ok(self
            .store
            .ingest_with(&page, Some((NAME, &facts)), &self.triage)?)
    }

    async fn known_threads(
        &mut self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<KnownThread>, SyncError> {
        Ok(self.store.known_threads(NAME, prefix, limit)?)
    }

    async fn remember(&mut self, key: &str, value: String) -> Result<(), SyncError> {
        Ok(self.store.set_cursor(NAME, key, &value)?)
    }
}

fn account(fake: &FakeGoogle, locations: &[&str]) -> AccountConfig {
    let toml = format!(
        r#"
name = "{NAME}"
platform = "google"
brand = "Northwind"
base_url = "{}"
locations_base_url = "{}"
gbp_account = "{ACCOUNT}"
gbp_locations = {:?}
client_id = "{CLIENT_ID}"
token_url = "{}"
"#,
        fake.reviews_base(),
        fake.locations_base(),
        locations,
        fake.token_url()
    );
    toml::from_str(&toml).expect("account config")
}

/// A clock the test moves; it starts at the real time.
fn test_clock() -> (Clock, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let start = Utc::now();
    let seen = offset.clone();
    let clock: Clock = Arc::new(move || start + Duration::seconds(seen.load(Ordering::SeqCst)));
    (clock, offset)
}

fn connector(fake: &FakeGoogle) -> Google {
    connector_for(fake, &[])
}

/// What the engine builds from the config: both hosts come from it.
fn connector_for(fake: &FakeGoogle, locations: &[&str]) -> Google {
    Google::from_config(
        &account(fake, locations),
        Secret::new(REFRESH_TOKEN),
        Some(Secret::new(CLIENT_SECRET)),
    )
    .expect("connector")
}

async fn sync(google: &Google, sink: &mut Sink) -> Result<(), SyncError> {
    tokio::time::timeout(BOUND, google.sync(sink))
        .await
        .expect("sync finished in time")
        .map(|_| ())
}

/// Conversations and messages the fake's current reviews should produce.
fn expected_totals(fake: &FakeGoogle, edits: i64) -> (i64, i64) {
    let names = fake.review_names();
    let replies = names.iter().filter(|n| fake.reply_of(n).is_some()).count();
    (names.len() as i64, (names.len() + replies) as i64 + edits)
}

fn review_requests(fake: &FakeGoogle) -> Vec<google_fake::RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/reviews"))
        .collect()
}

#[tokio::test]
async fn multi_location_full_then_incremental() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 3,
        reviews_per_location: 7,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);

    sync(&google, &mut sink).await.expect("full sync");
    assert_eq!(sink.totals(), expected_totals(&fake, 0));
    assert_eq!(fake.served_review_names().len(), 21);
    let requests = fake.requests();
    let listing = requests
        .iter()
        .find(|r| r.path == "/v1/accounts/1000/locations")
        .expect("locations listed on the Business Information host");
    assert_eq!(
        listing.query_param("readMask").as_deref(),
        Some("name,title")
    );
    let first = &review_requests(&fake)[0];
    assert_eq!(first.query_param("pageSize").as_deref(), Some("50"));
    assert_eq!(
        first.query_param("orderBy").as_deref(),
        Some("updateTime desc")
    );
    assert!(
        first
            .header("user-agent")
            .unwrap_or("")
            .starts_with("hearth/")
    );
    assert!(
        first
            .header("authorization")
            .unwrap_or("")
            .starts_with("Bearer ya29."),
        "bearer access token"
    );

    // Each review is a reputation conversation at its location.
    let name = fake.review_names()[0].clone();
    let id = sink.store.conversation_id(NAME, &name).unwrap().unwrap();
    let conv = sink.store.conversation(id).unwrap().unwrap();
    assert_eq!(conv.kind, Kind::Review);
    assert_eq!(conv.family, Family::Reputation);
    assert!(conv.rating.is_some_and(|r| (1..=5).contains(&r)));
    let titles = fake.location_titles();
    assert!(titles.contains(conv.location.as_ref().unwrap()), "{conv:?}");
    assert_eq!(conv.context, conv.location);
    assert_eq!(conv.brand.as_deref(), Some("Northwind"));

    // Incremental: two new reviews and an edit; one page per location.
    fake.clear_requests();
    let fresh = fake.add_review(0, "Jo", "ONE", "Cold food, rude staff.");
    let also = fake.add_review(2, "Kim", "FIVE", "Lovely!");
    let edited = fake.review_names()[5].clone();
    fake.edit_review(&edited, "Update: they fixed it, thanks.");
    sync(&google, &mut sink).await.expect("incremental sync");
    assert_eq!(review_requests(&fake).len(), 3, "one page per location");
    assert_eq!(sink.totals(), expected_totals(&fake, 1));
    assert_eq!(sink.messages_of(&fresh)[0].body, "Cold food, rude staff.");
    assert_eq!(sink.messages_of(&also).len(), 1);
    let shown: Vec<String> = sink
        .messages_of(&edited)
        .into_iter()
        .filter(|m| m.direction == Direction::Inbound)
        .map(|m| m.body)
        .collect();
    assert_eq!(
        shown,
        vec!["Update: they fixed it, thanks.".to_string()],
        "an edit replaces the text shown; the old version is kept as history"
    );

    // Nothing new: nothing changes.
    let before = sink.totals();
    sync(&google, &mut sink).await.expect("quiet sync");
    assert_eq!(sink.totals(), before);
}

#[tokio::test]
async fn configured_locations_only_and_their_titles() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 3,
        reviews_per_location: 4,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector_for(&fake, &["locations/2001"]);
    sync(&google, &mut sink).await.expect("sync");
    let requests = fake.requests();
    assert!(
        !requests.iter().any(|r| r.path.ends_with("/locations")),
        "no listing"
    );
    assert_eq!(sink.totals().0, 4);
    let served = fake.served_review_names();
    assert!(
        served.iter().all(|n| n.contains("/locations/2001/")),
        "{served:?}"
    );
    let id = sink
        .store
        .conversation_id(NAME, &served[0])
        .unwrap()
        .unwrap();
    let conv = sink.store.conversation(id).unwrap().unwrap();
    assert_eq!(conv.location.as_deref(), Some("Northwind – Branch 2"));
}

#[tokio::test]
async fn pagination_across_many_pages() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 1,
        reviews_per_location: 230,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    sync(&google, &mut sink).await.expect("sync");
    let pages = review_requests(&fake);
    assert_eq!(pages.len(), 5, "230 reviews in pages of 50");
    assert_eq!(pages[0].query_param("pageToken"), None);
    assert_eq!(pages[1].query_param("pageToken").as_deref(), Some("CiA50"));
    assert_eq!(sink.totals(), expected_totals(&fake, 0));
    assert_eq!(sink.pages, 5, "each page is committed as it arrives");

    fake.clear_requests();
    sync(&google, &mut sink).await.expect("second sync");
    assert_eq!(review_requests(&fake).len(), 1, "stops at the cursor");
}

#[tokio::test]
async fn a_crash_mid_walk_loses_nothing_and_duplicates_nothing() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 2,
        reviews_per_location: 120,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let google = connector(&fake);
    for crash_at in [1, 2, 4] {
        let mut sink = Sink::new(&dir);
        sink.crash_after = Some(crash_at);
        let err = sync(&google, &mut sink).await.unwrap_err();
        assert!(matches!(err, SyncError::Store(_)), "{err:?}");
        // New reviews arrive between the crash and the restart.
        fake.add_review(crash_at, "Late", "TWO", "Arrived while you were down.");
    }
    let mut sink = Sink::new(&dir);
    sync(&google, &mut sink).await.expect("resume");
    assert_eq!(sink.totals(), expected_totals(&fake, 0));
    let served = fake.served_review_names();
    assert_eq!(served, fake.review_names(), "every review was served");
    for name in &served {
        sink.messages_of(name);
    }
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    let fake = FakeGoogle::start(GoogleSeed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let (clock, offset) = test_clock();
    let google = connector(&fake).with_clock(clock);
    sync(&google, &mut sink).await.expect("sync");
    assert_eq!(fake.refresh_count(), 1);

    // Half an hour later the token is still good: no refresh.
    offset.fetch_add(1800, Ordering::SeqCst);
    fake.advance(1800);
    sync(&google, &mut sink).await.expect("sync");
    assert_eq!(fake.refresh_count(), 1);

    // 30 s before expiry: inside the margin, so hearth refreshes first.
    offset.fetch_add(1770, Ordering::SeqCst);
    fake.advance(1770);
    sync(&google, &mut sink).await.expect("sync");
    assert_eq!(fake.refresh_count(), 2);
    assert_eq!(google.refresh_count(), 2);
    assert!(
        fake.requests().iter().all(|r| r.status != 401),
        "never used an expired token"
    );
    let token_request = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/token")
        .expect("token request");
    assert!(token_request.body.contains("grant_type=refresh_token"));
    assert!(token_request.header("authorization").is_none());
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries() {
    let fake = FakeGoogle::start(GoogleSeed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    sync(&google, &mut sink).await.expect("sync");
    fake.expire_tokens();
    fake.add_review(0, "Ana", "FOUR", "Nice terrace.");
    sync(&google, &mut sink)
        .await
        .expect("sync after token revoked");
    assert_eq!(fake.refresh_count(), 2);
    assert_eq!(
        fake.requests().iter().filter(|r| r.status == 401).count(),
        1
    );
    assert_eq!(sink.totals(), expected_totals(&fake, 0));

    // A second 401 in a row means the grant itself is gone.
    fake.fail_next(Route::Reviews, 2, Fault::Unauthorized);
    let err = sync(&google, &mut sink).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Auth { status: 401, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_needs_reauth() {
    let fake = FakeGoogle::start(GoogleSeed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = Google::from_config(
        &account(&fake, &[]),
        Secret::new("1//revoked"),
        Some(Secret::new(CLIENT_SECRET)),
    )
    .unwrap();
    let err = sync(&google, &mut sink).await.unwrap_err();
    match &err {
        SyncError::Auth { message, .. } => {
            assert!(message.contains("invalid_grant"), "{message}");
            assert!(!message.contains("revoked\""), "no token in the error");
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?} {google:?}").contains("1//revoked"));
}

#[tokio::test]
async fn each_fault_class_maps_and_the_next_round_recovers() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 2,
        reviews_per_location: 60,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    let now = Utc::now();

    fake.fail_next(Route::Reviews, 1, Fault::RateLimited);
    match sync(&google, &mut sink).await {
        Err(SyncError::RateLimited { until }) => {
            assert!(
                until > now && until < now + Duration::minutes(10),
                "{until}"
            )
        }
        other => panic!("{other:?}"),
    }
    fake.fail_next(Route::Locations, 1, Fault::Forbidden);
    assert!(matches!(
        sync(&google, &mut sink).await,
        Err(SyncError::Auth { status: 403, .. })
    ));
    fake.fail_next(Route::Reviews, 1, Fault::ServerError(503));
    assert!(matches!(
        sync(&google, &mut sink).await,
        Err(SyncError::Server { status: 503, .. })
    ));
    fake.fail_next(Route::Reviews, 1, Fault::TruncatedJson);
    match sync(&google, &mut sink).await {
        Err(SyncError::Malformed { snippet, .. }) => assert!(snippet.starts_with('{'), "{snippet}"),
        other => panic!("{other:?}"),
    }
    fake.fail_next(Route::Token, 1, Fault::ServerError(500));
    let fresh = connector(&fake);
    assert!(matches!(
        sync(&fresh, &mut sink).await,
        Err(SyncError::Server { status: 500, .. })
    ));
    // A slow answer inside the timeout is just slow.
    fake.fail_next(
        Route::Reviews,
        1,
        Fault::Slow(std::time::Duration::from_millis(200)),
    );
    sync(&google, &mut sink).await.expect("recovered");
    assert_eq!(sink.totals(), expected_totals(&fake, 0));
}

fn target(review: &str) -> Target {
    Target {
        account: NAME.into(),
        kind: Kind::Review,
        thread_id: review.into(),
        message_id: None,
        last_inbound_at: None,
        attempted_at: None,
    }
}

#[tokio::test]
async fn reply_delete_reply_and_unsupported_moderation() {
    let fake = FakeGoogle::start(GoogleSeed {
        reply_every: 0,
        ..GoogleSeed::default()
    })
    .await;
    let google = connector(&fake);
    let review = fake.review_names()[0].clone();
    let reply = Action::Reply {
        body: "Sorry about the wait, Priya.".into(),
    };
    assert_eq!(
        google.reconcile(&target(&review), &reply).await.unwrap(),
        Reconciled::NotSent
    );
    let id = google
        .perform(&target(&review), &reply)
        .await
        .expect("reply");
    assert_eq!(id, reply_id(&review, "Sorry about the wait, Priya."));
    assert!(id.starts_with(&format!("{review}/reply#")));
    assert_eq!(
        fake.reply_of(&review).as_deref(),
        Some("Sorry about the wait, Priya.")
    );
    let put = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("PUT recorded");
    assert_eq!(put.path, format!("/v4/{review}/reply"));
    let body: serde_json::Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"comment": "Sorry about the wait, Priya."})
    );
    assert_eq!(
        google.reconcile(&target(&review), &reply).await.unwrap(),
        Reconciled::Sent {
            platform_id: id.clone()
        }
    );
    let other = Action::Reply {
        body: "Something else".into(),
    };
    assert_eq!(
        google.reconcile(&target(&review), &other).await.unwrap(),
        Reconciled::NotSent
    );

    let deleted = google
        .perform(&target(&review), &Action::DeleteReply)
        .await
        .expect("delete reply");
    assert_eq!(deleted, format!("{review}/reply"));
    assert_eq!(fake.reply_of(&review), None);
    assert!(fake.requests().iter().any(|r| r.method == "DELETE"));

    // Neither moderation nor a strike's mute/block/ban exists for reviewers:
    // refused without a request, and safe to "repeat" after a crash.
    let before = fake.requests().len();
    for action in [
        Action::Hide,
        Action::Delete,
        Action::Mute { days: 7 },
        Action::Block,
        Action::Ban,
    ] {
        let err = google.perform(&target(&review), &action).await.unwrap_err();
        assert!(
            matches!(err, SyncError::Unsupported(_)),
            "{action:?}: {err:?}"
        );
        assert_eq!(
            google.reconcile(&target(&review), &action).await.unwrap(),
            Reconciled::NotSent,
            "{action:?}"
        );
    }
    assert_eq!(fake.requests().len(), before, "no request for any of them");
    let err = google
        .perform(&target("accounts/1000/../../x"), &reply)
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Rejected { .. }), "{err:?}");
    let err = google
        .perform(
            &target(&review),
            &Action::Reply {
                body: "x".repeat(4097),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Rejected { .. }), "{err:?}");
}

#[tokio::test]
async fn our_reply_fetched_back_is_not_shown_twice() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 1,
        reviews_per_location: 3,
        reply_every: 0,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    sync(&google, &mut sink).await.expect("sync");
    let review = fake.review_names()[1].clone();
    let platform_id = send_reply(&fake, &google, &mut sink, &review, "Thanks, see you soon!").await;
    // The reply bumps the review's updateTime, so sync reads it again.
    sync(&google, &mut sink).await.expect("sync back");
    let messages = sink.messages_of(&review);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0].direction, Direction::Inbound);
    assert_eq!(messages[1].direction, Direction::Outbound);
    assert_eq!(messages[1].platform_id, platform_id);
}

/// Send `body` as our reply the way the engine does: queued locally, performed,
/// marked sent with the id `perform` returns. "Now" is the fake's clock.
async fn send_reply(
    fake: &FakeGoogle,
    google: &Google,
    sink: &mut Sink,
    review: &str,
    body: &str,
) -> String {
    let conv = sink
        .store
        .conversation_id(NAME, review)
        .expect("lookup")
        .expect("the review is cached");
    let now = fake.now();
    let outbox = sink
        .store
        .record_reply(conv, "Alex", body, None, now)
        .expect("queue reply");
    let action = Action::Reply { body: body.into() };
    let platform_id = google
        .perform(&target(review), &action)
        .await
        .expect("send");
    sink.store
        .mark_outbox_sent(outbox, &platform_id, now)
        .expect("mark sent");
    platform_id
}

#[tokio::test]
async fn a_replaced_reply_shows_the_new_text_once() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 1,
        reviews_per_location: 3,
        reply_every: 0,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    sync(&google, &mut sink).await.expect("sync");
    let review = fake.review_names()[0].clone();
    let outbound = |sink: &Sink| -> Vec<(String, String)> {
        sink.messages_of(&review)
            .into_iter()
            .filter(|m| m.direction == Direction::Outbound)
            .map(|m| (m.platform_id, m.body))
            .collect()
    };

    let a = send_reply(
        &fake,
        &google,
        &mut sink,
        &review,
        "Sorry, we will look into it.",
    )
    .await;
    sync(&google, &mut sink).await.expect("sync A back");
    assert_eq!(
        outbound(&sink),
        vec![(a.clone(), "Sorry, we will look into it.".to_string())]
    );

    // Replaced from hearth: B is the newest outbound message; A is not copied again.
    let b = send_reply(
        &fake,
        &google,
        &mut sink,
        &review,
        "Fixed: the oven is repaired.",
    )
    .await;
    assert_ne!(a, b);
    sync(&google, &mut sink).await.expect("sync B back");
    let after_b = outbound(&sink);
    assert_eq!(
        after_b,
        vec![(b.clone(), "Fixed: the oven is repaired.".to_string())],
        "one current reply is shown"
    );
    let id = sink.store.conversation_id(NAME, &review).unwrap().unwrap();
    assert_eq!(
        sink.store.message_state(NAME, &a).unwrap(),
        Some(MessageState::Replaced),
        "the earlier text is kept as history"
    );

    // Replaced in Google's own UI: sync brings the new text in as the current one.
    fake.set_reply(&review, "Edited in the Google app.");
    sync(&google, &mut sink).await.expect("sync C");
    let after_c = outbound(&sink);
    assert_eq!(after_c.len(), 1, "{after_c:?}");
    assert_eq!(after_c[0].1, "Edited in the Google app.");
    assert_eq!(after_c[0].0, reply_id(&review, "Edited in the Google app."));
    let conv = sink.store.conversation(id).unwrap().unwrap();
    assert_eq!(conv.status, Status::Waiting, "still answered");
    // Another round with nothing new changes nothing.
    sync(&google, &mut sink).await.expect("idle sync");
    assert_eq!(outbound(&sink), after_c);
}

mod normalise_props {
    use hearth::sync::google::normalise::{ReviewContext, review_messages, update_time};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn normalise_never_panics_on_odd_reviews(
            name in ".*", comment in ".*", stars in ".*", time in ".*", reply in proptest::option::of(".*"),
        ) {
            let mut review = serde_json::json!({
                "name": name, "comment": comment, "starRating": stars,
                "createTime": time, "updateTime": time,
                "reviewer": {"displayName": comment},
            });
            if let Some(reply) = reply {
                review["reviewReply"] = serde_json::json!({"comment": reply, "updateTime": time});
            }
            let ctx = ReviewContext {
                account: "gbp",
                brand: None,
                location_title: "Somewhere",
                owner: "Us",
                fallback_time: chrono::DateTime::UNIX_EPOCH,
            };
            let messages = review_messages(&review, &ctx);
            prop_assert!(messages.len() <= 2);
            let _ = update_time(&review);
        }
    }
}

#[tokio::test]
async fn locations_are_listed_on_the_business_information_host_only() {
    let fake = FakeGoogle::start(GoogleSeed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    sync(&google, &mut sink).await.expect("sync");
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.contains(&"/v1/accounts/1000/locations".to_string()),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .all(|p| !p.starts_with("/v4/accounts/1000/locations?")
                && p != "/v4/accounts/1000/locations"),
        "the retired v4 listing is never asked: {paths:?}"
    );
    assert!(
        paths
            .iter()
            .filter(|p| p.ends_with("/reviews"))
            .all(|p| p.starts_with("/v4/")),
        "{paths:?}"
    );
    assert_eq!(sink.totals(), expected_totals(&fake, 0));

    // The fake keeps each API on its own prefix, as Google's hosts do: a
    // connector pointed at the v4 root for locations gets the 404 Google gives.
    let mut wrong = account(&fake, &[]);
    wrong.locations_base_url = Some(fake.reviews_base());
    let google = Google::from_config(
        &wrong,
        Secret::new(REFRESH_TOKEN),
        Some(Secret::new(CLIENT_SECRET)),
    )
    .unwrap();
    let err = sync(&google, &mut Sink::new(&tempfile::tempdir().unwrap()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::Rejected { status: 404, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn titles_are_cached_and_a_failed_lookup_never_blocks_reviews() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 2,
        reviews_per_location: 3,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let (clock, offset) = test_clock();
    let google = connector_for(&fake, &["locations/2000", "locations/2001"]).with_clock(clock);
    let title_lookups = |fake: &FakeGoogle| {
        fake.requests()
            .iter()
            .filter(|r| r.path.starts_with("/v1/locations/"))
            .count()
    };
    sync(&google, &mut sink).await.expect("first sync");
    assert_eq!(title_lookups(&fake), 2, "one lookup per location");
    sync(&google, &mut sink).await.expect("second sync");
    sync(&google, &mut sink).await.expect("third sync");
    assert_eq!(title_lookups(&fake), 2, "titles come from the cache");

    // A day later the titles are due again, and the Business Information API
    // fails: the reviews still arrive, under the titles known before.
    offset.fetch_add(25 * 3600, Ordering::SeqCst);
    fake.advance(25 * 3600);
    fake.fail_next(Route::Locations, 2, Fault::ServerError(503));
    let fresh = fake.add_review(1, "Jo", "ONE", "Cold food.");
    sync(&google, &mut sink)
        .await
        .expect("a failed title lookup is not a failed round");
    assert_eq!(title_lookups(&fake), 4);
    let id = sink.store.conversation_id(NAME, &fresh).unwrap().unwrap();
    let conv = sink.store.conversation(id).unwrap().unwrap();
    assert_eq!(conv.location.as_deref(), Some("Northwind – Branch 2"));
}

#[tokio::test]
async fn a_403_on_one_location_never_blocks_the_others() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 3,
        reviews_per_location: 2,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    sync(&google, &mut sink).await.expect("sync");
    fake.deny_location(0, true);
    let one_star = fake.add_review(2, "Sam", "ONE", "Never again.");
    sync(&google, &mut sink)
        .await
        .expect("one location refused is not a failed round");
    assert_eq!(sink.messages_of(&one_star)[0].body, "Never again.");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.status == 403 && r.path.contains(&fake.location_parent(0))),
        "the refused location was asked"
    );

    // Refused everywhere: the account itself has lost access.
    fake.deny_location(1, true);
    fake.deny_location(2, true);
    let err = sync(&google, &mut sink).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Auth { status: 403, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_disabled_api_or_unapproved_access_needs_permission_not_a_login() {
    let fake = FakeGoogle::start(GoogleSeed::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    fake.fail_next(Route::Reviews, 1, Fault::ServiceDisabled);
    match sync(&google, &mut sink).await.unwrap_err() {
        SyncError::Permission { cause, fix } => {
            assert!(cause.contains("not enabled"), "{cause}");
            assert!(fix.contains("console.developers.google.com"), "{fix}");
        }
        other => panic!("{other:?}"),
    }
    fake.fail_next(Route::Locations, 1, Fault::QuotaZero);
    match sync(&google, &mut sink).await.unwrap_err() {
        SyncError::Permission { cause, fix } => {
            assert!(cause.contains("quota of 0"), "{cause}");
            assert!(fix.contains("14 days"), "{fix}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.refresh_count(), 1, "no token churn: the login is fine");
}

/// A clock that starts at the fake's "now" (the reviews' own time scale).
fn fake_clock(fake: &FakeGoogle) -> (Clock, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let start = fake.now();
    let seen = offset.clone();
    let clock: Clock = Arc::new(move || start + Duration::seconds(seen.load(Ordering::SeqCst)));
    (clock, offset)
}

fn status_of(sink: &Sink, review: &str) -> Status {
    let id = sink
        .store
        .conversation_id(NAME, review)
        .expect("lookup")
        .expect("the review is cached");
    sink.store
        .conversation(id)
        .expect("read")
        .expect("the conversation")
        .status
}

#[tokio::test]
async fn outside_replies_and_deleted_reviews_are_reconciled_without_an_update_time_bump() {
    // Google's docs do not say that a reply moves the review's updateTime: the
    // fake here does not, so only the reconcile can see these changes.
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 2,
        reviews_per_location: 4,
        reply_every: 0,
        reply_bumps_update_time: false,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let (clock, offset) = fake_clock(&fake);
    let google = connector(&fake).with_clock(clock);
    sync(&google, &mut sink).await.expect("first sync");
    let names = fake.review_names();
    let (answered, deleted) = (names[0].clone(), names[3].clone());
    assert_eq!(status_of(&sink, &answered), Status::Open);

    fake.set_reply(&answered, "Thanks, we answered in the Google app.");
    fake.delete_review(&deleted);
    sync(&google, &mut sink).await.expect("quiet round");
    assert_eq!(
        status_of(&sink, &answered),
        Status::Open,
        "the listing cannot show it yet: nothing moved"
    );

    // An hour later the reconcile reads the recent reviews again.
    offset.fetch_add(3601, Ordering::SeqCst);
    sync(&google, &mut sink).await.expect("reconcile round");
    let messages = sink.messages_of(&answered);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[1].direction, Direction::Outbound);
    assert_eq!(messages[1].body, "Thanks, we answered in the Google app.");
    assert_eq!(status_of(&sink, &answered), Status::Waiting);
    assert_eq!(
        status_of(&sink, &deleted),
        Status::Waiting,
        "out of the queue"
    );
    let id = sink.store.conversation_id(NAME, &deleted).unwrap().unwrap();
    assert_eq!(
        sink.store.thread_state(id).unwrap(),
        Some(MessageState::Deleted)
    );
    assert!(
        hearth::model::reply_refusal(
            hearth::model::Platform::Google,
            Kind::Review,
            sink.store.thread_state(id).unwrap()
        )
        .is_some(),
        "a reply to it is refused"
    );

    // Months later every review is old: unanswered ones are fetched one by one.
    let old_one = names[1].clone();
    fake.set_reply(&old_one, "Late, but answered on Google.");
    offset.fetch_add(90 * 86_400, Ordering::SeqCst);
    fake.clear_requests();
    sync(&google, &mut sink)
        .await
        .expect("reconcile of old reviews");
    assert_eq!(status_of(&sink, &old_one), Status::Waiting);
    let single_reads = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/reviews/"))
        .count();
    assert!(
        (1..=2 * hearth::sync::google::OLD_UNANSWERED_CHECKS).contains(&single_reads),
        "bounded per location: {single_reads}"
    );
}

#[tokio::test]
async fn pending_or_rejected_replies_are_not_answers() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 1,
        reviews_per_location: 2,
        reply_every: 0,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    let review = fake.review_names()[0].clone();
    fake.set_reply(&review, "Thank you!");
    fake.set_reply_state(&review, "PENDING");
    sync(&google, &mut sink).await.expect("sync");
    let reply = reply_id(&review, "Thank you!");
    assert_eq!(
        sink.store.message_state(NAME, &reply).unwrap(),
        Some(MessageState::Pending)
    );
    assert_eq!(
        status_of(&sink, &review),
        Status::Open,
        "still needs an answer"
    );

    fake.set_reply_state(&review, "REJECTED");
    fake.edit_review(&review, "still waiting");
    sync(&google, &mut sink).await.expect("sync");
    assert_eq!(
        sink.store.message_state(NAME, &reply).unwrap(),
        Some(MessageState::Rejected)
    );
    assert_eq!(status_of(&sink, &review), Status::Open);

    fake.set_reply(&review, "Sorry, here is what happened.");
    sync(&google, &mut sink).await.expect("sync");
    assert_eq!(
        status_of(&sink, &review),
        Status::Waiting,
        "a published reply answers"
    );
}

#[tokio::test]
async fn translated_reviews_show_the_original_and_keep_the_translation() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 1,
        reviews_per_location: 0,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    let review = fake.add_review(
        0,
        "Jonas",
        "TWO",
        "(Translated by Google) The soup was cold.\n\n(Original)\nDie Suppe war kalt.",
    );
    sync(&google, &mut sink).await.expect("sync");
    let body = &sink.messages_of(&review)[0].body;
    assert!(body.starts_with("Die Suppe war kalt."), "{body}");
    assert!(body.contains("The soup was cold."), "{body}");
}

#[tokio::test]
async fn config_mistakes_are_named() {
    let fake = FakeGoogle::start(GoogleSeed::default()).await;
    let mut config = account(&fake, &[]);
    config.gbp_account = None;
    let err = Google::from_config(&config, Secret::new(REFRESH_TOKEN), None).unwrap_err();
    assert!(
        matches!(&err, SyncError::Config(m) if m.contains("gbp_account")),
        "{err:?}"
    );
    let mut config = account(&fake, &[]);
    config.client_id = None;
    let err = Google::from_config(&config, Secret::new(REFRESH_TOKEN), None).unwrap_err();
    assert!(
        matches!(&err, SyncError::Config(m) if m.contains("client_id")),
        "{err:?}"
    );
    let mut config = account(&fake, &[]);
    config.base_url = Some("http://example.com/v4/".into());
    assert!(matches!(
        Google::from_config(&config, Secret::new(REFRESH_TOKEN), None),
        Err(SyncError::Config(_))
    ));
    // A bare id never gets this far from a config file (see the test below);
    // a config built in code still gets a clear error.
    let config = account(&fake, &["stores/1"]);
    let google = Google::from_config(
        &config,
        Secret::new(REFRESH_TOKEN),
        Some(Secret::new(CLIENT_SECRET)),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = sync(&google, &mut Sink::new(&dir)).await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Config(m) if m.contains("stores/1")),
        "{err:?}"
    );
}

#[test]
fn a_bare_location_id_in_the_config_file_is_named_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[[account]]\nname = \"gbp\"\nplatform = \"google\"\ngbp_account = \"accounts/1\"\n\
         gbp_locations = [\"12345\"]\n",
    )
    .unwrap();
    let err = Config::load(&path, true).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:5:18:", path.display())),
        "file:line:col first: {err}"
    );
    assert!(err.contains("locations/12345"), "{err}");
}

/// `cargo test --release --test google_sync -- --ignored --nocapture` prints the rate.
#[tokio::test]
#[ignore]
async fn throughput_of_a_large_location() {
    let fake = FakeGoogle::start(GoogleSeed {
        locations: 4,
        reviews_per_location: 5_000,
        ..GoogleSeed::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut sink = Sink::new(&dir);
    let google = connector(&fake);
    let started = std::time::Instant::now();
    sync(&google, &mut sink).await.expect("sync");
    let (_, messages) = sink.totals();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{messages} messages in {secs:.2}s: {:.0}/s",
        messages as f64 / secs
    );
    assert_eq!(sink.totals(), expected_totals(&fake, 0));
}
