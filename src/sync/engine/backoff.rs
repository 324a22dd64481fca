//! Exponential backoff with jitter, so many accounts (or many hearth installs)
//! hitting the same outage do not retry in lockstep.

use std::time::Duration;

/// Jitter: the delay is scaled by a random factor in [1 - JITTER, 1 + JITTER].
const JITTER: f64 = 0.2;

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Backoff {
        Backoff {
            base,
            max: max.max(base),
            failures: 0,
        }
    }

    /// The delay before the next attempt after one more failure: base, 2×base,
    /// 4×base … capped at max, each ±20%.
    pub fn next_delay(&mut self) -> Duration {
        let exponent = self.failures.min(30);
        self.failures = self.failures.saturating_add(1);
        let raw = self
            .base
            .saturating_mul(1u32 << exponent)
            .min(self.max)
            .as_secs_f64();
        let factor = 1.0 - JITTER + 2.0 * JITTER * fastrand::f64();
        Duration::from_secs_f64(raw * factor)
    }

    /// Back to the base delay after a success.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

/// The delay for the `attempts`-th try of one outbox item (attempts ≥ 1).
pub fn delay_for_attempt(base: Duration, max: Duration, attempts: i64) -> Duration {
    let mut b = Backoff::new(base, max);
    b.failures = u32::try_from(attempts.saturating_sub(1).max(0)).unwrap_or(u32::MAX);
    b.next_delay()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(d: Duration, nominal: f64) -> bool {
        let s = d.as_secs_f64();
        s >= nominal * (1.0 - JITTER) - 1e-9 && s <= nominal * (1.0 + JITTER) + 1e-9
    }

    #[test]
    fn doubles_with_jitter_and_caps() {
        fastrand::seed(7);
        let mut b = Backoff::new(Duration::from_secs(2), Duration::from_secs(300));
        for nominal in [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0] {
            let d = b.next_delay();
            assert!(within(d, nominal), "{d:?} not near {nominal}");
        }
        b.reset();
        assert!(within(b.next_delay(), 2.0));
    }

    #[test]
    fn jitter_spreads_delays() {
        fastrand::seed(11);
        let delays: Vec<Duration> = (0..20)
            .map(|_| Backoff::new(Duration::from_secs(10), Duration::from_secs(60)).next_delay())
            .collect();
        let distinct: std::collections::BTreeSet<_> = delays.iter().collect();
        assert!(distinct.len() > 10, "jitter should vary the delay");
    }

    #[test]
    fn many_failures_never_overflow() {
        let mut b = Backoff::new(Duration::from_secs(2), Duration::from_secs(300));
        for _ in 0..100 {
            assert!(b.next_delay() <= Duration::from_secs(360));
        }
        assert!(within(
            delay_for_attempt(Duration::from_secs(1), Duration::from_secs(60), 3),
            4.0
        ));
    }
}
