//! Drawing the lead panel: the fields (unknown ones highlighted, the next
//! question beside the first), the suggestions with their keys, the key line.

use super::model::key_of;
use crate::model::{LeadField, LeadGap};
use crate::ui::state::{Overlay, State};
use crate::ui::text::{clean_line, fit};
use crate::ui::widgets::{draw_fitted, popup_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

const FIELDS: [LeadField; 7] = [
    LeadField::Need,
    LeadField::Timeline,
    LeadField::Budget,
    LeadField::Location,
    LeadField::Value,
    LeadField::Email,
    LeadField::Phone,
];

/// The gap a field's emptiness leaves (email and phone share "contact").
fn gap_of(field: LeadField) -> LeadGap {
    match field {
        LeadField::Need => LeadGap::Need,
        LeadField::Timeline => LeadGap::Timeline,
        LeadField::Budget => LeadGap::Budget,
        LeadField::Location => LeadGap::Location,
        LeadField::Value => LeadGap::Value,
        LeadField::Email | LeadField::Phone => LeadGap::Contact,
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Lead(panel)) = &state.overlay else {
        return;
    };
    let width = area.width.saturating_sub(2).min(76);
    let inner = usize::from(width.saturating_sub(2));
    let dim = Style::default().fg(state.theme.dim);
    let unknown = Style::default()
        .fg(state.theme.overdue)
        .add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(view) = panel.view.as_deref() else {
        let text = if panel.not_a_lead {
            "This conversation is not a lead. Press m to mark it as one."
        } else {
            "reading the lead…"
        };
        lines.push(Line::raw(fit(text, inner)));
        let block =
            popup_block(state, " Lead ").title_style(Style::default().add_modifier(Modifier::BOLD));
        draw_fitted(frame, area, width, lines, block);
        return;
    };
    let lead = &view.lead;
    let next = view.unknown.first().copied();
    let mut asked = false;
    for field in FIELDS {
        let label = format!(" {} {:<9}", key_of(field), field.as_str());
        if let Some((editing, typed)) = &panel.editing
            && *editing == field
        {
            let text = format!("{label}{}▏ (enter saves, esc)", clean_line(typed));
            lines.push(Line::styled(fit(&text, inner), state.theme.selected()));
            continue;
        }
        match lead.field_text(field) {
            Some(value) => {
                let text = fit(&format!("{label}{}", clean_line(&value)), inner);
                lines.push(Line::raw(text));
            }
            None => {
                let gap = gap_of(field);
                let mut spans = vec![Span::raw(label.clone()), Span::styled("?", unknown)];
                if !asked && Some(gap) == next {
                    asked = true;
                    let room = inner.saturating_sub(crate::width::width(&label) + 1);
                    spans.push(Span::styled(
                        fit(&format!("  ← ask: {}", gap.question()), room),
                        unknown,
                    ));
                }
                lines.push(Line::from(spans));
            }
        }
    }
    let crm = match (&lead.crm_contact_id, &lead.crm_deal_id) {
        (None, None) => "not in the CRM yet".to_string(),
        (contact, deal) => format!(
            "contact {} · deal {}",
            contact.as_deref().unwrap_or("-"),
            deal.as_deref().unwrap_or("-")
        ),
    };
    lines.push(Line::styled(
        fit(&format!("   {:<9}{}", "crm", clean_line(&crm)), inner),
        dim,
    ));
    if view.unknown.is_empty() {
        lines.push(Line::styled(
            fit(" Everything is known: > marks it qualified.", inner),
            dim,
        ));
    }
    if !view.suggestions.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            fit(
                " Read from the thread (press its number to confirm):",
                inner,
            ),
            dim,
        ));
        for (i, s) in view.suggestions.iter().enumerate() {
            let text = format!(" {} {}", i + 1, clean_line(&s.describe()));
            let quote = format!("  “{}”", clean_line(&s.quote));
            let room = inner.saturating_sub(crate::width::width(&text));
            lines.push(Line::from(vec![
                Span::raw(fit(&text, inner)),
                Span::styled(fit(&quote, room), dim),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(
            "letter: edit · 1-9 confirm · > next stage · w won · x lost · esc",
            inner,
        ),
        dim,
    ));
    let title = format!(
        " Lead · {} · {} ",
        clean_line(&view.conversation.author),
        lead.stage
    );
    let block = popup_block(state, fit(&title, inner))
        .title_style(Style::default().add_modifier(Modifier::BOLD));
    draw_fitted(frame, area, width, lines, block);
}
