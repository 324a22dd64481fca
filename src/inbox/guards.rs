//! PLACEHOLDER until the guards branch lands (replaced by the real module).
use crate::model::Tier;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Guard { Deflection, RepeatedText, NoPersonalisation, UnfilledTemplate, TooLong, HidingComplaint }
impl Guard { pub fn as_str(self) -> &'static str { "x" } pub fn describe(self) -> &'static str { "x" } }
impl std::fmt::Display for Guard { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) } }
#[derive(Debug, Clone, PartialEq)]
pub struct Warning { pub guard: Guard, pub message: String }
pub struct ReplyFacts<'a> { pub text: &'a str, pub customer_text: &'a str, pub first_name: Option<&'a str>, pub max_chars: Option<usize>, pub recent_replies: &'a [String] }
pub fn check_reply(facts: &ReplyFacts<'_>, _config: &crate::config::GuardConfig) -> Vec<Warning> { let mut w = Vec::new(); if facts.text.contains("[[") || facts.text.contains("check our website") { w.push(Warning { guard: Guard::UnfilledTemplate, message: "stub".into() }); } w }
pub fn check_moderation(tier: Tier, sentiment: f64, _config: &crate::config::GuardConfig) -> Option<Warning> { (tier == Tier::Retention || (sentiment < -0.05 && tier != Tier::Monitor)).then(|| Warning { guard: Guard::HidingComplaint, message: "stub".into() }) }
