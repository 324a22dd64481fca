//! Train the triage model and write its weights file (embedded at the next build).
//!
//! cargo run --release --example train_triage -- /work/shared/data/tier-dev.tsv \
//!     [--handwritten assets/training/handwritten.tsv] [--seed 7] \
//!     [--out assets/triage-model.bin]
//!
//! Trains on the CC BY sources of the labelled TSV listed in
//! `hearth::triage::train::TRAINING_SOURCES` (banking77, youtube spam/ham; see
//! NOTICE) and on the hand-written examples. Every other source is skipped, with the
//! reason printed (complaints_twitter has no clear licence; clinc150 gave no
//! held-out gain). Only the hand-written rows teach word weights (see
//! `TrainOptions::word_sources`). The same data and seed give the same file, byte
//! for byte.

// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use hearth::config::Config;
use hearth::triage::Triage;
use hearth::triage::linear::checksum;
use hearth::triage::train::{
    Example, TrainOptions, not_trained_because, parse_handwritten, parse_labelled_tsv, train_model,
};
use std::collections::BTreeMap;
use std::time::Instant;

fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.get(args.iter().position(|a| a == flag)? + 1)
        .map(String::as_str)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: train_triage FILE.tsv [--handwritten FILE.tsv] [--seed N] [--out FILE]";
    let path = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or_else(|| anyhow::anyhow!(usage))?;
    let handwritten_path =
        flag_value(&args, "--handwritten").unwrap_or("assets/training/handwritten.tsv");
    let out = flag_value(&args, "--out").unwrap_or("assets/triage-model.bin");
    let mut opts = TrainOptions::default();
    if let Some(seed) = flag_value(&args, "--seed") {
        opts.seed = seed.parse()?;
    }

    let all = parse_labelled_tsv(&std::fs::read_to_string(path)?, path)?;
    let handwritten = parse_handwritten(
        &std::fs::read_to_string(handwritten_path)?,
        handwritten_path,
    )?;
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut examples: Vec<&Example> = Vec::new();
    for e in &all {
        if not_trained_because(&e.source).is_none() {
            *used.entry(e.source.as_str()).or_default() += 1;
            examples.push(e);
        } else {
            *skipped.entry(e.source.as_str()).or_default() += 1;
        }
    }
    examples.extend(handwritten.iter());
    used.insert("handwritten", handwritten.len());
    for (source, n) in &used {
        println!("train on {source:<20} {n:>6} rows");
    }
    for (source, n) in &skipped {
        let why = not_trained_because(source).unwrap_or_default();
        println!("skip     {source:<20} {n:>6} rows: {why}");
    }

    let started = Instant::now();
    let featurizer = Triage::rules_only(&Config::default())?;
    let (model, bytes) = train_model(&featurizer, &examples, &opts)?;
    let elapsed = started.elapsed();

    // Training-set agreement: a sanity check, not a quality figure (see triage_eval).
    let triage = Triage::with_model(&Config::default(), Ok(model))?;
    let agree = examples
        .iter()
        .filter(|e| triage.classify(&e.text, Some(e.kind), e.rating, None).tier == e.tier)
        .count();
    std::fs::write(out, &bytes)?;
    println!(
        "{options:?}\ntrained in {:.1} s; training-set agreement {:.3}",
        elapsed.as_secs_f64(),
        agree as f64 / examples.len().max(1) as f64,
        options = opts,
    );
    println!(
        "wrote {out}: {} bytes, checksum {:016x}",
        bytes.len(),
        checksum(&bytes[..bytes.len() - 8])
    );
    Ok(())
}
