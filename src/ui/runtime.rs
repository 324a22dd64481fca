//! The event loop: terminal input, sync events and a 1 s tick feed `update`;
//! effects run against the store; the screen is redrawn only when something changed.

use super::action::{Action, Effect};
use super::drafts::DraftSync;
use super::effects::execute;
use super::jobs::{Jobs, Request};
use super::keymap::Keymap;
use super::state::State;
use super::sync_events::merge_ingested;
use super::terminal::TerminalGuard;
use super::theme::Theme;
use super::update::{startup, update};
use super::view;
use super::{StoppedBySignal, UiContext};
use crate::model::{Assess, SyncEvent};
use crate::store::Store;
use anyhow::Context;
use chrono::{Local, Utc};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Run the TUI until the user quits. The terminal is restored on every exit path.
pub async fn run(ctx: UiContext, mut events: UnboundedReceiver<SyncEvent>) -> anyhow::Result<()> {
    let keymap = Keymap::from_config(&ctx.config.keymap).map_err(anyhow::Error::msg)?;
    let theme = Theme::from_config(&ctx.config.theme).map_err(anyhow::Error::msg)?;
    let mut store = Store::open(&ctx.db_path)
        .with_context(|| format!("opening the cache {}", ctx.db_path.display()))?;
    let now = Utc::now();
    let mut state = State::new(
        ctx.config,
        keymap,
        theme,
        ctx.playbooks,
        now,
        *Local::now().offset(),
    );
    state.demo = ctx.demo;
    let assess = ctx.assess.clone();
    if let Err(e) = store.wake_snoozed(now) {
        tracing::warn!(error = %e, "cannot wake snoozed conversations");
    }

    let mut guard = TerminalGuard::enter().context("setting up the terminal")?;
    let size = guard.terminal.size()?;
    let mut pending: VecDeque<Action> = VecDeque::from([Action::Resize {
        width: size.width,
        height: size.height,
    }]);
    // Search as you type and the tier counts read on their own connections.
    let (jobs_done, mut jobs_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut jobs = Jobs::open(&ctx.db_path, jobs_done, ctx.assess.clone())
        .with_context(|| format!("opening the cache {}", ctx.db_path.display()))?;
    let mut exec = Executor {
        store: &mut store,
        assess: &*assess,
        jobs: &mut jobs,
    };
    let kept = exec.store.drafts().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read kept drafts");
        Vec::new()
    });
    let mut draft_sync = DraftSync::new(&kept);
    state.restore_drafts(kept);
    let first = startup(&mut state);
    exec.run(&mut state, first, &mut pending);
    // SIGTERM, SIGHUP and SIGQUIT end the inbox like `q`: drafts kept, terminal restored.
    let mut stop_signals = StopSignals::new().context("listening for signals")?;
    let mut stopped_by: Option<i32> = None;

    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last_version = exec.store.data_version().ok();
    let mut events_open = true;
    let mut dirty = true;
    let mut minute = now.timestamp() / 60;
    tracing::info!("ui started");

    loop {
        // Settle every pending action (and the effects they cause) before drawing.
        while let Some(action) = pending.pop_front() {
            dirty = true;
            let effects = update(&mut state, action);
            for fx in effects {
                match fx {
                    Effect::Repaint => {
                        if let Err(e) = guard.terminal.clear() {
                            tracing::warn!(error = %e, "cannot clear the terminal");
                        }
                    }
                    Effect::OpenEditor(text) => {
                        drop(input);
                        let result = edit_in_editor(&mut guard, &text);
                        input = EventStream::new();
                        pending.push_back(Action::EditorDone(result));
                    }
                    other => exec.run(&mut state, vec![other], &mut pending),
                }
            }
        }
        if state.quit || stopped_by.is_some() {
            break;
        }
        if dirty {
            guard.terminal.draw(|f| view::render(&state, f))?;
            dirty = false;
            // What the drawn layout allows: the reducer reads these, never view code.
            view::measure(&mut state);
            if std::mem::take(&mut state.bell) {
                guard.bell();
            }
            // Debug builds only: lets the end-to-end test prove a panic restores the terminal.
            #[cfg(debug_assertions)]
            if std::env::var_os("HEARTH_DEBUG_PANIC_AFTER_DRAW").is_some() {
                panic!("panic requested by HEARTH_DEBUG_PANIC_AFTER_DRAW");
            }
        }

        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(Event::Key(key))) => pending.push_back(Action::Key(key)),
                Some(Ok(Event::Paste(text))) => pending.push_back(Action::Paste(text)),
                Some(Ok(Event::Resize(width, height))) => {
                    pending.push_back(Action::Resize { width, height });
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e).context("reading terminal input"),
                None => break,
            },
            ev = events.recv(), if events_open => match ev {
                Some(ev) => {
                    // A busy sync sends an event per page: take every event that is
                    // already waiting and re-read the cache once for all of them.
                    let mut batch = vec![ev];
                    while let Ok(more) = events.try_recv() {
                        batch.push(more);
                    }
                    for ev in merge_ingested(batch) {
                        if let SyncEvent::Ingested { conversations } = &ev {
                            pending.extend(exec.alerts(&state, conversations));
                        }
                        pending.push_back(Action::Sync(ev));
                    }
                }
                None => events_open = false,
            },
            Some(done) = jobs_rx.recv() => {
                exec.jobs.finished(done.lane);
                pending.push_back(done.action);
            }
            signal = stop_signals.next() => {
                tracing::info!(signal, "stopping on a signal");
                stopped_by = Some(signal);
            }
            _ = tick.tick() => {
                draft_sync.flush(exec.store, &state);
                let now = Utc::now();
                let had_notice = state.notice.is_some();
                let tick_effects = update(&mut state, Action::Tick(now));
                // The accounts overlay counts down by the second.
                if matches!(state.overlay, Some(super::state::Overlay::Accounts { .. })) {
                    dirty = true;
                }
                exec.run(&mut state, tick_effects, &mut pending);
                // Countdowns move by the minute; redraw then, or when a message expires.
                if now.timestamp() / 60 != minute || had_notice != state.notice.is_some() {
                    minute = now.timestamp() / 60;
                    dirty = true;
                    if exec.store.wake_snoozed(now).unwrap_or(0) > 0 {
                        pending.extend(exec.reload(&mut state));
                    }
                }
                // Another writer (sync, a second hearth) committed: re-read.
                let version = exec.store.data_version().ok();
                if version != last_version {
                    last_version = version;
                    pending.extend(exec.reload(&mut state));
                }
            }
        }
    }
    draft_sync.flush(exec.store, &state);
    tracing::info!("ui stopped");
    match stopped_by {
        Some(signal) => Err(StoppedBySignal(signal).into()),
        None => Ok(()),
    }
}

