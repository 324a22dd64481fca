//! The engine's own cache connection. SQLite calls block, so they run on tokio's
//! blocking pool, never on the async workers that drive HTTP.

use crate::store::{Store, StoreError};
use crate::sync::SyncError;
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Db {
    store: Arc<Mutex<Store>>,
}

impl Db {
    pub async fn open(path: &Path) -> Result<Db, SyncError> {
        // Account tasks start together; on a fresh cache their migrations would
        // race ("table already exists"). One opener at a time.
        static OPENING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _one_at_a_time = OPENING.lock().await;
        let path = path.to_path_buf();
        let store = tokio::task::spawn_blocking(move || Store::open(&path))
            .await
            .map_err(|e| SyncError::Store(format!("opening the cache failed: {e}")))??;
        Ok(Db {
            store: Arc::new(Mutex::new(store)),
        })
    }

    /// Run `f` with the store on the blocking pool. It runs to completion even if
    /// the caller is cancelled, so a commit is never cut in half by shutdown.
    pub async fn call<R, F>(&self, f: F) -> Result<R, SyncError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| SyncError::Store("cache connection poisoned".into()))?;
            f(&mut guard).map_err(SyncError::from)
        })
        .await
        .map_err(|e| SyncError::Store(format!("cache task failed: {e}")))?
    }
}
