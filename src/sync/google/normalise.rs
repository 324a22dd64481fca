//! Google review JSON → the cache's messages. Pure functions: no I/O, no clock,
//! never a panic whatever the JSON holds.
//!
//! Ids: a review is one conversation (`thread_id` = the review's resource name).
//! The customer's text is an inbound message whose id is the review name plus a
//! fingerprint of its comment and rating (`…/reviews/X#9f3c…`), so an edited review
//! lands as a new inbound message while a mere `updateTime` bump (our reply) does
//! not. Our reply is the outbound message `…/reviews/X/reply#<fingerprint of its
//! text>`: replacing the reply (Google keeps one per review) gives a new message
//! with the new text, while the connector returns the same id when it sends that
//! text, so the copy fetched back is not shown twice. (Putting back an earlier
//! text word for word gives that earlier id, which the cache already has.)
//!
//! [`review_facts`] then says which version is current: older ones are kept as
//! replaced history, a removed reply as deleted, and a reply Google still
//! moderates or refused (`reviewReplyState`) as pending or rejected, so it does
//! not count as an answer.

use crate::model::{Direction, IncomingMessage, Kind, MessageState, PageFacts, Platform, Sweep};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// What a review does not say about itself.
#[derive(Debug, Clone)]
pub struct ReviewContext<'a> {
    pub account: &'a str,
    pub brand: Option<&'a str>,
    /// The location's title ("Brand Co – Downtown").
    pub location_title: &'a str,
    /// Author shown on our replies.
    pub owner: &'a str,
    /// Used only when the review carries no readable timestamp.
    pub fallback_time: DateTime<Utc>,
}

/// A location whose reviews we read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The v4 parent path, "accounts/1/locations/2".
    pub parent: String,
    pub title: String,
}

/// Body of a review that has stars but no text.
pub const RATING_ONLY: &str = "(rating only, no comment)";

/// How Google marks a comment it machine-translated for the API caller:
/// "(Translated by Google) <translation>\n\n(Original)\n<original>".
const TRANSLATED: &str = "(Translated by Google)";
const ORIGINAL: &str = "(Original)";

/// The text to show for a review or reply comment: for a translated one, what the
/// customer wrote first, then Google's translation (kept for reading and triage).
pub fn display_text(comment: &str) -> String {
    let Some(rest) = comment.trim_start().strip_prefix(TRANSLATED) else {
        return comment.to_string();
    };
    let Some((translation, original)) = rest.split_once(ORIGINAL) else {
        return comment.to_string();
    };
    let (translation, original) = (translation.trim(), original.trim());
    if original.is_empty() {
        return comment.to_string();
    }
    format!("{original}\n\n{TRANSLATED} {translation}")
}

/// How Google shows our reply: `reviewReply.reviewReplyState` (added to the API
/// in 2026) says whether it is still in moderation or was refused. Anything else,
/// or no state at all, is a published reply.
pub fn reply_state(reply: &Value) -> MessageState {
    let state = reply["reviewReplyState"]
        .as_str()
        .or_else(|| reply["state"].as_str())
        .unwrap_or("")
        .to_ascii_uppercase();
    if state.contains("PENDING") {
        MessageState::Pending
    } else if state.contains("REJECT") {
        MessageState::Rejected
    } else {
        MessageState::Visible
    }
}

/// `ONE`..`FIVE` → 1..5; anything else (e.g. `STAR_RATING_UNSPECIFIED`) → none.
pub fn star_rating(value: &Value) -> Option<u8> {
    match value.as_str()? {
        "ONE" => Some(1),
        "TWO" => Some(2),
        "THREE" => Some(3),
        "FOUR" => Some(4),
        "FIVE" => Some(5),
        _ => None,
    }
}

