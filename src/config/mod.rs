//! Configuration: serde types, where the files live, and loading with errors that
//! name the file, line and column.

pub mod accounts;
pub mod brands;
pub mod guards;
pub mod moderation;
pub mod triage;

use crate::model::Tier;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use accounts::{
    AccountConfig, DEFAULT_GRAPH_VERSION, DEFAULT_LOCATIONS_BASE, check_base_url, is_graph_version,
    is_location_name,
};
pub use brands::{BrandConfig, VOICE_KEYS, Voice};
pub use guards::GuardConfig;
pub use moderation::ModerationConfig;
pub use triage::TriageConfig;

/// A config or data file that could not be used, located as precisely as we can.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{col}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Parse TOML into `T`, turning a parse or shape error into `file:line:col: message`.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            col,
            message: e.message().trim().to_string(),
        }
    })
}

/// Everything a user can set in `config.toml`. Every field has a default, so an
/// absent file or an empty one is a working config.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The name replies are signed with (`{agent}` in templates) when the
    /// conversation's brand (or location) sets no `signature`.
    pub agent: String,
    /// Brand used for `{brand}` when a conversation has none.
    pub default_brand: String,
    /// Each brand's voice: signature, email, phone, review and booking links
    /// (see `config::brands`).
    pub brands: Vec<BrandConfig>,
    pub business_hours: Option<BusinessHours>,
    pub targets: Targets,
    pub triage: TriageConfig,
    /// Extra playbook directory; the user playbook dir in the config dir is always read.
    pub playbook_dir: Option<PathBuf>,
    /// Key → action name, e.g. `"ctrl-n" = "down"`. Replaces the default binding of that key.
    pub keymap: BTreeMap<String, String>,
    pub theme: ThemeConfig,
    /// Connected platform accounts (`[[account]]` tables).
    #[serde(rename = "account")]
    pub accounts: Vec<AccountConfig>,
    /// Hold replies written outside business hours until the next opening.
    pub hold_outside_hours: bool,
    /// Run for an urgent message after hours (or a crisis at any hour), with the
    /// conversation as JSON on stdin, e.g. "notify-send hearth" or a script.
    pub alert_command: Option<String>,
    pub moderation: ModerationConfig,
    pub guards: GuardConfig,
    /// Places the business serves (towns, districts, postcodes): a lead's
    /// location is suggested when the customer names one. A brand's own
    /// `service_areas` replace these for its conversations.
    pub service_areas: Vec<String>,
}

impl Config {
    /// The service areas for a conversation of `brand`: the brand's own, else
    /// the top-level list.
    pub fn service_areas_for(&self, brand: Option<&str>) -> &[String] {
        brand
            .and_then(|b| self.brands.iter().find(|c| c.name.eq_ignore_ascii_case(b)))
            .map(|c| c.service_areas.as_slice())
            .filter(|areas| !areas.is_empty())
            .unwrap_or(&self.service_areas)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            agent: "Alex".into(),
            default_brand: "our team".into(),
            brands: Vec::new(),
            business_hours: None,
            targets: Targets::default(),
            triage: TriageConfig::default(),
            playbook_dir: None,
            keymap: BTreeMap::new(),
            theme: ThemeConfig::default(),
            accounts: Vec::new(),
            hold_outside_hours: false,
            alert_command: None,
            moderation: ModerationConfig::default(),
            guards: GuardConfig::default(),
            service_areas: Vec::new(),
        }
    }
}

/// Working hours in which response targets count; outside them the clock stops.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// IANA time zone, e.g. "Europe/Berlin".
    pub timezone: String,
    /// Opening time "HH:MM".
    pub start: String,
    /// Closing time "HH:MM".
    pub end: String,
    /// Working days, e.g. ["mon", "tue", "wed", "thu", "fri"].
    #[serde(default = "default_days")]
    pub days: Vec<String>,
}

#[cfg(test)]
impl BusinessHours {
    /// Monday to Friday, 09:00–17:00 in Berlin: the hours core tests reason about.
    pub fn berlin_weekdays() -> BusinessHours {
        BusinessHours {
            timezone: "Europe/Berlin".into(),
            start: "09:00".into(),
            end: "17:00".into(),
            days: default_days(),
        }
    }
}

fn default_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}

