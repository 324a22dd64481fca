#![allow(dead_code)]
//! A fake Meta Graph API for tests: an axum app on 127.0.0.1:0 answering the
//! paths hearth's Facebook and Instagram connectors use, with the documented JSON
//! shapes, `paging.cursors` + `paging.next` links (only when more data), Graph
//! error bodies, a controllable clock for the 24-hour window, request recording
//! and scripted faults per route.
//!
//! Paths (a `/vNN.N/` prefix, or none): `GET /{page}/conversations`,
//! `GET /{conversation}/messages`, `GET /{conversation}?fields=participants`,
//! `POST /{page}/messages`, `GET /{page}/published_posts` (also `feed`, `posts`;
//! the `comments` field takes `filter`, `order`, `limit` and `summary`
//! modifiers), `GET|POST /{post-or-comment}/comments`, `GET /{ig-user}/media`,
//! `GET /{media}/comments`, `GET|POST /{ig-comment}/replies`,
//! `POST /{comment}` (`is_hidden` / `hide`), `DELETE /{comment}`,
//! `GET /{comment}?fields=...`, `POST /{page}/blocked` (ban a user from the Page).
//!
//! Documented behaviour it keeps: Instagram refuses replies to hidden comments;
//! a Graph version past its end date is refused (or, with
//! `Seed::upgrade_retired_versions`, served as Meta's versioning guide describes
//! for expired versions). Where Meta's docs are silent it can do either: whether
//! a reply to a reply keeps that reply as its `parent` (`Seed::fb_flatten_replies`).

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

pub const PAGE_ID: &str = "1122334455";
pub const PAGE_NAME: &str = "Brand Shop";
pub const IG_USER_ID: &str = "17841400000000000";
pub const IG_USERNAME: &str = "brandshop";
pub const TOKEN: &str = "test-page-token";

/// What the fake starts with.
#[derive(Debug, Clone)]
pub struct Seed {
    pub messenger_conversations: usize,
    pub ig_conversations: usize,
    /// Messages per conversation; every third one is from the business.
    pub messages_per_conversation: usize,
    pub posts: usize,
    /// Top-level comments per post / media.
    pub comments_per_post: usize,
    /// Replies under each top-level comment (from other people).
    pub replies_per_comment: usize,
    pub media: usize,
    /// The server's cap on `limit`.
    pub max_limit: usize,
    pub token: String,
    /// The fake's clock; seeded items are in the minutes before it.
    pub now: DateTime<Utc>,
    /// A reply to a reply gets the top-level comment as its `parent` (true), or
    /// keeps the reply it answers (false). Meta's docs do not say which.
    pub fb_flatten_replies: bool,
    /// Serve a retired Graph version as if it were the oldest one still live
    /// instead of refusing it.
    pub upgrade_retired_versions: bool,
    /// Refuse field expansion of `comments` on the post listing (code 100), for
    /// a Graph that would not take it there.
    pub refuse_comment_expansion: bool,
}

