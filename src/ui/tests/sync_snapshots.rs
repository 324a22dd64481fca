//! Snapshots of the sync views: accounts overlay, outbox overlay, the offline
//! status bar, the composer after Meta's window closed, the tier-2 confirmation.

use super::sync_tests::{account_rows, on_jins_comment, outbox_summary, with_closed_window};
use super::*;
use crate::ui::state::Focus;

const SIZES: [(u16, u16); 2] = [(80, 24), (140, 40)];

fn snap_both(name: &str, state: &mut State) {
    for (w, h) in SIZES {
        feed(
            state,
            Action::Resize {
                width: w,
                height: h,
            },
        );
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(state, w, h));
    }
}

#[test]
fn demo_keeps_its_live_mark() {
    let mut s = loaded_state();
    s.demo = true;
    let text = screen(&s, 80, 24);
    assert!(text.contains("demo: live"), "{text}");
}

#[test]
fn accounts_overlay_snapshot() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('a'));
    feed(&mut s, Action::AccountsLoaded(account_rows()));
    let text = screen(&s, 80, 24);
    assert!(!text.contains('\x1b'), "error text is sanitized");
    assert!(text.contains("next in 12m34s"), "{text}");
    snap_both("accounts", &mut s);
}

#[test]
fn accounts_overlay_without_accounts_explains() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('a'));
    assert!(screen(&s, 80, 24).contains("No accounts configured"));
}

#[test]
fn outbox_overlay_snapshot() {
    let mut s = loaded_state();
    s.accounts
        .insert("downtown-fb".into(), crate::model::AccountStatus::Offline);
    feed(&mut s, Action::OutboxLoaded(outbox_summary()));
    key(&mut s, KeyCode::Char('o'));
    key(&mut s, KeyCode::Char('j'));
    let text = screen(&s, 80, 24);
    assert!(text.contains("may already have been sent"), "{text}");
    snap_both("outbox", &mut s);
}

#[test]
fn offline_status_bar_snapshot() {
    let mut s = loaded_state();
    feed(&mut s, Action::AccountsLoaded(account_rows()));
    feed(&mut s, Action::OutboxLoaded(outbox_summary()));
    let text = screen(&s, 80, 24);
    assert!(text.contains("OFFLINE  3 queued"), "{text}");
    assert!(text.contains("3 to decide (o)"), "{text}");
    snap_both("status_offline", &mut s);
}

#[test]
fn composer_with_a_closed_window_snapshot() {
    let mut s = with_closed_window();
    key(&mut s, KeyCode::Char('r'));
    assert_eq!(s.focus, Focus::Composer);
    typed(&mut s, "Sorry for the slow answer!");
    let text = screen(&s, 80, 24);
    assert!(text.contains("window closed"), "{text}");
    snap_both("composer_window_closed", &mut s);
}

#[test]
fn moderation_reason_and_complaint_confirm_snapshots() {
    let mut s = on_jins_comment(Tier::Retention);
    key(&mut s, KeyCode::Char('x'));
    let text = screen(&s, 80, 24);
    assert!(text.contains("troll") && text.contains("strike"), "{text}");
    snap_both("moderate_reason", &mut s);
    let Some(Effect::Moderate(request)) = key(&mut s, KeyCode::Char('t')).pop() else {
        panic!("a moderation request");
    };
    feed(
        &mut s,
        Action::ModerationDecided {
            request,
            decision: crate::inbox::ModerateDecision::Blocked(vec![crate::inbox::Warning {
                guard: crate::inbox::Guard::HidingComplaint,
                message: "tier 2 (retention): hiding an unhappy customer backfires; reply instead"
                    .into(),
            }]),
        },
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("backfires"), "{text}");
    snap_both("confirm_tier2_hide", &mut s);
}

#[test]
fn new_overlays_survive_tiny_sizes() {
    let mut s = on_jins_comment(Tier::Retention);
    feed(&mut s, Action::AccountsLoaded(account_rows()));
    feed(&mut s, Action::OutboxLoaded(outbox_summary()));
    let openers: [&dyn Fn(&mut State); 3] = [
        &|s| {
            key(s, KeyCode::Char('a'));
        },
        &|s| {
            key(s, KeyCode::Char('o'));
        },
        &|s| {
            key(s, KeyCode::Char('x'));
        },
    ];
    for opener in openers {
        s.overlay = None;
        opener(&mut s);
        assert!(s.overlay.is_some());
        for (w, h) in [(1, 1), (20, 5), (5, 20), (200, 3), (30, 10)] {
            feed(
                &mut s,
                Action::Resize {
                    width: w,
                    height: h,
                },
            );
            let _ = screen(&s, w, h);
        }
    }
}

#[test]
fn send_later_popup_and_a_scheduled_item_in_the_outbox() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    typed(&mut s, "See you at 9!");
    let fx = ctrl(&mut s, 't');
    assert!(fx.is_empty());
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("Send later") && text.contains("in 1 hour"),
        "{text}"
    );
    snap_both("send_later", &mut s);
    // "1": in one hour, through the core, with the draft's text.
    let fx = key(&mut s, KeyCode::Char('1'));
    assert!(
        matches!(&fx[..], [Effect::SendReply { when: crate::inbox::When::At(at), text, .. }]
            if *at == s.now + Duration::hours(1) && text == "See you at 9!"),
        "{fx:?}"
    );

    // The outbox lists the scheduled reply first, with its time, and `c` cancels it.
    let mut summary = outbox_summary();
    let mut scheduled = summary.entries[0].clone();
    scheduled.item.id = 12;
    scheduled.item.state = crate::model::OutboxState::Queued;
    scheduled.item.error = None;
    scheduled.item.send_after = Some(s.now + Duration::hours(1));
    scheduled.item.body = "See you at 9!".into();
    summary.entries.insert(0, scheduled);
    feed(&mut s, Action::OutboxLoaded(summary));
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('o'));
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("1 scheduled") && text.contains("scheduled 1"),
        "{text}"
    );
    snap_both("outbox_scheduled", &mut s);
    assert_eq!(
        key(&mut s, KeyCode::Char('c')),
        vec![Effect::CancelOutbox(12)]
    );
}

#[test]
fn guard_warnings_sit_above_the_draft_in_the_composer() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    let draft = "Hi! Check our website for prices.";
    typed(&mut s, draft);
    feed(
        &mut s,
        Action::ReplyDecided {
            conversation_id: 1,
            text: draft.into(),
            when: crate::inbox::When::Now,
            acknowledgment: false,
            decision: crate::inbox::ReplyDecision::Blocked(vec![
                crate::inbox::Warning {
                    guard: crate::inbox::Guard::Deflection,
                    message: "deflection: the reply points elsewhere (\"check our website\") instead of answering".into(),
                },
                crate::inbox::Warning {
                    guard: crate::inbox::Guard::NoPersonalisation,
                    message: "no personalisation: Maria's name is known but not used".into(),
                },
            ]),
        },
    );
    let text = screen(&s, 140, 40);
    assert!(
        text.contains("⚠ deflection") && text.contains("to send it anyway"),
        "{text}"
    );
    snap_both("composer_guard_warnings", &mut s);
    // Editing the draft makes the warnings stale: they disappear.
    key(&mut s, KeyCode::Char('x'));
    assert!(!screen(&s, 140, 40).contains("⚠ deflection"));
}
