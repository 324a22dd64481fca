//! Reading the cache back for a triage backtest: each conversation with the
//! input ingest gives triage (`ingest::refresh_conversation`), and what is stored
//! about its tier. Nothing here writes.

use super::ingest::{assess_facts, assess_text};
use super::rows::{opt_tier, tier};
use super::{Result, Store, from_ms};
use crate::model::{AssessInput, Status, Tier};

/// One conversation as triage would see it now, beside its stored verdict.
#[derive(Debug)]
pub struct Retriage<'a> {
    pub id: i64,
    pub status: Status,
    /// The automatic tier stored by the last assessment.
    pub tier_auto: Tier,
    /// The user's pinned tier, if any.
    pub tier_override: Option<Tier>,
    /// The stored automatic tier's reason.
    pub tier_reason: &'a str,
    /// What ingest hands triage for this conversation today.
    pub input: AssessInput<'a>,
}

impl Store {
    /// Every open conversation and every one with a tier override, in id order,
    /// each with the same triage input ingest builds: the unanswered inbound text
    /// (or, for an answered one, its newest inbound text), kind, rating, platform.
    ///
    /// Rows are read one at a time inside one read transaction (a consistent
    /// snapshot while a sync writes), and the transaction is rolled back: this
    /// never writes, on a read-only connection or not.
    pub fn for_each_retriage(
        &self,
        mut visit: impl FnMut(&Retriage<'_>) -> Result<()>,
    ) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let mut stmt = tx.prepare(
            "SELECT id, status, tier_auto, tier_override, tier_reason, platform, kind, rating,
                    first_unanswered_at, last_message_at
             FROM conversations
             WHERE status = 'open' OR tier_override IS NOT NULL
             ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let status: Status = super::rows::word(row, 1)?;
            let tier_auto = tier(row, 2)?;
            let tier_override = opt_tier(row, 3)?;
            let reason: String = row.get(4)?;
            let (platform, kind, rating) = assess_facts(
                &row.get::<_, String>(5)?,
                &row.get::<_, String>(6)?,
                row.get(7)?,
            );
            let first_unanswered: Option<i64> = row.get(8)?;
            let last_at: i64 = row.get(9)?;
            let text = assess_text(&tx, id, first_unanswered)?;
            visit(&Retriage {
                id,
                status,
                tier_auto,
                tier_override,
                tier_reason: &reason,
                input: AssessInput {
                    platform,
                    kind,
                    rating,
                    unanswered_text: &text,
                    first_unanswered_at: from_ms(first_unanswered.unwrap_or(last_at)),
                },
            })?;
        }
        drop(rows);
        drop(stmt);
        tx.rollback()?;
        Ok(())
    }
}
