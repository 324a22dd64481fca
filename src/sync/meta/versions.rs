//! When Meta stops serving each Graph API version, as its changelog lists them,
//! so `doctor` can warn before the version in use goes away.

use chrono::NaiveDate;

/// (version, last day Meta serves it), oldest first. Versions Meta lists with no
/// date yet (v26.0 when this was written) are absent.
const ENDS: &[(&str, (i32, u32, u32))] = &[
    ("v17.0", (2025, 9, 12)),
    ("v18.0", (2026, 1, 26)),
    ("v19.0", (2026, 5, 21)),
    ("v20.0", (2026, 9, 24)),
    ("v21.0", (2027, 1, 21)),
    ("v22.0", (2027, 5, 20)),
    ("v23.0", (2027, 10, 8)),
    ("v24.0", (2028, 2, 18)),
    ("v25.0", (2028, 7, 29)),
];

/// Warn this many days before a version ends.
pub const WARN_DAYS: i64 = 60;

/// The date Meta stops serving `version`, when it has announced one. Versions
/// older than this table are long gone: they end "before v17.0 did".
pub fn end_of(version: &str) -> Option<NaiveDate> {
    if let Some((_, (y, m, d))) = ENDS.iter().find(|(v, _)| *v == version) {
        return NaiveDate::from_ymd_opt(*y, *m, *d);
    }
    let major: u32 = version.strip_prefix('v')?.split('.').next()?.parse().ok()?;
    if major < 17 {
        let (_, (y, m, d)) = ENDS.first()?;
        return NaiveDate::from_ymd_opt(*y, *m, *d);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_versions_have_their_end_dates() {
        assert_eq!(end_of("v21.0"), NaiveDate::from_ymd_opt(2027, 1, 21));
        assert_eq!(end_of("v26.0"), None, "no date announced");
        assert_eq!(end_of("v11.0"), NaiveDate::from_ymd_opt(2025, 9, 12));
        assert_eq!(end_of("nonsense"), None);
    }
}
