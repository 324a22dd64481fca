#![allow(dead_code)]
//! A fake Mastodon instance for tests and benches: an axum app on 127.0.0.1:0
//! that answers the client API paths hearth uses with the documented JSON shapes,
//! `Link` pagination (newest-first, also for `min_id`), rate-limit headers and
//! `{"error": ...}` bodies. It seeds N mentions and DMs, records every request and
//! plays scripted faults per route.
//!
//! Routes: `GET /api/v1/accounts/verify_credentials`, `GET /api/v1/notifications`,
//! `GET /api/v1/conversations`, `GET|DELETE /api/v1/statuses/:id`,
//! `GET /api/v1/statuses/:id/context`, `POST /api/v1/statuses`,
//! `GET /api/v1/accounts/:id/statuses`, `GET /api/v1/timelines/tag/:tag`,
//! `GET /api/v2/search` (statuses whose text contains `q`),
//! `POST /api/v1/accounts/:id/mute`, `POST /api/v1/accounts/:id/block`,
//! `GET /api/v2/instance`, `GET /api/v1/instance` (see [`InstanceInfo`]),
//! `POST /api/v1/apps`, `GET /oauth/authorize`, `POST /oauth/token`.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, TimeZone, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// The brand account the token belongs to.
pub const OUR_ACCOUNT_ID: &str = "14715";
pub const OUR_ACCT: &str = "brand";
/// The authorization code `/oauth/token` accepts (what the user would paste).
pub const AUTH_CODE: &str = "fake-oob-code-7Qx";
pub const CLIENT_ID: &str = "fake-client-id";
pub const CLIENT_SECRET: &str = "fake-client-secret";

const HOST: &str = "remote.example";
const OUR_ID: u64 = 14715;

/// What the fake starts with.
#[derive(Debug, Clone)]
pub struct FakeData {
    /// Public mentions of the brand (about a quarter reply to one of our posts).
    pub mentions: usize,
    /// Direct messages (mention notifications with `visibility: direct`).
    pub dms: usize,
    /// The bearer token every API call must carry (and `/oauth/token` hands out).
    pub token: String,
    /// The server's cap on `limit` for notifications (Mastodon: 80).
    pub page_limit_max: usize,
}

impl Default for FakeData {
    fn default() -> Self {
        FakeData {
            mentions: 10,
            dms: 5,
            token: "test-token".into(),
            page_limit_max: 80,
        }
    }
}

/// A scripted failure for the next requests to a route.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset` this far ahead.
    RateLimited { reset_in_secs: u64 },
    /// This 5xx status with an error body.
    ServerError(u16),
    /// 401 `{"error":"The access token is invalid"}`.
    Unauthorized,
    /// 200 with the real body cut in half.
    TruncatedJson,
    /// The real answer, after this delay.
    Slow(std::time::Duration),
}

/// How the instance describes itself. Mastodon 4.0 added `GET /api/v2/instance`;
/// 3.4.2 added `configuration.statuses.max_characters` to the (now deprecated)
/// `GET /api/v1/instance`; forks such as glitch-soc and Pleroma put a top-level
/// `max_toot_chars` in v1 instead.
#[derive(Debug, Clone, PartialEq)]
pub enum InstanceInfo {
    /// 4.0 and later: v2, and v1 with `configuration` too.
    Current { max_characters: usize },
    /// 3.4.2 to 3.5: no v2 (404), v1 with `configuration`.
    V1Only { max_characters: usize },
    /// A fork: no v2, v1 with `max_toot_chars` and no `configuration`.
    Fork { max_toot_chars: usize },
    /// Neither endpoint exists (404 on both).
    Missing,
}

/// What the brand did to another account (mute, block): the parts of the
/// Relationship entity the fake tracks.
#[derive(Debug, Clone, Default, PartialEq)]
struct Relation {
    muting: bool,
    muting_notifications: bool,
    muting_expires_at: Option<String>,
    blocking: bool,
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string ("" when none).
    pub query: String,
    /// Header names are lowercase.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// Body parameters, from a form or a JSON object body.
    pub fn params(&self) -> Vec<(String, String)> {
        parse_params(self.header("content-type").unwrap_or(""), &self.body)
    }

