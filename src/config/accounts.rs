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

/// `http://` is only allowed for loopback hosts (local fakes, tunnels); anything
/// else must use `https://`.
pub fn check_base_url(base_url: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(base_url).map_err(|e| format!("'{base_url}' is not a URL: {e}"))?;
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
            "'{base_url}' uses http:// for a host that is not loopback; use https://"
        )),
        other => Err(format!("'{base_url}' has unsupported scheme '{other}'")),
    }
}
