//! The accounts popup: every account's sync state, last sync, next attempt and
//! last error. It owns its keys (this file) and its drawing (`view`).

pub mod view;

use crate::model::AccountStatus;
use crate::store::AccountState;
use crate::ui::action::{Command, Effect};
use crate::ui::state::{Overlay, State};

/// How many accounts are in each troubled state, for the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Troubles {
    pub offline: usize,
    pub rate_limited: usize,
    pub needs_reauth: usize,
    pub error: usize,
}

pub fn troubles(state: &State) -> Troubles {
    let mut t = Troubles::default();
    for status in state.accounts.values() {
        match status {
            AccountStatus::Offline => t.offline += 1,
            AccountStatus::RateLimited => t.rate_limited += 1,
            AccountStatus::NeedsReauth => t.needs_reauth += 1,
            AccountStatus::Error => t.error += 1,
            _ => {}
        }
    }
    t
}

/// The rows the popup lists: every account the store knows, then any configured
/// account that has not reported yet.
pub fn rows(state: &State) -> Vec<AccountState> {
    let mut rows = state.account_rows.clone();
    for (name, status) in &state.accounts {
        if !rows.iter().any(|r| &r.account == name) {
            rows.push(AccountState {
                account: name.clone(),
                platform: String::new(),
                state: *status,
                last_sync_at: None,
                next_attempt_at: None,
                last_error: None,
            });
        }
    }
    for a in &state.config.accounts {
        if !rows.iter().any(|r| r.account == a.name) {
            rows.push(AccountState {
                account: a.name.clone(),
                platform: a.platform.as_str().into(),
                state: AccountStatus::Pending,
                last_sync_at: None,
                next_attempt_at: None,
                last_error: None,
            });
        }
    }
    rows
}

/// Fresh rows from the store: they are the truth for the status bar too.
pub fn on_loaded(state: &mut State, loaded: Vec<AccountState>) {
    for r in &loaded {
        state.accounts.insert(r.account.clone(), r.state);
    }
    state.account_rows = loaded;
}

/// Toggle the popup; opening it re-reads the states.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    match state.overlay {
        Some(Overlay::Accounts { .. }) => {
            state.overlay = None;
            Vec::new()
        }
        _ => {
            state.overlay = Some(Overlay::Accounts { scroll: 0 });
            vec![Effect::LoadAccounts]
        }
    }
}

/// Keys in the popup: j/k scroll, anything else closes it.
pub fn on_key(state: &mut State, scroll: u16, cmd: Option<Command>) -> Vec<Effect> {
    let scroll = match cmd {
        Some(Command::Down) => scroll.saturating_add(1),
        Some(Command::Up) => scroll.saturating_sub(1),
        Some(Command::Top) => 0,
        Some(Command::Refresh) => {
            state.overlay = Some(Overlay::Accounts { scroll });
            return vec![Effect::LoadAccounts];
        }
        _ => return Vec::new(),
    };
    state.overlay = Some(Overlay::Accounts { scroll });
    Vec::new()
}
