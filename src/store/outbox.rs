//! The outbox: replies and platform actions waiting for (or done by) the sync
//! engine. Every state change is one committed statement, so after a crash the
//! table says exactly how far each item got.

use super::rows::{classify, opt_time, word};
use super::{Result, Store, StoreError, from_ms, to_ms};
use crate::model::{
    Assess, Kind, MessageState, ModerationReason, OutboxAction, OutboxState, Platform,
};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

/// One outbox item.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub conversation_id: i64,
    pub message_id: Option<i64>,
    pub account: String,
    pub action: OutboxAction,
    pub body: String,
    pub target_id: Option<String>,
    pub state: OutboxState,
    pub platform_id: Option<String>,
    pub error: Option<String>,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    /// Not before this time (a scheduled reply); `None` = as soon as possible.
    pub send_after: Option<DateTime<Utc>>,
    /// Why a message was moderated.
    pub reason: Option<ModerationReason>,
    /// The author a strike action (mute, block, ban) is aimed at.
    pub author: Option<String>,
}

impl OutboxItem {
    /// Queued for a later time than `now`.
    pub fn is_scheduled(&self, now: DateTime<Utc>) -> bool {
        self.state == OutboxState::Queued && self.send_after.is_some_and(|t| t > now)
    }
}

/// A new item for `queue_action` (replies go through `record_reply`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub conversation_id: i64,
    pub action: OutboxAction,
    pub body: String,
    pub target_id: Option<String>,
    pub reason: Option<ModerationReason>,
    pub author: Option<String>,
}

/// What a connector needs to know about the conversation an item is for.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRef {
    pub account: String,
    pub platform: Platform,
    pub kind: Kind,
    pub thread_id: String,
    /// Platform id of the newest inbound message still on the platform.
    pub last_inbound_id: Option<String>,
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// How the platform shows the thread's own post ([`Store::thread_state`]).
    pub thread_state: Option<MessageState>,
}

/// After outbox item `id` changed state: when it is a reply, bring its
/// conversation up to date (a refused or dismissed reply no longer answers it,
/// one sent again does).
fn reopen_if_unanswered(tx: &rusqlite::Transaction, id: i64, assess: &dyn Assess) -> Result<()> {
    let conversation: Option<i64> = tx
        .query_row(
            "SELECT conversation_id FROM outbox
             WHERE id = ?1 AND action = 'reply' AND message_id IS NOT NULL",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(conversation) = conversation {
        super::ingest::refresh_conversation(tx, conversation, Some(assess), true)?;
    }
    Ok(())
}

/// After hide item `id` failed for good: the comment is still on the platform,
/// so a conversation the hide took out of the queue (done, with that comment
/// still its newest message) is back with its deadline. A conversation that
/// moved on since (a reply, a newer message) is left as it is.
fn reopen_after_refused_hide(
    tx: &rusqlite::Transaction,
    id: i64,
    assess: &dyn Assess,
) -> Result<()> {
    let conversation: Option<i64> = tx
        .query_row(
            "SELECT o.conversation_id FROM outbox o
             JOIN conversations c ON c.id = o.conversation_id
             JOIN messages m ON m.conversation_id = c.id AND m.platform_id = o.target_id
                            AND m.direction = 'inbound'
             WHERE o.id = ?1 AND o.action = 'hide' AND c.status = 'done'
               AND NOT EXISTS (SELECT 1 FROM messages n
                               WHERE n.conversation_id = c.id AND n.sent_at > m.sent_at)",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(conversation) = conversation {
        tx.execute(
            "UPDATE conversations SET status = 'open' WHERE id = ?1",
            [conversation],
        )?;
        super::ingest::refresh_conversation(tx, conversation, Some(assess), false)?;
    }
    Ok(())
}

const ITEM_COLUMNS: &str = "id, conversation_id, message_id, account, action, body, target_id, \
     state, platform_id, error, attempts, created_at, send_after, reason, author";

fn item_from_row(r: &rusqlite::Row) -> rusqlite::Result<OutboxItem> {
    Ok(OutboxItem {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        message_id: r.get(2)?,
        account: r.get(3)?,
        action: word(r, 4)?,
        body: r.get(5)?,
        target_id: r.get(6)?,
        state: word(r, 7)?,
        platform_id: r.get(8)?,
        error: r.get(9)?,
        attempts: r.get(10)?,
        created_at: from_ms(r.get(11)?),
        send_after: opt_time(r, 12)?,
        reason: match r.get::<_, Option<String>>(13)? {
            Some(_) => Some(word(r, 13)?),
            None => None,
        },
        author: r.get(14)?,
    })
}

impl Store {
    fn outbox_rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<OutboxItem>> {
        self.conn
            .prepare_cached(sql)?
            .query_map(params, item_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)
    }

    /// Items in `state`, oldest first (all accounts).
    pub fn outbox(&self, state: OutboxState, limit: usize) -> Result<Vec<OutboxItem>> {
        let sql =
            format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE state = ?1 ORDER BY id LIMIT ?2");
        self.outbox_rows(&sql, (state.as_str(), limit as i64))
    }

