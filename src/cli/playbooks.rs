//! `hearth playbooks check [DIR]` and `hearth playbooks list`.

use super::{EXIT_BAD_INPUT, Env};
use crate::playbook::{Library, check_brand_values, check_dir};
use crate::sanitize::sanitize_line;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn check(env: &Env, dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dir = dir.unwrap_or_else(|| env.paths.user_playbook_dir());
    let mut problems = check_dir(&dir);
    // Brand values a template uses that a configured brand does not set.
    problems.extend(check_brand_values(&dir, &env.config.brands));
    for problem in &problems {
        say!("{problem}");
    }
    if problems.is_empty() {
        say!("{}: all playbooks are valid", dir.display());
        Ok(ExitCode::SUCCESS)
    } else {
        warn_line!("{} problem(s) in {}", problems.len(), dir.display());
        Ok(ExitCode::from(EXIT_BAD_INPUT))
    }
}

pub fn list(env: &Env) -> anyhow::Result<ExitCode> {
    let (library, problems) = Library::load(&env.playbook_dirs());
    for p in library.all() {
        let tiers: Vec<String> = p.tiers.iter().map(|t| t.to_string()).collect();
        say!(
            "{:<24} tiers {:<10} {}",
            sanitize_line(&p.name),
            tiers.join(","),
            sanitize_line(&p.description)
        );
    }
    for problem in &problems {
        warn_line!("skipped: {problem}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BAD_INPUT)
    })
}
