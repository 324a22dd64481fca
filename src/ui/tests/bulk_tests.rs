//! Undo and bulk selection through `update` (keys in, effects out), the same
//! effects against a real SQLite cache, and snapshots of a visual selection and
//! of the undo hint in the status line.

use super::*;
use crate::inbox::{BulkAction, ModerateDecision, ModerateOutcome, Undo, UndoOutcome, UndoStep};
use crate::model::{ModerationReason, Status};
use crate::store::WorkflowRestore;
use crate::ui::state::Overlay;

/// A token as the core would hand it back for conversation `id`.
fn token(id: i64) -> Undo {
    Undo {
        steps: vec![UndoStep::Workflow(WorkflowRestore {
            id,
            status: Some((Status::Done, Status::Open, None)),
            tier: None,
        })],
    }
}

fn notice(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn undo_effect(fx: &[Effect]) -> Option<(&str, &Undo)> {
    fx.iter().find_map(|f| match f {
        Effect::Undo { what, undo } => Some((what.as_str(), undo)),
        _ => None,
    })
}

#[test]
fn done_snooze_and_retier_each_offer_an_undo_that_the_key_hands_back() {
    let mut s = loaded_state();
    for (key_code, then, message) in [
        (KeyCode::Char('d'), None, "marked done"),
        (
            KeyCode::Char('z'),
            Some(KeyCode::Char('1')),
            "snoozed until 11:00",
        ),
        (
            KeyCode::Char('t'),
            Some(KeyCode::Char('4')),
            "tier set to T4",
        ),
    ] {
        let mut fx = key(&mut s, key_code);
        if let Some(then) = then {
            fx = key(&mut s, then);
        }
        assert!(
            fx.iter().any(|f| matches!(
                f,
                Effect::MarkDone(1)
                    | Effect::Snooze {
                        conversation_id: 1,
                        ..
                    }
                    | Effect::SetTier {
                        conversation_id: 1,
                        ..
                    }
            )),
            "{fx:?}"
        );
        // The core answers with the token; the notice names the undo key.
        let fx = feed(
            &mut s,
            Action::Undoable {
                message: message.into(),
                undo: token(1),
            },
        );
        assert!(fx.iter().any(|f| matches!(f, Effect::LoadQueue { .. })));
        assert_eq!(notice(&s), format!("{message} · U undo"));
        let fx = key(&mut s, KeyCode::Char('U'));
        assert_eq!(undo_effect(&fx), Some((message, &token(1))));
    }
    // Nothing left: the key says so instead of guessing.
    let fx = key(&mut s, KeyCode::Char('U'));
    assert!(fx.is_empty());
    assert_eq!(notice(&s), "nothing to undo");
}

#[test]
fn the_undo_key_goes_back_one_action_at_a_time_and_reports_the_outcome() {
    let mut s = loaded_state();
    for id in [1, 2] {
        feed(
            &mut s,
            Action::Undoable {
                message: format!("marked done #{id}"),
                undo: token(id),
            },
        );
    }
    let fx = key(&mut s, KeyCode::Char('U'));
    assert_eq!(undo_effect(&fx), Some(("marked done #2", &token(2))));
    let fx = key(&mut s, KeyCode::Char('U'));
    assert_eq!(undo_effect(&fx), Some(("marked done #1", &token(1))));
    let fx = feed(
        &mut s,
        Action::Undone {
            what: "marked done #1".into(),
            outcome: UndoOutcome {
                restored: 1,
                ..UndoOutcome::default()
            },
        },
    );
    assert_eq!(notice(&s), "marked done #1: undone: 1 put back");
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadQueue { .. })));
    assert!(fx.contains(&Effect::LoadOutbox));
}

