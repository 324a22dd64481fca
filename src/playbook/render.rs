//! Filling a template's placeholders for one conversation, with fallbacks that
//! keep the text readable when a value is unknown.

use super::placeholder::{self, Piece};
use crate::config::Config;
use crate::model::{Conversation, Platform};

/// The values a template can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderContext {
    pub first_name: Option<String>,
    pub name: Option<String>,
    pub brand: String,
    pub agent: String,
    pub location: Option<String>,
    pub platform: String,
}

impl RenderContext {
    pub fn for_conversation(c: &Conversation, config: &Config) -> RenderContext {
        let name = c.author.trim();
        RenderContext {
            first_name: first_name_of(name),
            name: (!name.is_empty()).then(|| name.to_string()),
            brand: c
                .brand
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .unwrap_or(&config.default_brand)
                .to_string(),
            agent: config.agent.clone(),
            location: c
                .location
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
            platform: platform_label(c.platform).to_string(),
        }
    }
}

/// How a platform is named in a reply ("thanks for the review on Google").
pub fn platform_label(platform: Platform) -> &'static str {
    match platform {
        Platform::Mastodon => "Mastodon",
        Platform::Facebook => "Facebook",
        Platform::Instagram => "Instagram",
        Platform::Google => "Google",
        Platform::Yelp => "Yelp",
        Platform::Bbb => "BBB",
        Platform::Linkedin => "LinkedIn",
        Platform::Tiktok => "TikTok",
        Platform::Discord => "Discord",
        Platform::Youtube => "YouTube",
        Platform::Forum => "the forum",
        Platform::Other => "this channel",
    }
}

/// A first name from a display name: the first word, if it is made of letters
/// (any script; inner '-' and apostrophes allowed). Handles such as "@sam_k" or
/// "sam.k" give none. An all-lowercase Latin word is capitalised ("maria" → "Maria").
pub fn first_name_of(display_name: &str) -> Option<String> {
    let word = display_name.split_whitespace().next()?;
    let letters_only = word.chars().all(|c| c.is_alphabetic() || "-'’".contains(c));
    let starts_with_letter = word.chars().next().is_some_and(char::is_alphabetic);
    let ends_with_letter = word.chars().last().is_some_and(char::is_alphabetic);
    if !(letters_only && starts_with_letter && ends_with_letter) {
        return None;
    }
    if word.chars().all(|c| !c.is_uppercase()) && word.is_ascii() {
        let mut chars = word.chars();
        let first = chars.next()?;
        return Some(first.to_uppercase().chain(chars).collect());
    }
    Some(word.to_string())
}

