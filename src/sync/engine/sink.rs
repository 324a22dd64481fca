//! The page sink: each page and its cursor commit in one transaction.

use super::db::Db;
use crate::model::{Assess, IngestPage, SyncEvent};
use crate::store::IngestStats;
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
        let stats = self
            .db
            .call(move |s| s.ingest(&page, assess.as_ref()))
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

    /// Kept on the account's state row, which the engine writes before a round.
    async fn set_reply_limit(&mut self, limit: usize) -> Result<(), SyncError> {
        let account = self.account.clone();
        self.db
            .call(move |s| s.set_reply_limit(&account, limit))
            .await
    }
}
