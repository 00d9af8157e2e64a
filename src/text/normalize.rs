//! Text normalization that remembers where every byte came from.
//!
//! Customers (and people dodging filters) write `ＴＵＩＫＵＡＮ`, `转 人 工`,
//! `转\u{200b}人工`, `轉人工`, `转😡人😡工`, `！！！！`. Every later stage
//! matches patterns against the normalized text, and every span it reports
//! is mapped back to the raw text through [`Normalized::raw_span`], so
//! evidence always points at what the customer actually typed.
//!
//! What is done, in one pass over the characters:
//! - full-width ASCII (U+FF01–U+FF5E) is folded to ASCII, U+3000 to a space;
//!   mathematical alphanumerics (`𝐭𝐨𝐮𝐬𝐮`, `𝟏𝟑𝟖`) and circled digits
//!   (`①③⑧`) to plain letters and digits;
//! - ASCII letters are lowercased;
//! - traditional characters are folded to simplified ones (`轉`→`转`,
//!   `訴`→`诉`, `貨`→`货`) with the table in `lexicons/variants.tsv`;
//! - look-alikes of ideographs are read as the ideograph, with the same
//!   file: Kangxi radicals and the radicals supplement everywhere, as NFKC
//!   does (`转⼈⼯`, U+2F08 U+2F2F, reads `转人工`; `亻` reads `人`), and a
//!   katakana letter that looks like an ideograph (`エ`→`工`, `ロ`→`口`)
//!   only when it stands alone beside a Chinese character (`转人エ`), never
//!   inside a Japanese word (`エアコン`);
//! - zero-width and other invisible format characters (U+200B–U+200F,
//!   U+2060–U+2064, U+FEFF, U+00AD, variation selectors, tag characters)
//!   and control characters are removed; tabs and newlines become spaces;
//! - runs of white space become one space, and any run of white space,
//!   light separators (`-_*·~|/+.、\=^` …, dashes `—–―‒`) and emoji or
//!   pictographs standing between two CJK characters is removed, so
//!   `转 人 工`, `转-人-工`, `人—工`, `转/人/工` and `转😡人😡工` all read
//!   `转人工`; emoji between two ASCII digits are removed too
//!   (`138😡1234` reads `1381234`);
//! - runs of the same punctuation mark collapse to one; the number of marks
//!   removed is kept as [`Normalized::emphasis`], a signal for sentiment.
//!
//! Normalizing normalized text changes nothing (the operation is
//! idempotent), and it never panics, whatever the input.
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
//!
//! let raw = "我要投訴😡你們";
//! let n = Normalized::new(raw);
//! assert_eq!(n.text(), "我要投诉你们");
//! let start = n.text().find("投诉").unwrap();
//! let (a, b) = n.raw_span(start, start + "投诉".len());
//! assert_eq!(&raw[a..b], "投訴");
//! ```

use std::sync::LazyLock;

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
    // Separators seen since the last emitted character, held until the next
    // visible character shows whether they stand between two CJK
    // characters (or emoji between two digits). Reused between updates.
    run: Vec<(char, u32, u32)>,
}

