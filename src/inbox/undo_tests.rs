//! Undo, bulk work and spam on real SQLite files: every undo token puts back
//! what its action replaced (and only while nothing changed since), a hide is
//! withdrawn or unhidden, and a batch is refused item by item by the same guards.

use super::*;
use crate::demo::test_assess::KeywordAssess;
use crate::model::{
    Direction, IncomingMessage, IngestPage, ModerationReason, OutboxAction, OutboxState, Status,
    Tier,
};
use crate::store::Store;
use chrono::{Duration, TimeZone};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn message(platform: Platform, kind: Kind, id: &str, body: &str) -> IncomingMessage {
    IncomingMessage {
        account: format!("{platform}-acct"),
        platform,
        kind,
        thread_id: format!("thread-{id}"),
        platform_id: id.into(),
        direction: Direction::Inbound,
        author: format!("author of {id}"),
        body: body.into(),
        sent_at: t0() - Duration::minutes(30),
        context: None,
        brand: None,
        location: None,
        rating: None,
    }
}

fn cache(messages: Vec<IncomingMessage>) -> (tempfile::TempDir, Store, Vec<i64>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.db")).expect("open");
    let stats = store
        .ingest(
            &IngestPage {
                messages,
                cursor: None,
            },
            &KeywordAssess,
        )
        .expect("ingest");
    (dir, store, stats.touched)
}

fn conversation(store: &Store, id: i64) -> Conversation {
    store.conversation(id).expect("read").expect("exists")
}

fn hide(id: i64) -> ModerateRequest {
    ModerateRequest {
        conversation_id: id,
        action: Moderation::Hide,
        reason: Some(ModerationReason::Spam),
        target_id: None,
        force: false,
    }
}

#[test]
fn done_snooze_and_retier_are_put_back_and_the_override_example_is_forgotten() {
    let (_dir, mut store, ids) = cache(vec![message(
        Platform::Facebook,
        Kind::Dm,
        "d1",
        "How much is a cake for 20?",
    )]);
    let id = ids[0];
    let config = Config::default();
    let before = conversation(&store, id);
    assert_eq!((before.status, before.tier), (Status::Open, Tier::Revenue));

    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let undo = inbox.done(id, t0()).expect("done");
    assert_eq!(conversation(inbox.store, id).status, Status::Done);
    let outcome = inbox.undo(&undo, t0()).expect("undo");
    assert_eq!((outcome.restored, outcome.changed_since), (1, 0));
    assert_eq!(conversation(inbox.store, id).status, Status::Open);

    let until = t0() + Duration::hours(3);
    let undo = inbox.snooze(id, until, t0()).expect("snooze");
    let snoozed = conversation(inbox.store, id);
    assert_eq!(
        (snoozed.status, snoozed.snoozed_until),
        (Status::Snoozed, Some(until))
    );
    inbox.undo(&undo, t0()).expect("undo");
    let back = conversation(inbox.store, id);
    assert_eq!((back.status, back.snoozed_until), (Status::Open, None));

    let examples = inbox.store.tier_example_count().expect("count");
    let undo = inbox.retier(id, Some(Tier::Monitor), t0()).expect("retier");
    assert_eq!(conversation(inbox.store, id).tier, Tier::Monitor);
    assert_eq!(
        inbox.store.tier_example_count().expect("count"),
        examples + 1
    );
    let UndoStep::Workflow(restore) = &undo.steps[0] else {
        panic!("a workflow step");
    };
    let example = restore.tier.and_then(|(_, _, e)| e).expect("an example id");
    assert!(inbox.store.tier_example_exists(example).expect("read"));
    inbox.undo(&undo, t0()).expect("undo");
    let back = conversation(inbox.store, id);
    assert_eq!((back.tier, back.tier_override), (Tier::Revenue, None));
    assert_eq!(back.sort_tier, Tier::Revenue);
    assert!(
        !inbox.store.tier_example_exists(example).expect("read"),
        "learning is not taught a choice the user took back"
    );
    assert_eq!(inbox.store.tier_example_count().expect("count"), examples);
}

