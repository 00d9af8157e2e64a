//! Personal data written to get past filters.
//!
//! Customers and scrapers write a phone number as `159转8765转4321`,
//! `一五九八七六五四三二一`, `幺勾六拐洞三…`, `¹⁵⁷…`, `tel13500135000`; an ID
//! in groups of three or in Chinese numerals; an e-mail as `name at qq dot
//! com` or `name艾特qq.com`; a house number as `十二号`. Three pieces read
//! them:
//!
//! - [`View`]: the normalized text with every numeral run read as ASCII
//!   digits (`一百零八号` → `108号`, `三二六` → `326`, `¹⁵⁷` → `157`), and
//!   a map back. Every detector runs on it, so the address grammar and the
//!   digit scanners need no second spelling of numbers. It is built only
//!   when the text has a numeral run that could matter (three numerals in a
//!   row, or one before an address suffix).
//! - [`scan_loose_numbers`]: digit groups joined by any short run of
//!   separators or a filler word (`转`, `杠`, `嗯`), with letters allowed
//!   to touch. Checksums decide, not the grouping: an ID must pass its
//!   check character and date, a card Luhn plus a card length and a known
//!   issuer prefix (or a card keyword), a phone the mobile prefixes. Every
//!   group but the last has three digits or more (or every group has one),
//!   so prices, dates and times (`13.5、18.8`, `2024-11-11 20:30`) never
//!   add up to a number; order and tracking numbers keep their exemption.
//! - [`scan_obfuscated_emails`]: an `@` spelled out (`at`, `(at)`, `艾特`,
//!   `小老鼠`, `圈a`, `ⓐ`) or dots spelled out (`dot`, `点`, `。`, `,`), with
//!   spaces around them, accepted only when the domain ends in a known
//!   top-level domain.

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, Input};

use crate::text::pii::checksum::{id15_valid, id18_valid, is_mobile, luhn_digits};
use crate::text::pii::context::{
    CARD_KEYWORDS, ID_KEYWORDS, ORDER_INTRO, introduced_by, keyword_near, window_before,
};
use crate::text::pii::kinds::{PiiKind, PiiMatch};

// ---------------------------------------------------------------------------
// Numerals
// ---------------------------------------------------------------------------

/// The digit a character other than an ASCII digit stands for: Chinese,
/// financial and spoken numerals (`幺` 1, `两` 2, `拐` 7, `洞` 0, `勾` 9),
/// super- and subscripts, circled zero. Full-width and circled 1–9 are
/// already ASCII after normalization.
pub(super) fn numeral_digit(c: char) -> Option<u8> {
    Some(match c {
        '〇' | '零' | '洞' | '⓪' | '⁰' | '₀' => 0,
        '一' | '壹' | '幺' | '¹' | '₁' => 1,
        '二' | '贰' | '貳' | '两' | '²' | '₂' => 2,
        '三' | '叁' | '³' | '₃' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' | '拐' => 7,
        '八' | '捌' => 8,
        '九' | '玖' | '勾' => 9,
        '⁴'..='⁹' => c as u32 as u8 - 0x70, // U+2074..U+2079
        '₄'..='₉' => (c as u32 - '₀' as u32) as u8,
        _ => return None,
    })
}

/// The value of a positional unit (`十`, `百`, `千` and their financial
/// forms).
fn unit_value(c: char) -> Option<u32> {
    match c {
        '十' | '拾' => Some(10),
        '百' | '佰' => Some(100),
        '千' | '仟' => Some(1000),
        _ => None,
    }
}

/// Circled numbers ⑩–⑳, read as two digits.
fn circled_two_digits(c: char) -> Option<u32> {
    matches!(c, '⑩'..='⑳').then(|| c as u32 - '⑩' as u32 + 10)
}

fn digit_of(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        Some(c as u8 - b'0')
    } else {
        numeral_digit(c)
    }
}

/// `一百零八` → 108, `二十六` → 26, `十二` → 12; `None` when the run is not
/// a well-formed positional number (two digits in a row, units out of
/// order).
fn positional(run: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut cur: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in run.chars() {
        if let Some(u) = unit_value(c) {
            if u >= last_unit {
                return None;
            }
            total += cur.unwrap_or(1) * u;
            cur = None;
            last_unit = u;
        } else {
            let d = u32::from(digit_of(c)?);
            if d == 0 {
                if cur.is_some() {
                    return None;
                }
                continue;
            }
            if cur.is_some() {
                return None;
            }
            cur = Some(d);
        }
    }
    Some(total + cur.unwrap_or(0))
}

