//! The URL policy through the real binary, against loopback fakes: no redirect
//! to another origin is followed (doctor and sync), a same-origin one is, no
//! Referer is ever sent, and a URL with `user:password@` is refused at its
//! `file:line:col` without repeating the password.

mod support;

use support::{Answer, Fake, Home, text};

const TOKEN: &str = "tok-url-policy-1234";

fn mastodon_config(home: &Home, base_url: &str) {
    home.write_config(&format!(
        "[[account]]\nname = \"m\"\nplatform = \"mastodon\"\nbase_url = \"{base_url}\"\n\
         token_env = \"HEARTH_URL_TOKEN\"\n"
    ));
}

fn run(home: &Home, args: &[&str]) -> std::process::Output {
    let mut cmd = home.command(args);
    cmd.env("HEARTH_URL_TOKEN", TOKEN);
    support::run(cmd, None)
}

#[test]
fn a_redirect_to_another_origin_is_not_followed() {
    // Where a hijacked request would land: it must never hear from hearth.
    let elsewhere = Fake::start(|_| Answer::json(200, r#"{"id":"1","acct":"thief"}"#));
    let target = format!("{}/api/v1/accounts/verify_credentials", elsewhere.base_url);
    let origin = Fake::start(move |_| Answer::redirect(&target));
    let home = Home::new();
    mastodon_config(&home, &origin.base_url);

    let out = run(&home, &["doctor"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let report = text(&out.stdout);
    assert!(
        report.contains("refusing a redirect to another origin"),
        "{report}"
    );
    assert!(report.contains(&elsewhere.base_url), "{report}");

    let out = run(&home, &["sync", "--once"]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(!origin.requests().is_empty());
    assert!(
        elsewhere.requests().is_empty(),
        "a request followed the redirect: {:?}",
        elsewhere.requests()
    );
}

#[test]
fn a_same_origin_redirect_is_followed_and_no_referer_is_sent() {
    let origin = Fake::start(|seen| {
        if seen.query.contains("moved=1") {
            Answer::json(200, r#"{"id":"1","acct":"northwind"}"#)
        } else {
            Answer::redirect("/api/v1/accounts/verify_credentials?moved=1")
        }
    });
    let home = Home::new();
    mastodon_config(&home, &origin.base_url);
    let out = run(&home, &["doctor"]);
    let report = text(&out.stdout);
    assert!(
        report.contains("the server accepts the credentials (@northwind)"),
        "{report}"
    );
    assert_eq!(out.status.code(), Some(0), "{report}");
    let seen = origin.requests();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        seen[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        seen.iter().all(|s| s.header("referer").is_none()),
        "{seen:?}"
    );
}

#[test]
fn a_password_in_a_configured_url_is_refused_at_its_place() {
    let home = Home::new();
    let config = home.write_config(
        "agent = \"Sam\"\n[[account]]\nname = \"m\"\nplatform = \"mastodon\"\n\
         base_url = \"http://alice:hunter2@127.0.0.1:9\"\n",
    );
    let out = run(&home, &["accounts"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!("hearth: {}:5:13: base_url ", config.display())),
        "{stderr}"
    );
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("alice"),
        "{stderr}"
    );

    home.write_config(
        "[[account]]\nname = \"g\"\nplatform = \"google\"\n\
         token_url = \"https://client:s3cret@oauth2.example/token\"\n",
    );
    let out = run(&home, &["doctor"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("config.toml:4:14: token_url "), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");

    std::fs::remove_file(config).expect("remove config");
    let out = run(
        &home,
        &[
            "login",
            "mastodon",
            "--instance",
            "https://alice:hunter2@social.example",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("user name or password"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
