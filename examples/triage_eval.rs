//! Evaluate triage on a labelled TSV (tier, source, label_rule, text): how well the
//! model generalises to sources it never saw, beside how well it does on data it
//! was trained on, and the phrase rules alone for comparison.
//!
//! cargo run --release --example triage_eval -- /work/shared/data/tier-dev.tsv \
//!     [--handwritten assets/training/handwritten.tsv] \
//!     [--demo assets/demo/conversations.jsonl] [--show GOLD:PRED[:N]] [--no-loso] \
//!     [--seed N] [--epochs N] [--lr X] [--decay X] [--dropout X] [--source-weight NAME=X]
//!     [--prior X] [--drop FEATURE,FEATURE] [--groups wbc] [--margin X] [--monitor-margin X]
//!     [--train-sources banking77,youtube_spam,...] [--word-sources handwritten,...|all]
//!
//! Leave-one-source-out (LOSO): for each training source (and the hand-written set),
//! a model is trained on all the others and tested on it. Sources that are never
//! trained on (complaints_twitter: no clear licence; clinc150: see
//! `EVALUATION_ONLY`) are tested with the model trained on everything. Per source it prints the macro-F1 over the tiers that
//! source has (a spam-only source is scored on tier 5 alone), tier-1 precision, and
//! the confusion matrix; then per-tier precision/recall/F1 over all held-out rows.
//!
//! "In-distribution" is the shipped model (`assets/triage-model.bin`) on the whole
//! file, rows it was trained on included: a memory figure, for contrast.
//!
//! `--show 2:4` lists held-out rows labelled 2 but classified 4. The option flags
//! override training settings, to try them against the LOSO figure.

// The report is the point of this example.
#![allow(clippy::print_stdout)]

use hearth::config::Config;
use hearth::demo::dataset::parse_threads;
use hearth::model::{Direction, Tier};
use hearth::triage::train::{
    Example, HANDWRITTEN, TRAINING_SOURCES, TrainOptions, parse_handwritten, parse_labelled_tsv,
    train_model,
};
use hearth::triage::{Triage, Verdict};
use std::collections::BTreeSet;
use std::time::Instant;

fn load_demo(path: &str) -> anyhow::Result<Vec<Example>> {
    let data = std::fs::read_to_string(path)?;
    // parse_threads names its file in errors and wants it for the whole program.
    let file: &'static str = Box::leak(path.to_string().into_boxed_str());
    let threads = parse_threads(&data, file)?;
    let mut rows = Vec::with_capacity(threads.len());
    for t in threads {
        // Classified the way the store does it: the inbound text since our last
        // reply; a thread we already answered on all of its inbound text.
        let last_reply = t
            .messages
            .iter()
            .rposition(|m| m.dir == Direction::Outbound);
        let inbound = |from: usize| -> Vec<&str> {
            t.messages[from..]
                .iter()
                .filter(|m| m.dir == Direction::Inbound)
                .map(|m| m.text.as_str())
                .collect()
        };
        let mut texts = inbound(last_reply.map_or(0, |i| i + 1));
        if texts.is_empty() {
            texts = inbound(0);
        }
        rows.push(Example {
            text: texts.join("\n"),
            kind: t.kind,
            rating: t.rating,
            tier: t.tier,
            source: t.thread.clone(),
        });
    }
    Ok(rows)
}

/// `--show GOLD:PRED[:N]`: which confusion cell to list, and how many rows.
fn parse_show(args: &[String]) -> Option<(u8, u8, usize)> {
    let spec = flag_value(args, "--show")?;
    let mut parts = spec.split(':').map(|p| p.parse::<usize>().ok());
    let gold = u8::try_from(parts.next()??).ok()?;
    let pred = u8::try_from(parts.next()??).ok()?;
    let n = parts.next().flatten().unwrap_or(40);
    Some((gold, pred, n))
}

fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.get(args.iter().position(|a| a == flag)? + 1)
        .map(String::as_str)
}

/// Gold and predicted tier counts.
#[derive(Default, Clone)]
struct Confusion([[usize; 5]; 5]);

impl Confusion {
    fn add(&mut self, gold: Tier, pred: Tier) {
        self.0[usize::from(gold.number() - 1)][usize::from(pred.number() - 1)] += 1;
    }

    fn total(&self) -> usize {
        self.0.iter().flatten().sum()
    }

    fn support(&self, t: usize) -> usize {
        self.0[t].iter().sum()
    }

