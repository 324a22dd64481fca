//! End to end: the real `hearth demo` binary in a pseudo-terminal. Open the demo,
//! move, filter by tier, open the playbook picker, type a filter, insert, send,
//! quit; then check the screen at each step, the cache, and that the terminal
//! was handed back in the state it was given.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 30;
const COLS: u16 = 110;
const WAIT: Duration = Duration::from_secs(20);

/// Everything the program wrote, and the screen it amounts to.
struct Terminal {
    state: Mutex<(vt100::Parser, Vec<u8>)>,
    changed: Condvar,
}

impl Terminal {
    fn raw(&self) -> Vec<u8> {
        self.state.lock().expect("screen lock").1.clone()
    }

    /// Wait until `ready` holds for the screen; panics with the screen if it never does.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut guard = self.state.lock().expect("screen lock");
        loop {
            let screen = guard.0.screen().contents();
            if ready(&screen) {
                return screen;
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            };
            guard = self
                .changed
                .wait_timeout(guard, left)
                .expect("screen lock")
                .0;
        }
    }

    /// Wait until the raw output contains `needle` (for bytes that leave no trace on screen).
    fn wait_for_bytes(&self, needle: &[u8]) {
        let deadline = Instant::now() + WAIT;
        let mut guard = self.state.lock().expect("screen lock");
        while !guard.1.windows(needle.len()).any(|w| w == needle) {
            let left = deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_else(|| {
                    panic!(
                        "never saw {:?} in the output",
                        String::from_utf8_lossy(needle)
                    )
                });
            guard = self
                .changed
                .wait_timeout(guard, left)
                .expect("screen lock")
                .0;
        }
    }
}

/// Rows of the queue pane (left column) that carry a tier badge: "T1".."T5",
/// with an arrow ("T2↑") when an overdue row sorts above its tier.
fn queue_tiers(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|line| {
            let inner: String = line.chars().skip(1).take(5).collect();
            let badge = inner.trim_start_matches([' ', '▌']);
            // A row's badge is T1..T5; the header row's plain "T" names the column.
            let tier = badge.get(..2)?;
            let promoted = badge[2..].starts_with('↑');
            (tier.starts_with('T') && tier[1..].chars().all(|c| c.is_ascii_digit()))
                .then(|| format!("{tier}{}", if promoted { "↑" } else { "" }))
        })
        .collect()
}

/// The row sorts as tier 1: a tier-1 row, or an overdue one promoted (the most
/// overdue rows climb to the top; see `model::sort_tier`).
fn sorts_first(badge: &str) -> bool {
    badge == "T1" || badge.ends_with('↑')
}

fn pane_title(screen: &str) -> String {
    screen.lines().next().unwrap_or("").to_string()
}

fn spawn_reader(mut reader: Box<dyn Read + Send>, term: Arc<Terminal>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        loop {
            let n = reader.read(&mut buf).unwrap_or(0);
            if n == 0 {
                return;
            }
            let mut guard = term.state.lock().expect("screen lock");
            guard.0.process(&buf[..n]);
            guard.1.extend_from_slice(&buf[..n]);
            term.changed.notify_all();
        }
    });
}

fn command(home: &Path, args: &[&str]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_hearth"));
    cmd.args(args);
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("HEARTH_DB");
    cmd.env_remove("EDITOR");
    cmd.env_remove("VISUAL");
    cmd
}

