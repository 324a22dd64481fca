//! Fuzzy matching shared by the playbook picker, the TUI and the benchmark.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// A case-insensitive matcher for a multi-word query: every word must match
/// somewhere (words may match in different fields), scores add up.
pub struct QueryMatcher {
    matcher: SkimMatcherV2,
    terms: Vec<String>,
}

impl QueryMatcher {
    pub fn new(query: &str) -> QueryMatcher {
        QueryMatcher {
            matcher: SkimMatcherV2::default().ignore_case(),
            terms: query.split_whitespace().map(String::from).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Score of a record made of weighted fields, or `None` if some word matches nowhere.
    pub fn score_fields<'a>(
        &self,
        fields: impl Iterator<Item = (&'a str, i64)> + Clone,
    ) -> Option<i64> {
        let mut total = 0;
        for term in &self.terms {
            total += fields
                .clone()
                .filter_map(|(text, weight)| {
                    self.matcher.fuzzy_match(text, term).map(|s| s * weight)
                })
                .max()?;
        }
        Some(total)
    }
}

/// Rank `items` against `query`: indexes of matching items with their scores,
/// best first (ties keep input order). An empty query keeps every item, score 0.
pub fn fuzzy_rank<'a>(query: &str, items: impl Iterator<Item = &'a str>) -> Vec<(usize, i64)> {
    let matcher = QueryMatcher::new(query);
    let mut ranked: Vec<(usize, i64)> = items
        .enumerate()
        .filter_map(|(i, item)| {
            matcher
                .score_fields(std::iter::once((item, 1)))
                .map(|score| (i, score))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_close_matches_first_and_drops_misses() {
        let items = ["Yelp review", "refund request", "reply later", "zzz"];
        let ranked = fuzzy_rank("refnd", items.iter().copied());
        assert_eq!(ranked.first().map(|r| r.0), Some(1));
        assert!(ranked.iter().all(|r| r.0 != 3));
    }

    #[test]
    fn every_word_must_match() {
        let items = ["refund for late order", "late delivery"];
        let ranked = fuzzy_rank("late refund", items.iter().copied());
        assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn empty_query_keeps_order() {
        let ranked = fuzzy_rank("  ", ["b", "a"].into_iter());
        assert_eq!(ranked, vec![(0, 0), (1, 0)]);
    }
}
