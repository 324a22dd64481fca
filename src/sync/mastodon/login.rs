//! `hearth login mastodon`: register an app on the instance, let the user
//! authorise it in a browser (out-of-band code), exchange the code for a token,
//! check it, and store it in the account's token file (mode 0600).

use super::api::{Account, Application, TokenResponse};
use crate::sync::credentials::write_token_file;
use crate::sync::error::SyncError;
use crate::sync::http::{Http, Timeouts, check_status, error_text};
use crate::sync::secret::Secret;
use reqwest::Method;
use std::io::{BufRead, Write};
use std::path::Path;

/// The code is shown to the user instead of redirecting anywhere.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";
pub const SCOPES: &str = "read write";

/// Who the stored token belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedIn {
    pub acct: String,
    pub account_id: String,
}

fn io_error(what: &str, e: std::io::Error) -> SyncError {
    SyncError::Config(format!("{what}: {e}"))
}

/// Run the whole flow: prompts go to `output`, the code is read from `input`,
/// the token is written to `token_path`.
pub async fn login(
    instance: &str,
    token_path: &Path,
    timeouts: Timeouts,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<LoggedIn, SyncError> {
    let http = Http::new(instance, timeouts)?;

    let apps = http.url("api/v1/apps")?;
    let form = [
        ("client_name", "hearth"),
        ("redirect_uris", OOB_REDIRECT),
        ("scopes", SCOPES),
        ("website", "https://github.com/hearth-inbox/hearth"),
    ];
    let reply = http
        .send(http.request(Method::POST, apps, None).form(&form))
        .await?;
    check_status(&reply, error_text)?;
    let app: Application = reply.json()?;

    let mut authorize = http.url("oauth/authorize")?;
    authorize
        .query_pairs_mut()
        .append_pair("client_id", &app.client_id)
        .append_pair("scope", SCOPES)
        .append_pair("redirect_uri", OOB_REDIRECT)
        .append_pair("response_type", "code");
    writeln!(
        output,
        "Open this address in a browser, sign in and authorise hearth:\n\n  {authorize}\n"
    )
    .and_then(|()| write!(output, "Then paste the authorization code here: "))
    .and_then(|()| output.flush())
    .map_err(|e| io_error("cannot write the prompt", e))?;

    let mut code = String::new();
    input
        .read_line(&mut code)
        .map_err(|e| io_error("cannot read the code", e))?;
    let code = code.trim();
    if code.is_empty() {
        return Err(SyncError::Config("no authorization code given".into()));
    }

    let token_url = http.url("oauth/token")?;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
        ("redirect_uri", OOB_REDIRECT),
        ("scope", SCOPES),
    ];
    let reply = http
        .send(http.request(Method::POST, token_url, None).form(&form))
        .await?;
    check_status(&reply, |r| {
        // OAuth errors explain themselves in error_description.
        serde_json::from_slice::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| v.get("error_description")?.as_str().map(str::to_string))
            .unwrap_or_else(|| error_text(r))
    })?;
    let token = Secret::new(reply.json::<TokenResponse>()?.access_token);
    if token.is_empty() {
        return Err(SyncError::Malformed {
            message: "the instance returned an empty token".into(),
            snippet: String::new(),
        });
    }

    let verify = http.url("api/v1/accounts/verify_credentials")?;
    let reply = http
        .send(http.request(Method::GET, verify, Some(&token)))
        .await?;
    check_status(&reply, error_text)?;
    let account: Account = reply.json()?;

    write_token_file(token_path, &token)
        .map_err(|e| SyncError::Config(format!("cannot write {}: {e}", token_path.display())))?;
    writeln!(
        output,
        "\nLogged in as @{}. Token stored in {}",
        account.acct,
        token_path.display()
    )
    .map_err(|e| io_error("cannot write", e))?;
    Ok(LoggedIn {
        acct: account.acct,
        account_id: account.id,
    })
}
