//! The outbox: replies and moderation actions waiting for (or done by) the sync
//! engine. Every state change is one committed statement, so after a crash the
//! table says exactly how far each item got.

use super::{Result, Store, StoreError, from_ms, to_ms};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

/// States an outbox item moves through.
pub mod state {
    pub const QUEUED: &str = "queued";
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    /// The platform refused; the user decides (edit, resend or dismiss).
    pub const FAILED: &str = "failed";
    /// A crash interrupted the send and the platform cannot tell whether it went
    /// out: never resent silently, the user decides.
    pub const UNKNOWN: &str = "unknown";
    pub const DISMISSED: &str = "dismissed";
}

/// One queued action.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub conversation_id: i64,
    pub message_id: Option<i64>,
    pub account: String,
    pub action: String,
    pub body: String,
    pub target_id: Option<String>,
    pub state: String,
    pub platform_id: Option<String>,
    pub error: Option<String>,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

/// What a connector needs to know about the conversation an item is for.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRef {
    pub account: String,
    pub kind: crate::model::Kind,
    pub thread_id: String,
    /// Platform id of the newest inbound message.
    pub last_inbound_id: Option<String>,
    pub last_inbound_at: Option<DateTime<Utc>>,
}

const ITEM_COLUMNS: &str = "id, conversation_id, message_id, account, action, body, target_id, \
     state, platform_id, error, attempts, created_at";

fn item_from_row(r: &rusqlite::Row) -> rusqlite::Result<OutboxItem> {
    Ok(OutboxItem {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        message_id: r.get(2)?,
        account: r.get(3)?,
        action: r.get(4)?,
        body: r.get(5)?,
        target_id: r.get(6)?,
        state: r.get(7)?,
        platform_id: r.get(8)?,
        error: r.get(9)?,
        attempts: r.get(10)?,
        created_at: from_ms(r.get(11)?),
    })
}

impl Store {
    /// Items in `state`, oldest first (all accounts).
    pub fn outbox(&self, state: &str, limit: usize) -> Result<Vec<OutboxItem>> {
        let sql =
            format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE state = ?1 ORDER BY id LIMIT ?2");
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map((state, limit as i64), item_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Items of one account in `state`, oldest first.
    pub fn outbox_for(&self, account: &str, state: &str, limit: usize) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE account = ?1 AND state = ?2 ORDER BY id LIMIT ?3"
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map((account, state, limit as i64), item_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], item_from_row)
            .optional()?)
    }

    /// Items the user must decide about (failed, or unknown after a crash).
    pub fn outbox_needing_attention(&self, limit: usize) -> Result<Vec<OutboxItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE state IN ('failed', 'unknown') ORDER BY id LIMIT ?1"
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map([limit as i64], item_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn set_outbox_state(
        &self,
        id: i64,
        state: &str,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            (id, state, error, to_ms(now)),
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
    /// `hearth reply` next to a running engine, claimed it first).
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
        let linked: Option<(i64, String)> = tx
            .query_row(
                "SELECT message_id, account FROM outbox WHERE id = ?1 AND action = 'reply'
                 AND message_id IS NOT NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((message_id, account)) = linked {
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
        }
        tx.commit()?;
        Ok(())
    }

    /// Back to the queue for another attempt (transient failure).
    pub fn mark_outbox_retry(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.set_outbox_state(id, state::QUEUED, Some(error), now)
    }

    /// The platform refused for good; the user decides.
    pub fn mark_outbox_failed(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.set_outbox_state(id, state::FAILED, Some(error), now)
    }

    /// Crashed mid-send and the platform cannot tell: ask the user.
    pub fn mark_outbox_unknown(&self, id: i64, note: &str, now: DateTime<Utc>) -> Result<()> {
        self.set_outbox_state(id, state::UNKNOWN, Some(note), now)
    }

    /// The user's answer for a failed/unknown item: send it (again) or drop it.
    pub fn resolve_outbox(&self, id: i64, resend: bool, now: DateTime<Utc>) -> Result<()> {
        let state = if resend {
            state::QUEUED
        } else {
            state::DISMISSED
        };
        let n = self.conn.execute(
            "UPDATE outbox SET state = ?2, updated_at = ?3
             WHERE id = ?1 AND state IN ('failed', 'unknown')",
            (id, state, to_ms(now)),
        )?;
        if n == 0 {
            return Err(StoreError::Corrupt(format!(
                "outbox item {id} is not waiting for a decision"
            )));
        }
        Ok(())
    }

    /// Queue a moderation action (hide, unhide, delete, delete_reply) on a message.
    pub fn queue_moderation(
        &self,
        conversation_id: i64,
        target_id: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let account: String = self
            .conn
            .query_row(
                "SELECT account FROM conversations WHERE id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NoSuchConversation(conversation_id))?;
        self.conn.execute(
            "INSERT INTO outbox (conversation_id, account, action, body, target_id, state,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, '', ?4, 'queued', ?5, ?5)",
            (conversation_id, account, action, target_id, to_ms(now)),
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The platform-side facts about a conversation a connector needs to act on it.
    pub fn conversation_ref(&self, conversation_id: i64) -> Result<ConversationRef> {
        let (account, kind, thread_id): (String, String, String) = self
            .conn
            .query_row(
                "SELECT account, kind, thread_id FROM conversations WHERE id = ?1",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NoSuchConversation(conversation_id))?;
        let kind = kind
            .parse()
            .map_err(|e: crate::model::ParseEnumError| StoreError::Corrupt(e.to_string()))?;
        let last: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT platform_id, sent_at FROM messages
                 WHERE conversation_id = ?1 AND direction = 'inbound'
                 ORDER BY sent_at DESC, id DESC LIMIT 1",
                [conversation_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(ConversationRef {
            account,
            kind,
            thread_id,
            last_inbound_id: last.as_ref().map(|(id, _)| id.clone()),
            last_inbound_at: last.map(|(_, at)| from_ms(at)),
        })
    }
}

impl Store {
    /// How many items are in `state` (all accounts); cheap, on the state index.
    pub fn outbox_count(&self, state: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM outbox WHERE state = ?1")?
            .query_row([state], |r| r.get(0))?)
    }
}
