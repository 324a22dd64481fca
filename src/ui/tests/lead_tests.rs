//! The lead panel: one key opens it on the open conversation, a digit confirms
//! a suggestion, a letter edits a field, `>` moves the stage on; every change
//! is an `Effect::Lead` the core carries out. Snapshots at both sizes, and the
//! effects against a real cache.

use super::*;
use crate::inbox::{LeadUpdate, LeadView};
use crate::leads::{Suggested, Suggestion};
use crate::model::{Lead, LeadField, LeadStage, Money};
use crate::ui::action::LeadOp;
use crate::ui::state::Overlay;

/// Maria's lead: the need and the value known, three suggestions waiting.
fn maria_lead() -> LeadView {
    let conversation = conversations()
        .into_iter()
        .find(|c| c.id == 1)
        .expect("Maria");
    let mut lead = Lead::new(1, now() - Duration::hours(3));
    lead.stage = LeadStage::Qualifying;
    lead.need = Some("birthday cake for 30, gluten-free".into());
    lead.value = Some(Money {
        minor: 45_000,
        currency: "EUR".into(),
    });
    lead.stored = true;
    let suggestion = |field, value, quote: &str| Suggestion {
        field,
        value,
        quote: quote.into(),
        message_id: 11,
    };
    let suggestions = vec![
        suggestion(
            LeadField::Timeline,
            Suggested::Date(chrono::NaiveDate::from_ymd_opt(2025, 3, 15).expect("date")),
            "next Saturday",
        ),
        suggestion(LeadField::Budget, Suggested::Text("€450".into()), "€450"),
        suggestion(
            LeadField::Location,
            Suggested::Text("Eastside".into()),
            "eastside",
        ),
    ];
    LeadView {
        unknown: lead.gaps(),
        conversation,
        lead,
        suggestions,
    }
}

fn opened() -> State {
    let mut s = loaded_state();
    let fx = key(&mut s, KeyCode::Char('$'));
    assert_eq!(fx, vec![Effect::LoadLead(1)]);
    feed(
        &mut s,
        Action::LeadLoaded {
            conversation_id: 1,
            view: Some(Box::new(maria_lead())),
            message: None,
        },
    );
    s
}

#[test]
fn lead_panel_snapshots() {
    let mut s = opened();
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        feed(
            &mut s,
            Action::Resize {
                width: w,
                height: h,
            },
        );
        let screen = screen(&s, w, h);
        assert!(screen.contains("ask: when do they need it?"), "{screen}");
        insta::assert_snapshot!(format!("lead_panel_{w}x{h}"), screen);
    }
}

#[test]
fn a_digit_confirms_that_suggestion_only() {
    let mut s = opened();
    let fx = key(&mut s, KeyCode::Char('2'));
    let expected = maria_lead().suggestions[1].clone();
    assert_eq!(
        fx,
        vec![Effect::Lead {
            conversation_id: 1,
            op: LeadOp::Confirm(Box::new(expected)),
        }]
    );
    assert!(
        key(&mut s, KeyCode::Char('7')).is_empty(),
        "no suggestion 7"
    );
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("no suggestion 7"))
    );
}

#[test]
fn a_letter_edits_a_field_and_enter_saves_it() {
    let mut s = opened();
    assert!(key(&mut s, KeyCode::Char('b')).is_empty());
    typed(&mut s, "around 450");
    let screen = screen(&s, 80, 24);
    assert!(screen.contains("around 450▏"), "{screen}");
    let fx = key(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Lead {
            conversation_id: 1,
            op: LeadOp::Update(Box::new(LeadUpdate {
                budget: Some("around 450".into()),
                ..LeadUpdate::default()
            })),
        }]
    );
    // Editing the value starts from it, as it would be typed.
    key(&mut s, KeyCode::Char('v'));
    assert!(
        matches!(&s.overlay, Some(Overlay::Lead(p)) if p.editing == Some((LeadField::Value, "450.00 EUR".into())))
    );
    key(&mut s, KeyCode::Esc);
    assert!(
        matches!(&s.overlay, Some(Overlay::Lead(p)) if p.editing.is_none()),
        "esc drops the typing, not the panel"
    );
}

