//! Writes a user makes: tier overrides, status changes, replies through the outbox.

use super::ingest::{index_messages_after, refresh_conversation};
use super::{Result, Store, StoreError, to_ms};
use crate::model::{Status, Tier};
use chrono::{DateTime, Utc};

impl Store {
    fn require(&self, id: i64, changed: usize) -> Result<()> {
        if changed == 0 {
            Err(StoreError::NoSuchConversation(id))
        } else {
            Ok(())
        }
    }

    /// Pin a tier (or clear the pin with `None`). The override always wins over
    /// triage. The choice is also kept with the text it was made on, as a labelled
    /// example of this user's stream.
    pub fn set_tier_override(
        &mut self,
        id: i64,
        tier: Option<Tier>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::workflow::write_tier(&tx, id, tier, now)?;
        tx.commit()?;
        Ok(())
    }

    /// How many tier overrides have been recorded as examples.
    pub fn tier_example_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM tier_examples", [], |r| r.get(0))?)
    }

    /// Mark open, waiting or done. (Use `snooze` for snoozing.)
    pub fn set_status(&self, id: i64, status: Status) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE conversations SET status = ?2, snoozed_until = NULL WHERE id = ?1",
            (id, status.as_str()),
        )?;
        self.require(id, n)
    }

    /// Hide from the queue until `until`.
    pub fn snooze(&self, id: i64, until: DateTime<Utc>) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE conversations SET status = 'snoozed', snoozed_until = ?2 WHERE id = ?1",
            (id, to_ms(until)),
        )?;
        self.require(id, n)
    }

    /// Write a reply: the outbound message and its outbox entry, in one transaction.
    /// The conversation leaves the queue until the customer writes again. With
    /// `send_after` the engine holds it until then. Returns the outbox id.
    pub fn record_reply(
        &mut self,
        conversation_id: i64,
        author: &str,
        body: &str,
        send_after: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.record_reply_as(conversation_id, author, body, send_after, false, now)
    }

    /// `record_reply`, or with `acknowledgment` a holding reply: the message is
    /// marked as one, the acknowledgment target is met (`acknowledged_at`) and the
    /// conversation stays in the queue with its response deadline.
    pub fn record_reply_as(
        &mut self,
        conversation_id: i64,
        author: &str,
        body: &str,
        send_after: Option<DateTime<Utc>>,
        acknowledgment: bool,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        // IMMEDIATE: take the write lock up front, so a concurrent writer waits
        // (busy timeout) instead of failing mid-transaction.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let account: String = tx
            .query_row(
                "SELECT account FROM conversations WHERE id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => {
                    StoreError::NoSuchConversation(conversation_id)
                }
                other => other.into(),
            })?;
        // A reply is never older than what it answers, even with a skewed clock.
        let last: i64 = tx.query_row(
            "SELECT COALESCE(max(sent_at), 0) FROM messages WHERE conversation_id = ?1",
            [conversation_id],
            |r| r.get(0),
        )?;
        let at = to_ms(now).max(last + 1);
        tx.execute(
            "INSERT INTO outbox (conversation_id, account, body, state, send_after, created_at,
                 updated_at)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?5)",
            (conversation_id, &account, body, send_after.map(to_ms), at),
        )?;
        let outbox_id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO messages (conversation_id, account, platform_id, direction, author, body,
                 sent_at, acknowledgment)
             VALUES (?1, ?2, ?3, 'outbound', ?4, ?5, ?6, ?7)",
            (
                conversation_id,
                &account,
                format!("hearth-outbox-{outbox_id}"),
                author,
                body,
                at,
                acknowledgment,
            ),
        )?;
        let message_id = tx.last_insert_rowid();
        index_messages_after(&tx, message_id - 1)?;
        tx.execute(
            "UPDATE outbox SET message_id = ?2 WHERE id = ?1",
            (outbox_id, message_id),
        )?;
        // Answering also ends a snooze or a "done": the thread now waits on the customer.
        tx.execute(
            "UPDATE conversations SET status = 'open', snoozed_until = NULL WHERE id = ?1",
            [conversation_id],
        )?;
        refresh_conversation(&tx, conversation_id, None, false)?;
        tx.commit()?;
        Ok(outbox_id)
    }
}
