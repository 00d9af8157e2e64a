//! The features the linear models read, produced without allocation.
//!
//! A feature is a short string with a one-letter prefix: `u` a character,
//! `b` a character bigram, `w` a jieba token, `q` an issue-cue label (valued
//! by the cue weights), `e` an entity kind, `p` a kind of personal data
//! (whose characters give no n-grams to the issue model: the digits of a
//! phone number say nothing of the issue, and read like a tracking
//! number's). ASCII digits are folded to `0`
//! so that every order number looks alike. The same function feeds the
//! training tool (which keeps the strings) and the engine (which hashes them
//! into the model's table), so the two can never disagree.

use crate::text::pii::PiiMatch;

/// How the models read the characters of a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Inside a negation ("不是不好", "不好吃"): no n-gram features, so the
    /// plain "不好" or "好吃" is not read; the negation-aware lexicon sums
    /// (`sneg`, `spos`) speak for the span.
    Negated,
    /// A sarcasm marker ("真是谢谢你们了"): no n-gram features; the marker
    /// speaks through the `ssarcasm` sum instead of its polite words.
    Sarcasm,
}

/// Names of the lexicon-sum features, in the order of `SentimentOutput::sums`.
pub(crate) const SUM_FEATURES: [&str; 9] = [
    "sneg",
    "spos",
    "sanger",
    "sanxiety",
    "sdisappointment",
    "ssarcasm",
    "semphasis",
    "sthreat",
    "shuman",
];

/// The FNV-1a offset basis: the hash of no bytes.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// 64-bit FNV-1a: stable across processes, platforms and crate versions.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_extend(FNV_OFFSET, bytes)
}

/// FNV-1a of the bytes hashed into `h` followed by `bytes`: hashes a name
/// piece by piece without building it.
#[inline]
pub(crate) fn fnv1a_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// [`fnv1a_extend`] with the UTF-8 bytes of `c`.
#[inline]
pub(crate) fn fnv1a_extend_char(h: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    fnv1a_extend(h, c.encode_utf8(&mut buf).as_bytes())
}

/// Key of a model row: the hash of a feature's name.
///
/// Character unigrams and bigrams — nine in ten lookups — are hashed from
/// their code points with one 64-bit finalizer (MurmurHash3's `fmix64`, a
/// bijection), so no two of them can collide, and the engine hashes them
/// without encoding UTF-8, which cut the instructions of the fused scoring
/// pass against the byte-wise FNV-1a of the name (callgrind,
/// `examples/profile_triage`). Every other feature (`w`, `q`,
/// `e`, `s…`) is hashed with [`fnv1a`] of its name.
pub(crate) fn feature_hash(name: &str) -> u64 {
    let mut it = name.chars();
    if let (Some('u'), Some(c), None) = (it.next(), it.next(), it.next()) {
        return unigram_hash(c);
    }
    match bigram_chars(name) {
        Some((p, c)) => bigram_hash(p, c),
        None => fnv1a(name.as_bytes()),
    }
}

/// The two characters of a bigram feature's name, `b<p><c>`.
pub(crate) fn bigram_chars(name: &str) -> Option<(char, char)> {
    let mut it = name.chars();
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some('b'), Some(p), Some(c), None) => Some((p, c)),
        _ => None,
    }
}

/// Bits 42 and up tell unigrams from bigrams; code points fit in 21 bits.
const UNIGRAM_TAG: u64 = 0x75 << 56;
const BIGRAM_TAG: u64 = 0x62 << 56;

#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// [`feature_hash`] of `u<c>`.
#[inline]
pub(crate) fn unigram_hash(c: char) -> u64 {
    fmix64(UNIGRAM_TAG | c as u64)
}

/// [`feature_hash`] of `b<p><c>`.
#[inline]
pub(crate) fn bigram_hash(p: char, c: char) -> u64 {
    fmix64(BIGRAM_TAG | (p as u64) << 21 | c as u64)
}

#[inline]
pub(crate) fn fold(c: char) -> char {
    if c.is_ascii_digit() { '0' } else { c }
}

/// Inlined everywhere: as a call per character it was 15% of the fused
/// scoring pass (callgrind).
#[inline(always)]
pub(crate) fn skip(c: char) -> bool {
    // CJK ideographs, most of every message, answer without the Unicode
    // white-space table.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return false;
    }
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c, '，' | '。' | '、' | '！' | '？' | '…' | '～')
}

/// The span of `spans` (sorted, non-overlapping, read through `bounds`)
/// that covers byte `i`, if any. `next` carries the search from one call to
/// the next: call with increasing `i`, starting from `next = 0`.
#[inline]
pub(crate) fn span_at<'s, T>(
    spans: &'s [T],
    next: &mut usize,
    i: u32,
    bounds: impl Fn(&T) -> (u32, u32),
) -> Option<&'s T> {
    while spans.get(*next).is_some_and(|s| bounds(s).1 <= i) {
        *next += 1;
    }
    spans.get(*next).filter(|s| bounds(s).0 <= i)
}

