//! `[[brands]]`: each brand's voice. A reply to a conversation of a brand is
//! signed with the brand's `signature` (`{agent}` in templates, and the name on
//! the outbound message) and can use its `email`, `phone`, `review_link` and
//! `booking_link`; a location's values override the brand's.
//!
//! ```toml
//! agent = "Alex"                        # the signature when a brand sets none
//!
//! [[brands]]
//! name = "Northwind Coffee"
//! locations = ["Portland", "Seattle"]
//! signature = "Mia, Northwind Coffee"
//! email = "hello@northwind.example"
//! phone = "+1 503 555 0100"
//! review_link = "https://g.page/r/northwind/review"
//! booking_link = "https://northwind.example/cater"
//!
//! [brands.location.Seattle]             # one of `locations`
//! signature = "Sam, Northwind Seattle"
//! phone = "+1 206 555 0100"
//! ```

use super::{ConfigError, line_col};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BrandConfig {
    pub name: String,
    #[serde(default)]
    pub locations: Vec<String>,
    /// This brand's service areas (default: the top-level `service_areas`).
    #[serde(default)]
    pub service_areas: Vec<String>,
    pub signature: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub review_link: Option<String>,
    pub booking_link: Option<String>,
    /// Per-location values (`[brands.location.NAME]`), each name one of `locations`.
    #[serde(default)]
    pub location: BTreeMap<String, Voice>,
}

impl BrandConfig {
    pub fn new(name: &str) -> BrandConfig {
        BrandConfig {
            name: name.into(),
            locations: Vec::new(),
            service_areas: Vec::new(),
            signature: None,
            email: None,
            phone: None,
            review_link: None,
            booking_link: None,
            location: BTreeMap::new(),
        }
    }

    /// The brand's own values (before any location's).
    pub fn voice(&self) -> Voice {
        Voice {
            signature: self.signature.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            review_link: self.review_link.clone(),
            booking_link: self.booking_link.clone(),
        }
    }

    /// The values for a conversation at `location` (or none): the location's
    /// values where it sets them, the brand's elsewhere.
    pub fn voice_at(&self, location: Option<&str>) -> Voice {
        let own = self.voice();
        let Some(at) = location.and_then(|l| self.location_values(l)) else {
            return own;
        };
        Voice {
            signature: at.signature.clone().or(own.signature),
            email: at.email.clone().or(own.email),
            phone: at.phone.clone().or(own.phone),
            review_link: at.review_link.clone().or(own.review_link),
            booking_link: at.booking_link.clone().or(own.booking_link),
        }
    }

    fn location_values(&self, location: &str) -> Option<&Voice> {
        self.location
            .iter()
            .find(|(name, _)| same_name(name, location))
            .map(|(_, v)| v)
    }
}

/// What a brand or a location can set. Blank values count as unset.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Voice {
    pub signature: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub review_link: Option<String>,
    pub booking_link: Option<String>,
}

/// The placeholders a brand (or location) fills, as the config spells them.
pub const VOICE_KEYS: [&str; 4] = ["email", "phone", "review_link", "booking_link"];

impl Voice {
    /// The value of a `VOICE_KEYS` placeholder, if set and not blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        let value = match key {
            "signature" => &self.signature,
            "email" => &self.email,
            "phone" => &self.phone,
            "review_link" => &self.review_link,
            "booking_link" => &self.booking_link,
            _ => &None,
        };
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

/// Brand and location names compare trimmed and case-insensitively.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The brand named `name` in `brands`.
pub fn find<'a>(brands: &'a [BrandConfig], name: &str) -> Option<&'a BrandConfig> {
    brands.iter().find(|b| same_name(&b.name, name))
}

