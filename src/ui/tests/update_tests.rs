//! `update` is pure: actions in, state and effects out.

use super::*;
use crate::ui::action::Command;
use crate::ui::state::{Focus, Overlay, State};
use std::collections::BTreeMap;

#[test]
fn moving_down_selects_and_loads_the_next_conversation() {
    let mut s = loaded_state();
    let fx = key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.selected, 1);
    assert_eq!(fx, vec![Effect::LoadConversation(2)]);
    key(&mut s, KeyCode::Down);
    assert_eq!(s.selected, 2);
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(s.selected, 4);
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.selected, 4, "clamped at the end");
    key(&mut s, KeyCode::Home);
    assert_eq!(s.selected, 0);
    ctrl(&mut s, 'd');
    assert!(s.selected > 0);
}

#[test]
fn nearing_the_end_of_a_full_window_pages_further() {
    let mut s = loaded_state();
    s.queue_more = true;
    let fx = key(&mut s, KeyCode::Char('j'));
    let paging = fx.iter().find_map(|f| match f {
        Effect::LoadQueue { after, append, .. } => Some((*after, *append)),
        _ => None,
    });
    let (after, append) = paging.expect("a further page is asked for");
    assert!(append);
    assert_eq!(after.map(|k| k.id), Some(5));
    // Only one page request in flight.
    let fx = key(&mut s, KeyCode::Char('j'));
    assert!(!fx.iter().any(|f| matches!(f, Effect::LoadQueue { .. })));
}

#[test]
fn reload_keeps_the_cursor_on_the_same_conversation() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(3));
    let mut rows = conversations();
    rows.remove(0);
    feed(
        &mut s,
        Action::QueueLoaded {
            rows,
            append: false,
            more: false,
        },
    );
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(3));
}

#[test]
fn tier_keys_filter_and_zero_clears() {
    let mut s = loaded_state();
    let fx = key(&mut s, KeyCode::Char('1'));
    assert_eq!(s.filter.tier, Some(Tier::Revenue));
    assert!(fx.iter().any(|f| matches!(f,
        Effect::LoadQueue { filter, after: None, append: false, .. } if filter.tier == Some(Tier::Revenue))));
    key(&mut s, KeyCode::Char('0'));
    assert_eq!(s.filter.tier, None);
}

#[test]
fn family_platform_brand_location_cycle() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('f'));
    assert_eq!(s.filter.family, Some(Family::Community));
    key(&mut s, KeyCode::Char('f'));
    assert_eq!(s.filter.family, Some(Family::Reputation));
    key(&mut s, KeyCode::Char('f'));
    assert_eq!(s.filter.family, None);

    // Platforms seen in the queue, in order, then back to none.
    let mut seen = Vec::new();
    for _ in 0..5 {
        key(&mut s, KeyCode::Char('P'));
        seen.push(s.filter.platform);
    }
    assert_eq!(
        seen,
        vec![
            Some(Platform::Mastodon),
            Some(Platform::Facebook),
            Some(Platform::Instagram),
            Some(Platform::Google),
            None
        ]
    );
    key(&mut s, KeyCode::Char('B'));
    assert_eq!(s.filter.brand.as_deref(), Some("Acme Bakery"));
    key(&mut s, KeyCode::Char('L'));
    assert_eq!(s.filter.location.as_deref(), Some("Downtown"));
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(s.filter, Default::default());
}

#[test]
fn search_types_a_query_and_esc_leaves() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('/'));
    assert!(s.search.as_ref().is_some_and(|x| x.editing));
    let fx = typed(&mut s, "cake");
    assert_eq!(fx.last(), Some(&Effect::Search("cake".into())));
    // 'q' while typing a query is text, not quit.
    typed(&mut s, "q");
    assert!(!s.quit);
    key(&mut s, KeyCode::Backspace);
    feed(
        &mut s,
        Action::SearchResults {
            query: "cake".into(),
            rows: conversations()[..1].to_vec(),
        },
    );
    assert_eq!(s.rows().len(), 1);
    key(&mut s, KeyCode::Enter);
    assert!(s.search.as_ref().is_some_and(|x| !x.editing));
    key(&mut s, KeyCode::Esc);
    assert!(s.search.is_none());
    assert_eq!(s.rows().len(), 5);
}