#[test]
fn a_hide_is_undoable_and_reloads_the_queue_it_left() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    open(&mut s, 3);
    key(&mut s, KeyCode::Char('x'));
    let fx = key(&mut s, KeyCode::Char('s'));
    let Some(Effect::Moderate(request)) = fx.first().cloned() else {
        panic!("a moderation: {fx:?}");
    };
    let undo = Undo {
        steps: vec![UndoStep::Hide {
            conversation_id: 3,
            outbox_id: 7,
            target_id: "p3".into(),
            strike_id: Some(1),
            enforced_by: None,
            status: Some((Status::Done, Status::Open)),
        }],
    };
    let fx = feed(
        &mut s,
        Action::ModerationDecided {
            request,
            decision: ModerateDecision::Queued(ModerateOutcome {
                outbox_id: 7,
                strike: None,
                left_queue: true,
                undo: Some(undo.clone()),
            }),
        },
    );
    assert!(
        fx.iter()
            .any(|f| matches!(f, Effect::LoadQueue { append: false, .. })),
        "the hidden comment's row goes: {fx:?}"
    );
    assert_eq!(
        notice(&s),
        "hide queued (outbox #7); out of the queue · U undo"
    );
    let fx = key(&mut s, KeyCode::Char('U'));
    assert_eq!(undo_effect(&fx).map(|(_, u)| u.clone()), Some(undo));
}

#[test]
fn space_marks_v_selects_a_range_and_the_workflow_keys_act_on_all_of_it() {
    let mut s = loaded_state();
    // Space marks row 1 (Maria) and moves on.
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(s.selected, 1);
    key(&mut s, KeyCode::Char('j'));
    // v at Jin (3), down to Sam (4): the range is 3..4.
    key(&mut s, KeyCode::Char('v'));
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(crate::ui::selection::targets(&s), vec![1, 3, 4]);
    let fx = key(&mut s, KeyCode::Char('d'));
    assert_eq!(
        fx,
        vec![Effect::Bulk {
            ids: vec![1, 3, 4],
            action: BulkAction::Done
        }]
    );
    assert!(
        crate::ui::selection::targets(&s).is_empty(),
        "a bulk action clears the selection"
    );

    // Re-tier and snooze ask once, then act on every marked row.
    key(&mut s, KeyCode::Char('g'));
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('t'));
    assert_eq!(s.overlay, Some(Overlay::Retier));
    let fx = key(&mut s, KeyCode::Char('5'));
    assert_eq!(
        fx,
        vec![Effect::Bulk {
            ids: vec![1, 2],
            action: BulkAction::Retier(Some(Tier::Monitor))
        }]
    );
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('z'));
    let fx = key(&mut s, KeyCode::Char('1'));
    assert_eq!(
        fx,
        vec![Effect::Bulk {
            ids: vec![3],
            action: BulkAction::Snooze(now() + Duration::hours(1))
        }]
    );

    // Hide asks for one reason for the whole selection.
    key(&mut s, KeyCode::Char('G'));
    key(&mut s, KeyCode::Char('v'));
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('x'));
    let Some(Overlay::Reason(prompt)) = &s.overlay else {
        panic!("a reason chooser: {:?}", s.overlay);
    };
    assert_eq!(prompt.bulk, vec![3, 4, 5]);
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("Hide the newest comment of 3 selected:"),
        "{text}"
    );
    assert!(
        text.contains("complaints, DMs and reviews are refused"),
        "{text}"
    );
    let fx = key(&mut s, KeyCode::Char('s'));
    assert_eq!(
        fx,
        vec![Effect::Bulk {
            ids: vec![3, 4, 5],
            action: BulkAction::Hide(ModerationReason::Spam)
        }]
    );
}

#[test]
fn v_again_keeps_the_range_marked_and_esc_clears_the_selection() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('v'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('v'));
    assert!(!s.selection.is_visual());
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    // The range stays where it was; moving no longer extends it.
    assert_eq!(crate::ui::selection::targets(&s), vec![1, 2]);
    // Delete stays one at a time (it cannot be undone).
    let fx = key(&mut s, KeyCode::Char('X'));
    assert!(fx.is_empty());
    assert!(
        notice(&s).contains("one conversation at a time"),
        "{}",
        notice(&s)
    );
    key(&mut s, KeyCode::Esc);
    assert!(crate::ui::selection::targets(&s).is_empty());
    // A filter change clears marks: rows out of sight are never acted on.
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('f'));
    assert!(crate::ui::selection::targets(&s).is_empty());
    key(&mut s, KeyCode::Char('f'));
    key(&mut s, KeyCode::Char('f'));
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: conversations(),
            append: false,
            more: false,
        },
    );
    // Without a selection, d is about the open conversation again.
    assert_eq!(key(&mut s, KeyCode::Char('d')), vec![Effect::MarkDone(1)]);
}