    pub fn param(&self, key: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

fn parse_params(content_type: &str, body: &str) -> Vec<(String, String)> {
    if content_type.contains("json") {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body) else {
            return Vec::new();
        };
        return map
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect();
    }
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// Who wrote a status: the brand or seeded person `i`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Author {
    Us,
    Person(usize),
}

#[derive(Debug, Clone)]
struct StatusRec {
    author: Author,
    in_reply_to: Option<u64>,
    visibility: String,
    tags: Vec<String>,
    /// Conversation partner for DMs (the person, whoever wrote it).
    dm_partner: Option<usize>,
    inbound: bool,
    deleted: bool,
    json: Arc<str>,
}

#[derive(Debug, Clone)]
struct Notif {
    id: u64,
    kind: &'static str,
    json: Arc<str>,
}

struct Inner {
    data: FakeData,
    base_url: String,
    /// The fake's clock: every new item is one second after the previous one.
    clock: DateTime<Utc>,
    seq: u64,
    next_notification: u64,
    people: usize,
    statuses: BTreeMap<u64, StatusRec>,
    /// Ascending by id.
    notifications: Vec<Notif>,
    our_posts: Vec<u64>,
    faults: HashMap<String, VecDeque<Fault>>,
    requests: Vec<RecordedRequest>,
    posted: Vec<Value>,
    idempotency: HashMap<String, u64>,
    rate_remaining: Option<u32>,
    text_counter: usize,
    /// Search with `min_id`: the newest matches above it (an index sorted newest
    /// first, the default) or, when false, the ones right after it (paginable).
    search_newest_first: bool,
    /// Account id → what the brand did to it.
    relations: HashMap<String, Relation>,
    instance: InstanceInfo,
}

pub struct FakeMastodon {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for FakeMastodon {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

const PHRASES: &[&str] = &[
    "is the shop open on Sunday?",
    "how much is a large box of the seasonal pastries?",
    "my order #4412 never arrived &amp; nobody answers the phone",
    "thanks for the quick fix yesterday, great service!",
    "can I book the back room for a birthday party of 12?",
    "the card machine charged me twice, I want a refund",
    "do you have gluten-free options?<br>asking for my sister",
    "loved the live music on friday &lt;3",
    "when does the autumn menu start?",
    "still waiting on a reply about my complaint",
    "do you deliver to the north side?",
    "the new oat latte is fantastic",
];

const NAMES: &[&str] = &[
    "Zoe", "Ami", "Rafael", "Noor", "Kenji", "Lotte", "Priya", "Tomasz", "Ines", "Malik",
];

fn person_id(i: usize) -> String {
    (900_000 + i).to_string()
}

fn person_account(i: usize) -> Value {
    let username = format!("user{i}");
    json!({
        "id": person_id(i),
        "username": username,
        "acct": format!("{username}@{HOST}"),
        "display_name": format!("{} {}", NAMES[i % NAMES.len()], i),
        "locked": false, "bot": false, "discoverable": true, "group": false,
        "created_at": "2023-01-01T00:00:00.000Z",
        "note": "<p>just a customer</p>",
        "url": format!("https://{HOST}/@{username}"),
        "avatar": format!("https://{HOST}/avatars/{i}.png"),
        "avatar_static": format!("https://{HOST}/avatars/{i}.png"),
        "header": "", "header_static": "",
        "followers_count": 12, "following_count": 40, "statuses_count": 300,
        "last_status_at": "2024-05-01",
        "emojis": [], "fields": []
    })
}

fn our_account() -> Value {
    json!({
        "id": OUR_ACCOUNT_ID,
        "username": OUR_ACCT,
        "acct": OUR_ACCT,
        "display_name": "Brand Shop",
        "locked": false, "bot": false, "discoverable": true, "group": false,
        "created_at": "2022-01-01T00:00:00.000Z",
        "note": "<p>Official account</p>",
        "url": "https://brand.example/@brand",
        "avatar": "https://brand.example/a.png", "avatar_static": "https://brand.example/a.png",
        "header": "", "header_static": "",
        "followers_count": 5000, "following_count": 10, "statuses_count": 900,
        "last_status_at": "2024-05-01",
        "emojis": [], "fields": [],
        "source": {"privacy": "public", "sensitive": false, "language": "en", "note": "Official account", "fields": []}
    })
}

fn time_str(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn mention_html(username: &str, url: &str) -> String {
    format!(
        "<span class=\"h-card\" translate=\"no\"><a href=\"{url}\" class=\"u-url mention\">@<span>{username}</span></a></span>"
    )
}

impl Inner {
    fn new(data: FakeData) -> Inner {
        let total = data.mentions + data.dms;
        let start = Utc
            .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
            .single()
            .unwrap_or_else(Utc::now);
        let mut inner = Inner {
            people: total.clamp(1, 500),
            data,
            base_url: String::new(),
            clock: start,
            seq: 0,
            next_notification: 34_000_000,
            statuses: BTreeMap::new(),
            notifications: Vec::new(),
            our_posts: Vec::new(),
            faults: HashMap::new(),
            requests: Vec::new(),
            posted: Vec::new(),
            idempotency: HashMap::new(),
            rate_remaining: None,
            text_counter: 0,
            search_newest_first: true,
            relations: HashMap::new(),
            instance: InstanceInfo::Current {
                max_characters: 500,
            },
        };
        for n in 0..5 {
            let text = format!("<p>Our news number {n}: new opening hours from Monday.</p>");
            let id = inner.insert_status(Author::Us, None, "public", text, Vec::new(), None);
            inner.our_posts.push(id);
        }
        let (mentions, dms) = (inner.data.mentions, inner.data.dms);
        inner.add_inbound(mentions, dms);
        inner
    }

    /// Snowflake-style ids (milliseconds << 16 | sequence): 18 decimal digits, increasing.
    fn next_status_id(&mut self) -> u64 {
        self.clock += ChronoDuration::seconds(1);
        self.seq += 1;
        let ms = u64::try_from(self.clock.timestamp_millis()).unwrap_or(0);
        (ms << 16) | (self.seq & 0xffff)
    }

    fn insert_status(
        &mut self,
        author: Author,
        in_reply_to: Option<u64>,
        visibility: &str,
        content: String,
        tags: Vec<String>,
        dm_partner: Option<usize>,
    ) -> u64 {
        let id = self.next_status_id();
        let account = match author {
            Author::Us => our_account(),
            Author::Person(i) => person_account(i),
        };
        let reply_account =
            in_reply_to
                .and_then(|r| self.statuses.get(&r))
                .map(|r| match r.author {
                    Author::Us => OUR_ACCOUNT_ID.to_string(),
                    Author::Person(i) => person_id(i),
                });
        let mut mentions = Vec::new();
        if matches!(author, Author::Person(_)) && tags.is_empty() {
            mentions.push(json!({"id": OUR_ACCOUNT_ID, "username": OUR_ACCT, "acct": OUR_ACCT, "url": "https://brand.example/@brand"}));
        }
        if let (Author::Us, Some(p)) = (author, dm_partner) {
            let a = person_account(p);
            mentions.push(json!({"id": a["id"], "username": a["username"], "acct": a["acct"], "url": a["url"]}));
        }
        let tag_values: Vec<Value> = tags
            .iter()
            .map(|t| json!({"name": t, "url": format!("https://{HOST}/tags/{t}")}))
            .collect();
        let author_name = match author {
            Author::Us => OUR_ACCT.to_string(),
            Author::Person(i) => format!("user{i}"),
        };
        let status = json!({
            "id": id.to_string(),
            "created_at": time_str(self.clock),
            "in_reply_to_id": in_reply_to.map(|r| r.to_string()),
            "in_reply_to_account_id": reply_account,
            "sensitive": false,
            "spoiler_text": "",
            "visibility": visibility,
            "language": "en",
            "uri": format!("https://{HOST}/users/{author_name}/statuses/{id}"),
            "url": format!("https://{HOST}/@{author_name}/{id}"),
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
            "edited_at": null,
            "content": content,
            "reblog": null,
            "application": null,
            "account": account,
            "media_attachments": [],
            "mentions": mentions,
            "tags": tag_values,
            "emojis": [],
            "card": null,
            "poll": null
        });
        let inbound = matches!(author, Author::Person(_));
        self.statuses.insert(
            id,
            StatusRec {
                author,
                in_reply_to,
                visibility: visibility.to_string(),
                tags,
                dm_partner,
                inbound,
                deleted: false,
                json: status.to_string().into(),
            },
        );
        id
    }

    fn push_notification(&mut self, kind: &'static str, person: usize, status: Option<u64>) {
        let id = self.next_notification;
        self.next_notification += 1;
        let mut n = json!({
            "id": id.to_string(),
            "type": kind,
            "group_key": format!("ungrouped-{id}"),
            "created_at": time_str(self.clock),
            "account": person_account(person),
        });
        if let Some(s) = status.and_then(|s| self.statuses.get(&s))
            && let Ok(v) = serde_json::from_str::<Value>(&s.json)
        {
            n["status"] = v;
        }
        self.notifications.push(Notif {
            id,
            kind,
            json: n.to_string().into(),
        });
    }

    fn next_text(&mut self) -> &'static str {
        self.text_counter += 1;
        PHRASES[self.text_counter % PHRASES.len()]
    }

    /// Interleave `mentions` public mentions and `dms` direct messages, with an
    /// occasional follow notification (which has no status).
    fn add_inbound(&mut self, mentions: usize, dms: usize) {
        let total = mentions + dms;
        for i in 0..total {
            let is_dm = dms > 0 && ((i + 1) * dms / total) > (i * dms / total);
            let n = self.text_counter;
            let person = if is_dm { n % 37 } else { n } % self.people;
            let text = self.next_text();
            let content = format!(
                "<p>{} {text}</p>",
                mention_html(OUR_ACCT, "https://brand.example/@brand")
            );
            let id = if is_dm {
                self.insert_status(
                    Author::Person(person),
                    None,
                    "direct",
                    content,
                    Vec::new(),
                    Some(person),
                )
            } else {
                let reply_to = n
                    .is_multiple_of(4)
                    .then(|| self.our_posts.get(n % self.our_posts.len().max(1)).copied())
                    .flatten();
                self.insert_status(
                    Author::Person(person),
                    reply_to,
                    "public",
                    content,
                    Vec::new(),
                    None,
                )
            };
            self.push_notification("mention", person, Some(id));
            if n % 50 == 49 {
                self.push_notification("follow", person, None);
            }
        }
    }

    fn add_tagged(&mut self, tag: &str, n: usize) {
        for _ in 0..n {
            let person = self.text_counter % self.people;
            let text = self.next_text();
            let content = format!(
                "<p>{text} <a href=\"https://{HOST}/tags/{tag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{tag}</span></a></p>"
            );
            self.insert_status(
                Author::Person(person),
                None,
                "public",
                content,
                vec![tag.to_string()],
                None,
            );
        }
    }

    /// A public status by a person with `text`, mentioning nobody.
    fn add_plain_post(&mut self, text: &str) -> u64 {
        let person = self.statuses.len() % self.people;
        let content = format!("<p>{}</p>", escape_html(text));
        let id = self.insert_status(
            Author::Person(person),
            None,
            "public",
            content,
            Vec::new(),
            None,
        );
        if let Some(rec) = self.statuses.get_mut(&id)
            && let Ok(mut v) = serde_json::from_str::<Value>(&rec.json)
        {
            v["mentions"] = json!([]);
            rec.json = v.to_string().into();
        }
        id
    }

    fn take_fault(&mut self, path: &str) -> Option<Fault> {
        for key in [path, "*"] {
            if let Some(queue) = self.faults.get_mut(key)
                && let Some(f) = queue.pop_front()
            {
                return Some(f);
            }
        }
        None
    }

    fn status_value(&self, id: u64) -> Option<Value> {
        let rec = self.statuses.get(&id).filter(|r| !r.deleted)?;
        serde_json::from_str(&rec.json).ok()
    }

    /// The brand or one of the seeded people.
    fn account_known(&self, id: &str) -> bool {
        id == OUR_ACCOUNT_ID
            || id
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(900_000))
                .is_some_and(|i| i < self.people)
    }

