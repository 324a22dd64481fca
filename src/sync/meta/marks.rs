//! High-water marks stored as sync cursors. Graph's own paging cursors expire,
//! so what we persist is "everything up to this time (and these ids at exactly
//! that time) is in the cache".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything updated before `time`, and the listed ids updated exactly at
/// `time`, has been committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    #[serde(rename = "t")]
    pub time: i64,
    #[serde(default)]
    pub ids: Vec<String>,
}

impl Mark {
    pub fn decode(value: &str) -> Option<Mark> {
        if let Ok(mark) = serde_json::from_str::<Mark>(value) {
            return Some(mark);
        }
        // A bare number is a time with no ids (the per-post comment marks).
        value.trim().parse().ok().map(|time| Mark {
            time,
            ids: Vec::new(),
        })
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.time.to_string())
    }

    pub fn at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.time, 0)
    }

    /// Already committed: older than the mark, or at the mark and listed.
    pub fn covers(&self, time: DateTime<Utc>, id: &str) -> bool {
        let t = time.timestamp();
        t < self.time || (t == self.time && self.ids.iter().any(|i| i == id))
    }

    /// The mark after committing `id` updated at `time`. Items must be committed
    /// in ascending time order for the mark to stay truthful.
    pub fn advance(previous: Option<Mark>, time: DateTime<Utc>, id: &str) -> Mark {
        let t = time.timestamp();
        match previous {
            Some(mut mark) if mark.time == t => {
                if !mark.ids.iter().any(|i| i == id) {
                    mark.ids.push(id.to_string());
                }
                mark
            }
            Some(mark) if mark.time > t => mark,
            _ => Mark {
                time: t,
                ids: vec![id.to_string()],
            },
        }
    }
}

/// Full re-reads of a post's or media's comments: this often for recent ones...
pub const RECHECK_RECENT_SECS: i64 = 30 * 60;
/// ...and this often for older ones among those polled.
pub const RECHECK_OLD_SECS: i64 = 6 * 3600;
/// "Recent": posted or commented on within this many days.
pub const RECENT_DAYS: i64 = 14;

/// What is kept per post (Facebook) or media (Instagram): how far its comments
/// are committed, when all of them were last read (which is when hides and
/// deletions show), and the threads seen then (a thread missing from the next
/// full read was deleted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostMark {
    /// Newest committed comment time (unix seconds).
    #[serde(rename = "t", default)]
    pub newest: i64,
    /// The comment count the platform reported when last read.
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// When every comment was last read (unix seconds; 0 = never).
    #[serde(rename = "r", default)]
    pub read: i64,
    /// Top-level comment ids (threads) at that read.
    #[serde(rename = "th", default)]
    pub threads: Vec<String>,
}

impl PostMark {
    /// The newest comment time after a read: what it found, or what was known.
    pub fn newest_after(
        found: &[crate::model::IncomingMessage],
        previous: Option<&PostMark>,
    ) -> i64 {
        found
            .iter()
            .map(|m| m.sent_at.timestamp())
            .max()
            .max(previous.map(|p| p.newest))
            .unwrap_or(0)
    }

    /// After a full read of a post: every thread seen now or at the last read is
    /// swept, keeping what is `present` and marking the rest deleted.
    pub fn deletion_sweeps(
        present: &std::collections::BTreeMap<String, Vec<String>>,
        previous: Option<&PostMark>,
    ) -> Vec<crate::model::Sweep> {
        let mut threads: std::collections::BTreeSet<&String> = present.keys().collect();
        threads.extend(previous.iter().flat_map(|p| p.threads.iter()));
        threads
            .into_iter()
            .map(|thread| crate::model::Sweep {
                thread_id: thread.clone(),
                prefix: String::new(),
                keep: present.get(thread).cloned().unwrap_or_default(),
                others: crate::model::MessageState::Deleted,
            })
            .collect()
    }

    /// Earlier versions stored a bare number: the newest comment time (Facebook)
    /// or the comment count (Instagram, `bare_is_count`).
    pub fn decode(value: &str, bare_is_count: bool) -> Option<PostMark> {
        if let Ok(mark) = serde_json::from_str::<PostMark>(value) {
            return Some(mark);
        }
        let n: i64 = value.trim().parse().ok()?;
        Some(if bare_is_count {
            PostMark {
                count: Some(n),
                ..PostMark::default()
            }
        } else {
            PostMark {
                newest: n,
                ..PostMark::default()
            }
        })
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.newest.to_string())
    }

    /// Whether all comments are due to be read again, so that hides, deletions
    /// and anything a change signal could miss show up within a bounded time.
    pub fn full_read_due(&self, last_activity: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        let recent =
            last_activity.is_some_and(|t| now.signed_duration_since(t).num_days() < RECENT_DAYS);
        let every = if recent {
            RECHECK_RECENT_SECS
        } else {
            RECHECK_OLD_SECS
        };
        now.timestamp() - self.read >= every
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn marks_round_trip_and_accept_bare_times() {
        let m = Mark::advance(None, t(100), "a");
        assert_eq!(Mark::decode(&m.encode()), Some(m));
        assert_eq!(
            Mark::decode("42"),
            Some(Mark {
                time: 42,
                ids: vec![]
            })
        );
        assert_eq!(Mark::decode("garbage"), None);
    }

    #[test]
    fn post_marks_read_old_bare_numbers_and_schedule_full_reads() {
        assert_eq!(PostMark::decode("42", false).unwrap().newest, 42);
        assert_eq!(PostMark::decode("7", true).unwrap().count, Some(7));
        let read = 100_000_000;
        let m = PostMark {
            newest: 5,
            count: Some(3),
            read,
            threads: vec!["a".into()],
        };
        assert_eq!(PostMark::decode(&m.encode(), true), Some(m.clone()));
        let now = t(read + RECHECK_RECENT_SECS);
        assert!(m.full_read_due(Some(now), now), "recent: every half hour");
        assert!(
            !m.full_read_due(Some(t(read - RECENT_DAYS * 86_400)), now),
            "old: every six hours"
        );
        assert!(!m.full_read_due(None, t(read + RECHECK_OLD_SECS - 1)));
        assert!(m.full_read_due(None, t(read + RECHECK_OLD_SECS)));
    }

    #[test]
    fn ties_are_covered_only_for_listed_ids() {
        let m = Mark::advance(None, t(100), "a");
        let m = Mark::advance(Some(m), t(100), "b");
        assert!(m.covers(t(99), "z"));
        assert!(m.covers(t(100), "a") && m.covers(t(100), "b"));
        assert!(!m.covers(t(100), "c"));
        assert!(!m.covers(t(101), "a"));
        let later = Mark::advance(Some(m.clone()), t(101), "c");
        assert_eq!(later.ids, vec!["c".to_string()]);
        // Never moves backwards.
        assert_eq!(Mark::advance(Some(m.clone()), t(50), "x"), m);
    }
}
