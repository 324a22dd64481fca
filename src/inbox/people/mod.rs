//! One person across platforms: who else a conversation's author probably is,
//! and the user's word on it.
//!
//! Two identities (an author on a platform) are *suggested* as one person when
//! they share a key: the same display name (two words or more), or the same
//! email or phone in what they wrote (`model::identity` normalises all three).
//! A suggestion never merges anything: the user links the two (`link`) or says
//! they are different people (`unlink`, which also stops the suggestion); either
//! can be undone by the other. Only linked identities are "also:" the person;
//! suggestions read "maybe also:".
//!
//! Everything here is a handful of indexed lookups (the identity's keys, who
//! else holds each key, the links, a few conversations per identity), so the
//! header line costs the same at five million messages as at fifty.

use super::{Inbox, InboxError, Result};
use crate::model::{
    Conversation, Identity, KeyKind, LinkState, MAX_IDENTITIES_PER_KEY, Status, Tier,
};
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Other identities shown at most (linked first).
const MAX_OTHERS: usize = 6;
/// Conversations read per other identity.
const CONVERSATIONS_PER_IDENTITY: usize = 3;

/// How an other identity is tied to this person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "tie", content = "shared")]
pub enum Tie {
    /// The user linked them.
    Linked,
    /// They share these keys; nobody confirmed it.
    Suggested(Vec<KeyKind>),
}

/// Another identity of the person, with its most pressing conversations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OtherIdentity {
    pub identity: Identity,
    #[serde(flatten)]
    pub tie: Tie,
    /// Open ones first by deadline, then the most recent.
    pub conversations: Vec<Conversation>,
}

/// The author of a conversation, and who else they are (or may be).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub identity: Identity,
    pub others: Vec<OtherIdentity>,
}

impl Person {
    pub fn linked(&self) -> impl Iterator<Item = &OtherIdentity> {
        self.others.iter().filter(|o| o.tie == Tie::Linked)
    }

    pub fn suggested(&self) -> impl Iterator<Item = &OtherIdentity> {
        self.others.iter().filter(|o| o.tie != Tie::Linked)
    }

    /// Open tier-2 conversations elsewhere: the person is waiting on a complaint.
    pub fn open_complaints(&self) -> impl Iterator<Item = (&OtherIdentity, &Conversation)> {
        self.others.iter().flat_map(|o| {
            o.conversations
                .iter()
                .filter(|c| c.status == Status::Open && c.tier == Tier::Retention)
                .map(move |c| (o, c))
        })
    }

    /// The header line: "also: Mastodon · open complaint, 19h overdue", then
    /// "maybe also: Instagram (same email) · done". None when nobody else.
    pub fn summary(&self, now: DateTime<Utc>) -> Option<String> {
        let lines = self.lines(now);
        (!lines.is_empty()).then(|| lines.join(" │ "))
    }

    /// The summary as its parts: the "also:" line (linked), the "maybe also:"
    /// line (suggested), each only when there is one.
    pub fn lines(&self, now: DateTime<Utc>) -> Vec<String> {
        let part = |o: &OtherIdentity| match o.conversations.first() {
            Some(c) if o.conversations.len() > 1 => {
                format!("{} +{}", describe(o, c, now), o.conversations.len() - 1)
            }
            Some(c) => describe(o, c, now),
            None => where_(o),
        };
        let linked: Vec<String> = self.linked().map(part).collect();
        let suggested: Vec<String> = self.suggested().map(part).collect();
        let mut out = Vec::new();
        if !linked.is_empty() {
            out.push(format!("also: {}", linked.join("; ")));
        }
        if !suggested.is_empty() {
            out.push(format!("maybe also: {}", suggested.join("; ")));
        }
        out
    }
}

/// "Mastodon", or "Facebook (same name)" for a suggestion.
fn where_(o: &OtherIdentity) -> String {
    let platform = crate::playbook::platform_label(o.identity.platform);
    match &o.tie {
        Tie::Linked => platform.to_string(),
        Tie::Suggested(keys) => {
            let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
            format!("{platform} (same {})", keys.join(", "))
        }
    }
}

/// One conversation of another identity: "Mastodon · open complaint, 19h
/// overdue", "Facebook (same name) · done".
pub fn describe(o: &OtherIdentity, c: &Conversation, now: DateTime<Utc>) -> String {
    format!("{} · {}", where_(o), conversation_state(c, now))
}

