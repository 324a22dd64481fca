//! How an account's sync stands, as the engine records it and every front end shows it.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use super::ParseEnumError;

/// One account's sync state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    Ok,
    Syncing,
    /// The platform could not be reached (connection refused, timeout).
    Offline,
    /// The platform asked us to wait; `next_attempt_at` says until when.
    RateLimited,
    /// The token is missing, expired or revoked: log in again.
    NeedsReauth,
    /// The login works but the platform refuses the app: a permission, an API or
    /// an access approval is missing. A new login cannot fix it; the stored `fix`
    /// says what will.
    NeedsPermission,
    Error,
    /// Configured, but no sync has reported yet.
    Pending,
}
word_enum!(AccountStatus, "account state", {
    Ok => "ok", Syncing => "syncing", Offline => "offline", RateLimited => "rate-limited",
    NeedsReauth => "needs-reauth", NeedsPermission => "needs-permission", Error => "error",
    Pending => "pending",
});

impl AccountStatus {
    /// Nothing for the user to do.
    pub fn is_good(self) -> bool {
        matches!(self, AccountStatus::Ok | AccountStatus::Syncing)
    }

    /// How the state reads in a sentence ("needs re-auth").
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Ok => "ok",
            AccountStatus::Syncing => "syncing",
            AccountStatus::Offline => "offline",
            AccountStatus::RateLimited => "rate-limited",
            AccountStatus::NeedsReauth => "needs re-auth",
            AccountStatus::NeedsPermission => "needs permission",
            AccountStatus::Error => "error",
            AccountStatus::Pending => "not synced yet",
        }
    }
}
