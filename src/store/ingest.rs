//! Ingest: upsert a page of messages and the cursor it advances in one transaction,
//! then bring every touched conversation's derived state (status, tier, due times,
//! preview) up to date.

use super::{Result, Store, from_ms, to_ms};
use crate::model::{
    Assess, AssessInput, Direction, IngestPage, MessageState, PageFacts, Status, Sweep,
};
use rusqlite::{OptionalExtension, Transaction};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one `ingest` call changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Messages that were new to the cache.
    pub inserted: usize,
    /// Messages the cache already had (same account and platform id).
    pub duplicates: usize,
    /// Conversations whose state was recomputed, by id.
    pub touched: Vec<i64>,
}

/// How much unanswered text triage reads: the newest messages matter most, and a
/// 1 MB message must not slow ingest down.
const ASSESS_TEXT_LIMIT: usize = 4096;
const PREVIEW_LIMIT: usize = 200;

/// Local outbound messages carry this id until the platform answers with its own
/// (`record_reply`); facts about the platform's copy never touch them.
const LOCAL_ID_PREFIX: &str = "hearth-outbox-";

impl Store {
    /// Upsert `page` idempotently by (account, platform id). Ingesting the same page
    /// twice changes nothing the second time.
    pub fn ingest(&mut self, page: &IngestPage, assess: &dyn Assess) -> Result<IngestStats> {
        self.ingest_with(page, None, assess)
    }

    /// [`Store::ingest`], then `facts` (for `account`) in the same transaction:
    /// how the platform shows messages now. A conversation whose answer the facts
    /// take away (a reply deleted or refused, a comment unhidden) goes back to the
    /// queue; one left with nothing to answer (all hidden or deleted) leaves it.
    pub fn ingest_with(
        &mut self,
        page: &IngestPage,
        facts: Option<(&str, &PageFacts)>,
        assess: &dyn Assess,
    ) -> Result<IngestStats> {
        // IMMEDIATE: take the write lock up front, so a concurrent writer waits
        // (busy timeout) instead of failing mid-transaction.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let indexed_up_to = last_message_id(&tx)?;
        let mut stats = IngestStats::default();
        let mut touched = BTreeSet::new();
        {
            let mut upsert_conversation = tx.prepare_cached(
                "INSERT INTO conversations (account, platform, family, kind, thread_id, author,
                     context, brand, location, rating, tier, tier_auto, due_sort, last_message_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 5, 5, 9223372036854775807, ?11)
                 ON CONFLICT (account, thread_id) DO UPDATE SET
                     author = CASE WHEN conversations.author = '' THEN excluded.author
                                   ELSE conversations.author END,
                     context = COALESCE(excluded.context, conversations.context),
                     brand = COALESCE(excluded.brand, conversations.brand),
                     location = COALESCE(excluded.location, conversations.location),
                     rating = COALESCE(excluded.rating, conversations.rating)
                 RETURNING id",
            )?;
            let mut insert_message = tx.prepare_cached(
                "INSERT INTO messages (conversation_id, account, platform_id, direction, author, body, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (account, platform_id) DO NOTHING",
            )?;
            // The thread a known message already belongs to.
            let mut known_thread = tx.prepare_cached(
                "SELECT c.thread_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.account = ?1 AND m.platform_id = ?2",
            )?;
            // One upsert per conversation per page, not per message: most pages carry
            // several messages of the same thread.
            let mut seen: HashMap<(&str, &str), (i64, bool)> = HashMap::new();
            for m in &page.messages {
                // A message is keyed by (account, id). Seen before under another
                // thread, it is a duplicate, and its new thread id must not create
                // (or touch) a conversation it will never be part of.
                let elsewhere = known_thread
                    .query_row((&m.account, &m.platform_id), |r| r.get::<_, String>(0))
                    .optional()?
                    .is_some_and(|thread| thread != m.thread_id);
                if elsewhere {
                    stats.duplicates += 1;
                    continue;
                }
                let customer = match m.direction {
                    Direction::Inbound => m.author.as_str(),
                    Direction::Outbound => "",
                };
                let key = (m.account.as_str(), m.thread_id.as_str());
                // Upsert again only if this message can still fill in the customer's name.
                let known = seen
                    .get(&key)
                    .filter(|(_, named)| *named || customer.is_empty());
                let conversation_id: i64 = if let Some(&(id, _)) = known {
                    id
                } else {
                    let id = upsert_conversation.query_row(
                        rusqlite::params![
                            m.account,
                            m.platform.as_str(),
                            m.kind.family().as_str(),
                            m.kind.as_str(),
                            m.thread_id,
                            customer,
                            m.context,
                            m.brand,
                            m.location,
                            m.rating,
                            to_ms(m.sent_at),
                        ],
                        |r| r.get(0),
                    )?;
                    seen.insert(key, (id, !customer.is_empty()));
                    id
                };
                let added = insert_message.execute(rusqlite::params![
                    conversation_id,
                    m.account,
                    m.platform_id,
                    m.direction.as_str(),
                    m.author,
                    m.body,
                    to_ms(m.sent_at),
                ])?;
                if added == 1 {
                    stats.inserted += 1;
                    touched.insert(conversation_id);
                } else {
                    stats.duplicates += 1;
                }
            }
        }
        index_messages_after(&tx, indexed_up_to)?;
        super::identity::index_identities_after(&tx, indexed_up_to)?;
        if let Some(cursor) = &page.cursor {
            tx.execute(
                "INSERT INTO sync_cursors (account, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account, key) DO UPDATE SET value = excluded.value",
                (&cursor.account, &cursor.key, &cursor.value),
            )?;
        }
        // Conversations the facts changed, and whether the change asks for an answer.
        let mut changed: BTreeMap<i64, bool> = BTreeMap::new();
        if let Some((account, facts)) = facts {
            for sweep in &facts.sweeps {
                apply_sweep(&tx, account, sweep, &mut changed)?;
            }
            for (platform_id, state) in &facts.states {
                apply_state(&tx, account, platform_id, *state, &mut changed)?;
            }
        }
        for &id in &touched {
            refresh_conversation(&tx, id, Some(assess), true)?;
        }
        for (&id, &reopen) in &changed {
            if !touched.contains(&id) {
                refresh_conversation(&tx, id, Some(assess), reopen)?;
            }
        }
        // Syncing keeps the overdue count swept, TUI or not (`queue_counts`).
        super::queue::sweep_overdue(&tx, to_ms(chrono::Utc::now()))?;
        tx.commit()?;
        touched.extend(changed.keys());
        stats.touched = touched.into_iter().collect();
        Ok(stats)
    }
}

