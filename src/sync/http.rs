//! One HTTP client for every connector: base-URL checks, identification, timeouts,
//! and turning transport failures and status codes into [`SyncError`] classes.

use super::error::SyncError;
use super::rate_limit;
use super::secret::Secret;
use chrono::{Duration as ChronoDuration, Utc};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::Once;
use std::time::Duration;
use url::Url;

/// Every request says who it is.
pub const USER_AGENT: &str = concat!("hearth/", env!("CARGO_PKG_VERSION"));

/// How much of a bad response goes into the log.
const SNIPPET_CHARS: usize = 300;

/// Redirects followed per request (all within the base URL's origin).
const MAX_REDIRECTS: usize = 5;

/// A 429 that names no time still pauses the account this long.
const DEFAULT_RATE_LIMIT_PAUSE_SECS: i64 = 60;

/// Timeouts for one connector's requests.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// A response that arrived whole (status, headers, body), not yet judged.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The start of the body, for logs and error messages.
    pub fn snippet(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(SNIPPET_CHARS)
            .collect()
    }

    /// Decode the body as `T`; anything else is a `Malformed` error with a snippet.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, SyncError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let snippet = self.snippet();
            tracing::warn!(error = %e, %snippet, "malformed JSON response");
            SyncError::Malformed {
                message: e.to_string(),
                snippet,
            }
        })
    }
}

#[cfg(test)]
impl Reply {
    /// A canned response, for unit tests of status and error handling.
    pub(crate) fn canned(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).expect("a valid status code"),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    base: Url,
}

/// rustls needs a process-wide crypto provider; ring builds with a plain C compiler.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// `http://` is only for loopback (local fakes, proxies); everything else needs TLS.
pub fn check_base_url(base_url: &str) -> Result<Url, SyncError> {
    crate::config::check_base_url(base_url).map_err(|e| SyncError::Config(format!("base_url {e}")))
}

impl Http {
    pub fn new(base_url: &str, timeouts: Timeouts) -> Result<Http, SyncError> {
        install_crypto_provider();
        let mut base = check_base_url(base_url)?;
        // Joining relative paths needs the base to end with '/'.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .redirect(same_origin_redirects(&base))
            // The Referer would tell the next host which API URL (and query) we used.
            .referer(false)
            .build()
            .map_err(|e| SyncError::Config(format!("cannot build HTTP client: {e}")))?;
        Ok(Http { client, base })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn host(&self) -> String {
        self.base.host_str().unwrap_or("?").to_string()
    }

    /// `path` relative to the base URL ("api/v1/notifications"), or an absolute URL
    /// on the same host (pagination links).
    pub fn url(&self, path: &str) -> Result<Url, SyncError> {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            Url::parse(path)
        } else {
            self.base.join(path.trim_start_matches('/'))
        }
        .map_err(|e| SyncError::Malformed {
            message: format!("bad URL '{path}': {e}"),
            snippet: String::new(),
        })?;
        // Same origin: scheme too, so a link cannot take us from https to http.
        if url.origin() != self.base.origin() {
            return Err(SyncError::Malformed {
                message: format!(
                    "refusing to follow a link to another origin: {}",
                    url.origin().ascii_serialization()
                ),
                snippet: String::new(),
            });
        }
        Ok(url)
    }

    /// A request with the bearer token set.
    pub fn request(&self, method: Method, url: Url, token: Option<&Secret>) -> RequestBuilder {
        let builder = self.client.request(method, url);
        match token {
            Some(token) => builder.bearer_auth(token.expose()),
            None => builder,
        }
    }