/// Whether a single numeral before `c` is a house or building number. A
/// match: a substring search of a list of these characters after every
/// numeral (一个, 一下 …) was a tenth of the view test.
fn address_after(c: char) -> bool {
    matches!(
        c,
        '号' | '栋' | '幢' | '单' | '室' | '组' | '楼' | '层' | '院' | '座' | '弄' | '期' | '区'
    )
}

/// Every character other than an ASCII digit that [`numeral_digit`],
/// [`unit_value`] or [`circled_two_digits`] reads.
const RUN_CHARS: &str = "〇零洞⓪⁰₀一壹幺¹₁二贰貳两²₂三叁³₃四肆五伍六陆陸七柒拐八捌九玖勾\
                         ⁴⁵⁶⁷⁸⁹₄₅₆₇₈₉十拾百佰千仟⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

/// The character of [`RUN_CHARS`] at byte `i`, and its length
/// (the list is valid UTF-8 of one to three bytes per character).
const fn run_char_at(b: &[u8], i: usize) -> (u32, usize) {
    if b[i] < 0x80 {
        (b[i] as u32, 1)
    } else if b[i] < 0xe0 {
        ((((b[i] & 0x1f) as u32) << 6) | (b[i + 1] & 0x3f) as u32, 2)
    } else {
        (
            (((b[i] & 0x0f) as u32) << 12)
                | (((b[i + 1] & 0x3f) as u32) << 6)
                | (b[i + 2] & 0x3f) as u32,
            3,
        )
    }
}

/// A bitmap of the characters of [`RUN_CHARS`] (only the three-byte ones
/// when `three_bytes_only`), each at bit `code point & mask`.
const fn run_bitmap<const N: usize>(mask: u32, three_bytes_only: bool) -> [u64; N] {
    let mut bits = [0u64; N];
    let b = RUN_CHARS.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let (c, n) = run_char_at(b, i);
        if c > 0x20 && (n == 3 || !three_bytes_only) {
            let k = c & mask;
            bits[(k >> 6) as usize] |= 1 << (k & 63);
        }
        i += n;
    }
    bits
}

/// [`RUN_CHARS`] as a bitmap over the Basic Multilingual Plane: one load per
/// character. `in_run` was 9% of the whole triage as a chain of matches
/// (perf over `profile_triage`), since it looks at every character of
/// every non-ASCII inquiry.
static RUN_BITS: [u64; 1024] = run_bitmap(0xffff, false);

/// The low 12 bits of every three-byte character of [`RUN_CHARS`], which
/// are the six low bits of its last two bytes: a three-byte character
/// whose last two bytes are not here is no numeral, known without decoding
/// it (one in about 75 of the others shares them).
static RUN_LOW12: [u64; 64] = run_bitmap(0xfff, true);

/// Whether `c` belongs in a numeral run.
fn in_run(c: char) -> bool {
    let c = c as u32;
    c < 0x10000 && (RUN_BITS[(c >> 6) as usize] >> (c & 63)) & 1 != 0 || (0x30..=0x39).contains(&c)
}

// ---------------------------------------------------------------------------
// The view
// ---------------------------------------------------------------------------

/// Normalized text with numerals read as ASCII digits, and a map from its
/// bytes back to the normalized text.
#[derive(Debug, Default)]
pub(super) struct View {
    pub(super) text: String,
    /// In view order, each stretch of the view: copied from the normalized
    /// text as it is, or the digits a numeral (run) was read as.
    pieces: Vec<Piece>,
}

/// A stretch of the [`View`] from byte `view` up to the next piece's.
#[derive(Clone, Copy, Debug)]
struct Piece {
    view: u32,
    /// The normalized span it stands for. A copy maps byte for byte (its
    /// `src_end - src` is its length in the view); every byte of a reading
    /// stands for the whole span.
    src: u32,
    src_end: u32,
    copy: bool,
}

thread_local! {
    /// One view per thread, reused: the engine allocates nothing per
    /// inquiry once warm.
    static VIEW: RefCell<View> = RefCell::new(View::default());
}

/// Runs `f` on the view of `text` when reading numerals changes something
/// that matters, and returns `None` otherwise (`f` is not called).
pub(super) fn with_view<R>(text: &str, f: impl FnOnce(&View) -> R) -> Option<R> {
    if !View::needed(text) {
        return None;
    }
    VIEW.with(|cell| match cell.try_borrow_mut() {
        Ok(mut v) => {
            v.build(text);
            Some(f(&v))
        }
        // Re-entered on this thread (never, today): a private view.
        Err(_) => {
            let mut v = View::default();
            v.build(text);
            Some(f(&v))
        }
    })
}

