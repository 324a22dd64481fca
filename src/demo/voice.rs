//! The demo brands' voice (`assets/demo/brands.toml`): signatures, contact
//! details and links, so replies to the two demo brands sign differently.

use crate::config::{BrandConfig, Config, brands};
use std::path::Path;

pub const BRANDS_FILE: &str = "assets/demo/brands.toml";
pub const BRANDS: &str = include_str!("../../assets/demo/brands.toml");

/// The demo's `[[brands]]` tables.
pub fn demo_brands() -> Result<Vec<BrandConfig>, crate::config::ConfigError> {
    Ok(Config::from_toml(Path::new(BRANDS_FILE), BRANDS)?.brands)
}

/// Add the demo brands to `config`, except those it configures itself (the
/// user's own `[[brands]]` table for a demo brand wins).
pub fn add_demo_brands(config: &mut Config) -> Result<(), crate::config::ConfigError> {
    for brand in demo_brands()? {
        if brands::find(&config.brands, &brand.name).is_none() {
            config.brands.push(brand);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_demo_brands_sign_differently() {
        let mut config = Config::default();
        add_demo_brands(&mut config).expect("the embedded file parses");
        let nw = config.signature_for(Some("Northwind Coffee"), Some("Portland"));
        let seattle = config.signature_for(Some("Northwind Coffee"), Some("Seattle"));
        let harbor = config.signature_for(Some("Harbor Bikes"), Some("Oakland"));
        assert_ne!(nw, harbor);
        assert_ne!(nw, seattle);
        assert_ne!(harbor, Config::default().agent);
        // Every demo brand and location sets every value the templates use.
        for b in &config.brands {
            for at in std::iter::once(None).chain(b.locations.iter().map(|l| Some(l.as_str()))) {
                let voice = b.voice_at(at);
                for key in crate::config::VOICE_KEYS {
                    assert!(voice.get(key).is_some(), "{} {at:?} {key}", b.name);
                }
            }
        }
        // The user's own table for a demo brand is kept.
        let mut mine = Config::default();
        mine.brands.push(BrandConfig {
            signature: Some("Me".into()),
            ..BrandConfig::new("harbor bikes")
        });
        add_demo_brands(&mut mine).expect("parses");
        assert_eq!(mine.signature_for(Some("Harbor Bikes"), None), "Me");
        assert_eq!(mine.brands.len(), 2);
    }
}
