//! `hearth lead ID` and `hearth leads`: thin callers of the core's lead use
//! cases (`crate::inbox::lead`), printed as lines or JSON.

use super::actions::{inbox_failure, triage};
use super::args::{LeadArgs, LeadsArgs};
use super::headless::{open_existing, open_for_reading};
use super::{Env, Failure, term};
use crate::inbox::{Inbox, LeadUpdate, LeadView};
use crate::leads::Suggestion;
use crate::model::{Lead, LeadField, LeadGap, LeadStage, Money};
use crate::sanitize::sanitize_line;
use crate::timefmt::countdown;
use crate::width;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One lead as `lead --json` prints it (and each row of `leads --json`).
#[derive(Serialize)]
struct LeadJson<'a> {
    id: i64,
    author: &'a str,
    platform: &'a str,
    kind: &'a str,
    tier: u8,
    stage: LeadStage,
    need: Option<&'a str>,
    timeline: Option<&'a str>,
    /// The day the timeline comes to (YYYY-MM-DD).
    timeline_on: Option<String>,
    budget: Option<&'a str>,
    location: Option<&'a str>,
    /// `{ "minor": 120000, "currency": "EUR" }`: integer minor units.
    value: Option<&'a Money>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    crm_contact_id: Option<&'a str>,
    crm_deal_id: Option<&'a str>,
    created_at: String,
    updated_at: String,
    unknown: Vec<LeadGap>,
}

impl<'a> LeadJson<'a> {
    fn new(lead: &'a Lead, c: &'a crate::model::Conversation) -> LeadJson<'a> {
        LeadJson {
            id: c.id,
            author: &c.author,
            platform: c.platform.as_str(),
            kind: c.kind.as_str(),
            tier: c.tier.number(),
            stage: lead.stage,
            need: lead.need.as_deref(),
            timeline: lead.timeline.as_deref(),
            timeline_on: lead.timeline_on.map(|d| d.to_string()),
            budget: lead.budget.as_deref(),
            location: lead.location.as_deref(),
            value: lead.value.as_ref(),
            email: lead.email.as_deref(),
            phone: lead.phone.as_deref(),
            crm_contact_id: lead.crm_contact_id.as_deref(),
            crm_deal_id: lead.crm_deal_id.as_deref(),
            created_at: rfc3339(lead.created_at),
            updated_at: rfc3339(lead.updated_at),
            unknown: lead.gaps(),
        }
    }
}

#[derive(Serialize)]
struct LeadShow<'a> {
    #[serde(flatten)]
    lead: LeadJson<'a>,
    next_question: Option<&'static str>,
    suggestions: Vec<SuggestionJson<'a>>,
}

#[derive(Serialize)]
struct SuggestionJson<'a> {
    /// What `--confirm N` takes.
    n: usize,
    field: LeadField,
    #[serde(flatten)]
    value: &'a crate::leads::Suggested,
    quote: &'a str,
    message_id: i64,
}

/// The update the flags ask for (empty: just show).
fn update_of(args: &LeadArgs) -> anyhow::Result<LeadUpdate> {
    let stage = args
        .stage
        .as_deref()
        .map(str::parse::<LeadStage>)
        .transpose()
        .map_err(|e| Failure::bad_input(sanitize_line(&e.to_string()).into_owned()))?;
    Ok(LeadUpdate {
        need: args.need.clone(),
        timeline: args.timeline.clone(),
        budget: args.budget.clone(),
        location: args.location.clone(),
        value: args.value.clone(),
        currency: args.currency.clone(),
        email: args.email.clone(),
        phone: args.phone.clone(),
        stage,
    })
}