impl View {
    /// A numeral run of three or more characters with one not an ASCII
    /// digit, or a non-ASCII numeral right before an address suffix.
    fn needed(text: &str) -> bool {
        Self::needed_with(text, true)
    }

    /// [`View::needed`]; `skip` false decodes every character (for the
    /// test that both agree).
    #[inline(always)]
    fn needed_with(text: &str, skip: bool) -> bool {
        if text.is_ascii() {
            return false;
        }
        let b = text.as_bytes();
        let mut foreign = 0usize;
        let mut ascii = false;
        let mut i = 0;
        while i < b.len() {
            // Outside a run, a three-byte character that no numeral ends
            // like only ends the run state: most characters, skipped
            // without decoding them (decoding each was a third of the mask
            // stage).
            if skip
                && foreign == 0
                && (0xe0..0xf0).contains(&b[i])
                && let (Some(&x), Some(&y)) = (b.get(i + 1), b.get(i + 2))
            {
                let low = usize::from(x & 0x3f) << 6 | usize::from(y & 0x3f);
                if (RUN_LOW12[low >> 6] >> (low & 63)) & 1 == 0 {
                    ascii = false;
                    i += 3;
                    continue;
                }
            }
            let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            if in_run(c) {
                if c.is_ascii_digit() {
                    ascii = true;
                } else {
                    foreign += 1;
                    if foreign >= 3 || circled_two_digits(c).is_some() {
                        return true;
                    }
                }
            } else {
                if foreign > 0 && !ascii && address_after(c) {
                    return true;
                }
                foreign = 0;
                ascii = false;
            }
        }
        false
    }

    /// Copies `s`, which starts at `start` of the normalized text, byte for
    /// byte: a piece of its own, or the end of the copy before it.
    fn copy(&mut self, s: &str, start: usize) {
        if s.is_empty() {
            return;
        }
        let end = (start + s.len()) as u32;
        match self.pieces.last_mut() {
            Some(p) if p.copy && p.src_end == start as u32 => p.src_end = end,
            _ => self.pieces.push(Piece {
                view: self.text.len() as u32,
                src: start as u32,
                src_end: end,
                copy: true,
            }),
        }
        self.text.push_str(s);
    }

    /// Digits `s` read from the normalized span `start..end`.
    fn push(&mut self, s: &str, start: usize, end: usize) {
        self.pieces.push(Piece {
            view: self.text.len() as u32,
            src: start as u32,
            src_end: end as u32,
            copy: false,
        });
        self.text.push_str(s);
    }

    fn build(&mut self, text: &str) {
        self.text.clear();
        self.pieces.clear();
        // Text outside numeral runs is copied a stretch at a time.
        let mut copied = 0;
        let mut i = 0;
        while i < text.len() {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !in_run(c) {
                i += c.len_utf8();
                continue;
            }
            self.copy(&text[copied..i], copied);
            let run_end = text[i..]
                .char_indices()
                .find(|&(_, c)| !in_run(c))
                .map_or(text.len(), |(k, _)| i + k);
            let run = &text[i..run_end];
            if run.chars().any(|c| unit_value(c).is_some()) {
                match positional(run) {
                    Some(v) => {
                        let mut digits = [0u8; 10];
                        let s = format_u32(v, &mut digits);
                        self.push(s, i, run_end);
                    }
                    None => self.copy(run, i),
                }
            } else if run.bytes().any(|c| c.is_ascii_digit())
                && run.chars().filter(|c| !c.is_ascii_digit()).count() < 3
            {
                // ASCII digits beside one or two numerals (`…0005两张`):
                // the numerals are words, not digits of the number.
                self.copy(run, i);
            } else {
                for (k, c) in run.char_indices() {
                    let (s, e) = (i + k, i + k + c.len_utf8());
                    if c.is_ascii_digit() {
                        self.copy(&run[k..k + 1], s);
                    } else if let Some(v) = circled_two_digits(c) {
                        let mut digits = [0u8; 10];
                        let t = format_u32(v, &mut digits);
                        self.push(t, s, e);
                    } else {
                        let d = digit_of(c).unwrap_or(0);
                        let t = [b'0' + d];
                        self.push(std::str::from_utf8(&t).unwrap_or("0"), s, e);
                    }
                }
            }
            i = run_end;
            copied = run_end;
        }
        self.copy(&text[copied..], copied);
    }

