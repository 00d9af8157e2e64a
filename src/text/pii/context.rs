//! The words around a number that decide what it is (an order intro, a card
//! keyword, a courier), the address vocabulary, and the boundary tests every
//! scanner shares.

use crate::text::pii::kinds::PiiMatch;

/// Keywords that, directly before a number, make it an order/tracking number
/// (so it is never masked as a phone, card or ID).
pub(super) const ORDER_INTRO: &[&str] = &[
    "订单号码",
    "订单编号",
    "订单号",
    "订单",
    "单号码",
    "单号",
    "order number",
    "order no.",
    "order no",
    "order id",
    "orderid",
    "order",
    "快递号",
    "物流号",
];
pub(super) const CARD_KEYWORDS: &[&str] = &["卡号", "银行卡", "信用卡", "储蓄卡", "借记卡", "card"];
pub(super) const ID_KEYWORDS: &[&str] = &["身份证", "证件"];
pub(super) const COURIERS: &[(&str, &str)] = &[
    ("顺丰", "sf"),
    ("京东", "jd"),
    ("圆通", "yto"),
    ("中通", "zto"),
    ("申通", "sto"),
    ("韵达", "yunda"),
    ("ems", "ems"),
    ("邮政", "ems"),
    ("极兔", "jt"),
];
pub(super) const MODEL_SUFFIXES: &[&str] = &[
    "pro", "pro+", "promax", "max", "ultra", "plus", "mini", "se", "air", "lite", "e",
];
/// Every amount names its currency next to its number: one of these ends
/// right before the first digit (after at most one space) ...
pub(super) const AMOUNT_BEFORE: &[&str] = &["¥", "￥", "$", "rmb", "人民币"];
/// ... or one of these starts right after the last digit (after at most
/// one space). See the amount pattern in [`Detector::new`].
pub(super) const AMOUNT_AFTER: &[&str] = &["元", "块", "圆", "rmb", "人民币"];
/// The suffixes that anchor an address when they follow a digit or letter.
pub(super) const ADDRESS_ANCHOR_SUFFIXES: &[&str] = &["号", "栋", "幢", "座", "室", "单元"];
/// Bytes of context searched for a keyword before / after a number.
pub(super) const KEYWORD_WINDOW_BEFORE: usize = 30;
pub(super) const KEYWORD_WINDOW_AFTER: usize = 15;
/// Longest address span, in characters.
pub(super) const ADDRESS_MAX_CHARS: usize = 60;

// Address grammar. Named pieces are Han text ending in an administrative or
// street suffix; numbered pieces are a number plus 号/栋/单元/室...
/// Characters that never occur inside a named address piece (pronouns,
/// particles, verbs of sending): keeps the address from swallowing the
/// surrounding sentence.
pub(super) const ADDR_NOT_IN_NAME: &str =
    "我你他她您咱是的了呢吗吧啊请帮把就也还要想需给到寄送往住在址";
/// Additional characters that never start a named address piece.
///
/// `成` is here because of `改成` / `写成`; `成都` is added back explicitly.
pub(super) const ADDR_NOT_FIRST: &str = "地收货改换填写发从为家与或及成";
/// (suffix alternatives, min name chars, max name chars)
pub(super) const ADDR_NAMED: &[(&str, usize, usize)] = &[
    ("省", 2, 3),
    ("自治区|自治州", 2, 6),
    ("市", 2, 4),
    ("区|县", 1, 4),
    ("街道", 2, 4),
    ("镇|乡|村", 1, 4),
    ("大道|胡同|路|街|巷|弄", 1, 6),
    ("段", 1, 3),
];
pub(super) const ADDR_ESTATE: &str =
    "小区|花园|家园|新村|公寓|大厦|大楼|广场|中心|国际|华庭|华府|公馆|苑|城";
/// `组` is the rural team number (`王家村三组十五号`).
pub(super) const ADDR_NUMBERED: &str = "号楼|号院|号|栋|幢|座|单元|楼|层|室|弄|期|区|组";
/// Suffixes of numbered pieces that make the span clearly an address.
pub(super) const ADDR_ANCHORS: &[&str] = &["号楼", "号院", "号", "栋", "幢", "座", "室", "单元"];
/// A bare trailing number (`...2单元301`) is kept only after these.
pub(super) const ADDR_TRAIL_AFTER: &[&str] = &[
    "单元", "栋", "幢", "座", "楼", "小区", "花园", "家园", "新村", "公寓", "大厦", "苑", "村",
];
/// `N号` followed by one of these is not part of an address (`2号线`,
/// `四号公路`).
pub(super) const ADDR_NOT_AFTER_HAO: &[&str] =
    &["线", "店", "机", "位", "口", "门", "码", "台", "公路"];

/// Whether `[s, e)` overlaps a span of `pii` (sorted, non-overlapping).
pub(super) fn overlaps_any(pii: &[PiiMatch], s: usize, e: usize) -> bool {
    let i = pii.partition_point(|p| p.end <= s);
    pii.get(i).is_some_and(|p| p.start < e)
}

/// No token continues before byte `p`: the previous byte is not an ASCII
/// letter/digit/underscore, nor a `-`/`.` glued to a digit.
pub(super) fn left_ok(b: &[u8], p: usize) -> bool {
    if p == 0 {
        return true;
    }
    let c = b[p - 1];
    if c.is_ascii_alphanumeric() || c == b'_' {
        return false;
    }
    !((c == b'-' || c == b'.') && p >= 2 && b[p - 2].is_ascii_digit())
}

