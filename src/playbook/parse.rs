//! Reading one playbook file: TOML syntax, then shape and content checks that
//! report every problem with its line and column instead of stopping at the first.

use super::placeholder::{self, Piece};
use super::source_span::file_offset;
use super::{Diagnostic, Placement, Playbook, Template};
use crate::config::{ConfigError, line_col, parse_toml};
use crate::model::{Kind, Tier};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

const FIELDS: &[&str] = &[
    "name",
    "title",
    "description",
    "tiers",
    "kinds",
    "tags",
    "guidance",
    "acknowledgment",
    "templates",
];
const TEMPLATE_FIELDS: &[&str] = &["name", "text"];

/// Parse and validate one playbook file. `source` is recorded on the playbook
/// (the path, or "builtin:<file>"); `path` only locates diagnostics.
pub fn parse_playbook(path: &Path, text: &str, source: &str) -> Result<Playbook, Vec<Diagnostic>> {
    // Syntax errors first, through the shared helper so they read like config errors.
    if let Err(e) = parse_toml::<toml::Table>(path, text) {
        return Err(vec![from_config_error(path, e)]);
    }
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            return Err(vec![Diagnostic {
                path: path.to_path_buf(),
                line,
                col,
                message: e.message().trim().to_string(),
            }]);
        }
    };
    let mut checker = Checker {
        path,
        text,
        diagnostics: Vec::new(),
    };
    let playbook = checker.playbook(root.get_ref(), source);
    let mut diagnostics = checker.diagnostics;
    match playbook {
        Some(playbook) if diagnostics.is_empty() => Ok(playbook),
        _ => {
            diagnostics.sort_by_key(|d| (d.line, d.col));
            Err(diagnostics)
        }
    }
}

