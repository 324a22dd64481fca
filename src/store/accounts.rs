//! Each synced account's state (for the TUI, `hearth accounts` and `doctor`) and
//! its cursors.

use super::rows::{classify, word};
use super::{Result, Store, from_ms, to_ms};
use crate::model::AccountStatus;
use chrono::{DateTime, Utc};

/// How an account's sync stands.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountState {
    pub account: String,
    pub platform: String,
    pub state: AccountStatus,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl Store {
    pub fn save_account_state(&self, s: &AccountState, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO account_state (account, platform, state, last_sync_at, next_attempt_at,
                 last_error, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (account) DO UPDATE SET platform = excluded.platform,
                 state = excluded.state, last_sync_at = excluded.last_sync_at,
                 next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error,
                 updated_at = excluded.updated_at",
            rusqlite::params![
                s.account,
                s.platform,
                s.state.as_str(),
                s.last_sync_at.map(to_ms),
                s.next_attempt_at.map(to_ms),
                s.last_error,
                to_ms(now)
            ],
        )?;
        Ok(())
    }

    pub fn account_states(&self) -> Result<Vec<AccountState>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT account, platform, state, last_sync_at, next_attempt_at, last_error
             FROM account_state ORDER BY account",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AccountState {
                    account: r.get(0)?,
                    platform: r.get(1)?,
                    state: word(r, 2)?,
                    last_sync_at: r.get::<_, Option<i64>>(3)?.map(from_ms),
                    next_attempt_at: r.get::<_, Option<i64>>(4)?.map(from_ms),
                    last_error: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)?;
        Ok(rows)
    }

    /// The longest reply the platform says this account takes (Mastodon's
    /// `max_characters`), when a connector has learned it.
    pub fn set_reply_limit(&self, account: &str, limit: usize) -> Result<()> {
        self.conn.execute(
            "UPDATE account_state SET reply_limit = ?2 WHERE account = ?1",
            (account, limit as i64),
        )?;
        Ok(())
    }

    pub fn reply_limit(&self, account: &str) -> Result<Option<usize>> {
        use rusqlite::OptionalExtension;
        let limit: Option<Option<i64>> = self
            .conn
            .query_row(
                "SELECT reply_limit FROM account_state WHERE account = ?1",
                [account],
                |r| r.get(0),
            )
            .optional()?;
        Ok(limit.flatten().and_then(|n| usize::try_from(n).ok()))
    }

    /// Every cursor of one account, as (key, value).
    pub fn cursors(&self, account: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, value FROM sync_cursors WHERE account = ?1 ORDER BY key",
        )?;
        let rows = stmt
            .query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Distinct non-empty values of a conversation column, for filter choosers.
    /// Hops from value to value through the column's index (a few lookups per
    /// distinct value), so it stays cheap however many conversations there are.
    pub fn distinct_values(&self, column: FilterColumn) -> Result<Vec<String>> {
        let sql = format!(
            "WITH RECURSIVE v(x) AS (
                 SELECT min({0}) FROM conversations WHERE {0} > ''
                 UNION ALL
                 SELECT (SELECT min({0}) FROM conversations WHERE {0} > v.x) FROM v
                 WHERE v.x IS NOT NULL)
             SELECT x FROM v WHERE x IS NOT NULL",
            column.sql()
        );
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl Store {
    /// The locations each brand has conversations at, for the location filter
    /// (which offers the selected brand's only). Hops through the
    /// (brand, location) index, a few lookups per pair.
    pub fn brand_locations(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE v(x) AS (
                 SELECT min(location) FROM conversations WHERE brand = ?1 AND location > ''
                 UNION ALL
                 SELECT (SELECT min(location) FROM conversations
                         WHERE brand = ?1 AND location > v.x) FROM v
                 WHERE v.x IS NOT NULL)
             SELECT x FROM v WHERE x IS NOT NULL",
        )?;
        for brand in self.distinct_values(FilterColumn::Brand)? {
            let locations = stmt
                .query_map([&brand], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.extend(locations.into_iter().map(|l| (brand.clone(), l)));
        }
        Ok(out)
    }
}

/// Conversation columns a filter can cycle through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterColumn {
    Platform,
    Brand,
    Location,
}

impl FilterColumn {
    fn sql(self) -> &'static str {
        match self {
            FilterColumn::Platform => "platform",
            FilterColumn::Brand => "brand",
            FilterColumn::Location => "location",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{Direction, IncomingMessage, IngestPage, Kind, Platform};

    fn at(thread: &str, brand: Option<&str>, location: Option<&str>) -> IncomingMessage {
        IncomingMessage {
            account: "a".into(),
            platform: Platform::Forum,
            kind: Kind::Comment,
            thread_id: thread.into(),
            platform_id: thread.into(),
            direction: Direction::Inbound,
            author: "Sam".into(),
            body: "Do you open on Sundays?".into(),
            sent_at: chrono::Utc::now(),
            context: None,
            brand: brand.map(String::from),
            location: location.map(String::from),
            rating: None,
        }
    }

    #[test]
    fn locations_are_listed_per_brand() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("c.sqlite3")).expect("open");
        let page = IngestPage {
            messages: vec![
                at("1", Some("Acme"), Some("Eastside")),
                at("2", Some("Acme"), Some("Downtown")),
                at("3", Some("Acme"), Some("Downtown")),
                at("4", Some("Zed"), Some("Airport")),
                at("5", Some("Solo"), None),
                at("6", None, Some("Harbour")),
            ],
            cursor: None,
        };
        store.ingest(&page, &KeywordAssess).expect("ingest");
        let pairs = store.brand_locations().expect("pairs");
        let want: Vec<(String, String)> = [
            ("Acme", "Downtown"),
            ("Acme", "Eastside"),
            ("Zed", "Airport"),
        ]
        .iter()
        .map(|(b, l)| (b.to_string(), l.to_string()))
        .collect();
        assert_eq!(
            pairs, want,
            "no pair for Solo, none for the brandless Harbour"
        );
    }
}