/// What the characters held in a pending run may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RunKind {
    /// After a CJK character: spaces, light separators and emoji.
    Cjk,
    /// After an ASCII digit: emoji and pictographs only.
    DigitDecor,
    /// Anywhere else (and after a digit, starting with a space): spaces.
    Spaces,
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
        self.update_with(raw, true);
    }

    /// [`Normalized::update`]; `fast` false emits ideographs one at a time
    /// too (for the test that both agree).
    fn update_with(&mut self, raw: &str, fast: bool) {
        self.text.clear();
        self.starts.clear();
        self.ends.clear();
        self.emphasis = 0;
        let raw = truncate_at_boundary(raw, u32::MAX as usize - 1);
        // Folding never lengthens the text (every mapping is to as many
        // UTF-8 bytes or fewer), so one reservation covers all the pushes.
        self.text.reserve(raw.len());
        self.starts.reserve(raw.len());
        self.ends.reserve(raw.len());

        let folding: &Folding = &FOLDING;
        let table: &[u16] = &folding.traditional;
        let mut run = std::mem::take(&mut self.run);
        run.clear();
        let mut kind = RunKind::Spaces;
        // The last character emitted to `text`.
        let mut last: Option<char> = None;
        // The last visible character read (folded, before a katakana
        // look-alike is read as an ideograph): what `last` is, except that
        // separators, spaces and emoji are skipped whether or not they are
        // emitted, so that it mirrors [`next_visible`].
        let mut seen: Option<char> = None;
        let bytes = raw.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Runs of ideographs that fold to themselves, most of every
            // message, are copied whole (see `emit_ideographs`). Not the
            // first character, and not while a run of separators is held:
            // both depend on what came before.
            if fast && run.is_empty() && last.is_some() {
                let from = i;
                while let Some(c) = ideograph_at(bytes, i)
                    && simplified_in(table, c).is_none()
                {
                    last = Some(c);
                    i += 3;
                }
                if i > from {
                    self.emit_ideographs(&raw[from..i], from as u32);
                    seen = last;
                    continue;
                }
            }
            let Some(c) = raw.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            let start = i as u32;
            i += c.len_utf8();
            let end = i as u32;
            let Some(mut c) = fold(c, folding) else {
                continue;
            };
            if !is_skipped_neighbour(c) {
                let before = seen.replace(c);
                // Rare: only a handful of katakana letters look like
                // ideographs. One look ahead per such letter, up to the next
                // visible character, so linear overall.
                if let Some(k) = kana_lookalike(folding, c)
                    && lone_beside_ideograph(before, next_visible(&raw[i..], folding))
                {
                    c = k;
                }
            }
            let Some(l) = last else {
                // Leading white space carries nothing.
                if c != ' ' {
                    self.emit(c, start, end, &mut last);
                }
                continue;
            };
            if run.is_empty() {
                // Most characters are CJK or ASCII letters and digits, which
                // never open a run.
                if is_cjk(c) || c.is_ascii_alphanumeric() {
                    self.emit(c, start, end, &mut last);
                    continue;
                }
                let opens = if is_cjk(l) {
                    (c == ' ' || is_light_separator(c) || is_decoration(c)).then_some(RunKind::Cjk)
                } else if c == ' ' {
                    Some(RunKind::Spaces)
                } else if l.is_ascii_digit() && is_decoration(c) {
                    Some(RunKind::DigitDecor)
                } else {
                    None
                };
                if let Some(k) = opens {
                    kind = k;
                    run.push((c, start, end));
                    continue;
                }
            } else {
                let joins = match kind {
                    RunKind::Cjk => c == ' ' || is_light_separator(c) || is_decoration(c),
                    RunKind::DigitDecor => is_decoration(c),
                    RunKind::Spaces => c == ' ',
                };
                if joins {
                    run.push((c, start, end));
                    continue;
                }
                let bridges = match kind {
                    RunKind::Cjk => is_cjk(c),
                    RunKind::DigitDecor => c.is_ascii_digit(),
                    RunKind::Spaces => false,
                };
                if !bridges {
                    for &(r, rs, re) in &run {
                        self.emit(r, rs, re, &mut last);
                    }
                }
                run.clear();
                // The character that closed a run may open the next one
                // (`1😡 2`: the emoji run ends at the space, which starts a
                // space run).
                if let Some(l) = last
                    && !is_cjk(l)
                    && c == ' '
                {
                    kind = RunKind::Spaces;
                    run.push((c, start, end));
                    continue;
                }
            }
            self.emit(c, start, end, &mut last);
        }
        // A run at the end: trailing separators carry nothing, but emoji do
        // (`太差了😡`), so everything up to the last emoji is kept.
        if let Some(k) = run.iter().rposition(|r| is_decoration(r.0)) {
            for &(r, rs, re) in &run[..=k] {
                self.emit(r, rs, re, &mut last);
            }
        }
        run.clear();
        self.run = run;
    }

    /// Appends `run`, ideographs of U+4E00..U+9FFF (three bytes each) that
    /// fold to themselves, starting at raw byte `from`: what [`Self::emit`]
    /// does for each of them, none of which is punctuation, in one copy.
    ///
    /// Character by character, normalizing cost about 140 instructions
    /// per ideograph (callgrind, bench corpus: 45 M per pass over 13,000
    /// lines), most of them three pushes, each with its capacity check.
    #[inline]
    fn emit_ideographs(&mut self, run: &str, from: u32) {
        self.text.push_str(run);
        let n = run.len() as u32;
        self.starts.extend((0..n).map(|j| from + j / 3 * 3));
        self.ends.extend((0..n).map(|j| from + j / 3 * 3 + 3));
    }

    /// Appends one folded character, collapsing repeated punctuation and
    /// white space into the previous one (whose raw span grows to cover the
    /// whole run).
    #[inline(always)]
    fn emit(&mut self, c: char, start: u32, end: u32, last: &mut Option<char>) {
        if last.is_some_and(|l| l == c) && (c == ' ' || is_punct(c)) {
            if c != ' ' {
                self.emphasis = self.emphasis.saturating_add(1);
            }
            let n = c.len_utf8();
            let len = self.ends.len();
            for e in &mut self.ends[len.saturating_sub(n)..] {
                *e = end;
            }
            return;
        }
        self.text.push(c);
        // One arm per UTF-8 length, not a loop: the loop's exit, taken
        // after 1 or 3 rounds as ASCII and CJK alternate, was a fifth of
        // all branch mispredictions of a triage (cachegrind --branch-sim,
        // bench corpus: 258k of 1.3M).
        match c.len_utf8() {
            1 => {
                self.starts.push(start);
                self.ends.push(end);
            }
            2 => {
                self.starts.extend([start; 2]);
                self.ends.extend([end; 2]);
            }
            3 => {
                self.starts.extend([start; 3]);
                self.ends.extend([end; 3]);
            }
            _ => {
                self.starts.extend([start; 4]);
                self.ends.extend([end; 4]);
            }
        }
        *last = Some(c);
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

/// Cuts an inquiry to `max_text_bytes`: [`truncate_at_boundary`], and when
/// the cut falls inside a run of characters that may belong to personal data
/// (digits of any script, Chinese and spoken numerals, Latin letters,
/// `@`, and the separators people put inside numbers), the whole run
/// before the cut goes too: masking runs on the cut text, and the first
/// 10–17 digits of a number cut in half are no longer a number it
/// recognises, but are still personal data (an ID's check digit can be
/// recomputed from 17). Linear in the run's length.
pub(crate) fn cut_inquiry(s: &str, max: usize) -> &str {
    let mut end = truncate_at_boundary(s, max).len();
    if end == s.len() {
        return s;
    }
    let cut_inside_run = s[end..].chars().next().is_some_and(may_be_in_personal_data);
    if cut_inside_run {
        end = s[..end]
            .char_indices()
            .rev()
            .find(|&(_, c)| !may_be_in_personal_data(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
    }
    &s[..end]
}

/// Whether `c` can be part of a phone, ID, card or account number, or an
/// e-mail or chat id, as customers write them.
fn may_be_in_personal_data(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk_ideograph(c)
        || matches!(
            c,
            '零' | '〇'
                | '一'
                | '二'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '壹'
                | '贰'
                | '叁'
                | '肆'
                | '伍'
                | '陆'
                | '柒'
                | '捌'
                | '玖'
                | '拾'
                | '幺'
                | '两'
                | '拐'
                | '洞'
                | '勾'
                | '@'
                | '＠'
                | '.'
                | '．'
                | '。'
                | '_'
                | '-'
                | '－'
                | '–'
                | '—'
                | '~'
                | '～'
                | ','
                | '，'
                | ' '
                | '\u{3000}'
                | '/'
                | '('
                | ')'
                | '（'
                | '）'
                | '+'
                | '＋'
                | '·'
                | ':'
                | '：'
        )
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2060}'..='\u{2064}'
                | '\u{feff}'
                | '\u{00ad}'
                | '\u{fe00}'..='\u{fe0f}'
                // Emoji and dingbats (❤, ①) put between digit groups.
                | '\u{2460}'..='\u{27bf}'
                | '\u{1f000}'..='\u{1faff}'
        )
}

/// CJK unified ideographs (the main block and extension A).
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// The traditional → simplified table, `lexicons/variants.tsv`.
static VARIANTS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/lexicons/variants.tsv"
));