    /// Send and read the whole body. Transport failures become `Timeout`/`Connect`;
    /// the status is not judged here (see [`check_status`]).
    ///
    /// A server that echoes the bearer token it was sent (some put it in their
    /// error text) gets it blanked out of the body here, before the body can
    /// reach an error message, the cache's `last_error`, or the log.
    pub async fn send(&self, request: RequestBuilder) -> Result<Reply, SyncError> {
        let bearer = bearer_of(&request);
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| {
            // A body cut off mid-way is a broken response, not an offline network.
            if e.is_timeout() {
                self.transport(e)
            } else {
                SyncError::Malformed {
                    message: format!("response body cut off: {}", e.without_url()),
                    snippet: String::new(),
                }
            }
        })?;
        let mut body = body.to_vec();
        if let Some(token) = bearer {
            blank_out(&mut body, token.as_bytes());
        }
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    fn transport(&self, e: reqwest::Error) -> SyncError {
        // A refused redirect is the server's configuration (or an attack), not an
        // offline network: the user has to look at base_url.
        if e.is_redirect() {
            let reason = std::error::Error::source(&e)
                .map_or_else(|| "redirect refused".to_string(), ToString::to_string);
            return SyncError::Config(format!(
                "{}: {reason}; check base_url",
                self.base.origin().ascii_serialization()
            ));
        }
        // Never echo the URL: some platforms put tokens in query strings.
        let e = e.without_url();
        if e.is_timeout() {
            SyncError::Timeout { host: self.host() }
        } else {
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                reason = format!("{reason}: {inner}");
                source = inner.source();
            }
            SyncError::Connect {
                host: self.host(),
                reason,
            }
        }
    }
}

/// The bearer token a request carries, if any (read from a clone of it).
fn bearer_of(request: &RequestBuilder) -> Option<String> {
    let built = request.try_clone()?.build().ok()?;
    let value = built.headers().get(reqwest::header::AUTHORIZATION)?;
    let token = value.to_str().ok()?.strip_prefix("Bearer ")?.trim();
    // Too short to be a real token, and blanking it would maul ordinary text.
    (token.len() >= 8).then(|| token.to_string())
}

