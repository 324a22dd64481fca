//! `hearth demo`: a cache seeded from an embedded, hand-written dataset for two
//! fictional brands, and a background feeder that keeps new messages arriving and
//! "sends" the outbox, so every screen of the TUI can be tried without an account.

pub mod dataset;
mod feeder;
mod seed;
mod voice;

pub use feeder::spawn_feeder;
pub use seed::{SeedSummary, seed};
pub use voice::add_demo_brands;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The embedded dataset is malformed (a bug in `assets/demo/`, caught by tests).
    #[error("{file} line {line}: {message}")]
    Parse {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
pub(crate) mod test_assess;
