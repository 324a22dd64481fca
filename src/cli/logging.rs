//! Logs go to files, never to the terminal the TUI owns: one file per day (UTC)
//! in the data directory, `hearth.log.2026-12-02`, and only the last week is kept.

use chrono::Utc;
use std::path::{Path, PathBuf};
use tracing_appender::rolling::{InitError, RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// Every log file's name starts with this; the day follows after a dot.
pub const FILE_PREFIX: &str = "hearth.log";
/// Daily files kept, today's included; older ones are deleted when a new day starts.
pub const KEEP_FILES: usize = 7;

/// Start logging into `dir` (level from `HEARTH_LOG`, default info). If the
/// directory is unusable, logging is off rather than spilling onto the screen.
pub fn init(dir: &Path) -> Option<()> {
    std::fs::create_dir_all(dir).ok()?;
    let files = appender(dir).ok()?;
    let filter = EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(files)
        .try_init()
        .ok()
}

/// Today's log file in `dir` (what `init` writes to now).
pub fn current_file(dir: &Path) -> PathBuf {
    dir.join(format!("{FILE_PREFIX}.{}", Utc::now().format("%Y-%m-%d")))
}

/// The daily appender. Writes go straight to the file (no background thread), so
/// nothing is lost when the process ends. Pruning only considers files whose
/// name starts with [`FILE_PREFIX`], so the cache beside them is never touched.
///
/// tracing-appender reports its own trouble (a new day's file that cannot be
/// created, an old one that cannot be deleted) with `eprintln!`, which would show
/// through the TUI. That needs the data directory to turn unwritable while
/// hearth runs; `init` has already proved it writable.
fn appender(dir: &Path) -> Result<RollingFileAppender, InitError> {
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .max_log_files(KEEP_FILES)
        .build(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_todays_file_and_keeps_a_week_of_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        for day in 1..=9 {
            std::fs::write(
                dir.path().join(format!("hearth.log.2020-01-0{day}")),
                "old\n",
            )
            .expect("old log");
        }
        for other in [
            "hearth.sqlite3",
            "hearth.sqlite3-wal",
            "demo.sqlite3",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(other), "keep").expect("other file");
        }
        let files = appender(dir.path()).expect("appender");
        let mut writer = tracing_subscriber::fmt::MakeWriter::make_writer(&files);
        writer.write_all(b"hello from the test\n").expect("write");
        writer.flush().expect("flush");
        drop(writer);

        let today = current_file(dir.path());
        let text = std::fs::read_to_string(&today).expect("today's log exists");
        assert!(text.contains("hello from the test"), "{text}");
        let all = names(dir.path());
        let logs: Vec<&String> = all.iter().filter(|n| n.starts_with(FILE_PREFIX)).collect();
        assert_eq!(logs.len(), KEEP_FILES, "{all:?}");
        for other in [
            "hearth.sqlite3",
            "hearth.sqlite3-wal",
            "demo.sqlite3",
            "notes.txt",
        ] {
            assert!(
                all.iter().any(|n| n == other),
                "{other} was deleted: {all:?}"
            );
        }
    }
}
