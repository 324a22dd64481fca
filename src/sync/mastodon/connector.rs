//! The Mastodon connector: inbound mentions and DMs (notifications), DM
//! conversations, our own replies fetched back, hashtag and keyword listening, the
//! instance's status length limit; replies, deleting our own statuses, muting and
//! blocking authors; reconciling a reply after a crash.

use super::api::{Conversation, Status, ThreadContext};
use super::normalise::{self, Context, Feed};
use super::reply;
use crate::config::AccountConfig;
use crate::model::{Cursor, IncomingMessage, IngestPage};
use crate::sync::connector::{Action, Connector, PageSink, Reconciled, RoundOutcome, Target};
use crate::sync::error::SyncError;
use crate::sync::http::{Http, Reply, Timeouts, check_status, error_text};
use crate::sync::rate_limit;
use crate::sync::secret::Secret;
use chrono::{DateTime, Utc};
use reqwest::Method;
use std::collections::HashMap;
use url::Url;

mod instance;
mod keywords;
mod notifications;

/// Statuses per request on timelines and search (Mastodon's maximum).
const STATUS_LIMIT: &str = "40";
const STATUS_LIMIT_N: usize = 40;
/// DM conversations looked at per round (the newest; older ones came by notification).
const CONVERSATION_LIMIT: &str = "40";

/// Messages per commit during a backfill: big enough that SQLite's per-transaction
/// cost fades, small enough that a crash re-fetches little.
const DEFAULT_COMMIT_BATCH: usize = 1000;

const KEY_OWN: &str = "own_statuses";

/// Who we are on the instance (verify_credentials).
#[derive(Debug, Clone)]
struct Me {
    id: String,
}

pub struct Mastodon {
    account: String,
    brand: Option<String>,
    location: Option<String>,
    hashtags: Vec<String>,
    /// Search terms, trimmed, without case-insensitive repeats.
    keywords: Vec<String>,
    http: Http,
    token: Secret,
    me: tokio::sync::OnceCell<Me>,
    /// The instance's status length limit, asked once (`None`: it states none).
    reply_limit: tokio::sync::OnceCell<Option<usize>>,
    /// Messages gathered from several pages before one commit.
    commit_batch: usize,
}

/// Bookkeeping for one round: the latest "budget spent" deadline, and the thread
/// roots already looked up (status id → the thread a reply to it joins), so a
/// busy thread costs one request per round.
#[derive(Default)]
struct Round {
    pause_until: Option<DateTime<Utc>>,
    threads: HashMap<String, String>,
}

impl Round {
    fn note(&mut self, reply: &Reply) {
        if let Some(t) = rate_limit::pause_until(&reply.headers, Utc::now()) {
            self.pause(t);
        }
    }

    /// A 429 answer: stop until `until` (the latest deadline wins).
    fn pause(&mut self, until: DateTime<Utc>) {
        self.pause_until = Some(self.pause_until.map_or(until, |p| p.max(until)));
    }

    /// The budget is spent: stop asking until the pause is over.
    fn spent(&self) -> bool {
        self.pause_until.is_some()
    }
}

impl Mastodon {
    pub fn from_config(account: &AccountConfig, token: Secret) -> Result<Mastodon, SyncError> {
        Mastodon::with_timeouts(account, token, Timeouts::default())
    }

