//! Instagram professional account: DMs (the linked Page's Conversations API with
//! `platform=instagram`) and comments on the account's media.
//!
//! IG comments have no `since`, and `comments_count` alone can hide a new
//! comment (one deleted and one added leave it equal). So per media the cursor
//! `instagram:media:{id}` is a [`PostMark`]: a changed count reads every comment
//! of that media again (ingest drops the ones already cached), and so does the
//! clock, every half hour for recent media and every six hours for older ones.
//! A full read also shows hides and deletions. Threads are top-level comments,
//! as on Facebook.

use super::actions::{self, CommentApi};
use super::commit::commit_in_chunks;
use super::graph::{Graph, Listing, Round};
use super::inbox::Inbox;
use super::marks::PostMark;
use super::normalise::{Origin, comment_state, ig_comment, parse_time, post_context};
use crate::config::AccountConfig;
use crate::model::{IncomingMessage, PageFacts, Platform};
use crate::sync::connector::{
    Action, Clock, Connector, PageSink, Reconciled, RoundOutcome, Target,
};
use crate::sync::error::SyncError;
use crate::sync::http::Timeouts;
use crate::sync::secret::Secret;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Newest media whose comment counts are checked each round.
pub const MAX_MEDIA: usize = 50;
const REPLY_FIELDS: &str = "id,text,timestamp,username,from,parent_id,hidden";

pub struct Instagram {
    graph: Graph,
    origin: Origin,
    ig_user_id: String,
    page_id: String,
    clock: Clock,
}

/// A media item and what the listing says about it.
#[derive(Debug, Clone)]
struct Media {
    id: String,
    context: String,
    posted: Option<DateTime<Utc>>,
    /// -1 when the listing did not say (never matches a stored count).
    count: i64,
}

fn required(
    value: &Option<String>,
    account: &str,
    key: &str,
    what: &str,
) -> Result<String, SyncError> {
    value
        .clone()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| SyncError::Config(format!("account '{account}': set {key} = \"<{what}>\"")))
}

impl Instagram {
    pub fn from_config(account: &AccountConfig, token: Secret) -> Result<Instagram, SyncError> {
        Instagram::with_timeouts(account, token, Timeouts::default())
    }

    /// Instagram DMs go through the linked Facebook Page, so both ids are needed.
    pub fn with_timeouts(
        account: &AccountConfig,
        token: Secret,
        timeouts: Timeouts,
    ) -> Result<Instagram, SyncError> {
        let ig_user_id = required(
            &account.ig_user_id,
            &account.name,
            "ig_user_id",
            "IG user id",
        )?;
        let page_id = required(&account.page_id, &account.name, "page_id", "linked Page id")?;
        let base = account.api_base().unwrap_or_default();
        Ok(Instagram {
            graph: Graph::new(&base, token, timeouts)?,
            origin: Origin {
                account: account.name.clone(),
                platform: Platform::Instagram,
                own_ids: vec![ig_user_id.clone(), page_id.clone()],
                brand: account.brand.clone(),
                location: account.location.clone(),
            },
            ig_user_id,
            page_id,
            clock: Arc::new(Utc::now),
        })
    }

    /// Judge when media are due a full read by `clock` (tests).
    pub fn with_clock(self, clock: Clock) -> Instagram {
        Instagram { clock, ..self }
    }

