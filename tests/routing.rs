//! Routing: scenario files covering every rule and industry profile,
//! property tests of the policy's invariants, variants and policy files.

use std::sync::LazyLock;

use kefu_triage::{
    Channel, Customer, Decision, Engine, GroupState, Industry, Inquiry, Lane, Policy, Problem,
    QueueSnapshot, Tier, Variant, Waiting,
};
use proptest::prelude::*;
use serde_json::Value;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

fn group(name: &str, online: u32, busy: u32, aht: f64, waiting: &[(u8, u32)]) -> GroupState {
    let mut g = GroupState::new(name);
    g.agents_online = online;
    g.agents_busy = busy;
    g.aht_seconds = aht;
    g.arrivals_per_hour = 60.0;
    g.waiting = waiting
        .iter()
        .map(|&(priority, count)| Waiting::new(priority, count))
        .collect();
    g
}

/// Named snapshots the scenario file refers to.
fn snapshot(name: &str) -> QueueSnapshot {
    let every = |online, aht, n| -> Vec<GroupState> {
        [
            "logistics",
            "shipping_returns",
            "returns",
            "after_sales",
            "presales",
            "orders",
            "account_security",
            "content",
            "effects_support",
            "booking",
            "store",
            "course_advisor",
            "preop_consult",
            "postop_care",
            "complaints",
            "minor_protection",
            "privacy",
            "general",
            "vip",
        ]
        .iter()
        .map(|g| group(g, online, online, aht, &[(3, n)]))
        .collect()
    };
    let mut snap = QueueSnapshot::default();
    snap.dedicated_online = 2;
    snap.groups = every(10, 180.0, 3);
    match name {
        "demo" => {}
        "no_dedicated" => snap.dedicated_online = 0,
        "logistics_closed" => {
            snap.groups.retain(|g| g.skill_group != "logistics");
            snap.groups.push(group("logistics", 0, 0, 180.0, &[]));
        }
        "shipping_returns_long" => {
            snap.groups
                .retain(|g| g.skill_group != "shipping_returns" && g.skill_group != "returns");
            snap.groups
                .push(group("shipping_returns", 2, 2, 600.0, &[(3, 40)]));
            snap.groups.push(group("returns", 10, 10, 200.0, &[(3, 2)]));
        }
        "everything_long" => snap.groups = every(2, 900.0, 30),
        "no_history" => snap.groups = every(5, 0.0, 3),
        other => panic!("unknown snapshot {other}"),
    }
    snap
}

fn rules(d: &Decision) -> Vec<String> {
    d.reasons
        .iter()
        .map(|r| r.rule.as_str().to_string())
        .collect()
}