#[test]
fn stale_search_results_are_ignored() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "cakes");
    feed(
        &mut s,
        Action::SearchResults {
            query: "cak".into(),
            rows: conversations(),
        },
    );
    assert!(s.rows().is_empty());
}

#[test]
fn picker_opens_filters_and_inserts_a_filled_template() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('p'));
    let Some(Overlay::Picker(picker)) = &s.overlay else {
        panic!("picker should be open");
    };
    let all = picker.matches.len();
    assert!(all > 1);
    typed(&mut s, "purchase");
    let Some(Overlay::Picker(picker)) = &s.overlay else {
        panic!("picker still open");
    };
    assert!(picker.matches.len() < all, "typing narrows the list");
    let first = s.playbooks.all()[picker.matches[0]].name.clone();
    assert!(first.contains("purchase"), "{first}");
    key(&mut s, KeyCode::Enter);
    assert!(s.overlay.is_none());
    assert_eq!(s.focus, Focus::Composer);
    let draft = s.draft_text();
    assert!(draft.contains("Maria"), "first name filled in: {draft}");
    assert!(!draft.contains("{first_name}"), "{draft}");
}

#[test]
fn send_yields_a_send_effect_and_the_sent_reply_clears_the_draft() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    assert_eq!(s.focus, Focus::Composer);
    typed(&mut s, "Yes, we deliver!");
    let fx = ctrl(&mut s, 's');
    assert_eq!(
        fx,
        vec![Effect::SendReply {
            conversation_id: 1,
            text: "Yes, we deliver!".into(),
            when: crate::inbox::When::Now,
            force: false,
            acknowledgment: false,
        }]
    );
    // Guards warn: nothing is cleared, the warnings stay with the draft, and the
    // explicit key sends the same text anyway.
    let warning = crate::inbox::Warning {
        guard: crate::inbox::Guard::NoPersonalisation,
        message: "Maria's name is known but the reply does not use it".into(),
    };
    feed(
        &mut s,
        Action::ReplyDecided {
            conversation_id: 1,
            text: "Yes, we deliver!".into(),
            when: crate::inbox::When::Now,
            acknowledgment: false,
            decision: crate::inbox::ReplyDecision::Blocked(vec![warning]),
        },
    );
    assert_eq!(s.draft_text(), "Yes, we deliver!");
    assert!(s.guard.is_some());
    let fx = ctrl(&mut s, 'g');
    assert!(
        matches!(&fx[..], [Effect::SendReply { force: true, .. }]),
        "{fx:?}"
    );
    feed(
        &mut s,
        Action::ReplyDecided {
            conversation_id: 1,
            text: "Yes, we deliver!".into(),
            when: crate::inbox::When::Now,
            acknowledgment: false,
            decision: crate::inbox::ReplyDecision::Queued(crate::inbox::ReplyOutcome {
                outbox_id: 7,
                send_after: None,
                held_for_opening: false,
                overridden: Vec::new(),
                acknowledgment: false,
                still_due_at: None,
            }),
        },
    );
    assert!(s.guard.is_none());
    assert!(s.composer.is_empty());
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("reply queued"))
    );
}

#[test]
fn an_empty_draft_is_not_sent() {
    let mut s = loaded_state();
    let fx = ctrl(&mut s, 's');
    assert!(fx.is_empty());
    assert!(s.notice.as_ref().is_some_and(|n| n.error));
}

#[test]
fn composer_keeps_letters_and_quits_only_on_ctrl_c() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    typed(&mut s, "qjd");
    assert_eq!(s.draft_text(), "qjd");
    assert!(!s.quit);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.focus, Focus::Queue);
    let fx = ctrl(&mut s, 'c');
    assert!(s.quit);
    assert_eq!(fx, vec![Effect::Quit]);
}

#[test]
fn drafts_stay_with_their_conversation() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    typed(&mut s, "for maria");
    key(&mut s, KeyCode::Esc);
    open(&mut s, 2);
    assert!(s.composer.is_empty());
    open(&mut s, 1);
    assert_eq!(s.draft_text(), "for maria");
}

