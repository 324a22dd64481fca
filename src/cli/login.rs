//! `hearth login mastodon --instance URL [--account NAME]`: the OAuth
//! out-of-band flow, storing the token where the sync engine reads it.

use super::args::LoginArgs;
use super::{Env, Failure};
use crate::model::Platform;
use crate::sync::credentials::token_file;
use crate::sync::http::Timeouts;
use anyhow::Context;
use std::process::ExitCode;

pub fn login(env: &Env, args: &LoginArgs) -> anyhow::Result<ExitCode> {
    if !args.platform.eq_ignore_ascii_case("mastodon") {
        return Err(Failure::bad_input(format!(
            "hearth login supports mastodon only ('{}' given); Facebook and Instagram use a Page \
             access token and Google a refresh token, set with token_env or token_cmd",
            args.platform
        )));
    }
    let configured = |name: &str| {
        env.config
            .accounts
            .iter()
            .find(|a| a.name == name && a.platform == Platform::Mastodon)
    };
    let instance = match (&args.instance, &args.account) {
        (Some(url), _) => url.clone(),
        (None, Some(name)) => configured(name)
            .and_then(|a| a.base_url.clone())
            .ok_or_else(|| {
                Failure::bad_input(format!(
                    "no Mastodon account '{name}' with a base_url in the config; pass --instance URL"
                ))
            })?,
        (None, None) => {
            return Err(Failure::bad_input(
                "say which instance: hearth login mastodon --instance https://mastodon.social",
            ));
        }
    };
    // Before anything else: a refused URL (a password in it) is never echoed.
    crate::config::check_base_url(&instance)
        .map_err(|e| Failure::bad_input(format!("--instance {e}")))?;
    let account = match &args.account {
        Some(name) => name.clone(),
        None => default_account_name(env, &instance)?,
    };
    if account.is_empty()
        || account.starts_with('.')
        || !account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Failure::bad_input(format!(
            "account name '{account}' must be letters, digits, '-', '_' or '.'"
        )));
    }
    let path = token_file(&env.paths, &account);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    // The prompts quote the instance's answers (the account name it reports).
    let mut output = super::term::stdout();
    runtime
        .block_on(crate::sync::mastodon::login::login(
            &instance,
            &path,
            Timeouts::default(),
            &mut input,
            &mut output,
        ))
        .map_err(|e| anyhow::anyhow!("login to {instance} failed: {e}"))?;
    if configured(&account).is_none() {
        say!(
            "\nAdd the account to {}:\n\n[[account]]\nname = \"{account}\"\nplatform = \"mastodon\"\nbase_url = \"{instance}\"",
            env.config_path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The configured Mastodon account on this instance, else `mastodon-<host>`.
fn default_account_name(env: &Env, instance: &str) -> anyhow::Result<String> {
    let host = url::Url::parse(instance)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .ok_or_else(|| Failure::bad_input(format!("'{instance}' is not a URL")))?;
    let same_host = |url: &str| {
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .is_some_and(|h| h == host)
    };
    let matches: Vec<&str> = env
        .config
        .accounts
        .iter()
        .filter(|a| a.platform == Platform::Mastodon)
        .filter(|a| a.base_url.as_deref().is_some_and(same_host))
        .map(|a| a.name.as_str())
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).to_string()),
        [] => Ok(format!("mastodon-{}", host.replace(['.', ':'], "-"))),
        _ => Err(Failure::bad_input(format!(
            "several accounts use {host} ({}); pass --account NAME",
            matches.join(", ")
        ))),
    }
}
