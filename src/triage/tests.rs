//! Behaviour of the whole engine: tiers, signals, ratings, overrides and deadlines.

use super::*;
use crate::config::{BusinessHours, Config, TriageConfig};
use crate::model::{AssessInput, Kind, Platform, Tier};
use chrono::{DateTime, Utc};
use std::path::Path;

fn engine() -> Triage {
    Triage::new(&Config::default()).unwrap()
}

fn tier(t: &Triage, text: &str, kind: Kind) -> Verdict {
    t.classify(text, Some(kind), None, None)
}

#[test]
fn purchase_intent_is_revenue_with_a_reason() {
    let t = engine();
    let v = tier(&t, "Hi! How much would a cake for 20 people be?", Kind::Dm);
    assert_eq!(v.tier, Tier::Revenue);
    assert!(
        v.reason.starts_with("DM + pricing phrase 'how much'"),
        "{}",
        v.reason
    );
    for text in [
        "Do you deliver to Brooklyn?",
        "is the blue one back in stock",
        "can I book a table for friday",
        "could you send me a quote for 40 chairs",
    ] {
        assert_eq!(tier(&t, text, Kind::Comment).tier, Tier::Revenue, "{text}");
    }
}

#[test]
fn complaints_are_retention_even_when_they_mention_price() {
    let t = engine();
    let v = tier(
        &t,
        "I was charged twice, how much will you refund?",
        Kind::Dm,
    );
    assert_eq!(v.tier, Tier::Retention);
    assert!(
        v.reason.starts_with("DM + complaint phrase"),
        "{}",
        v.reason
    );
    for text in [
        "My order never arrived and nobody answers",
        "the app keeps crashing since the update",
        "Still waiting for my replacement, 3 weeks now",
        "MY PACKAGE IS DAMAGED AND I WANT MY MONEY BACK",
    ] {
        assert_eq!(
            tier(&t, text, Kind::Comment).tier,
            Tier::Retention,
            "{text}"
        );
    }
}

#[test]
fn questions_are_engagement_and_praise_is_acknowledgment() {
    let t = engine();
    assert_eq!(
        tier(&t, "What grind do you use for cold brew?", Kind::Comment).tier,
        Tier::Engagement
    );
    assert_eq!(
        tier(&t, "how do i reset the timer", Kind::Mention).tier,
        Tier::Engagement
    );
    let v = tier(&t, "Thank you so much, the team was lovely", Kind::Comment);
    assert_eq!(v.tier, Tier::Acknowledgment);
    assert!(v.reason.starts_with("praise"), "{}", v.reason);
    let v = tier(&t, "saw this at the market today", Kind::Mention);
    assert_eq!(v.tier, Tier::Acknowledgment);
    assert!(v.reason.starts_with("general comment"), "{}", v.reason);
}

#[test]
fn spam_signals_are_monitor() {
    let t = engine();
    let cases = [
        (
            "Check out my channel for daily vlogs",
            "spam: 'check out my'",
        ),
        (
            "follow for follow, I always follow back",
            "spam: 'follow for follow'",
        ),
        ("Earn 500/day with bitcoin trading", "spam: 'earn # day'"),
        (
            "great stuff www.cheap-watches-outlet.com",
            "spam: promo link",
        ),
        (
            "THIS IS THE GREATEST THING ON EARTH RIGHT NOW",
            "spam: all-caps shouting",
        ),
        (
            "win win win win win win win win win win win win win",
            "spam: repeated text",
        ),
    ];
    for (text, reason) in cases {
        let v = tier(&t, text, Kind::Comment);
        assert_eq!(v.tier, Tier::Monitor, "{text}: {}", v.reason);
        // The rule that fired comes first; the model may add its strongest words.
        assert!(v.reason.starts_with(reason), "{text}: {}", v.reason);
    }
    // A private message in capitals is an upset customer, not spam.
    assert_ne!(
        tier(&t, "WHERE IS EVERYONE TODAY, NOBODY ANSWERS", Kind::Dm).tier,
        Tier::Monitor
    );
}

