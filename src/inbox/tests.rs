//! Core tests on real SQLite files: the TUI path (an `Effect` through
//! `ui::effects::execute`) and the CLI path (`Inbox` as `hearth reply` uses it)
//! reach the same decision; scheduled replies wait, survive a restart and go out
//! once; strikes walk the policy.

use super::*;
use crate::demo::test_assess::KeywordAssess;
use crate::model::{
    Direction, IncomingMessage, IngestPage, ModerationReason, OutboxAction, OutboxState, StrikeStep,
};
use crate::store::Store;
use chrono::{Duration, TimeZone};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn message(
    platform: Platform,
    kind: Kind,
    id: &str,
    body: &str,
    at: DateTime<Utc>,
) -> IncomingMessage {
    IncomingMessage {
        account: format!("{platform}-acct"),
        platform,
        kind,
        thread_id: format!("thread-{id}"),
        platform_id: id.into(),
        direction: Direction::Inbound,
        author: "Dana Whitfield".into(),
        body: body.into(),
        sent_at: at,
        context: None,
        brand: None,
        location: None,
        rating: None,
    }
}

fn cache(messages: Vec<IncomingMessage>) -> (tempfile::TempDir, std::path::PathBuf, Vec<i64>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("open");
    let stats = store
        .ingest(
            &IngestPage {
                messages,
                cursor: None,
            },
            &KeywordAssess,
        )
        .expect("ingest");
    (dir, path, stats.touched)
}

fn reply(id: i64, text: &str) -> ReplyRequest {
    ReplyRequest {
        conversation_id: id,
        text: text.into(),
        when: When::Now,
        force: false,
        acknowledgment: false,
    }
}

