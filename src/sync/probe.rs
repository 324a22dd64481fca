//! The cheapest authenticated request per platform, for `hearth doctor`: one
//! call that only succeeds when the server accepts the account's credentials,
//! so a 401, 403 or 5xx shows up before the first sync instead of after it.
//!
//! - Mastodon: `GET api/v1/accounts/verify_credentials`
//! - Facebook / Instagram: `GET {page_id | ig_user_id}?fields=id`
//! - Google: the refresh-token exchange, then one page of one location of
//!   `gbp_account` from the Business Information API.
//!
//! Nothing here prints; the caller turns the [`SyncError`] class into advice.

use super::error::SyncError;
use super::google::oauth::{DEFAULT_TOKEN_URL, TokenSource};
use super::google::{Clock, DEFAULT_LOCATIONS_BASE};
use super::http::{Http, Timeouts, check_status, error_text};
use super::meta::graph::Graph;
use super::secret::Secret;
use crate::config::AccountConfig;
use crate::model::Platform;
use chrono::Utc;
use reqwest::Method;
use std::sync::Arc;

/// Ask the server who `token` belongs to. `Ok` carries what it said, for the
/// report ("@northwind", "Page 1234", "accounts/1: 1 location").
pub async fn verify(
    account: &AccountConfig,
    token: &Secret,
    client_secret: Option<Secret>,
    timeouts: Timeouts,
) -> Result<String, SyncError> {
    let base = account
        .api_base()
        .ok_or_else(|| SyncError::Config("no base_url".into()))?;
    match account.platform {
        Platform::Mastodon => mastodon(&base, token, timeouts).await,
        Platform::Facebook => {
            graph_object(&base, account.page_id.as_deref(), token, timeouts).await
        }
        Platform::Instagram => {
            graph_object(&base, account.ig_user_id.as_deref(), token, timeouts).await
        }
        Platform::Google => google(account, token, client_secret, timeouts).await,
        other => Err(SyncError::Unsupported(format!(
            "hearth has no connector for {other}"
        ))),
    }
}

async fn mastodon(base: &str, token: &Secret, timeouts: Timeouts) -> Result<String, SyncError> {
    let http = Http::new(base, timeouts)?;
    let url = http.url("api/v1/accounts/verify_credentials")?;
    let request = http
        .request(Method::GET, url, Some(token))
        .header(reqwest::header::ACCEPT, "application/json");
    let reply = http.send(request).await?;
    check_status(&reply, error_text)?;
    let who: serde_json::Value = reply.json()?;
    Ok(match who.get("acct").and_then(|a| a.as_str()) {
        Some(acct) => format!("@{acct}"),
        None => "the account".to_string(),
    })
}

/// A Page or Instagram account id goes into the path, so it must be one plain
/// path segment.
fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !id.starts_with('.')
}

async fn graph_object(
    base: &str,
    id: Option<&str>,
    token: &Secret,
    timeouts: Timeouts,
) -> Result<String, SyncError> {
    let id = id
        .map(str::trim)
        .ok_or_else(|| SyncError::Config("no page_id / ig_user_id to check".into()))?;
    if !plain_id(id) {
        return Err(SyncError::Config(format!(
            "'{id}' is not a Graph API id (digits)"
        )));
    }
    let graph = Graph::new(base, token.clone(), timeouts)?;
    let (value, _) = graph.get(id, &[("fields", "id".to_string())]).await?;
    let answered = value.get("id").and_then(|v| v.as_str()).unwrap_or(id);
    Ok(format!("object {answered}"))
}

async fn google(
    account: &AccountConfig,
    refresh_token: &Secret,
    client_secret: Option<Secret>,
    timeouts: Timeouts,
) -> Result<String, SyncError> {
    let gbp_account = account
        .gbp_account
        .as_deref()
        .map(|a| a.trim().trim_matches('/'))
        .filter(|a| a.starts_with("accounts/") && plain_id(&a["accounts/".len()..]))
        .ok_or_else(|| SyncError::Config("gbp_account is not \"accounts/<id>\"".into()))?;
    let client_id = account
        .client_id
        .clone()
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| SyncError::Config("no client_id".into()))?;
    let clock: Clock = Arc::new(Utc::now);
    let tokens = TokenSource::new(
        account.token_url.as_deref().unwrap_or(DEFAULT_TOKEN_URL),
        client_id,
        client_secret,
        refresh_token.clone(),
        timeouts,
        clock,
    )?;
    let base = account
        .base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_LOCATIONS_BASE.to_string());
    let http = Http::new(&base, timeouts)?;
    let mut url = http.url(&format!("{gbp_account}/locations"))?;
    url.query_pairs_mut()
        .append_pair("readMask", "name")
        .append_pair("pageSize", "1");
    let reply =
        super::google::api::send(&http, &tokens, Method::GET, url, None, Utc::now()).await?;
    let value: serde_json::Value = reply.json()?;
    let listed = value
        .get("locations")
        .and_then(|l| l.as_array())
        .map_or(0, Vec::len);
    Ok(if listed == 0 {
        format!("{gbp_account} (no locations listed)")
    } else {
        format!("{gbp_account} (locations listed)")
    })
}

#[cfg(test)]
mod tests {
    use super::plain_id;

    #[test]
    fn ids_are_one_path_segment() {
        assert!(plain_id("1234567890"));
        assert!(plain_id("17841400000000000"));
        assert!(!plain_id("../me"));
        assert!(!plain_id("1/feed"));
        assert!(!plain_id("1?fields=access_token"));
        assert!(!plain_id(""));
    }
}
