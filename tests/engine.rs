//! End-to-end behaviour of the engine on the embedded data.

use kefu_triage::{
    Channel, Customer, Decision, Engine, Error, GroupState, Industry, Inquiry, Lane, Lexicon,
    Policy, Problem, QueueSnapshot, Rule, Tier, Waiting,
};
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

fn triage(text: &str) -> Decision {
    ENGINE.triage(&Inquiry::new(text))
}

fn rules(d: &Decision) -> Vec<Rule> {
    d.reasons.iter().map(|r| r.rule).collect()
}

fn check_spans(text: &str, d: &Decision) {
    for r in &d.reasons {
        for e in &r.evidence {
            assert!(
                e.start <= e.end && e.end <= text.len(),
                "{e:?} out of {text:?}"
            );
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        }
    }
    for p in &d.pii {
        assert!(text.get(p.start..p.end).is_some());
    }
    for e in &d.entities {
        assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()));
    }
}

#[test]
fn issue_labels_on_plain_inquiries() {
    let cases = [
        ("我的快递到哪了，三天没更新物流了", "logistics"),
        ("这件衣服不合适，想申请退货退款", "return_refund"),
        ("手机用了一周就不能开机了，能保修吗", "after_sales"),
        ("这个特效怎么用啊，道具找不到", "effects_usage"),
        ("你们门店几点关门？地址在哪", "store_info"),
        ("验证码一直收不到，登录不上账号", "account"),
        ("做完双眼皮第三天还很肿，正常吗", "medical_postop"),
        ("想预约周六的试听课", "booking"),
    ];
    for (text, label) in cases {
        let d = triage(text);
        assert_eq!(d.issue.label, label, "{text}: {:?}", d.issue);
        assert!(d.issue.confidence > 0.0 && d.issue.confidence <= 1.0);
        assert!(!d.issue.top.is_empty() && d.issue.top.len() <= 3);
        check_spans(text, &d);
    }
}

#[test]
fn explicit_human_request_goes_to_a_human() {
    for text in [
        "转人工",
        "人工客服！！",
        "别用机器人回复我",
        "转 人 工",
        "转\u{200b}人工",
        "zhuanrengong",
    ] {
        let d = triage(text);
        assert!(d.flags.human_requested, "{text}");
        assert_ne!(d.route.lane, Lane::Ai, "{text}");
        assert!(rules(&d).contains(&Rule::HumanRequest));
        let r = d
            .reasons
            .iter()
            .find(|r| r.rule == Rule::HumanRequest)
            .unwrap();
        assert!(!r.evidence.is_empty());
        check_spans(text, &d);
    }
    // Negated or false friends do not count.
    for text in ["不用转人工了，已经解决了", "你们用的是人工智能吗"] {
        let d = triage(text);
        assert!(!d.flags.human_requested, "{text}");
    }
}

#[test]
fn lanes_by_tier() {
    let text = "这款耳机有白色的吗";
    let new = ENGINE.triage(&Inquiry::new(text));
    assert_eq!(new.route.lane, Lane::Ai);
    assert_eq!(new.route.channel, Channel::AiAssistant);
    let ret = ENGINE.triage(&Inquiry::new(text).customer(Customer::new("r").tier(Tier::Returning)));
    assert_eq!(ret.route.lane, Lane::Human);
    let vip = ENGINE.triage(&Inquiry::new(text).customer(Customer::new("v").tier(Tier::Vip)));
    assert_eq!(vip.route.lane, Lane::Dedicated);
    assert!(vip.route.priority >= ret.route.priority);
}

#[test]
fn high_risk_and_threats() {
    let d = triage("再不退款我就打12315投诉你们，还要找媒体曝光！");
    assert!(d.flags.threat);
    assert!(d.flags.high_risk);
    assert_eq!(d.route.lane, Lane::Human);
    assert!(d.route.priority >= 8);
    let d = triage("我家孩子偷偷充值了两千块，能退吗");
    assert!(d.flags.minor);
    assert_eq!(d.route.lane, Lane::Human);
    let d = triage("报警器坏了怎么修");
    assert!(!d.flags.threat, "{:?}", d.reasons);
}

#[test]
fn negativity_escalates() {
    let calm = triage("请问这个什么时候发货");
    let angry = triage("垃圾商家！！！等了十天还不发货，气死我了，骗子！");
    assert!(angry.sentiment.negativity > calm.sentiment.negativity);
    assert!(angry.sentiment.negative);
    assert!(!calm.sentiment.negative);
    assert_eq!(angry.route.lane, Lane::Human);
    assert!(rules(&angry).contains(&Rule::Negativity));
    let negated = triage("没有不满意，挺好的");
    assert!(!negated.sentiment.negative, "{:?}", negated.sentiment);
}

