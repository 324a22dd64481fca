//! The UI's state: plain data. `update` changes it; views only read it.

use super::keymap::Keymap;
use super::popups::outbox::{Confirm, OutboxSummary, ReasonPrompt};
use super::popups::schedule::SchedulePrompt;
use super::theme::Theme;
use crate::config::Config;
use crate::inbox::{Warning, When};
use crate::model::AccountStatus;
use crate::model::{Conversation, Message, Platform, QueueCounts, QueueFilter};
use crate::playbook::Library;
use crate::store::AuthorStrikes;
use chrono::{DateTime, FixedOffset, Utc};
use ratatui_textarea::TextArea;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// The snooze choices, in chooser order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeChoice {
    OneHour,
    ThreeHours,
    TomorrowNine,
    NextMondayNine,
}

impl SnoozeChoice {
    pub const ALL: [SnoozeChoice; 4] = [
        SnoozeChoice::OneHour,
        SnoozeChoice::ThreeHours,
        SnoozeChoice::TomorrowNine,
        SnoozeChoice::NextMondayNine,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SnoozeChoice::OneHour => "1 hour",
            SnoozeChoice::ThreeHours => "3 hours",
            SnoozeChoice::TomorrowNine => "tomorrow 9:00",
            SnoozeChoice::NextMondayNine => "next Monday 9:00",
        }
    }
}

/// The playbook picker: a fuzzy filter over the library.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picker {
    pub query: String,
    /// Library indexes, best match first.
    pub matches: Vec<usize>,
    pub selected: usize,
    /// Which template of the selected playbook Enter inserts.
    pub template: usize,
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
}

/// Reply guards stopped this draft; the composer shows why until it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardStop {
    pub conversation_id: i64,
    /// The draft the warnings are about (editing it makes them stale).
    pub text: String,
    pub when: When,
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

/// Values in the cache, for cycling the platform/brand/location filters: read from
/// the store at start and after each ingest, plus any seen in loaded rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub platforms: BTreeSet<Platform>,
    pub brands: BTreeSet<String>,
    pub locations: BTreeSet<String>,
}

impl Facets {
    pub fn learn(&mut self, rows: &[Conversation]) {
        for c in rows {
            self.platforms.insert(c.platform);
            if let Some(b) = &c.brand {
                self.brands.insert(b.clone());
            }
            if let Some(l) = &c.location {
                self.locations.insert(l.clone());
            }
        }
    }
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
            thread_scroll: 0,
            thread_max_scroll: 0,
            guard: None,
            composer: new_composer(Vec::new()),
            draft_for: None,
            drafts: HashMap::new(),
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
