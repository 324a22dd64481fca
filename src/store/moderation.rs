//! What the application core records about moderation and its checks: strikes per
//! author, guard warnings the user overrode, and alerts already raised.

use super::rows::{classify, word};
use super::{Result, Store, from_ms, to_ms};
use crate::model::{ModerationReason, OutboxAction, StrikeStep};
use chrono::{DateTime, Utc};

/// A strike about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStrike {
    pub account: String,
    pub author: String,
    pub conversation_id: i64,
    pub target_id: Option<String>,
    pub action: OutboxAction,
    pub reason: ModerationReason,
    pub step: StrikeStep,
}

/// One author's strikes on one account, newest first in `latest`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuthorStrikes {
    pub account: String,
    pub author: String,
    pub count: i64,
    pub last_reason: ModerationReason,
    pub last_step: StrikeStep,
    pub last_at: DateTime<Utc>,
    /// What the user still has to do by hand (the platform could not), if anything.
    pub reminder: Option<String>,
}

impl Store {
    /// Strikes `author` already has on `account`.
    pub fn strike_count(&self, account: &str, author: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM strikes WHERE account = ?1 AND author = ?2")?
            .query_row((account, author), |r| r.get(0))?)
    }

    /// Record a strike; returns its id.
    pub fn add_strike(&self, s: &NewStrike, now: DateTime<Utc>) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO strikes (account, author, conversation_id, target_id, action, reason,
                 step, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                s.account,
                s.author,
                s.conversation_id,
                s.target_id,
                s.action.as_str(),
                s.reason.as_str(),
                s.step.as_str(),
                to_ms(now)
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// How a strike's step is carried out: by an outbox item, or by the user (a reminder).
    pub fn set_strike_enforcement(
        &self,
        strike_id: i64,
        outbox_id: Option<i64>,
        reminder: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE strikes SET enforced_by = ?2, reminder = ?3 WHERE id = ?1",
            (strike_id, outbox_id, reminder),
        )?;
        Ok(())
    }

    /// One author's strikes on one account (`None` without any).
    pub fn author_strikes(&self, account: &str, author: &str) -> Result<Option<AuthorStrikes>> {
        Ok(self
            .strikes_where("WHERE account = ?1 AND author = ?2", (account, author), 1)?
            .pop())
    }

    /// Every author with strikes, most strikes first.
    pub fn strikes(&self, limit: usize) -> Result<Vec<AuthorStrikes>> {
        self.strikes_where("", [], limit)
    }

    fn strikes_where(
        &self,
        filter: &str,
        params: impl rusqlite::Params,
        limit: usize,
    ) -> Result<Vec<AuthorStrikes>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT s.account, s.author, counts.n, s.reason, s.step, s.created_at, s.reminder
                 FROM (SELECT account, author, count(*) AS n, max(id) AS last
                       FROM strikes {filter} GROUP BY account, author) counts
                 JOIN strikes s ON s.id = counts.last
                 ORDER BY counts.n DESC, s.created_at DESC LIMIT {limit}"
            ))?
            .query_map(params, |r| {
                Ok(AuthorStrikes {
                    account: r.get(0)?,
                    author: r.get(1)?,
                    count: r.get(2)?,
                    last_reason: word(r, 3)?,
                    last_step: word(r, 4)?,
                    last_at: from_ms(r.get(5)?),
                    reminder: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)
    }

    /// Keep the fact that the user sent despite a guard's warning.
    pub fn record_guard_override(
        &self,
        conversation_id: i64,
        outbox_id: Option<i64>,
        guard: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO guard_overrides (conversation_id, outbox_id, guard, message, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (conversation_id, outbox_id, guard, message, to_ms(now)),
        )?;
        Ok(())
    }

    /// Overrides per guard word, for reports.
    pub fn guard_override_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT guard, count(*) FROM guard_overrides GROUP BY guard ORDER BY guard",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Remember that an alert went out for `message_id`. False when one already had.
    pub fn record_alert(
        &self,
        message_id: i64,
        conversation_id: i64,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO alerts (message_id, conversation_id, why, created_at)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (message_id) DO NOTHING",
            (message_id, conversation_id, why, to_ms(now)),
        )?;
        Ok(n == 1)
    }
}
