//! `hearth triage backtest [--json]`: a thin caller of `inbox::backtest` on a
//! read-only cache, with the report as lines or one JSON object.

use super::args::BacktestArgs;
use super::headless::open_for_reading;
use super::{Env, term};
use crate::inbox::backtest::{Agreement, Backtest, backtest};
use crate::width;
use std::io::Write;
use std::process::ExitCode;

pub fn run(env: &Env, args: &BacktestArgs) -> anyhow::Result<ExitCode> {
    let store = open_for_reading(env)?;
    // The engine every front end runs on this cache, corrections learned included.
    let triage = super::actions::triage(env, &store)?;
    if let Some(e) = triage.model_error() {
        warn_line!("hearth: warning: {e}; the backtest uses the phrase rules only");
    }
    let report = backtest(&store, &triage)?;
    if args.json {
        term::print_json(&report)?;
    } else {
        let mut out = term::stdout();
        write_report(&mut out, &report)?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The report as lines (cleaned by the `term` writer it is given).
fn write_report(out: &mut impl Write, r: &Backtest) -> std::io::Result<()> {
    writeln!(
        out,
        "Re-triaged {} open conversation{} with the current rules and model.",
        r.open,
        plural(r.open)
    )?;
    writeln!(
        out,
        "  {} would change tier · {} keep it ({} with a new reason) · {} pinned by your override",
        r.changed, r.unchanged, r.reason_changed, r.pinned
    )?;
    writeln!(out)?;
    if r.moves.is_empty() {
        writeln!(out, "No open conversation would change tier.")?;
    } else {
        writeln!(out, "  from → to  count")?;
        for m in &r.moves {
            writeln!(
                out,
                "  {}  {}",
                width::fit(&format!("T{} → T{}", m.from, m.to), 9),
                width::right(&m.count.to_string(), 5)
            )?;
            for e in &m.examples {
                writeln!(
                    out,
                    "    {}  {}",
                    width::right(&format!("#{}", e.id), 7),
                    e.text
                )?;
                writeln!(
                    out,
                    "    {}  {} → {}",
                    " ".repeat(7),
                    e.old_reason,
                    e.new_reason
                )?;
            }
        }
    }
    writeln!(out)?;
    write_agreement(out, &r.overrides)
}

fn write_agreement(out: &mut impl Write, a: &Agreement) -> std::io::Result<()> {
    if a.conversations == 0 {
        return writeln!(
            out,
            "No tier overrides to compare with (`t` in the inbox, or `hearth tier ID N`)."
        );
    }
    writeln!(
        out,
        "Your tier overrides ({}): the automatic tier equals your choice",
        a.conversations
    )?;
    writeln!(
        out,
        "  before  {} of {} ({}%)",
        a.agree_before,
        a.conversations,
        percent(a.agree_before, a.conversations)
    )?;
    writeln!(
        out,
        "  after   {} of {} ({}%)  {} fixed, {} broken",
        a.agree_after,
        a.conversations,
        percent(a.agree_after, a.conversations),
        a.fixed,
        a.broken
    )?;
    if a.learned_from > 0 {
        writeln!(
            out,
            "  (triage learned from {} of these correction{}: agreeing with those is no test of a rule edit)",
            a.learned_from,
            plural(a.learned_from)
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `part / whole` in whole percent, rounded.
fn percent(part: usize, whole: usize) -> usize {
    (part * 100 + whole / 2) / whole.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::backtest::{Example, Move};
    use crate::model::Tier;

    #[test]
    fn the_report_reads_as_a_table_with_examples() {
        let report = Backtest {
            open: 9,
            pinned: 1,
            changed: 3,
            unchanged: 5,
            reason_changed: 2,
            moves: vec![Move {
                from: Tier::Engagement,
                to: Tier::Revenue,
                count: 3,
                examples: vec![Example {
                    id: 12,
                    text: "is the quokka mug back?".into(),
                    old_reason: "question".into(),
                    new_reason: "your pricing phrase 'quokka'".into(),
                }],
            }],
            overrides: Agreement {
                conversations: 3,
                agree_before: 1,
                agree_after: 2,
                fixed: 1,
                broken: 0,
                learned_from: 3,
            },
        };
        let mut out = Vec::new();
        write_report(&mut out, &report).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn percent_rounds_and_survives_zero() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
    }
}
