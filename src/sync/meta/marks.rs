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
