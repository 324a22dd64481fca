//! The two bottom lines: counts, sync state and filter; then a message or key hints.

use crate::model::Tier;
use crate::ui::action::Command;
use crate::ui::popups::accounts::troubles;
use crate::ui::state::State;
use crate::ui::text::{clean_line, fit};
use crate::width::width as display_width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let lines = vec![
        Line::from(first_line(state, width)),
        second_line(state, width),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

/// A piece of the first line; when the line is too wide, the highest `drop_rank`
/// goes first (0 never goes), after trying its `shorter` forms, longest first.
struct Segment<'a> {
    spans: Vec<Span<'a>>,
    drop_rank: u8,
    shorter: Vec<Vec<Span<'a>>>,
}

impl<'a> Segment<'a> {
    fn new(spans: Vec<Span<'a>>, drop_rank: u8) -> Segment<'a> {
        Segment {
            spans,
            drop_rank,
            shorter: Vec::new(),
        }
    }
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| display_width(&s.content)).sum()
}

/// Longest author name the status bar gives an overdue item.
const OLDEST_NAME_COLUMNS: usize = 14;

/// "3 overdue", then "· oldest: T2 Tom Becker 19h42m · T4 @sam 2d01h": the most
/// overdue conversation of each tier, so none is buried out of sight. The names
/// take what room is left after everything else (fewer tiers, then none).
fn overdue_segments<'a>(state: &State) -> [Segment<'a>; 2] {
    let theme = &state.theme;
    let alarm = Style::default()
        .fg(theme.overdue)
        .add_modifier(Modifier::BOLD);
    let count = Segment::new(
        vec![Span::styled(
            format!("│ {} overdue ", state.counts.overdue),
            alarm,
        )],
        3,
    );
    let parts: Vec<Vec<Span>> = Tier::ALL
        .iter()
        .zip(&state.counts.oldest_overdue)
        .filter_map(|(tier, oldest)| {
            let item = oldest.as_ref()?;
            let late = crate::ui::text::countdown(item.due_at, state.now);
            Some(vec![
                Span::styled(format!("T{}", tier.number()), theme.badge(*tier)),
                Span::raw(format!(
                    " {} ",
                    fit(&clean_line(&item.author), OLDEST_NAME_COLUMNS)
                )),
                Span::styled(late.trim_start_matches('-').to_string(), alarm),
            ])
        })
        .collect();
    let dim = Style::default().fg(theme.dim);
    let with = |n: usize| -> Vec<Span<'a>> {
        let mut spans = Vec::new();
        for (i, part) in parts.iter().take(n).enumerate() {
            let lead = if i == 0 { "· oldest: " } else { " · " };
            spans.push(Span::styled(lead, dim));
            spans.extend(part.iter().cloned());
        }
        if n > 0 {
            spans.push(Span::raw(" "));
        }
        spans
    };
    let mut oldest = Segment::new(with(parts.len()), 6);
    oldest.shorter = (0..parts.len()).rev().map(with).collect();
    [count, oldest]
}

