//! Facebook Page: Messenger conversations and comments on the Page's posts.
//!
//! Comment threads: each top-level comment is a conversation (thread id = its
//! comment id) and its replies join it, so every commenter gets their own queue
//! item; the context is the post's first line. Graph does not document how deep
//! `parent` goes, so a reply whose parent is itself a reply joins the parent's
//! conversation (read this round, already cached, or found by asking Graph for
//! the parent's parent).
//!
//! Which posts are read: the post listing carries each post's newest comment (any
//! depth) and comment count, so a post where neither moved costs no request.
//! Changed posts are read incrementally (`since` the newest committed comment).
//! Every post is also read whole now and then ([`PostMark::full_read_due`]),
//! which is when comments hidden or deleted on Facebook show. The per-post cursor
//! `facebook:post:{id}` is a [`PostMark`].

use super::actions::{self, CommentApi};
use super::commit::commit_in_chunks;
use super::graph::{Graph, Round};
use super::inbox::Inbox;
use super::marks::PostMark;
use super::normalise::{Origin, comment_state, fb_comment, fb_parent, parse_time, post_context};
use crate::config::AccountConfig;
use crate::model::{PageFacts, Platform};
use crate::sync::connector::{
    Action, Clock, Connector, PageSink, Reconciled, RoundOutcome, Target,
};
use crate::sync::error::SyncError;
use crate::sync::http::Timeouts;
use crate::sync::secret::Secret;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Newest posts whose activity is checked each round.
pub const MAX_POSTS: usize = 50;
const COMMENT_FIELDS: &str = "id,message,created_time,from,parent,attachment,is_hidden";
/// Each post's newest comment of any depth and its comment count, in the listing.
const ACTIVITY_FIELD: &str =
    "comments.filter(stream).order(reverse_chronological).limit(1).summary(true){created_time}";
/// How far up a chain of parents hearth asks before taking the last one as the thread.
const MAX_PARENT_HOPS: usize = 4;

pub struct Facebook {
    graph: Graph,
    origin: Origin,
    page_id: String,
    clock: Clock,
}

/// A post and what the listing says about its comments.
#[derive(Debug, Clone)]
struct Post {
    id: String,
    context: String,
    created: Option<DateTime<Utc>>,
    /// Newest comment of any depth, when the listing said.
    newest: Option<DateTime<Utc>>,
    total: Option<i64>,
    /// Whether the listing carried the activity at all.
    activity_known: bool,
}

impl Facebook {
    pub fn from_config(account: &AccountConfig, token: Secret) -> Result<Facebook, SyncError> {
        Facebook::with_timeouts(account, token, Timeouts::default())
    }

