//! One person on several platforms: the header line's data and the popup that
//! lists the author's other identities (linked, or suggested by a shared name,
//! email or phone) so the user can confirm (`y`) or reject (`n`) each one.
//! Nothing merges until they do; the rules live in `inbox::people`.

pub mod view;

use crate::inbox::people::{Person, Tie, person_for};
use crate::inbox::{Inbox, InboxError};
use crate::model::{Identity, LinkState};
use crate::store::Store;
use crate::ui::action::{Action, Command, Effect};
use crate::ui::state::{Overlay, State};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

/// The person behind one conversation, as last read from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub conversation_id: i64,
    pub person: Person,
}

/// The person of the open conversation, if it has been read.
pub fn current(state: &State) -> Option<&Person> {
    let open = state.open.as_ref()?;
    state
        .person
        .as_ref()
        .filter(|l| l.conversation_id == open.id)
        .map(|l| &l.person)
}

/// Read the person behind conversation `id` (a handful of indexed lookups).
pub fn load(store: &Store, id: i64) -> Result<Action, InboxError> {
    let Some(c) = store.conversation(id)? else {
        return Err(InboxError::NoConversation(id));
    };
    Ok(Action::PersonLoaded(Loaded {
        conversation_id: id,
        person: person_for(store, &c)?,
    }))
}

/// Store the user's word through the core.
pub fn set_link(
    inbox: &mut Inbox<'_>,
    conversation_id: i64,
    other: &Identity,
    link: LinkState,
    now: DateTime<Utc>,
) -> Result<Action, InboxError> {
    let outcome = match link {
        LinkState::Linked => inbox.link(conversation_id, other, now)?,
        LinkState::Distinct => inbox.unlink(conversation_id, other, now)?,
    };
    let platform = crate::playbook::platform_label(outcome.b.platform);
    let author = crate::ui::text::clean_line(&outcome.b.author).into_owned();
    Ok(Action::LinkChanged {
        conversation_id,
        message: match link {
            LinkState::Linked => format!("linked: {author} on {platform} is the same person"),
            LinkState::Distinct => format!("unlinked: {author} on {platform} is someone else"),
        },
    })
}

/// A conversation was (re)loaded: read its person too, and forget another's.
pub fn on_conversation_loaded(state: &mut State) -> Vec<Effect> {
    let open = state.open.as_ref().map(|c| c.id);
    if state.person.as_ref().map(|l| l.conversation_id) != open {
        state.person = None;
    }
    open.map(Effect::LoadPerson).into_iter().collect()
}

pub fn on_loaded(state: &mut State, loaded: Loaded) -> Vec<Effect> {
    if state.open.as_ref().map(|c| c.id) != Some(loaded.conversation_id) {
        return Vec::new();
    }
    let count = loaded.person.others.len();
    state.person = Some(loaded);
    if let Some(Overlay::People { selected }) = &mut state.overlay {
        if count == 0 {
            state.overlay = None;
        } else {
            *selected = (*selected).min(count - 1);
        }
    }
    Vec::new()
}

/// Open the popup on the open conversation's author.
pub fn open(state: &mut State) -> Vec<Effect> {
    if state.open.is_none() {
        state.notice("open a conversation first".into(), true);
        return Vec::new();
    }
    match current(state) {
        Some(p) if !p.others.is_empty() => {
            state.overlay = Some(Overlay::People { selected: 0 });
        }
        _ => state.notice(
            "no other identity shares this author's name, email or phone".into(),
            false,
        ),
    }
    Vec::new()
}

/// Keys in the popup: j/k move, `y` same person, `n` not the same, Enter toggles,
/// Esc (or the key that opened it) closes.
pub fn on_key(
    state: &mut State,
    selected: usize,
    ev: KeyEvent,
    cmd: Option<Command>,
) -> Vec<Effect> {
    let Some(person) = current(state) else {
        state.overlay = None;
        return Vec::new();
    };
    let count = person.others.len();
    let chosen = person
        .others
        .get(selected)
        .map(|o| (o.identity.clone(), o.tie.clone()));
    let want = match ev.code {
        KeyCode::Char('y') => Some(LinkState::Linked),
        KeyCode::Char('n') => Some(LinkState::Distinct),
        KeyCode::Enter => chosen.as_ref().map(|(_, tie)| match tie {
            Tie::Linked => LinkState::Distinct,
            Tie::Suggested(_) => LinkState::Linked,
        }),
        KeyCode::Esc | KeyCode::Char('q') => {
            state.overlay = None;
            return Vec::new();
        }
        _ => None,
    };
    if let (Some(link), Some((other, _)), Some(open)) = (want, chosen, state.open.as_ref()) {
        // The popup stays open on the refreshed list.
        let conversation_id = open.id;
        state.overlay = Some(Overlay::People { selected });
        return vec![Effect::SetLink {
            conversation_id,
            other,
            link,
        }];
    }
    let selected = match cmd {
        Some(Command::Down) => (selected + 1).min(count.saturating_sub(1)),
        Some(Command::Up) => selected.saturating_sub(1),
        Some(Command::People | Command::Cancel) => {
            state.overlay = None;
            return Vec::new();
        }
        _ => selected,
    };
    state.overlay = Some(Overlay::People { selected });
    Vec::new()
}
