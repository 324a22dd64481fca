//! The playbook picker: matches on the left, the selected playbook's guidance and
//! its rendered template on the right.

use crate::playbook::{RenderContext, render as render_template};
use crate::ui::state::{Overlay, State};
use crate::ui::text::{clean, fit, wrap};
use crate::ui::widgets::{centered, popup_block};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        return;
    };
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let block =
        popup_block(state, " Playbooks ").title_bottom(" enter insert · tab template · esc close ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.width < 4 || inner.height < 2 {
        return;
    }
    let query = Line::from(vec![
        Span::styled("> ", Style::default().fg(state.theme.accent)),
        Span::raw(format!("{}▏", picker.query)),
        Span::styled(
            format!("  {} match(es)", picker.matches.len()),
            Style::default().fg(state.theme.dim),
        ),
    ]);
    frame.render_widget(
        Paragraph::new(query),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );

    let body = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    let list_w = (body.width / 3).clamp(12.min(body.width), 32);
    let list = Rect::new(body.x, body.y, list_w, body.height);
    let preview = Rect::new(body.x + list_w, body.y, body.width - list_w, body.height);

    let height = usize::from(list.height);
    let top = picker.selected.saturating_sub(height.saturating_sub(1));
    let all = state.playbooks.all();
    let items: Vec<Line> = picker
        .matches
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .filter_map(|(i, idx)| {
            let p = all.get(*idx)?;
            let text = fit(&p.name, usize::from(list_w.saturating_sub(1)));
            Some(if i == picker.selected {
                Line::styled(
                    format!("{text:<w$}", w = usize::from(list_w)),
                    state.theme.selected(),
                )
            } else {
                Line::raw(text)
            })
        })
        .collect();
    frame.render_widget(Paragraph::new(items), list);

    let Some(p) = picker
        .matches
        .get(picker.selected)
        .and_then(|i| all.get(*i))
    else {
        return;
    };
    let width = usize::from(preview.width.saturating_sub(2)).max(1);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(state.theme.dim);
    let mut lines: Vec<Line> = vec![Line::styled(fit(&p.title, width), bold)];
    for l in wrap(&p.description, width) {
        lines.push(Line::raw(l));
    }
    let tiers: Vec<String> = p.tiers.iter().map(|t| format!("T{}", t.number())).collect();
    let kinds: Vec<&str> = p.kinds.iter().map(|k| k.as_str()).collect();
    let meta = format!(
        "tiers {} · kinds {} · tags {}",
        tiers.join(" "),
        kinds.join(" "),
        p.tags.join(" ")
    );
    lines.push(Line::styled(fit(&meta, width), dim));
    if let Some(t) = p.templates.get(picker.template) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Template {}/{}: {}",
                picker.template + 1,
                p.templates.len(),
                t.name
            ),
            bold,
        ));
        let text = match &state.open {
            Some(c) => render_template(&t.text, &RenderContext::for_conversation(c, &state.config)),
            None => t.text.clone(),
        };
        // The filled template carries cache text (names): clean it.
        for l in wrap(&clean(&text), width) {
            lines.push(Line::styled(l, Style::default().fg(state.theme.outbound)));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Guidance", bold));
    for l in wrap(&reflow(&p.guidance), width) {
        lines.push(Line::raw(l));
    }
    let block = Block::default().borders(Borders::LEFT).border_style(dim);
    frame.render_widget(Paragraph::new(lines).block(block), preview);
}

/// Join hard-wrapped lines of a paragraph; keep blank lines and list items apart.
fn reflow(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim();
        let starts_item = t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with(|c: char| c.is_ascii_digit());
        if out.is_empty() || t.is_empty() || starts_item || out.ends_with('\n') {
            if !out.is_empty() {
                out.push('\n');
            }
        } else {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reflow_joins_paragraph_lines_but_keeps_lists() {
        let text = "Give value\nfirst.\n\n- one\n- two\ncontinued";
        assert_eq!(
            super::reflow(text),
            "Give value first.\n\n- one\n- two continued"
        );
    }
}
