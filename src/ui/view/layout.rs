//! Where each pane goes. Wide terminals put the queue beside the thread; narrow
//! ones stack them. Tiny ones keep what fits and never panic.

use crate::ui::state::{Focus, State};
use ratatui::layout::Rect;

/// Terminals at least this wide show the queue beside the conversation.
pub const WIDE: u16 = 110;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub queue: Rect,
    pub thread: Rect,
    pub composer: Rect,
    /// Two lines: the status line and the message/hint line.
    pub status: Rect,
}

pub fn areas(area: Rect, state: &State) -> Areas {
    let status_h = area.height.min(2);
    let body = Rect::new(area.x, area.y, area.width, area.height - status_h);
    let status = Rect::new(area.x, area.y + body.height, area.width, status_h);
    let empty = Rect::new(area.x, area.y, 0, 0);

    let composing = state.focus == Focus::Composer;
    if area.width >= WIDE {
        // The queue takes a little over half: its message column is what a
        // morning is scanned by. The thread keeps 56 columns where it can.
        let queue_w = (body.width * 55 / 100)
            .min(body.width.saturating_sub(56))
            .max(40)
            .min(body.width);
        let queue = Rect::new(body.x, body.y, queue_w, body.height);
        let right = Rect::new(body.x + queue_w, body.y, body.width - queue_w, body.height);
        let composer_h = composer_height(right.height, composing, 8, wants(state, right.width));
        let thread = Rect::new(right.x, right.y, right.width, right.height - composer_h);
        let composer = Rect::new(right.x, right.y + thread.height, right.width, composer_h);
        return Areas {
            queue,
            thread,
            composer,
            status,
        };
    }
    // Stacked: queue over thread over composer.
    if body.height < 8 {
        // Room for one pane only: the focused one.
        let (queue, thread, composer) = match state.focus {
            Focus::Queue => (body, empty, empty),
            Focus::Thread => (empty, body, empty),
            Focus::Composer => (empty, empty, body),
        };
        return Areas {
            queue,
            thread,
            composer,
            status,
        };
    }
    // Short stacked screens (80×24) keep the composer out of the way until `r`:
    // the queue and the thread need every line.
    let composer_h = if composing || body.height >= 30 {
        composer_height(body.height, composing, 6, wants(state, body.width))
    } else {
        0
    };
    let queue_h = if state.focus == Focus::Queue {
        body.height / 2
    } else {
        body.height / 4
    }
    .max(3);
    let thread_h = body.height.saturating_sub(queue_h + composer_h);
    let queue = Rect::new(body.x, body.y, body.width, queue_h);
    let thread = Rect::new(body.x, body.y + queue_h, body.width, thread_h);
    let composer = Rect::new(body.x, thread.y + thread_h, body.width, composer_h);
    Areas {
        queue,
        thread,
        composer,
        status,
    }
}

/// The composer grows while typing: at least `focused_h` rows, more as the draft
/// needs them (`wants`), up to half the height. Unfocused it shrinks back to 4
/// rows, and disappears on short screens.
fn composer_height(available: u16, composing: bool, focused_h: u16, wants: u16) -> u16 {
    if !composing {
        return if available < 14 {
            0
        } else {
            4.min(available / 2)
        };
    }
    wants.max(focused_h).min(available / 2)
}

/// Rows the composer needs at `width` to show the whole draft as it wraps, the
/// guard warnings above it, its borders and a spare row to type into.
fn wants(state: &State, width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = state
        .composer
        .lines()
        .iter()
        .map(|l| crate::width::width(l).div_ceil(inner).max(1))
        .sum();
    let guard = state.guard.as_ref().map_or(0, |g| {
        let current = state.draft_for == Some(g.conversation_id) && g.text == state.draft_text();
        if current { g.warnings.len() + 1 } else { 0 }
    });
    u16::try_from(rows + guard + 3).unwrap_or(u16::MAX)
}
