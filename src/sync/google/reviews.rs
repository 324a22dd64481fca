//! Listing locations and walking each location's reviews incrementally, then
//! reconciling what the walk cannot see.
//!
//! Reviews come newest-first by `updateTime`. Each location keeps one cursor
//! (`reviews:<location>` = the newest `updateTime` taken in). A round pages down
//! until it meets a review older than the cursor, delivering each page as it goes
//! but putting the new cursor only on the location's last page: a crash mid-walk
//! leaves the old cursor, so the next round walks the same reviews again (ingest
//! is idempotent) and nothing is skipped.
//!
//! Google documents `updateTime` only as "last modified", and the reply has its
//! own: an owner reply made on Google (or an edit, or a deleted review) may not
//! move the review up the listing. So once an hour per location
//! (`reconcile:<location>`) the recent reviews are read again whatever the
//! cursor says, a few older unanswered ones are fetched one by one, and cached
//! reviews Google no longer lists are marked deleted.
//!
//! Titles come from the Business Information API and are kept a day
//! (`title:<location>`): a failed lookup never holds up the reviews.

use super::Google;
use super::normalise::{self, Location, ReviewContext};
use crate::model::{Cursor, IncomingMessage, IngestPage, PageFacts};
use crate::sync::connector::PageSink;
use crate::sync::error::SyncError;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;

/// Google's maximum page size for reviews.
const REVIEWS_PAGE_SIZE: &str = "50";
const LOCATIONS_PAGE_SIZE: &str = "100";
/// A runaway `nextPageToken` loop ends here.
const MAX_PAGES: usize = 100_000;
/// How long a looked-up location title is used before asking again.
const TITLE_TTL_SECS: i64 = 24 * 3600;
/// How often a location's recent reviews are read again regardless of the cursor.
pub const RECONCILE_EVERY_SECS: i64 = 3600;
/// "Recent": reviews updated this many days back are re-read in a reconcile.
pub const RECENT_DAYS: i64 = 30;
/// Older unanswered reviews fetched one by one per reconcile (newest first).
pub const OLD_UNANSWERED_CHECKS: usize = 10;
/// Cached reviews of one location looked at in a reconcile.
const KNOWN_LIMIT: usize = 5000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewList {
    #[serde(default)]
    reviews: Vec<Value>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationList {
    #[serde(default)]
    locations: Vec<Value>,
    #[serde(default)]
    next_page_token: Option<String>,
}

/// A cached title: what it was and when it was read (unix seconds).
#[derive(serde::Serialize, Deserialize)]
struct CachedTitle {
    title: String,
    at: i64,
}

/// The cursor key of one location.
pub fn cursor_key(location: &Location) -> String {
    format!("reviews:{}", location.parent)
}

fn title_key(parent: &str) -> String {
    format!("title:{parent}")
}

fn reconcile_key(parent: &str) -> String {
    format!("reconcile:{parent}")
}

fn next_token(token: Option<String>) -> Option<String> {
    token.filter(|t| !t.is_empty())
}

/// The messages and facts of a batch of reviews.
fn read_reviews<'a>(
    reviews: impl IntoIterator<Item = &'a Value>,
    ctx: &ReviewContext<'_>,
) -> (Vec<IncomingMessage>, PageFacts) {
    let mut messages = Vec::new();
    let mut facts = PageFacts::default();
    for review in reviews {
        messages.extend(normalise::review_messages(review, ctx));
        facts.extend(normalise::review_facts(review));
    }
    (messages, facts)
}

impl Google {
    /// `gbp_locations` when set, else every location of the account.
    pub(super) async fn locations_to_sync(
        &self,
        sink: &mut dyn PageSink,
    ) -> Result<Vec<Location>, SyncError> {
        if self.account.gbp_locations.is_empty() {
            return self.list_locations().await;
        }
        let mut chosen = Vec::new();
        for name in &self.account.gbp_locations {
            let parent = normalise::location_parent(&self.gbp_account, name).ok_or_else(|| {
                SyncError::Config(format!(
                    "account '{}': gbp_locations entry '{name}' is not \"locations/<id>\"",
                    self.account.name
                ))
            })?;
            let title = self.location_title(&parent, sink).await?;
            chosen.push(Location { parent, title });
        }
        Ok(chosen)
    }

