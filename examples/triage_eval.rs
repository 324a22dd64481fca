//! Evaluate the default triage rules on a labelled TSV (tier, source, label_rule, text)
//! and, optionally, on the demo conversations' hand-given tiers.
//!
//! cargo run --release --example triage_eval -- /work/shared/data/tier-dev.tsv \
//!     [--demo assets/demo/conversations.jsonl] [--show GOLD:PRED[:N]]
//!
//! Prints per-tier precision/recall/F1, macro-F1, the confusion matrix and the mean
//! classify time per message for each set. `--show 2:4` lists rows labelled 2 but
//! classified 4 (from both sets). A demo thread is classified the way the store does
//! it: the inbound text since our last reply, with the thread's kind and rating; a
//! thread we already answered is scored on all of its inbound text.

// The report is the point of this example.
#![allow(clippy::print_stdout)]

use hearth::config::Config;
use hearth::demo::dataset::parse_threads;
use hearth::model::{Direction, Kind, Platform, Tier};
use hearth::triage::{Triage, Verdict};
use std::time::Instant;

/// One labelled item, whatever set it comes from.
struct Row {
    gold: Tier,
    source: String,
    text: String,
    kind: Kind,
    rating: Option<u8>,
    platform: Option<Platform>,
}

fn load_tsv(path: &str) -> anyhow::Result<Vec<Row>> {
    let data = std::fs::read_to_string(path)?;
    let mut rows = Vec::new();
    for (i, line) in data.lines().enumerate().skip(1) {
        let mut cols = line.splitn(4, '\t');
        let (Some(tier), Some(source), Some(_rule), Some(text)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            anyhow::bail!("{path}:{}: expected 4 tab-separated columns", i + 1);
        };
        let gold: Tier = tier
            .parse()
            .map_err(|e| anyhow::anyhow!("{path}:{}: {e}", i + 1))?;
        rows.push(Row {
            gold,
            source: source.to_string(),
            text: text.to_string(),
            kind: Kind::Comment,
            rating: None,
            platform: None,
        });
    }
    Ok(rows)
}

fn load_demo(path: &str) -> anyhow::Result<Vec<Row>> {
    let data = std::fs::read_to_string(path)?;
    // parse_threads names its file in errors and wants it for the whole program.
    let file: &'static str = Box::leak(path.to_string().into_boxed_str());
    let threads = parse_threads(&data, file)?;
    let mut rows = Vec::with_capacity(threads.len());
    for t in threads {
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
        rows.push(Row {
            gold: t.tier,
            source: t.thread.clone(),
            text: texts.join("\n"),
            kind: t.kind,
            rating: t.rating,
            platform: Some(t.platform),
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

/// Classify every row, print the figures, return the macro-F1.
fn evaluate(name: &str, rows: &[Row], triage: &Triage, show: Option<(u8, u8, usize)>) -> f64 {
    let started = Instant::now();
    let verdicts: Vec<Verdict> = rows
        .iter()
        .map(|r| triage.classify(&r.text, Some(r.kind), r.rating, r.platform))
        .collect();
    let elapsed = started.elapsed();

    let mut matrix = [[0usize; 5]; 5];
    for (r, v) in rows.iter().zip(&verdicts) {
        matrix[usize::from(r.gold.number() - 1)][usize::from(v.tier.number() - 1)] += 1;
    }

    println!("== {name}: {} rows", rows.len());
    println!("tier  precision  recall     f1   support");
    let mut f1_sum = 0.0;
    for (t, row) in matrix.iter().enumerate() {
        let tp = row[t] as f64;
        let predicted: usize = matrix.iter().map(|g| g[t]).sum();
        let actual: usize = row.iter().sum();
        let p = if predicted > 0 {
            tp / predicted as f64
        } else {
            0.0
        };
        let r = if actual > 0 { tp / actual as f64 } else { 0.0 };
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        f1_sum += f1;
        println!(
            "T{}     {:>7.3}  {:>7.3}  {:>5.3}  {:>7}",
            t + 1,
            p,
            r,
            f1,
            actual
        );
    }
    let macro_f1 = f1_sum / 5.0;
    println!("macro-F1: {macro_f1:.3}");
    let correct: usize = (0..5).map(|t| matrix[t][t]).sum();
    println!("accuracy: {:.3}", correct as f64 / rows.len().max(1) as f64);
    println!("\nconfusion (rows = gold, columns = predicted)");
    println!(
        "gold\\pred {:>6} {:>6} {:>6} {:>6} {:>6}",
        "T1", "T2", "T3", "T4", "T5"
    );
    for (t, row) in matrix.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>6}")).collect();
        println!("T{}        {}", t + 1, cells.join(" "));
    }
    println!(
        "\nclassify: {:.2} µs/message ({} messages in {:.1} ms)",
        elapsed.as_secs_f64() * 1e6 / rows.len().max(1) as f64,
        rows.len(),
        elapsed.as_secs_f64() * 1e3
    );

    if let Some((gold, pred, n)) = show {
        println!("\n{name}: rows labelled T{gold} classified T{pred}:");
        let misses = rows
            .iter()
            .zip(&verdicts)
            .filter(|(r, v)| r.gold.number() == gold && v.tier.number() == pred);
        for (r, v) in misses.take(n) {
            let text: String = r.text.chars().take(140).collect();
            let text = text.replace('\n', " / ");
            println!("[{}] {} | {}", r.source, v.reason, text);
        }
    }
    println!();
    macro_f1
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: triage_eval FILE.tsv [--demo FILE.jsonl] [--show GOLD:PRED[:N]]";
    let path = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or_else(|| anyhow::anyhow!(usage))?;
    let show = parse_show(&args);

    let rows = load_tsv(path)?;
    let demo = flag_value(&args, "--demo").map(load_demo).transpose()?;
    let triage = Triage::new(&Config::default())?;
    // Warm up the lexicons so the timing is about classify, not lazy start-up.
    triage.classify("warm up", Some(Kind::Comment), None, None);

    let dataset_f1 = evaluate(path, &rows, &triage, show);
    if let Some(demo) = demo {
        let demo_f1 = evaluate("demo", &demo, &triage, show);
        println!("summary: dataset macro-F1 {dataset_f1:.3}, demo macro-F1 {demo_f1:.3}");
    }
    Ok(())
}
