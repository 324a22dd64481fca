//! One person across platforms, on real SQLite files: suggestions by name,
//! email and phone; links that merge only when the user says so, and undo.

use super::*;
use crate::config::Config;
use crate::demo::test_assess::KeywordAssess;
use crate::inbox::Guard;
use crate::model::{Direction, IncomingMessage, IngestPage, Kind, Platform};
use crate::store::Store;
use chrono::{Duration, TimeZone};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn msg(
    platform: Platform,
    author: &str,
    id: &str,
    body: &str,
    at: DateTime<Utc>,
) -> IncomingMessage {
    IncomingMessage {
        account: format!("{platform}-acct"),
        platform,
        kind: Kind::Dm,
        thread_id: format!("thread-{id}"),
        platform_id: id.into(),
        direction: Direction::Inbound,
        author: author.into(),
        body: body.into(),
        sent_at: at,
        context: None,
        brand: None,
        location: None,
        rating: None,
    }
}

struct Cache {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Cache {
    fn new(messages: Vec<IncomingMessage>) -> Cache {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.db");
        let mut store = Store::open(&path).expect("open");
        store
            .ingest(
                &IngestPage {
                    messages,
                    cursor: None,
                },
                &KeywordAssess,
            )
            .expect("ingest");
        Cache { _dir: dir, path }
    }

    fn store(&self) -> Store {
        Store::open(&self.path).expect("reopen")
    }