#[test]
fn demo_session_from_open_to_send_to_quit() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.sqlite3");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let db_arg = db.to_str().unwrap();
    let mut child = pty
        .slave
        .spawn_command(command(home.path(), &["--db", db_arg, "demo"]))
        .unwrap();
    let term = Arc::new(Terminal {
        state: Mutex::new((vt100::Parser::new(ROWS, COLS, 0), Vec::new())),
        changed: Condvar::new(),
    });
    spawn_reader(pty.master.try_clone_reader().unwrap(), Arc::clone(&term));
    let mut keys = pty.master.take_writer().unwrap();
    let mut press = |bytes: &[u8]| {
        keys.write_all(bytes).unwrap();
        keys.flush().unwrap();
    };

    // Open: the queue, the thread and the status bar with counts and live sync.
    let screen = term.wait_for("the first frame", |s| {
        s.contains("demo: live") && queue_tiers(s).len() > 5
    });
    assert!(screen.contains("overdue"), "{screen}");
    let first = queue_tiers(&screen)[0].clone();
    assert!(
        sorts_first(&first),
        "tier 1 (or an overdue climber) first: {first}"
    );
    let first_title = pane_title(&screen);

    // Move: the open conversation follows the selection.
    press(b"j");
    term.wait_for("the selection to move", |s| pane_title(s) != first_title);

    // Filter: only tier 2 in the queue.
    press(b"2");
    let screen = term.wait_for("the tier-2 filter", |s| {
        let tiers = queue_tiers(s);
        !tiers.is_empty() && tiers.iter().all(|t| t.starts_with("T2"))
    });
    assert!(!queue_tiers(&screen).iter().any(|t| t.starts_with("T1")));
    press(b"0");
    term.wait_for("the filter to clear", |s| {
        let tiers = queue_tiers(s);
        tiers.iter().any(|t| t.starts_with("T1")) && tiers.first().is_some_and(|t| sorts_first(t))
    });

    // Search as you type runs off the UI task; the results still arrive and show.
    press(b"/");
    press(b"refund");
    term.wait_for("search results", |s| {
        s.contains("Search: refund") && !queue_tiers(s).is_empty()
    });
    press(b"\x1b");
    term.wait_for("search to close", |s| !s.contains("Search: refund"));

    // Picker: open it, type a filter, insert the best match.
    press(b"p");
    term.wait_for("the playbook picker", |s| s.contains("Playbooks"));
    press(b"refund");
    let screen = term.wait_for("the filtered picker", |s| {
        s.contains("> refund") && s.contains("complaint")
    });
    assert!(screen.contains("match"), "{screen}");
    // Tab picks the next template: "dm-solution", which has four fill-in blanks.
    press(b"\t");
    press(b"\r");
    let screen = term.wait_for("the inserted template", |s| {
        s.contains("inserted 'complaint'") && s.contains("Tab: next blank")
    });
    assert!(!screen.contains("{first_name}"), "placeholders are filled");
    // The first blank is selected: typing replaces it; Tab moves to the next one.
    press(b"the late order");
    press(b"\t");
    press(b"a full refund");
    // (The composer wraps at its width, so "the late order" may span two rows.)
    term.wait_for("the blanks to be filled", |s| {
        s.contains("late order") && s.contains("a full refund")
    });

    // Send: two blanks are still unfilled, so the guards stop it and say why.
    press(b"\x13");
    term.wait_for("the guard warning", |s| s.contains("reply guard(s) warn"));
    // The explicit second key (ctrl-g) sends it anyway; the override is recorded.
    press(b"\x07");
    term.wait_for("the reply to be queued", |s| {
        s.contains("reply queued") && s.contains("despite")
    });

    // Help lists keys from the keymap.
    press(b"?");
    term.wait_for("the help overlay", |s| {
        s.contains("Help") && s.contains("ctrl-s")
    });
    press(b"\x1b");
    term.wait_for("help to close", |s| !s.contains("Help —"));

    press(b"q");
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
    term.wait_for_bytes(b"\x1b[?1049l");

    // The terminal is handed back: alternate screen left and cursor shown, after
    // the last time they were changed.
    let raw = term.raw();
    let find_last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = find_last(b"\x1b[?1049h").expect("entered the alternate screen");
    let left = find_last(b"\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered);
    let shown = find_last(b"\x1b[?25h").expect("cursor shown again");
    assert!(find_last(b"\x1b[?25l").is_none_or(|hidden| shown > hidden));

    // Raw mode is off again: a program run on the same terminal sees echo and
    // canonical input.
    let mut stty = CommandBuilder::new("stty");
    stty.arg("-a");
    let mut probe = pty.slave.spawn_command(stty).unwrap();
    probe.wait().unwrap();
    let after = term.wait_for("stty's report", |s| s.contains("icanon"));
    assert!(
        after.contains(" icanon") && after.contains(" echo "),
        "{after}"
    );
    assert!(!after.contains("-icanon"), "{after}");

    // The reply is in the cache as an outbound message with an outbox entry.
    let store = hearth::store::Store::open(&db).unwrap();
    let outbox = store
        .outbox(hearth::model::OutboxState::Queued, 10)
        .unwrap();
    let sent = store.outbox(hearth::model::OutboxState::Sent, 10).unwrap();
    let item = outbox
        .iter()
        .chain(sent.iter())
        .next()
        .expect("an outbox entry");
    assert!(item.body.contains("sorry"), "{}", item.body);
    assert!(
        item.body.contains("the late order") && item.body.contains("a full refund"),
        "{}",
        item.body
    );
    let thread = store.messages(item.conversation_id, 50).unwrap();
    assert_eq!(thread.last().unwrap().body, item.body);
}

