//! Advertising-law screening of outgoing replies (`kefu_triage::compliance`).

use kefu_triage::Problem;
use kefu_triage::compliance::{ReplyScreener, Severity, screen_reply};

/// Replies that must be flagged: (reply, the term as written in the reply,
/// category, severity). Only the first finding is checked against the
/// columns; every reply must have at least one.
const FLAGGED: &[(&str, &str, &str, Severity)] = &[
    // Absolute claims.
    (
        "亲，这款是我们店最好的面膜哦",
        "最好",
        "absolute",
        Severity::High,
    ),
    (
        "本品采用最佳配方，放心购买",
        "最佳",
        "absolute",
        Severity::High,
    ),
    (
        "今天下单就是全网最低价",
        "全网最低价",
        "absolute",
        Severity::High,
    ),
    (
        "这个价格已经是最低价了亲",
        "最低价",
        "absolute",
        Severity::High,
    ),
    ("我们的销量全国第一", "全国第一", "absolute", Severity::High),
    ("行业第一，品质保障", "第一", "absolute", Severity::High),
    (
        "这是市面上唯一一款无添加的奶粉",
        "唯一",
        "absolute",
        Severity::High,
    ),
    (
        "我们是国内首个通过该认证的品牌",
        "首个",
        "absolute",
        Severity::High,
    ),
    (
        "国家级非遗工艺，值得信赖",
        "国家级",
        "absolute",
        Severity::High,
    ),
    ("世界级的研发团队", "世界级", "absolute", Severity::High),
    ("顶级面料，穿着舒适", "顶级", "absolute", Severity::High),
    ("顶尖科技加持", "顶尖", "absolute", Severity::High),
    ("这茶叶是极品中的极品", "极品", "absolute", Severity::High),
    (
        "万能清洁剂，什么污渍都能去",
        "万能",
        "absolute",
        Severity::High,
    ),
    ("用了保证100%有效", "100%有效", "absolute", Severity::High),
    ("坚持使用可以根治脱发", "根治", "absolute", Severity::High),
    ("一次购买，永久保修", "永久", "absolute", Severity::Medium),
    ("绝对正品，假一赔十", "绝对", "absolute", Severity::High),
    ("零风险试用，不满意退", "零风险", "absolute", Severity::High),
    (
        "纯天然成分，无副作用",
        "无副作用",
        "absolute",
        Severity::High,
    ),
    ("品质NO.1，欢迎选购", "NO.1", "absolute", Severity::High),
    (
        "品质ＮＯ．１，欢迎选购",
        "ＮＯ．１",
        "absolute",
        Severity::High,
    ),
    ("这是最实用的一款", "最", "absolute", Severity::Medium),
    ("这款最 佳，推荐", "最 佳", "absolute", Severity::High),
    // Medical and efficacy claims for cosmetics and food.
    ("这款精华可以治疗痘痘", "治疗", "efficacy", Severity::High),
    ("喝一个疗程就能治愈失眠", "治愈", "efficacy", Severity::High),
    ("祖传秘方，药到病除", "药到病除", "efficacy", Severity::High),
    (
        "我们的保健品包治百病",
        "包治百病",
        "efficacy",
        Severity::High,
    ),
    ("这款茶能降血压", "降血压", "efficacy", Severity::High),
    // Finance guarantees.
    (
        "这款理财保证收益，年化8%",
        "保证收益",
        "finance_guarantee",
        Severity::High,
    ),
    (
        "跟着老师操作稳赚不赔",
        "稳赚不赔",
        "finance_guarantee",
        Severity::High,
    ),
    (
        "这个产品保本，放心投",
        "保本",
        "finance_guarantee",
        Severity::High,
    ),
    (
        "高收益无风险，名额有限",
        "高收益无风险",
        "finance_guarantee",
        Severity::High,
    ),
    // Other guarantees.
    (
        "报我们的班保证有效提分",
        "保证有效",
        "guarantee",
        Severity::High,
    ),
];

/// Replies an assistant sends every day that must not be flagged.
const CLEAN: &[&str] = &[
    "您好，最近单量较大，发货会稍有延迟",
    "活动今天是最后一天，请尽快下单",
    "第一次购买的新用户可以领取优惠券",
    "最快明天发货，请耐心等待",
    "唯一的问题是库存不足，补货后第一时间通知您",
    "退款最迟3个工作日内原路退回",
    "最多可以修改两次收货地址",
    "您最好先拍照留存，再申请售后",
    "最新物流信息显示包裹已到达转运中心",
    "我们会最大限度保障您的权益",
    "您的第一单已经签收了吗？",
    "第一步：打开订单详情；第二步：点击申请退款",
    "您的账号已永久注销，相关信息已删除",
    "请问您的订单号是多少？",
    "很抱歉给您带来不便，已为您登记，稍后人工客服联系您",
    "商品支持七天无理由退换货",
    "这款面霜适合干性肌肤，孕妇请咨询医生后使用",
    "本次活动最终解释权归平台所有，最早的订单已优先发出",
    "top10榜单以平台公示为准",
];