/// "open complaint, 19h overdue", "open lead", "waiting", "done".
pub fn conversation_state(c: &Conversation, now: DateTime<Utc>) -> String {
    if c.status != Status::Open {
        return c.status.as_str().to_string();
    }
    let what = match c.tier {
        Tier::Revenue => "lead",
        Tier::Retention => "complaint",
        Tier::Engagement => "question",
        Tier::Acknowledgment => "comment",
        Tier::Monitor => "to monitor",
    };
    match c.due_at.filter(|d| *d < now) {
        Some(due) => {
            let late = crate::timefmt::countdown(due, now);
            format!("open {what}, {} overdue", late.trim_start_matches('-'))
        }
        None => format!("open {what}"),
    }
}

/// The person behind `conversation`: linked identities and suggestions (minus
/// the pairs the user called distinct), each with a few of its conversations.
pub fn person_for(store: &Store, conversation: &Conversation) -> Result<Person> {
    let me = Identity::new(conversation.platform, conversation.author.clone());
    let mut person = Person {
        identity: me.clone(),
        others: Vec::new(),
    };
    if me.author.trim().is_empty() {
        return Ok(person);
    }
    let mut ties: BTreeMap<Identity, Tie> = BTreeMap::new();
    for (kind, value) in store.identity_keys(&me)? {
        let holders = store.identities_with_key(kind, &value, MAX_IDENTITIES_PER_KEY + 2)?;
        // A key many people share identifies nobody.
        if holders.len() > MAX_IDENTITIES_PER_KEY {
            continue;
        }
        for other in holders.into_iter().filter(|o| *o != me) {
            if let Tie::Suggested(kinds) = ties
                .entry(other)
                .or_insert_with(|| Tie::Suggested(Vec::new()))
                && !kinds.contains(&kind)
            {
                kinds.push(kind);
            }
        }
    }
    for (other, state) in store.identity_links(&me)? {
        match state {
            LinkState::Linked => {
                ties.insert(other, Tie::Linked);
            }
            LinkState::Distinct => {
                ties.remove(&other);
            }
        }
    }
    let mut ordered: Vec<(Identity, Tie)> = ties.into_iter().collect();
    // Linked first, then the suggestions sharing the most keys.
    ordered.sort_by_key(|(id, tie)| match tie {
        Tie::Linked => (0, 0, id.clone()),
        Tie::Suggested(kinds) => (1, usize::MAX - kinds.len(), id.clone()),
    });
    for (identity, tie) in ordered.into_iter().take(MAX_OTHERS) {
        let conversations = store.conversations_of(&identity, CONVERSATIONS_PER_IDENTITY)?;
        person.others.push(OtherIdentity {
            identity,
            tie,
            conversations,
        });
    }
    Ok(person)
}

/// What a link or an unlink did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkOutcome {
    pub a: Identity,
    pub b: Identity,
    pub state: LinkState,
}

impl Inbox<'_> {
    /// The person behind conversation `id`.
    pub fn person(&self, id: i64) -> Result<Person> {
        person_for(self.store, &self.conversation(id)?)
    }

    /// The identity that wrote conversation `id`.
    pub fn identity_of(&self, id: i64) -> Result<Identity> {
        let c = self.conversation(id)?;
        if c.author.trim().is_empty() {
            return Err(InboxError::NoAuthor(id));
        }
        Ok(Identity::new(c.platform, c.author))
    }

    /// Link the author of conversation `id` with `other`: shown as one person
    /// from now on. Undone by [`Inbox::unlink`].
    pub fn link(&mut self, id: i64, other: &Identity, now: DateTime<Utc>) -> Result<LinkOutcome> {
        self.set_link(id, other, LinkState::Linked, now)
    }

    /// Say the author of conversation `id` and `other` are different people: a
    /// link goes, and a suggestion stops coming back. Undone by [`Inbox::link`].
    pub fn unlink(&mut self, id: i64, other: &Identity, now: DateTime<Utc>) -> Result<LinkOutcome> {
        self.set_link(id, other, LinkState::Distinct, now)
    }

    fn set_link(
        &mut self,
        id: i64,
        other: &Identity,
        state: LinkState,
        now: DateTime<Utc>,
    ) -> Result<LinkOutcome> {
        let me = self.identity_of(id)?;
        if me == *other {
            return Err(InboxError::SameIdentity(me.author));
        }
        self.store.set_identity_link(&me, other, state, now)?;
        tracing::info!(
            conversation = id,
            state = state.as_str(),
            "identity link set"
        );
        Ok(LinkOutcome {
            a: me,
            b: other.clone(),
            state,
        })
    }
}

#[cfg(test)]
mod tests;