/// Replace every occurrence of `secret` in `body` with `<redacted>`.
fn blank_out(body: &mut Vec<u8>, secret: &[u8]) {
    const MARK: &[u8] = b"<redacted>";
    if secret.is_empty() || !body.windows(secret.len()).any(|w| w == secret) {
        return;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(secret) {
            out.extend_from_slice(MARK);
            i += secret.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    *body = out;
}

/// Follow a redirect only within `base`'s origin (scheme, host and port), so a
/// server cannot send our bearer token's request to another host, nor from
/// https to http; at most [`MAX_REDIRECTS`] hops. The refusal names the origin
/// it pointed at, never the path or query (they may carry secrets).
fn same_origin_redirects(base: &Url) -> reqwest::redirect::Policy {
    let origin = base.origin();
    reqwest::redirect::Policy::custom(move |attempt| {
        let from_https = attempt
            .previous()
            .last()
            .is_some_and(|u| u.scheme() == "https");
        let target = attempt.url();
        if from_https && target.scheme() != "https" {
            let message = "refusing a redirect from https to http".to_string();
            return attempt.error(message);
        }
        if target.origin() != origin {
            let message = format!(
                "refusing a redirect to another origin ({})",
                target.origin().ascii_serialization()
            );
            return attempt.error(message);
        }
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        attempt.follow()
    })
}

/// The usual meaning of a status code: 2xx fine, 429 pause, 401/403 re-auth,
/// 5xx retry, other 4xx rejected. `message` is the platform's error text.
pub fn check_status(
    reply: &Reply,
    message: impl FnOnce(&Reply) -> String,
) -> Result<(), SyncError> {
    let status = reply.status;
    if status.is_success() {
        return Ok(());
    }
    let now = Utc::now();
    let code = status.as_u16();
    Err(match status {
        StatusCode::TOO_MANY_REQUESTS => SyncError::RateLimited {
            until: rate_limit::pause_until(&reply.headers, now)
                .unwrap_or(now + ChronoDuration::seconds(DEFAULT_RATE_LIMIT_PAUSE_SECS)),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => SyncError::Auth {
            status: code,
            message: message(reply),
        },
        s if s.is_server_error() => SyncError::Server {
            status: code,
            message: message(reply),
        },
        _ => SyncError::Rejected {
            status: code,
            message: message(reply),
        },
    })
}

/// The `error` text of a `{"error": "..."}` or `{"error": {"message": ...}}` body,
/// else the start of the body.
pub fn error_text(reply: &Reply) -> String {
    let value: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
    let from_json = value.as_ref().and_then(|v| {
        let error = v.get("error")?;
        error
            .as_str()
            .map(str::to_string)
            .or_else(|| error.get("message")?.as_str().map(str::to_string))
    });
    from_json.unwrap_or_else(|| reply.snippet())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_only_for_loopback() {
        assert!(check_base_url("https://mastodon.social").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://127.5.0.1").is_ok());
        assert!(check_base_url("http://localhost:3000/api").is_ok());
        assert!(check_base_url("http://[::1]:9000").is_ok());
        let err = check_base_url("http://mastodon.social").unwrap_err();
        assert!(matches!(err, SyncError::Config(_)), "{err}");
        assert!(check_base_url("http://10.0.0.5").is_err());
        assert!(check_base_url("ftp://127.0.0.1").is_err());
        assert!(check_base_url("not a url").is_err());
    }

    #[test]
    fn links_must_stay_on_the_same_host() {
        let http = Http::new("http://127.0.0.1:4000/base", Timeouts::default()).unwrap();
        assert_eq!(
            http.url("api/v1/x").unwrap().as_str(),
            "http://127.0.0.1:4000/base/api/v1/x"
        );
        assert!(http.url("http://127.0.0.1:4000/api/v1/x?max_id=3").is_ok());
        assert!(http.url("http://127.0.0.1:4001/api").is_err());
        assert!(http.url("https://evil.example/api").is_err());
        // Same host and (default) port, other scheme: a downgrade.
        let tls = Http::new("https://social.example/", Timeouts::default()).unwrap();
        assert!(tls.url("https://social.example/api/v1/x").is_ok());
        assert!(tls.url("http://social.example/api/v1/x").is_err());
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply::canned(status, body)
    }

    #[test]
    fn statuses_map_to_error_classes() {
        assert!(check_status(&reply(200, "[]"), error_text).is_ok());
        assert!(matches!(
            check_status(&reply(401, r#"{"error":"The access token is invalid"}"#), error_text),
            Err(SyncError::Auth { status: 401, ref message }) if message == "The access token is invalid"
        ));
        assert!(matches!(
            check_status(&reply(503, "<html>down</html>"), error_text),
            Err(SyncError::Server { status: 503, .. })
        ));
        assert!(matches!(
            check_status(&reply(429, r#"{"error":"Too many requests"}"#), error_text),
            Err(SyncError::RateLimited { .. })
        ));
        assert!(matches!(
            check_status(&reply(422, r#"{"error":{"message":"bad"}}"#), error_text),
            Err(SyncError::Rejected { status: 422, ref message }) if message == "bad"
        ));
    }

    #[test]
    fn an_echoed_token_is_blanked_out() {
        let mut body = br#"{"error":"token tok-123456789 is invalid (tok-123456789)"}"#.to_vec();
        blank_out(&mut body, b"tok-123456789");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"error":"token <redacted> is invalid (<redacted>)"}"#
        );
        let http = Http::new("http://127.0.0.1:9", Timeouts::default()).unwrap();
        let url = http.url("x").unwrap();
        let request = http.request(
            Method::GET,
            url.clone(),
            Some(&Secret::new("tok-123456789")),
        );
        assert_eq!(bearer_of(&request).as_deref(), Some("tok-123456789"));
        assert_eq!(bearer_of(&http.request(Method::GET, url, None)), None);
    }

    #[test]
    fn truncated_json_is_malformed_with_a_snippet() {
        let r = reply(200, r#"[{"id":"1","content":"hel"#);
        let err = r.json::<serde_json::Value>().unwrap_err();
        match err {
            SyncError::Malformed { snippet, .. } => assert!(snippet.starts_with("[{\"id\"")),
            other => panic!("{other:?}"),
        }
    }
}
