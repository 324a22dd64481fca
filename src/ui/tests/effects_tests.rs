//! The new effects against a real SQLite cache: moderation lands in the outbox,
//! decisions resolve items, the outbox summary and filter values read back right.

use super::*;
use crate::inbox::{ModerateDecision, ModerateRequest, Moderation};
use crate::model::{Assess, AssessInput, Assessment, IncomingMessage, IngestPage};
use crate::model::{ModerationReason, OutboxAction, OutboxState};
use crate::store::Store;
use crate::ui::effects::execute;

/// Every conversation tier 3, no deadline: these tests are not about triage.
struct Flat;

impl Assess for Flat {
    fn assess(&self, _: &AssessInput<'_>) -> Assessment {
        Assessment {
            tier: Tier::Engagement,
            reason: "test".into(),
            sentiment: 0.0,
            due_at: None,
            ack_due_at: None,
        }
    }
}

fn incoming(platform: Platform, thread: &str, id: &str, brand: &str) -> IncomingMessage {
    IncomingMessage {
        account: format!("{platform}-acct"),
        platform,
        kind: Kind::Comment,
        thread_id: thread.into(),
        platform_id: id.into(),
        direction: Direction::Inbound,
        author: "Jin Park".into(),
        body: "Buy followers cheap".into(),
        sent_at: now() - Duration::minutes(5),
        context: None,
        brand: Some(brand.into()),
        location: Some("Airport".into()),
        rating: None,
    }
}

fn run(store: &mut Store, state: &State, fx: Effect) -> Action {
    execute(store, &Flat, state, fx, now()).expect("an answer")
}

#[test]
fn moderation_outbox_and_facets_through_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.db")).expect("open");
    let page = IngestPage {
        messages: vec![
            incoming(Platform::Facebook, "post-1", "c-1", "Acme Bakery"),
            incoming(Platform::Yelp, "rev-1", "y-1", "Zed Coffee"),
        ],
        cursor: None,
    };
    store.ingest(&page, &Flat).expect("ingest");
    let conv = store
        .conversation_id("facebook-acct", "post-1")
        .expect("lookup")
        .expect("conversation exists");
    let state = loaded_state();

    let Action::FacetsLoaded(f) = run(&mut store, &state, Effect::LoadFacets) else {
        panic!("facets expected");
    };
    assert_eq!(
        f.platforms.into_iter().collect::<Vec<_>>(),
        vec![Platform::Facebook, Platform::Yelp]
    );
    assert!(f.brands.contains("Zed Coffee"));
    assert!(f.locations.contains("Airport"));

    let action = run(
        &mut store,
        &state,
        Effect::Moderate(ModerateRequest {
            conversation_id: conv,
            action: Moderation::Hide,
            reason: Some(ModerationReason::Spam),
            target_id: Some("c-1".into()),
            force: false,
        }),
    );
    let Action::ModerationDecided {
        decision: ModerateDecision::Queued(outcome),
        ..
    } = &action
    else {
        panic!("queued expected: {action:?}");
    };
    // The first strike against the author is a warning, written from the shipped
    // spam-troll template and queued as a reply after the hide.
    let strike = outcome.strike.as_ref().expect("a strike");
    assert_eq!(strike.count, 1);
    assert_eq!(strike.step, crate::model::StrikeStep::Warning);
    let queued = store.outbox(OutboxState::Queued, 10).expect("outbox");
    assert_eq!(queued.len(), 2, "{queued:?}");
    assert_eq!(Some(queued[1].id), strike.enforced_by);
    assert_eq!(queued[1].action, OutboxAction::Reply);
    assert!(queued[1].body.contains("spam"), "{}", queued[1].body);
    assert!(!queued[1].body.contains("[["), "{}", queued[1].body);
    store
        .cancel_outbox(queued[1].id, &Flat, now())
        .expect("cancel")
        .expect("was queued");
    let queued = store.outbox(OutboxState::Queued, 10).expect("outbox");
    assert_eq!(queued[0].action, OutboxAction::Hide);
    assert_eq!(queued[0].reason, Some(ModerationReason::Spam));
    assert_eq!(queued[0].target_id.as_deref(), Some("c-1"));

    // The engine fails it; the summary lists it with its author; a decision requeues it.
    store
        .mark_outbox_failed(queued[0].id, "permission denied", now(), &Flat)
        .expect("fail");
    let Action::OutboxLoaded(summary) = run(&mut store, &state, Effect::LoadOutbox) else {
        panic!("summary expected");
    };
    assert_eq!((summary.queued, summary.attention_count), (0, 1));
    assert_eq!(summary.entries[0].author.as_deref(), Some("Jin Park"));
    assert_eq!(summary.entries[0].platform, Some(Platform::Facebook));
    let id = summary.entries[0].item.id;
    run(
        &mut store,
        &state,
        Effect::ResolveOutbox { id, resend: true },
    );
    assert_eq!(store.outbox_count(OutboxState::Queued).expect("count"), 1);
    assert_eq!(store.outbox_count(OutboxState::Failed).expect("count"), 0);

    // Resolving an item that is not waiting for a decision is a shown error.
    let again = run(
        &mut store,
        &state,
        Effect::ResolveOutbox { id, resend: false },
    );
    assert!(matches!(again, Action::Error(_)), "{again:?}");

    let Action::AccountsLoaded(rows) = run(&mut store, &state, Effect::LoadAccounts) else {
        panic!("accounts expected");
    };
    assert!(rows.is_empty(), "no sync has run");
}
