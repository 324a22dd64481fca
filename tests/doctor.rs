//! `hearth doctor` tests each account's credentials with the cheapest
//! authenticated call of its platform, against loopback fakes that answer 200,
//! 401, 403 or 5xx: "All good." only when the server accepted them, the right
//! fix otherwise, and never the token, even when the server echoes it.

mod support;

use std::sync::{Arc, Mutex};
use support::{Answer, Fake, Home, Seen, text};

const TOKEN: &str = "tok-doctor-5a4b3c2d1e";

/// What the fake should answer to the credential check.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Accept,
    Status(u16),
}

fn switchable(
    handler: impl Fn(&Seen, Mode) -> Answer + Send + Sync + 'static,
) -> (Fake, Arc<Mutex<Mode>>) {
    let mode = Arc::new(Mutex::new(Mode::Accept));
    let current = mode.clone();
    let fake = Fake::start(move |seen| {
        let mode = *current.lock().unwrap_or_else(|e| e.into_inner());
        handler(seen, mode)
    });
    (fake, mode)
}

fn doctor(home: &Home, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = home.command(&["doctor"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = support::run(cmd, None);
    support::assert_inert("doctor", &out.stdout);
    (out.status.code(), text(&out.stdout))
}

/// An error body that quotes the token it was sent. The `code` is what Graph
/// would say (190 bad token, 200 missing permission, 2 temporary); the other
/// platforms read only the message.
fn echo(status: u16, seen: &Seen) -> Answer {
    let sent = seen.header("authorization").unwrap_or("").to_string();
    let code = match status {
        403 => 200,
        500.. => 2,
        _ => 190,
    };
    Answer::json(
        status,
        serde_json::json!({"error": {"message": format!("rejected {sent}"), "code": code}})
            .to_string(),
    )
}

/// Run doctor with the fake in each mode and check the verdict and the advice.
fn check_modes(
    home: &Home,
    mode: &Mutex<Mode>,
    env: &[(&str, &str)],
    accepted: &str,
    advice_401: &str,
) {
    let set = |m: Mode| *mode.lock().unwrap_or_else(|e| e.into_inner()) = m;
    set(Mode::Accept);
    let (code, report) = doctor(home, env);
    assert!(report.contains(accepted), "{report}");
    assert!(report.contains("All good."), "{report}");
    assert_eq!(code, Some(0), "{report}");

    for (status, says, fix) in [
        (401, "rejected the credentials (HTTP 401)", advice_401),
        // Plain 403, or Meta's permission codes: either way "refused access" + a fix.
        (403, "refused access", "fix: "),
        (500, "the server failed (HTTP 500)", "again later"),
        (503, "the server failed (HTTP 503)", "status page"),
    ] {
        set(Mode::Status(status));
        let (code, report) = doctor(home, env);
        assert_eq!(code, Some(1), "{status}: {report}");
        assert!(report.contains(says), "{status}: {report}");
        assert!(report.contains(fix), "{status}: {report}");
        assert!(!report.contains("All good."), "{status}: {report}");
        assert!(
            !report.contains(TOKEN),
            "{status}: the token was printed: {report}"
        );
        for env_value in env.iter().map(|(_, v)| v) {
            assert!(
                !report.contains(env_value),
                "{status}: a secret was printed: {report}"
            );
        }
    }
}

#[test]
fn mastodon_credentials_are_verified() {
    let (fake, mode) = switchable(|seen, mode| {
        assert_eq!(seen.path, "/api/v1/accounts/verify_credentials");
        match mode {
            Mode::Accept if seen.header("authorization") == Some(&format!("Bearer {TOKEN}")) => {
                Answer::json(200, r#"{"id":"1","acct":"northwind"}"#)
            }
            Mode::Accept => Answer::json(401, r#"{"error":"wrong token"}"#),
            Mode::Status(s) => echo(s, seen),
        }
    });
    let home = Home::new();
    home.write_config(&format!(
        "[[account]]\nname = \"nw\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\n\
         token_env = \"HEARTH_DOCTOR_TOKEN\"\n",
        fake.base_url
    ));
    check_modes(
        &home,
        &mode,
        &[("HEARTH_DOCTOR_TOKEN", TOKEN)],
        "the server accepts the credentials (@northwind)",
        "hearth login mastodon --account nw",
    );
}

#[test]
fn facebook_and_instagram_ask_for_their_own_object() {
    let (fake, mode) = switchable(|seen, mode| {
        // The path is /{graph version}/{object id}: answer with the object id.
        let id = seen.path.rsplit('/').next().unwrap_or_default().to_string();
        assert!(seen.query.contains("fields=id"), "{seen:?}");
        match mode {
            Mode::Accept => Answer::json(200, serde_json::json!({ "id": id }).to_string()),
            Mode::Status(s) => echo(s, seen),
        }
    });
    let home = Home::new();
    home.write_config(&format!(
        "[[account]]\nname = \"fb\"\nplatform = \"facebook\"\nbase_url = \"{0}\"\n\
         page_id = \"1122334455\"\ntoken_env = \"HEARTH_DOCTOR_TOKEN\"\n\
         [[account]]\nname = \"ig\"\nplatform = \"instagram\"\nbase_url = \"{0}\"\n\
         ig_user_id = \"17841400000000001\"\ntoken_env = \"HEARTH_DOCTOR_TOKEN\"\n",
        fake.base_url
    ));
    check_modes(
        &home,
        &mode,
        &[("HEARTH_DOCTOR_TOKEN", TOKEN)],
        "the server accepts the credentials (object 1122334455)",
        "Page access token",
    );
    let (_, report) = {
        *mode.lock().unwrap_or_else(|e| e.into_inner()) = Mode::Accept;
        doctor(&home, &[("HEARTH_DOCTOR_TOKEN", TOKEN)])
    };
    assert!(report.contains("(object 17841400000000001)"), "{report}");
    assert!(
        fake.requests()
            .iter()
            .all(|s| s.header("authorization") == Some(&format!("Bearer {TOKEN}")))
    );
}

#[test]
fn google_exchanges_the_refresh_token_and_lists_one_location() {
    const REFRESH: &str = "1//refresh-doctor-99";
    const SECRET: &str = "client-secret-doctor";
    let (fake, mode) = switchable(|seen, mode| {
        if seen.path == "/token" {
            let ok = seen.body.contains("refresh_token=1%2F%2Frefresh-doctor-99")
                && seen.body.contains("client_secret=client-secret-doctor");
            return if ok {
                Answer::json(
                    200,
                    format!(r#"{{"access_token":"{TOKEN}","expires_in":3600}}"#),
                )
            } else {
                Answer::json(
                    400,
                    r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#,
                )
            };
        }
        assert_eq!(seen.path, "/accounts/42/locations");
        assert!(seen.query.contains("pageSize=1"), "{seen:?}");
        match mode {
            Mode::Accept => Answer::json(
                200,
                r#"{"locations":[{"name":"locations/7","title":"Downtown"}]}"#,
            ),
            Mode::Status(s) => echo(s, seen),
        }
    });
    let home = Home::new();
    home.write_config(&format!(
        "[[account]]\nname = \"gbp\"\nplatform = \"google\"\nbase_url = \"{0}\"\n\
         token_url = \"{0}/token\"\ngbp_account = \"accounts/42\"\nclient_id = \"cid\"\n\
         client_secret_env = \"HEARTH_DOCTOR_SECRET\"\ntoken_env = \"HEARTH_DOCTOR_REFRESH\"\n",
        fake.base_url
    ));
    let env = [
        ("HEARTH_DOCTOR_REFRESH", REFRESH),
        ("HEARTH_DOCTOR_SECRET", SECRET),
    ];
    check_modes(
        &home,
        &mode,
        &env,
        "the server accepts the credentials (accounts/42 (locations listed))",
        "sign in to Google again",
    );
    // A revoked refresh token fails at the exchange, with the same advice.
    *mode.lock().unwrap_or_else(|e| e.into_inner()) = Mode::Accept;
    let (code, report) = doctor(
        &home,
        &[
            ("HEARTH_DOCTOR_REFRESH", "1//revoked"),
            ("HEARTH_DOCTOR_SECRET", SECRET),
        ],
    );
    assert_eq!(code, Some(1));
    assert!(
        report.contains("rejected the credentials (HTTP 400)"),
        "{report}"
    );
    assert!(report.contains("sign in to Google again"), "{report}");
}

#[test]
fn without_credentials_doctor_only_probes_and_says_what_to_set() {
    let (fake, _) = switchable(|_, _| Answer::json(200, "{}"));
    let home = Home::new();
    home.write_config(&format!(
        "[[account]]\nname = \"nw\"\nplatform = \"mastodon\"\nbase_url = \"{}\"\n\
         token_env = \"HEARTH_DOCTOR_UNSET\"\n",
        fake.base_url
    ));
    let (code, report) = doctor(&home, &[]);
    assert_eq!(code, Some(1));
    assert!(
        report.contains("HEARTH_DOCTOR_UNSET (token_env) is not set"),
        "{report}"
    );
    assert!(report.contains("reachable (HTTP 200)"), "{report}");
    assert!(
        fake.requests()
            .iter()
            .all(|s| s.header("authorization").is_none())
    );
}