    fn predicted(&self, t: usize) -> usize {
        self.0.iter().map(|g| g[t]).sum()
    }

    /// (precision, recall, f1); precision is None when nothing was predicted.
    fn prf(&self, t: usize) -> (Option<f64>, f64, f64) {
        let tp = self.0[t][t] as f64;
        let predicted = self.predicted(t);
        let p = (predicted > 0).then(|| tp / predicted as f64);
        let support = self.support(t);
        let r = if support > 0 {
            tp / support as f64
        } else {
            0.0
        };
        let pv = p.unwrap_or(0.0);
        let f1 = if pv + r > 0.0 {
            2.0 * pv * r / (pv + r)
        } else {
            0.0
        };
        (p, r, f1)
    }

    /// Mean F1 over all five tiers.
    fn macro_f1(&self) -> f64 {
        (0..5).map(|t| self.prf(t).2).sum::<f64>() / 5.0
    }

    /// Mean F1 over the tiers this set has gold rows for: the fair figure for a
    /// source that only has one or two tiers.
    fn macro_f1_present(&self) -> f64 {
        let present: Vec<usize> = (0..5).filter(|t| self.support(*t) > 0).collect();
        present.iter().map(|t| self.prf(*t).2).sum::<f64>() / present.len().max(1) as f64
    }

    fn accuracy(&self) -> f64 {
        (0..5).map(|t| self.0[t][t]).sum::<usize>() as f64 / self.total().max(1) as f64
    }

    fn print_tiers(&self) {
        println!("tier  precision  recall     f1   support  predicted");
        for t in 0..5 {
            let (p, r, f1) = self.prf(t);
            let p = p.map_or("    n/a".to_string(), |p| format!("{p:>7.3}"));
            println!(
                "T{}     {p}  {r:>7.3}  {f1:>5.3}  {:>7}  {:>9}",
                t + 1,
                self.support(t),
                self.predicted(t)
            );
        }
    }

    fn print_matrix(&self, indent: &str) {
        println!(
            "{indent}gold\\pred {:>6} {:>6} {:>6} {:>6} {:>6}",
            "T1", "T2", "T3", "T4", "T5"
        );
        for (t, row) in self.0.iter().enumerate() {
            if self.support(t) == 0 {
                continue;
            }
            let cells: Vec<String> = row.iter().map(|n| format!("{n:>6}")).collect();
            println!("{indent}T{}        {}", t + 1, cells.join(" "));
        }
    }

    fn print_full(&self, name: &str) {
        println!("== {name}: {} rows", self.total());
        self.print_tiers();
        println!(
            "macro-F1: {:.3}   accuracy: {:.3}",
            self.macro_f1(),
            self.accuracy()
        );
        println!("confusion (rows = gold, columns = predicted)");
        self.print_matrix("");
        println!();
    }
}

fn classify_all(triage: &Triage, rows: &[&Example]) -> (Vec<Verdict>, f64) {
    let started = Instant::now();
    let verdicts: Vec<Verdict> = rows
        .iter()
        .map(|r| triage.classify(&r.text, Some(r.kind), r.rating, None))
        .collect();
    let micros = started.elapsed().as_secs_f64() * 1e6 / rows.len().max(1) as f64;
    (verdicts, micros)
}

fn confusion(rows: &[&Example], verdicts: &[Verdict]) -> Confusion {
    let mut c = Confusion::default();
    for (r, v) in rows.iter().zip(verdicts) {
        c.add(r.tier, v.tier);
    }
    c
}

fn show(name: &str, rows: &[&Example], verdicts: &[Verdict], show: Option<(u8, u8, usize)>) {
    let Some((gold, pred, n)) = show else {
        return;
    };
    println!("{name}: rows labelled T{gold} classified T{pred}:");
    let misses = rows
        .iter()
        .zip(verdicts)
        .filter(|(r, v)| r.tier.number() == gold && v.tier.number() == pred);
    for (r, v) in misses.take(n) {
        let text: String = r.text.chars().take(140).collect();
        println!(
            "[{}] {} | {}",
            r.source,
            v.reason,
            text.replace('\n', " / ")
        );
    }
    println!();
}