#[test]
fn repeat_contact_goes_to_a_human() {
    let q = Inquiry::new("我的快递到哪了").customer(Customer::new("u").prior_contacts(2));
    let d = ENGINE.triage(&q);
    assert!(d.flags.repeat_contact);
    assert_eq!(d.route.lane, Lane::Human);
    assert!(rules(&d).contains(&Rule::RepeatContact));
}

#[test]
fn local_life_never_uses_the_ai_assistant() {
    let q = Inquiry::new("团购券怎么核销").industry(Industry::LocalLife);
    let d = ENGINE.triage(&q);
    assert_ne!(d.route.channel, Channel::AiAssistant);
    assert!(rules(&d).contains(&Rule::IndustryProfile));
}

#[test]
fn small_talk_stays_with_the_ai() {
    for text in ["你好", "谢谢", "好的，已经解决了，谢谢"] {
        let d = triage(text);
        assert_eq!(d.issue.label, "other", "{text}");
        assert_eq!(d.route.lane, Lane::Ai, "{text}: {:?}", d.reasons);
    }
}

#[test]
fn personal_data_is_masked_everywhere() {
    let text = "我电话13812345678，身份证11010519491231002X，快递到哪了";
    let d = triage(text);
    assert!(d.flags.pii_found);
    let json = serde_json::to_string(&d).unwrap();
    let debug = format!("{d:?}");
    let display = d.to_string();
    for out in [&json, &debug, &display, &d.masked_text] {
        assert!(!out.contains("13812345678"), "{out}");
        assert!(!out.contains("11010519491231002X"), "{out}");
    }
    check_spans(text, &d);
}

#[test]
fn wait_estimate_from_the_snapshot() {
    let mut group = GroupState::new("logistics");
    group.agents_online = 4;
    group.agents_busy = 4;
    group.aht_seconds = 240.0;
    group.arrivals_per_hour = 60.0;
    group.waiting = vec![Waiting::new(3, 3), Waiting::new(9, 1)];
    let mut snap = QueueSnapshot::default();
    snap.groups.push(group);
    let q = Inquiry::new("快递到哪了")
        .customer(Customer::new("r").tier(Tier::Returning))
        .industry(Industry::Electronics)
        .queue(&snap);
    let d = ENGINE.triage(&q);
    assert_eq!(d.route.skill_group, "logistics");
    let w = d.wait.expect("estimate");
    assert_eq!(w.position, 4);
    assert!(w.low_seconds < w.high_seconds);
    assert!(w.message.starts_with("前面还有4位"), "{}", w.message);
    // No agent online: offered a callback, never silently back to the bot.
    let mut closed = snap.clone();
    closed.groups[0].agents_online = 0;
    let d = ENGINE.triage(
        &Inquiry::new("转人工，快递到哪了")
            .industry(Industry::Electronics)
            .queue(&closed),
    );
    assert_eq!(d.route.lane, Lane::Human);
    assert_eq!(d.route.channel, Channel::PhoneCallback);
    assert!(d.wait.is_none());
}

#[test]
fn same_input_same_decision() {
    let q = Inquiry::new("气死了！！退款到底什么时候到账？订单号2024111112345678");
    let a = serde_json::to_string(&ENGINE.triage(&q)).unwrap();
    let b = serde_json::to_string(&ENGINE.clone().triage(&q)).unwrap();
    let c = serde_json::to_string(&Engine::default().triage(&q)).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn odd_inputs_do_not_panic() {
    let long = "退款".repeat(100_000);
    for text in [
        "",
        " ",
        "\u{0}\u{1}\u{7f}",
        "\u{200b}\u{200b}",
        "😡😡😡",
        "\u{202e}反转",
        "\u{fffd}",
        &long,
    ] {
        let d = triage(text);
        check_spans(text, &d);
    }
    let d = triage(&long);
    assert!(rules(&d).contains(&Rule::Truncated));
}

#[test]
fn builder_reports_file_line_and_value() {
    let e = Engine::builder()
        .lexicon_path(Lexicon::Sentiment, "/no/such/file.tsv")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(
        e.to_string().starts_with("/no/such/file.tsv: cannot read"),
        "{e}"
    );

    let e = Engine::builder()
        .lexicon_reader(
            Lexicon::UserDict,
            "dict.txt",
            &b"#! kefu-triage user-dict v1\n\xe9\x80\n"[..],
        )
        .build()
        .unwrap_err();
    assert_eq!(e.problem(), Some(Problem::InvalidUtf8));
    assert!(
        e.to_string().starts_with("dict.txt:2: invalid utf-8"),
        "{e}"
    );

    let e = Engine::builder()
        .lexicon_str(
            Lexicon::Escalation,
            "esc.tsv",
            "#! kefu-triage escalation v1\n转人工\thuman\t1\n",
        )
        .build()
        .unwrap_err();
    assert_eq!(e.to_string(), "esc.tsv:2: unknown kind: \"human\"");

    let mut policy = Policy::default();
    policy.high_risk_labels.push("aliens".into());
    let e = Engine::builder().policy(policy).build().unwrap_err();
    assert_eq!(e.problem(), Some(Problem::UnknownLabel));
}

#[test]
fn sample_inquiries_all_triage() {
    let samples = include_str!("../examples/sample_inquiries.txt");
    let mut n = 0;
    for line in samples.lines() {
        let text = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v["text"].as_str().map(str::to_string))
            .unwrap_or_else(|| line.to_string());
        let d = triage(&text);
        check_spans(&text, &d);
        assert!(!d.reasons.is_empty());
        n += 1;
    }
    assert!(n >= 60, "only {n} samples");
}

