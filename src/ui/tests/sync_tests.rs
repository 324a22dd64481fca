//! The sync side of the UI: accounts, offline, outbox decisions, moderation and
//! its guard, Meta's reply window, filter values from the store.

use super::*;
use crate::inbox::{Guard, ModerateDecision, ModerateRequest, Moderation, Warning};
use crate::model::SyncEvent;
use crate::model::{AccountStatus, ModerationReason, OutboxAction, OutboxState};
use crate::store::{AccountState, OutboxItem};
use crate::ui::data::{Facets, OutboxEntry, OutboxSummary};
use crate::ui::popups::outbox::Pending;
use crate::ui::state::Overlay;
use crate::ui::update::startup;

fn account(name: &str, platform: &str, state: &str) -> AccountState {
    AccountState {
        account: name.into(),
        platform: platform.into(),
        state: state.parse().expect("a state word"),
        last_sync_at: Some(now() - Duration::minutes(4)),
        next_attempt_at: Some(now() + Duration::seconds(42)),
        last_error: None,
    }
}

pub(super) fn account_rows() -> Vec<AccountState> {
    let mut reauth = account("acme-facebook", "facebook", "needs-reauth");
    reauth.last_error = Some("401 Unauthorized: the Page token expired; run hearth login".into());
    reauth.next_attempt_at = None;
    let mut limited = account("acme-instagram", "instagram", "rate-limited");
    limited.next_attempt_at = Some(now() + Duration::seconds(754));
    limited.last_error = Some("429: X-Business-Use-Case-Usage at 100%".into());
    let mut broken = account("acme-google", "google", "error");
    broken.last_error = Some(format!(
        "malformed JSON \x1b[31mat byte 4096\x1b[0m: {}",
        "x".repeat(300)
    ));
    let mut never = account("acme-yelp-import", "other", "syncing");
    never.last_sync_at = None;
    never.next_attempt_at = None;
    vec![
        account("acme-mastodon", "mastodon", "ok"),
        reauth,
        limited,
        broken,
        account("downtown-fb", "facebook", "offline"),
        never,
    ]
}

fn item(id: i64, conversation_id: i64, state: &str, body: &str, error: &str) -> OutboxItem {
    OutboxItem {
        id,
        conversation_id,
        message_id: None,
        account: "demo".into(),
        action: OutboxAction::Reply,
        body: body.into(),
        target_id: None,
        state: state.parse::<OutboxState>().expect("a state word"),
        platform_id: None,
        error: Some(error.into()),
        attempts: 1,
        created_at: now() - Duration::minutes(30),
        send_after: None,
        reason: None,
        author: None,
    }
}

pub(super) fn outbox_summary() -> OutboxSummary {
    let convs = conversations();
    let entry = |item: OutboxItem| {
        let c = convs.iter().find(|c| c.id == item.conversation_id);
        OutboxEntry {
            author: c.map(|c| c.author.clone()),
            platform: c.map(|c| c.platform),
            kind: c.map(|c| c.kind),
            item,
        }
    };
    let mut hide = item(9, 5, "failed", "", "(#10) Permission denied");
    hide.action = OutboxAction::Hide;
    hide.target_id = Some("p5".into());
    OutboxSummary {
        queued: 3,
        attention_count: 3,
        entries: vec![
            entry(item(
                7,
                1,
                "failed",
                "Hi Maria! Yes, we deliver to Eastside on Saturdays.",
                "window closed: Meta's 24-hour messaging window has closed",
            )),
            entry(item(
                8,
                2,
                "unknown",
                "Tom, I'm so sorry about the wait. Could you DM us your order number?",
                "interrupted while sending",
            )),
            entry(hide),
        ],
    }
}

/// Open conversation 3 (a Facebook comment by Jin Park), optionally as tier 2.
pub(super) fn on_jins_comment(tier: Tier) -> State {
    let mut s = loaded_state();
    open(&mut s, 3);
    if let Some(c) = s.open.as_mut() {
        c.tier = tier;
    }
    s
}

