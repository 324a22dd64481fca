//! Graph API error bodies, classified by their `code` / `error_subcode` rather than
//! the HTTP status (Graph answers 400 for most errors and 403 or 500 for others).

use crate::sync::error::SyncError;
use crate::sync::http::{Reply, check_status, error_text};
use crate::sync::rate_limit;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

/// A throttling error that names no time still pauses the account this long.
const DEFAULT_THROTTLE_MINUTES: i64 = 5;

/// The fields of `{"error": {...}}` that decide what to do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphError {
    pub code: i64,
    pub subcode: Option<i64>,
    pub message: String,
    pub is_transient: bool,
}

impl GraphError {
    /// The `error` object of a Graph body, if the body is one.
    pub fn parse(body: &[u8]) -> Option<GraphError> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let error = value.get("error")?;
        let code = error.get("code").and_then(as_int)?;
        Some(GraphError {
            code,
            subcode: error.get("error_subcode").and_then(as_int),
            message: error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            is_transient: error
                .get("is_transient")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }

    /// "message (code 10/2018278)" — what the user and the log see.
    fn describe(&self) -> String {
        match self.subcode {
            Some(sub) => format!("{} (code {}/{sub})", self.message, self.code),
            None => format!("{} (code {})", self.message, self.code),
        }
    }

    /// An object that no longer exists (`100` / subcode `33`).
    pub fn is_missing_object(&self) -> bool {
        self.code == 100 && self.subcode == Some(33)
    }
}

/// Graph sometimes sends numbers as strings.
fn as_int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// The error class for a Graph error, per the table in the API notes.
pub fn classify(
    error: &GraphError,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    now: DateTime<Utc>,
) -> SyncError {
    let message = error.describe();
    let window_closed = error.subcode == Some(2_018_278)
        || error.code == 2_534_022
        || error.subcode == Some(2_534_022);
    match error.code {
        _ if window_closed => SyncError::WindowClosed(message),
        1 | 2 => SyncError::Server { status, message },
        4 | 17 | 32 | 341 | 613 | 80_001..=80_009 => SyncError::RateLimited {
            until: rate_limit::pause_until(headers, now)
                .unwrap_or(now + Duration::minutes(DEFAULT_THROTTLE_MINUTES)),
        },
        // The token is fine but the app may not do this: a permission the token
        // lacks or App Review has not approved. A new login does not add it.
        3 | 10 | 200..=299 => permission(error, &message),
        102 | 190 => SyncError::Auth { status, message },
        368 | 506 | 551 => SyncError::Rejected { status, message },
        _ if error.is_transient => SyncError::Server { status, message },
        _ if status >= 500 => SyncError::Server { status, message },
        _ => SyncError::Rejected { status, message },
    }
}

/// Permission names a Graph message mentions ("Requires pages_messaging permission").
fn permissions_named(message: &str) -> Vec<&str> {
    const FAMILIES: [&str; 6] = [
        "pages_",
        "instagram_",
        "business_",
        "ads_",
        "read_",
        "publish_",
    ];
    let mut named: Vec<&str> = message
        .split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
        .filter(|w| FAMILIES.iter().any(|f| w.starts_with(f)) && w.len() > 6)
        .collect();
    named.dedup();
    named
}

/// A permission refusal with what fixes it.
fn permission(error: &GraphError, message: &str) -> SyncError {
    let named = permissions_named(&error.message);
    let what = if named.is_empty() {
        "a permission (pages_messaging, pages_read_engagement, pages_manage_engagement, \
         instagram_manage_comments or instagram_manage_messages, depending on the call)"
            .to_string()
    } else {
        named.join(", ")
    };
    SyncError::Permission {
        cause: format!("Meta refused the app: {message}; the Page token lacks {what}"),
        fix: format!(
            "add {what} to the app in the Meta developer dashboard (App Review approval \
             is needed for Pages you do not manage yourself), then create a new Page token \
             that grants it; logging in again with the same app settings does not add it"
        ),
    }
}

/// A successful reply's JSON, or the classified error. A 2xx carrying an
/// `error` object is still an error.
pub fn check(reply: &Reply, now: DateTime<Utc>) -> Result<Value, SyncError> {
    let status = reply.status.as_u16();
    if let Some(error) = GraphError::parse(&reply.body) {
        return Err(classify(&error, status, &reply.headers, now));
    }
    check_status(reply, error_text)?;
    reply.json::<Value>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_714_641_302, 0).unwrap()
    }

    fn reply(status: u16, body: &str, headers: HeaderMap) -> Reply {
        Reply {
            headers,
            ..Reply::canned(status, body)
        }
    }

    fn error_body(code: i64, subcode: Option<i64>) -> String {
        let sub = subcode
            .map(|s| format!(r#","error_subcode":{s}"#))
            .unwrap_or_default();
        format!(
            r#"{{"error":{{"message":"boom","type":"OAuthException","code":{code}{sub},"fbtrace_id":"x"}}}}"#
        )
    }

    fn class(status: u16, code: i64, subcode: Option<i64>) -> SyncError {
        check(
            &reply(status, &error_body(code, subcode), HeaderMap::new()),
            now(),
        )
        .unwrap_err()
    }

    #[test]
    fn codes_not_statuses_decide_the_class() {
        assert!(matches!(class(500, 1, None), SyncError::Server { .. }));
        assert!(matches!(class(400, 2, None), SyncError::Server { .. }));
        for code in [4, 17, 32, 613, 80_001, 80_006] {
            assert!(
                matches!(class(403, code, None), SyncError::RateLimited { .. }),
                "{code}"
            );
        }
        assert!(matches!(
            class(400, 190, Some(463)),
            SyncError::Auth { status: 400, .. }
        ));
        assert!(matches!(
            class(400, 200, None),
            SyncError::Permission { .. }
        ));
        assert!(matches!(
            class(400, 299, None),
            SyncError::Permission { .. }
        ));
        assert!(matches!(class(403, 10, None), SyncError::Permission { .. }));
        assert!(matches!(
            class(400, 10, Some(2_018_278)),
            SyncError::WindowClosed(_)
        ));
        assert!(matches!(
            class(400, 10, Some(2_534_022)),
            SyncError::WindowClosed(_)
        ));
        assert!(matches!(
            class(400, 2_534_022, None),
            SyncError::WindowClosed(_)
        ));
        assert!(matches!(
            class(400, 551, Some(1_545_041)),
            SyncError::Rejected { .. }
        ));
        assert!(matches!(class(400, 506, None), SyncError::Rejected { .. }));
        assert!(matches!(class(400, 100, None), SyncError::Rejected { .. }));
        // A 200 with an error object is still an error.
        assert!(matches!(
            class(200, 190, None),
            SyncError::Auth { status: 200, .. }
        ));
    }

    #[test]
    fn throttling_waits_for_the_usage_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-business-use-case-usage",
            HeaderValue::from_static(
                r#"{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}]}"#,
            ),
        );
        let err = check(&reply(403, &error_body(80_001, None), headers), now()).unwrap_err();
        assert_eq!(
            err,
            SyncError::RateLimited {
                until: now() + Duration::minutes(7)
            }
        );
        let err = class(403, 4, None);
        assert_eq!(
            err,
            SyncError::RateLimited {
                until: now() + Duration::minutes(DEFAULT_THROTTLE_MINUTES)
            }
        );
    }

    #[test]
    fn messages_carry_the_code_and_non_graph_bodies_fall_back_to_status() {
        match class(400, 190, Some(463)) {
            SyncError::Auth { message, .. } => assert_eq!(message, "boom (code 190/463)"),
            other => panic!("{other:?}"),
        }
        let err = check(
            &reply(502, "<html>bad gateway</html>", HeaderMap::new()),
            now(),
        );
        assert!(matches!(err, Err(SyncError::Server { status: 502, .. })));
        let err = check(
            &reply(200, r#"{"data":[{"id":"1""#, HeaderMap::new()),
            now(),
        );
        assert!(matches!(err, Err(SyncError::Malformed { .. })));
        let ok = check(&reply(200, r#"{"success":true}"#, HeaderMap::new()), now());
        assert_eq!(ok.unwrap()["success"], true);
    }

    #[test]
    fn permission_refusals_name_the_permission_and_the_fix() {
        let body = r#"{"error":{"message":"(#200) Requires pages_messaging permission to manage the object","type":"OAuthException","code":200,"fbtrace_id":"x"}}"#;
        match check(&reply(403, body, HeaderMap::new()), now()).unwrap_err() {
            SyncError::Permission { cause, fix } => {
                assert!(cause.contains("pages_messaging"), "{cause}");
                assert!(
                    fix.contains("pages_messaging") && fix.contains("App Review"),
                    "{fix}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            permissions_named("needs instagram_manage_comments and pages_read_engagement"),
            vec!["instagram_manage_comments", "pages_read_engagement"]
        );
    }

    #[test]
    fn missing_objects_are_recognised() {
        let e = GraphError::parse(error_body(100, Some(33)).as_bytes()).unwrap();
        assert!(e.is_missing_object());
        assert!(GraphError::parse(b"{\"data\":[]}").is_none());
        assert!(GraphError::parse(b"not json").is_none());
    }
}
