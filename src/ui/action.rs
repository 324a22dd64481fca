//! Everything a key, the clock or the store can ask of the UI (`Action`), the
//! bindable commands a keymap names (`Command`), and the I/O the UI asks the
//! runtime to do on its behalf (`Effect`).

use super::popups::outbox::OutboxSummary;
use super::state::Facets;
use crate::inbox::{ModerateDecision, ModerateRequest, ReplyDecision, When};
use crate::model::{Conversation, Message, QueueCounts, QueueFilter, SyncEvent, Tier};
use crate::store::{AccountState, AuthorStrikes, QueueKey};
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
    /// Send although the reply guards warned (only after they have).
    SendAnyway,
    /// Send the draft later: in an hour, at opening time, or at a typed time.
    SendLater,
    /// Jump to the next fill-in blank of the draft (previous with `PrevBlank`).
    NextBlank,
    PrevBlank,
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
    pub const ALL: [Command; 42] = [
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
        Command::SendAnyway,
        Command::SendLater,
        Command::NextBlank,
        Command::PrevBlank,
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
            Command::SendAnyway => "send-anyway",
            Command::SendLater => "send-later",
            Command::NextBlank => "next-blank",
            Command::PrevBlank => "prev-blank",
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
            Command::Send => "send the draft reply (reply guards check it first)",
            Command::SendAnyway => "send anyway, after the guards warned (recorded)",
            Command::SendLater => "send later: in 1 h, at opening time, or a typed time",
            Command::NextBlank => "next [[blank]] to fill in (Tab in the composer)",
            Command::PrevBlank => "previous [[blank]] (Shift-Tab in the composer)",
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
            Command::Outbox => "outbox: scheduled replies to cancel, failed sends to resend",
            Command::Hide => "hide the newest inbound comment (asks why: a strike)",
            Command::Unhide => "unhide the newest inbound comment",
            Command::Delete => "delete the newest inbound comment (asks why, then confirms)",
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
        /// The author's moderation strikes on this account, if any.
        strikes: Option<AuthorStrikes>,
    },
    SearchResults {
        query: String,
        rows: Vec<Conversation>,
    },
    /// What the core decided about a reply (queued, or stopped by guards).
    ReplyDecided {
        conversation_id: i64,
        text: String,
        when: When,
        decision: ReplyDecision,
    },
    /// What the core decided about a moderation request.
    ModerationDecided {
        request: ModerateRequest,
        decision: ModerateDecision,
    },
    /// A scheduled reply was withdrawn; its text comes back as the draft.
    OutboxCancelled {
        outbox_id: i64,
        conversation_id: i64,
        text: String,
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
    /// An outbox write went through (resolved).
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
        when: When,
        force: bool,
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
    /// Moderate one message through the core (reason, strikes, complaint guard).
    Moderate(ModerateRequest),
    /// Withdraw a scheduled outbox item.
    CancelOutbox(i64),
}