    fn inbox(&self) -> Inbox<'_> {
        Inbox {
            origin: &self.origin,
            page_id: &self.page_id,
            platform: "instagram",
        }
    }

    fn comment_api(&self) -> CommentApi<'_> {
        CommentApi {
            inbox_name: "Instagram",
            reply_edge: "replies",
            hide_field: "hide",
            reply_fields: "id,text,from,timestamp",
            text_key: "text",
            own_id: &self.ig_user_id,
        }
    }

    /// The newest media, with their context line and comment count.
    async fn recent_media(&self, round: &mut Round<'_>) -> Result<Vec<Media>, SyncError> {
        let query = [
            ("fields", "id,caption,timestamp,comments_count".to_string()),
            ("limit", "25".to_string()),
        ];
        let mut listing = round
            .list(&format!("{}/media", self.ig_user_id), &query)
            .await?;
        let mut media = Vec::new();
        loop {
            for item in &listing.items {
                let Some(id) = item.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let caption = item.get("caption").and_then(Value::as_str);
                media.push(Media {
                    id: id.to_string(),
                    context: post_context(caption, id),
                    posted: item.get("timestamp").and_then(parse_time),
                    count: item
                        .get("comments_count")
                        .and_then(Value::as_i64)
                        .unwrap_or(-1),
                });
            }
            if media.len() >= MAX_MEDIA || round.spent() {
                break;
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        media.truncate(MAX_MEDIA);
        Ok(media)
    }

    async fn sync_media(
        &self,
        round: &mut Round<'_>,
        sink: &mut dyn PageSink,
        media: &Media,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let key = format!("instagram:media:{}", media.id);
        let mark = sink.cursor(&key).and_then(|v| PostMark::decode(&v, true));
        let Some(previous) = mark else {
            if media.count == 0 {
                return Ok(());
            }
            return self.read_media(round, sink, media, &key, None, now).await;
        };
        let newest = DateTime::from_timestamp(previous.newest, 0);
        let changed = previous.count != Some(media.count);
        if changed || previous.full_read_due(media.posted.max(newest), now) {
            return self
                .read_media(round, sink, media, &key, Some(previous), now)
                .await;
        }
        Ok(())
    }

    /// Read every comment of a media, commit them with their hidden state, and
    /// mark what vanished since the last read as deleted.
    async fn read_media(
        &self,
        round: &mut Round<'_>,
        sink: &mut dyn PageSink,
        media: &Media,
        key: &str,
        previous: Option<PostMark>,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let query = [
            (
                "fields",
                format!("id,text,timestamp,username,from,hidden,replies{{{REPLY_FIELDS}}}"),
            ),
            ("limit", "50".to_string()),
        ];
        let mut listing = round
            .list(&format!("{}/comments", media.id), &query)
            .await?;
        let mut found = Vec::new();
        let mut facts = PageFacts::default();
        loop {
            for item in &listing.items {
                let Some(top) = ig_comment(&self.origin, &media.context, None, item) else {
                    continue;
                };
                let thread = top.thread_id.clone();
                note_state(&mut facts, &top, item);
                found.push(top);
                let embedded = item
                    .get("replies")
                    .and_then(|r| r.get("data"))
                    .and_then(Value::as_array);
                for reply in embedded.into_iter().flatten() {
                    if let Some(m) = ig_comment(&self.origin, &media.context, Some(&thread), reply)
                    {
                        note_state(&mut facts, &m, reply);
                        found.push(m);
                    }
                }
                self.more_replies(round, &media.context, item, &mut found, &mut facts)
                    .await?;
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        let mut present: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in &found {
            present
                .entry(m.thread_id.clone())
                .or_default()
                .push(m.platform_id.clone());
        }
        facts
            .sweeps
            .extend(PostMark::deletion_sweeps(&present, previous.as_ref()));
        let newest = PostMark::newest_after(&found, previous.as_ref());
        let next = PostMark {
            newest,
            count: Some(media.count),
            read: now.timestamp(),
            threads: present.keys().cloned().collect(),
        };
        commit_in_chunks(sink, &self.origin.account, key, found, facts, next.encode()).await
    }

    /// Replies beyond the first embedded page of a comment.
    async fn more_replies(
        &self,
        round: &mut Round<'_>,
        context: &str,
        item: &Value,
        found: &mut Vec<IncomingMessage>,
        facts: &mut PageFacts,
    ) -> Result<(), SyncError> {
        let (Some(parent), Some(replies)) =
            (item.get("id").and_then(Value::as_str), item.get("replies"))
        else {
            return Ok(());
        };
        let Ok(mut listing) = Listing::parse(replies) else {
            return Ok(());
        };
        while let Some(next) = round.next(&listing).await? {
            for reply in &next.items {
                if let Some(m) = ig_comment(&self.origin, context, Some(parent), reply) {
                    note_state(facts, &m, reply);
                    found.push(m);
                }
            }
            listing = next;
        }
        Ok(())
    }
}

/// The comment's hidden flag, as a fact about the message made from it.
fn note_state(facts: &mut PageFacts, message: &IncomingMessage, item: &Value) {
    if let Some(state) = comment_state(item, "hidden") {
        facts.states.push((message.platform_id.clone(), state));
    }
}

#[async_trait::async_trait]
impl Connector for Instagram {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let mut round = Round::new(&self.graph);
        self.inbox().sync(&mut round, sink).await?;
        if !round.spent() {
            let now = (self.clock)();
            for media in self.recent_media(&mut round).await? {
                if round.spent() {
                    break;
                }
                self.sync_media(&mut round, sink, &media, now).await?;
            }
        }
        tracing::debug!(account = %self.origin.account, calls = round.calls, "Instagram round");
        Ok(round.outcome())
    }

    async fn perform(&self, target: &Target, action: &Action) -> Result<String, SyncError> {
        actions::perform(
            &self.graph,
            self.inbox(),
            &self.comment_api(),
            target,
            action,
        )
        .await
    }

    async fn reconcile(&self, target: &Target, action: &Action) -> Result<Reconciled, SyncError> {
        actions::reconcile(
            &self.graph,
            self.inbox(),
            &self.comment_api(),
            target,
            action,
        )
        .await
    }
}
