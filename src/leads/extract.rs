//! Reading lead facts out of a customer's text: amounts with their currency,
//! dates and relative timelines, email addresses, phone numbers and the places
//! the business serves. Pure functions; each finding keeps the words it came
//! from, so the user sees why it is suggested.
//!
//! English, German, French and Spanish wordings are understood. Relative dates
//! resolve against `today`, the day the message was written (in the business's
//! time zone): "tomorrow" in a message from Monday is Tuesday, whenever it is read.
//! A weekday ("Saturday", "next Saturday", "am Samstag", "samedi prochain") is
//! its next occurrence after that day.

use crate::model::Money;
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// One thing found in a text, with the words as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub value: T,
    pub text: String,
    /// Byte offset in the text, for ordering and overlaps.
    pub start: usize,
}

/// Words and symbols that name a currency, before or after the number.
const SYMBOLS: &str = r"US\$|CA\$|C\$|A\$|€|\$|£|¥|₹";
const CODES: &str = r"EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|INR|NZD";
const WORDS: &str =
    r"euros?|dollars?|pounds?|livres?|francs?|franken|sfr\.|fr\.|yen|rupees?|zloty|kronor|kroner";
/// 1.200 / 1,200 / 1'200 / 1 200 (thousands), an optional 1-2 digit decimal part,
/// or a plain number with an optional decimal part.
const NUMBER: &str =
    r"\d{1,3}(?:[.,'’\x{A0}\x{202F} ]\d{3})+\b(?:[.,]\d{1,2}\b)?|\d+(?:[.,]\d{1,2})?";

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?i)(?:(?P<ps>{SYMBOLS}|\b(?:{CODES})\b|\b(?:sfr\.|fr\.))\s?(?P<pn>{NUMBER})(?P<pk>\s?k\b)?)|(?:\b(?P<sn>{NUMBER})(?P<sk>\s?k)?\s?(?P<ss>{SYMBOLS}|(?:{CODES}|{WORDS})\b))"
    );
    Regex::new(&pattern).expect("amount pattern")
});

/// Amounts with a currency. A bare number is not an amount (it may be a
/// quantity, a time or a house number).
pub fn amounts(text: &str) -> Vec<Found<Money>> {
    AMOUNT
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let (sym, num, k) = match c.name("ps") {
                Some(sym) => (sym.as_str(), c.name("pn")?.as_str(), c.name("pk").is_some()),
                None => (
                    c.name("ss")?.as_str(),
                    c.name("sn")?.as_str(),
                    c.name("sk").is_some(),
                ),
            };
            let currency = currency_of(sym)?;
            let minor = minor_units(num, k, Money::exponent(&currency))?;
            Some(Found {
                value: Money { minor, currency },
                text: whole.as_str().trim().to_string(),
                start: whole.start(),
            })
        })
        .collect()
}

/// The ISO code a symbol or word stands for.
fn currency_of(symbol: &str) -> Option<String> {
    let s = symbol.to_lowercase();
    let code = match s.as_str() {
        "€" | "euro" | "euros" => "EUR",
        "$" | "us$" | "dollar" | "dollars" => "USD",
        "ca$" | "c$" => "CAD",
        "a$" => "AUD",
        "£" | "pound" | "pounds" | "livre" | "livres" => "GBP",
        "¥" | "yen" => "JPY",
        "₹" | "rupee" | "rupees" => "INR",
        "franc" | "francs" | "franken" | "fr." | "sfr." => "CHF",
        "zloty" => "PLN",
        "kronor" => "SEK",
        "kroner" => "NOK",
        other => return Money::currency_code(other),
    };
    Some(code.to_string())
}