#[test]
fn scenarios_cover_every_rule_and_profile() {
    let text = include_str!("data/routing_scenarios.jsonl");
    let mut failures = Vec::new();
    let mut seen_rules = std::collections::BTreeSet::new();
    let mut seen_industries = std::collections::BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        let name = v["name"].as_str().unwrap();
        let customer: Customer = serde_json::from_value(v["customer"].clone()).unwrap_or_default();
        let industry: Industry = serde_json::from_value(v["industry"].clone()).unwrap_or_default();
        seen_industries.insert(industry);
        let snap = snapshot(v["queue"].as_str().unwrap_or("demo"));
        let mut q = Inquiry::new(v["text"].as_str().unwrap())
            .customer(customer)
            .industry(industry)
            .queue(&snap);
        q.received_at = v["received_at"].as_i64();
        let d = ENGINE.triage(&q);
        let got = rules(&d);
        seen_rules.extend(got.iter().cloned());
        let e = &v["expect"];
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(format!(
                    "{name}: {what}\n{}",
                    d.explain(kefu_triage::Language::En)
                ));
            }
        };
        if let Some(lane) = e["lane"].as_str() {
            check(
                d.route.lane.as_str() == lane,
                format!("lane {} != {lane}", d.route.lane),
            );
        }
        if let Some(c) = e["channel"].as_str() {
            check(
                d.route.channel.as_str() == c,
                format!("channel {} != {c}", d.route.channel),
            );
        }
        if let Some(g) = e["skill_group"].as_str() {
            check(
                d.route.skill_group == g,
                format!("group {} != {g}", d.route.skill_group),
            );
        }
        if let Some(p) = e["priority_min"].as_u64() {
            check(
                d.route.priority as u64 >= p,
                format!("priority {} < {p}", d.route.priority),
            );
        }
        for r in e["rules"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap();
            check(
                got.iter().any(|g| g == r),
                format!("rule {r} did not fire: {got:?}"),
            );
        }
        for r in e["not_rules"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap();
            check(!got.iter().any(|g| g == r), format!("rule {r} fired"));
        }
        if let Some(offers) = e["offers"].as_array() {
            let want: Vec<&str> = offers.iter().filter_map(Value::as_str).collect();
            check(
                d.route.offers == want,
                format!("offers {:?} != {want:?}", d.route.offers),
            );
        }
        if let Some(w) = e["wait"].as_bool() {
            check(d.wait.is_some() == w, format!("wait {:?}", d.wait));
        }
        if e["notice"].as_bool() == Some(true) {
            check(d.route.notice.is_some(), "no notice".into());
        }
        // A profile never routes to a disabled channel.
        let profile = ENGINE.policy().profile(industry);
        check(
            profile.allows(d.route.channel),
            format!("disabled channel {}", d.route.channel),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for rule in [
        "human_request",
        "high_risk",
        "vip",
        "negativity",
        "repeat_contact",
        "low_confidence",
        "lane_default",
        "industry_profile",
        "overflow",
        "peak_wait",
        "wait_unknown",
    ] {
        assert!(seen_rules.contains(rule), "no scenario fires {rule}");
    }
    assert_eq!(
        seen_industries.len(),
        Industry::ALL.len(),
        "{seen_industries:?}"
    );
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "这款耳机有白色的吗",
        "我的快递到哪了",
        "退款什么时候到账",
        "垃圾！气死了！！",
        "你好",
        "转人工",
        "孩子偷偷充值了",
        "想预约试听课",
        "那个东西",
        "手机不能开机了",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn vip_never_waits_longer_than_returning(text in text_strategy(), n in 0u32..40, online in 1u32..20) {
        let mut snap = snapshot("demo");
        snap.dedicated_online = 0;
        for g in &mut snap.groups {
            g.agents_online = online;
            g.agents_busy = online;
            g.waiting = vec![Waiting::new(3, n), Waiting::new(6, n / 3)];
        }
        let q = |tier| Inquiry::new(&text).customer(Customer::new("x").tier(tier)).queue(&snap).industry(Industry::Electronics);
        let vip = ENGINE.triage(&q(Tier::Vip));
        let ret = ENGINE.triage(&q(Tier::Returning));
        prop_assert!(vip.route.priority >= ret.route.priority);
        if let (Some(v), Some(r)) = (&vip.wait, &ret.wait) {
            prop_assert!(v.position <= r.position, "{v:?} vs {r:?}");
        }
    }

    #[test]
    fn waits_grow_with_the_queue_and_shrink_with_agents(n in 0u32..50, extra in 1u32..20, online in 1u32..20) {
        let q = |n: u32, online: u32| -> u32 {
            let mut snap = snapshot("demo");
            for g in &mut snap.groups {
                g.agents_online = online;
                g.agents_busy = online;
                g.waiting = vec![Waiting::new(3, n)];
            }
            let d = ENGINE.triage(&Inquiry::new("这款耳机有白色的吗").customer(Customer::new("w").tier(Tier::Returning)).industry(Industry::Electronics).queue(&snap));
            d.wait.map_or(0, |w| w.high_seconds)
        };
        prop_assert!(q(n + extra, online) >= q(n, online));
        prop_assert!(q(n, online + extra) <= q(n, online));
    }

    #[test]
    fn aging_only_raises_priority_and_caps_the_wait(p in 0u8..10, a in 0u32..2000, b in 0u32..2000) {
        let policy = Policy::default();
        let (a, b) = (a.min(b), a.max(b));
        prop_assert!(policy.aged_priority(p, a) <= policy.aged_priority(p, b));
        prop_assert!(policy.aged_priority(p, a) >= p.min(9));
        prop_assert_eq!(policy.aged_priority(p, policy.aging.max_wait_seconds), 9);
    }
}