    /// The Relationship entity (documented 4.6 shape) between the brand and `id`.
    fn relationship(&self, id: &str) -> Value {
        let r = self.relations.get(id).cloned().unwrap_or_default();
        json!({
            "id": id,
            "following": false,
            "showing_reblogs": false,
            "notifying": false,
            "languages": null,
            "followed_by": false,
            "blocking": r.blocking,
            "blocked_by": false,
            "muting": r.muting,
            "muting_notifications": r.muting_notifications,
            "muting_expires_at": r.muting_expires_at,
            "requested": false,
            "requested_by": false,
            "domain_blocking": false,
            "endorsed": false,
            "note": ""
        })
    }
}

/// A form boolean as Rails reads it ("true", "1", "on"...); `default` if absent.
fn truthy(value: Option<&str>, default: bool) -> bool {
    match value {
        None => default,
        Some(v) => !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "off" | "f" | "no" | ""
        ),
    }
}

/// `POST /api/v1/accounts/:id/mute` (form `notifications`, `duration` in seconds,
/// 0 = indefinite) and `.../block`: 200 with the Relationship also when already
/// muted or blocked; 404 `Record not found` for an unknown account.
fn relate(state: &mut Inner, req: &RecordedRequest, id: &str, verb: &str) -> Answer {
    if !state.account_known(id) {
        return error(StatusCode::NOT_FOUND, "Record not found");
    }
    let relation = state.relations.entry(id.to_string()).or_default();
    if verb == "mute" {
        // Rails reads a non-number as 0 (indefinite) [not checked against a server].
        let seconds = req
            .param("duration")
            .and_then(|d| d.trim().parse::<i64>().ok())
            .unwrap_or(0);
        relation.muting = true;
        relation.muting_notifications = truthy(req.param("notifications").as_deref(), true);
        relation.muting_expires_at =
            (seconds > 0).then(|| time_str(Utc::now() + ChronoDuration::seconds(seconds)));
    } else {
        relation.blocking = true;
    }
    ok(state.relationship(id).to_string())
}

/// `GET /api/v2/instance`: the documented Instance entity, trimmed.
fn instance_v2(max_characters: usize) -> Value {
    json!({
        "domain": HOST,
        "title": "Remote Example",
        "version": "4.5.0",
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "A fake instance for hearth's tests",
        "usage": {"users": {"active_month": 120}},
        "thumbnail": {"url": format!("https://{HOST}/thumb.png")},
        "languages": ["en"],
        "configuration": {
            "urls": {"streaming": format!("wss://{HOST}")},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {
                "max_characters": max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23
            },
            "media_attachments": {"description_limit": 1500, "image_size_limit": 16_777_216},
            "polls": {"max_options": 4, "max_characters_per_option": 50,
                      "min_expiration": 300, "max_expiration": 2_629_746},
            "translation": {"enabled": false}
        },
        "registrations": {"enabled": true, "approval_required": false, "message": null},
        "contact": {"email": format!("admin@{HOST}"), "account": our_account()},
        "rules": []
    })
}

/// `GET /api/v1/instance`: the deprecated V1 entity; `configuration` from 3.4.2,
/// `max_toot_chars` on forks.
fn instance_v1(info: &InstanceInfo) -> Option<Value> {
    let mut v = json!({
        "uri": HOST,
        "title": "Remote Example",
        "short_description": "A fake instance for hearth's tests",
        "description": "",
        "email": format!("admin@{HOST}"),
        "version": "3.5.3",
        "urls": {"streaming_api": format!("wss://{HOST}")},
        "stats": {"user_count": 120, "status_count": 4000, "domain_count": 300},
        "thumbnail": format!("https://{HOST}/thumb.png"),
        "languages": ["en"],
        "registrations": true,
        "approval_required": false,
        "invites_enabled": true,
        "contact_account": our_account(),
        "rules": []
    });
    match info {
        InstanceInfo::Current { max_characters } | InstanceInfo::V1Only { max_characters } => {
            v["configuration"] = json!({
                "statuses": {
                    "max_characters": max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23
                }
            });
        }
        InstanceInfo::Fork { max_toot_chars } => {
            v["version"] = json!("2.7.2 (compatible; Pleroma 2.5.0)");
            v["max_toot_chars"] = json!(max_toot_chars);
        }
        InstanceInfo::Missing => return None,
    }
    Some(v)
}

/// Mastodon's paginable: `max_id`/`since_id` bound, `min_id` pages forward
/// (ascending slice, then reversed); the answer is always newest-first.
fn paginate(ids: &[u64], query: &[(String, String)], default: usize, max: usize) -> Vec<u64> {
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.parse::<u64>().ok())
    };
    let limit = query
        .iter()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(default)
        .clamp(1, max.max(1));
    let (max_id, since_id, min_id) = (get("max_id"), get("since_id"), get("min_id"));
    let filtered = ids.iter().copied().filter(|id| {
        max_id.is_none_or(|m| *id < m)
            && since_id.is_none_or(|s| *id > s)
            && min_id.is_none_or(|m| *id > m)
    });
    if min_id.is_some() {
        let mut page: Vec<u64> = filtered.take(limit).collect();
        page.reverse();
        page
    } else {
        let all: Vec<u64> = filtered.collect();
        all.iter().rev().take(limit).copied().collect()
    }
}