/// The header line of `variants.tsv`.
const VARIANTS_HEADER: &str = "#! kefu-triage variants v1";

/// First code point of the block the variant table covers (CJK Unified
/// Ideographs); every traditional character in the file is in it.
const TABLE_BASE: u32 = 0x4e00;
const TABLE_LEN: usize = 0xa000 - TABLE_BASE as usize;

/// One entry line of `variants.tsv`: a character, a tab, a character.
fn parse_variant_line(line: &str) -> Option<(char, char)> {
    let single = |s: &str| {
        let mut cs = s.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    let (t, s) = line.split_once('\t')?;
    Some((single(t)?, single(s)?))
}

/// The entry lines of `variants.tsv` with their 1-based numbers: after the
/// header, without comments and blank lines.
fn variant_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .skip(1)
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Parses `variants.tsv` strictly: `(traditional, simplified)` pairs in
/// file order, or the 1-based line and text of the first bad line (the
/// header included).
fn parse_variants(text: &str) -> Result<Vec<(char, char)>, (usize, String)> {
    let header = text.lines().next().unwrap_or("");
    if header.trim_start_matches('\u{feff}').trim_end() != VARIANTS_HEADER {
        return Err((1, header.to_string()));
    }
    variant_lines(text)
        .map(|(i, l)| parse_variant_line(l).ok_or_else(|| (i, l.to_string())))
        .collect()
}

/// First code point of the radical blocks (CJK Radicals Supplement, then
/// Kangxi Radicals) and the length of the table that covers both.
const RADICAL_BASE: u32 = 0x2e80;
const RADICAL_LEN: usize = 0x2fe0 - RADICAL_BASE as usize;

/// The character tables of `variants.tsv`, by the block of the left-hand
/// character.
struct Folding {
    /// Simplified code point for each character of U+4E00..U+9FFF, 0 when
    /// the character is not a traditional one.
    traditional: Box<[u16]>,
    /// The ideograph each radical of U+2E80..U+2FDF stands for, 0 when none.
    radicals: Box<[u16]>,
    /// Katakana letters that look like an ideograph, folded only when they
    /// stand alone beside one (see [`lone_beside_ideograph`]).
    kana: Box<[(char, char)]>,
}

/// Where a `variants.tsv` entry goes: by its left-hand character's block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VariantKind {
    Traditional,
    Radical,
    Kana,
}

