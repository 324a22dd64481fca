//! Carrying out effects against the store. Each read is small and indexed, so it
//! runs inline; the answer comes back as an action for `update`.

use super::action::{Action, Effect, LeadOp};
use super::data::{Facets, OutboxEntry, OutboxSummary};
use super::popups::outbox::ATTENTION_LIMIT;
use super::state::{State, THREAD_LIMIT};
use crate::inbox::{Inbox, InboxError};
use crate::model::{Assess, OutboxState, Platform};
use crate::store::{FilterColumn, OutboxItem, Store};
use chrono::{DateTime, Utc};

use super::jobs::SEARCH_LIMIT;

/// Run one effect (not `Quit` or `OpenEditor`, which the loop handles). Every
/// user action goes through the application core (`crate::inbox`), the same
/// functions the CLI calls.
pub fn execute(
    store: &mut Store,
    assess: &dyn Assess,
    state: &State,
    effect: Effect,
    now: DateTime<Utc>,
) -> Option<Action> {
    let result: Result<Action, InboxError> = match effect {
        Effect::Quit | Effect::Repaint | Effect::OpenEditor(_) => return None,
        Effect::LoadQueue {
            filter,
            after,
            limit,
            append,
        } => store
            .queue(&filter, after, limit)
            .map(|rows| Action::QueueLoaded {
                more: rows.len() >= limit,
                rows,
                append,
            })
            .map_err(InboxError::from),
        Effect::LoadCounts(filter) => store
            .counts(&filter, now)
            .map(Action::Counts)
            .map_err(InboxError::from),
        Effect::LoadConversation(id) => load_conversation(store, id).map_err(InboxError::from),
        Effect::Search(query) => store
            .search(&query, SEARCH_LIMIT)
            .map(|rows| Action::SearchResults { query, rows })
            .map_err(InboxError::from),
        Effect::SendReply {
            conversation_id,
            text,
            when,
            force,
            acknowledgment,
        } => {
            let request = crate::inbox::ReplyRequest {
                conversation_id,
                text: text.clone(),
                when,
                force,
                acknowledgment,
            };
            Inbox::new(store, &state.config, assess)
                .reply(&request, now)
                .map(|decision| Action::ReplyDecided {
                    conversation_id,
                    text,
                    when,
                    acknowledgment,
                    decision,
                })
        }
        Effect::RefreshOrder => store
            .refresh_order(now, &state.config.targets.promotion_steps())
            .map(|moved| Action::OrderRefreshed { moved })
            .map_err(InboxError::from),
        Effect::SetTier {
            conversation_id,
            tier,
        } => Inbox::new(store, &state.config, assess)
            .retier(conversation_id, tier, now)
            .map(|undo| Action::Undoable {
                message: match tier {
                    Some(t) => format!("tier set to T{} ({})", t.number(), t.name()),
                    None => "tier override cleared".into(),
                },
                undo,
            }),
        Effect::MarkDone(id) => {
            Inbox::new(store, &state.config, assess)
                .done(id, now)
                .map(|undo| Action::Undoable {
                    message: "marked done".into(),
                    undo,
                })
        }
        Effect::Snooze {
            conversation_id,
            until,
        } => Inbox::new(store, &state.config, assess)
            .snooze(conversation_id, until, now)
            .map(|undo| Action::Undoable {
                message: format!(
                    "snoozed until {}",
                    super::text::local_time(until, now, state.offset)
                ),
                undo,
            }),
        Effect::LoadAccounts => store
            .account_states()
            .map(Action::AccountsLoaded)
            .map_err(InboxError::from),
        Effect::LoadOutbox => load_outbox(store, now)
            .map(Action::OutboxLoaded)
            .map_err(InboxError::from),
        Effect::LoadFacets => load_facets(store)
            .map(Action::FacetsLoaded)
            .map_err(InboxError::from),
        Effect::ResolveOutbox { id, resend } => Inbox::new(store, &state.config, assess)
            .resolve_outbox(id, resend, now)
            .map(|()| Action::OutboxChanged {
                message: if resend {
                    format!("outbox #{id} queued to send again")
                } else {
                    format!("outbox #{id} dismissed")
                },
            }),
        Effect::Moderate(request) => Inbox::new(store, &state.config, assess)
            .moderate(&request, Some(&state.playbooks), now)
            .map(|decision| Action::ModerationDecided { request, decision }),
        Effect::LoadPerson(id) => super::popups::people::load(store, id),
        Effect::SetLink {
            conversation_id,
            other,
            link,
        } => super::popups::people::set_link(
            &mut Inbox::new(store, &state.config, assess),
            conversation_id,
            &other,
            link,
            now,
        ),
        Effect::CancelOutbox(id) => Inbox::new(store, &state.config, assess)
            .cancel_outbox(id, now)
            .map(|item| Action::OutboxCancelled {
                outbox_id: item.id,
                conversation_id: item.conversation_id,
                text: item.body,
            }),
        Effect::Bulk { ids, action } => Inbox::new(store, &state.config, assess)
            .bulk(&ids, action, Some(&state.playbooks), now)
            .map(|outcome| Action::Undoable {
                message: outcome.describe(),
                undo: outcome.undo,
            }),
        Effect::Undo { what, undo } => Inbox::new(store, &state.config, assess)
            .undo(&undo, now)
            .map(|outcome| Action::Undone { what, outcome }),
        Effect::LoadLead(id) => load_lead(store, assess, state, id, None),
        Effect::Lead {
            conversation_id,
            op,
        } => change_lead(store, assess, state, conversation_id, op, now),
    };
    Some(result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "action failed");
        Action::Error(e.to_string())
    }))
}

