//! Unsent replies, kept in the cache so quitting, a crash or a signal loses none.

use super::{Result, Store, to_ms};
use chrono::{DateTime, Utc};

impl Store {
    /// Keep `body` as the draft of `conversation_id`; an empty body forgets it.
    pub fn save_draft(&self, conversation_id: i64, body: &str, now: DateTime<Utc>) -> Result<()> {
        if body.trim().is_empty() {
            self.conn.execute(
                "DELETE FROM drafts WHERE conversation_id = ?1",
                [conversation_id],
            )?;
            return Ok(());
        }
        self.conn.execute(
            "INSERT INTO drafts (conversation_id, body, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (conversation_id) DO UPDATE SET body = excluded.body,
                 updated_at = excluded.updated_at",
            (conversation_id, body, to_ms(now)),
        )?;
        Ok(())
    }

    /// Every kept draft, as (conversation id, text).
    pub fn drafts(&self) -> Result<Vec<(i64, String)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT conversation_id, body FROM drafts ORDER BY conversation_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
