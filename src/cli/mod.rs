//! Command-line entry: parse arguments (clap), load config, dispatch. No product
//! logic lives here; each subcommand's wiring has its own small module.

// First, so its `say!` / `warn_line!` macros are in scope in every module below.
#[macro_use]
mod term;

mod actions;
mod args;
mod backtest;
mod demo;
mod headless;
mod import;
mod leads;
mod logging;
mod login;
mod people;
mod playbooks;
mod sync_cmd;

use crate::config::{Config, Paths};
use anyhow::Context;
use args::{Cli, Command, PlaybookCommand, TriageCommand};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status for unusable input (config, playbooks, arguments).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit status when reply guards (or the complaint guard) stopped an action.
pub const EXIT_GUARDED: u8 = 3;

/// Exit status of `hearth sync --once` when an account was stopped by a rate limit
/// that resets too late to wait for: try again later (sysexits.h `EX_TEMPFAIL`).
pub const EXIT_TEMPFAIL: u8 = 75;

/// An error that already carries the exit status it should produce.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
        Failure {
            message: message.into(),
            code: EXIT_BAD_INPUT,
        }
        .into()
    }
}

/// What every subcommand needs: where things are and the loaded config.
pub struct Env {
    pub paths: Paths,
    pub config: Config,
    pub config_path: PathBuf,
    /// `--db` or `HEARTH_DB`, when given.
    pub db_override: Option<PathBuf>,
}

impl Env {
    pub fn db_path(&self) -> PathBuf {
        self.db_override
            .clone()
            .unwrap_or_else(|| self.paths.default_db())
    }

    /// Playbook directories in override order: the user's, then `playbook_dir`.
    pub fn playbook_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.paths.user_playbook_dir()];
        dirs.extend(self.config.playbook_dir.clone());
        dirs
    }
}

/// The triage engine every command uses: the config's rules, the shipped model,
/// and what the user taught on this cache by overriding tiers
/// (`inbox::learning`). A cache that cannot be read for it leaves the shipped
/// model, with a warning in the log.
pub(crate) fn triage_engine(
    env: &Env,
    store: Option<&crate::store::Store>,
) -> anyhow::Result<crate::triage::Triage> {
    let triage =
        crate::triage::Triage::new(&env.config).map_err(|e| Failure::bad_input(e.to_string()))?;
    if let Some(store) = store
        && let Err(e) = crate::inbox::learning::load(store, &triage)
    {
        tracing::warn!(error = %e, "cannot read the tier corrections; triage does not adapt");
    }
    Ok(triage)
}

/// [`triage_engine`] for the cache at `db`, when it exists (it is only read).
pub(crate) fn triage_engine_at(
    env: &Env,
    db: &std::path::Path,
) -> anyhow::Result<crate::triage::Triage> {
    if !db.exists() {
        return triage_engine(env, None);
    }
    match crate::store::Store::open_read_only(db) {
        Ok(store) => triage_engine(env, Some(&store)),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the tier corrections; triage does not adapt");
            triage_engine(env, None)
        }
    }
}

/// Run the program; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A polite stop by signal exits as shells expect: 128 + the signal.
            let signal = err
                .downcast_ref::<crate::ui::StoppedBySignal>()
                .and_then(|s| u8::try_from(128 + s.0).ok());
            let code =
                signal.unwrap_or_else(|| err.downcast_ref::<Failure>().map_or(1, |f| f.code));
            // Through the cleaner: errors quote file names, config values and
            // platform answers, any of which may carry escape sequences.
            warn_line!("hearth: {}", error_text(&err));
            ExitCode::from(code)
        }
    }
}

/// Help and version as clap prints them; a usage error through the cleaner,
/// since clap quotes the offending argument ("invalid value 'hide<ESC>]0;…'"),
/// and scripts pass platform text as arguments.
fn clap_exit(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_BAD_INPUT);
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
        }
        _ => {
            use std::io::Write as _;
            let _ = write!(term::stderr(), "{e}");
        }
    }
    ExitCode::from(code)
}

/// An error and its causes on one line, each cause once. Many errors already
/// quote their source (`cache X: unable to open database file: …`), so a cause
/// is only added when the line does not already say it. SQLite's innermost
/// cause ("Error code 14: Unable to open the database file") is the generic
/// text for the code the message above it already explains: it is dropped.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if !text.is_empty()
            && (part.is_empty()
                || text.to_lowercase().contains(&part.to_lowercase())
                || is_sqlite_code_text(&part))
        {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// "Error code 14: Unable to open the database file": rusqlite's display of a
/// bare SQLite result code.
fn is_sqlite_code_text(text: &str) -> bool {
    text.strip_prefix("Error code ")
        .and_then(|rest| rest.split_once(": "))
        .is_some_and(|(code, _)| code.chars().all(|c| c.is_ascii_digit()))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths::discover();
    let (config_path, must_exist) = match &cli.config {
        Some(path) => (path.clone(), true),
        None => (paths.config_file(), false),
    };
    let config =
        Config::load(&config_path, must_exist).map_err(|e| Failure::bad_input(e.to_string()))?;
    let env = Env {
        paths,
        config,
        config_path,
        db_override: cli.db.clone(),
    };
    // Before anything else, and before the TUI takes the terminal: the UI does not
    // set up logging of its own.
    let _logging = logging::init(&env.paths.log_dir());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "hearth starting");

    let command = cli.command.unwrap_or(Command::Open);
    let cache = match &command {
        Command::Demo(_) => env
            .db_override
            .clone()
            .unwrap_or_else(|| env.paths.demo_db()),
        _ => env.db_path(),
    };
    dispatch(env, command).map_err(|e| name_the_cache(e, &cache))
}