fn variant_kind(c: char) -> Option<VariantKind> {
    let cp = c as u32;
    if (TABLE_BASE..TABLE_BASE + TABLE_LEN as u32).contains(&cp) {
        Some(VariantKind::Traditional)
    } else if (RADICAL_BASE..RADICAL_BASE + RADICAL_LEN as u32).contains(&cp) {
        Some(VariantKind::Radical)
    } else if is_kana(c) {
        Some(VariantKind::Kana)
    } else {
        None
    }
}

/// The tables, built once from the embedded file, which a unit test keeps
/// strictly valid; should it ever not be, the lines that can be read are
/// used and the rest skipped — never a panic.
static FOLDING: LazyLock<Folding> = LazyLock::new(|| {
    let pairs = parse_variants(VARIANTS).unwrap_or_else(|_| {
        variant_lines(VARIANTS)
            .filter_map(|(_, l)| parse_variant_line(l))
            .collect()
    });
    let mut traditional = vec![0u16; TABLE_LEN].into_boxed_slice();
    let mut radicals = vec![0u16; RADICAL_LEN].into_boxed_slice();
    let mut kana = Vec::new();
    for (t, s) in pairs {
        let (table, base) = match variant_kind(t) {
            Some(VariantKind::Traditional) => (&mut traditional, TABLE_BASE),
            Some(VariantKind::Radical) => (&mut radicals, RADICAL_BASE),
            Some(VariantKind::Kana) => {
                kana.push((t, s));
                continue;
            }
            None => continue,
        };
        if let Some(slot) = (t as u32)
            .checked_sub(base)
            .and_then(|i| table.get_mut(i as usize))
            && let Ok(s) = u16::try_from(s as u32)
        {
            *slot = s;
        }
    }
    Folding {
        traditional,
        radicals,
        kana: kana.into_boxed_slice(),
    }
});

/// The simplified form of a traditional character (`None` if `c` is not in
/// the table).
pub fn simplified(c: char) -> Option<char> {
    simplified_in(&FOLDING.traditional, c)
}