#[test]
fn an_undo_leaves_alone_what_changed_since() {
    let (_dir, mut store, ids) = cache(vec![message(
        Platform::Facebook,
        Kind::Dm,
        "d1",
        "Is the shop open on Sunday?",
    )]);
    let id = ids[0];
    let config = Config::default();
    let undo_done = Inbox::new(&mut store, &config, &KeywordAssess)
        .done(id, t0())
        .expect("done");
    // The user snoozes it afterwards: undoing the older "done" must not wake it.
    let until = t0() + Duration::hours(1);
    Inbox::new(&mut store, &config, &KeywordAssess)
        .snooze(id, until, t0())
        .expect("snooze");
    let outcome = Inbox::new(&mut store, &config, &KeywordAssess)
        .undo(&undo_done, t0())
        .expect("undo");
    assert_eq!((outcome.restored, outcome.changed_since), (0, 1));
    assert!(outcome.describe().contains("1 changed since"));
    assert_eq!(conversation(&store, id).status, Status::Snoozed);
}

#[test]
fn a_spam_dm_is_tier_five_and_done_in_one_step_kept_as_an_example() {
    let (_dir, mut store, ids) = cache(vec![message(
        Platform::Instagram,
        Kind::Dm,
        "d1",
        "Hi dear, I can make you rich, write me",
    )]);
    let id = ids[0];
    let config = Config::default();
    let before = conversation(&store, id);
    assert_ne!(before.tier, Tier::Monitor, "triage did not see the spam");
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    // A DM cannot be hidden: that is why spam is its own use case.
    assert!(matches!(
        inbox.moderate(&hide(id), None, t0()),
        Err(InboxError::NotModeratable { .. })
    ));
    let undo = inbox.spam(&[id], t0()).expect("spam");
    let c = conversation(inbox.store, id);
    assert_eq!(
        (c.status, c.tier, c.tier_override),
        (Status::Done, Tier::Monitor, Some(Tier::Monitor))
    );
    assert_eq!(inbox.store.tier_example_count().expect("count"), 1);
    inbox.undo(&undo, t0()).expect("undo");
    let c = conversation(inbox.store, id);
    assert_eq!(
        (c.status, c.tier, c.tier_override),
        (Status::Open, before.tier, None)
    );
    assert_eq!(inbox.store.tier_example_count().expect("count"), 0);
}

#[test]
fn hiding_takes_a_comment_out_of_the_queue_and_undo_withdraws_the_hide_and_the_strike() {
    let (_dir, mut store, ids) = cache(vec![message(
        Platform::Facebook,
        Kind::Comment,
        "c1",
        "cheap followers at my link",
    )]);
    let id = ids[0];
    let config = Config::default();
    let c = conversation(&store, id);
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let ModerateDecision::Queued(outcome) = inbox.moderate(&hide(id), None, t0()).expect("hide")
    else {
        panic!("spam is not a complaint");
    };
    assert!(outcome.left_queue);
    assert_eq!(conversation(inbox.store, id).status, Status::Done);
    assert_eq!(
        inbox.store.strike_count(&c.account, &c.author).expect("n"),
        1
    );
    let undo = outcome.undo.expect("a hide can be undone");
    let done = inbox.undo(&undo, t0()).expect("undo");
    assert_eq!(done.hides_withdrawn, 1);
    assert!(done.unhides_queued.is_empty());
    let item = inbox
        .store
        .outbox_item(outcome.outbox_id)
        .expect("read")
        .expect("item");
    assert_eq!(item.state, OutboxState::Cancelled);
    assert_eq!(conversation(inbox.store, id).status, Status::Open);
    assert_eq!(
        inbox.store.strike_count(&c.account, &c.author).expect("n"),
        0,
        "the strike goes with the hide"
    );
}

