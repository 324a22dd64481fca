//! Leads: one row per conversation that is a lead and has been written to.
//! A tier-1 conversation is a lead before it has a row (`leads` lists it with
//! a fresh `Lead`); the first write stores it.

use super::rows::{classify, word};
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
        self.conn
            .prepare_cached(&sql)?
            .query_row([conversation_id], lead_from_row)
            .optional()
            .map_err(classify)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{Direction, IncomingMessage, IngestPage, Kind, LeadStage, Platform};
    use chrono::TimeZone;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
    }

    fn dm(thread: &str, body: &str, minutes: i64) -> IncomingMessage {
        IncomingMessage {
            account: "ig".into(),
            platform: Platform::Instagram,
            kind: Kind::Dm,
            thread_id: thread.into(),
            platform_id: format!("{thread}-{minutes}"),
            direction: Direction::Inbound,
            author: "Ana".into(),
            body: body.into(),
            sent_at: at(minutes),
            context: None,
            brand: None,
            location: None,
            rating: None,
        }
    }

    #[test]
    fn a_lead_round_trips_every_field_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let mut store = Store::open(&path).unwrap();
        let page = IngestPage {
            messages: vec![
                dm("a", "how much is a cake?", 0),
                dm("a", "for Saturday", 3),
                dm("b", "thanks, lovely", 1),
                dm("c", "price for catering?", 2),
            ],
            cursor: None,
        };
        store.ingest(&page, &KeywordAssess).unwrap();
        let id = |t| store.conversation_id("ig", t).unwrap().unwrap();
        let (a, b, c) = (id("a"), id("b"), id("c"));
        let mut lead = Lead::new(b, at(10));
        lead.stage = LeadStage::Qualified;
        lead.need = Some("cake".into());
        lead.timeline = Some("Saturday".into());
        lead.timeline_on = NaiveDate::from_ymd_opt(2026, 12, 5);
        lead.budget = Some("€300".into());
        lead.location = Some("Berlin".into());
        lead.value = Some(Money {
            minor: 30_000,
            currency: "EUR".into(),
        });
        lead.email = Some("ana@example.com".into());
        lead.phone = Some("+4930123456".into());
        lead.crm_contact_id = Some("c-1".into());
        lead.stored = true;
        store.save_lead(&lead).unwrap();
        drop(store);

        let store = Store::open(&path).unwrap();
        assert_eq!(store.lead(b).unwrap(), Some(lead.clone()));
        assert_eq!(store.lead(a).unwrap(), None);
        // A later save keeps the first creation time.
        let mut later = lead.clone();
        later.created_at = at(99);
        later.updated_at = at(20);
        later.value = None;
        store.save_lead(&later).unwrap();
        let read = store.lead(b).unwrap().unwrap();
        assert_eq!(read.created_at, at(10));
        assert_eq!((read.updated_at, read.value), (at(20), None));

        // The list: the stored lead (marked on a tier-4 thread) and both tier-1
        // threads, those dated from their first message; newest change first.
        let listed: Vec<(i64, bool, DateTime<Utc>)> = store
            .leads(10)
            .unwrap()
            .into_iter()
            .map(|(l, conv)| {
                assert_eq!(l.conversation_id, conv.id);
                (l.conversation_id, l.stored, l.created_at)
            })
            .collect();
        assert_eq!(
            listed,
            [(b, true, at(10)), (a, false, at(0)), (c, false, at(2))]
        );
    }

    #[test]
    fn a_stage_word_the_build_does_not_know_is_a_readable_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let mut store = Store::open(&path).unwrap();
        let page = IngestPage {
            messages: vec![dm("a", "how much?", 0)],
            cursor: None,
        };
        store.ingest(&page, &KeywordAssess).unwrap();
        let a = store.conversation_id("ig", "a").unwrap().unwrap();
        store
            .conn
            .execute(
                "INSERT INTO leads (conversation_id, stage, created_at, updated_at)
                 VALUES (?1, 'maybe', 0, 0)",
                [a],
            )
            .unwrap();
        let err = store.lead(a).unwrap_err().to_string();
        assert!(err.contains("maybe"), "{err}");
        // Money is both parts or neither.
        let half = store.conn.execute(
            "UPDATE leads SET value_minor = 5 WHERE conversation_id = ?1",
            [a],
        );
        assert!(half.is_err());
    }
}