/// Every subset of the switchable channels, disabled in every industry, for
/// every tier, with agents online or not: the chosen channel is never a
/// disabled one. (Exhaustive rather than sampled: 16 engines.)
#[test]
fn disabled_channels_are_never_chosen() {
    let switchable = [
        Channel::AiAssistant,
        Channel::HumanChat,
        Channel::PhoneCallback,
        Channel::Phone,
    ];
    let texts = [
        "这款耳机有白色的吗",
        "转人工",
        "垃圾！气死了！！",
        "孩子偷偷充值了",
        "那个东西",
        "你好",
    ];
    let open = snapshot("demo");
    let mut closed = snapshot("demo");
    for g in &mut closed.groups {
        g.agents_online = 0;
    }
    for mask in 0u32..16 {
        let disabled: Vec<Channel> = (0..4)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| switchable[i])
            .collect();
        let mut policy = Policy::default();
        for &industry in Industry::ALL {
            // Tickets stay on, so validation always leaves a human channel.
            policy
                .industries
                .entry(industry)
                .or_default()
                .disabled_channels = disabled.clone();
        }
        let engine = Engine::builder().policy(policy).build().unwrap();
        for &industry in Industry::ALL {
            for &tier in Tier::ALL {
                for text in texts {
                    for snap in [&open, &closed] {
                        let q = Inquiry::new(text)
                            .customer(Customer::new("c").tier(tier))
                            .industry(industry)
                            .queue(snap);
                        let d = engine.triage(&q);
                        // A VIP's dedicated agent is not a profile channel.
                        if d.route.channel != Channel::DedicatedAgent {
                            assert!(
                                !disabled.contains(&d.route.channel),
                                "{text} {industry} {tier}: {:?} in {disabled:?}",
                                d.route.channel
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn variants_are_stable_and_recorded() {
    let mut policy = Policy::default();
    let mut variant = Variant::new("gray_5pct", 5.0);
    variant
        .overrides
        .insert("escalate_negativity".into(), serde_json::json!(0.6));
    policy.variants.push(variant);
    let engine = Engine::builder().policy(policy.clone()).build().unwrap();
    let mut in_variant = 0;
    for i in 0..2000 {
        let id = format!("user-{i}");
        let d = engine.triage(&Inquiry::new("快递到哪了").customer(Customer::new(id.as_str())));
        let expected = policy.variant_for(&id).map(|_| "gray_5pct");
        assert_eq!(d.variant.as_deref(), expected);
        in_variant += d.variant.is_some() as usize;
    }
    assert!(
        (50..150).contains(&in_variant),
        "{in_variant} of 2000 in a 5% variant"
    );
    // The hash is fixed: these ids land where they always have.
    let fixed: Vec<Option<usize>> = ["u1", "u2", "vip-007", "客户甲"]
        .iter()
        .map(|id| policy.variant_for(id))
        .collect();
    let buckets: Vec<u64> = ["u1", "u2", "vip-007", "客户甲"]
        .iter()
        .map(|id| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in id.bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h % 10_000
        })
        .collect();
    for (f, b) in fixed.iter().zip(&buckets) {
        assert_eq!(f.is_some(), *b < 500, "bucket {b}");
    }
}

#[test]
fn policy_files_validate_with_file_line_and_field() {
    let cycle = r#"{
  "format": "kefu-triage policy v1",
  "overflow": {
    "logistics": {"to": "general", "after_seconds": 60},
    "general": {"to": "logistics", "after_seconds": 60}
  }
}"#;
    let e = Policy::from_json_str("p.json", cycle).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::BadPolicy));
    assert!(
        e.to_string().starts_with(
            "p.json:4: invalid policy: overflow.general = cycle general -> logistics -> general"
        ),
        "{e}"
    );

    let unknown_group = r#"{"format": "kefu-triage policy v1", "overflow": {"logistics": {"to": "nobody", "after_seconds": 60}}}"#;
    let p = Policy::from_json_str("p.json", unknown_group).unwrap();
    let e = Engine::builder().policy(p).build().unwrap_err();
    assert!(
        e.to_string()
            .contains("overflow.logistics.to = \"nobody\": not a skill group"),
        "{e}"
    );

    let too_many = r#"{"format": "kefu-triage policy v1", "variants": [
        {"name": "a", "percent": 60, "overrides": {}},
        {"name": "b", "percent": 50, "overrides": {}}]}"#;
    let e = Policy::from_json_str("p.json", too_many).unwrap_err();
    assert!(e.to_string().contains("percents add up to 110"), "{e}");

    let bad_override = r#"{"format": "kefu-triage policy v1", "variants": [
        {"name": "a", "percent": 5, "overrides": {"escalate_negativty": 0.5}}]}"#;
    let e = Policy::from_json_str("p.json", bad_override).unwrap_err();
    assert!(
        e.to_string()
            .contains("variants[0] \"a\": escalate_negativty: unknown field"),
        "{e}"
    );

    let bad_range = r#"{"format": "kefu-triage policy v1", "variants": [
        {"name": "a", "percent": 5, "overrides": {"escalate_negativity": 1.5}}]}"#;
    let e = Policy::from_json_str("p.json", bad_range).unwrap_err();
    assert!(e.to_string().contains("escalate_negativity = 1.5"), "{e}");

    let toml = "format = \"kefu-triage policy v1\"\nrepeat_contacts = 3\n\n[aging]\nstep_seconds = 60\nmax_wait_seconds = 600\n\n[industries.travel]\ndisabled_channels = [\"ai_assistant\"]\n";
    let p = Policy::from_toml_str("p.toml", toml).unwrap();
    assert_eq!(p.repeat_contacts, 3);
    assert_eq!(p.aging.step_seconds, 60);
    let engine = Engine::builder().policy(p).build().unwrap();
    let d = engine.triage(&Inquiry::new("你好").industry(Industry::Travel));
    assert_eq!(d.route.lane, Lane::Human);

    let bad_toml = "format = \"kefu-triage policy v1\"\n\n[aging]\nstep_seconds = \"fast\"\nmax_wait_seconds = 600\n";
    let e = Policy::from_toml_str("p.toml", bad_toml).unwrap_err();
    assert!(e.to_string().starts_with("p.toml:4: invalid policy"), "{e}");
}