/// Fill the placeholders of `template`. Missing values fall back: `{first_name}`
/// → "there" ("Hi there,"), `{name}` → the first name or "there", an empty brand
/// → "our team", an empty agent → "the team". A missing `{location}` is dropped
/// together with a preposition right before it ("visit us at {location}." →
/// "visit us."), so write location phrases that still read well without it.
/// `[[blanks]]` are copied verbatim, placeholders inside them included, so the
/// composer can find them. Stray braces and unknown placeholders (which
/// validation rejects) are kept verbatim too.
pub fn render(template: &str, ctx: &RenderContext) -> String {
    let (pieces, _) = placeholder::split(template);
    let mut out = String::with_capacity(template.len() + 32);
    let mut dropped = false;
    for piece in pieces {
        let just_dropped = std::mem::take(&mut dropped);
        match piece {
            Piece::Text(text) => {
                if just_dropped {
                    push_after_gap(&mut out, text);
                } else {
                    out.push_str(text);
                }
            }
            // A blank is the writer's to fill: copied as is, braces and all.
            Piece::Blank(blank) => out.push_str(blank),
            Piece::Brace(c) => out.push(c),
            Piece::Placeholder { name, .. } => match name {
                "first_name" => out.push_str(ctx.first_name.as_deref().unwrap_or("there")),
                "name" => out.push_str(
                    ctx.name
                        .as_deref()
                        .or(ctx.first_name.as_deref())
                        .unwrap_or("there"),
                ),
                "brand" => out.push_str(non_empty(&ctx.brand).unwrap_or("our team")),
                "agent" => out.push_str(non_empty(&ctx.agent).unwrap_or("the team")),
                "platform" => out.push_str(non_empty(&ctx.platform).unwrap_or("this channel")),
                "location" => match ctx.location.as_deref().and_then(non_empty) {
                    Some(l) => out.push_str(l),
                    None => {
                        drop_trailing_preposition(&mut out);
                        dropped = true;
                    }
                },
                other => {
                    out.push('{');
                    out.push_str(other);
                    out.push('}');
                }
            },
        }
    }
    out
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// After a dropped placeholder: avoid a double space or a space before punctuation.
fn push_after_gap(out: &mut String, text: &str) {
    let gap_before = out.is_empty() || out.ends_with([' ', '\n']);
    if gap_before && text.starts_with(' ') {
        out.push_str(text.trim_start_matches(' '));
    } else if text.starts_with(['.', ',', ';', ':', '!', '?', ')']) {
        let kept = out.trim_end_matches(' ').len();
        out.truncate(kept);
        out.push_str(text);
    } else {
        out.push_str(text);
    }
}

/// "visit us at " → "visit us " when the location that follows is unknown.
fn drop_trailing_preposition(out: &mut String) {
    const PREPOSITIONS: &[&str] = &["in", "at", "near", "from", "for", "to", "of", "around"];
    let trimmed = out.trim_end_matches(' ');
    if trimmed.len() == out.len() {
        return; // the placeholder is glued to a word; leave it alone
    }
    let word_start = trimmed.rfind([' ', '\n']).map_or(0, |i| i + 1);
    let word = &trimmed[word_start..];
    if PREPOSITIONS.iter().any(|p| word.eq_ignore_ascii_case(p)) {
        out.truncate(word_start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RenderContext {
        RenderContext {
            first_name: Some("Maria".into()),
            name: Some("Maria Lopez".into()),
            brand: "Bakehouse".into(),
            agent: "Sam".into(),
            location: Some("Camden".into()),
            platform: "Google".into(),
        }
    }

    fn bare() -> RenderContext {
        RenderContext {
            first_name: None,
            name: None,
            brand: String::new(),
            agent: String::new(),
            location: None,
            platform: String::new(),
        }
    }

    #[test]
    fn fills_every_placeholder() {
        let text = "Hi {first_name} ({name}), {agent} from {brand} {location} on {platform}.";
        assert_eq!(
            render(text, &ctx()),
            "Hi Maria (Maria Lopez), Sam from Bakehouse Camden on Google."
        );
    }

    #[test]
    fn falls_back_when_values_are_missing() {
        assert_eq!(render("Hi {first_name},", &bare()), "Hi there,");
        assert_eq!(
            render("— {agent}, {brand}", &bare()),
            "— the team, our team"
        );
        assert_eq!(
            render("Come and see us at {location}.", &bare()),
            "Come and see us."
        );
        assert_eq!(
            render("The {location} team says hi.", &bare()),
            "The team says hi."
        );
        assert_eq!(
            render("Our team in {location}, and beyond", &bare()),
            "Our team, and beyond"
        );
        assert_eq!(render("{location} rocks", &bare()), "rocks");
    }

    #[test]
    fn escaped_braces_render_as_single_braces() {
        assert_eq!(
            render("{{brand}} is {brand}", &ctx()),
            "{brand} is Bakehouse"
        );
        assert_eq!(render("a }} b", &ctx()), "a } b");
    }

    #[test]
    fn first_names_from_display_names() {
        assert_eq!(first_name_of("Maria Lopez").as_deref(), Some("Maria"));
        assert_eq!(first_name_of("  maria  ").as_deref(), Some("Maria"));
        assert_eq!(
            first_name_of("Jean-Luc Picard").as_deref(),
            Some("Jean-Luc")
        );
        assert_eq!(first_name_of("@sam_k"), None);
        assert_eq!(first_name_of("sam.k"), None);
        assert_eq!(first_name_of("user123"), None);
        assert_eq!(first_name_of(""), None);
        assert_eq!(first_name_of("Юлия Петрова").as_deref(), Some("Юлия"));
        assert_eq!(first_name_of("山田 太郎").as_deref(), Some("山田"));
        assert_eq!(first_name_of("محمد علي").as_deref(), Some("محمد"));
    }

    #[test]
    fn non_latin_names_render() {
        let mut c = ctx();
        c.first_name = first_name_of("Юлия Петрова");
        assert_eq!(render("Привет, {first_name}!", &c), "Привет, Юлия!");
    }

    #[test]
    fn context_from_a_conversation_uses_config_defaults() {
        use crate::model::{Family, Kind, Status, Tier};
        let now = chrono::Utc::now();
        let mut conv = Conversation {
            id: 1,
            account: "acct".into(),
            platform: Platform::Google,
            family: Family::Reputation,
            kind: Kind::Review,
            thread_id: "t".into(),
            author: "@sam_k".into(),
            context: None,
            brand: None,
            location: Some("  ".into()),
            status: Status::Open,
            snoozed_until: None,
            tier: Tier::Retention,
            tier_auto: Tier::Retention,
            tier_override: None,
            tier_reason: String::new(),
            sentiment: 0.0,
            rating: Some(2),
            first_unanswered_at: None,
            due_at: None,
            ack_due_at: None,
            last_message_at: now,
            preview: String::new(),
            message_count: 1,
        };
        let config = Config {
            agent: "Robin".into(),
            default_brand: "Acme".into(),
            ..Config::default()
        };
        let ctx = RenderContext::for_conversation(&conv, &config);
        assert_eq!(ctx.first_name, None);
        assert_eq!(ctx.name.as_deref(), Some("@sam_k"));
        assert_eq!(ctx.brand, "Acme");
        assert_eq!(ctx.location, None);
        assert_eq!(ctx.platform, "Google");
        assert_eq!(
            render(
                "Hi {first_name}, thanks from {agent} at {brand} {location}!",
                &ctx
            ),
            "Hi there, thanks from Robin at Acme!"
        );
        conv.brand = Some("Bakehouse".into());
        conv.author = "Zoë Kravitz".into();
        let ctx = RenderContext::for_conversation(&conv, &config);
        assert_eq!(ctx.brand, "Bakehouse");
        assert_eq!(ctx.first_name.as_deref(), Some("Zoë"));
    }

    #[test]
    fn blanks_are_kept_verbatim_with_their_braces() {
        let text = "Hi {first_name}! [[price for {location} or {{x}}]] near {location}.";
        assert_eq!(
            render(text, &ctx()),
            "Hi Maria! [[price for {location} or {{x}}]] near Camden."
        );
        assert_eq!(
            render(text, &bare()),
            "Hi there! [[price for {location} or {{x}}]]."
        );
        // A malformed blank is plain text: its placeholders are filled as usual.
        assert_eq!(render("[[for {brand}", &ctx()), "[[for Bakehouse");
    }
}
