#![allow(dead_code)]
//! A fake Google Business Profile for tests: an axum app on 127.0.0.1:0 with the
//! OAuth token endpoint (short-lived access tokens from a refresh token), the
//! Business Information API v1 (locations and their titles), the Account
//! Management listing and the v4 reviews API (`updateTime desc`, `pageToken`
//! pagination, reply PUT/DELETE, `reviewReplyState`), Google's error envelope,
//! scripted faults per route and request recording.
//!
//! Each API answers only under its own version prefix, as the real hosts do:
//! `POST /token`; `GET /v1/accounts`, `GET /v1/accounts/{a}/locations?readMask=…`,
//! `GET /v1/locations/{l}?readMask=…`; `GET /v4/accounts/{a}/locations/{l}/reviews`,
//! `GET /v4/…/reviews/{r}`, `PUT|DELETE /v4/…/reviews/{r}/reply`. The v4 location
//! listing Google retired in 2022 (`/v4/accounts/{a}/locations`) answers 404.
//!
//! Where Google's documentation is silent the fake can do either: whether an
//! owner reply moves the review's `updateTime` (`GoogleSeed::reply_bumps_update_time`).

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, TimeZone, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

pub const ACCOUNT: &str = "accounts/1000";
pub const CLIENT_ID: &str = "fake-client.apps.example";
pub const CLIENT_SECRET: &str = "fake-client-secret";
pub const REFRESH_TOKEN: &str = "1//fake-refresh-token";
const MAX_PAGE_SIZE: usize = 50;
const MAX_REPLY_BYTES: usize = 4096;

/// What the fake starts with.
#[derive(Debug, Clone)]
pub struct GoogleSeed {
    pub locations: usize,
    pub reviews_per_location: usize,
    /// Every `reply_every`-th seeded review already has an owner reply (0: none).
    pub reply_every: usize,
    /// Seconds an access token lives (`expires_in`).
    pub token_lifetime_secs: i64,
    /// Locations listed per page (the API's default is 10).
    pub locations_page_size: usize,
    pub seed: u64,
    /// Whether a reply (PUT/DELETE, or one made on Google) also moves the review's
    /// `updateTime`. The docs say only "last modified"; `reviewReply` has its own.
    pub reply_bumps_update_time: bool,
}

impl Default for GoogleSeed {
    fn default() -> Self {
        GoogleSeed {
            locations: 2,
            reviews_per_location: 5,
            reply_every: 3,
            token_lifetime_secs: 3600,
            locations_page_size: 10,
            seed: 7,
            reply_bumps_update_time: true,
        }
    }
}

/// Routes faults can be scripted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Token,
    Accounts,
    Locations,
    Reviews,
    Review,
    Reply,
    /// Whatever comes next.
    Any,
}

/// A scripted failure for the next requests to a route.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 `RESOURCE_EXHAUSTED` (Google sends no Retry-After).
    RateLimited,
    /// 401 `UNAUTHENTICATED`.
    Unauthorized,
    /// 403 `PERMISSION_DENIED`.
    Forbidden,
    /// This 5xx status with an `UNAVAILABLE`/`INTERNAL` envelope.
    ServerError(u16),
    /// 200 with the real body cut in half.
    TruncatedJson,
    /// The real answer after this delay.
    Slow(std::time::Duration),
    /// 403 `PERMISSION_DENIED` with an ErrorInfo `SERVICE_DISABLED`: the API is
    /// not enabled in the caller's Cloud project.
    ServiceDisabled,
    /// 429 `RESOURCE_EXHAUSTED` whose quota limit is 0: a project whose Business
    /// Profile API access is not approved yet.
    QuotaZero,
}

/// One request as the fake received it, with the status it answered.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub status: u16,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, key: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

#[derive(Debug, Clone)]
struct ReviewRec {
    name: String,
    reviewer: String,
    stars: &'static str,
    comment: Option<String>,
    create: DateTime<Utc>,
    update: DateTime<Utc>,
    reply: Option<(String, DateTime<Utc>)>,
    /// `reviewReply.reviewReplyState`, when set.
    reply_state: Option<String>,
}

