//! End-to-end sync speed from a local fake Mastodon server: HTTP, JSON parsing,
//! normalisation, triage and SQLite commits, through the real connector and store.
//! Then what an idle Facebook Page and Instagram account cost in Graph calls per
//! hour (Meta budgets Pages per engaged user and day), from the fake Graph API.
//!
//! Run: `cargo bench --bench sync` (set `HEARTH_BENCH_SYNC_MESSAGES` to change the
//! size, default 24,000). Prints messages per second for the full (first) sync
//! and calls per hour on an idle Page at the default poll of 60 s.

// A bench reports its figures on stdout.
#![allow(clippy::print_stdout)]

#[path = "../tests/fakes/mastodon.rs"]
mod mastodon_fake;
#[path = "../tests/fakes/meta.rs"]
mod meta_fake;

use hearth::config::{AccountConfig, Config};
use hearth::model::IngestPage;
use hearth::store::{IngestStats, Store};
use hearth::sync::connector::Clock;
use hearth::sync::mastodon::Mastodon;
use hearth::sync::meta::{Facebook, Instagram};
use hearth::sync::{Connector, PageSink, Secret, SyncError};
use hearth::triage::Triage;
use mastodon_fake::{FakeData, FakeMastodon};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

const ACCOUNT: &str = "bench-mastodon";

/// Commits on tokio's blocking pool, as the engine's sink does, so HTTP for the
/// next pages can run while SQLite works.
struct StoreSink {
    account: &'static str,
    store: Arc<Mutex<Store>>,
    triage: Arc<Triage>,
    /// Wall time spent in commits (triage + SQLite), to tell it apart from HTTP + parsing.
    commit_time: std::time::Duration,
}

impl StoreSink {
    fn store(&self) -> Result<MutexGuard<'_, Store>, SyncError> {
        self.store
            .lock()
            .map_err(|_| SyncError::Store("bench store poisoned".into()))
    }
}

#[async_trait::async_trait]
impl PageSink for StoreSink {
    fn cursor(&self, key: &str) -> Option<String> {
        self.store().ok()?.cursor(self.account, key).ok().flatten()
    }

    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        self.accept_with(page, hearth::model::PageFacts::default())
            .await
    }

    async fn thread_of(&mut self, platform_id: &str) -> Result<Option<String>, SyncError> {
        Ok(self.store()?.thread_of(self.account, platform_id)?)
    }

    async fn accept_with(
        &mut self,
        page: IngestPage,
        facts: hearth::model::PageFacts,
    ) -> Result<IngestStats, SyncError> {
        let started = Instant::now();
        let account = self.account;
        let store = Arc::clone(&self.store);
        let triage = Arc::clone(&self.triage);
        let stats = tokio::task::spawn_blocking(move || {
            let mut store = store
                .lock()
                .map_err(|_| SyncError::Store("bench store poisoned".into()))?;
            store
                .ingest_with(&page, Some((account, &facts)), triage.as_ref())
                .map_err(SyncError::from)
        })
        .await
        .map_err(|e| SyncError::Store(format!("commit task failed: {e}")))??;
        self.commit_time += started.elapsed();
        Ok(stats)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: usize = std::env::var("HEARTH_BENCH_SYNC_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24_000);
    let dms = total / 5;
    let seeding = Instant::now();
    let fake = FakeMastodon::start_in_background(FakeData {
        mentions: total - dms,
        dms,
        token: "bench-token".into(),
        page_limit_max: 80,
    });
    println!(
        "fake Mastodon with {total} mentions/DMs ready in {:.2?}",
        seeding.elapsed()
    );

    let dir = tempfile::tempdir()?;
    let account: AccountConfig = toml::from_str(&format!(
        "name = \"{ACCOUNT}\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\n",
        fake.base_url
    ))?;
    let mastodon = Mastodon::from_config(&account, Secret::new("bench-token"))?;
    let mut sink = StoreSink {
        account: ACCOUNT,
        store: Arc::new(Mutex::new(Store::open(&dir.path().join("bench.sqlite3"))?)),
        triage: Arc::new(Triage::new(&Config::default())?),
        commit_time: std::time::Duration::ZERO,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let started = Instant::now();
    runtime.block_on(mastodon.sync(&mut sink))?;
    let elapsed = started.elapsed();
    let (conversations, messages) = sink.store()?.totals()?;
    let served = fake.served_status_ids().len();
    if usize::try_from(messages)? != served {
        return Err(format!("cached {messages} messages, the fake served {served}").into());
    }
    let requests = fake.requests().len();
    println!(
        "full sync: {messages} messages in {conversations} conversations, {requests} requests, {:.2?}",
        elapsed
    );
    println!(
        "  of which committing (triage + SQLite, overlaps HTTP): {:.2?}",
        sink.commit_time
    );
    println!(
        "end-to-end sync rate: {:.0} messages/s (HTTP + parse + triage + SQLite)",
        messages as f64 / elapsed.as_secs_f64()
    );

    // An idle incremental round: what every poll costs when nothing is new.
    let started = Instant::now();
    runtime.block_on(mastodon.sync(&mut sink))?;
    println!("idle incremental round: {:.2?}", started.elapsed());

    runtime.block_on(idle_meta_hour(&dir))?;
    Ok(())
}

/// Graph calls in an hour of polling an idle Page (50 posts with comments, DMs)
/// and its Instagram account, every 60 s, with the connector's clock moved a
/// minute per round so the periodic full reads are counted too.
async fn idle_meta_hour(dir: &tempfile::TempDir) -> Result<(), Box<dyn std::error::Error>> {
    let fake = meta_fake::FakeMeta::start(meta_fake::Seed {
        messenger_conversations: 40,
        ig_conversations: 20,
        posts: 50,
        media: 50,
        comments_per_post: 6,
        replies_per_comment: 1,
        ..meta_fake::Seed::default()
    })
    .await;
    for (name, platform) in [
        ("bench-facebook", "facebook"),
        ("bench-instagram", "instagram"),
    ] {
        let account: AccountConfig = toml::from_str(&format!(
            "name = \"{name}\"\nplatform = \"{platform}\"\nbase_url = \"{}\"\n\
             page_id = \"{}\"\nig_user_id = \"{}\"\n",
            fake.base_url,
            meta_fake::PAGE_ID,
            meta_fake::IG_USER_ID
        ))?;
        let minutes = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let start = fake.now();
        let seen = minutes.clone();
        let clock: Clock = Arc::new(move || {
            start + chrono::Duration::minutes(seen.load(std::sync::atomic::Ordering::SeqCst))
        });
        let token = Secret::new(meta_fake::TOKEN);
        let connector: Box<dyn Connector> = if platform == "facebook" {
            Box::new(Facebook::from_config(&account, token)?.with_clock(clock))
        } else {
            Box::new(Instagram::from_config(&account, token)?.with_clock(clock))
        };
        let mut sink = StoreSink {
            account: name,
            store: Arc::new(Mutex::new(Store::open(
                &dir.path().join(format!("{name}.sqlite3")),
            )?)),
            triage: Arc::new(Triage::new(&Config::default())?),
            commit_time: std::time::Duration::ZERO,
        };
        connector.sync(&mut sink).await?;
        fake.clear_requests();
        connector.sync(&mut sink).await?;
        let quiet_round = fake.request_count();
        fake.clear_requests();
        for _ in 0..60 {
            minutes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            connector.sync(&mut sink).await?;
        }
        println!(
            "idle {platform}: {quiet_round} Graph calls on a quiet round, {} per hour at a 60 s poll \
             (full re-reads of recent posts every 30 min included)",
            fake.request_count()
        );
    }
    Ok(())
}
