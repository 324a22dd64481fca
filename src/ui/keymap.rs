//! Key bindings: the defaults plus `config.keymap` overrides (`"ctrl-n" = "down"`).
//! The help overlay is generated from the same table, so rebinding shows there.

use super::command::Command;
use crate::model::Tier;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// A key with only the modifiers that matter for binding (Ctrl, Alt).
/// Shift is folded into the character (`G`) or the code (`BackTab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeyChord {
    /// Ctrl/Alt chords and Esc/Tab reach commands from inside a text field;
    /// anything else is typed.
    pub fn works_while_typing(&self) -> bool {
        self.ctrl || self.alt || matches!(self.code, KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab)
    }

    pub fn plain(code: KeyCode) -> KeyChord {
        KeyChord {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub fn ctrl(c: char) -> KeyChord {
        KeyChord {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        let code = match ev.code {
            // Some terminals report Ctrl-letter as the uppercase letter with SHIFT.
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        KeyChord {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parse a key name: `j`, `G`, `?`, `ctrl-d`, `alt-x`, `enter`, `pagedown`, `f5`, `shift-tab`.
    pub fn parse(name: &str) -> Result<KeyChord, String> {
        let mut rest = name.trim();
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            // A lone "-" is the minus key, not a modifier separator.
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("c-")) {
                ctrl = true;
                rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("m-")) {
                alt = true;
                rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            (Some(c), None) if shift => KeyCode::Char(c.to_ascii_uppercase()),
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if shift => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(format!("unknown key '{name}'")),
                },
                _ => return Err(format!("unknown key '{name}'")),
            },
        };
        Ok(KeyChord { code, ctrl, alt })
    }

    /// The name `parse` accepts, used by the help overlay.
    pub fn display(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::Up => "up".into(),
            KeyCode::Down => "down".into(),
            KeyCode::Left => "left".into(),
            KeyCode::Right => "right".into(),
            KeyCode::PageUp => "pageup".into(),
            KeyCode::PageDown => "pagedown".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Delete => "delete".into(),
            KeyCode::Insert => "insert".into(),
            KeyCode::F(n) => format!("f{n}"),
            other => format!("{other:?}").to_ascii_lowercase(),
        };
        let mut out = String::new();
        if self.ctrl {
            out.push_str("ctrl-");
        }
        if self.alt {
            out.push_str("alt-");
        }
        out.push_str(&base);
        out
    }
}

/// Key → command, in a stable order (defaults first, then added keys).
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(KeyChord, Command)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Command as C;
        use KeyCode as K;
        let p = KeyChord::plain;
        let ch = |c: char| KeyChord::plain(K::Char(c));
        let ctrl = KeyChord::ctrl;
        let alt = |c: char| KeyChord {
            code: K::Char(c),
            ctrl: false,
            alt: true,
        };
        let bindings = vec![
            (ch('j'), C::Down),
            (p(K::Down), C::Down),
            (ch('k'), C::Up),
            (p(K::Up), C::Up),
            (ctrl('d'), C::PageDown),
            (p(K::PageDown), C::PageDown),
            (ctrl('u'), C::PageUp),
            (p(K::PageUp), C::PageUp),
            (ch('g'), C::Top),
            (p(K::Home), C::Top),
            (ch('G'), C::Bottom),
            (p(K::End), C::Bottom),
            (ch('l'), C::FocusNext),
            (p(K::Right), C::FocusNext),
            (p(K::Tab), C::FocusNext),
            (ch('h'), C::FocusPrev),
            (p(K::Left), C::FocusPrev),
            (p(K::BackTab), C::FocusPrev),
            (p(K::Enter), C::Open),
            (ch('r'), C::Reply),
            (ch('p'), C::Playbooks),
            (ctrl('p'), C::Playbooks),
            (ctrl('s'), C::Send),
            (ctrl('g'), C::SendAnyway),
            (alt('a'), C::SendAck),
            (ctrl('t'), C::SendLater),
            (alt('n'), C::NextBlank),
            (alt('p'), C::PrevBlank),
            (ctrl('e'), C::Editor),
            (ctrl('l'), C::ClearDraft),
            (p(K::Esc), C::Cancel),
            (ch('t'), C::Retier),
            (ch('T'), C::ClearOverride),
            (ch('d'), C::Done),
            (ch('z'), C::Snooze),
            (ch('x'), C::Hide),
            (ch('u'), C::Unhide),
            (ch('X'), C::Delete),
            (ch('S'), C::Spam),
            (ch('U'), C::Undo),
            (ch('v'), C::Visual),
            (ch(' '), C::Mark),
            (ch('i'), C::People),
            (ch('$'), C::Lead),
            (ch('1'), C::TierFilter(Some(Tier::Revenue))),
            (ch('2'), C::TierFilter(Some(Tier::Retention))),
            (ch('3'), C::TierFilter(Some(Tier::Engagement))),
            (ch('4'), C::TierFilter(Some(Tier::Acknowledgment))),
            (ch('5'), C::TierFilter(Some(Tier::Monitor))),
            (ch('0'), C::TierFilter(None)),
            (ch('f'), C::Family),
            (ch('P'), C::Platform),
            (ch('B'), C::Brand),
            (ch('L'), C::Location),
            (ch('c'), C::ClearFilters),
            (ch('/'), C::Search),
            (ctrl('r'), C::Refresh),
            (ch('a'), C::Accounts),
            (ch('o'), C::Outbox),
            (ch('?'), C::Help),
            (ch('q'), C::Quit),
            (ctrl('c'), C::Quit),
        ];
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with `overrides` applied. Each entry rebinds one key; the value
    /// `"none"` unbinds it. Unknown key or action names are errors naming the entry.
    pub fn from_config(overrides: &BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (key, action) in overrides {
            let chord = KeyChord::parse(key).map_err(|e| format!("keymap: {e}"))?;
            let action_name = action.trim().to_ascii_lowercase();
            if action_name == "none" || action_name == "unbound" {
                map.bindings.retain(|(c, _)| *c != chord);
                continue;
            }
            let Some(command) = Command::from_name(&action_name) else {
                let known: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                return Err(format!(
                    "keymap: unknown action '{action}' for key '{key}' (known: {}, none)",
                    known.join(", ")
                ));
            };
            map.bind(chord, command);
        }
        Ok(map)
    }

    /// Bind `chord` to `command`, replacing what the key did before.
    pub fn bind(&mut self, chord: KeyChord, command: Command) {
        match self.bindings.iter_mut().find(|(c, _)| *c == chord) {
            Some(slot) => slot.1 = command,
            None => self.bindings.push((chord, command)),
        }
    }

    pub fn lookup(&self, chord: &KeyChord) -> Option<Command> {
        self.bindings
            .iter()
            .find(|(c, _)| c == chord)
            .map(|(_, cmd)| *cmd)
    }

    pub fn resolve(&self, ev: &KeyEvent) -> Option<Command> {
        self.lookup(&KeyChord::from_event(ev))
    }

    /// Key names bound to `command`, in binding order.
    pub fn keys_for(&self, command: Command) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, c)| *c == command)
            .map(|(k, _)| k.display())
            .collect()
    }

    /// The first key bound to `command`, for hints ("? help").
    pub fn first_key(&self, command: Command) -> Option<String> {
        self.keys_for(command).into_iter().next()
    }

    /// The first key bound to `command` that still works while typing in a text
    /// field (plain letters type text there), for the composer's hints.
    pub fn first_key_while_typing(&self, command: Command) -> Option<String> {
        self.bindings
            .iter()
            .filter(|(k, c)| *c == command && k.works_while_typing())
            .map(|(k, _)| k.display())
            .next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn composer_hints_name_keys_that_work_while_typing() {
        let map = Keymap::default();
        assert_eq!(map.first_key(Command::Playbooks).as_deref(), Some("p"));
        assert_eq!(
            map.first_key_while_typing(Command::Playbooks).as_deref(),
            Some("ctrl-p")
        );
        assert_eq!(
            map.first_key_while_typing(Command::Send).as_deref(),
            Some("ctrl-s")
        );
    }

    #[test]
    fn defaults_have_vim_and_arrow_keys() {
        let map = Keymap::default();
        let none = KeyModifiers::NONE;
        assert_eq!(
            map.resolve(&key(KeyCode::Char('j'), none)),
            Some(Command::Down)
        );
        assert_eq!(map.resolve(&key(KeyCode::Down, none)), Some(Command::Down));
        assert_eq!(
            map.resolve(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Command::PageDown)
        );
        assert_eq!(
            map.resolve(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        assert_eq!(
            map.resolve(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Command::FocusPrev)
        );
    }

    #[test]
    fn every_command_has_a_default_key_and_a_unique_name() {
        let map = Keymap::default();
        for c in Command::ALL {
            assert!(!map.keys_for(c).is_empty(), "{} unbound", c.name());
            assert_eq!(Command::from_name(c.name()), Some(c));
        }
    }

    #[test]
    fn override_rebinds_and_unbinds() {
        let mut cfg = BTreeMap::new();
        cfg.insert("ctrl-n".to_string(), "down".to_string());
        cfg.insert("q".to_string(), "none".to_string());
        cfg.insert("x".to_string(), "done".to_string());
        let map = Keymap::from_config(&cfg).expect("valid keymap");
        assert_eq!(map.lookup(&KeyChord::ctrl('n')), Some(Command::Down));
        assert_eq!(map.lookup(&KeyChord::plain(KeyCode::Char('q'))), None);
        assert_eq!(map.keys_for(Command::Done), vec!["d", "x"]);
    }

    #[test]
    fn unknown_names_are_clear_errors() {
        let mut cfg = BTreeMap::new();
        cfg.insert("j".to_string(), "fly".to_string());
        let err = Keymap::from_config(&cfg).unwrap_err();
        assert!(
            err.contains("unknown action 'fly'") && err.contains("'j'"),
            "{err}"
        );

        let mut cfg = BTreeMap::new();
        cfg.insert("hyper-j".to_string(), "down".to_string());
        let err = Keymap::from_config(&cfg).unwrap_err();
        assert!(err.contains("unknown key 'hyper-j'"), "{err}");
    }

    #[test]
    fn key_names_round_trip() {
        for name in [
            "j",
            "G",
            "?",
            "ctrl-d",
            "alt-x",
            "enter",
            "pagedown",
            "f5",
            "shift-tab",
            "space",
            "-",
        ] {
            let chord = KeyChord::parse(name).expect(name);
            assert_eq!(KeyChord::parse(&chord.display()), Ok(chord), "{name}");
        }
    }
}