impl ReviewRec {
    fn json(&self) -> Value {
        let mut v = json!({
            "name": self.name,
            "reviewId": self.name.rsplit('/').next().unwrap_or(""),
            "reviewer": {
                "displayName": self.reviewer,
                "profilePhotoUrl": "https://lh3.googleusercontent.com/a/fake.png",
                "isAnonymous": false
            },
            "starRating": self.stars,
            "createTime": stamp(self.create),
            "updateTime": stamp(self.update),
        });
        if let Some(comment) = &self.comment {
            v["comment"] = json!(comment);
        }
        if let Some((comment, at)) = &self.reply {
            v["reviewReply"] = json!({"comment": comment, "updateTime": stamp(*at)});
            if let Some(state) = &self.reply_state {
                v["reviewReply"]["reviewReplyState"] = json!(state);
            }
        }
        v
    }
}

struct LocationRec {
    /// "locations/2000".
    name: String,
    title: String,
    /// Review names of this location.
    reviews: Vec<String>,
    /// Reviews of this location answer 403 (the caller lost access to it).
    denied: bool,
}

struct Inner {
    seed: GoogleSeed,
    clock: DateTime<Utc>,
    rng: fastrand::Rng,
    locations: Vec<LocationRec>,
    reviews: HashMap<String, ReviewRec>,
    tokens: HashMap<String, DateTime<Utc>>,
    issued: u64,
    faults: HashMap<Route, VecDeque<Fault>>,
    requests: Vec<RecordedRequest>,
    served: BTreeSet<String>,
    next_review: u64,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

const COMMENTS: &[&str] = &[
    "Waited 40 minutes for a table, staff were friendly though.",
    "Best croissants in town, will be back!",
    "My order was wrong and nobody called me back.",
    "Decent coffee, a bit pricey.",
    "Do you take bookings for groups of 12?",
];
const STARS: &[&str] = &["ONE", "TWO", "THREE", "FOUR", "FIVE"];
const NAMES: &[&str] = &["Priya K", "Tom", "Ana Souza", "Lee", "Morgan B"];

impl Inner {
    fn new(seed: GoogleSeed) -> Inner {
        let mut inner = Inner {
            clock: Utc
                .with_ymd_and_hms(2024, 5, 1, 8, 0, 0)
                .single()
                .unwrap_or_default(),
            rng: fastrand::Rng::with_seed(seed.seed),
            locations: Vec::new(),
            reviews: HashMap::new(),
            tokens: HashMap::new(),
            issued: 0,
            faults: HashMap::new(),
            requests: Vec::new(),
            served: BTreeSet::new(),
            next_review: 1,
            seed,
        };
        for i in 0..inner.seed.locations {
            inner.locations.push(LocationRec {
                name: format!("locations/{}", 2000 + i),
                title: format!("Northwind – Branch {}", i + 1),
                reviews: Vec::new(),
                denied: false,
            });
        }
        for n in 0..inner.seed.reviews_per_location {
            for l in 0..inner.seed.locations {
                let name = inner.add_review(l, None, None, None);
                let every = inner.seed.reply_every;
                if every > 0 && n % every == every - 1 {
                    inner.reply(&name, "Thank you for the feedback!");
                }
            }
        }
        inner
    }

    /// Every change is one second after the previous one.
    fn tick(&mut self) -> DateTime<Utc> {
        self.clock += ChronoDuration::seconds(1);
        self.clock
    }

    fn add_review(
        &mut self,
        location: usize,
        reviewer: Option<&str>,
        stars: Option<&'static str>,
        comment: Option<&str>,
    ) -> String {
        let at = self.tick();
        let n = self.next_review;
        self.next_review += 1;
        let loc = &self.locations[location % self.locations.len()];
        let name = format!("{ACCOUNT}/{}/reviews/AbFvOq{n:06}x", loc.name);
        let rating_only = comment.is_none() && self.rng.u8(..).is_multiple_of(7);
        let rec = ReviewRec {
            name: name.clone(),
            reviewer: reviewer
                .map(str::to_string)
                .unwrap_or_else(|| NAMES[self.rng.usize(..NAMES.len())].to_string()),
            stars: stars.unwrap_or(STARS[self.rng.usize(..STARS.len())]),
            comment: match comment {
                Some(c) => Some(c.to_string()),
                None if rating_only => None,
                None => Some(COMMENTS[self.rng.usize(..COMMENTS.len())].to_string()),
            },
            create: at,
            update: at,
            reply: None,
            reply_state: None,
        };
        self.reviews.insert(name.clone(), rec);
        let idx = location % self.locations.len();
        self.locations[idx].reviews.push(name.clone());
        name
    }

