//! Turning rows into model values. Unknown words or out-of-range numbers in the
//! file become a readable `Corrupt` error, never a panic.

use super::{StoreError, from_ms};
use crate::model::{Conversation, Message, Tier};
use rusqlite::Row;
use rusqlite::types::Type;
use std::str::FromStr;

/// Columns `conversation_from_row` expects, in order.
pub const CONVERSATION_COLUMNS: &str = "id, account, platform, family, kind, thread_id, author, \
     context, brand, location, status, snoozed_until, tier, tier_auto, tier_override, \
     tier_reason, sentiment, rating, first_unanswered_at, due_at, ack_due_at, \
     last_message_at, preview, message_count, sort_tier, acknowledged_at, send_error, \
     last_inbound_at";

/// Columns `message_from_row` expects, in order.
pub const MESSAGE_COLUMNS: &str =
    "id, conversation_id, platform_id, direction, author, body, sent_at, acknowledgment";

fn bad(index: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, Type::Text, what.into())
}

pub(super) fn word<T: FromStr>(row: &Row, index: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let text: String = row.get(index)?;
    text.parse::<T>().map_err(|e| bad(index, e.to_string()))
}

pub(super) fn tier(row: &Row, index: usize) -> rusqlite::Result<Tier> {
    let n: i64 = row.get(index)?;
    u8::try_from(n)
        .ok()
        .and_then(Tier::from_number)
        .ok_or_else(|| bad(index, format!("tier {n} is not 1-5")))
}

pub(super) fn opt_tier(row: &Row, index: usize) -> rusqlite::Result<Option<Tier>> {
    match row.get::<_, Option<i64>>(index)? {
        None => Ok(None),
        Some(_) => tier(row, index).map(Some),
    }
}

pub(super) fn opt_time(
    row: &Row,
    index: usize,
) -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(row.get::<_, Option<i64>>(index)?.map(from_ms))
}

pub fn conversation_from_row(row: &Row) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: row.get(0)?,
        account: row.get(1)?,
        platform: word(row, 2)?,
        family: word(row, 3)?,
        kind: word(row, 4)?,
        thread_id: row.get(5)?,
        author: row.get(6)?,
        context: row.get(7)?,
        brand: row.get(8)?,
        location: row.get(9)?,
        status: word(row, 10)?,
        snoozed_until: opt_time(row, 11)?,
        tier: tier(row, 12)?,
        tier_auto: tier(row, 13)?,
        tier_override: opt_tier(row, 14)?,
        tier_reason: row.get(15)?,
        sentiment: row.get(16)?,
        rating: row
            .get::<_, Option<i64>>(17)?
            .and_then(|r| u8::try_from(r.clamp(0, 5)).ok()),
        first_unanswered_at: opt_time(row, 18)?,
        due_at: opt_time(row, 19)?,
        ack_due_at: opt_time(row, 20)?,
        last_message_at: from_ms(row.get(21)?),
        preview: row.get(22)?,
        message_count: row.get(23)?,
        sort_tier: tier(row, 24)?,
        acknowledged_at: opt_time(row, 25)?,
        send_error: row.get(26)?,
        last_inbound_at: opt_time(row, 27)?,
    })
}

pub fn message_from_row(row: &Row) -> rusqlite::Result<Message> {
    Ok(Message {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        platform_id: row.get(2)?,
        direction: word(row, 3)?,
        author: row.get(4)?,
        body: row.get(5)?,
        sent_at: from_ms(row.get(6)?),
        acknowledgment: row.get(7)?,
    })
}

/// Map conversion failures to `Corrupt` so callers see "invalid data", not SQL jargon.
pub fn classify(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::FromSqlConversionFailure(col, _, inner) => {
            StoreError::Corrupt(format!("column {col}: {inner}"))
        }
        rusqlite::Error::InvalidColumnType(col, name, ty) => {
            StoreError::Corrupt(format!("column {col} ({name}) holds {ty}"))
        }
        other => StoreError::Sqlite(other),
    }
}
