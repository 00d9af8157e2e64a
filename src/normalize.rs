//! Text normalization that remembers where every byte came from.
//!
//! Customers (and people dodging filters) write `ＴＵＩＫＵＡＮ`, `转 人 工`,
//! `转\u{200b}人工`, `！！！！`. Every later stage matches patterns against the
//! normalized text, and every span it reports is mapped back to the raw text
//! through [`Normalized::raw_span`], so evidence always points at what the
//! customer actually typed.
//!
//! What is done, in one pass over the characters:
//! - full-width ASCII (U+FF01–U+FF5E) is folded to ASCII, U+3000 to a space;
//! - ASCII letters are lowercased;
//! - zero-width and other invisible format characters (U+200B–U+200F,
//!   U+2060–U+2064, U+FEFF, U+00AD, variation selectors) and control
//!   characters are removed; tabs and newlines become spaces;
//! - runs of white space become one space, and white space or a light
//!   separator (`-_*·~|/+`) standing between two CJK characters is removed,
//!   so `转 人 工` and `转-人-工` read `转人工`;
//! - runs of the same punctuation mark collapse to one; the number of marks
//!   removed is kept as [`Normalized::emphasis`], a signal for sentiment.
//!
//! # Examples
//!
//! ```
//! use kefu_triage::normalize::Normalized;
//!
//! let raw = "转 人\u{200b}工！！！ ＳＦ123";
//! let n = Normalized::new(raw);
//! assert_eq!(n.text(), "转人工! sf123");
//! assert_eq!(n.emphasis(), 2);
//! // "人工" in the normalized text maps back to the raw bytes, zero-width
//! // space included.
//! let start = n.text().find("人工").unwrap();
//! let (a, b) = n.raw_span(start, start + "人工".len());
//! assert_eq!(&raw[a..b], "人\u{200b}工");
//! ```

/// Normalized text plus a map from each of its bytes back to the raw text.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    text: String,
    // For each byte of `text`: start and end of the raw character it came
    // from. Two u32 per byte is 8x the text, which for a 1 MB inquiry is
    // 8 MB: acceptable, and it makes every lookup O(1).
    starts: Vec<u32>,
    ends: Vec<u32>,
    emphasis: u32,
}

impl Normalized {
    /// Normalizes `raw`.
    pub fn new(raw: &str) -> Normalized {
        let mut n = Normalized::default();
        n.update(raw);
        n
    }

    /// Normalizes `raw` into this value, reusing its memory.
    ///
    /// Raw text longer than `u32::MAX` bytes is cut at a character boundary
    /// below that (offsets are stored as `u32`); the engine truncates far
    /// earlier, at its configured maximum length.
    pub fn update(&mut self, raw: &str) {
        self.text.clear();
        self.starts.clear();
        self.ends.clear();
        self.emphasis = 0;
        let raw = truncate_at_boundary(raw, u32::MAX as usize - 1);

        // A space or separator seen after a character: emitted only once the
        // next visible character shows it is not between two CJK characters.
        let mut pending: Option<(char, u32, u32)> = None;
        let mut last: Option<char> = None;
        for (i, c) in raw.char_indices() {
            let start = i as u32;
            let end = (i + c.len_utf8()) as u32;
            let Some(c) = fold(c) else { continue };
            if c == ' ' {
                if pending.is_none() && last.is_some_and(|l| l != ' ') {
                    pending = Some((' ', start, end));
                } else if let Some(p) = pending.as_mut() {
                    p.2 = end;
                }
                continue;
            }
            if is_light_separator(c) && last.is_some_and(is_cjk) && pending.is_none() {
                pending = Some((c, start, end));
                continue;
            }
            if let Some((p, ps, pe)) = pending.take() {
                let bridges = last.is_some_and(is_cjk) && is_cjk(c);
                if !bridges {
                    // A separator that did not bridge two CJK characters is
                    // kept as it was (a space stays one space).
                    self.push(p, ps, pe);
                    last = Some(p);
                }
            }
            if is_punct(c) && last == Some(c) {
                self.emphasis += 1;
                // Extend the previous mark's raw span so the whole run maps.
                let n = c.len_utf8();
                let len = self.ends.len();
                for e in &mut self.ends[len - n..] {
                    *e = end;
                }
                continue;
            }
            self.push(c, start, end);
            last = Some(c);
        }
        // Trailing separators are dropped: they carry nothing.
    }

    fn push(&mut self, c: char, start: u32, end: u32) {
        let n = c.len_utf8();
        self.text.push(c);
        for _ in 0..n {
            self.starts.push(start);
            self.ends.push(end);
        }
    }

