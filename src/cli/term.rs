//! The CLI's only way to the terminal: every line bound for stdout or stderr
//! passes through [`Clean`], so text from a platform, an import file, a config
//! file or a playbook cannot drive the terminal (set its title, write the
//! clipboard, clear the screen, reorder a line) whichever command prints it.
//!
//! Plain text is cleaned with [`sanitize`] (escape sequences and controls
//! removed); JSON is made inert with [`json_inert`] (C1 and bidi written as
//! `\u009b`, so a script still gets every character back). A test below fails
//! when code under `src/cli/` prints around this module.

use crate::sanitize::{json_inert, sanitize};
use serde::Serialize;
use std::io::{self, Write};

/// How a line is made safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Human-readable lines: controls and escape sequences are removed.
    Text,
    /// Serialised JSON: C1, DEL and bidi controls become `\uXXXX` escapes.
    Json,
}

/// A writer that cleans whole lines before they reach `inner`. Lines are
/// buffered up to their newline, so an escape sequence split across two
/// `write` calls is still seen whole; a flush cleans and writes what is pending.
pub struct Clean<W: Write> {
    inner: W,
    mode: Mode,
    pending: Vec<u8>,
}

impl<W: Write> Clean<W> {
    pub fn new(inner: W, mode: Mode) -> Clean<W> {
        Clean {
            inner,
            mode,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, line: &[u8]) -> io::Result<()> {
        // Invalid UTF-8 is replaced (U+FFFD) rather than passed through: a lone
        // 0x9B byte is a C1 CSI to some terminals.
        let text = String::from_utf8_lossy(line);
        match self.mode {
            Mode::Text => self.inner.write_all(sanitize(&text).as_bytes()),
            Mode::Json => self.inner.write_all(json_inert(&text).as_bytes()),
        }
    }
}

impl<W: Write> Write for Clean<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.emit(&line[..end])?;
            self.inner.write_all(b"\n")?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.emit(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Clean<W> {
    fn drop(&mut self) {
        // Nowhere to report a failure from here; the explicit flush paths do.
        let _ = self.flush();
    }
}

/// Standard output, cleaned as text.
pub fn stdout() -> Clean<io::StdoutLock<'static>> {
    Clean::new(io::stdout().lock(), Mode::Text)
}

/// Standard error, cleaned as text.
pub fn stderr() -> Clean<io::StderrLock<'static>> {
    Clean::new(io::stderr().lock(), Mode::Text)
}

/// Standard output cleaned for `mode`.
pub fn stdout_as(mode: Mode) -> Clean<io::StdoutLock<'static>> {
    Clean::new(io::stdout().lock(), mode)
}

/// Whether standard output is a terminal (the TUI needs one).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    io::stdout().is_terminal()
}

/// Whether standard input is a terminal (a y/N question can be answered).
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal;
    io::stdin().is_terminal()
}

/// `value` as pretty JSON and a newline on standard output.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let mut out = stdout_as(Mode::Json);
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// One line on standard output (the cleaned `println!`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::term::stdout(), $($arg)*);
    }};
}

/// One line on standard error (the cleaned `eprintln!`).
macro_rules! warn_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::term::stderr(), $($arg)*);
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(mode: Mode, chunks: &[&[u8]]) -> String {
        let mut out = Vec::new();
        {
            let mut w = Clean::new(&mut out, mode);
            for chunk in chunks {
                w.write_all(chunk).unwrap();
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_lines_lose_escapes_even_when_split_across_writes() {
        let out = through(
            Mode::Text,
            &[
                b"unknown kind 'dm\x1b]0;PW",
                b"NED\x07'\nnext \xc2\x9b2J line\n",
            ],
        );
        assert_eq!(out, "unknown kind 'dm'\nnext  line\n");
    }

    #[test]
    fn a_partial_line_is_cleaned_on_drop() {
        assert_eq!(through(Mode::Text, &[b"tail\x1b[2J"]), "tail");
        // A lone C1 byte is not UTF-8: it is replaced, never passed on.
        assert_eq!(through(Mode::Text, &[b"a\x9bb\n"]), "a\u{fffd}b\n");
    }

    #[test]
    fn json_keeps_its_meaning() {
        let value = serde_json::json!({"text": "a\u{9d}0;t\u{9c}\u{202e}b\x1b"});
        let mut out = Vec::new();
        {
            let mut w = Clean::new(&mut out, Mode::Json);
            serde_json::to_writer_pretty(&mut w, &value).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(text.is_ascii(), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    /// Every print in `src/cli/` goes through this module: a `println!` or a raw
    /// `std::io::stdout()` elsewhere would be a path around the cleaning.
    #[test]
    fn nothing_in_the_cli_prints_around_the_cleaner() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
        let mut offenders = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.file_name().is_some_and(|n| n == "term.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    let bad = ["println!", "eprintln!", "print!(", "eprint!("]
                        .iter()
                        .any(|m| code.contains(m))
                        || code.contains("io::stdout()")
                        || code.contains("io::stderr()");
                    if bad {
                        offenders.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    }
}