/// Whether moving a `direction` message to `state` may leave the customer waiting
/// for an answer again: their text became visible, or our answer stopped counting.
fn asks_for_answer(direction: &str, state: MessageState) -> bool {
    (direction == "inbound") == (state == MessageState::Visible)
}

fn note_change(changed: &mut BTreeMap<i64, bool>, conversation: i64, reopen: bool) {
    let entry = changed.entry(conversation).or_insert(false);
    *entry |= reopen;
}

/// One [`Sweep`]: messages of the thread under the prefix that the platform no
/// longer shows take `others`; kept ones that were gone are visible again.
fn apply_sweep(
    tx: &Transaction,
    account: &str,
    sweep: &Sweep,
    changed: &mut BTreeMap<i64, bool>,
) -> Result<()> {
    let conversation: Option<i64> = tx
        .prepare_cached("SELECT id FROM conversations WHERE account = ?1 AND thread_id = ?2")?
        .query_row((account, &sweep.thread_id), |r| r.get(0))
        .optional()?;
    let Some(conversation) = conversation else {
        return Ok(());
    };
    let rows: Vec<(i64, String, String, String)> = tx
        .prepare_cached(
            "SELECT id, platform_id, direction, platform_state FROM messages
             WHERE conversation_id = ?1",
        )?
        .query_map([conversation], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, platform_id, direction, state) in rows {
        if !platform_id.starts_with(&sweep.prefix) || platform_id.starts_with(LOCAL_ID_PREFIX) {
            continue;
        }
        let old: MessageState = state.parse().unwrap_or(MessageState::Visible);
        let new = if sweep.keep.contains(&platform_id) {
            match old {
                MessageState::Deleted | MessageState::Replaced => MessageState::Visible,
                other => other,
            }
        } else {
            sweep.others
        };
        if new != old {
            tx.prepare_cached("UPDATE messages SET platform_state = ?2 WHERE id = ?1")?
                .execute((id, new.as_str()))?;
            note_change(changed, conversation, asks_for_answer(&direction, new));
        }
    }
    Ok(())
}

