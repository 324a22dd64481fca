//! What can go wrong talking to a platform, classified by what the engine should do.

use chrono::{DateTime, Utc};

/// Errors from a connector or the HTTP layer. The variant decides the engine's
/// reaction; the text is what the user sees (never a token).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    /// No answer in time: back off and retry.
    #[error("timed out talking to {host}")]
    Timeout { host: String },
    /// Could not connect (offline, DNS, refused): back off, show offline.
    #[error("cannot reach {host}: {reason}")]
    Connect { host: String, reason: String },
    /// 5xx or a transient platform error: back off and retry.
    #[error("server error {status}: {message}")]
    Server { status: u16, message: String },
    /// The platform asked us to wait: pause this account until `until`.
    #[error("rate limited until {until}")]
    RateLimited { until: DateTime<Utc> },
    /// 401/403 or an expired token: this account needs re-authentication.
    #[error("needs re-auth ({status}): {message}")]
    Auth { status: u16, message: String },
    /// The login works but the platform refuses the app: a permission or App
    /// Review approval (Meta), an API not enabled or access not yet approved
    /// (Google). Logging in again cannot fix it; `fix` says what will.
    #[error("{cause}")]
    Permission { cause: String, fix: String },
    /// The response was not what the API documents (truncated or malformed JSON).
    #[error("malformed response: {message}")]
    Malformed { message: String, snippet: String },
    /// A request the platform refused for a reason retrying won't fix (4xx).
    #[error("rejected ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// Messaging outside the platform's reply window (e.g. Meta's 24 hours).
    #[error("the reply window has closed: {0}")]
    WindowClosed(String),
    /// The platform offers no way to do this.
    #[error("not supported by this platform: {0}")]
    Unsupported(String),
    /// Configuration or credentials are unusable.
    #[error("{0}")]
    Config(String),
    /// The local cache failed.
    #[error("cache: {0}")]
    Store(String),
}

impl SyncError {
    /// Worth retrying later with backoff (as opposed to needing the user).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Timeout { .. }
                | SyncError::Connect { .. }
                | SyncError::Server { .. }
                | SyncError::Malformed { .. }
                | SyncError::Store(_)
        )
    }

    /// The network is unreachable rather than the server unhappy.
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Connect { .. } | SyncError::Timeout { .. })
    }
}

impl From<crate::store::StoreError> for SyncError {
    fn from(e: crate::store::StoreError) -> Self {
        SyncError::Store(e.to_string())
    }
}