/// First-response targets in minutes per tier (tier 5 has none by default).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Targets {
    pub tier1_minutes: Option<u32>,
    pub tier2_minutes: Option<u32>,
    pub tier3_minutes: Option<u32>,
    pub tier4_minutes: Option<u32>,
    pub tier5_minutes: Option<u32>,
    /// Acknowledgment target for tier-1 DMs.
    pub dm_ack_minutes: Option<u32>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            tier1_minutes: Some(60),
            tier2_minutes: Some(120),
            tier3_minutes: Some(240),
            tier4_minutes: Some(24 * 60),
            tier5_minutes: None,
            dm_ack_minutes: Some(15),
        }
    }
}

impl Targets {
    pub fn minutes_for(&self, tier: Tier) -> Option<u32> {
        match tier {
            Tier::Revenue => self.tier1_minutes,
            Tier::Retention => self.tier2_minutes,
            Tier::Engagement => self.tier3_minutes,
            Tier::Acknowledgment => self.tier4_minutes,
            Tier::Monitor => self.tier5_minutes,
        }
    }

    /// The queue's promotion steps: each tier climbs once per target overrun.
    pub fn promotion_steps(&self) -> crate::model::PromotionSteps {
        crate::model::PromotionSteps::new(Tier::ALL.map(|t| self.minutes_for(t)))
    }
}

/// Colours by name ("red", "#ff8800", "lightblue"); unset entries keep the defaults.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeConfig {
    pub tier1: Option<String>,
    pub tier2: Option<String>,
    pub tier3: Option<String>,
    pub tier4: Option<String>,
    pub tier5: Option<String>,
    pub accent: Option<String>,
    pub overdue: Option<String>,
    pub inbound: Option<String>,
    pub outbound: Option<String>,
}

/// Where hearth keeps its files (XDG on Linux, the platform's usual places elsewhere).
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn discover() -> Paths {
        match directories::ProjectDirs::from("", "", "hearth") {
            Some(dirs) => Paths {
                config_dir: dirs.config_dir().to_path_buf(),
                data_dir: dirs.data_dir().to_path_buf(),
            },
            // No home directory (rare: a bare container). Keep everything local.
            None => Paths {
                config_dir: PathBuf::from(".hearth"),
                data_dir: PathBuf::from(".hearth"),
            },
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn user_playbook_dir(&self) -> PathBuf {
        self.config_dir.join("playbooks")
    }

    pub fn default_db(&self) -> PathBuf {
        self.data_dir.join("hearth.sqlite3")
    }

    pub fn demo_db(&self) -> PathBuf {
        self.data_dir.join("demo.sqlite3")
    }

    /// Where the daily log files go (`hearth.log.YYYY-MM-DD`).
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }
}

impl Config {
    /// Parse config text; `path` is only used to locate errors.
    pub fn from_toml(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let config: Config = parse_toml(path, text)?;
        config.validate(path, text)?;
        Ok(config)
    }

    /// Load `path`. A missing file is only an error when the user named it explicitly.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::from_toml(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                Ok(Config::default())
            }
            Err(source) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Checks serde cannot express: time zones and clock times that must parse.
    fn validate(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        self.validate_accounts(path, text)?;
        brands::validate(&self.brands, path, text)?;
        let Some(hours) = &self.business_hours else {
            return Ok(());
        };
        let at = |key: &str, message: String| {
            let offset = find_key(text, "business_hours", key).unwrap_or(0);
            let (line, col) = line_col(text, offset);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                col,
                message,
            }
        };
        if hours.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(at(
                "timezone",
                format!(
                    "unknown time zone '{}' (use an IANA name such as \"Europe/Berlin\")",
                    hours.timezone
                ),
            ));
        }
        for (key, value) in [("start", &hours.start), ("end", &hours.end)] {
            if chrono::NaiveTime::parse_from_str(value, "%H:%M").is_err() {
                return Err(at(key, format!("'{value}' is not a time of day as HH:MM")));
            }
        }
        for day in &hours.days {
            if parse_weekday(day).is_none() {
                return Err(at(
                    "days",
                    format!("'{day}' is not a weekday (use mon, tue, wed, thu, fri, sat, sun)"),
                ));
            }
        }
        Ok(())
    }
}

impl Config {
    /// The voice of a conversation of `brand` at `location`: the location's
    /// values, then the brand's. Empty when the brand has no `[[brands]]` table.
    pub fn voice_for(&self, brand: Option<&str>, location: Option<&str>) -> Voice {
        brand
            .and_then(|b| brands::find(&self.brands, b))
            .map(|b| b.voice_at(location))
            .unwrap_or_default()
    }

    /// Who replies to a conversation of `brand` at `location` are signed by:
    /// the location's or brand's `signature`, else `agent`.
    pub fn signature_for(&self, brand: Option<&str>, location: Option<&str>) -> String {
        self.voice_for(brand, location)
            .get("signature")
            .map_or_else(|| self.agent.clone(), String::from)
    }

