//! Sending the outbox exactly once. An item is marked "sending" (committed) before
//! its request goes out; whatever interrupts it afterwards leaves it in "sending",
//! and only `reconcile` (asking the platform) decides what happens next.

use super::backoff::delay_for_attempt;
use super::db::Db;
use crate::model::{Assess, OutboxAction, OutboxState, SyncEvent, reply_refusal};
use crate::store::OutboxItem;
use crate::sync::{Action, Connector, Reconciled, SyncError, Target};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Items looked at per pass: the rest wait for the next pass (every second).
const BATCH: usize = 20;

/// What happened to one item in a pass.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemOutcome {
    Sent {
        platform_id: String,
    },
    /// A transient failure: queued again, retried after a backoff.
    Retrying {
        error: String,
    },
    /// Refused for good (window closed, rejected, unsupported): the user decides.
    Failed {
        error: String,
        window_closed: bool,
    },
    /// The answer never came (timeout, broken response): left in "sending" until
    /// the platform is asked whether it went out.
    Interrupted {
        error: String,
    },
}

/// One account's outbox sender; lives as long as the account task.
pub struct OutboxSender {
    account: String,
    db: Db,
    /// Triage, for a conversation whose reply is refused: it is back in the queue
    /// with its deadline.
    assess: Arc<dyn Assess + Send + Sync>,
    events: UnboundedSender<SyncEvent>,
    retry_base: Duration,
    retry_max: Duration,
    not_before: HashMap<i64, Instant>,
    /// Items may sit in "sending" (a crash, a lost answer): reconcile before sending more.
    needs_reconcile: bool,
}

impl OutboxSender {
    pub fn new(
        account: &str,
        db: Db,
        assess: Arc<dyn Assess + Send + Sync>,
        events: UnboundedSender<SyncEvent>,
        retry_base: Duration,
        retry_max: Duration,
    ) -> OutboxSender {
        OutboxSender {
            account: account.to_string(),
            db,
            assess,
            events,
            retry_base,
            retry_max,
            not_before: HashMap::new(),
            needs_reconcile: true,
        }
    }

    /// For `hearth reply` next to a possibly running engine: do not touch items in
    /// "sending" (they may be in flight in the other process).
    pub fn skip_reconcile(&mut self) {
        self.needs_reconcile = false;
    }

    fn notify(&self, outbox_id: i64, error: Option<String>) {
        let _ = self
            .events
            .send(SyncEvent::OutboxUpdated { outbox_id, error });
    }

    /// Ask the platform about every item left in "sending". An error (network)
    /// leaves them there for the next try.
    pub async fn reconcile(&mut self, connector: &dyn Connector) -> Result<(), SyncError> {
        if !self.needs_reconcile {
            return Ok(());
        }
        let account = self.account.clone();
        let pending = self
            .db
            .call(move |s| s.outbox_for(&account, OutboxState::Sending, 1000))
            .await?;
        for item in pending {
            let (target, action) = match self.prepare(&item).await {
                Ok(pair) => pair,
                Err(error) => {
                    self.fail(&item, error, false).await?;
                    continue;
                }
            };
            let verdict = connector.reconcile(&target, &action).await?;
            let id = item.id;
            let now = Utc::now();
            match verdict {
                Reconciled::Sent { platform_id } => {
                    tracing::info!(account = %self.account, outbox = id, "reconciled: it was sent");
                    self.db
                        .call(move |s| s.mark_outbox_sent(id, &platform_id, now))
                        .await?;
                    self.notify(id, None);
                }
                Reconciled::NotSent => {
                    tracing::info!(account = %self.account, outbox = id, "reconciled: not sent, queued again");
                    self.db
                        .call(move |s| {
                            s.mark_outbox_retry(
                                id,
                                "interrupted before it reached the platform",
                                now,
                            )
                        })
                        .await?;
                }
                Reconciled::Unknown => {
                    let note = "hearth was interrupted while sending and the platform cannot say \
                                whether it arrived: check there, then resend or dismiss";
                    tracing::warn!(account = %self.account, outbox = id, "reconcile: unknown");
                    self.db
                        .call(move |s| s.mark_outbox_unknown(id, note, now))
                        .await?;
                    self.notify(id, Some(note.to_string()));
                }
            }
        }
        self.needs_reconcile = false;
        Ok(())
    }

