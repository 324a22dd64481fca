//! `hearth doctor`: check the config, each account's credentials (with one real
//! authenticated request), base URL and reachability, and who can read hearth's
//! files; every problem comes with the fix. A token is never printed: server
//! answers are quoted with any secret of the account blanked out.

use super::super::Env;
use crate::config::{AccountConfig, DEFAULT_GRAPH_VERSION};
use crate::model::{AccountStatus, Platform};
use crate::sanitize::sanitize_line;
use crate::store::{AccountHints, AccountState, Store};
use crate::sync::SyncError;
use crate::sync::credentials::{
    readable_by_others, resolve_client_secret, resolve_token, token_file,
};
use crate::sync::http::{Http, Timeouts, check_base_url};
use crate::sync::secret::Secret;
use std::io::Write;
use std::path::{Path, PathBuf};
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
    let mut out = super::super::term::stdout();
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
    let (states, hints) = saved_states(env);
    for account in &env.config.accounts {
        let mut f = Findings::default();
        let token = check_credentials(env, account, &mut f);
        let keys_ok = check_platform_keys(account, &mut f);
        check_graph_version(account, chrono::Utc::now().date_naive(), &mut f);
        check_last_sync(account, &states, &hints, &mut f);
        if let Some(base) = check_url(account, &mut f) {
            match token {
                Some(token) if keys_ok => {
                    runtime.block_on(verify(account, &token, &mut f));
                }
                // Without usable credentials, at least say whether the host answers.
                _ => runtime.block_on(probe(&base, &mut f)),
            }
        }
        writeln!(out, "\naccount {} ({})", account.name, account.platform)?;
        total += print(&mut out, f)?;
    }

    let mut files = Findings::default();
    check_files(env, &mut files);
    writeln!(out, "\nfiles")?;
    total += print(&mut out, files)?;

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

/// The account's token, when it can be found (reported either way).
fn check_credentials(env: &Env, account: &AccountConfig, f: &mut Findings) -> Option<Secret> {
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
    let token = match resolve_token(account, &env.paths) {
        Ok(token) => {
            f.ok(format!("credentials found ({source})"));
            Some(token)
        }
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
            None
        }
    };
    if account.platform == Platform::Google
        && let Err(e) = resolve_client_secret(account)
    {
        let var = account.client_secret_env.as_deref().unwrap_or("?");
        f.problem(e.to_string(), format!("export {var}=<OAuth client secret>"));
        return None;
    }
    token
}

/// What the last sync recorded, when there is a cache (doctor never creates one).
fn saved_states(env: &Env) -> (Vec<AccountState>, Vec<(String, AccountHints)>) {
    let db = env.db_path();
    if !db.exists() {
        return (Vec::new(), Vec::new());
    }
    match Store::open_read_only(&db) {
        Ok(store) => (
            store.account_states().unwrap_or_default(),
            store.account_hints().unwrap_or_default(),
        ),
        Err(_) => (Vec::new(), Vec::new()),
    }
}

/// Access the last sync found missing: the platform's reason and what fixes it.
fn check_last_sync(
    account: &AccountConfig,
    states: &[AccountState],
    hints: &[(String, AccountHints)],
    f: &mut Findings,
) {
    let Some(state) = states.iter().find(|s| s.account == account.name) else {
        return;
    };
    let hint = hints
        .iter()
        .find(|(name, _)| *name == account.name)
        .map(|(_, h)| h);
    let cause = state.last_error.as_deref().unwrap_or("no reason recorded");
    match state.state {
        AccountStatus::NeedsPermission => f.problem(
            format!("last sync: needs permission: {cause}"),
            hint.and_then(|h| h.fix.clone()).unwrap_or_else(|| {
                "grant the missing permission or API access, then sync again".into()
            }),
        ),
        AccountStatus::NeedsReauth => f.problem(
            format!("last sync: needs re-auth: {cause}"),
            "log in again (or renew the token), then sync again".into(),
        ),
        _ => {
            if let Some(note) = hint.and_then(|h| h.note.as_deref()) {
                f.ok(format!("last sync: {note}"));
            }
        }
    }
}