impl Default for Seed {
    fn default() -> Self {
        Seed {
            messenger_conversations: 3,
            ig_conversations: 2,
            messages_per_conversation: 3,
            posts: 2,
            comments_per_post: 2,
            replies_per_comment: 1,
            media: 2,
            max_limit: 100,
            token: TOKEN.into(),
            now: DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_default(),
            fb_flatten_replies: false,
            upgrade_retired_versions: false,
            refuse_comment_expansion: false,
        }
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Conversations,
    Messages,
    Send,
    Posts,
    Comments,
    Replies,
    Media,
    /// Single objects: participants lookup, comment lookup, hide, delete.
    Object,
    /// `POST /{page}/blocked`.
    Blocked,
    Any,
}

/// A scripted failure for the next requests to a route.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// HTTP 403, code 4, `X-App-Usage` at 100%.
    AppRateLimit,
    /// HTTP 403, code 80001, BUC header at 100% with `estimated_time_to_regain_access`.
    BucRateLimit { minutes: i64 },
    /// The real answer, with a BUC usage header at 100%.
    UsageSpent { minutes: i64 },
    /// HTTP 400, code 190 "Session has expired".
    ExpiredToken,
    /// HTTP 500, code 1, `is_transient: true`.
    Transient,
    /// 200 with the real body cut in half.
    TruncatedJson,
    /// The real answer after this delay.
    Slow(std::time::Duration),
    /// The request takes effect (a message or comment is stored), then the answer
    /// is HTTP 500, code 1: the client cannot tell it went through.
    StoredThenFailed,
    /// HTTP 403, code 200: the token lacks `permission`.
    MissingPermission { permission: &'static str },
}

/// Graph versions and the day Meta stops serving them (Meta's changelog lists
/// these; v26.0 has no date yet).
pub const VERSION_ENDS: &[(&str, &str)] = &[
    ("v19.0", "2026-05-21"),
    ("v20.0", "2026-09-24"),
    ("v21.0", "2027-01-21"),
    ("v22.0", "2027-05-20"),
    ("v23.0", "2027-10-08"),
    ("v24.0", "2028-02-18"),
    ("v25.0", "2028-07-29"),
];

/// One request as received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the version prefix.
    pub path: String,
    /// The version prefix, "v26.0" (none: unversioned).
    pub version: Option<String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
struct Msg {
    id: String,
    created: DateTime<Utc>,
    from_id: String,
    from_name: String,
    text: String,
}

#[derive(Debug, Clone)]
struct Conv {
    id: String,
    platform: &'static str,
    customer_id: String,
    customer_name: String,
    messages: Vec<Msg>,
}

impl Conv {
    fn updated(&self) -> DateTime<Utc> {
        self.messages
            .iter()
            .map(|m| m.created)
            .max()
            .unwrap_or_default()
    }
    fn business(&self) -> (&'static str, &'static str) {
        if self.platform == "instagram" {
            (IG_USER_ID, IG_USERNAME)
        } else {
            (PAGE_ID, PAGE_NAME)
        }
    }
}

#[derive(Debug, Clone)]
struct Post {
    id: String,
    text: String,
    created: DateTime<Utc>,
    instagram: bool,
}

#[derive(Debug, Clone)]
struct Comment {
    id: String,
    post: String,
    parent: Option<String>,
    from_id: String,
    from_name: String,
    text: String,
    created: DateTime<Utc>,
    hidden: bool,
    instagram: bool,
}

struct Inner {
    seed: Seed,
    now: DateTime<Utc>,
    next_id: u64,
    convs: Vec<Conv>,
    posts: Vec<Post>,
    comments: Vec<Comment>,
    requests: Vec<RecordedRequest>,
    faults: Vec<(Route, usize, Fault)>,
    served: BTreeSet<String>,
    /// Users banned from the Page.
    blocked: BTreeSet<String>,
    /// Whether comments show `from` (Graph may omit it without the right
    /// permissions).
    comment_from_visible: bool,
    /// Every answer carries a BUC usage header at this percent (below 100: no
    /// throttling yet).
    usage_percent: Option<u8>,
}

type Shared = Arc<Mutex<Inner>>;

fn lock(s: &Shared) -> MutexGuard<'_, Inner> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

impl Inner {
    fn new(seed: Seed) -> Inner {
        let now = seed.now;
        let mut inner = Inner {
            now,
            next_id: 1,
            convs: Vec::new(),
            posts: Vec::new(),
            comments: Vec::new(),
            requests: Vec::new(),
            faults: Vec::new(),
            served: BTreeSet::new(),
            blocked: BTreeSet::new(),
            comment_from_visible: true,
            usage_percent: None,
            seed: seed.clone(),
        };
        let mut minute = 0i64;
        let mut tick = || {
            minute += 1;
            now - Duration::minutes(10_000) + Duration::minutes(minute)
        };
        for (platform, n) in [
            ("messenger", seed.messenger_conversations),
            ("instagram", seed.ig_conversations),
        ] {
            for c in 0..n {
                let ig = platform == "instagram";
                let (id, customer_id, customer_name) = if ig {
                    (
                        format!("aWdf{c}"),
                        format!("65432{c:06}"),
                        format!("ig.user{c}"),
                    )
                } else {
                    (
                        format!("t_{c}"),
                        format!("24680{c:06}"),
                        format!("Customer {c}"),
                    )
                };
                let mut conv = Conv {
                    id: id.clone(),
                    platform,
                    customer_id,
                    customer_name,
                    messages: Vec::new(),
                };
                for k in 0..seed.messages_per_conversation {
                    let ours = k % 3 == 2;
                    let (from_id, from_name) = if ours {
                        let (i, n) = conv.business();
                        (i.to_string(), n.to_string())
                    } else {
                        (conv.customer_id.clone(), conv.customer_name.clone())
                    };
                    conv.messages.push(Msg {
                        id: format!("m_{id}_{k}"),
                        created: tick(),
                        from_id,
                        from_name,
                        text: format!("message {k} in {id}"),
                    });
                }
                inner.convs.push(conv);
            }
        }
        for (instagram, n) in [(false, seed.posts), (true, seed.media)] {
            for p in 0..n {
                let id = if instagram {
                    format!("1790000000{p:04}")
                } else {
                    format!("{PAGE_ID}_{p}")
                };
                inner.posts.push(Post {
                    id: id.clone(),
                    text: format!("Post number {p}\nsecond line"),
                    created: tick(),
                    instagram,
                });
                for c in 0..seed.comments_per_post {
                    let cid = inner.comment_id(&id, instagram);
                    inner.comments.push(Comment {
                        id: cid.clone(),
                        post: id.clone(),
                        parent: None,
                        from_id: format!("555{c:04}"),
                        from_name: format!("Commenter {c}"),
                        text: format!("comment {c} on {id}"),
                        created: tick(),
                        hidden: false,
                        instagram,
                    });
                    for r in 0..seed.replies_per_comment {
                        let rid = inner.comment_id(&id, instagram);
                        inner.comments.push(Comment {
                            id: rid,
                            post: id.clone(),
                            parent: Some(cid.clone()),
                            from_id: format!("777{r:04}"),
                            from_name: format!("Replier {r}"),
                            text: format!("reply {r} to {cid}"),
                            created: tick(),
                            hidden: false,
                            instagram,
                        });
                    }
                }
            }
        }
        inner
    }

    fn comment_id(&mut self, post: &str, instagram: bool) -> String {
        self.next_id += 1;
        if instagram {
            format!("18{:015}", self.next_id)
        } else {
            let object = post.rsplit('_').next().unwrap_or(post);
            format!("{object}_{}", 900_000 + self.next_id)
        }
    }
}

/// A running fake.
#[derive(Clone)]
pub struct FakeMeta {
    /// The host root, `http://127.0.0.1:4321` (hearth adds the Graph version).
    pub base_url: String,
    state: Shared,
}

fn app(state: Shared) -> Router {
    Router::new().fallback(handle).with_state(state)
}

impl FakeMeta {
    pub async fn start(seed: Seed) -> FakeMeta {
        let state: Shared = Arc::new(Mutex::new(Inner::new(seed)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let router = app(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FakeMeta {
            base_url: format!("http://{addr}"),
            state,
        }
    }

    /// Serve from a thread with its own runtime (for blocking tests and subprocesses).
    pub fn start_in_background(seed: Seed) -> FakeMeta {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let fake = FakeMeta::start(seed).await;
                let _ = tx.send(fake);
                std::future::pending::<()>().await;
            });
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("fake started")
    }

    /// The next `n` requests to `route` fail with `fault`.
    pub fn fail_next(&self, route: Route, n: usize, fault: Fault) {
        lock(&self.state).faults.push((route, n, fault));
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.state).requests.clear();
    }

    /// Every answer from now on reports this share of the BUC budget used.
    pub fn set_usage(&self, percent: Option<u8>) {
        lock(&self.state).usage_percent = percent;
    }

    /// A moderator hides (or unhides) a comment on the platform itself.
    pub fn hide_on_platform(&self, id: &str, hidden: bool) {
        if let Some(c) = lock(&self.state).comments.iter_mut().find(|c| c.id == id) {
            c.hidden = hidden;
        }
    }

