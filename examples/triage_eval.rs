//! Evaluate the default triage rules on a labelled TSV (tier, source, label_rule, text).
//!
//! cargo run --release --example triage_eval -- /work/shared/data/tier-dev.tsv [--show GOLD:PRED[:N]]
//!
//! Prints per-tier precision/recall/F1, macro-F1, the confusion matrix and the mean
//! classify time per message. `--show 2:4` lists rows labelled 2 but classified 4.

use hearth::config::Config;
use hearth::model::{Kind, Tier};
use hearth::triage::Triage;
use std::time::Instant;

struct Row {
    gold: Tier,
    source: String,
    text: String,
}

fn load(path: &str) -> anyhow::Result<Vec<Row>> {
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
        });
    }
    Ok(rows)
}

/// `--show GOLD:PRED[:N]`: which confusion cell to list, and how many rows.
fn parse_show(args: &[String]) -> Option<(u8, u8, usize)> {
    let spec = args.get(args.iter().position(|a| a == "--show")? + 1)?;
    let mut parts = spec.split(':').map(|p| p.parse::<usize>().ok());
    let gold = u8::try_from(parts.next()??).ok()?;
    let pred = u8::try_from(parts.next()??).ok()?;
    let n = parts.next().flatten().unwrap_or(40);
    Some((gold, pred, n))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: triage_eval FILE.tsv [--show GOLD:PRED[:N]]"))?;
    let show = parse_show(&args);

    let rows = load(path)?;
    let triage = Triage::new(&Config::default())?;
    // Warm up the lexicons so the timing is about classify, not lazy start-up.
    triage.classify("warm up", Some(Kind::Comment), None, None);

    let started = Instant::now();
    let verdicts: Vec<_> = rows
        .iter()
        .map(|r| triage.classify(&r.text, Some(Kind::Comment), None, None))
        .collect();
    let elapsed = started.elapsed();

    let mut matrix = [[0usize; 5]; 5];
    for (r, v) in rows.iter().zip(&verdicts) {
        matrix[usize::from(r.gold.number() - 1)][usize::from(v.tier.number() - 1)] += 1;
    }

    println!("rows: {}", rows.len());
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
    println!("macro-F1: {:.3}", f1_sum / 5.0);
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
        println!("\nrows labelled T{gold} classified T{pred}:");
        let misses = rows
            .iter()
            .zip(&verdicts)
            .filter(|(r, v)| r.gold.number() == gold && v.tier.number() == pred);
        for (r, v) in misses.take(n) {
            let text: String = r.text.chars().take(140).collect();
            println!("[{}] {} | {}", r.source, v.reason, text);
        }
    }
    Ok(())
}
