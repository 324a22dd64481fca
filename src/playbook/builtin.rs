//! The shipped playbooks, compiled into the binary so it works without the repo.

use super::{Diagnostic, Playbook, parse_playbook};
use std::path::Path;

/// (file name, contents) of every shipped playbook, in the order they are listed.
pub const FILES: &[(&str, &str)] = &[
    (
        "purchase-inquiry.toml",
        include_str!("../../playbooks/purchase-inquiry.toml"),
    ),
    (
        "availability-booking.toml",
        include_str!("../../playbooks/availability-booking.toml"),
    ),
    (
        "acknowledge-dm.toml",
        include_str!("../../playbooks/acknowledge-dm.toml"),
    ),
    (
        "complaint.toml",
        include_str!("../../playbooks/complaint.toml"),
    ),
    (
        "move-to-dm.toml",
        include_str!("../../playbooks/move-to-dm.toml"),
    ),
    (
        "negative-review-reply.toml",
        include_str!("../../playbooks/negative-review-reply.toml"),
    ),
    (
        "mixed-review-reply.toml",
        include_str!("../../playbooks/mixed-review-reply.toml"),
    ),
    (
        "positive-review-reply.toml",
        include_str!("../../playbooks/positive-review-reply.toml"),
    ),
    (
        "positive-testimonial.toml",
        include_str!("../../playbooks/positive-testimonial.toml"),
    ),
    (
        "general-question.toml",
        include_str!("../../playbooks/general-question.toml"),
    ),
    (
        "competitor-mention.toml",
        include_str!("../../playbooks/competitor-mention.toml"),
    ),
    (
        "crisis-response.toml",
        include_str!("../../playbooks/crisis-response.toml"),
    ),
    (
        "spam-troll.toml",
        include_str!("../../playbooks/spam-troll.toml"),
    ),
];

/// Parse every shipped playbook; problems are reported (tests assert there are none).
pub fn parse_all() -> (Vec<Playbook>, Vec<Diagnostic>) {
    let mut playbooks = Vec::new();
    let mut diagnostics = Vec::new();
    for (file, text) in FILES {
        let path = Path::new("builtin").join(file);
        match parse_playbook(&path, text, &format!("builtin:{file}")) {
            Ok(p) => playbooks.push(p),
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (playbooks, diagnostics)
}
