//! Outbound: replies (keeping the conversation's visibility), deleting our own
//! statuses, muting and blocking a status's author, and finding out after a
//! crash whether a reply went out.

use super::api::{Relationship, Status};
use super::connector::Mastodon;
use super::html::html_to_text;
use super::normalise::parse_time;
use crate::model::Kind;
use crate::sync::connector::{Action, Reconciled, Target};
use crate::sync::error::SyncError;
use reqwest::Method;

pub async fn perform(m: &Mastodon, target: &Target, action: &Action) -> Result<String, SyncError> {
    match action {
        Action::Reply { body } => send_reply(m, target, body).await,
        Action::Delete => {
            let id = target_message(target)?;
            match m.call(Method::DELETE, m.status_url(id, "")?, None, None).await {
                Ok(_) => Ok(id.to_string()),
                Err(SyncError::Rejected { status: 404, .. }) => Err(SyncError::Rejected {
                    status: 404,
                    message: "Mastodon only deletes our own statuses, and this one is not ours (or is gone)".into(),
                }),
                Err(e) => Err(e),
            }
        }
        Action::Hide | Action::Unhide => Err(SyncError::Unsupported(
            "Mastodon cannot hide someone else's post; mute or block the account, or report it, on the instance".into(),
        )),
        Action::DeleteReply => Err(SyncError::Unsupported(
            "Mastodon has no separate review replies; delete our status instead".into(),
        )),
        Action::Mute { days } => {
            let seconds = (u64::from(*days) * 24 * 3600).to_string();
            relationship(m, target, Relation::Mute, &[("duration", &seconds)]).await
        }
        Action::Block => relationship(m, target, Relation::Block, &[]).await,
        Action::Ban => Err(SyncError::Unsupported(
            "Mastodon has no page bans; block the account instead".into(),
        )),
    }
}

/// What `relationship` does to an account.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    Mute,
    Block,
}

impl Relation {
    fn verb(self) -> &'static str {
        match self {
            Relation::Mute => "mute",
            Relation::Block => "block",
        }
    }

    /// The Relationship flag that shows it took effect.
    fn applied(self, r: &Relationship) -> Option<bool> {
        match self {
            Relation::Mute => r.muting,
            Relation::Block => r.blocking,
        }
    }
}

/// Mute or block the author of the target status: read the status for its
/// author's account id, then `POST /api/v1/accounts/:id/{mute,block}`, which
/// answers with the Relationship. Both are idempotent on the instance (a repeat
/// answers 200 with the same relationship), so a retry after a crash is harmless.
/// Returns the account id.
async fn relationship(
    m: &Mastodon,
    target: &Target,
    relation: Relation,
    form: &[(&str, &str)],
) -> Result<String, SyncError> {
    let verb = relation.verb();
    let status_id = target_message(target)?;
    let status = match m.fetch_status(status_id).await {
        Ok(status) => status,
        Err(SyncError::Rejected { status: 404, .. }) => {
            return Err(SyncError::Rejected {
                status: 404,
                message: format!(
                    "status {status_id} is deleted or not visible to this account, \
                     so hearth cannot tell whose account to {verb}"
                ),
            });
        }
        Err(e) => return Err(e),
    };
    let account = status.account.id;
    if account.is_empty() {
        return Err(SyncError::Malformed {
            message: "status without an account id".into(),
            snippet: String::new(),
        });
    }
    let encoded: String = url::form_urlencoded::byte_serialize(account.as_bytes()).collect();
    let url = m.url(&format!("api/v1/accounts/{encoded}/{verb}"), &[])?;
    let reply = match m.call(Method::POST, url, Some(form), None).await {
        Ok(reply) => reply,
        Err(SyncError::Rejected { status: 404, .. }) => {
            return Err(SyncError::Rejected {
                status: 404,
                message: format!("the instance does not know account {account} (to {verb})"),
            });
        }
        Err(e) => return Err(e),
    };
    let relationship: Relationship = reply.json()?;
    if relation.applied(&relationship) == Some(false) {
        return Err(SyncError::Rejected {
            status: reply.status.as_u16(),
            message: format!(
                "the instance answered the {verb} of account {account}, \
                 but its relationship does not show it"
            ),
        });
    }
    Ok(account)
}