#[test]
fn a_hide_the_platform_refuses_brings_the_comment_back_to_the_queue() {
    let (_dir, mut store, ids) = cache(vec![
        // Off-topic chatter someone hides: not spam to triage, so it has a deadline.
        message(
            Platform::Facebook,
            Kind::Comment,
            "c1",
            "first!!! who else is here",
        ),
        message(
            Platform::Facebook,
            Kind::Comment,
            "c2",
            "more chatter from me",
        ),
    ]);
    let config = Config::default();
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let mut outboxes = Vec::new();
    for id in &ids {
        let ModerateDecision::Queued(outcome) =
            inbox.moderate(&hide(*id), None, t0()).expect("hide")
        else {
            panic!("chatter is not a complaint");
        };
        assert!(outcome.left_queue);
        outboxes.push(outcome.outbox_id);
    }
    // The first: refused for good. The second: someone wrote again first, and
    // the user closed it after reading.
    inbox
        .store
        .ingest(
            &IngestPage {
                messages: vec![IncomingMessage {
                    platform_id: "c2-later".into(),
                    sent_at: t0() - Duration::minutes(5),
                    ..message(Platform::Facebook, Kind::Comment, "c2", "still here")
                }],
                cursor: None,
            },
            &KeywordAssess,
        )
        .expect("ingest");
    inbox.done(ids[1], t0()).expect("done");
    for outbox in &outboxes {
        inbox
            .store
            .mark_outbox_failed(*outbox, "(#10) not allowed", t0(), &KeywordAssess)
            .expect("failed");
    }
    let back = conversation(inbox.store, ids[0]);
    assert_eq!(back.status, Status::Open, "the comment is still visible");
    assert!(back.due_at.is_some(), "with its deadline");
    assert_eq!(
        conversation(inbox.store, ids[1]).status,
        Status::Done,
        "moved on since the hide: left as the user set it"
    );
}

#[test]
fn a_hide_that_went_out_is_undone_by_an_unhide_and_a_queued_warning_is_withdrawn() {
    let (_dir, mut store, ids) = cache(vec![message(
        Platform::Facebook,
        Kind::Comment,
        "c1",
        "cheap followers at my link",
    )]);
    let id = ids[0];
    let config = Config::default();
    let (playbooks, _) = crate::playbook::Library::load(&[]);
    let ModerateDecision::Queued(outcome) = Inbox::new(&mut store, &config, &KeywordAssess)
        .moderate(&hide(id), Some(&playbooks), t0())
        .expect("hide")
    else {
        panic!("spam is not a complaint");
    };
    // The first strike's step is a warning reply: it answers the thread.
    let warning = outcome
        .strike
        .as_ref()
        .and_then(|s| s.enforced_by)
        .expect("a warning reply");
    assert_eq!(conversation(&store, id).status, Status::Waiting);
    // The engine sends the hide; the warning still waits.
    assert!(
        store
            .claim_outbox_item(outcome.outbox_id, t0())
            .expect("claim")
    );
    store
        .mark_outbox_sent(outcome.outbox_id, "fb-hide-1", t0())
        .expect("sent");
    let undo = outcome.undo.expect("undo");
    let done = Inbox::new(&mut store, &config, &KeywordAssess)
        .undo(&undo, t0())
        .expect("undo");
    assert_eq!(done.hides_withdrawn, 0);
    assert_eq!(done.unhides_queued.len(), 1);
    let unhide = store
        .outbox_item(done.unhides_queued[0])
        .expect("read")
        .expect("item");
    assert_eq!(
        (unhide.action, unhide.target_id.as_deref(), unhide.state),
        (OutboxAction::Unhide, Some("c1"), OutboxState::Queued)
    );
    let warning = store.outbox_item(warning).expect("read").expect("item");
    assert_eq!(warning.state, OutboxState::Cancelled);
    assert_eq!(done.steps_already_sent, 0);
    // Without the warning the comment is unanswered again.
    assert_eq!(conversation(&store, id).status, Status::Open);
}

#[test]
fn a_comment_with_other_questions_stays_in_the_queue_after_a_hide() {
    let mut question = message(Platform::Facebook, Kind::Comment, "c1", "Open on Sunday?");
    question.author = "Jin Park".into();
    let mut spam = message(Platform::Facebook, Kind::Comment, "c2", "cheap followers");
    spam.thread_id = question.thread_id.clone();
    spam.sent_at = question.sent_at + Duration::minutes(5);
    let (_dir, mut store, ids) = cache(vec![question, spam]);
    let config = Config::default();
    let ModerateDecision::Queued(outcome) = Inbox::new(&mut store, &config, &KeywordAssess)
        .moderate(&hide(ids[0]), None, t0())
        .expect("hide")
    else {
        panic!("not guarded");
    };
    assert!(!outcome.left_queue, "Jin's question is still unanswered");
    assert_eq!(conversation(&store, ids[0]).status, Status::Open);
}

