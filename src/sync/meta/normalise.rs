//! Graph JSON → [`IncomingMessage`]: pure functions that never panic, whatever the
//! input. An item without an id or a readable time is skipped (returns `None`).

use crate::model::{Direction, IncomingMessage, Kind, MessageState, Platform};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// Longest post/media context kept, in characters.
const CONTEXT_CHARS: usize = 80;

/// Whose account this is: who "we" are and what every message is tagged with.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub account: String,
    pub platform: Platform,
    /// Ids that mean "us" in `from` (the Page id, the IG professional account id).
    pub own_ids: Vec<String>,
    pub brand: Option<String>,
    pub location: Option<String>,
}

/// The platform-specific parts of a message, before "us or them" is decided.
struct Draft<'a> {
    kind: Kind,
    thread_id: &'a str,
    platform_id: &'a str,
    from: Option<&'a Value>,
    body: String,
    sent_at: DateTime<Utc>,
    context: Option<&'a str>,
}

impl Origin {
    fn message(&self, d: Draft<'_>) -> IncomingMessage {
        let from_id = d.from.and_then(|f| str_field(f, "id"));
        let direction = match from_id {
            Some(id) if self.own_ids.iter().any(|own| own == id) => Direction::Outbound,
            _ => Direction::Inbound,
        };
        IncomingMessage {
            account: self.account.clone(),
            platform: self.platform,
            kind: d.kind,
            thread_id: d.thread_id.to_string(),
            platform_id: d.platform_id.to_string(),
            direction,
            author: author_name(d.from),
            body: d.body,
            sent_at: d.sent_at,
            context: d.context.map(str::to_string),
            brand: self.brand.clone(),
            location: self.location.clone(),
            rating: None,
        }
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| !s.is_empty())
}

fn author_name(from: Option<&Value>) -> String {
    from.and_then(|f| {
        str_field(f, "name")
            .or_else(|| str_field(f, "username"))
            .or_else(|| str_field(f, "id"))
    })
    .unwrap_or("unknown")
    .to_string()
}

