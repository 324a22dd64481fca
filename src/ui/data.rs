//! Read-only facts the UI keeps from the store: filter values and the outbox
//! summary. Plain data, shared by the state, the actions and the popups.

use crate::model::{Conversation, Kind, OutboxState, Platform};
use crate::store::OutboxItem;
use std::collections::{BTreeMap, BTreeSet};

/// Values in the cache, for cycling the platform/brand/location filters: read from
/// the store at start and after each ingest, plus any seen in loaded rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub platforms: BTreeSet<Platform>,
    pub brands: BTreeSet<String>,
    pub locations: BTreeSet<String>,
    /// The locations each brand has conversations at (the location filter
    /// offers the selected brand's).
    pub brand_locations: BTreeMap<String, BTreeSet<String>>,
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
                if let Some(b) = &c.brand {
                    self.brand_locations
                        .entry(b.clone())
                        .or_default()
                        .insert(l.clone());
                }
            }
        }
    }
}

/// An outbox item with what the popup shows about its conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub item: OutboxItem,
    /// The conversation's author (`None` when the conversation is gone).
    pub author: Option<String>,
    pub platform: Option<Platform>,
    pub kind: Option<Kind>,
}

impl OutboxEntry {
    /// The crash left it unclear whether the platform got it.
    pub fn is_unknown(&self) -> bool {
        self.item.state == OutboxState::Unknown
    }

    /// Waiting for its time; it can still be cancelled.
    pub fn is_scheduled(&self) -> bool {
        self.item.state == OutboxState::Queued && self.item.send_after.is_some()
    }
}

/// What the status bar and the outbox popup know about the outbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxSummary {
    /// Items waiting to go out now (shown while offline).
    pub queued: i64,
    /// Failed or unknown items: exact count.
    pub attention_count: i64,
    /// Scheduled replies first (soonest first), then items needing a decision (oldest first).
    pub entries: Vec<OutboxEntry>,
}

impl OutboxSummary {
    pub fn scheduled_count(&self) -> usize {
        self.entries.iter().filter(|e| e.is_scheduled()).count()
    }
}