    fn validate_accounts(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let at = |needle: &str, message: String| {
            let (line, col) = text.find(needle).map_or((1, 1), |o| line_col(text, o));
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                col,
                message,
            }
        };
        let mut names = std::collections::HashSet::new();
        for account in &self.accounts {
            let name_at = format!("\"{}\"", account.name);
            if account.name.trim().is_empty() {
                return Err(at("[[account]]", "an account needs a name".into()));
            }
            if !names.insert(account.name.as_str()) {
                return Err(at(
                    &name_at,
                    format!("two accounts are named '{}'", account.name),
                ));
            }
            // Every URL key goes through the one policy (accounts::check_base_url).
            for (key, value) in [
                ("base_url", &account.base_url),
                ("token_url", &account.token_url),
                ("locations_base_url", &account.locations_base_url),
            ] {
                if let Some(url) = value {
                    check_base_url(url).map_err(|e| at(url, format!("{key} {e}")))?;
                }
            }
            if let Some(version) = &account.graph_version
                && !is_graph_version(version)
            {
                return Err(at(
                    &format!("\"{version}\""),
                    format!(
                        "graph_version '{version}' is not a Graph version such as \"{DEFAULT_GRAPH_VERSION}\""
                    ),
                ));
            }
            // Google's v4 paths need the location id, which a bare number does not
            // say is one: refuse it here, where the line can be named.
            for entry in &account.gbp_locations {
                if !is_location_name(entry) {
                    return Err(at(
                        &format!("\"{entry}\""),
                        format!(
                            "gbp_locations entry '{entry}' is not \"locations/<id>\" \
                             (or \"accounts/<id>/locations/<id>\"); write \"locations/{}\"",
                            entry
                                .trim()
                                .trim_matches('/')
                                .rsplit('/')
                                .next()
                                .unwrap_or("<id>")
                        ),
                    ));
                }
            }
            if account.poll_seconds == 0 {
                return Err(at(&name_at, "poll_seconds must be at least 1".into()));
            }
        }
        Ok(())
    }
}

/// "mon" / "Monday" → chrono weekday.
pub fn parse_weekday(day: &str) -> Option<chrono::Weekday> {
    let d = day.trim().to_ascii_lowercase();
    let short = d.get(..3)?;
    Some(match short {
        "mon" => chrono::Weekday::Mon,
        "tue" => chrono::Weekday::Tue,
        "wed" => chrono::Weekday::Wed,
        "thu" => chrono::Weekday::Thu,
        "fri" => chrono::Weekday::Fri,
        "sat" => chrono::Weekday::Sat,
        "sun" => chrono::Weekday::Sun,
        _ => return None,
    })
}

/// "path:line:col" of `key` in `[table]` of the config file at `path`, for errors
/// found after parsing (by the layer that understands the value). Falls back to
/// the bare path when the file or the key cannot be found.
pub fn locate_key(path: &Path, table: &str, key: &str) -> String {
    let place = std::fs::read_to_string(path).ok().and_then(|text| {
        let offset = find_key(&text, table, &format!("\"{key}\""))
            .or_else(|| find_key(&text, table, key))?;
        Some(line_col(&text, offset))
    });
    match place {
        Some((line, col)) => format!("{}:{line}:{col}", path.display()),
        None => path.display().to_string(),
    }
}

