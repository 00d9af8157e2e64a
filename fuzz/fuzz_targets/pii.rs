//! Personal numbers must not survive masking, however they are written.
//!
//! From the input (read with `arbitrary::Unstructured`) the target makes one
//! valid number:
//!
//! - a mainland mobile: 11 digits, `1[3-9]` + 9 digits;
//! - an 18-character resident ID: a real province code, a valid birth date
//!   (1940–2020), a sequence number and the GB 11643 check character;
//! - a bank card: 16 or 19 digits, Luhn-valid, starting with 62, 4 or 51–55
//!   (a prefix the masking knows), or any other prefix but then always after
//!   a card keyword (卡号, 银行卡…).
//!
//! It writes the number in one numeral form (ASCII, full-width, Chinese
//! 一二三 with 〇 or 零, financial 壹贰叁, spoken 幺两拐洞勾, circled ①–⑨
//! with ⓪), plain or grouped (3-4-4 phone, 6-8-4 ID, 4-4-4-4(-3) card) with
//! one separator out of ` - . — ~ ， , / 　`, after a keyword of its kind
//! (电话, 身份证号, 卡号…), between a fuzz-chosen prefix and suffix:
//!
//! `{prefix}，{keyword}{joiner}{number}，{suffix}`
//!
//! The prefix and suffix lose every character that is or could be read as
//! a numeral (and x/X), so nothing next to the number can make it longer
//! and the only digits in the input are the number's.
//!
//! Assertion: the number's digits (check character as `X`) appear neither in
//! the digit projection of `masked_text` (every numeral form above read as an
//! ASCII digit, everything else dropped) nor in the serialized decision (as
//! written, or in the digit projection of any string in it).

#![no_main]

use std::sync::LazyLock;

use kefu_triage::{Engine, Inquiry};
use libfuzzer_sys::arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

/// `PII_FUZZ_SHOW=1` prints every generated case and its masked text to
/// stderr (to look at what the generator makes when replaying a corpus).
static SHOW: LazyLock<bool> = LazyLock::new(|| std::env::var_os("PII_FUZZ_SHOW").is_some());

#[derive(Clone, Copy, Debug)]
enum Kind {
    Phone,
    IdCard,
    BankCard,
}

/// Numeral forms, each a digit table (0–9).
const FULL_WIDTH: [char; 10] = ['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'];
const CHINESE_LING: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const CHINESE_O: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const FINANCIAL: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SPOKEN: [char; 10] = ['洞', '幺', '两', '三', '四', '五', '六', '拐', '八', '勾'];
const CIRCLED: [char; 10] = ['⓪', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'];

#[derive(Clone, Copy, Debug)]
enum Form {
    Ascii,
    FullWidth,
    ChineseLing,
    ChineseO,
    Financial,
    Spoken,
    Circled,
}

const FORMS: [Form; 7] = [
    Form::Ascii,
    Form::FullWidth,
    Form::ChineseLing,
    Form::ChineseO,
    Form::Financial,
    Form::Spoken,
    Form::Circled,
];

const SEPARATORS: [char; 9] = [' ', '-', '.', '—', '~', '，', ',', '/', '\u{3000}'];

const PHONE_KEYWORDS: &[&str] = &["电话", "手机", "手机号", "联系电话", "手机号码"];
const ID_KEYWORDS: &[&str] = &["身份证", "身份证号", "身份证号码", "证件号"];
const CARD_KEYWORDS: &[&str] = &["卡号", "银行卡号", "银行卡", "信用卡"];
/// Also allowed before a card whose prefix the masking knows without a keyword.
const CARD_KNOWN_PREFIX_KEYWORDS: &[&str] = &["账号", "号码"];
const JOINERS: &[&str] = &["", "：", ":", "是", " "];

/// Provinces (first two digits of a resident ID).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65,
];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The digit (or `X`) a character stands for in the forms this target
/// writes; `None` for everything else.
fn projected(c: char) -> Option<char> {
    let d = match c {
        '0'..='9' => return Some(c),
        'x' | 'X' | 'ｘ' | 'Ｘ' => return Some('X'),
        '０'..='９' => c as u32 - '０' as u32,
        '①'..='⑨' => c as u32 - '①' as u32 + 1,
        '⓪' | '〇' | '零' | '洞' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '贰' | '两' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' | '拐' => 7,
        '八' | '捌' => 8,
        '九' | '玖' | '勾' => 9,
        _ => return None,
    };
    char::from_digit(d, 10)
}

