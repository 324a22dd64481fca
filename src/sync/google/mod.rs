//! Google Business Profile reviews: every location of an account, star ratings,
//! reply and delete reply. Reviews land in the reputation family.
//!
//! Hosts: reviews live in the v4 API (`account.api_base()`, `base_url`); locations
//! and their titles in the Business Information API (`locations_base_url`), which
//! Google serves from another host. The v4 location listing was retired in 2022.

pub mod api;
pub mod normalise;
pub mod oauth;
mod reviews;

pub use reviews::{OLD_UNANSWERED_CHECKS, RECENT_DAYS, RECONCILE_EVERY_SECS};

use crate::config::AccountConfig;
use crate::model::Platform;
use crate::sync::connector::{Action, Connector, PageSink, Reconciled, RoundOutcome, Target};
use crate::sync::error::SyncError;
use crate::sync::http::{Http, Timeouts};
use crate::sync::secret::Secret;
use chrono::{DateTime, Utc};
use normalise::{is_resource_name, reply_id, reply_resource};
use oauth::{DEFAULT_TOKEN_URL, TokenSource};
use reqwest::Method;
use std::sync::Arc;

/// The source of "now" (tests move it to expire tokens without waiting).
pub use crate::sync::connector::Clock;

pub use crate::config::DEFAULT_LOCATIONS_BASE;

/// Google caps a reply at 4096 bytes.
const MAX_REPLY_BYTES: usize = 4096;

pub struct Google {
    account: AccountConfig,
    /// "accounts/123".
    gbp_account: String,
    reviews: Http,
    locations: Http,
    tokens: TokenSource,
    clock: Clock,
}

impl std::fmt::Debug for Google {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Google")
            .field("account", &self.account.name)
            .field("gbp_account", &self.gbp_account)
            .finish_non_exhaustive()
    }
}

impl Google {
    pub fn from_config(
        account: &AccountConfig,
        refresh_token: Secret,
        client_secret: Option<Secret>,
    ) -> Result<Google, SyncError> {
        let name = &account.name;
        if account.platform != Platform::Google {
            return Err(SyncError::Config(format!(
                "account '{name}' is not a Google account"
            )));
        }
        let gbp_account = account
            .gbp_account
            .as_deref()
            .map(|a| a.trim().trim_matches('/').to_string())
            .filter(|a| a.starts_with("accounts/") && is_resource_name(a))
            .ok_or_else(|| {
                SyncError::Config(format!(
                    "account '{name}': set gbp_account = \"accounts/<id>\" (the Business Profile account)"
                ))
            })?;
        let client_id = account
            .client_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                SyncError::Config(format!(
                    "account '{name}': set client_id (the OAuth client that issued the refresh token)"
                ))
            })?;
        if refresh_token.is_empty() {
            return Err(SyncError::Config(format!(
                "account '{name}': the Google refresh token is empty"
            )));
        }
        let base = account
            .api_base()
            .ok_or_else(|| SyncError::Config(format!("account '{name}': no API base URL")))?;
        let locations_base = account.locations_base();
        let token_url = account.token_url.as_deref().unwrap_or(DEFAULT_TOKEN_URL);
        let clock: Clock = Arc::new(Utc::now);
        let timeouts = Timeouts::default();
        Ok(Google {
            account: account.clone(),
            gbp_account,
            reviews: Http::new(&base, timeouts)?,
            locations: Http::new(&locations_base, timeouts)?,
            tokens: TokenSource::new(
                token_url,
                client_id,
                client_secret,
                refresh_token,
                timeouts,
                clock.clone(),
            )?,
            clock,
        })
    }

    /// List locations from this API root instead (Business Information API).
    pub fn with_locations_base(mut self, base: &str) -> Result<Google, SyncError> {
        self.locations = Http::new(base, Timeouts::default())?;
        Ok(self)
    }

    /// Use another clock for token expiry (tests).
    pub fn with_clock(self, clock: Clock) -> Google {
        Google {
            tokens: self.tokens.with_clock(clock.clone()),
            clock,
            ..self
        }
    }

    /// How many access tokens this connector has fetched.
    pub fn refresh_count(&self) -> u64 {
        self.tokens.refresh_count()
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Who our replies are from, as shown in the thread.
    fn owner(&self) -> &str {
        self.account.brand.as_deref().unwrap_or(&self.account.name)
    }

    async fn call(
        &self,
        http: &Http,
        method: Method,
        url: url::Url,
        body: Option<&serde_json::Value>,
    ) -> Result<crate::sync::http::Reply, SyncError> {
        api::send(http, &self.tokens, method, url, body, self.now()).await
    }

    /// The review a target names, checked before it goes into a URL.
    fn review_name<'a>(&self, target: &'a Target) -> Result<&'a str, SyncError> {
        let name = target.thread_id.as_str();
        let parts: Vec<&str> = name.split('/').collect();
        let shaped = parts.len() == 6
            && parts[0] == "accounts"
            && parts[2] == "locations"
            && parts[4] == "reviews";
        if shaped && is_resource_name(name) {
            Ok(name)
        } else {
            Err(SyncError::Rejected {
                status: 400,
                message: format!("'{name}' is not a Google review name"),
            })
        }
    }

    async fn fetch_review(&self, name: &str) -> Result<serde_json::Value, SyncError> {
        let url = self.reviews.url(name)?;
        self.call(&self.reviews, Method::GET, url, None)
            .await?
            .json()
    }
}