    /// Its author deletes a comment (its replies go with it).
    pub fn delete_comment(&self, id: &str) {
        lock(&self.state)
            .comments
            .retain(|c| c.id != id && c.parent.as_deref() != Some(id));
    }

    /// The post or media a comment is on.
    pub fn post_of(&self, comment: &str) -> Option<String> {
        lock(&self.state)
            .comments
            .iter()
            .find(|c| c.id == comment)
            .map(|c| c.post.clone())
    }

    /// Comment ids on a post or media, oldest first: (id, parent).
    pub fn comments_on(&self, post: &str) -> Vec<(String, Option<String>)> {
        let s = lock(&self.state);
        let mut list: Vec<&Comment> = s.comments.iter().filter(|c| c.post == post).collect();
        list.sort_by_key(|c| c.created);
        list.iter()
            .map(|c| (c.id.clone(), c.parent.clone()))
            .collect()
    }

    /// Requests answered so far, counting each once.
    pub fn request_count(&self) -> usize {
        lock(&self.state).requests.len()
    }

    /// Every message/comment id the fake has returned in a listing.
    pub fn served_ids(&self) -> BTreeSet<String> {
        lock(&self.state).served.clone()
    }

    /// Every message/comment id the fake holds.
    pub fn all_ids(&self) -> BTreeSet<String> {
        let s = lock(&self.state);
        s.convs
            .iter()
            .flat_map(|c| c.messages.iter().map(|m| m.id.clone()))
            .chain(s.comments.iter().map(|c| c.id.clone()))
            .collect()
    }

    /// Ids of everything one connector should cache: Messenger + Page comments
    /// (`instagram = false`) or IG DMs + media comments (`true`).
    pub fn ids(&self, instagram: bool) -> BTreeSet<String> {
        let s = lock(&self.state);
        let platform = if instagram { "instagram" } else { "messenger" };
        s.convs
            .iter()
            .filter(|c| c.platform == platform)
            .flat_map(|c| c.messages.iter().map(|m| m.id.clone()))
            .chain(
                s.comments
                    .iter()
                    .filter(|c| c.instagram == instagram)
                    .map(|c| c.id.clone()),
            )
            .collect()
    }

    pub fn now(&self) -> DateTime<Utc> {
        lock(&self.state).now
    }

    pub fn set_now(&self, now: DateTime<Utc>) {
        lock(&self.state).now = now;
    }

    pub fn advance(&self, by: Duration) {
        let mut s = lock(&self.state);
        s.now += by;
    }

    /// The customer writes in conversation `conv` at the fake's "now"; returns the message id.
    pub fn customer_writes(&self, conv: &str, text: &str) -> String {
        let mut s = lock(&self.state);
        s.next_id += 1;
        let (now, n) = (s.now, s.next_id);
        let c = s
            .convs
            .iter_mut()
            .find(|c| c.id == conv)
            .expect("known conversation");
        let id = format!("m_{conv}_new{n}");
        c.messages.push(Msg {
            id: id.clone(),
            created: now,
            from_id: c.customer_id.clone(),
            from_name: c.customer_name.clone(),
            text: text.into(),
        });
        id
    }

    /// Someone comments on post/media `post` (under `parent` for a reply).
    pub fn someone_comments(&self, post: &str, parent: Option<&str>, text: &str) -> String {
        let mut s = lock(&self.state);
        let instagram = s
            .posts
            .iter()
            .find(|p| p.id == post)
            .map(|p| p.instagram)
            .expect("known post");
        let id = s.comment_id(post, instagram);
        let now = s.now;
        // Facebook may report a reply to a reply under the top-level comment.
        let parent = parent.map(|p| {
            let top = s
                .comments
                .iter()
                .find(|c| c.id == p)
                .and_then(|c| c.parent.clone());
            match top {
                Some(top) if s.seed.fb_flatten_replies || instagram => top,
                _ => p.to_string(),
            }
        });
        s.comments.push(Comment {
            id: id.clone(),
            post: post.into(),
            parent,
            from_id: "8888".into(),
            from_name: "Late Commenter".into(),
            text: text.into(),
            created: now,
            hidden: false,
            instagram,
        });
        id
    }

    pub fn post_ids(&self, instagram: bool) -> Vec<String> {
        lock(&self.state)
            .posts
            .iter()
            .filter(|p| p.instagram == instagram)
            .map(|p| p.id.clone())
            .collect()
    }

    pub fn conversation_ids(&self, platform: &str) -> Vec<String> {
        lock(&self.state)
            .convs
            .iter()
            .filter(|c| c.platform == platform)
            .map(|c| c.id.clone())
            .collect()
    }

    /// (hidden, exists) of a comment.
    /// Users banned from the Page, ascending.
    pub fn blocked_users(&self) -> Vec<String> {
        lock(&self.state).blocked.iter().cloned().collect()
    }

    /// Who wrote comment `id` (its `from.id`).
    pub fn comment_author(&self, id: &str) -> Option<String> {
        lock(&self.state)
            .comments
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.from_id.clone())
    }

    /// Graph leaves `from` out of comments when the token may not see who wrote
    /// them; `false` makes the fake do that on single-comment reads.
    pub fn set_comment_from_visible(&self, visible: bool) {
        lock(&self.state).comment_from_visible = visible;
    }

    pub fn comment_state(&self, id: &str) -> Option<bool> {
        lock(&self.state)
            .comments
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.hidden)
    }

    /// Messages in a conversation, oldest first: (id, from_id, text).
    pub fn conversation(&self, conv: &str) -> Vec<(String, String, String)> {
        let s = lock(&self.state);
        let mut out: Vec<_> = s
            .convs
            .iter()
            .filter(|c| c.id == conv)
            .flat_map(|c| c.messages.iter())
            .map(|m| (m.id.clone(), m.from_id.clone(), m.text.clone()))
            .collect();
        out.sort();
        out
    }

    /// Replies under a comment: (id, from_id, text).
    pub fn replies(&self, comment: &str) -> Vec<(String, String, String)> {
        lock(&self.state)
            .comments
            .iter()
            .filter(|c| c.parent.as_deref() == Some(comment))
            .map(|c| (c.id.clone(), c.from_id.clone(), c.text.clone()))
            .collect()
    }
}

