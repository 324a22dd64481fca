//! Background sync: connectors for each platform, the HTTP layer they share, and
//! the engine that schedules them, commits pages with their cursors, and sends the
//! outbox exactly once.

pub mod connector;
pub mod credentials;
pub mod engine;
pub mod error;
pub mod google;
pub mod http;
pub mod import;
pub mod mastodon;
pub mod meta;
pub mod probe;
pub mod rate_limit;
pub mod registry;
pub mod secret;

pub use connector::{Action, Connector, PageSink, Reconciled, RoundOutcome, Target};
pub use error::SyncError;
pub use secret::Secret;