/// Graph times: `2024-05-02T09:15:02+0000`, RFC 3339, or unix seconds (the
/// Conversations doc prints a placeholder "UNIX-TIMESTAMP"; parse both).
pub fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    if let Some(secs) = v.as_i64() {
        return DateTime::from_timestamp(secs, 0);
    }
    let s = v.as_str()?.trim();
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(secs) = s.parse::<i64>() {
        return DateTime::from_timestamp(secs, 0);
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// "Post: <first line>" for a post message or media caption.
pub fn post_context(text: Option<&str>, id: &str) -> String {
    let line = text
        .and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("");
    if line.is_empty() {
        return format!("Post {id}");
    }
    let mut short: String = line.chars().take(CONTEXT_CHARS).collect();
    if line.chars().count() > CONTEXT_CHARS {
        short.push('…');
    }
    format!("Post: {short}")
}

/// Text of a message, or a placeholder for attachment-only messages.
fn body_or_placeholder(text: Option<&str>, item: &Value) -> String {
    match text {
        Some(t) if !t.trim().is_empty() => t.to_string(),
        _ if item.get("attachments").is_some() || item.get("attachment").is_some() => {
            "[attachment]".to_string()
        }
        _ => String::new(),
    }
}

/// One Messenger / Instagram DM from `/{conversation-id}/messages`.
pub fn dm_message(origin: &Origin, thread_id: &str, item: &Value) -> Option<IncomingMessage> {
    let id = str_field(item, "id")?;
    let sent_at = parse_time(item.get("created_time")?)?;
    let body = body_or_placeholder(item.get("message").and_then(Value::as_str), item);
    Some(origin.message(Draft {
        kind: Kind::Dm,
        thread_id,
        platform_id: id,
        from: item.get("from"),
        body,
        sent_at,
        context: None,
    }))
}

/// A Facebook comment from `/{post-id}/comments?filter=stream`. Its thread is the
/// top-level comment: the comment itself, or its `parent`.
pub fn fb_comment(origin: &Origin, context: &str, item: &Value) -> Option<IncomingMessage> {
    let id = str_field(item, "id")?;
    let sent_at = parse_time(item.get("created_time")?)?;
    let thread = item
        .get("parent")
        .and_then(|p| str_field(p, "id"))
        .unwrap_or(id);
    let body = body_or_placeholder(item.get("message").and_then(Value::as_str), item);
    Some(origin.message(Draft {
        kind: Kind::Comment,
        thread_id: thread,
        platform_id: id,
        from: item.get("from"),
        body,
        sent_at,
        context: Some(context),
    }))
}

/// How the platform shows a comment, from its hidden flag (`is_hidden` on
/// Facebook, `hidden` on Instagram); `None` when the field was not returned.
pub fn comment_state(item: &Value, hidden_field: &str) -> Option<MessageState> {
    item.get(hidden_field)
        .and_then(Value::as_bool)
        .map(|hidden| {
            if hidden {
                MessageState::Hidden
            } else {
                MessageState::Visible
            }
        })
}

/// The `parent.id` of a Facebook comment (any depth).
pub fn fb_parent(item: &Value) -> Option<&str> {
    item.get("parent").and_then(|p| str_field(p, "id"))
}

/// One Instagram comment (no replies). `parent` is the top-level comment for a reply.
pub fn ig_comment(
    origin: &Origin,
    context: &str,
    parent: Option<&str>,
    item: &Value,
) -> Option<IncomingMessage> {
    let id = str_field(item, "id")?;
    let sent_at = parse_time(item.get("timestamp")?)?;
    let thread = parent
        .or_else(|| str_field(item, "parent_id"))
        .unwrap_or(id);
    // Older payloads have only `username`; make it look like `from`.
    let from = item
        .get("from")
        .cloned()
        .or_else(|| str_field(item, "username").map(|u| serde_json::json!({ "username": u })));
    let body = body_or_placeholder(item.get("text").and_then(Value::as_str), item);
    Some(origin.message(Draft {
        kind: Kind::Comment,
        thread_id: thread,
        platform_id: id,
        from: from.as_ref(),
        body,
        sent_at,
        context: Some(context),
    }))
}

/// An Instagram top-level comment and the replies embedded in it.
pub fn ig_comment_tree(origin: &Origin, context: &str, item: &Value) -> Vec<IncomingMessage> {
    let Some(top) = ig_comment(origin, context, None, item) else {
        return Vec::new();
    };
    let thread = top.thread_id.clone();
    let mut out = vec![top];
    if let Some(replies) = item
        .get("replies")
        .and_then(|r| r.get("data"))
        .and_then(Value::as_array)
    {
        out.extend(
            replies
                .iter()
                .filter_map(|r| ig_comment(origin, context, Some(&thread), r)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn origin() -> Origin {
        Origin {
            account: "shop-fb".into(),
            platform: Platform::Facebook,
            own_ids: vec!["1122334455".into()],
            brand: Some("Shop".into()),
            location: None,
        }
    }

    #[test]
    fn times_in_every_graph_form() {
        let t = parse_time(&json!("2024-05-02T09:15:02+0000")).unwrap();
        assert_eq!(t.timestamp(), 1_714_641_302);
        assert_eq!(parse_time(&json!("2024-05-02T09:15:02Z")), Some(t));
        assert_eq!(parse_time(&json!(1_714_641_302)), Some(t));
        assert_eq!(parse_time(&json!("1714641302")), Some(t));
        assert_eq!(parse_time(&json!("UNIX-TIMESTAMP")), None);
        assert_eq!(parse_time(&json!(null)), None);
    }

    #[test]
    fn messages_from_the_page_are_outbound() {
        let inbound = json!({"id":"m_1","created_time":"2024-05-02T09:15:02+0000",
            "from":{"name":"Jane Doe","id":"2468013579"},"message":"open sunday?"});
        let m = dm_message(&origin(), "t_1", &inbound).unwrap();
        assert_eq!(m.direction, Direction::Inbound);
        assert_eq!(m.author, "Jane Doe");
        assert_eq!((m.thread_id.as_str(), m.kind), ("t_1", Kind::Dm));
        let ours = json!({"id":"m_2","created_time":"2024-05-02T09:16:02+0000",
            "from":{"name":"Brand Shop","id":"1122334455"},"message":"yes"});
        assert_eq!(
            dm_message(&origin(), "t_1", &ours).unwrap().direction,
            Direction::Outbound
        );
        let picture = json!({"id":"m_3","created_time":"2024-05-02T09:16:02+0000",
            "attachments":{"data":[]}});
        let m = dm_message(&origin(), "t_1", &picture).unwrap();
        assert_eq!(
            (m.body.as_str(), m.author.as_str()),
            ("[attachment]", "unknown")
        );
        assert!(dm_message(&origin(), "t_1", &json!({"id":"m_4"})).is_none());
    }

    #[test]
    fn fb_replies_join_their_top_level_comment() {
        let top = json!({"id":"9_1","message":"Do you ship?","created_time":"2024-05-02T09:20:11+0000",
            "from":{"id":"2468013579","name":"Jane"}});
        let reply = json!({"id":"9_2","message":"yes","created_time":"2024-05-02T09:25:40+0000",
            "from":{"id":"1122334455","name":"Shop"},"parent":{"id":"9_1"}});
        let a = fb_comment(&origin(), "Post: Sale", &top).unwrap();
        let b = fb_comment(&origin(), "Post: Sale", &reply).unwrap();
        assert_eq!(a.thread_id, "9_1");
        assert_eq!(b.thread_id, "9_1");
        assert_eq!(b.direction, Direction::Outbound);
        assert_eq!(a.context.as_deref(), Some("Post: Sale"));
    }

    #[test]
    fn ig_trees_flatten_replies_into_the_thread() {
        let mut o = origin();
        o.platform = Platform::Instagram;
        o.own_ids = vec!["17841443913565715".into()];
        let item = json!({"id":"179","text":"Where can I buy this?","timestamp":"2024-05-02T02:38:24+0000",
            "username":"orchid","replies":{"data":[
              {"id":"180","text":"link in bio","timestamp":"2024-05-02T02:40:02+0000",
               "from":{"id":"17841443913565715","username":"brandshop"},"parent_id":"179"},
              {"id":"181"}]}});
        let out = ig_comment_tree(&o, "Post: Blue", &item);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].author, "orchid");
        assert_eq!(out[0].direction, Direction::Inbound);
        assert_eq!(out[1].thread_id, "179");
        assert_eq!(out[1].direction, Direction::Outbound);
    }

    #[test]
    fn hidden_flags_become_states() {
        assert_eq!(
            comment_state(&json!({"is_hidden": true}), "is_hidden"),
            Some(MessageState::Hidden)
        );
        assert_eq!(
            comment_state(&json!({"hidden": false}), "hidden"),
            Some(MessageState::Visible)
        );
        assert_eq!(comment_state(&json!({"hidden": true}), "is_hidden"), None);
        assert_eq!(fb_parent(&json!({"parent": {"id": "9_1"}})), Some("9_1"));
    }

    #[test]
    fn contexts_use_the_first_non_empty_line() {
        assert_eq!(
            post_context(Some("\n Autumn menu \nmore"), "1"),
            "Post: Autumn menu"
        );
        assert_eq!(post_context(None, "77"), "Post 77");
        let long = "x".repeat(200);
        assert_eq!(post_context(Some(&long), "1").chars().count(), 6 + 80 + 1);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            ".*".prop_map(Value::String),
            Just(json!("2024-05-02T09:15:02+0000")),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let keys = prop_oneof![
                Just("id".to_string()),
                Just("from".to_string()),
                Just("parent".to_string()),
                Just("replies".to_string()),
                Just("data".to_string()),
                Just("created_time".to_string()),
                Just("timestamp".to_string()),
                Just("message".to_string()),
                Just("text".to_string()),
                ".{0,6}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys, inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn normalise_never_panics(v in arb_json(), s in ".*") {
            let o = origin();
            let _ = dm_message(&o, &s, &v);
            let _ = fb_comment(&o, &s, &v);
            for m in ig_comment_tree(&o, &s, &v) {
                prop_assert!(!m.platform_id.is_empty());
            }
            let _ = parse_time(&v);
            let _ = comment_state(&v, "is_hidden");
            let _ = fb_parent(&v);
            let _ = parse_time(&Value::String(s.clone()));
            let _ = post_context(Some(&s), &s);
        }
    }
}