fn options(args: &[String]) -> anyhow::Result<TrainOptions> {
    let mut o = TrainOptions::default();
    if let Some(v) = flag_value(args, "--seed") {
        o.seed = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--epochs") {
        o.epochs = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--lr") {
        o.learning_rate = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--decay") {
        o.decay = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--dropout") {
        o.ngram_dropout = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--margin") {
        o.revenue_margin = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--monitor-margin") {
        o.monitor_margin = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--groups") {
        o.groups = v.to_string();
    }
    if let Some(v) = flag_value(args, "--prior") {
        o.rules_prior = v.parse()?;
    }
    if let Some(v) = flag_value(args, "--word-sources") {
        // "all": every source teaches words.
        o.word_sources = (v != "all").then(|| v.split(',').map(str::to_string).collect());
    }
    if let Some(v) = flag_value(args, "--drop") {
        o.drop_dense = v.split(',').map(str::to_string).collect();
    }
    // --source-weight NAME=X, repeatable.
    for (i, a) in args.iter().enumerate() {
        if a == "--source-weight" {
            let spec = args.get(i + 1).map(String::as_str).unwrap_or_default();
            let (name, w) = spec
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--source-weight NAME=X"))?;
            o.source_weights.retain(|(n, _)| n != name);
            o.source_weights.push((name.to_string(), w.parse()?));
        }
    }
    Ok(o)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: triage_eval FILE.tsv [--handwritten FILE.tsv] [--demo FILE.jsonl] \
                 [--show GOLD:PRED[:N]] [--no-loso] [--seed N] [--epochs N] [--lr X] \
                 [--decay X] [--dropout X]";
    let path = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or_else(|| anyhow::anyhow!(usage))?;
    let show_cell = parse_show(&args);
    let opts = options(&args)?;
    let handwritten_path =
        flag_value(&args, "--handwritten").unwrap_or("assets/training/handwritten.tsv");

    let data = parse_labelled_tsv(&std::fs::read_to_string(path)?, path)?;
    let handwritten = parse_handwritten(
        &std::fs::read_to_string(handwritten_path)?,
        handwritten_path,
    )?;
    let demo = flag_value(&args, "--demo").map(load_demo).transpose()?;
    let config = Config::default();
    let shipped = Triage::new(&config)?;
    if let Some(e) = shipped.model_error() {
        println!("warning: the shipped model is not usable: {e}");
    }
    let rules = Triage::rules_only(&config)?;
    let dev: Vec<&Example> = data.iter().collect();
    // Warm up both engines (VADER's lazy tables, the weights' pages, the caches) on
    // a slice of the data, so the timings compare classify with classify.
    for engine in [&shipped, &rules] {
        classify_all(engine, &dev[..dev.len().min(2000)]);
    }

    // In-distribution: the shipped model on the whole file.
    let (verdicts, micros) = classify_all(&shipped, &dev);
    let in_dist = confusion(&dev, &verdicts);
    in_dist.print_full(&format!("{path}, shipped model (in-distribution)"));
    println!(
        "classify: {micros:.2} µs/message (shipped model, {} messages)\n",
        dev.len()
    );
    let (rule_verdicts, rule_micros) = classify_all(&rules, &dev);
    let by_rules = confusion(&dev, &rule_verdicts);
    println!(
        "phrase rules alone on {path}: macro-F1 {:.3}, accuracy {:.3}, {rule_micros:.2} µs/message\n",
        by_rules.macro_f1(),
        by_rules.accuracy()
    );

    if !args.iter().any(|a| a == "--no-loso") {
        let sources = flag_value(&args, "--train-sources");
        loso(&data, &handwritten, &rules, &opts, show_cell, sources)?;
    }

    if let Some(demo) = demo {
        let rows: Vec<&Example> = demo.iter().collect();
        let (verdicts, micros) = classify_all(&shipped, &rows);
        let c = confusion(&rows, &verdicts);
        c.print_full("demo conversations, shipped model");
        println!("classify: {micros:.2} µs/message\n");
        let (rv, _) = classify_all(&rules, &rows);
        println!(
            "demo, phrase rules alone: macro-F1 {:.3}\n",
            confusion(&rows, &rv).macro_f1()
        );
        show("demo", &rows, &verdicts, show_cell);
    }
    Ok(())
}

/// The sources trained on: `TRAINING_SOURCES`, or `--train-sources a,b` to try
/// another mix (never complaints_twitter: it has no clear licence).
fn training_sources(flag: Option<&str>) -> Vec<String> {
    match flag {
        Some(list) => list
            .split(',')
            .filter(|s| !s.is_empty() && *s != "complaints_twitter")
            .map(str::to_string)
            .collect(),
        None => TRAINING_SOURCES.iter().map(|s| s.to_string()).collect(),
    }
}

