//! Everything a key, the clock or the store can ask of the UI (`Action`) and the
//! I/O the UI asks the runtime to do on its behalf (`Effect`).

pub use super::command::Command;
use super::data::{Facets, OutboxSummary};
use crate::inbox::{
    BulkAction, LeadUpdate, LeadView, ModerateDecision, ModerateRequest, ReplyDecision, Undo,
    UndoOutcome, When,
};
use crate::leads::Suggestion;
use crate::model::LeadStage;
use crate::model::{Conversation, Message, QueueCounts, QueueFilter, SyncEvent, Tier};
use crate::store::{AccountState, AuthorStrikes, QueueKey};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

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
        /// Messages the platform shows other than plainly (hidden, deleted…).
        message_states: Vec<(i64, crate::model::MessageState)>,
    },
    SearchResults {
        query: String,
        rows: Vec<Conversation>,
    },
    /// The person behind a conversation (for the header line and the people popup).
    PersonLoaded(crate::ui::popups::people::Loaded),
    /// A link or unlink was stored.
    LinkChanged {
        conversation_id: i64,
        message: String,
    },
    /// What the core decided about a reply (queued, or stopped by guards).
    ReplyDecided {
        conversation_id: i64,
        text: String,
        when: When,
        acknowledgment: bool,
        decision: ReplyDecision,
    },
    /// The stored queue order was brought up to date; `moved` rows changed tier.
    OrderRefreshed {
        moved: usize,
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
    /// An undoable action (done, snooze, re-tier, spam, a bulk action) went
    /// through; `undo` takes it back.
    Undoable {
        message: String,
        undo: Undo,
    },
    /// An undo went through.
    Undone {
        what: String,
        outcome: UndoOutcome,
    },
    /// A conversation's lead, read or just changed (`None`: not a lead);
    /// `message` says what changed.
    LeadLoaded {
        conversation_id: i64,
        view: Option<Box<LeadView>>,
        message: Option<String>,
    },
}

/// A change to a lead, carried out by the core.
#[derive(Debug, Clone, PartialEq)]
pub enum LeadOp {
    Mark,
    Confirm(Box<Suggestion>),
    Update(Box<LeadUpdate>),
    Stage(LeadStage),
}

/// I/O the UI wants done. The runtime performs it and answers with actions.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Clear the terminal and draw every cell again.
    Repaint,
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
        /// A holding reply: the response clock keeps running.
        acknowledgment: bool,
    },
    /// Let overdue conversations climb the queue (`Store::refresh_order`), off the
    /// UI task.
    RefreshOrder,
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
    /// One action on several conversations (a selection), through the core.
    Bulk {
        ids: Vec<i64>,
        action: BulkAction,
    },
    /// Take back an action; `what` names it for the notice.
    Undo {
        what: String,
        undo: Undo,
    },
    /// Who else the author of this conversation is (`inbox::people`).
    LoadPerson(i64),
    /// Link (or unlink) the conversation's author and another identity.
    SetLink {
        conversation_id: i64,
        other: crate::model::Identity,
        link: crate::model::LinkState,
    },
    /// Read a conversation's lead (fields, suggestions, what is unknown).
    LoadLead(i64),
    /// Change a lead through the core.
    Lead {
        conversation_id: i64,
        op: LeadOp,
    },
}
