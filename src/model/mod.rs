//! Plain data types shared by every layer. No I/O, no SQL, no terminal code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Error for a string that names no known variant of an enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}' (expected one of: {expected})")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// Implements `as_str`, `Display`, `FromStr` and `ALL` for a fieldless enum whose
/// database and JSON spelling is a fixed lowercase word.
macro_rules! word_enum {
    ($name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(ParseEnumError {
                        what: $what,
                        value: s.to_string(),
                        expected: concat!($($word, " "),+),
                    }),
                }
            }
        }
    };
}

mod account;
mod facts;
mod identity;
mod lead;
mod moderation;
mod order;
mod outbox;
mod window;

pub use account::AccountStatus;
pub use facts::{MessageState, PageFacts, Sweep};
pub use identity::{
    Identity, KeyKind, LinkState, MAX_IDENTITIES_PER_KEY, contact_keys, email_keys, name_key,
    phone_keys,
};
pub use lead::{Lead, LeadField, LeadGap, LeadStage, Money};
pub use moderation::{ModerationReason, StrikeStep};
pub use order::{PromotionSteps, sort_tier};
pub use outbox::{OutboxAction, OutboxState};
pub use window::{
    MESSAGING_WINDOW_HOURS, ReplyWindow, WINDOW_WARN_HOURS, reply_limit, reply_refusal,
    reply_window,
};

/// Where a conversation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Mastodon,
    Facebook,
    Instagram,
    Google,
    Yelp,
    Bbb,
    Linkedin,
    Tiktok,
    Discord,
    Youtube,
    Forum,
    Other,
}
word_enum!(Platform, "platform", {
    Mastodon => "mastodon", Facebook => "facebook", Instagram => "instagram",
    Google => "google", Yelp => "yelp", Bbb => "bbb", Linkedin => "linkedin",
    Tiktok => "tiktok", Discord => "discord", Youtube => "youtube", Forum => "forum",
    Other => "other",
});

impl Platform {
    /// Short label for narrow columns.
    pub fn short(self) -> &'static str {
        match self {
            Platform::Mastodon => "MAS",
            Platform::Facebook => "FB",
            Platform::Instagram => "IG",
            Platform::Google => "GBP",
            Platform::Yelp => "YLP",
            Platform::Bbb => "BBB",
            Platform::Linkedin => "LI",
            Platform::Tiktok => "TT",
            Platform::Discord => "DC",
            Platform::Youtube => "YT",
            Platform::Forum => "FRM",
            Platform::Other => "OTH",
        }
    }
}

/// Community (social) and reputation (reviews) are worked and reported apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Community,
    Reputation,
}
word_enum!(Family, "family", { Community => "community", Reputation => "reputation" });

/// The shape of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Dm,
    Comment,
    Mention,
    Review,
}
word_enum!(Kind, "kind", { Dm => "dm", Comment => "comment", Mention => "mention", Review => "review" });

impl Kind {
    /// Reviews belong to the reputation family; everything else is community.
    pub fn family(self) -> Family {
        match self {
            Kind::Review => Family::Reputation,
            _ => Family::Community,
        }
    }
}

/// Who wrote a message: the customer (inbound) or us (outbound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}
word_enum!(Direction, "direction", { Inbound => "inbound", Outbound => "outbound" });

/// Where a conversation stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Needs an answer: in the queue.
    Open,
    /// We answered; it returns to the queue when the customer writes again.
    Waiting,
    /// Closed by the user; also returns when the customer writes again.
    Done,
    /// Hidden from the queue until `snoozed_until`.
    Snoozed,
}
word_enum!(Status, "status", { Open => "open", Waiting => "waiting", Done => "done", Snoozed => "snoozed" });

/// The five tiers, by business impact. Lower number = more urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Tier {
    Revenue = 1,
    Retention = 2,
    Engagement = 3,
    Acknowledgment = 4,
    Monitor = 5,
}

