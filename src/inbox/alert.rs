//! After-hours emergency alerts: a tier-1 or tier-2 message arriving outside
//! business hours, or a crisis or legal-risk phrase at any hour, runs the
//! configured `alert_command` with the conversation as JSON on stdin, is logged,
//! and (in the TUI) rings the bell. Each inbound message alerts at most once.

use crate::config::Config;
use crate::model::{Assess, Conversation, Direction, Status, Tier};
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::io::Write;
use std::process::{Command, Stdio};

/// Older messages (a first sync, a backfill) never alert: only news is urgent.
const FRESH_HOURS: i64 = 24;

/// One alert, as the command receives it on stdin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub conversation_id: i64,
    pub message_id: i64,
    /// Why it alerts: "crisis phrase 'lawyer'" or "tier 2 after hours".
    pub why: String,
    pub platform: String,
    pub account: String,
    pub author: String,
    pub tier: u8,
    pub tier_reason: String,
    pub text: String,
    pub received_at: DateTime<Utc>,
}

/// Why the newest message of `c` should alert, if it should.
fn reason(
    config: &Config,
    assess: &dyn Assess,
    c: &Conversation,
    text: &str,
    at: DateTime<Utc>,
) -> Option<String> {
    if let Some(phrase) = assess.risk(text) {
        return Some(format!("crisis phrase '{}'", phrase.trim_end_matches('*')));
    }
    let urgent = matches!(c.tier, Tier::Revenue | Tier::Retention);
    (urgent && super::schedule::after_hours(config, at))
        .then(|| format!("tier {} ({}) after hours", c.tier, c.tier.name()))
}

/// Check the newest inbound message of each conversation that just changed;
/// record and return the alerts that are new. Does not run the command.
pub fn check(
    store: &Store,
    config: &Config,
    assess: &dyn Assess,
    conversations: &[i64],
    now: DateTime<Utc>,
) -> crate::store::Result<Vec<Alert>> {
    let mut alerts = Vec::new();
    for &id in conversations {
        let Some(c) = store.conversation(id)? else {
            continue;
        };
        if c.status != Status::Open {
            continue;
        }
        let Some(m) = store
            .messages(id, 20)?
            .into_iter()
            .filter(|m| m.direction == Direction::Inbound)
            .max_by_key(|m| (m.sent_at, m.id))
        else {
            continue;
        };
        if now - m.sent_at > Duration::hours(FRESH_HOURS) {
            continue;
        }
        let Some(why) = reason(config, assess, &c, &m.body, m.sent_at) else {
            continue;
        };
        if !store.record_alert(m.id, id, &why, now)? {
            continue;
        }
        tracing::warn!(conversation = id, %why, "urgent message");
        alerts.push(Alert {
            conversation_id: id,
            message_id: m.id,
            why,
            platform: c.platform.to_string(),
            account: c.account.clone(),
            author: c.author.clone(),
            tier: c.tier.number(),
            tier_reason: c.tier_reason.clone(),
            text: m.body,
            received_at: m.sent_at,
        });
    }
    Ok(alerts)
}

/// Run `alert_command` (through `sh -c`) with the alert as JSON on stdin, in the
/// background: a slow or broken script never holds up sync or the screen. Its
/// output goes nowhere (the terminal may be the TUI's); failures are logged.
pub fn notify(config: &Config, alert: &Alert) {
    let Some(command) = config
        .alert_command
        .clone()
        .filter(|c| !c.trim().is_empty())
    else {
        return;
    };
    let payload = match serde_json::to_vec(alert) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "cannot encode the alert");
            return;
        }
    };
    std::thread::spawn(move || {
        let child = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot run alert_command");
                return;
            }
        };
        if let Some(mut stdin) = child.stdin.take()
            && let Err(e) = stdin.write_all(&payload)
        {
            tracing::warn!(error = %e, "cannot write to alert_command");
        }
        match child.wait() {
            Ok(status) if status.success() => tracing::info!("alert_command ran"),
            Ok(status) => tracing::warn!(%status, "alert_command failed"),
            Err(e) => tracing::warn!(error = %e, "alert_command did not finish"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BusinessHours;
    use crate::demo::test_assess::KeywordAssess;
    use crate::model::{IncomingMessage, IngestPage, Kind, Platform};
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        // Tuesday 2026-12-01, hours in UTC (Berlin is UTC+1).
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0)
            .single()
            .expect("valid time")
    }

    fn msg(id: &str, body: &str, sent_at: DateTime<Utc>) -> IncomingMessage {
        IncomingMessage {
            account: "fb".into(),
            platform: Platform::Facebook,
            kind: Kind::Dm,
            thread_id: format!("t-{id}"),
            platform_id: id.into(),
            direction: Direction::Inbound,
            author: "Dana".into(),
            body: body.into(),
            sent_at,
            context: None,
            brand: None,
            location: None,
            rating: None,
        }
    }

    fn config(command: Option<String>) -> Config {
        Config {
            business_hours: Some(BusinessHours::berlin_weekdays()),
            alert_command: command,
            ..Config::default()
        }
    }

    #[test]
    fn after_hours_urgency_and_crises_alert_once_and_run_the_command() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("c.db")).expect("open");
        let out = dir.path().join("alert.json");
        let config = config(Some(format!("cat > '{}'", out.display())));
        let page = IngestPage {
            messages: vec![
                // 22:00 Berlin: a refund (tier 2) after hours.
                msg("late", "I want a refund, it arrived broken", at(21)),
                // 11:00 Berlin, in hours: a refund does not alert...
                msg("day", "I want a refund, it arrived broken", at(10)),
                // ...but a crisis does, at any hour.
                msg(
                    "crisis",
                    "You poisoned my kid. My lawyer will call you.",
                    at(10),
                ),
                // After hours but tier 4 praise: no alert.
                msg("praise", "Love you guys", at(21)),
            ],
            cursor: None,
        };
        let stats = store.ingest(&page, &KeywordAssess).expect("ingest");
        let now = at(22);
        let triage = crate::triage::Triage::new(&config).expect("triage");
        let alerts = check(&store, &config, &triage, &stats.touched, now).expect("check");
        let mut whys: Vec<&str> = alerts.iter().map(|a| a.why.as_str()).collect();
        whys.sort_unstable();
        assert_eq!(
            whys,
            vec!["crisis phrase 'poisoned'", "tier 2 (Retention) after hours"]
        );
        // A second look (the next sync page) never alerts twice.
        assert!(
            check(&store, &config, &triage, &stats.touched, now)
                .expect("again")
                .is_empty()
        );
        // The command gets the conversation as JSON on stdin.
        notify(&config, &alerts[0]);
        let mut written = String::new();
        for _ in 0..100 {
            written = std::fs::read_to_string(&out).unwrap_or_default();
            if written.ends_with('}') {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let json: serde_json::Value = serde_json::from_str(&written).expect("JSON on stdin");
        assert_eq!(json["conversation_id"], alerts[0].conversation_id);
        assert_eq!(json["why"], alerts[0].why.as_str());
    }

    #[test]
    fn old_messages_never_alert() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("c.db")).expect("open");
        let page = IngestPage {
            messages: vec![msg("old", "My lawyer will sue you", at(3))],
            cursor: None,
        };
        let stats = store.ingest(&page, &KeywordAssess).expect("ingest");
        let later = at(3) + Duration::days(3);
        let triage = crate::triage::Triage::new(&config(None)).expect("triage");
        assert!(
            check(&store, &config(None), &triage, &stats.touched, later)
                .expect("check")
                .is_empty()
        );
    }
}
