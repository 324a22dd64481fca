//! Authorised requests to Google's APIs and the reading of Google's error envelope
//! (`{"error":{"code","message","status","details"}}`).

use super::oauth::TokenSource;
use crate::sync::error::SyncError;
use crate::sync::http::{Http, Reply, check_status};
use crate::sync::secret::Secret;
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use url::Url;

/// Google promises no `Retry-After` on 429: pause this long unless a header says otherwise.
const DEFAULT_PAUSE_SECS: i64 = 60;

/// Send a request with a fresh access token. A 401 means the token died early:
/// refresh once and retry; a second 401 is an `Auth` error.
pub async fn send(
    http: &Http,
    tokens: &TokenSource,
    method: Method,
    url: Url,
    body: Option<&serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<Reply, SyncError> {
    let mut retried = false;
    loop {
        let token = tokens.access_token().await?;
        let reply = http
            .send(build(http, method.clone(), url.clone(), body, &token))
            .await?;
        if reply.status == StatusCode::UNAUTHORIZED && !retried {
            tracing::info!("Google answered 401; refreshing the access token once");
            tokens.invalidate(&token).await;
            retried = true;
            continue;
        }
        classify(&reply, now)?;
        return Ok(reply);
    }
}

fn build(
    http: &Http,
    method: Method,
    url: Url,
    body: Option<&serde_json::Value>,
    token: &Secret,
) -> reqwest::RequestBuilder {
    let request = http
        .request(method, url, Some(token))
        .header(reqwest::header::ACCEPT, "application/json");
    match body {
        Some(json) => request.json(json),
        None => request,
    }
}

/// Judge a Google reply: 2xx fine; an API not enabled or a quota of zero needs a
/// permission (no login fixes those); 429 (or a 403 whose reason is a quota)
/// pauses; 401/403 need re-auth; 5xx retry; other 4xx rejected.
pub fn classify(reply: &Reply, now: DateTime<Utc>) -> Result<(), SyncError> {
    if !reply.status.is_success()
        && let Some(problem) = permission_problem(reply)
    {
        return Err(problem);
    }
    if reply.status == StatusCode::TOO_MANY_REQUESTS
        || (reply.status == StatusCode::FORBIDDEN && is_quota_error(reply))
    {
        let until = crate::sync::rate_limit::pause_until(&reply.headers, now)
            .unwrap_or(now + Duration::seconds(DEFAULT_PAUSE_SECS));
        return Err(SyncError::RateLimited { until });
    }
    check_status(reply, google_error_text)
}

/// The `google.rpc.ErrorInfo` entries of an error envelope.
fn error_infos(error: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["reason"].is_string())
}

/// Access problems a new login cannot fix: an API not enabled in the Cloud
/// project (`SERVICE_DISABLED`), or a quota of zero, which is how a project
/// looks until Google approves its Business Profile API access request.
fn permission_problem(reply: &Reply) -> Option<SyncError> {
    let value: serde_json::Value = serde_json::from_slice(&reply.body).ok()?;
    let error = &value["error"];
    let message = error["message"].as_str().unwrap_or("");
    for info in error_infos(error) {
        let meta = &info["metadata"];
        let service = meta["service"].as_str().unwrap_or("a Business Profile");
        let consumer = meta["consumer"].as_str().unwrap_or("the project");
        if info["reason"] == "SERVICE_DISABLED" {
            let activate = meta["activationUrl"]
                .as_str()
                .map_or_else(String::new, |url| format!(" ({url})"));
            return Some(SyncError::Permission {
                cause: format!(
                    "Google: the {service} API is not enabled in {consumer} \
                     (SERVICE_DISABLED: {message})"
                ),
                fix: format!(
                    "enable the API in the Google Cloud console under APIs & Services{activate} \
                     for the project that owns client_id, wait a few minutes, then sync again"
                ),
            });
        }
        if meta["quota_limit_value"].as_str() == Some("0") {
            return Some(SyncError::Permission {
                cause: format!(
                    "Google: {consumer} has a quota of 0 requests for {service}: its \
                     Business Profile API access has not been approved"
                ),
                fix: "request Business Profile API access for this Google Cloud project \
                      (developers.google.com/my-business/content/prereqs); Google reviews \
                      requests within 14 days and then grants the standard quota"
                    .into(),
            });
        }
    }
    None
}