    /// The piece holding view byte `p` (`p` < the view's length, which
    /// the pieces cover from 0), and where the next piece starts.
    fn piece_at(&self, p: usize) -> (Piece, usize) {
        let k = self.pieces.partition_point(|x| x.view as usize <= p);
        let piece = k.checked_sub(1).and_then(|k| self.pieces.get(k)).copied();
        let next = self
            .pieces
            .get(k)
            .map_or(self.text.len(), |x| x.view as usize);
        let whole = Piece {
            view: 0,
            src: 0,
            src_end: self.text.len() as u32,
            copy: true,
        };
        (piece.unwrap_or(whole), next)
    }

    /// The normalized offset where the character holding view byte `p`
    /// starts.
    fn source_start(&self, p: usize) -> usize {
        let (piece, _) = self.piece_at(p);
        if !piece.copy {
            return piece.src as usize;
        }
        let mut q = p;
        while q > piece.view as usize && !self.text.is_char_boundary(q) {
            q -= 1;
        }
        piece.src as usize + (q - piece.view as usize)
    }

    /// The normalized offset where the character holding view byte `p`
    /// ends.
    fn source_end(&self, p: usize) -> usize {
        let (piece, next) = self.piece_at(p);
        if !piece.copy {
            return piece.src_end as usize;
        }
        let mut q = p + 1;
        while q < next && !self.text.is_char_boundary(q) {
            q += 1;
        }
        piece.src as usize + (q - piece.view as usize)
    }

    /// The normalized span of view bytes `start..end`.
    pub(super) fn source_span(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || end > self.text.len() {
            let p = if start < self.text.len() {
                self.source_start(start)
            } else {
                0
            };
            return (p, p);
        }
        (self.source_start(start), self.source_end(end - 1))
    }
}

fn format_u32(mut v: u32, buf: &mut [u8; 10]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

// ---------------------------------------------------------------------------
// Loose digit groups
// ---------------------------------------------------------------------------

/// Groups looked at together; a window never needs more than 19 (one
/// digit per group) plus a country prefix.
const MAX_GROUPS: usize = 48;
const WINDOW_GROUPS: usize = 22;
/// Longest window, in digits: a 19-digit card, or `0086` + 11.
const MAX_WINDOW_DIGITS: usize = 19;

/// Separators between two groups of one number.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-'
            | '_'
            | '.'
            | ','
            | '/'
            | '\\'
            | '|'
            | '*'
            | '~'
            | '·'
            | '，'
            | '、'
            | '。'
            | '．'
            | '～'
            | '—'
            | '–'
            | '―'
            | '‒'
            | '－'
            | '｜'
            // A closing bracket after an area-code-like first group
            // (`(199)9651-0079`); an opening one starts something else
            // (`1799（1999-200`, prices).
            | ')'
            | '）'
            | ':'
            | '：'
            | '\u{a0}'
            | '+'
            | '\''
    )
}

/// Words people put between groups to split a number (`133转1432转7962`).
fn is_filler(c: char) -> bool {
    matches!(c, '转' | '杠' | '嗯' | '呃')
}

/// Whether `gap` may stand between two groups of one number: at most three
/// characters, separators and at most one filler word.
fn gap_ok(gap: &str) -> bool {
    let mut n = 0;
    let mut fillers = 0;
    for c in gap.chars() {
        n += 1;
        if n > 3 {
            return false;
        }
        if is_filler(c) {
            fillers += 1;
        } else if !is_separator(c) {
            return false;
        }
    }
    n > 0 && fillers <= 1
}

/// Letter prefixes of tracking numbers (`SF`, `YT`, `JT` ...): digits
/// touching them are a tracking number, not personal data.
const COURIER_LETTERS: &[&[u8]] = &[
    b"sf", b"yt", b"jt", b"jd", b"zt", b"zto", b"sto", b"yd", b"ems", b"db", b"jdv", b"jdva",
    b"ky", b"dpk", b"best", b"ht", b"tt", b"yto", b"cn",
];

/// Known issuer prefixes and their card lengths. Thirteen-digit cards are
/// left to the keyword rule: a 13-digit tracking number that starts with 4
/// passes Luhn one time in ten.
pub(super) fn issuer_ok(d: &[u8]) -> bool {
    let n = d.len();
    if !(14..=19).contains(&n) || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let prefix = |k: usize| -> u32 { d[..k].iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0')) };
    let (p2, p3, p4) = (prefix(2), prefix(3), prefix(4));
    let long = (16..=19).contains(&n);
    match n {
        15 => p2 == 34 || p2 == 37,
        14 => (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39,
        _ => {
            (d[0] == b'4' && (n == 16 || n == 19))
                || (n == 16 && ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)))
                || (long
                    && (p2 == 62
                        || p2 == 60
                        || p2 == 65
                        || p2 == 81
                        || (644..=649).contains(&p3)
                        || (3528..=3589).contains(&p4)
                        || (300..=305).contains(&p3)
                        || p2 == 36
                        || p4 == 9558
                        || p4 == 9559))
        }
    }
}