/// The signals that ask a program to stop politely.
struct StopSignals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    quit: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            quit: signal(SignalKind::quit())?,
        })
    }

    /// The number of the next signal that arrives.
    async fn next(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => 15,
            _ = self.hup.recv() => 1,
            _ = self.quit.recv() => 3,
        }
    }
}

/// Carries out effects: slow reads go to a background lane, everything else
/// runs inline against the store (through the core for writes).
struct Executor<'a> {
    store: &'a mut Store,
    assess: &'a dyn Assess,
    jobs: &'a mut Jobs,
}

impl Executor<'_> {
    fn run(&mut self, state: &mut State, effects: Vec<Effect>, out: &mut VecDeque<Action>) {
        let now = Utc::now();
        for fx in effects {
            match fx {
                Effect::Search(query) => self.jobs.request(Request::Search(query)),
                Effect::LoadCounts(filter) => self.jobs.request(Request::Counts(filter)),
                Effect::RefreshOrder => self.jobs.request(Request::RefreshOrder(
                    state.config.targets.promotion_steps(),
                )),
                fx => {
                    if let Some(action) = execute(self.store, self.assess, state, fx, now) {
                        out.push_back(action);
                    }
                }
            }
        }
    }

    /// Urgent news among newly arrived messages: run the alert command and tell
    /// `update` (which rings the bell).
    fn alerts(&mut self, state: &State, conversations: &[i64]) -> Vec<Action> {
        match crate::inbox::alert::check(
            self.store,
            &state.config,
            self.assess,
            conversations,
            Utc::now(),
        ) {
            Ok(alerts) => alerts
                .into_iter()
                .map(|a| {
                    crate::inbox::alert::notify(&state.config, &a);
                    Action::Sync(SyncEvent::Alert {
                        conversation_id: a.conversation_id,
                        why: a.why,
                    })
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot check for urgent messages");
                Vec::new()
            }
        }
    }

    /// Another writer committed (sync, a second hearth): re-read what is shown.
    fn reload(&mut self, state: &mut State) -> VecDeque<Action> {
        let mut out = VecDeque::new();
        let mut effects = state.reload();
        if let Some(c) = &state.open {
            effects.push(Effect::LoadConversation(c.id));
        }
        // The engine (or another process) may have moved outbox items or account states.
        effects.extend([Effect::LoadOutbox, Effect::LoadAccounts]);
        self.run(state, effects, &mut out);
        out
    }
}

/// Suspend the TUI, run `$VISUAL`/`$EDITOR` (or `vi`) on a temp file holding the draft,
/// then take the terminal back and return the edited text.
fn edit_in_editor(guard: &mut TerminalGuard, draft: &str) -> Result<String, String> {
    use std::io::Write;
    let mut file = tempfile::Builder::new()
        .prefix("hearth-reply-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create a temp file: {e}"))?;
    file.write_all(super::composer_keys::editor_file_text(draft).as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the draft: {e}"))?;
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi").to_string();
    let args: Vec<&str> = words.collect();

    guard.suspend();
    let status = std::process::Command::new(&program)
        .args(&args)
        .arg(file.path())
        .status();
    let resumed = guard.resume();
    if let Err(e) = resumed {
        return Err(format!("cannot restore the terminal: {e}"));
    }
    match status {
        Ok(s) if s.success() => std::fs::read_to_string(file.path())
            .map_err(|e| format!("cannot read the edited draft: {e}")),
        Ok(s) => Err(format!("{program} exited with {s}; draft unchanged")),
        Err(e) => Err(format!("cannot run {program}: {e}")),
    }
}
