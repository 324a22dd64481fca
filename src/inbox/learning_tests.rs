//! Learning from overrides on real SQLite files: 20 corrections teach a new kind
//! of message, the reason credits them, unrelated messages keep their tier, a
//! reset forgets, a fresh cache is the shipped model, and the updates are
//! deterministic.

use super::*;
use crate::config::Config;
use crate::model::{Direction, IncomingMessage, IngestPage, Kind, Platform, Tier};
use crate::triage::Triage;
use chrono::TimeZone;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .single()
        .expect("valid time")
}

/// Influencer collaboration requests: the shipped model has no notion of them.
const TAUGHT: [&str; 20] = [
    "Hi! I'm a lifestyle creator with 45k followers on Instagram and I'd love to collaborate with your brand on a sponsored post.",
    "Hey there, we run a travel vlog on YouTube (120k subscribers). Interested in a paid partnership? Happy to send our media kit.",
    "Hello team, I'm a food blogger and content creator. Would you be open to a collab? I can share my rates and audience stats.",
    "Love your products! I'm an influencer in the fitness space, 80k on TikTok. Let's talk about a brand partnership.",
    "Hi, reaching out on behalf of a creator agency. Several of our influencers would like to feature your brand in sponsored content.",
    "Hey! Micro-influencer here (12k engaged followers). I'd love to create UGC content for you, can I send you my media kit?",
    "Hi, I make home decor reels with strong engagement. Interested in a collaboration? Rates start at a few hundred per reel.",
    "Good morning, I'm a beauty content creator and would be thrilled to partner with your brand on an Instagram campaign.",
    "We're a podcast with 30k weekly listeners and would love to discuss a sponsorship or ambassador deal with your brand.",
    "Hello! Family blogger here. I'd like to propose a collaboration: a dedicated post plus three stories featuring your products.",
    "Hi there, I'm a TikTok creator (200k followers) looking for brand deals. Your shop would be a great fit for my audience.",
    "Hey, quick question about collabs: do you work with influencers? I'd love to review your products for my followers.",
    "Hi! I run a streetwear page with 60k followers. Open to a paid collab or an affiliate partnership?",
    "Hello, I'm a YouTuber making cooking videos. Would your team be interested in sponsoring an episode? Media kit attached.",
    "Hi, our influencer marketing agency represents creators in wellness. We'd like to pitch a campaign for your brand.",
    "Hey! Content creator here, I'd love to be a brand ambassador for you. My engagement rate is 8%, happy to share stats.",
    "Hello, I'm a pet influencer (dog account, 90k followers). Interested in a sponsored collaboration with your brand?",
    "Hi, I create unboxing videos on YouTube and Instagram. Could we set up a partnership? I can send my rates.",
    "Hey team, I'm a student creator with a growing TikTok audience. Would you consider gifting or a paid collab?",
    "Hello! I'm a parenting blogger and would love to partner on sponsored posts featuring your products. Rate card on request.",
];

/// New requests of the same kind, in other words.
const UNSEEN: [&str; 10] = [
    "Hi! I'm a fashion creator with 50k followers and I'd love to do a sponsored collab with your brand.",
    "Hello, we manage several lifestyle influencers and would like to propose a paid partnership with your team.",
    "Hey! Would you be interested in a collaboration? I'm a travel content creator, media kit available.",
    "Hi there, I make skincare videos on TikTok (150k followers). Open to a brand deal or ambassador program?",
    "Good afternoon, I'm a YouTuber in the gaming space and would love to discuss sponsoring one of my videos.",
    "Hi, micro-influencer here! I'd like to create content for your brand, happy to share my rates and engagement stats.",
    "Hello! I run a popular recipe blog and Instagram page. Would you like to partner on a sponsored post?",
    "Hey, I'm a fitness influencer with an engaged audience. Interested in an affiliate partnership or paid collab?",
    "Hi team, our creator agency would love to pitch an influencer campaign featuring your products.",
    "Hello, I'm a content creator and would love to be an ambassador for your brand. Can I send my media kit?",
];

/// Complaints, spam, questions and praise: the corrections are not about them.
const UNRELATED: [&str; 10] = [
    "My order arrived broken and nobody answers my emails. I want a refund.",
    "Third time asking: where is my package? This is ridiculous.",
    "The app keeps crashing when I try to pay, very frustrating.",
    "You charged me twice and support hung up on me. Fix this now.",
    "Get 10k followers fast!!! Visit cheapfollowers.biz now",
    "Congrats! You have been selected for a $500 gift card, call now to claim, std rate applies",
    "Check out my channel for free giveaways, link in bio",
    "What time do you open on Sundays?",
    "Do you ship to Canada?",
    "Love the new menu, great job everyone!",
];

