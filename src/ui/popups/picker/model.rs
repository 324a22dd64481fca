//! The playbook picker's own state.

/// The playbook picker: a fuzzy filter over the library.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picker {
    pub query: String,
    /// Library indexes, best match first.
    pub matches: Vec<usize>,
    pub selected: usize,
    /// Which template of the selected playbook Enter inserts.
    pub template: usize,
}
