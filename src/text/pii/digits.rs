//! Digit groups: runs of digits split by spaces or dashes, read as one number
//! and decided by length, prefix and checksum; digit-only tracking and order
//! numbers.

use crate::text::pii::checksum::{id15_valid, id18_valid, luhn_digits};
use crate::text::pii::context::{
    CARD_KEYWORDS, ID_KEYWORDS, KEYWORD_WINDOW_BEFORE, ORDER_INTRO, digit_carrier, introduced_by,
    keyword_near, left_ok, right_ok, window_before,
};
use crate::text::pii::kinds::{EntityKind, EntityMatch, PiiKind, PiiMatch};
use crate::text::pii::obfuscated;

/// Tracking numbers made of digits only, and 16-20 digit order numbers that
/// start with a year (`20xx`).
pub(super) fn scan_entity_digit_runs(text: &str, out: &mut Vec<EntityMatch>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let e = i;
        if !left_ok(b, s) || !right_ok(b, e) {
            continue;
        }
        if let Some(carrier) = digit_carrier(text, s, e) {
            out.push(EntityMatch {
                kind: EntityKind::TrackingNumber,
                start: s,
                end: e,
                carrier: Some(carrier),
            });
        } else if (16..=20).contains(&(e - s)) && b[s..].starts_with(b"20") {
            out.push(EntityMatch {
                kind: EntityKind::OrderNumber,
                start: s,
                end: e,
                carrier: None,
            });
        }
    }
}

// ----- digit groups --------------------------------------------------------

/// Segments looked at from one start: 11 for a phone written digit by
/// digit (1 3 8 1 2 3 4 5 6 7 8).
pub(super) const MAX_SEGS: usize = 12;
pub(super) const MAX_DIGITS: usize = 24;

/// A run of ASCII digits `b[s..e]`.
#[derive(Clone, Copy, Default)]
pub(super) struct Seg {
    pub(super) s: usize,
    pub(super) e: usize,
}

impl Seg {
    pub(super) fn len(self) -> usize {
        self.e - self.s
    }
}

pub(super) fn seg_at(b: &[u8], s: usize) -> Seg {
    let mut e = s;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    Seg { s, e }
}

/// The segment after `prev` when joined by exactly one separator: a space
/// or dash, or the `.` `*` `/` people use to dodge filters (138.1234.5678).
/// Every detector still demands its own grouping (3-4-4, 6-8-4, fours), so
/// amounts and dates such as 99.9 or 2024.11.11 never match.
pub(super) fn next_seg(b: &[u8], prev: Seg) -> Option<Seg> {
    let e = prev.e;
    if e + 1 < b.len()
        && matches!(b[e], b' ' | b'-' | b'.' | b'*' | b'/')
        && b[e + 1].is_ascii_digit()
    {
        Some(seg_at(b, e + 1))
    } else {
        None
    }
}

pub(super) fn gather(b: &[u8], segs: &[Seg], buf: &mut [u8; MAX_DIGITS]) -> Option<usize> {
    let mut n = 0;
    for s in segs {
        let d = &b[s.s..s.e];
        if n + d.len() > MAX_DIGITS {
            return None;
        }
        buf[n..n + d.len()].copy_from_slice(d);
        n += d.len();
    }
    Some(n)
}

pub(super) fn lens_are(win: &[Seg], lens: &[usize]) -> bool {
    win.len() >= lens.len() && win.iter().zip(lens).all(|(s, &l)| s.len() == l)
}