#[test]
fn mask_style_is_chosen_by_policy() {
    let mut policy = Policy::default();
    policy.mask_style = kefu_triage::pii::MaskStyle::Partial;
    let engine = Engine::builder().policy(policy).build().unwrap();
    let d = engine.triage(&Inquiry::new("我电话13812345678，快递到哪了"));
    assert_eq!(d.masked_text, "我电话138****5678，快递到哪了");
    let json = r#"{"format": "kefu-triage policy v1", "mask_style": "sometimes"}"#;
    let e = Policy::from_json_str("p.json", json).unwrap_err();
    assert!(e.to_string().contains("unknown variant `sometimes`"), "{e}");
}

/// A scratch keeps its own copies of the labels of the engine it last
/// served; moved to an engine with another taxonomy, it must label with
/// that engine's labels, and back again.
#[test]
fn one_scratch_serves_engines_with_different_taxonomies() {
    // The new label first, so that every other label's index moves: a
    // scratch that kept the other engine's labels would mislabel them all.
    let embedded = Lexicon::Taxonomy.embedded();
    let body = embedded
        .find("\nlogistics\t")
        .expect("taxonomy starts with logistics")
        + 1;
    let taxonomy = format!(
        "{}warranty_card\t保修卡\tafter_sales\tQuestions about the warranty card itself.\n{}",
        &embedded[..body],
        &embedded[body..]
    );
    let cues = format!(
        "{}保修卡\twarranty_card\t3.0\n",
        Lexicon::IssueCues.embedded()
    );
    let custom = Engine::builder()
        .lexicon_str(Lexicon::Taxonomy, "taxonomy.tsv", &taxonomy)
        .lexicon_str(Lexicon::IssueCues, "issue_cues.tsv", &cues)
        .build()
        .unwrap();
    let plain = Engine::default();
    assert_eq!(custom.labels().next().unwrap().as_str(), "warranty_card");
    assert!(!plain.labels().any(|l| l.as_str() == "warranty_card"));

    let mut scratch = plain.scratch();
    let q = Inquiry::new("保修卡保修卡丢了，保修卡补办保修卡");
    let on_plain = plain.triage_with(&mut scratch, &q).clone();
    let on_custom = custom.triage_with(&mut scratch, &q).clone();
    assert_eq!(on_plain, plain.triage(&q));
    assert_eq!(on_custom, custom.triage(&q));
    assert!(
        on_custom
            .issue
            .top
            .iter()
            .any(|t| t.label.as_str() == "warranty_card"),
        "{:?}",
        on_custom.issue.top
    );
    assert!(
        on_plain
            .issue
            .top
            .iter()
            .all(|t| t.label.as_str() != "warranty_card")
    );
    // And back: the plain engine's labels again.
    assert_eq!(plain.triage_with(&mut scratch, &q), &on_plain);
}

/// `triage()` keeps one scratch per thread for every engine: alternating
/// engines with different policies and labels, and a long text between
/// short ones, gives what a fresh scratch gives.
#[test]
fn owned_triage_on_a_shared_thread_scratch_matches_a_fresh_one() {
    let strict = Engine::builder()
        .policy(
            Policy::from_json_str(
                "strict.json",
                r#"{"format": "kefu-triage policy v1", "escalate_negativity": 0.2, "confidence_threshold": 0.9}"#,
            )
            .unwrap(),
        )
        .build()
        .unwrap();
    let plain = Engine::default();
    let long = "快递怎么还没到，电话13812345678。".repeat(5_000);
    let texts = [
        "我的快递到哪了",
        long.as_str(),
        "气死了，退款一直不到账，转人工！",
        "",
        "这款耳机有白色的吗",
    ];
    for round in 0..2 {
        for text in texts {
            for engine in [&strict, &plain] {
                let inquiry = Inquiry::new(text).customer(Customer::new("u1").tier(Tier::New));
                let fresh = engine.triage_with(&mut engine.scratch(), &inquiry).clone();
                assert_eq!(
                    engine.triage(&inquiry),
                    fresh,
                    "round {round}: {:.20}",
                    text
                );
            }
        }
    }
}
