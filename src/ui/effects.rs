//! Carrying out effects against the store. Each read is small and indexed, so it
//! runs inline; the answer comes back as an action for `update`.

use super::action::{Action, Effect};
use super::state::{State, THREAD_LIMIT};
use crate::model::Status;
use crate::store::Store;
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
    };
    Some(result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "store call failed");
        Action::Error(e.to_string())
    }))
}