/// RFC 3339 with 0–9 fractional digits.
pub fn parse_time(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_str()?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The review's `updateTime`, which orders the listing and drives the cursor.
pub fn update_time(review: &Value) -> Option<DateTime<Utc>> {
    parse_time(&review["updateTime"]).or_else(|| parse_time(&review["createTime"]))
}

/// The resource of our reply to `review_name` (what `PUT`/`DELETE` address).
pub fn reply_resource(review_name: &str) -> String {
    format!("{review_name}/reply")
}

/// The platform id of our reply to `review_name` reading `comment`, exactly as
/// the server holds it.
pub fn reply_id(review_name: &str, comment: &str) -> String {
    let mut hash = Fnv::new();
    hash.write(comment.as_bytes());
    format!("{}#{:016x}", reply_resource(review_name), hash.0)
}

/// The platform id of one version of the customer's review text.
pub fn version_id(review_name: &str, comment: &str, rating: Option<u8>) -> String {
    let mut hash = Fnv::new();
    hash.write(comment.as_bytes());
    hash.write(&[0xff, rating.unwrap_or(0)]);
    format!("{review_name}#{:016x}", hash.0)
}

/// A resource name we are willing to put in a URL path: slash-separated, non-empty
/// segments of letters, digits, `-`, `_` and `.`, none of them `.` or `..`.
pub fn is_resource_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// The v4 parent of a location: `locations/2` (Business Information names) is put
/// under `account`; a full `accounts/1/locations/2` is kept.
pub fn location_parent(account: &str, name: &str) -> Option<String> {
    let name = name.trim().trim_matches('/');
    let parent = if name.starts_with("accounts/") {
        name.to_string()
    } else if name.starts_with("locations/") {
        format!("{}/{name}", account.trim_matches('/'))
    } else {
        return None;
    };
    let parts: Vec<&str> = parent.split('/').collect();
    let shaped = parts.len() == 4 && parts[0] == "accounts" && parts[2] == "locations";
    (shaped && is_resource_name(&parent)).then_some(parent)
}

/// One entry of a Business Information `locations` listing.
pub fn location(account: &str, value: &Value) -> Option<Location> {
    let parent = location_parent(account, value["name"].as_str()?)?;
    let title = value["title"]
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or_else(|| parent.clone(), str::to_string);
    Some(Location { parent, title })
}

/// The messages one review contributes: the customer's current text (inbound) and
/// our reply if there is one (outbound). A review without a usable name gives none.
pub fn review_messages(review: &Value, ctx: &ReviewContext<'_>) -> Vec<IncomingMessage> {
    let Some(name) = review["name"].as_str().filter(|n| is_resource_name(n)) else {
        return Vec::new();
    };
    let rating = star_rating(&review["starRating"]);
    let comment = review["comment"].as_str().unwrap_or("");
    let reviewer = &review["reviewer"];
    let author = reviewer["displayName"]
        .as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty() && reviewer["isAnonymous"] != Value::Bool(true))
        .unwrap_or("Anonymous");
    let created = parse_time(&review["createTime"]);
    let updated = parse_time(&review["updateTime"]);
    let reply = &review["reviewReply"];
    let reply_time = parse_time(&reply["updateTime"]);
    // updateTime also moves when we reply; if the reply is the newest change, the
    // customer's text dates from creation (or an earlier edit already ingested).
    let text_time = match (updated, reply_time) {
        (Some(u), Some(r)) if r >= u => created.or(updated),
        _ => updated.or(created),
    }
    .unwrap_or(ctx.fallback_time);
    let body = if comment.trim().is_empty() {
        RATING_ONLY.to_string()
    } else {
        display_text(comment)
    };
    let base = IncomingMessage {
        account: ctx.account.to_string(),
        platform: Platform::Google,
        kind: Kind::Review,
        thread_id: name.to_string(),
        platform_id: version_id(name, comment, rating),
        direction: Direction::Inbound,
        author: author.to_string(),
        body,
        sent_at: text_time,
        context: Some(ctx.location_title.to_string()),
        brand: ctx.brand.map(str::to_string),
        location: Some(ctx.location_title.to_string()),
        rating,
    };
    let mut messages = Vec::with_capacity(2);
    if let Some(reply_text) = reply["comment"].as_str().filter(|c| !c.trim().is_empty()) {
        messages.push(base.clone());
        messages.push(IncomingMessage {
            platform_id: reply_id(name, reply_text),
            direction: Direction::Outbound,
            author: ctx.owner.to_string(),
            body: display_text(reply_text),
            sent_at: reply_time.unwrap_or(text_time).max(text_time),
            ..base
        });
    } else {
        messages.push(base);
    }
    messages
}