#[test]
fn startup_reads_queue_facets_accounts_and_outbox() {
    let mut s = loaded_state();
    let fx = startup(&mut s);
    for want in [Effect::LoadFacets, Effect::LoadAccounts, Effect::LoadOutbox] {
        assert!(fx.contains(&want), "{want:?} missing from {fx:?}");
    }
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadQueue { .. })));
}

#[test]
fn accounts_overlay_opens_refreshes_on_tick_and_closes() {
    let mut s = loaded_state();
    assert!(feed(&mut s, Action::Tick(now())).is_empty());
    let fx = key(&mut s, KeyCode::Char('a'));
    assert_eq!(s.overlay, Some(Overlay::Accounts { scroll: 0 }));
    assert_eq!(fx, vec![Effect::LoadAccounts]);
    let fx = feed(&mut s, Action::Tick(now() + Duration::seconds(1)));
    assert_eq!(
        fx,
        vec![Effect::LoadAccounts],
        "open overlay refreshes each tick"
    );
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.overlay, Some(Overlay::Accounts { scroll: 1 }));
    key(&mut s, KeyCode::Char('a'));
    assert!(s.overlay.is_none(), "a again closes");
    assert!(feed(&mut s, Action::Tick(now() + Duration::seconds(2))).is_empty());
    key(&mut s, KeyCode::Char('a'));
    key(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

#[test]
fn account_events_and_rows_drive_the_status() {
    let mut s = loaded_state();
    let fx = feed(
        &mut s,
        Action::Sync(SyncEvent::AccountState {
            account: "acme-facebook".into(),
            state: AccountStatus::NeedsReauth,
            detail: Some("401".into()),
        }),
    );
    assert_eq!(fx, vec![Effect::LoadAccounts]);
    assert!(!s.offline());
    feed(&mut s, Action::AccountsLoaded(account_rows()));
    assert!(s.offline(), "downtown-fb is offline");
    assert_eq!(
        s.accounts.get("acme-facebook"),
        Some(&AccountStatus::NeedsReauth)
    );
    let t = crate::ui::popups::accounts::troubles(&s);
    assert_eq!(
        (t.offline, t.needs_reauth, t.rate_limited, t.error),
        (1, 1, 1, 1)
    );
}

#[test]
fn hide_asks_why_then_goes_to_the_core_and_unhide_goes_at_once() {
    let mut s = on_jins_comment(Tier::Engagement);
    assert!(key(&mut s, KeyCode::Char('x')).is_empty(), "asks first");
    let Some(Overlay::Reason(_)) = &s.overlay else {
        panic!("the reason chooser is shown");
    };
    // Other keys wait; a reason's letter picks it.
    assert!(key(&mut s, KeyCode::Char('z')).is_empty());
    let fx = key(&mut s, KeyCode::Char('s'));
    assert_eq!(
        fx,
        vec![Effect::Moderate(ModerateRequest {
            conversation_id: 3,
            action: Moderation::Hide,
            reason: Some(ModerationReason::Spam),
            target_id: Some("p3".into()),
            force: false,
        })]
    );
    assert!(s.overlay.is_none());
    let fx = key(&mut s, KeyCode::Char('u'));
    assert!(matches!(
        &fx[..],
        [Effect::Moderate(ModerateRequest {
            action: Moderation::Unhide,
            reason: None,
            ..
        })]
    ));
}

#[test]
fn a_complaint_the_core_stops_is_confirmed_with_its_warning_then_forced() {
    let mut s = on_jins_comment(Tier::Retention);
    key(&mut s, KeyCode::Char('x'));
    let Some(Effect::Moderate(request)) = key(&mut s, KeyCode::Char('t')).pop() else {
        panic!("a moderation request");
    };
    let warning = Warning {
        guard: Guard::HidingComplaint,
        message: "this looks like an unhappy customer".into(),
    };
    feed(
        &mut s,
        Action::ModerationDecided {
            request: request.clone(),
            decision: ModerateDecision::Blocked(vec![warning.clone()]),
        },
    );
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        panic!("a confirmation is shown");
    };
    assert!(c.warnings.contains(&warning.message), "{c:?}");
    // n cancels and queues nothing.
    assert!(key(&mut s, KeyCode::Char('j')).is_empty());
    assert!(key(&mut s, KeyCode::Char('n')).is_empty());
    assert!(s.overlay.is_none());
    // Blocked again, and y sends the same request with force.
    feed(
        &mut s,
        Action::ModerationDecided {
            request: request.clone(),
            decision: ModerateDecision::Blocked(vec![warning]),
        },
    );
    let fx = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        fx,
        vec![Effect::Moderate(ModerateRequest {
            force: true,
            ..request
        })]
    );
}

