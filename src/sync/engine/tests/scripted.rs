//! A connector that plays a script: sync rounds, perform and reconcile answers,
//! and records what the engine asked of it.

use crate::model::IngestPage;
use crate::sync::{Action, Connector, PageSink, Reconciled, RoundOutcome, SyncError, Target};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Script {
    /// Each sync call takes the next entry; when empty, a round with no pages.
    pub rounds: VecDeque<Result<Vec<IngestPage>, SyncError>>,
    pub performs: VecDeque<Result<String, SyncError>>,
    pub reconciles: VecDeque<Result<Reconciled, SyncError>>,
    pub performed: Vec<(Target, Action)>,
    pub cursors_seen: Vec<Option<String>>,
    pub sync_calls: usize,
}

#[derive(Clone, Default)]
pub struct Scripted(Arc<Mutex<Script>>);

impl Scripted {
    pub fn with(f: impl FnOnce(&mut Script)) -> Scripted {
        let s = Scripted::default();
        f(&mut s.0.lock().unwrap());
        s
    }
    pub fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.0.lock().unwrap()
    }
}

#[async_trait::async_trait]
impl Connector for Scripted {
    async fn sync(&self, sink: &mut dyn PageSink) -> Result<RoundOutcome, SyncError> {
        let next = {
            let mut s = self.script();
            s.sync_calls += 1;
            s.cursors_seen.push(sink.cursor("mentions"));
            s.rounds.pop_front()
        };
        for page in next.unwrap_or(Ok(Vec::new()))? {
            sink.accept(page).await?;
        }
        Ok(RoundOutcome::default())
    }

    async fn perform(&self, target: &Target, action: &Action) -> Result<String, SyncError> {
        let mut s = self.script();
        s.performed.push((target.clone(), action.clone()));
        s.performs.pop_front().unwrap_or(Ok("p-default".into()))
    }

    async fn reconcile(&self, _t: &Target, _a: &Action) -> Result<Reconciled, SyncError> {
        self.script()
            .reconciles
            .pop_front()
            .unwrap_or(Ok(Reconciled::Unknown))
    }
}