    fn reply(&mut self, name: &str, comment: &str) -> bool {
        let at = self.tick();
        let bump = self.seed.reply_bumps_update_time;
        match self.reviews.get_mut(name) {
            Some(r) => {
                r.reply = Some((comment.to_string(), at));
                r.reply_state = None;
                if bump {
                    r.update = at;
                }
                true
            }
            None => false,
        }
    }

    fn location_of(&self, review_parent: &str) -> Option<&LocationRec> {
        let short = review_parent.strip_prefix(&format!("{ACCOUNT}/"))?;
        self.locations.iter().find(|l| l.name == short)
    }

    fn token_valid(&self, headers: &HeaderMap) -> bool {
        let Some(token) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        self.tokens.get(token).is_some_and(|exp| *exp > self.clock)
    }

    fn take_fault(&mut self, route: Route) -> Option<Fault> {
        for key in [route, Route::Any] {
            if let Some(f) = self.faults.get_mut(&key).and_then(VecDeque::pop_front) {
                return Some(f);
            }
        }
        None
    }
}

pub struct FakeGoogle {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for FakeGoogle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl FakeGoogle {
    /// Serve on 127.0.0.1 (a free port) on the current tokio runtime.
    pub async fn start(seed: GoogleSeed) -> FakeGoogle {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let inner = Arc::new(Mutex::new(Inner::new(seed)));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        FakeGoogle {
            base_url: format!("http://{addr}"),
            inner,
            shutdown: Some(tx),
        }
    }

