//! Pieces shared by the Facebook and Instagram `perform` / `reconcile`.

use super::graph::{Graph, Round};
use super::inbox::Inbox;
use super::normalise::parse_time;
use crate::model::Kind;
use crate::sync::connector::{Action, Reconciled, Target};
use crate::sync::error::SyncError;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

/// Clocks differ: a copy stamped this much before the attempt may still be it.
pub const CLOCK_SLACK_SECS: i64 = 120;

/// How one platform spells the comment endpoints that Facebook and Instagram
/// otherwise share.
pub struct CommentApi<'a> {
    /// "Messenger" / "Instagram", for messages to the user.
    pub inbox_name: &'a str,
    /// `comments` (Facebook) or `replies` (Instagram): where a reply is posted.
    pub reply_edge: &'a str,
    /// `is_hidden` (Facebook) or `hide` (Instagram).
    pub hide_field: &'a str,
    /// Fields to read when looking for our reply, and which of them is the text.
    pub reply_fields: &'a str,
    pub text_key: &'a str,
    /// Our Page / Instagram account id (author of our replies).
    pub own_id: &'a str,
}

/// Carry out `action` on a DM thread (through `inbox`) or a comment thread.
pub async fn perform(
    graph: &Graph,
    inbox: Inbox<'_>,
    api: &CommentApi<'_>,
    target: &Target,
    action: &Action,
) -> Result<String, SyncError> {
    match (target.kind, action) {
        (Kind::Dm, Action::Reply { body }) => inbox.send(graph, target, body, Utc::now()).await,
        (Kind::Dm, _) => Err(SyncError::Unsupported(format!(
            "{} conversations only take replies through the API (not {})",
            api.inbox_name,
            action.name()
        ))),
        (_, Action::Reply { body }) => {
            let path = format!("{}/{}", target.thread_id, api.reply_edge);
            let created = graph.post_form(&path, &[("message", body.clone())]).await?;
            created_id(&created)
        }
        (_, Action::Hide | Action::Unhide) => {
            let id = moderated_id(target);
            let hidden = matches!(action, Action::Hide).to_string();
            let reply = graph.post_form(id, &[(api.hide_field, hidden)]).await?;
            expect_success(&reply).map(|()| id.to_string())
        }
        (_, Action::Delete) => delete_comment(graph, moderated_id(target)).await,
        (_, Action::DeleteReply) => Err(SyncError::Unsupported(
            "delete the reply comment itself instead".into(),
        )),
        (_, Action::Ban) if api.inbox_name == "Messenger" => {
            ban_from_page(graph, inbox.page_id, moderated_id(target)).await
        }
        (_, Action::Mute { .. } | Action::Block | Action::Ban) => Err(SyncError::Unsupported(
            format!("{} offers no API to restrict a commenter", api.inbox_name),
        )),
    }
}

/// Ban a comment's author from the Page: read who wrote it
/// (`GET /{comment-id}?fields=from`), then add them to the Page's `blocked` edge
/// (`POST /{page-id}/blocked`, form `user`; the SDK also lists `uid`, `psid` and
/// `asid`). Returns the user's id. Blocking someone already blocked is taken to
/// change nothing [not confirmed in Meta's reference].
async fn ban_from_page(
    graph: &Graph,
    page_id: &str,
    comment_id: &str,
) -> Result<String, SyncError> {
    let comment = match graph.get(comment_id, &[("fields", "from".into())]).await {
        Ok((comment, _)) => comment,
        Err(SyncError::Rejected { status, message })
            if message.ends_with(MISSING_OBJECT_SUFFIX) =>
        {
            return Err(SyncError::Rejected {
                status,
                message: format!(
                    "comment {comment_id} is deleted or not visible to the Page, \
                     so hearth cannot tell whom to ban"
                ),
            });
        }
        Err(e) => return Err(e),
    };
    // Graph may leave `from` out when the token may not see the commenter:
    // asking again will not change that.
    let user = comment["from"]["id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| SyncError::Rejected {
            status: 200,
            message: format!(
                "Facebook does not say who wrote comment {comment_id} \
                 (the Page token may lack the permission to see commenters)"
            ),
        })?
        .to_string();
    let reply = graph
        .post_form(&format!("{page_id}/blocked"), &[("user", user.clone())])
        .await?;
    // A map of user id → true per user blocked. The hearth API notes give this
    // shape; Meta's reference page for the edge was not readable to confirm it.
    match reply.get(&user).and_then(Value::as_bool) {
        Some(true) => Ok(user),
        _ => Err(SyncError::Rejected {
            status: 200,
            message: format!("the Page could not block that user ({reply})"),
        }),
    }
}