fn target_message(target: &Target) -> Result<&str, SyncError> {
    target
        .message_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| SyncError::Rejected {
            status: 0,
            message: "no Mastodon status to act on in this conversation".into(),
        })
}

async fn send_reply(m: &Mastodon, target: &Target, body: &str) -> Result<String, SyncError> {
    let parent_id = target_message(target)?;
    let parent = m.fetch_status(parent_id).await?;
    let me = m.me_id().await?;
    let visibility = reply_visibility(target.kind, &parent.visibility);
    let text = addressed(body, &parent, &me, visibility == "direct");
    let key = idempotency_key(&[m.account_name(), &target.thread_id, parent_id, body]);
    let mut form = vec![
        ("status", text.as_str()),
        ("in_reply_to_id", parent_id),
        ("visibility", visibility),
    ];
    if !parent.spoiler_text.trim().is_empty() {
        // Answer behind the same content warning, as Mastodon clients do.
        form.push(("spoiler_text", parent.spoiler_text.as_str()));
    }
    let url = m.url("api/v1/statuses", &[])?;
    let reply = m.call(Method::POST, url, Some(&form), Some(&key)).await?;
    let status: Status = reply.json()?;
    if status.id.is_empty() {
        return Err(SyncError::Malformed {
            message: "the new status has no id".into(),
            snippet: reply.snippet(),
        });
    }
    Ok(status.id)
}

/// A DM reply stays direct; otherwise keep the original's reach.
pub fn reply_visibility(kind: Kind, parent_visibility: &str) -> &'static str {
    if kind == Kind::Dm || parent_visibility == "direct" {
        return "direct";
    }
    match parent_visibility {
        "unlisted" => "unlisted",
        "private" => "private",
        _ => "public",
    }
}

/// Prefix `@acct` of the person we answer (for a DM, everyone in it but us): on
/// Mastodon the mentions in the text decide who receives it.
pub fn addressed(body: &str, parent: &Status, me: &str, direct: bool) -> String {
    let mut accts: Vec<&str> = Vec::new();
    if parent.account.id != me {
        accts.push(&parent.account.acct);
    }
    if direct {
        accts.extend(
            parent
                .mentions
                .iter()
                .filter(|m| m.id != me)
                .map(|m| m.acct.as_str()),
        );
    }
    let lower_body = body.to_lowercase();
    let mut prefix = String::new();
    let mut seen: Vec<String> = Vec::new();
    for acct in accts.into_iter().filter(|a| !a.is_empty()) {
        let handle = format!("@{}", acct.to_lowercase());
        if seen.contains(&handle) || lower_body.contains(&handle) {
            continue;
        }
        prefix.push('@');
        prefix.push_str(acct);
        prefix.push(' ');
        seen.push(handle);
    }
    format!("{prefix}{body}")
}

