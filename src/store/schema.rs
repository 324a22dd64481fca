//! The cache schema, as an ordered list of migrations keyed by `PRAGMA user_version`.

use rusqlite::Connection;

/// Each entry moves the schema from version `index` to `index + 1`. Never edit a
/// shipped entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: conversations, messages with full-text search, outbox, sync cursors.
    r#"
    CREATE TABLE conversations (
        id                  INTEGER PRIMARY KEY,
        account             TEXT NOT NULL,
        platform            TEXT NOT NULL,
        family              TEXT NOT NULL,
        kind                TEXT NOT NULL,
        thread_id           TEXT NOT NULL,
        author              TEXT NOT NULL,
        context             TEXT,
        brand               TEXT,
        location            TEXT,
        status              TEXT NOT NULL DEFAULT 'open',
        snoozed_until       INTEGER,
        tier                INTEGER NOT NULL,   -- effective: override, else auto
        tier_auto           INTEGER NOT NULL,
        tier_override       INTEGER,
        tier_reason         TEXT NOT NULL DEFAULT '',
        sentiment           REAL NOT NULL DEFAULT 0,
        rating              INTEGER,
        first_unanswered_at INTEGER,            -- epoch ms, NULL when answered
        due_at              INTEGER,            -- epoch ms
        due_sort            INTEGER NOT NULL,   -- due_at, or i64::MAX when none
        ack_due_at          INTEGER,
        last_message_at     INTEGER NOT NULL,
        preview             TEXT NOT NULL DEFAULT '',
        message_count       INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, thread_id)
    );
    -- The queue: open conversations by tier, then deadline (keyset paging).
    CREATE INDEX conversations_queue ON conversations (status, tier, due_sort, id);
    -- Filter choosers list distinct values by hopping through these.
    CREATE INDEX conversations_platform ON conversations (platform);
    CREATE INDEX conversations_brand ON conversations (brand);
    CREATE INDEX conversations_location ON conversations (location);
    CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE status = 'snoozed';

    CREATE TABLE messages (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id),
        account         TEXT NOT NULL,
        platform_id     TEXT NOT NULL,
        direction       TEXT NOT NULL,
        author          TEXT NOT NULL,
        body            TEXT NOT NULL,
        sent_at         INTEGER NOT NULL,
        UNIQUE (account, platform_id)
    );
    CREATE INDEX messages_thread ON messages (conversation_id, sent_at, id);

    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        body, content = 'messages', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    -- New rows are indexed in one statement per transaction (store::ingest), not by
    -- an insert trigger: a trigger makes FTS5 flush its buffer on every row.
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;

    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id),
        message_id      INTEGER REFERENCES messages (id),
        account         TEXT NOT NULL,
        action          TEXT NOT NULL DEFAULT 'reply',  -- reply, hide, unhide, delete, delete_reply
        body            TEXT NOT NULL,
        target_id       TEXT,               -- platform id of the message acted on
        -- queued → sending → sent | failed (user must act) | unknown (crashed mid-send
        -- and the platform cannot tell: the user decides) | dismissed
        state           TEXT NOT NULL,
        platform_id     TEXT,
        error           TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE INDEX outbox_state ON outbox (state, account);

    CREATE TABLE account_state (
        account         TEXT PRIMARY KEY,
        platform        TEXT NOT NULL,
        state           TEXT NOT NULL,      -- ok, syncing, offline, rate-limited, needs-reauth, error
        last_sync_at    INTEGER,
        next_attempt_at INTEGER,
        last_error      TEXT,
        updated_at      INTEGER NOT NULL
    );

    CREATE TABLE sync_cursors (
        account TEXT NOT NULL,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (account, key)
    );
    "#,
    // 2: the application core: scheduled sends, moderation reasons and strikes,
    // recorded guard overrides, tier overrides kept as labelled examples, alerts.
    r#"
    ALTER TABLE outbox ADD COLUMN send_after INTEGER;     -- epoch ms; NULL = as soon as possible
    ALTER TABLE outbox ADD COLUMN reason TEXT;            -- moderation reason word
    ALTER TABLE outbox ADD COLUMN author TEXT;            -- the moderated author (strike actions)
    CREATE INDEX outbox_due ON outbox (account, state, send_after);

    -- Longest reply an account takes when the platform says (Mastodon's max_characters).
    ALTER TABLE account_state ADD COLUMN reply_limit INTEGER;

    CREATE TABLE strikes (
        id              INTEGER PRIMARY KEY,
        account         TEXT NOT NULL,
        author          TEXT NOT NULL,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id),
        target_id       TEXT,               -- platform id of the moderated message
        action          TEXT NOT NULL,      -- hide, delete
        reason          TEXT NOT NULL,      -- hate, troll, spam, promo, other
        step            TEXT NOT NULL,      -- none, warning, suspension, ban
        enforced_by     INTEGER REFERENCES outbox (id),  -- the outbox item carrying the step
        reminder        TEXT,               -- what the user must do by hand, when the platform cannot
        created_at      INTEGER NOT NULL
    );
    CREATE INDEX strikes_author ON strikes (account, author);

    CREATE TABLE guard_overrides (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id),
        outbox_id       INTEGER REFERENCES outbox (id),
        guard           TEXT NOT NULL,
        message         TEXT NOT NULL,
        created_at      INTEGER NOT NULL
    );

    -- Every manual tier choice, with the text it was made on: labelled examples of
    -- this user's stream, for learning.
    CREATE TABLE tier_examples (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id),
        tier_auto       INTEGER NOT NULL,
        tier            INTEGER,            -- NULL: the override was cleared
        text            TEXT NOT NULL,
        created_at      INTEGER NOT NULL
    );

    -- One alert per inbound message, so a re-sync never rings twice.
    CREATE TABLE alerts (
        message_id      INTEGER PRIMARY KEY REFERENCES messages (id),
        conversation_id INTEGER NOT NULL,
        why             TEXT NOT NULL,
        created_at      INTEGER NOT NULL
    );
    "#,
    // 3: drafts survive quitting, a crash or a signal.
    r#"
    CREATE TABLE drafts (
        conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
        body            TEXT NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    "#,
    // 4: what the platform shows of each message (hidden, deleted, replaced by an
    // edit, a reply still in moderation or refused), and an account's hints: what
    // the user must do to restore access, and why polling is slower than asked.
    r#"
    -- visible, hidden, deleted, replaced, pending, rejected (model::MessageState).
    -- Only visible messages decide whether a conversation is answered.
    ALTER TABLE messages ADD COLUMN platform_state TEXT NOT NULL DEFAULT 'visible';

    ALTER TABLE account_state ADD COLUMN fix TEXT;      -- what restores access (needs-permission)
    ALTER TABLE account_state ADD COLUMN note TEXT;     -- why the next poll is later than poll_seconds
    "#,
    // 5: the full-text index holds cleaned text (what the screen shows), so a word
    // hidden in an escape sequence finds nothing. The delete trigger removes the
    // same cleaned text, and caches indexed before this are rebuilt.
    // (`hearth_clean` is registered on every connection by `Store`.)
    r#"
    DROP TRIGGER messages_fts_delete;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
        VALUES ('delete', old.id, hearth_clean(old.body));
    END;
    INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
    INSERT INTO messages_fts (rowid, body) SELECT id, hearth_clean(body) FROM messages;
    "#,
    // 6: an order that cannot bury a complaint, holding replies, refused sends.
    r#"
    -- The tier the queue sorts by: the tier, raised one step per response target an
    -- open conversation has overrun (model::sort_tier). Reset to the tier whenever
    -- the tier or the deadline changes; raised by Store::refresh_order. The queue
    -- pages on (status, sort_tier, due_sort, id); the trailing tier lets the
    -- refresh decide from the index alone, without reading the rows that stay.
    ALTER TABLE conversations ADD COLUMN sort_tier INTEGER NOT NULL DEFAULT 5;
    UPDATE conversations SET sort_tier = tier;
    CREATE INDEX conversations_order ON conversations (status, sort_tier, due_sort, id, tier);

    -- When a holding reply acknowledged the unanswered messages (epoch ms).
    ALTER TABLE conversations ADD COLUMN acknowledged_at INTEGER;
    -- Why the platform refused our latest reply, while nothing answered since.
    ALTER TABLE conversations ADD COLUMN send_error TEXT;
    -- When the customer last wrote (Meta's messaging window runs from it).
    ALTER TABLE conversations ADD COLUMN last_inbound_at INTEGER;
    UPDATE conversations SET last_inbound_at = (
        SELECT max(sent_at) FROM messages
        WHERE conversation_id = conversations.id AND direction = 'inbound');

    -- 1: an outbound holding reply (it meets the acknowledgment target, not the
    -- response target); 0 for everything else.
    ALTER TABLE messages ADD COLUMN acknowledgment INTEGER NOT NULL DEFAULT 0;

    -- A reply's delivery decides whether it answers: found from its message.
    CREATE INDEX outbox_message ON outbox (message_id);
    "#,
    // 7: previews that show what the customer is waiting about, and locations by brand.
    r#"
    -- 1: the preview was chosen by an older rule (the latest message, even a "?"
    -- or "bump"); Store::refresh_stale_previews recomputes it with the assessor,
    -- in batches, and ingest clears it. Only conversations waiting on us change.
    ALTER TABLE conversations ADD COLUMN preview_stale INTEGER NOT NULL DEFAULT 0;
    UPDATE conversations SET preview_stale = 1 WHERE first_unanswered_at IS NOT NULL;
    CREATE INDEX conversations_preview_stale ON conversations (id) WHERE preview_stale = 1;

    -- The location filter offers the selected brand's locations: a skip-scan per
    -- brand. It also serves every lookup the brand index did.
    CREATE INDEX conversations_brand_location ON conversations (brand, location);
    DROP INDEX conversations_brand;
    "#,
    // 8: learning from overrides. Triage learns from each conversation's latest
    // tier example; a reset forgets the examples up to `after_example` (the
    // override history itself stays, for the backtest).
    r#"
    CREATE TABLE learning_resets (
        id              INTEGER PRIMARY KEY,
        after_example   INTEGER NOT NULL,   -- tier_examples.id; this one and older are forgotten
        created_at      INTEGER NOT NULL
    );
    CREATE INDEX tier_examples_conversation ON tier_examples (conversation_id, id);
    "#,
    // 9: counts that do not grow with the cache. The status bar's counts (per
    // tier, overdue) are kept in `queue_counts`, one row per group of
    // conversations a filter can tell apart, by triggers on `conversations`: every
    // write path keeps them exact in its own transaction. Overdue depends on the
    // clock: a row counts as overdue in the table once a sweep
    // (`Store::refresh_order`) has passed its deadline (`overdue_sweep`); the
    // read adds the few rows that fell due since, on the tier index.
    r#"
    CREATE TABLE overdue_sweep (swept_to INTEGER NOT NULL);  -- epoch ms
    INSERT INTO overdue_sweep (swept_to) VALUES (CAST(unixepoch('subsec') * 1000 AS INTEGER));

    -- brand and location are stored as '+' || value, or '' for none (a UNIQUE
    -- key treats NULLs as distinct, so a NULL could not be upserted).
    -- overdue: 1 for an open conversation whose deadline the sweep has passed.
    CREATE TABLE queue_counts (
        status   TEXT NOT NULL,
        tier     INTEGER NOT NULL,
        family   TEXT NOT NULL,
        platform TEXT NOT NULL,
        brand    TEXT NOT NULL,
        location TEXT NOT NULL,
        overdue  INTEGER NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (status, tier, family, platform, brand, location, overdue)
    ) WITHOUT ROWID;

    CREATE TRIGGER queue_counts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO queue_counts (status, tier, family, platform, brand, location, overdue, n)
        VALUES (new.status, new.tier, new.family, new.platform,
                ifnull('+' || new.brand, ''), ifnull('+' || new.location, ''),
                new.status = 'open' AND new.due_sort < (SELECT swept_to FROM overdue_sweep), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER queue_counts_delete AFTER DELETE ON conversations BEGIN
        UPDATE queue_counts SET n = n - 1
        WHERE status = old.status AND tier = old.tier AND family = old.family
          AND platform = old.platform AND brand = ifnull('+' || old.brand, '')
          AND location = ifnull('+' || old.location, '')
          AND overdue = (old.status = 'open'
                         AND old.due_sort < (SELECT swept_to FROM overdue_sweep));
    END;
    CREATE TRIGGER queue_counts_update
    AFTER UPDATE OF status, tier, family, platform, brand, location, due_sort ON conversations
    WHEN old.status IS NOT new.status OR old.tier IS NOT new.tier
      OR old.family IS NOT new.family OR old.platform IS NOT new.platform
      OR old.brand IS NOT new.brand OR old.location IS NOT new.location
      OR old.due_sort IS NOT new.due_sort
    BEGIN
        UPDATE queue_counts SET n = n - 1
        WHERE status = old.status AND tier = old.tier AND family = old.family
          AND platform = old.platform AND brand = ifnull('+' || old.brand, '')
          AND location = ifnull('+' || old.location, '')
          AND overdue = (old.status = 'open'
                         AND old.due_sort < (SELECT swept_to FROM overdue_sweep));
        INSERT INTO queue_counts (status, tier, family, platform, brand, location, overdue, n)
        VALUES (new.status, new.tier, new.family, new.platform,
                ifnull('+' || new.brand, ''), ifnull('+' || new.location, ''),
                new.status = 'open' AND new.due_sort < (SELECT swept_to FROM overdue_sweep), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;

    -- The most overdue conversation of one group (a row of queue_counts), found
    -- in one seek: a filtered status bar looks through its groups instead of
    -- walking a tier in deadline order until a row matches. The keys are the
    -- counters' own expressions, so no other query picks this index.
    CREATE INDEX conversations_groups ON conversations (status, tier, family, platform,
        ifnull('+' || brand, ''), ifnull('+' || location, ''), due_sort, id);

    -- Existing caches: every conversation counted once, swept to now.
    INSERT INTO queue_counts (status, tier, family, platform, brand, location, overdue, n)
    SELECT status, tier, family, platform, ifnull('+' || brand, ''),
           ifnull('+' || location, ''),
           status = 'open' AND due_sort < (SELECT swept_to FROM overdue_sweep), count(*)
    FROM conversations GROUP BY 1, 2, 3, 4, 5, 6, 7;
    "#,
    // 10: one person across platforms. The keys that suggest two identities (an
    // author on a platform) are one person, normalised by `model::identity`, and
    // what the user said about a pair (linked, or "not the same": distinct).
    r#"
    CREATE TABLE identity_keys (
        kind     TEXT NOT NULL,     -- name, email, phone (model::KeyKind)
        value    TEXT NOT NULL,     -- normalised (model::name_key, contact_keys)
        platform TEXT NOT NULL,
        author   TEXT NOT NULL,
        PRIMARY KEY (kind, value, platform, author)
    ) WITHOUT ROWID;
    CREATE INDEX identity_keys_identity ON identity_keys (platform, author);

    -- One row per pair, (a, b) in model::Identity::ordered order.
    CREATE TABLE identity_links (
        a_platform TEXT NOT NULL,
        a_author   TEXT NOT NULL,
        b_platform TEXT NOT NULL,
        b_author   TEXT NOT NULL,
        state      TEXT NOT NULL,   -- linked, distinct (model::LinkState)
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (a_platform, a_author, b_platform, b_author)
    ) WITHOUT ROWID;
    CREATE INDEX identity_links_b ON identity_links (b_platform, b_author);

    -- A person's other conversations, found by identity.
    CREATE INDEX conversations_author ON conversations (platform, author);

    -- The keys of what is already cached (the same statements as
    -- store::identity::index_identities_after, from the first message).
    INSERT OR IGNORE INTO identity_keys (kind, value, platform, author)
    SELECT 'name', hearth_name_key(author), platform, author FROM conversations
    WHERE author != '' AND hearth_name_key(author) IS NOT NULL;
    INSERT OR IGNORE INTO identity_keys (kind, value, platform, author)
    SELECT json_extract(k.value, '$[0]'), json_extract(k.value, '$[1]'), c.platform, c.author
    FROM messages m JOIN conversations c ON c.id = m.conversation_id,
         json_each(hearth_contact_keys(m.body)) k
    WHERE m.direction = 'inbound' AND c.author != '';
    "#,
    // 11: leads. One row per conversation that is a lead and has been written to
    // (a tier-1 conversation is a lead before it has a row). The stage is a
    // `model::LeadStage` word; money is integer minor units with its ISO code.
    r#"
    CREATE TABLE leads (
        conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
        stage           TEXT NOT NULL DEFAULT 'new',
        need            TEXT,
        timeline        TEXT,
        timeline_on     TEXT,               -- YYYY-MM-DD, when the timeline is a day
        budget          TEXT,
        location        TEXT,
        value_minor     INTEGER,            -- estimated value, minor units
        value_currency  TEXT,               -- ISO 4217, e.g. 'EUR'
        email           TEXT,
        phone           TEXT,
        crm_contact_id  TEXT,               -- filled by the CRM hand-off
        crm_deal_id     TEXT,
        created_at      INTEGER NOT NULL,   -- epoch ms
        updated_at      INTEGER NOT NULL,
        CHECK ((value_minor IS NULL) = (value_currency IS NULL))
    );
    CREATE INDEX leads_stage ON leads (stage, updated_at);
    "#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(
        "the cache is at schema version {found}, newer than this hearth understands ({CURRENT_VERSION}); upgrade hearth"
    )]
    TooNew { found: i64 },
    #[error(
        "the cache is at schema version {found}, which hearth never writes; is it a hearth cache?"
    )]
    Unknown { found: i64 },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Bring the database up to `CURRENT_VERSION` in one transaction that holds the