// ---------------------------------------------------------------------------------
// Request handling

struct Req {
    method: Method,
    segments: Vec<String>,
    query: HashMap<String, String>,
    form: HashMap<String, String>,
    json: Option<Value>,
    origin: String,
    raw_path: String,
}

fn graph_error(
    status: u16,
    code: i64,
    subcode: Option<i64>,
    message: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut error = json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf123"});
    if let Some(sub) = subcode {
        error["error_subcode"] = json!(sub);
    }
    if code == 1 || code == 2 {
        error["is_transient"] = json!(true);
    }
    (status, Vec::new(), json!({ "error": error }).to_string())
}

fn route_of(method: &Method, segments: &[String]) -> Route {
    match (
        method.as_str(),
        segments.len(),
        segments.get(1).map(String::as_str),
    ) {
        (_, 2, Some("conversations")) => Route::Conversations,
        ("POST", 2, Some("messages")) => Route::Send,
        (_, 2, Some("messages")) => Route::Messages,
        (_, 2, Some("published_posts" | "feed" | "posts")) => Route::Posts,
        (_, 2, Some("comments")) => Route::Comments,
        (_, 2, Some("replies")) => Route::Replies,
        (_, 2, Some("media")) => Route::Media,
        (_, 2, Some("blocked")) => Route::Blocked,
        _ => Route::Object,
    }
}