/// A gap of one `-`, `.` or `/`: the groups on either side are one token.
fn tight(gap: &str) -> bool {
    matches!(gap, "-" | "." | "/")
}

#[derive(Clone, Copy, Default)]
struct Group {
    s: usize,
    e: usize,
}

/// Finds phones, IDs, bank cards and QQ numbers written as digit groups
/// with any short separators, filler words or letters around them.
pub(super) fn scan_loose_numbers(text: &str, out: &mut Vec<PiiMatch>) {
    let b = text.as_bytes();
    let mut groups = [Group::default(); MAX_GROUPS];
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        let g = Group { s: i, e };
        if n > 0 && !gap_ok(&text[groups[n - 1].e..g.s]) {
            run_windows(text, &groups[..n], n, out);
            n = 0;
        }
        if n == MAX_GROUPS {
            // Windows that start in the first part are decided; keep the
            // rest (and a margin) for the windows that start later.
            let keep = WINDOW_GROUPS;
            let done = run_windows(text, &groups[..n], n - keep, out);
            let from = done.min(n);
            groups.copy_within(from..n, 0);
            n -= from;
        }
        groups[n] = g;
        n += 1;
        i = e;
    }
    if n > 0 {
        run_windows(text, &groups[..n], n, out);
    }
}

/// Decides the windows of a run of groups that start before `start_limit`;
/// returns the index of the first group not yet consumed.
fn run_windows(text: &str, g: &[Group], start_limit: usize, out: &mut Vec<PiiMatch>) -> usize {
    let mut i = 0;
    while i < start_limit.min(g.len()) {
        match best_window(text, g, i) {
            Some((j, kind, end)) => {
                out.push(PiiMatch {
                    kind,
                    start: g[i].s,
                    end,
                });
                i = j + 1;
            }
            None => i += 1,
        }
    }
    i
}

/// ASCII letters right before `pos` (at most 8; the text is lowercased).
fn letters_before(b: &[u8], pos: usize) -> &[u8] {
    let mut s = pos;
    while s > 0 && b[s - 1].is_ascii_alphabetic() && pos - s < 8 {
        s -= 1;
    }
    &b[s..pos]
}

/// The longest valid number starting at group `i`: (last group, kind, end).
fn best_window(text: &str, g: &[Group], i: usize) -> Option<(usize, PiiKind, usize)> {
    let b = text.as_bytes();
    let s0 = g[i].s;
    // A number the text calls an order or tracking number stays.
    let letters = letters_before(b, s0);
    if COURIER_LETTERS.contains(&letters) {
        return None;
    }
    if introduced_by(text, s0 - letters.len(), ORDER_INTRO) {
        return None;
    }
    // An amount (`¥1388`, `1388元`) is not an id.
    if text[..s0].ends_with(['¥', '￥', '$']) {
        return None;
    }
    // Inside a longer token (`2024-13812345678`, `1.13812345678`): one of
    // `-` `.` `/` binds it to the group before, so it starts no number.
    if i > 0 && tight(&text[g[i - 1].e..s0]) {
        return None;
    }
    let mut digits = [0u8; MAX_WINDOW_DIGITS + 5];
    let mut len = 0;
    let mut best = None;
    let single = |k: usize| g[k].e - g[k].s == 1;
    let all_single = single(i);
    for j in i..g.len().min(i + WINDOW_GROUPS) {
        let d = &b[g[j].s..g[j].e];
        if len + d.len() > digits.len() {
            break;
        }
        // Shape: every group but the last has 3+ digits, or all have one.
        if j > i {
            let prev_ok = if all_single {
                single(j - 1) && single(j)
            } else {
                g[j - 1].e - g[j - 1].s >= 3
            };
            if !prev_ok {
                break;
            }
        }
        digits[len..len + d.len()].copy_from_slice(d);
        len += d.len();
        let end = g[j].e;
        let after = text[end..].chars().next();
        if matches!(after, Some('元' | '块' | '%'))
            || (j + 1 < g.len() && tight(&text[end..g[j + 1].s]))
        {
            continue;
        }
        if let Some((kind, end)) = classify(text, &digits[..len], s0, end) {
            best = Some((j, kind, end));
        }
    }
    if best.is_none() && qq_intro_before(text, s0) {
        // The whole rest of the run, when it has a QQ number's length.
        let mut len = 0;
        let mut last = None;
        for (j, grp) in g.iter().enumerate().skip(i) {
            len += grp.e - grp.s;
            if len > 11 {
                last = None;
                break;
            }
            last = Some(j);
        }
        if let Some(j) = last
            && len >= 5
            && b[s0] != b'0'
        {
            return Some((j, PiiKind::Qq, g[j].e));
        }
    }
    best
}