/// write lock, so two processes opening a new cache at once do not both migrate.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrationError> {
    // Migration 5 uses hearth's SQL functions; a connection may come without them.
    super::register_functions(conn)?;
    let version = |c: &Connection| -> rusqlite::Result<i64> {
        c.pragma_query_value(None, "user_version", |r| r.get(0))
    };
    if version(conn)? == CURRENT_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    if found > CURRENT_VERSION {
        return Err(MigrationError::TooNew { found });
    }
    // A negative version is not ours: skipping "that many" would mark a cache
    // without tables as migrated.
    let applied = usize::try_from(found).map_err(|_| MigrationError::Unknown { found })?;
    for sql in MIGRATIONS.iter().skip(applied) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", CURRENT_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_10_records_the_identity_keys_of_a_cache_made_before_it() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        super::super::register_functions(&conn).expect("functions");
        for sql in &MIGRATIONS[..9] {
            conn.execute_batch(sql).expect("older migration");
        }
        conn.pragma_update(None, "user_version", 9)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO conversations (id, account, platform, family, kind, thread_id, author,
                 tier, tier_auto, due_sort, last_message_at)
             VALUES (1, 'a', 'facebook', 'community', 'dm', 't1', 'Dana Whitfield', 2, 2, 1, 1),
                    (2, 'b', 'mastodon', 'community', 'dm', 't2', '@dw', 2, 2, 1, 1);
             INSERT INTO messages (conversation_id, account, platform_id, direction, author,
                 body, sent_at)
             VALUES (1, 'a', 'm1', 'inbound', 'Dana Whitfield', 'mail dana@example.com', 1),
                    (2, 'b', 'm2', 'inbound', '@dw', 'call 0151 2345 6789', 2),
                    (2, 'b', 'm3', 'outbound', 'us', 'or us: shop@example.com', 3);",
        )
        .expect("version 9 rows");
        migrate(&mut conn).expect("migrate");
        let keys: Vec<(String, String, String)> = conn
            .prepare("SELECT kind, value, author FROM identity_keys ORDER BY kind, value")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read");
        let key = |k: &str, v: &str, a: &str| (k.to_string(), v.to_string(), a.to_string());
        assert_eq!(
            keys,
            vec![
                key("email", "dana@example.com", "Dana Whitfield"),
                key("name", "dana whitfield", "Dana Whitfield"),
                key("phone", "123456789", "@dw"),
            ],
            "inbound text only; a handle has no name key"
        );
    }

    #[test]
    fn migration_4_fills_the_sorting_tier_and_the_last_inbound_time() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).expect("older migration");
        }
        conn.pragma_update(None, "user_version", 3)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO conversations (id, account, platform, family, kind, thread_id, author,
                 tier, tier_auto, due_sort, last_message_at)
             VALUES (1, 'a', 'facebook', 'community', 'dm', 't1', 'Dana', 2, 2, 100, 300),
                    (2, 'a', 'facebook', 'community', 'dm', 't2', 'Eli', 4, 4, 100, 50);
             INSERT INTO messages (conversation_id, account, platform_id, direction, author,
                 body, sent_at)
             VALUES (1, 'a', 'm1', 'inbound', 'Dana', 'broken', 100),
                    (1, 'a', 'm2', 'inbound', 'Dana', 'hello?', 200),
                    (1, 'a', 'm3', 'outbound', 'us', 'sorry', 300);",
        )
        .expect("version 3 rows");
        migrate(&mut conn).expect("migrate");
        let rows: Vec<(i64, i64, Option<i64>)> = conn
            .prepare("SELECT tier, sort_tier, last_inbound_at FROM conversations ORDER BY id")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read");
        assert_eq!(rows, vec![(2, 2, Some(200)), (4, 4, None)]);
        let holding: i64 = conn
            .query_row("SELECT sum(acknowledgment) FROM messages", [], |r| r.get(0))
            .expect("flag");
        assert_eq!(holding, 0, "no message was a holding reply before");
        let indexes: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index'
                 AND name IN ('conversations_order', 'outbox_message')",
                [],
                |r| r.get(0),
            )
            .expect("indexes");
        assert_eq!(indexes, 2);
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(version, CURRENT_VERSION);
    }

    #[test]
    fn migration_7_marks_the_previews_of_waiting_conversations_stale() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        super::super::register_functions(&conn).expect("functions");
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).expect("older migration");
        }
        conn.pragma_update(None, "user_version", 6)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO conversations (id, account, platform, family, kind, thread_id, author,
                 tier, tier_auto, due_sort, last_message_at, first_unanswered_at, preview, brand)
             VALUES (1, 'a', 'facebook', 'community', 'dm', 't1', 'Dana', 2, 2, 100, 300, 200,
                     'bump', 'Acme'),
                    (2, 'a', 'facebook', 'community', 'dm', 't2', 'Eli', 4, 4, 100, 50, NULL,
                     'thanks', 'Acme');",
        )
        .expect("version 6 rows");
        migrate(&mut conn).expect("migrate");
        let stale: Vec<i64> = conn
            .prepare("SELECT id FROM conversations WHERE preview_stale = 1")
            .expect("select")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read");
        assert_eq!(stale, vec![1], "only a conversation waiting on us");
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT min(location) FROM conversations
                 WHERE brand = 'Acme' AND location > ''",
                [],
                |r| r.get(3),
            )
            .expect("plan");
        assert!(plan.contains("conversations_brand_location"), "{plan}");
    }

    #[test]
    fn migration_9_backfills_the_counters_of_an_existing_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v6.sqlite3");
        {
            let mut conn = Connection::open(&path).expect("file db");
            super::super::register_functions(&conn).expect("functions");
            for sql in &MIGRATIONS[..8] {
                conn.execute_batch(sql).expect("older migration");
            }
            conn.pragma_update(None, "user_version", 8)
                .expect("version");
            let tx = conn.transaction().expect("tx");
            // 9 conversations: three statuses, two tiers, brand and location
            // sometimes missing; all overdue at t = 1000.
            for i in 0..9_i64 {
                tx.execute(
                    "INSERT INTO conversations (id, account, platform, family, kind, thread_id,
                         author, brand, location, status, tier, tier_auto, due_sort,
                         last_message_at)
                     VALUES (?1, 'a', 'facebook', 'community', 'dm', 't' || ?1, 'Dana',
                         CASE WHEN ?1 % 3 = 0 THEN NULL ELSE 'Acme' END,
                         CASE WHEN ?1 % 2 = 0 THEN 'Oslo' END,
                         CASE ?1 % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'open' ELSE 'done' END,
                         1 + ?1 % 2, 1 + ?1 % 2, 100 + ?1, 50)",
                    [i],
                )
                .expect("v8 row");
            }
            tx.commit().expect("commit");
        }
        let store = crate::store::Store::open(&path).expect("migrate");
        let at = |ms: i64| super::super::from_ms(ms);
        let counts = store
            .counts(&crate::model::QueueFilter::default(), at(1000))
            .expect("counts");
        // Open: ids 0, 1, 3, 4, 6, 7 → tier 1 (even): 0, 4, 6; tier 2 (odd): 1, 3, 7.
        assert_eq!(counts.per_tier, [3, 3, 0, 0, 0]);
        assert_eq!(counts.overdue, 6);
        assert_eq!(counts.oldest_overdue[1].as_ref().map(|o| o.id), Some(1));
        let acme_oslo = crate::model::QueueFilter {
            brand: Some("Acme".into()),
            location: Some("Oslo".into()),
            ..crate::model::QueueFilter::default()
        };
        // Open with brand and location: id 4 (1 % 3 ≠ 0, even).
        let counts = store.counts(&acme_oslo, at(1000)).expect("counts");
        assert_eq!(counts.per_tier, [1, 0, 0, 0, 0]);
        let groups: i64 = store
            .conn
            .query_row("SELECT sum(n) FROM queue_counts", [], |r| r.get(0))
            .expect("sum");
        assert_eq!(
            groups, 9,
            "every conversation counted once, whatever its status"
        );
        let swept: i64 = store
            .conn
            .query_row("SELECT sum(n * overdue) FROM queue_counts", [], |r| {
                r.get(0)
            })
            .expect("sum");
        assert_eq!(
            swept, 6,
            "swept at migration: its open rows are overdue in the table"
        );
    }
}