impl Tier {
    pub const ALL: [Tier; 5] = [
        Tier::Revenue,
        Tier::Retention,
        Tier::Engagement,
        Tier::Acknowledgment,
        Tier::Monitor,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<Tier> {
        Tier::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            Tier::Revenue => "Revenue",
            Tier::Retention => "Retention",
            Tier::Engagement => "Engagement",
            Tier::Acknowledgment => "Acknowledgment",
            Tier::Monitor => "Monitor",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl From<Tier> for u8 {
    fn from(t: Tier) -> u8 {
        t.number()
    }
}

impl TryFrom<u8> for Tier {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Tier::from_number(n).ok_or_else(|| format!("tier must be 1-5, got {n}"))
    }
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n: u8 = s
            .trim()
            .parse()
            .map_err(|_| format!("tier must be 1-5, got '{s}'"))?;
        Tier::try_from(n)
    }
}

/// One message as a connector (or the demo feeder, or an import) hands it to the store.
/// `(account, platform_id)` identifies it: ingesting it twice changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomingMessage {
    pub account: String,
    pub platform: Platform,
    pub kind: Kind,
    /// The platform's key for the thread this message belongs to (DM thread id,
    /// the post id for a comment thread, the review id for a review).
    pub thread_id: String,
    /// The platform's id of this message, unique within the account.
    pub platform_id: String,
    pub direction: Direction,
    /// Display name of the author.
    pub author: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// The post, page or location the thread belongs to, e.g. "Post: Autumn menu".
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// Star rating (1-5) for reviews.
    #[serde(default)]
    pub rating: Option<u8>,
}

/// A batch of messages that lands in one transaction, with the sync cursor
/// that it advances (for connectors; `None` for the demo and imports).
#[derive(Debug, Clone, Default)]
pub struct IngestPage {
    pub messages: Vec<IncomingMessage>,
    pub cursor: Option<Cursor>,
}

/// A connector's position in a platform listing, stored with the page it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub account: String,
    pub key: String,
    pub value: String,
}

/// What the triage layer sees of a conversation when it (re)assesses it.
#[derive(Debug, Clone)]
pub struct AssessInput<'a> {
    pub platform: Platform,
    pub kind: Kind,
    pub rating: Option<u8>,
    /// Inbound text since our last reply (newest last), joined with newlines.
    pub unanswered_text: &'a str,
    /// When the oldest unanswered inbound message arrived.
    pub first_unanswered_at: DateTime<Utc>,
}

/// The triage verdict stored on a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub tier: Tier,
    /// Short human reason, e.g. "DM + pricing phrase 'how much'".
    pub reason: String,
    /// Compound sentiment in [-1, 1].
    pub sentiment: f64,
    /// First-response deadline; `None` for tiers without a target.
    pub due_at: Option<DateTime<Utc>>,
    /// Acknowledgment deadline (tier-1 DMs: 15 minutes).
    pub ack_due_at: Option<DateTime<Utc>>,
}

/// A user's tier correction as learning sees it: the conversation's latest
/// override since the last reset, with the text it was made on.
#[derive(Debug, Clone, PartialEq)]
pub struct TierExample {
    /// The `tier_examples` row: examples are learned in this order.
    pub id: i64,
    pub conversation_id: i64,
    pub kind: Kind,
    pub rating: Option<u8>,
    pub text: String,
    pub tier: Tier,
}

/// Anything that can assess a conversation on ingest (the triage engine).
pub trait Assess {
    fn assess(&self, input: &AssessInput<'_>) -> Assessment;

    /// The crisis or legal-risk phrase in `text`, if any (it alerts at any hour).
    fn risk(&self, text: &str) -> Option<String> {
        let _ = text;
        None
    }

    /// The user's corrections changed (an override, a cleared one, a reset):
    /// adapt to exactly `examples`, oldest first. The default learns nothing.
    fn learn(&self, examples: &[TierExample]) {
        let _ = examples;
    }

    /// What a queue row should show of one customer message (see [`Gist`]). The
    /// default, for assessors without phrase rules, starts at the first
    /// non-blank line.
    fn gist<'a>(&self, text: &'a str) -> Gist<'a> {
        match text.trim_start() {
            "" => Gist::Blank,
            start => Gist::Text(start),
        }
    }
}

/// What one customer message says, for the preview a queue row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gist<'a> {
    /// The text from its first line that says something (neither a greeting nor
    /// a nudge).
    Text(&'a str),
    /// Only asks whether anyone is there: "?", "bump", "Hello?", "any update?".
    /// The message it nudges about says more.
    Nudge,
    /// Nothing to go on: an emoji, "hi", "thanks".
    Blank,
}