/// Meta retires each Graph version about two years after the next one comes out;
/// calls to it then fail. Warn well before.
fn check_graph_version(account: &AccountConfig, today: chrono::NaiveDate, f: &mut Findings) {
    use crate::sync::meta::versions::{WARN_DAYS, end_of};
    if !matches!(account.platform, Platform::Facebook | Platform::Instagram) {
        return;
    }
    let version = account.graph_version_in_use();
    let fix = format!(
        "set graph_version = \"{DEFAULT_GRAPH_VERSION}\" in this [[account]] \
         (and drop the version from base_url if it names one)"
    );
    match end_of(&version) {
        Some(end) if end <= today => f.problem(
            format!("Graph API {version} was retired on {end}: Meta refuses it"),
            fix,
        ),
        Some(end) if (end - today).num_days() <= WARN_DAYS => f.problem(
            format!(
                "Graph API {version} ends on {end}, in {} days",
                (end - today).num_days()
            ),
            fix,
        ),
        Some(end) => f.ok(format!("Graph API {version} (served until {end})")),
        None => f.ok(format!("Graph API {version} (no end date announced)")),
    }
}

/// False when a key the credential check needs is missing (reported).
fn check_platform_keys(account: &AccountConfig, f: &mut Findings) -> bool {
    let before = f.problems;
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
    f.problems == before
}