    pub fn with_timeouts(
        account: &AccountConfig,
        token: Secret,
        timeouts: Timeouts,
    ) -> Result<Facebook, SyncError> {
        let page_id = account
            .page_id
            .clone()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                SyncError::Config(format!(
                    "account '{}': set page_id = \"<Page id>\"",
                    account.name
                ))
            })?;
        let base = account.api_base().unwrap_or_default();
        Ok(Facebook {
            graph: Graph::new(&base, token, timeouts)?,
            origin: Origin {
                account: account.name.clone(),
                platform: Platform::Facebook,
                own_ids: vec![page_id.clone()],
                brand: account.brand.clone(),
                location: account.location.clone(),
            },
            page_id,
            clock: Arc::new(Utc::now),
        })
    }

    /// Judge when posts are due a full read by `clock` (tests).
    pub fn with_clock(self, clock: Clock) -> Facebook {
        Facebook { clock, ..self }
    }

    fn inbox(&self) -> Inbox<'_> {
        Inbox {
            origin: &self.origin,
            page_id: &self.page_id,
            platform: "messenger",
        }
    }

    fn comment_api(&self) -> CommentApi<'_> {
        CommentApi {
            inbox_name: "Messenger",
            reply_edge: "comments",
            hide_field: "is_hidden",
            reply_fields: "id,message,from,created_time",
            text_key: "message",
            own_id: &self.page_id,
        }
    }

    /// The newest posts, with their context line and comment activity.
    async fn recent_posts(&self, round: &mut Round<'_>) -> Result<Vec<Post>, SyncError> {
        let path = format!("{}/published_posts", self.page_id);
        let query = [
            (
                "fields",
                format!("id,message,created_time,{ACTIVITY_FIELD}"),
            ),
            ("limit", "25".to_string()),
        ];
        let mut listing = match round.list(&path, &query).await {
            Ok(listing) => listing,
            // The expansion is general Graph syntax, not shown on this edge's
            // page: if Graph refuses it, read every post's comments as before.
            Err(SyncError::Rejected { message, .. }) => {
                tracing::warn!(account = %self.origin.account, %message,
                    "post listing refused the comment activity field; reading every post");
                let plain = [
                    ("fields", "id,message,created_time".to_string()),
                    ("limit", "25".to_string()),
                ];
                round.list(&path, &plain).await?
            }
            Err(e) => return Err(e),
        };
        let mut posts = Vec::new();
        loop {
            for item in &listing.items {
                let Some(id) = item.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let message = item.get("message").and_then(Value::as_str);
                let comments = item.get("comments");
                posts.push(Post {
                    id: id.to_string(),
                    context: post_context(message, id),
                    created: item.get("created_time").and_then(parse_time),
                    newest: comments
                        .and_then(|c| c.get("data"))
                        .and_then(Value::as_array)
                        .and_then(|d| d.first())
                        .and_then(|c| c.get("created_time"))
                        .and_then(parse_time),
                    total: comments
                        .and_then(|c| c.get("summary"))
                        .and_then(|s| s.get("total_count"))
                        .and_then(Value::as_i64),
                    activity_known: comments.is_some(),
                });
            }
            if posts.len() >= MAX_POSTS || round.spent() {
                break;
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        posts.truncate(MAX_POSTS);
        Ok(posts)
    }

    /// The conversation a reply under `parent` belongs to: the parent's own
    /// thread when it is known (read this round, or cached), else Graph is asked
    /// for the parent's parent, a few levels up at most.
    async fn thread_for(
        &self,
        round: &mut Round<'_>,
        sink: &mut dyn PageSink,
        parent: &str,
        known: &HashMap<String, String>,
    ) -> Result<String, SyncError> {
        let mut current = parent.to_string();
        for _ in 0..MAX_PARENT_HOPS {
            if let Some(thread) = known.get(&current) {
                return Ok(thread.clone());
            }
            if let Some(thread) = sink.thread_of(&current).await? {
                return Ok(thread);
            }
            let value = match round
                .object(&current, &[("fields", "id,parent".to_string())])
                .await
            {
                Ok(value) => value,
                // Deleted or out of sight: it is the best thread we have.
                Err(SyncError::Rejected { .. }) => return Ok(current),
                Err(e) => return Err(e),
            };
            match fb_parent(&value) {
                Some(up) => current = up.to_string(),
                None => return Ok(current),
            }
        }
        Ok(current)
    }

    /// New comments (any depth) on one post, committed with the post's mark; or
    /// all of them when a full read is due.
    async fn sync_post(
        &self,
        round: &mut Round<'_>,
        sink: &mut dyn PageSink,
        post: &Post,
        now: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        let key = format!("facebook:post:{}", post.id);
        let mark = sink.cursor(&key).and_then(|v| PostMark::decode(&v, false));
        let newest_known = mark
            .as_ref()
            .and_then(|m| DateTime::from_timestamp(m.newest, 0));
        let last_activity = post.newest.max(post.created).max(newest_known);
        let full = mark
            .as_ref()
            .is_none_or(|m| m.full_read_due(last_activity, now));
        let changed = match &mark {
            None => true,
            Some(_) if !post.activity_known => true,
            Some(m) => {
                post.newest.map(|t| t.timestamp()) > Some(m.newest)
                    || (post.total.is_some() && post.total != m.count)
            }
        };
        if !full && !changed {
            return Ok(());
        }
        let since = mark.as_ref().filter(|_| !full).map(|m| m.newest);
        let mut query = vec![
            ("filter", "stream".to_string()),
            ("order", "reverse_chronological".to_string()),
            ("fields", COMMENT_FIELDS.to_string()),
            ("limit", "50".to_string()),
        ];
        if let Some(t) = since {
            // One second early: `since` may be exclusive, and ties must be re-read.
            query.push(("since", (t - 1).to_string()));
        }
        let mut listing = round.list(&format!("{}/comments", post.id), &query).await?;
        let mut items: Vec<(DateTime<Utc>, Value)> = Vec::new();
        'pages: loop {
            for item in &listing.items {
                let Some(at) = item.get("created_time").and_then(parse_time) else {
                    continue;
                };
                if since.is_some_and(|t| at.timestamp() < t) {
                    break 'pages;
                }
                items.push((at, item.clone()));
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        // Oldest first, so a parent is placed before its replies.
        items.sort_by_key(|a| a.0);
        let mut known: HashMap<String, String> = HashMap::new();
        let mut found = Vec::new();
        let mut facts = PageFacts::default();
        let mut present: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (_, item) in &items {
            let Some(mut message) = fb_comment(&self.origin, &post.context, item) else {
                continue;
            };
            let thread = match fb_parent(item) {
                None => message.platform_id.clone(),
                Some(parent) => self.thread_for(round, sink, parent, &known).await?,
            };
            message.thread_id = thread.clone();
            known.insert(message.platform_id.clone(), thread.clone());
            if let Some(state) = comment_state(item, "is_hidden") {
                facts.states.push((message.platform_id.clone(), state));
            }
            present
                .entry(thread)
                .or_default()
                .push(message.platform_id.clone());
            found.push(message);
        }
        let mut threads: BTreeSet<String> = present.keys().cloned().collect();
        if full {
            // Everything of the post was just read: what is missing is gone.
            facts
                .sweeps
                .extend(PostMark::deletion_sweeps(&present, mark.as_ref()));
        } else {
            threads.extend(mark.iter().flat_map(|m| m.threads.iter().cloned()));
        }
        let newest = PostMark::newest_after(&found, mark.as_ref());
        let next = PostMark {
            newest,
            count: post.total,
            read: if full {
                now.timestamp()
            } else {
                mark.as_ref().map_or(0, |m| m.read)
            },
            threads: threads.into_iter().collect(),
        };
        commit_in_chunks(
            sink,
            &self.origin.account,
            &key,
            found,
            facts,
            next.encode(),
        )
        .await
    }
}

#[async_trait::async_trait]
impl Connector for Facebook {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let mut round = Round::new(&self.graph);
        self.inbox().sync(&mut round, sink).await?;
        if !round.spent() {
            let now = (self.clock)();
            for post in self.recent_posts(&mut round).await? {
                if round.spent() {
                    break;
                }
                self.sync_post(&mut round, sink, &post, now).await?;
            }
        }
        tracing::debug!(account = %self.origin.account, calls = round.calls, "Facebook round");
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