    /// Serve from a thread with its own runtime (blocking tests, subprocesses).
    pub fn start_in_background(seed: GoogleSeed) -> FakeGoogle {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("fake runtime");
            runtime.block_on(async move {
                let mut fake = FakeGoogle::start(seed).await;
                let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
                let _ = ready_tx.send(FakeGoogle {
                    base_url: fake.base_url.clone(),
                    inner: fake.inner.clone(),
                    shutdown: Some(stop_tx),
                });
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

    /// The v4 reviews root, `http://127.0.0.1:PORT/v4/`.
    pub fn reviews_base(&self) -> String {
        format!("{}/v4/", self.base_url)
    }

    /// The Business Information root, `http://127.0.0.1:PORT/v1/`.
    pub fn locations_base(&self) -> String {
        format!("{}/v1/", self.base_url)
    }

    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url)
    }

    /// The next `n` requests to `route` fail with `fault`.
    pub fn fail_next(&self, route: Route, n: usize, fault: Fault) {
        let mut inner = self.lock();
        inner
            .faults
            .entry(route)
            .or_default()
            .extend(std::iter::repeat_n(fault, n));
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// Every review name that appeared in a reviews listing so far.
    pub fn served_review_names(&self) -> Vec<String> {
        self.lock().served.iter().cloned().collect()
    }

    /// Every review the fake holds.
    pub fn review_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.lock().reviews.keys().cloned().collect();
        names.sort();
        names
    }

    /// Access tokens issued so far.
    pub fn refresh_count(&self) -> u64 {
        self.lock().issued
    }

    /// Move the fake's clock (token expiry, timestamps) forward.
    pub fn advance(&self, secs: i64) {
        self.lock().clock += ChronoDuration::seconds(secs);
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.lock().clock
    }

    /// Every issued access token stops working now.
    pub fn expire_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// A new review at location `location` (index); returns its name.
    pub fn add_review(
        &self,
        location: usize,
        reviewer: &str,
        stars: &str,
        comment: &str,
    ) -> String {
        let stars = STARS
            .iter()
            .copied()
            .find(|s| *s == stars)
            .unwrap_or("THREE");
        self.lock()
            .add_review(location, Some(reviewer), Some(stars), Some(comment))
    }

    /// The customer edits their review (new comment, new updateTime).
    pub fn edit_review(&self, name: &str, comment: &str) {
        let mut inner = self.lock();
        let at = inner.tick();
        if let Some(r) = inner.reviews.get_mut(name) {
            r.comment = Some(comment.to_string());
            r.update = at;
        }
    }

    /// The owner's reply as the fake holds it.
    pub fn reply_of(&self, name: &str) -> Option<String> {
        self.lock()
            .reviews
            .get(name)
            .and_then(|r| r.reply.as_ref().map(|(c, _)| c.clone()))
    }

    /// Reply as if from another tool (the Google UI).
    pub fn set_reply(&self, name: &str, comment: &str) {
        self.lock().reply(name, comment);
    }

    /// The reply's `reviewReplyState` from now on ("PENDING", "REJECTED", …).
    pub fn set_reply_state(&self, name: &str, state: &str) {
        if let Some(r) = self.lock().reviews.get_mut(name) {
            r.reply_state = Some(state.to_string());
        }
    }

    /// The customer (or Google) removes the review: it leaves every listing.
    pub fn delete_review(&self, name: &str) {
        let mut inner = self.lock();
        inner.reviews.remove(name);
        for l in &mut inner.locations {
            l.reviews.retain(|n| n != name);
        }
    }

    /// Reviews of location `index` answer 403 from now on (or again normally).
    pub fn deny_location(&self, index: usize, denied: bool) {
        if let Some(l) = self.lock().locations.get_mut(index) {
            l.denied = denied;
        }
    }

    /// The v4 parent of location `index`, "accounts/1000/locations/2000".
    pub fn location_parent(&self, index: usize) -> String {
        format!("{ACCOUNT}/locations/{}", 2000 + index)
    }

    pub fn location_titles(&self) -> Vec<String> {
        self.lock()
            .locations
            .iter()
            .map(|l| l.title.clone())
            .collect()
    }
}

fn envelope(code: u16, status: &str, message: &str) -> (StatusCode, Value) {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        json!({"error": {"code": code, "message": message, "status": status}}),
    )
}

fn fault_answer(fault: &Fault) -> Option<(StatusCode, Value)> {
    Some(match fault {
        Fault::RateLimited => {
            let (s, mut v) = envelope(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'.",
            );
            v["error"]["details"] = json!([{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com"
            }]);
            (s, v)
        }
        Fault::Unauthorized => envelope(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        ),
        Fault::Forbidden => envelope(
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
        ),
        Fault::ServerError(code) => {
            let status = if *code == 503 {
                "UNAVAILABLE"
            } else {
                "INTERNAL"
            };
            envelope(*code, status, "The service is currently unavailable.")
        }
        Fault::ServiceDisabled => {
            let (s, mut v) = envelope(
                403,
                "PERMISSION_DENIED",
                "My Business API has not been used in project 123456 before or it is disabled. \
                 Enable it by visiting https://console.developers.google.com/apis/api/mybusiness.googleapis.com/overview?project=123456 then retry.",
            );
            v["error"]["details"] = json!([{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED", "domain": "googleapis.com",
                "metadata": {
                    "service": "mybusiness.googleapis.com",
                    "consumer": "projects/123456",
                    "activationUrl": "https://console.developers.google.com/apis/api/mybusiness.googleapis.com/overview?project=123456"
                }
            }]);
            (s, v)
        }
        Fault::QuotaZero => {
            let (s, mut v) = envelope(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' \
                 of service 'mybusiness.googleapis.com' for consumer 'project_number:123456'.",
            );
            v["error"]["details"] = json!([{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
                "metadata": {
                    "service": "mybusiness.googleapis.com",
                    "consumer": "projects/123456",
                    "quota_metric": "mybusiness.googleapis.com/default_requests",
                    "quota_limit": "defaultPerMinutePerProject",
                    "quota_limit_value": "0"
                }
            }]);
            (s, v)
        }
        Fault::TruncatedJson | Fault::Slow(_) => return None,
    })
}

fn respond(status: StatusCode, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=UTF-8")
        .body(Body::from(body))
        .unwrap_or_default()
}

/// The API version prefix (`v1`, `v4`) and the rest of the path, in segments.
fn segments(path: &str) -> (Option<String>, Vec<String>) {
    let mut parts: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            url::form_urlencoded::parse(s.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default()
        })
        .collect();
    let version = parts
        .first()
        .filter(|p| {
            p.len() >= 2 && p.starts_with('v') && p[1..].chars().all(|c| c.is_ascii_digit())
        })
        .cloned();
    if version.is_some() {
        parts.remove(0);
    }
    (version, parts)
}

/// Which API answers a path: each only under its own prefix, as Google's hosts
/// do. Anything else (the retired v4 location listing included) is `Any`: 404.
fn route_of(method: &Method, version: Option<&str>, parts: &[String]) -> Route {
    let p: Vec<&str> = parts.iter().map(String::as_str).collect();
    match (method.as_str(), version, p.as_slice()) {
        ("POST", None, ["token"]) => Route::Token,
        ("GET", Some("v1"), ["accounts"]) => Route::Accounts,
        ("GET", Some("v1"), ["accounts", _, "locations"] | ["locations", _]) => Route::Locations,
        ("GET", Some("v4"), ["accounts", _, "locations", _, "reviews"]) => Route::Reviews,
        ("GET", Some("v4"), ["accounts", _, "locations", _, "reviews", _]) => Route::Review,
        (_, Some("v4"), ["accounts", _, "locations", _, "reviews", _, "reply"]) => Route::Reply,
        _ => Route::Any,
    }
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (version, parts) = segments(uri.path());
    let route = route_of(&method, version.as_deref(), &parts);
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let body_text = String::from_utf8_lossy(&body).into_owned();
    let fault = inner
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take_fault(route);
    if let Some(Fault::Slow(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    let mut guard = inner.lock().unwrap_or_else(|e| e.into_inner());
    let (status, value) = match fault.as_ref().and_then(fault_answer) {
        Some(answer) => answer,
        None => answer(
            &mut guard, route, &method, &parts, &query, &headers, &body_text,
        ),
    };
    let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
    if fault == Some(Fault::TruncatedJson) {
        bytes.truncate(bytes.len() / 2);
    }
    guard.requests.push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body_text,
        status: status.as_u16(),
    });
    respond(status, bytes)
}

fn answer(
    inner: &mut Inner,
    route: Route,
    method: &Method,
    parts: &[String],
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &str,
) -> (StatusCode, Value) {
    if route == Route::Token {
        return token(inner, body);
    }
    if route == Route::Any {
        return envelope(404, "NOT_FOUND", "Requested entity was not found.");
    }
    if !inner.token_valid(headers) {
        return envelope(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        );
    }
    let p: Vec<&str> = parts.iter().map(String::as_str).collect();
    match route {
        Route::Accounts => (
            StatusCode::OK,
            json!({"accounts": [{"name": ACCOUNT, "accountName": "Northwind", "type": "LOCATION_GROUP"}]}),
        ),
        Route::Locations => locations(inner, &p, query),
        Route::Reviews => reviews(inner, &p, query),
        Route::Review => {
            let name = p.join("/");
            match inner.reviews.get(&name) {
                Some(r) => (StatusCode::OK, r.json()),
                None => envelope(404, "NOT_FOUND", "Requested entity was not found."),
            }
        }
        Route::Reply => reply(inner, method, &p, body),
        Route::Token | Route::Any => envelope(404, "NOT_FOUND", "Requested entity was not found."),
    }
}

fn token(inner: &mut Inner, body: &str) -> (StatusCode, Value) {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |k: &str| form.get(k).map(String::as_str);
    if field("grant_type") != Some("refresh_token") {
        return (
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}),
        );
    }
    if field("client_id") != Some(CLIENT_ID) || field("client_secret") != Some(CLIENT_SECRET) {
        return (
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": "The OAuth client was not found."}),
        );
    }
    if field("refresh_token") != Some(REFRESH_TOKEN) {
        return (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        );
    }
    inner.issued += 1;
    let token = format!("ya29.fake-{}-{}", inner.issued, inner.rng.u32(..));
    let expires = inner.clock + ChronoDuration::seconds(inner.seed.token_lifetime_secs);
    inner.tokens.insert(token.clone(), expires);
    (
        StatusCode::OK,
        json!({
            "access_token": token,
            "expires_in": inner.seed.token_lifetime_secs,
            "scope": "https://www.googleapis.com/auth/business.manage",
            "token_type": "Bearer"
        }),
    )
}

