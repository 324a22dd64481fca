//! Logs go to files, never to the terminal the TUI owns: one file per day (UTC)
//! in the data directory, `hearth.log.2026-12-02`, and only the last week is kept.
//!
//! The files are private (0600, never opened through a symbolic link), and every
//! record is one inert line: log fields carry text from outside (server error
//! bodies, account names, file names), and `tail hearth.log` in a terminal must
//! not run an escape sequence hidden in them. tracing-subscriber already escapes
//! ESC, BEL and C1 in field values; [`Records`] escapes what it leaves (CR, other
//! C0 controls, bidi controls, newlines inside a record) at the file boundary.

use crate::sanitize::escape_controls;
use chrono::{NaiveDate, Utc};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Every log file's name starts with this; the day follows after a dot.
pub const FILE_PREFIX: &str = "hearth.log";
/// Daily files kept, today's included; older ones are deleted when a new day starts.
pub const KEEP_FILES: usize = 7;

/// Start logging into `dir` (level from `HEARTH_LOG`, default info). If the
/// directory is unusable, logging is off rather than spilling onto the screen.
pub fn init(dir: &Path) -> Option<()> {
    crate::private::create_dir_all(dir).ok()?;
    let files = DailyFiles::open(dir).ok()?;
    let filter = EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(files)
        .try_init()
        .ok()
}

/// Today's log file in `dir` (what `init` writes to now).
#[cfg(test)]
fn current_file(dir: &Path) -> PathBuf {
    file_for(dir, Utc::now().date_naive())
}

fn file_for(dir: &Path, day: NaiveDate) -> PathBuf {
    dir.join(format!("{FILE_PREFIX}.{}", day.format("%Y-%m-%d")))
}

/// The daily files. Writes go straight to the file (no background thread), so
/// nothing is lost when the process ends. Problems after `open` (a new day's file
/// that cannot be created) drop the record: nothing may reach the terminal.
#[derive(Clone)]
pub struct DailyFiles {
    dir: PathBuf,
    current: Arc<Mutex<Option<(NaiveDate, File)>>>,
}

impl DailyFiles {
    /// Open today's file (proving the directory usable) and prune old ones.
    pub fn open(dir: &Path) -> io::Result<DailyFiles> {
        let files = DailyFiles {
            dir: dir.to_path_buf(),
            current: Arc::new(Mutex::new(None)),
        };
        let today = Utc::now().date_naive();
        let file = files.start_day(today)?;
        *files.lock() = Some((today, file));
        Ok(files)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(NaiveDate, File)>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Open `day`'s file and delete the oldest beyond [`KEEP_FILES`]. Only files
    /// named `hearth.log.*` are considered, so the cache beside them is safe.
    fn start_day(&self, day: NaiveDate) -> io::Result<File> {
        let file = crate::private::open_append(&file_for(&self.dir, day))?;
        let mut logs: Vec<PathBuf> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(&format!("{FILE_PREFIX}.")))
            })
            .map(|e| e.path())
            .collect();
        // Dates sort as text (YYYY-MM-DD).
        logs.sort();
        let excess = logs.len().saturating_sub(KEEP_FILES);
        for old in logs.into_iter().take(excess) {
            let _ = std::fs::remove_file(old);
        }
        Ok(file)
    }

    /// Append one formatted record to today's file.
    fn append(&self, record: &[u8]) -> io::Result<()> {
        let today = Utc::now().date_naive();
        let mut current = self.lock();
        if current.as_ref().is_none_or(|(day, _)| *day != today) {
            *current = Some((today, self.start_day(today)?));
        }
        match current.as_mut() {
            Some((_, file)) => file.write_all(record),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for DailyFiles {
    type Writer = Records<'a>;

    fn make_writer(&'a self) -> Records<'a> {
        Records { files: self }
    }
}

/// One event's writer. tracing-subscriber formats a whole event, then writes it
/// with one `write_all`: each `write` here is a record, whose final newline is
/// the only line break it may keep.
pub struct Records<'a> {
    files: &'a DailyFiles,
}

impl Write for Records<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, newline) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (text.as_ref(), ""),
        };
        let record = format!("{}{newline}", escape_controls(body));
        // A full disk must not turn into an error printed on the TUI's screen.
        let _ = self.files.append(record.as_bytes());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let files = DailyFiles::open(dir.path()).expect("log files");
        files
            .make_writer()
            .write_all(b"hello from the test\n")
            .expect("write");

        let today = current_file(dir.path());
        let text = std::fs::read_to_string(&today).expect("today's log exists");
        assert!(text.contains("hello from the test"), "{text}");
        let all = names(dir.path());
        let logs: Vec<&String> = all.iter().filter(|n| n.starts_with(FILE_PREFIX)).collect();
        assert_eq!(logs.len(), KEEP_FILES, "{all:?}");
        assert!(
            all.contains(&"hearth.log.2020-01-09".to_string()),
            "{all:?}"
        );
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

    #[test]
    fn a_record_is_one_inert_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = DailyFiles::open(dir.path()).expect("log files");
        files
            .make_writer()
            .write_all(
                "WARN body=\"x\rEVIL\u{202e}txt\nforged INFO line\u{1b}]0;t\u{7}\"\n".as_bytes(),
            )
            .expect("write");
        let text = std::fs::read_to_string(current_file(dir.path())).expect("log");
        assert_eq!(
            text,
            "WARN body=\"x\\rEVIL\\u{202e}txt\\nforged INFO line\\x1b]0;t\\x07\"\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(current_file(dir.path()))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
