//! Personal data that hides: 300+ obfuscated phones, IDs, bank cards,
//! e-mails, WeChat and QQ ids and addresses (`tests/data/hostile/pii_cases.tsv`,
//! written here). For every case, the secret must appear nowhere in the
//! serialized decision: not as written, and not as its digits once every
//! numeral form in each string of the decision is read as a digit.

use std::sync::LazyLock;

use kefu_triage::{Engine, Inquiry};

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

const CASES: &str = include_str!("data/hostile/pii_cases.tsv");

/// The digit a character stands for in any of the ways customers write
/// numbers: ASCII, full-width, super/subscript, circled, Chinese, financial
/// and spoken numerals.
fn digit_of(c: char) -> Option<char> {
    let d = match c {
        '0'..='9' => return Some(c),
        '０'..='９' => c as u32 - '０' as u32,
        '⁰' => 0,
        '¹' => 1,
        '²' => 2,
        '³' => 3,
        '⁴'..='⁹' => c as u32 - '⁴' as u32 + 4,
        '₀'..='₉' => c as u32 - '₀' as u32,
        '①'..='⑨' => c as u32 - '①' as u32 + 1,
        '〇' | '零' | '洞' | '○' | '⓪' => 0,
        '一' | '壹' | '幺' | '么' => 1,
        '二' | '贰' | '两' | '貳' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' | '拐' => 7,
        '八' | '捌' => 8,
        '九' | '玖' | '勾' => 9,
        _ => return None,
    };
    char::from_digit(d, 10)
}

/// The digits of `s` in order (and the letter x, for ID check characters).
fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'x' | 'X' | 'ｘ' | 'Ｘ' => Some('x'),
            _ => digit_of(c),
        })
        .collect()
}

/// Every string in a JSON value.
fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// What of `secret` must not be in a string of the decision: its digits
/// for numbers; the text itself, case-folded and without spaces, for the
/// rest (the local part for e-mails).
fn leaks(kind: &str, secret: &str, s: &str) -> bool {
    let fold = |t: &str| -> String {
        t.chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
            })
            // Full-width ASCII reads as ASCII.
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                _ => c,
            })
            .flat_map(char::to_lowercase)
            .collect()
    };
    match kind {
        "phone" | "id_card" | "bank_card" | "qq" => digits(s).contains(&digits(secret)),
        "email" => {
            let local = secret.split('@').next().unwrap_or(secret);
            fold(s).contains(&fold(local))
        }
        _ => {
            let folded = fold(s);
            folded.contains(&fold(secret))
                // A WeChat id that is mostly digits leaks as its digits too.
                || (kind != "address"
                    && digits(secret).len() >= 6
                    && digits(&folded).contains(&digits(secret)))
        }
    }
}

struct Case<'a> {
    line: usize,
    kind: &'a str,
    secret: &'a str,
    text: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    CASES
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let mut f = l.splitn(3, '\t');
            let (kind, secret, text) = (f.next(), f.next(), f.next());
            let (Some(kind), Some(secret), Some(text)) = (kind, secret, text) else {
                panic!("pii_cases.tsv:{}: three tab-separated fields: {l:?}", i + 1);
            };
            Case {
                line: i + 1,
                kind,
                secret,
                text,
            }
        })
        .collect()
}