/// Mirror of [`left_ok`] for the byte at `e`.
pub(super) fn right_ok(b: &[u8], e: usize) -> bool {
    if e >= b.len() {
        return true;
    }
    let c = b[e];
    if c.is_ascii_alphanumeric() || c == b'_' {
        return false;
    }
    !((c == b'-' || c == b'.') && e + 1 < b.len() && b[e + 1].is_ascii_digit())
}

/// Latin brands must stand alone on the left and may only be followed by a
/// non-letter (`iphone15` is fine, `iphones` is not).
pub(super) fn brand_bounds_ok(b: &[u8], s: usize, e: usize) -> bool {
    if !b[s].is_ascii() {
        return true;
    }
    (s == 0 || !b[s - 1].is_ascii_alphanumeric())
        && (e >= b.len() || !b[e].is_ascii_alphabetic() || !b[e - 1].is_ascii_alphabetic())
}

/// Skips up to six separator characters after a keyword (`：`, spaces, `是`,
/// `号码` ...). Returns the new position and whether anything was skipped.
pub(super) fn skip_filler(text: &str, pos: usize) -> (usize, bool) {
    let mut p = pos;
    for c in text[pos..].chars().take(6) {
        if matches!(c, ' ' | ':' | '：' | '#' | '=' | '是' | '为' | '号' | '码') {
            p += c.len_utf8();
        } else {
            break;
        }
    }
    (p, p > pos)
}

/// [`skip_filler`] after a WeChat or QQ name, which customers decorate:
/// `微信搜一搜…`, `vx同号：…`, `v❤ …`, `微信号(区分大小写)…`.
pub(super) fn skip_intro_filler(text: &str, pos: usize) -> (usize, bool) {
    let mut p = pos;
    let mut n = 0;
    while n < 8 {
        let Some(c) = text[p..].chars().next() else {
            break;
        };
        if matches!(
            c,
            ' ' | ':'
                | '：'
                | '#'
                | '='
                | '是'
                | '为'
                | '号'
                | '码'
                | '同'
                | '搜'
                | '一'
                | '+'
                | '➕'
        ) || (c > '\u{2000}'
            && !c.is_alphanumeric()
            && !matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}'))
        {
            p += c.len_utf8();
        } else if matches!(c, '(' | '（') {
            // A short remark in brackets.
            let rest = &text[p..];
            match rest
                .char_indices()
                .take(12)
                .find(|&(_, c)| matches!(c, ')' | '）'))
            {
                Some((k, c)) => p += k + c.len_utf8(),
                None => break,
            }
        } else {
            break;
        }
        n += 1;
    }
    (p, p > pos)
}

/// End of the run of bytes satisfying `pred` starting at `p`, or `None` when
/// the run is longer than `max` bytes (bounded work per call).
pub(super) fn ascii_run(
    b: &[u8],
    p: usize,
    max: usize,
    pred: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut q = p;
    while q < b.len() && pred(b[q]) {
        q += 1;
        if q - p > max {
            return None;
        }
    }
    Some(q)
}

/// Whether `text[..pos]`, after separator characters, ends with one of
/// `keywords` (the number at `pos` is directly introduced by it).
pub(super) fn introduced_by(text: &str, pos: usize, keywords: &[&str]) -> bool {
    let mut head = &text[..pos];
    for _ in 0..6 {
        match head.chars().next_back() {
            Some(c @ (' ' | ':' | '：' | '#' | '=' | '是' | '为')) => {
                head = &head[..head.len() - c.len_utf8()];
            }
            _ => break,
        }
    }
    keywords.iter().any(|k| head.ends_with(k))
}

pub(super) fn window_before(text: &str, pos: usize, bytes: usize) -> &str {
    let mut s = pos.saturating_sub(bytes);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    &text[s..pos]
}

pub(super) fn window_after(text: &str, pos: usize, bytes: usize) -> &str {
    let mut e = (pos + bytes).min(text.len());
    while !text.is_char_boundary(e) {
        e -= 1;
    }
    &text[pos..e]
}

pub(super) fn keyword_near(text: &str, s: usize, e: usize, keywords: &[&str]) -> bool {
    let before = window_before(text, s, KEYWORD_WINDOW_BEFORE);
    let after = window_after(text, e, KEYWORD_WINDOW_AFTER);
    keywords
        .iter()
        .any(|k| before.contains(k) || after.contains(k))
}

pub(super) fn courier_near(text: &str, s: usize) -> Option<&'static str> {
    let before = window_before(text, s, KEYWORD_WINDOW_BEFORE);
    COURIERS
        .iter()
        .find(|(name, _)| before.contains(name))
        .map(|&(_, code)| code)
}

/// Courier of an all-digit tracking number `text[s..e]`, if recognisable.
pub(super) fn digit_carrier(text: &str, s: usize, e: usize) -> Option<&'static str> {
    let d = &text.as_bytes()[s..e];
    let near = |name: &str| window_before(text, s, KEYWORD_WINDOW_BEFORE).contains(name);
    match d.len() {
        12 if d.starts_with(b"73") || d.starts_with(b"75") => Some("zto"),
        12 | 14 if near("中通") => Some("zto"),
        12 if near("顺丰") => Some("sf"),
        13 if d.starts_with(b"77") => Some("sto"),
        13 if (d.starts_with(b"43") || d.starts_with(b"31")) && near("韵达") => Some("yunda"),
        _ => None,
    }
}