/// Tries every digit-based PII candidate that starts with `win[0]`; pushes
/// the match and returns how many segments it used (1 when nothing matched).
pub(super) fn match_digit_window(text: &str, win: &[Seg], out: &mut Vec<PiiMatch>) -> usize {
    let b = text.as_bytes();
    let s0 = win[0].s;
    if !left_ok(b, s0) {
        return 1;
    }
    let start_with_plus = if s0 > 0 && b[s0 - 1] == b'+' {
        s0 - 1
    } else {
        s0
    };
    if introduced_by(text, start_with_plus, ORDER_INTRO) {
        return 1;
    }
    let mut buf = [0u8; MAX_DIGITS];
    let mut push = |kind, start, end| out.push(PiiMatch { kind, start, end });

    // 18-digit ID: unbroken, or grouped 6-8-4; the check char may be `x`.
    for groups in [&[18usize][..], &[17], &[6, 8, 4], &[6, 8, 3]] {
        if !lens_are(win, groups) {
            continue;
        }
        let k = groups.len() - 1;
        let mut end = win[k].e;
        let n = gather(b, &win[..=k], &mut buf).unwrap_or(0);
        if n == 17 {
            if !matches!(b.get(end), Some(b'x' | b'X')) {
                continue;
            }
            buf[17] = b[end];
            end += 1;
        }
        if right_ok(b, end) && id18_valid(&buf[..18]) {
            push(PiiKind::IdCard, s0, end);
            return k + 1;
        }
    }

    // Mobile phone with an optional 86 / 0086 prefix, 3-4-4 grouping.
    if let Some((used, start, end)) = phone_candidate(b, win, start_with_plus) {
        push(PiiKind::Phone, start, end);
        return used;
    }

    // Old 15-digit ID, only after a keyword.
    for groups in [&[15usize][..], &[6, 6, 3]] {
        if lens_are(win, groups) {
            let k = groups.len() - 1;
            let end = win[k].e;
            let n = gather(b, &win[..=k], &mut buf).unwrap_or(0);
            let before = window_before(text, s0, KEYWORD_WINDOW_BEFORE);
            if n == 15
                && right_ok(b, end)
                && id15_valid(&buf[..15])
                && ID_KEYWORDS.iter().any(|k| before.contains(k))
            {
                push(PiiKind::IdCard, s0, end);
                return k + 1;
            }
        }
    }

    // Bank card: 13-19 digits, unbroken or in groups of four.
    let mut k = 0;
    if win[0].len() == 4 {
        let mut total = 4;
        while k + 1 < win.len() && win[k + 1].len() == 4 && total + 4 <= 19 {
            k += 1;
            total += 4;
        }
        if k + 1 < win.len()
            && (1..=3).contains(&win[k + 1].len())
            && total + win[k + 1].len() <= 19
        {
            k += 1;
        }
    }
    let end = win[k].e;
    if let Some(n) = gather(b, &win[..=k], &mut buf) {
        let digits = &buf[..n];
        if (13..=19).contains(&n)
            && right_ok(b, end)
            && luhn_digits(digits)
            && (keyword_near(text, s0, end, CARD_KEYWORDS) || obfuscated::issuer_ok(digits))
        {
            push(PiiKind::BankCard, s0, end);
            return k + 1;
        }
    }
    1
}

/// Mobile number starting at `win[0]`: returns (segments used, start, end).
pub(super) fn phone_candidate(
    b: &[u8],
    win: &[Seg],
    start_with_plus: usize,
) -> Option<(usize, usize, usize)> {
    let first = &b[win[0].s..win[0].e];
    // (segment index of the national number, byte offset inside it)
    let mut options = [(0usize, 0usize); 3];
    let mut n_opt = 0;
    if (first == b"86" || first == b"0086") && win.len() > 1 {
        options[n_opt] = (1, 0);
        n_opt += 1;
    }
    for prefix in [&b"86"[..], b"0086"] {
        if first.starts_with(prefix) && matches!(first.len() - prefix.len(), 3 | 7 | 11) {
            options[n_opt] = (0, prefix.len());
            n_opt += 1;
        }
    }
    options[n_opt] = (0, 0);
    n_opt += 1;
    for &(j, off) in &options[..n_opt] {
        let national_start = win[j].s + off;
        // The second digit may sit in the next segment (1 3 8 …).
        let second = if win[j].len() - off >= 2 {
            b.get(national_start + 1)
        } else {
            win.get(j + 1).map(|t| &b[t.s])
        };
        if b[national_start] != b'1' || !matches!(second, Some(b'3'..=b'9')) {
            continue;
        }
        let head = win[j].len() - off;
        let rest = &win[j + 1..];
        let more: usize = match head {
            11 => 0,
            3 if lens_are(rest, &[4, 4]) => 2,
            3 if lens_are(rest, &[8]) => 1,
            7 if lens_are(rest, &[4]) => 1,
            // Every digit on its own: 1 3 8 1 2 3 4 5 6 7 8, and no twelfth.
            1 if off == 0
                && lens_are(rest, &[1; 10])
                && rest.get(10).is_none_or(|s| s.len() != 1) =>
            {
                10
            }
            _ => continue,
        };
        let last = j + more;
        let end = win[last].e;
        if !right_ok(b, end) {
            continue;
        }
        let prefixed = j > 0 || off > 0;
        let start = if prefixed { start_with_plus } else { win[0].s };
        return Some((last + 1, start, end));
    }
    None
}