#[test]
fn delete_asks_why_then_always_confirms_and_esc_cancels() {
    let mut s = on_jins_comment(Tier::Engagement);
    assert!(key(&mut s, KeyCode::Char('X')).is_empty());
    assert!(key(&mut s, KeyCode::Char('h')).is_empty());
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        panic!("delete asks");
    };
    assert!(matches!(
        &c.pending,
        Pending::Moderate(ModerateRequest {
            action: Moderation::Delete,
            reason: Some(ModerationReason::Hate),
            ..
        })
    ));
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.overlay.is_none());
    key(&mut s, KeyCode::Char('X'));
    key(&mut s, KeyCode::Char('o'));
    let fx = key(&mut s, KeyCode::Char('Y'));
    assert!(matches!(
        &fx[..],
        [Effect::Moderate(ModerateRequest {
            action: Moderation::Delete,
            force: false,
            ..
        })]
    ));
}

#[test]
fn dms_and_reviews_are_not_moderated() {
    let mut s = loaded_state();
    assert!(key(&mut s, KeyCode::Char('x')).is_empty());
    assert!(s.overlay.is_none());
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("dm"))
    );
    open(&mut s, 2);
    assert!(key(&mut s, KeyCode::Char('X')).is_empty());
    assert!(s.overlay.is_none());
}

#[test]
fn moderation_targets_the_newest_inbound_message() {
    let mut s = on_jins_comment(Tier::Engagement);
    let mut older = s.messages[0].clone();
    older.id = 99;
    older.platform_id = "older".into();
    older.sent_at -= Duration::hours(1);
    let mut ours = s.messages[0].clone();
    ours.id = 100;
    ours.platform_id = "ours".into();
    ours.direction = crate::model::Direction::Outbound;
    ours.sent_at += Duration::minutes(1);
    s.messages.insert(0, older);
    s.messages.push(ours);
    key(&mut s, KeyCode::Char('x'));
    let fx = key(&mut s, KeyCode::Char('p'));
    assert!(
        matches!(&fx[..], [Effect::Moderate(r)] if r.target_id.as_deref() == Some("p3")),
        "{fx:?}"
    );
}