/// The end of an ID's check character `x` right after `e`, or after a
/// separator run (`… 308425 X`, `… - X`).
fn check_x_after(text: &str, e: usize) -> Option<usize> {
    let mut fillers = 0;
    for (k, c) in text[e..].char_indices().take(4) {
        match c {
            'x' | 'X' => return Some(e + k + 1),
            _ if is_separator(c) => {}
            _ if is_filler(c) && fillers == 0 => fillers += 1,
            _ => return None,
        }
    }
    None
}

/// The kind and end of the number `d` at `s..e` of `text`, if it is one.
fn classify(text: &str, d: &[u8], s: usize, e: usize) -> Option<(PiiKind, usize)> {
    let n = d.len();
    if n == 17
        && let Some(x_end) = check_x_after(text, e)
    {
        let mut id = [0u8; 18];
        id[..17].copy_from_slice(d);
        id[17] = b'x';
        if id18_valid(&id) {
            return Some((PiiKind::IdCard, x_end));
        }
    }
    if n == 18 && id18_valid(d) {
        return Some((PiiKind::IdCard, e));
    }
    if (n == 11 && is_mobile(d))
        || (n == 13 && d.starts_with(b"86") && is_mobile(&d[2..]))
        || (n == 15 && d.starts_with(b"0086") && is_mobile(&d[4..]))
    {
        return Some((PiiKind::Phone, e));
    }
    if n == 15 && id15_valid(d) {
        let before = window_before(text, s, 30);
        if ID_KEYWORDS.iter().any(|k| before.contains(k)) {
            return Some((PiiKind::IdCard, e));
        }
    }
    if (13..=19).contains(&n)
        && luhn_digits(d)
        && (issuer_ok(d) || keyword_near(text, s, e, CARD_KEYWORDS))
    {
        return Some((PiiKind::BankCard, e));
    }
    None
}

/// Words that introduce a QQ number, as normalized (lowercase, no spaces
/// between Han characters).
const QQ_INTROS: &[&str] = &["qq", "q q", "扣扣", "企鹅", "秋秋", "扣", "q"];

/// Whether a QQ keyword stands right before `pos` (fillers such as `号`,
/// `是`, `:` allowed between).
fn qq_intro_before(text: &str, pos: usize) -> bool {
    let mut head = &text[..pos];
    for _ in 0..6 {
        match head.chars().next_back() {
            Some(c @ (' ' | ':' | '：' | '#' | '=' | '是' | '为' | '号' | '码' | '的')) => {
                head = &head[..head.len() - c.len_utf8()];
            }
            _ => break,
        }
    }
    QQ_INTROS.iter().any(|k| {
        head.ends_with(k) && {
            let before = &head.as_bytes()[..head.len() - k.len()];
            // A Latin keyword stands alone (`q` in `faq` is not one).
            !(k.as_bytes()[0].is_ascii_alphabetic()
                && before.last().is_some_and(u8::is_ascii_alphanumeric))
        }
    })
}

// ---------------------------------------------------------------------------
// E-mail with the `@` or the dots spelled out
// ---------------------------------------------------------------------------

/// Spellings of `@`, as normalized (lowercase ASCII). Latin `at` must stand
/// apart from the words around it (spaces, brackets or dashes).
pub(super) const AT_TOKENS: &[&str] = &[
    "@",
    "(at)",
    "[at]",
    "{at}",
    "<at>",
    "（at）",
    "【at】",
    "-at-",
    "艾特",
    "小老鼠",
    "圈a",
    "ⓐ",
    " at ",
];

/// Spellings of `.` between domain labels.
const DOT_TOKENS: &[&str] = &[
    "(dot)",
    "[dot]",
    "{dot}",
    "<dot>",
    "（dot）",
    "【dot】",
    "-dot-",
    " dot ",
    ".",
    "。",
    "．",
    "·",
    ",",
    "，",
    "点",
];

/// Top-level domains accepted after a spelled-out `@` or dot.
const TLDS: &[&str] = &[
    "com", "cn", "net", "org", "edu", "gov", "io", "me", "info", "co", "top", "vip", "xyz", "hk",
    "tw", "jp", "uk", "us", "de", "fr", "ru", "cc", "tv", "biz", "mobi", "ai", "sg", "kr", "au",
    "ca", "mo",
];

