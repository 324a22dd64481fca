//! Mentions and DMs from notifications, pipelined: while one batch of pages
//! commits (triage + SQLite on the blocking pool), the next batch is fetched.
//! Commits still happen one at a time and in page order, each with the cursor
//! that covers exactly its pages, so a kill at any instant loses nothing.

use super::{Mastodon, Round};
use crate::model::IncomingMessage;
use crate::sync::connector::PageSink;
use crate::sync::error::SyncError;
use crate::sync::mastodon::api::Notification;
use crate::sync::mastodon::normalise::{self, Feed};
use crate::sync::mastodon::paging::{FeedCursor, next_link, query_param};

/// Notifications per request (Mastodon's maximum since 4.1; servers cap lower).
const NOTIFICATION_LIMIT: &str = "80";

pub(super) const KEY_NOTIFICATIONS: &str = "notifications";

/// Pages gathered for one commit.
struct Batch {
    messages: Vec<IncomingMessage>,
    /// Where the feed stands after the last gathered page; `None` if no page came.
    cursor: Option<FeedCursor>,
    end: BatchEnd,
}

/// Why gathering stopped.
enum BatchEnd {
    /// `commit_batch` messages are in: commit, and keep going.
    Full,
    /// The feed has nothing more.
    Done,
    /// The rate-limit budget is spent: commit and stop asking.
    Spent,
    /// A request failed: commit what came before it, then report this error.
    Failed(SyncError),
}

impl Mastodon {
    /// First run: backfill newest → oldest, each commit carrying a cursor that
    /// says how far down it got (resumable); the newest id seen at the start
    /// becomes the `min_id` cursor only when the backfill is complete. Then:
    /// `min_id` pages, each the oldest items after the cursor. Several HTTP pages
    /// go into one commit (`commit_batch` messages): SQLite is the slow part.
    pub(super) async fn sync_notifications(
        &self,
        sink: &mut dyn PageSink,
        me: &str,
        round: &mut Round,
    ) -> Result<(), SyncError> {
        let mut cursor = FeedCursor::parse(sink.cursor(KEY_NOTIFICATIONS).as_deref());
        let mut batch = self.gather_notifications(&cursor, me, round).await;
        loop {
            if let Some(next) = &batch.cursor {
                cursor = next.clone();
            }
            let value = batch.cursor.as_ref().and_then(FeedCursor::value);
            match batch.end {
                BatchEnd::Full => {
                    // The next gather only reads `cursor` and the network; the
                    // commit has the sink to itself, and finishes before the
                    // next one starts. A commit error wins: the prefetched pages
                    // were never needed, and nothing of theirs was committed.
                    let (committed, next) = tokio::join!(
                        self.commit(sink, batch.messages, KEY_NOTIFICATIONS, value),
                        self.gather_notifications(&cursor, me, round),
                    );
                    committed?;
                    batch = next;
                }
                end => {
                    self.commit(sink, batch.messages, KEY_NOTIFICATIONS, value)
                        .await?;
                    return match end {
                        BatchEnd::Failed(e) => Err(e),
                        _ => Ok(()),
                    };
                }
            }
        }
    }

    /// Fetch pages after `cursor` until `commit_batch` messages are in, the feed
    /// ends, the budget is spent, or a request fails (what came before is kept).
    async fn gather_notifications(
        &self,
        cursor: &FeedCursor,
        me: &str,
        round: &mut Round,
    ) -> Batch {
        let mut batch = Batch {
            messages: Vec::new(),
            cursor: None,
            end: BatchEnd::Done,
        };
        loop {
            let at = batch.cursor.as_ref().unwrap_or(cursor);
            let (messages, next) = match self.notification_page(at, me, round).await {
                Ok(Some(step)) => step,
                Ok(None) => return batch,
                Err(e) => {
                    batch.end = BatchEnd::Failed(e);
                    return batch;
                }
            };
            batch.messages.extend(messages);
            batch.cursor = Some(next);
            if round.spent() {
                batch.end = BatchEnd::Spent;
                return batch;
            }
            if batch.messages.len() >= self.commit_batch {
                batch.end = BatchEnd::Full;
                return batch;
            }
        }
    }

    /// One notification page after `cursor`: its messages (oldest first) and the
    /// cursor that covers them; `None` when there is nothing more.
    async fn notification_page(
        &self,
        cursor: &FeedCursor,
        me: &str,
        round: &mut Round,
    ) -> Result<Option<(Vec<IncomingMessage>, FeedCursor)>, SyncError> {
        let mut query = vec![
            ("types[]", "mention"),
            ("limit", NOTIFICATION_LIMIT),
            ("include_filtered", "true"),
        ];
        match cursor {
            FeedCursor::Fresh => {}
            FeedCursor::Backfill { next_max_id, .. } => query.push(("max_id", next_max_id)),
            FeedCursor::Since(min_id) => query.push(("min_id", min_id)),
        }
        let reply = self
            .get(self.url("api/v1/notifications", &query)?, round)
            .await?;
        let items: Vec<Notification> = reply.json()?;
        let newest = match items.first() {
            Some(n) if n.id.is_empty() => {
                return Err(SyncError::Malformed {
                    message: "a notification without an id".into(),
                    snippet: reply.snippet(),
                });
            }
            Some(n) => n.id.clone(),
            // Past the oldest page: the backfill is complete.
            None => {
                return Ok(match cursor {
                    FeedCursor::Backfill { top, .. } => {
                        Some((Vec::new(), FeedCursor::Since(top.clone())))
                    }
                    _ => None,
                });
            }
        };
        let next = match cursor {
            FeedCursor::Since(_) => FeedCursor::Since(newest),
            FeedCursor::Fresh | FeedCursor::Backfill { .. } => {
                let top = match cursor {
                    FeedCursor::Backfill { top, .. } => top.clone(),
                    _ => newest,
                };
                let oldest = items.last().map(|n| n.id.clone()).unwrap_or_default();
                match next_link(&reply.headers) {
                    Some(link) => FeedCursor::Backfill {
                        top,
                        next_max_id: query_param(&link, "max_id").unwrap_or(oldest),
                    },
                    None => FeedCursor::Since(top),
                }
            }
        };
        let ctx = self.context(me);
        let mut messages = Vec::with_capacity(items.len());
        for status in items.iter().rev().filter_map(normalise::mention_status) {
            let thread = self.joined_thread(status, me, round).await?;
            messages.extend(normalise::normalise_status(
                status,
                &ctx,
                Feed::Mentions,
                thread.as_deref(),
            ));
        }
        Ok(Some((messages, next)))
    }
}

#[cfg(test)]
mod tests;
