//! One person on two platforms in the TUI: the header line (snapshots), the
//! popup's keys, and links made through the effects on a real SQLite cache.

use super::*;
use crate::inbox::people::{OtherIdentity, Person, Tie};
use crate::model::{Identity, IncomingMessage, IngestPage, KeyKind, LinkState};
use crate::store::Store;
use crate::ui::popups::people::Loaded;
use crate::ui::state::Overlay;

/// Maria (conversation 1, a tier-1 Instagram DM) is linked to a Mastodon
/// identity waiting on a complaint, and may also be a Facebook one.
fn maria_person() -> Loaded {
    let mut complaint = conversations().remove(1);
    complaint.id = 7;
    complaint.platform = Platform::Mastodon;
    complaint.kind = Kind::Mention;
    complaint.due_at = Some(now() - Duration::minutes(19 * 60 + 42));
    let mut lead = conversations().remove(0);
    lead.id = 8;
    lead.platform = Platform::Facebook;
    lead.status = Status::Done;
    Loaded {
        conversation_id: 1,
        person: Person {
            identity: Identity::new(Platform::Instagram, "Maria Lopez"),
            others: vec![
                OtherIdentity {
                    identity: Identity::new(Platform::Mastodon, "maria@bakers.social"),
                    tie: Tie::Linked,
                    conversations: vec![complaint],
                },
                OtherIdentity {
                    identity: Identity::new(Platform::Facebook, "Maria Lopez"),
                    tie: Tie::Suggested(vec![KeyKind::Name]),
                    conversations: vec![lead],
                },
            ],
        },
    }
}

#[test]
fn loading_a_conversation_asks_for_its_person() {
    let mut s = loaded_state();
    let fx = {
        let c = s.open.clone().map(Box::new);
        feed(
            &mut s,
            Action::ConversationLoaded {
                conversation: c,
                messages: Vec::new(),
                strikes: None,
                message_states: Vec::new(),
            },
        )
    };
    assert_eq!(fx, vec![Effect::LoadPerson(1)]);
    // A person for another conversation is not shown here.
    let mut other = maria_person();
    other.conversation_id = 2;
    feed(&mut s, Action::PersonLoaded(other));
    assert!(crate::ui::popups::people::current(&s).is_none());
}

#[test]
fn person_header_line() {
    let mut s = loaded_state();
    feed(&mut s, Action::PersonLoaded(maria_person()));
    for (w, h) in [(80, 24), (140, 40)] {
        feed(
            &mut s,
            Action::Resize {
                width: w,
                height: h,
            },
        );
        let text = screen(&s, w, h);
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("also:")).collect();
        insta::assert_snapshot!(format!("person_line_{w}x{h}"), lines.join("\n"));
    }
    let wide = screen(&s, 140, 40);
    assert!(
        wide.contains("also: Mastodon · open complaint, 19h42m overdue"),
        "{wide}"
    );
    assert!(
        wide.contains("maybe also: Facebook (same name) · done (i: link)"),
        "{wide}"
    );
}

#[test]
fn the_popup_confirms_or_rejects_a_suggestion() {
    let mut s = loaded_state();
    feed(&mut s, Action::PersonLoaded(maria_person()));
    key(&mut s, KeyCode::Char('i'));
    assert_eq!(s.overlay, Some(Overlay::People { selected: 0 }));
    insta::assert_snapshot!("people_popup_80x24", screen(&s, 80, 24));
    key(&mut s, KeyCode::Char('j'));
    let fx = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        fx,
        vec![Effect::SetLink {
            conversation_id: 1,
            other: Identity::new(Platform::Facebook, "Maria Lopez"),
            link: LinkState::Linked,
        }]
    );
    assert_eq!(
        s.overlay,
        Some(Overlay::People { selected: 1 }),
        "stays open"
    );
    // Enter on a linked identity unlinks it.
    key(&mut s, KeyCode::Char('k'));
    let fx = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        fx.as_slice(),
        [Effect::SetLink {
            link: LinkState::Distinct,
            ..
        }]
    ));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.overlay, None);
}

#[test]
fn nobody_else_says_so_instead_of_opening() {
    let mut s = loaded_state();
    feed(
        &mut s,
        Action::PersonLoaded(Loaded {
            conversation_id: 1,
            person: Person {
                identity: Identity::new(Platform::Instagram, "Maria Lopez"),
                others: Vec::new(),
            },
        }),
    );
    key(&mut s, KeyCode::Char('i'));
    assert_eq!(s.overlay, None);
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("no other identity"))
    );
}

#[test]
fn links_made_through_the_effects_land_in_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("open");
    let msg = |platform: Platform, author: &str, id: &str| IncomingMessage {
        account: format!("{platform}-acct"),
        platform,
        kind: Kind::Dm,
        thread_id: format!("t-{id}"),
        platform_id: id.into(),
        direction: Direction::Inbound,
        author: author.into(),
        body: "Is the workshop available on Friday?".into(),
        sent_at: now() - Duration::minutes(5),
        context: None,
        brand: None,
        location: None,
        rating: None,
    };
    let stats = store
        .ingest(
            &IngestPage {
                messages: vec![
                    msg(Platform::Instagram, "Maria Lopez", "a"),
                    msg(Platform::Facebook, "Maria Lopez", "b"),
                ],
                cursor: None,
            },
            &crate::demo::test_assess::KeywordAssess,
        )
        .expect("ingest");
    let (a, _) = (stats.touched[0], stats.touched[1]);
    let s = loaded_state();
    let run = |store: &mut Store, effect| {
        crate::ui::effects::execute(
            store,
            &crate::demo::test_assess::KeywordAssess,
            &s,
            effect,
            now(),
        )
        .expect("an answer")
    };
    let tie = |action: Action| match action {
        Action::PersonLoaded(l) => l
            .person
            .others
            .into_iter()
            .map(|o| o.tie)
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        tie(run(&mut store, Effect::LoadPerson(a))),
        vec![Tie::Suggested(vec![KeyKind::Name])]
    );
    let other = Identity::new(Platform::Facebook, "Maria Lopez");
    let changed = run(
        &mut store,
        Effect::SetLink {
            conversation_id: a,
            other: other.clone(),
            link: LinkState::Linked,
        },
    );
    assert!(matches!(changed, Action::LinkChanged { conversation_id, .. } if conversation_id == a));
    let mut reopened = Store::open(&path).expect("reopen");
    assert_eq!(
        tie(run(&mut reopened, Effect::LoadPerson(a))),
        vec![Tie::Linked]
    );
    run(
        &mut reopened,
        Effect::SetLink {
            conversation_id: a,
            other,
            link: LinkState::Distinct,
        },
    );
    assert!(tie(run(&mut reopened, Effect::LoadPerson(a))).is_empty());
}
