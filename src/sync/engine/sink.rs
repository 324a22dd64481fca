//! The page sink: each page and its cursor commit in one transaction.

use super::db::Db;
use crate::model::{Assess, IngestPage, PageFacts, SyncEvent};
use crate::store::{IngestStats, KnownThread};
use crate::sync::{PageSink, SyncError};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

pub struct StoreSink {
    account: String,
    db: Db,
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
    /// The committed cursors, loaded once per round and updated after each commit,
    /// so `cursor()` never touches SQLite.
    cursors: HashMap<String, String>,
    pub inserted: usize,
    pub pages: usize,
}

impl StoreSink {
    pub async fn load(
        account: &str,
        db: Db,
        assess: Arc<dyn Assess + Send + Sync>,
        events: UnboundedSender<SyncEvent>,
    ) -> Result<StoreSink, SyncError> {
        let name = account.to_string();
        let cursors = db.call(move |s| s.cursors(&name)).await?;
        // Tier corrections made in another process (`hearth tier`, a TUI on the
        // same cache) are learned before this round triages anything; nothing
        // is done when they have not changed.
        let learner = Arc::clone(&assess);
        db.call(move |s| {
            match s.learning_examples() {
                Ok(examples) => learner.learn(&examples),
                Err(e) => tracing::warn!(error = %e, "cannot read the tier corrections"),
            }
            Ok(())
        })
        .await?;
        Ok(StoreSink {
            account: account.to_string(),
            db,
            assess,
            events,
            cursors: cursors.into_iter().collect(),
            inserted: 0,
            pages: 0,
        })
    }
}

#[async_trait::async_trait]
impl PageSink for StoreSink {
    fn cursor(&self, key: &str) -> Option<String> {
        self.cursors.get(key).cloned()
    }

    async fn accept(&mut self, page: IngestPage) -> Result<IngestStats, SyncError> {
        self.accept_with(page, PageFacts::default()).await
    }

    async fn accept_with(
        &mut self,
        page: IngestPage,
        facts: PageFacts,
    ) -> Result<IngestStats, SyncError> {
        let cursor = page.cursor.clone();
        if let Some(c) = &cursor
            && c.account != self.account
        {
            // Storing it would move another account's resume point.
            return Err(SyncError::Store(format!(
                "connector for '{}' produced a cursor for '{}'",
                self.account, c.account
            )));
        }
        let assess = Arc::clone(&self.assess);
        let account = self.account.clone();
        let stats = self
            .db
            .call(move |s| {
                let facts = (!facts.is_empty()).then_some((account.as_str(), &facts));
                s.ingest_with(&page, facts, assess.as_ref())
            })
            .await?;
        if let Some(c) = cursor {
            self.cursors.insert(c.key, c.value);
        }
        self.inserted += stats.inserted;
        self.pages += 1;
        if !stats.touched.is_empty() {
            let _ = self.events.send(SyncEvent::Ingested {
                conversations: stats.touched.clone(),
            });
        }
        Ok(stats)
    }

    async fn thread_of(&mut self, platform_id: &str) -> Result<Option<String>, SyncError> {
        let (account, id) = (self.account.clone(), platform_id.to_string());
        self.db.call(move |s| s.thread_of(&account, &id)).await
    }

    async fn known_threads(
        &mut self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<KnownThread>, SyncError> {
        let (account, prefix) = (self.account.clone(), prefix.to_string());
        self.db
            .call(move |s| s.known_threads(&account, &prefix, limit))
            .await
    }

    async fn remember(&mut self, key: &str, value: String) -> Result<(), SyncError> {
        let (account, k, v) = (self.account.clone(), key.to_string(), value.clone());
        self.db
            .call(move |s| s.set_cursor(&account, &k, &v))
            .await?;
        self.cursors.insert(key.to_string(), value);
        Ok(())
    }

    /// Kept on the account's state row, which the engine writes before a round.
    async fn set_reply_limit(&mut self, limit: usize) -> Result<(), SyncError> {
        let account = self.account.clone();
        self.db
            .call(move |s| s.set_reply_limit(&account, limit))
            .await
    }
}
