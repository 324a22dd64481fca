//! Lead qualification through the core on real SQLite files: which
//! conversations are leads, fields and their checks, suggestions confirmed one
//! at a time, stage moves, and the state as a reopened cache reads it.

use super::*;
use crate::demo::test_assess::KeywordAssess;
use crate::leads::Suggested;
use crate::model::{Direction, IncomingMessage, IngestPage, LeadField, LeadGap, LeadStage};
use chrono::TimeZone;

/// Wednesday 2 December 2026, 10:00 UTC.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn dm(thread: &str, body: &str) -> IncomingMessage {
    IncomingMessage {
        account: "ig".into(),
        platform: Platform::Instagram,
        kind: Kind::Dm,
        thread_id: thread.into(),
        platform_id: format!("{thread}-1"),
        direction: Direction::Inbound,
        author: "Ana Souza".into(),
        body: body.into(),
        sent_at: t0(),
        context: None,
        brand: Some("Hearth Bakery".into()),
        location: None,
        rating: None,
    }
}

/// A cache with a tier-1 DM (a price question) and a tier-3 question.
fn cache() -> (tempfile::TempDir, std::path::PathBuf, i64, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("open");
    let messages = vec![
        dm(
            "t1",
            "How much for a cake for 30 next Saturday in Potsdam? Budget about €450. \
             ana@example.com or +49 171 2345678",
        ),
        dm("t2", "Are you open on Sunday?"),
    ];
    store
        .ingest(
            &IngestPage {
                messages,
                cursor: None,
            },
            &KeywordAssess,
        )
        .expect("ingest");
    let id = |t: &str| {
        store
            .conversation_id("ig", t)
            .expect("read")
            .expect("conversation")
    };
    let (lead, other) = (id("t1"), id("t2"));
    (dir, path, lead, other)
}

fn config() -> Config {
    let mut config = Config::default();
    config.service_areas = vec!["Berlin".into()];
    config.brands = vec![crate::config::BrandConfig {
        service_areas: vec!["Potsdam".into(), "Berlin".into()],
        ..crate::config::BrandConfig::new("Hearth Bakery")
    }];
    config
}

#[test]
fn a_tier_one_conversation_is_a_lead_and_others_are_once_marked() {
    let (_dir, path, lead_id, other) = cache();
    let mut store = Store::open(&path).expect("open");
    let config = config();
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let view = inbox.lead(lead_id).expect("tier 1 is a lead");
    assert_eq!(view.lead.stage, LeadStage::New);
    assert!(!view.lead.stored, "nothing written yet");
    assert_eq!(view.next_question().map(|q| q.0), Some(LeadGap::Need));
    assert!(matches!(inbox.lead(other), Err(InboxError::NotALead(id)) if id == other));
    let marked = inbox.mark_lead(other, t0()).expect("mark");
    assert!(marked.stored);
    assert_eq!(
        inbox.lead(other).expect("now a lead").lead.stage,
        LeadStage::New
    );
    // Marking twice changes nothing.
    assert_eq!(
        inbox
            .mark_lead(other, t0() + chrono::Duration::hours(1))
            .expect("again"),
        marked
    );
    assert!(matches!(
        inbox.lead(999),
        Err(InboxError::NoConversation(999))
    ));
}

#[test]
fn suggestions_are_applied_only_when_confirmed_one_by_one() {
    let (_dir, path, id, _) = cache();
    let mut store = Store::open(&path).expect("open");
    let config = config();
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let view = inbox.lead(id).expect("lead");
    let described: Vec<String> = view.suggestions.iter().map(|s| s.describe()).collect();
    assert_eq!(
        described,
        [
            "timeline: next Saturday (2026-12-05)",
            "budget: €450",
            "value: EUR 450.00",
            "location: Potsdam",
            "email: ana@example.com",
            "phone: +491712345678",
        ],
        "the brand's own service areas apply"
    );
    assert_eq!(view.lead.value, None, "nothing is applied silently");
    let timeline = &view.suggestions[0];
    let lead = inbox
        .confirm_suggestion(id, timeline, t0())
        .expect("confirm");
    assert_eq!(lead.timeline.as_deref(), Some("next Saturday"));
    assert_eq!(
        lead.timeline_on.map(|d| d.to_string()).as_deref(),
        Some("2026-12-05")
    );
    assert_eq!(
        lead.stage,
        LeadStage::Qualifying,
        "the first field starts qualifying"
    );
    assert_eq!(lead.value, None, "one key, one field");
    let value = view
        .suggestions
        .iter()
        .find(|s| matches!(s.value, Suggested::Money(_)))
        .expect("value suggestion");
    inbox
        .confirm_suggestion(id, value, t0())
        .expect("confirm value");
    let after = inbox.lead(id).expect("lead");
    assert_eq!(
        after
            .lead
            .value
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("EUR 450.00")
    );
    assert!(
        after
            .suggestions
            .iter()
            .all(|s| s.field != LeadField::Timeline && s.field != LeadField::Value),
        "confirmed suggestions are not offered again: {:?}",
        after.suggestions
    );
    assert!(!after.unknown.contains(&LeadGap::Value));
    assert!(after.unknown.contains(&LeadGap::Budget));
}

