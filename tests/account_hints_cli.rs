//! What `hearth accounts` and `hearth doctor` (the real binary) tell a user whose
//! account lacks a permission, whose polling is paced, or whose Graph version is
//! retired or about to be: the cause and the fix, read from the cache.

use chrono::Utc;
use hearth::model::AccountStatus;
use hearth::store::{AccountHints, AccountState, Store};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hearth(home: &Path, config: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HEARTH_HINTS_TOKEN", "not-a-real-token")
        .stdin(Stdio::null())
        .output()
        .expect("run hearth")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn accounts_and_doctor_name_the_cause_and_the_fix() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("config.toml");
    // Loopback base URLs on a closed port: doctor's reachability probe fails
    // fast, and no test ever talks to a real platform.
    std::fs::write(
        &config,
        "[[account]]\nname = \"shop-fb\"\nplatform = \"facebook\"\npage_id = \"1\"\n\
         base_url = \"http://127.0.0.1:9\"\ngraph_version = \"v17.0\"\n\
         token_env = \"HEARTH_HINTS_TOKEN\"\n\n\
         [[account]]\nname = \"shop-ig\"\nplatform = \"instagram\"\npage_id = \"1\"\n\
         ig_user_id = \"2\"\nbase_url = \"http://127.0.0.1:9\"\n\
         token_env = \"HEARTH_HINTS_TOKEN\"\n",
    )
    .expect("write config");
    let db = home.path().join("cache.sqlite3");
    let now = Utc::now();
    {
        let store = Store::open(&db).expect("cache");
        let state = |account: &str, state, error: Option<&str>| AccountState {
            account: account.into(),
            platform: "facebook".into(),
            state,
            last_sync_at: Some(now),
            next_attempt_at: Some(now + chrono::Duration::minutes(15)),
            last_error: error.map(str::to_string),
        };
        store
            .save_account_state(
                &state(
                    "shop-fb",
                    AccountStatus::NeedsPermission,
                    Some("Meta refused the app: (#200) Requires pages_messaging permission"),
                ),
                now,
            )
            .expect("save");
        store
            .set_account_hints(
                "shop-fb",
                &AccountHints {
                    fix: Some("add pages_messaging to the app and pass App Review".into()),
                    note: None,
                },
            )
            .expect("hints");
        store
            .save_account_state(&state("shop-ig", AccountStatus::Ok, None), now)
            .expect("save");
        store
            .set_account_hints(
                "shop-ig",
                &AccountHints {
                    fix: None,
                    note: Some("paced: 92% of the rate budget used".into()),
                },
            )
            .expect("hints");
    }

    let out = hearth(home.path(), &config, &db, &["accounts"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("needs-permission"), "{stdout}");
    assert!(
        stdout.contains("Requires pages_messaging permission"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: add pages_messaging to the app and pass App Review"),
        "{stdout}"
    );
    assert!(stdout.contains("note: paced: 92%"), "{stdout}");
    let json = hearth(home.path(), &config, &db, &["accounts", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(rows[0]["state"], "needs-permission");
    assert_eq!(
        rows[0]["fix"],
        "add pages_messaging to the app and pass App Review"
    );

    let out = hearth(home.path(), &config, &db, &["doctor"]);
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "problems found: {stdout}");
    assert!(
        stdout.contains("needs permission: Meta refused the app"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: add pages_messaging to the app and pass App Review"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Graph API v17.0 was retired on 2025-09-12"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "set graph_version = \"{}\"",
            hearth::config::DEFAULT_GRAPH_VERSION
        )),
        "{stdout}"
    );
    assert!(stdout.contains("last sync: paced: 92%"), "{stdout}");
}