#[test]
fn a_panic_still_restores_the_terminal_and_explains_itself() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.sqlite3");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = command(home.path(), &["--db", db.to_str().unwrap(), "demo"]);
    cmd.env("HEARTH_DEBUG_PANIC_AFTER_DRAW", "1");
    cmd.env("RUST_BACKTRACE", "0");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    let term = Arc::new(Terminal {
        state: Mutex::new((vt100::Parser::new(ROWS, COLS, 0), Vec::new())),
        changed: Condvar::new(),
    });
    spawn_reader(pty.master.try_clone_reader().unwrap(), Arc::clone(&term));
    let status = child.wait().unwrap();
    assert!(!status.success(), "a panic is a failure exit");
    term.wait_for_bytes(b"\x1b[?1049l");
    let screen = term.wait_for("the panic message", |s| s.contains("panic requested"));
    assert!(!screen.contains("Queue ("), "the inbox is gone: {screen}");
    let raw = term.raw();
    let find_last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    assert!(find_last(b"\x1b[?1049l") > find_last(b"\x1b[?1049h"));

    let mut stty = CommandBuilder::new("stty");
    stty.arg("-a");
    pty.slave.spawn_command(stty).unwrap().wait().unwrap();
    let after = term.wait_for("stty's report", |s| s.contains("icanon"));
    assert!(
        !after.contains("-icanon") && !after.contains("-echo "),
        "{after}"
    );
}

/// What a session hands the test: the process, its screen and its keyboard.
type Session = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Arc<Terminal>,
    Box<dyn Write + Send>,
);

/// One inbox session on `db` in a fresh pseudo-terminal.
fn session(home: &Path, db: &str) -> Session {
    session_sized(home, db, ROWS, COLS)
}

/// `session` in a terminal of `rows` × `cols`.
fn session_sized(home: &Path, db: &str, rows: u16, cols: u16) -> Session {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let child = pty
        .slave
        .spawn_command(command(home, &["--db", db]))
        .expect("start hearth");
    let term = Arc::new(Terminal {
        state: Mutex::new((vt100::Parser::new(rows, cols, 0), Vec::new())),
        changed: Condvar::new(),
    });
    spawn_reader(
        pty.master.try_clone_reader().expect("a reader"),
        Arc::clone(&term),
    );
    let keys = pty.master.take_writer().expect("a writer");
    (child, term, keys)
}

#[test]
fn sigterm_restores_the_terminal_and_a_draft_survives_into_the_next_session() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();
    let seed = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["--db", &db, "demo", "--seed-only"])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap();
    assert!(seed.status.success());

    let (mut child, term, mut keys) = session(home.path(), &db);
    term.wait_for("the first frame", |s| queue_tiers(s).len() > 5);
    keys.write_all(b"r").unwrap();
    keys.write_all(b"Half-written answer about delivery")
        .unwrap();
    keys.flush().unwrap();
    term.wait_for("the draft", |s| {
        s.contains("Half-written answer about delivery")
    });
    // Give the once-a-second draft flush no chance to matter: the signal path
    // itself must keep the draft.
    let pid = child.process_id().expect("a pid");
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.exit_code(), 143, "128 + SIGTERM");
    term.wait_for_bytes(b"\x1b[?1049l");
    let raw = term.raw();
    let find_last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    assert!(find_last(b"\x1b[?1049l") > find_last(b"\x1b[?1049h"));
    let shown = find_last(b"\x1b[?25h").expect("cursor shown again");
    assert!(find_last(b"\x1b[?25l").is_none_or(|hidden| shown > hidden));

    let store = hearth::store::Store::open(Path::new(&db)).unwrap();
    let drafts = store.drafts().unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0].1, "Half-written answer about delivery");
    drop(store);

    // A new session shows the draft on the same conversation; `q` keeps it too.
    let (mut child, term, mut keys) = session(home.path(), &db);
    term.wait_for("the kept draft", |s| s.contains("Half-written answer"));
    keys.write_all(b"q").unwrap();
    keys.flush().unwrap();
    assert!(child.wait().unwrap().success());
    let store = hearth::store::Store::open(Path::new(&db)).unwrap();
    assert_eq!(store.drafts().unwrap().len(), 1);
}

