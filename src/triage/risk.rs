//! Crisis and legal-risk phrases: threats of legal action, safety incidents,
//! press attention, threats. Such a message needs a person now, at any hour.

use super::text::Scanned;

/// Phrases matched as whole lowercase words; a trailing `*` matches any ending.
const RISK_PHRASES: &[&str] = &[
    "lawyer",
    "lawyers",
    "attorney",
    "solicitor",
    "sue you",
    "sue your",
    "lawsuit",
    "legal action",
    "take you to court",
    "small claims",
    "class action",
    "food poisoning",
    "poisoned",
    "allergic reaction",
    "anaphylaxis",
    "hospital",
    "ambulance",
    "injured",
    "injury",
    "fire hazard",
    "caught fire",
    "exploded",
    "unsafe",
    "recall",
    "going to the press",
    "contact the press",
    "journalist",
    "reporter",
    "news channel",
    "going viral",
    "health department",
    "health inspector",
    "police",
    "threat",
    "kill",
    "bomb",
    "discriminat*",
    "defamation",
    "gdpr",
    "data breach",
    "abogado",
    "demanda",
    "avocat",
    "plainte",
    "anwalt",
    "klage",
    "advogado",
    "processo",
];

/// The first risk phrase in `text`, if any.
pub fn risk_phrase(text: &str) -> Option<&'static str> {
    let words = format!(" {} ", Scanned::new(text).joined());
    RISK_PHRASES
        .iter()
        .copied()
        .find(|p| match p.strip_suffix('*') {
            Some(stem) => words.contains(&format!(" {stem}")),
            None => words.contains(&format!(" {p} ")),
        })
}

#[cfg(test)]
mod tests {
    use super::risk_phrase;

    #[test]
    fn crises_are_found_and_ordinary_words_are_not() {
        assert_eq!(
            risk_phrase("You poisoned my kid. My lawyer will sue you!"),
            Some("lawyer")
        );
        assert_eq!(
            risk_phrase("I am going to the press with this"),
            Some("going to the press")
        );
        assert_eq!(risk_phrase("Mi abogado os llamará"), Some("abogado"));
        assert_eq!(
            risk_phrase("they discriminated against my son"),
            Some("discriminat*")
        );
        assert_eq!(risk_phrase("What time do you open on Sunday?"), None);
        assert_eq!(risk_phrase("a killer latte"), None, "whole words only");
    }
}