/// A written number in minor units. The last `.` or `,` is a decimal point when
/// one or two digits follow it, a thousands separator when three do.
pub fn minor_units(number: &str, thousands: bool, exponent: u32) -> Option<i64> {
    let compact: String = number
        .chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '’' | '\u{A0}' | '\u{202F}'))
        .collect();
    let (whole, frac) = match compact.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(compact.len() - i - 1)) => (&compact[..i], &compact[i + 1..]),
        _ => (compact.as_str(), ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let scale = 10_i64.pow(exponent);
    // The decimal part padded (or cut) to the currency's minor digits.
    let mut frac_digits: String = frac.chars().take(exponent as usize).collect();
    while frac_digits.len() < exponent as usize {
        frac_digits.push('0');
    }
    let frac_minor: i64 = if frac_digits.is_empty() {
        0
    } else {
        frac_digits.parse().ok()?
    };
    let minor = whole.checked_mul(scale)?.checked_add(frac_minor)?;
    if thousands {
        minor.checked_mul(1000)
    } else {
        Some(minor)
    }
}

/// A number typed by the user (`--value 1200`, `1.200,50`, `1,5k`), in minor units
/// of a currency with `exponent` decimals. `None` when it is not a number.
pub fn parse_number(text: &str, exponent: u32) -> Option<i64> {
    static WHOLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"(?i)^(?P<n>{NUMBER})(?P<k>\s?k)?$")).expect("number pattern")
    });
    let c = WHOLE.captures(text.trim())?;
    minor_units(c.name("n")?.as_str(), c.name("k").is_some(), exponent)
}

const MONTHS: &str = r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|januar|jänner|februar|märz|maerz|mai|juni|juli|oktober|dezember|okt|dez|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre";
const WEEKDAYS: &str = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo";
const COUNTS: &str = r"\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eine[mr]?|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez";
const UNITS: &str = r"days?|weeks?|months?|tagen?|wochen?|monate?n?|jours?|semaines?|mois|días?|dias?|semanas?|mes|meses";

/// The date patterns, each with how it resolves.
static DATE_RULES: LazyLock<Vec<(Regex, DateRule)>> = LazyLock::new(|| {
    let rules: Vec<(String, DateRule)> = vec![
        (r"\b(\d{4})-(\d{2})-(\d{2})\b".into(), DateRule::Iso),
        (
            r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}\b)?".into(),
            DateRule::DayMonthNumeric,
        ),
        (
            format!(
                r"(?i)\b(\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:of\s+|de\s+)?({MONTHS})\b\.?(?:\s+(\d{{4}})\b)?"
            ),
            DateRule::DayMonthName,
        ),
        (
            format!(r"(?i)\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"),
            DateRule::MonthNameDay,
        ),
        (
            r"(?i)\b(?:day after tomorrow|übermorgen|après-demain|apres-demain|pasado mañana)".into(),
            DateRule::Plus(2),
        ),
        (
            r"(?i)\b(?:tomorrow|morgen|demain|mañana)\b".into(),
            DateRule::Plus(1),
        ),
        (
            r"(?i)\b(?:today|heute|aujourd'hui|aujourd’hui|hoy)\b".into(),
            DateRule::Plus(0),
        ),
        (
            format!(r"(?i)\b(?:in|within|innerhalb von|dans|en|d'ici)\s+(?:about\s+|etwa\s+)?({COUNTS})\s+({UNITS})\b"),
            DateRule::InCount,
        ),
        (
            r"(?i)\b(?:next week|nächste woche|naechste woche|kommende woche|la semaine prochaine|semaine prochaine|la próxima semana|la proxima semana|la semana que viene)\b".into(),
            DateRule::NextWeek,
        ),
        (
            r"(?i)\b(?:next month|nächsten monat|naechsten monat|le mois prochain|el próximo mes|el proximo mes|el mes que viene)\b".into(),
            DateRule::NextMonth,
        ),
        (
            r"(?i)\b(?:this weekend|next weekend|on the weekend|am wochenende|dieses wochenende|nächstes wochenende|ce week-end|ce weekend|le week-end prochain|este fin de semana|el fin de semana)\b".into(),
            DateRule::Weekend,
        ),
        (
            format!(
                r"(?i)\b(?:(?:next|this|coming|this coming|on|nächsten|nächster|kommenden|diesen|am|ce|el|el próximo|este)\s+)?({WEEKDAYS})\b(?:\s+(?:prochain|qui vient|próximo|que viene))?"
            ),
            DateRule::Weekday,
        ),
    ];
    rules
        .into_iter()
        .map(|(p, r)| (Regex::new(&p).expect("date pattern"), r))
        .collect()
});

