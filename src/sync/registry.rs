//! From an `[[account]]` entry to a ready connector: resolve credentials, then call
//! the platform's constructor.

use super::connector::Connector;
use super::credentials;
use super::error::SyncError;
use crate::config::{AccountConfig, Paths};
use crate::model::Platform;

/// Build the connector for `account`. Credential and config problems come back as
/// `SyncError::Config` naming the account.
pub fn build(account: &AccountConfig, paths: &Paths) -> Result<Box<dyn Connector>, SyncError> {
    match account.platform {
        Platform::Facebook => {
            let token = credentials::resolve_token(account, paths)?;
            Ok(Box::new(super::meta::Facebook::from_config(
                account, token,
            )?))
        }
        Platform::Instagram => {
            let token = credentials::resolve_token(account, paths)?;
            Ok(Box::new(super::meta::Instagram::from_config(
                account, token,
            )?))
        }
        Platform::Google => {
            // The resolved secret is the OAuth refresh token.
            let refresh_token = credentials::resolve_token(account, paths)?;
            let client_secret = credentials::resolve_client_secret(account)?;
            Ok(Box::new(super::google::Google::from_config(
                account,
                refresh_token,
                client_secret,
            )?))
        }
        Platform::Mastodon => {
            let token = credentials::resolve_token(account, paths)?;
            Ok(Box::new(super::mastodon::Mastodon::from_config(
                account, token,
            )?))
        }
        other => Err(SyncError::Unsupported(format!(
            "account '{}': hearth cannot sync {other} accounts (use `hearth import`)",
            account.name
        ))),
    }
}