/// The digit projection of `s`: every numeral read as an ASCII digit, every
/// other character dropped.
fn projection(s: &str) -> String {
    s.chars().filter_map(projected).collect()
}

/// Characters the prefix and suffix may not contain: anything this target
/// projects, any Unicode number (superscripts, other circled numbers, other
/// scripts' digits, 〇), the variants and positional units the masking also
/// reads as numerals, and letters x/X.
fn numeral_like(c: char) -> bool {
    projected(c).is_some()
        || c.is_numeric()
        || matches!(
            c,
            '貳' | '陸' | '么' | '○' | '十' | '拾' | '百' | '佰' | '千' | '仟' | '万' | '亿'
        )
}

fn clean(s: &str) -> String {
    s.chars().filter(|&c| !numeral_like(c)).collect()
}

fn digit(u: &mut Unstructured) -> Result<u8> {
    u.int_in_range(b'0'..=b'9')
}

fn phone(u: &mut Unstructured) -> Result<Vec<u8>> {
    let mut d = vec![b'1', u.int_in_range(b'3'..=b'9')?];
    for _ in 0..9 {
        d.push(digit(u)?);
    }
    Ok(d)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn id_card(u: &mut Unstructured) -> Result<Vec<u8>> {
    let province = *u.choose(PROVINCES)?;
    let mut d = format!("{province:02}").into_bytes();
    for _ in 0..4 {
        d.push(digit(u)?);
    }
    let year = u.int_in_range(1940u32..=2020)?;
    let month = u.int_in_range(1u32..=12)?;
    let day = u.int_in_range(1..=days_in_month(year, month))?;
    d.extend(format!("{year:04}{month:02}{day:02}").bytes());
    for _ in 0..3 {
        d.push(digit(u)?);
    }
    let sum: u32 = d
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(&c, w)| u32::from(c - b'0') * w)
        .sum();
    d.push(ID_CHECK[(sum % 11) as usize]);
    Ok(d)
}

/// A Luhn-valid card and whether its prefix is one the masking knows
/// without a keyword (62…, 4… or 51–55 with 16 digits).
fn bank_card(u: &mut Unstructured) -> Result<(Vec<u8>, bool)> {
    let len = if u.arbitrary::<bool>()? { 19 } else { 16 };
    let mut d = Vec::with_capacity(len);
    let known = match u.int_in_range(0u8..=3)? {
        0 => {
            d.extend(b"62");
            true
        }
        1 => {
            d.push(b'4');
            true
        }
        2 => {
            d.push(b'5');
            d.push(u.int_in_range(b'1'..=b'5')?);
            len == 16
        }
        _ => {
            d.push(u.int_in_range(b'1'..=b'9')?);
            false
        }
    };
    while d.len() < len - 1 {
        d.push(digit(u)?);
    }
    // Luhn: double every second digit from the right, the check digit
    // being the rightmost.
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 0 {
                let v2 = v * 2;
                if v2 > 9 { v2 - 9 } else { v2 }
            } else {
                v
            }
        })
        .sum();
    d.push(b'0' + ((10 - sum % 10) % 10) as u8);
    Ok((d, known))
}

