//! The complaint-elsewhere guard: never pitch a customer who is waiting on a
//! complaint on another platform (linked, or suggested as the same person).

use super::{Guard, Warning};
use crate::model::Tier;

/// A warning when a reply to a lead (tier 1) goes to someone with an open
/// complaint elsewhere: answer the complaint first. Each entry says where, and
/// for a suggested identity why ("Mastodon (same email) · open complaint").
pub(super) fn complaint_elsewhere(tier: Option<Tier>, complaints: &[String]) -> Option<Warning> {
    if tier != Some(Tier::Revenue) || complaints.is_empty() {
        return None;
    }
    Some(Warning {
        guard: Guard::ComplaintElsewhere,
        message: format!(
            "complaint elsewhere: answer their complaint before pitching ({})",
            complaints.join("; ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lead_with_a_complaint_elsewhere_warns() {
        let one = vec!["Mastodon · open complaint, 19h overdue".to_string()];
        let w = complaint_elsewhere(Some(Tier::Revenue), &one).expect("warns");
        assert_eq!(w.guard, Guard::ComplaintElsewhere);
        assert!(
            w.message.contains("Mastodon · open complaint, 19h overdue"),
            "{}",
            w.message
        );
        assert_eq!(complaint_elsewhere(Some(Tier::Retention), &one), None);
        assert_eq!(complaint_elsewhere(None, &one), None);
        assert_eq!(complaint_elsewhere(Some(Tier::Revenue), &[]), None);
    }
}
