use super::*;
use chrono::TimeZone;
use proptest::prelude::*;
use serde_json::json;

fn ctx() -> Context<'static> {
    Context {
        account: "shop-mastodon",
        me: "14715",
        brand: Some("Northwind"),
        location: None,
        now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
    }
}

fn status(id: &str, author: (&str, &str), visibility: &str) -> serde_json::Value {
    json!({
        "id": id, "created_at": "2024-05-02T09:15:01.940Z", "visibility": visibility,
        "content": "<p><span class=\"h-card\"><a href=\"x\" class=\"u-url mention\">@<span>brand</span></a></span> open sunday?</p>",
        "account": {"id": author.0, "acct": author.1, "username": "zsc", "display_name": "Zoe"},
        "mentions": [{"id": "14715", "acct": "brand"}],
        "in_reply_to_id": null, "in_reply_to_account_id": null
    })
}

#[test]
fn a_public_mention_starts_its_own_thread() {
    let n = json!({"id": "1", "type": "mention", "status": status("100", ("971", "zsc@remote.example"), "public")});
    let m = normalise_notification_json(&n, &ctx()).unwrap();
    assert_eq!(m.kind, Kind::Mention);
    assert_eq!(m.thread_id, "100");
    assert_eq!(m.platform_id, "100");
    assert_eq!(m.direction, Direction::Inbound);
    assert_eq!(m.author, "Zoe");
    assert_eq!(m.body, "@brand open sunday?");
    assert_eq!(m.brand.as_deref(), Some("Northwind"));
    assert_eq!(m.context.as_deref(), Some("Mention"));
    assert_eq!(
        m.sent_at,
        Utc.with_ymd_and_hms(2024, 5, 2, 9, 15, 1).unwrap() + chrono::Duration::milliseconds(940)
    );
}

#[test]
fn a_reply_to_our_post_joins_the_post_thread() {
    let mut s = status("101", ("971", "zsc@remote.example"), "unlisted");
    s["in_reply_to_id"] = json!("50");
    s["in_reply_to_account_id"] = json!("14715");
    let m = normalise_status_json(&s, &ctx(), Feed::Mentions).unwrap();
    assert_eq!(m.thread_id, "50");
    assert_eq!(m.context.as_deref(), Some("Reply to our post"));
    // Replying to someone else's status: the mention starts the conversation.
    s["in_reply_to_account_id"] = json!("333");
    assert_eq!(
        normalise_status_json(&s, &ctx(), Feed::Mentions)
            .unwrap()
            .thread_id,
        "101"
    );
}

#[test]
fn dms_thread_by_participants_both_ways() {
    let inbound = status("102", ("971", "Zsc@remote.example"), "direct");
    let m = normalise_status_json(&inbound, &ctx(), Feed::Mentions).unwrap();
    assert_eq!(m.kind, Kind::Dm);
    assert_eq!(m.thread_id, "dm:zsc@remote.example");
    assert_eq!(m.context, None);
    // Our answer mentions them: same thread, outbound.
    let ours = json!({
        "id": "103", "visibility": "direct", "content": "<p>@zsc thanks</p>",
        "account": {"id": "14715", "acct": "brand", "display_name": "Brand"},
        "mentions": [{"id": "971", "acct": "zsc@remote.example"}],
        "in_reply_to_id": "102", "in_reply_to_account_id": "971"
    });
    let r = normalise_status_json(&ours, &ctx(), Feed::Own).unwrap();
    assert_eq!(r.thread_id, "dm:zsc@remote.example");
    assert_eq!(r.direction, Direction::Outbound);
}

#[test]
fn our_public_reply_joins_its_parent_thread() {
    let ours: Status = serde_json::from_value(json!({
        "id": "104", "visibility": "public", "content": "<p>@zsc yes</p>",
        "account": {"id": "14715", "acct": "brand"},
        "in_reply_to_id": "101", "in_reply_to_account_id": "971"
    }))
    .unwrap();
    let m = normalise_status(&ours, &ctx(), Feed::Own, Some("50")).unwrap();
    assert_eq!(m.thread_id, "50");
    assert_eq!(m.author, "@brand");
    let m = normalise_status(&ours, &ctx(), Feed::Own, None).unwrap();
    assert_eq!(m.thread_id, "101");
}

#[test]
fn hashtags_follows_boosts_and_missing_fields() {
    let s = status("105", ("971", "zsc@remote.example"), "public");
    let m = normalise_status_json(&s, &ctx(), Feed::Hashtag("coffee")).unwrap();
    assert_eq!(m.context.as_deref(), Some("#coffee"));
    let m = normalise_status_json(&s, &ctx(), Feed::Keyword("Northwind")).unwrap();
    assert_eq!(m.context.as_deref(), Some("keyword: Northwind"));
    assert_eq!((m.kind, m.thread_id.as_str()), (Kind::Mention, "105"));
    let follow = json!({"id": "2", "type": "follow", "account": {"id": "9"}});
    assert!(normalise_notification_json(&follow, &ctx()).is_none());
    let mut boost = s.clone();
    boost["reblog"] = status("1", ("9", "x"), "public");
    assert!(normalise_status_json(&boost, &ctx(), Feed::Mentions).is_none());
    // Nulls and absences take defaults; a missing time is "now".
    let sparse = json!({"id": "106", "content": null, "account": null, "mentions": null});
    let m = normalise_status_json(&sparse, &ctx(), Feed::Mentions).unwrap();
    assert_eq!(m.sent_at, ctx().now);
    assert_eq!(m.body, "");
    assert!(normalise_status_json(&json!({"content": "x"}), &ctx(), Feed::Mentions).is_none());
}