fn render_char(c: u8, form: Form, x_lower: bool) -> char {
    if c == b'X' {
        return match (form, x_lower) {
            (Form::FullWidth, false) => 'Ｘ',
            (Form::FullWidth, true) => 'ｘ',
            (_, false) => 'X',
            (_, true) => 'x',
        };
    }
    let i = usize::from(c - b'0');
    match form {
        Form::Ascii => char::from(c),
        Form::FullWidth => FULL_WIDTH[i],
        Form::ChineseLing => CHINESE_LING[i],
        Form::ChineseO => CHINESE_O[i],
        Form::Financial => FINANCIAL[i],
        Form::Spoken => SPOKEN[i],
        Form::Circled => CIRCLED[i],
    }
}

struct Case {
    kind: Kind,
    /// ASCII digits, check character `X`.
    digits: String,
    /// The number as written in the text.
    written: String,
    text: String,
}

fn case(u: &mut Unstructured) -> Result<Case> {
    let kind = *u.choose(&[Kind::Phone, Kind::IdCard, Kind::BankCard])?;
    let (digits, keywords): (Vec<u8>, Vec<&str>) = match kind {
        Kind::Phone => (phone(u)?, PHONE_KEYWORDS.to_vec()),
        Kind::IdCard => (id_card(u)?, ID_KEYWORDS.to_vec()),
        Kind::BankCard => {
            let (d, known) = bank_card(u)?;
            let mut k = CARD_KEYWORDS.to_vec();
            if known {
                k.extend(CARD_KNOWN_PREFIX_KEYWORDS);
            }
            (d, k)
        }
    };
    let form = *u.choose(&FORMS)?;
    let x_lower = u.arbitrary::<bool>()?;
    let groups: &[usize] = if u.arbitrary::<bool>()? {
        match digits.len() {
            11 => &[3, 4, 4],
            18 => &[6, 8, 4],
            16 => &[4, 4, 4, 4],
            _ => &[4, 4, 4, 4, 3],
        }
    } else {
        &[]
    };
    let sep = *u.choose(&SEPARATORS)?;
    let keyword = *u.choose(&keywords)?;
    let joiner = *u.choose(JOINERS)?;
    let prefix = clean(<&str>::arbitrary(u)?);
    let suffix = clean(<&str>::arbitrary(u)?);

    let mut written = String::new();
    let mut next_break = groups.iter().scan(0, |acc, &g| {
        *acc += g;
        Some(*acc)
    });
    let mut brk = next_break.next();
    for (i, &c) in digits.iter().enumerate() {
        if brk == Some(i) {
            written.push(sep);
            brk = next_break.next();
        }
        written.push(render_char(c, form, x_lower));
    }
    let digits = String::from_utf8(digits).expect("ASCII");
    assert_eq!(projection(&written), digits, "generator: {written}");

    let text = format!("{prefix}，{keyword}{joiner}{written}，{suffix}");
    assert_eq!(projection(&text), digits, "generator: {text}");
    Ok(Case {
        kind,
        digits,
        written,
        text,
    })
}

fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(c) = case(&mut u) else {
        return;
    };
    let d = ENGINE.triage(&Inquiry::new(&c.text));
    let report = || {
        format!(
            "\nkind: {:?}\nnumber: {}\nwritten: {}\ntext: {}\nmasked_text: {}\npii: {:?}\n",
            c.kind, c.digits, c.written, c.text, d.masked_text, d.pii
        )
    };
    if *SHOW {
        eprint!("{}", report());
    }
    assert!(
        !projection(&d.masked_text).contains(&c.digits),
        "number survives in masked_text{}",
        report()
    );
    let json = serde_json::to_string(&d).expect("a decision serializes");
    assert!(
        !json.to_ascii_uppercase().contains(&c.digits),
        "number in the JSON{}",
        report()
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON parses");
    let mut all = Vec::new();
    strings(&v, &mut all);
    for s in all {
        assert!(
            !projection(s).contains(&c.digits),
            "number in a JSON string {s:?}{}",
            report()
        );
    }
});
