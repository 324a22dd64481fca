//! Keyword listening (brand, product and competitor names) through
//! `GET /api/v2/search?type=statuses`, as a monitor feed beside the hashtags.
//!
//! Search is the least dependable part of the API: it needs the server's
//! full-text search, finds only posts that opted in (or that we interacted
//! with), may answer nothing at all, and its result order is not promised. So:
//! - a failing search is logged and skipped; it never fails the account's round;
//! - results are ordered by id here, not trusted to come newest first;
//! - reading forward by `min_id`, a full page may be the NEWEST matches rather
//!   than the ones right after the cursor, so the pass walks down by `max_id`
//!   to the cursor before committing: the cursor never jumps over a match.

use super::{Mastodon, Round, STATUS_LIMIT, STATUS_LIMIT_N};
use crate::model::IncomingMessage;
use crate::sync::connector::PageSink;
use crate::sync::error::SyncError;
use crate::sync::mastodon::api::{SearchResults, Status};
use crate::sync::mastodon::normalise::Feed;
use crate::sync::mastodon::paging::id_cmp;
use reqwest::Method;
use std::cmp::Ordering;

/// Trimmed, non-empty keywords, each once (case-insensitively, first spelling wins).
pub(super) fn clean(keywords: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in keywords.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        if !out.iter().any(|o| o.to_lowercase() == word.to_lowercase()) {
            out.push(word.to_string());
        }
    }
    out
}

/// The cursor key of one keyword.
pub(super) fn cursor_key(word: &str) -> String {
    format!("keyword:{}", word.to_lowercase())
}

/// What one pass over a keyword found.
struct Pass {
    /// Oldest first.
    messages: Vec<IncomingMessage>,
    /// The newest id seen, when everything from the cursor up to it is in
    /// `messages`; `None` when the walk down was cut short (commit, keep the cursor).
    newest: Option<String>,
    /// The first page was full: more may be waiting above `newest`.
    full: bool,
}

/// Matches strictly newer than `since` (all of them without a cursor).
fn newer_than(statuses: Vec<Status>, since: Option<&str>) -> Vec<Status> {
    statuses
        .into_iter()
        .filter(|s| !s.id.is_empty())
        .filter(|s| since.is_none_or(|since| id_cmp(&s.id, since) == Ordering::Greater))
        .collect()
}

impl Mastodon {
    /// Every configured keyword, each forward from its own cursor. Only a cache
    /// failure ends the round; a 429 pauses it; other errors skip the keyword.
    pub(super) async fn sync_keywords(
        &self,
        sink: &mut dyn PageSink,
        me: &str,
        round: &mut Round,
    ) -> Result<(), SyncError> {
        for word in &self.keywords {
            if round.spent() {
                break;
            }
            let key = cursor_key(word);
            let mut since = sink.cursor(&key).filter(|c| !c.trim().is_empty());
            loop {
                let pass = match self.keyword_pass(word, since.as_deref(), me, round).await {
                    Ok(pass) => pass,
                    Err(SyncError::RateLimited { until }) => {
                        tracing::warn!(account = %self.account, keyword = %word, %until, "keyword search rate limited");
                        round.pause(until);
                        break;
                    }
                    Err(e @ SyncError::Store(_)) => return Err(e),
                    Err(e) => {
                        tracing::warn!(account = %self.account, keyword = %word, error = %e, "keyword search failed; skipped this round");
                        break;
                    }
                };
                let Some(pass) = pass else { break };
                let first_run = since.is_none();
                self.commit(sink, pass.messages, &key, pass.newest.clone())
                    .await?;
                match pass.newest {
                    Some(newest) if pass.full && !first_run && !round.spent() => {
                        since = Some(newest)
                    }
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// One search request, newest matches wanted.
    async fn search_page(
        &self,
        word: &str,
        min_id: Option<&str>,
        max_id: Option<&str>,
        round: &mut Round,
    ) -> Result<(Vec<Status>, bool), SyncError> {
        let mut query = vec![("q", word), ("type", "statuses"), ("limit", STATUS_LIMIT)];
        if let Some(min_id) = min_id {
            query.push(("min_id", min_id));
        }
        if let Some(max_id) = max_id {
            query.push(("max_id", max_id));
        }
        let reply = self
            .call(Method::GET, self.url("api/v2/search", &query)?, None, None)
            .await?;
        round.note(&reply);
        let results: SearchResults = reply.json()?;
        let full = results.statuses.len() >= STATUS_LIMIT_N;
        Ok((results.statuses, full))
    }

    /// The matches after `since` (first run: the newest page only, no history),
    /// as messages oldest first. `None`: nothing new.
    async fn keyword_pass(
        &self,
        word: &str,
        since: Option<&str>,
        me: &str,
        round: &mut Round,
    ) -> Result<Option<Pass>, SyncError> {
        let (page, full) = self.search_page(word, since, None, round).await?;
        let mut found = newer_than(page, since);
        let Some(newest) = found
            .iter()
            .map(|s| s.id.clone())
            .max_by(|a, b| id_cmp(a, b))
        else {
            return Ok(None);
        };
        let mut newest = Some(newest);
        if let Some(since) = since {
            let mut more = full;
            while more {
                if round.spent() {
                    // Unsure what lies between: keep the cursor where it is.
                    newest = None;
                    break;
                }
                let Some(floor) = found
                    .iter()
                    .map(|s| s.id.clone())
                    .min_by(|a, b| id_cmp(a, b))
                else {
                    break;
                };
                let (page, full) = self
                    .search_page(word, Some(since), Some(&floor), round)
                    .await?;
                // A server ignoring max_id must not make this loop forever.
                let older: Vec<Status> = newer_than(page, Some(since))
                    .into_iter()
                    .filter(|s| id_cmp(&s.id, &floor) == Ordering::Less)
                    .collect();
                more = full && !older.is_empty();
                found.extend(older);
            }
        }
        found.sort_by(|a, b| id_cmp(&a.id, &b.id));
        found.dedup_by(|a, b| a.id == b.id);
        let messages = self
            .feed_messages(found.iter(), me, round, Feed::Keyword(word))
            .await?;
        Ok(Some(Pass {
            messages,
            newest,
            full,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str) -> Status {
        Status {
            id: id.to_string(),
            ..Status::default()
        }
    }

    #[test]
    fn keywords_are_trimmed_and_unique() {
        let words = ["  Northwind ", "", "northwind", "Oat Latte", "  "].map(String::from);
        assert_eq!(clean(&words), ["Northwind", "Oat Latte"]);
        assert_eq!(cursor_key("Oat Latte"), "keyword:oat latte");
    }

    #[test]
    fn only_ids_after_the_cursor_count() {
        let ids = |v: Vec<Status>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
        let page = || {
            vec![
                status("120"),
                status(""),
                status("99"),
                status("100"),
                status("1000"),
            ]
        };
        assert_eq!(ids(newer_than(page(), Some("100"))), ["120", "1000"]);
        assert_eq!(ids(newer_than(page(), None)), ["120", "99", "100", "1000"]);
    }
}