/// `Link` with `next` (older: max_id = oldest) and `prev` (newer: min_id = newest),
/// keeping the other query parameters; none for an empty page.
fn link_header(
    base: &str,
    path: &str,
    query: &[(String, String)],
    page: &[u64],
    with_next: bool,
) -> Option<String> {
    let (first, last) = (page.first()?, page.last()?);
    let build = |key: &str, value: u64| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in query {
            if !matches!(k.as_str(), "max_id" | "min_id" | "since_id") {
                s.append_pair(k, v);
            }
        }
        s.append_pair(key, &value.to_string());
        format!("<{base}{path}?{}>", s.finish())
    };
    let prev = format!("{}; rel=\"prev\"", build("min_id", *first));
    Some(if with_next {
        format!("{}; rel=\"next\", {prev}", build("max_id", *last))
    } else {
        prev
    })
}

struct Answer {
    status: StatusCode,
    body: String,
    link: Option<String>,
}

fn ok(body: String) -> Answer {
    Answer {
        status: StatusCode::OK,
        body,
        link: None,
    }
}

fn error(status: StatusCode, message: &str) -> Answer {
    Answer {
        status,
        body: json!({ "error": message }).to_string(),
        link: None,
    }
}

fn join_json<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

impl FakeMastodon {
    /// Serve on 127.0.0.1 (a free port) on the current tokio runtime.
    pub async fn start(seed: FakeData) -> FakeMastodon {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let base_url = format!("http://{addr}");
        let mut state = Inner::new(seed);
        state.base_url = base_url.clone();
        let inner = Arc::new(Mutex::new(state));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        FakeMastodon {
            base_url,
            inner,
            shutdown: Some(tx),
        }
    }

