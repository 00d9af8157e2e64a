//! Personal data through the whole engine: what is masked, what is kept,
//! and that the raw value never leaks into any rendering of a decision.

use std::sync::OnceLock;

use kefu_triage::{Decision, Engine, Inquiry};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

fn triage(text: &str) -> Decision {
    engine().triage(&Inquiry::new(text))
}

/// Every rendering of a decision a log or an API could show.
fn renderings(d: &Decision) -> [String; 3] {
    [
        format!("{d:?}"),
        d.to_string(),
        serde_json::to_string(d).expect("decision serializes"),
    ]
}

/// Digits of `s` (full-width folded), to catch a value that leaks with
/// different separators or width.
fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Masked: (inquiry, [(kind, raw value)])
// ---------------------------------------------------------------------------

const MASKED: &[(&str, &[(&str, &str)])] = &[
    // Mobile phones in every shape customers type them.
    ("我电话13812345678，快点回电", &[("phone", "13812345678")]),
    ("联系我+8613912345678", &[("phone", "+8613912345678")]),
    (
        "打这个 +86 139 1234 5678 找我",
        &[("phone", "+86 139 1234 5678")],
    ),
    (
        "0086-186-1234-5678是我老公的号",
        &[("phone", "0086-186-1234-5678")],
    ),
    ("手机：152-0000-1234", &[("phone", "152-0000-1234")]),
    ("电话 177 0123 4567 白天都在", &[("phone", "177 0123 4567")]),
    (
        "我的号码是１３８１２３４５６７８",
        &[("phone", "１３８１２３４５６７８")],
    ),
    (
        "回拨１５９－８８８８－６６６６谢谢",
        &[("phone", "１５９－８８８８－６６６６")],
    ),
    // Landlines.
    (
        "公司座机010-62345678有人接",
        &[("landline", "010-62345678")],
    ),
    ("打(0755)86001234转前台", &[("landline", "(0755)86001234")]),
    // Resident ID cards with a valid GB 11643 checksum.
    (
        "身份证号440305199003072837，实名认证不过",
        &[("id_card", "440305199003072837")],
    ),
    (
        "证件号码51010720011130002X",
        &[("id_card", "51010720011130002X")],
    ),
    (
        "我的身份证是 330106 19950101 0057",
        &[("id_card", "330106 19950101 0057")],
    ),
    // Bank cards passing Luhn.
    (
        "退款到我卡上6228480012345678903",
        &[("bank_card", "6228480012345678903")],
    ),
    (
        "银行卡 6217 0012 3456 7890 122 退款没到",
        &[("bank_card", "6217 0012 3456 7890 122")],
    ),
    (
        "信用卡号436712345678902还款失败",
        &[("bank_card", "436712345678902")],
    ),
    // E-mail.
    (
        "发票发到zhang.san_88@163.com",
        &[("email", "zhang.san_88@163.com")],
    ),
    (
        "邮箱：ＬＩＳＩ＠ＱＱ．ＣＯＭ",
        &[("email", "ＬＩＳＩ＠ＱＱ．ＣＯＭ")],
    ),
    // WeChat and QQ when introduced.
    ("加我微信 wxid_abc123 聊", &[("wechat", "wxid_abc123")]),
    ("vx：Zhang_San-88 备注退款", &[("wechat", "Zhang_San-88")]),
    ("微信号 13612345678 同号", &[("wechat", "13612345678")]),
    // A mobile number after other words is still a phone.
    ("微信号就是手机号13612345678", &[("phone", "13612345678")]),
    ("电 话 13812345678", &[("phone", "13812345678")]),
    ("QQ号 10086123 找我", &[("qq", "10086123")]),
    ("扣扣987654321", &[("qq", "987654321")]),
    // Addresses.
    (
        "收货地址广东省深圳市南山区科技园路18号",
        &[("address", "广东省深圳市南山区科技园路18号")],
    ),
    (
        "寄到北京市朝阳区建国路88号SOHO现代城2单元1202",
        &[("address", "北京市朝阳区建国路88号SOHO现代城2单元1202")],
    ),
    (
        "地址改成阳光花园小区3栋2单元301",
        &[("address", "阳光花园小区3栋2单元301")],
    ),
    // License plates.
    ("我车牌粤B12345停在门口", &[("license_plate", "粤B12345")]),
    ("车是京A·88888", &[("license_plate", "京A·88888")]),
    // Passports.
    ("护照号E12345678过期了", &[("passport", "E12345678")]),
    // Several at once, in text order.
    (
        "我叫张三，电话13812345678，邮箱zs@qq.com，身份证110101198512121230",
        &[
            ("phone", "13812345678"),
            ("email", "zs@qq.com"),
            ("id_card", "110101198512121230"),
        ],
    ),
];