    /// Items of one account in `state`, oldest first.
    pub fn outbox_for(
        &self,
        account: &str,
        state: OutboxState,
        limit: usize,
    ) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE account = ?1 AND state = ?2 ORDER BY id LIMIT ?3"
        );
        self.outbox_rows(&sql, (account, state.as_str(), limit as i64))
    }

    /// Queued items of one account whose time has come, in the order they are due.
    pub fn outbox_due(
        &self,
        account: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM outbox
             WHERE account = ?1 AND state = 'queued' AND COALESCE(send_after, 0) <= ?2
             ORDER BY COALESCE(send_after, created_at), id LIMIT ?3"
        );
        self.outbox_rows(&sql, (account, to_ms(now), limit as i64))
    }

    /// Queued items waiting for a later time (every account), soonest first.
    pub fn outbox_scheduled(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE state = 'queued' AND send_after > ?1
             ORDER BY send_after, id LIMIT ?2"
        );
        self.outbox_rows(&sql, (to_ms(now), limit as i64))
    }

    pub fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1");
        self.conn
            .prepare_cached(&sql)?
            .query_row([id], item_from_row)
            .optional()
            .map_err(classify)
    }

    /// Items the user must decide about (failed, or unknown after a crash).
    pub fn outbox_needing_attention(&self, limit: usize) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE state IN ('failed', 'unknown') ORDER BY id LIMIT ?1"
        );
        self.outbox_rows(&sql, [limit as i64])
    }

    /// The bodies of replies written on `account` since `since`, newest first: what
    /// the repeated-text guard compares a new reply with.
    pub fn recent_replies(
        &self,
        account: &str,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<String>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT body FROM outbox
                 WHERE account = ?1 AND action = 'reply' AND created_at >= ?2
                   AND state IN ('queued', 'sending', 'sent', 'unknown')
                 ORDER BY id DESC LIMIT ?3",
            )?
            .query_map((account, to_ms(since), limit as i64), |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    fn set_outbox_state(
        &self,
        id: i64,
        state: OutboxState,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            (id, state.as_str(), error, to_ms(now)),
        )?;
        Ok(())
    }

    /// Committed before the request goes out: a crash after this point leaves
    /// the item in "sending", which is reconciled rather than resent.
    pub fn mark_outbox_sending(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1",
            (id, to_ms(now)),
        )?;
        Ok(())
    }

    /// Claim a queued item for sending: queued → sending, committed before the
    /// request goes out. False when it is no longer queued (another sender, e.g.
    /// `hearth reply` next to a running engine, claimed it first, or the user
    /// cancelled it).
    pub fn claim_outbox_item(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1 AND state = 'queued'",
            (id, to_ms(now)),
        )?;
        Ok(n == 1)
    }

    /// The platform accepted it. A reply's local message takes the platform's id,
    /// so the copy that sync fetches back is recognised as the same message.
    pub fn mark_outbox_sent(
        &mut self,
        id: i64,
        platform_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // IMMEDIATE: take the write lock up front, so a concurrent writer waits
        // (busy timeout) instead of failing mid-transaction.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE outbox SET state = 'sent', platform_id = ?2, error = NULL, updated_at = ?3
             WHERE id = ?1",
            (id, platform_id, to_ms(now)),
        )?;
        let linked: Option<(i64, String, bool)> = tx
            .query_row(
                "SELECT message_id, account, send_after IS NOT NULL FROM outbox
                 WHERE id = ?1 AND action = 'reply' AND message_id IS NOT NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((message_id, account, scheduled)) = linked {
            // If sync already fetched our reply back, keep ours and drop the copy.
            let copy: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT id, conversation_id FROM messages
                     WHERE account = ?1 AND platform_id = ?2 AND id != ?3",
                    (&account, platform_id, message_id),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((copy_id, conversation_id)) = copy {
                tx.execute("DELETE FROM messages WHERE id = ?1", [copy_id])?;
                super::ingest::refresh_conversation(&tx, conversation_id, None, false)?;
            }
            tx.execute(
                "UPDATE messages SET platform_id = ?2 WHERE id = ?1",
                (message_id, platform_id),
            )?;
            if scheduled {
                // A scheduled reply reached the customer now, not when it was written;
                // unless they wrote again meanwhile (then it answered the older message).
                tx.execute(
                    "UPDATE messages SET sent_at = ?2 WHERE id = ?1 AND sent_at < ?2
                       AND NOT EXISTS (SELECT 1 FROM messages i
                                       WHERE i.conversation_id = messages.conversation_id
                                         AND i.direction = 'inbound'
                                         AND i.sent_at > messages.sent_at)",
                    (message_id, to_ms(now)),
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Back to the queue for another attempt (transient failure).
    pub fn mark_outbox_retry(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.set_outbox_state(id, OutboxState::Queued, Some(error), now)
    }

    /// The platform refused for good; the user decides. A refused reply answers
    /// nothing: its conversation is back in the queue with its deadline (triage
    /// runs again on what the customer wrote), flagged with `error`. A refused
    /// hide hid nothing: a conversation it took out of the queue comes back.
    pub fn mark_outbox_failed(
        &mut self,
        id: i64,
        error: &str,
        now: DateTime<Utc>,
        assess: &dyn Assess,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE outbox SET state = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1",
            (id, error, to_ms(now)),
        )?;
        reopen_if_unanswered(&tx, id, assess)?;
        reopen_after_refused_hide(&tx, id, assess)?;
        tx.commit()?;
        Ok(())
    }

    /// Crashed mid-send and the platform cannot tell: ask the user.
    pub fn mark_outbox_unknown(&self, id: i64, note: &str, now: DateTime<Utc>) -> Result<()> {
        self.set_outbox_state(id, OutboxState::Unknown, Some(note), now)
    }

    /// The user's answer for a failed/unknown item: send it (again) or drop it.
    /// A reply sent again answers its conversation for now (out of the queue until
    /// the platform says otherwise); a dismissed one never answered it.
    pub fn resolve_outbox(
        &mut self,
        id: i64,
        resend: bool,
        now: DateTime<Utc>,
        assess: &dyn Assess,
    ) -> Result<()> {
        let state = if resend {
            OutboxState::Queued
        } else {
            OutboxState::Dismissed
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE outbox SET state = ?2, updated_at = ?3
             WHERE id = ?1 AND state IN ('failed', 'unknown')",
            (id, state.as_str(), to_ms(now)),
        )?;
        if n == 0 {
            return Err(StoreError::Corrupt(format!(
                "outbox item {id} is not waiting for a decision"
            )));
        }
        reopen_if_unanswered(&tx, id, assess)?;
        tx.commit()?;
        Ok(())
    }

    /// Withdraw a queued item before it is sent. A reply's local message goes too, so
    /// the conversation is back in the queue. Returns the item as it was, or `None`
    /// when it is no longer queued (it is being sent, or already went).
    pub fn cancel_outbox(
        &mut self,
        id: i64,
        assess: &dyn Assess,
        now: DateTime<Utc>,
    ) -> Result<Option<OutboxItem>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let item = tx
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1 AND state = 'queued'"
            ))?
            .query_row([id], item_from_row)
            .optional()
            .map_err(classify)?;
        let Some(item) = item else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE outbox SET state = 'cancelled', message_id = NULL, updated_at = ?2 WHERE id = ?1",
            (id, to_ms(now)),
        )?;
        if let Some(message_id) = item.message_id {
            tx.execute("DELETE FROM messages WHERE id = ?1", [message_id])?;
            tx.execute(
                "UPDATE conversations SET status = 'open' WHERE id = ?1 AND status = 'waiting'",
                [item.conversation_id],
            )?;
            // Re-assessed, so the reopened conversation has its deadline back.
            super::ingest::refresh_conversation(&tx, item.conversation_id, Some(assess), false)?;
        }
        tx.commit()?;
        Ok(Some(item))
    }

    /// Queue a platform action (moderation, a strike's mute/block/ban) on a message.
    pub fn queue_action(&self, new: &NewAction, now: DateTime<Utc>) -> Result<i64> {
        let account: String = self
            .conn
            .query_row(
                "SELECT account FROM conversations WHERE id = ?1",
                [new.conversation_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NoSuchConversation(new.conversation_id))?;
        self.conn.execute(
            "INSERT INTO outbox (conversation_id, account, action, body, target_id, state,
                 reason, author, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?7, ?8, ?8)",
            rusqlite::params![
                new.conversation_id,
                account,
                new.action.as_str(),
                new.body,
                new.target_id,
                new.reason.map(ModerationReason::as_str),
                new.author,
                to_ms(now)
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The platform-side facts about a conversation a connector needs to act on it.
    pub fn conversation_ref(&self, conversation_id: i64) -> Result<ConversationRef> {
        let (account, platform, kind, thread_id): (String, String, String, String) = self
            .conn
            .query_row(
                "SELECT account, platform, kind, thread_id FROM conversations WHERE id = ?1",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(StoreError::NoSuchConversation(conversation_id))?;
        let corrupt = |e: crate::model::ParseEnumError| StoreError::Corrupt(e.to_string());
        let kind = kind.parse().map_err(corrupt)?;
        let platform = platform.parse().map_err(corrupt)?;
        // A message the platform deleted, or an older version of an edited one, is
        // nothing to answer.
        let last: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT platform_id, sent_at FROM messages
                 WHERE conversation_id = ?1 AND direction = 'inbound'
                   AND platform_state NOT IN ('deleted', 'replaced')
                 ORDER BY sent_at DESC, id DESC LIMIT 1",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(ConversationRef {
            account,
            platform,
            kind,
            thread_id,
            last_inbound_id: last.as_ref().map(|(id, _)| id.clone()),
            last_inbound_at: last.map(|(_, at)| from_ms(at)),
            thread_state: self.thread_state(conversation_id)?,
        })
    }

    /// How many items are in `state` (all accounts); cheap, on the state index.
    pub fn outbox_count(&self, state: OutboxState) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM outbox WHERE state = ?1")?
            .query_row([state.as_str()], |r| r.get(0))?)
    }
}