#[test]
fn retier_done_and_snooze_ask_the_store() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('t'));
    assert_eq!(s.overlay, Some(Overlay::Retier));
    let fx = key(&mut s, KeyCode::Char('2'));
    assert_eq!(
        fx,
        vec![Effect::SetTier {
            conversation_id: 1,
            tier: Some(Tier::Retention)
        }]
    );
    assert!(s.overlay.is_none());

    let fx = key(&mut s, KeyCode::Char('T'));
    assert_eq!(
        fx,
        vec![Effect::SetTier {
            conversation_id: 1,
            tier: None
        }]
    );

    let fx = key(&mut s, KeyCode::Char('d'));
    assert_eq!(fx, vec![Effect::MarkDone(1)]);

    key(&mut s, KeyCode::Char('z'));
    assert_eq!(s.overlay, Some(Overlay::Snooze { selected: 0 }));
    let fx = key(&mut s, KeyCode::Char('3'));
    let tomorrow_nine = Utc
        .with_ymd_and_hms(2025, 3, 13, 9, 0, 0)
        .single()
        .expect("time");
    assert_eq!(
        fx,
        vec![Effect::Snooze {
            conversation_id: 1,
            until: tomorrow_nine
        }]
    );

    key(&mut s, KeyCode::Char('z'));
    key(&mut s, KeyCode::Char('j'));
    let fx = key(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Snooze {
            conversation_id: 1,
            until: now() + Duration::hours(3)
        }]
    );

    // 2025-03-12 is a Wednesday: next Monday is the 17th.
    key(&mut s, KeyCode::Char('z'));
    let fx = key(&mut s, KeyCode::Char('4'));
    let monday = Utc
        .with_ymd_and_hms(2025, 3, 17, 9, 0, 0)
        .single()
        .expect("time");
    assert_eq!(
        fx,
        vec![Effect::Snooze {
            conversation_id: 1,
            until: monday
        }]
    );
}

#[test]
fn applied_writes_reload_and_report() {
    let mut s = loaded_state();
    let fx = feed(
        &mut s,
        Action::Applied {
            message: "marked done".into(),
        },
    );
    assert!(
        fx.iter()
            .any(|f| matches!(f, Effect::LoadQueue { append: false, .. }))
    );
    assert!(fx.contains(&Effect::LoadConversation(1)));
    assert_eq!(
        s.notice.as_ref().map(|n| n.text.as_str()),
        Some("marked done")
    );
    feed(&mut s, Action::Tick(now() + Duration::seconds(30)));
    assert!(s.notice.is_none(), "messages are transient");
}

#[test]
fn help_opens_and_any_key_closes() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('?'));
    assert_eq!(s.overlay, Some(Overlay::Help { scroll: 0 }));
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.overlay, Some(Overlay::Help { scroll: 1 }));
    key(&mut s, KeyCode::Char('x'));
    assert!(s.overlay.is_none());
}

#[test]
fn keymap_override_takes_effect() {
    let mut cfg = BTreeMap::new();
    cfg.insert("ctrl-n".to_string(), "down".to_string());
    cfg.insert("q".to_string(), "none".to_string());
    let mut s = loaded_state();
    s.keymap = Keymap::from_config(&cfg).expect("valid keymap");
    ctrl(&mut s, 'n');
    assert_eq!(s.selected, 1);
    key(&mut s, KeyCode::Char('q'));
    assert!(!s.quit, "q was unbound");
    ctrl(&mut s, 'c');
    assert!(s.quit, "ctrl-c always quits");
}

#[test]
fn focus_moves_with_tab_and_h_l_and_thread_scrolls() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Focus::Thread);
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('g'));
    let top = s.thread_scroll;
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.thread_scroll, top.saturating_sub(1));
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(s.thread_scroll, 0);
    key(&mut s, KeyCode::Char('l'));
    assert_eq!(s.focus, Focus::Composer);
    key(&mut s, KeyCode::BackTab);
    assert_eq!(s.focus, Focus::Thread);
    key(&mut s, KeyCode::Char('h'));
    assert_eq!(s.focus, Focus::Queue);
}