    /// As [`Mastodon::from_config`], with explicit timeouts (tests use short ones).
    pub fn with_timeouts(
        account: &AccountConfig,
        token: Secret,
        timeouts: Timeouts,
    ) -> Result<Mastodon, SyncError> {
        let base = account.api_base().ok_or_else(|| {
            SyncError::Config(format!(
                "account '{}': Mastodon needs base_url, your instance (e.g. https://mastodon.social)",
                account.name
            ))
        })?;
        if token.is_empty() {
            return Err(SyncError::Config(format!(
                "account '{}': the Mastodon token is empty; run `hearth login mastodon`",
                account.name
            )));
        }
        Ok(Mastodon {
            account: account.name.clone(),
            brand: account.brand.clone(),
            location: account.location.clone(),
            hashtags: account
                .hashtags
                .iter()
                .map(|t| t.trim().trim_start_matches('#').to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            keywords: keywords::clean(&account.keywords),
            http: Http::new(&base, timeouts)?,
            token,
            me: tokio::sync::OnceCell::new(),
            reply_limit: tokio::sync::OnceCell::new(),
            commit_batch: DEFAULT_COMMIT_BATCH,
        })
    }

    /// Commit after at least `messages` messages (1: every HTTP page on its own).
    pub fn with_commit_batch(mut self, messages: usize) -> Mastodon {
        self.commit_batch = messages.max(1);
        self
    }

    pub(super) fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, SyncError> {
        let mut url = self.http.url(path)?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// Send with the token; any non-2xx becomes its error class.
    pub(super) async fn call(
        &self,
        method: Method,
        url: Url,
        form: Option<&[(&str, &str)]>,
        idempotency_key: Option<&str>,
    ) -> Result<Reply, SyncError> {
        let mut request = self
            .http
            .request(method, url, Some(&self.token))
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(form) = form {
            request = request.form(form);
        }
        let reply = self.http.send(request).await?;
        check_status(&reply, error_text)?;
        Ok(reply)
    }

    async fn get(&self, url: Url, round: &mut Round) -> Result<Reply, SyncError> {
        let reply = self.call(Method::GET, url, None, None).await?;
        round.note(&reply);
        Ok(reply)
    }

    async fn me(&self) -> Result<&Me, SyncError> {
        self.me
            .get_or_try_init(|| async {
                let url = self.url("api/v1/accounts/verify_credentials", &[])?;
                let reply = self.call(Method::GET, url, None, None).await?;
                let account: super::api::Account = reply.json()?;
                if account.id.is_empty() {
                    return Err(SyncError::Malformed {
                        message: "verify_credentials returned no account id".into(),
                        snippet: reply.snippet(),
                    });
                }
                Ok(Me { id: account.id })
            })
            .await
    }

    fn context<'a>(&'a self, me: &'a str) -> Context<'a> {
        Context {
            account: &self.account,
            me,
            brand: self.brand.as_deref(),
            location: self.location.as_deref(),
            now: Utc::now(),
        }
    }

    async fn commit(
        &self,
        sink: &mut dyn PageSink,
        messages: Vec<IncomingMessage>,
        key: &str,
        value: Option<String>,
    ) -> Result<(), SyncError> {
        let cursor = value.map(|value| Cursor {
            account: self.account.clone(),
            key: key.to_string(),
            value,
        });
        if messages.is_empty() && cursor.is_none() {
            return Ok(());
        }
        sink.accept(IngestPage { messages, cursor }).await?;
        Ok(())
    }

    /// The newest DM conversations' last statuses: catches DMs that never made a
    /// notification (filtered, dismissed) and our own DM replies. Same platform
    /// ids as the notifications, so nothing is ingested twice.
    async fn sync_conversations(
        &self,
        sink: &mut dyn PageSink,
        me: &str,
        round: &mut Round,
    ) -> Result<(), SyncError> {
        let url = self.url("api/v1/conversations", &[("limit", CONVERSATION_LIMIT)])?;
        let reply = self.get(url, round).await?;
        let items: Vec<Conversation> = reply.json()?;
        let ctx = self.context(me);
        let messages = items
            .iter()
            .rev()
            .filter_map(|c| c.last_status.as_ref())
            .filter(|s| normalise::is_direct(s))
            .filter_map(|s| normalise::normalise_status(s, &ctx, Feed::Mentions, None))
            .collect();
        self.commit(sink, messages, "conversations", None).await
    }

    /// A status feed read forward by `min_id` (our own statuses, a hashtag). The
    /// first run takes only the newest page: history before hearth is not wanted.
    async fn sync_status_feed(
        &self,
        sink: &mut dyn PageSink,
        me: &str,
        round: &mut Round,
        path: &str,
        key: &str,
        feed: Feed<'_>,
    ) -> Result<(), SyncError> {
        let mut since = sink.cursor(key).filter(|c| !c.trim().is_empty());
        loop {
            let mut query = vec![("limit", STATUS_LIMIT)];
            if let Some(min_id) = &since {
                query.push(("min_id", min_id));
            }
            if feed == Feed::Own {
                query.push(("exclude_reblogs", "true"));
            }
            let reply = self.get(self.url(path, &query)?, round).await?;
            let items: Vec<Status> = reply.json()?;
            let Some(newest) = items
                .first()
                .map(|s| s.id.clone())
                .filter(|id| !id.is_empty())
            else {
                return Ok(());
            };
            let messages = self
                .feed_messages(items.iter().rev(), me, round, feed)
                .await?;
            let first_run = since.is_none();
            self.commit(sink, messages, key, Some(newest.clone()))
                .await?;
            since = Some(newest);
            if first_run || round.spent() {
                return Ok(());
            }
        }
    }

    /// The statuses of a status feed that hearth keeps, as messages in the order
    /// given (pass them oldest first). Listening feeds (hashtags, keywords) skip
    /// our own posts and posts mentioning us: those come as mentions, in their
    /// threads.
    async fn feed_messages<'s>(
        &self,
        statuses: impl Iterator<Item = &'s Status>,
        me: &str,
        round: &mut Round,
        feed: Feed<'_>,
    ) -> Result<Vec<IncomingMessage>, SyncError> {
        let mut messages = Vec::new();
        for status in statuses {
            let ours = normalise::is_ours(status, me);
            let keep = match feed {
                // Our replies and DMs; our standalone posts are not conversations.
                Feed::Own => {
                    ours && (status.in_reply_to_id.is_some() || normalise::is_direct(status))
                }
                _ => !ours && !status.mentions.iter().any(|m| m.id == me),
            };
            if !keep {
                continue;
            }
            let parent_thread = self.joined_thread(status, me, round).await?;
            let ctx = self.context(me);
            messages.extend(normalise::normalise_status(
                status,
                &ctx,
                feed,
                parent_thread.as_deref(),
            ));
        }
        Ok(messages)
    }

    /// The thread `status` joins (see `normalise`): `None` when it starts one,
    /// or when the server no longer shows it (the parent's id is the guess then).
    /// One `context` request reveals every status above, so each of them is
    /// remembered for the rest of the round.
    async fn joined_thread(
        &self,
        status: &Status,
        me: &str,
        round: &mut Round,
    ) -> Result<Option<String>, SyncError> {
        let Some(parent) = normalise::joined_parent(status, me) else {
            return Ok(None);
        };
        if let Some(thread) = round.threads.get(parent) {
            return Ok(Some(thread.clone()));
        }
        let url = self.status_url(&status.id, "/context")?;
        let context: ThreadContext = match self.get(url, round).await {
            Ok(reply) => reply.json()?,
            Err(SyncError::Rejected { status: 404, .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let path = normalise::thread_path(status, &context.ancestors, me);
        let root = path.last().cloned().unwrap_or_else(|| parent.to_string());
        for id in path {
            round.threads.insert(id, root.clone());
        }
        Ok(Some(root))
    }

    pub(super) fn status_url(&self, id: &str, suffix: &str) -> Result<Url, SyncError> {
        let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        self.url(&format!("api/v1/statuses/{encoded}{suffix}"), &[])
    }

    pub(super) async fn fetch_status(&self, id: &str) -> Result<Status, SyncError> {
        let reply = self
            .call(Method::GET, self.status_url(id, "")?, None, None)
            .await?;
        reply.json()
    }

    pub(super) async fn me_id(&self) -> Result<String, SyncError> {
        Ok(self.me().await?.id.clone())
    }

    pub(super) fn account_name(&self) -> &str {
        &self.account
    }

    /// One page of our own statuses, newest first (for reconcile).
    pub(super) async fn own_statuses(
        &self,
        max_id: Option<&str>,
    ) -> Result<Vec<Status>, SyncError> {
        let me = self.me_id().await?;
        let mut query = vec![("limit", STATUS_LIMIT)];
        if let Some(max_id) = max_id {
            query.push(("max_id", max_id));
        }
        let path = format!("api/v1/accounts/{me}/statuses");
        let reply = self
            .call(Method::GET, self.url(&path, &query)?, None, None)
            .await?;
        reply.json()
    }
}

#[async_trait::async_trait]
impl Connector for Mastodon {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let me = self.me().await?.id.clone();
        let mut round = Round::default();
        self.sync_notifications(sink, &me, &mut round).await?;
        if !round.spent() {
            self.sync_conversations(sink, &me, &mut round).await?;
        }
        if !round.spent() {
            let path = format!("api/v1/accounts/{me}/statuses");
            self.sync_status_feed(sink, &me, &mut round, &path, KEY_OWN, Feed::Own)
                .await?;
        }
        for tag in &self.hashtags {
            if round.spent() {
                break;
            }
            let encoded: String = url::form_urlencoded::byte_serialize(tag.as_bytes()).collect();
            let path = format!("api/v1/timelines/tag/{encoded}");
            let key = format!("tag:{}", tag.to_lowercase());
            self.sync_status_feed(sink, &me, &mut round, &path, &key, Feed::Hashtag(tag))
                .await?;
        }
        self.sync_keywords(sink, &me, &mut round).await?;
        self.learn_reply_limit(sink, &mut round).await?;
        Ok(RoundOutcome {
            pause_until: round.pause_until,
            ..RoundOutcome::default()
        })
    }

    async fn perform(&self, target: &Target, action: &Action) -> Result<String, SyncError> {
        reply::perform(self, target, action).await
    }

    async fn reconcile(&self, target: &Target, action: &Action) -> Result<Reconciled, SyncError> {
        reply::reconcile(self, target, action).await
    }
}
