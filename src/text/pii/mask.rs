//! Masking the personal-data spans of a text.

use crate::text::pii::kinds::{MaskStyle, PiiKind, PiiMatch};

/// Appends `text` to `out` with every span in `spans` masked in `style`.
///
/// `spans` must be sorted by `start`, non-overlapping and in `text`
/// coordinates (as produced by [`Detector::find_pii`](crate::pii::Detector::find_pii)); a span that is empty,
/// out of range, off a char boundary or overlapping an earlier one is
/// ignored rather than causing a panic.
///
/// ```
/// use kefu_triage::pii::{mask_into, Detector, MaskStyle};
/// let det = Detector::new([]).unwrap();
/// let text = "手机13812345678 邮箱zhangsan@qq.com 卡号6222021234567890128";
/// let mut spans = Vec::new();
/// det.find_pii(text, &mut spans);
///
/// let mut out = String::new();
/// mask_into(text, &spans, MaskStyle::Placeholder, &mut out);
/// assert_eq!(out, "手机[手机号] 邮箱[邮箱] 卡号[银行卡]");
///
/// out.clear();
/// mask_into(text, &spans, MaskStyle::Partial, &mut out);
/// assert_eq!(out, "手机138****5678 邮箱z***@qq.com 卡号622202*********0128");
/// ```
pub fn mask_into(text: &str, spans: &[PiiMatch], style: MaskStyle, out: &mut String) {
    out.reserve(text.len());
    let mut pos = 0;
    for sp in spans {
        if sp.start < pos
            || sp.end <= sp.start
            || sp.end > text.len()
            || !text.is_char_boundary(sp.start)
            || !text.is_char_boundary(sp.end)
        {
            continue;
        }
        out.push_str(&text[pos..sp.start]);
        mask_one(&text[sp.start..sp.end], sp.kind, style, out);
        pos = sp.end;
    }
    out.push_str(&text[pos..]);
}

pub(super) fn mask_one(s: &str, kind: PiiKind, style: MaskStyle, out: &mut String) {
    if style == MaskStyle::Partial {
        match kind {
            PiiKind::Phone => {
                let n = s.bytes().filter(u8::is_ascii_digit).count();
                if n >= 11 {
                    let national = n - 11;
                    let mut di = 0;
                    for c in s.chars() {
                        if c.is_ascii_digit() {
                            if di >= national {
                                let j = di - national;
                                out.push(if (3..7).contains(&j) { '*' } else { c });
                            } else {
                                out.push(c);
                            }
                            di += 1;
                        } else if di <= national {
                            // Prefix punctuation such as `+` or the space
                            // after `+86`; separators inside are dropped.
                            out.push(c);
                        }
                    }
                    return;
                }
            }
            PiiKind::IdCard | PiiKind::BankCard => {
                let significant = |c: char| c.is_ascii_digit() || c == 'x' || c == 'X';
                let n = s.chars().filter(|&c| significant(c)).count();
                if n >= 11 {
                    for (j, c) in s.chars().filter(|&c| significant(c)).enumerate() {
                        out.push(if j < 6 || j + 4 >= n { c } else { '*' });
                    }
                    return;
                }
            }
            PiiKind::Email => {
                if let Some(at) = s.find('@')
                    && let Some(c) = s[..at].chars().next()
                {
                    out.push(c);
                    out.push_str("***");
                    out.push_str(&s[at..]);
                    return;
                }
            }
            _ => {}
        }
    }
    out.push_str(kind.placeholder());
}
