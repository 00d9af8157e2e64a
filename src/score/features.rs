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

use crate::text::pii::{PiiKind, PiiMatch};

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
/// without encoding UTF-8 (fewer instructions than FNV-1a over the name's
/// bytes, callgrind over `examples/profile_triage`). Every other feature
/// (`w`, `q`, `e`, `s…`) is hashed with [`fnv1a`] of its name.
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

/// Inlined everywhere: a call per character is 15% of the one-pass scoring
/// (callgrind).
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

/// The models a feature is read by, as bits: the issue model.
pub(crate) const ISSUE: u8 = 1;
/// The negativity and emotion models.
pub(crate) const SENTIMENT: u8 = 2;

/// What the models read about one message.
pub(crate) struct ModelInput<'a> {
    /// The normalized text.
    pub text: &'a str,
    /// jieba's byte spans of `text`, when the issue model reads tokens.
    pub tokens: &'a [(u32, u32)],
    /// Cue score per taxonomy label.
    pub cue_sums: &'a [f32],
    pub entity_kinds: &'a [&'static str],
    /// Personal data (sorted normalized spans): the issue model reads its
    /// kind (`p…`), not its characters.
    pub pii: &'a [PiiMatch],
    /// Negated and sarcastic spans the sentiment models skip.
    pub scopes: &'a [(u32, u32, Scope)],
    /// The sentiment lexicon sums, in `SUM_FEATURES` order.
    pub lexicon_sums: &'a [f32],
}

/// Receives the character n-grams of a message from [`visit_ngrams`].
pub(crate) trait NgramVisitor {
    /// The character `c` (folded): its unigram `u<c>` for the models in
    /// `unigram` and, after the first character of a run, the bigram
    /// `b<prev><c>` for the models in `bigram` (both characters read).
    fn ngram(&mut self, prev: Option<char>, c: char, unigram: u8, bigram: u8);
}

/// Receives the other features of a message from [`visit_others`].
pub(crate) trait OtherVisitor {
    /// A jieba token of two or more characters, `w<token>` (issue model).
    fn token(&mut self, token: &str);
    /// The cue score of taxonomy label `label`, `q<label>` (issue model).
    fn cue(&mut self, label: usize, weight: f32);
    /// An entity kind found, `e<kind>` (issue model).
    fn entity(&mut self, kind: &str);
    /// A personal-data kind found, `p<kind>` (issue model).
    fn personal_data(&mut self, kind: PiiKind);
    /// A sentiment lexicon sum, named `SUM_FEATURES[index]` (sentiment
    /// models).
    fn lexicon_sum(&mut self, index: usize, value: f32);
}

/// The character n-grams of `input` that the models in `readers` read,
/// in text order: the one definition of them, for training and serving.
///
/// The issue model skips the characters of personal data (it reads their
/// kind instead); the sentiment models skip the characters inside a scope
/// (a negated polar word with its negator, a sarcasm marker: the lexicon
/// sums speak for them). A bigram needs both of its characters read.
#[inline(always)]
pub(crate) fn visit_ngrams(input: &ModelInput<'_>, readers: u8, visitor: &mut impl NgramVisitor) {
    let (issue, sentiment) = (readers & ISSUE, readers & SENTIMENT);
    let (mut next_scope, mut next_pii) = (0, 0);
    let mut prev: Option<char> = None;
    let (mut prev_free, mut prev_open) = (false, false);
    for (i, c) in input.text.char_indices() {
        let i = i as u32;
        let in_scope = span_at(input.scopes, &mut next_scope, i, |s| (s.0, s.1)).is_some();
        let in_pii = span_at(input.pii, &mut next_pii, i, |p| {
            (p.start as u32, p.end as u32)
        })
        .is_some();
        if skip(c) {
            prev = None;
            prev_free = false;
            prev_open = false;
            continue;
        }
        let c = fold(c);
        // `free`: read by the sentiment models; `open`: by the issue model.
        let (free, open) = (!in_scope, !in_pii);
        let unigram = (if open { issue } else { 0 }) | (if free { sentiment } else { 0 });
        let bigram = if prev.is_some() {
            (if open && prev_open { issue } else { 0 })
                | (if free && prev_free { sentiment } else { 0 })
        } else {
            0
        };
        visitor.ngram(prev, c, unigram, bigram);
        prev = Some(c);
        prev_free = free;
        prev_open = open;
    }
}

/// The features of `input` other than character n-grams that the models in
/// `readers` read: tokens, cue scores, entity and personal-data kinds for
/// the issue model; the lexicon sums for the sentiment models.
#[inline(always)]
pub(crate) fn visit_others(input: &ModelInput<'_>, readers: u8, visitor: &mut impl OtherVisitor) {
    if readers & ISSUE != 0 {
        for &(a, b) in input.tokens {
            let Some(tok) = input.text.get(a as usize..b as usize) else {
                continue;
            };
            // Single characters are already unigrams.
            if tok.chars().nth(1).is_none() || tok.chars().all(skip) {
                continue;
            }
            visitor.token(tok);
        }
        for (label, &weight) in input.cue_sums.iter().enumerate() {
            if weight > 0.0 {
                visitor.cue(label, weight);
            }
        }
        for kind in input.entity_kinds {
            visitor.entity(kind);
        }
        for p in input.pii {
            visitor.personal_data(p.kind);
        }
    }
    if readers & SENTIMENT != 0 {
        for (index, &value) in input.lexicon_sums.iter().enumerate() {
            if value != 0.0 {
                visitor.lexicon_sum(index, value);
            }
        }
    }
}