pub fn lead(env: &Env, args: &LeadArgs) -> anyhow::Result<ExitCode> {
    let update = update_of(args)?;
    let now = Utc::now();
    let view = if update.is_empty() && !args.mark && args.confirm.is_none() {
        let mut store = open_for_reading(env)?;
        let triage = triage(env, &store)?;
        Inbox::new(&mut store, &env.config, &triage)
            .lead(args.id)
            .map_err(inbox_failure)?
    } else {
        let mut store = open_existing(env)?;
        let triage = triage(env, &store)?;
        let mut inbox = Inbox::new(&mut store, &env.config, &triage);
        if args.mark {
            inbox.mark_lead(args.id, now).map_err(inbox_failure)?;
        }
        if let Some(n) = args.confirm {
            let view = inbox.lead(args.id).map_err(inbox_failure)?;
            let Some(suggestion) = n.checked_sub(1).and_then(|i| view.suggestions.get(i)) else {
                return Err(Failure::bad_input(format!(
                    "lead {} has no suggestion {n} (it has {}); `hearth lead {}` lists them",
                    args.id,
                    view.suggestions.len(),
                    args.id
                )));
            };
            inbox
                .confirm_suggestion(args.id, suggestion, now)
                .map_err(inbox_failure)?;
        }
        if !update.is_empty() {
            inbox
                .update_lead(args.id, &update, now)
                .map_err(inbox_failure)?;
        }
        inbox.lead(args.id).map_err(inbox_failure)?
    };
    if args.json {
        term::print_json(&show_json(&view))?;
    } else {
        print_lead(&view, now)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show_json(view: &LeadView) -> LeadShow<'_> {
    LeadShow {
        lead: LeadJson::new(&view.lead, &view.conversation),
        next_question: view.next_question().map(|(_, q)| q),
        suggestions: view
            .suggestions
            .iter()
            .enumerate()
            .map(|(i, s)| SuggestionJson {
                n: i + 1,
                field: s.field,
                value: &s.value,
                quote: &s.quote,
                message_id: s.message_id,
            })
            .collect(),
    }
}

fn print_lead(view: &LeadView, now: DateTime<Utc>) -> anyhow::Result<()> {
    let (lead, c) = (&view.lead, &view.conversation);
    let mut out = term::stdout();
    writeln!(
        out,
        "Lead #{} · {} · {} {} · stage {} · {} old",
        c.id,
        sanitize_line(&c.author),
        c.platform,
        c.kind,
        lead.stage,
        countdown(now, lead.created_at)
    )?;
    for field in [
        LeadField::Need,
        LeadField::Timeline,
        LeadField::Budget,
        LeadField::Location,
        LeadField::Value,
        LeadField::Email,
        LeadField::Phone,
    ] {
        let value = lead
            .field_text(field)
            .map_or_else(|| "?".to_string(), |v| sanitize_line(&v).into_owned());
        writeln!(out, "  {:<9} {value}", field.as_str())?;
    }
    writeln!(
        out,
        "  {:<9} contact {}, deal {}",
        "crm",
        lead.crm_contact_id
            .as_deref()
            .map_or("-".into(), sanitize_line),
        lead.crm_deal_id
            .as_deref()
            .map_or("-".into(), sanitize_line)
    )?;
    if view.unknown.is_empty() {
        writeln!(out, "Everything is known.")?;
    } else {
        let unknown: Vec<&str> = view.unknown.iter().map(|g| g.as_str()).collect();
        writeln!(out, "Still unknown: {}", unknown.join(", "))?;
    }
    if let Some((_, question)) = view.next_question() {
        writeln!(out, "Next question: {question}")?;
    }
    if !view.suggestions.is_empty() {
        writeln!(
            out,
            "Suggestions (apply one with `hearth lead {} --confirm N`):",
            c.id
        )?;
        for (i, s) in view.suggestions.iter().enumerate() {
            writeln!(out, "  {}. {}", i + 1, describe(s))?;
        }
    }
    Ok(())
}

/// "budget: €450  (from "Budget about €450")".
fn describe(s: &Suggestion) -> String {
    sanitize_line(&format!("{}  (\"{}\")", s.describe(), s.quote)).into_owned()
}

pub fn leads(env: &Env, args: &LeadsArgs) -> anyhow::Result<ExitCode> {
    let store = open_for_reading(env)?;
    let rows = store.leads(args.limit)?;
    if args.json {
        let json: Vec<LeadJson<'_>> = rows.iter().map(|(l, c)| LeadJson::new(l, c)).collect();
        term::print_json(&json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = Utc::now();
    let mut out = term::stdout();
    if rows.is_empty() {
        writeln!(out, "No leads.")?;
    }
    for (lead, c) in &rows {
        let value = lead
            .value
            .as_ref()
            .map_or_else(|| "-".to_string(), Money::to_string);
        let line = format!(
            "#{:<6} {:<10} {:>7}  {:<16} {}  {}  unknown: {}",
            c.id,
            lead.stage,
            countdown(now, lead.created_at),
            value,
            width::fit(&sanitize_line(&c.author), 20),
            c.platform.short(),
            lead.gaps().len()
        );
        writeln!(out, "{}", width::truncate(&sanitize_line(&line), 160))?;
    }
    Ok(ExitCode::SUCCESS)
}