#[test]
fn outbox_overlay_resends_dismisses_and_guards_unknown_items() {
    let mut s = loaded_state();
    feed(&mut s, Action::OutboxLoaded(outbox_summary()));
    let fx = key(&mut s, KeyCode::Char('o'));
    assert_eq!(s.overlay, Some(Overlay::Outbox { selected: 0 }));
    assert_eq!(fx, vec![Effect::LoadOutbox]);

    let fx = key(&mut s, KeyCode::Char('r'));
    assert_eq!(
        fx,
        vec![Effect::ResolveOutbox {
            id: 7,
            resend: true
        }]
    );
    assert_eq!(s.overlay, Some(Overlay::Outbox { selected: 0 }));

    // The unknown item asks before sending again; n goes back to the list.
    key(&mut s, KeyCode::Char('j'));
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        panic!("resending an unknown item asks");
    };
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("MAY ALREADY HAVE BEEN SENT"))
    );
    assert!(key(&mut s, KeyCode::Char('n')).is_empty());
    assert_eq!(s.overlay, Some(Overlay::Outbox { selected: 1 }));
    key(&mut s, KeyCode::Char('r'));
    let fx = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        fx,
        vec![Effect::ResolveOutbox {
            id: 8,
            resend: true
        }]
    );
    assert_eq!(s.overlay, Some(Overlay::Outbox { selected: 1 }));

    key(&mut s, KeyCode::Char('G'));
    let fx = key(&mut s, KeyCode::Char('d'));
    assert_eq!(
        fx,
        vec![Effect::ResolveOutbox {
            id: 9,
            resend: false
        }]
    );

    let fx = feed(
        &mut s,
        Action::OutboxChanged {
            message: "outbox #9 dismissed".into(),
        },
    );
    assert_eq!(fx, vec![Effect::LoadOutbox]);
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("#9")));
    // Fewer items: the cursor stays in range.
    let mut fewer = outbox_summary();
    fewer.entries.truncate(1);
    feed(&mut s, Action::OutboxLoaded(fewer));
    assert_eq!(s.overlay, Some(Overlay::Outbox { selected: 0 }));
    key(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

#[test]
fn outbox_updates_refresh_the_outbox() {
    let mut s = loaded_state();
    let fx = feed(
        &mut s,
        Action::Sync(SyncEvent::OutboxUpdated {
            outbox_id: 3,
            error: Some("rejected".into()),
        }),
    );
    assert!(fx.contains(&Effect::LoadOutbox));
    assert!(fx.contains(&Effect::LoadConversation(1)));
}

#[test]
fn filter_values_come_from_the_store() {
    let mut s = loaded_state();
    let fx = feed(
        &mut s,
        Action::Sync(SyncEvent::Ingested {
            conversations: vec![],
        }),
    );
    assert!(fx.contains(&Effect::LoadFacets));
    feed(
        &mut s,
        Action::FacetsLoaded(Facets {
            platforms: [Platform::Yelp, Platform::Google].into_iter().collect(),
            brands: ["Acme Bakery".to_string(), "Zed Coffee".to_string()]
                .into_iter()
                .collect(),
            locations: ["Airport".to_string()].into_iter().collect(),
            brand_locations: [(
                "Zed Coffee".to_string(),
                ["Airport".to_string()].into_iter().collect(),
            )]
            .into_iter()
            .collect(),
        }),
    );
    key(&mut s, KeyCode::Char('P'));
    assert_eq!(s.filter.platform, Some(Platform::Google));
    key(&mut s, KeyCode::Char('P'));
    assert_eq!(
        s.filter.platform,
        Some(Platform::Yelp),
        "not in any loaded row"
    );
    key(&mut s, KeyCode::Char('B'));
    key(&mut s, KeyCode::Char('B'));
    assert_eq!(s.filter.brand.as_deref(), Some("Zed Coffee"));
    key(&mut s, KeyCode::Char('L'));
    assert_eq!(s.filter.location.as_deref(), Some("Airport"));
}

/// Conversation 1 (an Instagram DM) whose customer last wrote 30 hours ago.
pub(super) fn with_closed_window() -> State {
    let mut s = loaded_state();
    for m in &mut s.messages {
        m.sent_at -= Duration::hours(30);
    }
    s
}

#[test]
fn a_reply_after_the_window_closed_still_queues_but_says_so() {
    let mut s = with_closed_window();
    assert!(crate::ui::popups::outbox::window_closed_since(&s).is_some());
    key(&mut s, KeyCode::Char('r'));
    typed(&mut s, "Sorry for the delay!");
    let fx = ctrl(&mut s, 's');
    assert!(matches!(
        &fx[..],
        [Effect::SendReply {
            conversation_id: 1,
            ..
        }]
    ));
    // The core refuses (the same rule as the connector): the draft stays.
    feed(
        &mut s,
        Action::Error(
            "the messaging window has closed: facebook only accepts a reply within 24 hours".into(),
        ),
    );
    let n = s.notice.as_ref().expect("a notice");
    assert!(
        n.error && n.text.contains("window has closed"),
        "{}",
        n.text
    );
    assert_eq!(s.draft_text(), "Sorry for the delay!");
    assert!(crate::ui::popups::outbox::window_closed_since(&loaded_state()).is_none());
}
