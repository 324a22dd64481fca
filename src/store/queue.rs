//! Reads: the queue (keyset-paged), counts, one conversation, its thread, search.
//! Every read is indexed and bounded, so the UI may run it inline.

use super::rows::{
    CONVERSATION_COLUMNS, MESSAGE_COLUMNS, classify, conversation_from_row, message_from_row,
};
use super::{Result, Store, to_ms};
use crate::model::{
    Conversation, Message, OverdueItem, PromotionSteps, QueueCounts, QueueFilter, Tier,
};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rusqlite::types::Value;

/// Where a queue page ends; pass it back to get the next page. The queue is
/// ordered by the sorting tier (`model::sort_tier`), so that is what the key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueKey {
    pub sort_tier: u8,
    pub due_sort: i64,
    pub id: i64,
}

impl QueueKey {
    pub fn of(c: &Conversation) -> QueueKey {
        QueueKey {
            sort_tier: c.sort_tier.number(),
            due_sort: c.due_at.map_or(i64::MAX, to_ms),
            id: c.id,
        }
    }
}

/// The sorting tier of a row at `?1` (now, epoch ms), with the promotion step of
/// each tier in `?2`..`?6` (ms, NULL = no target). The SQL twin of
/// `model::sort_tier`: ceil(overdue / step) tiers up, never above tier 1.
const SORT_TIER_SQL: &str = "CASE
    WHEN due_sort >= ?1 THEN tier
    WHEN (CASE tier WHEN 1 THEN ?2 WHEN 2 THEN ?3 WHEN 3 THEN ?4 WHEN 4 THEN ?5 ELSE ?6 END)
         IS NULL THEN tier
    ELSE max(1, tier - (?1 - due_sort - 1)
                 / (CASE tier WHEN 1 THEN ?2 WHEN 2 THEN ?3 WHEN 3 THEN ?4 WHEN 4 THEN ?5 ELSE ?6 END)
                 - 1)
    END";

/// `now` and the five steps, as `SORT_TIER_SQL` numbers its parameters.
fn order_params(now: DateTime<Utc>, steps: &PromotionSteps) -> Vec<Value> {
    let mut params = vec![Value::Integer(to_ms(now))];
    params.extend(Tier::ALL.map(|t| steps.step_ms(t).map_or(Value::Null, Value::Integer)));
    params
}

/// The statement behind `Store::refresh_order`. `sort_tier IN (...)` lets SQLite
/// walk the order index once per sorting tier, over the overdue rows only. Rows
/// already sorting as tier 1 cannot climb further, so they are not looked at:
/// a settled minute reads only the recently overdue rows, however long the
/// backlog at the top. (A change of targets reaches those rows when their tier
/// or deadline next changes.)
fn refresh_order_sql() -> String {
    format!(
        "UPDATE conversations SET sort_tier = {SORT_TIER_SQL}
         WHERE status = 'open' AND sort_tier IN (2, 3, 4, 5) AND due_sort < ?1
           AND sort_tier != {SORT_TIER_SQL}"
    )
}

/// The statement and parameters behind `Store::queue`.
fn queue_sql(filter: &QueueFilter, after: Option<QueueKey>, limit: usize) -> (String, Vec<Value>) {
    let (clauses, mut params) = filter_sql(filter, true);
    let mut sql =
        format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE status = 'open'{clauses}");
    let by_tier = filter.tier.is_some();
    if let Some(key) = after {
        let n = params.len();
        if by_tier {
            sql.push_str(&format!(" AND (due_sort, id) > (?{}, ?{})", n + 1, n + 2));
        } else {
            sql.push_str(&format!(
                " AND (sort_tier, due_sort, id) > (?{}, ?{}, ?{})",
                n + 1,
                n + 2,
                n + 3
            ));
            params.push(Value::Integer(i64::from(key.sort_tier)));
        }
        params.push(Value::Integer(key.due_sort));
        params.push(Value::Integer(key.id));
    }
    let order = if by_tier {
        "due_sort, id"
    } else {
        "sort_tier, due_sort, id"
    };
    sql.push_str(&format!(" ORDER BY {order} LIMIT {}", limit.min(100_000)));
    (sql, params)
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

/// `AND ...` clauses and their parameters for a filter over `queue_counts`,
/// which stores a brand or location as `'+' || value` (migration 9).
fn counter_filter_sql(filter: &QueueFilter) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: String| {
        params.push(Value::Text(value));
        sql.push_str(&format!(" AND {clause}?{}", params.len()));
    };
    if let Some(family) = filter.family {
        add("family = ", family.as_str().into());
    }
    if let Some(platform) = filter.platform {
        add("platform = ", platform.as_str().into());
    }
    if let Some(brand) = &filter.brand {
        add("brand = '+' || ", brand.clone());
    }
    if let Some(location) = &filter.location {
        add("location = '+' || ", location.clone());
    }
    (sql, params)
}