#[test]
fn scrolling_past_emoji_and_wide_text_leaves_no_residue() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();
    let mut store = hearth::store::Store::open(Path::new(&db)).unwrap();
    let texts = [
        "👨\u{200D}👩\u{200D}👧\u{200D}👦 family day 🇯🇵🇫🇷🏳\u{FE0F}\u{200D}🌈 how much?",
        "漢字と絵文字 🎉🎉 全角テキストです いくらですか",
        "Z\u{0334}\u{0335}\u{0336}\u{0337}\u{0338}\u{0321}\u{0322}algo refund please",
        "zero\u{200B}width\u{2060}joiners\u{FEFF} ❤\u{FE0F} do you deliver?",
    ];
    let now = chrono::Utc::now();
    let messages = (0..40)
        .map(|i| hearth::model::IncomingMessage {
            account: "wide".into(),
            platform: hearth::model::Platform::Instagram,
            kind: hearth::model::Kind::Comment,
            thread_id: format!("t{i}"),
            platform_id: format!("m{i}"),
            direction: hearth::model::Direction::Inbound,
            author: format!("名前 {i} 👩\u{200D}💻"),
            body: texts[i % texts.len()].to_string(),
            sent_at: now - chrono::Duration::minutes(i as i64),
            context: None,
            brand: None,
            location: None,
            rating: None,
        })
        .collect();
    let triage = hearth::triage::Triage::new(&hearth::config::Config::default()).unwrap();
    store
        .ingest(
            &hearth::model::IngestPage {
                messages,
                cursor: None,
            },
            &triage,
        )
        .unwrap();
    drop(store);

    let (mut child, term, mut keys) = session(home.path(), &db);
    let first = term.wait_for("the first frame", |s| queue_tiers(s).len() > 5);
    // The queue pane's right border column, from its top-right corner.
    let top = first.lines().next().unwrap_or_default();
    let border_col = top
        .chars()
        .position(|c| c == '┓' || c == '┐')
        .expect("the queue pane's corner");
    for _ in 0..35 {
        keys.write_all(b"j").unwrap();
    }
    keys.flush().unwrap();
    term.wait_for("the cursor near the end", |s| {
        s.contains("名前 3") || s.contains("名前 4")
    });
    std::thread::sleep(Duration::from_millis(300));
    {
        let guard = term.state.lock().unwrap();
        let screen = guard.0.screen();
        let (rows, _) = screen.size();
        // What reaches the terminal has no joiners or selectors for it to draw at
        // a width of its own choosing (vt100 counts them as the width tables do,
        // so it cannot show the shift a real terminal makes; their absence can).
        let contents = screen.contents();
        assert!(
            !contents.contains('\u{200D}') && !contents.contains('\u{FE0F}'),
            "{contents}"
        );
        for row in 1..rows.saturating_sub(3) {
            let cell = screen
                .cell(row, u16::try_from(border_col).unwrap())
                .map(|c| c.contents().to_string())
                .unwrap_or_default();
            if cell == "┗" || cell == "└" || cell == "┛" || cell == "┘" {
                break;
            }
            assert!(
                cell == "┃" || cell == "│",
                "row {row}: the queue border moved or left residue ({cell:?}):\n{}",
                screen.contents()
            );
        }
    }
    keys.write_all(b"q").unwrap();
    keys.flush().unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_holding_reply_meets_the_acknowledgment_and_the_item_stays_with_its_clock() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("cache.sqlite3");
    let db = db.to_str().unwrap().to_string();
    let now = chrono::Utc::now();
    let inbound =
        |thread: &str, author: &str, body: &str, minutes_ago: i64| hearth::model::IncomingMessage {
            account: "bakery-ig".into(),
            platform: hearth::model::Platform::Instagram,
            kind: hearth::model::Kind::Dm,
            thread_id: thread.into(),
            platform_id: format!("{thread}-1"),
            direction: hearth::model::Direction::Inbound,
            author: author.into(),
            body: body.into(),
            sent_at: now - chrono::Duration::minutes(minutes_ago),
            context: None,
            brand: Some("Acme Bakery".into()),
            location: None,
            rating: None,
        };
    let triage = hearth::triage::Triage::new(&hearth::config::Config::default()).unwrap();
    let mut store = hearth::store::Store::open(Path::new(&db)).unwrap();
    let lead = store
        .ingest(
            &hearth::model::IngestPage {
                messages: vec![
                    inbound(
                        "lead",
                        "Dana Kim",
                        "Hi! How much for a birthday cake for 20 people?",
                        2,
                    ),
                    inbound(
                        "question",
                        "Jin Park",
                        "What time do you open on Sundays?",
                        30,
                    ),
                    inbound(
                        "praise",
                        "Sam Lee",
                        "Loved the croissants this morning!",
                        40,
                    ),
                ],
                cursor: None,
            },
            &triage,
        )
        .unwrap()
        .touched[0];
    let before = store.conversation(lead).unwrap().unwrap();
    assert_eq!(before.tier, hearth::model::Tier::Revenue);
    let due = before.due_at.expect("a response target");
    assert!(
        before.ack_due_at.is_some(),
        "a tier-1 DM has an acknowledgment target"
    );
    drop(store);

    // Wide enough for the queue's ack column.
    let (mut child, term, mut keys) = session_sized(home.path(), &db, 30, 140);
    let mut press = |bytes: &[u8]| {
        keys.write_all(bytes).unwrap();
        keys.flush().unwrap();
    };
    term.wait_for("the lead open in the thread", |s| {
        s.contains("Dana Kim · 1 message") && s.contains("due in")
    });
    press(b"r");
    press(b"Hi Dana, thanks! Checking the cake sizes now, full answer within the hour.");
    term.wait_for("the draft", |s| s.contains("Checking the cake sizes"));
    // alt-a: send it as a holding reply.
    press(b"\x1ba");
    let screen = term.wait_for("the holding reply to be queued", |s| {
        s.contains("holding reply queued") && s.contains("✓ met")
    });
    assert!(screen.contains("the answer is still due in"), "{screen}");
    // Still in the queue, its response clock running, the ack column met.
    let row = screen
        .lines()
        .find(|l| l.contains("Dana Kim") && l.contains("T1"))
        .unwrap_or_else(|| panic!("the lead left the queue:\n{screen}"));
    assert!(row.contains("✓ met"), "{row}");
    assert!(
        row.split_whitespace()
            .any(|w| w.ends_with('m') && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())),
        "a countdown to the answer: {row}"
    );
    assert!(
        screen.contains("acknowledged"),
        "the thread header says so: {screen}"
    );
    press(b"q");
    assert!(child.wait().unwrap().success());

    let store = hearth::store::Store::open(Path::new(&db)).unwrap();
    let after = store.conversation(lead).unwrap().unwrap();
    assert_eq!(after.status, hearth::model::Status::Open);
    assert_eq!(after.due_at, Some(due), "the response target did not move");
    assert!(after.acknowledged_at.is_some());
    let thread = store.messages(lead, 10).unwrap();
    let ours = thread.last().expect("our holding reply");
    assert!(ours.acknowledgment && ours.body.contains("Checking the cake sizes"));
    drop(store);
    // Scripts see it too.
    let show = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["--db", &db, "show", &lead.to_string(), "--json"])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap();
    assert!(show.status.success());
    let json: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert!(json["acknowledged_at"].is_string(), "{json}");
    assert_eq!(json["status"], "open");
}