/// Tier counts, overdue, filter, then sync: OFFLINE (and the queued replies),
/// outbox items needing a decision, accounts needing attention, a summary.
fn first_line<'a>(state: &State, width: usize) -> Vec<Span<'a>> {
    let theme = &state.theme;
    let sep = || Span::styled("│ ", Style::default().fg(theme.dim));
    let mut segments: Vec<Segment> = Vec::new();
    let mut tiers: Vec<Span> = Vec::new();
    for tier in Tier::ALL {
        let n = state.counts.per_tier[usize::from(tier.number() - 1)];
        let style = if state.filter.tier == Some(tier) {
            theme.badge(tier)
        } else {
            Style::default().fg(theme.tier(tier))
        };
        tiers.push(Span::styled(format!("T{} {n}", tier.number()), style));
        tiers.push(Span::raw(" "));
    }
    segments.push(Segment::new(tiers, 0));
    if state.counts.overdue > 0 {
        segments.extend(overdue_segments(state));
    }
    let filter = filter_summary(state);
    if !filter.is_empty() {
        segments.push(Segment::new(
            vec![
                Span::styled("│ filter: ", Style::default().fg(theme.dim)),
                Span::styled(
                    format!("{filter} "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
            ],
            4,
        ));
    }
    let alarm = Style::default()
        .fg(theme.overdue)
        .add_modifier(Modifier::BOLD);
    if state.offline() {
        let mut spans = vec![
            sep(),
            Span::styled(
                " OFFLINE ",
                Style::default().fg(Color::Black).bg(theme.overdue),
            ),
        ];
        if state.outbox.queued > 0 {
            spans.push(Span::styled(
                format!(" {} queued", state.outbox.queued),
                Style::default().add_modifier(Modifier::BOLD),
            ));
        }
        spans.push(Span::raw(" "));
        segments.push(Segment::new(spans, 1));
    }
    if state.outbox.attention_count > 0 {
        let key = state
            .keymap
            .first_key(Command::Outbox)
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        segments.push(Segment::new(
            vec![
                sep(),
                Span::styled(
                    format!("{} to decide{key} ", state.outbox.attention_count),
                    alarm,
                ),
            ],
            1,
        ));
    }
    let t = troubles(state);
    let marks: Vec<String> = [
        (t.needs_reauth, "re-auth", "re-auth"),
        (t.rate_limited, "rate-limited", "rate-limited"),
        (t.error, "errors", "error"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, many, one)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if !marks.is_empty() {
        let key = state
            .keymap
            .first_key(Command::Accounts)
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        segments.push(Segment::new(
            vec![
                sep(),
                Span::styled(
                    format!("{}{key} ", marks.join(", ")),
                    Style::default().fg(theme.tier(Tier::Retention)),
                ),
            ],
            2,
        ));
    }
    segments.push(Segment::new(
        vec![
            sep(),
            Span::styled(sync_summary(state), Style::default().fg(theme.accent)),
        ],
        5,
    ));
    // Most important first, each piece (or its longest shorter form) if it still
    // fits; then in reading order.
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|i| (segments[*i].drop_rank, *i));
    let mut keep: Vec<Option<Vec<Span>>> = vec![None; segments.len()];
    let mut used = 0;
    for i in order {
        let segment = &mut segments[i];
        let always = segment.drop_rank == 0;
        let forms = std::iter::once(std::mem::take(&mut segment.spans))
            .chain(std::mem::take(&mut segment.shorter));
        for form in forms {
            let w = spans_width(&form);
            if always || used + w <= width {
                used += w;
                keep[i] = Some(form);
                break;
            }
        }
    }
    keep.into_iter().flatten().flatten().collect()
}

/// "demo: live", "sync ok", "2 accounts: 1 offline"…
fn sync_summary(state: &State) -> String {
    if state.accounts.is_empty() {
        return if state.demo {
            "demo: live".into()
        } else {
            "local cache".into()
        };
    }
    if state.accounts.len() == 1 {
        let (account, s) = state
            .accounts
            .iter()
            .next()
            .map_or(("", ""), |(a, s)| (a.as_str(), s.label()));
        return format!("{}: {s}", clean_line(account));
    }
    let ok = state.accounts.values().filter(|s| s.is_good()).count();
    format!("{ok}/{} accounts ok", state.accounts.len())
}

/// The active filters, e.g. "tier 1, reputation, IG, Acme".
pub fn filter_summary(state: &State) -> String {
    let f = &state.filter;
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = f.tier {
        parts.push(format!("tier {}", t.number()));
    }
    if let Some(fam) = f.family {
        parts.push(fam.as_str().into());
    }
    if let Some(p) = f.platform {
        parts.push(p.short().into());
    }
    if let Some(b) = &f.brand {
        parts.push(clean_line(b).into_owned());
    }
    if let Some(l) = &f.location {
        parts.push(clean_line(l).into_owned());
    }
    parts.join(", ")
}

fn second_line<'a>(state: &State, width: usize) -> Line<'a> {
    if let Some(n) = &state.notice {
        let style = if n.error {
            Style::default()
                .fg(state.theme.overdue)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(state.theme.outbound)
        };
        return Line::styled(fit(&clean_line(&n.text), width), style);
    }
    if let Some(text) = crate::ui::selection::hint_line(state) {
        return Line::styled(
            fit(&text, width),
            Style::default()
                .fg(state.theme.accent)
                .add_modifier(Modifier::BOLD),
        );
    }
    let typing = state.focus == crate::ui::state::Focus::Composer && state.overlay.is_none();
    let hints: Vec<String> = if typing {
        crate::ui::composer_keys::hints(state)
    } else {
        general_hints(state)
    };
    // Drop hints from the end until they fit.
    let mut text = String::new();
    for h in hints {
        let next = if text.is_empty() {
            h
        } else {
            format!("{text}  {h}")
        };
        if display_width(&next) > width {
            break;
        }
        text = next;
    }
    Line::styled(text, Style::default().fg(state.theme.dim))
}

/// The bottom line's keys outside text fields.
fn general_hints(state: &State) -> Vec<String> {
    [
        (Command::Help, "help"),
        (Command::Reply, "reply"),
        (Command::Playbooks, "playbooks"),
        (Command::Retier, "tier"),
        (Command::Done, "done"),
        (Command::Snooze, "snooze"),
        (Command::Search, "search"),
        (Command::Quit, "quit"),
    ]
    .into_iter()
    .filter_map(|(cmd, what)| Some(format!("{} {what}", state.keymap.first_key(cmd)?)))
    .collect()
}
