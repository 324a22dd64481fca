//! Everything a key, the clock or the store can ask of the UI (`Action`), the
//! bindable commands a keymap names (`Command`), and the I/O the UI asks the
//! runtime to do on its behalf (`Effect`).

use super::outbox::{Moderation, OutboxSummary};
use super::state::Facets;
use crate::model::{Conversation, Message, QueueCounts, QueueFilter, SyncEvent, Tier};
use crate::store::{AccountState, QueueKey};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

/// A bindable command; its `name` is what `config.keymap` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    FocusNext,
    FocusPrev,
    Open,
    Reply,
    Playbooks,
    Send,
    Editor,
    Cancel,
    /// Show one tier only; `None` shows every tier.
    TierFilter(Option<Tier>),
    Family,
    Platform,
    Brand,
    Location,
    ClearFilters,
    Search,
    Retier,
    ClearOverride,
    Done,
    Snooze,
    Help,
    Refresh,
    /// The accounts overlay: each account's sync state.
    Accounts,
    /// The outbox overlay: failed or unknown items waiting for a decision.
    Outbox,
    /// Moderate the newest inbound message of the open conversation.
    Hide,
    Unhide,
    Delete,
}

impl Command {
    /// Every command, in the order the help overlay lists them.
    pub const ALL: [Command; 38] = [
        Command::Down,
        Command::Up,
        Command::PageDown,
        Command::PageUp,
        Command::Top,
        Command::Bottom,
        Command::FocusNext,
        Command::FocusPrev,
        Command::Open,
        Command::Reply,
        Command::Playbooks,
        Command::Send,
        Command::Editor,
        Command::Cancel,
        Command::Retier,
        Command::ClearOverride,
        Command::Done,
        Command::Snooze,
        Command::Hide,
        Command::Unhide,
        Command::Delete,
        Command::TierFilter(Some(Tier::Revenue)),
        Command::TierFilter(Some(Tier::Retention)),
        Command::TierFilter(Some(Tier::Engagement)),
        Command::TierFilter(Some(Tier::Acknowledgment)),
        Command::TierFilter(Some(Tier::Monitor)),
        Command::TierFilter(None),
        Command::Family,
        Command::Platform,
        Command::Brand,
        Command::Location,
        Command::ClearFilters,
        Command::Search,
        Command::Refresh,
        Command::Accounts,
        Command::Outbox,
        Command::Help,
        Command::Quit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Down => "down",
            Command::Up => "up",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::PageDown => "page-down",
            Command::PageUp => "page-up",
            Command::FocusNext => "focus-next",
            Command::FocusPrev => "focus-prev",
            Command::Open => "open",
            Command::Reply => "reply",
            Command::Playbooks => "playbooks",
            Command::Send => "send",
            Command::Editor => "editor",
            Command::Cancel => "cancel",
            Command::TierFilter(Some(Tier::Revenue)) => "tier-1",
            Command::TierFilter(Some(Tier::Retention)) => "tier-2",
            Command::TierFilter(Some(Tier::Engagement)) => "tier-3",
            Command::TierFilter(Some(Tier::Acknowledgment)) => "tier-4",
            Command::TierFilter(Some(Tier::Monitor)) => "tier-5",
            Command::TierFilter(None) => "tier-all",
            Command::Family => "family",
            Command::Platform => "platform",
            Command::Brand => "brand",
            Command::Location => "location",
            Command::ClearFilters => "clear-filters",
            Command::Search => "search",
            Command::Retier => "retier",
            Command::ClearOverride => "clear-override",
            Command::Done => "done",
            Command::Snooze => "snooze",
            Command::Help => "help",
            Command::Refresh => "refresh",
            Command::Accounts => "accounts",
            Command::Outbox => "outbox",
            Command::Hide => "hide",
            Command::Unhide => "unhide",
            Command::Delete => "delete",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Command::Quit => "quit hearth",
            Command::Down => "next item / scroll down",
            Command::Up => "previous item / scroll up",
            Command::Top => "first item / top of thread",
            Command::Bottom => "last item / end of thread",
            Command::PageDown => "half a page down",
            Command::PageUp => "half a page up",
            Command::FocusNext => "focus the next pane",
            Command::FocusPrev => "focus the previous pane",
            Command::Open => "open the selected conversation",
            Command::Reply => "write a reply (composer)",
            Command::Playbooks => "pick a reply playbook",
            Command::Send => "send the draft reply",
            Command::Editor => "edit the draft in $EDITOR",
            Command::Cancel => "close / leave search / back",
            Command::TierFilter(Some(Tier::Revenue)) => "show tier 1 only",
            Command::TierFilter(Some(Tier::Retention)) => "show tier 2 only",
            Command::TierFilter(Some(Tier::Engagement)) => "show tier 3 only",
            Command::TierFilter(Some(Tier::Acknowledgment)) => "show tier 4 only",
            Command::TierFilter(Some(Tier::Monitor)) => "show tier 5 only",
            Command::TierFilter(None) => "show every tier",
            Command::Family => "cycle family: community / reputation / all",
            Command::Platform => "cycle the platform filter",
            Command::Brand => "cycle the brand filter",
            Command::Location => "cycle the location filter",
            Command::ClearFilters => "clear every filter",
            Command::Search => "full-text search the cache",
            Command::Retier => "re-tier (then 1-5)",
            Command::ClearOverride => "clear the tier override",
            Command::Done => "mark done",
            Command::Snooze => "snooze (choose until when)",
            Command::Help => "this help",
            Command::Refresh => "re-read the cache",
            Command::Accounts => "accounts: sync state, next attempt, errors",
            Command::Outbox => "outbox: failed sends to resend or dismiss",
            Command::Hide => "hide the newest inbound comment (spam, trolls)",
            Command::Unhide => "unhide the newest inbound comment",
            Command::Delete => "delete the newest inbound comment (asks first)",
        }
    }

    pub fn from_name(name: &str) -> Option<Command> {
        let name = name.trim().to_ascii_lowercase();
        Command::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Something the UI reacts to. `update` turns each into state changes and effects.
#[derive(Debug, Clone)]
pub enum Action {
    /// A raw key press; `update` routes it to text input or through the keymap.
    Key(KeyEvent),
    /// Run a command directly (tests, or a key already resolved).
    Command(Command),
    /// Pasted text (bracketed paste) goes wherever text is being typed.
    Paste(String),
    /// The 1 s clock: countdowns move, transient messages expire.
    Tick(DateTime<Utc>),
    /// The terminal's new size.
    Resize {
        width: u16,
        height: u16,
    },
    Sync(SyncEvent),
    /// The first page (`append = false`) or a further page of the queue.
    QueueLoaded {
        rows: Vec<Conversation>,
        append: bool,
        more: bool,
    },
    Counts(QueueCounts),
    ConversationLoaded {
        conversation: Option<Box<Conversation>>,
        messages: Vec<Message>,
    },
    SearchResults {
        query: String,
        rows: Vec<Conversation>,
    },
    ReplySent {
        conversation_id: i64,
        outbox_id: i64,
    },
    /// A write went through; `message` is what the user sees.
    Applied {
        message: String,
    },
    /// The editor closed; `Ok` holds the edited draft.
    EditorDone(Result<String, String>),
    Error(String),
    /// Every account's sync state, from the store.
    AccountsLoaded(Vec<AccountState>),
    /// Queued and needing-a-decision outbox items, from the store.
    OutboxLoaded(OutboxSummary),
    /// The platforms, brands and locations in the cache, for the filters.
    FacetsLoaded(Facets),
    /// An outbox write went through (resolved, or moderation queued).
    OutboxChanged {
        message: String,
    },
}

/// I/O the UI wants done. The runtime performs it and answers with actions.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Read `limit` queue rows after `after`; `append` adds them to the window.
    LoadQueue {
        filter: QueueFilter,
        after: Option<QueueKey>,
        limit: usize,
        append: bool,
    },
    LoadCounts(QueueFilter),
    LoadConversation(i64),
    Search(String),
    SendReply {
        conversation_id: i64,
        text: String,
    },
    SetTier {
        conversation_id: i64,
        tier: Option<Tier>,
    },
    MarkDone(i64),
    Snooze {
        conversation_id: i64,
        until: DateTime<Utc>,
    },
    OpenEditor(String),
    LoadAccounts,
    LoadOutbox,
    LoadFacets,
    /// The user's decision on a failed/unknown outbox item.
    ResolveOutbox {
        id: i64,
        resend: bool,
    },
    /// Queue a moderation action on one message through the outbox.
    Moderate {
        conversation_id: i64,
        target_id: String,
        action: Moderation,
    },
}