    /// Serve from a thread with its own runtime (for blocking tests and subprocesses).
    pub fn start_in_background(seed: FakeData) -> FakeMastodon {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("fake runtime");
            runtime.block_on(async move {
                let mut fake = FakeMastodon::start(seed).await;
                let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
                let handle = FakeMastodon {
                    base_url: fake.base_url.clone(),
                    inner: fake.inner.clone(),
                    shutdown: Some(stop_tx),
                };
                let _ = ready_tx.send(handle);
                let _ = stop_rx.await;
                if let Some(tx) = fake.shutdown.take() {
                    let _ = tx.send(());
                }
            });
        });
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("fake server started")
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// New inbound items: every third one a DM, the rest public mentions.
    pub fn add_mentions(&self, n: usize) {
        let dms = n / 3;
        self.lock().add_inbound(n - dms, dms);
    }

    /// Public statuses carrying `#tag` that do not mention us (hashtag listening).
    /// They count as served: only add them for a tag the account watches.
    pub fn add_tagged(&self, tag: &str, n: usize) {
        self.lock().add_tagged(tag, n);
    }

    /// A public answer to status `in_reply_to`, written by the author of status
    /// `author_of`, mentioning us (so it also makes a mention notification, as
    /// Mastodon does for a reply to our status). `None` if either status is unknown.
    pub fn add_customer_reply(
        &self,
        author_of: &str,
        in_reply_to: &str,
        text: &str,
    ) -> Option<String> {
        let mut inner = self.lock();
        let person = match inner.statuses.get(&author_of.parse().ok()?)?.author {
            Author::Person(p) => p,
            Author::Us => return None,
        };
        let parent: u64 = in_reply_to.parse().ok()?;
        inner.status_value(parent)?;
        let content = format!(
            "<p>{} {}</p>",
            mention_html(OUR_ACCT, "https://brand.example/@brand"),
            escape_html(text)
        );
        let id = inner.insert_status(
            Author::Person(person),
            Some(parent),
            "public",
            content,
            Vec::new(),
            None,
        );
        inner.push_notification("mention", person, Some(id));
        Some(id.to_string())
    }

    /// A public post by a stranger containing `text` and mentioning nobody: what
    /// keyword search finds. It counts as served: only add text an account's
    /// keyword matches.
    pub fn add_keyword_post(&self, text: &str) -> String {
        self.lock().add_plain_post(text).to_string()
    }

    /// A public mention of us with `text` (and its notification).
    pub fn add_mention_with_text(&self, text: &str) -> String {
        let mut inner = self.lock();
        let person = inner.statuses.len() % inner.people;
        let content = format!(
            "<p>{} {}</p>",
            mention_html(OUR_ACCT, "https://brand.example/@brand"),
            escape_html(text)
        );
        let id = inner.insert_status(
            Author::Person(person),
            None,
            "public",
            content,
            Vec::new(),
            None,
        );
        inner.push_notification("mention", person, Some(id));
        id.to_string()
    }

    /// A standalone public post of ours with `text`.
    pub fn add_our_post(&self, text: &str) -> String {
        let mut inner = self.lock();
        let content = format!("<p>{}</p>", escape_html(text));
        let id = inner.insert_status(Author::Us, None, "public", content, Vec::new(), None);
        inner.our_posts.push(id);
        id.to_string()
    }

    /// See `Inner::search_newest_first`.
    pub fn set_search_newest_first(&self, newest_first: bool) {
        self.lock().search_newest_first = newest_first;
    }

    /// See [`InstanceInfo`]; the fake starts as `Current { max_characters: 500 }`.
    pub fn set_instance(&self, info: InstanceInfo) {
        self.lock().instance = info;
    }

    /// The Relationship JSON between the brand and account `id`, as
    /// `GET /api/v1/accounts/relationships` would show it; `None` if the account
    /// is unknown.
    pub fn relationship(&self, id: &str) -> Option<Value> {
        let inner = self.lock();
        inner.account_known(id).then(|| inner.relationship(id))
    }

    /// Every inbound status id the fake holds (not deleted), ascending.
    pub fn served_status_ids(&self) -> Vec<String> {
        self.lock()
            .statuses
            .iter()
            .filter(|(_, r)| r.inbound && !r.deleted)
            .map(|(id, _)| id.to_string())
            .collect()
    }

    /// The next `n` requests to `route` (a path like "/api/v1/notifications", or "*"
    /// for any) fail with `fault`.
    pub fn fail_next(&self, route: &str, n: usize, fault: Fault) {
        let mut inner = self.lock();
        let queue = inner.faults.entry(route.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, n));
    }

    /// Successful answers carry `X-RateLimit-Remaining: n` (`None`: plenty left).
    pub fn set_rate_limit_remaining(&self, remaining: Option<u32>) {
        self.lock().rate_remaining = remaining;
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// One entry per status actually created by `POST /api/v1/statuses` (a retry with
    /// the same Idempotency-Key creates nothing): the parameters plus `id`.
    pub fn posted_statuses(&self) -> Vec<Value> {
        self.lock().posted.clone()
    }

    /// The latest status id, e.g. to reply to.
    pub fn status(&self, id: &str) -> Option<Value> {
        self.lock().status_value(id.parse().ok()?)
    }

    /// Ids of our own (brand) statuses, ascending.
    pub fn our_status_ids(&self) -> Vec<String> {
        self.lock()
            .statuses
            .iter()
            .filter(|(_, r)| r.author == Author::Us && !r.deleted)
            .map(|(id, _)| id.to_string())
            .collect()
    }
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let body = String::from_utf8_lossy(&body).into_owned();
    let recorded = RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let fault = {
        let mut state = inner.lock().unwrap_or_else(|e| e.into_inner());
        state.requests.push(recorded.clone());
        state.take_fault(&path)
    };
    let reset = |secs: u64| {
        (Utc::now() + ChronoDuration::seconds(i64::try_from(secs).unwrap_or(60)))
            .to_rfc3339_opts(SecondsFormat::Micros, true)
    };
    let early = match &fault {
        Some(Fault::RateLimited { reset_in_secs }) => Some(
            Response::builder()
                .status(StatusCode::TOO_MANY_REQUESTS)
                .header("content-type", "application/json; charset=utf-8")
                .header("x-ratelimit-limit", "300")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", reset(*reset_in_secs))
                .body(Body::from(r#"{"error":"Too many requests"}"#)),
        ),
        Some(Fault::ServerError(code)) => Some(
            Response::builder()
                .status(StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::from(
                    r#"{"error":"We're sorry, but something went wrong on our end."}"#,
                )),
        ),
        Some(Fault::Unauthorized) => Some(
            Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::from(r#"{"error":"The access token is invalid"}"#)),
        ),
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(*delay).await;
            None
        }
        _ => None,
    };
    if let Some(Ok(response)) = early {
        return response;
    }
    let (answer, remaining) = {
        let mut state = inner.lock().unwrap_or_else(|e| e.into_inner());
        let answer = route(&mut state, &method, &recorded);
        (answer, state.rate_remaining.unwrap_or(299))
    };
    let mut body = answer.body;
    if fault == Some(Fault::TruncatedJson) {
        let mut cut = body.len() / 2;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut);
    }
    let mut builder = Response::builder()
        .status(answer.status)
        .header("content-type", "application/json; charset=utf-8")
        .header("x-ratelimit-limit", "300")
        .header("x-ratelimit-remaining", remaining.to_string())
        .header("x-ratelimit-reset", reset(300));
    if let Some(link) = answer.link {
        builder = builder.header("link", link);
    }
    builder
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn route(state: &mut Inner, method: &Method, req: &RecordedRequest) -> Answer {
    let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let query = req.query_pairs();
    // OAuth and app registration need no token.
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["api", "v1", "apps"]) => return register_app(req),
        ("GET", ["oauth", "authorize"]) => {
            return Answer {
                status: StatusCode::OK,
                body: format!(
                    "<html><body><p>Your authorization code: <code>{AUTH_CODE}</code></p></body></html>"
                ),
                link: None,
            };
        }
        ("POST", ["oauth", "token"]) => return token(state, req),
        // Public: no token needed.
        ("GET", ["api", "v2", "instance"]) => {
            return match &state.instance {
                InstanceInfo::Current { max_characters } => {
                    ok(instance_v2(*max_characters).to_string())
                }
                // Before 4.0 the route does not exist [404 body not checked].
                _ => error(StatusCode::NOT_FOUND, "Record not found"),
            };
        }
        ("GET", ["api", "v1", "instance"]) => {
            return match instance_v1(&state.instance) {
                Some(v) => ok(v.to_string()),
                None => error(StatusCode::NOT_FOUND, "Record not found"),
            };
        }
        _ => {}
    }
    let expected = format!("Bearer {}", state.data.token);
    if req.header("authorization") != Some(expected.as_str()) {
        return error(StatusCode::UNAUTHORIZED, "The access token is invalid");
    }
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["api", "v1", "accounts", "verify_credentials"]) => ok(our_account().to_string()),
        ("GET", ["api", "v1", "notifications"]) => notifications(state, req, &query),
        ("GET", ["api", "v1", "conversations"]) => conversations(state, req, &query),
        ("GET", ["api", "v1", "accounts", id, "statuses"]) => {
            let author = if *id == OUR_ACCOUNT_ID {
                Some(Author::Us)
            } else {
                id.parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(900_000))
                    .map(Author::Person)
            };
            let ids: Vec<u64> = state
                .statuses
                .iter()
                .filter(|(_, r)| Some(r.author) == author && !r.deleted)
                .map(|(id, _)| *id)
                .collect();
            status_list(state, req, &query, &ids)
        }
        ("GET", ["api", "v1", "timelines", "tag", tag]) => {
            let tag = tag.to_ascii_lowercase();
            let ids: Vec<u64> = state
                .statuses
                .iter()
                .filter(|(_, r)| !r.deleted && r.visibility == "public")
                .filter(|(_, r)| r.tags.iter().any(|t| t.to_ascii_lowercase() == tag))
                .map(|(id, _)| *id)
                .collect();
            status_list(state, req, &query, &ids)
        }
        ("GET", ["api", "v2", "search"]) => search(state, &query),
        ("POST", ["api", "v1", "accounts", id, verb @ ("mute" | "block")]) => {
            relate(state, req, id, verb)
        }
        ("GET", ["api", "v1", "statuses", id]) => {
            match id.parse().ok().and_then(|id| state.status_value(id)) {
                Some(v) => ok(v.to_string()),
                None => error(StatusCode::NOT_FOUND, "Record not found"),
            }
        }
        ("GET", ["api", "v1", "statuses", id, "context"]) => context(state, id),
        ("POST", ["api", "v1", "statuses"]) => post_status(state, req),
        ("DELETE", ["api", "v1", "statuses", id]) => {
            let id: Option<u64> = id.parse().ok();
            match id.and_then(|id| state.statuses.get_mut(&id)) {
                Some(rec) if rec.author == Author::Us && !rec.deleted => {
                    rec.deleted = true;
                    let mut v: Value = serde_json::from_str(&rec.json).unwrap_or(Value::Null);
                    v["text"] = Value::String(String::new());
                    ok(v.to_string())
                }
                _ => error(StatusCode::NOT_FOUND, "Record not found"),
            }
        }
        _ => error(StatusCode::NOT_FOUND, "Record not found"),
    }
}