#[derive(Debug, Clone, Copy)]
enum DateRule {
    Iso,
    DayMonthNumeric,
    DayMonthName,
    MonthNameDay,
    Plus(u64),
    InCount,
    NextWeek,
    NextMonth,
    Weekend,
    Weekday,
}

/// Dates and timelines, each resolved to a day, in the order they appear.
pub fn dates(text: &str, today: NaiveDate) -> Vec<Found<NaiveDate>> {
    let mut found = Vec::new();
    for (re, rule) in DATE_RULES.iter() {
        for c in re.captures_iter(text) {
            let Some(whole) = c.get(0) else { continue };
            if matches!(rule, DateRule::Plus(1)) && morning_not_tomorrow(text, whole.start()) {
                continue;
            }
            if let Some(day) = resolve(*rule, &c, today) {
                found.push(Found {
                    value: day,
                    text: whole.as_str().trim().to_string(),
                    start: whole.start(),
                });
            }
        }
    }
    without_overlaps(found)
}

/// German "Morgen" is also the morning ("Guten Morgen", "heute Morgen"), and
/// Spanish "mañana" too ("por la mañana").
fn morning_not_tomorrow(text: &str, start: usize) -> bool {
    let before = text[..start].to_lowercase();
    before
        .split_whitespace()
        .last()
        .is_some_and(|w| ["guten", "heute", "jeden", "am", "la", "schönen"].contains(&w))
}

fn resolve(rule: DateRule, c: &Captures<'_>, today: NaiveDate) -> Option<NaiveDate> {
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let text = |i: usize| c.get(i).map(|m| m.as_str().to_lowercase());
    match rule {
        DateRule::Iso => NaiveDate::from_ymd_opt(i32::try_from(num(1)?).ok()?, num(2)?, num(3)?),
        DateRule::DayMonthNumeric => day_month(today, num(1)?, num(2)?, c.get(3)),
        DateRule::DayMonthName => day_month(today, num(1)?, month_number(&text(2)?)?, c.get(3)),
        DateRule::MonthNameDay => day_month(today, num(2)?, month_number(&text(1)?)?, c.get(3)),
        DateRule::Plus(n) => today.checked_add_days(Days::new(n)),
        DateRule::InCount => {
            let n = count_number(&text(1)?)?;
            let unit = text(2)?;
            if unit.starts_with("mo") || unit.starts_with("mes") {
                today.checked_add_months(Months::new(n))
            } else if ["w", "s"].iter().any(|p| unit.starts_with(p)) {
                today.checked_add_days(Days::new(u64::from(n) * 7))
            } else {
                today.checked_add_days(Days::new(u64::from(n)))
            }
        }
        DateRule::NextWeek => {
            let to_monday = 7 - u64::from(today.weekday().num_days_from_monday());
            today.checked_add_days(Days::new(to_monday))
        }
        DateRule::NextMonth => {
            let first = today.with_day(1)?;
            first.checked_add_months(Months::new(1))
        }
        DateRule::Weekend => {
            if today.weekday() == Weekday::Sat {
                Some(today)
            } else {
                next_weekday(today, Weekday::Sat)
            }
        }
        DateRule::Weekday => next_weekday(today, weekday_of(&text(1)?)?),
    }
}