#[test]
fn spam_beats_purchase_phrases() {
    let t = engine();
    for text in [
        "Grow your page to 10K followers in a week! Free trial, just ask",
        "Buy cheap phone cases wholesale direct from factory, whatsapp +1 555 0100",
        "I want to buy your page. How much?",
        "Make $500/day from home, DM 'CASH' to start",
        "Get 20K real views on your videos, first 500 free",
        "Your account has violated our community guidelines, verify your account here",
    ] {
        let v = tier(&t, text, Kind::Dm);
        assert_eq!(v.tier, Tier::Monitor, "{text}: {}", v.reason);
        assert!(v.reason.starts_with("spam: "), "{}", v.reason);
    }
}

#[test]
fn trolls_are_monitor_but_angry_customers_are_not() {
    let t = engine();
    assert_eq!(tier(&t, "shut up loser", Kind::Comment).tier, Tier::Monitor);
    // An opinion of our prices plus an insult, with no failure to fix: a troll.
    let v = tier(&t, "your menu is overpriced garbage", Kind::Dm);
    assert_eq!(v.tier, Tier::Monitor);
    assert!(v.reason.starts_with("troll: 'garbage'"), "{}", v.reason);
    assert_eq!(
        tier(&t, "tea is overrated and so are you", Kind::Dm).tier,
        Tier::Monitor
    );
    // Without the insult the same opinion is a complaint.
    assert_eq!(
        tier(&t, "your menu is overpriced", Kind::Dm).tier,
        Tier::Retention
    );
    // A concrete failure stays visible even when it is rude.
    assert_eq!(
        tier(&t, "this app is garbage, it keeps crashing", Kind::Comment).tier,
        Tier::Retention
    );
    // Abuse inside a genuine complaint stays visible.
    assert_eq!(
        tier(&t, "shut up and refund my order", Kind::Comment).tier,
        Tier::Retention
    );
}

#[test]
fn other_languages_and_scripts_find_leads_and_complaints() {
    let t = engine();
    for text in [
        "Hola, ¿cuánto cuesta el pastel grande?",
        "Bonjour, quel est le prix pour 30 personnes ?",
        "Olá, quanto custa a entrega?",
        "Hallo, wie viel kostet ein Gutschein?",
        "Здравствуйте, сколько стоит доставка?",
        "このケーキはいくらですか？",
        "明天可以预订吗？",
        "这个蛋糕多少钱？",
    ] {
        let v = tier(&t, text, Kind::Dm);
        assert_eq!(v.tier, Tier::Revenue, "{text}: {}", v.reason);
    }
    for text in [
        "Quiero un reembolso, el producto no funciona",
        "J'attends toujours mon remboursement",
        "Приложение не работает",
        "返金してください",
        "我要退款",
    ] {
        let v = tier(&t, text, Kind::Dm);
        assert_eq!(v.tier, Tier::Retention, "{text}: {}", v.reason);
    }
}

#[test]
fn follow_ups_after_no_answer_are_retention() {
    let t = engine();
    for text in [
        "bump",
        "any update?",
        "hello??",
        "still waiting",
        "Hi again, anyone there?",
    ] {
        let v = tier(&t, text, Kind::Dm);
        assert_eq!(v.tier, Tier::Retention, "{text}: {}", v.reason);
    }
    // A question left waiting, then a nudge: the customer is waiting on us.
    let v = tier(&t, "Is the patio dog friendly?\nbump", Kind::Dm);
    assert_eq!(v.tier, Tier::Retention, "{}", v.reason);
    assert!(v.reason.ends_with("+ follow-up 'bump'"), "{}", v.reason);
    // A lead with a nudge stays a lead: tier 1 already comes first.
    assert_eq!(
        tier(&t, "Do you rent bikes by the day?\nany update?", Kind::Dm).tier,
        Tier::Revenue
    );
    // A greeting alone is not a nudge.
    assert_ne!(tier(&t, "hello", Kind::Dm).tier, Tier::Retention);
}

