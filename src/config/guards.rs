//! PLACEHOLDER until the guards branch lands.
#[derive(Debug, Clone, Default, serde::Deserialize, PartialEq)]
#[serde(default)]
pub struct GuardConfig { pub repeat_limit: usize }
