//! Reply playbooks: frameworks that say when they apply, what to ask, when to
//! escalate, and offer reply templates with a small set of placeholders.
//!
//! Playbooks are TOML files. The shipped ones live in `playbooks/` at the repo
//! root and are embedded in the binary; users add or override them by `name`
//! from their own directories (`hearth playbooks check DIR` validates a dir).
//!
//! ```toml
//! name = "late-delivery"            # unique id: lowercase, digits, '-', '_'
//! title = "Late delivery"
//! description = "One line shown in the picker."
//! tiers = [2]                       # 1 Revenue .. 5 Monitor
//! kinds = ["dm", "comment"]         # dm, comment, mention, review
//! tags = ["late", "delivery"]       # optional, helps the fuzzy filter
//! acknowledgment = false            # optional: true for a holding reply
//! guidance = '''
//! When to use it, what to ask, when to escalate.
//! '''
//!
//! [[templates]]                     # at least one
//! name = "apology"
//! text = '''
//! {greeting}, sorry your order is late: it ships [[new dispatch date]]. {agent}, {brand}
//! '''
//! ```
//!
//! `acknowledgment = true` marks a holding reply ("thanks, the full answer
//! within the hour") rather than the answer itself; it must be a boolean.
//!
//! Placeholders: `{greeting}`, `{first_name}`, `{name}`, `{brand}`, `{agent}`,
//! `{location}`, `{platform}`, and the brand's voice from `[[brands]]` in the
//! config: `{email}`, `{phone}`, `{review_link}`, `{booking_link}` (a
//! location's values override its brand's; `{agent}` is the brand's
//! `signature`, else the config's `agent`). `{{` and `}}` write literal braces.
//! Anything else is rejected with the placeholder's line and column. A brand
//! value a brand lacks renders as a blank (`[[email address]]`), and
//! `hearth playbooks check` reports the template, line and brand.
//!
//! `{greeting}` is "Hi Dana" when the author's display name starts with a first
//! name, and a neutral "Hello" when it does not (a handle such as "@sam_k"), so
//! start replies with `{greeting},` rather than `Hi {first_name},`. A
//! `{first_name}` with no value is left out and the words around it are tidied
//! so the sentence still reads: "Thanks, {first_name}!" → "Thanks!",
//! "{first_name}, thank you" → "Thank you", "Hi {first_name}," → "Hello,". See
//! [`render`] for every fallback.
//!
//! Blanks: `[[prompt]]` marks something only the writer can fill in ("the
//! specific problem", "a date you can keep"). The prompt must be non-empty, on
//! one line, closed with `]]`, and must not contain another `[[`; a malformed
//! blank is rejected at its `[[` with line and column. Prompts are literal text:
//! placeholders inside them are not rendered. Rendering keeps blanks verbatim so
//! the composer can jump between them ([`blanks`], [`next_blank`],
//! [`prev_blank`]). Put the punctuation around a blank in the template and write
//! the prompt as the phrase that replaces it: `[[the answer]].`, not `[[The
//! answer.]]`. Single-bracket hints (`[like this]`) are plain text and are not
//! found by the composer, so shipped templates use blanks only.

mod blanks;
mod builtin;
mod fuzzy;
mod library;
mod parse;
mod placeholder;
mod render;
mod source_span;

use crate::model::{Kind, Tier};
use std::fmt;
use std::path::PathBuf;

pub use blanks::{Blank, blanks, byte_of, line_col_of, next_blank, prev_blank};
pub use fuzzy::fuzzy_rank;
pub use library::{Library, Match, check_brand_values, check_dir};
pub use parse::parse_playbook;
pub use placeholder::PLACEHOLDERS;
pub use render::{RenderContext, first_name_of, greeting_for, platform_label, render};

/// One reply framework.
#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    /// Unique id, e.g. "purchase-inquiry"; a user file with the same name replaces it.
    pub name: String,
    pub title: String,
    pub description: String,
    /// The tiers this playbook fits.
    pub tiers: Vec<Tier>,
    /// The conversation kinds this playbook fits.
    pub kinds: Vec<Kind>,
    pub tags: Vec<String>,
    /// Notes for the person replying: when to use it, what to ask, when to escalate.
    pub guidance: String,
    /// A holding reply ("thanks, the full answer within the hour") rather than
    /// the answer itself; `acknowledgment = true` in the file, false by default.
    pub acknowledgment: bool,
    pub templates: Vec<Template>,
    /// The file it came from, or "builtin:<file>" for shipped playbooks.
    pub source: String,
}

/// One reply draft with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub text: String,
    /// Where each `{placeholder}` is in the playbook file, in text order.
    pub placeholders: Vec<Placement>,
}

/// A placeholder in a playbook file, for diagnostics about its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub name: String,
    /// 1-based line and column of its `{` in the file.
    pub line: usize,
    pub col: usize,
}

/// A problem in a playbook file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file or directory.
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.col,
                self.message
            )
        }
    }
}

#[cfg(test)]
mod brand_tests;
#[cfg(test)]
mod tests;
