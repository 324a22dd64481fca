//! Speed figures on a 1,000,000-message cache (100,000 conversations).
//!
//! Run: `cargo bench --bench speed` (set `HEARTH_BENCH_MESSAGES` for another size,
//! e.g. 5000000).
//! Prints: ingest rate, the queue-order refresh (overdue rows climbing a tier per
//! target overrun, and the overdue count's sweep: the first one after the build,
//! then a settled minute), queue query time, the status-bar counts (unfiltered and
//! for a brand + location), what the first frame reads (open, queue page, counts,
//! conversation pane, each once on a fresh connection), `triage backtest` over
//! the open conversations, the person line's lookups, fuzzy filter time over 100k previews,
//! and, driving the real release binary in a pseudo-terminal: process start to
//! first full frame, key-to-frame when moving in the queue and when opening a
//! 500-message thread, and the TUI process's peak RSS.

// A bench reports its figures on stdout.
#![allow(clippy::print_stdout)]

use chrono::{Duration as ChronoDuration, Utc};
use hearth::config::Config;
use hearth::model::{Direction, IncomingMessage, IngestPage, Kind, Platform, QueueFilter};
use hearth::store::Store;
use hearth::triage::Triage;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const PAGE: usize = 1000;
const THREAD_LEN: usize = 10;

/// Customer lines of every tier, so triage does its real work.
const INBOUND: &[&str] = &[
    "Hi! How much would a catering order for 40 people cost?",
    "Do you deliver to the Pearl District on Saturdays?",
    "Can I book a table for six tomorrow at 7pm?",
    "My order arrived cold and an hour late. Really disappointed.",
    "The brakes you fitted last week are squeaking again, not happy",
    "I want a refund, the card reader charged me twice",
    "What time do you open on public holidays?",
    "Is the oat milk you use sweetened?",
    "Best flat white in town, thank you team!",
    "Love the new autumn menu 🍂",
    "FOLLOW ME FOR FREE CRYPTO GIVEAWAY http://promo.example",
    "check out my channel and subscribe!!!",
];

const OUTBOUND: &[&str] = &[
    "Thanks for reaching out! Let me check that for you.",
    "So sorry about this, I've passed it to the store manager.",
    "Happy to help: could you tell me a bit more?",
];

fn message(conv: usize, seq: usize, start: chrono::DateTime<Utc>) -> IncomingMessage {
    let inbound = seq.is_multiple_of(2) || seq + 1 == THREAD_LEN;
    let platforms = [
        Platform::Instagram,
        Platform::Facebook,
        Platform::Mastodon,
        Platform::Google,
    ];
    let platform = platforms[conv % platforms.len()];
    let kind = match platform {
        Platform::Google => Kind::Review,
        Platform::Mastodon => Kind::Mention,
        _ if conv.is_multiple_of(3) => Kind::Comment,
        _ => Kind::Dm,
    };
    let body = if inbound {
        INBOUND[(conv * 7 + seq) % INBOUND.len()]
    } else {
        OUTBOUND[(conv + seq) % OUTBOUND.len()]
    };
    IncomingMessage {
        account: format!("bench-{}", platform.as_str()),
        platform,
        kind,
        thread_id: format!("t{conv}"),
        platform_id: format!("m{conv}-{seq}"),
        direction: if inbound {
            Direction::Inbound
        } else {
            Direction::Outbound
        },
        author: if inbound {
            format!("Customer {conv}")
        } else {
            "Brand".into()
        },
        body: body.to_string(),
        sent_at: start + ChronoDuration::seconds((conv * 13 + seq * 60) as i64 % 600_000),
        context: None,
        brand: Some(["Northwind", "Harbor"][conv % 2].into()),
        location: Some(["Portland", "Seattle", "Oakland"][conv % 3].into()),
        rating: (kind == Kind::Review).then_some([1, 2, 3, 4, 5][conv % 5]),
    }
}

