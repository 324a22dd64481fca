//! Filling a template's placeholders for one conversation, with fallbacks that
//! keep the text readable when a value is unknown.

use super::placeholder::{self, Piece};
use crate::config::{Config, Voice};
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
    /// The brand's (or location's) `email`, `phone`, `review_link` and
    /// `booking_link` from `[[brands]]`.
    pub voice: Voice,
}

impl RenderContext {
    pub fn for_conversation(c: &Conversation, config: &Config) -> RenderContext {
        let name = c.author.trim();
        let brand = c.brand.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let location = c
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
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
            agent: config.signature_for(brand, location),
            location: c
                .location
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
            platform: platform_label(c.platform).to_string(),
            voice: config.voice_for(brand, location),
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
/// "sam.k" give none (so `{greeting}` says "Hello"). An all-lowercase Latin word
/// is capitalised ("maria" → "Maria").
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

/// What `{greeting}` renders: "Hi Dana" with a first name, else a neutral "Hello"
/// (never "Hi there", which reads like a form letter to someone we can see by handle).
pub fn greeting_for(first_name: Option<&str>) -> String {
    match first_name.and_then(non_empty) {
        Some(first) => format!("Hi {first}"),
        None => "Hello".to_string(),
    }
}

/// Fill the placeholders of `template`.
///
/// `{greeting}` is "Hi <first name>" or, without one, "Hello".
///
/// A missing `{first_name}` (and a `{name}` with neither a name nor a first
/// name) is dropped so that the sentence still reads as if it never named anyone:
/// - after a greeting word, the greeting turns neutral: "Hi {first_name}," →
///   "Hello,";
/// - after a comma, the comma goes too: "Thanks, {first_name}!" → "Thanks!",
///   "Thanks, {first_name}, that helps" → "Thanks, that helps";
/// - at the start of a line, the punctuation after it goes and the next word is
///   capitalised: "{first_name}, thank you" → "Thank you";
/// - anywhere else only the name and a doubled space go.
///
/// `{agent}` is the brand's (or location's) `signature` from `[[brands]]`, else
/// the config's `agent`. `{email}`, `{phone}`, `{review_link}` and
/// `{booking_link}` come from the brand, a location's values first; without one
/// they become a blank to fill in ([`blank_for`]: "[[email address]]").
///
/// Other fallbacks: an empty brand → "our team", an empty agent → "the team". A
/// missing `{location}` is dropped together with a preposition right before it
/// ("visit us at {location}." → "visit us."), so write location phrases that still
/// read well without it.
///
/// `[[blanks]]` are copied verbatim, placeholders inside them included, so the
/// composer can find them. Stray braces and unknown placeholders (which
/// validation rejects) are kept verbatim too.
pub fn render(template: &str, ctx: &RenderContext) -> String {
    let (pieces, _) = placeholder::split(template);
    let mut out = String::with_capacity(template.len() + 32);
    let mut gap = Gap::None;
    for piece in pieces {
        let before = std::mem::replace(&mut gap, Gap::None);
        match piece {
            Piece::Text(text) | Piece::Blank(text) => gap = push(&mut out, text, before),
            Piece::Brace(c) => gap = push(&mut out, c.encode_utf8(&mut [0; 4]), before),
            Piece::Placeholder { name, .. } => {
                let value = match name {
                    "greeting" => Some(greeting_for(ctx.first_name.as_deref())),
                    "first_name" => ctx
                        .first_name
                        .as_deref()
                        .and_then(non_empty)
                        .map(String::from),
                    "name" => ctx
                        .name
                        .as_deref()
                        .and_then(non_empty)
                        .or(ctx.first_name.as_deref().and_then(non_empty))
                        .map(String::from),
                    "brand" => Some(non_empty(&ctx.brand).unwrap_or("our team").to_string()),
                    "agent" => Some(non_empty(&ctx.agent).unwrap_or("the team").to_string()),
                    "platform" => Some(
                        non_empty(&ctx.platform)
                            .unwrap_or("this channel")
                            .to_string(),
                    ),
                    "location" => ctx
                        .location
                        .as_deref()
                        .and_then(non_empty)
                        .map(String::from),
                    "email" | "phone" | "review_link" | "booking_link" => Some(
                        ctx.voice
                            .get(name)
                            .map_or_else(|| blank_for(name).to_string(), String::from),
                    ),
                    other => Some(format!("{{{other}}}")),
                };
                gap = match (value, name) {
                    (Some(v), _) => push(&mut out, &v, before),
                    (None, "location") => {
                        drop_trailing_preposition(&mut out);
                        Gap::Dropped
                    }
                    (None, _) => drop_vocative(&mut out),
                };
            }
        }
    }
    out
}

/// What `{email}`, `{phone}`, `{review_link}` and `{booking_link}` become when
/// the brand has no value: a blank the writer fills in (and the unfilled-template
/// guard catches if they do not).
pub fn blank_for(placeholder: &str) -> &'static str {
    match placeholder {
        "email" => "[[email address]]",
        "phone" => "[[phone number]]",
        "review_link" => "[[review link]]",
        "booking_link" => "[[booking link]]",
        _ => "[[value]]",
    }
}

/// What a dropped placeholder leaves for the text that follows it to tidy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    None,
    /// Something was dropped mid-line: avoid a double space or a space before punctuation.
    Dropped,
    /// A name opening a line was dropped: its punctuation goes, the next word is capitalised.
    LineStart,
}