/// Which cached versions of this review the platform still shows: the current
/// text and reply; earlier versions become history, a removed reply deleted, and
/// a reply in moderation or refused stops counting as the answer.
pub fn review_facts(review: &Value) -> PageFacts {
    let Some(name) = review["name"].as_str().filter(|n| is_resource_name(n)) else {
        return PageFacts::default();
    };
    let comment = review["comment"].as_str().unwrap_or("");
    let rating = star_rating(&review["starRating"]);
    let reply = &review["reviewReply"];
    let reply_text = reply["comment"].as_str().filter(|c| !c.trim().is_empty());
    let current_reply = reply_text.map(|text| reply_id(name, text));
    let mut facts = PageFacts {
        sweeps: vec![
            Sweep {
                thread_id: name.to_string(),
                prefix: format!("{name}#"),
                keep: vec![version_id(name, comment, rating)],
                others: MessageState::Replaced,
            },
            Sweep {
                thread_id: name.to_string(),
                prefix: format!("{}#", reply_resource(name)),
                keep: current_reply.iter().cloned().collect(),
                others: if current_reply.is_some() {
                    MessageState::Replaced
                } else {
                    MessageState::Deleted
                },
            },
        ],
        states: Vec::new(),
    };
    if let Some(id) = current_reply {
        facts.states.push((id, reply_state(reply)));
    }
    facts
}

/// The facts for a review Google no longer has: everything in it is deleted.
pub fn deleted_review(name: &str) -> PageFacts {
    PageFacts {
        sweeps: vec![Sweep {
            thread_id: name.to_string(),
            prefix: String::new(),
            keep: Vec::new(),
            others: MessageState::Deleted,
        }],
        states: Vec::new(),
    }
}