/// Byte offset of `key =` inside `[table]`, to point semantic errors at their line.
fn find_key(text: &str, table: &str, key: &str) -> Option<usize> {
    let header = format!("[{table}]");
    let table_start = text.find(&header)?;
    let mut offset = table_start + text[table_start..].find('\n')? + 1;
    for line in text[offset..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            return None;
        }
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> PathBuf {
        PathBuf::from("config.toml")
    }

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(Config::from_toml(&p(), "").unwrap(), Config::default());
    }

    #[test]
    fn example_config_in_assets_parses() {
        let text = include_str!("../../assets/config.example.toml");
        let config = Config::from_toml(Path::new("assets/config.example.toml"), text).unwrap();
        assert!(config.business_hours.is_some());
        assert_ne!(config.agent, Config::default().agent);
    }

    #[test]
    fn bad_toml_names_file_line_and_column() {
        let text = "agent = \"Sam\"\n\n[targets]\ntier1_minutes = \"soon\"\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:4:17:"), "{err}");
    }

    #[test]
    fn unknown_key_is_rejected_with_its_line() {
        let text = "agent = \"Sam\"\nagnet = \"typo\"\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:2:1:"), "{err}");
        assert!(err.contains("agnet"), "{err}");
    }

    #[test]
    fn bad_time_zone_points_at_its_line() {
        let text =
            "[business_hours]\nstart = \"09:00\"\nend = \"17:00\"\ntimezone = \"Mars/Olympus\"\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:4:1:"), "{err}");
        assert!(err.contains("Mars/Olympus"), "{err}");
    }

    #[test]
    fn bad_clock_time_is_rejected() {
        let text = "[business_hours]\ntimezone = \"UTC\"\nstart = \"9am\"\nend = \"17:00\"\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:3:1:"), "{err}");
    }

    #[test]
    fn missing_optional_file_is_default_but_named_file_must_exist() {
        let missing = Path::new("/nonexistent/hearth/config.toml");
        assert_eq!(Config::load(missing, false).unwrap(), Config::default());
        let err = Config::load(missing, true).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/hearth/config.toml"), "{err}");
    }

    #[test]
    fn a_minimal_account_table_parses_to_account_config_new() {
        let text = "[[account]]\nname = \"nw\"\nplatform = \"mastodon\"\n";
        let config = Config::from_toml(&p(), text).unwrap();
        assert_eq!(
            config.accounts,
            vec![AccountConfig::new("nw", crate::model::Platform::Mastodon)]
        );
    }

    #[test]
    fn keys_are_located_quoted_or_bare() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "agent = \"Sam\"\n[keymap]\nj = \"down\"\n  \"ctrl-q\" = \"fly\"\n",
        )
        .unwrap();
        let at = |key| locate_key(&path, "keymap", key);
        assert_eq!(at("ctrl-q"), format!("{}:4:3", path.display()));
        assert_eq!(at("j"), format!("{}:3:1", path.display()));
        assert_eq!(at("k"), path.display().to_string());
    }

    #[test]
    fn a_password_in_any_url_is_refused_at_its_place() {
        let text = "agent = \"Sam\"\n[[account]]\nname = \"nw\"\nplatform = \"google\"\n\
                    token_url = \"https://id:s3cret@oauth2.example/token\"\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:5:14: token_url "), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
        let text = "[[account]]\nname = \"m\"\nplatform = \"mastodon\"\n\
                    base_url = \"https://me:pw@social.example\"\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:4:13: base_url "), "{err}");
        assert!(!err.contains(":pw@"), "{err}");
    }

    #[test]
    fn a_bare_location_id_is_a_config_error_at_its_line() {
        let text = "[[account]]\nname = \"gbp\"\nplatform = \"google\"\n\
                    gbp_locations = [\"locations/1\", \"2345\"]\n";
        let err = Config::from_toml(&p(), text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:4:33:"), "{err}");
        assert!(err.contains("locations/2345"), "says what to write: {err}");
        let fine = "[[account]]\nname = \"gbp\"\nplatform = \"google\"\n\
                    gbp_locations = [\"locations/1\", \"accounts/9/locations/2\"]\n";
        assert!(Config::from_toml(&p(), fine).is_ok());
    }

    #[test]
    fn graph_versions_come_from_the_config_or_the_default() {
        let text =
            "[[account]]\nname = \"fb\"\nplatform = \"facebook\"\ngraph_version = \"v25.0\"\n";
        let config = Config::from_toml(&p(), text).unwrap();
        let fb = &config.accounts[0];
        assert_eq!(fb.api_base().unwrap(), "https://graph.facebook.com/v25.0/");
        let plain = AccountConfig::new("fb", crate::model::Platform::Facebook);
        assert_eq!(
            plain.api_base().unwrap(),
            format!("https://graph.facebook.com/{DEFAULT_GRAPH_VERSION}/")
        );
        // An older config with the version in base_url keeps it.
        let old = AccountConfig {
            base_url: Some("http://127.0.0.1:9/v21.0/".into()),
            ..plain.clone()
        };
        assert_eq!(old.graph_version_in_use(), "v21.0");
        assert_eq!(old.api_base().unwrap(), "http://127.0.0.1:9/v21.0/");
        let fake = AccountConfig {
            base_url: Some("http://127.0.0.1:9".into()),
            graph_version: Some("v24.0".into()),
            ..plain
        };
        assert_eq!(fake.api_base().unwrap(), "http://127.0.0.1:9/v24.0/");
        let bad = "[[account]]\nname = \"fb\"\nplatform = \"facebook\"\ngraph_version = \"26\"\n";
        let err = Config::from_toml(&p(), bad).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:4:17:"), "{err}");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\nbé = x";
        assert_eq!(line_col(text, text.find('x').unwrap()), (2, 6));
    }
}
