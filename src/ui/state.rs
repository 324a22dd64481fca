//! The UI's state: plain data. `update` changes it; views only read it.

use super::action::Effect;
use super::data::{Facets, OutboxSummary};
use super::keymap::Keymap;
use super::popups::lead::model::LeadPanel;
use super::popups::outbox::model::{Confirm, ReasonPrompt};
use super::popups::picker::model::Picker;
use super::popups::schedule::model::SchedulePrompt;
use super::theme::Theme;
use crate::config::Config;
use crate::inbox::{Warning, When};
use crate::model::AccountStatus;
use crate::model::{Conversation, Message, QueueCounts, QueueFilter};
use crate::playbook::Library;
use crate::store::{AuthorStrikes, QueueKey};
use chrono::{DateTime, FixedOffset, Utc};
use ratatui_textarea::TextArea;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many queue rows one read brings in.
pub const QUEUE_PAGE: usize = 200;
/// Page further when the cursor comes this close to the end of the window.
pub const QUEUE_PREFETCH: usize = 20;
/// Newest messages of a thread that are loaded.
pub const THREAD_LIMIT: usize = 200;
/// Transient messages disappear after this many seconds.
pub const NOTICE_SECS: i64 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Queue,
    Thread,
    Composer,
}

/// Something drawn over the panes; it takes the keys while open.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Snooze {
        selected: usize,
    },
    Retier,
    Picker(Picker),
    /// Every account's sync state; `scroll` lines down.
    Accounts {
        scroll: u16,
    },
    /// Outbox items needing a decision; the cursor's index.
    Outbox {
        selected: usize,
    },
    /// A y/n question before something hard to undo.
    Confirm(Confirm),
    /// Why a message is hidden or deleted (each reason is a strike).
    Reason(ReasonPrompt),
    /// When to send the draft.
    Schedule(SchedulePrompt),
    /// The open conversation's author's other identities; the cursor's index.
    People {
        selected: usize,
    },
    /// The open conversation's lead.
    Lead(LeadPanel),
}

/// Reply guards stopped this draft; the composer shows why until it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardStop {
    pub conversation_id: i64,
    /// The draft the warnings are about (editing it makes them stale).
    pub text: String,
    pub when: When,
    /// It was to go as a holding reply.
    pub acknowledgment: bool,
    pub warnings: Vec<Warning>,
}

/// Full-text search: its query and the conversations that matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// Typing goes into the query while true; keys navigate results after Enter.
    pub editing: bool,
    pub rows: Vec<Conversation>,
    pub selected: usize,
    /// The query `rows` belong to (results may lag a keystroke behind).
    pub results_for: String,
}

/// A transient line for results and errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

pub struct State {
    pub now: DateTime<Utc>,
    /// The local UTC offset, for showing times.
    pub offset: FixedOffset,
    pub config: Config,
    pub keymap: Keymap,
    pub theme: Theme,
    pub playbooks: Library,
    pub demo: bool,

    pub focus: Focus,
    pub overlay: Option<Overlay>,

    pub filter: QueueFilter,
    /// The loaded window of the queue (keyset pages appended as the cursor nears the end).
    pub queue: Vec<Conversation>,
    pub selected: usize,
    /// The last page was full: there may be more rows after the window.
    pub queue_more: bool,
    /// A further page was asked for and has not arrived yet.
    pub queue_paging: bool,
    pub search: Option<Search>,
    pub counts: QueueCounts,
    pub facets: Facets,

    /// The conversation shown in the thread pane.
    pub open: Option<Conversation>,
    pub messages: Vec<Message>,
    /// The open conversation's author's moderation strikes on its account.
    pub open_strikes: Option<AuthorStrikes>,
    /// Who else the open conversation's author is (linked) or may be (suggested).
    pub person: Option<crate::ui::popups::people::Loaded>,
    /// Messages of the open conversation the platform hides, deleted or holds.
    pub message_states: HashMap<i64, crate::model::MessageState>,
    /// Lines scrolled up from the newest message (0 = newest at the bottom).
    pub thread_scroll: usize,
    /// How far the thread can scroll at the last drawn size (the runtime sets it
    /// after each draw, so `update` never calls view code).
    pub thread_max_scroll: usize,

    pub composer: TextArea<'static>,
    /// The conversation the composer's text belongs to.
    pub draft_for: Option<i64>,
    /// Drafts of other conversations, kept while you look elsewhere.
    pub drafts: HashMap<i64, Vec<String>>,
    /// Guard warnings about the current draft, until it is sent or changed.
    pub guard: Option<GuardStop>,
    /// Conversations whose draft is a holding reply (an acknowledgment playbook
    /// was inserted): sending it leaves the response clock running.
    pub ack_drafts: HashSet<i64>,
    /// A re-tiered conversation the selection stays on until the cursor moves.
    pub held: Option<super::hold::Held>,
    /// Rows selected for a bulk action (marks and a visual range).
    pub selection: super::selection::Selection,
    /// Undo tokens of this session's actions, newest last.
    pub undo: super::undo::UndoStack,
    /// The minute (Unix time / 60) the stored queue order was last refreshed for.
    pub order_minute: i64,