/// Two reads after `n` filter parameters (`clauses`): how many open rows of
/// tier `?n+3` fall due in `[?n+1, ?n+2)`, and the one most overdue at `?n+4`,
/// both on the tier index. Unfiltered, that second read is one seek; filtered,
/// [`GROUP_OLDEST_SQL`] per group replaces it (a walk in deadline order could
/// read a whole tier to find a rare brand).
fn overdue_sql(clauses: &str, n: usize) -> (String, String) {
    let (from, to, tier, now) = (n + 1, n + 2, n + 3, n + 4);
    (
        format!(
            "SELECT count(*) FROM conversations
             WHERE status = 'open' AND tier = ?{tier}
               AND due_sort >= ?{from} AND due_sort < ?{to}{clauses}"
        ),
        format!(
            "SELECT id, author, due_sort FROM conversations
             WHERE status = 'open' AND tier = ?{tier} AND due_sort < ?{now}{clauses}
             ORDER BY due_sort, id LIMIT 1"
        ),
    )
}

/// The groups of `queue_counts` a filter's counts came from, for one tier
/// (`?n+1`), after the filter's `n` parameters.
fn groups_sql(counter_clauses: &str, n: usize) -> String {
    format!(
        "SELECT DISTINCT family, platform, brand, location FROM queue_counts
         WHERE status = 'open' AND tier = ?{} AND n > 0{counter_clauses}",
        n + 1
    )
}

/// The most overdue open conversation of one group (tier, family, platform,
/// brand and location as `queue_counts` keys them) at `?7`: one seek on
/// `conversations_groups`, whose keys are the counters' own expressions.
const GROUP_OLDEST_SQL: &str = "SELECT id, author, due_sort FROM conversations
    WHERE status = 'open' AND tier = ?1 AND family = ?2 AND platform = ?3
      AND ifnull('+' || brand, '') = ?4 AND ifnull('+' || location, '') = ?5
      AND due_sort < ?6
    ORDER BY due_sort, id LIMIT 1";

fn overdue_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<OverdueItem> {
    Ok(OverdueItem {
        id: r.get(0)?,
        author: r.get(1)?,
        due_at: super::from_ms(r.get(2)?),
    })
}

/// Index 0..5 of a tier number, as `QueueCounts` holds them.
fn tier_slot(tier: i64) -> Option<usize> {
    usize::try_from(tier - 1).ok().filter(|&i| i < 5)
}