fn notifications(state: &Inner, req: &RecordedRequest, query: &[(String, String)]) -> Answer {
    let types: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "types[]")
        .map(|(_, v)| v.as_str())
        .collect();
    let exclude: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "exclude_types[]")
        .map(|(_, v)| v.as_str())
        .collect();
    let wanted: Vec<&Notif> = state
        .notifications
        .iter()
        .filter(|n| types.is_empty() || types.contains(&n.kind))
        .filter(|n| !exclude.contains(&n.kind))
        .collect();
    let ids: Vec<u64> = wanted.iter().map(|n| n.id).collect();
    let page = paginate(&ids, query, 40, state.data.page_limit_max);
    let by_id: HashMap<u64, &Notif> = wanted.iter().map(|n| (n.id, *n)).collect();
    let body = join_json(page.iter().filter_map(|id| by_id.get(id)).map(|n| &*n.json));
    Answer {
        status: StatusCode::OK,
        body,
        link: link_header(&state.base_url, &req.path, query, &page, true),
    }
}

/// The text of a status's HTML content: tags dropped, a few entities decoded.
fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// `GET /api/v2/search`: public and unlisted statuses whose text contains `q`
/// (case-insensitive), newest first; no `Link` header, as on Mastodon.
fn search(state: &Inner, query: &[(String, String)]) -> Answer {
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let Some(q) = get("q").map(str::trim).filter(|q| !q.is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: q can't be blank",
        );
    };
    let q = q.to_lowercase();
    let wants_statuses = get("type").is_none_or(|t| t == "statuses");
    let ids: Vec<u64> = state
        .statuses
        .iter()
        .filter(|_| wants_statuses)
        .filter(|(_, r)| !r.deleted && matches!(r.visibility.as_str(), "public" | "unlisted"))
        .filter(|(_, r)| {
            serde_json::from_str::<Value>(&r.json)
                .ok()
                .and_then(|v| v["content"].as_str().map(plain_text))
                .is_some_and(|text| text.to_lowercase().contains(&q))
        })
        .map(|(id, _)| *id)
        .collect();
    let page = if state.search_newest_first {
        // Range filters, then newest first, then the limit (min_id not special).
        let without_min: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| k != "min_id")
            .cloned()
            .collect();
        let min_id = get("min_id").and_then(|v| v.parse::<u64>().ok());
        let above: Vec<u64> = ids
            .iter()
            .copied()
            .filter(|id| min_id.is_none_or(|m| *id > m))
            .collect();
        paginate(&above, &without_min, 20, 40)
    } else {
        paginate(&ids, query, 20, 40)
    };
    let statuses = join_json(
        page.iter()
            .filter_map(|id| state.statuses.get(id))
            .map(|r| &*r.json),
    );
    ok(format!(
        "{{\"accounts\":[],\"statuses\":{statuses},\"hashtags\":[]}}"
    ))
}

