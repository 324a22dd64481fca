//! Private by default, through the real binary started with a umask of 000 and
//! 022 (`sh -c 'umask …; exec hearth …'`): the data directory is 0700 and the
//! cache, its WAL and SHM, the log and tokens are 0600. A symbolic link planted
//! in `tokens/` is refused, and `doctor` names whatever others can read with the
//! chmod that fixes it.
#![cfg(unix)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{Answer, Fake, Home, mode, text};

/// `hearth args…` started by `sh` with `umask` set first, in `home`'s environment.
fn with_umask(home: &Home, umask: &str, args: &[&str]) -> Command {
    let plain = home.command(args);
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(plain.get_program())
        .args(plain.get_args());
    for (key, value) in plain.get_envs() {
        match value {
            Some(value) => sh.env(key, value),
            None => sh.env_remove(key),
        };
    }
    sh.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    sh
}

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sidecar(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

const LINE: &str = r#"{"account":"a","platform":"yelp","kind":"review","thread_id":"t","id":"1","author":"Sam","text":"Cold food","sent_at":"2024-05-02T09:15:00Z","rating":2}"#;

#[test]
fn the_cache_its_wal_and_the_log_are_private_whatever_the_umask() {
    for umask in ["000", "022"] {
        let home = Home::new();
        // `import -` opens (and migrates) the cache, then waits for standard input:
        // the WAL and SHM files exist while it waits.
        let mut child = with_umask(&home, umask, &["import", "-"])
            .spawn()
            .expect("start hearth");
        let db = home.db();
        wait_for(&sidecar(&db, "-shm"));
        wait_for(&sidecar(&db, "-wal"));
        let data_home = home.path().join("data");
        for dir in [&data_home, &home.data_dir()] {
            assert_eq!(mode(dir), 0o700, "umask {umask}: {}", dir.display());
        }
        for file in [db.clone(), sidecar(&db, "-wal"), sidecar(&db, "-shm")] {
            assert_eq!(mode(&file), 0o600, "umask {umask}: {}", file.display());
        }
        let mut stdin = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut stdin, LINE.as_bytes()).expect("write");
        drop(stdin);
        let out = child.wait_with_output().expect("hearth finished");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let logs: Vec<_> = std::fs::read_dir(home.data_dir())
            .expect("data dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("hearth.log"))
            .collect();
        assert_eq!(logs.len(), 1);
        assert_eq!(mode(&logs[0].path()), 0o600, "umask {umask}: log");

        // A cache named with --db in a directory that does not exist yet.
        let elsewhere = home.path().join("new/dir/cache.sqlite3");
        let mut cmd = with_umask(
            &home,
            umask,
            &["--db", elsewhere.to_str().expect("utf-8"), "import", "-"],
        );
        cmd.stdin(std::process::Stdio::null());
        let out = cmd.output().expect("hearth");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(mode(&home.path().join("new")), 0o700, "umask {umask}");
        assert_eq!(mode(&home.path().join("new/dir")), 0o700, "umask {umask}");
        assert_eq!(mode(&elsewhere), 0o600, "umask {umask}");
    }
}

/// A loopback Mastodon that knows just enough of the OAuth flow for `hearth login`.
fn login_server() -> Fake {
    Fake::start(|seen| match seen.path.as_str() {
        "/api/v1/apps" => Answer::json(200, r#"{"client_id":"cid","client_secret":"csecret"}"#),
        "/oauth/token" => Answer::json(200, r#"{"access_token":"tok-logged-in-123"}"#),
        "/api/v1/accounts/verify_credentials" => {
            Answer::json(200, r#"{"id":"7","acct":"northwind"}"#)
        }
        _ => Answer::json(404, r#"{"error":"not found"}"#),
    })
}

#[test]
fn login_writes_a_private_token_whatever_the_umask() {
    let server = login_server();
    for umask in ["000", "022"] {
        let home = Home::new();
        let cmd = with_umask(
            &home,
            umask,
            &[
                "login",
                "mastodon",
                "--instance",
                &server.base_url,
                "--account",
                "nw",
            ],
        );
        let out = support::run(cmd, Some(b"the-code\n"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        let tokens = home.data_dir().join("tokens");
        assert_eq!(mode(&tokens), 0o700, "umask {umask}");
        let token = tokens.join("nw.token");
        assert_eq!(mode(&token), 0o600, "umask {umask}");
        assert_eq!(
            std::fs::read_to_string(&token).expect("token").trim(),
            "tok-logged-in-123"
        );
        assert!(!text(&out.stdout).contains("tok-logged-in-123"));
    }
}

#[test]
fn a_symlink_planted_in_tokens_is_refused() {
    let server = login_server();
    let home = Home::new();
    let tokens = home.data_dir().join("tokens");
    std::fs::create_dir_all(&tokens).expect("tokens dir");
    let victim = home.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").expect("victim");
    std::os::unix::fs::symlink(&victim, tokens.join("nw.token")).expect("plant link");

    let out = home.run(
        &[
            "login",
            "mastodon",
            "--instance",
            &server.base_url,
            "--account",
            "nw",
        ],
        Some(b"the-code\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious\n"
    );

    // Reading through the link is refused too: the sync engine would send the
    // link target's contents as a token.
    home.write_config(&format!(
        "[[account]]\nname = \"nw\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\n",
        server.base_url
    ));
    let out = home.run(&["doctor"], None);
    let report = text(&out.stdout);
    assert!(report.contains("symbolic link"), "{report}");
    assert!(!report.contains("precious"), "{report}");

    // A tokens/ directory that is itself a link is refused as well.
    std::fs::remove_file(tokens.join("nw.token")).expect("unplant");
    std::fs::remove_dir(&tokens).expect("rmdir");
    let outside = home.path().join("outside");
    std::fs::create_dir(&outside).expect("outside");
    std::os::unix::fs::symlink(&outside, &tokens).expect("plant dir link");
    let out = home.run(
        &[
            "login",
            "mastodon",
            "--instance",
            &server.base_url,
            "--account",
            "nw",
        ],
        Some(b"the-code\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&outside).expect("outside").count(), 0);
}

#[test]
fn doctor_names_what_others_can_read_with_the_fix() {
    let home = Home::new();
    let out = home.run(&["import", "-"], Some(LINE.as_bytes()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let set = |path: &Path, bits: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(bits)).expect("chmod");
    };
    let tokens = home.data_dir().join("tokens");
    std::fs::create_dir(&tokens).expect("tokens");
    std::fs::write(tokens.join("old.token"), "tok").expect("token");
    set(&tokens.join("old.token"), 0o644);
    set(&tokens, 0o755);
    set(&home.db(), 0o644);
    set(&home.data_dir(), 0o755);

    let out = home.run(&["doctor"], None);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    let files = report.split("\nfiles\n").nth(1).expect("a files section");
    for (path, fix) in [
        (home.data_dir(), "chmod 700"),
        (tokens.clone(), "chmod 700"),
        (tokens.join("old.token"), "chmod 600"),
        (home.db(), "chmod 600"),
    ] {
        let line = format!("fix: {fix} {}", path.display());
        assert!(files.contains(&line), "{line} missing in:\n{files}");
    }
    // Applying the fixes makes the section clean.
    for line in files.lines() {
        if let Some(fix) = line.trim().strip_prefix("fix: chmod ") {
            let (bits, path) = fix.split_once(' ').expect("chmod BITS PATH");
            set(
                Path::new(path),
                u32::from_str_radix(bits, 8).expect("octal"),
            );
        }
    }
    let out = home.run(&["doctor"], None);
    let report = text(&out.stdout);
    let files = report.split("\nfiles\n").nth(1).expect("a files section");
    assert!(!files.contains("PROBLEM"), "{files}");
    assert!(files.contains("only you can read"), "{files}");
}