#[async_trait::async_trait]
impl Connector for Google {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let locations = self.locations_to_sync(sink).await?;
        let mut synced = 0;
        let mut refused: Option<SyncError> = None;
        for location in &locations {
            match self.sync_location(location, sink).await {
                Ok(()) => synced += 1,
                // One unverified, removed or unshared location must not stop the
                // others (a new 1-star review elsewhere still has to arrive).
                Err(e @ (SyncError::Rejected { .. } | SyncError::Auth { status: 403, .. })) => {
                    tracing::warn!(account = %self.account.name, location = %location.parent,
                        error = %e, "skipping location");
                    refused.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        // Refused everywhere: the account itself has no access.
        match refused {
            Some(e) if synced == 0 && matches!(e, SyncError::Auth { .. }) => Err(e),
            _ => Ok(RoundOutcome::default()),
        }
    }

    async fn perform(&self, target: &Target, action: &Action) -> Result<String, SyncError> {
        let name = self.review_name(target)?;
        let reply_path = reply_resource(name);
        match action {
            Action::Reply { body } => {
                if body.trim().is_empty() {
                    return Err(SyncError::Rejected {
                        status: 400,
                        message: "a review reply cannot be empty".into(),
                    });
                }
                if body.len() > MAX_REPLY_BYTES {
                    return Err(SyncError::Rejected {
                        status: 400,
                        message: format!(
                            "a review reply is limited to {MAX_REPLY_BYTES} bytes (this one has {})",
                            body.len()
                        ),
                    });
                }
                let url = self.reviews.url(&reply_path)?;
                let json = serde_json::json!({ "comment": body });
                let reply = self
                    .call(&self.reviews, Method::PUT, url, Some(&json))
                    .await?;
                // The id of the text as Google now holds it (the ReviewReply it
                // answers with): what sync will read back for this review.
                let stored: serde_json::Value = reply.json().unwrap_or_default();
                let comment = stored["comment"].as_str().unwrap_or(body);
                Ok(reply_id(name, comment))
            }
            Action::DeleteReply => {
                let url = self.reviews.url(&reply_path)?;
                self.call(&self.reviews, Method::DELETE, url, None).await?;
                Ok(reply_path)
            }
            Action::Hide | Action::Unhide | Action::Delete => Err(SyncError::Unsupported(
                "Google reviews cannot be hidden or deleted by the owner".into(),
            )),
            Action::Mute { .. } | Action::Block | Action::Ban => Err(SyncError::Unsupported(
                "Google reviewers cannot be muted or blocked by the owner".into(),
            )),
        }
    }

    async fn reconcile(&self, target: &Target, action: &Action) -> Result<Reconciled, SyncError> {
        let name = self.review_name(target)?;
        match action {
            Action::Reply { body } => {
                let review = self.fetch_review(name).await?;
                Ok(match review["reviewReply"]["comment"].as_str() {
                    Some(held) if held.trim() == body.trim() => Reconciled::Sent {
                        platform_id: reply_id(name, held),
                    },
                    _ => Reconciled::NotSent,
                })
            }
            Action::DeleteReply => {
                let review = self.fetch_review(name).await?;
                Ok(if review.get("reviewReply").is_none() {
                    Reconciled::Sent {
                        platform_id: reply_resource(name),
                    }
                } else {
                    Reconciled::NotSent
                })
            }
            Action::Hide
            | Action::Unhide
            | Action::Delete
            | Action::Mute { .. }
            | Action::Block
            | Action::Ban => Ok(Reconciled::NotSent),
        }
    }
}
