//! Google OAuth: hearth holds the long-lived refresh token and trades it for
//! short-lived access tokens, refreshing before they expire.

use super::Clock;
use crate::sync::error::SyncError;
use crate::sync::http::{Http, Reply, Timeouts, check_status};
use crate::sync::secret::Secret;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Mutex;
use url::Url;

/// Google's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

/// Refresh this long before the stated expiry (at most half the token's life).
const REFRESH_MARGIN_SECS: i64 = 60;

/// Google tokens live about an hour; assume that when the answer omits it.
const DEFAULT_EXPIRES_IN_SECS: i64 = 3600;

#[derive(Debug, Clone)]
struct AccessToken {
    token: Secret,
    /// When to stop using it: the expiry minus the margin.
    refresh_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Hands out a valid access token, refreshing it when due.
pub struct TokenSource {
    http: Http,
    token_url: Url,
    client_id: String,
    client_secret: Option<Secret>,
    refresh_token: Secret,
    clock: Clock,
    current: Mutex<Option<AccessToken>>,
    refreshes: AtomicU64,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    pub fn new(
        token_url: &str,
        client_id: String,
        client_secret: Option<Secret>,
        refresh_token: Secret,
        timeouts: Timeouts,
        clock: Clock,
    ) -> Result<TokenSource, SyncError> {
        let http = Http::new(token_url, timeouts)?;
        let token_url = Url::parse(token_url)
            .map_err(|e| SyncError::Config(format!("token_url '{token_url}': {e}")))?;
        Ok(TokenSource {
            http,
            token_url,
            client_id,
            client_secret,
            refresh_token,
            clock,
            current: Mutex::new(None),
            refreshes: AtomicU64::new(0),
        })
    }

    /// Judge expiry by `clock` instead.
    pub fn with_clock(self, clock: Clock) -> TokenSource {
        TokenSource { clock, ..self }
    }

    /// How many times a new access token was fetched.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// A token that is good for at least the refresh margin.
    pub async fn access_token(&self) -> Result<Secret, SyncError> {
        let mut current = self.current.lock().await;
        let now = (self.clock)();
        if let Some(token) = current.as_ref().filter(|t| t.refresh_at > now) {
            return Ok(token.token.clone());
        }
        let fresh = self.refresh(now).await?;
        let token = fresh.token.clone();
        *current = Some(fresh);
        Ok(token)
    }

    /// The platform rejected `stale`: forget it so the next call refreshes. A token
    /// that another task already replaced is left alone.
    pub async fn invalidate(&self, stale: &Secret) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| &t.token == stale) {
            *current = None;
        }
    }

    async fn refresh(&self, now: DateTime<Utc>) -> Result<AccessToken, SyncError> {
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("refresh_token", self.refresh_token.expose()),
        ];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        let request = self
            .http
            .request(Method::POST, self.token_url.clone(), None)
            .form(&form);
        let reply = self.http.send(request).await?;
        check_token_status(&reply)?;
        let body: TokenResponse = reply.json()?;
        if body.access_token.trim().is_empty() {
            return Err(SyncError::Malformed {
                message: "token endpoint returned an empty access_token".into(),
                snippet: String::new(),
            });
        }
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(client_id = %self.client_id, "refreshed Google access token");
        Ok(AccessToken {
            token: Secret::new(body.access_token),
            refresh_at: refresh_deadline(now, body.expires_in),
        })
    }
}

/// When to refresh a token issued at `now` that lives `expires_in` seconds.
fn refresh_deadline(now: DateTime<Utc>, expires_in: Option<i64>) -> DateTime<Utc> {
    let life = expires_in
        .filter(|s| *s > 0)
        .unwrap_or(DEFAULT_EXPIRES_IN_SECS)
        .min(366 * 86_400);
    let margin = REFRESH_MARGIN_SECS.min(life / 2);
    now + Duration::seconds(life - margin)
}

/// The token endpoint answers `{"error":"invalid_grant","error_description":...}`;
/// a refused grant means the user must sign in again, whatever the status code.
fn check_token_status(reply: &Reply) -> Result<(), SyncError> {
    if reply.status.is_success() {
        return Ok(());
    }
    let text = oauth_error_text(reply);
    let status = reply.status.as_u16();
    if matches!(status, 400 | 401 | 403) {
        return Err(SyncError::Auth {
            status,
            message: format!("refreshing the Google token failed: {text}"),
        });
    }
    check_status(reply, |_| text.clone())
}

fn oauth_error_text(reply: &Reply) -> String {
    let value: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
    let text = value.as_ref().and_then(|v| {
        let code = v.get("error")?.as_str()?;
        Some(match v.get("error_description").and_then(|d| d.as_str()) {
            Some(description) => format!("{code}: {description}"),
            None => code.to_string(),
        })
    });
    text.unwrap_or_else(|| super::api::google_error_text(reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply::canned(status, body)
    }

    #[test]
    fn refresh_happens_a_margin_before_expiry() {
        let now = Utc::now();
        assert_eq!(
            refresh_deadline(now, Some(3600)),
            now + Duration::seconds(3540)
        );
        // Short-lived tokens keep half their life.
        assert_eq!(refresh_deadline(now, Some(20)), now + Duration::seconds(10));
        assert_eq!(
            refresh_deadline(now, None),
            now + Duration::seconds(3540),
            "missing expires_in assumes an hour"
        );
        assert_eq!(
            refresh_deadline(now, Some(-5)),
            now + Duration::seconds(3540)
        );
    }

    #[test]
    fn refused_grants_need_reauth() {
        let err = check_token_status(&reply(
            400,
            r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#,
        ))
        .unwrap_err();
        match err {
            SyncError::Auth { status, message } => {
                assert_eq!(status, 400);
                assert!(message.contains("invalid_grant"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check_token_status(&reply(503, "busy")),
            Err(SyncError::Server { status: 503, .. })
        ));
        assert!(check_token_status(&reply(200, "{}")).is_ok());
    }
}