#[test]
fn negative_tone_without_phrases_is_retention_and_negation_counts() {
    let t = engine();
    let v = tier(&t, "This was sad, sad and ugly. I hate it.", Kind::Comment);
    assert_eq!(v.tier, Tier::Retention);
    assert!(v.reason.starts_with("negative tone"), "{}", v.reason);
    let negated = tier(&t, "the staff were not friendly", Kind::Comment);
    assert!(negated.sentiment < 0.0, "{}", negated.sentiment);
    let fine = tier(&t, "the staff were friendly", Kind::Comment);
    assert!(fine.sentiment > 0.0);
}

#[test]
fn star_ratings_decide_reviews() {
    let t = engine();
    let review = |text: &str, stars: u8| {
        t.classify(
            text,
            Some(Kind::Review),
            Some(stars),
            Some(Platform::Google),
        )
    };
    let v = review("Lovely place", 2);
    assert_eq!((v.tier, v.reason.as_str()), (Tier::Retention, "2★ review"));
    assert_eq!(review("", 1).tier, Tier::Retention);
    assert_eq!(review("It was fine.", 3).tier, Tier::Engagement);
    assert_eq!(review("Food was cold and awful.", 3).tier, Tier::Retention);
    // A bit pricey is a mixed review, not a pricing question.
    let v = review("Good beans, a bit pricey. Service was ok.", 3);
    assert_eq!(
        (v.tier, v.reason.as_str()),
        (Tier::Engagement, "3★ review + mixed review")
    );
    let v = review("Great coffee", 5);
    assert_eq!(
        (v.tier, v.reason.as_str()),
        (Tier::Acknowledgment, "5★ review")
    );
    // Purchase words in a happy review are praise, not a lead.
    assert_eq!(
        review("Booked catering for our party, fair price and on time", 5).tier,
        Tier::Acknowledgment
    );
    assert_eq!(
        review("Great coffee, but do you open on sundays?", 5).tier,
        Tier::Engagement
    );
    assert_eq!(
        review("Good, though is the patio heated?", 4).tier,
        Tier::Engagement
    );
    assert_eq!(
        review("Nice, though the waiter was a bit slow", 4).tier,
        Tier::Acknowledgment
    );
    // Spam is spam even with five stars.
    assert_eq!(
        review("Great shop! whatsapp me for cheap parts", 5).tier,
        Tier::Monitor
    );
    // A rating outside 1-5, or on a non-review, is ignored.
    assert_eq!(
        t.classify("saw this", Some(Kind::Comment), Some(1), None)
            .tier,
        Tier::Acknowledgment
    );
}

#[test]
fn config_adds_and_disables_phrases() {
    let config = Config {
        triage: TriageConfig {
            revenue: vec!["zorblax tower*".into()],
            spam: vec!["dm me for a collab".into()],
            disable: vec!["Late".into()],
            ..TriageConfig::default()
        },
        ..Config::default()
    };
    let t = Triage::new(&config).unwrap();
    // A made-up product: only the user's phrase can know it sells.
    let cakes = "Do you make zorblax towers?";
    assert_eq!(tier(&engine(), cakes, Kind::Comment).tier, Tier::Engagement);
    assert_eq!(tier(&t, cakes, Kind::Comment).tier, Tier::Revenue);
    assert_eq!(
        tier(&t, "cute! dm me for a collab", Kind::Comment).tier,
        Tier::Monitor
    );
    assert_eq!(
        tier(&engine(), "see you late tonight", Kind::Comment).tier,
        Tier::Retention
    );
    assert_ne!(
        tier(&t, "see you late tonight", Kind::Comment).tier,
        Tier::Retention
    );
}

