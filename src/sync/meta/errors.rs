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
        10 | 102 | 190 | 200..=299 => SyncError::Auth { status, message },
        368 | 506 | 551 => SyncError::Rejected { status, message },
        _ if error.is_transient => SyncError::Server { status, message },
        _ if status >= 500 => SyncError::Server { status, message },
        _ => SyncError::Rejected { status, message },
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
        assert!(matches!(class(400, 200, None), SyncError::Auth { .. }));
        assert!(matches!(class(400, 299, None), SyncError::Auth { .. }));
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
    fn missing_objects_are_recognised() {
        let e = GraphError::parse(error_body(100, Some(33)).as_bytes()).unwrap();
        assert!(e.is_missing_object());
        assert!(GraphError::parse(b"{\"data\":[]}").is_none());
        assert!(GraphError::parse(b"not json").is_none());
    }
}
