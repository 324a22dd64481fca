//! Platform rules about replying that every layer must agree on: Meta's 24-hour
//! messaging window and each platform's reply length. One copy, used by the
//! application core (before queueing) and the connectors (before sending).

use super::{Kind, MessageState, Platform};
use chrono::{DateTime, Duration, Utc};

/// Hours Meta lets a business answer a DM after the customer's last message.
pub const MESSAGING_WINDOW_HOURS: i64 = 24;

/// A window with less than this many hours left is flagged as about to close.
pub const WINDOW_WARN_HOURS: i64 = 4;

/// Whether a reply may be sent in a thread now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyWindow {
    /// The platform has no window for this kind of thread.
    Always,
    /// Open until `closes_at`.
    OpenUntil { closes_at: DateTime<Utc> },
    /// Closed since `since`; `None` when the customer never wrote (a business may
    /// not open a Messenger or Instagram conversation itself).
    Closed { since: Option<DateTime<Utc>> },
}

impl ReplyWindow {
    pub fn is_open(self) -> bool {
        !matches!(self, ReplyWindow::Closed { .. })
    }

    /// Time left when the window closes within `WINDOW_WARN_HOURS` of `now`.
    pub fn closing_soon(self, now: DateTime<Utc>) -> Option<Duration> {
        match self {
            ReplyWindow::OpenUntil { closes_at }
                if closes_at - now < Duration::hours(WINDOW_WARN_HOURS) =>
            {
                Some(closes_at - now)
            }
            _ => None,
        }
    }
}

/// The window for a reply in a `kind` thread on `platform`, given when the customer
/// last wrote. Facebook and Instagram DMs may be answered for 24 hours after the
/// customer's last message: at exactly 24 hours the window has closed.
pub fn reply_window(
    platform: Platform,
    kind: Kind,
    last_inbound_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ReplyWindow {
    let meta_dm = kind == Kind::Dm && matches!(platform, Platform::Facebook | Platform::Instagram);
    if !meta_dm {
        return ReplyWindow::Always;
    }
    match last_inbound_at {
        None => ReplyWindow::Closed { since: None },
        Some(at) => {
            let closes_at = at + Duration::hours(MESSAGING_WINDOW_HOURS);
            if now < closes_at {
                ReplyWindow::OpenUntil { closes_at }
            } else {
                ReplyWindow::Closed {
                    since: Some(closes_at),
                }
            }
        }
    }
}

/// Why a reply in a thread would be refused because of how the platform shows
/// the thread's own post (`thread_state`: the state of the top-level comment or
/// the review, as the store keeps it), or `None` when it may go out.
///
/// Instagram documents that hidden comments cannot be replied to; a deleted
/// comment or review has nothing left to answer. Facebook documents no such rule
/// for hidden comments, so those replies are allowed.
pub fn reply_refusal(
    platform: Platform,
    kind: Kind,
    thread_state: Option<MessageState>,
) -> Option<String> {
    match (platform, kind, thread_state?) {
        (_, Kind::Dm, _) => None,
        (Platform::Instagram, _, MessageState::Hidden) => Some(
            "the comment is hidden on Instagram, which takes no replies to hidden comments; \
             unhide it first or answer by direct message"
                .into(),
        ),
        (_, Kind::Review, MessageState::Deleted) => Some(format!(
            "the review was deleted on {platform}; there is nothing to answer"
        )),
        (_, _, MessageState::Deleted) => Some(format!(
            "the comment was deleted on {platform}; there is nothing to answer"
        )),
        _ => None,
    }
}

/// The longest reply a platform takes, in characters, when no account-specific
/// limit is known (a Mastodon instance states its own `max_characters`).
pub fn reply_limit(platform: Platform, kind: Kind) -> Option<usize> {
    match (platform, kind) {
        (Platform::Mastodon, _) => Some(500),
        (Platform::Facebook, Kind::Dm) => Some(2000),
        (Platform::Facebook, _) => Some(8000),
        (Platform::Instagram, Kind::Dm) => Some(1000),
        (Platform::Instagram, _) => Some(2200),
        (Platform::Google, _) => Some(4096),
        (Platform::Youtube, _) => Some(10_000),
        (Platform::Discord, _) => Some(2000),
        (Platform::Linkedin, _) => Some(1250),
        (Platform::Tiktok, _) => Some(150),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 12, 10, 0, 0)
            .single()
            .expect("valid time")
            + Duration::hours(h)
    }

    #[test]
    fn only_meta_dms_have_a_window_and_it_closes_at_24_hours() {
        let now = at(0);
        let fb = |last| reply_window(Platform::Facebook, Kind::Dm, last, now);
        assert!(!fb(Some(at(-25))).is_open());
        assert_eq!(
            fb(Some(at(-24))),
            ReplyWindow::Closed { since: Some(at(0)) }
        );
        assert_eq!(
            fb(Some(at(-23))),
            ReplyWindow::OpenUntil { closes_at: at(1) }
        );
        assert_eq!(fb(None), ReplyWindow::Closed { since: None });
        assert!(!reply_window(Platform::Instagram, Kind::Dm, Some(at(-25)), now).is_open());
        assert_eq!(
            reply_window(Platform::Facebook, Kind::Comment, Some(at(-99)), now),
            ReplyWindow::Always
        );
        assert_eq!(
            reply_window(Platform::Mastodon, Kind::Dm, None, now),
            ReplyWindow::Always
        );
    }

    #[test]
    fn hidden_instagram_comments_and_deleted_posts_take_no_reply() {
        use MessageState::*;
        let ig = |state| reply_refusal(Platform::Instagram, Kind::Comment, state);
        assert!(ig(Some(Hidden)).is_some_and(|r| r.contains("hidden")));
        assert_eq!(ig(Some(Visible)), None);
        assert_eq!(ig(None), None);
        assert_eq!(
            reply_refusal(Platform::Facebook, Kind::Comment, Some(Hidden)),
            None
        );
        assert!(reply_refusal(Platform::Google, Kind::Review, Some(Deleted)).is_some());
        assert!(reply_refusal(Platform::Facebook, Kind::Comment, Some(Deleted)).is_some());
        assert_eq!(
            reply_refusal(Platform::Instagram, Kind::Dm, Some(Hidden)),
            None
        );
    }

    #[test]
    fn a_window_is_about_to_close_in_its_last_hours_only() {
        let now = at(0);
        let fb = |last| reply_window(Platform::Facebook, Kind::Dm, Some(last), now);
        assert_eq!(fb(at(-22)).closing_soon(now), Some(Duration::hours(2)));
        assert_eq!(fb(at(-20)).closing_soon(now), None, "exactly 4 h left");
        assert_eq!(fb(at(-24)).closing_soon(now), None, "closed, not closing");
        assert_eq!(
            reply_window(Platform::Mastodon, Kind::Dm, Some(at(-23)), now).closing_soon(now),
            None
        );
    }

    #[test]
    fn limits_differ_by_platform_and_kind() {
        assert_eq!(reply_limit(Platform::Mastodon, Kind::Mention), Some(500));
        assert!(
            reply_limit(Platform::Instagram, Kind::Dm)
                < reply_limit(Platform::Instagram, Kind::Comment)
        );
        assert_eq!(reply_limit(Platform::Other, Kind::Dm), None);
    }
}