/// A conversation's lead as the panel shows it; not being a lead is an answer,
/// not an error.
fn load_lead(
    store: &mut Store,
    assess: &dyn Assess,
    state: &State,
    id: i64,
    message: Option<String>,
) -> Result<Action, InboxError> {
    let view = match Inbox::new(store, &state.config, assess).lead(id) {
        Ok(view) => Some(Box::new(view)),
        Err(InboxError::NotALead(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(Action::LeadLoaded {
        conversation_id: id,
        view,
        message,
    })
}

/// One change to a lead through the core, then the lead read again.
fn change_lead(
    store: &mut Store,
    assess: &dyn Assess,
    state: &State,
    id: i64,
    op: LeadOp,
    now: DateTime<Utc>,
) -> Result<Action, InboxError> {
    let mut inbox = Inbox::new(store, &state.config, assess);
    let message = match op {
        LeadOp::Mark => {
            inbox.mark_lead(id, now)?;
            "marked as a lead".to_string()
        }
        LeadOp::Confirm(s) => {
            inbox.confirm_suggestion(id, &s, now)?;
            format!("lead {}", s.describe())
        }
        LeadOp::Update(u) => {
            let lead = inbox.update_lead(id, &u, now)?;
            format!("lead updated ({})", lead.stage)
        }
        LeadOp::Stage(stage) => {
            inbox.set_lead_stage(id, stage, now)?;
            format!("lead is {stage}")
        }
    };
    load_lead(store, assess, state, id, Some(message))
}

/// A conversation with its newest messages and its author's strikes.
fn load_conversation(store: &Store, id: i64) -> crate::store::Result<Action> {
    let conversation = store.conversation(id)?;
    let (messages, strikes, message_states) = match &conversation {
        Some(c) => (
            store.messages(id, THREAD_LIMIT)?,
            store.author_strikes(&c.account, &c.author)?,
            store.message_states(id)?,
        ),
        None => (Vec::new(), None, Vec::new()),
    };
    Ok(Action::ConversationLoaded {
        conversation: conversation.map(Box::new),
        messages,
        strikes,
        message_states,
    })
}

/// Queued count, needing-a-decision count, scheduled replies and the oldest items
/// needing a decision, with their authors.
fn load_outbox(store: &Store, now: DateTime<Utc>) -> crate::store::Result<OutboxSummary> {
    let queued = store.outbox_count(OutboxState::Queued)?;
    let attention_count =
        store.outbox_count(OutboxState::Failed)? + store.outbox_count(OutboxState::Unknown)?;
    let mut items: Vec<OutboxItem> = store.outbox_scheduled(now, ATTENTION_LIMIT)?;
    items.extend(store.outbox_needing_attention(ATTENTION_LIMIT)?);
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let conv = store.conversation(item.conversation_id)?;
        entries.push(OutboxEntry {
            author: conv.as_ref().map(|c| c.author.clone()),
            platform: conv.as_ref().map(|c| c.platform),
            kind: conv.as_ref().map(|c| c.kind),
            item,
        });
    }
    Ok(OutboxSummary {
        queued,
        attention_count,
        entries,
    })
}

/// Every platform, brand and location in the cache (unknown platform words skipped).
fn load_facets(store: &Store) -> crate::store::Result<Facets> {
    Ok(Facets {
        platforms: store
            .distinct_values(FilterColumn::Platform)?
            .iter()
            .filter_map(|p| p.parse::<Platform>().ok())
            .collect(),
        brands: store
            .distinct_values(FilterColumn::Brand)?
            .into_iter()
            .collect(),
        locations: store
            .distinct_values(FilterColumn::Location)?
            .into_iter()
            .collect(),
        brand_locations: store.brand_locations()?.into_iter().fold(
            std::collections::BTreeMap::new(),
            |mut map: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
             (brand, location)| {
                map.entry(brand).or_default().insert(location);
                map
            },
        ),
    })
}