fn apply_state(
    tx: &Transaction,
    account: &str,
    platform_id: &str,
    state: MessageState,
    changed: &mut BTreeMap<i64, bool>,
) -> Result<()> {
    let hit: Option<(i64, String)> = tx
        .prepare_cached(
            "UPDATE messages SET platform_state = ?3
             WHERE account = ?1 AND platform_id = ?2 AND platform_state != ?3
             RETURNING conversation_id, direction",
        )?
        .query_row((account, platform_id, state.as_str()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((conversation, direction)) = hit {
        note_change(changed, conversation, asks_for_answer(&direction, state));
    }
    Ok(())
}

/// A conversation's stored facts plus what its messages say now.
struct RefreshRow {
    platform: String,
    kind: String,
    rating: Option<i64>,
    status: String,
    tier_override: Option<i64>,
    assessed: bool,
    first_unanswered: Option<i64>,
    acknowledged: Option<i64>,
    send_error: Option<String>,
    last_inbound: Option<i64>,
    count: i64,
    last_body: String,
    last_at: i64,
}

/// The highest message id so far; rows above it are new in this transaction.
pub(super) fn last_message_id(tx: &Transaction) -> Result<i64> {
    Ok(
        tx.query_row("SELECT COALESCE(max(id), 0) FROM messages", [], |r| {
            r.get(0)
        })?,
    )
}

/// Add messages inserted after `after` to the full-text index.
///
/// The index holds the text as the user sees it (`sanitize`d), not as stored:
/// a word hidden inside an escape sequence (an OSC title, a DCS payload) is
/// never on screen, so a search must not find the message by it.
pub(super) fn index_messages_after(tx: &Transaction, after: i64) -> Result<()> {
    // One statement per page: FTS5 flushes its buffer per statement, not per row.
    tx.prepare_cached(
        "INSERT INTO messages_fts (rowid, body)
         SELECT id, hearth_clean(body) FROM messages WHERE id > ?1",
    )?
    .execute([after])?;
    Ok(())
}

/// Recompute a conversation's derived columns from its messages.
///
/// What answers the customer: an outbound message that is not a holding reply
/// (`messages.acknowledgment`) and whose outbox item, if hearth sent it, was not
/// refused or given up on (`failed`, `dismissed`). A reply still queued or in
/// flight answers provisionally; if the platform refuses it, the engine calls
/// this again and the conversation is back. A holding reply after the last
/// answer sets `acknowledged_at`; a refused reply after it sets `send_error`.
///
/// `reopen` brings a waiting or done conversation back to the queue when it is
/// unanswered now: the customer wrote again, or our reply was refused. Without
/// an assessor the stored tier and deadline are kept.
pub(super) fn refresh_conversation(
    tx: &Transaction,
    id: i64,
    assess: Option<&dyn Assess>,
    reopen: bool,
) -> Result<()> {
    // Everything the refresh needs, in one statement (this runs once per touched
    // conversation per page, so statement count matters for sync throughput).
    let row = tx
        .prepare_cached(
            // Only visible messages answer or ask (a hidden comment needs no answer,
            // a refused reply is none); replaced versions are history, not messages.
            // A holding reply acknowledges but does not answer; a reply the platform
            // refused (or the user dismissed) answers nothing.
            "WITH lo AS (SELECT max(m.sent_at) AS t FROM messages m
                         WHERE m.conversation_id = ?1 AND m.direction = 'outbound'
                           AND m.platform_state = 'visible'
                           AND m.acknowledgment = 0
                           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id
                                           AND o.state IN ('failed', 'dismissed'))),
                  latest AS (SELECT body, sent_at FROM messages WHERE conversation_id = ?1
                               AND platform_state != 'replaced'
                             ORDER BY sent_at DESC, id DESC LIMIT 1)
             SELECT c.platform, c.kind, c.rating, c.status, c.tier_override, c.tier_reason != '',
                    (SELECT min(sent_at) FROM messages
                     WHERE conversation_id = ?1 AND direction = 'inbound'
                       AND platform_state = 'visible'
                       AND sent_at > COALESCE(lo.t, -9223372036854775808)),
                    (SELECT min(m.sent_at) FROM messages m
                     WHERE m.conversation_id = ?1 AND m.direction = 'outbound'
                       AND m.acknowledgment = 1
                       AND m.sent_at > COALESCE(lo.t, -9223372036854775808)
                       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id
                                       AND o.state IN ('failed', 'dismissed'))),
                    (SELECT o.error FROM messages m JOIN outbox o ON o.message_id = m.id
                     WHERE m.conversation_id = ?1 AND m.direction = 'outbound'
                       AND o.state = 'failed'
                       AND m.sent_at > COALESCE(lo.t, -9223372036854775808)
                     ORDER BY m.sent_at DESC, m.id DESC LIMIT 1),
                    (SELECT max(sent_at) FROM messages
                     WHERE conversation_id = ?1 AND direction = 'inbound'
                       AND platform_state = 'visible'),
                    (SELECT count(*) FROM messages WHERE conversation_id = ?1
                       AND platform_state != 'replaced'),
                    latest.body, latest.sent_at
             FROM conversations c JOIN lo LEFT JOIN latest
             WHERE c.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(RefreshRow {
                platform: r.get(0)?,
                kind: r.get(1)?,
                rating: r.get(2)?,
                status: r.get(3)?,
                tier_override: r.get(4)?,
                assessed: r.get(5)?,
                first_unanswered: r.get(6)?,
                acknowledged: r.get(7)?,
                send_error: r.get(8)?,
                last_inbound: r.get(9)?,
                count: r.get(10)?,
                last_body: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                last_at: r.get::<_, Option<i64>>(12)?.unwrap_or(0),
            })
        })?;
    let RefreshRow {
        platform,
        kind,
        rating,
        status,
        tier_override,
        assessed,
        first_unanswered,
        acknowledged,
        send_error,
        last_inbound,
        count,
        last_body,
        last_at,
    } = row;
    let (platform, kind, rating) = assess_facts(&platform, &kind, rating);

    let old_status: Status = status.parse().unwrap_or(Status::Open);
    let Some(first_unanswered) = first_unanswered else {
        // Everything is answered: out of the queue until the customer writes again.
        // The preview is the latest message, whoever wrote it.
        let preview = preview_of(&last_body);
        let new_status = match old_status {
            Status::Open => Status::Waiting,
            other => other,
        };
        tx.prepare_cached(
            "UPDATE conversations SET status = ?2, first_unanswered_at = NULL, due_at = NULL,
                 ack_due_at = NULL, due_sort = 9223372036854775807, sort_tier = tier,
                 acknowledged_at = NULL, send_error = NULL, last_message_at = ?3,
                 preview = ?4, message_count = ?5, last_inbound_at = ?6, preview_stale = 0
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            id,
            new_status.as_str(),
            last_at,
            preview,
            count,
            last_inbound
        ])?;
        // A thread that arrived already answered (opener and reply in one page) still
        // gets a tier, from what the customer wrote, for search results and reports.
        if let Some(assess) = assess.filter(|_| !assessed) {
            let text = assess_text(tx, id, None)?;
            let verdict = assess.assess(&AssessInput {
                platform,
                kind,
                rating,
                unanswered_text: &text,
                first_unanswered_at: from_ms(last_at),
            });
            tx.prepare_cached(
                "UPDATE conversations SET tier_auto = ?2, tier = COALESCE(tier_override, ?2),
                     sort_tier = COALESCE(tier_override, ?2), tier_reason = ?3, sentiment = ?4
                 WHERE id = ?1",
            )?
            .execute(rusqlite::params![
                id,
                i64::from(verdict.tier.number()),
                verdict.reason,
                verdict.sentiment
            ])?;
        }
        return Ok(());
    };

    let new_status = match old_status {
        Status::Waiting | Status::Done if reopen => Status::Open,
        other => other,
    };
    let Some(assess) = assess else {
        // What the messages say; the tier and the deadline stay as they are.
        // The preview stays too: it is chosen among the customer's messages, which
        // only an assessor can read (a reply or a holding reply changes none of them).
        tx.prepare_cached(
            "UPDATE conversations SET status = ?2, first_unanswered_at = ?3,
                 last_message_at = ?4, message_count = ?5, acknowledged_at = ?6,
                 send_error = ?7, last_inbound_at = ?8
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            id,
            new_status.as_str(),
            first_unanswered,
            last_at,
            count,
            acknowledged,
            send_error,
            last_inbound
        ])?;
        return Ok(());
    };
    let parts = unanswered_parts(tx, id, assess_after(Some(first_unanswered)))?;
    let preview = informative_preview(tx, id, &parts, first_unanswered, assess)?;
    let text = joined_text(parts);
    let verdict = assess.assess(&AssessInput {
        platform,
        kind,
        rating,
        unanswered_text: &text,
        first_unanswered_at: from_ms(first_unanswered),
    });
    let auto = i64::from(verdict.tier.number());
    let due = verdict.due_at.map(to_ms);
    // The sorting tier starts again from the tier when the tier or the deadline
    // moves; otherwise it keeps the promotion it has earned (`Store::refresh_order`).
    tx.prepare_cached(
        "UPDATE conversations SET
             sort_tier = CASE WHEN tier = COALESCE(?4, ?3)
                               AND due_sort = COALESCE(?8, 9223372036854775807)
                          THEN sort_tier ELSE COALESCE(?4, ?3) END,
             status = ?2, tier_auto = ?3, tier = COALESCE(?4, ?3), tier_reason = ?5,
             sentiment = ?6, first_unanswered_at = ?7, due_at = ?8,
             due_sort = COALESCE(?8, 9223372036854775807), ack_due_at = ?9,
             last_message_at = ?10, preview = ?11, message_count = ?12,
             acknowledged_at = ?13, send_error = ?14, last_inbound_at = ?15,
             preview_stale = 0
         WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        id,
        new_status.as_str(),
        auto,
        tier_override,
        verdict.reason,
        verdict.sentiment,
        first_unanswered,
        due,
        verdict.ack_due_at.map(to_ms),
        last_at,
        preview,
        count,
        acknowledged,
        send_error,
        last_inbound,
    ])?;
    Ok(())
}

