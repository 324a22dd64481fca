//! The set of playbooks in effect: builtins overlaid by user directories, and
//! ranking them for a query and a conversation.

use super::fuzzy::QueryMatcher;
use super::{Diagnostic, Playbook, builtin, parse_playbook};
use crate::config::{BrandConfig, VOICE_KEYS};
use crate::model::{Kind, Tier};
use std::path::{Path, PathBuf};

/// Loaded playbooks, in a stable order (builtins first, then new user ones).
#[derive(Debug, Clone, Default)]
pub struct Library {
    playbooks: Vec<Playbook>,
}

/// A playbook picked by `Library::filter`: its index in `all()` and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub index: usize,
    pub score: i64,
}

// Field weights for the fuzzy filter: what a playbook is called beats what it says.
const NAME_WEIGHT: i64 = 3;
const TAG_WEIGHT: i64 = 2;
const TEXT_WEIGHT: i64 = 1;
/// A match is kept when its score is at least the best score divided by this.
const KEEP_FRACTION_DIVISOR: i64 = 3;

impl Library {
    /// The shipped playbooks, embedded in the binary.
    pub fn builtin() -> Library {
        let (playbooks, _) = builtin::parse_all();
        Library { playbooks }
    }

    /// Builtins, then each dir in order: a playbook with the same `name` replaces
    /// the earlier one, new names add. Files that fail validation are skipped and
    /// reported; valid ones still load. A missing dir is not an error.
    pub fn load(dirs: &[PathBuf]) -> (Library, Vec<Diagnostic>) {
        let mut library = Library::builtin();
        let mut diagnostics = Vec::new();
        for dir in dirs {
            if !dir.exists() {
                continue;
            }
            let (found, problems) = load_dir(dir);
            diagnostics.extend(problems);
            for playbook in found {
                library.insert(playbook);
            }
        }
        (library, diagnostics)
    }

    fn insert(&mut self, playbook: Playbook) {
        match self.playbooks.iter_mut().find(|p| p.name == playbook.name) {
            Some(existing) => *existing = playbook,
            None => self.playbooks.push(playbook),
        }
    }

    pub fn all(&self) -> &[Playbook] {
        &self.playbooks
    }

    pub fn get(&self, name: &str) -> Option<&Playbook> {
        self.playbooks.iter().find(|p| p.name == name)
    }

    /// Fuzzy filter over name, title, tags, description and template text.
    /// Empty query: every playbook, ranked by fit for (tier, kind) when given.
    /// Non-empty: best matches first, fit as a tie-breaker.
    pub fn filter(&self, query: &str, fit: Option<(Tier, Kind)>) -> Vec<Match> {
        let matcher = QueryMatcher::new(query);
        let fit_of = |p: &Playbook| fit.map_or(0, |(tier, kind)| fit_score(p, tier, kind));
        let mut ranked: Vec<(Match, i64)> = self
            .playbooks
            .iter()
            .enumerate()
            .filter_map(|(index, p)| {
                let fit = fit_of(p);
                let score = if matcher.is_empty() {
                    fit
                } else {
                    matcher.score_fields(searchable_fields(p))?
                };
                Some((Match { index, score }, fit))
            })
            .collect();
        ranked.sort_by(|(a, fa), (b, fb)| {
            b.score
                .cmp(&a.score)
                .then(fb.cmp(fa))
                .then(a.index.cmp(&b.index))
        });
        // A query filters, not only reorders: a fuzzy subsequence somewhere in a
        // long template matches almost anything, so keep only matches within a
        // fraction of the best one.
        if let Some(best) = ranked
            .first()
            .map(|(m, _)| m.score)
            .filter(|_| !matcher.is_empty())
        {
            ranked.retain(|(m, _)| m.score * KEEP_FRACTION_DIVISOR >= best);
        }
        ranked.into_iter().map(|(m, _)| m).collect()
    }
}

fn searchable_fields(p: &Playbook) -> impl Iterator<Item = (&str, i64)> + Clone {
    [
        (p.name.as_str(), NAME_WEIGHT),
        (p.title.as_str(), NAME_WEIGHT),
    ]
    .into_iter()
    .chain(p.tags.iter().map(|t| (t.as_str(), TAG_WEIGHT)))
    .chain(std::iter::once((p.description.as_str(), TEXT_WEIGHT)))
    .chain(p.templates.iter().map(|t| (t.text.as_str(), TEXT_WEIGHT)))
}