/// A thread of 500 messages that sorts first in the queue (tier 1, oldest).
fn long_thread(start: chrono::DateTime<Utc>) -> Vec<IncomingMessage> {
    (0..500_u32)
        .map(|seq| {
            let inbound = seq.is_multiple_of(2) || seq == 499;
            IncomingMessage {
                account: "bench-instagram".into(),
                platform: Platform::Instagram,
                kind: Kind::Dm,
                thread_id: "long".into(),
                platform_id: format!("long-{seq}"),
                direction: if inbound {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                author: if inbound {
                    "Long Thread".into()
                } else {
                    "Brand".into()
                },
                body: format!("message {seq}: how much is the catering package for {seq} people?"),
                sent_at: start - ChronoDuration::days(3) + ChronoDuration::seconds(i64::from(seq)),
                context: None,
                brand: Some("Northwind".into()),
                location: Some("Portland".into()),
                rating: None,
            }
        })
        .collect()
}

fn build_cache(path: &Path, total: usize, triage: &Triage) -> (Store, f64) {
    let mut store = Store::open(path).expect("open bench cache");
    let start = Utc::now() - ChronoDuration::days(7);
    let conversations = total / THREAD_LEN;
    let began = Instant::now();
    store
        .ingest(
            &IngestPage {
                messages: long_thread(start),
                cursor: None,
            },
            triage,
        )
        .expect("ingest long thread");
    let mut batch = Vec::with_capacity(PAGE);
    // Pages interleave conversations the way a sync does: a few threads at a time.
    for conv in 0..conversations {
        for seq in 0..THREAD_LEN {
            batch.push(message(conv, seq, start));
        }
        if batch.len() >= PAGE {
            let page = IngestPage {
                messages: std::mem::take(&mut batch),
                cursor: None,
            };
            store.ingest(&page, triage).expect("ingest");
        }
    }
    if !batch.is_empty() {
        store
            .ingest(
                &IngestPage {
                    messages: batch,
                    cursor: None,
                },
                triage,
            )
            .expect("ingest");
    }
    let seconds = began.elapsed().as_secs_f64();
    (store, (conversations * THREAD_LEN + 500) as f64 / seconds)
}

/// The `percent`th percentile (nearest rank, rounded) of `samples`.
fn percentile(samples: &mut [f64], percent: usize) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    let index = ((samples.len() - 1) * percent + 50) / 100;
    samples[index]
}

fn time_ms(mut f: impl FnMut()) -> f64 {
    let began = Instant::now();
    f();
    began.elapsed().as_secs_f64() * 1000.0
}

/// The screen of a program running in a pseudo-terminal, updated by a reader thread.
struct Screen {
    state: Mutex<(vt100::Parser, u64)>,
    changed: Condvar,
}

impl Screen {
    fn text(&self) -> (String, u64) {
        let guard = self.state.lock().expect("screen lock");
        (guard.0.screen().contents(), guard.1)
    }

