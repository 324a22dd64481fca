//! `[[account]]` entries: which platform accounts to sync and how to authenticate.

use crate::model::Platform;
use serde::Deserialize;

/// The Graph API version hearth speaks unless `graph_version` says otherwise: the
/// newest one Meta lists (released 2026-07-29).
pub const DEFAULT_GRAPH_VERSION: &str = "v26.0";

/// The Business Information API root, where Google lists locations and their titles.
pub const DEFAULT_LOCATIONS_BASE: &str = "https://mybusinessbusinessinformation.googleapis.com/v1/";

/// One connected account. Platform-specific keys are optional here and checked by
/// the connector that needs them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// Unique, stable name; it keys the cache ("northwind-mastodon").
    pub name: String,
    pub platform: Platform,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// API root; defaults to the platform's real API. `http://` only for loopback.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Seconds between polls.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u64,
    /// Read the token from this environment variable.
    #[serde(default)]
    pub token_env: Option<String>,
    /// Run this command; its standard output is the token (e.g. a password manager).
    #[serde(default)]
    pub token_cmd: Option<String>,
    /// Facebook: the Page id.
    #[serde(default)]
    pub page_id: Option<String>,
    /// Instagram: the professional account's id.
    #[serde(default)]
    pub ig_user_id: Option<String>,
    /// Google Business Profile: "accounts/123".
    #[serde(default)]
    pub gbp_account: Option<String>,
    /// Google: only these locations ("locations/456"); default every location.
    #[serde(default)]
    pub gbp_locations: Vec<String>,
    /// Google: the Business Information API root (locations and their titles),
    /// which is another host than the reviews API; `base_url` does not move it.
    #[serde(default)]
    pub locations_base_url: Option<String>,
    /// Facebook/Instagram: the Graph API version, e.g. "v26.0".
    #[serde(default)]
    pub graph_version: Option<String>,
    /// Google OAuth: client id, the env var holding the client secret, token endpoint.
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret_env: Option<String>,
    #[serde(default)]
    pub token_url: Option<String>,
    /// Mastodon listening: hashtags to watch (without '#').
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Mastodon listening: words or phrases to search for (brand, product and
    /// competitor names), where the instance's search allows it.
    #[serde(default)]
    pub keywords: Vec<String>,
}

fn default_poll_seconds() -> u64 {
    60
}

impl AccountConfig {
    /// An account with every optional key unset (what an `[[account]]` table with
    /// only `name` and `platform` parses to).
    pub fn new(name: &str, platform: Platform) -> AccountConfig {
        AccountConfig {
            name: name.into(),
            platform,
            brand: None,
            location: None,
            base_url: None,
            poll_seconds: default_poll_seconds(),
            token_env: None,
            token_cmd: None,
            page_id: None,
            ig_user_id: None,
            gbp_account: None,
            gbp_locations: Vec::new(),
            locations_base_url: None,
            graph_version: None,
            client_id: None,
            client_secret_env: None,
            token_url: None,
            hashtags: Vec::new(),
            keywords: Vec::new(),
        }
    }

    /// The API root requests go to: `base_url`, else the platform's documented
    /// root. Graph roots end with the version in use.
    pub fn api_base(&self) -> Option<String> {
        if matches!(self.platform, Platform::Facebook | Platform::Instagram) {
            return Some(self.graph_base());
        }
        if let Some(url) = &self.base_url {
            return Some(url.clone());
        }
        match self.platform {
            Platform::Google => Some("https://mybusiness.googleapis.com/v4/".into()),
            // Mastodon has no default host: the instance is the user's.
            _ => None,
        }
    }

    /// The Graph version requests use: one named at the end of `base_url` (older
    /// configs put it there), else `graph_version`, else the default.
    pub fn graph_version_in_use(&self) -> String {
        self.base_url
            .as_deref()
            .and_then(version_in_url)
            .or_else(|| self.graph_version.clone())
            .unwrap_or_else(|| DEFAULT_GRAPH_VERSION.to_string())
    }

    /// `base_url` (or graph.facebook.com) with the version in use as its last segment.
    fn graph_base(&self) -> String {
        let root = self
            .base_url
            .clone()
            .unwrap_or_else(|| "https://graph.facebook.com/".into());
        if self.base_url.as_deref().and_then(version_in_url).is_some() {
            return root;
        }
        format!(
            "{}/{}/",
            root.trim_end_matches('/'),
            self.graph_version_in_use()
        )
    }

    /// The Business Information API root for a Google account.
    pub fn locations_base(&self) -> String {
        self.locations_base_url
            .clone()
            .unwrap_or_else(|| DEFAULT_LOCATIONS_BASE.to_string())
    }
}

/// "v21.0" when it is the last path segment of `url`.
fn version_in_url(url: &str) -> Option<String> {
    let last = url.trim_end_matches('/').rsplit('/').next()?;
    is_graph_version(last).then(|| last.to_string())
}

/// "v" then digits, a dot, digits ("v26.0").
pub fn is_graph_version(text: &str) -> bool {
    let Some((major, minor)) = text.strip_prefix('v').and_then(|v| v.split_once('.')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    digits(major) && digits(minor)
}

/// A `gbp_locations` entry hearth can use: "locations/<id>" or
/// "accounts/<id>/locations/<id>", ids of letters, digits, '-', '_' or '.'.
pub fn is_location_name(name: &str) -> bool {
    let parts: Vec<&str> = name.trim().trim_matches('/').split('/').collect();
    let id = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match parts.as_slice() {
        ["locations", l] => id(l),
        ["accounts", a, "locations", l] => id(a) && id(l),
        _ => false,
    }
}

/// The URL policy, for every URL hearth is configured with (`base_url`,
/// `token_url`, `login --instance`, and any URL key added later):
/// - `http://` only for loopback hosts (local fakes, tunnels), else `https://`;
/// - no user name or password (`https://user:pass@host`): hearth authenticates
///   with the account's token, and a password in a URL ends up in output and
///   turns requests into Basic auth. The error never repeats the password.
///
/// Redirects and the Referer header are handled where requests are made
/// (`sync::http`): same origin only, none sent.
pub fn check_base_url(base_url: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(base_url)
        .map_err(|e| format!("'{}' is not a URL: {e}", redact_userinfo(base_url)))?;
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(format!(
            "'{shown}' must not carry a user name or password ('user:password@'); \
             remove it: hearth signs in with the account's token"
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(format!(
            "'{url}' uses http:// for a host that is not loopback; use https://"
        )),
        other => Err(format!("'{url}' has unsupported scheme '{other}'")),
    }
}

/// Text that failed to parse as a URL, with anything between `://` and an `@`
/// in its authority replaced, in case it was a password.
fn redact_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://…{}", &rest[at..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_refused_without_repeating_the_password() {
        for url in [
            "https://alice:hunter2@mastodon.example",
            "https://alice@mastodon.example/api",
            "http://bob:hunter2@127.0.0.1:9000",
        ] {
            let err = check_base_url(url).unwrap_err();
            assert!(err.contains("user name or password"), "{err}");
            assert!(!err.contains("hunter2") && !err.contains("alice"), "{err}");
        }
        let err = check_base_url("https://u:hunter2@exa mple.org").unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(check_base_url("https://mastodon.example/@alice").is_ok());
    }
}
