//! `hearth link ID OTHER_ID`, `hearth unlink ID OTHER_ID`, and the person part
//! of `show`: thin callers of `inbox::people`.

use super::actions::inbox_failure;
use super::args::LinkArgs;
use super::headless::open_existing;
use super::{Env, Failure};
use crate::inbox::Inbox;
use crate::inbox::people::{Person, Tie, conversation_state};
use crate::model::{KeyKind, LinkState};
use crate::sanitize::sanitize_line;
use crate::triage::Triage;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::process::ExitCode;

/// `hearth link` (`state` linked) and `hearth unlink` (distinct).
pub fn link(env: &Env, args: &LinkArgs, state: LinkState) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(env)?;
    let triage = Triage::new(&env.config).map_err(|e| Failure::bad_input(e.to_string()))?;
    let mut inbox = Inbox::new(&mut store, &env.config, &triage);
    let other = inbox.identity_of(args.other_id).map_err(inbox_failure)?;
    let now = Utc::now();
    let outcome = match state {
        LinkState::Linked => inbox.link(args.id, &other, now),
        LinkState::Distinct => inbox.unlink(args.id, &other, now),
    }
    .map_err(inbox_failure)?;
    let (a, b) = (&outcome.a, &outcome.b);
    let verb = match state {
        LinkState::Linked => "linked: one person",
        LinkState::Distinct => "unlinked: different people",
    };
    say!(
        "{} on {} and {} on {} {verb}",
        sanitize_line(&a.author),
        a.platform,
        sanitize_line(&b.author),
        b.platform
    );
    Ok(ExitCode::SUCCESS)
}

/// The person in `show --json`: who else the author is, or may be.
#[derive(Serialize)]
pub(super) struct PersonOutput {
    /// The header line the TUI shows ("also: Mastodon · open complaint, 19h overdue").
    summary: Option<String>,
    others: Vec<OtherOutput>,
}

#[derive(Serialize)]
struct OtherOutput {
    platform: &'static str,
    author: String,
    /// "linked" (the user said so) or "suggested" (shared keys, unconfirmed).
    tie: &'static str,
    shared: Vec<KeyKind>,
    conversations: Vec<OtherConversation>,
}

#[derive(Serialize)]
struct OtherConversation {
    id: i64,
    kind: &'static str,
    status: &'static str,
    tier: u8,
    due_at: Option<String>,
    overdue: bool,
    /// "open complaint, 19h overdue"
    state: String,
}

impl PersonOutput {
    pub(super) fn new(person: &Person, now: DateTime<Utc>) -> PersonOutput {
        let rfc = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        PersonOutput {
            summary: person.summary(now),
            others: person
                .others
                .iter()
                .map(|o| OtherOutput {
                    platform: o.identity.platform.as_str(),
                    author: o.identity.author.clone(),
                    tie: match o.tie {
                        Tie::Linked => "linked",
                        Tie::Suggested(_) => "suggested",
                    },
                    shared: match &o.tie {
                        Tie::Linked => Vec::new(),
                        Tie::Suggested(keys) => keys.clone(),
                    },
                    conversations: o
                        .conversations
                        .iter()
                        .map(|c| OtherConversation {
                            id: c.id,
                            kind: c.kind.as_str(),
                            status: c.status.as_str(),
                            tier: c.tier.number(),
                            due_at: c.due_at.map(rfc),
                            overdue: c.is_overdue(now),
                            state: conversation_state(c, now),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