/// The TUI's path: the effect the composer's send key yields, run by the runtime.
fn tui_send(
    path: &std::path::Path,
    id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> crate::ui::action::Action {
    use crate::ui::action::Effect;
    let mut store = Store::open(path).expect("open");
    let state = crate::ui::tests::loaded_state();
    crate::ui::effects::execute(
        &mut store,
        &KeywordAssess,
        &state,
        Effect::SendReply {
            conversation_id: id,
            text: text.into(),
            when: When::Now,
            force: false,
            acknowledgment: false,
        },
        now,
    )
    .expect("an answer")
}

#[test]
fn tui_and_cli_agree_on_the_meta_window_at_exactly_24_hours() {
    let (_dir, path, ids) = cache(vec![message(
        Platform::Facebook,
        Kind::Dm,
        "m1",
        "Do you deliver on Sundays?",
        t0(),
    )]);
    let id = ids[0];
    let config = Config::default();
    let text = "Hi Dana, yes we do, every Sunday from 9 to 1.";
    for (now, open) in [
        (t0() + Duration::hours(24) - Duration::seconds(1), true),
        (t0() + Duration::hours(24), false),
    ] {
        // CLI path.
        let mut store = Store::open(&path).expect("open");
        let cli = Inbox::new(&mut store, &config, &KeywordAssess).check_reply(id, text, now);
        assert_eq!(cli.is_ok(), open, "cli at {now}: {cli:?}");
        if !open {
            assert!(matches!(cli, Err(InboxError::WindowClosed { .. })));
        }
        drop(store);
        // TUI path: the same decision comes back as an error notice, or a queued reply.
        let tui = tui_send(&path, id, text, now);
        match (&tui, open) {
            (crate::ui::action::Action::ReplyDecided { .. }, true) => {}
            (crate::ui::action::Action::Error(e), false) => {
                assert!(e.contains("window has closed"), "{e}");
            }
            other => panic!("tui at {now} disagrees: {other:?}"),
        }
    }
    // Nothing was queued after the window closed: only the one reply from inside it.
    let store = Store::open(&path).expect("open");
    assert_eq!(store.outbox_count(OutboxState::Queued).expect("count"), 1);
}

#[test]
fn guards_stop_both_paths_until_forced_and_the_override_is_recorded() {
    let (_dir, path, ids) = cache(vec![message(
        Platform::Mastodon,
        Kind::Mention,
        "s1",
        "How much is a 12-inch cake?",
        t0(),
    )]);
    let id = ids[0];
    let config = Config::default();
    let hint = "Hi Dana, [[price range]]. Thanks!";
    let now = t0() + Duration::minutes(5);
    let mut store = Store::open(&path).expect("open");
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let ReplyDecision::Blocked(cli_warnings) = inbox.reply(&reply(id, hint), now).expect("decided")
    else {
        panic!("the CLI path must stop an unfilled template");
    };
    assert!(
        cli_warnings
            .iter()
            .any(|w| w.guard == Guard::UnfilledTemplate)
    );
    drop(store);
    let crate::ui::action::Action::ReplyDecided {
        decision: ReplyDecision::Blocked(tui_warnings),
        ..
    } = tui_send(&path, id, hint, now)
    else {
        panic!("the TUI path must stop it too");
    };
    assert_eq!(cli_warnings, tui_warnings);
    // Nothing queued yet; forcing queues it and records each overridden guard.
    let mut store = Store::open(&path).expect("open");
    assert_eq!(store.outbox_count(OutboxState::Queued).expect("count"), 0);
    let forced = ReplyRequest {
        force: true,
        ..reply(id, hint)
    };
    let decision = Inbox::new(&mut store, &config, &KeywordAssess)
        .reply(&forced, now)
        .expect("queued");
    assert!(matches!(decision, ReplyDecision::Queued(ref o) if !o.overridden.is_empty()));
    let counts = store.guard_override_counts().expect("counts");
    assert!(
        counts
            .iter()
            .any(|(g, n)| g == "unfilled-template" && *n == 1),
        "{counts:?}"
    );
}

#[test]
fn outgoing_text_is_cleaned_of_terminal_controls() {
    let (_dir, path, ids) = cache(vec![message(
        Platform::Mastodon,
        Kind::Mention,
        "s1",
        "Love it",
        t0(),
    )]);
    let mut store = Store::open(&path).expect("open");
    let config = Config::default();
    let request = ReplyRequest {
        force: true,
        ..reply(
            ids[0],
            "Thanks Dana!\u{1b}]52;c;cGF5bG9hZA==\u{7} \u{202e}gnp.exe",
        )
    };
    let ReplyDecision::Queued(outcome) = Inbox::new(&mut store, &config, &KeywordAssess)
        .reply(&request, t0())
        .expect("queued")
    else {
        panic!("forced");
    };
    let item = store
        .outbox_item(outcome.outbox_id)
        .expect("read")
        .expect("item");
    assert!(
        !item.body.contains('\u{1b}') && !item.body.contains('\u{202e}'),
        "{:?}",
        item.body
    );
    assert!(item.body.starts_with("Thanks Dana!"));
}

#[test]
fn a_scheduled_reply_waits_survives_a_restart_goes_out_once_and_can_be_cancelled() {
    let (_dir, path, ids) = cache(vec![
        message(
            Platform::Mastodon,
            Kind::Mention,
            "s1",
            "Do you open on Sunday?",
            t0(),
        ),
        message(
            Platform::Mastodon,
            Kind::Mention,
            "s2",
            "What time do you close?",
            t0(),
        ),
    ]);
    let config = Config::default();
    let at = t0() + Duration::hours(3);
    let text = "Hi Dana, yes: Sundays 9 to 1.";
    let outbox_id = {
        let mut store = Store::open(&path).expect("open");
        let request = ReplyRequest {
            when: When::At(at),
            ..reply(ids[0], text)
        };
        let ReplyDecision::Queued(o) = Inbox::new(&mut store, &config, &KeywordAssess)
            .reply(&request, t0())
            .expect("decided")
        else {
            panic!("queued");
        };
        assert_eq!(o.send_after, Some(at));
        o.outbox_id
    };
    // A restart (a new connection) still has it, held until its time.
    let mut store = Store::open(&path).expect("reopen");
    let account = "mastodon-acct";
    assert!(
        store
            .outbox_due(account, t0() + Duration::hours(1), 10)
            .expect("due")
            .is_empty()
    );
    assert_eq!(
        store.outbox_scheduled(t0(), 10).expect("scheduled").len(),
        1
    );
    let due = store.outbox_due(account, at, 10).expect("due");
    assert_eq!(
        due.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![outbox_id]
    );
    // Two senders race for it at its time: exactly one claims it.
    assert!(store.claim_outbox_item(outbox_id, at).expect("claim"));
    assert!(!store.claim_outbox_item(outbox_id, at).expect("claim again"));
    store.mark_outbox_sent(outbox_id, "109", at).expect("sent");
    assert!(
        store
            .outbox_due(account, at + Duration::hours(1), 10)
            .expect("due")
            .is_empty()
    );
    // The customer saw it when it went out: that is its time in the thread.
    let thread = store.messages(ids[0], 10).expect("thread");
    let ours = thread
        .iter()
        .find(|m| m.direction == Direction::Outbound)
        .expect("ours");
    assert_eq!(ours.sent_at, at);

    // A second scheduled reply is cancelled: its conversation is back in the queue.
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let ReplyDecision::Queued(o) = inbox
        .reply(
            &ReplyRequest {
                when: When::At(at),
                ..reply(ids[1], "Hi Dana, 6 pm.")
            },
            t0(),
        )
        .expect("decided")
    else {
        panic!("queued");
    };
    let scheduled = inbox.scheduled(t0(), 10).expect("list");
    assert_eq!(scheduled.len(), 1);
    let item = inbox.cancel_outbox(o.outbox_id, t0()).expect("cancelled");
    assert_eq!(item.body, "Hi Dana, 6 pm.");
    assert!(matches!(
        inbox.cancel_outbox(o.outbox_id, t0()),
        Err(InboxError::NotQueued(_))
    ));
    let c = store
        .conversation(ids[1])
        .expect("read")
        .expect("conversation");
    assert_eq!(c.status, crate::model::Status::Open);
    assert!(c.due_at.is_some(), "back in the queue with its deadline");
    assert_eq!(
        store.outbox_count(OutboxState::Cancelled).expect("count"),
        1
    );
}

#[test]
fn strikes_walk_warning_suspension_ban_with_platform_actions_or_reminders() {
    let spam = |id: &str, platform| {
        message(
            platform,
            Kind::Comment,
            id,
            "cheap followers at my link",
            t0(),
        )
    };
    let mut msgs = Vec::new();
    for (i, platform) in [Platform::Mastodon, Platform::Instagram]
        .into_iter()
        .enumerate()
    {
        for n in 0..3 {
            let mut m = spam(&format!("{i}-{n}"), platform);
            m.author = "spammer".into();
            msgs.push(m);
        }
    }
    let (_dir, path, ids) = cache(msgs);
    let mut store = Store::open(&path).expect("open");
    let config = Config::default();
    let (playbooks, _) = crate::playbook::Library::load(&[]);
    let mut steps = Vec::new();
    for id in &ids {
        let request = ModerateRequest {
            conversation_id: *id,
            action: Moderation::Hide,
            reason: Some(ModerationReason::Spam),
            target_id: None,
            force: false,
        };
        let ModerateDecision::Queued(outcome) = Inbox::new(&mut store, &config, &KeywordAssess)
            .moderate(&request, Some(&playbooks), t0())
            .expect("moderated")
        else {
            panic!("spam is not a complaint");
        };
        let strike = outcome.strike.expect("a strike");
        let platform = store.conversation(*id).expect("read").expect("c").platform;
        let action = strike
            .enforced_by
            .and_then(|o| store.outbox_item(o).ok().flatten())
            .map(|i| i.action);
        steps.push((
            platform,
            strike.count,
            strike.step,
            action,
            strike.reminder.is_some(),
        ));
    }
    assert_eq!(
        steps,
        vec![
            (
                Platform::Mastodon,
                1,
                StrikeStep::Warning,
                Some(OutboxAction::Reply),
                false
            ),
            (
                Platform::Mastodon,
                2,
                StrikeStep::Suspension,
                Some(OutboxAction::Mute),
                false
            ),
            (
                Platform::Mastodon,
                3,
                StrikeStep::Ban,
                Some(OutboxAction::Block),
                false
            ),
            // Strikes count per account: Instagram starts again, and cannot mute or ban.
            (
                Platform::Instagram,
                1,
                StrikeStep::Warning,
                Some(OutboxAction::Reply),
                false
            ),
            (Platform::Instagram, 2, StrikeStep::Suspension, None, true),
            (Platform::Instagram, 3, StrikeStep::Ban, None, true),
        ]
    );
    let all = store.strikes(10).expect("strikes");
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|s| s.count == 3));
    // Hiding without a reason is refused; unhiding needs none and adds no strike.
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let no_reason = ModerateRequest {
        conversation_id: ids[0],
        action: Moderation::Hide,
        reason: None,
        target_id: None,
        force: false,
    };
    assert!(matches!(
        inbox.moderate(&no_reason, None, t0()),
        Err(InboxError::ReasonRequired(_))
    ));
    let unhide = ModerateRequest {
        action: Moderation::Unhide,
        ..no_reason
    };
    let ModerateDecision::Queued(o) = inbox.moderate(&unhide, None, t0()).expect("unhide") else {
        panic!("unhide is never guarded");
    };
    assert!(o.strike.is_none());
}