/// The conversation facts triage reads, parsed from their columns as stored.
pub(super) fn assess_facts(
    platform: &str,
    kind: &str,
    rating: Option<i64>,
) -> (crate::model::Platform, crate::model::Kind, Option<u8>) {
    (
        platform.parse().unwrap_or(crate::model::Platform::Other),
        kind.parse().unwrap_or(crate::model::Kind::Comment),
        rating.and_then(|r| u8::try_from(r).ok()),
    )
}

/// Triage reads the inbound messages sent after this (ms): those since
/// `first_unanswered`, or, for an answered conversation, its newest ones (a
/// thread that arrived answered still gets a tier from them).
fn assess_after(first_unanswered: Option<i64>) -> i64 {
    first_unanswered.map_or(i64::MIN, |t| t.saturating_sub(1))
}

/// The text triage reads of a conversation (see [`assess_after`]).
pub(super) fn assess_text(
    conn: &rusqlite::Connection,
    id: i64,
    first_unanswered: Option<i64>,
) -> Result<String> {
    Ok(joined_text(unanswered_parts(
        conn,
        id,
        assess_after(first_unanswered),
    )?))
}

/// The newest (at most 8) visible inbound messages after `after`, newest first,
/// each cut to `ASSESS_TEXT_LIMIT` bytes.
fn unanswered_parts(conn: &rusqlite::Connection, id: i64, after: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT substr(body, 1, 4096) FROM messages
         WHERE conversation_id = ?1 AND direction = 'inbound' AND sent_at > ?2
           AND platform_state = 'visible'
         ORDER BY sent_at DESC, id DESC LIMIT 8",
    )?;
    let parts = stmt
        .query_map((id, after), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(parts)
}