    async fn list_locations(&self) -> Result<Vec<Location>, SyncError> {
        let mut found = Vec::new();
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = self
                .locations
                .url(&format!("{}/locations", self.gbp_account))?;
            url.query_pairs_mut()
                .append_pair("readMask", "name,title")
                .append_pair("pageSize", LOCATIONS_PAGE_SIZE);
            if let Some(token) = &page_token {
                url.query_pairs_mut().append_pair("pageToken", token);
            }
            let list: LocationList = self
                .call(&self.locations, Method::GET, url, None)
                .await?
                .json()?;
            for value in &list.locations {
                match normalise::location(&self.gbp_account, value) {
                    Some(location) => found.push(location),
                    None => tracing::warn!(account = %self.account.name,
                        name = %value["name"], "ignoring a location with an unusable name"),
                }
            }
            page_token = next_token(list.next_page_token);
            if page_token.is_none() {
                break;
            }
        }
        Ok(found)
    }

    /// A configured location's title, kept a day. When the Business Information
    /// API will not say (an error of any kind, a throttled API included), the last
    /// title known, else the configured `location`, else the id: reviews go on.
    async fn location_title(
        &self,
        parent: &str,
        sink: &mut dyn PageSink,
    ) -> Result<String, SyncError> {
        let now = self.now();
        let cached: Option<CachedTitle> = sink
            .cursor(&title_key(parent))
            .and_then(|v| serde_json::from_str(&v).ok());
        if let Some(c) = cached
            .as_ref()
            .filter(|c| now.timestamp() - c.at < TITLE_TTL_SECS)
        {
            return Ok(c.title.clone());
        }
        let fallback = || {
            cached
                .as_ref()
                .map(|c| c.title.clone())
                .or_else(|| self.account.location.clone())
                .unwrap_or_else(|| parent.to_string())
        };
        let Some(short) = parent.find("/locations/").map(|i| &parent[i + 1..]) else {
            return Ok(fallback());
        };
        let mut url = self.locations.url(short)?;
        url.query_pairs_mut().append_pair("readMask", "name,title");
        let looked_up = match self.call(&self.locations, Method::GET, url, None).await {
            Ok(reply) => reply.json::<Value>().map(|v| {
                v["title"]
                    .as_str()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            }),
            Err(e) => Err(e),
        };
        match looked_up {
            Ok(Some(title)) => {
                let value = serde_json::to_string(&CachedTitle {
                    title: title.clone(),
                    at: now.timestamp(),
                })
                .unwrap_or_default();
                sink.remember(&title_key(parent), value).await?;
                Ok(title)
            }
            Ok(None) => Ok(fallback()),
            Err(e) => {
                tracing::warn!(account = %self.account.name, location = parent, error = %e,
                    "cannot read the location title; using the last known one");
                Ok(fallback())
            }
        }
    }

    fn review_context<'a>(&'a self, location: &'a Location) -> ReviewContext<'a> {
        ReviewContext {
            account: &self.account.name,
            brand: self.account.brand.as_deref(),
            location_title: &location.title,
            owner: self.owner(),
            fallback_time: self.now(),
        }
    }

    async fn review_page(
        &self,
        location: &Location,
        page_token: Option<&str>,
    ) -> Result<ReviewList, SyncError> {
        let mut url = self.reviews.url(&format!("{}/reviews", location.parent))?;
        url.query_pairs_mut()
            .append_pair("pageSize", REVIEWS_PAGE_SIZE)
            .append_pair("orderBy", "updateTime desc");
        if let Some(token) = page_token {
            url.query_pairs_mut().append_pair("pageToken", token);
        }
        self.call(&self.reviews, Method::GET, url, None)
            .await?
            .json()
    }

    /// Fetch one location's reviews newer than its cursor, page by page; then
    /// reconcile it when that is due.
    pub(super) async fn sync_location(
        &self,
        location: &Location,
        sink: &mut dyn PageSink,
    ) -> Result<(), SyncError> {
        let key = cursor_key(location);
        let mark: Option<DateTime<Utc>> = sink
            .cursor(&key)
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc));
        let ctx = self.review_context(location);
        let mut newest = mark;
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let list = self.review_page(location, page_token.as_deref()).await?;
            let mut taken = Vec::with_capacity(list.reviews.len());
            let mut reached_mark = false;
            for review in &list.reviews {
                let updated = normalise::update_time(review);
                // Equal times are taken again (harmless): only strictly older is old.
                if let (Some(mark), Some(updated)) = (mark, updated)
                    && updated < mark
                {
                    reached_mark = true;
                    break;
                }
                newest = newest.max(updated);
                taken.push(review);
            }
            let (messages, facts) = read_reviews(taken, &ctx);
            page_token = next_token(list.next_page_token);
            let last_page = reached_mark || page_token.is_none();
            let cursor = match (last_page, newest) {
                (true, Some(t)) if Some(t) != mark => Some(Cursor {
                    account: self.account.name.clone(),
                    key: key.clone(),
                    value: t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                }),
                _ => None,
            };
            if !messages.is_empty() || cursor.is_some() || !facts.is_empty() {
                sink.accept_with(IngestPage { messages, cursor }, facts)
                    .await?;
            }
            if last_page {
                break;
            }
        }
        self.reconcile_if_due(location, sink).await
    }

    async fn reconcile_if_due(
        &self,
        location: &Location,
        sink: &mut dyn PageSink,
    ) -> Result<(), SyncError> {
        let now = self.now();
        let key = reconcile_key(&location.parent);
        let last: Option<i64> = sink.cursor(&key).and_then(|v| v.trim().parse().ok());
        match last {
            // The first walk just read everything: start the clock.
            None => {}
            Some(at) if now.timestamp() - at < RECONCILE_EVERY_SECS => return Ok(()),
            Some(_) => self.reconcile_location(location, sink, now).await?,
        }
        sink.remember(&key, now.timestamp().to_string()).await
    }

    /// Read the recent reviews again whatever the cursor says, fetch a few older
    /// unanswered ones one by one, and mark cached reviews Google no longer has.
    async fn reconcile_location(
        &self,
        location: &Location,
        sink: &mut dyn PageSink,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let horizon = now - Duration::days(RECENT_DAYS);
        let ctx = self.review_context(location);
        let mut seen: HashSet<String> = HashSet::new();
        // Whether the walk covered every review updated since the horizon.
        let mut complete = false;
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let list = self.review_page(location, page_token.as_deref()).await?;
            let mut taken = Vec::new();
            for review in &list.reviews {
                if normalise::update_time(review).is_some_and(|t| t < horizon) {
                    complete = true;
                    break;
                }
                if let Some(name) = review["name"].as_str() {
                    seen.insert(name.to_string());
                }
                taken.push(review);
            }
            let (messages, facts) = read_reviews(taken, &ctx);
            if !messages.is_empty() || !facts.is_empty() {
                sink.accept_with(
                    IngestPage {
                        messages,
                        cursor: None,
                    },
                    facts,
                )
                .await?;
            }
            page_token = next_token(list.next_page_token);
            if page_token.is_none() {
                complete = true;
            }
            if complete {
                break;
            }
        }
        let known = sink
            .known_threads(&format!("{}/reviews/", location.parent), KNOWN_LIMIT)
            .await?;
        let mut messages = Vec::new();
        let mut facts = PageFacts::default();
        let mut checks = 0;
        for thread in known
            .iter()
            .filter(|t| !t.deleted && !seen.contains(&t.thread_id))
        {
            let recent = thread.first_inbound_at.is_some_and(|t| t >= horizon);
            if recent {
                // Updated since the horizon, so the full walk would have listed it.
                if complete {
                    facts.extend(normalise::deleted_review(&thread.thread_id));
                }
                continue;
            }
            if !thread.unanswered || checks >= OLD_UNANSWERED_CHECKS {
                continue;
            }
            checks += 1;
            match self.fetch_review(&thread.thread_id).await {
                Ok(review) => {
                    messages.extend(normalise::review_messages(&review, &ctx));
                    facts.extend(normalise::review_facts(&review));
                }
                Err(SyncError::Rejected { status: 404, .. }) => {
                    facts.extend(normalise::deleted_review(&thread.thread_id));
                }
                Err(e) => return Err(e),
            }
        }
        if !messages.is_empty() || !facts.is_empty() {
            sink.accept_with(
                IngestPage {
                    messages,
                    cursor: None,
                },
                facts,
            )
            .await?;
        }
        Ok(())
    }
}