/// A conversation as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversation {
    pub id: i64,
    pub account: String,
    pub platform: Platform,
    pub family: Family,
    pub kind: Kind,
    pub thread_id: String,
    pub author: String,
    pub context: Option<String>,
    pub brand: Option<String>,
    pub location: Option<String>,
    pub status: Status,
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The effective tier: the manual override if there is one, else the automatic one.
    pub tier: Tier,
    pub tier_auto: Tier,
    pub tier_override: Option<Tier>,
    pub tier_reason: String,
    pub sentiment: f64,
    pub rating: Option<u8>,
    pub first_unanswered_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub ack_due_at: Option<DateTime<Utc>>,
    pub last_message_at: DateTime<Utc>,
    /// First line of the latest message, for list views.
    pub preview: String,
    pub message_count: i64,
    /// The tier the queue sorts it as: `tier`, raised while it is overdue
    /// (see `model::sort_tier`). Kept in the store, refreshed every minute.
    pub sort_tier: Tier,
    /// When a holding reply (an acknowledgment) went to the customer's unanswered
    /// messages: the acknowledgment target is met, the response target still runs.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Why the platform refused our latest reply, while nothing has answered since.
    pub send_error: Option<String>,
    /// When the customer last wrote (Meta's messaging window runs from it).
    pub last_inbound_at: Option<DateTime<Utc>>,
}

impl Conversation {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Open && self.due_at.is_some_and(|d| d < now)
    }

    /// Sorted above its tier because it is overdue.
    pub fn is_promoted(&self) -> bool {
        self.sort_tier < self.tier
    }

    /// The platform's messaging window for a reply now.
    pub fn reply_window(&self, now: DateTime<Utc>) -> ReplyWindow {
        reply_window(self.platform, self.kind, self.last_inbound_at, now)
    }
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub platform_id: String,
    pub direction: Direction,
    pub author: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// An outbound holding reply ("got it, full answer within the hour"): it meets
    /// the acknowledgment target and leaves the response target running.
    pub acknowledgment: bool,
}

/// Which conversations a queue view shows. Empty filter = every open conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub tier: Option<Tier>,
    pub family: Option<Family>,
    pub platform: Option<Platform>,
    pub brand: Option<String>,
    pub location: Option<String>,
}

/// Per-tier counts for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    /// Open conversations per tier (the real tier, not the sorting one), index 0 = tier 1.
    pub per_tier: [i64; 5],
    pub overdue: i64,
    /// The most overdue open conversation of each tier, index 0 = tier 1.
    pub oldest_overdue: [Option<OverdueItem>; 5],
}

/// An overdue conversation, as the status bar names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueItem {
    pub id: i64,
    pub author: String,
    pub due_at: DateTime<Utc>,
}

impl QueueCounts {
    pub fn total(&self) -> i64 {
        self.per_tier.iter().sum()
    }
}

/// What background work (sync engine, demo feeder) tells the UI. The UI re-reads
/// what changed from the store; events carry ids, not data.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    /// New messages landed in these conversations.
    Ingested { conversations: Vec<i64> },
    /// An outbox item went out (or failed: `error` says why).
    OutboxUpdated {
        outbox_id: i64,
        error: Option<String>,
    },
    /// An account's sync state changed.
    AccountState {
        account: String,
        state: AccountStatus,
        detail: Option<String>,
    },
    /// A message that needs someone now arrived (after hours, or a crisis at any
    /// hour): the TUI rings the bell.
    Alert { conversation_id: i64, why: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_words() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>().unwrap(), *p);
        }
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), *k);
        }
        assert_eq!(" Done ".parse::<Status>().unwrap(), Status::Done);
        let err = "carrier-pigeon".parse::<Platform>().unwrap_err();
        assert!(err.to_string().contains("carrier-pigeon"));
        assert!(err.to_string().contains("mastodon"));
    }

    #[test]
    fn tiers_parse_only_one_to_five() {
        assert_eq!("1".parse::<Tier>().unwrap(), Tier::Revenue);
        assert_eq!(Tier::from_number(5), Some(Tier::Monitor));
        assert_eq!(Tier::from_number(0), None);
        assert_eq!(Tier::from_number(6), None);
        assert!("x".parse::<Tier>().is_err());
        assert!(Tier::Revenue < Tier::Monitor);
    }

    #[test]
    fn reviews_are_reputation() {
        assert_eq!(Kind::Review.family(), Family::Reputation);
        assert_eq!(Kind::Dm.family(), Family::Community);
    }
}