/// Stable for the same (account, thread, message, text): a retry after a timeout
/// is recognised by the server (Mastodon keeps keys for an hour).
pub fn idempotency_key(parts: &[&str]) -> String {
    let hash = |seed: u64| {
        let mut h = seed;
        for part in parts {
            for b in part.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x84222325_cbf29ce4));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// The words after any leading @mentions, for comparing what we sent with what
/// the server shows.
fn without_mentions(text: &str) -> String {
    text.split_whitespace()
        .skip_while(|w| w.starts_with('@'))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn same_text(sent: &str, status: &Status) -> bool {
    without_mentions(sent) == without_mentions(&html_to_text(&status.content))
}

pub async fn reconcile(
    m: &Mastodon,
    target: &Target,
    action: &Action,
) -> Result<Reconciled, SyncError> {
    match action {
        Action::Reply { body } => reconcile_reply(m, target, body).await,
        Action::Delete => {
            let id = target_message(target)?;
            match m.fetch_status(id).await {
                Ok(_) => Ok(Reconciled::NotSent),
                Err(SyncError::Rejected { status: 404, .. }) => Ok(Reconciled::Sent {
                    platform_id: id.to_string(),
                }),
                Err(e) => Err(e),
            }
        }
        // Muting and blocking are idempotent on the instance, and the rest are
        // refused before any request is made: sending again is always safe.
        Action::Mute { .. }
        | Action::Block
        | Action::Ban
        | Action::Hide
        | Action::Unhide
        | Action::DeleteReply => Ok(Reconciled::NotSent),
    }
}

/// Look through our recent statuses for a reply to the same status with the
/// same text. Absent, and the pages reach back before the status we answered
/// (so before any attempt): it was not sent.
async fn reconcile_reply(
    m: &Mastodon,
    target: &Target,
    body: &str,
) -> Result<Reconciled, SyncError> {
    let parent_id = target_message(target)?;
    let since = match target.last_inbound_at {
        Some(t) => Some(t),
        None => match m.fetch_status(parent_id).await {
            Ok(parent) => parse_time(parent.created_at.as_deref()),
            Err(SyncError::Rejected { status: 404, .. }) => None,
            Err(e) => return Err(e),
        },
    };
    let mut max_id: Option<String> = None;
    for _ in 0..RECONCILE_PAGES {
        let page = m.own_statuses(max_id.as_deref()).await?;
        if let Some(found) = page
            .iter()
            .find(|s| s.in_reply_to_id.as_deref() == Some(parent_id) && same_text(body, s))
        {
            return Ok(Reconciled::Sent {
                platform_id: found.id.clone(),
            });
        }
        let Some(oldest) = page.last() else {
            // Every status we ever wrote has been seen.
            return Ok(Reconciled::NotSent);
        };
        let oldest_at = parse_time(oldest.created_at.as_deref());
        if let (Some(since), Some(oldest_at)) = (since, oldest_at)
            && oldest_at < since
        {
            return Ok(Reconciled::NotSent);
        }
        max_id = Some(oldest.id.clone());
    }
    Ok(Reconciled::Unknown)
}

/// Pages of our own statuses reconcile reads before giving up.
const RECONCILE_PAGES: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parent(visibility: &str) -> Status {
        serde_json::from_value(json!({
            "id": "9", "visibility": visibility,
            "account": {"id": "971", "acct": "amic@nulled.example"},
            "mentions": [{"id": "14715", "acct": "brand"}, {"id": "55", "acct": "friend@x.example"}]
        }))
        .unwrap()
    }

    #[test]
    fn visibility_is_kept_and_dms_stay_direct() {
        assert_eq!(reply_visibility(Kind::Dm, "public"), "direct");
        assert_eq!(reply_visibility(Kind::Mention, "direct"), "direct");
        assert_eq!(reply_visibility(Kind::Mention, "unlisted"), "unlisted");
        assert_eq!(reply_visibility(Kind::Mention, "private"), "private");
        assert_eq!(reply_visibility(Kind::Mention, ""), "public");
    }

    #[test]
    fn replies_address_the_author_and_dm_participants() {
        assert_eq!(
            addressed("Refund went out today.", &parent("public"), "14715", false),
            "@amic@nulled.example Refund went out today."
        );
        assert_eq!(
            addressed("Hi both", &parent("direct"), "14715", true),
            "@amic@nulled.example @friend@x.example Hi both"
        );
        // Already addressed: not twice.
        assert_eq!(
            addressed(
                "@Amic@nulled.example thanks",
                &parent("public"),
                "14715",
                false
            ),
            "@Amic@nulled.example thanks"
        );
    }

    #[test]
    fn idempotency_keys_are_stable_and_distinct() {
        let a = idempotency_key(&["acct", "t1", "9", "hello"]);
        assert_eq!(a, idempotency_key(&["acct", "t1", "9", "hello"]));
        assert_ne!(a, idempotency_key(&["acct", "t1", "9", "hello!"]));
        assert_ne!(a, idempotency_key(&["acct", "t19", "", "hello"]));
        assert_eq!(a.len(), 36);
    }

    #[test]
    fn sent_text_matches_the_rendered_status() {
        let status: Status = serde_json::from_value(json!({
            "id": "10",
            "content": "<p><span class=\"h-card\"><a href=\"x\" class=\"u-url mention\">@<span>amic</span></a></span> Refund went out &amp; today.</p>"
        }))
        .unwrap();
        assert!(same_text("Refund went out & today.", &status));
        assert!(same_text(
            "@amic@nulled.example Refund went out & today.",
            &status
        ));
        assert!(!same_text("Refund went out tomorrow.", &status));
    }
}