/// A failed SQL statement says what failed ("attempt to write a readonly
/// database") but not on which file; every command has one cache, so name it.
fn name_the_cache(err: anyhow::Error, cache: &std::path::Path) -> anyhow::Error {
    match err.downcast_ref::<crate::store::StoreError>() {
        Some(crate::store::StoreError::Sqlite(e)) => {
            anyhow::anyhow!("cache {}: {e}", cache.display())
        }
        _ => err,
    }
}

fn dispatch(env: Env, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Open => {
            let db = env.db_path();
            run_tui(env, db, false)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => demo::run(env, args),
        Command::Queue(args) => headless::queue(&env, &args),
        Command::Show(args) => headless::show(&env, &args),
        Command::Triage(args) => match &args.command {
            Some(TriageCommand::Backtest(backtest)) => backtest::run(&env, backtest),
            None => headless::triage(&env, &args),
        },
        Command::Playbooks {
            command: PlaybookCommand::Check { dir },
        } => playbooks::check(&env, dir),
        Command::Playbooks {
            command: PlaybookCommand::List,
        } => playbooks::list(&env),
        Command::Sync(args) => sync_cmd::sync(&env, &args),
        Command::Accounts(args) => sync_cmd::accounts(&env, &args),
        Command::Doctor => sync_cmd::doctor(&env),
        Command::Reply(args) => sync_cmd::reply(&env, &args),
        Command::Login(args) => login::login(&env, &args),
        Command::Import(args) => import::import(&env, &args),
        Command::Moderate(args) => actions::moderate(&env, &args),
        Command::Strikes(args) => actions::strikes(&env, &args),
        Command::Tier(args) => actions::tier(&env, &args),
        Command::Outbox(args) => actions::outbox(&env, &args),
        Command::Link(args) => people::link(&env, &args, crate::model::LinkState::Linked),
        Command::Unlink(args) => people::link(&env, &args, crate::model::LinkState::Distinct),
        Command::Lead(args) => leads::lead(&env, &args),
        Command::Leads(args) => leads::leads(&env, &args),
    }
}

/// Key bindings and colours are understood by the UI, so they are checked here,
/// before anything else happens, with the line they are on.
fn check_ui_config(env: &Env) -> anyhow::Result<()> {
    check_keymap(env)?;
    check_theme(env)
}

/// Each `[keymap]` entry on its own, so an error can name the line it is on.
fn check_keymap(env: &Env) -> anyhow::Result<()> {
    for (key, action) in &env.config.keymap {
        let entry = std::collections::BTreeMap::from([(key.clone(), action.clone())]);
        if let Err(e) = crate::ui::Keymap::from_config(&entry) {
            let at = crate::config::locate_key(&env.config_path, "keymap", key);
            return Err(Failure::bad_input(format!("{at}: {e}")));
        }
    }
    Ok(())
}

/// Colours are checked up front too; the error names the `[theme]` key.
fn check_theme(env: &Env) -> anyhow::Result<()> {
    crate::ui::Theme::from_config(&env.config.theme).map_err(|e| {
        let key = e
            .strip_prefix("theme.")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_default();
        let at = crate::config::locate_key(&env.config_path, "theme", key);
        Failure::bad_input(format!("{at}: {e}"))
    })?;
    Ok(())
}

/// Open the TUI on `db`. With `demo`, a feeder delivers new messages while it runs.
fn run_tui(env: Env, db: PathBuf, demo: bool) -> anyhow::Result<()> {
    // Everything that can fail on bad input fails here, before the terminal changes.
    check_ui_config(&env)?;
    if !term::stdout_is_terminal() {
        return Err(Failure::bad_input(
            "the inbox needs a terminal; for scripts use `hearth queue --json` or `hearth show ID`",
        ));
    }
    let (playbooks, problems) = crate::playbook::Library::load(&env.playbook_dirs());
    for problem in &problems {
        tracing::warn!(%problem, "playbook skipped");
    }
    // One engine for the UI and the sync engine: an override in the UI teaches
    // the engine that triages the next synced message.
    let triage = triage_engine_at(&env, &db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let assess: std::sync::Arc<dyn crate::model::Assess + Send + Sync> =
        std::sync::Arc::new(triage);
    runtime.block_on(async move {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        // The demo gets a feeder; a real cache gets the sync engine (when accounts exist).
        let feeder = demo.then(|| {
            crate::demo::spawn_feeder(
                db.clone(),
                assess.clone(),
                std::time::Duration::from_secs(4),
                sender.clone(),
            )
        });
        let engine = (!demo && !env.config.accounts.is_empty()).then(|| {
            crate::sync::engine::spawn(
                db.clone(),
                env.config.clone(),
                env.paths.clone(),
                assess.clone(),
                sender.clone(),
            )
        });
        drop(sender);
        let ctx = crate::ui::UiContext {
            db_path: db,
            config: env.config,
            playbooks,
            demo,
            assess: assess.clone(),
        };
        let result = crate::ui::run(ctx, receiver).await;
        if let Some(feeder) = feeder {
            feeder.abort();
        }
        if let Some(engine) = engine {
            engine.shutdown().await;
        }
        result
    })
}