/// `hearth triage --reset-learning` asks y/N on a terminal: "n" (or Enter) keeps
/// what was learned, "y" forgets it.
#[test]
fn reset_learning_asks_before_it_forgets() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env_remove("HEARTH_DB")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["demo", "--seed-only"]);
    let queue: serde_json::Value = serde_json::from_str(&run(&["queue", "--json"])).unwrap();
    let id = queue[0]["id"].to_string();
    run(&["tier", &id, "5"]);

    let ask = |answer: &str| -> String {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut child = pty
            .slave
            .spawn_command(command(
                home.path(),
                &["--db", db, "triage", "--reset-learning"],
            ))
            .unwrap();
        let term = Arc::new(Terminal {
            state: Mutex::new((vt100::Parser::new(ROWS, COLS, 0), Vec::new())),
            changed: Condvar::new(),
        });
        spawn_reader(pty.master.try_clone_reader().unwrap(), Arc::clone(&term));
        let mut keys = pty.master.take_writer().unwrap();
        term.wait_for("the question", |s| s.contains("[y/N]"));
        keys.write_all(answer.as_bytes()).unwrap();
        keys.flush().unwrap();
        assert!(child.wait().unwrap().success());
        term.wait_for("the answer", |s| {
            s.contains("forgot") || s.contains("nothing")
        })
    };
    let kept = ask("n\r");
    assert!(kept.contains("from your 1 tier correction on"), "{kept}");
    assert!(kept.contains("nothing forgotten"), "{kept}");
    let forgot = ask("y\r");
    assert!(
        forgot.contains("forgot what triage learned from 1 tier correction"),
        "{forgot}"
    );
    assert!(run(&["triage", "--reset-learning", "--yes"]).contains("nothing learned"));
}