    /// Wait until the screen satisfies `ready`; returns when it did.
    fn wait(&self, timeout: Duration, ready: impl Fn(&str) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        let mut guard = self.state.lock().expect("screen lock");
        loop {
            if ready(&guard.0.screen().contents()) {
                return Some(Instant::now());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            guard = self
                .changed
                .wait_timeout(guard, left)
                .expect("screen lock")
                .0;
        }
    }
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct TuiFigures {
    first_frame_ms: f64,
    move_ms: Vec<f64>,
    open_long_ms: Vec<f64>,
    peak_rss_mib: Option<f64>,
}

/// Drive the real binary: start it on the cache, wait for the first full frame,
/// then press keys and wait for each resulting frame.
fn drive_tui(db: &Path, home: &Path) -> TuiFigures {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_hearth"));
    cmd.arg("--db");
    cmd.arg(db);
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("TERM", "xterm-256color");
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).expect("spawn hearth");
    let pid = child.process_id().unwrap_or(0);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let mut writer = pty.master.take_writer().expect("writer");
    let screen = Arc::new(Screen {
        state: Mutex::new((vt100::Parser::new(40, 140, 0), 0)),
        changed: Condvar::new(),
    });
    let feed = Arc::clone(&screen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut guard = feed.state.lock().expect("screen lock");
            guard.0.process(&buf[..n]);
            guard.1 += 1;
            feed.changed.notify_all();
        }
    });

    // A full frame shows the queue, the open thread and the status bar.
    let full = |s: &str| s.contains("T1") && s.contains("Long Thread") && s.contains("overdue");
    let first = screen
        .wait(Duration::from_secs(30), full)
        .expect("first frame within 30 s");
    let first_frame_ms = (first - started).as_secs_f64() * 1000.0;

    // A key counts as handled when the frame shows its result: the conversation pane's
    // title (first line) names the newly selected conversation, and for the long
    // thread its newest message is drawn.
    let title = |s: &str| s.lines().next().unwrap_or("").to_string();
    let mut press = |key: &[u8], done: &dyn Fn(&str, &str) -> bool| -> f64 {
        let (before, _) = screen.text();
        let sent = Instant::now();
        writer.write_all(key).expect("send key");
        writer.flush().expect("flush key");
        let at = screen
            .wait(Duration::from_secs(5), |s| done(&before, s))
            .expect("the frame for a key press");
        (at - sent).as_secs_f64() * 1000.0
    };
    let opened_long =
        |_: &str, s: &str| title(s).contains("Long Thread") && s.contains("message 499");
    let moved = |before: &str, s: &str| title(s) != title(before);
    let mut move_ms = Vec::new();
    let mut open_long_ms = Vec::new();
    // The long thread sorts first: j leaves it, k comes back to it.
    press(b"j", &moved);
    for _ in 0..40 {
        open_long_ms.push(press(b"k", &opened_long));
        move_ms.push(press(b"j", &moved));
    }
    for _ in 0..40 {
        move_ms.push(press(b"j", &moved));
    }
    let peak_rss_mib = peak_rss_kib(pid).map(|kib| kib as f64 / 1024.0);
    let _ = writer.write_all(b"q");
    let _ = writer.flush();
    let _ = child.wait();
    TuiFigures {
        first_frame_ms,
        move_ms,
        open_long_ms,
        peak_rss_mib,
    }
}

/// What the TUI reads before its first full frame, each timed once on a fresh
/// connection (as at start): opening the cache, the first queue page, the
/// status-bar counts, and the conversation pane of the first row.
fn first_frame_parts(db: &Path) {
    let mut store = None;
    let open_ms = time_ms(|| store = Some(Store::open(db).expect("open")));
    let store = store.expect("opened");
    let filter = QueueFilter::default();
    let mut first = Vec::new();
    let queue_ms = time_ms(|| first = store.queue(&filter, None, 200).expect("queue"));
    let counts_ms = time_ms(|| drop(store.counts(&filter, Utc::now()).expect("counts")));
    let pane_ms = time_ms(|| {
        let c = store
            .conversation(first[0].id)
            .expect("conversation")
            .expect("the first row");
        drop(store.messages(c.id, 200).expect("messages"));
        drop(
            store
                .author_strikes(&c.account, &c.author)
                .expect("strikes"),
        );
        drop(store.message_states(c.id).expect("states"));
    });
    println!(
        "first frame's reads, fresh connection: open {open_ms:.2} ms, queue page {queue_ms:.2} ms, \
         counts {counts_ms:.3} ms, conversation pane {pane_ms:.2} ms"
    );
}

