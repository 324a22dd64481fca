//! Background sync: connectors for each platform, the HTTP layer they share, and
//! the engine that schedules them, commits pages with their cursors, and sends the
//! outbox exactly once.

pub mod connector;
pub mod error;
pub mod http;
pub mod rate_limit;
pub mod secret;

pub use connector::{Action, Connector, PageSink, Reconciled, RoundOutcome, Target};
pub use error::SyncError;
pub use secret::Secret;