/// Google sometimes reports quota exhaustion as 403 with a rate-limit reason.
fn is_quota_error(reply: &Reply) -> bool {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&reply.body) else {
        return false;
    };
    let error = &value["error"];
    if error["status"].as_str() == Some("RESOURCE_EXHAUSTED") {
        return true;
    }
    let reasons = error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["reason"].as_str())
        .chain(
            error["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["reason"].as_str()),
        );
    reasons.into_iter().any(|r| {
        let r = r.to_ascii_lowercase();
        r.contains("ratelimit") || r.contains("rate_limit") || r.contains("quota")
    })
}

/// "STATUS: message" from the envelope, else the start of the body.
pub fn google_error_text(reply: &Reply) -> String {
    let value: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
    let text = value.as_ref().and_then(|v| {
        let error = v.get("error")?;
        let message = error.get("message").and_then(|m| m.as_str());
        let status = error.get("status").and_then(|s| s.as_str());
        match (status, message) {
            (Some(s), Some(m)) => Some(format!("{s}: {m}")),
            (None, Some(m)) => Some(m.to_string()),
            (Some(s), None) => Some(s.to_string()),
            (None, None) => error.as_str().map(str::to_string),
        }
    });
    text.unwrap_or_else(|| reply.snippet())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply::canned(status, body)
    }

    fn envelope(code: u16, status: &str, message: &str) -> String {
        serde_json::json!({"error": {"code": code, "message": message, "status": status}})
            .to_string()
    }

    #[test]
    fn google_errors_map_to_classes() {
        let now = Utc::now();
        match classify(
            &reply(429, &envelope(429, "RESOURCE_EXHAUSTED", "Quota exceeded")),
            now,
        ) {
            Err(SyncError::RateLimited { until }) => {
                assert_eq!(until, now + Duration::seconds(DEFAULT_PAUSE_SECS))
            }
            other => panic!("{other:?}"),
        }
        match classify(
            &reply(403, &envelope(403, "PERMISSION_DENIED", "no access")),
            now,
        ) {
            Err(SyncError::Auth { status, message }) => {
                assert_eq!(status, 403);
                assert_eq!(message, "PERMISSION_DENIED: no access");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(&reply(503, &envelope(503, "UNAVAILABLE", "later")), now),
            Err(SyncError::Server { status: 503, .. })
        ));
        assert!(matches!(
            classify(&reply(404, &envelope(404, "NOT_FOUND", "gone")), now),
            Err(SyncError::Rejected { status: 404, .. })
        ));
        assert!(classify(&reply(200, "{}"), now).is_ok());
    }

    #[test]
    fn a_quota_403_is_a_pause_not_reauth() {
        let body = r#"{"error":{"code":403,"message":"slow down","status":"PERMISSION_DENIED",
            "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}"#;
        assert!(matches!(
            classify(&reply(403, body), Utc::now()),
            Err(SyncError::RateLimited { .. })
        ));
    }

    #[test]
    fn a_disabled_api_or_a_zero_quota_needs_permission_not_a_login() {
        let disabled = r#"{"error":{"code":403,"status":"PERMISSION_DENIED",
            "message":"My Business Business Information API has not been used in project 123 before or it is disabled.",
            "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED",
              "domain":"googleapis.com","metadata":{"service":"mybusinessbusinessinformation.googleapis.com",
              "consumer":"projects/123","activationUrl":"https://console.developers.google.com/apis/api/x/overview?project=123"}}]}}"#;
        match classify(&reply(403, disabled), Utc::now()) {
            Err(SyncError::Permission { cause, fix }) => {
                assert!(cause.contains("not enabled"), "{cause}");
                assert!(cause.contains("mybusinessbusinessinformation"), "{cause}");
                assert!(
                    fix.contains("https://console.developers.google.com/apis/api/x"),
                    "{fix}"
                );
            }
            other => panic!("{other:?}"),
        }
        let zero = r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED",
            "message":"Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'.",
            "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED",
              "metadata":{"service":"mybusiness.googleapis.com","consumer":"projects/123",
              "quota_limit_value":"0"}}]}}"#;
        match classify(&reply(429, zero), Utc::now()) {
            Err(SyncError::Permission { cause, fix }) => {
                assert!(cause.contains("quota of 0"), "{cause}");
                assert!(fix.contains("access"), "{fix}");
            }
            other => panic!("{other:?}"),
        }
        // A real per-minute quota (not zero) still pauses.
        let spent = zero.replace(r#""quota_limit_value":"0""#, r#""quota_limit_value":"300""#);
        assert!(matches!(
            classify(&reply(429, &spent), Utc::now()),
            Err(SyncError::RateLimited { .. })
        ));
    }

    #[test]
    fn error_text_falls_back_to_the_body() {
        assert_eq!(google_error_text(&reply(500, "<html>oops")), "<html>oops");
    }
}