async fn handle(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let mut version = None;
    if segments
        .first()
        .is_some_and(|s| s.starts_with('v') && s[1..].split('.').all(|p| p.parse::<u32>().is_ok()))
    {
        version = Some(segments.remove(0));
    }
    let query_pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let body_text = String::from_utf8_lossy(&body).to_string();
    let is_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let req = Req {
        method: method.clone(),
        segments: segments.clone(),
        query: query_pairs.iter().cloned().collect(),
        form: if is_json {
            HashMap::new()
        } else {
            url::form_urlencoded::parse(&body).into_owned().collect()
        },
        json: if is_json {
            serde_json::from_slice(&body).ok()
        } else {
            None
        },
        origin: format!("http://{host}"),
        raw_path: path.clone(),
    };
    let route = route_of(&method, &segments);
    let (fault, answer, usage) = {
        let mut s = lock(&state);
        s.requests.push(RecordedRequest {
            method: method.to_string(),
            path: format!("/{}", segments.join("/")),
            version: version.clone(),
            query: query_pairs,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                .collect(),
            body: body_text,
        });
        let fault = take_fault(&mut s, route);
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        let token = bearer.or_else(|| req.query.get("access_token").cloned());
        let retired = version
            .as_deref()
            .filter(|v| is_retired(v, s.now) && !s.seed.upgrade_retired_versions);
        let answer = if let Some(v) = retired {
            graph_error(
                400,
                12,
                None,
                &format!("(#12) Graph API {v} is no longer available; call a current version"),
            )
        } else if token.as_deref() != Some(s.seed.token.as_str()) {
            graph_error(
                400,
                190,
                None,
                "Invalid OAuth access token - Cannot parse access token",
            )
        } else {
            match &fault {
                Some(Fault::AppRateLimit) => {
                    let (st, _, b) =
                        graph_error(403, 4, None, "(#4) Application request limit reached");
                    (
                        st,
                        vec![(
                            "x-app-usage".into(),
                            r#"{"call_count":100,"total_time":40,"total_cputime":35}"#.into(),
                        )],
                        b,
                    )
                }
                Some(Fault::BucRateLimit { minutes }) => {
                    let (st, _, b) = graph_error(
                        403,
                        80001,
                        None,
                        "There have been too many calls to this Page account.",
                    );
                    (st, vec![buc_header(*minutes)], b)
                }
                Some(Fault::ExpiredToken) => graph_error(
                    400,
                    190,
                    Some(463),
                    "Error validating access token: Session has expired on Thursday, 02-May-24 09:00:00 PDT.",
                ),
                Some(Fault::Transient) => {
                    graph_error(500, 1, None, "An unknown error has occurred.")
                }
                Some(Fault::StoredThenFailed) => {
                    let _ = dispatch(&mut s, &req);
                    graph_error(500, 1, None, "An unknown error has occurred.")
                }
                Some(Fault::MissingPermission { permission }) => graph_error(
                    403,
                    200,
                    None,
                    &format!("(#200) Requires {permission} permission to manage the object"),
                ),
                _ => dispatch(&mut s, &req),
            }
        };
        let usage = s.usage_percent;
        (fault, answer, usage)
    };
    let (status, mut extra, mut body) = answer;
    if let Some(percent) = usage {
        extra.push(usage_header(percent));
    }
    match fault {
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        Some(Fault::TruncatedJson) => body.truncate(body.len() / 2),
        Some(Fault::UsageSpent { minutes }) => extra.push(buc_header(minutes)),
        _ => {}
    }
    let mut response = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header("content-type", "application/json; charset=UTF-8");
    for (k, v) in extra {
        response = response.header(k, v);
    }
    response
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// Whether Meta has stopped serving `version` by `now` ([`VERSION_ENDS`]).
fn is_retired(version: &str, now: DateTime<Utc>) -> bool {
    VERSION_ENDS.iter().any(|(v, end)| {
        *v == version
            && chrono::NaiveDate::parse_from_str(end, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .is_some_and(|end| now.naive_utc() >= end)
    }) || version
        .strip_prefix('v')
        .and_then(|v| v.split('.').next())
        .and_then(|major| major.parse::<u32>().ok())
        .is_some_and(|major| major < 19)
}

/// The BUC header below the throttling line.
fn usage_header(percent: u8) -> (String, String) {
    (
        "x-business-use-case-usage".into(),
        format!(
            r#"{{"{PAGE_ID}":[{{"type":"pages","call_count":{percent},"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":0}}]}}"#
        ),
    )
}

fn buc_header(minutes: i64) -> (String, String) {
    (
        "x-business-use-case-usage".into(),
        format!(
            r#"{{"{PAGE_ID}":[{{"type":"pages","call_count":100,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":{minutes}}}]}}"#
        ),
    )
}

fn take_fault(s: &mut Inner, route: Route) -> Option<Fault> {
    let slot = s
        .faults
        .iter_mut()
        .find(|(r, n, _)| (*r == route || *r == Route::Any) && *n > 0)?;
    slot.1 -= 1;
    let fault = slot.2.clone();
    s.faults.retain(|(_, n, _)| *n > 0);
    Some(fault)
}

type Answer = (u16, Vec<(String, String)>, String);

fn ok(v: Value) -> Answer {
    (200, Vec::new(), v.to_string())
}

fn missing(id: &str) -> Answer {
    graph_error(
        400,
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

/// Top-level names of a `fields=` list: `a,b{c,d},e.limit(3)` → a, b, e.
fn top_fields(fields: &str) -> Vec<String> {
    let (mut out, mut depth, mut cur) = (Vec::new(), 0i32, String::new());
    for ch in fields.chars() {
        match ch {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ if depth == 0 => cur.push(ch),
            _ => {}
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|f| f.split('.').next().unwrap_or("").trim().to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

/// Keep only requested fields; unknown ones are error 100, as on Graph.
fn select(
    req: &Req,
    known: &[&str],
    default: &[&str],
    items: Vec<Value>,
) -> Result<Vec<Value>, Answer> {
    let wanted = match req.query.get("fields") {
        Some(f) => top_fields(f),
        None => default.iter().map(|s| s.to_string()).collect(),
    };
    if let Some(bad) = wanted.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(graph_error(
            400,
            100,
            None,
            &format!("(#100) Tried accessing nonexisting field ({bad})"),
        ));
    }
    Ok(items
        .into_iter()
        .map(|item| {
            let mut out = Map::new();
            if let Value::Object(map) = item {
                for (k, v) in map {
                    if wanted.contains(&k) {
                        out.insert(k, v);
                    }
                }
            }
            Value::Object(out)
        })
        .collect())
}

/// One page of `items` with Graph's paging envelope; records served ids.
fn paged(s: &mut Inner, req: &Req, items: Vec<Value>, ids: Vec<Vec<String>>) -> Answer {
    let limit = req
        .query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, s.seed.max_limit);
    let start = req
        .query
        .get("after")
        .and_then(|a| a.strip_prefix("QVF"))
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(0);
    let end = (start + limit).min(items.len());
    let page: Vec<Value> = items
        .get(start..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    for group in ids.get(start..end).into_iter().flatten() {
        s.served.extend(group.iter().cloned());
    }
    let mut paging =
        json!({"cursors": {"before": format!("QVF{start}"), "after": format!("QVF{end}")}});
    if end < items.len() {
        let mut q: Vec<(String, String)> = req
            .query
            .iter()
            .filter(|(k, _)| k.as_str() != "after")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        q.sort();
        q.push(("after".into(), format!("QVF{end}")));
        // Like the real API, the link carries the token; clients must strip it.
        q.push(("access_token".into(), s.seed.token.clone()));
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(q)
            .finish();
        paging["next"] = json!(format!("{}{}?{}", req.origin, req.raw_path, qs));
    }
    ok(json!({"data": page, "paging": paging}))
}

fn dispatch(s: &mut Inner, req: &Req) -> Answer {
    let id = req.segments.first().cloned().unwrap_or_default();
    let edge = req.segments.get(1).map(String::as_str);
    match (req.method.as_str(), edge) {
        ("GET", Some("conversations")) => list_conversations(s, req, &id),
        ("GET", Some("messages")) => list_messages(s, req, &id),
        ("POST", Some("messages")) => send_message(s, req, &id),
        ("GET", Some("published_posts" | "feed" | "posts" | "media")) => {
            list_posts(s, req, &id, edge == Some("media"))
        }
        ("GET", Some("comments")) => list_comments(s, req, &id),
        ("GET", Some("replies")) => list_replies(s, req, &id, true),
        ("POST", Some("comments" | "replies")) => create_reply(s, req, &id),
        ("GET", None) => get_object(s, req, &id),
        ("POST", None) => moderate(s, req, &id),
        ("POST", Some("blocked")) => block_users(s, req, &id),
        ("DELETE", None) => {
            let before = s.comments.len();
            s.comments
                .retain(|c| c.id != id && c.parent.as_deref() != Some(id.as_str()));
            if s.comments.len() == before {
                missing(&id)
            } else {
                ok(json!({"success": true}))
            }
        }
        _ => graph_error(400, 100, None, "Unknown path components"),
    }
}

fn list_conversations(s: &mut Inner, req: &Req, page: &str) -> Answer {
    if page != PAGE_ID {
        return missing(page);
    }
    let platform = req
        .query
        .get("platform")
        .map(String::as_str)
        .unwrap_or("messenger")
        .to_string();
    let mut convs: Vec<&Conv> = s.convs.iter().filter(|c| c.platform == platform).collect();
    convs.sort_by(|a, b| b.updated().cmp(&a.updated()).then(b.id.cmp(&a.id)));
    let items: Vec<Value> = convs.iter().map(|c| {
        let (bid, bname) = c.business();
        let name_key = if c.platform == "instagram" { "username" } else { "name" };
        json!({"id": c.id, "updated_time": time(c.updated()), "message_count": c.messages.len(), "unread_count": 0,
            "snippet": c.messages.iter().max_by_key(|m| m.created).map(|m| m.text.clone()).unwrap_or_default(), "can_reply": true,
            "participants": {"data": [{name_key: c.customer_name, "id": c.customer_id}, {name_key: bname, "id": bid}]}})
    }).collect();
    let known = [
        "id",
        "updated_time",
        "snippet",
        "unread_count",
        "message_count",
        "can_reply",
        "participants",
        "link",
    ];
    match select(req, &known, &["id", "updated_time"], items) {
        Ok(items) => {
            let n = items.len();
            paged(s, req, items, vec![Vec::new(); n])
        }
        Err(e) => e,
    }
}

fn message_json(c: &Conv, m: &Msg) -> Value {
    let ig = c.platform == "instagram";
    let name_key = if ig { "username" } else { "name" };
    let (bid, bname) = c.business();
    let to = if m.from_id == bid {
        json!({name_key: c.customer_name, "id": c.customer_id})
    } else {
        json!({name_key: bname, "id": bid})
    };
    json!({"id": m.id, "created_time": time(m.created), "from": {name_key: m.from_name, "id": m.from_id}, "to": {"data": [to]}, "message": m.text})
}

fn list_messages(s: &mut Inner, req: &Req, conv: &str) -> Answer {
    let Some(c) = s.convs.iter().find(|c| c.id == conv).cloned() else {
        return missing(conv);
    };
    let mut msgs = c.messages.clone();
    msgs.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let ids: Vec<Vec<String>> = msgs.iter().map(|m| vec![m.id.clone()]).collect();
    let items = msgs.iter().map(|m| message_json(&c, m)).collect();
    match select(
        req,
        &["id", "created_time", "from", "to", "message", "attachments"],
        &["id", "created_time"],
        items,
    ) {
        Ok(items) => paged(s, req, items, ids),
        Err(e) => e,
    }
}

fn send_message(s: &mut Inner, req: &Req, page: &str) -> Answer {
    if page != PAGE_ID && page != "me" {
        return missing(page);
    }
    // JSON body, or form fields holding JSON strings.
    let field = |k: &str| -> Option<Value> {
        match &req.json {
            Some(v) => v.get(k).cloned(),
            None => req
                .form
                .get(k)
                .map(|raw| serde_json::from_str(raw).unwrap_or(Value::String(raw.clone()))),
        }
    };
    let recipient =
        field("recipient").and_then(|r| r.get("id").and_then(Value::as_str).map(str::to_string));
    let text =
        field("message").and_then(|m| m.get("text").and_then(Value::as_str).map(str::to_string));
    let kind = field("messaging_type")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let tag = field("tag")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let (Some(recipient), Some(text)) = (recipient, text) else {
        return graph_error(400, 100, None, "(#100) The parameter recipient is required");
    };
    let now = s.now;
    s.next_id += 1;
    let n = s.next_id;
    let Some(c) = s.convs.iter_mut().find(|c| c.customer_id == recipient) else {
        return graph_error(400, 100, Some(2_018_001), "(#100) No matching user found");
    };
    let last_inbound = c
        .messages
        .iter()
        .filter(|m| m.from_id == c.customer_id)
        .map(|m| m.created)
        .max();
    let window = if kind == "MESSAGE_TAG" && tag == "HUMAN_AGENT" {
        Duration::days(7)
    } else {
        Duration::hours(24)
    };
    if !matches!(kind.as_str(), "RESPONSE" | "UPDATE" | "MESSAGE_TAG") {
        return graph_error(400, 100, None, "(#100) messaging_type is required");
    }
    if last_inbound.is_none_or(|t| now - t >= window) {
        let sub = if c.platform == "instagram" {
            2_534_022
        } else {
            2_018_278
        };
        return graph_error(
            400,
            10,
            Some(sub),
            "(#10) This message is sent outside of allowed window.",
        );
    }
    let (bid, bname) = c.business();
    let id = format!("m_sent{n}");
    c.messages.push(Msg {
        id: id.clone(),
        created: now,
        from_id: bid.into(),
        from_name: bname.into(),
        text,
    });
    ok(json!({"recipient_id": recipient, "message_id": id}))
}

fn list_posts(s: &mut Inner, req: &Req, owner: &str, instagram: bool) -> Answer {
    if (instagram && owner != IG_USER_ID) || (!instagram && owner != PAGE_ID) {
        return missing(owner);
    }
    let mut posts: Vec<Post> = s
        .posts
        .iter()
        .filter(|p| p.instagram == instagram)
        .cloned()
        .collect();
    posts.sort_by_key(|c| std::cmp::Reverse(c.created));
    let comments_spec = req
        .query
        .get("fields")
        .and_then(|f| field_spec(f, "comments"));
    if comments_spec.is_some() && s.seed.refuse_comment_expansion {
        return graph_error(
            400,
            100,
            None,
            "(#100) Tried accessing nonexisting field (comments)",
        );
    }
    let items: Vec<Value> = posts.iter().map(|p| {
        let count = s.comments.iter().filter(|c| c.post == p.id).count();
        let mut v = if instagram {
            json!({"id": p.id, "caption": p.text, "timestamp": time(p.created), "comments_count": count, "permalink": format!("https://www.instagram.com/p/{}", p.id)})
        } else {
            json!({"id": p.id, "message": p.text, "created_time": time(p.created), "updated_time": time(p.created), "permalink_url": format!("https://www.facebook.com/{}", p.id)})
        };
        if let Some(spec) = &comments_spec {
            v["comments"] = expanded_comments(s, &p.id, spec);
        }
        v
    }).collect();
    let known: &[&str] = if instagram {
        &[
            "id",
            "caption",
            "timestamp",
            "comments_count",
            "permalink",
            "like_count",
        ]
    } else {
        &[
            "id",
            "message",
            "created_time",
            "updated_time",
            "permalink_url",
            "comments",
        ]
    };
    match select(req, known, &["id"], items) {
        Ok(items) => {
            let n = items.len();
            paged(s, req, items, vec![Vec::new(); n])
        }
        Err(e) => e,
    }
}

/// The whole spec of one field in a `fields=` list, modifiers and nested fields
/// included: `comments.limit(1){created_time}` for "comments".
fn field_spec(fields: &str, name: &str) -> Option<String> {
    let (mut depth, mut cur, mut out) = (0i32, String::new(), Vec::new());
    for ch in fields.chars() {
        match ch {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    out.push(cur);
    out.into_iter()
        .find(|f| f.trim().split(['.', '{']).next().is_some_and(|n| n == name))
}

/// A post's `comments` field as field expansion returns it: Graph's defaults
/// (`toplevel`, `chronological`) unless the spec's modifiers say otherwise.
fn expanded_comments(s: &Inner, post: &str, spec: &str) -> Value {
    let stream = spec.contains("filter(stream)");
    let reverse = spec.contains("order(reverse_chronological)");
    let limit = spec
        .split("limit(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(25);
    let mut list: Vec<&Comment> = s
        .comments
        .iter()
        .filter(|c| c.post == post && (stream || c.parent.is_none()))
        .collect();
    list.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    if reverse {
        list.reverse();
    }
    let total = list.len();
    let data: Vec<Value> = list
        .iter()
        .take(limit)
        .map(|c| json!({"id": c.id, "created_time": time(c.created)}))
        .collect();
    let mut v = json!({"data": data});
    if spec.contains("summary(true)") {
        v["summary"] = json!({"order": if reverse {"reverse_chronological"} else {"chronological"}, "total_count": total, "can_comment": true});
    }
    v
}

fn fb_comment_json(c: &Comment) -> Value {
    let mut v = json!({"id": c.id, "message": c.text, "created_time": time(c.created), "from": {"id": c.from_id, "name": c.from_name},
        "is_hidden": c.hidden, "can_hide": true, "can_reply_privately": true, "comment_count": 0});
    if let Some(p) = &c.parent {
        v["parent"] = json!({"id": p});
    }
    v
}

fn ig_comment_json(c: &Comment) -> Value {
    let mut v = json!({"id": c.id, "text": c.text, "timestamp": time(c.created), "username": c.from_name,
        "from": {"id": c.from_id, "username": c.from_name}, "hidden": c.hidden, "like_count": 0});
    if let Some(p) = &c.parent {
        v["parent_id"] = json!(p);
    }
    v
}

fn list_comments(s: &mut Inner, req: &Req, object: &str) -> Answer {
    let is_post = s.posts.iter().find(|p| p.id == object).map(|p| p.instagram);
    let is_comment = s.comments.iter().any(|c| c.id == object);
    match (is_post, is_comment) {
        (Some(true), _) => {
            // IG: top-level comments newest first, replies embedded.
            let mut top: Vec<Comment> = s
                .comments
                .iter()
                .filter(|c| c.post == object && c.parent.is_none())
                .cloned()
                .collect();
            top.sort_by_key(|c| std::cmp::Reverse(c.created));
            let want_replies = req
                .query
                .get("fields")
                .is_some_and(|f| top_fields(f).iter().any(|x| x == "replies"));
            let mut ids = Vec::new();
            let items = top.iter().map(|c| {
                let mut v = ig_comment_json(c);
                let mut group = vec![c.id.clone()];
                if want_replies {
                    let mut replies: Vec<&Comment> = s.comments.iter().filter(|r| r.parent.as_deref() == Some(c.id.as_str())).collect();
                    replies.sort_by_key(|c| c.created);
                    group.extend(replies.iter().map(|r| r.id.clone()));
                    if !replies.is_empty() {
                        v["replies"] = json!({"data": replies.iter().map(|r| ig_comment_json(r)).collect::<Vec<_>>()});
                    }
                }
                ids.push(group);
                v
            }).collect();
            match select(
                req,
                &[
                    "id",
                    "text",
                    "timestamp",
                    "username",
                    "from",
                    "hidden",
                    "like_count",
                    "replies",
                    "parent_id",
                    "media",
                ],
                &["id", "text", "timestamp"],
                items,
            ) {
                Ok(items) => paged(s, req, items, ids),
                Err(e) => e,
            }
        }
        (Some(false), _) => {
            let stream = req.query.get("filter").is_some_and(|f| f == "stream");
            let reverse = req
                .query
                .get("order")
                .is_some_and(|o| o == "reverse_chronological");
            let since = req.query.get("since").and_then(|s| s.parse::<i64>().ok());
            let mut list: Vec<Comment> = s
                .comments
                .iter()
                .filter(|c| c.post == object && (stream || c.parent.is_none()))
                .filter(|c| since.is_none_or(|t| c.created.timestamp() >= t))
                .cloned()
                .collect();
            list.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
            if reverse {
                list.reverse();
            }
            fb_comment_page(s, req, list)
        }
        (None, true) => {
            if s.comments.iter().any(|c| c.id == object && c.instagram) {
                return graph_error(
                    400,
                    100,
                    None,
                    "(#100) Tried accessing nonexisting field (comments)",
                );
            }
            let mut list: Vec<Comment> = s
                .comments
                .iter()
                .filter(|c| c.parent.as_deref() == Some(object))
                .cloned()
                .collect();
            list.sort_by_key(|c| c.created);
            fb_comment_page(s, req, list)
        }
        (None, false) => missing(object),
    }
}

fn fb_comment_page(s: &mut Inner, req: &Req, list: Vec<Comment>) -> Answer {
    let ids = list.iter().map(|c| vec![c.id.clone()]).collect();
    let items = list.iter().map(fb_comment_json).collect();
    let known = [
        "id",
        "message",
        "created_time",
        "from",
        "parent",
        "is_hidden",
        "can_hide",
        "can_reply_privately",
        "comment_count",
        "permalink_url",
        "attachment",
    ];
    match select(req, &known, &["id", "message", "created_time"], items) {
        Ok(items) => paged(s, req, items, ids),
        Err(e) => e,
    }
}

fn list_replies(s: &mut Inner, req: &Req, comment: &str, _ig: bool) -> Answer {
    if !s.comments.iter().any(|c| c.id == comment && c.instagram) {
        return missing(comment);
    }
    let mut list: Vec<Comment> = s
        .comments
        .iter()
        .filter(|c| c.parent.as_deref() == Some(comment))
        .cloned()
        .collect();
    list.sort_by_key(|c| c.created);
    let ids = list.iter().map(|c| vec![c.id.clone()]).collect();
    let items = list.iter().map(ig_comment_json).collect();
    match select(
        req,
        &[
            "id",
            "text",
            "timestamp",
            "username",
            "from",
            "hidden",
            "like_count",
            "parent_id",
        ],
        &["id", "text", "timestamp"],
        items,
    ) {
        Ok(items) => paged(s, req, items, ids),
        Err(e) => e,
    }
}

fn param(req: &Req, key: &str) -> Option<String> {
    req.form
        .get(key)
        .or_else(|| req.query.get(key))
        .cloned()
        .or_else(|| {
            req.json.as_ref().and_then(|j| j.get(key)).map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
        })
}

fn create_reply(s: &mut Inner, req: &Req, target: &str) -> Answer {
    let Some(message) = param(req, "message").filter(|m| !m.trim().is_empty()) else {
        return graph_error(400, 100, None, "(#100) Missing message or attachment");
    };
    let edge = req.segments.get(1).map(String::as_str);
    let Some(parent) = s.comments.iter().find(|c| c.id == target).cloned() else {
        return missing(target);
    };
    if (edge == Some("replies")) != parent.instagram {
        return graph_error(
            400,
            100,
            None,
            "(#100) Unsupported operation for this object",
        );
    }
    if parent.instagram && parent.parent.is_some() {
        return graph_error(
            400,
            100,
            None,
            "(#100) Replies can only be made to top-level comments",
        );
    }
    // Instagram's reference: "You cannot reply to hidden comments." The code
    // and wording of the error are not documented.
    if parent.instagram && parent.hidden {
        return graph_error(
            400,
            100,
            None,
            "(#100) You cannot reply to a hidden comment",
        );
    }
    // A Page reply to a reply: under the reply, or flattened to the top-level
    // comment, as the seed says (Meta's docs do not).
    let top = match &parent.parent {
        Some(top) if s.seed.fb_flatten_replies => top.clone(),
        _ => parent.id.clone(),
    };
    let id = s.comment_id(&parent.post, parent.instagram);
    let (from_id, from_name) = if parent.instagram {
        (IG_USER_ID, IG_USERNAME)
    } else {
        (PAGE_ID, PAGE_NAME)
    };
    let now = s.now;
    s.comments.push(Comment {
        id: id.clone(),
        post: parent.post.clone(),
        parent: Some(top),
        from_id: from_id.into(),
        from_name: from_name.into(),
        text: message,
        created: now,
        hidden: false,
        instagram: parent.instagram,
    });
    ok(json!({ "id": id }))
}

fn get_object(s: &mut Inner, req: &Req, id: &str) -> Answer {
    if let Some(c) = s.convs.iter().find(|c| c.id == id) {
        let (bid, bname) = c.business();
        let name_key = if c.platform == "instagram" {
            "username"
        } else {
            "name"
        };
        let item = json!({"id": c.id, "updated_time": time(c.updated()), "participants": {"data": [{name_key: c.customer_name, "id": c.customer_id}, {name_key: bname, "id": bid}]}});
        return match select(
            req,
            &["id", "updated_time", "participants", "messages"],
            &["id"],
            vec![item],
        ) {
            Ok(mut items) => ok(items.pop().unwrap_or_default()),
            Err(e) => e,
        };
    }
    let Some(c) = s.comments.iter().find(|c| c.id == id) else {
        return missing(id);
    };
    let (mut item, known, default): (Value, &[&str], &[&str]) = if c.instagram {
        (
            ig_comment_json(c),
            &[
                "id",
                "text",
                "timestamp",
                "username",
                "from",
                "hidden",
                "like_count",
                "parent_id",
                "media",
            ],
            &["id", "text", "timestamp"],
        )
    } else {
        (
            fb_comment_json(c),
            &[
                "id",
                "message",
                "created_time",
                "from",
                "parent",
                "is_hidden",
                "can_hide",
                "can_reply_privately",
                "comment_count",
                "permalink_url",
                "attachment",
            ],
            &["id", "message", "created_time"],
        )
    };
    if !s.comment_from_visible
        && let Some(map) = item.as_object_mut()
    {
        map.remove("from");
    }
    match select(req, known, default, vec![item]) {
        Ok(mut items) => {
            // Graph always includes the id of the object read.
            let mut one = items.pop().unwrap_or_default();
            one["id"] = json!(id);
            ok(one)
        }
        Err(e) => e,
    }
}

/// `POST /{page-id}/blocked`: ban people from the Page. The SDK lists `user`,
/// `uid`, `psid` and `asid` (each a list of ids); the fake takes one id or a
/// JSON list in any of them. Answers `{"<id>": true, ...}` [that shape is from
/// hearth's API notes, not confirmed in Meta's reference]. Blocking someone
/// already blocked answers the same. An id that is not someone who wrote to the
/// Page is error 100 [code and wording unverified].
fn block_users(s: &mut Inner, req: &Req, page: &str) -> Answer {
    if page != PAGE_ID {
        return missing(page);
    }
    let Some(raw) = ["user", "uid", "psid", "asid"]
        .iter()
        .find_map(|k| param(req, k))
        .filter(|v| !v.trim().is_empty())
    else {
        return graph_error(400, 100, None, "(#100) The parameter user is required");
    };
    let ids: Vec<String> = match serde_json::from_str::<Value>(&raw) {
        Ok(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect(),
        _ => vec![raw.trim().to_string()],
    };
    let people: BTreeSet<&str> = s
        .comments
        .iter()
        .map(|c| c.from_id.as_str())
        .chain(s.convs.iter().map(|c| c.customer_id.as_str()))
        .filter(|id| *id != PAGE_ID && *id != IG_USER_ID)
        .collect();
    if let Some(bad) = ids.iter().find(|id| !people.contains(id.as_str())) {
        return graph_error(400, 100, None, &format!("(#100) Invalid user id {bad}"));
    }
    s.blocked.extend(ids.iter().cloned());
    ok(Value::Object(
        ids.into_iter().map(|id| (id, json!(true))).collect(),
    ))
}

fn moderate(s: &mut Inner, req: &Req, id: &str) -> Answer {
    let Some(c) = s.comments.iter_mut().find(|c| c.id == id) else {
        return missing(id);
    };
    let key = if c.instagram { "hide" } else { "is_hidden" };
    match param(req, key).as_deref() {
        Some("true") => c.hidden = true,
        Some("false") => c.hidden = false,
        _ => {
            return graph_error(
                400,
                100,
                None,
                &format!("(#100) Param {key} must be a boolean"),
            );
        }
    }
    ok(json!({"success": true}))
}