/// The ideograph a Kangxi or supplementary radical stands for.
fn radical_in(table: &[u16], c: char) -> Option<char> {
    let i = (c as u32).checked_sub(RADICAL_BASE)? as usize;
    match *table.get(i)? {
        0 => None,
        s => char::from_u32(u32::from(s)),
    }
}

/// The ideograph a katakana letter looks like, if it is one of those.
#[inline]
fn kana_lookalike(folding: &Folding, c: char) -> Option<char> {
    if !is_kana(c) {
        return None;
    }
    folding.kana.iter().find(|&&(k, _)| k == c).map(|&(_, s)| s)
}

/// Hiragana, katakana (full and half width) and the prolonged sound mark,
/// but not the katakana middle dot `・`, a separator.
fn is_kana(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}' | '\u{309d}'..='\u{309f}'
        | '\u{30a1}'..='\u{30fa}' | '\u{30fc}'..='\u{30ff}'
        | '\u{31f0}'..='\u{31ff}' | '\u{ff66}'..='\u{ff9d}')
}

/// What a katakana look-alike's neighbours are judged without: spaces,
/// light separators and emoji (the characters that may stand inside a
/// word broken up on purpose, `转 人 エ`).
fn is_skipped_neighbour(c: char) -> bool {
    c == ' ' || is_light_separator(c) || is_decoration(c)
}

/// The first visible character of `rest`, folded (invisible characters,
/// spaces, separators and emoji skipped).
fn next_visible(rest: &str, folding: &Folding) -> Option<char> {
    rest.chars()
        .filter_map(|c| fold(c, folding))
        .find(|&c| !is_skipped_neighbour(c))
}

/// Whether a katakana look-alike between the visible characters `before`
/// and `after` is read as the ideograph it looks like: when it stands alone
/// (no kana on either side: Japanese words are runs of kana, エアコン) and
/// next to a Chinese character (`转人エ`, `エ人`). The test is symmetric and
/// made on the input's characters, so normalizing twice changes nothing.
fn lone_beside_ideograph(before: Option<char>, after: Option<char>) -> bool {
    let kana = |c: Option<char>| c.is_some_and(is_kana);
    let han = |c: Option<char>| c.is_some_and(is_cjk);
    !kana(before) && !kana(after) && (han(before) || han(after))
}

#[inline]
fn simplified_in(table: &[u16], c: char) -> Option<char> {
    let i = (c as u32).checked_sub(TABLE_BASE)? as usize;
    let s = *table.get(i)?;
    if s == 0 {
        None
    } else {
        char::from_u32(u32::from(s))
    }
}

/// The character at byte `i` of `b` (valid UTF-8, `i` on a boundary) when
/// it is a CJK ideograph of U+4E00..U+9FFF, whose encodings are the three
/// bytes that start with 0xE4..=0xE9.
#[inline(always)]
fn ideograph_at(b: &[u8], i: usize) -> Option<char> {
    let &[b0, b1, b2] = b.get(i..)?.first_chunk::<3>()?;
    if !(0xe4..=0xe9).contains(&b0) {
        return None;
    }
    let cp = u32::from(b0 & 0x0f) << 12 | u32::from(b1 & 0x3f) << 6 | u32::from(b2 & 0x3f);
    if cp < 0x4e00 {
        return None;
    }
    char::from_u32(cp)
}

/// Folds one character (katakana look-alikes, which depend on their
/// neighbours, excepted); `None` means drop it.
#[inline]
fn fold(c: char, folding: &Folding) -> Option<char> {
    if is_cjk(c) {
        return Some(simplified_in(&folding.traditional, c).unwrap_or(c));
    }
    match c {
        // Kangxi radicals and the radicals supplement: NFKC folds the
        // first block; both are read as the ideograph they stand for.
        '\u{2e80}'..='\u{2fdf}' => Some(radical_in(&folding.radicals, c).unwrap_or(c)),
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
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{e0000}'..='\u{e007f}'
        | '\u{e0100}'..='\u{e01ef}' => None,
        // Circled and dingbat digits: ① … ⑨, ⓪, ❶ … ❾, ➀ … ➈, ➊ … ➒.
        '\u{2460}'..='\u{2468}' => digit(c as u32 - 0x2460 + 1),
        '\u{24ea}' => Some('0'),
        '\u{2776}'..='\u{277e}' => digit(c as u32 - 0x2776 + 1),
        '\u{2780}'..='\u{2788}' => digit(c as u32 - 0x2780 + 1),
        '\u{278a}'..='\u{2792}' => digit(c as u32 - 0x278a + 1),
        // Mathematical alphanumerics: 52 letters per style (𝐀 … 𝐳), then
        // five styles of 10 digits (𝟎 … 𝟿).
        '\u{1d400}'..='\u{1d6a3}' => {
            let i = (c as u32 - 0x1d400) % 52;
            char::from_u32(u32::from(b'a') + i % 26)
        }
        '\u{1d7ce}'..='\u{1d7ff}' => digit((c as u32 - 0x1d7ce) % 10),
        c if c.is_control() => None,
        c => Some(c),
    }
}