fn status_list(
    state: &Inner,
    req: &RecordedRequest,
    query: &[(String, String)],
    ids: &[u64],
) -> Answer {
    let page = paginate(ids, query, 20, 40);
    let body = join_json(
        page.iter()
            .filter_map(|id| state.statuses.get(id))
            .map(|r| &*r.json),
    );
    Answer {
        status: StatusCode::OK,
        body,
        link: link_header(&state.base_url, &req.path, query, &page, true),
    }
}

/// One conversation per DM partner, ordered by last status; pagination ids are
/// last-status ids (as in Mastodon), and `next` only when the page is full.
fn conversations(state: &Inner, req: &RecordedRequest, query: &[(String, String)]) -> Answer {
    let mut last: HashMap<usize, u64> = HashMap::new();
    for (id, rec) in &state.statuses {
        if let (Some(p), false) = (rec.dm_partner, rec.deleted) {
            last.insert(p, *id);
        }
    }
    let mut ids: Vec<u64> = last.values().copied().collect();
    ids.sort_unstable();
    let page = paginate(&ids, query, 20, 40);
    let limit = query
        .iter()
        .find(|(k, _)| k == "limit")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 40);
    let items: Vec<Value> = page
        .iter()
        .filter_map(|id| {
            let rec = state.statuses.get(id)?;
            let partner = rec.dm_partner?;
            Some(json!({
                "id": (400_000 + partner).to_string(),
                "unread": rec.inbound,
                "accounts": [person_account(partner)],
                "last_status": serde_json::from_str::<Value>(&rec.json).ok(),
            }))
        })
        .collect();
    Answer {
        status: StatusCode::OK,
        body: Value::Array(items).to_string(),
        link: link_header(
            &state.base_url,
            &req.path,
            query,
            &page,
            page.len() >= limit,
        ),
    }
}