#[test]
fn malformed_triage_section_names_line_and_column() {
    let p = Path::new("config.toml");
    let err = Config::from_toml(p, "agent = \"Sam\"\n[triage]\nrevenue = \"quote\"\n").unwrap_err();
    assert!(err.to_string().starts_with("config.toml:3:11:"), "{err}");
    let err = Config::from_toml(p, "[triage]\nrevnue = [\"quote\"]\n").unwrap_err();
    assert!(err.to_string().starts_with("config.toml:2:1:"), "{err}");
    assert!(err.to_string().contains("revnue"), "{err}");
    // Parsed but unusable: a phrase that does not exist in the defaults.
    let config = Config::from_toml(p, "[triage]\ndisable = [\"no such phrase\"]\n").unwrap();
    let err = Triage::new(&config).unwrap_err().to_string();
    assert!(err.contains("no such phrase"), "{err}");
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap()
}

#[test]
fn assessment_carries_due_and_ack_times() {
    let config = Config {
        business_hours: Some(BusinessHours {
            timezone: "UTC".into(),
            start: "09:00".into(),
            end: "17:00".into(),
            days: vec![
                "mon".into(),
                "tue".into(),
                "wed".into(),
                "thu".into(),
                "fri".into(),
            ],
        }),
        ..Config::default()
    };
    let t = Triage::new(&config).unwrap();
    let input = |text, kind| AssessInput {
        platform: Platform::Instagram,
        kind,
        rating: None,
        unanswered_text: text,
        // A Friday, 16:30.
        first_unanswered_at: at("2025-03-07T16:30:00Z"),
    };
    let lead = t.assess(&input("how much for a dozen?", Kind::Dm));
    assert_eq!(lead.tier, Tier::Revenue);
    assert_eq!(lead.due_at, Some(at("2025-03-10T09:30:00Z")));
    assert_eq!(lead.ack_due_at, Some(at("2025-03-07T16:45:00Z")));
    let complaint = t.assess(&input("my order never arrived", Kind::Comment));
    assert_eq!(complaint.due_at, Some(at("2025-03-10T10:30:00Z")));
    assert_eq!(complaint.ack_due_at, None);
    let spam = t.assess(&input("check out my channel", Kind::Comment));
    assert_eq!((spam.tier, spam.due_at), (Tier::Monitor, None));
}

#[test]
fn bad_business_hours_are_an_error() {
    let config = Config {
        business_hours: Some(BusinessHours {
            timezone: "Nowhere/Land".into(),
            start: "09:00".into(),
            end: "17:00".into(),
            days: vec![],
        }),
        ..Config::default()
    };
    assert!(matches!(
        Triage::new(&config),
        Err(TriageError::BusinessHours(_))
    ));
}

#[test]
fn triage_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Triage>();
}

/// The crisis from issue 7: legal, safety and press words outrank every spam signal.
#[test]
fn risk_phrases_outrank_spam_and_never_sink() {
    let t = engine();
    let crisis = "You poisoned my kid. My lawyer will sue you and I am going to the press.";
    let with_link = format!("{crisis} https://example.com/photos");
    let shouted = crisis.to_uppercase();
    for text in [crisis, with_link.as_str(), shouted.as_str()] {
        for kind in [Kind::Comment, Kind::Dm, Kind::Mention] {
            let v = tier(&t, text, kind);
            assert!(
                matches!(v.tier, Tier::Revenue | Tier::Retention),
                "{text} ({kind:?}): {v:?}"
            );
            assert!(v.reason.contains("risk phrase"), "{}", v.reason);
        }
        // Five stars do not hide it either.
        let review = t.classify(text, Some(Kind::Review), Some(5), None);
        assert_eq!(review.tier, Tier::Retention, "{}", review.reason);
    }
    // Spam phrases and a link together still lose to a safety report.
    let v = tier(
        &t,
        "Check out my channel! Also your burger gave me food poisoning www.x.io",
        Kind::Comment,
    );
    assert_eq!(v.tier, Tier::Retention, "{}", v.reason);
    // The same holds without a model.
    let rules = Triage::rules_only(&Config::default()).unwrap();
    assert_eq!(
        tier(&rules, &with_link, Kind::Comment).tier,
        Tier::Retention
    );
}