#[test]
fn obfuscated_personal_data_never_leaves_the_engine() {
    let cases = cases();
    assert!(cases.len() >= 300, "{} cases", cases.len());
    let mut failures = Vec::new();
    let mut per_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for c in &cases {
        // The secret must be in the text to begin with (as written or as
        // digits), or the case tests nothing.
        if !leaks(c.kind, c.secret, c.text) {
            failures.push(format!(
                "pii_cases.tsv:{}: the secret {:?} is not in {:?}",
                c.line, c.secret, c.text
            ));
            continue;
        }
        let d = ENGINE.triage(&Inquiry::new(c.text));
        let json = serde_json::to_value(&d).expect("a decision serializes");
        let mut all = Vec::new();
        strings(&json, &mut all);
        let leaked: Vec<&str> = all
            .into_iter()
            .filter(|s| leaks(c.kind, c.secret, s))
            .collect();
        let e = per_kind.entry(c.kind).or_default();
        e.0 += 1;
        if !leaked.is_empty() {
            e.1 += 1;
            failures.push(format!(
                "pii_cases.tsv:{} {} {:?}: {:?}",
                c.line, c.kind, c.text, leaked
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases leak (kind: cases, leaks) {:?}:\n{}",
        failures.len(),
        cases.len(),
        per_kind,
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Generated: valid numbers in random obfuscations
// ---------------------------------------------------------------------------

use proptest::prelude::*;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

fn id_number(area: &str, year: u32, month: u32, day: u32, seq: u32) -> String {
    let first17 = format!("{area}{year:04}{month:02}{day:02}{seq:03}");
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// `body` plus the Luhn check digit.
fn luhn_complete(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// (kind, digits): a valid phone, ID or bank card.
fn number() -> impl Strategy<Value = (&'static str, String)> {
    let phone = (3u8..=9, proptest::collection::vec(0u8..10, 9)).prop_map(|(second, rest)| {
        let rest: String = rest.iter().map(|d| char::from(b'0' + d)).collect();
        ("phone", format!("1{second}{rest}"))
    });
    let areas = prop::sample::select(vec![
        "110105", "310115", "440305", "330106", "510104", "420106", "610113", "230103",
    ]);
    let id = (areas, 1950u32..2010, 1u32..=12, 1u32..=28, 0u32..1000)
        .prop_map(|(a, y, m, d, s)| ("id_card", id_number(a, y, m, d, s)));
    let prefixes = prop::sample::select(vec![
        ("6222", 19usize),
        ("6228", 19),
        ("6217", 16),
        ("4392", 16),
        ("5187", 16),
        ("9558", 19),
        ("6011", 16),
        ("3528", 16),
        ("37", 15),
    ]);
    let card = (prefixes, proptest::collection::vec(0u8..10, 18)).prop_map(|((p, len), fill)| {
        let body: String = p
            .chars()
            .chain(fill.iter().map(|d| char::from(b'0' + d)))
            .take(len - 1)
            .collect();
        ("bank_card", luhn_complete(&body))
    });
    prop_oneof![phone, id, card]
}

/// How the digits are written: one style per number, as people do.
fn render_digit(style: u8, c: char) -> String {
    let d = c.to_digit(10);
    let pick = |table: [&str; 10]| d.map_or(c.to_string(), |d| table[d as usize].to_owned());
    match style {
        1 => pick(["０", "１", "２", "３", "４", "５", "６", "７", "８", "９"]),
        2 => pick(["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"]),
        3 => pick(["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"]),
        4 => pick(["洞", "幺", "两", "三", "四", "五", "六", "拐", "八", "勾"]),
        5 => pick(["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]),
        _ => c.to_string(),
    }
}

fn obfuscated() -> impl Strategy<Value = (&'static str, String, String)> {
    let seps = prop::sample::select(vec![
        " ", "-", ".", "—", "~", "，", ",", "/", "　", "转", " - ", "、", "_",
    ]);
    let before = prop::sample::select(vec![
        "我的电话是",
        "身份证",
        "卡号",
        "退款打到",
        "联系我",
        "收件人王女士 ",
        "你记一下：",
        "",
    ]);
    let after = prop::sample::select(vec!["，谢谢", "就行", "。", "", " 急！"]);
    let touching = prop::sample::select(vec![("", ""), ("tel", ""), ("", "ok"), ("no.", "abc")]);
    (
        number(),
        0u8..6,
        proptest::collection::vec(3usize..7, 1..6),
        seps,
        before,
        after,
        touching,
    )
        .prop_map(
            |((kind, digits), style, cuts, sep, before, after, (l, r))| {
                // Groups of 3..6 digits, the last one whatever is left.
                let mut groups = Vec::new();
                let mut rest = digits.as_str();
                for n in cuts {
                    if rest.len() <= n {
                        break;
                    }
                    let (a, b) = rest.split_at(n);
                    groups.push(a);
                    rest = b;
                }
                groups.push(rest);
                let body: Vec<String> = groups
                    .iter()
                    .map(|g| g.chars().map(|c| render_digit(style, c)).collect())
                    .collect();
                // Letters touch ASCII digits only: beside numerals they are noise.
                let (l, r) = if style == 0 { (l, r) } else { ("", "") };
                let text = format!("{before}{l}{}{r}{after}", body.join(sep));
                (kind, digits, text)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn generated_numbers_in_random_obfuscations_are_masked(
        (kind, digits, text) in obfuscated()
    ) {
        prop_assert!(leaks(kind, &digits, &text), "generator: {digits} not in {text}");
        let d = ENGINE.triage(&Inquiry::new(&text));
        let json = serde_json::to_value(&d).unwrap();
        let mut all = Vec::new();
        strings(&json, &mut all);
        let leaked: Vec<&str> = all.into_iter().filter(|s| leaks(kind, &digits, s)).collect();
        prop_assert!(leaked.is_empty(), "{kind} {digits} in {text:?} leaks: {leaked:?}");
    }
}