/// A day and month without a year: this year's, or next year's once it has passed.
fn day_month(
    today: NaiveDate,
    day: u32,
    month: u32,
    year: Option<regex::Match<'_>>,
) -> Option<NaiveDate> {
    if let Some(y) = year {
        let mut y: i32 = y.as_str().parse().ok()?;
        if y < 100 {
            y += 2000;
        }
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day)?;
    if this_year >= today {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, month, day)
    }
}

/// The first `weekday` after `today` (never today itself).
fn next_weekday(today: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    today.checked_add_days(Days::new(u64::from(ahead)))
}

fn month_number(name: &str) -> Option<u32> {
    let n = match name.trim_end_matches('.') {
        "january" | "jan" | "januar" | "jänner" | "janvier" | "enero" => 1,
        "february" | "feb" | "februar" | "février" | "fevrier" | "febrero" => 2,
        "march" | "mar" | "märz" | "maerz" | "mars" | "marzo" => 3,
        "april" | "apr" | "avril" | "abril" => 4,
        "may" | "mai" | "mayo" => 5,
        "june" | "jun" | "juni" | "juin" | "junio" => 6,
        "july" | "jul" | "juli" | "juillet" | "julio" => 7,
        "august" | "aug" | "août" | "aout" | "agosto" => 8,
        "september" | "sep" | "sept" | "septembre" | "septiembre" | "setiembre" => 9,
        "october" | "oct" | "oktober" | "okt" | "octobre" | "octubre" => 10,
        "november" | "nov" | "novembre" | "noviembre" => 11,
        "december" | "dec" | "dezember" | "dez" | "décembre" | "decembre" | "diciembre" => 12,
        _ => return None,
    };
    Some(n)
}

fn weekday_of(name: &str) -> Option<Weekday> {
    let d = match name {
        "monday" | "montag" | "lundi" | "lunes" => Weekday::Mon,
        "tuesday" | "dienstag" | "mardi" | "martes" => Weekday::Tue,
        "wednesday" | "mittwoch" | "mercredi" | "miércoles" | "miercoles" => Weekday::Wed,
        "thursday" | "donnerstag" | "jeudi" | "jueves" => Weekday::Thu,
        "friday" | "freitag" | "vendredi" | "viernes" => Weekday::Fri,
        "saturday" | "samstag" | "sonnabend" | "samedi" | "sábado" | "sabado" => Weekday::Sat,
        "sunday" | "sonntag" | "dimanche" | "domingo" => Weekday::Sun,
        _ => return None,
    };
    Some(d)
}

fn count_number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse() {
        return Some(n);
    }
    let n = match word {
        "a" | "an" | "one" | "ein" | "eine" | "einer" | "einem" | "un" | "une" | "una" => 1,
        "two" | "zwei" | "deux" | "dos" => 2,
        "three" | "drei" | "trois" | "tres" => 3,
        "four" | "vier" | "quatre" | "cuatro" => 4,
        "five" | "fünf" | "cinq" | "cinco" => 5,
        "six" | "sechs" | "seis" => 6,
        "seven" | "sieben" | "sept" | "siete" => 7,
        "eight" | "acht" | "huit" | "ocho" => 8,
        "nine" | "neun" | "neuf" | "nueve" => 9,
        "ten" | "zehn" | "dix" | "diez" => 10,
        _ => return None,
    };
    Some(n)
}

/// In text order; where two findings overlap, the earlier (then longer) one stays.
fn without_overlaps<T>(mut found: Vec<Found<T>>) -> Vec<Found<T>> {
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.text.len())));
    let mut kept: Vec<Found<T>> = Vec::new();
    let mut end = 0;
    for f in found {
        if f.start < end {
            continue;
        }
        end = f.start + f.text.len();
        kept.push(f);
    }
    kept
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b")
        .expect("email pattern")
});

/// Email addresses, as written.
pub fn emails(text: &str) -> Vec<Found<String>> {
    EMAIL
        .find_iter(text)
        .map(|m| Found {
            value: m.as_str().to_string(),
            text: m.as_str().to_string(),
            start: m.start(),
        })
        .collect()
}