/// What triage reads: `parts` (newest first) oldest first, joined by newlines,
/// the newest `ASSESS_TEXT_LIMIT` bytes of it.
fn joined_text(mut parts: Vec<String>) -> String {
    parts.reverse();
    let mut text = parts.join("\n");
    if text.len() > ASSESS_TEXT_LIMIT {
        let mut cut = text.len() - ASSESS_TEXT_LIMIT;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        text.drain(..cut);
    }
    text
}

/// The preview of a conversation waiting on us: the most informative text the
/// customer is waiting about, by the assessor's [`Gist`](crate::model::Gist)
/// (the follow-up rule triage uses):
/// 1. the newest unanswered message that says something;
/// 2. if the unanswered messages only nudge ("?", "bump", "Hello?"), the newest
///    earlier message of theirs that says something: what they are nudging about;
/// 3. otherwise the newest unanswered message as it is ("thanks!", an emoji).
fn informative_preview(
    tx: &Transaction,
    id: i64,
    unanswered: &[String],
    first_unanswered: i64,
    assess: &dyn Assess,
) -> Result<String> {
    use crate::model::Gist;
    let mut nudged = false;
    for body in unanswered {
        match assess.gist(body) {
            Gist::Text(text) => return Ok(preview_of(text)),
            Gist::Nudge => nudged = true,
            Gist::Blank => {}
        }
    }
    if nudged {
        let mut earlier = tx.prepare_cached(
            "SELECT substr(body, 1, 4096) FROM messages
             WHERE conversation_id = ?1 AND direction = 'inbound' AND sent_at < ?2
               AND platform_state = 'visible'
             ORDER BY sent_at DESC, id DESC LIMIT 8",
        )?;
        let bodies: Vec<String> = earlier
            .query_map((id, first_unanswered), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for body in &bodies {
            if let Gist::Text(text) = assess.gist(body) {
                return Ok(preview_of(text));
            }
        }
    }
    Ok(unanswered
        .first()
        .map(|b| preview_of(b))
        .unwrap_or_default())
}

/// The text from its first non-empty line on, lines joined by single spaces,
/// cut to a list-friendly length.
fn preview_of(body: &str) -> String {
    let mut out = String::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
        if out.chars().count() >= PREVIEW_LIMIT {
            break;
        }
    }
    out.chars().take(PREVIEW_LIMIT).collect()
}

