//! Messenger and Instagram DMs through the Page's Conversations API: incremental
//! listing, and sending inside the 24-hour messaging window.
//!
//! `/conversations` has no `since` and its paging cursors expire, so the persisted
//! cursor is a [`Mark`] on `updated_time`: list newest-first until a conversation the
//! mark covers, then commit conversations oldest-first, each with the mark advanced
//! to it. A crash leaves the mark at the last fully committed conversation.
//! Each conversation also keeps its own `updated_time` mark
//! (`{platform}:conversation:{id}`), the floor for re-reading its messages.

use super::graph::{Graph, Round};
use super::marks::Mark;
use super::normalise::{Origin, dm_message, parse_time};
use crate::model::{
    Cursor, IncomingMessage, IngestPage, Kind, MESSAGING_WINDOW_HOURS, Platform, reply_window,
};
use crate::sync::connector::{PageSink, Reconciled, Target};
use crate::sync::error::SyncError;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

const CONVERSATIONS_PER_PAGE: &str = "25";
const MESSAGES_PER_PAGE: &str = "50";
const MESSAGE_FIELDS: &str = "id,created_time,from,to,message,attachments";
/// Pages of a thread looked through when checking whether a send arrived.
const FIND_SENT_PAGES: usize = 5;

/// Which inbox: `messenger` or `instagram` conversations of the Page.
pub struct Inbox<'a> {
    pub origin: &'a Origin,
    pub page_id: &'a str,
    pub platform: &'static str,
}

