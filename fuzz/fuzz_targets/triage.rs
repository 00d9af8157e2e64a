//! `Engine::triage` on arbitrary bytes: never panics, and every span of the
//! decision is a char-boundary range of the raw text; normalization is
//! idempotent; the decision serializes.
//!
//! The first byte picks the customer tier, prior contacts and industry; the
//! rest, decoded lossily as UTF-8, is the inquiry.

#![no_main]

use std::sync::LazyLock;

use kefu_triage::normalize::Normalized;
use kefu_triage::{Customer, Engine, Industry, Inquiry, Tier};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

const INDUSTRIES: &[Industry] = Industry::ALL;

fuzz_target!(|data: &[u8]| {
    let (sel, rest) = match data.split_first() {
        Some((&b, rest)) => (b, rest),
        None => (0, data),
    };
    let text = String::from_utf8_lossy(rest);
    let tier = [Tier::New, Tier::Returning, Tier::Vip][usize::from(sel % 3)];
    let industry = INDUSTRIES[usize::from(sel / 3) % INDUSTRIES.len()];
    let inquiry = Inquiry::new(&text)
        .customer(
            Customer::new("f")
                .tier(tier)
                .prior_contacts(u32::from(sel >> 6)),
        )
        .industry(industry);
    let d = ENGINE.triage(&inquiry);

    for r in &d.reasons {
        for e in &r.evidence {
            assert!(
                text.get(e.start..e.end).is_some(),
                "{:?} {}..{}",
                r.rule,
                e.start,
                e.end
            );
        }
    }
    for p in &d.pii {
        assert!(
            text.get(p.start..p.end).is_some(),
            "pii {}..{}",
            p.start,
            p.end
        );
    }
    for e in &d.entities {
        assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()));
    }
    assert!((0.0..=1.0).contains(&d.issue.confidence));
    assert!((0.0..=1.0).contains(&d.sentiment.negativity));
    serde_json::to_string(&d).expect("a decision serializes");

    let once = Normalized::new(&text);
    let twice = Normalized::new(once.text());
    assert_eq!(once.text(), twice.text(), "normalization is not idempotent");
    let (a, b) = once.raw_span(0, once.text().len());
    assert!(a <= b && b <= text.len());
});