#[test]
fn sync_events_reload_and_track_account_state() {
    let mut s = loaded_state();
    let fx = feed(
        &mut s,
        Action::Sync(crate::model::SyncEvent::Ingested {
            conversations: vec![1],
        }),
    );
    assert!(fx.contains(&Effect::LoadConversation(1)));
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadCounts(_))));
    feed(
        &mut s,
        Action::Sync(crate::model::SyncEvent::AccountState {
            account: "mastodon".into(),
            state: crate::model::AccountStatus::Offline,
            detail: None,
        }),
    );
    assert!(s.offline());
}

#[test]
fn commands_without_a_conversation_explain_themselves() {
    let mut s = loaded_state();
    s.open = None;
    for cmd in [
        Command::Reply,
        Command::Done,
        Command::Retier,
        Command::Snooze,
        Command::Playbooks,
    ] {
        s.notice = None;
        let fx = feed(&mut s, Action::Command(cmd));
        assert!(fx.is_empty(), "{cmd:?}");
        assert!(
            s.notice
                .as_ref()
                .is_some_and(|n| n.text.contains("no conversation"))
        );
    }
}

#[test]
fn editor_result_replaces_the_draft_cleaned() {
    let mut s = loaded_state();
    let fx = ctrl(&mut s, 'e');
    assert_eq!(fx, vec![Effect::OpenEditor(String::new())]);
    feed(
        &mut s,
        Action::EditorDone(Ok("line one\nline \x1b[31mtwo\n".into())),
    );
    assert_eq!(s.draft_text(), "line one\nline two");
    assert_eq!(s.focus, Focus::Composer);
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut cfg = BTreeMap::new();
    cfg.insert("ctrl-n".to_string(), "down".to_string());
    cfg.insert("x".to_string(), "done".to_string());
    let mut s = loaded_state();
    s.keymap = Keymap::from_config(&cfg).expect("valid keymap");
    let text: Vec<String> = crate::ui::popups::help::view::lines(&s)
        .iter()
        .map(|l| l.spans.iter().map(|sp| sp.content.as_ref()).collect())
        .collect();
    let down = text
        .iter()
        .find(|l| l.contains("[down]"))
        .expect("down listed");
    assert!(down.contains("ctrl-n"), "{down}");
    let done = text
        .iter()
        .find(|l| l.contains("[done]"))
        .expect("done listed");
    assert!(done.starts_with("d x "), "{done}");
    for cmd in Command::ALL {
        assert!(
            text.iter()
                .any(|l| l.contains(&format!("[{}]", cmd.name()))),
            "{}",
            cmd.name()
        );
    }
}

#[test]
fn an_alert_rings_the_bell_and_names_the_conversation() {
    let mut s = loaded_state();
    assert!(!s.bell);
    let fx = feed(
        &mut s,
        Action::Sync(crate::model::SyncEvent::Alert {
            conversation_id: 2,
            why: "crisis phrase 'lawyer'".into(),
        }),
    );
    assert!(s.bell, "the runtime rings it at the next draw");
    let n = s.notice.as_ref().expect("a notice");
    assert!(
        n.error && n.text.contains("#2") && n.text.contains("lawyer"),
        "{}",
        n.text
    );
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadQueue { .. })));
}

#[test]
fn messages_hidden_on_the_platform_are_marked_in_the_thread() {
    let mut s = loaded_state();
    let conversation = s.open.clone().map(Box::new);
    let messages = s.messages.clone();
    let hidden = messages[0].id;
    feed(
        &mut s,
        Action::ConversationLoaded {
            conversation,
            messages,
            strikes: None,
            message_states: vec![(hidden, crate::model::MessageState::Hidden)],
        },
    );
    let text = screen(&s, 140, 40);
    assert!(text.contains("hidden on the platform"), "{text}");
}

fn tick(s: &mut State, seconds: i64) -> Vec<Effect> {
    feed(s, Action::Tick(now() + Duration::seconds(seconds)))
}

