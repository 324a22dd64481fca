//! The instance's status length limit, learned once per connector so the reply
//! guard checks against this server's limit rather than Mastodon's default 500.
//!
//! `GET /api/v2/instance` (Mastodon 4.0+, public) states it as
//! `configuration.statuses.max_characters`. Older servers only have the
//! deprecated `GET /api/v1/instance`: with the same `configuration` since 3.4.2,
//! or with a top-level `max_toot_chars` on forks (glitch-soc, Pleroma). Asking
//! never fails the round: when neither endpoint states a limit the default
//! applies; other errors are logged and the next round asks again.

use super::{Mastodon, Round};
use crate::sync::connector::PageSink;
use crate::sync::error::SyncError;
use serde_json::Value;

/// Newest first.
const ENDPOINTS: [&str; 2] = ["api/v2/instance", "api/v1/instance"];

/// The status length limit an instance document states, if any.
pub(super) fn max_characters(instance: &Value) -> Option<usize> {
    let stated = instance
        .pointer("/configuration/statuses/max_characters")
        .or_else(|| instance.get("max_toot_chars"))?;
    let n = stated
        .as_u64()
        .or_else(|| stated.as_str()?.trim().parse().ok())?;
    usize::try_from(n).ok().filter(|n| *n > 0)
}

impl Mastodon {
    /// Once per connector: ask the instance for its limit and hand it to the sink.
    /// Only a cache failure is an error; a 429 pauses the round.
    pub(super) async fn learn_reply_limit(
        &self,
        sink: &mut dyn PageSink,
        round: &mut Round,
    ) -> Result<(), SyncError> {
        if self.reply_limit.initialized() || round.spent() {
            return Ok(());
        }
        let learned = self
            .reply_limit
            .get_or_try_init(|| self.fetch_reply_limit(round))
            .await;
        match learned {
            Ok(Some(limit)) => sink.set_reply_limit(*limit).await?,
            Ok(None) => {
                tracing::info!(account = %self.account, "the instance states no status length limit; the default applies");
            }
            Err(SyncError::RateLimited { until }) => {
                tracing::warn!(account = %self.account, %until, "instance information rate limited");
                round.pause(until);
            }
            Err(e) => {
                tracing::warn!(account = %self.account, error = %e, "could not read the instance's status length limit; asking again next round");
            }
        }
        Ok(())
    }

    /// v2, then v1. `Ok(None)` when neither exists or states a limit; `Err` for
    /// an answer worth asking again (timeouts, 5xx, 429, a broken body).
    async fn fetch_reply_limit(&self, round: &mut Round) -> Result<Option<usize>, SyncError> {
        for path in ENDPOINTS {
            match self.get(self.url(path, &[])?, round).await {
                Ok(reply) => {
                    if let Some(limit) = max_characters(&reply.json::<Value>()?) {
                        return Ok(Some(limit));
                    }
                }
                // Missing (404) or refused: the older endpoint may still answer.
                Err(SyncError::Rejected { .. } | SyncError::Auth { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_limit_is_read_from_v2_v1_and_fork_shapes() {
        let v2 = json!({"configuration": {"statuses": {"max_characters": 5000}}});
        assert_eq!(max_characters(&v2), Some(5000));
        let fork = json!({"max_toot_chars": 3000, "version": "2.7.2 (compatible; Pleroma 2.5.0)"});
        assert_eq!(max_characters(&fork), Some(3000));
        // `configuration` wins over a fork's field when both are there.
        let both =
            json!({"max_toot_chars": 3000, "configuration": {"statuses": {"max_characters": 800}}});
        assert_eq!(max_characters(&both), Some(800));
        assert_eq!(
            max_characters(&json!({"max_toot_chars": "1200"})),
            Some(1200)
        );
        assert_eq!(
            max_characters(&json!({"configuration": {"statuses": {}}})),
            None
        );
        assert_eq!(max_characters(&json!({"max_toot_chars": 0})), None);
        assert_eq!(max_characters(&json!({"max_toot_chars": -5})), None);
        assert_eq!(max_characters(&json!({"max_toot_chars": null})), None);
    }
}