impl Store {
    /// Whether some preview was chosen by an older rule (see
    /// [`Store::refresh_stale_previews`]).
    pub fn has_stale_previews(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE preview_stale = 1)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Bring previews chosen by an older rule up to date (caches made before
    /// migration 7 kept the latest message, however uninformative): at most
    /// `limit` conversations, in one transaction. Returns how many were looked
    /// at; call again until it returns 0.
    pub fn refresh_stale_previews(&mut self, assess: &dyn Assess, limit: usize) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stale: Vec<(i64, Option<i64>)> = tx
            .prepare_cached(
                "SELECT id, first_unanswered_at FROM conversations
                 WHERE preview_stale = 1 LIMIT ?1",
            )?
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for &(id, first_unanswered) in &stale {
            if let Some(first) = first_unanswered {
                let parts = unanswered_parts(&tx, id, first.saturating_sub(1))?;
                if !parts.is_empty() {
                    let preview = informative_preview(&tx, id, &parts, first, assess)?;
                    tx.prepare_cached("UPDATE conversations SET preview = ?2 WHERE id = ?1")?
                        .execute((id, preview))?;
                }
            }
            tx.prepare_cached("UPDATE conversations SET preview_stale = 0 WHERE id = ?1")?
                .execute([id])?;
        }
        tx.commit()?;
        Ok(stale.len())
    }
}