#[test]
fn flagged_replies() {
    assert!(FLAGGED.len() >= 25);
    let mut failures = Vec::new();
    for &(reply, written, category, severity) in FLAGGED {
        let screen = screen_reply(reply);
        let Some(f) = screen.findings.first() else {
            failures.push(format!("{reply}: nothing found"));
            continue;
        };
        let got = (&reply[f.start..f.end], f.category.as_str(), f.severity);
        if got != (written, category, severity) {
            failures.push(format!(
                "{reply}: expected {:?}, found {got:?}",
                (written, category, severity)
            ));
        }
        assert!(!screen.is_clean());
        for f in &screen.findings {
            assert!(reply.is_char_boundary(f.start) && reply.is_char_boundary(f.end));
            assert!(f.start < f.end, "{reply}");
        }
        for w in screen.findings.windows(2) {
            assert!(w[0].end <= w[1].start, "{reply}: findings overlap");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_replies() {
    assert!(CLEAN.len() >= 15);
    let dirty: Vec<String> = CLEAN
        .iter()
        .filter_map(|&reply| {
            let screen = screen_reply(reply);
            (!screen.is_clean()).then(|| format!("{reply}: {:?}", screen.findings))
        })
        .collect();
    assert!(dirty.is_empty(), "{}", dirty.join("\n"));
}

#[test]
fn all_findings_of_one_reply_in_order() {
    let reply = "国家级大师亲制，最佳口感，还能降血糖，买它稳赚";
    let screen = screen_reply(reply);
    let found: Vec<(&str, &str)> = screen
        .findings
        .iter()
        .map(|f| (&reply[f.start..f.end], f.category.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("国家级", "absolute"),
            ("最佳", "absolute"),
            ("降血糖", "efficacy"),
            ("稳赚", "finance_guarantee"),
        ]
    );
}

#[test]
fn serializes_to_json() {
    let screen = screen_reply("顶级");
    let json = serde_json::to_value(&screen).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"findings": [
            {"term": "顶级", "category": "absolute", "severity": "high", "start": 0, "end": 6}
        ]})
    );
    let clean = serde_json::to_value(screen_reply("好的")).unwrap();
    assert_eq!(clean, serde_json::json!({"findings": []}));
}

#[test]
fn custom_lists_replace_the_default() {
    let file = "#! kefu-triage ad-terms v1\n\
                # urgency words for a promotions team\n\
                秒杀\turgency\tmedium\n\
                ＶＩＰ专享\texclusive\thigh\n\
                秒杀价\tallow\t-\n";
    let screener = ReplyScreener::from_tsv("promo.tsv", file).unwrap();
    let reply = "vip专享秒杀，秒杀价仅99元，最佳时机";
    let screen = screener.screen(reply);
    let found: Vec<(&str, &str, Severity)> = screen
        .findings
        .iter()
        .map(|f| (f.term.as_str(), f.category.as_str(), f.severity))
        .collect();
    // 最佳 is not in this list; 秒杀价 is allowed.
    assert_eq!(
        found,
        [
            ("vip专享", "exclusive", Severity::High),
            ("秒杀", "urgency", Severity::Medium),
        ]
    );
    // The default screener is unaffected and shareable across threads.
    let default = ReplyScreener::default();
    std::thread::scope(|s| {
        s.spawn(|| assert!(!default.screen(reply).is_clean()));
    });
}

#[test]
fn bad_files_name_file_line_and_value() {
    let cases: &[(&str, &str, Problem)] = &[
        (
            "#! kefu-triage ad-terms v2\n",
            "a.tsv:1: bad or missing format header: \"#! kefu-triage ad-terms v2\"",
            Problem::BadHeader,
        ),
        (
            "#! kefu-triage ad-terms v1\n最佳\n",
            "a.tsv:2: wrong number of columns: \"最佳\"",
            Problem::WrongColumnCount,
        ),
        (
            "#! kefu-triage ad-terms v1\n\n最佳\tabsolute\tsevere\n",
            "a.tsv:3: unknown kind: \"severe\"",
            Problem::UnknownKind,
        ),
        (
            "#! kefu-triage ad-terms v1\n最佳\tab solute\thigh\n",
            "a.tsv:2: unknown kind: \"ab solute\"",
            Problem::UnknownKind,
        ),
        (
            "#! kefu-triage ad-terms v1\n最佳\tabsolute\thigh\n最佳\tefficacy\thigh\n",
            "a.tsv:3: duplicate entry: \"最佳\"",
            Problem::DuplicateEntry,
        ),
    ];
    for (text, message, problem) in cases {
        let err = ReplyScreener::from_tsv("a.tsv", text).unwrap_err();
        assert_eq!(err.to_string(), *message);
        assert_eq!(err.problem(), Some(*problem));
    }
}
