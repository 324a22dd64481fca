//! Leads: one row per conversation that is a lead and has been written to.
//! A tier-1 conversation is a lead before it has a row (`leads` lists it with
//! a fresh `Lead`); the first write stores it.

use super::rows::word;
use super::{Result, Store, from_ms, to_ms};
use crate::model::{Conversation, Lead, Money, Tier};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row};

const LEAD_COLUMNS: &str = "l.conversation_id, l.stage, l.need, l.timeline, l.timeline_on, \
     l.budget, l.location, l.value_minor, l.value_currency, l.email, l.phone, \
     l.crm_contact_id, l.crm_deal_id, l.created_at, l.updated_at";

fn lead_from_row(row: &Row) -> rusqlite::Result<Lead> {
    let timeline_on = row
        .get::<_, Option<String>>(4)?
        .and_then(|d| d.parse::<NaiveDate>().ok());
    let value = match (
        row.get::<_, Option<i64>>(7)?,
        row.get::<_, Option<String>>(8)?,
    ) {
        (Some(minor), Some(currency)) => Some(Money { minor, currency }),
        _ => None,
    };
    Ok(Lead {
        conversation_id: row.get(0)?,
        stage: word(row, 1)?,
        need: row.get(2)?,
        timeline: row.get(3)?,
        timeline_on,
        budget: row.get(5)?,
        location: row.get(6)?,
        value,
        email: row.get(9)?,
        phone: row.get(10)?,
        crm_contact_id: row.get(11)?,
        crm_deal_id: row.get(12)?,
        created_at: from_ms(row.get(13)?),
        updated_at: from_ms(row.get(14)?),
        stored: true,
    })
}

impl Store {
    /// The stored lead of a conversation (`None`: no row yet).
    pub fn lead(&self, conversation_id: i64) -> Result<Option<Lead>> {
        let sql = format!("SELECT {LEAD_COLUMNS} FROM leads l WHERE l.conversation_id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([conversation_id], lead_from_row)
            .optional()?)
    }

    /// Write every field of `lead` (creating its row; `created_at` is kept
    /// from the first write).
    pub fn save_lead(&self, lead: &Lead) -> Result<()> {
        let (minor, currency) = match &lead.value {
            Some(m) => (Some(m.minor), Some(m.currency.as_str())),
            None => (None, None),
        };
        self.conn.execute(
            "INSERT INTO leads (conversation_id, stage, need, timeline, timeline_on, budget,
                 location, value_minor, value_currency, email, phone, crm_contact_id,
                 crm_deal_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (conversation_id) DO UPDATE SET stage = excluded.stage,
                 need = excluded.need, timeline = excluded.timeline,
                 timeline_on = excluded.timeline_on, budget = excluded.budget,
                 location = excluded.location, value_minor = excluded.value_minor,
                 value_currency = excluded.value_currency, email = excluded.email,
                 phone = excluded.phone, crm_contact_id = excluded.crm_contact_id,
                 crm_deal_id = excluded.crm_deal_id, updated_at = excluded.updated_at",
            rusqlite::params![
                lead.conversation_id,
                lead.stage.as_str(),
                lead.need,
                lead.timeline,
                lead.timeline_on.map(|d| d.to_string()),
                lead.budget,
                lead.location,
                minor,
                currency,
                lead.email,
                lead.phone,
                lead.crm_contact_id,
                lead.crm_deal_id,
                to_ms(lead.created_at),
                to_ms(lead.updated_at),
            ],
        )?;
        Ok(())
    }

    /// Every lead with its conversation, most recently changed first: the
    /// stored ones, and tier-1 conversations not written to yet (dated from
    /// their first message).
    pub fn leads(&self, limit: usize) -> Result<Vec<(Lead, Conversation)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let ids: Vec<(i64, Option<i64>)> = self
            .conn
            .prepare_cached(
                "SELECT c.id, (SELECT min(sent_at) FROM messages m WHERE m.conversation_id = c.id)
                 FROM conversations c LEFT JOIN leads l ON l.conversation_id = c.id
                 WHERE l.conversation_id IS NOT NULL OR c.tier = ?1
                 ORDER BY coalesce(l.updated_at, c.last_message_at) DESC, c.id DESC
                 LIMIT ?2",
            )?
            .query_map((Tier::Revenue.number(), limit), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, first_message) in ids {
            let Some(conversation) = self.conversation(id)? else {
                continue;
            };
            let lead = match self.lead(id)? {
                Some(lead) => lead,
                None => {
                    let since: DateTime<Utc> =
                        first_message.map_or(conversation.last_message_at, from_ms);
                    Lead::new(id, since)
                }
            };
            out.push((lead, conversation));
        }
        Ok(out)
    }
}
