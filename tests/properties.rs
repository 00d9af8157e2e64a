//! Property tests: any text gives a valid decision; routing invariants.

use std::sync::LazyLock;

use kefu_triage::{Customer, Decision, Engine, Inquiry, Lane, Tier, normalize::Normalized};
use proptest::prelude::*;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

/// Text built from pieces customers (and attackers) actually send.
fn inquiry_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("快递".to_string()),
        Just("转人工".to_string()),
        Just("退款".to_string()),
        Just("不".to_string()),
        Just("太差了".to_string()),
        Just("！！！".to_string()),
        Just("😡".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{301}".to_string()),
        Just("\u{fffd}".to_string()),
        Just(" ".to_string()),
        Just("13812345678".to_string()),
        Just("ＳＦ".to_string()),
        "[\\PC]{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn valid(text: &str, d: &Decision) -> Result<(), TestCaseError> {
    prop_assert!((0.0..=1.0).contains(&d.issue.confidence));
    prop_assert!((0.0..=1.0).contains(&d.sentiment.negativity));
    prop_assert!(d.route.priority <= 9);
    prop_assert!(!d.issue.top.is_empty());
    for r in &d.reasons {
        for e in &r.evidence {
            prop_assert!(e.start <= e.end && e.end <= text.len());
            prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        }
    }
    for p in &d.pii {
        prop_assert!(text.get(p.start..p.end).is_some());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_string_gives_a_valid_decision(text in any::<String>()) {
        let d = ENGINE.triage(&Inquiry::new(&text));
        valid(&text, &d)?;
    }

    #[test]
    fn inquiry_like_text_gives_a_valid_decision(text in inquiry_text()) {
        let d = ENGINE.triage(&Inquiry::new(&text));
        valid(&text, &d)?;
    }

    #[test]
    fn normalization_is_idempotent_and_maps_back(text in inquiry_text()) {
        let once = Normalized::new(&text);
        let twice = Normalized::new(once.text());
        prop_assert_eq!(once.text(), twice.text());
        let n = once.text().len();
        let (a, b) = once.raw_span(0, n);
        prop_assert!(a <= b && b <= text.len());
    }

    #[test]
    fn explicit_human_request_never_goes_to_the_ai(prefix in "[\\p{Han}]{0,8}", tier in 0..3u8) {
        let text = format!("{prefix}，转人工");
        let tier = [Tier::New, Tier::Returning, Tier::Vip][tier as usize];
        let d = ENGINE.triage(&Inquiry::new(&text).customer(Customer::new("p").tier(tier)));
        prop_assert!(d.flags.human_requested);
        prop_assert_ne!(d.route.lane, Lane::Ai);
    }

    #[test]
    fn vip_priority_is_never_below_returning(text in inquiry_text()) {
        let ret = ENGINE.triage(&Inquiry::new(&text).customer(Customer::new("r").tier(Tier::Returning)));
        let vip = ENGINE.triage(&Inquiry::new(&text).customer(Customer::new("v").tier(Tier::Vip)));
        prop_assert!(vip.route.priority >= ret.route.priority);
    }

    #[test]
    fn sentiment_alone_matches_triage(text in inquiry_text()) {
        let alone = ENGINE.sentiment(&text);
        prop_assert_eq!(alone, ENGINE.triage(&Inquiry::new(&text)).sentiment);
    }

    #[test]
    fn same_input_same_decision(text in inquiry_text()) {
        let a = ENGINE.triage(&Inquiry::new(&text));
        let mut scratch = ENGINE.scratch();
        // A rich decision first (personal data, entities, escalations, a
        // profile's notice and offers): nothing of it may leak into the next.
        let rich = "手机13812345678 订单号2024111100123456 SF1458823069174 转人工！再不处理就12315投诉";
        let _ = ENGINE.triage_with(
            &mut scratch,
            &Inquiry::new(rich).industry(kefu_triage::Industry::Finance),
        );
        let b = ENGINE.triage_with(&mut scratch, &Inquiry::new(&text));
        prop_assert_eq!(&a, b);
    }
}
