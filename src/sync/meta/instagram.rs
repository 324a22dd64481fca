//! Instagram professional account: DMs (the linked Page's Conversations API with
//! `platform=instagram`) and comments on the account's media.
//!
//! IG comments have no `since` and new replies do not move old comments forward,
//! so per media the cursor `instagram:media:{id}` is the `comments_count` last
//! committed: when it changes, every comment of that media is read again (ingest
//! drops the ones already cached). Threads are top-level comments, as on Facebook.

use super::actions::{self, CommentApi};
use super::commit::commit_in_chunks;
use super::graph::{Graph, Listing, Round};
use super::inbox::Inbox;
use super::normalise::{Origin, ig_comment, ig_comment_tree, post_context};
use crate::config::AccountConfig;
use crate::model::{IncomingMessage, Platform};
use crate::sync::connector::{Action, Connector, PageSink, Reconciled, RoundOutcome, Target};
use crate::sync::error::SyncError;
use crate::sync::http::Timeouts;
use crate::sync::secret::Secret;
use serde_json::Value;

/// Newest media whose comment counts are checked each round.
pub const MAX_MEDIA: usize = 50;
const REPLY_FIELDS: &str = "id,text,timestamp,username,from,parent_id,hidden";

pub struct Instagram {
    graph: Graph,
    origin: Origin,
    ig_user_id: String,
    page_id: String,
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
        })
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

    /// The newest media: (id, context, comments_count).
    async fn recent_media(
        &self,
        round: &mut Round<'_>,
    ) -> Result<Vec<(String, String, i64)>, SyncError> {
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
                // Unknown count: treat as changed (-1 never matches a stored one).
                let count = item
                    .get("comments_count")
                    .and_then(Value::as_i64)
                    .unwrap_or(-1);
                media.push((id.to_string(), post_context(caption, id), count));
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
        (media, context, count): &(String, String, i64),
    ) -> Result<(), SyncError> {
        let key = format!("instagram:media:{media}");
        let stored = sink.cursor(&key);
        if stored.as_deref() == Some(count.to_string().as_str())
            || (*count == 0 && stored.is_none())
        {
            return Ok(());
        }
        let query = [
            (
                "fields",
                format!("id,text,timestamp,username,from,hidden,replies{{{REPLY_FIELDS}}}"),
            ),
            ("limit", "50".to_string()),
        ];
        let mut listing = round.list(&format!("{media}/comments"), &query).await?;
        let mut found = Vec::new();
        loop {
            for item in &listing.items {
                found.extend(ig_comment_tree(&self.origin, context, item));
                self.more_replies(round, context, item, &mut found).await?;
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        commit_in_chunks(sink, &self.origin.account, &key, found, count.to_string()).await
    }

    /// Replies beyond the first embedded page of a comment.
    async fn more_replies(
        &self,
        round: &mut Round<'_>,
        context: &str,
        item: &Value,
        found: &mut Vec<IncomingMessage>,
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
            found.extend(
                next.items
                    .iter()
                    .filter_map(|r| ig_comment(&self.origin, context, Some(parent), r)),
            );
            listing = next;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Connector for Instagram {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let mut round = Round::new(&self.graph);
        self.inbox().sync(&mut round, sink).await?;
        if !round.spent() {
            for media in self.recent_media(&mut round).await? {
                if round.spent() {
                    break;
                }
                self.sync_media(&mut round, sink, &media).await?;
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
