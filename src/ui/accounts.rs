//! Account sync health as the UI reads it: the state words the engine and the
//! store use, folded into a few kinds the status bar and the overlay can mark.

use super::action::{Command, Effect};
use super::state::{Overlay, State};
use crate::store::AccountState;

/// How an account stands, whatever spelling the state word used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Ok,
    Syncing,
    Offline,
    RateLimited,
    NeedsReauth,
    Error,
    /// Configured, but no sync has reported yet.
    Pending,
    Other,
}

impl Health {
    /// "needs re-auth", "needs-reauth" and "NeedsReauth" all read the same.
    pub fn parse(word: &str) -> Health {
        let folded: String = word
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match folded.as_str() {
            "ok" | "live" | "idle" | "synced" => Health::Ok,
            "syncing" | "starting" => Health::Syncing,
            "offline" => Health::Offline,
            "ratelimited" | "paused" => Health::RateLimited,
            "needsreauth" | "reauth" | "unauthorized" => Health::NeedsReauth,
            "error" | "failed" => Health::Error,
            "pending" | "" => Health::Pending,
            _ => Health::Other,
        }
    }

    pub fn is_good(self) -> bool {
        matches!(self, Health::Ok | Health::Syncing)
    }

    pub fn label(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Syncing => "syncing",
            Health::Offline => "offline",
            Health::RateLimited => "rate-limited",
            Health::NeedsReauth => "needs re-auth",
            Health::Error => "error",
            Health::Pending => "not synced yet",
            Health::Other => "other",
        }
    }
}

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
    for word in state.accounts.values() {
        match Health::parse(word) {
            Health::Offline => t.offline += 1,
            Health::RateLimited => t.rate_limited += 1,
            Health::NeedsReauth => t.needs_reauth += 1,
            Health::Error => t.error += 1,
            _ => {}
        }
    }
    t
}

/// The rows the accounts overlay lists: every account the store knows, then any
/// configured account that has not reported yet.
pub fn rows(state: &State) -> Vec<AccountState> {
    let mut rows = state.account_rows.clone();
    for (name, word) in &state.accounts {
        if !rows.iter().any(|r| &r.account == name) {
            rows.push(AccountState {
                account: name.clone(),
                platform: String::new(),
                state: word.clone(),
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
                state: "pending".into(),
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
        state.accounts.insert(r.account.clone(), r.state.clone());
    }
    state.account_rows = loaded;
}

/// Toggle the overlay; opening it re-reads the states.
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

/// Keys in the overlay: j/k scroll, anything else closes it.
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

#[cfg(test)]
mod tests {
    use super::Health;

    #[test]
    fn state_words_fold_to_one_health() {
        assert_eq!(Health::parse("needs re-auth"), Health::NeedsReauth);
        assert_eq!(Health::parse("needs-reauth"), Health::NeedsReauth);
        assert_eq!(Health::parse("Rate-Limited"), Health::RateLimited);
        assert_eq!(Health::parse("OFFLINE"), Health::Offline);
        assert_eq!(Health::parse("live"), Health::Ok);
        assert_eq!(Health::parse("weird"), Health::Other);
        assert!(Health::parse("syncing").is_good());
        assert!(!Health::parse("error").is_good());
    }
}