fn from_config_error(path: &Path, e: ConfigError) -> Diagnostic {
    match e {
        ConfigError::Invalid {
            line, col, message, ..
        } => Diagnostic {
            path: path.to_path_buf(),
            line,
            col,
            message,
        },
        ConfigError::Io { source, .. } => Diagnostic {
            path: path.to_path_buf(),
            line: 0,
            col: 0,
            message: format!("cannot read: {source}"),
        },
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report_at(&mut self, offset: usize, message: String) {
        let (line, col) = line_col(self.text, offset);
        self.diagnostics.push(Diagnostic {
            path: self.path.to_path_buf(),
            line,
            col,
            message,
        });
    }

    fn report(&mut self, span: Range<usize>, message: String) {
        self.report_at(span.start, message);
    }

    fn playbook(&mut self, root: &DeTable<'_>, source: &str) -> Option<Playbook> {
        self.unknown_keys(root, FIELDS, "field");
        let whole = 0..0;
        let name = self.required_string(root, "name", &whole, "");
        if let Some(v) = root.get("name")
            && let Some(n) = &name
            && !is_id(n)
        {
            self.report(
                v.span(),
                format!("playbook name '{n}' must use only lowercase letters, digits, '-' and '_'"),
            );
        }
        let title = self.required_string(root, "title", &whole, "");
        let description = self.required_string(root, "description", &whole, "");
        let guidance = self.required_string(root, "guidance", &whole, "");
        let tiers = self.tiers(root);
        let kinds = self.kinds(root);
        let tags = match root.get("tags") {
            None => Some(Vec::new()),
            Some(v) => self.string_list(v, "tags"),
        };
        let acknowledgment = self.optional_bool(root, "acknowledgment");
        let templates = self.templates(root);
        Some(Playbook {
            name: name?,
            title: title?,
            description: description?,
            tiers: tiers?,
            kinds: kinds?,
            tags: tags?,
            guidance: guidance?.trim().to_string(),
            acknowledgment: acknowledgment?,
            templates: templates?,
            source: source.to_string(),
        })
    }

    fn unknown_keys(&mut self, table: &DeTable<'_>, known: &[&str], what: &str) {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                self.report(
                    key.span(),
                    format!(
                        "unknown {what} '{}' (expected one of: {})",
                        key.get_ref(),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    /// A non-empty string field; `owner` locates a missing one, `prefix` names its table.
    fn required_string(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        owner: &Range<usize>,
        prefix: &str,
    ) -> Option<String> {
        let Some(value) = table.get(key) else {
            self.report(
                owner.clone(),
                format!("{prefix}missing required field '{key}'"),
            );
            return None;
        };
        let DeValue::String(s) = value.get_ref() else {
            self.report(
                value.span(),
                format!(
                    "'{key}' must be a string, found {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        if s.trim().is_empty() {
            self.report(value.span(), format!("'{key}' must not be empty"));
            return None;
        }
        Some(s.to_string())
    }

    /// A boolean field that defaults to false when absent.
    fn optional_bool(&mut self, table: &DeTable<'_>, key: &str) -> Option<bool> {
        let Some(value) = table.get(key) else {
            return Some(false);
        };
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.report(
                    value.span(),
                    format!("'{key}' must be true or false, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn array<'v, 'i>(&mut self, value: &'v Value<'i>, key: &str) -> Option<&'v [Value<'i>]> {
        match value.get_ref() {
            DeValue::Array(items) => Some(items),
            other => {
                self.report(
                    value.span(),
                    format!("'{key}' must be an array, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn string_list(&mut self, value: &Value<'_>, key: &str) -> Option<Vec<String>> {
        let items = self.array(value, key)?;
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => out.push(s.to_string()),
                other => {
                    self.report(
                        item.span(),
                        format!(
                            "'{key}' entries must be strings, found {}",
                            other.type_str()
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn tiers(&mut self, root: &DeTable<'_>) -> Option<Vec<Tier>> {
        let Some(value) = root.get("tiers") else {
            self.report(0..0, "missing required field 'tiers'".into());
            return None;
        };
        let items = self.array(value, "tiers")?;
        if items.is_empty() {
            self.report(
                value.span(),
                "'tiers' must list at least one tier (1-5)".into(),
            );
            return None;
        }
        let mut tiers = Vec::new();
        let mut ok = true;
        for item in items {
            let number = item
                .get_ref()
                .as_integer()
                .and_then(|i| i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok());
            let tier = number
                .and_then(|n| u8::try_from(n).ok())
                .and_then(Tier::from_number);
            match (number, tier) {
                (_, Some(t)) => tiers.push(t),
                (Some(n), None) => {
                    self.report(item.span(), format!("tier {n} is out of range (1-5)"));
                    ok = false;
                }
                (None, None) => {
                    self.report(
                        item.span(),
                        format!(
                            "tiers must be whole numbers 1-5, found {}",
                            item.get_ref().type_str()
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(tiers)
    }

    fn kinds(&mut self, root: &DeTable<'_>) -> Option<Vec<Kind>> {
        let Some(value) = root.get("kinds") else {
            self.report(0..0, "missing required field 'kinds'".into());
            return None;
        };
        let items = self.array(value, "kinds")?;
        if items.is_empty() {
            self.report(
                value.span(),
                "'kinds' must list at least one of: dm, comment, mention, review".into(),
            );
            return None;
        }
        let mut kinds = Vec::new();
        let mut ok = true;
        for item in items {
            let parsed = item.get_ref().as_str().map(|s| (s, s.parse::<Kind>()));
            match parsed {
                Some((_, Ok(k))) => kinds.push(k),
                Some((s, Err(_))) => {
                    self.report(
                        item.span(),
                        format!(
                            "unknown kind '{s}' (expected one of: dm, comment, mention, review)"
                        ),
                    );
                    ok = false;
                }
                None => {
                    self.report(
                        item.span(),
                        format!("kinds must be strings, found {}", item.get_ref().type_str()),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(kinds)
    }

    fn templates(&mut self, root: &DeTable<'_>) -> Option<Vec<Template>> {
        let Some(value) = root.get("templates") else {
            self.report(
                0..0,
                "missing required field 'templates' (add at least one [[templates]] entry)".into(),
            );
            return None;
        };
        let items = self.array(value, "templates")?;
        if items.is_empty() {
            self.report(
                value.span(),
                "'templates' is empty: add at least one [[templates]] entry".into(),
            );
            return None;
        }
        let mut templates: Vec<Template> = Vec::new();
        let mut ok = true;
        for item in items {
            let DeValue::Table(table) = item.get_ref() else {
                self.report(
                    item.span(),
                    format!(
                        "templates must be tables, found {}",
                        item.get_ref().type_str()
                    ),
                );
                ok = false;
                continue;
            };
            match self.template(table, item.span()) {
                Some(t) => {
                    if templates.iter().any(|other| other.name == t.name)
                        && let Some(v) = table.get("name")
                    {
                        self.report(v.span(), format!("duplicate template name '{}'", t.name));
                        ok = false;
                    }
                    templates.push(t);
                }
                None => ok = false,
            }
        }
        ok.then_some(templates)
    }

    fn template(&mut self, table: &DeTable<'_>, header: Range<usize>) -> Option<Template> {
        self.unknown_keys(table, TEMPLATE_FIELDS, "template field");
        let name = self.required_string(table, "name", &header, "template: ");
        let text = self.required_string(table, "text", &header, "template: ");
        let (text_ok, placeholders) = match (&text, table.get("text")) {
            (Some(t), Some(raw)) => self.placeholders(t, raw.span()),
            _ => (false, Vec::new()),
        };
        let text = text?.trim_end().to_string();
        (text_ok).then_some(Template {
            name: name?,
            text,
            placeholders,
        })
    }

    /// Check braces, blanks and placeholder names, pointing inside the string's
    /// source; returns whether all is well and where each placeholder is.
    fn placeholders(&mut self, text: &str, span: Range<usize>) -> (bool, Vec<Placement>) {
        let raw = self.text.get(span.clone()).unwrap_or_default();
        let at = |offset: usize| file_offset(raw, span.start, offset);
        let (pieces, errors) = placeholder::split(text);
        let mut ok = errors.is_empty();
        for e in errors {
            self.report_at(at(e.offset), e.message);
        }
        let mut found = Vec::new();
        for piece in pieces {
            if let Piece::Placeholder { name, offset } = piece {
                let (line, col) = line_col(self.text, at(offset));
                found.push(Placement {
                    name: name.to_string(),
                    line,
                    col,
                });
            }
            if let Piece::Placeholder { name, offset } = piece
                && !placeholder::is_known(name)
            {
                let known: Vec<String> = placeholder::PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect();
                self.report_at(
                    at(offset),
                    format!(
                        "unknown placeholder '{{{name}}}' (known: {}; write '{{{{' for a literal brace)",
                        known.join(", ")
                    ),
                );
                ok = false;
            }
        }
        (ok, found)
    }
}

fn is_id(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