#[test]
fn prize_text_spam_is_monitor_not_revenue() {
    let t = engine();
    let text = "Congrats! You have been selected for a $500 gift card, call now to claim, std rate applies";
    for kind in [Kind::Comment, Kind::Dm] {
        let v = tier(&t, text, kind);
        assert_eq!(v.tier, Tier::Monitor, "{kind:?}: {}", v.reason);
    }
    // A real question about gift cards is still a lead.
    let v = tier(
        &t,
        "Do you sell gift cards? I'd like one for my mum",
        Kind::Dm,
    );
    assert_eq!(v.tier, Tier::Revenue, "{}", v.reason);
}

#[test]
fn crash_course_is_not_a_crash() {
    let t = engine();
    for engine in [&t, &Triage::rules_only(&Config::default()).unwrap()] {
        let v = tier(engine, "Do you run a crash course in latte art?", Kind::Dm);
        assert_ne!(v.tier, Tier::Retention, "{}", v.reason);
        // 'crash course' may be quoted (a course is bought); 'crash' alone, never.
        assert!(!v.reason.contains("'crash'"), "{}", v.reason);
        let v = tier(engine, "the app crashed twice today", Kind::Comment);
        assert_eq!(v.tier, Tier::Retention, "{}", v.reason);
    }
}

#[test]
fn the_shipped_model_loads_and_decides() {
    assert!(embedded_model().is_ok(), "{:?}", embedded_model().err());
    let t = engine();
    assert!(t.model().is_some());
    assert!(t.model_error().is_none());
    let x = t.explain("my parcel never arrived", Some(Kind::Dm), None, None);
    assert_eq!(x.decided_by, "model");
}

#[test]
fn corrupt_or_foreign_weights_fall_back_to_the_rules() {
    let good = Model::encode(&embedded_model().unwrap().weights());
    let mut corrupt = good.clone();
    corrupt[5000] ^= 0x40;
    let mut other_version = good.clone();
    other_version[8..12].copy_from_slice(&2u32.to_le_bytes());
    let rules = Triage::rules_only(&Config::default()).unwrap();
    for (bytes, expect) in [(corrupt, "checksum"), (other_version, "version 2")] {
        let t = Triage::with_model(
            &Config::default(),
            Model::decode(std::borrow::Cow::Owned(bytes)),
        )
        .unwrap();
        let err = t.model_error().map(ToString::to_string).unwrap_or_default();
        assert!(err.contains(expect), "{err}");
        assert!(t.model().is_none());
        for text in [
            "how much for a dozen?",
            "check out my channel",
            "my order never arrived",
            "lovely!",
        ] {
            assert_eq!(
                tier(&t, text, Kind::Comment),
                tier(&rules, text, Kind::Comment),
                "{text}"
            );
        }
        let x = t.explain("how much for a dozen?", Some(Kind::Dm), None, None);
        assert_eq!(x.decided_by, "phrase rules (no model)");
        assert!(x.model.is_none());
        assert!(x.model_error.is_some_and(|e| e.contains(expect)));
        // `hearth triage` says so once, on the error stream.
        let mut err_out = Vec::new();
        let s = stdin::run_reporting(
            "{\"text\":\"hi\"}\n".as_bytes(),
            Vec::new(),
            &mut err_out,
            stdin::Output::default(),
            &t,
        )
        .unwrap();
        assert_eq!(s.classified, 1);
        let err_out = String::from_utf8(err_out).unwrap();
        assert!(err_out.contains("using the phrase rules only"), "{err_out}");
        assert!(err_out.contains(expect), "{err_out}");
    }
}

