//! Hostile spellings: zero-width characters, full-width forms, separators
//! and emoji between characters, traditional characters, homophones, typos,
//! pinyin and initials must not hide an escalation cue, personal data or an
//! issue cue — and every evidence span must still point into the raw text.

use std::sync::LazyLock;

use kefu_triage::{Decision, Engine, Inquiry, Lane, Rule};

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

/// Requests for a human agent or a human contact channel, one a line
/// (issue #15): contact channels, mixed scripts, look-alike characters,
/// separators, rejecting the bot.
const HUMAN_REQUESTS: &str = include_str!("data/hostile/human_requests.txt");

/// Messages that mention a trigger word (人工, 机器人, 投诉, 12315, 曝光,
/// 律师, 报警, 隐私, 客服) but ask for no human and threaten nothing.
const TRAPS: &str = include_str!("data/hostile/traps.txt");

/// The entry lines of a hostile data file: no blank lines, no `#` comments.
fn entries(file: &str) -> Vec<&str> {
    file.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect()
}

/// What one case must (or must not) produce.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// `flags.human_requested`, with a `human_request` evidence span whose
    /// raw text contains this.
    Human(&'static str),
    /// `flags.threat`, with an evidence span (of any reason) whose raw text
    /// contains this.
    Threat(&'static str),
    /// Personal data of this kind found and masked out of `masked_text`.
    Pii(&'static str),
    /// The issue label.
    Issue(&'static str),
    /// Not a human request.
    NoHuman,
    /// Not a threat.
    NoThreat,
    /// No personal data.
    NoPii,
}

use Want::*;

const CASES: &[(&str, &[Want])] = &[
    // --- zero-width and format characters ---
    ("转\u{200b}人\u{200c}工", &[Human("转\u{200b}人\u{200c}工")]),
    ("\u{feff}转人\u{200d}工，快点", &[Human("转人\u{200d}工")]),
    ("转\u{2060}人\u{feff}工客服", &[Human("人\u{feff}工")]),
    ("我要投\u{200b}诉你们", &[Threat("投\u{200b}诉")]),
    ("打123\u{200b}15", &[Threat("123\u{200b}15")]),
    // --- full-width letters and digits, look-alike letters ---
    ("ＲＥＮＧＯＮＧ", &[Human("ＲＥＮＧＯＮＧ")]),
    (
        "ｚｈｕａｎｒｅｎｇｏｎｇ！！",
        &[Human("ｚｈｕａｎｒｅｎｇｏｎｇ")],
    ),
    ("我要打１２３１５", &[Threat("１２３１５")]),
    ("再不处理就ＴＳ", &[Threat("ＴＳ")]),
    ("𝐭𝐨𝐮𝐬𝐮", &[Threat("𝐭𝐨𝐮𝐬𝐮")]),
    // --- spaces and punctuation between characters ---
    ("转 人 工", &[Human("转 人 工")]),
    ("转-人-工", &[Human("转-人-工")]),
    ("转.人.工", &[Human("转.人.工")]),
    ("转*人*工", &[Human("转*人*工")]),
    ("转/人/工", &[Human("转/人/工")]),
    ("转 / 人 / 工", &[Human("转 / 人 / 工")]),
    ("转·人·工", &[Human("转·人·工")]),
    ("转_人_工", &[Human("转_人_工")]),
    ("转\\人\\工", &[Human("转\\人\\工")]),
    ("人 工 客 服", &[Human("人 工 客 服")]),
    ("我要投 诉", &[Threat("投 诉")]),
    ("去 消-协 投-诉", &[Threat("消-协")]),
    ("报 警", &[Threat("报 警")]),
    ("快 递 到 哪 了", &[Issue("logistics")]),
    ("退-款-进-度", &[Issue("return_refund")]),
    // --- traditional characters ---
    ("轉人工", &[Human("轉人工")]),
    ("轉 人 工！", &[Human("轉 人 工")]),
    ("我要人工客服，別用機器人", &[Human("人工")]),
    ("客服出來", &[Human("客服出來")]),
    ("叫你們經理出來", &[Human("叫你們經理")]),
    ("我要投訴你們", &[Threat("投訴")]),
    ("我要起訴你們", &[Threat("起訴")]),
    ("找媒體曝光", &[Threat("媒體")]),
    ("我要舉報", &[Threat("舉報")]),
    ("律師函等著吧", &[Threat("律師函")]),
    ("退貨退款", &[Issue("return_refund")]),
    ("什麼時候發貨", &[Issue("logistics")]),
    ("物流三天沒更新了", &[Issue("logistics")]),
    ("賬號被封了", &[Issue("account")]),
    ("帳號登入不了", &[Issue("account")]),
    ("驗證碼一直收不到", &[Issue("account")]),
    ("售後維修要多久", &[Issue("after_sales")]),
    ("我要投訴，態度太差了", &[Issue("complaint")]),
    // --- homophones and typos ---
    ("转仁工", &[Human("转仁工")]),
    ("转人功", &[Human("转人功")]),
    ("转任工", &[Human("转任工")]),
    ("我要投素你们", &[Threat("投素")]),
    ("我要投述你们", &[Threat("投述")]),
    ("我要退宽", &[Issue("return_refund")]),
    ("块递到哪了", &[Issue("logistics")]),
    // --- pinyin and initials ---
    ("zhuanrengong", &[Human("zhuanrengong")]),
    ("zhuan ren gong", &[Human("zhuan ren gong")]),
    ("rengong", &[Human("rengong")]),
    ("我要rg", &[Human("rg")]),
    ("tousu", &[Threat("tousu"), Issue("complaint")]),
    ("我要ts你们", &[Threat("ts")]),
    ("不给退就ts", &[Threat("ts")]),
    ("kuaidi到哪了", &[Issue("logistics")]),
    ("tuikuan", &[Issue("return_refund")]),
    // --- emoji between characters ---
    ("转😡人😡工", &[Human("转😡人😡工")]),
    ("转🙄人🙄工！！", &[Human("转🙄人🙄工")]),
    ("转 😡 人 😡 工", &[Human("转 😡 人 😡 工")]),
    ("人😡工😡客😡服", &[Human("人😡工😡客😡服")]),
    ("转\u{200b}😡人-工", &[Human("转\u{200b}😡人-工")]),
    ("轉😡人😡工", &[Human("轉😡人😡工")]),
    ("投😡诉", &[Threat("投😡诉")]),
    ("退🔥款", &[Issue("return_refund")]),
    // --- personal data ---
    ("我电话１３８１２３４５６７８", &[Pii("phone")]),
    ("我电话138\u{200b}1234\u{200b}5678", &[Pii("phone")]),
    ("我电话138 1234 5678", &[Pii("phone")]),
    ("我电话138-1234-5678", &[Pii("phone")]),
    (
        "我電話13812345678，轉人工",
        &[Pii("phone"), Human("轉人工")],
    ),
    ("我电话138😡1234😡5678", &[Pii("phone")]),
    ("我电话𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", &[Pii("phone")]),
    ("我电话①③⑧①②③④⑤⑥⑦⑧", &[Pii("phone")]),
    (
        "身份證１１０１０５１９４９１２３１００２Ｘ",
        &[Pii("id_card")],
    ),
    ("身份证11010519491231002\u{200b}X", &[Pii("id_card")]),
    ("郵箱ａｂｃ＠ｑｑ．ｃｏｍ", &[Pii("email")]),
    // --- must not trigger ---
    ("人工智能", &[NoHuman]),
    ("你们用的是人工智能吗", &[NoHuman]),
    ("人工智慧是什麼", &[NoHuman]),
    ("不用转人工了，已经解决了", &[NoHuman]),
    ("不用轉人工了，已經解決了", &[NoHuman]),
    ("人工费多少钱", &[NoHuman]),
    ("报警器坏了怎么修", &[NoThreat]),
    ("報警器壞了", &[NoThreat]),
    ("its fine", &[NoThreat, NoHuman]),
    ("rgb灯怎么调", &[NoHuman]),
    ("订单金额99.9元，2024.11.11下单", &[NoPii]),
    ("太差了😡", &[NoHuman, NoThreat]),
    // --- look-alikes, dashes, mixed scripts (#15) ---
    ("转人エ", &[Human("转人エ")]),
    ("转人⼯", &[Human("转人⼯")]),
    ("转⼈⼯客服", &[Human("转⼈⼯")]),
    ("转亻エ", &[Human("转亻エ")]),
    ("人—工", &[Human("人—工")]),
    ("转ren工", &[Human("ren工")]),
    ("エアコンが壊れた", &[NoHuman]),
    // --- contact channels: asked for, not told about ---
    ("客服电话多少", &[Human("客服电话多少")]),
    ("给个客服电话", &[Human("给个客服电话")]),
    ("在线客服入口在哪", &[Human("在线客服入口在哪")]),
    ("联系客服！", &[Human("联系客服")]),
    ("打了三次客服电话都没人接", &[NoHuman]),
    ("问在线客服，居然让我重新传", &[NoHuman]),
    ("打了多少次客服电话了", &[NoHuman]),
    // --- A-not-A questions are not negations ---
    ("有没有真人客服", &[Human("真人客服")]),
    ("能不能来个人", &[Human("来个人")]),
    ("可不可以转人工", &[Human("转人工")]),
    // --- anchored at the end of a clause ---
    ("你是机器人吗？换人", &[Human("换人")]),
    ("换个人吧", &[Human("换个人")]),
    ("能换人收货吗", &[NoHuman]),
    ("我要人字拖", &[NoHuman]),
    ("安装需要人吗", &[NoHuman]),
    // --- titles name works; laws keep their cues ---
    ("这本《律师本色》有货吗", &[NoThreat]),
    ("《消费者权益保护法》写得清清楚楚", &[Threat("消费者权益")]),
    // --- a lawyer engaged, not a law firm mentioned ---
    ("我已经委托律师事务所了", &[Threat("委托律师")]),
];

/// The raw text of every evidence span of `rule` (all rules when `None`).
fn evidence<'a>(text: &'a str, d: &Decision, rule: Option<Rule>) -> Vec<&'a str> {
    d.reasons
        .iter()
        .filter(|r| rule.is_none_or(|x| r.rule == x))
        .flat_map(|r| &r.evidence)
        .filter_map(|e| text.get(e.start..e.end))
        .collect()
}

/// Every span of the decision is a char-boundary range of the raw text,
/// and every evidence text is that range (or a placeholder for PII).
fn check_spans(text: &str, d: &Decision) -> Result<(), String> {
    for r in &d.reasons {
        for e in &r.evidence {
            let Some(raw) = text.get(e.start..e.end) else {
                return Err(format!(
                    "{:?} {}..{} is not a range of the text",
                    r.rule, e.start, e.end
                ));
            };
            let ok = if r.rule == Rule::PiiMasked {
                !e.text.is_empty() && !raw.is_empty() && !text.is_empty()
            } else {
                e.text == raw || e.text == "[PII]"
            };
            if !ok {
                return Err(format!("{:?} evidence {:?} vs raw {raw:?}", r.rule, e.text));
            }
        }
    }
    for p in &d.pii {
        if text.get(p.start..p.end).is_none() {
            return Err(format!(
                "pii {}..{} is not a range of the text",
                p.start, p.end
            ));
        }
    }
    for e in &d.entities {
        if text.get(e.start..e.end) != Some(e.text.as_str()) {
            return Err(format!("entity {e:?}"));
        }
    }
    Ok(())
}

fn check(text: &str, want: Want, d: &Decision) -> Result<(), String> {
    let has = |spans: Vec<&str>, s: &str| spans.iter().any(|e| e.contains(s));
    match want {
        Human(s) => {
            if !d.flags.human_requested {
                return Err("no human request".into());
            }
            let ev = evidence(text, d, Some(Rule::HumanRequest));
            if !has(ev.clone(), s) {
                return Err(format!("human_request evidence {ev:?} lacks {s:?}"));
            }
        }
        Threat(s) => {
            if !d.flags.threat {
                return Err("no threat".into());
            }
            let ev = evidence(text, d, None);
            if !has(ev.clone(), s) {
                return Err(format!("evidence {ev:?} lacks {s:?}"));
            }
        }
        Pii(kind) => {
            let Some(p) = d.pii.iter().find(|p| p.kind == kind) else {
                return Err(format!("no {kind} in {:?}", d.pii));
            };
            let raw = &text[p.start..p.end];
            if d.masked_text.contains(raw) || !d.flags.pii_found {
                return Err(format!("{raw:?} not masked: {:?}", d.masked_text));
            }
        }
        Issue(label) => {
            if d.issue.label != label {
                return Err(format!("issue {} (top {:?})", d.issue.label, d.issue.top));
            }
        }
        NoHuman if d.flags.human_requested => {
            return Err(format!(
                "human request from {:?}",
                evidence(text, d, Some(Rule::HumanRequest))
            ));
        }
        NoThreat if d.flags.threat => return Err("threat".into()),
        NoPii if !d.pii.is_empty() => return Err(format!("pii {:?}", d.pii)),
        NoHuman | NoThreat | NoPii => {}
    }
    Ok(())
}

#[test]
fn obfuscation_does_not_hide_cues() {
    assert!(CASES.len() >= 60, "{} cases", CASES.len());
    let mut failures = Vec::new();
    for &(text, wants) in CASES {
        let d = ENGINE.triage(&Inquiry::new(text));
        if let Err(e) = check_spans(text, &d) {
            failures.push(format!("{text:?}: spans: {e}"));
        }
        for &w in wants {
            if let Err(e) = check(text, w, &d) {
                failures.push(format!("{text:?}: {w:?}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// The same cases with the cue buried in a longer message: offsets shift,
/// and the spans must shift with them.
#[test]
fn obfuscated_cues_inside_longer_messages() {
    let prefix = "你好，我上周买的东西，";
    let suffix = "。谢谢！";
    for &(text, wants) in CASES {
        let long = format!("{prefix}{text}{suffix}");
        let d = ENGINE.triage(&Inquiry::new(&long));
        check_spans(&long, &d).unwrap_or_else(|e| panic!("{long:?}: {e}"));
        for &w in wants {
            // Issue labels may change with the context; detections may not.
            if matches!(w, Human(_) | Threat(_) | Pii(_)) {
                check(&long, w, &d).unwrap_or_else(|e| panic!("{long:?}: {w:?}: {e}"));
            }
        }
    }
}

/// What is wrong with the decision on a request for a human, if anything:
/// the flag, a `human_request` reason whose every evidence span is a
/// non-empty range of the raw text showing that text, and a human lane.
fn request_problem(text: &str, d: &Decision) -> Option<String> {
    if let Err(e) = check_spans(text, d) {
        return Some(format!("spans: {e}"));
    }
    if !d.flags.human_requested {
        return Some("no human request".into());
    }
    let Some(reason) = d.reasons.iter().find(|r| r.rule == Rule::HumanRequest) else {
        return Some("no human_request reason".into());
    };
    if reason.evidence.is_empty() {
        return Some("human_request reason without evidence".into());
    }
    for e in &reason.evidence {
        match text.get(e.start..e.end) {
            Some(raw) if !raw.is_empty() && raw == e.text => {}
            _ => return Some(format!("evidence {e:?} is not a range of the text")),
        }
    }
    if d.route.lane == Lane::Ai {
        return Some(format!("routed to the AI: {:?}", d.route));
    }
    None
}

/// What is wrong with the decision on a trap, if anything: no human
/// request, threat, safety, minor or high-risk flag, and no reason of a
/// cue (a human request or high risk) behind the route.
fn trap_problem(text: &str, d: &Decision) -> Option<String> {
    if let Err(e) = check_spans(text, d) {
        return Some(format!("spans: {e}"));
    }
    let f = &d.flags;
    let raised: Vec<&str> = [
        (f.human_requested, "human_requested"),
        (f.threat, "threat"),
        (f.safety, "safety"),
        (f.minor, "minor"),
        (f.high_risk, "high_risk"),
    ]
    .iter()
    .filter(|x| x.0)
    .map(|x| x.1)
    .collect();
    let cues: Vec<String> = d
        .reasons
        .iter()
        .filter(|r| matches!(r.rule, Rule::HumanRequest | Rule::HighRisk))
        .map(|r| {
            let ev: Vec<&str> = r.evidence.iter().map(|e| e.text.as_str()).collect();
            format!("{:?} {ev:?} ({})", r.rule, r.detail)
        })
        .collect();
    if raised.is_empty() && cues.is_empty() {
        None
    } else {
        Some(format!(
            "flags {raised:?}, reasons {cues:?}, route {:?}/{:?}",
            d.route.lane, d.route.channel
        ))
    }
}

/// Every way of asking for a human is caught, alone and inside a longer
/// message (where the spans shift with the text).
#[test]
fn every_way_of_asking_for_a_human_is_caught() {
    let requests = entries(HUMAN_REQUESTS);
    assert!(requests.len() >= 100, "{} requests", requests.len());
    let mut failures = Vec::new();
    for text in &requests {
        let long = format!("你好，我上周买的东西，{text}。谢谢！");
        for t in [text.to_string(), long] {
            let d = ENGINE.triage(&Inquiry::new(&t));
            if let Some(p) = request_problem(&t, &d) {
                failures.push(format!("{t:?}: {p}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures over {} requests:\n{}",
        failures.len(),
        requests.len(),
        failures.join("\n")
    );
}

/// The traps (a word inside another word, a meme, a camera setting, a
/// feature name, a student of law, a question about a number or a menu, a
/// negated complaint) stay with the AI's judgement and raise no flag.
#[test]
fn traps_raise_no_flag() {
    let traps = entries(TRAPS);
    assert!(traps.len() >= 60, "{} traps", traps.len());
    let mut failures = Vec::new();
    for text in &traps {
        let d = ENGINE.triage(&Inquiry::new(text));
        if let Some(p) = trap_problem(text, &d) {
            failures.push(format!("{text:?}: {p}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} traps raised a flag:\n{}",
        failures.len(),
        traps.len(),
        failures.join("\n")
    );
}

/// Digit groups split by `.`, `*`, `/` or single spaces between every
/// digit are read as phone numbers by `src/text/pii/` (normalization keeps those
/// separators: removing them would corrupt `99.9` and `2024.11.11`), and
/// amounts and dates written that way are not.
#[test]
fn phone_numbers_split_by_other_separators() {
    for text in [
        "我电话138.1234.5678",
        "我电话138*1234*5678",
        "我电话138/1234/5678",
        "我电话1 3 8 1 2 3 4 5 6 7 8",
    ] {
        let d = ENGINE.triage(&Inquiry::new(text));
        assert!(d.pii.iter().any(|p| p.kind == "phone"), "{text}");
        assert!(
            !d.masked_text.contains("5678") && !d.masked_text.contains("5 6 7 8"),
            "{text}"
        );
    }
    for text in [
        "价格是99.9元",
        "2024.11.11下的单",
        "订单2024.1111.0012",
        "1 2 3 4 5 6 7 8 9 0 1",
        "138.5元一斤",
        "第1/2/3件",
    ] {
        let d = ENGINE.triage(&Inquiry::new(text));
        assert!(d.pii.is_empty(), "{text}: {:?}", d.pii);
    }
}
