//! Handing messages to the sink so the cursor only moves once they are all in.

use crate::model::{Cursor, IncomingMessage, IngestPage, PageFacts};
use crate::sync::connector::PageSink;
use crate::sync::error::SyncError;

/// Messages per committed page, so a huge first sync commits in steps.
pub const COMMIT_CHUNK: usize = 500;

/// Commit oldest first in chunks; only the last chunk carries the cursor and the
/// facts, so a crash mid-way re-reads the same items next round (ingest drops
/// duplicates). With nothing to commit, the cursor is still stored when it changed.
pub async fn commit_in_chunks(
    sink: &mut dyn PageSink,
    account: &str,
    key: &str,
    mut found: Vec<IncomingMessage>,
    facts: PageFacts,
    cursor_value: String,
) -> Result<(), SyncError> {
    if found.is_empty()
        && facts.is_empty()
        && sink.cursor(key).as_deref() == Some(cursor_value.as_str())
    {
        return Ok(());
    }
    found.sort_by_key(|m| m.sent_at);
    let mut chunks: Vec<Vec<IncomingMessage>> =
        found.chunks(COMMIT_CHUNK).map(<[_]>::to_vec).collect();
    if chunks.is_empty() {
        chunks.push(Vec::new());
    }
    let last = chunks.len() - 1;
    let mut facts = Some(facts);
    for (i, messages) in chunks.into_iter().enumerate() {
        let cursor = (i == last).then(|| Cursor {
            account: account.to_string(),
            key: key.to_string(),
            value: cursor_value.clone(),
        });
        let page = IngestPage { messages, cursor };
        if i == last {
            sink.accept_with(page, facts.take().unwrap_or_default())
                .await?;
        } else {
            sink.accept(page).await?;
        }
    }
    Ok(())
}