fn main() {
    // `cargo test --benches` runs this with no args: keep that cheap.
    if std::env::args().all(|a| a != "--bench") {
        println!("speed: run with `cargo bench --bench speed`");
        return;
    }
    let total: usize = std::env::var("HEARTH_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bench.sqlite3");
    let triage = Triage::new(&Config::default()).expect("default triage rules");

    println!(
        "building a cache of {} messages in {} conversations ...",
        total + 500,
        total / THREAD_LEN + 1
    );
    let (store, rate) = build_cache(&db, total, &triage);
    println!("ingest (HTTP-free: normalise + triage + SQLite): {rate:>10.0} messages/s");
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("cache file: {:.0} MiB", size as f64 / (1024.0 * 1024.0));

    // The order refresh the inbox runs each minute (and `hearth queue` before it
    // reads): the first moves every overdue row, later ones only those crossing a step.
    let steps = Config::default().targets.promotion_steps();
    let mut moved = 0;
    let first_refresh_ms = time_ms(|| {
        moved = store
            .refresh_order(Utc::now(), &steps)
            .expect("refresh order");
    });
    println!("order refresh, first ({moved} rows climb): {first_refresh_ms:>8.1} ms");
    let mut refresh_ms: Vec<f64> = (0..10)
        .map(|_| {
            time_ms(|| {
                store
                    .refresh_order(Utc::now(), &steps)
                    .expect("refresh order");
            })
        })
        .collect();
    println!(
        "order refresh, settled minute: median {:.2} ms",
        percentile(&mut refresh_ms, 50)
    );

    let filter = QueueFilter::default();
    let mut queue_ms: Vec<f64> = (0..50)
        .map(|_| time_ms(|| drop(store.queue(&filter, None, 200).expect("queue"))))
        .collect();
    println!(
        "queue query (first 200 rows): median {:.2} ms, p95 {:.2} ms",
        percentile(&mut queue_ms, 50),
        percentile(&mut queue_ms, 95)
    );
    let mut counts_ms: Vec<f64> = (0..10)
        .map(|_| {
            time_ms(|| assert!(store.counts(&filter, Utc::now()).expect("counts").total() > 0))
        })
        .collect();
    println!(
        "tier counts (status bar):     median {:.3} ms",
        percentile(&mut counts_ms, 50)
    );
    let narrow = QueueFilter {
        brand: Some("Harbor".into()),
        location: Some("Oakland".into()),
        ..QueueFilter::default()
    };
    let mut narrow_ms: Vec<f64> = (0..10)
        .map(|_| {
            time_ms(|| assert!(store.counts(&narrow, Utc::now()).expect("counts").total() > 0))
        })
        .collect();
    println!(
        "tier counts, brand + location: median {:.3} ms",
        percentile(&mut narrow_ms, 50)
    );

    // `hearth triage backtest`: every open conversation re-triaged, read-only.
    let mut report = None;
    let backtest_ms = time_ms(|| {
        report = Some(hearth::inbox::backtest::backtest(&store, &triage).expect("backtest"));
    });
    println!(
        "triage backtest ({} open conversations): {backtest_ms:>8.1} ms",
        report.map_or(0, |r| r.open)
    );

    // The person line of the conversation pane (who else the author is): a
    // handful of index searches per conversation, whatever the cache size.
    let rows = store.queue(&filter, None, 50).expect("queue");
    let mut person_ms: Vec<f64> = rows
        .iter()
        .map(|c| time_ms(|| drop(hearth::inbox::people::person_for(&store, c).expect("person"))))
        .collect();
    println!(
        "person line (other identities): median {:.2} ms, p95 {:.2} ms",
        percentile(&mut person_ms, 50),
        percentile(&mut person_ms, 95)
    );

    // Fuzzy filter over 100k previews, as the picker's matcher would see them.
    let previews: Vec<String> = (0..100_000)
        .map(|i| format!("{} #{i}", INBOUND[i % INBOUND.len()]))
        .collect();
    let mut fuzzy_ms: Vec<f64> = ["refnd", "deliver sat", "xyzzy"]
        .iter()
        .map(|q| {
            time_ms(|| {
                drop(hearth::playbook::fuzzy_rank(
                    q,
                    previews.iter().map(String::as_str),
                ))
            })
        })
        .collect();
    println!(
        "fuzzy filter over 100k previews: median {:.1} ms",
        percentile(&mut fuzzy_ms, 50)
    );
    drop(store);
    first_frame_parts(&db);

    if std::env::var_os("HEARTH_BENCH_SKIP_TUI").is_some() {
        return;
    }
    let figures = drive_tui(&db, dir.path());
    println!(
        "process start to first full frame: {:.1} ms",
        figures.first_frame_ms
    );
    let mut moves = figures.move_ms;
    let mut opens = figures.open_long_ms;
    println!(
        "key-to-frame, move in queue:       median {:.2} ms, p95 {:.2} ms (incl. pty round trip)",
        percentile(&mut moves, 50),
        percentile(&mut moves, 95)
    );
    println!(
        "key-to-frame, open 500-msg thread: median {:.2} ms, p95 {:.2} ms (incl. pty round trip)",
        percentile(&mut opens, 50),
        percentile(&mut opens, 95)
    );
    match figures.peak_rss_mib {
        Some(mib) => println!("TUI peak RSS: {mib:.1} MiB"),
        None => println!("TUI peak RSS: unavailable (no /proc)"),
    }
}