/// Append `text` after `gap`; returns the gap still open when `text` was used up
/// entirely by the tidying (", " after a dropped line-opening name).
fn push(out: &mut String, text: &str, gap: Gap) -> Gap {
    match gap {
        Gap::None => out.push_str(text),
        Gap::Dropped => push_after_gap(out, text),
        Gap::LineStart => {
            let rest = text.trim_start_matches([',', ';', ':', '!', '.', ' ']);
            let mut chars = rest.chars();
            let Some(first) = chars.next() else {
                return Gap::LineStart;
            };
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    Gap::None
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

/// Drop a name that is unknown, rewriting what comes before it so the sentence
/// reads as if it never addressed anyone (see [`render`] for the cases).
fn drop_vocative(out: &mut String) -> Gap {
    const GREETINGS: &[&str] = &["hi", "hey", "hello", "dear", "hiya"];
    let trimmed = out.trim_end_matches(' ');
    if trimmed.is_empty() || trimmed.ends_with('\n') {
        out.truncate(trimmed.len());
        return Gap::LineStart;
    }
    if let Some(before_comma) = trimmed.strip_suffix(',') {
        let kept = before_comma.trim_end_matches(' ').len();
        out.truncate(kept);
        return Gap::Dropped;
    }
    let spaced = trimmed.len() < out.len();
    let word_start = trimmed.rfind([' ', '\n']).map_or(0, |i| i + 1);
    let word = &trimmed[word_start..];
    if spaced && GREETINGS.iter().any(|g| word.eq_ignore_ascii_case(g)) {
        let neutral = if word.starts_with(char::is_uppercase) {
            "Hello"
        } else {
            "hello"
        };
        out.truncate(word_start);
        out.push_str(neutral);
    }
    Gap::Dropped
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
            voice: Voice::default(),
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
            voice: Voice::default(),
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
        assert_eq!(render("Hi {first_name},", &bare()), "Hello,");
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
            sort_tier: Tier::Retention,
            acknowledged_at: None,
            send_error: None,
            last_inbound_at: None,
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
            "Hello, thanks from Robin at Acme!"
        );
        assert_eq!(render("{greeting}, thanks!", &ctx), "Hello, thanks!");
        assert_eq!(render("Hi {name}!", &ctx), "Hi @sam_k!");
        conv.brand = Some("Bakehouse".into());
        conv.author = "Zoë Kravitz".into();
        let ctx = RenderContext::for_conversation(&conv, &config);
        assert_eq!(ctx.brand, "Bakehouse");
        assert_eq!(ctx.first_name.as_deref(), Some("Zoë"));
        assert_eq!(render("{greeting}, thanks!", &ctx), "Hi Zoë, thanks!");
    }

    #[test]
    fn greeting_names_a_known_first_name_and_is_neutral_otherwise() {
        assert_eq!(render("{greeting}, welcome!", &ctx()), "Hi Maria, welcome!");
        assert_eq!(render("{greeting}, welcome!", &bare()), "Hello, welcome!");
        // A handle is a name but not a first name: no "Hi @sam_k", no "Hi there".
        let mut handle = bare();
        handle.name = Some("@sam_k".into());
        handle.first_name = first_name_of("@sam_k");
        assert_eq!(render("{greeting}, welcome!", &handle), "Hello, welcome!");
        assert_eq!(greeting_for(Some("  ")), "Hello");
        assert_eq!(greeting_for(Some("Dana")), "Hi Dana");
    }

    #[test]
    fn a_missing_first_name_leaves_a_sentence_that_reads_well() {
        let cases = [
            ("Hi {first_name}, thanks!", "Hello, thanks!"),
            ("Hey {first_name}!", "Hello!"),
            ("Oh, and hi {first_name}.", "Oh, and hello."),
            ("Thanks, {first_name}!", "Thanks!"),
            ("Thanks, {first_name}, that helps.", "Thanks, that helps."),
            (
                "Good question, {first_name}. I'll check.",
                "Good question. I'll check.",
            ),
            ("{first_name}, thank you!", "Thank you!"),
            ("Intro\n{first_name}, thank you!", "Intro\nThank you!"),
            ("{first_name}, {brand} says thanks", "Our team says thanks"),
            ("Welcome {first_name} to the club.", "Welcome to the club."),
            ("Sorry, {first_name}.", "Sorry."),
            ("Hi {name}, hello.", "Hello, hello."),
        ];
        for (template, expected) in cases {
            assert_eq!(render(template, &bare()), expected, "{template}");
        }
        // With a name, the same templates are untouched.
        assert_eq!(render("Thanks, {first_name}!", &ctx()), "Thanks, Maria!");
        assert_eq!(
            render("{first_name}, thank you!", &ctx()),
            "Maria, thank you!"
        );
    }

    #[test]
    fn blanks_are_kept_verbatim_with_their_braces() {
        let text = "{greeting}! [[price for {location} or {{x}}]] near {location}.";
        assert_eq!(
            render(text, &ctx()),
            "Hi Maria! [[price for {location} or {{x}}]] near Camden."
        );
        assert_eq!(
            render(text, &bare()),
            "Hello! [[price for {location} or {{x}}]]."
        );
        // A malformed blank is plain text: its placeholders are filled as usual.
        assert_eq!(render("[[for {brand}", &ctx()), "[[for Bakehouse");
    }
}