fn page_bounds(
    query: &HashMap<String, String>,
    default: usize,
    max: usize,
    total: usize,
) -> (usize, usize) {
    let size = query
        .get("pageSize")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(default)
        .min(max);
    let start = query
        .get("pageToken")
        .and_then(|t| t.strip_prefix("CiA"))
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(0)
        .min(total);
    (start, (start + size).min(total))
}

fn locations(
    inner: &mut Inner,
    p: &[&str],
    query: &HashMap<String, String>,
) -> (StatusCode, Value) {
    if !query.contains_key("readMask") {
        return envelope(
            400,
            "INVALID_ARGUMENT",
            "Request contains an invalid argument: read_mask is required.",
        );
    }
    if let ["locations", id] = p {
        let name = format!("locations/{id}");
        return match inner.locations.iter().find(|l| l.name == name) {
            Some(l) => (StatusCode::OK, json!({"name": l.name, "title": l.title})),
            None => envelope(404, "NOT_FOUND", "Requested entity was not found."),
        };
    }
    if p.get(1).map(|a| format!("accounts/{a}")).as_deref() != Some(ACCOUNT) {
        return envelope(
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
        );
    }
    let total = inner.locations.len();
    let (start, end) = page_bounds(query, inner.seed.locations_page_size, 100, total);
    let list: Vec<Value> = inner.locations[start..end]
        .iter()
        .map(|l| json!({"name": l.name, "title": l.title}))
        .collect();
    let mut v = json!({"locations": list});
    if end < total {
        v["nextPageToken"] = json!(format!("CiA{end}"));
    }
    (StatusCode::OK, v)
}