    fn id(&self, store: &Store, platform: Platform, thread: &str) -> i64 {
        store
            .conversation_id(&format!("{platform}-acct"), &format!("thread-{thread}"))
            .expect("read")
            .expect("conversation")
    }
}

fn others(store: &Store, id: i64) -> Vec<(Platform, String, Tie)> {
    let c = store.conversation(id).expect("read").expect("conversation");
    person_for(store, &c)
        .expect("person")
        .others
        .into_iter()
        .map(|o| (o.identity.platform, o.identity.author, o.tie))
        .collect()
}

#[test]
fn the_same_name_email_or_phone_is_suggested_never_merged() {
    let cache = Cache::new(vec![
        msg(
            Platform::Mastodon,
            "Dana Whitfield",
            "m1",
            "My e-bike battery is broken",
            t0(),
        ),
        msg(
            Platform::Facebook,
            "dana  WHITFIELD",
            "f1",
            "How much is financing?",
            t0(),
        ),
        msg(
            Platform::Instagram,
            "d.w.rides",
            "i1",
            "write me at Dana.W@Example.com",
            t0(),
        ),
        msg(
            Platform::Google,
            "DW",
            "g1",
            "it's dana.w@example.com, call +49 151 2345 6789",
            t0(),
        ),
        msg(
            Platform::Yelp,
            "Anon",
            "y1",
            "my number: 0151 2345-6789",
            t0(),
        ),
        msg(Platform::Linkedin, "Dana", "l1", "Hello", t0()),
    ]);
    let store = cache.store();
    let mastodon = cache.id(&store, Platform::Mastodon, "m1");
    assert_eq!(
        others(&store, mastodon),
        vec![(
            Platform::Facebook,
            "dana  WHITFIELD".into(),
            Tie::Suggested(vec![KeyKind::Name])
        )],
        "a single word ('Dana') suggests nobody"
    );
    let google = cache.id(&store, Platform::Google, "g1");
    assert_eq!(
        others(&store, google),
        vec![
            (
                Platform::Instagram,
                "d.w.rides".into(),
                Tie::Suggested(vec![KeyKind::Email])
            ),
            (
                Platform::Yelp,
                "Anon".into(),
                Tie::Suggested(vec![KeyKind::Phone])
            ),
        ]
    );
    // Suggestions merge nothing: the header says "maybe".
    let c = store.conversation(mastodon).expect("read").expect("c");
    let person = person_for(&store, &c).expect("person");
    assert_eq!(person.linked().count(), 0);
    let line = person.summary(t0()).expect("a line");
    assert!(
        line.starts_with("maybe also: Facebook (same name)"),
        "{line}"
    );
}

#[test]
fn link_and_unlink_are_stored_and_undo_each_other() {
    let cache = Cache::new(vec![
        msg(
            Platform::Mastodon,
            "Dana Whitfield",
            "m1",
            "The battery is broken",
            t0(),
        ),
        msg(
            Platform::Facebook,
            "Dana Whitfield",
            "f1",
            "What is the price?",
            t0(),
        ),
        msg(
            Platform::Instagram,
            "rides_by_d",
            "i1",
            "Is it available?",
            t0(),
        ),
    ]);
    let config = Config::default();
    let mut store = cache.store();
    let (m, f, i) = (
        cache.id(&store, Platform::Mastodon, "m1"),
        cache.id(&store, Platform::Facebook, "f1"),
        cache.id(&store, Platform::Instagram, "i1"),
    );
    let insta = Identity::new(Platform::Instagram, "rides_by_d");
    let fb = Identity::new(Platform::Facebook, "Dana Whitfield");
    {
        let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
        let out = inbox.link(f, &insta, t0()).expect("link");
        assert_eq!(out.state, LinkState::Linked);
        assert!(matches!(
            inbox.link(f, &fb, t0()),
            Err(InboxError::SameIdentity(_))
        ));
    }
    // A new connection reads the link from the file, both ways round.
    let store = cache.store();
    assert_eq!(
        others(&store, i),
        vec![(Platform::Facebook, "Dana Whitfield".into(), Tie::Linked)]
    );
    let from_fb = others(&store, f);
    assert_eq!(
        from_fb[0],
        (Platform::Instagram, "rides_by_d".into(), Tie::Linked)
    );
    assert_eq!(from_fb[1].2, Tie::Suggested(vec![KeyKind::Name]));

    // Unlink: the link goes; on a suggested pair it also stops the suggestion.
    let mut store = cache.store();
    {
        let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
        inbox.unlink(i, &fb, t0()).expect("unlink");
        let mastodon = Identity::new(Platform::Mastodon, "Dana Whitfield");
        inbox.unlink(f, &mastodon, t0()).expect("not the same");
    }
    assert!(others(&store, f).is_empty());
    assert!(others(&store, m).is_empty());
    // And linking again undoes the unlink.
    {
        let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
        inbox.link(i, &fb, t0()).expect("link again");
    }
    assert_eq!(others(&store, i).len(), 1);
    let rows: i64 = store_rows(&cache.path);
    assert_eq!(rows, 2, "one row per pair, whichever way it was made");
}

fn store_rows(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row("SELECT count(*) FROM identity_links", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_key_shared_by_many_identifies_nobody() {
    let platforms: Vec<Platform> = Platform::ALL
        .iter()
        .copied()
        .take(MAX_IDENTITIES_PER_KEY + 1)
        .collect();
    let messages = platforms
        .iter()
        .enumerate()
        .map(|(n, p)| {
            msg(
                *p,
                &format!("person{n}"),
                &format!("x{n}"),
                "I emailed help@shop.example twice",
                t0(),
            )
        })
        .collect();
    let cache = Cache::new(messages);
    let store = cache.store();
    let id = cache.id(&store, Platform::Mastodon, "x0");
    assert!(others(&store, id).is_empty());
}

#[test]
fn a_pitch_to_someone_with_a_complaint_elsewhere_is_stopped() {
    let cache = Cache::new(vec![
        msg(
            Platform::Mastodon,
            "Dana Whitfield",
            "m1",
            "My battery is broken",
            t0(),
        ),
        msg(
            Platform::Facebook,
            "Dana Whitfield",
            "f1",
            "What is the price of financing?",
            t0(),
        ),
    ]);
    let config = Config::default();
    let mut store = cache.store();
    let f = cache.id(&store, Platform::Facebook, "f1");
    let m = cache.id(&store, Platform::Mastodon, "m1");
    let now = t0() + Duration::hours(21);
    let inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let warnings = inbox
        .check_reply(f, "Hi Dana, financing starts at 30 a month.", now)
        .expect("checked");
    let w = warnings
        .iter()
        .find(|w| w.guard == Guard::ComplaintElsewhere)
        .expect("the complaint guard fires");
    assert!(
        w.message
            .contains("(Mastodon (same name) · open complaint, 19h00m overdue)"),
        "{}",
        w.message
    );
    // Answering the complaint itself is no pitch.
    let on_complaint = inbox
        .check_reply(m, "Hi Dana, so sorry: a new battery goes out today.", now)
        .expect("checked");
    assert!(
        on_complaint
            .iter()
            .all(|w| w.guard != Guard::ComplaintElsewhere)
    );
}