#[test]
fn personal_data_is_masked_and_never_leaks() {
    let mut failures = Vec::new();
    for &(text, expected) in MASKED {
        let d = triage(text);
        let found: Vec<(&str, &str)> = d
            .pii
            .iter()
            .map(|p| (p.kind.as_str(), &text[p.start..p.end]))
            .collect();
        if found != expected {
            failures.push(format!(
                "{text}\n  expected {expected:?}\n  found    {found:?}"
            ));
            continue;
        }
        assert!(d.flags.pii_found, "{text}");
        for (kind, value) in expected {
            for (i, r) in renderings(&d).iter().enumerate() {
                assert!(
                    !r.contains(value),
                    "{kind} {value} leaks in rendering {i}: {r}"
                );
                // Digits of the value, however grouped, never survive either.
                let dv = digits(value);
                if dv.len() >= 7 {
                    assert!(
                        !digits(r).contains(&dv),
                        "{kind} digits leak in rendering {i}: {r}"
                    );
                }
            }
        }
        let placeholders = d.masked_text.matches('[').count();
        assert_eq!(placeholders, expected.len(), "{text} → {}", d.masked_text);
    }
    assert!(
        failures.is_empty(),
        "{} case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn masked_text_keeps_everything_else_verbatim() {
    let text = "Ｈｉ，我电话１３８１２３４５６７８！！转 人 工";
    let d = triage(text);
    assert_eq!(d.masked_text, "Ｈｉ，我电话[手机号]！！转 人 工");
    assert_eq!(d.pii[0].kind, "phone");
    assert_eq!(
        &text[d.pii[0].start..d.pii[0].end],
        "１３８１２３４５６７８"
    );
}

// ---------------------------------------------------------------------------
// Kept: numbers that are not personal data.
// ---------------------------------------------------------------------------

/// (inquiry, entity kinds expected in order)
const KEPT: &[(&str, &[&str])] = &[
    // Order numbers, even 11 digits starting with 1 or 18 digits.
    ("订单号202411110012345678怎么还没发货", &["order_number"]),
    ("订单号：13812345678901 退款", &["order_number"]),
    ("单号 13912345678 查不到", &["order_number"]),
    ("订单13812345678怎么取消", &["order_number"]),
    ("运单号 13812345678 到哪了", &["tracking_number"]),
    ("order no 20241111001234 has not shipped", &["order_number"]),
    // Tracking numbers.
    ("快递单号SF1234567890123三天没动了", &["tracking_number"]),
    ("运单号 7731234567890 显示已签收", &["tracking_number"]),
    ("中通731234567890到哪了", &["tracking_number"]),
    ("ems单号EE123456789CN", &["tracking_number"]),
    ("京东JD0012345678901还没到", &["tracking_number"]),
    // Prices and amounts.
    ("¥1388买的，现在降到1288元了", &["amount", "amount"]),
    ("退我1,299.50元", &["amount"]),
    ("才付了50块钱", &["amount"]),
    ("价格4111111111元？", &["amount"]),
    // Dates and times.
    ("2024-11-11 20:30 下的单", &[]),
    ("2024年11月11日到货", &[]),
    ("20241111下单的", &[]),
    ("12:30到18:00之间送", &[]),
    ("2024.11.11下单，11/11那天", &[]),
    // Models and hotlines.
    ("iPhone 15 Pro Max 256G屏幕坏了", &["product_model"]),
    ("小米14 Ultra 充不进电", &["product_model"]),
    ("型号GT-1234567890", &[]),
    ("RTX4090显卡花屏", &[]),
    ("打12315投诉你们", &[]),
    ("客服电话400-820-8820打不通", &[]),
    ("95588说没收到", &[]),
    // Quantities, versions, codes.
    ("买了3件，2件没到，尺码175/92A", &[]),
    ("验证码123456发给我了", &[]),
    ("版本号v10.2.3闪退", &[]),
];

#[test]
fn business_numbers_are_not_masked() {
    let mut failures = Vec::new();
    for &(text, kinds) in KEPT {
        let d = triage(text);
        let found: Vec<&str> = d.entities.iter().map(|e| e.kind.as_str()).collect();
        if !d.pii.is_empty() || d.masked_text != text || found != kinds {
            failures.push(format!(
                "{text}\n  pii {:?}\n  masked {}\n  entities {found:?} (expected {kinds:?})",
                d.pii, d.masked_text
            ));
        }
        for e in &d.entities {
            assert_eq!(&text[e.start..e.end], e.text, "{text}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn reasons_show_placeholders_not_values() {
    let text = "身份证440305199003072837登不上，电话13812345678";
    let d = triage(text);
    for r in &d.reasons {
        for e in &r.evidence {
            assert!(!e.text.contains("440305199003072837"));
            assert!(!e.text.contains("13812345678"));
        }
    }
    let kinds: Vec<&str> = d.pii.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["id_card", "phone"]);
}
