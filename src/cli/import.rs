//! `hearth import FILE|-`: JSON Lines messages into the cache (schema in
//! docs/import.md). Bad lines go to stderr as `FILE:LINE: problem`; the counts go
//! to stdout; any bad line makes the exit status 2.

use super::args::ImportArgs;
use super::{EXIT_BAD_INPUT, Env, Failure};
use crate::store::Store;
use crate::sync::import::import_reader;
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

pub fn import(env: &Env, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let triage = super::triage_engine_at(env, &env.db_path())?;
    // Open the input before the cache, so a typo in the file name creates nothing.
    let from_stdin = args.file.as_os_str() == "-";
    let (reader, source): (Box<dyn BufRead>, String) = if from_stdin {
        (Box::new(std::io::stdin().lock()), "<stdin>".to_string())
    } else {
        let name = args.file.display().to_string();
        // Opening a directory succeeds on Unix and fails on the first read; say
        // so up front, with the same exit status as a missing file.
        if args.file.is_dir() {
            return Err(Failure::bad_input(format!(
                "cannot import {name}: it is a directory; give a JSON Lines file"
            )));
        }
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Failure::bad_input(format!("cannot open {name}: {e}")))?;
        (Box::new(BufReader::new(file)), name)
    };
    let mut store = Store::open(&env.db_path())?;
    let summary = import_reader(reader, &source, &mut store, &triage)?;
    tracing::info!(
        source = %source,
        imported = summary.imported,
        duplicates = summary.duplicates,
        bad = summary.bad.len(),
        "import finished"
    );
    {
        let mut err = super::term::stderr();
        for bad in &summary.bad {
            writeln!(err, "{bad}")?;
        }
    }
    say!(
        "imported {}, duplicates {}, bad {}",
        summary.imported,
        summary.duplicates,
        summary.bad.len()
    );
    Ok(if summary.bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BAD_INPUT)
    })
}