    /// Send queued items whose retry time has come. Returns each attempt's outcome.
    /// Errors that concern the whole account (re-auth, rate limit) stop the pass
    /// and come back as `Err` with the item queued again.
    pub async fn drain(
        &mut self,
        connector: &dyn Connector,
        only: Option<i64>,
    ) -> Result<Vec<(i64, ItemOutcome)>, SyncError> {
        self.reconcile(connector).await?;
        let account = self.account.clone();
        let queued = self
            .db
            .call(move |s| s.outbox_due(&account, Utc::now(), BATCH))
            .await?;
        let mut outcomes = Vec::new();
        let now = Instant::now();
        for item in queued {
            if only.is_some_and(|id| id != item.id)
                || self.not_before.get(&item.id).is_some_and(|t| *t > now)
            {
                continue;
            }
            let outcome = self.send_one(connector, &item).await?;
            let stop = matches!(outcome, Some(ItemOutcome::Retrying { .. }));
            if let Some(outcome) = outcome {
                outcomes.push((item.id, outcome));
            }
            if stop {
                // The platform is struggling: do not hammer it with the rest.
                break;
            }
        }
        Ok(outcomes)
    }

    async fn send_one(
        &mut self,
        connector: &dyn Connector,
        item: &OutboxItem,
    ) -> Result<Option<ItemOutcome>, SyncError> {
        let (target, action) = match self.prepare(item).await {
            Ok(pair) => pair,
            Err(error) => return self.fail(item, error, false).await.map(Some),
        };
        let id = item.id;
        let claimed_at = Utc::now();
        let claimed = self
            .db
            .call(move |s| s.claim_outbox_item(id, claimed_at))
            .await?;
        if !claimed {
            return Ok(None);
        }
        let mut result = connector.perform(&target, &action).await;
        if let (Err(SyncError::Server { .. }), Action::Reply { .. }) = (&result, &action) {
            // A 5xx may come after the platform stored the reply, and neither the
            // Send API nor the comment edges take an idempotency key: look before
            // sending it again.
            let target = Target {
                attempted_at: Some(claimed_at),
                ..target.clone()
            };
            match connector.reconcile(&target, &action).await {
                Ok(Reconciled::Sent { platform_id }) => {
                    tracing::info!(account = %self.account, outbox = id,
                        "the platform failed the send but holds the reply");
                    result = Ok(platform_id);
                }
                Ok(Reconciled::NotSent | Reconciled::Unknown) => {}
                Err(e) => {
                    tracing::warn!(account = %self.account, outbox = id, error = %e,
                        "cannot tell whether a failed send arrived; will reconcile");
                    result = Err(SyncError::Malformed {
                        message: format!(
                            "the send failed with a server error, and asking whether it \
                             arrived failed too: {e}"
                        ),
                        snippet: String::new(),
                    });
                }
            }
        }
        let now = Utc::now();
        match result {
            Ok(platform_id) => {
                let pid = platform_id.clone();
                if let Err(e) = self
                    .db
                    .call(move |s| s.mark_outbox_sent(id, &pid, now))
                    .await
                {
                    // It went out but we could not record it: reconcile later.
                    self.needs_reconcile = true;
                    return Err(e);
                }
                self.not_before.remove(&id);
                self.notify(id, None);
                Ok(Some(ItemOutcome::Sent { platform_id }))
            }
            Err(e @ (SyncError::Auth { .. } | SyncError::RateLimited { .. })) => {
                let text = e.to_string();
                self.db
                    .call(move |s| s.mark_outbox_retry(id, &text, now))
                    .await?;
                if let SyncError::RateLimited { until } = &e {
                    let wait = (*until - now).to_std().unwrap_or_default();
                    self.not_before.insert(id, Instant::now() + wait);
                }
                self.notify(id, Some(e.to_string()));
                Err(e)
            }
            Err(e @ (SyncError::Connect { .. } | SyncError::Server { .. })) => {
                // Refused connections never reached the platform; 5xx means it did
                // not take it. Safe to queue again.
                let text = e.to_string();
                self.db
                    .call(move |s| s.mark_outbox_retry(id, &text, now))
                    .await?;
                let delay = delay_for_attempt(self.retry_base, self.retry_max, item.attempts + 1);
                self.not_before.insert(id, Instant::now() + delay);
                self.notify(id, Some(e.to_string()));
                Ok(Some(ItemOutcome::Retrying {
                    error: e.to_string(),
                }))
            }
            Err(
                e @ (SyncError::Timeout { .. } | SyncError::Malformed { .. } | SyncError::Store(_)),
            ) => {
                // The request may have arrived: never resend blindly.
                self.needs_reconcile = true;
                tracing::warn!(account = %self.account, outbox = id, error = %e, "send outcome unknown; will reconcile");
                self.notify(id, Some(e.to_string()));
                Ok(Some(ItemOutcome::Interrupted {
                    error: e.to_string(),
                }))
            }
            Err(e) => {
                let window_closed = matches!(e, SyncError::WindowClosed(_));
                let error = match &e {
                    SyncError::Permission { cause, fix } => format!("{cause}; fix: {fix}"),
                    other => other.to_string(),
                };
                self.fail(item, error, window_closed).await.map(Some)
            }
        }
    }