fn local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn label_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Skips spaces at `p`.
fn skip_spaces(b: &[u8], mut p: usize) -> usize {
    while p < b.len() && b[p] == b' ' {
        p += 1;
    }
    p
}

/// The token of `tokens` at `p` (spaces around it allowed), and the
/// position after it.
fn token_at(text: &str, p: usize, tokens: &[&str]) -> Option<usize> {
    let b = text.as_bytes();
    let q = skip_spaces(b, p);
    for t in tokens {
        // ` at ` / ` dot ` need the space before them; trimmed, they also
        // match after spaces already skipped.
        let t2 = t.trim();
        if t.starts_with(' ') {
            if q > p && text[q..].starts_with(t2) {
                let r = q + t2.len();
                if r < b.len() && b[r] == b' ' {
                    return Some(skip_spaces(b, r));
                }
            }
        } else if text[q..].starts_with(t2) {
            return Some(skip_spaces(b, q + t2.len()));
        }
    }
    None
}

/// The spellings of [`AT_TOKENS`] with neither an `@` nor an `a` in them.
const AT_WITHOUT_A: [&str; 3] = ["艾特", "小老鼠", "ⓐ"];

/// Finds e-mail addresses written with the `@` or the dots spelled out.
pub(super) fn scan_obfuscated_emails(text: &str, out: &mut Vec<PiiMatch>, at: &AhoCorasick) {
    let b = text.as_bytes();
    // Most texts with a Latin letter (`hello`, `SF…`, `iPhone`) have no
    // `@`, no `a` and none of the three others: two byte searches and three
    // substring searches rule them out, where the automaton's prefilter
    // stops at every common first byte of Chinese text (6k instructions on
    // a 118-character message).
    if !b.contains(&b'@') && !b.contains(&b'a') && !AT_WITHOUT_A.iter().any(|t| text.contains(t)) {
        return;
    }
    let mut from = 0;
    while from < b.len() {
        // The next place an `@` token could start: one automaton over every
        // token (searching for each token in turn swept the text 13 times,
        // 16k instructions on a 118-character message with a Latin word).
        let Some(k) = at
            .find(Input::new(text).span(from..b.len()))
            .map(|m| m.start())
        else {
            return;
        };
        from = k + 1;
        while !text.is_char_boundary(from) && from < b.len() {
            from += 1;
        }
        // The local part ends right before the token (spaces allowed).
        let mut le = k;
        while le > 0 && b[le - 1] == b' ' {
            le -= 1;
        }
        let mut ls = le;
        while ls > 0 && local_char(b[ls - 1]) && le - ls < 64 {
            ls -= 1;
        }
        while ls < le && !b[ls].is_ascii_alphanumeric() {
            ls += 1;
        }
        if ls == le || (ls > 0 && b[ls - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let start_at = if le < k { le } else { k };
        let Some(mut p) = token_at(text, start_at, AT_TOKENS) else {
            continue;
        };
        // Domain labels joined by dot tokens; `-dot-` inside a label run is
        // split out.
        let mut labels = 0;
        let mut last_label = (0, 0);
        let mut end = 0;
        loop {
            let s = p;
            while p < b.len() && label_char(b[p]) {
                p += 1;
            }
            if p == s {
                break;
            }
            // Split `sina-dot-com` into labels.
            let mut piece = s;
            for (k2, _) in text[s..p].match_indices("-dot-") {
                if s + k2 > piece {
                    labels += 1;
                    last_label = (piece, s + k2);
                }
                piece = s + k2 + 5;
            }
            if piece < p {
                labels += 1;
                last_label = (piece, p);
                end = p;
            }
            match token_at(text, p, DOT_TOKENS) {
                Some(q) if q < b.len() && b[q].is_ascii_alphanumeric() => p = q,
                _ => break,
            }
        }
        if labels < 2 {
            continue;
        }
        let tld = &text[last_label.0..last_label.1];
        if !TLDS.contains(&tld) || end == 0 {
            continue;
        }
        out.push(PiiMatch {
            kind: PiiKind::Email,
            start: ls,
            end,
        });
        from = end.max(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> Option<String> {
        with_view(text, |v| v.text.clone())
    }

    #[test]
    fn numerals_read_as_digits() {
        assert_eq!(view("幸福路十二号").as_deref(), Some("幸福路12号"));
        assert_eq!(view("体育西路一百零八号").as_deref(), Some("体育西路108号"));
        assert_eq!(view("二百一十九号").as_deref(), Some("219号"));
        assert_eq!(view("七〇二室").as_deref(), Some("702室"));
        assert_eq!(view("幺勾六拐洞三").as_deref(), Some("196703"));
        assert_eq!(view("¹⁵⁷²²").as_deref(), Some("15722"));
        assert_eq!(view("⑫层").as_deref(), Some("12层"));
        // Nothing worth a view.
        assert_eq!(view("我想问一下"), None);
        assert_eq!(view("12345"), None);
        assert_eq!(view("卡6200000000000005两张"), None);
        assert_eq!(
            view("一楼6200000000000005两张").as_deref(),
            Some("1楼6200000000000005两张")
        );
    }

    #[test]
    fn view_maps_back() {
        let text = "路一百零八号";
        with_view(text, |v| {
            let s = v.text.find("108").unwrap();
            let (a, b) = v.source_span(s, s + 3);
            assert_eq!(&text[a..b], "一百零八");
        })
        .unwrap();
    }

    /// Every span of every view maps back as a per-byte table would: for
    /// a copied character its own bytes, for a reading the whole numeral
    /// (run) it was read from.
    #[test]
    fn view_maps_every_span_back() {
        for text in [
            "收货地址幸福路一百零八号⑫层，电话幺三八一二三四五六七八",
            "一楼6200000000000005两张，二十号院 ¹⁵⁷²² 七〇二室😀",
            "三三三",
        ] {
            with_view(text, |v| {
                // The reference: each view byte's source, from the pieces'
                // own definition, one byte at a time.
                let n = v.text.len();
                let mut table = Vec::with_capacity(n);
                for (k, piece) in v.pieces.iter().enumerate() {
                    let next = v.pieces.get(k + 1).map_or(n, |x| x.view as usize);
                    let view = piece.view as usize;
                    for b in view..next {
                        table.push(if piece.copy {
                            let at = piece.src as usize + (b - view);
                            let start = (0..=at).rev().find(|&q| text.is_char_boundary(q));
                            let end = (at + 1..=text.len()).find(|&q| text.is_char_boundary(q));
                            (start.unwrap(), end.unwrap())
                        } else {
                            (piece.src as usize, piece.src_end as usize)
                        });
                    }
                }
                assert_eq!(table.len(), n);
                for a in 0..n {
                    for b in a + 1..=n {
                        assert_eq!(
                            v.source_span(a, b),
                            (table[a].0, table[b - 1].1),
                            "{text} {a}..{b}"
                        );
                    }
                }
                // Copies hold the same bytes as the text they came from;
                // readings come from numerals only.
                for p in &v.pieces {
                    let source = &text[p.src as usize..p.src_end as usize];
                    if p.copy {
                        let view = &v.text[p.view as usize..p.view as usize + source.len()];
                        assert_eq!(view, source);
                    } else {
                        assert!(source.chars().all(in_run), "{source}");
                    }
                }
            })
            .expect("each text needs a view");
        }
    }

    #[test]
    fn every_at_spelling_has_an_a_or_is_listed() {
        for t in AT_TOKENS {
            assert!(t.contains(['@', 'a']) || AT_WITHOUT_A.contains(t), "{t}");
        }
    }

    #[test]
    fn the_low_bits_never_miss_a_numeral() {
        for c in (0x800..0x10000u32).filter_map(char::from_u32) {
            let low = c as usize & 0xfff;
            if in_run(c) {
                assert_ne!((RUN_LOW12[low >> 6] >> (low & 63)) & 1, 0, "{c:?}");
            }
        }
    }

    /// `View::needed` decides as the loop that decodes every character does, on
    /// every string of up to five characters over numerals, digits, address
    /// suffixes and others.
    #[test]
    fn needed_agrees_with_the_plain_loop() {
        let plain = |text: &str| View::needed_with(text, false);
        let alphabet = ['一', '十', '⑫', '¹', '5', '号', '个', 'a', '😀'];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.chars().count() == texts.last().map_or(0, |l| l.chars().count()))
                .flat_map(|t| alphabet.iter().map(move |&c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        assert!(texts.len() > 60_000);
        for t in &texts {
            assert_eq!(View::needed(t), plain(t), "{t}");
        }
    }

    #[test]
    fn the_bitmap_agrees_with_the_readers() {
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            let read = c.is_ascii_digit()
                || numeral_digit(c).is_some()
                || unit_value(c).is_some()
                || circled_two_digits(c).is_some();
            assert_eq!(in_run(c), read, "{c:?}");
        }
    }

    #[test]
    fn issuers() {
        assert!(issuer_ok(b"6011799540343770"));
        assert!(issuer_ok(b"342313412912192"));
        assert!(issuer_ok(b"9559694919456966256"));
        assert!(!issuer_ok(b"1234567890123456"));
        assert!(!issuer_ok(b"4123456789012"));
    }
}