#[test]
fn a_bulk_hide_refuses_a_complaint_and_a_dm_and_one_undo_takes_the_rest_back() {
    let (_dir, mut store, ids) = cache(vec![
        message(
            Platform::Facebook,
            Kind::Comment,
            "c1",
            "cheap followers here",
        ),
        message(
            Platform::Facebook,
            Kind::Comment,
            "c2",
            "crypto giveaway, dm us",
        ),
        message(
            Platform::Facebook,
            Kind::Comment,
            "c3",
            "Terrible service, still waiting for my refund",
        ),
        message(Platform::Facebook, Kind::Dm, "d1", "bitcoin promo for you"),
    ]);
    let config = Config::default();
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let outcome = inbox
        .bulk(&ids, BulkAction::Hide(ModerationReason::Spam), None, t0())
        .expect("bulk");
    assert_eq!(outcome.applied, 2);
    assert_eq!(outcome.left_queue, 2);
    let mut refused: Vec<(i64, &str)> = outcome
        .refused
        .iter()
        .map(|(id, w)| (*id, w.as_str()))
        .collect();
    refused.sort();
    assert_eq!(refused, vec![(ids[2], "complaint"), (ids[3], "dm")]);
    assert_eq!(outcome.describe(), "hid 2, 2 refused: 1 complaint, 1 dm");
    assert_eq!(
        inbox.store.outbox_count(OutboxState::Queued).expect("n"),
        2,
        "nothing queued for the refused ones"
    );
    assert_eq!(outcome.undo.conversations(), 2);
    let done = inbox.undo(&outcome.undo, t0()).expect("undo");
    assert_eq!((done.restored, done.hides_withdrawn), (2, 2));
    assert_eq!(inbox.store.outbox_count(OutboxState::Queued).expect("n"), 0);
    for id in &ids {
        assert_eq!(conversation(inbox.store, *id).status, Status::Open);
    }
}

#[test]
fn bulk_done_retier_and_spam_go_in_one_batch_and_undo_as_one() {
    let (_dir, mut store, ids) = cache(vec![
        message(Platform::Facebook, Kind::Dm, "d1", "How much for a cake?"),
        message(Platform::Facebook, Kind::Dm, "d2", "Is it available?"),
        message(Platform::Instagram, Kind::Dm, "d3", "Open on Sunday?"),
    ]);
    let config = Config::default();
    let mut inbox = Inbox::new(&mut store, &config, &KeywordAssess);
    let before: Vec<Conversation> = ids
        .iter()
        .map(|id| conversation(inbox.store, *id))
        .collect();

    let done = inbox
        .bulk(&ids, BulkAction::Done, None, t0())
        .expect("done");
    assert_eq!(done.describe(), "marked 3 done");
    assert!(
        ids.iter()
            .all(|id| conversation(inbox.store, *id).status == Status::Done)
    );
    inbox.undo(&done.undo, t0()).expect("undo");
    assert!(
        ids.iter()
            .all(|id| conversation(inbox.store, *id).status == Status::Open)
    );

    let retier = inbox
        .bulk(&ids, BulkAction::Retier(Some(Tier::Retention)), None, t0())
        .expect("retier");
    assert_eq!(retier.describe(), "re-tiered 3 to T2");
    assert_eq!(inbox.store.tier_example_count().expect("n"), 3);
    inbox.undo(&retier.undo, t0()).expect("undo");
    assert_eq!(inbox.store.tier_example_count().expect("n"), 0);
    for (id, b) in ids.iter().zip(&before) {
        assert_eq!(conversation(inbox.store, *id).tier, b.tier);
    }

    // An unknown id fails the batch before anything is written.
    let mut with_unknown = ids.clone();
    with_unknown.push(9999);
    assert!(matches!(
        inbox.bulk(&with_unknown, BulkAction::Spam, None, t0()),
        Err(InboxError::NoConversation(9999))
    ));
    assert!(
        ids.iter()
            .all(|id| conversation(inbox.store, *id).status == Status::Open)
    );
    let spam = inbox
        .bulk(&ids, BulkAction::Spam, None, t0())
        .expect("spam");
    assert!(ids.iter().all(|id| {
        let c = conversation(inbox.store, *id);
        c.status == Status::Done && c.tier == Tier::Monitor
    }));
    inbox.undo(&spam.undo, t0()).expect("undo");
    for (id, b) in ids.iter().zip(&before) {
        let c = conversation(inbox.store, *id);
        assert_eq!((c.status, c.tier), (Status::Open, b.tier));
    }
}
