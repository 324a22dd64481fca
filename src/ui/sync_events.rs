//! How the UI follows background sync: new messages, outbox results, account states.

use super::action::Effect;
use super::state::State;
use super::update::{notice, reload};
use crate::model::SyncEvent;

pub fn on_sync(state: &mut State, ev: SyncEvent) -> Vec<Effect> {
    match ev {
        SyncEvent::Ingested { conversations } => {
            let mut fx = reload(state);
            fx.push(Effect::LoadFacets);
            if let Some(open) = &state.open
                && conversations.contains(&open.id)
            {
                fx.push(Effect::LoadConversation(open.id));
            }
            fx
        }
        SyncEvent::OutboxUpdated { outbox_id, error } => {
            if let Some(e) = error {
                notice(state, format!("outbox #{outbox_id} failed: {e}"), true);
            }
            let mut fx = vec![Effect::LoadOutbox];
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
                let bad = !matches!(account_state.as_str(), "ok" | "syncing" | "live");
                notice(state, format!("{account}: {account_state}: {detail}"), bad);
            }
            state.accounts.insert(account, account_state);
            vec![Effect::LoadAccounts]
        }
    }
}
