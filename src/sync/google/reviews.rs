//! Listing locations and walking each location's reviews incrementally.
//!
//! Reviews come newest-first by `updateTime`. Each location keeps one cursor
//! (`reviews:<location>` = the newest `updateTime` taken in). A round pages down
//! until it meets a review older than the cursor, delivering each page as it goes
//! but putting the new cursor only on the location's last page: a crash mid-walk
//! leaves the old cursor, so the next round walks the same reviews again (ingest
//! is idempotent) and nothing is skipped.

use super::Google;
use super::normalise::{self, Location, ReviewContext};
use crate::model::{Cursor, IngestPage};
use crate::sync::connector::PageSink;
use crate::sync::error::SyncError;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

/// Google's maximum page size for reviews.
const REVIEWS_PAGE_SIZE: &str = "50";
const LOCATIONS_PAGE_SIZE: &str = "100";
/// A runaway `nextPageToken` loop ends here.
const MAX_PAGES: usize = 100_000;

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

/// The cursor key of one location.
pub fn cursor_key(location: &Location) -> String {
    format!("reviews:{}", location.parent)
}

fn next_token(token: Option<String>) -> Option<String> {
    token.filter(|t| !t.is_empty())
}

impl Google {
    /// `gbp_locations` when set, else every location of the account.
    pub(super) async fn locations_to_sync(&self) -> Result<Vec<Location>, SyncError> {
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
            let title = self.location_title(&parent).await?;
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

    /// A configured location's title; its id if the API will not say.
    async fn location_title(&self, parent: &str) -> Result<String, SyncError> {
        let Some(short) = parent.find("/locations/").map(|i| &parent[i + 1..]) else {
            return Ok(parent.to_string());
        };
        let mut url = self.locations.url(short)?;
        url.query_pairs_mut().append_pair("readMask", "name,title");
        match self.call(&self.locations, Method::GET, url, None).await {
            Ok(reply) => {
                let value: Value = reply.json()?;
                Ok(value["title"]
                    .as_str()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map_or_else(|| parent.to_string(), str::to_string))
            }
            Err(SyncError::Rejected { .. }) => Ok(self
                .account
                .location
                .clone()
                .unwrap_or_else(|| parent.to_string())),
            Err(e) => Err(e),
        }
    }

    /// Fetch one location's reviews newer than its cursor, page by page.
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
        let ctx = ReviewContext {
            account: &self.account.name,
            brand: self.account.brand.as_deref(),
            location_title: &location.title,
            owner: self.owner(),
            fallback_time: self.now(),
        };
        let mut newest = mark;
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = self.reviews.url(&format!("{}/reviews", location.parent))?;
            url.query_pairs_mut()
                .append_pair("pageSize", REVIEWS_PAGE_SIZE)
                .append_pair("orderBy", "updateTime desc");
            if let Some(token) = &page_token {
                url.query_pairs_mut().append_pair("pageToken", token);
            }
            let list: ReviewList = self
                .call(&self.reviews, Method::GET, url, None)
                .await?
                .json()?;
            let mut messages = Vec::with_capacity(list.reviews.len() * 2);
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
                messages.extend(normalise::review_messages(review, &ctx));
            }
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
            if !messages.is_empty() || cursor.is_some() {
                sink.accept(IngestPage { messages, cursor }).await?;
            }
            if last_page {
                break;
            }
        }
        Ok(())
    }
}