#[test]
fn the_order_is_refreshed_each_minute_and_a_move_reloads_the_queue() {
    let mut s = loaded_state();
    assert!(
        crate::ui::update::startup(&mut s).contains(&Effect::RefreshOrder),
        "the first screen asks for an up-to-date order"
    );
    // Within the same minute: nothing to do.
    assert!(!tick(&mut s, 30).contains(&Effect::RefreshOrder));
    // A new minute: once, not at every tick of it.
    assert!(tick(&mut s, 61).contains(&Effect::RefreshOrder));
    assert!(!tick(&mut s, 62).contains(&Effect::RefreshOrder));
    assert!(tick(&mut s, 125).contains(&Effect::RefreshOrder));
    // Nothing moved: no re-read. Something moved: the queue and counts again.
    assert!(feed(&mut s, Action::OrderRefreshed { moved: 0 }).is_empty());
    let fx = feed(&mut s, Action::OrderRefreshed { moved: 2 });
    assert!(
        fx.iter().any(|f| matches!(
            f,
            Effect::LoadQueue {
                after: None,
                append: false,
                ..
            }
        )),
        "{fx:?}"
    );
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadCounts(_))));
    // New messages, or a refused reply, may bring back something overdue: the
    // order is refreshed then too, not a minute later.
    let synced = feed(
        &mut s,
        Action::Sync(crate::model::SyncEvent::Ingested {
            conversations: vec![3],
        }),
    );
    assert!(synced.contains(&Effect::RefreshOrder), "{synced:?}");
    let refused = feed(
        &mut s,
        Action::Sync(crate::model::SyncEvent::OutboxUpdated {
            outbox_id: 4,
            error: Some("window closed".into()),
        }),
    );
    assert!(refused.contains(&Effect::RefreshOrder), "{refused:?}");
    assert!(
        refused
            .iter()
            .any(|f| matches!(f, Effect::LoadQueue { .. }))
    );
}

/// The fixture queue as the store orders it at `now()`: Tom's 2★ review, 72
/// minutes past its 2-hour target, sorts as tier 1, above Maria's lead due in 42.
fn promoted_queue() -> Vec<crate::model::Conversation> {
    let steps = Config::default().targets.promotion_steps();
    let mut rows = conversations();
    for c in &mut rows {
        c.sort_tier = crate::model::sort_tier(c.tier, c.due_at, now(), &steps);
    }
    rows.sort_by_key(|c| {
        (
            c.sort_tier,
            c.due_at.map_or(i64::MAX, |d| d.timestamp_millis()),
            c.id,
        )
    });
    rows
}

#[test]
fn an_overdue_complaint_is_not_buried_and_the_screen_says_why() {
    let rows = promoted_queue();
    assert_eq!(rows[0].id, 2, "Tom's overdue complaint comes first");
    assert_eq!(rows[0].sort_tier, Tier::Revenue);
    assert_eq!(rows[1].id, 1, "then the lead that is not due yet");
    assert!(
        rows.iter().filter(|c| c.id != 2).all(|c| !c.is_promoted()),
        "nothing on time is promoted"
    );

    let mut s = loaded_state();
    let tom_due = rows[0].due_at.expect("a deadline");
    feed(
        &mut s,
        Action::QueueLoaded {
            rows,
            append: false,
            more: false,
        },
    );
    let mut counts = crate::model::QueueCounts {
        per_tier: [1, 1, 1, 1, 1],
        overdue: 1,
        ..Default::default()
    };
    counts.oldest_overdue[1] = Some(crate::model::OverdueItem {
        id: 2,
        author: "Tom Becker".into(),
        due_at: tom_due,
    });
    feed(&mut s, Action::Counts(counts));
    let text = screen(&s, 140, 40);
    let tom_row = text
        .lines()
        .find(|l| l.contains("Tom Becker") && l.contains("-1h12m"))
        .unwrap_or_else(|| panic!("Tom's row: {text}"));
    assert!(tom_row.contains("T2↑"), "{tom_row}");
    let maria_row = text
        .lines()
        .find(|l| l.contains("Maria Lopez") && l.contains("42m"))
        .unwrap_or_else(|| panic!("Maria's row: {text}"));
    assert!(maria_row.contains("T1 "), "{maria_row}");
    // The counts stay by real tier, and the status bar names the oldest overdue.
    let status = text.lines().rev().nth(1).unwrap_or_default();
    assert!(status.contains("T1 1 T2 1"), "{status}");
    assert!(
        status.contains("1 overdue · oldest: T2 Tom Becker 1h12m"),
        "{status}"
    );
    // At 80 columns the names give way before the counts do.
    let narrow = screen(&s, 80, 24);
    let status = narrow.lines().rev().nth(1).unwrap_or_default();
    assert!(status.contains("T5 1"), "{status}");

    // Opened, the thread header says where it sorts.
    open(&mut s, 2);
    let mut tom = promoted_queue().remove(0);
    tom.status = crate::model::Status::Open;
    feed(
        &mut s,
        Action::ConversationLoaded {
            conversation: Some(Box::new(tom)),
            messages: Vec::new(),
            strikes: None,
            message_states: Vec::new(),
        },
    );
    let text = screen(&s, 140, 40);
    assert!(text.contains("overdue 1h12m · sorted as T1"), "{text}");
}

