//! Mastodon (and GoToSocial): mentions and DMs from notifications, DM
//! conversations, our own replies fetched back, hashtag listening as a monitor
//! feed; replies that keep the conversation's visibility; deleting our statuses.

pub mod api;
mod connector;
pub mod html;
pub mod login;
pub mod normalise;
pub mod paging;
pub mod reply;

pub use connector::Mastodon;
