//! The SQLite cache: the only code that speaks SQL.
//!
//! One `Store` wraps one connection. The UI and the background writers each open
//! their own; WAL mode lets readers go on while a writer commits.

mod accounts;
mod actions;
mod backtest;
mod drafts;
mod identity;
mod ingest;
mod leads;
mod learning;
mod moderation;
pub mod outbox;
mod platform;
mod queue;
mod rows;
pub mod schema;
mod workflow;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use accounts::{AccountState, FilterColumn};
pub use backtest::Retriage;
pub use ingest::IngestStats;
pub use moderation::{AuthorStrikes, NewStrike};
pub use outbox::{ConversationRef, NewAction, OutboxItem};
pub use platform::{AccountHints, KnownThread};
pub use queue::QueueKey;
pub use workflow::{WorkflowBefore, WorkflowChange, WorkflowRestore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cache {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cache {path}: {source}")]
    Migrate {
        path: PathBuf,
        #[source]
        source: schema::MigrationError,
    },
    #[error("cache: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cache holds invalid data: {0}")]
    Corrupt(String),
    #[error("no conversation with id {0}")]
    NoSuchConversation(i64),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the cache at `path` and migrate it.
    ///
    /// A new cache is private: its directory is created 0700 and the file 0600
    /// before SQLite opens it, since SQLite creates files 0644 (minus the umask)
    /// and gives the WAL and shared-memory files the database file's mode.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A missing directory surfaces below as a clear open error.
            let _ = crate::private::create_dir_all(dir);
        }
        let _ = crate::private::create_file_if_missing(path);
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        Self::configure(&conn).map_err(open_err)?;
        schema::migrate(&mut conn).map_err(|source| StoreError::Migrate {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Open an existing cache for reading only: commands that only read (`queue`,
    /// `show`, listings) work on a cache they may not write to. A cache that
    /// still needs a migration is opened read-write instead, which migrates it.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = match Self::connect_read_only(path, None) {
            Ok(conn) => conn,
            // A WAL cache needs its shared-memory file, which a reader who may
            // not write the directory cannot create. No -shm file means no
            // connection has the cache open, so reading the file as it stands
            // (SQLite's `immutable`) sees a complete state.
            Err(first) if !sidecar(path, "-shm").exists() && !sidecar(path, "-wal").exists() => {
                Self::connect_read_only(path, Some("immutable=1")).map_err(|_| open_err(first))?
            }
            Err(e) => return Err(open_err(e)),
        };
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(open_err)?;
        if version < schema::CURRENT_VERSION {
            drop(conn);
            return Store::open(path);
        }
        if version > schema::CURRENT_VERSION {
            return Err(StoreError::Migrate {
                path: path.to_path_buf(),
                source: schema::MigrationError::TooNew { found: version },
            });
        }
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(open_err)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn connect_read_only(path: &Path, uri_query: Option<&str>) -> rusqlite::Result<Connection> {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match uri_query.and_then(|q| file_uri(path, q)) {
            Some(uri) => Connection::open_with_flags(uri, flags)?,
            None => Connection::open_with_flags(path, flags)?,
        };
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        register_functions(&conn)?;
        Ok(conn)
    }

    /// False for a connection opened with [`Store::open_read_only`].
    pub fn is_writable(&self) -> bool {
        !self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    fn configure(conn: &Connection) -> rusqlite::Result<()> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // Fail fast on a file that is not a database, before touching it.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 16 MiB of page cache (the default is 2): index inserts stay in memory.
        conn.pragma_update(None, "cache_size", -16384)?;
        register_functions(conn)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes whenever another connection commits: a cheap "should I re-read?" check.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// Total conversations and messages (for `demo --seed-only` and reports).
    pub fn totals(&self) -> Result<(i64, i64)> {
        let conversations = self
            .conn
            .query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))?;
        let messages = self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
        Ok((conversations, messages))
    }

    /// Demo caches are marked so `hearth demo` never reseeds (wipes) a real cache.
    pub fn mark_demo(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "application_id", DEMO_APPLICATION_ID)?;
        Ok(())
    }

    pub fn is_demo(&self) -> Result<bool> {
        let id: i64 = self
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))?;
        Ok(id == DEMO_APPLICATION_ID)
    }

    /// The value a connector stored for `(account, key)`.
    pub fn cursor(&self, account: &str, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM sync_cursors WHERE account = ?1 AND key = ?2",
                (account, key),
                |r| r.get(0),
            )
            .optional()?)
    }
}

/// `<db>-shm`, `<db>-wal`: SQLite's files beside the cache.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `file:///abs/path?query`, percent-encoded, for SQLite's URI parameters.
fn file_uri(path: &Path, query: &str) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let mut url = url::Url::from_file_path(absolute).ok()?;
    url.set_query(Some(query));
    Some(url.to_string())
}

/// SQL functions every connection has. `hearth_clean(text)` is `sanitize`: the
/// full-text index holds text as the user sees it, and the index's delete trigger
/// must remove exactly what was indexed.
pub(crate) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    identity::register_functions(conn)?;
    conn.create_scalar_function(
        "hearth_clean",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::sanitize::sanitize(&t).into_owned()))
        },
    )
}

/// "HRTD" in ASCII: marks a cache seeded by `hearth demo`.
const DEMO_APPLICATION_ID: i64 = 0x4852_5444;

pub(crate) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}
