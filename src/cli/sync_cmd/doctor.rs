//! `hearth doctor`: check the config, each account's credentials, base URL and
//! reachability, and file permissions; every problem comes with the fix.

use super::super::Env;
use crate::config::AccountConfig;
use crate::model::Platform;
use crate::sanitize::sanitize_line;
use crate::sync::credentials::{
    readable_by_others, resolve_client_secret, resolve_token, token_file,
};
use crate::sync::http::{Http, Timeouts, check_base_url};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Reachability is one quick GET: doctor must not hang on a dead network.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Findings for one subject, printed as "ok" lines and "problem → fix" lines.
#[derive(Default)]
struct Findings {
    lines: Vec<String>,
    problems: usize,
}

impl Findings {
    fn ok(&mut self, text: String) {
        self.lines.push(format!("  ok       {text}"));
    }
    fn problem(&mut self, text: String, fix: String) {
        self.problems += 1;
        self.lines.push(format!("  PROBLEM  {text}"));
        self.lines.push(format!("           fix: {fix}"));
    }
}

pub fn doctor(env: &Env) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let mut total = 0;

    let mut config = Findings::default();
    let path = env.config_path.display().to_string();
    if env.config_path.exists() {
        config.ok(format!(
            "{path} parses ({} accounts)",
            env.config.accounts.len()
        ));
        if readable_by_others(&env.config_path) {
            config.problem(
                format!("{path} is readable by other users"),
                format!("chmod 600 {path}"),
            );
        }
    } else {
        config.ok(format!("{path} does not exist; using defaults"));
    }
    if env.config.accounts.is_empty() {
        config.problem(
            "no accounts configured".into(),
            format!("add an [[account]] table to {path} (see README, \"Accounts\")"),
        );
    }
    writeln!(out, "config")?;
    total += print(&mut out, config)?;

    let runtime = super::runtime()?;
    for account in &env.config.accounts {
        let mut f = Findings::default();
        check_credentials(env, account, &mut f);
        check_platform_keys(account, &mut f);
        if let Some(base) = check_url(account, &mut f) {
            runtime.block_on(probe(&base, &mut f));
        }
        writeln!(out, "\naccount {} ({})", account.name, account.platform)?;
        total += print(&mut out, f)?;
    }

    writeln!(out)?;
    if total == 0 {
        writeln!(out, "All good.")?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            out,
            "{total} problem{} found.",
            if total == 1 { "" } else { "s" }
        )?;
        Ok(ExitCode::FAILURE)
    }
}

fn print(out: &mut impl Write, f: Findings) -> std::io::Result<usize> {
    for line in &f.lines {
        writeln!(out, "{}", sanitize_line(line))?;
    }
    Ok(f.problems)
}

fn check_credentials(env: &Env, account: &AccountConfig, f: &mut Findings) {
    let source = if let Some(var) = &account.token_env {
        format!("environment variable {var}")
    } else if account.token_cmd.is_some() {
        "token_cmd".to_string()
    } else {
        format!(
            "token file {}",
            token_file(&env.paths, &account.name).display()
        )
    };
    match resolve_token(account, &env.paths) {
        Ok(_) => f.ok(format!("credentials found ({source})")),
        Err(e) => {
            let fix = if let Some(var) = &account.token_env {
                format!("export {var}=<token> before running hearth")
            } else if account.token_cmd.is_some() {
                "run the token_cmd yourself and make it print the token and exit 0".to_string()
            } else if account.platform == Platform::Mastodon {
                format!(
                    "run `hearth login mastodon --instance URL --account {}`, or set token_env / token_cmd",
                    account.name
                )
            } else {
                "set token_env or token_cmd for this account in the config".to_string()
            };
            f.problem(e.to_string(), fix);
        }
    }
    if account.token_env.is_none() && account.token_cmd.is_none() {
        let file = token_file(&env.paths, &account.name);
        if readable_by_others(&file) {
            let file = file.display();
            f.problem(
                format!("token file {file} is readable by other users"),
                format!("chmod 600 {file}"),
            );
        }
    }
    if account.platform == Platform::Google
        && let Err(e) = resolve_client_secret(account)
    {
        let var = account.client_secret_env.as_deref().unwrap_or("?");
        f.problem(e.to_string(), format!("export {var}=<OAuth client secret>"));
    }
}

fn check_platform_keys(account: &AccountConfig, f: &mut Findings) {
    let missing = |f: &mut Findings, key: &str, example: &str| {
        f.problem(
            format!("{} accounts need `{key}`", account.platform),
            format!("add {key} = {example} to this [[account]]"),
        );
    };
    match account.platform {
        Platform::Facebook if account.page_id.is_none() => {
            missing(f, "page_id", "\"<your Page id>\"");
        }
        Platform::Instagram if account.ig_user_id.is_none() => {
            missing(f, "ig_user_id", "\"<professional account id>\"");
        }
        Platform::Google => {
            if account.gbp_account.is_none() {
                missing(f, "gbp_account", "\"accounts/<id>\"");
            }
            if account.client_id.is_none() {
                missing(f, "client_id", "\"<OAuth client id>\"");
            }
        }
        Platform::Mastodon | Platform::Facebook | Platform::Instagram => {}
        other => f.problem(
            format!("hearth has no connector for {other}"),
            "remove this [[account]] and use `hearth import FILE` for exports".into(),
        ),
    }
}

fn check_url(account: &AccountConfig, f: &mut Findings) -> Option<String> {
    let Some(base) = account.api_base() else {
        f.problem(
            "no base_url: Mastodon has no default server".into(),
            "add base_url = \"https://your.instance\" to this [[account]]".into(),
        );
        return None;
    };
    match check_base_url(&base) {
        Ok(_) => {
            f.ok(format!("base URL {base}"));
            Some(base)
        }
        Err(e) => {
            f.problem(
                e.to_string(),
                "use an https:// URL (http:// only for 127.0.0.1 / localhost)".into(),
            );
            None
        }
    }
}

/// Any HTTP answer means the host is reachable; only transport failures count.
async fn probe(base: &str, f: &mut Findings) {
    let timeouts = Timeouts {
        connect: PROBE_TIMEOUT,
        request: PROBE_TIMEOUT,
    };
    let http = match Http::new(base, timeouts) {
        Ok(http) => http,
        Err(e) => {
            f.problem(e.to_string(), "check base_url".into());
            return;
        }
    };
    let request = http.request(reqwest::Method::GET, http.base().clone(), None);
    match http.send(request).await {
        Ok(reply) => f.ok(format!("reachable (HTTP {})", reply.status.as_u16())),
        Err(e) => f.problem(
            e.to_string(),
            "check the network connection, a proxy or firewall, and that base_url is right".into(),
        ),
    }
}