fn incoming(i: usize, text: &str) -> IncomingMessage {
    IncomingMessage {
        account: "ig-acct".into(),
        platform: Platform::Instagram,
        kind: Kind::Dm,
        thread_id: format!("thread-{i}"),
        platform_id: format!("m{i}"),
        direction: Direction::Inbound,
        author: format!("Author {i}"),
        body: text.into(),
        sent_at: t0() + chrono::Duration::minutes(i64::try_from(i).expect("small")),
        context: None,
        brand: None,
        location: None,
        rating: None,
    }
}

/// A cache holding the taught requests as DMs; returns their conversation ids.
fn cache(triage: &Triage) -> (tempfile::TempDir, std::path::PathBuf, Vec<i64>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.db");
    let mut store = Store::open(&path).expect("open");
    let messages = TAUGHT
        .iter()
        .enumerate()
        .map(|(i, t)| incoming(i, t))
        .collect();
    let stats = store
        .ingest(
            &IngestPage {
                messages,
                cursor: None,
            },
            triage,
        )
        .expect("ingest");
    (dir, path, stats.touched)
}

fn engine() -> Triage {
    let t = Triage::new(&Config::default()).expect("triage");
    assert!(t.model().is_some(), "the shipped model loads");
    t
}

/// Override every taught conversation to tier 1, as `t 1` or `hearth tier ID 1`.
fn teach(path: &std::path::Path, ids: &[i64], triage: &Triage) {
    let config = Config::default();
    let mut store = Store::open(path).expect("open");
    for (k, id) in ids.iter().enumerate() {
        let now = t0() + chrono::Duration::hours(1 + i64::try_from(k).expect("small"));
        Inbox::new(&mut store, &config, triage)
            .retier(*id, Some(Tier::Revenue), now)
            .expect("retier");
    }
}

fn verdicts(triage: &Triage, texts: &[&str]) -> Vec<crate::triage::Verdict> {
    texts
        .iter()
        .map(|t| triage.classify(t, Some(Kind::Dm), None, Some(Platform::Instagram)))
        .collect()
}

#[test]
fn twenty_corrections_teach_a_new_kind_of_message_and_the_reason_says_so() {
    let shipped = engine();
    let learning = engine();
    let (_dir, path, ids) = cache(&shipped);
    assert_eq!(ids.len(), 20);
    let before = verdicts(&shipped, &UNSEEN);
    let already = before.iter().filter(|v| v.tier == Tier::Revenue).count();

    teach(&path, &ids, &learning);
    assert_eq!(learning.learned_corrections(), 20);

    let after = verdicts(&learning, &UNSEEN);
    for (text, (b, a)) in UNSEEN.iter().zip(before.iter().zip(&after)) {
        eprintln!(
            "T{} → T{}  {}  | {text}",
            b.tier.number(),
            a.tier.number(),
            a.reason
        );
    }
    let in_tier_1 = after.iter().filter(|v| v.tier == Tier::Revenue).count();
    assert!(
        in_tier_1 >= 7,
        "{in_tier_1} of 10 unseen requests in tier 1 (shipped: {already})"
    );
    assert!(already < 7, "the shipped model already knew: {already}");
    let credited: Vec<&str> = after
        .iter()
        .filter(|v| v.tier == Tier::Revenue)
        .map(|v| v.reason.as_str())
        .filter(|r| r.contains("learned from") && r.contains("of your corrections"))
        .collect();
    assert!(credited.len() >= 7, "{after:#?}");
    // "learned from N of your corrections": N counts similar tier-1 corrections.
    for r in &credited {
        let n: usize = r
            .split("learned from ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {r}"));
        assert!((1..=20).contains(&n), "{r}");
    }

    // Complaints, spam, questions and praise keep the shipped model's tier.
    let unrelated_before = verdicts(&shipped, &UNRELATED);
    let unrelated_after = verdicts(&learning, &UNRELATED);
    for (text, (b, a)) in UNRELATED
        .iter()
        .zip(unrelated_before.iter().zip(&unrelated_after))
    {
        eprintln!(
            "T{} → T{}  {}  | {text}",
            b.tier.number(),
            a.tier.number(),
            a.reason
        );
        assert_eq!(a.tier, b.tier, "{text}: {} → {}", b.reason, a.reason);
        assert!(!a.reason.contains("learned from"), "{text}: {}", a.reason);
    }
}
