//! An account's visible sync state: persisted for `hearth accounts` and the TUI,
//! and announced on the event channel.

use super::db::Db;
use crate::model::{AccountStatus, SyncEvent};
use crate::store::{AccountHints, AccountState};
use crate::sync::SyncError;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc::UnboundedSender;

/// The state an error puts an account in.
pub fn state_for(error: &SyncError) -> AccountStatus {
    match error {
        SyncError::Connect { .. } | SyncError::Timeout { .. } => AccountStatus::Offline,
        SyncError::RateLimited { .. } => AccountStatus::RateLimited,
        SyncError::Auth { .. } | SyncError::Config(_) => AccountStatus::NeedsReauth,
        SyncError::Permission { .. } => AccountStatus::NeedsPermission,
        _ => AccountStatus::Error,
    }
}

pub struct Reporter {
    current: AccountState,
    /// The hints last written; `None` until this run writes them once.
    hints: Option<AccountHints>,
    /// A rate-limit pause the cache remembers from an earlier run: no request
    /// may go out before it ends.
    saved_pause: Option<DateTime<Utc>>,
    /// The error that pause was recorded with.
    saved_error: Option<String>,
    db: Db,
    events: UnboundedSender<SyncEvent>,
}

impl Reporter {
    /// Starts from what the cache remembers (so "last sync" survives restarts).
    pub async fn load(
        account: &str,
        platform: &str,
        db: Db,
        events: UnboundedSender<SyncEvent>,
    ) -> Reporter {
        let name = account.to_string();
        let saved = db
            .call(move |s| s.account_states())
            .await
            .ok()
            .and_then(|all| all.into_iter().find(|a| a.account == name));
        let (saved_pause, saved_error) = match &saved {
            Some(s) if s.state == AccountStatus::RateLimited => {
                (s.next_attempt_at, s.last_error.clone())
            }
            _ => (None, None),
        };
        let current = AccountState {
            account: account.to_string(),
            platform: platform.to_string(),
            state: AccountStatus::Pending,
            last_sync_at: saved.and_then(|s| s.last_sync_at),
            next_attempt_at: None,
            last_error: None,
        };
        Reporter {
            current,
            hints: None,
            saved_pause,
            saved_error,
            db,
            events,
        }
    }

    /// The rate-limit pause an earlier run recorded, if it has not ended by `now`.
    pub fn saved_pause(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.saved_pause.filter(|until| *until > now)
    }

    /// Show the remembered pause as this run's state (nothing is asked until then).
    pub async fn resume_pause(&mut self, until: DateTime<Utc>) {
        let error = self
            .saved_error
            .clone()
            .unwrap_or_else(|| format!("rate limited until {until}"));
        self.set(
            AccountStatus::RateLimited,
            Some(until),
            Some(error),
            None,
            false,
        )
        .await;
    }

    /// Record what restores access and why polling is slow; written only when
    /// they change.
    pub async fn set_hints(&mut self, hints: AccountHints) {
        if self.hints.as_ref() == Some(&hints) {
            return;
        }
        self.hints = Some(hints.clone());
        let account = self.current.account.clone();
        if let Err(e) = self
            .db
            .call(move |s| s.set_account_hints(&account, &hints))
            .await
        {
            tracing::warn!(account = %self.current.account, error = %e, "cannot save account hints");
        }
    }

    pub fn state(&self) -> AccountStatus {
        self.current.state
    }

    pub fn last_error(&self) -> Option<&str> {
        self.current.last_error.as_deref()
    }

    /// Record a new state. The event goes out when the state changes or there is
    /// news (`detail`) worth a line.
    pub async fn set(
        &mut self,
        state: AccountStatus,
        next_attempt_at: Option<DateTime<Utc>>,
        error: Option<String>,
        detail: Option<String>,
        synced: bool,
    ) {
        let now = Utc::now();
        let changed = self.current.state != state || self.current.last_error != error;
        self.current.state = state;
        self.current.next_attempt_at = next_attempt_at;
        self.current.last_error = error.clone();
        if synced {
            self.current.last_sync_at = Some(now);
        }
        let row = self.current.clone();
        if let Err(e) = self.db.call(move |s| s.save_account_state(&row, now)).await {
            tracing::warn!(account = %self.current.account, error = %e, "cannot save account state");
        }
        if changed || detail.is_some() {
            let _ = self.events.send(SyncEvent::AccountState {
                account: self.current.account.clone(),
                state,
                detail: detail.or(error),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn errors_map_to_states() {
        let until = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            state_for(&SyncError::Connect {
                host: "h".into(),
                reason: "refused".into()
            }),
            AccountStatus::Offline
        );
        assert_eq!(
            state_for(&SyncError::Timeout { host: "h".into() }),
            AccountStatus::Offline
        );
        assert_eq!(
            state_for(&SyncError::RateLimited { until }),
            AccountStatus::RateLimited
        );
        assert_eq!(
            state_for(&SyncError::Auth {
                status: 401,
                message: "x".into()
            }),
            AccountStatus::NeedsReauth
        );
        assert_eq!(
            state_for(&SyncError::Malformed {
                message: "eof".into(),
                snippet: "[".into()
            }),
            AccountStatus::Error
        );
        assert_eq!(
            state_for(&SyncError::Server {
                status: 503,
                message: "x".into()
            }),
            AccountStatus::Error
        );
    }
}