#[test]
fn hiding_a_complaint_is_stopped_until_forced() {
    let (_dir, path, ids) = cache(vec![message(
        Platform::Facebook,
        Kind::Comment,
        "c1",
        "Terrible service, still waiting for my refund",
        t0(),
    )]);
    let mut store = Store::open(&path).expect("open");
    let config = Config::default();
    let c = store.conversation(ids[0]).expect("read").expect("c");
    assert_eq!(
        c.tier,
        crate::model::Tier::Retention,
        "the test assessor files refunds in T2"
    );
    let request = ModerateRequest {
        conversation_id: ids[0],
        action: Moderation::Hide,
        reason: Some(ModerationReason::Troll),
        target_id: None,
        force: false,
    };
    let decision = Inbox::new(&mut store, &config, &KeywordAssess)
        .moderate(&request, None, t0())
        .expect("decided");
    assert!(
        matches!(decision, ModerateDecision::Blocked(ref w) if w[0].guard == Guard::HidingComplaint)
    );
    assert_eq!(store.outbox_count(OutboxState::Queued).expect("count"), 0);
    assert_eq!(
        store.strikes(10).expect("strikes").len(),
        0,
        "no strike without the action"
    );
    let forced = ModerateRequest {
        force: true,
        ..request
    };
    let decision = Inbox::new(&mut store, &config, &KeywordAssess)
        .moderate(&forced, None, t0())
        .expect("decided");
    assert!(matches!(decision, ModerateDecision::Queued(_)));
    assert!(
        store
            .guard_override_counts()
            .expect("counts")
            .iter()
            .any(|(g, n)| g == "hiding-complaint" && *n == 1)
    );
}

#[test]
fn a_reply_to_a_hidden_instagram_comment_is_refused_locally() {
    let (_dir, path, ids) = cache(vec![message(
        Platform::Instagram,
        Kind::Comment,
        "ig1",
        "Where do you ship?",
        t0(),
    )]);
    let mut store = Store::open(&path).expect("open");
    // The platform says the comment is hidden (as the connector reports it).
    let facts = crate::model::PageFacts {
        sweeps: Vec::new(),
        states: vec![("ig1".into(), crate::model::MessageState::Hidden)],
    };
    store
        .ingest_with(
            &IngestPage {
                messages: Vec::new(),
                cursor: None,
            },
            Some(("instagram-acct", &facts)),
            &KeywordAssess,
        )
        .expect("facts");
    let config = Config::default();
    let err = Inbox::new(&mut store, &config, &KeywordAssess)
        .reply(
            &reply(ids[0], "Hi Dana, we ship everywhere in the EU."),
            t0(),
        )
        .expect_err("refused");
    assert!(
        matches!(err, InboxError::Refused(ref why) if why.contains("hidden")),
        "{err}"
    );
    assert_eq!(store.outbox_count(OutboxState::Queued).expect("count"), 0);
}
