//! Shared by the hardening tests (hostile, url_policy, private_files, doctor):
//! running the real binary in a private home, a byte scan for anything that
//! could drive a terminal, and a tiny scriptable HTTP server on 127.0.0.1.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

/// A throwaway HOME with hearth's config and data directories inside.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `$XDG_CONFIG_HOME/hearth`.
    pub fn config_dir(&self) -> PathBuf {
        self.path().join("config/hearth")
    }

    /// `$XDG_DATA_HOME/hearth`: cache, logs, tokens.
    pub fn data_dir(&self) -> PathBuf {
        self.path().join("data/hearth")
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir().join("hearth.sqlite3")
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let dir = self.config_dir();
        std::fs::create_dir_all(&dir).expect("config dir");
        let path = dir.join("config.toml");
        std::fs::write(&path, text).expect("config");
        // Private, as doctor asks: otherwise every doctor run reports it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .expect("chmod config");
        }
        path
    }

    /// Every log file's bytes, concatenated.
    pub fn log(&self) -> Vec<u8> {
        let mut all = Vec::new();
        if let Ok(entries) = std::fs::read_dir(self.data_dir()) {
            for entry in entries.flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("hearth.log")
                {
                    all.extend(std::fs::read(entry.path()).expect("log file"));
                }
            }
        }
        all
    }

    /// The binary with this home's environment, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
        cmd.args(args)
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env_remove("HEARTH_DB")
            .env_remove("HEARTH_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Run hearth with `args`, feeding `stdin`.
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        run(self.command(args), stdin)
    }
}

/// The permission bits of `path` (not following a link).
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    path.symlink_metadata()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Start `cmd`, write `stdin`, wait for it.
pub fn run(mut cmd: Command, stdin: Option<&[u8]>) -> Output {
    let mut child = cmd.spawn().expect("start hearth");
    let mut input = child.stdin.take().expect("stdin is piped");
    // A writer thread: a large input must not deadlock against a full stdout pipe.
    let data = stdin.map(<[u8]>::to_vec);
    let writer = std::thread::spawn(move || {
        if let Some(data) = data {
            let _ = input.write_all(&data);
        }
    });
    let out = child.wait_with_output().expect("wait for hearth");
    writer.join().expect("stdin writer");
    out
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the scan found wrong, if anything: any ESC (so no CSI, OSC, DCS, APC,
/// PM or SOS), any C1 control (the 8-bit forms of the same), any other C0
/// control but newline (BEL, CR, BS…), DEL, a bidi embedding/override/isolate,
/// or bytes that are not UTF-8 (a lone 0x9B is a CSI to some terminals).
pub fn terminal_hazard(bytes: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Some(format!("not UTF-8 at byte {}", e.valid_up_to())),
    };
    for (offset, c) in text.char_indices() {
        let bad = match c {
            '\n' => false,
            '\u{1b}' => true,
            c if c.is_control() => true,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
            _ => false,
        };
        if bad {
            let near: String = text[offset..].chars().take(40).collect();
            return Some(format!(
                "U+{:04X} at byte {offset}, before {near:?}",
                u32::from(c)
            ));
        }
    }
    None
}

/// Fail with `what` and the spot when `bytes` could drive a terminal.
pub fn assert_inert(what: &str, bytes: &[u8]) {
    if let Some(problem) = terminal_hazard(bytes) {
        panic!("{what}: {problem}");
    }
}

/// One request the fake server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the fake answers: status, extra headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn redirect(to: &str) -> Answer {
        Answer {
            status: 302,
            headers: vec![("location".into(), to.into())],
            body: String::new(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Answer + Send + Sync;

/// An HTTP server on 127.0.0.1 (a free port) that answers with `handler` and
/// records every request. It runs on its own thread until dropped.
pub struct Fake {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Fake {
    pub fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Fake {
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let record = seen.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("fake runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0");
                let addr = listener.local_addr().expect("address");
                let app = Router::new().fallback(
                    move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                        let handler = handler.clone();
                        let record = record.clone();
                        async move {
                            let seen = Seen {
                                method: method.to_string(),
                                path: uri.path().to_string(),
                                query: uri.query().unwrap_or("").to_string(),
                                headers: headers
                                    .iter()
                                    .map(|(k, v)| {
                                        (k.to_string(), v.to_str().unwrap_or("").to_string())
                                    })
                                    .collect(),
                                body: String::from_utf8_lossy(&body).into_owned(),
                            };
                            let answer = handler(&seen);
                            record.lock().unwrap_or_else(|e| e.into_inner()).push(seen);
                            respond(answer)
                        }
                    },
                );
                let _ = ready_tx.send(format!("http://{addr}"));
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        let base_url = ready_rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("fake server started");
        Fake {
            base_url,
            seen,
            stop: Some(stop_tx),
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn respond(answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body).into_response();
    for (k, v) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(k.as_str()),
            axum::http::HeaderValue::try_from(v.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