#[test]
fn updates_are_checked_before_anything_is_written() {
    let (_dir, path, id, _) = cache();
    let mut store = Store::open(&path).expect("open");
    let config = config();
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let bad = LeadUpdate {
        need: Some("wedding cake".into()),
        email: Some("not-an-email".into()),
        ..LeadUpdate::default()
    };
    assert!(matches!(
        inbox.update_lead(id, &bad, t0()),
        Err(InboxError::BadLeadValue(m)) if m.contains("not-an-email")
    ));
    assert_eq!(
        inbox.lead(id).expect("lead").lead.need,
        None,
        "nothing written"
    );
    let not_a_number = LeadUpdate {
        value: Some("lots".into()),
        currency: Some("EUR".into()),
        ..LeadUpdate::default()
    };
    assert!(matches!(
        inbox.update_lead(id, &not_a_number, t0()),
        Err(InboxError::BadLeadValue(m)) if m.contains("not a number")
    ));
    let good = LeadUpdate {
        need: Some("wedding cake for 30".into()),
        timeline: Some("in two weeks".into()),
        value: Some("1200".into()),
        currency: Some("eur".into()),
        phone: Some("+49 (0)30 1234567".into()),
        ..LeadUpdate::default()
    };
    let lead = inbox.update_lead(id, &good, t0()).expect("update");
    assert_eq!(
        lead.value.as_ref().map(|m| (m.minor, m.currency.as_str())),
        Some((120_000, "EUR"))
    );
    assert_eq!(
        lead.timeline_on.map(|d| d.to_string()).as_deref(),
        Some("2026-12-16")
    );
    assert_eq!(lead.phone.as_deref(), Some("+49301234567"));
    assert_eq!(lead.stage, LeadStage::Qualifying);
    // An empty value clears a field.
    let clear = LeadUpdate {
        phone: Some(String::new()),
        ..LeadUpdate::default()
    };
    assert_eq!(
        inbox.update_lead(id, &clear, t0()).expect("clear").phone,
        None
    );
}

#[test]
fn stages_move_only_along_the_pipeline_and_survive_a_reopen() {
    let (_dir, path, id, _) = cache();
    let config = config();
    {
        let mut store = Store::open(&path).expect("open");
        let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
        assert!(matches!(
            inbox.set_lead_stage(id, LeadStage::Won, t0()),
            Err(InboxError::StageNotAllowed {
                from: LeadStage::New,
                to: LeadStage::Won
            })
        ));
        inbox
            .set_lead_stage(id, LeadStage::Qualified, t0())
            .expect("qualified");
        inbox
            .set_lead_stage(
                id,
                LeadStage::HandedOff,
                t0() + chrono::Duration::minutes(5),
            )
            .expect("handed off");
        let err = inbox
            .set_lead_stage(id, LeadStage::New, t0())
            .expect_err("back to new");
        assert!(err.to_string().contains("won, lost"), "{err}");
        inbox.set_lead_stage(id, LeadStage::Won, t0()).expect("won");
        assert!(
            inbox.set_lead_stage(id, LeadStage::Lost, t0()).is_err(),
            "won is final"
        );
    }
    // A new connection (as a restart) reads the same state from the file.
    let store = Store::open_read_only(&path).expect("reopen");
    let lead = store.lead(id).expect("read").expect("stored");
    assert_eq!(lead.stage, LeadStage::Won);
    assert_eq!(lead.created_at, t0());
    assert_eq!(lead.crm_contact_id, None);
    let leads = store.leads(10).expect("list");
    assert_eq!(leads.len(), 1, "the tier-3 question is no lead");
    assert_eq!(leads[0].0.conversation_id, id);
}
