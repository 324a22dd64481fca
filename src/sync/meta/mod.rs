//! Meta Graph API connectors: a Facebook Page (Messenger + post comments) and an
//! Instagram professional account (DMs through the linked Page + media comments).
//!
//! The Page access token is sent as `Authorization: Bearer`, never in a URL; the
//! `next` links Graph returns are stripped of `access_token` before use. Errors are
//! classified by Graph `code`/`error_subcode` ([`errors`]), not by HTTP status.

pub mod actions;
pub mod commit;
pub mod errors;
pub mod facebook;
pub mod graph;
pub mod inbox;
pub mod instagram;
pub mod marks;
pub mod normalise;
pub mod versions;

pub use facebook::Facebook;
pub use instagram::Instagram;
