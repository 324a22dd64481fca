//! One person behind several identities: the vocabulary, and the one place that
//! normalises the keys (display names, email addresses, phone numbers) by which
//! two identities are suggested as the same person.
//!
//! An identity is an author on a platform (`conversations.platform`,
//! `conversations.author`). Keys are computed here and stored by the store
//! (`identity_keys`), so finding who shares one is an indexed lookup.

use super::{ParseEnumError, Platform};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// An author on a platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Identity {
    pub platform: Platform,
    pub author: String,
}

impl Identity {
    pub fn new(platform: Platform, author: impl Into<String>) -> Identity {
        Identity {
            platform,
            author: author.into(),
        }
    }

    /// The pair in a stable order, so one link is stored once whichever way it was made.
    pub fn ordered<'a>(a: &'a Identity, b: &'a Identity) -> (&'a Identity, &'a Identity) {
        if (a.platform.as_str(), &a.author) <= (b.platform.as_str(), &b.author) {
            (a, b)
        } else {
            (b, a)
        }
    }
}

/// What two identities share that suggests one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// The same display name (two words or more, normalised).
    Name,
    /// The same email address written in their messages.
    Email,
    /// The same phone number written in their messages.
    Phone,
}
word_enum!(KeyKind, "identity key", { Name => "name", Email => "email", Phone => "phone" });

/// What the user said about two identities. Only `Linked` merges them; `Distinct`
/// ("not the same person") keeps a suggestion from coming back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    Linked,
    Distinct,
}
word_enum!(LinkState, "link state", { Linked => "linked", Distinct => "distinct" });

/// A key shared by more identities than this identifies nobody (a shop's own
/// support address quoted by many customers, a shared family name).
pub const MAX_IDENTITIES_PER_KEY: usize = 8;

/// The name key of a display name: lowercase words of letters and digits, at
/// least two of them ("Dana  Whitfield" and "dana whitfield 🚲" → "dana
/// whitfield"). A single word ("Sam", "@sam_k") is too common to suggest anyone.
pub fn name_key(display_name: &str) -> Option<String> {
    let clean = crate::sanitize::sanitize(display_name);
    let words: Vec<String> = clean
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    (words.len() >= 2).then(|| words.join(" "))
}

/// Email addresses in `text`, lowercased. A fediverse handle (`@sam@host`) is
/// not an address.
pub fn email_keys(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && domain(bytes[end]) {
            end += 1;
        }
        let local_part = text[start..at].trim_start_matches('.');
        let domain_part = text[at + 1..end].trim_end_matches(['.', '-']);
        let handle = start > 0 && bytes[start - 1] == b'@';
        let dotted = domain_part
            .rsplit_once('.')
            .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2);
        if local_part.is_empty() || handle || !dotted {
            continue;
        }
        let key = format!("{local_part}@{domain_part}").to_ascii_lowercase();
        if !found.contains(&key) {
            found.push(key);
        }
    }
    found
}

/// Digits a phone key keeps: the last nine, so "+49 30 1234 5678" and
/// "030 1234 5678" agree.
const PHONE_KEY_DIGITS: usize = 9;

/// Phone numbers in `text`: runs of 9 to 15 digits with spaces, dots, dashes or
/// brackets between them, an optional leading `+`. Shorter runs (dates, order
/// numbers) and runs after `#` are not phones. The key is the last nine digits.
pub fn phone_keys(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() || (chars[i] == '+' || chars[i] == '(');
        let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '#');
        if !starts || after_word {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        let mut j = i;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits.push(c);
                j += 1;
                continue;
            }
            let separator = " .-()/".contains(c) || (c == '+' && j == i);
            // A space only joins digit groups: "call 0151 2345" but not "0151 and".
            let space_ends = c == ' '
                && chars
                    .get(j + 1)
                    .is_none_or(|n| !n.is_ascii_digit() && *n != '(');
            if !separator || space_ends {
                break;
            }
            j += 1;
        }
        let glued = chars.get(j).is_some_and(|c| c.is_alphanumeric());
        if (9..=15).contains(&digits.len()) && !glued {
            let key = digits[digits.len() - PHONE_KEY_DIGITS..].to_string();
            if !found.contains(&key) {
                found.push(key);
            }
        }
        i = j.max(i + 1);
    }
    found
}

/// Every contact key in a message: emails, then phones.
pub fn contact_keys(text: &str) -> Vec<(KeyKind, String)> {
    let clean = crate::sanitize::sanitize(text);
    let emails = email_keys(&clean).into_iter().map(|k| (KeyKind::Email, k));
    let phones = phone_keys(&clean).into_iter().map(|k| (KeyKind::Phone, k));
    emails.chain(phones).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_and_single_words_give_no_key() {
        assert_eq!(
            name_key("Dana  Whitfield").as_deref(),
            Some("dana whitfield")
        );
        assert_eq!(
            name_key(" dana WHITFIELD 🚲").as_deref(),
            Some("dana whitfield")
        );
        assert_eq!(name_key("José O'Neil").as_deref(), Some("josé oneil"));
        assert_eq!(name_key("Sam"), None);
        assert_eq!(name_key("@sam_k"), None);
        assert_eq!(name_key("Dana 🚲"), None);
        assert_eq!(
            name_key("Dana\x1b[31m Whitfield").as_deref(),
            Some("dana whitfield")
        );
    }

    #[test]
    fn emails_are_found_and_handles_are_not() {
        assert_eq!(
            email_keys("mail me: Dana.W+bikes@Example.COM. thanks"),
            vec!["dana.w+bikes@example.com"]
        );
        assert!(email_keys("cc @northwind@social.example please").is_empty());
        assert!(email_keys("at @ home, a@b, x@localhost").is_empty());
        assert_eq!(
            email_keys("a@x.io and a@x.io again").len(),
            1,
            "one key per address"
        );
    }

    #[test]
    fn phones_agree_across_formats_and_dates_are_not_phones() {
        let intl = phone_keys("call +49 30 1234 5678 today");
        let national = phone_keys("or (030) 1234-5678");
        assert_eq!(intl, national);
        assert_eq!(intl[0], "012345678");
        assert!(phone_keys("ordered 2024-05-12, order #123456789").is_empty());
        assert!(phone_keys("ref AB123456789").is_empty());
        assert_eq!(
            contact_keys("dana@example.com / 0151 2345 6789"),
            vec![
                (KeyKind::Email, "dana@example.com".to_string()),
                (KeyKind::Phone, "123456789".to_string())
            ]
        );
    }

    #[test]
    fn pairs_are_ordered_one_way() {
        let a = Identity::new(Platform::Mastodon, "Dana");
        let b = Identity::new(Platform::Facebook, "Dana W");
        assert_eq!(Identity::ordered(&a, &b), Identity::ordered(&b, &a));
        assert_eq!(Identity::ordered(&a, &b).0, &b);
    }
}
