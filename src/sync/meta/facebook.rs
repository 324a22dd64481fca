//! Facebook Page: Messenger conversations and comments on the Page's posts.
//!
//! Comment threads: each top-level comment is a conversation (thread id = its
//! comment id) and its replies join it, so every commenter gets their own queue
//! item; the context is the post's first line. Per post, the cursor
//! `facebook:post:{id}` is the newest committed comment time: comments are read
//! with `filter=stream&order=reverse_chronological&since=` until an older one.

use super::actions::{self, CommentApi};
use super::commit::commit_in_chunks;
use super::graph::{Graph, Round};
use super::inbox::Inbox;
use super::marks::Mark;
use super::normalise::{Origin, fb_comment, post_context};
use crate::config::AccountConfig;
use crate::model::Platform;
use crate::sync::connector::{Action, Connector, PageSink, Reconciled, RoundOutcome, Target};
use crate::sync::error::SyncError;
use crate::sync::http::Timeouts;
use crate::sync::secret::Secret;
use serde_json::Value;

/// Newest posts whose comments are read each round (one request each at least).
pub const MAX_POSTS: usize = 50;
const COMMENT_FIELDS: &str = "id,message,created_time,from,parent,attachment";

pub struct Facebook {
    graph: Graph,
    origin: Origin,
    page_id: String,
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
        })
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

    /// The newest posts, with their context line.
    async fn recent_posts(
        &self,
        round: &mut Round<'_>,
    ) -> Result<Vec<(String, String)>, SyncError> {
        let query = [
            ("fields", "id,message,created_time".to_string()),
            ("limit", "25".to_string()),
        ];
        let mut listing = round
            .list(&format!("{}/published_posts", self.page_id), &query)
            .await?;
        let mut posts = Vec::new();
        loop {
            for post in &listing.items {
                if let Some(id) = post.get("id").and_then(Value::as_str) {
                    let message = post.get("message").and_then(Value::as_str);
                    posts.push((id.to_string(), post_context(message, id)));
                }
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

    /// New comments (any depth) on one post, committed with the post's mark.
    async fn sync_post(
        &self,
        round: &mut Round<'_>,
        sink: &mut dyn PageSink,
        post: &str,
        context: &str,
    ) -> Result<(), SyncError> {
        let key = format!("facebook:post:{post}");
        let mark = sink
            .cursor(&key)
            .and_then(|v| Mark::decode(&v))
            .map(|m| m.time);
        let mut query = vec![
            ("filter", "stream".to_string()),
            ("order", "reverse_chronological".to_string()),
            ("fields", COMMENT_FIELDS.to_string()),
            ("limit", "50".to_string()),
        ];
        if let Some(t) = mark {
            // One second early: `since` may be exclusive, and ties must be re-read.
            query.push(("since", (t - 1).to_string()));
        }
        let mut listing = round.list(&format!("{post}/comments"), &query).await?;
        let mut found = Vec::new();
        'pages: loop {
            for item in &listing.items {
                let Some(m) = fb_comment(&self.origin, context, item) else {
                    continue;
                };
                if mark.is_some_and(|t| m.sent_at.timestamp() < t) {
                    break 'pages;
                }
                found.push(m);
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        let newest = found.iter().map(|m| m.sent_at.timestamp()).max();
        let Some(newest) = newest.max(mark) else {
            return Ok(());
        };
        commit_in_chunks(sink, &self.origin.account, &key, found, newest.to_string()).await
    }
}

#[async_trait::async_trait]
impl Connector for Facebook {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let mut round = Round::new(&self.graph);
        self.inbox().sync(&mut round, sink).await?;
        if !round.spent() {
            for (post, context) in self.recent_posts(&mut round).await? {
                if round.spent() {
                    break;
                }
                self.sync_post(&mut round, sink, &post, &context).await?;
            }
        }
        Ok(RoundOutcome {
            pause_until: round.pause_until,
        })
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
        actions::reconcile(&self.graph, &self.comment_api(), target, action).await
    }
}
