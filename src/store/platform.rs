//! What the cache knows about how the platform shows its messages and threads:
//! the reads connectors need to keep threads whole and find vanished reviews, and
//! the reads the application core and views need to honour it.

use super::rows::{classify, word};
use super::{Result, Store, from_ms};
use crate::model::MessageState;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

/// A cached thread, as a connector reconciling it sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownThread {
    pub thread_id: String,
    /// When the customer's first message still shown was written.
    pub first_inbound_at: Option<DateTime<Utc>>,
    /// Waiting for an answer (in the queue or not).
    pub unanswered: bool,
    /// The thread's own post is gone from the platform.
    pub deleted: bool,
}

impl Store {
    /// The thread a cached message belongs to (a Facebook reply whose parent is
    /// itself a reply joins the parent's conversation).
    pub fn thread_of(&self, account: &str, platform_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.thread_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.account = ?1 AND m.platform_id = ?2",
            )?
            .query_row((account, platform_id), |r| r.get(0))
            .optional()?)
    }

    /// Cached threads of `account` whose id starts with `prefix` (one Google
    /// location's reviews), newest activity first, at most `limit`.
    pub fn known_threads(
        &self,
        account: &str,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<KnownThread>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT c.thread_id,
                        (SELECT min(sent_at) FROM messages m WHERE m.conversation_id = c.id
                           AND m.direction = 'inbound' AND m.platform_state != 'replaced'),
                        c.first_unanswered_at IS NOT NULL,
                        NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
                           AND m.direction = 'inbound'
                           AND m.platform_state NOT IN ('deleted', 'replaced'))
                 FROM conversations c
                 WHERE c.account = ?1 AND substr(c.thread_id, 1, length(?2)) = ?2
                 ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?3",
            )?
            .query_map((account, prefix, limit as i64), |r| {
                Ok(KnownThread {
                    thread_id: r.get(0)?,
                    first_inbound_at: r.get::<_, Option<i64>>(1)?.map(from_ms),
                    unanswered: r.get(2)?,
                    deleted: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How the platform shows a conversation's own post: the comment that opened
    /// the thread, or the review's current text. `None` for a conversation without
    /// one (or unknown). What `model::reply_refusal` needs before a reply.
    pub fn thread_state(&self, conversation_id: i64) -> Result<Option<MessageState>> {
        self.conn
            .prepare_cached(
                "SELECT m.platform_state FROM messages m JOIN conversations c
                   ON c.id = m.conversation_id
                 WHERE m.conversation_id = ?1 AND m.platform_state != 'replaced'
                   AND (m.platform_id = c.thread_id OR m.direction = 'inbound')
                 ORDER BY m.platform_id = c.thread_id DESC, m.sent_at DESC, m.id DESC LIMIT 1",
            )?
            .query_row([conversation_id], |r| word(r, 0))
            .optional()
            .map_err(classify)
    }

    /// The messages of a conversation the platform shows other than plainly
    /// (hidden, deleted, pending, rejected; replaced versions are left out of
    /// `messages` altogether), by message id: for views to mark them.
    pub fn message_states(&self, conversation_id: i64) -> Result<Vec<(i64, MessageState)>> {
        self.conn
            .prepare_cached(
                "SELECT id, platform_state FROM messages
                 WHERE conversation_id = ?1 AND platform_state NOT IN ('visible', 'replaced')
                 ORDER BY sent_at, id",
            )?
            .query_map([conversation_id], |r| Ok((r.get(0)?, word(r, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)
    }

    /// How the platform shows one message, by its platform id.
    pub fn message_state(&self, account: &str, platform_id: &str) -> Result<Option<MessageState>> {
        self.conn
            .prepare_cached(
                "SELECT platform_state FROM messages WHERE account = ?1 AND platform_id = ?2",
            )?
            .query_row((account, platform_id), |r| word(r, 0))
            .optional()
            .map_err(classify)
    }

    /// When an outbox item last changed state: for one being sent, when the
    /// attempt began (the platform's copy cannot be older).
    pub fn outbox_attempted_at(&self, id: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .conn
            .prepare_cached("SELECT updated_at FROM outbox WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(from_ms))
    }

    /// Keep the cursor `key` of `account` at `value` (connector bookkeeping that
    /// comes with no page, such as a cached location title).
    pub fn set_cursor(&self, account: &str, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_cursors (account, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
            (account, key, value),
        )?;
        Ok(())
    }
}

/// What an account's row says besides its state: how to restore access, and why
/// it polls slower than asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountHints {
    pub fix: Option<String>,
    pub note: Option<String>,
}

impl Store {
    /// Replace an account's hints; the account's state row must exist (the engine
    /// writes it first).
    pub fn set_account_hints(&self, account: &str, hints: &AccountHints) -> Result<()> {
        self.conn.execute(
            "UPDATE account_state SET fix = ?2, note = ?3 WHERE account = ?1",
            (account, &hints.fix, &hints.note),
        )?;
        Ok(())
    }

    /// Every account's hints, by account name.
    pub fn account_hints(&self) -> Result<Vec<(String, AccountHints)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT account, fix, note FROM account_state ORDER BY account")?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    AccountHints {
                        fix: r.get(1)?,
                        note: r.get(2)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