#[test]
fn explain_adds_up_to_the_scores() {
    let t = engine();
    let x = t.explain(
        "Hi! How much would a cake for 20 people be?",
        Some(Kind::Dm),
        None,
        None,
    );
    assert_eq!(x.tier, 1);
    let m = x.model.as_ref().expect("model part");
    assert!(m.features.len() > 20, "{}", m.features.len());
    for t in 0..5 {
        let sum: f32 = m.bias[t] + m.features.iter().map(|r| r.contributions[t]).sum::<f32>();
        assert!(
            (sum - m.scores[t]).abs() < 1e-3,
            "tier {}: {sum} vs {}",
            t + 1,
            m.scores[t]
        );
    }
    assert!((m.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    for name in [
        "phrases:revenue",
        "word 'cake'",
        "words 'how much'",
        "question_mark",
        "rules_say:1",
    ] {
        assert!(m.features.iter().any(|r| r.name == name), "{name}");
    }
    // Strongest effect on the chosen tier first.
    let first = m.features[0].contributions[0].abs();
    assert!(
        m.features
            .iter()
            .all(|r| r.contributions[0].abs() <= first + 1e-6)
    );
    let shown = x.to_string();
    assert!(shown.contains("= probability"), "{shown}");
    assert!(shown.contains("decided by: model"), "{shown}");
}

#[test]
fn model_reasons_quote_words_in_plain_language() {
    let t = engine();
    let v = tier(
        &t,
        "Delayed again and no one answers the phone. Terrible.",
        Kind::Comment,
    );
    assert_eq!(v.tier, Tier::Retention, "{}", v.reason);
    assert!(v.reason.contains('\''), "quotes its evidence: {}", v.reason);
    assert!(
        !v.reason.contains("phrases:"),
        "no internal names: {}",
        v.reason
    );
    let v = tier(&t, "", Kind::Comment);
    assert_eq!(v.reason, "no words");
}

#[test]
fn user_rules_decide_over_the_model() {
    let config = Config {
        triage: TriageConfig {
            revenue: vec!["wedding cake*".into()],
            spam: vec!["collab".into()],
            ..TriageConfig::default()
        },
        ..Config::default()
    };
    let t = Triage::new(&config).unwrap();
    let v = tier(&t, "Love your wedding cakes", Kind::Comment);
    assert_eq!(
        (v.tier, v.reason.as_str()),
        (Tier::Revenue, "your pricing phrase 'wedding cake*'")
    );
    let v = t.classify(
        "Best bakery in town! DM for a collab",
        Some(Kind::Review),
        Some(5),
        None,
    );
    assert_eq!(v.tier, Tier::Monitor, "{}", v.reason);
    // Risk still comes first.
    let v = tier(&t, "your wedding cake gave us food poisoning", Kind::Dm);
    assert_eq!(v.tier, Tier::Retention, "{}", v.reason);
}

#[test]
fn cached_char_grams_score_like_the_full_feature_list() {
    let t = engine();
    let model = t.model().expect("model");
    for text in [
        "Hi! How much would a cake for 20 people be?",
        "My order never arrived and nobody answers",
        "这个蛋糕多少钱？可以送到浦东吗",
        "supercalifragilisticexpialidociouslyextraordinarilylongword ok",
        "",
        "call 0800 555 123 now!!!",
    ] {
        // Twice: the second time the words come from the cache.
        for _ in 0..2 {
            let looked = t.look(text, Some(Kind::Comment), None);
            let e = t.evidence(&looked);
            let full = features::extract(&t.signals(text, &e));
            let fast = features::extract_without_chars(&t.signals(text, &e));
            assert!(fast.len() <= full.len());
            let (scores, _) = model.scores_with_breakdown(&full, &looked.scanned, true);
            let a = view(
                scores,
                model.scores_with_breakdown(&full, &looked.scanned, true).1,
            );
            let b = view(
                model.scores_with_breakdown(&fast, &looked.scanned, false).0,
                model.score_signals(&t.signals(text, &e)).1,
            );
            let direct = model.score_signals(&t.signals(text, &e)).0;
            for k in 0..5 {
                assert!((scores[k] - direct[k]).abs() < 1e-4, "{text}");
            }
            for k in 0..5 {
                assert!(
                    (a.scores[k] - b.scores[k]).abs() < 1e-4,
                    "{text}: {:?} vs {:?}",
                    a.scores,
                    b.scores
                );
            }
            assert_eq!(a.probabilities.len(), b.probabilities.len());
        }
    }
}
