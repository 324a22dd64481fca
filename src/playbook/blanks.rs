//! PLACEHOLDER until the blanks branch lands (replaced by its module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blank { pub range: std::ops::Range<usize>, pub prompt: String }
pub fn blanks(text: &str) -> Vec<Blank> { let mut out = Vec::new(); let mut from = 0; while let Some(i) = text[from..].find("[[") { let s = from + i; let Some(j) = text[s..].find("]]") else { break }; out.push(Blank { range: s..s + j + 2, prompt: text[s + 2..s + j].to_string() }); from = s + j + 2; } out }
pub fn next_blank(text: &str, after: usize) -> Option<Blank> { let all = blanks(text); all.iter().find(|b| b.range.start >= after).cloned().or_else(|| all.first().cloned()) }
pub fn prev_blank(text: &str, before: usize) -> Option<Blank> { let all = blanks(text); all.iter().rev().find(|b| b.range.start < before).cloned().or_else(|| all.last().cloned()) }
pub fn line_col_of(text: &str, byte: usize) -> (usize, usize) { let before = &text[..byte.min(text.len())]; let row = before.matches('\n').count(); let start = before.rfind('\n').map_or(0, |i| i + 1); (row, before[start..].chars().count()) }