/// Calls `emit(name, value)` for every feature of `input` the models in
/// `readers` read, by the name the model files use (`u快`, `b快递`, `w快递`,
/// `qlogistics`, `etracking_number`, `pphone`, `sneg`): what the trainers
/// see. `cue_labels` names the taxonomy's labels by index; `buf` is scratch.
pub(crate) fn for_each_named(
    input: &ModelInput<'_>,
    readers: u8,
    cue_labels: &[&str],
    buf: &mut String,
    emit: impl FnMut(&str, f32),
) {
    let mut names = Names {
        cue_labels,
        buf,
        emit,
    };
    visit_ngrams(input, readers, &mut names);
    visit_others(input, readers, &mut names);
}

/// [`for_each_named`]'s visitor.
struct Names<'a, F> {
    cue_labels: &'a [&'a str],
    buf: &'a mut String,
    emit: F,
}

impl<F: FnMut(&str, f32)> Names<'_, F> {
    fn emit(&mut self, prefix: char, rest: impl IntoIterator<Item = char>, value: f32) {
        self.buf.clear();
        self.buf.push(prefix);
        self.buf.extend(rest);
        (self.emit)(self.buf, value);
    }
}

impl<F: FnMut(&str, f32)> NgramVisitor for Names<'_, F> {
    fn ngram(&mut self, prev: Option<char>, c: char, unigram: u8, bigram: u8) {
        // `visit_ngrams` already masked both by the readers asked for.
        if unigram != 0 {
            self.emit('u', [c], 1.0);
        }
        if let Some(p) = prev
            && bigram != 0
        {
            self.emit('b', [p, c], 1.0);
        }
    }
}

impl<F: FnMut(&str, f32)> OtherVisitor for Names<'_, F> {
    fn token(&mut self, token: &str) {
        self.emit('w', token.chars().map(fold), 1.0);
    }

    fn cue(&mut self, label: usize, weight: f32) {
        if let Some(name) = self.cue_labels.get(label) {
            self.emit('q', name.chars(), weight);
        }
    }

    fn entity(&mut self, kind: &str) {
        self.emit('e', kind.chars(), 1.0);
    }

    fn personal_data(&mut self, kind: PiiKind) {
        self.emit('p', kind.as_str().chars(), 1.0);
    }

    fn lexicon_sum(&mut self, index: usize, value: f32) {
        if let Some(name) = SUM_FEATURES.get(index) {
            self.buf.clear();
            self.buf.push_str(name);
            (self.emit)(self.buf, value);
        }
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

    /// The names `for_each_named` gives the issue model for `input`.
    fn issue_names(input: &ModelInput<'_>, cue_labels: &[&str]) -> Vec<(String, f32)> {
        let mut out = Vec::new();
        for_each_named(input, ISSUE, cue_labels, &mut String::new(), |f, v| {
            out.push((f.to_string(), v))
        });
        out
    }

    fn input(text: &str) -> ModelInput<'_> {
        ModelInput {
            text,
            tokens: &[],
            cue_sums: &[],
            entity_kinds: &[],
            pii: &[],
            scopes: &[],
            lexicon_sums: &[],
        }
    }

    #[test]
    fn personal_data_gives_its_kind_not_its_digits() {
        use crate::text::pii::PiiKind;
        let phone = [PiiMatch {
            kind: PiiKind::Phone,
            start: 6,
            end: 17,
        }];
        let names = issue_names(
            &ModelInput {
                pii: &phone,
                ..input("电话13812345678快递")
            },
            &[],
        );
        let names: Vec<&str> = names.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            ["u电", "u话", "b电话", "u快", "u递", "b快递", "pphone"]
        );
    }

    #[test]
    fn features_of_a_short_text() {
        let cue_sums = [0.0, 1.5];
        let out = issue_names(
            &ModelInput {
                tokens: &[(0, 6), (6, 10)],
                cue_sums: &cue_sums,
                entity_kinds: &["tracking_number"],
                ..input("快递sf12")
            },
            &["return_refund", "logistics"],
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

    #[test]
    fn the_sentiment_models_skip_scopes_and_read_the_sums() {
        let scopes = [(3, 9, Scope::Negated)];
        let sums = [0.0, 1.25];
        let mut out = Vec::new();
        for_each_named(
            &ModelInput {
                scopes: &scopes,
                lexicon_sums: &sums,
                ..input("很不好吃")
            },
            SENTIMENT,
            &[],
            &mut String::new(),
            |f, v| out.push((f.to_string(), v)),
        );
        let names: Vec<&str> = out.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["u很", "u吃", "spos"]);
        assert_eq!(out[2].1, 1.25);
    }
}
