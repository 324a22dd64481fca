//! Identities and what links them: the keys that suggest one person behind two
//! authors (kept at ingest, one indexed lookup each), and the user's links.
//! The rules (what counts as a match, what is shown) live in `inbox::people`.

use super::rows::{CONVERSATION_COLUMNS, classify, conversation_from_row, word};
use super::{Result, Store, to_ms};
use crate::model::{Conversation, Identity, KeyKind, LinkState, Platform, contact_keys, name_key};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

/// `hearth_name_key(author)` and `hearth_contact_keys(body)` (a JSON array of
/// `[kind, value]`): the normalisation of `model::identity`, for SQL.
pub(super) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("hearth_name_key", 1, flags, |ctx| {
        let text: Option<String> = ctx.get(0)?;
        Ok(text.as_deref().and_then(name_key))
    })?;
    conn.create_scalar_function("hearth_contact_keys", 1, flags, |ctx| {
        let text: Option<String> = ctx.get(0)?;
        let keys: Vec<(&str, String)> = text
            .as_deref()
            .map(contact_keys)
            .unwrap_or_default()
            .into_iter()
            .map(|(kind, value)| (kind.as_str(), value))
            .collect();
        serde_json::to_string(&keys).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
    })
}

/// Record the identity keys of messages inserted after `after`: the customer's
/// display name, and the emails and phones in what they wrote. Runs in the
/// ingest transaction, over that page's messages only.
pub(super) fn index_identities_after(tx: &Transaction, after: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO identity_keys (kind, value, platform, author)
         SELECT 'name', hearth_name_key(author), platform, author FROM conversations
         WHERE id IN (SELECT conversation_id FROM messages WHERE id > ?1)
           AND author != '' AND hearth_name_key(author) IS NOT NULL",
    )?
    .execute([after])?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO identity_keys (kind, value, platform, author)
         SELECT json_extract(k.value, '$[0]'), json_extract(k.value, '$[1]'),
                c.platform, c.author
         FROM messages m JOIN conversations c ON c.id = m.conversation_id,
              json_each(hearth_contact_keys(m.body)) k
         WHERE m.id > ?1 AND m.direction = 'inbound' AND c.author != ''",
    )?
    .execute([after])?;
    Ok(())
}

const KEYS_OF: &str = "SELECT kind, value FROM identity_keys WHERE platform = ?1 AND author = ?2
     ORDER BY kind, value";
const HOLDERS_OF: &str = "SELECT platform, author FROM identity_keys WHERE kind = ?1 AND value = ?2
     ORDER BY platform, author LIMIT ?3";
const LINKS_OF: &str = "SELECT b_platform, b_author, state FROM identity_links
     WHERE a_platform = ?1 AND a_author = ?2
     UNION ALL
     SELECT a_platform, a_author, state FROM identity_links
     WHERE b_platform = ?1 AND b_author = ?2";
const CONVERSATIONS_OF: &str = "FROM conversations WHERE platform = ?1 AND author = ?2
     ORDER BY status != 'open', due_sort, last_message_at DESC, id LIMIT ?3";

impl Store {
    /// The keys recorded for `who`.
    pub fn identity_keys(&self, who: &Identity) -> Result<Vec<(KeyKind, String)>> {
        let mut stmt = self.conn.prepare_cached(KEYS_OF)?;
        let rows = stmt.query_map((who.platform.as_str(), &who.author), |r| {
            Ok((word(r, 0)?, r.get(1)?))
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(classify)
    }

    /// Up to `limit` identities that recorded this key (`who` included).
    pub fn identities_with_key(
        &self,
        kind: KeyKind,
        value: &str,
        limit: usize,
    ) -> Result<Vec<Identity>> {
        let mut stmt = self.conn.prepare_cached(HOLDERS_OF)?;
        let rows = stmt.query_map((kind.as_str(), value, limit as i64), |r| {
            Ok(Identity {
                platform: word::<Platform>(r, 0)?,
                author: r.get(1)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(classify)
    }

    /// What the user said about `who` and each other identity.
    pub fn identity_links(&self, who: &Identity) -> Result<Vec<(Identity, LinkState)>> {
        let mut stmt = self.conn.prepare_cached(LINKS_OF)?;
        let rows = stmt.query_map((who.platform.as_str(), &who.author), |r| {
            Ok((
                Identity {
                    platform: word(r, 0)?,
                    author: r.get(1)?,
                },
                word(r, 2)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(classify)
    }

    /// Record what the user said about two identities (replacing what they said before).
    pub fn set_identity_link(
        &self,
        a: &Identity,
        b: &Identity,
        state: LinkState,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (a, b) = Identity::ordered(a, b);
        self.conn.execute(
            "INSERT INTO identity_links (a_platform, a_author, b_platform, b_author, state,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (a_platform, a_author, b_platform, b_author) DO UPDATE SET
                 state = excluded.state, updated_at = excluded.updated_at",
            rusqlite::params![
                a.platform.as_str(),
                a.author,
                b.platform.as_str(),
                b.author,
                state.as_str(),
                to_ms(now)
            ],
        )?;
        Ok(())
    }

    /// Up to `limit` conversations of `who`: open ones first by deadline, then the
    /// most recent.
    pub fn conversations_of(&self, who: &Identity, limit: usize) -> Result<Vec<Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} {CONVERSATIONS_OF}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            (who.platform.as_str(), &who.author, limit as i64),
            conversation_from_row,
        )?;
        rows.collect::<rusqlite::Result<_>>().map_err(classify)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every read behind the person line is an index search, never a scan: its
    /// cost does not grow with the cache (the figures live in the speed bench).
    #[test]
    fn the_person_reads_search_indexes_and_scan_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("cache.db")).expect("open");
        let conversations = format!("SELECT id {CONVERSATIONS_OF}");
        for sql in [KEYS_OF, HOLDERS_OF, LINKS_OF, conversations.as_str()] {
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan");
            let params = ["x", "y", "3"];
            let count = stmt.parameter_count();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(&params[..count]), |r| {
                    r.get::<_, String>(3)
                })
                .expect("rows")
                .collect::<rusqlite::Result<_>>()
                .expect("read");
            assert!(
                plan.iter().any(|step| step.starts_with("SEARCH")),
                "{sql}: {plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.starts_with("SCAN")),
                "{sql}: {plan:?}"
            );
        }
    }
}
