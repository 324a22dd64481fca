//! Reads: the queue (keyset-paged), counts, one conversation, its thread, search.
//! Every read is indexed and bounded, so the UI may run it inline.

use super::rows::{
    CONVERSATION_COLUMNS, MESSAGE_COLUMNS, classify, conversation_from_row, message_from_row,
};
use super::{Result, Store, to_ms};
use crate::model::{Conversation, Message, QueueCounts, QueueFilter, Tier};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rusqlite::types::Value;

/// Where a queue page ends; pass it back to get the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueKey {
    pub tier: u8,
    pub due_sort: i64,
    pub id: i64,
}

impl QueueKey {
    pub fn of(c: &Conversation) -> QueueKey {
        QueueKey {
            tier: c.tier.number(),
            due_sort: c.due_at.map_or(i64::MAX, to_ms),
            id: c.id,
        }
    }
}

/// `AND ...` clauses and their parameters for a filter.
fn filter_sql(filter: &QueueFilter, with_tier: bool) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: Value| {
        params.push(value);
        sql.push_str(&format!(" AND {clause} = ?{}", params.len()));
    };
    if with_tier && let Some(tier) = filter.tier {
        add("tier", Value::Integer(i64::from(tier.number())));
    }
    if let Some(family) = filter.family {
        add("family", Value::Text(family.as_str().into()));
    }
    if let Some(platform) = filter.platform {
        add("platform", Value::Text(platform.as_str().into()));
    }
    if let Some(brand) = &filter.brand {
        add("brand", Value::Text(brand.clone()));
    }
    if let Some(location) = &filter.location {
        add("location", Value::Text(location.clone()));
    }
    (sql, params)
}

impl Store {
    /// Snoozed conversations whose time has come go back to the queue.
    pub fn wake_snoozed(&self, now: DateTime<Utc>) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE conversations SET status = 'open', snoozed_until = NULL
             WHERE status = 'snoozed' AND snoozed_until <= ?1",
            [to_ms(now)],
        )?)
    }

    /// How many snoozed conversations [`Store::wake_snoozed`] would wake now: a
    /// reader checks before it asks for write access.
    pub fn snoozed_due(&self, now: DateTime<Utc>) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM conversations
             WHERE status = 'snoozed' AND snoozed_until <= ?1",
            [to_ms(now)],
            |r| r.get(0),
        )?)
    }

    /// Open conversations matching `filter`, by tier then due time, after `after`.
    pub fn queue(
        &self,
        filter: &QueueFilter,
        after: Option<QueueKey>,
        limit: usize,
    ) -> Result<Vec<Conversation>> {
        let (clauses, mut params) = filter_sql(filter, true);
        let mut sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE status = 'open'{clauses}"
        );
        if let Some(key) = after {
            let n = params.len();
            sql.push_str(&format!(
                " AND (tier, due_sort, id) > (?{}, ?{}, ?{})",
                n + 1,
                n + 2,
                n + 3
            ));
            params.push(Value::Integer(i64::from(key.tier)));
            params.push(Value::Integer(key.due_sort));
            params.push(Value::Integer(key.id));
        }
        sql.push_str(&format!(
            " ORDER BY tier, due_sort, id LIMIT {}",
            limit.min(100_000)
        ));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), conversation_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)?;
        Ok(rows)
    }

    /// Open conversations per tier and overdue, for the filter without its tier.
    pub fn counts(&self, filter: &QueueFilter, now: DateTime<Utc>) -> Result<QueueCounts> {
        let (clauses, mut params) = filter_sql(filter, false);
        params.push(Value::Integer(to_ms(now)));
        let sql = format!(
            "SELECT tier, count(*), sum(due_sort < ?{}) FROM conversations
             WHERE status = 'open'{clauses} GROUP BY tier",
            params.len()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut counts = QueueCounts::default();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            let tier: i64 = row.get(0)?;
            if let Some(slot) = usize::try_from(tier - 1)
                .ok()
                .and_then(|i| counts.per_tier.get_mut(i))
            {
                *slot = row.get(1)?;
            }
            counts.overdue += row.get::<_, Option<i64>>(2)?.unwrap_or(0);
        }
        Ok(counts)
    }

    pub fn conversation(&self, id: i64) -> Result<Option<Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1");
        self.conn
            .prepare_cached(&sql)?
            .query_row([id], conversation_from_row)
            .optional()
            .map_err(classify)
    }

    /// The newest `limit` messages of a thread, oldest first. Versions an edit
    /// replaced are left out: a thread shows one current text per review or reply.
    pub fn messages(&self, conversation_id: i64, limit: usize) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT * FROM (SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1
               AND platform_state != 'replaced'
             ORDER BY sent_at DESC, id DESC LIMIT ?2) ORDER BY sent_at, id"
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map((conversation_id, limit as i64), message_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)?;
        Ok(rows)
    }

    /// Conversations (any status) whose messages match `query`, newest first.
    /// Words are matched as prefixes; FTS syntax in the query is taken literally.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Conversation>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id IN (
                 SELECT m.conversation_id FROM messages_fts f JOIN messages m ON m.id = f.rowid
                 WHERE messages_fts MATCH ?1)
             ORDER BY last_message_at DESC LIMIT ?2"
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map((fts, limit as i64), conversation_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)?;
        Ok(rows)
    }

    /// The effective tier of a conversation, if it exists.
    pub fn tier_of(&self, id: i64) -> Result<Option<Tier>> {
        Ok(self.conversation(id)?.map(|c| c.tier))
    }
}

/// Turn user words into an FTS5 query: each word a quoted prefix term, all required.
fn fts_query(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split_whitespace()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn fts_query_quotes_every_word() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(
            fts_query("late \"order"),
            Some("\"late\"* \"\"\"order\"*".into())
        );
        assert_eq!(fts_query("NEAR(a b)"), Some("\"NEAR(a\"* \"b)\"*".into()));
    }
}