/// Count the open conversations whose deadline passed between the last sweep
/// and `now` as overdue in `queue_counts`, and move the sweep to `now` (never
/// back). Reads only those rows, on the tier index.
pub(super) fn sweep_overdue(tx: &rusqlite::Transaction<'_>, now: i64) -> Result<()> {
    let swept: i64 = tx.query_row("SELECT swept_to FROM overdue_sweep", [], |r| r.get(0))?;
    if now <= swept {
        return Ok(());
    }
    const CROSSED: &str = "SELECT status, tier, family, platform, ifnull('+' || brand, '') AS b,
             ifnull('+' || location, '') AS l, count(*) AS c
         FROM conversations
         WHERE status = 'open' AND tier IN (1, 2, 3, 4, 5) AND due_sort >= ?1 AND due_sort < ?2
         GROUP BY tier, family, platform, b, l";
    tx.prepare_cached(&format!(
        "UPDATE queue_counts SET n = n - crossed.c FROM ({CROSSED}) AS crossed
         WHERE queue_counts.status = crossed.status AND queue_counts.tier = crossed.tier
           AND queue_counts.family = crossed.family AND queue_counts.platform = crossed.platform
           AND queue_counts.brand = crossed.b AND queue_counts.location = crossed.l
           AND queue_counts.overdue = 0"
    ))?
    .execute([swept, now])?;
    tx.prepare_cached(&format!(
        "INSERT INTO queue_counts (status, tier, family, platform, brand, location, overdue, n)
         SELECT status, tier, family, platform, b, l, 1, c FROM ({CROSSED}) WHERE true
         ON CONFLICT DO UPDATE SET n = n + excluded.n"
    ))?
    .execute([swept, now])?;
    tx.execute("UPDATE overdue_sweep SET swept_to = ?1", [now])?;
    Ok(())
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

    /// Raise (or settle) the sorting tier of every overdue open conversation to
    /// what `model::sort_tier` says at `now`. Only rows whose sorting tier changes
    /// are written; the overdue rows are found on the order index. Returns how many
    /// moved.
    ///
    /// The same transaction sweeps the overdue count (`queue_counts`) up to `now`.
    pub fn refresh_order(&self, now: DateTime<Utc>, steps: &PromotionSteps) -> Result<usize> {
        let sql = refresh_order_sql();
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let moved = tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(order_params(now, steps)))?;
        sweep_overdue(&tx, to_ms(now))?;
        tx.commit()?;
        Ok(moved)
    }

    /// `refresh_order` for one conversation, due or not (after its tier changed).
    pub fn refresh_order_of(
        &self,
        id: i64,
        now: DateTime<Utc>,
        steps: &PromotionSteps,
    ) -> Result<bool> {
        let sql = format!(
            "UPDATE conversations SET sort_tier = {SORT_TIER_SQL}
             WHERE id = ?7 AND sort_tier != {SORT_TIER_SQL}"
        );
        let mut params = order_params(now, steps);
        params.push(Value::Integer(id));
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(params))?
            == 1)
    }

    /// Open conversations matching `filter` in queue order, after `after`: by
    /// sorting tier, then due time. With a tier filter every row has the same
    /// tier, and within one tier the sorting tier only rises with lateness, so
    /// the order is simply by due time (on the tier index).
    pub fn queue(
        &self,
        filter: &QueueFilter,
        after: Option<QueueKey>,
        limit: usize,
    ) -> Result<Vec<Conversation>> {
        let (sql, params) = queue_sql(filter, after, limit);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), conversation_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(classify)?;
        Ok(rows)
    }

    /// Open conversations per tier and overdue, for the filter without its tier.
    ///
    /// Read from `queue_counts` (kept by triggers, migration 9), not by counting
    /// rows: the cost follows the number of groups (tier × platform × brand ×
    /// location), not the cache. Overdue is what the last sweep counted plus the
    /// deadlines that passed since (a range on the tier index); the most overdue
    /// item of a tier is the first row of that index. One read snapshot.
    pub fn counts(&self, filter: &QueueFilter, now: DateTime<Utc>) -> Result<QueueCounts> {
        let tx = self.conn.unchecked_transaction()?;
        let swept: i64 = tx.query_row("SELECT swept_to FROM overdue_sweep", [], |r| r.get(0))?;
        let mut counts = QueueCounts::default();
        let mut overdue = [0_i64; 5];
        let (counter_clauses, counter_params) = counter_filter_sql(filter);
        let sql = format!(
            "SELECT tier, sum(n), sum(n * overdue) FROM queue_counts
             WHERE status = 'open'{counter_clauses} GROUP BY tier"
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(counter_params.iter()))?;
        while let Some(row) = rows.next()? {
            if let Some(i) = tier_slot(row.get(0)?) {
                counts.per_tier[i] = row.get(1)?;
                overdue[i] = row.get(2)?;
            }
        }
        drop(rows);
        drop(stmt);

        // Deadlines between the sweep and now: added; between now and the sweep
        // (the clock went back): taken away.
        let now_ms = to_ms(now);
        let (from, to, sign) = if now_ms >= swept {
            (swept, now_ms, 1)
        } else {
            (now_ms, swept, -1)
        };
        let (clauses, mut params) = filter_sql(filter, false);
        let n = params.len();
        params.extend([from, to, 0].map(Value::Integer));
        let tier_param = n + 3;
        let (between, oldest) = overdue_sql(&clauses, n);
        params.push(Value::Integer(now_ms));
        let mut between = tx.prepare_cached(&between)?;
        let mut oldest = tx.prepare_cached(&oldest)?;
        let filtered = !counter_params.is_empty();
        let mut groups = tx.prepare_cached(&groups_sql(&counter_clauses, n))?;
        let mut group_oldest = tx.prepare_cached(GROUP_OLDEST_SQL)?;
        for tier in Tier::ALL {
            let i = usize::from(tier.number() - 1);
            if counts.per_tier[i] == 0 {
                continue;
            }
            params[tier_param - 1] = Value::Integer(i64::from(tier.number()));
            if from < to {
                let crossed: i64 = between
                    .query_row(rusqlite::params_from_iter(&params[..tier_param]), |r| {
                        r.get(0)
                    })?;
                overdue[i] += sign * crossed;
            }
            counts.overdue += overdue[i];
            if overdue[i] == 0 {
                continue;
            }
            counts.oldest_overdue[i] = if filtered {
                let mut groups_params = counter_params.clone();
                groups_params.push(Value::Integer(i64::from(tier.number())));
                let found: Vec<[String; 4]> = groups
                    .query_map(rusqlite::params_from_iter(groups_params), |r| {
                        Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                let mut best: Option<OverdueItem> = None;
                for [family, platform, brand, location] in found {
                    let item = group_oldest
                        .query_row(
                            rusqlite::params![
                                tier.number(),
                                family,
                                platform,
                                brand,
                                location,
                                now_ms
                            ],
                            overdue_item,
                        )
                        .optional()?;
                    if let Some(item) = item
                        && best
                            .as_ref()
                            .is_none_or(|b| (item.due_at, item.id) < (b.due_at, b.id))
                    {
                        best = Some(item);
                    }
                }
                best
            } else {
                oldest
                    .query_row(rusqlite::params_from_iter(&params), overdue_item)
                    .optional()?
            };
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
    use super::*;

    /// The plan SQLite picks for `sql`, one line per step.
    fn plan(store: &Store, sql: &str, params: &[Value]) -> String {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("explain");
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .expect("plan rows");
        rows.map(|r| r.expect("plan row"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_queue_and_its_refresh_walk_the_order_index_without_sorting() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("plan.sqlite3")).expect("open");
        let key = QueueKey {
            sort_tier: 2,
            due_sort: 1_000,
            id: 7,
        };
        for after in [None, Some(key)] {
            let (sql, params) = queue_sql(&QueueFilter::default(), after, 200);
            let p = plan(&store, &sql, &params);
            assert!(p.contains("conversations_order"), "{p}");
            assert!(!p.contains("TEMP B-TREE"), "{p}");
        }
        // A tier filter reads its tier in deadline order, on the tier index.
        let tier2 = QueueFilter {
            tier: Some(Tier::Retention),
            ..QueueFilter::default()
        };
        let (sql, params) = queue_sql(&tier2, Some(key), 200);
        let p = plan(&store, &sql, &params);
        assert!(p.contains("conversations_queue"), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "{p}");
        let p = plan(
            &store,
            &refresh_order_sql(),
            &order_params(chrono::Utc::now(), &PromotionSteps::default()),
        );
        assert!(p.contains("conversations_order"), "{p}");
        assert!(!p.contains("SCAN conversations"), "{p}");
    }

    #[test]
    fn counts_read_the_counters_and_the_tier_index_without_scanning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("plan.sqlite3")).expect("open");
        let filter = QueueFilter {
            brand: Some("Acme".into()),
            location: Some("Oslo".into()),
            ..QueueFilter::default()
        };
        let (clauses, mut params) = filter_sql(&filter, false);
        let (between, oldest) = overdue_sql(&clauses, params.len());
        params.extend([0, 1_000, 2, 2_000].map(Value::Integer));
        let n = params.len();
        for (sql, params) in [(between, &params[..n - 1]), (oldest, &params[..])] {
            let p = plan(&store, &sql, params);
            assert!(p.contains("USING INDEX conversations_queue"), "{p}");
            assert!(!p.contains("TEMP B-TREE"), "{p}");
        }
        // Filtered, the most overdue item is one seek per group.
        let (counter_clauses, mut params) = counter_filter_sql(&filter);
        let p = plan(&store, &groups_sql(&counter_clauses, params.len()), &{
            params.push(Value::Integer(2));
            params
        });
        assert!(p.contains("USING PRIMARY KEY"), "{p}");
        let group = ["community", "facebook", "+Acme", "+Oslo"].map(|v| Value::Text(v.into()));
        let mut params = vec![Value::Integer(2)];
        params.extend(group);
        params.push(Value::Integer(2_000));
        let p = plan(&store, GROUP_OLDEST_SQL, &params);
        assert!(
            p.contains("USING INDEX conversations_groups (status=? AND tier=? AND family=? AND platform=? AND <expr>=? AND <expr>=? AND due_sort<?)"),
            "{p}"
        );
        assert!(!p.contains("TEMP B-TREE"), "{p}");
        // The groups index serves only the counts: a filtered tier still pages
        // in deadline order on the tier index.
        let tier_filter = QueueFilter {
            tier: Some(Tier::Revenue),
            ..filter.clone()
        };
        let (sql, params) = queue_sql(&tier_filter, None, 200);
        let p = plan(&store, &sql, &params);
        assert!(p.contains("conversations_queue"), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "{p}");
        let (clauses, params) = counter_filter_sql(&filter);
        let p = plan(
            &store,
            &format!(
                "SELECT tier, sum(n) FROM queue_counts WHERE status = 'open'{clauses} GROUP BY tier"
            ),
            &params,
        );
        assert!(!p.contains("conversations"), "{p}");
    }

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