/// A variant's overrides of masking, the negativity threshold and the
/// emotion floor apply to its customers, not only its routing numbers.
#[test]
fn variant_overrides_reach_masking_and_sentiment() {
    let mut policy = Policy::default();
    let mut variant = Variant::new("all", 100.0);
    let overrides = &mut variant.overrides;
    overrides.insert("mask_style".into(), serde_json::json!("partial"));
    overrides.insert("negativity_threshold".into(), serde_json::json!(0.999));
    overrides.insert("emotion_floor".into(), serde_json::json!(1.0));
    policy.variants.push(variant);
    let base = Engine::default();
    let variant = Engine::builder().policy(policy).build().unwrap();
    let q = Inquiry::new("什么破服务，气死我了！电话13812345678").customer(Customer::new("c1"));
    let (b, v) = (base.triage(&q), variant.triage(&q));
    assert_eq!(v.variant.as_deref(), Some("all"));
    assert!(b.masked_text.contains("[手机号]"));
    assert!(v.masked_text.contains("138****5678"), "{}", v.masked_text);
    assert!(b.sentiment.negative && b.sentiment.emotion == kefu_triage::Emotion::Anger);
    assert!(!v.sentiment.negative);
    assert_eq!(v.sentiment.emotion, kefu_triage::Emotion::None);
}
