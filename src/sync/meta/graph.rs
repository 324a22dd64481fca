//! A thin Graph API client: bearer token (never in a URL), error classification,
//! cursor paging via `paging.next`, and usage-header tracking per sync round.

use super::errors;
use crate::sync::error::SyncError;
use crate::sync::http::{Http, Timeouts};
use crate::sync::rate_limit;
use crate::sync::secret::Secret;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::Value;
use url::Url;

/// Query parameters that must never be sent or logged from a `next` link.
const SECRET_PARAMS: [&str; 2] = ["access_token", "appsecret_proof"];

/// What a response's usage headers said.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// A budget is spent: wait until then.
    pub pause_until: Option<DateTime<Utc>>,
    /// The highest share of a budget used, in percent.
    pub percent: Option<u8>,
}

#[derive(Debug, Clone)]
pub struct Graph {
    http: Http,
    token: Secret,
}

/// One listing page: its items and the link to the next page, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub items: Vec<Value>,
    pub next: Option<String>,
}

impl Listing {
    /// `{"data": [...], "paging": {"next": ...}}`. End of list = no `next`
    /// (pages may be short or empty and still have one).
    pub fn parse(value: &Value) -> Result<Listing, SyncError> {
        let items = value
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| SyncError::Malformed {
                message: "listing without a data array".into(),
                snippet: value.to_string().chars().take(300).collect(),
            })?;
        let next = value
            .get("paging")
            .and_then(|p| p.get("next"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(Listing { items, next })
    }
}

/// Drop token-bearing parameters from a link the API handed us.
pub fn scrub_url(mut url: Url) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !SECRET_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url
}

impl Graph {
    pub fn new(base_url: &str, token: Secret, timeouts: Timeouts) -> Result<Graph, SyncError> {
        if token.is_empty() {
            return Err(SyncError::Config("the Page access token is empty".into()));
        }
        Ok(Graph {
            http: Http::new(base_url, timeouts)?,
            token,
        })
    }

    async fn call(
        &self,
        method: Method,
        url: Url,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<(Value, Usage), SyncError> {
        tracing::debug!(%method, path = url.path(), "graph request");
        let request = build(self.http.request(method, url, Some(&self.token)));
        let reply = self.http.send(request).await?;
        let now = Utc::now();
        let usage = Usage {
            pause_until: rate_limit::pause_until(&reply.headers, now),
            percent: rate_limit::meta_usage_percent(&reply.headers),
        };
        let value = errors::check(&reply, now)?;
        Ok((value, usage))
    }

    /// GET `path` (relative to the base URL) with `query`.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Value, Usage), SyncError> {
        let url = self.http.url(path)?;
        self.call(Method::GET, url, |r| r.query(query)).await
    }

    /// GET a `paging.next` link (same host only, token parameters removed).
    pub async fn get_link(&self, link: &str) -> Result<(Value, Usage), SyncError> {
        let url = scrub_url(self.http.url(link)?);
        self.call(Method::GET, url, |r| r).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, String)]) -> Result<Value, SyncError> {
        let url = self.http.url(path)?;
        Ok(self.call(Method::POST, url, |r| r.form(form)).await?.0)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value, SyncError> {
        let url = self.http.url(path)?;
        Ok(self.call(Method::POST, url, |r| r.json(body)).await?.0)
    }

    pub async fn delete(&self, path: &str) -> Result<Value, SyncError> {
        let url = self.http.url(path)?;
        Ok(self.call(Method::DELETE, url, |r| r).await?.0)
    }
}

/// A sync round: remembers the latest pause any response asked for, so the round
/// can stop early and tell the engine.
pub struct Round<'a> {
    pub graph: &'a Graph,
    pub pause_until: Option<DateTime<Utc>>,
    /// The highest usage any response of this round reported, in percent.
    pub usage_percent: Option<u8>,
    /// Requests made (for the sync bench's figure of calls per idle round).
    pub calls: usize,
}

impl<'a> Round<'a> {
    pub fn new(graph: &'a Graph) -> Round<'a> {
        Round {
            graph,
            pause_until: None,
            usage_percent: None,
            calls: 0,
        }
    }

    /// A usage header reached 100%: stop fetching after committing what we have.
    pub fn spent(&self) -> bool {
        self.pause_until.is_some()
    }

    fn note(&mut self, usage: Usage) {
        self.calls += 1;
        if usage.pause_until > self.pause_until {
            self.pause_until = usage.pause_until;
        }
        self.usage_percent = self.usage_percent.max(usage.percent);
    }

    /// What the engine needs to know about this round.
    pub fn outcome(&self) -> crate::sync::connector::RoundOutcome {
        crate::sync::connector::RoundOutcome {
            pause_until: self.pause_until,
            usage_percent: self.usage_percent,
        }
    }

    /// First page of a listing.
    pub async fn list(
        &mut self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Listing, SyncError> {
        let (value, pause) = self.graph.get(path, query).await?;
        self.note(pause);
        Listing::parse(&value)
    }

    /// The page after `listing`, if there is one.
    pub async fn next(&mut self, listing: &Listing) -> Result<Option<Listing>, SyncError> {
        let Some(link) = &listing.next else {
            return Ok(None);
        };
        let (value, pause) = self.graph.get_link(link).await?;
        self.note(pause);
        Listing::parse(&value).map(Some)
    }

    /// A single object.
    pub async fn object(
        &mut self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, SyncError> {
        let (value, pause) = self.graph.get(path, query).await?;
        self.note(pause);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn next_links_lose_their_tokens() {
        let url = Url::parse(
            "https://graph.facebook.com/v25.0/1/conversations?platform=messenger&access_token=SECRET&after=QVF&appsecret_proof=ab",
        )
        .unwrap();
        let clean = scrub_url(url);
        assert!(!clean.as_str().contains("SECRET"));
        assert!(!clean.as_str().contains("appsecret_proof"));
        assert!(clean.as_str().ends_with("?platform=messenger&after=QVF"));
        let bare = scrub_url(Url::parse("https://g.example/x?access_token=S").unwrap());
        assert_eq!(bare.as_str(), "https://g.example/x");
    }

    #[test]
    fn listings_end_when_next_is_absent() {
        let l = Listing::parse(
            &json!({"data":[],"paging":{"cursors":{"after":"x"},"next":"http://h/n"}}),
        )
        .unwrap();
        assert_eq!((l.items.len(), l.next.as_deref()), (0, Some("http://h/n")));
        let l = Listing::parse(&json!({"data":[{"id":"1"}],"paging":{"cursors":{}}})).unwrap();
        assert_eq!((l.items.len(), l.next), (1, None));
        assert!(matches!(
            Listing::parse(&json!({"error":"x"})),
            Err(SyncError::Malformed { .. })
        ));
    }

    #[test]
    fn empty_tokens_are_a_config_error() {
        let err = Graph::new(
            "http://127.0.0.1:1/v21.0/",
            Secret::new(" "),
            Timeouts::default(),
        );
        assert!(matches!(err, Err(SyncError::Config(_))));
    }
}
