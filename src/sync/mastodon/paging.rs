//! Pagination: `Link` headers, and the notification cursor that makes a first-run
//! backfill resumable.

use reqwest::header::HeaderMap;

/// The `rel="next"` (older) URL of a `Link` header.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    link_with_rel(headers, "next")
}

pub fn link_with_rel(headers: &HeaderMap, rel: &str) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let Some(target) = pieces.next() else {
                continue;
            };
            let target = target.trim();
            let Some(url) = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
                continue;
            };
            let matches = pieces.any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=")
                    .map(|r| r.trim_matches('"').split_whitespace().any(|r| r == rel))
                    .unwrap_or(false)
            });
            if matches {
                return Some(url.to_string());
            }
        }
    }
    None
}

/// A query parameter of a URL (e.g. the `max_id` of a next link).
pub fn query_param(url: &str, key: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Orders two status ids oldest → newest without parsing them: Mastodon's are
/// decimal numbers without leading zeros (a longer one is newer), GoToSocial's
/// fixed-length ULIDs (text order is time order). Needed where a server does not
/// promise newest-first order (search results).
pub fn id_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Where the notification feed stands. Stored as one cursor value so that every
/// page commits its position atomically with its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedCursor {
    /// Nothing fetched yet: start a backfill from the newest page.
    Fresh,
    /// Backfilling newest → oldest: everything from `top` (the newest id when the
    /// backfill began) down to (not including) `next_max_id` is committed.
    Backfill { top: String, next_max_id: String },
    /// Backfill done: everything up to and including this id is committed; ask for
    /// `min_id` = it.
    Since(String),
}

const BACKFILL_PREFIX: &str = "backfill:";

impl FeedCursor {
    pub fn parse(value: Option<&str>) -> FeedCursor {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return FeedCursor::Fresh;
        };
        match value.strip_prefix(BACKFILL_PREFIX) {
            Some(rest) => match rest.split_once(':') {
                Some((top, next)) if !top.is_empty() && !next.is_empty() => FeedCursor::Backfill {
                    top: top.to_string(),
                    next_max_id: next.to_string(),
                },
                // A damaged value: starting over is safe (ingest is idempotent).
                _ => FeedCursor::Fresh,
            },
            None => FeedCursor::Since(value.to_string()),
        }
    }

    pub fn value(&self) -> Option<String> {
        match self {
            FeedCursor::Fresh => None,
            FeedCursor::Backfill { top, next_max_id } => {
                Some(format!("{BACKFILL_PREFIX}{top}:{next_max_id}"))
            }
            FeedCursor::Since(id) => Some(id.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn link_header_rels() {
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::LINK,
            HeaderValue::from_static(
                "<https://host/api/v1/notifications?max_id=34975535&types%5B%5D=mention>; rel=\"next\", <https://host/api/v1/notifications?min_id=34975861>; rel=\"prev\"",
            ),
        );
        let next = next_link(&h).unwrap();
        assert_eq!(
            next,
            "https://host/api/v1/notifications?max_id=34975535&types%5B%5D=mention"
        );
        assert_eq!(query_param(&next, "max_id").as_deref(), Some("34975535"));
        assert_eq!(query_param(&next, "types[]").as_deref(), Some("mention"));
        assert_eq!(
            link_with_rel(&h, "prev").as_deref(),
            Some("https://host/api/v1/notifications?min_id=34975861")
        );
        assert_eq!(next_link(&HeaderMap::new()), None);
        let mut only_prev = HeaderMap::new();
        only_prev.insert(
            reqwest::header::LINK,
            HeaderValue::from_static("<https://host/x?min_id=1>; rel=\"prev\""),
        );
        assert_eq!(next_link(&only_prev), None);
    }

    #[test]
    fn ids_order_by_length_then_text() {
        use std::cmp::Ordering::*;
        assert_eq!(id_cmp("99", "100"), Less);
        assert_eq!(id_cmp("112345678901234567", "112345678901234566"), Greater);
        assert_eq!(
            id_cmp("01FC0SKA48HNSVR6YKZCQGS2V8", "01FC0SKA48HNSVR6YKZCQGS2V9"),
            Less
        );
        assert_eq!(id_cmp("7", "7"), Equal);
        let mut ids = vec!["1000", "20", "999", "3"];
        ids.sort_by(|a, b| id_cmp(a, b));
        assert_eq!(ids, ["3", "20", "999", "1000"]);
    }

    #[test]
    fn cursor_values_round_trip() {
        for c in [
            FeedCursor::Fresh,
            FeedCursor::Since("34975861".into()),
            FeedCursor::Backfill {
                top: "01HZX".into(),
                next_max_id: "01HZA".into(),
            },
        ] {
            assert_eq!(FeedCursor::parse(c.value().as_deref()), c);
        }
        assert_eq!(
            FeedCursor::parse(Some("backfill:broken")),
            FeedCursor::Fresh
        );
        assert_eq!(FeedCursor::parse(Some("  ")), FeedCursor::Fresh);
    }
}