    /// The normalized text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How many repeated punctuation marks were collapsed (`！！！` counts 2).
    pub fn emphasis(&self) -> u32 {
        self.emphasis
    }

    /// Maps the normalized byte range `start..end` to a byte range of the raw
    /// text. Out-of-range or empty input gives an empty range at the nearest
    /// valid position; it never panics.
    pub fn raw_span(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.starts.len();
        if len == 0 {
            return (0, 0);
        }
        let start = start.min(len - 1);
        let a = self.starts[start] as usize;
        if end <= start {
            return (a, a);
        }
        let b = self.ends[end.min(len) - 1] as usize;
        (a, b.max(a))
    }

    /// The raw byte offset where the character at normalized byte `pos`
    /// started (`pos == text().len()` gives the end of the last character).
    pub fn raw_offset(&self, pos: usize) -> usize {
        if pos >= self.starts.len() {
            self.ends.last().map_or(0, |&e| e as usize)
        } else {
            self.starts[pos] as usize
        }
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate_at_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Folds one character; `None` means drop it.
fn fold(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        ' ' | '\t' | '\n' | '\r' | '\u{3000}' | '\u{00a0}' | '\u{2002}'..='\u{200a}' => Some(' '),
        '\u{ff01}'..='\u{ff5e}' => {
            let a = char::from_u32(c as u32 - 0xfee0)?;
            Some(a.to_ascii_lowercase())
        }
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
        | '\u{00ad}'
        | '\u{180e}'
        | '\u{fe00}'..='\u{fe0f}' => None,
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// CJK ideographs (the blocks customers write in).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ebef}')
}

fn is_light_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '_' | '*' | '·' | '~' | '|' | '/' | '+' | '.' | '、'
    )
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '。' | '、' | '…' | '～' | '·' | '—' | '「' | '」' | '《' | '》' | '【' | '】'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalized::new(s).text().to_string()
    }

    #[test]
    fn folds_width_and_case() {
        assert_eq!(norm("ＡＢＣ１２３ｘｙｚ"), "abc123xyz");
        assert_eq!(norm("iPhone 15 Pro"), "iphone 15 pro");
        assert_eq!(norm("你好　世界"), "你好世界");
        assert_eq!(norm("？"), "?");
    }

    #[test]
    fn removes_invisible_and_controls() {
        assert_eq!(norm("转\u{200b}人\u{200d}工\u{feff}"), "转人工");
        assert_eq!(norm("a\u{0}b\u{7}c"), "abc");
        assert_eq!(norm("❤\u{fe0f}"), "❤");
    }

    #[test]
    fn spacing_tricks_between_cjk() {
        assert_eq!(norm("转 人 工"), "转人工");
        assert_eq!(norm("转-人-工"), "转人工");
        assert_eq!(norm("投  诉"), "投诉");
        assert_eq!(norm("iphone  15"), "iphone 15");
        assert_eq!(norm("138-1234-5678"), "138-1234-5678");
        assert_eq!(norm("你好 abc"), "你好 abc");
        assert_eq!(norm("  前后  "), "前后");
    }

    #[test]
    fn collapses_repeated_punctuation() {
        let n = Normalized::new("怎么回事？？？！！！");
        assert_eq!(n.text(), "怎么回事?!");
        assert_eq!(n.emphasis(), 4);
        assert_eq!(norm("好。。。"), "好。");
    }

    #[test]
    fn spans_map_back_to_raw() {
        let raw = "ＳＦ１２３ 转 人 工！！";
        let n = Normalized::new(raw);
        assert_eq!(n.text(), "sf123 转人工!");
        let s = n.text().find("转人工").unwrap();
        let (a, b) = n.raw_span(s, s + "转人工".len());
        assert_eq!(&raw[a..b], "转 人 工");
        let s = n.text().find('!').unwrap();
        let (a, b) = n.raw_span(s, s + 1);
        assert_eq!(&raw[a..b], "！！");
        let (a, b) = n.raw_span(0, 2);
        assert_eq!(&raw[a..b], "ＳＦ");
    }

    #[test]
    fn degenerate_inputs() {
        let n = Normalized::new("");
        assert_eq!(n.text(), "");
        assert_eq!(n.raw_span(0, 10), (0, 0));
        let n = Normalized::new("\u{200b}\u{200b}");
        assert_eq!(n.text(), "");
        let n = Normalized::new("abc");
        assert_eq!(n.raw_span(5, 2), (2, 2));
        assert_eq!(n.raw_span(1, 99), (1, 3));
    }

    #[test]
    fn idempotent_on_examples() {
        for s in [
            "转 人 工！！",
            "ＡＢ c\u{200b}d",
            "a - b",
            "好。。。 吗??",
            "x  y",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s:?}");
        }
    }
}