    /// Account → sync state ("ok", "syncing", "offline"...), from events and the store.
    pub accounts: BTreeMap<String, AccountStatus>,
    /// Each account's full state as the store last had it (the accounts overlay).
    pub account_rows: Vec<crate::store::AccountState>,
    pub outbox: OutboxSummary,
    pub notice: Option<Notice>,
    /// Rows a half-page move covers (set from the terminal height).
    pub page: usize,
    /// The terminal size (columns, rows).
    pub size: (u16, u16),
    pub quit: bool,
    /// Ring the terminal bell at the next draw (an urgent message arrived).
    pub bell: bool,
}

impl State {
    pub fn new(
        config: Config,
        keymap: Keymap,
        theme: Theme,
        playbooks: Library,
        now: DateTime<Utc>,
        offset: FixedOffset,
    ) -> State {
        State {
            now,
            offset,
            config,
            keymap,
            theme,
            playbooks,
            demo: false,
            focus: Focus::Queue,
            overlay: None,
            filter: QueueFilter::default(),
            queue: Vec::new(),
            selected: 0,
            queue_more: false,
            queue_paging: false,
            search: None,
            counts: QueueCounts::default(),
            facets: Facets::default(),
            open: None,
            messages: Vec::new(),
            open_strikes: None,
            person: None,
            message_states: HashMap::new(),
            thread_scroll: 0,
            thread_max_scroll: 0,
            guard: None,
            composer: new_composer(Vec::new()),
            draft_for: None,
            drafts: HashMap::new(),
            ack_drafts: HashSet::new(),
            held: None,
            selection: Default::default(),
            undo: Default::default(),
            order_minute: now.timestamp().div_euclid(60),
            accounts: BTreeMap::new(),
            account_rows: Vec::new(),
            outbox: OutboxSummary::default(),
            notice: None,
            page: 8,
            size: (80, 24),
            quit: false,
            bell: false,
        }
    }

    /// The rows the queue pane shows: search results while searching, else the queue.
    pub fn rows(&self) -> &[Conversation] {
        match &self.search {
            Some(s) => &s.rows,
            None => &self.queue,
        }
    }

    pub fn cursor(&self) -> usize {
        match &self.search {
            Some(s) => s.selected,
            None => self.selected,
        }
    }

    pub fn selected_conversation(&self) -> Option<&Conversation> {
        self.rows().get(self.cursor())
    }

    pub fn draft_text(&self) -> String {
        self.composer.lines().join("\n")
    }

    /// Every non-empty draft, the composer's included, by conversation.
    pub fn draft_texts(&self) -> std::collections::BTreeMap<i64, String> {
        let mut all: std::collections::BTreeMap<i64, String> = self
            .drafts
            .iter()
            .map(|(id, lines)| (*id, lines.join("\n")))
            .collect();
        if let Some(id) = self.draft_for {
            all.insert(id, self.draft_text());
        }
        all.retain(|_, text| !text.trim().is_empty());
        all
    }

    /// Drafts kept in the cache from an earlier session.
    pub fn restore_drafts(&mut self, drafts: Vec<(i64, String)>) {
        for (id, text) in drafts {
            let lines: Vec<String> = text.lines().map(String::from).collect();
            if self.draft_for == Some(id) && self.composer.is_empty() {
                self.composer = new_composer(lines);
            } else if self.draft_for != Some(id) {
                self.drafts.entry(id).or_insert(lines);
            }
        }
    }

    pub fn notice(&mut self, text: String, error: bool) {
        self.notice = Some(Notice {
            text,
            error,
            at: self.now,
        });
    }

    /// Re-read the queue from the top (keeping the window as deep as it is) and the counts.
    pub fn reload(&mut self) -> Vec<Effect> {
        self.queue_paging = false;
        let mut fx = vec![
            Effect::LoadQueue {
                filter: self.filter.clone(),
                after: None,
                limit: self.queue.len().max(QUEUE_PAGE),
                append: false,
            },
            Effect::LoadCounts(self.filter.clone()),
        ];
        if let Some(search) = &self.search {
            fx.push(Effect::Search(search.query.clone()));
        }
        fx
    }

    /// After the cursor moved: load the conversation under it, page further if near the end.
    pub fn follow_cursor(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if let Some(c) = self.selected_conversation()
            && self.open.as_ref().map(|o| o.id) != Some(c.id)
        {
            fx.push(Effect::LoadConversation(c.id));
        }
        if self.search.is_none()
            && self.queue_more
            && !self.queue_paging
            && self.selected + QUEUE_PREFETCH >= self.queue.len()
            && let Some(last) = self.queue.last()
        {
            self.queue_paging = true;
            fx.push(Effect::LoadQueue {
                filter: self.filter.clone(),
                after: Some(QueueKey::of(last)),
                limit: QUEUE_PAGE,
                append: true,
            });
        }
        fx
    }

    pub fn require_open(&mut self) -> Option<i64> {
        let id = self.open.as_ref().map(|c| c.id);
        if id.is_none() {
            self.notice("no conversation open".into(), true);
        }
        id
    }

    /// True when some account reports it cannot reach its platform.
    pub fn offline(&self) -> bool {
        self.accounts.values().any(|s| *s == AccountStatus::Offline)
    }
}

/// A composer holding `lines`, styled the way every composer is.
pub fn new_composer(lines: Vec<String>) -> TextArea<'static> {
    let mut ta = TextArea::new(lines);
    ta.set_placeholder_text("Write a reply…");
    ta.set_cursor_line_style(ratatui::style::Style::default());
    ta.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    ta
}