/// Calls `emit` for the character unigrams (`u`) and bigrams (`b`) of
/// `text`, except for characters inside a scope (a negated polar word with
/// its negator, a sarcasm marker, personal data): those speak through the
/// lexicon sums or the `p` features instead. `scopes` are sorted,
/// non-overlapping byte spans, read through `bounds`.
pub(crate) fn for_each_text_feature<T>(
    text: &str,
    scopes: &[T],
    bounds: impl Fn(&T) -> (u32, u32),
    buf: &mut String,
    emit: &mut impl FnMut(&str, f32),
) {
    let mut prev: Option<char> = None;
    let mut next_scope = 0;
    for (i, c) in text.char_indices() {
        let in_scope = span_at(scopes, &mut next_scope, i as u32, &bounds).is_some();
        if skip(c) || in_scope {
            prev = None;
            continue;
        }
        let c = fold(c);
        buf.clear();
        buf.push('u');
        buf.push(c);
        emit(buf, 1.0);
        if let Some(p) = prev {
            buf.clear();
            buf.push('b');
            buf.push(p);
            buf.push(c);
            emit(buf, 1.0);
        }
        prev = Some(c);
    }
}

/// Calls `emit(feature, value)` for every feature of `text`.
///
/// `tokens` are jieba's byte spans of `text`; `cues` are `(label, weight)`
/// of the issue cues found; `entities` the entity kinds found. `buf` is
/// scratch space.
pub(crate) fn for_each_feature(
    text: &str,
    tokens: &[(u32, u32)],
    cues: &[(&str, f32)],
    entities: &[&str],
    pii: &[PiiMatch],
    buf: &mut String,
    mut emit: impl FnMut(&str, f32),
) {
    let bounds = |p: &PiiMatch| (p.start as u32, p.end as u32);
    for_each_text_feature(text, pii, bounds, buf, &mut emit);
    for &(a, b) in tokens {
        let Some(tok) = text.get(a as usize..b as usize) else {
            continue;
        };
        // Single characters are already unigrams.
        if tok.chars().nth(1).is_none() || tok.chars().all(skip) {
            continue;
        }
        buf.clear();
        buf.push('w');
        buf.extend(tok.chars().map(fold));
        emit(buf, 1.0);
    }
    for &(label, w) in cues {
        buf.clear();
        buf.push('q');
        buf.push_str(label);
        emit(buf, w);
    }
    for &kind in entities {
        buf.clear();
        buf.push('e');
        buf.push_str(kind);
        emit(buf, 1.0);
    }
    for p in pii {
        buf.clear();
        buf.push('p');
        buf.push_str(p.kind.as_str());
        emit(buf, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Reference values of 64-bit FNV-1a.
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn feature_hash_reads_the_name() {
        assert_eq!(feature_hash("u快"), unigram_hash('快'));
        assert_eq!(feature_hash("b快递"), bigram_hash('快', '递'));
        assert_ne!(feature_hash("u快"), feature_hash("b快递"));
        // Longer names, and other prefixes, are FNV-1a of the name.
        assert_eq!(feature_hash("w快递"), fnv1a("w快递".as_bytes()));
        assert_eq!(feature_hash("uab"), fnv1a(b"uab"));
        assert_eq!(feature_hash("b"), fnv1a(b"b"));
        // A unigram's key never equals a bigram's.
        let chars = ['0', 'a', '快', '递', '\u{10FFFF}', '\0'];
        let mut keys: Vec<u64> = chars.iter().map(|&c| unigram_hash(c)).collect();
        for &p in &chars {
            keys.extend(chars.iter().map(|&c| bigram_hash(p, c)));
        }
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn personal_data_gives_its_kind_not_its_digits() {
        use crate::text::pii::PiiKind;
        let text = "电话13812345678快递";
        let phone = PiiMatch {
            kind: PiiKind::Phone,
            start: 6,
            end: 17,
        };
        let mut out = Vec::new();
        for_each_feature(text, &[], &[], &[], &[phone], &mut String::new(), |f, _| {
            out.push(f.to_string())
        });
        assert_eq!(
            out,
            ["u电", "u话", "b电话", "u快", "u递", "b快递", "pphone"]
        );
    }

    #[test]
    fn features_of_a_short_text() {
        let mut out = Vec::new();
        let mut buf = String::new();
        for_each_feature(
            "快递sf12",
            &[(0, 6), (6, 10)],
            &[("logistics", 1.5)],
            &["tracking_number"],
            &[],
            &mut buf,
            |f, v| out.push((f.to_string(), v)),
        );
        let names: Vec<&str> = out.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "u快",
                "u递",
                "b快递",
                "us",
                "b递s",
                "uf",
                "bsf",
                "u0",
                "bf0",
                "u0",
                "b00",
                "w快递",
                "wsf00",
                "qlogistics",
                "etracking_number"
            ]
        );
        assert_eq!(out[13].1, 1.5);
    }
}
