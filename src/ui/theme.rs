//! Colours, from `config.theme` names ("red", "#ff8800", "lightblue") over defaults.

use crate::config::ThemeConfig;
use crate::model::Tier;
use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub tiers: [Color; 5],
    pub accent: Color,
    pub overdue: Color,
    pub inbound: Color,
    pub outbound: Color,
    pub dim: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            tiers: [
                Color::LightRed,
                Color::LightYellow,
                Color::LightCyan,
                Color::LightGreen,
                Color::DarkGray,
            ],
            accent: Color::LightBlue,
            overdue: Color::Red,
            inbound: Color::Cyan,
            outbound: Color::Green,
            dim: Color::DarkGray,
        }
    }
}

impl Theme {
    /// Defaults with the configured colours applied; a name that is not a colour is an error.
    pub fn from_config(cfg: &ThemeConfig) -> Result<Theme, String> {
        let mut theme = Theme::default();
        let slots: [(&str, &Option<String>, &mut Color); 9] = {
            let [t1, t2, t3, t4, t5] = &mut theme.tiers;
            [
                ("tier1", &cfg.tier1, t1),
                ("tier2", &cfg.tier2, t2),
                ("tier3", &cfg.tier3, t3),
                ("tier4", &cfg.tier4, t4),
                ("tier5", &cfg.tier5, t5),
                ("accent", &cfg.accent, &mut theme.accent),
                ("overdue", &cfg.overdue, &mut theme.overdue),
                ("inbound", &cfg.inbound, &mut theme.inbound),
                ("outbound", &cfg.outbound, &mut theme.outbound),
            ]
        };
        for (key, value, slot) in slots {
            if let Some(name) = value {
                *slot = Color::from_str(name)
                    .map_err(|_| format!("theme.{key}: '{name}' is not a colour"))?;
            }
        }
        Ok(theme)
    }

    pub fn tier(&self, tier: Tier) -> Color {
        self.tiers[usize::from(tier.number() - 1)]
    }

    /// The `T1` badge: tier colour as background.
    pub fn badge(&self, tier: Tier) -> Style {
        Style::default()
            .fg(Color::Black)
            .bg(self.tier(tier))
            .add_modifier(Modifier::BOLD)
    }

    pub fn focused_border(&self) -> Style {
        Style::default().fg(self.accent)
    }

    pub fn border(&self) -> Style {
        Style::default().fg(self.dim)
    }

    pub fn selected(&self) -> Style {
        Style::default()
            .bg(Color::Indexed(236))
            .add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_colours_override_defaults() {
        let cfg = ThemeConfig {
            tier1: Some("#ff8800".into()),
            accent: Some("magenta".into()),
            ..ThemeConfig::default()
        };
        let theme = Theme::from_config(&cfg).expect("valid theme");
        assert_eq!(theme.tier(Tier::Revenue), Color::Rgb(0xff, 0x88, 0x00));
        assert_eq!(theme.accent, Color::Magenta);
        assert_eq!(
            theme.tier(Tier::Retention),
            Theme::default().tier(Tier::Retention)
        );
    }

    #[test]
    fn bad_colour_names_the_key() {
        let cfg = ThemeConfig {
            overdue: Some("blurple".into()),
            ..ThemeConfig::default()
        };
        let err = Theme::from_config(&cfg).unwrap_err();
        assert!(
            err.contains("theme.overdue") && err.contains("blurple"),
            "{err}"
        );
    }
}
