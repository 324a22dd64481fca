//! Carrying out effects against the store. Each read is small and indexed, so it
//! runs inline; the answer comes back as an action for `update`.

use super::action::{Action, Effect};
use super::outbox::{ATTENTION_LIMIT, OutboxEntry, OutboxSummary};
use super::state::{Facets, State, THREAD_LIMIT};
use crate::model::{Platform, Status};
use crate::store::outbox::state as outbox_state;
use crate::store::{FilterColumn, Store};
use chrono::{DateTime, Utc};

/// Search results shown at most.
const SEARCH_LIMIT: usize = 200;

/// Run one effect (not `Quit` or `OpenEditor`, which the loop handles).
pub fn execute(
    store: &mut Store,
    state: &State,
    effect: Effect,
    now: DateTime<Utc>,
) -> Option<Action> {
    let result = match effect {
        Effect::Quit | Effect::OpenEditor(_) => return None,
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
            }),
        Effect::LoadCounts(filter) => store.counts(&filter, now).map(Action::Counts),
        Effect::LoadConversation(id) => store.conversation(id).and_then(|conversation| {
            let messages = match &conversation {
                Some(_) => store.messages(id, THREAD_LIMIT)?,
                None => Vec::new(),
            };
            Ok(Action::ConversationLoaded {
                conversation: conversation.map(Box::new),
                messages,
            })
        }),
        Effect::Search(query) => store
            .search(&query, SEARCH_LIMIT)
            .map(|rows| Action::SearchResults { query, rows }),
        Effect::SendReply {
            conversation_id,
            text,
        } => store
            .record_reply(conversation_id, &state.config.agent, &text, now)
            .map(|outbox_id| Action::ReplySent {
                conversation_id,
                outbox_id,
            }),
        Effect::SetTier {
            conversation_id,
            tier,
        } => store
            .set_tier_override(conversation_id, tier)
            .map(|()| Action::Applied {
                message: match tier {
                    Some(t) => format!("tier set to T{} ({})", t.number(), t.name()),
                    None => "tier override cleared".into(),
                },
            }),
        Effect::MarkDone(id) => store
            .set_status(id, Status::Done)
            .map(|()| Action::Applied {
                message: "marked done".into(),
            }),
        Effect::Snooze {
            conversation_id,
            until,
        } => store
            .snooze(conversation_id, until)
            .map(|()| Action::Applied {
                message: format!(
                    "snoozed until {}",
                    super::text::local_time(until, now, state.offset)
                ),
            }),
        Effect::LoadAccounts => store.account_states().map(Action::AccountsLoaded),
        Effect::LoadOutbox => load_outbox(store).map(Action::OutboxLoaded),
        Effect::LoadFacets => load_facets(store).map(Action::FacetsLoaded),
        Effect::ResolveOutbox { id, resend } => {
            store
                .resolve_outbox(id, resend, now)
                .map(|()| Action::OutboxChanged {
                    message: if resend {
                        format!("outbox #{id} queued to send again")
                    } else {
                        format!("outbox #{id} dismissed")
                    },
                })
        }
        Effect::Moderate {
            conversation_id,
            target_id,
            action,
        } => store
            .queue_moderation(conversation_id, &target_id, action.as_str(), now)
            .map(|outbox_id| Action::OutboxChanged {
                message: format!("{} queued (outbox #{outbox_id})", action.as_str()),
            }),
    };
    Some(result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "store call failed");
        Action::Error(e.to_string())
    }))
}

/// Queued count, needing-a-decision count, and the oldest of those with their author.
fn load_outbox(store: &Store) -> crate::store::Result<OutboxSummary> {
    let queued = store.outbox_count(outbox_state::QUEUED)?;
    let attention_count =
        store.outbox_count(outbox_state::FAILED)? + store.outbox_count(outbox_state::UNKNOWN)?;
    let mut attention = Vec::new();
    for item in store.outbox_needing_attention(ATTENTION_LIMIT)? {
        let conv = store.conversation(item.conversation_id)?;
        attention.push(OutboxEntry {
            author: conv.as_ref().map(|c| c.author.clone()),
            platform: conv.as_ref().map(|c| c.platform),
            kind: conv.as_ref().map(|c| c.kind),
            item,
        });
    }
    Ok(OutboxSummary {
        queued,
        attention_count,
        attention,
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
    })
}