/// Whether `text` looks like one email address, as the user types it: a local
/// part, one `@`, a domain with a dot, no spaces. (Looser than what is read
/// from a thread: the user means it.)
pub fn is_email(text: &str) -> bool {
    let text = text.trim();
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+\d|\(\d|\b\d)[\d \-./()\x{A0}]{5,22}\d").expect("phone pattern")
});
static NANP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}$").expect("nanp pattern"));
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})(?:\s|$)")
        .expect("date-like pattern")
});

/// Phone numbers: international (`+49 30 1234567`, `0049 …`, `+1 (555) 123-4567`)
/// and national ones that start with a trunk 0 (`030 1234567`, `06 12 34 56 78`)
/// or the North American shape (`(555) 123-4567`). The value is the number
/// without spaces and punctuation, `+` first when international.
pub fn phones(text: &str) -> Vec<Found<String>> {
    PHONE
        .find_iter(text)
        .filter_map(|m| {
            let raw = m.as_str().trim();
            phone_number(raw).map(|value| Found {
                value,
                text: raw.to_string(),
                start: m.start(),
            })
        })
        .collect()
}

/// `raw` as a phone number (digits, `+` first when international), if it is one.
pub fn phone_number(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if DATE_LIKE.is_match(raw) || raw.contains("  ") {
        return None;
    }
    let international = raw.starts_with('+') || raw.starts_with("00");
    // "+49 (0)30 …": the bracketed trunk 0 is not dialled from abroad.
    let dialled = if international {
        raw.replace("(0)", "")
    } else {
        raw.to_string()
    };
    let digits: String = dialled.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) {
        return None;
    }
    if let Some(rest) = raw.strip_prefix('+') {
        rest.starts_with(|c: char| c.is_ascii_digit())
            .then(|| format!("+{digits}"))
    } else if let Some(rest) = digits.strip_prefix("00").filter(|_| raw.starts_with("00")) {
        Some(format!("+{rest}"))
    } else if raw.starts_with('0') || NANP.is_match(raw) {
        Some(digits)
    } else {
        None
    }
}