/// How well a playbook fits a conversation: the tier counts most, then the kind,
/// then how specific the playbook is (one tier beats "any tier").
pub fn fit_score(p: &Playbook, tier: Tier, kind: Kind) -> i64 {
    let mut score = 0;
    if p.tiers.contains(&tier) {
        score += 20 + (5 - p.tiers.len().min(5) as i64);
    }
    if p.kinds.contains(&kind) {
        score += 10 + (4 - p.kinds.len().min(4) as i64);
    }
    score
}

/// Validate every `*.toml` playbook in `dir`; used by `hearth playbooks check [DIR]`.
/// A missing dir is itself a diagnostic.
pub fn check_dir(dir: &Path) -> Vec<Diagnostic> {
    if !dir.exists() {
        return vec![whole(dir, "no such directory".into())];
    }
    load_dir(dir).1
}

/// Templates in `dir` that use a brand value (`{email}`, `{phone}`,
/// `{review_link}`, `{booking_link}`) some configured brand or location has no
/// value for: one diagnostic per placeholder and brand, at the placeholder's
/// line, naming the brand (and the locations, when only some lack it). The
/// reply would show a blank there ("[[booking link]]"). Used by `hearth
/// playbooks check` with the config's `[[brands]]`.
pub fn check_brand_values(dir: &Path, brands: &[BrandConfig]) -> Vec<Diagnostic> {
    if brands.is_empty() || !dir.exists() {
        return Vec::new();
    }
    let (playbooks, _) = load_dir(dir);
    let mut out = Vec::new();
    for p in &playbooks {
        for t in &p.templates {
            for at in t
                .placeholders
                .iter()
                .filter(|u| VOICE_KEYS.contains(&u.name.as_str()))
            {
                for brand in brands {
                    if let Some(whose) = lacking(brand, &at.name) {
                        out.push(Diagnostic {
                            path: PathBuf::from(&p.source),
                            line: at.line,
                            col: at.col,
                            message: format!(
                                "template '{}' uses {{{}}}, but {whose} has no {} \
                                 (set it in [[brands]]; the reply would show {} to fill in)",
                                t.name,
                                at.name,
                                at.name,
                                super::render::blank_for(&at.name)
                            ),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Who of `brand` lacks `key`: the brand itself (and all its locations), or the
/// locations that do; None when every conversation of the brand has a value.
fn lacking(brand: &BrandConfig, key: &str) -> Option<String> {
    let own = brand.voice().get(key).is_some();
    let missing: Vec<&str> = brand
        .locations
        .iter()
        .filter(|l| brand.voice_at(Some(l)).get(key).is_none())
        .map(String::as_str)
        .collect();
    if !own && missing.len() == brand.locations.len() {
        Some(format!("brand '{}'", brand.name))
    } else if !own {
        Some(format!(
            "brand '{}' (outside {})",
            brand.name,
            brand
                .locations
                .iter()
                .filter(|l| !missing.contains(&l.as_str()))
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else if !missing.is_empty() {
        Some(format!(
            "brand '{}' location {}",
            brand.name,
            missing
                .iter()
                .map(|l| format!("'{l}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else {
        None
    }
}

fn whole(path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        path: path.to_path_buf(),
        line: 0,
        col: 0,
        message,
    }
}

/// Every valid playbook in `dir` (sorted by file name) and every problem found.
fn load_dir(dir: &Path) -> (Vec<Playbook>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return (
                Vec::new(),
                vec![whole(dir, format!("cannot read directory: {e}"))],
            );
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    let mut playbooks: Vec<Playbook> = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(whole(&file, format!("cannot read: {e}")));
                continue;
            }
        };
        let source = file.display().to_string();
        match parse_playbook(&file, &text, &source) {
            Ok(p) => match playbooks.iter().find(|q| q.name == p.name) {
                Some(first) => diagnostics.push(duplicate(&file, &text, &p.name, &first.source)),
                None => playbooks.push(p),
            },
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (playbooks, diagnostics)
}

fn duplicate(file: &Path, text: &str, name: &str, first: &str) -> Diagnostic {
    let offset = name_offset(text).unwrap_or(0);
    let (line, col) = crate::config::line_col(text, offset);
    Diagnostic {
        path: file.to_path_buf(),
        line,
        col,
        message: format!(
            "duplicate playbook name '{name}' (already used by {first}); this file is skipped"
        ),
    }
}

/// Where the top-level `name` value starts.
fn name_offset(text: &str) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    root.get_ref().get("name").map(|v| v.span().start)
}
