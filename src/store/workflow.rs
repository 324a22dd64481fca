//! The user's workflow writes on whole batches: status (done, snoozed) and tier
//! overrides on several conversations in one transaction, each returning what it
//! replaced so the application core can hand back an undo; and putting that back.

use super::{Result, Store, StoreError, from_ms, to_ms};
use crate::model::{Status, Tier};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};

/// What a batch write changes on every conversation it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkflowChange {
    /// The new status, and when a snooze ends (only with `Status::Snoozed`).
    pub status: Option<(Status, Option<DateTime<Utc>>)>,
    /// Pin a tier (`Some(None)` clears the pin). Kept as a labelled example.
    pub tier: Option<Option<Tier>>,
}

/// One conversation as it was before a batch write, and the example the write
/// recorded (a tier change), so both can be put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowBefore {
    pub id: i64,
    pub status: Status,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub tier_override: Option<Tier>,
    /// The `tier_examples` row the tier change added.
    pub example_id: Option<i64>,
}

/// Put one conversation back as it was, if it still stands as the write left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowRestore {
    pub id: i64,
    /// (status written, status and snooze end to put back).
    pub status: Option<(Status, Status, Option<DateTime<Utc>>)>,
    /// (override written, override to put back, the example to forget).
    pub tier: Option<(Option<Tier>, Option<Tier>, Option<i64>)>,
}

fn tier_number(t: Option<Tier>) -> Option<i64> {
    t.map(|t| i64::from(t.number()))
}

fn tier_from(n: Option<i64>) -> Option<Tier> {
    n.and_then(|n| u8::try_from(n).ok())
        .and_then(Tier::from_number)
}

fn before_of(tx: &Transaction, id: i64) -> Result<WorkflowBefore> {
    let row: Option<(String, Option<i64>, Option<i64>)> = tx
        .prepare_cached(
            "SELECT status, snoozed_until, tier_override FROM conversations WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (status, snoozed_until, tier_override) = row.ok_or(StoreError::NoSuchConversation(id))?;
    Ok(WorkflowBefore {
        id,
        status: status
            .parse()
            .map_err(|e: crate::model::ParseEnumError| StoreError::Corrupt(e.to_string()))?,
        snoozed_until: snoozed_until.map(from_ms),
        tier_override: tier_from(tier_override),
        example_id: None,
    })
}

/// Pin (or clear) a tier and keep the choice, with the text it was made on, as a
/// labelled example of this user's stream. Returns the example's id.
pub(super) fn write_tier(
    tx: &Transaction,
    id: i64,
    tier: Option<Tier>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let n = tx
        .prepare_cached(
            "UPDATE conversations SET tier_override = ?2, tier = COALESCE(?2, tier_auto),
                 sort_tier = COALESCE(?2, tier_auto)
             WHERE id = ?1",
        )?
        .execute((id, tier_number(tier)))?;
    if n == 0 {
        return Err(StoreError::NoSuchConversation(id));
    }
    tx.prepare_cached(
        "INSERT INTO tier_examples (conversation_id, tier_auto, tier, text, created_at)
         SELECT c.id, c.tier_auto, ?2,
                COALESCE((SELECT group_concat(body, char(10)) FROM
                            (SELECT substr(body, 1, 2000) AS body FROM messages
                             WHERE conversation_id = c.id AND direction = 'inbound'
                             ORDER BY sent_at DESC, id DESC LIMIT 3)), ''),
                ?3
         FROM conversations c WHERE c.id = ?1",
    )?
    .execute((id, tier_number(tier), to_ms(now)))?;
    Ok(tx.last_insert_rowid())
}

/// Set a status (and a snooze's end; any other status clears it).
pub(super) fn write_status(
    tx: &Transaction,
    id: i64,
    status: Status,
    until: Option<DateTime<Utc>>,
) -> Result<()> {
    let until = until.filter(|_| status == Status::Snoozed).map(to_ms);
    let n = tx
        .prepare_cached("UPDATE conversations SET status = ?2, snoozed_until = ?3 WHERE id = ?1")?
        .execute((id, status.as_str(), until))?;
    if n == 0 {
        return Err(StoreError::NoSuchConversation(id));
    }
    Ok(())
}

impl Store {
    /// Apply `change` to every conversation in `ids`, in one transaction (all or
    /// none: an unknown id fails the batch). Returns each one as it was before.
    pub fn apply_workflow(
        &mut self,
        ids: &[i64],
        change: WorkflowChange,
        now: DateTime<Utc>,
    ) -> Result<Vec<WorkflowBefore>> {
        // IMMEDIATE: take the write lock up front, so a concurrent writer waits
        // (busy timeout) instead of failing mid-transaction.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let mut before = before_of(&tx, id)?;
            if let Some(tier) = change.tier {
                before.example_id = Some(write_tier(&tx, id, tier, now)?);
            }
            if let Some((status, until)) = change.status {
                write_status(&tx, id, status, until)?;
            }
            out.push(before);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Put conversations back as `restores` say, in one transaction. Each part
    /// is put back only while the conversation still stands as the write left it
    /// (a later reply, snooze or re-tier wins); a tier put back forgets the
    /// example the write recorded, so learning is not taught a mistake. Returns
    /// the ids where something was put back.
    pub fn restore_workflow(&mut self, restores: &[WorkflowRestore]) -> Result<Vec<i64>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut restored = Vec::new();
        for r in restores {
            let mut any = false;
            if let Some((written, tier, example)) = r.tier {
                let n = tx
                    .prepare_cached(
                        "UPDATE conversations SET tier_override = ?3,
                             tier = COALESCE(?3, tier_auto), sort_tier = COALESCE(?3, tier_auto)
                         WHERE id = ?1 AND tier_override IS ?2",
                    )?
                    .execute((r.id, tier_number(written), tier_number(tier)))?;
                if n == 1 {
                    any = true;
                    if let Some(example) = example {
                        forget_tier_example(&tx, example)?;
                    }
                }
            }
            if let Some((written, status, until)) = r.status {
                let n = tx
                    .prepare_cached(
                        "UPDATE conversations SET status = ?3, snoozed_until = ?4
                         WHERE id = ?1 AND status = ?2",
                    )?
                    .execute((
                        r.id,
                        written.as_str(),
                        status.as_str(),
                        until.filter(|_| status == Status::Snoozed).map(to_ms),
                    ))?;
                any |= n == 1;
            }
            if any {
                restored.push(r.id);
            }
        }
        tx.commit()?;
        Ok(restored)
    }

    /// Take back a strike counted by mistake (an undone hide).
    pub fn remove_strike(&self, strike_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM strikes WHERE id = ?1", [strike_id])?
            == 1)
    }

    /// Whether an override example is still kept (tests, reports).
    pub fn tier_example_exists(&self, example_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM tier_examples WHERE id = ?1")?
            .query_row([example_id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

/// An override the user took back is no lesson: drop its example. Learning reads
/// `tier_examples`; this is the one place an example is withdrawn.
pub(super) fn forget_tier_example(tx: &Transaction, example_id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM tier_examples WHERE id = ?1")?
        .execute([example_id])?;
    Ok(())
}
