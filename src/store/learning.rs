//! What triage learns from: each conversation's latest tier override since the
//! last reset (`tier_examples`, migration 2), and the resets (migration 8).

use super::rows::word;
use super::{Result, Store, to_ms};
use crate::model::{Tier, TierExample};
use chrono::{DateTime, Utc};
use rusqlite::types::Type;

/// Examples after the last reset; of those, each conversation's latest, when it
/// set a tier (a cleared override withdraws the conversation's example).
const EFFECTIVE: &str = "
    SELECT e.id, e.conversation_id, c.kind, c.rating, e.text, e.tier
    FROM tier_examples e JOIN conversations c ON c.id = e.conversation_id
    WHERE e.id > (SELECT COALESCE(max(after_example), 0) FROM learning_resets)
      AND e.id = (SELECT max(id) FROM tier_examples WHERE conversation_id = e.conversation_id)
      AND e.tier IS NOT NULL
    ORDER BY e.id";

impl Store {
    /// The corrections triage learns from, oldest first.
    pub fn learning_examples(&self) -> Result<Vec<TierExample>> {
        let mut stmt = self.conn.prepare_cached(EFFECTIVE)?;
        let rows = stmt.query_map([], |r| {
            let tier: i64 = r.get(5)?;
            let tier = u8::try_from(tier)
                .ok()
                .and_then(Tier::from_number)
                .ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        5,
                        Type::Integer,
                        format!("tier {tier} is not 1-5").into(),
                    )
                })?;
            let rating: Option<i64> = r.get(3)?;
            Ok(TierExample {
                id: r.get(0)?,
                conversation_id: r.get(1)?,
                kind: word(r, 2)?,
                rating: rating.and_then(|n| u8::try_from(n).ok()),
                text: r.get(4)?,
                tier,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forget every example recorded so far (they stay in the override history).
    /// Returns how many corrections were being learned from.
    pub fn reset_learning(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let forgotten: i64 =
            tx.query_row(&format!("SELECT count(*) FROM ({EFFECTIVE})"), [], |r| {
                r.get(0)
            })?;
        tx.execute(
            "INSERT INTO learning_resets (after_example, created_at)
             SELECT COALESCE(max(id), 0), ?1 FROM tier_examples",
            [to_ms(now)],
        )?;
        tx.commit()?;
        Ok(usize::try_from(forgotten).unwrap_or(0))
    }
}