#[test]
fn stage_keys_and_closing() {
    let mut s = opened();
    assert_eq!(
        key(&mut s, KeyCode::Char('>')),
        vec![Effect::Lead {
            conversation_id: 1,
            op: LeadOp::Stage(LeadStage::Qualified),
        }]
    );
    assert_eq!(
        key(&mut s, KeyCode::Char('x')),
        vec![Effect::Lead {
            conversation_id: 1,
            op: LeadOp::Stage(LeadStage::Lost),
        }]
    );
    key(&mut s, KeyCode::Char('$'));
    assert!(s.overlay.is_none(), "the same key closes it");
    key(&mut s, KeyCode::Char('$'));
    key(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

#[test]
fn a_conversation_that_is_not_a_lead_is_marked_with_m() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('$'));
    feed(
        &mut s,
        Action::LeadLoaded {
            conversation_id: 1,
            view: None,
            message: None,
        },
    );
    assert!(screen(&s, 80, 24).contains("not a lead"));
    assert!(key(&mut s, KeyCode::Char('2')).is_empty());
    assert_eq!(
        key(&mut s, KeyCode::Char('m')),
        vec![Effect::Lead {
            conversation_id: 1,
            op: LeadOp::Mark,
        }]
    );
}

#[test]
fn the_effects_go_through_the_core_on_a_real_cache() {
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{IncomingMessage, IngestPage};
    use crate::store::Store;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.db")).expect("open");
    let message = IncomingMessage {
        account: "ig".into(),
        platform: Platform::Instagram,
        kind: Kind::Dm,
        thread_id: "t".into(),
        platform_id: "m".into(),
        direction: Direction::Inbound,
        author: "Ana".into(),
        body: "Do you open on Sunday? Budget €300".into(),
        sent_at: now(),
        context: None,
        brand: None,
        location: None,
        rating: None,
    };
    let page = IngestPage {
        messages: vec![message],
        cursor: None,
    };
    store.ingest(&page, &KeywordAssess).expect("ingest");
    let id = store.conversation_id("ig", "t").expect("read").expect("id");
    let state = loaded_state();
    let run = |store: &mut Store, fx| {
        crate::ui::effects::execute(store, &KeywordAssess, &state, fx, now()).expect("answer")
    };
    let Action::LeadLoaded { view: None, .. } = run(&mut store, Effect::LoadLead(id)) else {
        panic!("a question is no lead until marked");
    };
    let marked = run(
        &mut store,
        Effect::Lead {
            conversation_id: id,
            op: LeadOp::Mark,
        },
    );
    let Action::LeadLoaded {
        view: Some(view),
        message: Some(message),
        ..
    } = marked
    else {
        panic!("marked: {marked:?}");
    };
    assert_eq!(message, "marked as a lead");
    let value = view
        .suggestions
        .iter()
        .find(|s| s.field == LeadField::Value)
        .expect("the €300 is suggested")
        .clone();
    let confirmed = run(
        &mut store,
        Effect::Lead {
            conversation_id: id,
            op: LeadOp::Confirm(Box::new(value)),
        },
    );
    let Action::LeadLoaded {
        view: Some(view), ..
    } = confirmed
    else {
        panic!("confirmed: {confirmed:?}");
    };
    assert_eq!(view.lead.value.map(|m| m.minor), Some(30_000));
    assert_eq!(view.lead.stage, LeadStage::Qualifying);
    let refused = run(
        &mut store,
        Effect::Lead {
            conversation_id: id,
            op: LeadOp::Stage(LeadStage::Won),
        },
    );
    assert!(matches!(refused, Action::Error(m) if m.contains("cannot move to won")));
}