#[test]
fn a_holding_reply_meets_the_acknowledgment_and_the_answer_stays_due() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('r'));
    typed(&mut s, "Hi Maria, checking the cake sizes now!");
    // One key sends the draft as a holding reply.
    let fx = update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::ALT)),
    );
    assert_eq!(
        fx,
        vec![Effect::SendReply {
            conversation_id: 1,
            text: "Hi Maria, checking the cake sizes now!".into(),
            when: crate::inbox::When::Now,
            force: false,
            acknowledgment: true,
        }]
    );
    let due = now() + Duration::minutes(42);
    let fx = feed(
        &mut s,
        Action::ReplyDecided {
            conversation_id: 1,
            text: "Hi Maria, checking the cake sizes now!".into(),
            when: crate::inbox::When::Now,
            acknowledgment: true,
            decision: crate::inbox::ReplyDecision::Queued(crate::inbox::ReplyOutcome {
                outbox_id: 9,
                send_after: None,
                held_for_opening: false,
                overridden: Vec::new(),
                acknowledgment: true,
                still_due_at: Some(due),
            }),
        },
    );
    assert!(s.composer.is_empty());
    let notice = s
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        notice.contains("holding reply") && notice.contains("still due in 42m"),
        "{notice}"
    );
    assert!(fx.iter().any(|f| matches!(f, Effect::LoadQueue { .. })));

    // The store keeps it in the queue, acknowledged, with its deadline.
    let mut rows = conversations();
    rows[0].acknowledged_at = Some(now());
    feed(
        &mut s,
        Action::QueueLoaded {
            rows,
            append: false,
            more: false,
        },
    );
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(1));
    let row = |s: &State| {
        screen(s, 140, 40)
            .lines()
            .find(|l| l.contains("Maria Lopez") && l.contains("T1"))
            .map(String::from)
            .unwrap_or_default()
    };
    let line = row(&s);
    assert!(line.contains("42m") && line.contains("✓ met"), "{line}");
    // An hour later the answer is overdue: the response clock never stopped.
    tick(&mut s, 3600);
    let line = row(&s);
    assert!(line.contains("-18m") && line.contains("✓ met"), "{line}");
}

