//! Whether a number can be what it looks like: the ID-card check character
//! and birth date, the Luhn digit of a bank card, a mobile-number prefix.

pub(super) const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
pub(super) const ID_CHECK_CHARS: &[u8; 11] = b"10x98765432";

/// Check character (`0`-`9` or lowercase `x`) for the first 17 digits of an
/// 18-digit ID; `None` if a byte is not an ASCII digit.
pub(super) fn id18_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&d, w) in first17.iter().zip(ID_WEIGHTS) {
        if !d.is_ascii_digit() {
            return None;
        }
        sum += u32::from(d - b'0') * w;
    }
    Some(ID_CHECK_CHARS[(sum % 11) as usize])
}

/// True when `id` is an 18-character resident ID number whose last character
/// matches the GB 11643 check character (only the checksum is verified, not
/// the region or the birth date). The check character may be `x` or `X`.
///
/// ```
/// use kefu_triage::pii::id_card_checksum_ok;
/// assert!(id_card_checksum_ok("11010519491231002x"));
/// assert!(id_card_checksum_ok("11010519491231002X"));
/// assert!(!id_card_checksum_ok("110105194912310021"));
/// assert!(!id_card_checksum_ok("1101051949123100"));
/// ```
#[must_use]
pub fn id_card_checksum_ok(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18 && id18_check_char(&b[..17]) == Some(b[17].to_ascii_lowercase())
}

pub(super) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

pub(super) fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, &c| acc * 10 + u32::from(c - b'0'))
}

pub(super) fn date_ok(year: u32, month: u32, day: u32) -> bool {
    (1900..=2099).contains(&year) && day >= 1 && day <= days_in_month(year, month)
}

/// Full validation of an 18-character ID (17 digits + check char): region
/// starts with 1-8, plausible birth date, checksum.
pub(super) fn id18_valid(id: &[u8]) -> bool {
    id.len() == 18
        && matches!(id[0], b'1'..=b'8')
        && id[..17].iter().all(u8::is_ascii_digit)
        && date_ok(num(&id[6..10]), num(&id[10..12]), num(&id[12..14]))
        && id18_check_char(&id[..17]) == Some(id[17].to_ascii_lowercase())
}

/// Validation of an old 15-digit ID: region starts with 1-8 and `19yymmdd`
/// is a plausible date.
pub(super) fn id15_valid(id: &[u8]) -> bool {
    id.len() == 15
        && matches!(id[0], b'1'..=b'8')
        && id.iter().all(u8::is_ascii_digit)
        && date_ok(1900 + num(&id[6..8]), num(&id[8..10]), num(&id[10..12]))
}

pub(super) fn luhn_digits(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &c) in digits.iter().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    digits.len() >= 2 && sum.is_multiple_of(10)
}

/// True when the digits pass the Luhn (mod 10) check used by bank cards.
/// Spaces and dashes are ignored; any other non-digit character, or fewer
/// than two digits, gives `false`.
///
/// ```
/// use kefu_triage::pii::luhn_ok;
/// assert!(luhn_ok("4111111111111111"));
/// assert!(luhn_ok("4111 1111 1111 1111"));
/// assert!(!luhn_ok("4111111111111112"));
/// assert!(!luhn_ok("4111a11111111111"));
/// ```
#[must_use]
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    let mut n = 0usize;
    for &c in digits.as_bytes().iter().rev() {
        match c {
            b'0'..=b'9' => {
                let mut d = u32::from(c - b'0');
                if n % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    n >= 2 && sum.is_multiple_of(10)
}

pub(super) fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && matches!(d[1], b'3'..=b'9') && d.iter().all(u8::is_ascii_digit)
}
