//! Fixed data for UI tests: a state built from known conversations at a fixed time.

mod bulk_tests;
mod editing_tests;
mod effects_tests;
mod focus_tests;
mod lead_tests;
mod people_tests;
mod snapshots;
mod sync_snapshots;
mod sync_tests;
mod update_tests;

use super::action::{Action, Effect};
use super::keymap::Keymap;
use super::state::State;
use super::theme::Theme;
use super::update::update;
use crate::config::Config;
use crate::model::{
    Conversation, Direction, Family, Kind, Message, Platform, QueueCounts, Status, Tier,
};
use crate::playbook::Library;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 12, 10, 0, 0)
        .single()
        .expect("valid fixed time")
}

fn mins(m: i64) -> DateTime<Utc> {
    now() + Duration::minutes(m)
}

#[allow(clippy::too_many_arguments)]
fn conv(
    id: i64,
    tier: Tier,
    kind: Kind,
    platform: Platform,
    author: &str,
    preview: &str,
    due: Option<i64>,
    reason: &str,
) -> Conversation {
    Conversation {
        id,
        account: "demo".into(),
        platform,
        family: kind.family(),
        kind,
        thread_id: format!("t{id}"),
        author: author.into(),
        context: None,
        brand: Some("Acme Bakery".into()),
        location: Some(if id % 2 == 0 { "Eastside" } else { "Downtown" }.into()),
        status: Status::Open,
        snoozed_until: None,
        tier,
        tier_auto: tier,
        tier_override: None,
        tier_reason: reason.into(),
        sentiment: 0.1,
        rating: None,
        first_unanswered_at: Some(mins(-20)),
        due_at: due.map(mins),
        ack_due_at: None,
        last_message_at: mins(-10),
        preview: preview.into(),
        message_count: 3,
        sort_tier: tier,
        acknowledged_at: None,
        send_error: None,
        last_inbound_at: Some(mins(-10)),
    }
}

pub fn conversations() -> Vec<Conversation> {
    let mut maria = conv(
        1,
        Tier::Revenue,
        Kind::Dm,
        Platform::Instagram,
        "Maria Lopez",
        "Great, and do you deliver to Eastside?",
        Some(42),
        "DM + pricing phrase 'how much'",
    );
    maria.ack_due_at = Some(mins(-5));
    maria.context = Some("DM thread".into());
    let mut tom = conv(
        2,
        Tier::Retention,
        Kind::Review,
        Platform::Google,
        "Tom Becker",
        "Waited 40 minutes and the order was wrong",
        Some(-72),
        "review 2★ + complaint words",
    );
    tom.rating = Some(2);
    tom.sentiment = -0.64;
    tom.family = Family::Reputation;
    let jin = conv(
        3,
        Tier::Engagement,
        Kind::Comment,
        Platform::Facebook,
        "Jin Park",
        "Do you have gluten-free options on the autumn menu?",
        Some(185),
        "question",
    );
    let sam = conv(
        4,
        Tier::Acknowledgment,
        Kind::Mention,
        Platform::Mastodon,
        "@sam@social.example",
        "Loved the croissants this morning!",
        Some(23 * 60),
        "praise",
    );
    let bot = conv(
        5,
        Tier::Monitor,
        Kind::Comment,
        Platform::Instagram,
        "promo_bot_99",
        "Buy followers cheap!!! link in bio",
        None,
        "spam phrase 'buy followers'",
    );
    vec![maria, tom, jin, sam, bot]
}

pub fn messages_for(conversation_id: i64) -> Vec<Message> {
    let m = |id: i64, direction: Direction, author: &str, body: &str, at: i64| Message {
        id,
        conversation_id,
        platform_id: format!("p{id}"),
        direction,
        author: author.into(),
        body: body.into(),
        sent_at: mins(at),
        acknowledgment: false,
    };
    vec![
        m(
            1,
            Direction::Inbound,
            "Maria Lopez",
            "Hi! How much for a birthday cake for 20 people?",
            -20,
        ),
        m(
            2,
            Direction::Outbound,
            "Alex",
            "Hi Maria, thanks for asking! Our celebration cakes for 20 start at $65. When is the party?",
            -15,
        ),
        m(
            3,
            Direction::Inbound,
            "Maria Lopez",
            "Saturday! Great, and do you deliver to Eastside?",
            -10,
        ),
    ]
}

/// A state with the fixture queue loaded and conversation 1 open, at 80×24.
pub fn loaded_state() -> State {
    let mut state = State::new(
        Config::default(),
        Keymap::default(),
        Theme::default(),
        Library::builtin(),
        now(),
        FixedOffset::east_opt(0).expect("zero offset"),
    );
    feed(
        &mut state,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    feed(
        &mut state,
        Action::QueueLoaded {
            rows: conversations(),
            append: false,
            more: false,
        },
    );
    feed(
        &mut state,
        Action::Counts(QueueCounts {
            per_tier: [1, 1, 1, 1, 1],
            overdue: 1,
            ..QueueCounts::default()
        }),
    );
    open(&mut state, 1);
    state
}

/// Answer a LoadConversation the way the runtime would, from fixtures.
pub fn open(state: &mut State, id: i64) {
    let conversation = conversations().into_iter().find(|c| c.id == id);
    let messages = match conversation.as_ref() {
        Some(c) if c.id != 1 => vec![Message {
            id: 10 + c.id,
            conversation_id: c.id,
            platform_id: format!("p{}", c.id),
            direction: Direction::Inbound,
            author: c.author.clone(),
            body: format!("{} (full text)", c.preview),
            sent_at: c.last_message_at,
            acknowledgment: false,
        }],
        Some(_) => messages_for(1),
        None => Vec::new(),
    };
    feed(
        state,
        Action::ConversationLoaded {
            conversation: conversation.map(Box::new),
            messages,
            strikes: None,
            message_states: Vec::new(),
        },
    );
}

pub fn feed(state: &mut State, action: Action) -> Vec<Effect> {
    update(state, action)
}

pub fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(state: &mut State, c: char) -> Vec<Effect> {
    update(
        state,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    let mut all = Vec::new();
    for c in text.chars() {
        all.extend(key(state, KeyCode::Char(c)));
    }
    all
}

/// Render the whole screen at `width`×`height` and return it as plain text.
pub fn screen(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| super::view::render(state, f))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = symbol.width().saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