/// Train without each source in turn and test on it.
fn loso(
    data: &[Example],
    handwritten: &[Example],
    featurizer: &Triage,
    opts: &TrainOptions,
    show_cell: Option<(u8, u8, usize)>,
    args_sources: Option<&str>,
) -> anyhow::Result<()> {
    let config = Config::default();
    let sources = training_sources(args_sources);
    let trainable = |e: &&Example| sources.contains(&e.source);
    let pool: Vec<&Example> = data.iter().filter(trainable).chain(handwritten).collect();
    let mut held_out_sources: Vec<String> = sources.clone();
    held_out_sources.push(HANDWRITTEN.to_string());
    let never_trained: BTreeSet<&str> = data
        .iter()
        .map(|e| e.source.as_str())
        .filter(|s| !sources.iter().any(|t| t == s))
        .collect();

    println!("== leave-one-source-out ({opts:?})");
    println!(
        "macro-F1 is over the tiers each source has; T1 precision is over the rows a \
         source's model put in tier 1 (n/a: none)."
    );
    let mut pooled = Confusion::default();
    let mut pooled_dev = Confusion::default();
    let mut table: Vec<String> = Vec::new();
    let mut details: Vec<(String, Confusion)> = Vec::new();
    let mut everything: Option<Triage> = None;

    let mut folds: Vec<(String, bool)> = held_out_sources
        .iter()
        .map(|s| (s.clone(), false))
        .collect();
    folds.extend(never_trained.iter().map(|s| (s.to_string(), true)));
    for (source, untrained) in folds {
        let test: Vec<&Example> = data
            .iter()
            .chain(handwritten)
            .filter(|e| e.source == source)
            .collect();
        let triage = if untrained {
            if everything.is_none() {
                let (model, _) = train_model(featurizer, &pool, opts)?;
                everything = Some(Triage::with_model(&config, Ok(model))?);
            }
            everything
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("no model"))?
        } else {
            let train: Vec<&Example> = pool
                .iter()
                .copied()
                .filter(|e| e.source != source)
                .collect();
            let (model, _) = train_model(featurizer, &train, opts)?;
            // Leak the per-fold engine: the program ends soon and it keeps lifetimes simple.
            Box::leak(Box::new(Triage::with_model(&config, Ok(model))?))
        };
        let (verdicts, _) = classify_all(triage, &test);
        let c = confusion(&test, &verdicts);
        let (rule_verdicts, _) = classify_all(featurizer, &test);
        let rc = confusion(&test, &rule_verdicts);
        for (r, v) in test.iter().zip(&verdicts) {
            pooled.add(r.tier, v.tier);
            if r.source != HANDWRITTEN {
                pooled_dev.add(r.tier, v.tier);
            }
        }
        let t1 = match c.prf(0).0 {
            Some(p) => format!("{p:.3}"),
            None => "n/a".into(),
        };
        table.push(format!(
            "{:<20} {:>6}  {:>9}  {:>8.3}  {:>8.3}  {:>7}  {:>7}  {:>8.3}",
            if untrained {
                format!("{source}*")
            } else {
                source.clone()
            },
            test.len(),
            (1..=5)
                .filter(|t| c.support(t - 1) > 0)
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(","),
            c.macro_f1_present(),
            c.accuracy(),
            t1,
            c.predicted(0),
            rc.macro_f1_present(),
        ));
        show(&format!("held-out {source}"), &test, &verdicts, show_cell);
        details.push((source, c));
    }
    println!(
        "{:<20} {:>6}  {:>9}  {:>8}  {:>8}  {:>7}  {:>7}  {:>8}",
        "held-out source",
        "rows",
        "tiers",
        "macro-F1",
        "accuracy",
        "T1 prec",
        "T1 pred",
        "rules F1"
    );
    for line in &table {
        println!("{line}");
    }
    println!(
        "* never trained on (see EVALUATION_ONLY in src/triage/train.rs): tested with the \
         model trained on all training sources"
    );
    let mean: f64 = details
        .iter()
        .map(|(_, c)| c.macro_f1_present())
        .sum::<f64>()
        / details.len().max(1) as f64;
    println!("mean per-source macro-F1: {mean:.3}\n");
    for (source, c) in &details {
        println!("confusion, held-out {source}:");
        c.print_matrix("  ");
    }
    println!();
    pooled_dev.print_full("LOSO pooled over the tier-dev rows (each row predicted by a model that never saw its source)");
    pooled.print_full("LOSO pooled over tier-dev and hand-written rows");
    Ok(())
}