/// Look up a conversation id by its platform key.
impl Store {
    pub fn conversation_id(&self, account: &str, thread_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM conversations WHERE account = ?1 AND thread_id = ?2",
                (account, thread_id),
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{IncomingMessage, Kind, Platform};

    fn message(id: &str, body: &str) -> IncomingMessage {
        IncomingMessage {
            account: "a".into(),
            platform: Platform::Forum,
            kind: Kind::Comment,
            thread_id: "t".into(),
            platform_id: id.into(),
            direction: Direction::Inbound,
            author: "Sam".into(),
            body: body.into(),
            sent_at: chrono::Utc::now(),
            context: None,
            brand: None,
            location: None,
            rating: None,
        }
    }

    /// Messages of one thread, a minute apart: (inbound?, body).
    fn thread(lines: &[(bool, &str)]) -> IngestPage {
        let start = chrono::Utc::now() - chrono::Duration::hours(1);
        IngestPage {
            messages: lines
                .iter()
                .enumerate()
                .map(|(i, (inbound, body))| {
                    let mut m = message(&format!("m{i}"), body);
                    m.sent_at = start + chrono::Duration::minutes(i64::try_from(i).unwrap());
                    if !inbound {
                        m.direction = Direction::Outbound;
                        m.author = "us".into();
                    }
                    m
                })
                .collect(),
            cursor: None,
        }
    }

    fn preview(store: &Store) -> String {
        store
            .conn
            .query_row("SELECT preview FROM conversations", [], |r| r.get(0))
            .unwrap()
    }

    fn triage() -> crate::triage::Triage {
        crate::triage::Triage::new(&crate::config::Config::default()).unwrap()
    }

    #[test]
    fn the_preview_skips_nudges_for_what_the_customer_is_waiting_about() {
        let triage = triage();
        let cases: &[(&[(bool, &str)], &str)] = &[
            // Nudges after the question: the question.
            (
                &[
                    (
                        true,
                        "Hello?\nMy e-bike battery died after two weeks.\nCan you help?",
                    ),
                    (true, "?"),
                    (true, "bump"),
                ],
                "My e-bike battery died after two weeks. Can you help?",
            ),
            // Answered, then nudged: what they are nudging about.
            (
                &[
                    (true, "Do you deliver to Eastside?"),
                    (false, "Let me check with the driver."),
                    (true, "Hello?"),
                ],
                "Do you deliver to Eastside?",
            ),
            // Answered, then thanked: the thanks, not the old question.
            (
                &[
                    (true, "Do you deliver to Eastside?"),
                    (false, "Yes, on Saturdays."),
                    (true, "🙂"),
                ],
                "🙂",
            ),
            // Only a nudge, nothing earlier: the nudge as it is.
            (&[(true, "any update?")], "any update?"),
        ];
        for (lines, want) in cases {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
            store.ingest(&thread(lines), &triage).unwrap();
            assert_eq!(preview(&store), *want, "{lines:?}");
        }
    }

    #[test]
    fn previews_of_older_caches_are_brought_up_to_date_in_batches() {
        let triage = triage();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        store
            .ingest(
                &thread(&[(true, "My order never arrived."), (true, "bump")]),
                &triage,
            )
            .unwrap();
        assert_eq!(store.refresh_stale_previews(&triage, 10).unwrap(), 0);
        // What migration 7 leaves in a cache made by the older rule.
        store
            .conn
            .execute(
                "UPDATE conversations SET preview = 'bump', preview_stale = 1",
                [],
            )
            .unwrap();
        assert!(store.has_stale_previews().unwrap());
        assert_eq!(store.refresh_stale_previews(&triage, 10).unwrap(), 1);
        assert!(!store.has_stale_previews().unwrap());
        assert_eq!(preview(&store), "My order never arrived.");
        assert_eq!(store.refresh_stale_previews(&triage, 10).unwrap(), 0);
    }

    /// Rowids the index matches for `word`, without joining the messages table:
    /// a stale index entry shows up here even after its row is gone.
    fn indexed(store: &Store, word: &str) -> Vec<i64> {
        let mut stmt = store
            .conn
            .prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1")
            .unwrap();
        stmt.query_map([word], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn the_index_holds_what_is_on_screen_and_deletes_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        let page = IngestPage {
            messages: vec![message(
                "1",
                "pay\x1b]0;SECRETWORD\x07ment due\u{9b}2J today",
            )],
            cursor: None,
        };
        store.ingest(&page, &KeywordAssess).unwrap();
        assert!(indexed(&store, "secretword").is_empty());
        assert_eq!(indexed(&store, "payment"), vec![1]);
        assert_eq!(indexed(&store, "today"), vec![1]);

        // The delete trigger removes exactly the cleaned text that was indexed.
        store
            .conn
            .execute("DELETE FROM messages WHERE id = 1", [])
            .unwrap();
        store
            .conn
            .execute(
                "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')",
                [],
            )
            .expect("the index is consistent");
        for word in ["payment", "today", "due", "secretword", "pay", "ment"] {
            assert!(indexed(&store, word).is_empty(), "{word} still indexed");
        }
        // The id is reused by the next message: no ghost match for the old text.
        store
            .ingest(
                &IngestPage {
                    messages: vec![message("2", "something else")],
                    cursor: None,
                },
                &KeywordAssess,
            )
            .unwrap();
        assert!(indexed(&store, "payment").is_empty());
        assert_eq!(indexed(&store, "something").len(), 1);
    }
}