/// FNV-1a, 64-bit: a fingerprint that stays the same across Rust versions
/// (unlike `DefaultHasher`), so ids survive an upgrade.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn ctx() -> ReviewContext<'static> {
        ReviewContext {
            account: "gbp",
            brand: Some("Northwind"),
            location_title: "Northwind – Downtown",
            owner: "Northwind",
            fallback_time: DateTime::UNIX_EPOCH,
        }
    }

    const NAME: &str = "accounts/1/locations/2/reviews/AbC";

    #[test]
    fn a_review_with_a_reply_is_one_inbound_and_one_outbound() {
        let review = json!({
            "name": NAME, "reviewId": "AbC",
            "reviewer": {"displayName": "Tom", "isAnonymous": false},
            "starRating": "TWO", "comment": "Waited 40 minutes.",
            "createTime": "2024-04-28T09:00:00Z", "updateTime": "2024-04-29T10:15:00.123456Z",
            "reviewReply": {"comment": "Sorry Tom!", "updateTime": "2024-04-29T10:15:00.123456Z"}
        });
        let m = review_messages(&review, &ctx());
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].direction, Direction::Inbound);
        assert_eq!(m[0].kind.family(), crate::model::Family::Reputation);
        assert_eq!(m[0].rating, Some(2));
        assert_eq!(m[0].author, "Tom");
        assert_eq!(m[0].thread_id, NAME);
        assert_eq!(m[0].location.as_deref(), Some("Northwind – Downtown"));
        assert_eq!(m[0].context.as_deref(), Some("Northwind – Downtown"));
        // The bump came from our reply: the text dates from creation.
        assert_eq!(m[0].sent_at.to_rfc3339(), "2024-04-28T09:00:00+00:00");
        assert_eq!(m[1].direction, Direction::Outbound);
        assert_eq!(m[1].platform_id, reply_id(NAME, "Sorry Tom!"));
        assert_eq!(m[1].body, "Sorry Tom!");
    }

    #[test]
    fn an_edit_gets_a_new_id_but_a_reply_bump_does_not() {
        let v1 = json!({"name": NAME, "starRating": "TWO", "comment": "slow",
            "createTime": "2024-01-01T00:00:00Z", "updateTime": "2024-01-01T00:00:00Z"});
        let replied = json!({"name": NAME, "starRating": "TWO", "comment": "slow",
            "createTime": "2024-01-01T00:00:00Z", "updateTime": "2024-01-02T00:00:00Z",
            "reviewReply": {"comment": "sorry", "updateTime": "2024-01-02T00:00:00Z"}});
        let edited = json!({"name": NAME, "starRating": "FOUR", "comment": "slow but fixed",
            "createTime": "2024-01-01T00:00:00Z", "updateTime": "2024-01-03T00:00:00Z",
            "reviewReply": {"comment": "sorry", "updateTime": "2024-01-02T00:00:00Z"}});
        let id = |v: &Value| review_messages(v, &ctx())[0].platform_id.clone();
        assert_eq!(id(&v1), id(&replied));
        assert_ne!(id(&v1), id(&edited));
        let e = review_messages(&edited, &ctx());
        assert_eq!(e[0].sent_at.to_rfc3339(), "2024-01-03T00:00:00+00:00");
        assert_eq!(e[0].rating, Some(4));
    }

    #[test]
    fn a_replaced_reply_is_a_new_message_with_the_new_text() {
        let with_reply = |comment: &str, at: &str| {
            json!({"name": NAME, "starRating": "TWO", "comment": "slow",
                "createTime": "2024-01-01T00:00:00Z", "updateTime": at,
                "reviewReply": {"comment": comment, "updateTime": at}})
        };
        let a = review_messages(&with_reply("sorry", "2024-01-02T00:00:00Z"), &ctx());
        let b = review_messages(
            &with_reply("sorry, fixed now", "2024-01-03T00:00:00Z"),
            &ctx(),
        );
        assert_eq!(
            a[0].platform_id, b[0].platform_id,
            "the review itself is unchanged"
        );
        assert_ne!(a[1].platform_id, b[1].platform_id);
        assert_eq!(b[1].body, "sorry, fixed now");
        assert_eq!(b[1].platform_id, reply_id(NAME, "sorry, fixed now"));
        assert!(b[1].platform_id.starts_with(&reply_resource(NAME)));
        // The same text re-sent later is the same message.
        let again = review_messages(&with_reply("sorry", "2024-01-05T00:00:00Z"), &ctx());
        assert_eq!(a[1].platform_id, again[1].platform_id);
    }

    #[test]
    fn rating_only_and_anonymous_reviews_still_read_well() {
        let review = json!({"name": NAME, "starRating": "FIVE",
            "reviewer": {"displayName": "Someone", "isAnonymous": true},
            "updateTime": "2024-01-01T00:00:00Z"});
        let m = review_messages(&review, &ctx());
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].body, RATING_ONLY);
        assert_eq!(m[0].author, "Anonymous");
        assert_eq!(m[0].rating, Some(5));
    }

    #[test]
    fn reviews_without_a_safe_name_are_dropped() {
        for name in [json!(null), json!(""), json!("accounts/../x"), json!("a b")] {
            assert!(review_messages(&json!({"name": name}), &ctx()).is_empty());
        }
    }

    #[test]
    fn stars_and_times_parse_strictly() {
        assert_eq!(star_rating(&json!("THREE")), Some(3));
        assert_eq!(star_rating(&json!("STAR_RATING_UNSPECIFIED")), None);
        assert_eq!(star_rating(&json!(3)), None);
        for t in [
            "2024-05-01T18:22:10Z",
            "2024-05-01T18:22:10.123Z",
            "2024-05-01T18:22:10.123456Z",
            "2024-05-01T18:22:10.123456789Z",
        ] {
            assert!(parse_time(&json!(t)).is_some(), "{t}");
        }
        assert!(parse_time(&json!("yesterday")).is_none());
    }

    #[test]
    fn location_names_are_composed_under_the_account() {
        assert_eq!(
            location_parent("accounts/1", "locations/2").as_deref(),
            Some("accounts/1/locations/2")
        );
        assert_eq!(
            location_parent("accounts/1", "accounts/9/locations/2").as_deref(),
            Some("accounts/9/locations/2")
        );
        assert_eq!(location_parent("accounts/1", "locations/../x"), None);
        assert_eq!(location_parent("accounts/1", "stores/2"), None);
        let loc = location("accounts/1", &json!({"name": "locations/2"})).unwrap();
        assert_eq!(loc.title, "accounts/1/locations/2");
    }

    #[test]
    fn translated_reviews_show_the_original_first_and_keep_both() {
        let raw = "(Translated by Google) The coffee was cold.\n\n(Original)\nDer Kaffee war kalt.";
        assert_eq!(
            display_text(raw),
            "Der Kaffee war kalt.\n\n(Translated by Google) The coffee was cold."
        );
        assert_eq!(display_text("plain"), "plain");
        assert_eq!(
            display_text("(Translated by Google) no original"),
            "(Translated by Google) no original"
        );
        let review = json!({"name": NAME, "starRating": "TWO", "comment": raw,
            "updateTime": "2024-01-01T00:00:00Z"});
        let m = review_messages(&review, &ctx());
        assert!(m[0].body.starts_with("Der Kaffee"), "{}", m[0].body);
    }

    #[test]
    fn facts_name_the_current_versions_and_the_reply_state() {
        let review = json!({"name": NAME, "starRating": "TWO", "comment": "slow",
            "updateTime": "2024-01-02T00:00:00Z",
            "reviewReply": {"comment": "sorry", "updateTime": "2024-01-02T00:00:00Z",
                            "reviewReplyState": "PENDING"}});
        let facts = review_facts(&review);
        assert_eq!(facts.sweeps.len(), 2);
        assert_eq!(
            facts.sweeps[0].keep,
            vec![version_id(NAME, "slow", Some(2))]
        );
        assert_eq!(facts.sweeps[0].others, MessageState::Replaced);
        assert_eq!(facts.sweeps[1].keep, vec![reply_id(NAME, "sorry")]);
        assert_eq!(
            facts.states,
            vec![(reply_id(NAME, "sorry"), MessageState::Pending)]
        );
        let unanswered = json!({"name": NAME, "comment": "slow"});
        let facts = review_facts(&unanswered);
        assert!(facts.sweeps[1].keep.is_empty());
        assert_eq!(facts.sweeps[1].others, MessageState::Deleted);
        assert!(facts.states.is_empty());
        assert_eq!(
            reply_state(&json!({"reviewReplyState": "REJECTED"})),
            MessageState::Rejected
        );
        assert_eq!(
            reply_state(&json!({"reviewReplyState": "APPROVED"})),
            MessageState::Visible
        );
        assert_eq!(reply_state(&json!({})), MessageState::Visible);
    }

    #[test]
    fn fingerprints_are_stable() {
        // Pinned: a change here would re-import every review as edited.
        assert_eq!(version_id("r", "", None), "r#0a99a607b6f60bea");
        assert_eq!(reply_id("r", ""), "r/reply#cbf29ce484222325");
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".*".prop_map(Value::String),
            prop_oneof![
                Just("ONE"),
                Just("FIVE"),
                Just("2024-01-01T00:00:00Z"),
                Just(NAME),
                Just("9999-12-31T23:59:59.999999999-23:59")
            ]
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 48, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::hash_map(
                    prop_oneof![
                        Just("name".to_string()),
                        Just("comment".to_string()),
                        Just("starRating".to_string()),
                        Just("updateTime".to_string()),
                        Just("createTime".to_string()),
                        Just("reviewer".to_string()),
                        Just("reviewReply".to_string()),
                        Just("displayName".to_string()),
                        Just("title".to_string()),
                        ".*"
                    ],
                    inner,
                    0..8
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn normalise_never_panics(value in arb_json()) {
            let messages = review_messages(&value, &ctx());
            prop_assert!(messages.len() <= 2);
            for m in &messages {
                prop_assert!(m.rating.is_none_or(|r| (1..=5).contains(&r)));
            }
            let _ = update_time(&value);
            let _ = location("accounts/1", &value);
            let _ = review_facts(&value);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in ".*") {
            let _ = location_parent("accounts/1", &s);
            let _ = parse_time(&Value::String(s.clone()));
            let _ = star_rating(&Value::String(s.clone()));
            let _ = review_messages(&json!({"name": NAME, "comment": s, "updateTime": s}), &ctx());
            let _ = display_text(&s);
        }
    }
}
