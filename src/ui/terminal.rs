//! Owning the terminal: raw mode and the alternate screen on the way in, and a
//! guaranteed way back out (Drop, panic hook, suspend for `$EDITOR`).

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::Once;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// The terminal in TUI mode; dropping it puts the terminal back.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enter_tui_mode()?;
        let terminal = match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(TerminalGuard { terminal })
    }

    /// Hand the terminal to another program (the editor).
    pub fn suspend(&mut self) {
        restore();
    }

    /// Ring the terminal bell (an urgent message arrived). A failed write is only
    /// logged: the bell is a courtesy, the status line says the same.
    pub fn bell(&mut self) {
        use io::Write;
        let mut out = io::stdout();
        if let Err(e) = out.write_all(b"\x07").and_then(|()| out.flush()) {
            tracing::warn!(error = %e, "cannot ring the bell");
        }
    }

    /// Take the terminal back after `suspend`; the next draw repaints everything.
    pub fn resume(&mut self) -> io::Result<()> {
        enter_tui_mode()?;
        execute!(io::stdout(), Clear(ClearType::All))?;
        // A fresh terminal has blank buffers, matching the cleared screen. (Terminal::clear
        // would query the cursor position, which races with the input reader.)
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn enter_tui_mode() -> io::Result<()> {
    enable_raw_mode()?;
    if let Err(e) = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    Ok(())
}

/// Best effort: every step runs even if an earlier one failed.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restore the terminal before the default hook prints the panic, so it is readable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
