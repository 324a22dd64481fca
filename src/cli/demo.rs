//! `hearth demo [--seed-only]`: a fresh demo cache, then the inbox on it.

use super::args::DemoArgs;
use super::{Env, Failure};
use crate::model::Tier;
use crate::store::Store;
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(mut env: Env, args: DemoArgs) -> anyhow::Result<ExitCode> {
    // The demo brands sign and link their own way, unless the config says otherwise.
    crate::demo::add_demo_brands(&mut env.config).map_err(|e| Failure::bad_input(e.to_string()))?;
    if !args.seed_only {
        super::check_ui_config(&env)?;
    }
    // The demo never touches the real cache: it has its own file unless --db names one.
    let db = env
        .db_override
        .clone()
        .unwrap_or_else(|| env.paths.demo_db());
    reset_demo_cache(&db)?;
    let mut store = Store::open(&db)?;
    let triage = super::triage_engine(&env, Some(&store))?;
    store.mark_demo()?;
    let now = Utc::now();
    let summary = crate::demo::seed(&mut store, &triage, now)?;
    // The demo's clocks are relative to now: open on the order they make.
    store.refresh_order(now, &env.config.targets.promotion_steps())?;
    drop(store);
    if args.seed_only {
        say!(
            "Seeded {} conversations ({} messages, {} platforms) into {}",
            summary.conversations,
            summary.messages,
            summary.platforms,
            db.display()
        );
        say!("  in the queue (open): {}", summary.open());
        for (tier, n) in Tier::ALL.iter().zip(summary.open_per_tier) {
            say!("    tier {tier} {}: {n} open", tier.name());
        }
        say!("  answered, waiting for the customer: {}", summary.waiting);
        say!("  snoozed: {}", summary.snoozed);
        say!("  done: {}", summary.done);
        say!("Try: hearth --db {} queue", shell_quote(&db));
        return Ok(ExitCode::SUCCESS);
    }
    super::run_tui(env, db, true)?;
    Ok(ExitCode::SUCCESS)
}

/// Delete a previous demo cache so clocks start fresh. Refuse to delete anything
/// that is not a demo cache.
fn reset_demo_cache(db: &Path) -> anyhow::Result<()> {
    if !db.exists() {
        return Ok(());
    }
    let store = Store::open(db)?;
    let (conversations, _) = store.totals()?;
    if conversations > 0 && !store.is_demo()? {
        return Err(Failure::bad_input(format!(
            "{} holds a real cache, not a demo one; refusing to overwrite it (pass another --db)",
            db.display()
        )));
    }
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        match std::fs::remove_file(PathBuf::from(path)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
