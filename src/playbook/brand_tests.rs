//! Brand voice: `[[brands]]` values fill templates (a location's first), a
//! missing one becomes a blank, and `playbooks check` names the brand lacking it.

use super::*;
use crate::config::Config;
use crate::model::{Conversation, Family, Platform, Status};
use chrono::Utc;
use std::path::Path;

const CONFIG: &str = r#"agent = "Alex"

[[brands]]
name = "Northwind Coffee"
locations = ["Portland", "Seattle"]
signature = "Mia, Northwind Coffee"
email = "hello@northwind.example"
phone = "+1 503 555 0100"
review_link = "https://g.page/r/northwind/review"

[brands.location.Seattle]
signature = "Sam, Northwind Seattle"
phone = "+1 206 555 0100"

[[brands]]
name = "Harbor Bikes"
signature = "Jo at Harbor Bikes"
booking_link = "https://harbor.example/book"
"#;

fn config() -> Config {
    Config::from_toml(Path::new("config.toml"), CONFIG).expect("config")
}

fn conversation(brand: Option<&str>, location: Option<&str>) -> Conversation {
    let now = Utc::now();
    Conversation {
        id: 1,
        account: "a".into(),
        platform: Platform::Instagram,
        family: Family::Community,
        kind: Kind::Dm,
        thread_id: "t".into(),
        author: "Dana Reyes".into(),
        context: None,
        brand: brand.map(String::from),
        location: location.map(String::from),
        status: Status::Open,
        snoozed_until: None,
        tier: Tier::Revenue,
        tier_auto: Tier::Revenue,
        tier_override: None,
        tier_reason: String::new(),
        sentiment: 0.0,
        rating: None,
        first_unanswered_at: None,
        due_at: None,
        ack_due_at: None,
        last_message_at: now,
        preview: String::new(),
        message_count: 1,
        sort_tier: Tier::Revenue,
        acknowledged_at: None,
        send_error: None,
        last_inbound_at: None,
    }
}

const SIGNED: &str = "Call {phone} or write {email}. Book: {booking_link}\n{agent}";

#[test]
fn each_brand_and_location_signs_with_its_own_values() {
    let config = config();
    let fill = |brand, location| {
        render(
            SIGNED,
            &RenderContext::for_conversation(&conversation(brand, location), &config),
        )
    };
    assert_eq!(
        fill(Some("Northwind Coffee"), Some("Portland")),
        "Call +1 503 555 0100 or write hello@northwind.example. Book: [[booking link]]\n\
         Mia, Northwind Coffee"
    );
    assert_eq!(
        fill(Some("northwind coffee"), Some("Seattle")),
        "Call +1 206 555 0100 or write hello@northwind.example. Book: [[booking link]]\n\
         Sam, Northwind Seattle",
        "the location's values first, the brand's for the rest"
    );
    assert_eq!(
        fill(Some("Harbor Bikes"), Some("Oakland")),
        "Call [[phone number]] or write [[email address]]. Book: https://harbor.example/book\n\
         Jo at Harbor Bikes"
    );
    // No brand table: the config's agent, and blanks to fill in.
    assert_eq!(
        fill(Some("Other Shop"), None),
        "Call [[phone number]] or write [[email address]]. Book: [[booking link]]\nAlex"
    );
    let blanks = blanks(&fill(None, None));
    assert_eq!(
        blanks.len(),
        3,
        "the composer can jump to each missing value"
    );
}

#[test]
fn playbooks_check_names_the_brand_that_lacks_a_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"name = "book-a-fitting"
title = "Book a fitting"
description = "Offer a booking link."
tiers = [1]
kinds = ["dm"]
guidance = "Send the link."

[[templates]]
name = "link"
text = '''
{greeting}! Pick a time here: {booking_link}
Or leave a review: {review_link}
{agent}
'''
"#;
    let file = dir.path().join("book.toml");
    std::fs::write(&file, text).expect("write");
    assert!(
        check_dir(dir.path()).is_empty(),
        "the playbook itself is valid"
    );
    let problems: Vec<String> = check_brand_values(dir.path(), &config().brands)
        .iter()
        .map(ToString::to_string)
        .collect();
    let at = file.display();
    assert_eq!(
        problems,
        vec![
            format!(
                "{at}:11:31: template 'link' uses {{booking_link}}, but brand 'Northwind Coffee' \
                 has no booking_link (set it in [[brands]]; the reply would show [[booking link]] \
                 to fill in)"
            ),
            format!(
                "{at}:12:20: template 'link' uses {{review_link}}, but brand 'Harbor Bikes' \
                 has no review_link (set it in [[brands]]; the reply would show [[review link]] \
                 to fill in)"
            ),
        ]
    );
    // Without brands there is nobody to check against.
    assert!(check_brand_values(dir.path(), &[]).is_empty());
}

#[test]
fn a_value_only_some_locations_have_names_those_that_lack_it() {
    let mut config = config();
    let nw = &mut config.brands[0];
    nw.phone = None;
    let brands = config.brands.clone();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("call.toml"),
        "name = \"call\"\ntitle = \"Call\"\ndescription = \"d\"\ntiers = [2]\nkinds = [\"dm\"]\nguidance = \"g\"\n\
         [[templates]]\nname = \"t\"\ntext = \"Call {phone}\"\n",
    )
    .expect("write");
    let problems: Vec<String> = check_brand_values(dir.path(), &brands)
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("brand 'Northwind Coffee' (outside Seattle) has no phone"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("brand 'Harbor Bikes' has no phone"),
        "{problems:?}"
    );
}