#[test]
fn spam_is_one_key_on_the_open_conversation() {
    let mut s = loaded_state();
    assert_eq!(s.open.as_ref().map(|c| c.kind), Some(Kind::Dm));
    let fx = key(&mut s, KeyCode::Char('S'));
    assert_eq!(
        fx,
        vec![Effect::Bulk {
            ids: vec![1],
            action: BulkAction::Spam
        }]
    );
}

/// The effects against a real cache: a bulk done through the core, its undo.
#[test]
fn bulk_and_undo_effects_run_through_the_core() {
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::IncomingMessage;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = crate::store::Store::open(&dir.path().join("cache.db")).expect("open");
    let messages = (0..3)
        .map(|i| IncomingMessage {
            account: "ig".into(),
            platform: Platform::Instagram,
            kind: Kind::Dm,
            thread_id: format!("t{i}"),
            platform_id: format!("m{i}"),
            direction: Direction::Inbound,
            author: format!("sender {i}"),
            body: "crypto giveaway, dm us".into(),
            sent_at: now() - Duration::minutes(5),
            context: None,
            brand: None,
            location: None,
            rating: None,
        })
        .collect();
    let stats = store
        .ingest(
            &crate::model::IngestPage {
                messages,
                cursor: None,
            },
            &KeywordAssess,
        )
        .expect("ingest");
    let ids = stats.touched;
    let state = loaded_state();
    let run = |store: &mut crate::store::Store, fx: Effect| {
        crate::ui::effects::execute(store, &KeywordAssess, &state, fx, now()).expect("answer")
    };
    let Action::Undoable { message, undo } = run(
        &mut store,
        Effect::Bulk {
            ids: ids.clone(),
            action: BulkAction::Spam,
        },
    ) else {
        panic!("an undoable answer");
    };
    assert_eq!(message, "marked 3 as spam (T5, done)");
    let status =
        |store: &crate::store::Store, id| store.conversation(id).expect("read").expect("c").status;
    assert!(ids.iter().all(|id| status(&store, *id) == Status::Done));
    let Action::Undone { outcome, .. } = run(
        &mut store,
        Effect::Undo {
            what: message,
            undo,
        },
    ) else {
        panic!("an undo answer");
    };
    assert_eq!(outcome.restored, 3);
    assert!(ids.iter().all(|id| status(&store, *id) == Status::Open));
    // A hide of a DM is refused by the core, in bulk as alone.
    let Action::Undoable { message, undo } = run(
        &mut store,
        Effect::Bulk {
            ids: ids.clone(),
            action: BulkAction::Hide(ModerationReason::Spam),
        },
    ) else {
        panic!("an undoable answer");
    };
    assert_eq!(message, "hid 0, 3 refused: dm");
    assert!(undo.is_empty());
}

#[test]
fn a_visual_selection_and_the_undo_hint_on_screen() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('v'));
    key(&mut s, KeyCode::Char('j'));
    let text = screen(&s, 80, 24);
    assert!(text.contains("-- VISUAL -- 3 selected"), "{text}");
    insta::assert_snapshot!("visual_selection_80x24", text);
    insta::assert_snapshot!("visual_selection_140x40", screen(&s, 140, 40));

    key(&mut s, KeyCode::Esc);
    feed(
        &mut s,
        Action::Undoable {
            message: "marked 3 done".into(),
            undo: token(1),
        },
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("marked 3 done · U undo"), "{text}");
    insta::assert_snapshot!("undo_hint_80x24", text);
}
