//! One-pass pre-filters: which scanner families can match a text at all,
//! decided on bytes before any scanner runs.

use crate::text::pii::context::{ADDRESS_ANCHOR_SUFFIXES, AMOUNT_AFTER, AMOUNT_BEFORE};

/// Cheap one-pass pre-filter: which detector families can match at all.
#[derive(Clone, Copy)]
pub(super) struct ByteClasses {
    /// Number of ASCII digits.
    pub(super) digits: usize,
    pub(super) alpha: bool,
    pub(super) at: bool,
    pub(super) non_ascii: bool,
}

impl ByteClasses {
    pub(super) fn of(b: &[u8]) -> ByteClasses {
        // Branch-free reduction over fixed-size chunks (the count fits a
        // u8), so LLVM turns the inner loop into SIMD compares: a `match`
        // per byte was 35% of the mask stage (perf).
        let mut digits = 0usize;
        let mut bits = 0u8;
        for chunk in b.chunks(128) {
            let mut n = 0u8;
            let mut m = 0u8;
            for &c in chunk {
                n += u8::from(c.wrapping_sub(b'0') < 10);
                m |= u8::from((c | 0x20).wrapping_sub(b'a') < 26)
                    | (u8::from(c == b'@') << 1)
                    | ((c >> 7) << 2);
            }
            digits += usize::from(n);
            bits |= m;
        }
        ByteClasses {
            digits,
            alpha: bits & 1 != 0,
            at: bits & 2 != 0,
            non_ascii: bits & 4 != 0,
        }
    }

    pub(super) fn digit(self) -> bool {
        self.digits > 0
    }
}

/// Provinces that start a license plate (see `Detector::plate`).
pub(super) const PLATE_PROVINCES: &str =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Necessary condition for a plate: a province character directly followed
/// by a Latin letter. Only reached by text with letters and digits.
pub(super) fn plate_possible(text: &str) -> bool {
    any_ascii(text.as_bytes(), true, |i| {
        text.as_bytes()[i].is_ascii_alphabetic()
            && i >= 3
            && text
                .get(i - 3..i)
                .is_some_and(|p| PLATE_PROVINCES.contains(p))
    })
}

/// Necessary condition for an address: it is only reported with an anchor,
/// a numbered piece whose suffix (`号`, `号楼`, `号院`, `栋`, `幢`, `室`,
/// `单元`) directly follows a digit or letter, or a trailing number with a
/// dash (`3-2-301`).
pub(super) fn address_anchor_possible(b: &[u8]) -> bool {
    any_ascii(b, true, |i| {
        let mut rest = &b[i + 1..];
        // `76 号`: one space may stand between the number and its suffix.
        if rest.first() == Some(&b' ') {
            rest = &rest[1..];
        }
        (b[i].is_ascii_digit() && rest.len() >= 2 && rest[0] == b'-' && rest[1].is_ascii_digit())
            || ADDRESS_ANCHOR_SUFFIXES
                .iter()
                .any(|k| rest.starts_with(k.as_bytes()))
    })
}

/// Necessary condition for an amount: a currency word or sign right before
/// the first digit of a run or right after its last, optionally across one
/// space.
pub(super) fn amount_possible(b: &[u8]) -> bool {
    any_ascii(b, false, |i| {
        let first = i == 0 || !b[i - 1].is_ascii_digit();
        let last = i + 1 == b.len() || !b[i + 1].is_ascii_digit();
        if first {
            let mut head = &b[..i];
            if let [h @ .., b' '] = head {
                head = h;
            }
            if AMOUNT_BEFORE.iter().any(|k| head.ends_with(k.as_bytes())) {
                return true;
            }
        }
        if last {
            let mut tail = &b[i + 1..];
            if let [b' ', t @ ..] = tail {
                tail = t;
            }
            if AMOUNT_AFTER.iter().any(|k| tail.starts_with(k.as_bytes())) {
                return true;
            }
        }
        false
    })
}

pub(super) const LO: u64 = 0x0101_0101_0101_0101;
pub(super) const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` that is an ASCII digit, or (with
/// `letters`) an ASCII letter. SWAR: the bytes are made 7-bit first so that
/// no addition carries into the next byte.
pub(super) fn ascii_class_mask(w: u64, letters: bool) -> u64 {
    let y = w & !HI;
    let mut m = (y + 0x50 * LO) & !(y + 0x46 * LO); // 0x30..=0x39
    if letters {
        let l = y | (0x20 * LO); // fold case
        m |= (l + 0x1F * LO) & !(l + 0x05 * LO); // 0x61..=0x7A
    }
    m & !w & HI
}

/// Whether `f` holds at some position of an ASCII digit (or, with
/// `letters`, digit or letter), visited in order. Eight bytes at a time:
/// in Chinese text these bytes are rare, and testing every byte in a loop
/// was 7% of the mask stage on inquiries that contain digits.
pub(super) fn any_ascii(b: &[u8], letters: bool, mut f: impl FnMut(usize) -> bool) -> bool {
    let mut base = 0;
    for chunk in b.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut m = ascii_class_mask(u64::from_le_bytes(word), letters);
        while m != 0 {
            if f(base + (m.trailing_zeros() / 8) as usize) {
                return true;
            }
            m &= m - 1;
        }
        base += 8;
    }
    false
}