    async fn fail(
        &self,
        item: &OutboxItem,
        error: String,
        window_closed: bool,
    ) -> Result<ItemOutcome, SyncError> {
        let id = item.id;
        let text = error.clone();
        let assess = Arc::clone(&self.assess);
        self.db
            .call(move |s| s.mark_outbox_failed(id, &text, Utc::now(), &*assess))
            .await?;
        tracing::warn!(account = %self.account, outbox = id, %error, "outbox item failed");
        self.notify(id, Some(error.clone()));
        Ok(ItemOutcome::Failed {
            error,
            window_closed,
        })
    }

    /// The platform target and action for an item; `Err` is a reason to fail it.
    async fn prepare(&self, item: &OutboxItem) -> Result<(Target, Action), String> {
        let action = parse_action(item)?;
        let conversation_id = item.conversation_id;
        let r = self
            .db
            .call(move |s| s.conversation_ref(conversation_id))
            .await
            .map_err(|e| e.to_string())?;
        if let (Action::Reply { .. }, Some(reason)) =
            (&action, reply_refusal(r.platform, r.kind, r.thread_state))
        {
            // The same rule the application core applies before queueing.
            return Err(format!("not sent: {reason}"));
        }
        let message_id = match action {
            Action::Reply { .. } => r.last_inbound_id,
            _ => item.target_id.clone(),
        };
        // For an item caught mid-send: its attempt began when it was claimed.
        let attempted_at = if item.state == OutboxState::Sending {
            let id = item.id;
            self.db
                .call(move |s| s.outbox_attempted_at(id))
                .await
                .map_err(|e| e.to_string())?
        } else {
            None
        };
        Ok((
            Target {
                account: r.account,
                kind: r.kind,
                thread_id: r.thread_id,
                message_id,
                last_inbound_at: r.last_inbound_at,
                attempted_at,
            },
            action,
        ))
    }
}

fn parse_action(item: &OutboxItem) -> Result<Action, String> {
    if item.action.needs_target() && item.target_id.as_deref().is_none_or(str::is_empty) {
        return Err(format!(
            "{} needs the id of the message to act on",
            item.action
        ));
    }
    Ok(match item.action {
        OutboxAction::Reply => Action::Reply {
            body: item.body.clone(),
        },
        OutboxAction::Hide => Action::Hide,
        OutboxAction::Unhide => Action::Unhide,
        OutboxAction::Delete => Action::Delete,
        OutboxAction::DeleteReply => Action::DeleteReply,
        OutboxAction::Mute => Action::Mute {
            days: item.body.trim().parse().unwrap_or(7),
        },
        OutboxAction::Block => Action::Block,
        OutboxAction::Ban => Action::Ban,
    })
}