#[test]
fn content_warnings_and_attachments_are_in_the_body() {
    let mut s = status("107", ("971", "zsc@remote.example"), "public");
    s["spoiler_text"] = json!("food");
    s["media_attachments"] =
        json!([{"type": "image", "description": "a cold pizza"}, {"type": "video"}]);
    let m = normalise_status_json(&s, &ctx(), Feed::Mentions).unwrap();
    assert_eq!(
        m.body,
        "CW: food\n\n@brand open sunday?\n[image: a cold pizza]\n[video]"
    );
}

/// A public status by `author` ("14715" is us) replying to `parent` (by `parent_author`).
fn public(id: &str, author: &str, parent: Option<(&str, &str)>) -> Status {
    serde_json::from_value(json!({
        "id": id, "visibility": "public", "content": "<p>hi</p>",
        "account": {"id": author, "acct": format!("u{author}")},
        "in_reply_to_id": parent.map(|p| p.0),
        "in_reply_to_account_id": parent.map(|p| p.1),
    }))
    .unwrap()
}

#[test]
fn a_back_and_forth_resolves_to_the_first_mention() {
    let me = "14715";
    // M1 (customer) ← R1 (us) ← M2 (customer) ← R2 (us) ← M3 (customer).
    let m1 = public("1", "971", None);
    let r1 = public("2", me, Some(("1", "971")));
    let m2 = public("3", "971", Some(("2", me)));
    let r2 = public("4", me, Some(("3", "971")));
    let m3 = public("5", "971", Some(("4", me)));
    let ancestors = [m1.clone(), r1.clone(), m2.clone(), r2.clone()];
    assert_eq!(thread_path(&m3, &ancestors, me), ["5", "4", "3", "2", "1"]);
    assert_eq!(thread_path(&m2, &ancestors[..2], me), ["3", "2", "1"]);
    assert_eq!(thread_path(&m1, &[], me), ["1"]);
    assert_eq!(joined_parent(&m1, me), None);
    assert_eq!(joined_parent(&r1, me), Some("1"));
    assert_eq!(joined_parent(&m2, me), Some("2"));
    // With the root supplied, every status of the exchange lands in thread "1".
    for s in [&r1, &m2, &r2, &m3] {
        assert_eq!(thread_id(s, me, Some("1")), "1");
    }
    assert_eq!(thread_id(&m1, me, None), "1");
}

#[test]
fn the_walk_stops_at_roots_gaps_and_loops() {
    let me = "14715";
    // A customer answering another customer starts their own thread.
    let other = public("7", "555", None);
    let reply_to_other = public("8", "971", Some(("7", "555")));
    assert_eq!(joined_parent(&reply_to_other, me), None);
    assert_eq!(thread_path(&reply_to_other, &[other], me), ["8"]);
    // Replying to our standalone post: the post is the root.
    let post = public("20", me, None);
    let on_post = public("21", "971", Some(("20", me)));
    assert_eq!(thread_path(&on_post, &[post], me), ["21", "20"]);
    // The parent is not visible: it is taken as the root (as thread_id guesses).
    assert_eq!(thread_path(&on_post, &[], me), ["21", "20"]);
    assert_eq!(thread_id(&on_post, me, None), "20");
    // A server answering with a cycle cannot make the walk spin.
    let a = public("30", me, Some(("31", "971")));
    let b = public("31", "971", Some(("30", me)));
    assert_eq!(thread_path(&a, &[b], me), ["30", "31"]);
    // DMs never join by reply.
    let mut dm = public("40", "971", Some(("4", me)));
    dm.visibility = "direct".into();
    assert_eq!(joined_parent(&dm, me), None);
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("mention"),
            Just("direct"),
            Just("14715"),
            Just("<p>&amp;</p>")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("id".to_string()),
            Just("type".to_string()),
            Just("status".to_string()),
            Just("account".to_string()),
            Just("content".to_string()),
            Just("visibility".to_string()),
            Just("mentions".to_string()),
            Just("created_at".to_string()),
            Just("in_reply_to_id".to_string()),
            Just("in_reply_to_account_id".to_string()),
            Just("media_attachments".to_string()),
            ".{0,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys, inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn normalise_never_panics_on_arbitrary_json(v in arbitrary_json()) {
        let c = ctx();
        let _ = normalise_notification_json(&v, &c);
        for feed in [Feed::Mentions, Feed::Own, Feed::Hashtag("t"), Feed::Keyword("k")] {
            if let Some(m) = normalise_status_json(&v, &c, feed) {
                prop_assert!(!m.platform_id.is_empty());
                prop_assert!(!m.thread_id.is_empty());
            }
        }
    }

    #[test]
    fn thread_walks_never_panic_or_repeat(
        v in arbitrary_json(),
        ancestors in prop::collection::vec(arbitrary_json(), 0..6),
    ) {
        let Ok(status) = serde_json::from_value::<Status>(v) else {
            return Ok(());
        };
        let ancestors: Vec<Status> = ancestors
            .into_iter()
            .filter_map(|a| serde_json::from_value(a).ok())
            .collect();
        let path = thread_path(&status, &ancestors, "14715");
        prop_assert_eq!(&path[0], &status.id);
        prop_assert!(path.len() <= ancestors.len() + 2);
        let unique: std::collections::HashSet<&String> = path.iter().collect();
        prop_assert_eq!(unique.len(), path.len());
    }
}