impl Inbox<'_> {
    fn platform_enum(&self) -> Platform {
        if self.platform == "instagram" {
            Platform::Instagram
        } else {
            Platform::Facebook
        }
    }

    fn cursor_key(&self) -> String {
        format!("{}:conversations", self.platform)
    }

    fn cursor(&self, key: String, value: String) -> Cursor {
        Cursor {
            account: self.origin.account.clone(),
            key,
            value,
        }
    }

    /// Fetch conversations updated since the mark and commit their new messages.
    pub async fn sync(
        &self,
        round: &mut Round<'_>,
        sink: &mut dyn PageSink,
    ) -> Result<(), SyncError> {
        let key = self.cursor_key();
        let start = sink.cursor(&key).and_then(|v| Mark::decode(&v));
        let todo = self.changed_conversations(round, start.as_ref()).await?;
        let mut mark = start.clone();
        for (updated, id) in todo {
            if round.spent() {
                break;
            }
            // The conversation's own mark, not the global one: a conversation that
            // was never committed may hold messages older than the global mark.
            let own_key = format!("{}:conversation:{id}", self.platform);
            let floor = sink.cursor(&own_key).and_then(|v| Mark::decode(&v));
            let messages = self.new_messages(round, &id, floor.as_ref()).await?;
            sink.accept(IngestPage {
                messages,
                cursor: Some(self.cursor(own_key, updated.timestamp().to_string())),
            })
            .await?;
            // A crash here re-reads this conversation from its own mark: duplicates
            // only, which ingest drops.
            let next = Mark::advance(mark.clone(), updated, &id);
            sink.accept(IngestPage {
                messages: Vec::new(),
                cursor: Some(self.cursor(key.clone(), next.encode())),
            })
            .await?;
            mark = Some(next);
        }
        Ok(())
    }

    /// Conversations the mark does not cover, oldest update first.
    async fn changed_conversations(
        &self,
        round: &mut Round<'_>,
        mark: Option<&Mark>,
    ) -> Result<Vec<(DateTime<Utc>, String)>, SyncError> {
        let query = [
            ("platform", self.platform.to_string()),
            ("fields", "id,updated_time".to_string()),
            ("limit", CONVERSATIONS_PER_PAGE.to_string()),
        ];
        let mut listing = round
            .list(&format!("{}/conversations", self.page_id), &query)
            .await?;
        let mut todo: HashMap<String, DateTime<Utc>> = HashMap::new();
        'pages: loop {
            for conv in &listing.items {
                let Some(id) = conv.get("id").and_then(Value::as_str) else {
                    continue;
                };
                let Some(updated) = conv.get("updated_time").and_then(parse_time) else {
                    tracing::warn!(
                        conversation = id,
                        "conversation without updated_time skipped"
                    );
                    continue;
                };
                // Newest first: the first covered conversation ends the new ones.
                if mark.is_some_and(|m| m.covers(updated, id)) {
                    break 'pages;
                }
                // A conversation updated while we page may show up twice.
                let seen = todo.entry(id.to_string()).or_insert(updated);
                *seen = (*seen).max(updated);
            }
            if round.spent() {
                // A partial listing would let the mark skip the unlisted older ones.
                return Ok(Vec::new());
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        let mut todo: Vec<(DateTime<Utc>, String)> =
            todo.into_iter().map(|(id, t)| (t, id)).collect();
        todo.sort();
        Ok(todo)
    }

    /// Messages of one conversation not older than its own mark (all without one).
    async fn new_messages(
        &self,
        round: &mut Round<'_>,
        conversation: &str,
        mark: Option<&Mark>,
    ) -> Result<Vec<IncomingMessage>, SyncError> {
        let query = [
            ("fields", MESSAGE_FIELDS.to_string()),
            ("limit", MESSAGES_PER_PAGE.to_string()),
        ];
        let mut listing = round
            .list(&format!("{conversation}/messages"), &query)
            .await?;
        let floor = mark.map(|m| m.time);
        let mut out = Vec::new();
        loop {
            let mut reached_old = false;
            for item in &listing.items {
                let Some(m) = dm_message(self.origin, conversation, item) else {
                    continue;
                };
                // Ties at the mark are fetched again; ingest ignores duplicates.
                if floor.is_some_and(|f| m.sent_at.timestamp() < f) {
                    reached_old = true;
                    continue;
                }
                out.push(m);
            }
            if reached_old {
                break;
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => break,
            }
        }
        Ok(out)
    }

    /// The customer in a conversation: the participant that is not us.
    async fn recipient(&self, graph: &Graph, conversation: &str) -> Result<String, SyncError> {
        let mut round = Round::new(graph);
        let value = round
            .object(conversation, &[("fields", "participants".to_string())])
            .await?;
        value
            .get("participants")
            .and_then(|p| p.get("data"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("id").and_then(Value::as_str))
            .find(|id| !self.origin.own_ids.iter().any(|own| own == id))
            .map(str::to_string)
            .ok_or_else(|| SyncError::Malformed {
                message: format!("conversation {conversation} has no customer participant"),
                snippet: value.to_string().chars().take(300).collect(),
            })
    }

    /// Whether our message `text` reached the conversation since the attempt
    /// began (`target.attempted_at`). The Send API has no idempotency key, so
    /// this is what stands between a lost answer and a duplicate message.
    pub async fn find_sent(
        &self,
        graph: &Graph,
        target: &Target,
        text: &str,
    ) -> Result<Reconciled, SyncError> {
        let Some(attempted) = target.attempted_at else {
            return Ok(Reconciled::Unknown);
        };
        let since = attempted - Duration::seconds(super::actions::CLOCK_SLACK_SECS);
        let mut round = Round::new(graph);
        let query = [
            ("fields", "id,created_time,from,message".to_string()),
            ("limit", "25".to_string()),
        ];
        let mut listing = round
            .list(&format!("{}/messages", target.thread_id), &query)
            .await?;
        for _ in 0..FIND_SENT_PAGES {
            let page: Vec<IncomingMessage> = listing
                .items
                .iter()
                .filter_map(|item| dm_message(self.origin, &target.thread_id, item))
                .collect();
            for m in &page {
                let ours = m.direction == crate::model::Direction::Outbound;
                if ours && m.sent_at >= since && m.body.trim() == text.trim() {
                    return Ok(Reconciled::Sent {
                        platform_id: m.platform_id.clone(),
                    });
                }
            }
            // Newest first (the page says so): once messages from before the
            // attempt show, ours would have come above them.
            let newest_first = page
                .first()
                .zip(page.last())
                .is_some_and(|(a, b)| a.sent_at >= b.sent_at);
            if newest_first && page.iter().any(|m| m.sent_at < since) {
                return Ok(Reconciled::NotSent);
            }
            match round.next(&listing).await? {
                Some(next) => listing = next,
                None => return Ok(Reconciled::NotSent),
            }
        }
        Ok(Reconciled::Unknown)
    }

    /// Send `text` in the conversation `target.thread_id` with the Send API.
    pub async fn send(
        &self,
        graph: &Graph,
        target: &Target,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<String, SyncError> {
        // The same rule the application core applies before queueing (one copy, in model).
        let window = reply_window(self.platform_enum(), Kind::Dm, target.last_inbound_at, now);
        if !window.is_open() {
            return Err(SyncError::WindowClosed(format!(
                "the customer last wrote more than {MESSAGING_WINDOW_HOURS} hours ago; \
                 they must write again before the Page can answer"
            )));
        }
        let recipient = self.recipient(graph, &target.thread_id).await?;
        let body = json!({
            "recipient": {"id": recipient},
            "messaging_type": "RESPONSE",
            "message": {"text": text},
        });
        let reply = graph
            .post_json(&format!("{}/messages", self.page_id), &body)
            .await?;
        reply
            .get("message_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| SyncError::Malformed {
                message: "Send API reply without message_id".into(),
                snippet: reply.to_string().chars().take(300).collect(),
            })
    }
}