fn context(state: &Inner, id: &str) -> Answer {
    let Some(id) = id
        .parse::<u64>()
        .ok()
        .filter(|id| state.status_value(*id).is_some())
    else {
        return error(StatusCode::NOT_FOUND, "Record not found");
    };
    let mut ancestors = Vec::new();
    let mut cursor = state.statuses.get(&id).and_then(|r| r.in_reply_to);
    while let Some(parent) = cursor {
        if ancestors.len() >= 4096 {
            break;
        }
        if let Some(v) = state.status_value(parent) {
            ancestors.push(v);
        }
        cursor = state.statuses.get(&parent).and_then(|r| r.in_reply_to);
    }
    ancestors.reverse();
    let mut descendants = Vec::new();
    let mut frontier = vec![id];
    while let Some(parent) = frontier.pop() {
        for (child, rec) in &state.statuses {
            if rec.in_reply_to == Some(parent) && !rec.deleted && descendants.len() < 4096 {
                frontier.push(*child);
                if let Some(v) = state.status_value(*child) {
                    descendants.push(v);
                }
            }
        }
    }
    ok(json!({ "ancestors": ancestors, "descendants": descendants }).to_string())
}

fn post_status(state: &mut Inner, req: &RecordedRequest) -> Answer {
    let params = req.params();
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let key = req.header("idempotency-key").map(str::to_string);
    if let Some(existing) = key.as_ref().and_then(|k| state.idempotency.get(k))
        && let Some(v) = state.status_value(*existing)
    {
        return ok(v.to_string());
    }
    let text = get("status").unwrap_or_default();
    if text.trim().is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Text can't be blank",
        );
    }
    let in_reply_to: Option<u64> = get("in_reply_to_id").and_then(|v| v.parse().ok());
    if get("in_reply_to_id").is_some() && in_reply_to.and_then(|r| state.status_value(r)).is_none()
    {
        return error(StatusCode::NOT_FOUND, "Record not found");
    }
    let visibility = get("visibility").unwrap_or_else(|| "public".into());
    let partner = in_reply_to
        .and_then(|r| state.statuses.get(&r))
        .and_then(|r| match r.author {
            Author::Person(p) => Some(p),
            Author::Us => r.dm_partner,
        })
        .filter(|_| visibility == "direct");
    // Render like Mastodon: escaped text, line breaks, mentions as h-card links.
    let rendered: Vec<String> = text
        .lines()
        .map(|line| {
            line.split(' ')
                .map(|word| match word.strip_prefix('@') {
                    Some(acct) if !acct.is_empty() => {
                        let username = acct.split('@').next().unwrap_or(acct);
                        mention_html(
                            &escape_html(username),
                            &format!("https://{HOST}/@{}", escape_html(username)),
                        )
                    }
                    _ => escape_html(word),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let content = format!("<p>{}</p>", rendered.join("<br />"));
    let id = state.insert_status(
        Author::Us,
        in_reply_to,
        &visibility,
        content,
        Vec::new(),
        partner,
    );
    if let Some(k) = key.clone() {
        state.idempotency.insert(k, id);
    }
    let mut record: serde_json::Map<String, Value> = params
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    record.insert("id".into(), Value::String(id.to_string()));
    record.insert(
        "idempotency_key".into(),
        key.map_or(Value::Null, Value::String),
    );
    state.posted.push(Value::Object(record));
    match state.status_value(id) {
        Some(v) => ok(v.to_string()),
        None => error(StatusCode::INTERNAL_SERVER_ERROR, "status vanished"),
    }
}

fn register_app(req: &RecordedRequest) -> Answer {
    let name = req.param("client_name").unwrap_or_default();
    if name.trim().is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: Application name can't be blank",
        );
    }
    let redirect = req.param("redirect_uris").unwrap_or_default();
    ok(json!({
        "id": "563419",
        "name": name,
        "website": req.param("website"),
        "scopes": req.param("scopes").unwrap_or_else(|| "read".into()).split(' ').collect::<Vec<_>>(),
        "redirect_uri": redirect,
        "redirect_uris": [redirect],
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "client_secret_expires_at": 0,
        "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M="
    }).to_string())
}

fn token(state: &Inner, req: &RecordedRequest) -> Answer {
    let grant = req.param("grant_type").unwrap_or_default();
    let good = grant == "authorization_code"
        && req.param("code").as_deref() == Some(AUTH_CODE)
        && req.param("client_id").as_deref() == Some(CLIENT_ID)
        && req.param("client_secret").as_deref() == Some(CLIENT_SECRET);
    if !good {
        return Answer {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "error": "invalid_grant",
                "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
            })
            .to_string(),
            link: None,
        };
    }
    ok(json!({
        "access_token": state.data.token,
        "token_type": "Bearer",
        "scope": req.param("scope").unwrap_or_else(|| "read write".into()),
        "created_at": 1_767_603_600
    })
    .to_string())
}
