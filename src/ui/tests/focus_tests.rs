//! Filters and focus (issue 13 item 10): `L` offers the selected brand's
//! locations, an empty filtered queue says so, and re-tiering keeps the
//! selection until the user moves on.

use super::*;
use crate::ui::data::Facets;

fn facets() -> Facets {
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    Facets {
        platforms: [Platform::Instagram].into_iter().collect(),
        brands: set(&["Acme Bakery", "Solo Studio", "Zed Coffee"]),
        locations: set(&["Airport", "Downtown", "Eastside"]),
        brand_locations: [
            ("Acme Bakery".to_string(), set(&["Downtown", "Eastside"])),
            ("Zed Coffee".to_string(), set(&["Airport"])),
        ]
        .into_iter()
        .collect(),
    }
}

#[test]
fn l_offers_only_the_selected_brands_locations() {
    let mut s = loaded_state();
    feed(&mut s, Action::FacetsLoaded(facets()));
    key(&mut s, KeyCode::Char('B'));
    assert_eq!(s.filter.brand.as_deref(), Some("Acme Bakery"));
    let mut seen = Vec::new();
    for _ in 0..3 {
        key(&mut s, KeyCode::Char('L'));
        seen.push(s.filter.location.clone());
    }
    assert_eq!(
        seen,
        vec![Some("Downtown".into()), Some("Eastside".into()), None],
        "never Airport, which is Zed Coffee's"
    );

    // A brand without locations: says so, and nothing is filtered away.
    key(&mut s, KeyCode::Char('L'));
    key(&mut s, KeyCode::Char('B'));
    assert_eq!(s.filter.brand.as_deref(), Some("Solo Studio"));
    assert_eq!(s.filter.location, None, "Downtown is not Solo Studio's");
    let fx = key(&mut s, KeyCode::Char('L'));
    assert!(fx.is_empty());
    assert_eq!(s.filter.location, None);
    let notice = s
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("Solo Studio has no locations"), "{notice}");

    key(&mut s, KeyCode::Char('B'));
    key(&mut s, KeyCode::Char('L'));
    assert_eq!(s.filter.location.as_deref(), Some("Airport"));
}

#[test]
fn an_empty_filtered_queue_does_not_look_done() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('5'));
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: Vec::new(),
            append: false,
            more: false,
        },
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("no open items for tier 5"), "{text}");
    assert!(!text.contains("the queue is clear"));
    key(&mut s, KeyCode::Char('c'));
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: Vec::new(),
            append: false,
            more: false,
        },
    );
    assert!(screen(&s, 80, 24).contains("nothing waiting: the queue is clear"));
}

/// Tier 1 only: Maria (1) and a second lead (6).
fn tier_one_view() -> State {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Char('1'));
    let mut lead = conversations()[0].clone();
    lead.id = 6;
    lead.author = "Ana Ruiz".into();
    lead.due_at = Some(now() + Duration::minutes(50));
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: vec![conversations()[0].clone(), lead],
            append: false,
            more: false,
        },
    );
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(1));
    s
}

#[test]
fn retiering_keeps_the_selection_until_the_user_moves_on() {
    let mut s = tier_one_view();
    key(&mut s, KeyCode::Char('t'));
    let fx = key(&mut s, KeyCode::Char('3'));
    assert_eq!(
        fx,
        vec![Effect::SetTier {
            conversation_id: 1,
            tier: Some(Tier::Engagement)
        }]
    );
    feed(
        &mut s,
        Action::Applied {
            message: "tier 3".into(),
        },
    );
    // The tier-1 view re-reads without Maria...
    let mut lead = conversations()[0].clone();
    lead.id = 6;
    lead.author = "Ana Ruiz".into();
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: vec![lead],
            append: false,
            more: false,
        },
    );
    // ...but the selection stays on her, marked, with her new tier.
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(1));
    let mut maria = conversations()[0].clone();
    maria.tier = Tier::Engagement;
    maria.tier_override = Some(Tier::Engagement);
    feed(
        &mut s,
        Action::ConversationLoaded {
            conversation: Some(Box::new(maria)),
            messages: messages_for(1),
            strikes: None,
            message_states: Vec::new(),
        },
    );
    let text = screen(&s, 80, 24);
    let row = text
        .lines()
        .find(|l| l.contains("Maria Lopez") && l.contains("▌"))
        .unwrap_or_default();
    assert!(row.contains("T3") && row.contains("out of view"), "{text}");
    // The draft is still hers.
    key(&mut s, KeyCode::Char('r'));
    typed(&mut s, "Sorry for the wait");
    assert_eq!(s.draft_for, Some(1));
    key(&mut s, KeyCode::Esc);

    // Another reload (a sync) keeps her.
    let rows = s.queue.iter().filter(|c| c.id == 6).cloned().collect();
    feed(
        &mut s,
        Action::QueueLoaded {
            rows,
            append: false,
            more: false,
        },
    );
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(1));

    // Moving on lets go: her row leaves, the cursor lands on the next one.
    let fx = key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.queue.iter().map(|c| c.id).collect::<Vec<_>>(), vec![6]);
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(6));
    assert_eq!(fx, vec![Effect::LoadConversation(6)]);
    assert!(s.held.is_none());
}

#[test]
fn marking_a_held_row_done_lets_it_go_at_the_next_read() {
    let mut s = tier_one_view();
    key(&mut s, KeyCode::Char('t'));
    key(&mut s, KeyCode::Char('3'));
    let others: Vec<_> = s.queue.iter().filter(|c| c.id == 6).cloned().collect();
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: others.clone(),
            append: false,
            more: false,
        },
    );
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(1));
    assert_eq!(key(&mut s, KeyCode::Char('d')), vec![Effect::MarkDone(1)]);
    feed(
        &mut s,
        Action::QueueLoaded {
            rows: others,
            append: false,
            more: false,
        },
    );
    assert_eq!(s.queue.iter().map(|c| c.id).collect::<Vec<_>>(), vec![6]);
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(6));
}

#[test]
fn a_retier_that_stays_in_view_just_follows_the_row() {
    let mut s = loaded_state();
    s.selected = 1;
    open(&mut s, 2);
    key(&mut s, KeyCode::Char('t'));
    key(&mut s, KeyCode::Char('1'));
    // Unfiltered: Tom is now first.
    let mut rows = conversations();
    rows[1].tier = Tier::Revenue;
    rows.swap(0, 1);
    feed(
        &mut s,
        Action::QueueLoaded {
            rows,
            append: false,
            more: false,
        },
    );
    assert_eq!(s.selected, 0);
    assert_eq!(s.selected_conversation().map(|c| c.id), Some(2));
    assert!(s.held.is_none());
    assert_eq!(s.queue.len(), 5);
}
