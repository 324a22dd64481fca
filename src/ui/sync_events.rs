//! How the UI follows background sync: new messages, outbox results, account states.

use super::action::Effect;
use super::state::State;
use crate::model::SyncEvent;

/// Fold every `Ingested` event of a batch into the first one (ids merged, in
/// order, without repeats); other events keep their place.
pub fn merge_ingested(events: Vec<SyncEvent>) -> Vec<SyncEvent> {
    let mut out: Vec<SyncEvent> = Vec::with_capacity(events.len());
    let mut merged_at: Option<usize> = None;
    for ev in events {
        match (ev, merged_at) {
            (SyncEvent::Ingested { conversations }, Some(i)) => {
                if let SyncEvent::Ingested {
                    conversations: into,
                } = &mut out[i]
                {
                    for id in conversations {
                        if !into.contains(&id) {
                            into.push(id);
                        }
                    }
                }
            }
            (ev @ SyncEvent::Ingested { .. }, None) => {
                merged_at = Some(out.len());
                out.push(ev);
            }
            (other, _) => out.push(other),
        }
    }
    out
}

pub fn on_sync(state: &mut State, ev: SyncEvent) -> Vec<Effect> {
    match ev {
        SyncEvent::Alert {
            conversation_id,
            why,
        } => {
            // The runtime rings the bell; the line says which and why.
            state.bell = true;
            state.notice(format!("URGENT #{conversation_id}: {why}"), true);
            state.reload()
        }
        SyncEvent::Ingested { conversations } => {
            let mut fx = state.reload();
            // Messages synced late may be overdue already: let them climb now.
            fx.extend([Effect::LoadFacets, Effect::RefreshOrder]);
            if let Some(open) = &state.open
                && conversations.contains(&open.id)
            {
                fx.push(Effect::LoadConversation(open.id));
            }
            fx
        }
        SyncEvent::OutboxUpdated { outbox_id, error } => {
            let mut fx = vec![Effect::LoadOutbox];
            if let Some(e) = error {
                state.notice(format!("outbox #{outbox_id} failed: {e}"), true);
                // A refused reply answered nothing: its conversation is back,
                // perhaps overdue.
                fx.extend(state.reload());
                fx.push(Effect::RefreshOrder);
            }
            if let Some(c) = &state.open {
                fx.push(Effect::LoadConversation(c.id));
            }
            fx
        }
        SyncEvent::AccountState {
            account,
            state: account_state,
            detail,
        } => {
            if let Some(detail) = detail {
                let bad = !account_state.is_good();
                state.notice(
                    format!("{account}: {}: {detail}", account_state.label()),
                    bad,
                );
            }
            state.accounts.insert(account, account_state);
            vec![Effect::LoadAccounts]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_of_ingested_events_become_one() {
        let state = |account: &str| SyncEvent::AccountState {
            account: account.into(),
            state: crate::model::AccountStatus::Ok,
            detail: None,
        };
        let merged = merge_ingested(vec![
            SyncEvent::Ingested {
                conversations: vec![1, 2],
            },
            state("a"),
            SyncEvent::Ingested {
                conversations: vec![2, 3],
            },
            SyncEvent::Ingested {
                conversations: vec![4],
            },
        ]);
        assert_eq!(
            merged,
            vec![
                SyncEvent::Ingested {
                    conversations: vec![1, 2, 3, 4]
                },
                state("a"),
            ]
        );
        assert!(merge_ingested(Vec::new()).is_empty());
    }
}