#[test]
fn an_acknowledgment_playbook_makes_the_draft_a_holding_reply() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('p'));
    typed(&mut s, "acknowledge");
    let Some(Overlay::Picker(picker)) = &s.overlay else {
        panic!("picker open");
    };
    let first = &s.playbooks.all()[picker.matches[0]];
    assert!(first.acknowledgment, "{}", first.name);
    key(&mut s, KeyCode::Enter);
    assert!(s.ack_drafts.contains(&1));
    assert!(
        screen(&s, 140, 40).contains("Holding reply to Maria Lopez"),
        "the composer says what it will send"
    );
    let fx = ctrl(&mut s, 's');
    assert!(
        matches!(
            &fx[..],
            [Effect::SendReply {
                acknowledgment: true,
                ..
            }]
        ),
        "{fx:?}"
    );
    // Stopped by the guards, the explicit key still sends it as a holding reply.
    let text = s.draft_text();
    feed(
        &mut s,
        Action::ReplyDecided {
            conversation_id: 1,
            text,
            when: crate::inbox::When::Now,
            acknowledgment: true,
            decision: crate::inbox::ReplyDecision::Blocked(vec![crate::inbox::Warning {
                guard: crate::inbox::Guard::RepeatedText,
                message: "sent before".into(),
            }]),
        },
    );
    s.ack_drafts.clear();
    let fx = ctrl(&mut s, 'g');
    assert!(
        matches!(
            &fx[..],
            [Effect::SendReply {
                acknowledgment: true,
                force: true,
                ..
            }]
        ),
        "{fx:?}"
    );
    // Emptied and written afresh, the draft is a plain reply again.
    s.ack_drafts.insert(1);
    s.composer = crate::ui::state::new_composer(vec!["x".into()]);
    s.composer.move_cursor(ratatui_textarea::CursorMove::End);
    assert_eq!(s.focus, Focus::Composer);
    key(&mut s, KeyCode::Backspace);
    assert!(s.composer.is_empty());
    assert!(!s.ack_drafts.contains(&1));
    // A plain draft elsewhere is a plain reply.
    let mut plain = loaded_state();
    key(&mut plain, KeyCode::Char('r'));
    typed(&mut plain, "Yes!");
    assert!(matches!(
        &ctrl(&mut plain, 's')[..],
        [Effect::SendReply {
            acknowledgment: false,
            ..
        }]
    ));
}

#[test]
fn a_refused_send_and_a_closing_window_are_flagged_on_the_row_and_the_thread() {
    let mut s = loaded_state();
    let mut rows = conversations();
    rows[0].send_error = Some("(#10) outside the allowed window".into());
    rows[0].platform = crate::model::Platform::Facebook;
    rows[0].last_inbound_at = Some(now() - Duration::hours(22));
    let maria = rows[0].clone();
    feed(
        &mut s,
        Action::QueueLoaded {
            rows,
            append: false,
            more: false,
        },
    );
    feed(
        &mut s,
        Action::ConversationLoaded {
            conversation: Some(Box::new(maria)),
            messages: messages_for(1),
            strikes: None,
            message_states: Vec::new(),
        },
    );
    let text = screen(&s, 140, 40);
    let row = text
        .lines()
        .find(|l| l.contains("Maria Lopez") && l.contains("T1"))
        .unwrap_or_default();
    // Side by side, the queue pane keeps the short flag whole.
    assert!(row.contains("window: 2h left s"), "{row}");
    // Stacked at 80 columns, the row has the width for both.
    let stacked = screen(&s, 80, 24);
    let row = stacked
        .lines()
        .find(|l| l.contains("Maria Lopez") && l.contains("T1"))
        .unwrap_or_default();
    assert!(row.contains("window: 2h left send failed: (#10)"), "{row}");
    // A wide queue pane has room for the reason too.
    let wide = screen(&s, 240, 40);
    assert!(
        wide.contains("window: 2h left send failed: (#10) outside the allowed"),
        "{wide}"
    );
    assert!(
        text.contains("⚠ send failed: (#10) outside the allowed window"),
        "{text}"
    );
    assert!(
        wide.contains("⚠ send failed: (#10) outside the allowed window: not answered"),
        "{wide}"
    );
    assert!(text.contains("· window: 2h left"), "{text}");
}

#[test]
fn picker_templates_wrap_both_ways() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('p'));
    let count = |s: &State| {
        let Some(Overlay::Picker(p)) = &s.overlay else {
            panic!("the picker is open");
        };
        let index = p.matches[p.selected];
        (p.template, s.playbooks.all()[index].templates.len())
    };
    let (first, n) = count(&s);
    assert_eq!(first, 0);
    assert!(n > 1, "the best match has several templates");
    key(&mut s, KeyCode::BackTab);
    assert_eq!(
        count(&s).0,
        n - 1,
        "Shift-Tab from the first goes to the last"
    );
    key(&mut s, KeyCode::Tab);
    assert_eq!(count(&s).0, 0, "Tab from the last goes back to the first");
}
