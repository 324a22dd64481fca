//! The Mastodon JSON entities hearth reads, deserialised leniently: unknown fields
//! are ignored and missing or null ones take defaults, so a server that omits
//! something (GoToSocial's `omitempty`) still parses.

use serde::{Deserialize, Deserializer};

/// `null` or absent → the type's default.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Account {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
    /// `user` for local accounts, `user@host` for remote ones.
    #[serde(default, deserialize_with = "null_default")]
    pub acct: String,
    #[serde(default, deserialize_with = "null_default")]
    pub display_name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Mention {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub acct: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaAttachment {
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Status {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    #[serde(default)]
    pub in_reply_to_account_id: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub visibility: String,
    #[serde(default, deserialize_with = "null_default")]
    pub spoiler_text: String,
    #[serde(default, deserialize_with = "null_default")]
    pub content: String,
    #[serde(default, deserialize_with = "null_default")]
    pub account: Account,
    #[serde(default, deserialize_with = "null_default")]
    pub mentions: Vec<Mention>,
    #[serde(default, deserialize_with = "null_default")]
    pub media_attachments: Vec<MediaAttachment>,
    /// A boost wraps the boosted status; hearth does not ingest boosts.
    #[serde(default)]
    pub reblog: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Notification {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    /// Absent for notifications without a status (follows).
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Conversation {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default)]
    pub last_status: Option<Status>,
}

/// `GET /api/v1/statuses/:id/context`: the statuses above (root first) and below
/// one status. Only the ancestors are read; the descendants are skipped unparsed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ThreadContext {
    #[serde(default, deserialize_with = "null_default")]
    pub ancestors: Vec<Status>,
}

/// The Relationship entity `POST /api/v1/accounts/:id/{mute,block}` answers with:
/// only the flags hearth checks. Absent ones stay `None`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Relationship {
    #[serde(default)]
    pub muting: Option<bool>,
    #[serde(default)]
    pub blocking: Option<bool>,
}

/// `POST /api/v1/apps`.
#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    pub client_id: String,
    pub client_secret: String,
}

/// `POST /oauth/token`.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
}

/// `GET /api/v2/search`: only the statuses are read (accounts and hashtags are
/// skipped unparsed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchResults {
    #[serde(default, deserialize_with = "null_default")]
    pub statuses: Vec<Status>,
}