fn reviews(inner: &mut Inner, p: &[&str], query: &HashMap<String, String>) -> (StatusCode, Value) {
    let parent = p[..4].join("/");
    let Some(location) = inner.location_of(&parent) else {
        return envelope(404, "NOT_FOUND", "Requested entity was not found.");
    };
    if location.denied {
        return envelope(
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
        );
    }
    let mut list: Vec<&ReviewRec> = location
        .reviews
        .iter()
        .filter_map(|n| inner.reviews.get(n))
        .collect();
    list.sort_by(|a, b| b.update.cmp(&a.update).then_with(|| b.name.cmp(&a.name)));
    if let Some(order) = query.get("orderBy")
        && order != "updateTime desc"
    {
        return envelope(400, "INVALID_ARGUMENT", "Unsupported orderBy.");
    }
    let total = list.len();
    let (start, end) = page_bounds(query, MAX_PAGE_SIZE, MAX_PAGE_SIZE, total);
    let page: Vec<Value> = list[start..end].iter().map(|r| r.json()).collect();
    let names: Vec<String> = list[start..end].iter().map(|r| r.name.clone()).collect();
    let rated: Vec<f64> = list
        .iter()
        .filter_map(|r| STARS.iter().position(|s| *s == r.stars))
        .map(|i| i as f64 + 1.0)
        .collect();
    let average = if rated.is_empty() {
        0.0
    } else {
        rated.iter().sum::<f64>() / rated.len() as f64
    };
    let mut v = json!({"reviews": page, "averageRating": average, "totalReviewCount": total});
    if end < total {
        v["nextPageToken"] = json!(format!("CiA{end}"));
    }
    inner.served.extend(names);
    (StatusCode::OK, v)
}

fn reply(inner: &mut Inner, method: &Method, p: &[&str], body: &str) -> (StatusCode, Value) {
    let name = p[..6].join("/");
    if !inner.reviews.contains_key(&name) {
        return envelope(404, "NOT_FOUND", "Requested entity was not found.");
    }
    match *method {
        Method::PUT => {
            let comment = serde_json::from_str::<Value>(body)
                .ok()
                .and_then(|v| v["comment"].as_str().map(str::to_string));
            let Some(comment) = comment.filter(|c| !c.trim().is_empty()) else {
                return envelope(
                    400,
                    "INVALID_ARGUMENT",
                    "Request contains an invalid argument.",
                );
            };
            if comment.len() > MAX_REPLY_BYTES {
                return envelope(400, "INVALID_ARGUMENT", "Reply is too long.");
            }
            inner.reply(&name, &comment);
            let at = inner
                .reviews
                .get(&name)
                .and_then(|r| r.reply.as_ref().map(|(_, at)| *at))
                .unwrap_or(inner.clock);
            (
                StatusCode::OK,
                json!({"comment": comment, "updateTime": stamp(at)}),
            )
        }
        Method::DELETE => {
            let at = inner.tick();
            let bump = inner.seed.reply_bumps_update_time;
            if let Some(r) = inner.reviews.get_mut(&name) {
                r.reply = None;
                r.reply_state = None;
                if bump {
                    r.update = at;
                }
            }
            (StatusCode::OK, json!({}))
        }
        _ => envelope(405, "INVALID_ARGUMENT", "Method not allowed."),
    }
}