fn check_url(account: &AccountConfig, f: &mut Findings) -> Option<String> {
    let Some(base) = account.api_base() else {
        f.problem(
            "no base_url: Mastodon has no default server".into(),
            "add base_url = \"https://your.instance\" to this [[account]]".into(),
        );
        return None;
    };
    if account.platform == Platform::Google {
        let locations = account.locations_base();
        match check_base_url(&locations) {
            Ok(_) => f.ok(format!("locations from {locations}")),
            Err(e) => f.problem(
                e.to_string(),
                "fix locations_base_url (the Business Information API root)".into(),
            ),
        }
    }
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

/// One authenticated request (see `sync::probe`); its failure class decides the
/// advice. Anything the server said is quoted with the account's secrets blanked.
async fn verify(account: &AccountConfig, token: &Secret, f: &mut Findings) {
    let timeouts = Timeouts {
        connect: PROBE_TIMEOUT,
        request: PROBE_TIMEOUT,
    };
    let client_secret = resolve_client_secret(account).ok().flatten();
    let mut secrets = vec![token.clone()];
    secrets.extend(client_secret.clone());
    let blank = |text: String| blank_secrets(&text, &secrets);
    match crate::sync::probe::verify(account, token, client_secret, timeouts).await {
        Ok(who) => f.ok(blank(format!("the server accepts the credentials ({who})"))),
        Err(e) => {
            let (what, fix) = advice(account, &e);
            f.problem(blank(format!("{what}: {e}")), fix);
        }
    }
}

/// What a failed credential check means, and what to do about it.
fn advice(account: &AccountConfig, e: &SyncError) -> (String, String) {
    let relogin = match account.platform {
        Platform::Mastodon => format!(
            "get a new token: `hearth login mastodon --account {}` (or update what token_env / token_cmd gives)",
            account.name
        ),
        Platform::Google => "sign in to Google again and store the new refresh token; check that \
             client_id and client_secret_env belong to the client that issued it"
            .to_string(),
        _ => "generate a new Page access token and store it where token_env / token_cmd reads it"
            .to_string(),
    };
    let permission = match account.platform {
        Platform::Mastodon => "log in again and grant hearth the read and write scopes".to_string(),
        Platform::Google => format!(
            "the signed-in user needs access to {} and the business.manage scope",
            account
                .gbp_account
                .as_deref()
                .unwrap_or("the Business Profile account")
        ),
        _ => "the token needs the Page's messaging and engagement permissions (pages_messaging, \
              pages_read_engagement, pages_manage_engagement, or the instagram_* ones)"
            .to_string(),
    };
    match e {
        SyncError::Auth { status: 403, .. } => {
            ("the server refused access (HTTP 403)".into(), permission)
        }
        // The platform said which access is missing and how to get it.
        SyncError::Permission { cause, fix } => (
            format!("the server refused access (a missing permission): {cause}"),
            fix.clone(),
        ),
        SyncError::Auth { status, .. } => (
            format!("the server rejected the credentials (HTTP {status})"),
            relogin,
        ),
        SyncError::Server { status, .. } => (
            format!("the server failed (HTTP {status}); the credentials are unchecked"),
            "usually temporary: run `hearth doctor` again later; if it stays, check that \
             base_url is the API root and look at the platform's status page"
                .into(),
        ),
        SyncError::RateLimited { .. } => (
            "rate-limited; the credentials are unchecked".into(),
            "wait for the time given and run `hearth doctor` again".into(),
        ),
        SyncError::Timeout { .. } | SyncError::Connect { .. } => (
            "the server cannot be reached".into(),
            "check the network connection, a proxy or firewall, and that base_url is right".into(),
        ),
        SyncError::Rejected { status, .. } => (
            format!("the server refused the request (HTTP {status})"),
            "check base_url and the account's ids (page_id, ig_user_id, gbp_account)".into(),
        ),
        SyncError::Malformed { .. } => (
            "the answer is not the platform's API".into(),
            "check that base_url is the API root, not a web page".into(),
        ),
        _ => (
            "cannot check the credentials".into(),
            "check this [[account]] in the config".into(),
        ),
    }
}

/// `text` with every occurrence of a secret replaced: a server may echo the
/// token it was sent in its error message.
fn blank_secrets(text: &str, secrets: &[Secret]) -> String {
    let mut text = text.to_string();
    for secret in secrets {
        let value = secret.expose().trim();
        if value.len() >= 4 {
            text = text.replace(value, "<redacted>");
        }
    }
    text
}

/// Who may read what hearth keeps: the data directory and everything directly
/// in it (cache, WAL/SHM, logs), `tokens/` and its files, the cache named by
/// `--db` with its WAL/SHM. (The config file has its own line above.)
fn check_files(env: &Env, f: &mut Findings) {
    let mut paths: Vec<PathBuf> = Vec::new();
    let data = &env.paths.data_dir;
    paths.push(data.clone());
    paths.extend(entries(data));
    let tokens = data.join("tokens");
    paths.extend(entries(&tokens));
    let db = env.db_path();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        paths.push(PathBuf::from(name));
    }
    paths.sort();
    paths.dedup();
    let mut exposed = 0;
    for path in &paths {
        if let Some(fix) = crate::private::exposed(path) {
            exposed += 1;
            let what = if path.is_dir() { "directory" } else { "file" };
            f.problem(
                format!("{what} {} can be read by other users", path.display()),
                fix,
            );
        }
    }
    if exposed == 0 {
        f.ok(format!(
            "only you can read {} and the cache",
            data.display()
        ));
    }
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|list| list.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fb(version: Option<&str>) -> AccountConfig {
        AccountConfig {
            graph_version: version.map(str::to_string),
            ..AccountConfig::new("fb", Platform::Facebook)
        }
    }

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    #[test]
    fn graph_versions_near_or_past_their_end_are_problems() {
        let mut f = Findings::default();
        check_graph_version(&fb(Some("v21.0")), day(2026, 12, 3), &mut f);
        assert_eq!(f.problems, 1);
        assert!(
            f.lines[0].contains("ends on 2027-01-21, in 49 days"),
            "{:?}",
            f.lines
        );
        assert!(f.lines[1].contains(DEFAULT_GRAPH_VERSION), "{:?}", f.lines);

        let mut f = Findings::default();
        check_graph_version(&fb(Some("v21.0")), day(2026, 11, 1), &mut f);
        assert_eq!(f.problems, 0, "81 days ahead is fine: {:?}", f.lines);

        let mut f = Findings::default();
        check_graph_version(&fb(Some("v20.0")), day(2026, 12, 3), &mut f);
        assert_eq!(f.problems, 1);
        assert!(f.lines[0].contains("retired"), "{:?}", f.lines);

        let mut f = Findings::default();
        check_graph_version(&fb(None), day(2026, 12, 3), &mut f);
        assert_eq!(f.problems, 0, "{:?}", f.lines);
    }
}
