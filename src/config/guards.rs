//! The `[guards]` section of the config: which mistake warnings run before a reply
//! or a hide/delete goes out, and how alike two replies must be to count as a repeat.
//! (The checks themselves, and `GuardConfig::enabled`, live in `crate::inbox::guards`
//! so that this bottom layer does not depend on the application core.)
//!
//! ```toml
//! [guards]
//! deflection = true           # "check our website" instead of an answer
//! repeated_text = true        # the same reply again and again
//! no_personalisation = true   # the customer's name is known but not used
//! unfilled_template = true    # [[blanks]], [hints] or {placeholders} left in
//! too_long = true             # more characters than the platform allows
//! hiding_complaint = true     # hiding or deleting an unhappy customer
//! complaint_elsewhere = true  # answering a lead who waits on a complaint elsewhere
//! repeat_limit = 3            # warn once this many alike replies went out in 7 days
//! repeat_similarity = 0.9     # share of words in common that makes two replies alike
//! ```

use serde::{Deserialize, Deserializer, de::Error as _};

/// Every guard is on by default: each one catches a mistake the product brief
/// names, and switching one off should be a deliberate choice.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GuardConfig {
    pub deflection: bool,
    pub repeated_text: bool,
    pub no_personalisation: bool,
    pub unfilled_template: bool,
    pub too_long: bool,
    pub hiding_complaint: bool,
    pub complaint_elsewhere: bool,
    /// Warn when at least this many alike replies went out on the account in the
    /// last 7 days. At least 1.
    #[serde(deserialize_with = "at_least_one")]
    pub repeat_limit: usize,
    /// Two replies are alike when this share of their words is the same (Dice
    /// coefficient over words, 0.9 = 90%). Above 0, at most 1.
    #[serde(deserialize_with = "share")]
    pub repeat_similarity: f64,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            deflection: true,
            repeated_text: true,
            no_personalisation: true,
            unfilled_template: true,
            too_long: true,
            hiding_complaint: true,
            complaint_elsewhere: true,
            repeat_limit: 3,
            repeat_similarity: 0.9,
        }
    }
}

// Range checks run while deserialising so the error carries the value's
// file:line:col like any other shape error (see `config::parse_toml`).

fn at_least_one<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if n == 0 {
        // 0 would mean "every reply is a repeat", which is never what anyone wants.
        return Err(D::Error::custom(
            "repeat_limit must be at least 1 (the number of alike replies that triggers the warning)",
        ));
    }
    Ok(n)
}

fn share<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let x = f64::deserialize(d)?;
    // A percentage such as 90 would silently switch the guard off, and 0 would
    // make every reply alike; both are mistakes worth stopping at load time.
    if !(x > 0.0 && x <= 1.0) {
        return Err(D::Error::custom(format!(
            "repeat_similarity must be a share above 0 and at most 1 (0.9 = 90% of words in common), got {x}"
        )));
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, String> {
        Config::from_toml(Path::new("config.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn everything_is_on_by_default() {
        let g = GuardConfig::default();
        assert!(g.deflection && g.repeated_text && g.no_personalisation);
        assert!(g.unfilled_template && g.too_long && g.hiding_complaint);
        assert_eq!((g.repeat_limit, g.repeat_similarity), (3, 0.9));
        assert_eq!(parse("").unwrap().guards, g);
    }

    #[test]
    fn a_guards_table_sets_only_what_it_names() {
        let config =
            parse("[guards]\ndeflection = false\nrepeat_limit = 5\nrepeat_similarity = 0.75\n")
                .unwrap();
        let expected = GuardConfig {
            deflection: false,
            repeat_limit: 5,
            repeat_similarity: 0.75,
            ..GuardConfig::default()
        };
        assert_eq!(config.guards, expected);
    }

    #[test]
    fn unknown_guard_key_is_rejected_with_its_line() {
        let err = parse("[guards]\ndeflexion = false\n").unwrap_err();
        assert!(err.starts_with("config.toml:2:"), "{err}");
        assert!(err.contains("deflexion"), "{err}");
    }

    #[test]
    fn similarity_written_as_a_percentage_is_rejected_at_its_value() {
        let err = parse("[guards]\nrepeat_similarity = 90\n").unwrap_err();
        assert!(err.starts_with("config.toml:2:21:"), "{err}");
        assert!(err.contains("got 90"), "{err}");
        assert!(parse("[guards]\nrepeat_similarity = 0\n").is_err());
        assert!(parse("[guards]\nrepeat_similarity = 1\n").is_ok());
    }

    #[test]
    fn a_repeat_limit_of_zero_is_rejected() {
        let err = parse("[guards]\nrepeat_limit = 0\n").unwrap_err();
        assert!(err.starts_with("config.toml:2:"), "{err}");
        assert!(err.contains("at least 1"), "{err}");
    }

    #[test]
    fn the_commented_example_in_assets_parses_once_uncommented() {
        // The example ships commented out (defaults apply); make sure it stays valid.
        let example = include_str!("../../assets/config.example.toml");
        let start = example.find("# [guards]").expect("a [guards] example");
        let block: String = example[start..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{}\n", l.trim_start_matches('#').trim_start()))
            .collect();
        assert!(block.contains("repeat_similarity"), "{block}");
        let config = parse(&block).unwrap();
        assert_eq!(config.guards, GuardConfig::default());
    }
}
