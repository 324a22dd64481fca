//! How fast learning from overrides is, on real cache files: one override (the
//! store write plus the incremental update), the refit when a cache is opened, and
//! classify with learning active beside the shipped model alone.
//!
//! cargo run --release --example learning_speed [-- 20,200,1000]

// The report is the point of this example.
#![allow(clippy::print_stdout)]

use chrono::{Duration, TimeZone, Utc};
use hearth::config::Config;
use hearth::demo::dataset::embedded_threads;
use hearth::inbox::{Inbox, learning};
use hearth::model::{Direction, IncomingMessage, IngestPage, Kind, Platform, Tier};
use hearth::store::Store;
use hearth::triage::Triage;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "20,200,1000".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    // Realistic texts: every inbound message of the demo, and the influencer
    // requests the learning test teaches.
    let mut texts: Vec<String> = embedded_threads()?
        .into_iter()
        .flat_map(|t| t.messages)
        .filter(|m| m.dir == Direction::Inbound)
        .map(|m| m.text)
        .collect();
    texts.extend(
        include_str!("../tests/data/influencer-taught.txt")
            .lines()
            .map(String::from),
    );
    let config = Config::default();
    let t0 = Utc
        .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("time"))?;

    let shipped = Triage::new(&config)?;
    let per_message = |engine: &Triage| {
        let rounds = 20;
        let start = Instant::now();
        for _ in 0..rounds {
            for t in &texts {
                std::hint::black_box(engine.classify(t, Some(Kind::Dm), None, None));
            }
        }
        start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64
    };
    per_message(&shipped);
    println!(
        "{} texts; classify, shipped model alone: {:.1} µs/message",
        texts.len(),
        per_message(&shipped)
    );

    for n in sizes {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("cache.sqlite3");
        let mut store = Store::open(&path)?;
        let messages = (0..n)
            .map(|i| IncomingMessage {
                account: "ig".into(),
                platform: Platform::Instagram,
                kind: Kind::Dm,
                thread_id: format!("t{i}"),
                platform_id: format!("m{i}"),
                direction: Direction::Inbound,
                author: format!("Customer {i}"),
                body: format!("{} #{i}", texts[i % texts.len()]),
                sent_at: t0,
                context: None,
                brand: None,
                location: None,
                rating: None,
            })
            .collect();
        let stats = store.ingest(
            &IngestPage {
                messages,
                cursor: None,
            },
            &shipped,
        )?;
        let engine = Triage::new(&config)?;
        let mut times = Vec::with_capacity(n);
        for (k, id) in stats.touched.iter().enumerate() {
            // A mix of corrections, as a user makes them.
            let tier = Tier::ALL[k % 5];
            let now = t0 + Duration::minutes(1 + k as i64);
            let start = Instant::now();
            Inbox::new(&mut store, &config, &engine).retier(*id, Some(tier), now)?;
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
        let last = times.last().copied().unwrap_or(0.0);
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let max = times[times.len() - 1];

        let reopened = Triage::new(&config)?;
        let start = Instant::now();
        let loaded = learning::load(&store, &reopened)?;
        let refit = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(reopened.learned_state(), engine.learned_state());

        per_message(&engine);
        println!(
            "{n:>5} corrections ({} learned buckets): one override (write + update) median \
             {median:.2} ms, max {max:.2} ms, the last {last:.2} ms; refit on open {refit:.1} ms \
             ({loaded} examples); classify with learning {:.1} µs/message",
            engine.learned_state().len(),
            per_message(&engine)
        );
    }
    Ok(())
}