/// The configured service areas the text names (as configured, case ignored).
pub fn places(text: &str, areas: &[String]) -> Vec<Found<String>> {
    let mut found = Vec::new();
    for area in areas.iter().filter(|a| !a.trim().is_empty()) {
        let pattern = format!(r"(?i)\b{}\b", regex::escape(area.trim()));
        let Ok(re) = Regex::new(&pattern) else {
            continue;
        };
        if let Some(m) = re.find(text) {
            found.push(Found {
                value: area.trim().to_string(),
                text: m.as_str().to_string(),
                start: m.start(),
            });
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Vec<(i64, String)> {
        amounts(text)
            .into_iter()
            .map(|f| (f.value.minor, f.value.currency))
            .collect()
    }

    fn one(minor: i64, currency: &str) -> Vec<(i64, String)> {
        vec![(minor, currency.to_string())]
    }

    #[test]
    fn amounts_in_european_and_english_formats() {
        assert_eq!(money("Budget so um die €1.200"), one(120_000, "EUR"));
        assert_eq!(money("around 1,200 EUR total"), one(120_000, "EUR"));
        assert_eq!(money("we can spend $1.5k max"), one(150_000, "USD"));
        assert_eq!(money("about 1200 euros"), one(120_000, "EUR"));
        assert_eq!(money("CHF 900 would be fine"), one(90_000, "CHF"));
        assert_eq!(money("Preis: 1.200,50 €?"), one(120_050, "EUR"));
        assert_eq!(money("it was $1,200.50"), one(120_050, "USD"));
        assert_eq!(money("un budget de 2 500 €"), one(250_000, "EUR"));
        assert_eq!(money("Budget 1'500 Franken"), one(150_000, "CHF"));
        assert_eq!(money("£45 each"), one(4_500, "GBP"));
        assert_eq!(money("¥3000"), one(3_000, "JPY"));
        assert_eq!(money("up to 12.5k EUR"), one(1_250_000, "EUR"));
        assert_eq!(money("30€ pro Person"), one(3_000, "EUR"));
    }

    #[test]
    fn bare_numbers_and_times_are_not_amounts() {
        assert!(money("a table for 12 at 19:30").is_empty());
        assert!(money("we are 1200 people").is_empty());
        assert!(money("Hausnummer 15, 10115 Berlin").is_empty());
    }

    #[test]
    fn several_amounts_are_all_found_in_order() {
        let found = amounts("between €800 and €1.000, or 1200 USD");
        let values: Vec<_> = found.iter().map(|f| f.value.to_string()).collect();
        assert_eq!(values, ["EUR 800.00", "EUR 1,000.00", "USD 1,200.00"]);
        assert_eq!(found[0].text, "€800");
    }

    #[test]
    fn typed_values_parse_or_are_refused() {
        assert_eq!(parse_number("1200", 2), Some(120_000));
        assert_eq!(parse_number("1200.5", 2), Some(120_050));
        assert_eq!(parse_number("1.200,50", 2), Some(120_050));
        assert_eq!(parse_number("1,5k", 2), Some(150_000));
        assert_eq!(parse_number("900", 0), Some(900));
        assert_eq!(parse_number("lots", 2), None);
        assert_eq!(parse_number("12abc", 2), None);
        assert_eq!(parse_number("", 2), None);
        assert_eq!(parse_number("99999999999999999999", 2), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn days(text: &str, today: NaiveDate) -> Vec<(String, NaiveDate)> {
        dates(text, today)
            .into_iter()
            .map(|f| (f.text, f.value))
            .collect()
    }

    /// Wednesday 2 December 2026.
    fn wed() -> NaiveDate {
        d(2026, 12, 2)
    }

    #[test]
    fn relative_days_resolve_from_the_message_day() {
        let today = wed();
        assert_eq!(
            days("could you come tomorrow?", today),
            [("tomorrow".into(), d(2026, 12, 3))]
        );
        assert_eq!(
            days("geht es übermorgen?", today),
            [("übermorgen".into(), d(2026, 12, 4))]
        );
        assert_eq!(
            days("c'est possible demain ?", today),
            [("demain".into(), d(2026, 12, 3))]
        );
        assert_eq!(days("Hola, ¿hoy?", today), [("hoy".into(), today)]);
    }

    #[test]
    fn weekdays_are_their_next_occurrence() {
        let today = wed();
        let sat = d(2026, 12, 5);
        assert_eq!(
            days("is next Saturday free?", today),
            [("next Saturday".into(), sat)]
        );
        assert_eq!(
            days("Habt ihr am Samstag Zeit?", today),
            [("am Samstag".into(), sat)]
        );
        assert_eq!(
            days("samedi prochain ?", today),
            [("samedi prochain".into(), sat)]
        );
        // The same weekday as the message means a week later, not today.
        assert_eq!(
            days("Wednesday?", today),
            [("Wednesday".into(), d(2026, 12, 9))]
        );
    }

    #[test]
    fn counted_timelines_in_four_languages() {
        let today = wed();
        let in_two_weeks = d(2026, 12, 16);
        assert_eq!(
            days("in two weeks would be ideal", today),
            [("in two weeks".into(), in_two_weeks)]
        );
        assert_eq!(
            days("in zwei Wochen", today),
            [("in zwei Wochen".into(), in_two_weeks)]
        );
        assert_eq!(
            days("dans deux semaines", today),
            [("dans deux semaines".into(), in_two_weeks)]
        );
        assert_eq!(
            days("en 3 días", today),
            [("en 3 días".into(), d(2026, 12, 5))]
        );
        assert_eq!(
            days("in a month", today),
            [("in a month".into(), d(2027, 1, 2))]
        );
        assert_eq!(
            days("next week", today),
            [("next week".into(), d(2026, 12, 7))]
        );
        assert_eq!(
            days("this weekend", today),
            [("this weekend".into(), d(2026, 12, 5))]
        );
    }

    #[test]
    fn written_dates_take_the_next_such_day() {
        let today = wed();
        assert_eq!(
            days("am 12. März um 18 Uhr", today),
            [("12. März".into(), d(2027, 3, 12))]
        );
        assert_eq!(days("le 3 mai", today), [("3 mai".into(), d(2027, 5, 3))]);
        assert_eq!(
            days("on December 24th", today),
            [("December 24th".into(), d(2026, 12, 24))]
        );
        assert_eq!(
            days("the 12th of March 2028", today),
            [("12th of March 2028".into(), d(2028, 3, 12))]
        );
        assert_eq!(
            days("am 24.12. oder 2026-12-31", today),
            [
                ("24.12.".into(), d(2026, 12, 24)),
                ("2026-12-31".into(), d(2026, 12, 31))
            ]
        );
        assert_eq!(
            days("el 5 de enero", today),
            [("5 de enero".into(), d(2027, 1, 5))]
        );
    }

    #[test]
    fn good_morning_is_not_tomorrow_and_nonsense_is_no_date() {
        let today = wed();
        assert!(days("Guten Morgen! Eine Frage", today).is_empty());
        assert!(days("por la mañana", today).is_empty());
        assert!(days("the 31.02. does not exist", today).is_empty());
        assert!(days("it costs 1.200 euros", today).is_empty());
    }

    #[test]
    fn emails_are_found_without_trailing_punctuation() {
        let found: Vec<String> = emails("write to Jo.Doe+hearth@example.co.uk. Or a@b.de!")
            .into_iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(found, ["Jo.Doe+hearth@example.co.uk", "a@b.de"]);
        assert!(emails("not an @ address, nor x@y").is_empty());
        assert!(is_email("ana@example.com"));
        assert!(!is_email("ana@example"));
        assert!(is_email("a@b.c"));
        assert!(!is_email("a b@c.de"));
        assert!(!is_email("@c.de"));
    }

    #[test]
    fn phones_in_international_and_national_formats() {
        let found = |t: &str| -> Vec<String> { phones(t).into_iter().map(|f| f.value).collect() };
        assert_eq!(found("call me on +49 30 1234567"), ["+49301234567"]);
        assert_eq!(found("Tel. 0049 (0)30 123 45 67"), ["+49301234567"]);
        assert_eq!(found("+1 (555) 123-4567 after 5"), ["+15551234567"]);
        assert_eq!(found("mon portable: 06 12 34 56 78"), ["0612345678"]);
        assert_eq!(found("ring (555) 123-4567"), ["5551234567"]);
        assert_eq!(found("Festnetz 030/1234567"), ["0301234567"]);
        assert_eq!(found("+41 44 668 18 00"), ["+41446681800"]);
    }

    #[test]
    fn dates_amounts_and_short_numbers_are_not_phones() {
        assert!(phones("on 12.03.2026").is_empty());
        assert!(phones("it is 1.200.000 € in total").is_empty());
        assert!(phones("order 12345").is_empty());
        assert!(phones("2026-03-12").is_empty());
        assert!(phones("am 03.12.2026 18:00").is_empty());
        assert_eq!(phones("06.12.34.56.78").len(), 1);
    }

    #[test]
    fn places_match_the_configured_areas_whole_words_any_case() {
        let areas = vec![
            "Berlin".to_string(),
            "Potsdam".into(),
            "Prenzlauer Berg".into(),
        ];
        let found: Vec<String> = places("we live in prenzlauer berg, near potsdamer platz", &areas)
            .into_iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(found, ["Prenzlauer Berg"]);
        assert!(places("Hamburg", &areas).is_empty());
    }
}