/// Checks serde cannot express, each pointing at its line: a brand needs a
/// name and one table; a `[brands.location.NAME]` must be one of `locations`;
/// links are web addresses and an email has an `@`.
pub(super) fn validate(brands: &[BrandConfig], path: &Path, text: &str) -> Result<(), ConfigError> {
    let at = |offset: Option<usize>, message: String| {
        let (line, col) = offset.map_or((1, 1), |o| line_col(text, o));
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            col,
            message,
        }
    };
    // Each brand's table starts at its `[[brands]]` header: look for its keys there.
    let starts: Vec<usize> = text.match_indices("[[brands]]").map(|(i, _)| i).collect();
    for (n, brand) in brands.iter().enumerate() {
        let from = starts.get(n).copied().unwrap_or(0);
        let find = |needle: &str| text[from..].find(needle).map(|i| from + i);
        if brand.name.trim().is_empty() {
            return Err(at(Some(from), "a brand needs a name".into()));
        }
        if brands[..n].iter().any(|b| same_name(&b.name, &brand.name)) {
            return Err(at(
                find(&format!("\"{}\"", brand.name)),
                format!("two brands are named '{}'", brand.name),
            ));
        }
        for name in brand.location.keys() {
            if !brand.locations.iter().any(|l| same_name(l, name)) {
                let header = find(&format!("location.{name}"))
                    .or_else(|| find(&format!("location.\"{name}\"")));
                let known = if brand.locations.is_empty() {
                    "it lists none".to_string()
                } else {
                    brand.locations.join(", ")
                };
                return Err(at(
                    header,
                    format!(
                        "brand '{}' has no location '{name}' (its locations: {known}); \
                         add it to `locations` or fix the name",
                        brand.name
                    ),
                ));
            }
        }
        let mut voices: Vec<(Option<&str>, &Voice)> = Vec::new();
        let own = brand.voice();
        voices.push((None, &own));
        voices.extend(brand.location.iter().map(|(l, v)| (Some(l.as_str()), v)));
        for (location, voice) in voices {
            let whose = match location {
                Some(l) => format!("brand '{}' location '{l}'", brand.name),
                None => format!("brand '{}'", brand.name),
            };
            for key in ["review_link", "booking_link"] {
                if let Some(link) = voice.get(key)
                    && !is_web_link(link)
                {
                    return Err(at(
                        find(&format!("\"{link}\"")),
                        format!("{whose}: {key} '{link}' is not a web address (https://…)"),
                    ));
                }
            }
            if let Some(email) = voice.get("email")
                && !email.contains('@')
            {
                return Err(at(
                    find(&format!("\"{email}\"")),
                    format!("{whose}: email '{email}' is not an email address"),
                ));
            }
        }
    }
    Ok(())
}

fn is_web_link(link: &str) -> bool {
    url::Url::parse(link)
        .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;
    use std::path::PathBuf;

    fn p() -> PathBuf {
        PathBuf::from("config.toml")
    }

    const TWO: &str = r#"agent = "Alex"

[[brands]]
name = "Northwind Coffee"
locations = ["Portland", "Seattle"]
signature = "Mia, Northwind Coffee"
email = "hello@northwind.example"
phone = "+1 503 555 0100"

[brands.location.Seattle]
signature = "Sam, Northwind Seattle"
phone = "+1 206 555 0100"

[[brands]]
name = "Harbor Bikes"
booking_link = "https://harbor.example/book"
"#;

    #[test]
    fn a_location_overrides_its_brand_and_keeps_the_rest() {
        let config = Config::from_toml(&p(), TWO).unwrap();
        let nw = find(&config.brands, "northwind coffee ").unwrap();
        let seattle = nw.voice_at(Some("seattle"));
        assert_eq!(seattle.get("signature"), Some("Sam, Northwind Seattle"));
        assert_eq!(seattle.get("phone"), Some("+1 206 555 0100"));
        assert_eq!(seattle.get("email"), Some("hello@northwind.example"));
        let portland = nw.voice_at(Some("Portland"));
        assert_eq!(portland.get("signature"), Some("Mia, Northwind Coffee"));
        assert_eq!(portland.get("phone"), Some("+1 503 555 0100"));
        assert_eq!(nw.voice_at(None), nw.voice());
        let harbor = find(&config.brands, "Harbor Bikes").unwrap();
        assert_eq!(
            harbor.voice_at(None).get("booking_link"),
            Some("https://harbor.example/book")
        );
        assert_eq!(harbor.voice_at(None).get("signature"), None);
    }

    #[test]
    fn a_location_that_is_not_listed_is_an_error_at_its_header() {
        let text = TWO.replace("[brands.location.Seattle]", "[brands.location.Seatle]");
        let err = Config::from_toml(&p(), &text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:10:9:"), "{err}");
        assert!(err.contains("no location 'Seatle'"), "{err}");
        assert!(err.contains("Portland, Seattle"), "{err}");
    }

    #[test]
    fn malformed_brand_values_name_file_line_and_column() {
        // A typo in a location's key: serde's own error, at its line.
        let text = TWO.replace("phone = \"+1 206", "phnoe = \"+1 206");
        let err = Config::from_toml(&p(), &text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:12:1:"), "{err}");
        assert!(err.contains("phnoe"), "{err}");
        // A link that is not a web address, in the second brand.
        let text = TWO.replace("https://harbor.example/book", "harbor.example/book");
        let err = Config::from_toml(&p(), &text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:16:16:"), "{err}");
        assert!(err.contains("brand 'Harbor Bikes': booking_link"), "{err}");
        // Two brands with one name.
        let text = TWO.replace("Harbor Bikes", "northwind coffee");
        let err = Config::from_toml(&p(), &text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:15:8:"), "{err}");
        // An email without an @.
        let text = TWO.replace("hello@northwind.example", "hello-northwind");
        let err = Config::from_toml(&p(), &text).unwrap_err().to_string();
        assert!(err.starts_with("config.toml:7:9:"), "{err}");
    }
}
