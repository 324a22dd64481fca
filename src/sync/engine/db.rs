//! The engine's own cache connection. SQLite calls block, so they run on tokio's
//! blocking pool, never on the async workers that drive HTTP.

use crate::store::{Store, StoreError};
use crate::sync::SyncError;
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Db {
    store: Arc<Mutex<Store>>,
    /// Held for the engine's lifetime: one syncing process per cache.
    _sync_lock: Option<Arc<std::fs::File>>,
}

/// The lock file beside the cache that marks "an engine is syncing this cache".
fn sync_lock_path(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".sync-lock");
    name.into()
}

impl Db {
    /// Open for the engine: only one process may sync a cache at a time, or two
    /// engines could both reconcile (and resend) the same interrupted reply.
    pub async fn open_exclusive(path: &Path) -> Result<Db, SyncError> {
        let lock_path = sync_lock_path(path);
        if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A missing directory surfaces below as a clear open error.
            let _ = crate::private::create_dir_all(dir);
        }
        // Private like every file hearth makes (0600, no symlink followed).
        let file = crate::private::open_append(&lock_path)
            .map_err(|e| SyncError::Store(format!("{}: {e}", lock_path.display())))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(SyncError::Config(format!(
                    "another hearth process is already syncing {} (only one may); \
                     close it or let it do the syncing",
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(SyncError::Store(format!("{}: {e}", lock_path.display())));
            }
        }
        let mut db = Db::open(path).await?;
        db._sync_lock = Some(Arc::new(file));
        Ok(db)
    }

    /// Open without the sync lock (`hearth reply` sends one claimed item).
    pub async fn open(path: &Path) -> Result<Db, SyncError> {
        let path = path.to_path_buf();
        let store = tokio::task::spawn_blocking(move || Store::open(&path))
            .await
            .map_err(|e| SyncError::Store(format!("opening the cache failed: {e}")))??;
        Ok(Db {
            store: Arc::new(Mutex::new(store)),
            _sync_lock: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_one_engine_may_sync_a_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let first = Db::open_exclusive(&path).await.unwrap();
        let err = Db::open_exclusive(&path).await.err().unwrap();
        assert!(err.to_string().contains("already syncing"), "{err}");
        // Sending one claimed item needs no lock.
        assert!(Db::open(&path).await.is_ok());
        drop(first);
        assert!(Db::open_exclusive(&path).await.is_ok());
    }
}