fn digit(d: u32) -> Option<char> {
    char::from_digit(d, 10)
}

/// CJK ideographs (the blocks customers write in).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ebef}')
}

/// Marks people put between characters to break up a word (`转-人-工`,
/// `转/人/工`, `转·人·工`, `人—工`); removed only between two CJK
/// characters.
fn is_light_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '_'
            | '*'
            | '·'
            | '~'
            | '|'
            | '/'
            | '\\'
            | '+'
            | '='
            | '^'
            | '`'
            | '.'
            | '、'
            | '•'
            | '‧'
            | '・'
            | '∙'
            | '⋅'
            | '–'
            // Dashes: `人—工`, `转―人―工`.
            | '—'
            | '―'
            | '‒'
            | '‐'
            | '‑'
            | '⁃'
            | '﹣'
            | '⸺'
            | '⸻'
    )
}

/// Emoji and pictographs (roughly Unicode's Extended_Pictographic, plus
/// the arrows, shapes and dingbats used as decoration): removed between two
/// CJK characters or two digits, kept everywhere else.
fn is_decoration(c: char) -> bool {
    matches!(c,
        '\u{1f000}'..='\u{1faff}'
        | '\u{2600}'..='\u{27bf}'
        | '\u{2300}'..='\u{23ff}'
        | '\u{2b00}'..='\u{2bff}'
        | '\u{25a0}'..='\u{25ff}'
        | '\u{2190}'..='\u{21ff}'
        | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}'
        | '\u{203c}' | '\u{2049}' | '\u{2122}' | '\u{2139}' | '\u{24c2}')
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

    proptest::proptest! {
        /// Copying runs of ideographs whole gives what emitting them one
        /// by one gives: text, offsets and emphasis.
        #[test]
        fn ideograph_runs_match_one_by_one(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "快递", "到", "哪", "了", "們", "這", "個", "丟", "一", "龥", "㐀", "豈",
                    " ", "  ", "-", "·", "😡", "！", "！！", "。", "，", "1", "23", "A", "b",
                    "\u{200b}", "\u{3000}", "ｘ", "\n", "?", "\u{0}", "𠀀", "⺀", "エ", "ア",
                    "⼯", "—", "ｴ",
                ]),
                0..24,
            )
        ) {
            let text: String = parts.concat();
            let (mut fast, mut slow) = (Normalized::default(), Normalized::default());
            fast.update_with(&text, true);
            slow.update_with(&text, false);
            proptest::prop_assert_eq!(fast.text(), slow.text());
            proptest::prop_assert_eq!(&fast.starts, &slow.starts);
            proptest::prop_assert_eq!(&fast.ends, &slow.ends);
            proptest::prop_assert_eq!(fast.emphasis(), slow.emphasis());
        }
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

    #[test]
    fn variants_file_parses_without_duplicates() {
        let pairs = parse_variants(VARIANTS).unwrap_or_else(|(line, l)| {
            panic!("variants.tsv:{line}: not `traditional<TAB>simplified`: {l:?}")
        });
        assert!(pairs.len() >= 300, "only {} pairs", pairs.len());
        let mut seen = std::collections::HashMap::new();
        for (i, &(t, s)) in pairs.iter().enumerate() {
            assert_ne!(t, s, "variants.tsv: {t} maps to itself");
            if let Some(j) = seen.insert(t, i) {
                panic!("variants.tsv: {t} listed twice (entries {j} and {i})");
            }
            assert!(is_cjk(s), "{t} {s}");
            match variant_kind(t) {
                Some(VariantKind::Traditional) => {
                    assert!(is_cjk(t), "{t} {s}");
                    assert_eq!(simplified(t), Some(s), "{t}");
                }
                Some(VariantKind::Radical) => {
                    assert_eq!(radical_in(&FOLDING.radicals, t), Some(s), "{t}");
                    assert_eq!(norm(&t.to_string()), s.to_string(), "{t}");
                }
                Some(VariantKind::Kana) => {
                    assert_eq!(kana_lookalike(&FOLDING, t), Some(s), "{t}");
                }
                None => panic!("variants.tsv: {t} is in none of the folded blocks"),
            }
        }
        // Every Kangxi radical is folded (NFKC decomposes them all).
        for c in '\u{2f00}'..='\u{2fd5}' {
            assert!(seen.contains_key(&c), "{c} (U+{:04X}) missing", c as u32);
        }
        // A simplified character is never itself folded: the mapping is a
        // projection, which keeps normalization idempotent.
        for &(t, s) in &pairs {
            assert!(!seen.contains_key(&s), "{t} → {s}, but {s} is folded too");
        }
        assert_eq!(
            parse_variants("#! kefu-triage variants v2\n"),
            Err((1, "#! kefu-triage variants v2".into()))
        );
        assert_eq!(
            parse_variants("#! kefu-triage variants v1\n# c\n\n轉\t转\n轉转\n"),
            Err((5, "轉转".into()))
        );
        assert_eq!(
            parse_variants("#! kefu-triage variants v1\n轉人\t转\n"),
            Err((2, "轉人\t转".into()))
        );
    }

    #[test]
    fn folds_traditional_characters() {
        assert_eq!(norm("轉人工"), "转人工");
        assert_eq!(norm("我要投訴你們"), "我要投诉你们");
        assert_eq!(norm("退貨退款"), "退货退款");
        assert_eq!(norm("什麼時候發貨"), "什么时候发货");
        assert_eq!(norm("賬號被凍結了"), "账号被冻结了");
        assert_eq!(norm("客服出來"), "客服出来");
        // Simplified text is left alone, including characters that look
        // traditional but are ordinary simplified ones.
        for s in ["转人工客服", "乾坤", "著名", "物流快递", "我要投诉"] {
            assert_eq!(norm(s), s);
        }
        let raw = "轉 人 工";
        let n = Normalized::new(raw);
        assert_eq!(n.text(), "转人工");
        assert_eq!(n.raw_span(0, n.text().len()), (0, raw.len()));
        assert_eq!(n.raw_span(0, 3), (0, "轉".len()));
    }

    #[test]
    fn emoji_between_cjk_or_digits_are_separators() {
        assert_eq!(norm("转😡人😡工"), "转人工");
        assert_eq!(norm("投🔥诉"), "投诉");
        assert_eq!(norm("转 😡 人 ❤ 工"), "转人工");
        assert_eq!(norm("转😡-人"), "转人");
        assert_eq!(norm("138😡1234😡5678"), "13812345678");
        // Kept where they are not between two CJK characters or digits.
        assert_eq!(norm("太差了😡"), "太差了😡");
        assert_eq!(norm("太差了 😡 "), "太差了 😡");
        assert_eq!(norm("😡垃圾"), "😡垃圾");
        assert_eq!(norm("差评😡，退款"), "差评😡,退款");
        assert_eq!(norm("1😡 2"), "1😡 2");
        assert_eq!(norm("a😡b"), "a😡b");
        let raw = "转😡人😡工";
        let n = Normalized::new(raw);
        let s = n.text().find("人工").unwrap();
        let (a, b) = n.raw_span(s, s + "人工".len());
        assert_eq!(&raw[a..b], "人😡工");
    }

    #[test]
    fn more_separators_between_cjk() {
        for s in [
            "转.人.工",
            "转*人*工",
            "转/人/工",
            "转\\人\\工",
            "转=人=工",
            "转·人·工",
            "转•人•工",
            "转_人_工",
            "转 - 人 - 工",
            "转\n人\t工",
            "转 . 人 . 工",
            "转——人工".replace('—', "-").as_str(),
        ] {
            assert_eq!(norm(s), "转人工", "{s:?}");
        }
        // Between other characters they stay.
        assert_eq!(norm("2024.11.11"), "2024.11.11");
        assert_eq!(norm("138-1234-5678"), "138-1234-5678");
        assert_eq!(norm("a/b"), "a/b");
        assert_eq!(norm("转- a"), "转- a");
        assert_eq!(norm("好、、"), "好");
    }

    #[test]
    fn folds_lookalike_letters_and_digits() {
        assert_eq!(norm("𝐭𝐨𝐮𝐬𝐮"), "tousu");
        assert_eq!(norm("𝐓𝐒"), "ts");
        assert_eq!(norm("𝟏𝟑𝟖"), "138");
        assert_eq!(norm("①③⑧⓪"), "1380");
        assert_eq!(norm("ＴＯＵＳＵ"), "tousu");
        assert_eq!(norm("a\u{e0041}b"), "ab");
    }

    #[test]
    fn folds_radicals_and_lone_katakana() {
        // Kangxi radicals (U+2F08 ⼈, U+2F2F ⼯) and supplement forms.
        assert_eq!(norm("转⼈⼯"), "转人工");
        assert_eq!(norm("转人⼯客服"), "转人工客服");
        assert_eq!(norm("⾨店"), "门店");
        assert_eq!(norm("转⺅工"), "转人工");
        assert_eq!(norm("转亻工"), "转人工");
        // A lone katakana look-alike beside a Chinese character.
        assert_eq!(norm("转人エ"), "转人工");
        assert_eq!(norm("转亻エ"), "转人工");
        assert_eq!(norm("转 人 エ"), "转人工");
        assert_eq!(norm("转人-エ-客服"), "转人工客服");
        assert_eq!(norm("エ人"), "工人");
        assert_eq!(norm("人ｴ"), "人工");
        // Japanese words keep their kana, and so does a kana alone.
        for s in [
            "エアコン",
            "カメラ修理",
            "人エアコン",
            "エ",
            "a エ b",
            "ロゴ",
            "ニコニコ",
        ] {
            assert_eq!(norm(s), s.to_lowercase(), "{s:?}");
        }
        assert_eq!(norm("のエ人"), "のエ人");
        // Spans of a folded look-alike point at what was typed.
        let raw = "转人\u{200b}エ";
        let n = Normalized::new(raw);
        assert_eq!(n.text(), "转人工");
        let s = n.text().find("工").unwrap();
        let (a, b) = n.raw_span(s, s + "工".len());
        assert_eq!(&raw[a..b], "エ");
    }

    #[test]
    fn dashes_between_cjk_are_separators() {
        for s in [
            "人—工",
            "转——人——工",
            "转―人―工",
            "转‒人‒工",
            "转－人－工",
            "转 — 人工",
        ] {
            assert_eq!(norm(s).replace("转", ""), "人工", "{s:?}");
        }
        // Elsewhere they stay, and a run of them is emphasis.
        assert_eq!(norm("138—1234"), "138—1234");
        assert_eq!(norm("好——"), "好");
        assert_eq!(norm("a——b"), "a—b");
    }

    /// Every string of up to four characters over an alphabet of the
    /// characters normalization treats specially: normalizing twice gives
    /// the same text, spans stay in range and on character boundaries.
    #[test]
    fn idempotent_on_every_short_mix() {
        let alphabet = [
            '转', '轉', ' ', '-', '😡', '1', 'a', '!', '。', '\u{200b}', '、', '.', 'エ', 'ア',
            '⼯', '—',
        ];
        let n = alphabet.len();
        let mut s = String::new();
        for len in 1..=4u32 {
            for mut k in 0..n.pow(len) {
                s.clear();
                for _ in 0..len {
                    s.push(alphabet[k % n]);
                    k /= n;
                }
                let once = Normalized::new(&s);
                let twice = Normalized::new(once.text());
                assert_eq!(once.text(), twice.text(), "{s:?}");
                for i in 0..=once.text().len() {
                    for j in i..=once.text().len() {
                        let (a, b) = once.raw_span(i, j);
                        assert!(a <= b && b <= s.len(), "{s:?} {i}..{j}");
                        assert!(s.is_char_boundary(a) && s.is_char_boundary(b), "{s:?}");
                    }
                }
            }
        }
    }
}