/// After a crash or a server error mid-send: find our reply by its exact text,
/// among what the Page sent since the attempt began (an earlier reply with the
/// same words is not this one). Hiding, unhiding and deleting are idempotent, so
/// they are simply repeated.
pub async fn reconcile(
    graph: &Graph,
    inbox: Inbox<'_>,
    api: &CommentApi<'_>,
    target: &Target,
    action: &Action,
) -> Result<Reconciled, SyncError> {
    match (target.kind, action) {
        (Kind::Dm, Action::Reply { body }) => inbox.find_sent(graph, target, body).await,
        (Kind::Dm, _) => Ok(Reconciled::Unknown),
        (_, Action::Reply { body }) => {
            let listing = ReplyListing {
                path: format!("{}/{}", target.thread_id, api.reply_edge),
                fields: api.reply_fields,
                text_key: api.text_key,
                own_id: api.own_id,
                since: target
                    .attempted_at
                    .map(|t| t - Duration::seconds(CLOCK_SLACK_SECS)),
            };
            find_own_reply(graph, &listing, body).await
        }
        _ => Ok(Reconciled::NotSent),
    }
}

/// Graph's "object does not exist" as [`super::errors`] describes it.
const MISSING_OBJECT_SUFFIX: &str = "(code 100/33)";

/// The comment a moderation action is about: the one named, else the thread's
/// top-level comment.
pub fn moderated_id(target: &Target) -> &str {
    target.message_id.as_deref().unwrap_or(&target.thread_id)
}

/// `{"success": true}` or a `Malformed` error.
pub fn expect_success(value: &Value) -> Result<(), SyncError> {
    if value.get("success").and_then(Value::as_bool) == Some(true) {
        Ok(())
    } else {
        Err(SyncError::Malformed {
            message: "expected {\"success\": true}".into(),
            snippet: value.to_string().chars().take(300).collect(),
        })
    }
}

/// The `id` of something just created.
pub fn created_id(value: &Value) -> Result<String, SyncError> {
    value
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| SyncError::Malformed {
            message: "create reply without an id".into(),
            snippet: value.to_string().chars().take(300).collect(),
        })
}

/// Deleting what is already gone is done, not an error (a retried delete).
pub async fn delete_comment(graph: &Graph, id: &str) -> Result<String, SyncError> {
    match graph.delete(id).await {
        Ok(value) => expect_success(&value).map(|()| id.to_string()),
        Err(SyncError::Rejected { message, .. }) if message.ends_with(MISSING_OBJECT_SUFFIX) => {
            Ok(id.to_string())
        }
        Err(e) => Err(e),
    }
}

/// How to read replies under a comment while reconciling.
pub struct ReplyListing<'a> {
    /// `{comment}/comments` (Facebook) or `{comment}/replies` (Instagram).
    pub path: String,
    pub fields: &'a str,
    /// `message` (Facebook) or `text` (Instagram).
    pub text_key: &'a str,
    pub own_id: &'a str,
    /// Only replies created from then on count (`None`: any).
    pub since: Option<DateTime<Utc>>,
}

/// Look through every reply under the comment for ours with exactly this text.
/// Having read the whole list, absence means it was not sent.
pub async fn find_own_reply(
    graph: &Graph,
    listing: &ReplyListing<'_>,
    body: &str,
) -> Result<Reconciled, SyncError> {
    let mut round = Round::new(graph);
    let query = [
        ("fields", listing.fields.to_string()),
        ("limit", "100".to_string()),
    ];
    let mut page = round.list(&listing.path, &query).await?;
    loop {
        for item in &page.items {
            let ours = item
                .get("from")
                .and_then(|f| f.get("id"))
                .and_then(Value::as_str)
                == Some(listing.own_id);
            let same = item
                .get(listing.text_key)
                .and_then(Value::as_str)
                .is_some_and(|t| t.trim() == body.trim());
            let created = item
                .get("created_time")
                .or_else(|| item.get("timestamp"))
                .and_then(parse_time);
            let recent = match (listing.since, created) {
                (Some(since), Some(at)) => at >= since,
                _ => true,
            };
            if let (true, true, true, Some(id)) =
                (ours, same, recent, item.get("id").and_then(Value::as_str))
            {
                return Ok(Reconciled::Sent {
                    platform_id: id.to_string(),
                });
            }
        }
        match round.next(&page).await? {
            Some(next) => page = next,
            None => return Ok(Reconciled::NotSent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use serde_json::json;

    #[test]
    fn moderation_targets_the_named_comment_first() {
        let mut t = Target {
            account: "a".into(),
            kind: Kind::Comment,
            thread_id: "1_1".into(),
            message_id: Some("1_2".into()),
            last_inbound_at: None,
            attempted_at: None,
        };
        assert_eq!(moderated_id(&t), "1_2");
        t.message_id = None;
        assert_eq!(moderated_id(&t), "1_1");
    }

    #[test]
    fn success_and_ids_are_checked() {
        assert!(expect_success(&json!({"success": true})).is_ok());
        assert!(expect_success(&json!({"success": false})).is_err());
        assert_eq!(created_id(&json!({"id": "9_3"})).unwrap(), "9_3");
        assert!(created_id(&json!({"id": ""})).is_err());
    }
}
