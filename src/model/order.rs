//! The queue's order rule: a higher tier comes first, yet no overdue item can sit
//! for long beneath work that is less urgent.
//!
//! # The rule
//!
//! An open conversation sorts as its tier until its response deadline passes.
//! From then on it climbs one tier for every response target of its own tier it
//! has overrun (a part-overrun target counts), never above tier 1:
//!
//! | tier, target | overdue by | sorts as |
//! |---|---|---|
//! | T2, 2 h | 1 min … 2 h | T1 |
//! | T3, 4 h | 1 min … 4 h | T2; after 4 h, T1 |
//! | T4, 24 h | 1 min … 24 h | T3; then T2; after 48 h, T1 |
//!
//! Within a sorting tier, the nearest (or most overdue) deadline comes first, so a
//! promoted item lands above every item of its new tier that is due later.
//!
//! # The bound
//!
//! An item of tier `t` with target `T` can have work with a later deadline shown
//! above it for at most `(t − 2) · T` after its deadline (none for tiers 1 and 2;
//! 4 hours for tier 3 and 48 hours for tier 4 with the default targets), plus
//! the time until the next refresh of the stored order (at most a minute in the
//! inbox, which also refreshes when a sync brings messages or a reply is
//! refused; every run of `hearth queue`). Once it sorts as tier 1, only items
//! due earlier than it are above it. Tier 5 has no target, so it is never
//! overdue.
//!
//! # Why this rule
//!
//! - An "overdue lane on top" lifts every overdue item, the day-old praise
//!   included, above every fresh lead: after one busy morning the tiers no longer
//!   order anything, which breaks "a higher tier comes first".
//! - A toggle between tier-first and due-first order leaves the default view free
//!   to bury a complaint; the bound would depend on someone pressing a key.
//! - Promotion keeps the tier order for everything on time, lifts an overdue item
//!   at the pace of its own promise (a complaint every 2 hours, praise once a day),
//!   and is a plain number per row, so the store keeps it in an indexed column
//!   and the queue stays a keyset walk over one index.
//!
//! The counts in the status bar stay by the real tier; a promoted row shows its
//! real tier with an arrow (`T2↑`).

use super::Tier;
use chrono::{DateTime, Utc};

/// How long each tier may run overdue per tier it climbs: its own response
/// target, in minutes (index 0 = tier 1). A tier without a target never climbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PromotionSteps {
    minutes: [Option<u32>; 5],
}

impl PromotionSteps {
    pub fn new(minutes: [Option<u32>; 5]) -> PromotionSteps {
        PromotionSteps { minutes }
    }

    /// The step of `tier` in milliseconds (at least 1, so a zero target promotes
    /// straight to the top instead of dividing by zero).
    pub fn step_ms(&self, tier: Tier) -> Option<i64> {
        self.minutes[usize::from(tier.number() - 1)].map(|m| (i64::from(m) * 60_000).max(1))
    }
}

/// The tier a conversation of `tier`, due at `due_at`, sorts as at `now`.
/// The store computes the same in SQL (`Store::refresh_order`); this is the
/// rule in one place for tests and for the views.
pub fn sort_tier(
    tier: Tier,
    due_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    steps: &PromotionSteps,
) -> Tier {
    let (Some(due), Some(step)) = (due_at, steps.step_ms(tier)) else {
        return tier;
    };
    let overdue = (now - due).num_milliseconds();
    if overdue <= 0 {
        return tier;
    }
    // Targets overrun, the one under way included: ceil(overdue / step).
    let climbs = overdue.div_euclid(step) + i64::from(overdue.rem_euclid(step) != 0);
    let top = i64::from(tier.number()) - climbs;
    u8::try_from(top.max(1))
        .ok()
        .and_then(Tier::from_number)
        .unwrap_or(Tier::Revenue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0)
            .single()
            .expect("valid time")
    }

    fn defaults() -> PromotionSteps {
        PromotionSteps::new([Some(60), Some(120), Some(240), Some(24 * 60), None])
    }

    fn overdue_by(tier: Tier, by: Duration) -> Tier {
        sort_tier(tier, Some(now() - by), now(), &defaults())
    }

    #[test]
    fn on_time_items_sort_as_their_tier() {
        let s = defaults();
        assert_eq!(
            sort_tier(
                Tier::Engagement,
                Some(now() + Duration::minutes(5)),
                now(),
                &s
            ),
            Tier::Engagement
        );
        // At the deadline itself it is not overdue yet.
        assert_eq!(
            sort_tier(Tier::Retention, Some(now()), now(), &s),
            Tier::Retention
        );
        assert_eq!(sort_tier(Tier::Retention, None, now(), &s), Tier::Retention);
    }

    #[test]
    fn each_overrun_target_climbs_one_tier_never_past_the_top() {
        // A complaint 19h42m overdue sorts as tier 1, and no higher.
        assert_eq!(
            overdue_by(Tier::Retention, Duration::minutes(19 * 60 + 42)),
            Tier::Revenue
        );
        assert_eq!(
            overdue_by(Tier::Retention, Duration::seconds(1)),
            Tier::Revenue
        );
        // Overdue praise climbs once per day it is late.
        assert_eq!(
            overdue_by(Tier::Acknowledgment, Duration::hours(5)),
            Tier::Engagement
        );
        assert_eq!(
            overdue_by(Tier::Acknowledgment, Duration::hours(24)),
            Tier::Engagement
        );
        assert_eq!(
            overdue_by(Tier::Acknowledgment, Duration::hours(25)),
            Tier::Retention
        );
        assert_eq!(
            overdue_by(Tier::Acknowledgment, Duration::hours(49)),
            Tier::Revenue
        );
        // A question climbs every 4 hours.
        assert_eq!(
            overdue_by(Tier::Engagement, Duration::hours(4)),
            Tier::Retention
        );
        assert_eq!(
            overdue_by(Tier::Engagement, Duration::hours(4) + Duration::minutes(1)),
            Tier::Revenue
        );
        assert_eq!(overdue_by(Tier::Revenue, Duration::days(9)), Tier::Revenue);
    }

    #[test]
    fn a_tier_without_a_target_never_climbs() {
        assert_eq!(overdue_by(Tier::Monitor, Duration::days(30)), Tier::Monitor);
        let zero = PromotionSteps::new([None, None, None, Some(0), None]);
        assert_eq!(
            sort_tier(
                Tier::Acknowledgment,
                Some(now() - Duration::seconds(1)),
                now(),
                &zero
            ),
            Tier::Revenue,
            "a zero target promotes at once, without dividing by zero"
        );
    }

    #[test]
    fn the_bound_holds_for_every_tier() {
        // Past (t - 2) targets overdue, every tier with a target sorts as tier 1.
        let s = defaults();
        for tier in [Tier::Retention, Tier::Engagement, Tier::Acknowledgment] {
            let step = s.step_ms(tier).expect("a target");
            let bound = Duration::milliseconds(step * (i64::from(tier.number()) - 2));
            assert_eq!(
                overdue_by(tier, bound + Duration::milliseconds(1)),
                Tier::Revenue,
                "{tier:?}"
            );
            if bound > Duration::zero() {
                assert_ne!(overdue_by(tier, bound), Tier::Revenue, "{tier:?}");
            }
        }
    }
}
