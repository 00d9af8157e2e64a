//! The data files under `lexicons/`: their formats, parsing and the cue
//! scanner built from them.
//!
//! Every file starts with a format header `#! kefu-triage <kind> v1`, then
//! has one entry per line; `#` starts a comment line and blank lines are
//! skipped. Columns are separated by one tab. Any problem is an
//! [`Error::Data`] naming the file, line and value.

use std::ops::Range;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder};

use crate::domain::{Emotion, IssueLabel};
use crate::error::{Error, Problem, Result};
use crate::text::normalize::Normalized;

/// One of the data files the engine is built from.
///
/// Each has an embedded default (the file of the same name in `lexicons/`)
/// that [`EngineBuilder`](crate::EngineBuilder) can replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lexicon {
    /// `taxonomy.tsv`: `label, zh_name, skill_group, description`.
    Taxonomy,
    /// `issue_cues.tsv`: `pattern, label, weight`.
    IssueCues,
    /// `sentiment.tsv`: `pattern, kind, weight` with kinds `negative`,
    /// `positive`, `negator`, `intensifier`, `diminisher`, `contrast`,
    /// `sarcasm`, `anger`, `anxiety`, `disappointment`, `block`.
    Sentiment,
    /// `escalation.tsv`: `pattern, kind, weight` with kinds
    /// `human_request`, `channel`, `ask`, `threat`, `safety`, `minor`,
    /// `privacy`, `block`.
    Escalation,
    /// `user_dict.txt`: jieba user dictionary, `word [freq] [tag]`.
    UserDict,
    /// `product_brands.txt`: one brand per line, for product models.
    ProductBrands,
    /// `issue_model.tsv`: the trained issue model (see
    /// `examples/train_issue.rs`).
    IssueModel,
    /// `sentiment_model.tsv`: the trained negativity model, classes
    /// `not_negative, negative` (see `examples/train_sentiment.rs`).
    SentimentModel,
    /// `emotion_model.tsv`: the trained emotion model, classes `none,
    /// anger, anxiety, disappointment`.
    EmotionModel,
}

impl Lexicon {
    /// Every lexicon, in build order.
    pub const ALL: &'static [Lexicon] = &[
        Lexicon::Taxonomy,
        Lexicon::IssueCues,
        Lexicon::Sentiment,
        Lexicon::Escalation,
        Lexicon::UserDict,
        Lexicon::ProductBrands,
        Lexicon::IssueModel,
        Lexicon::SentimentModel,
        Lexicon::EmotionModel,
    ];

    /// The file name of the embedded default.
    pub fn file_name(self) -> &'static str {
        match self {
            Lexicon::Taxonomy => "taxonomy.tsv",
            Lexicon::IssueCues => "issue_cues.tsv",
            Lexicon::Sentiment => "sentiment.tsv",
            Lexicon::Escalation => "escalation.tsv",
            Lexicon::UserDict => "user_dict.txt",
            Lexicon::ProductBrands => "product_brands.txt",
            Lexicon::IssueModel => "issue_model.tsv",
            Lexicon::SentimentModel => "sentiment_model.tsv",
            Lexicon::EmotionModel => "emotion_model.tsv",
        }
    }

    /// The `<kind>` of the header line `#! kefu-triage <kind> v1`.
    pub fn format_kind(self) -> &'static str {
        match self {
            Lexicon::Taxonomy => "taxonomy",
            Lexicon::IssueCues => "issue-cues",
            Lexicon::Sentiment => "sentiment",
            Lexicon::Escalation => "escalation",
            Lexicon::UserDict => "user-dict",
            Lexicon::ProductBrands => "product-brands",
            Lexicon::IssueModel => "issue-model",
            Lexicon::SentimentModel => "sentiment-model",
            Lexicon::EmotionModel => "emotion-model",
        }
    }

    /// The embedded default text.
    pub fn embedded(self) -> &'static str {
        match self {
            Lexicon::Taxonomy => embedded::TAXONOMY,
            Lexicon::IssueCues => embedded::ISSUE_CUES,
            Lexicon::Sentiment => embedded::SENTIMENT,
            Lexicon::Escalation => embedded::ESCALATION,
            Lexicon::UserDict => embedded::USER_DICT,
            Lexicon::ProductBrands => embedded::PRODUCT_BRANDS,
            Lexicon::IssueModel => embedded::ISSUE_MODEL,
            Lexicon::SentimentModel => embedded::SENTIMENT_MODEL,
            Lexicon::EmotionModel => embedded::EMOTION_MODEL,
        }
    }
}

/// The embedded lexicon files, each in a `static`: one copy in the binary.
/// String literals inside the inlinable `Lexicon::embedded` are copied into
/// every codegen unit that inlines it, which put the issue model in the
/// binary twice (`.rodata` +1.8 MB, peak RSS +1.7 MiB).
mod embedded {
    pub static TAXONOMY: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/taxonomy.tsv"
    ));
    pub static ISSUE_CUES: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/issue_cues.tsv"
    ));
    pub static SENTIMENT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/sentiment.tsv"
    ));
    pub static ESCALATION: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/escalation.tsv"
    ));
    pub static USER_DICT: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/user_dict.txt"
    ));
    pub static PRODUCT_BRANDS: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/product_brands.txt"
    ));
    pub static ISSUE_MODEL: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/issue_model.tsv"
    ));
    pub static SENTIMENT_MODEL: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/sentiment_model.tsv"
    ));
    pub static EMOTION_MODEL: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/emotion_model.tsv"
    ));
}

/// Decodes file bytes, naming the line of the first invalid byte.
pub(crate) fn decode_utf8(file: &str, bytes: Vec<u8>) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            // Hex without backslashes: the error quotes its value with
            // `{:?}`, which would double them.
            let bad = bytes[at..bytes.len().min(at + 4)]
                .iter()
                .fold(String::from("bytes"), |s, b| s + &format!(" {b:02x}"));
            Err(Error::data(file, line, Problem::InvalidUtf8, bad))
        }
    }
}

/// The entry lines of a data file: `(1-based line number, line)`, after
/// checking the header and dropping comments and blank lines.
pub(crate) fn entry_lines<'a>(
    file: &str,
    text: &'a str,
    kind: &str,
) -> Result<Vec<(usize, &'a str)>> {
    Ok(entries(file, text, kind)?.collect())
}

/// [`entry_lines`] as an iterator, for files too large to hold twice.
pub(crate) fn entries<'a>(
    file: &str,
    text: &'a str,
    kind: &str,
) -> Result<impl Iterator<Item = (usize, &'a str)>> {
    let mut lines = text.lines().enumerate();
    let expected = format!("#! kefu-triage {kind} v1");
    match lines.next() {
        Some((_, first)) if first.trim_start_matches('\u{feff}').trim_end() == expected => {}
        Some((_, first)) => return Err(Error::data(file, 1, Problem::BadHeader, first)),
        None => return Err(Error::data(file, 1, Problem::BadHeader, "")),
    }
    Ok(lines
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#')))
}

fn columns<'a, const N: usize>(file: &str, line: usize, text: &'a str) -> Result<[&'a str; N]> {
    let mut out = [""; N];
    let mut parts = text.split('\t');
    for slot in &mut out {
        *slot = parts
            .next()
            .ok_or_else(|| Error::data(file, line, Problem::WrongColumnCount, text))?
            .trim();
    }
    if parts.next().is_some() {
        return Err(Error::data(file, line, Problem::WrongColumnCount, text));
    }
    Ok(out)
}

fn weight(file: &str, line: usize, s: &str) -> Result<f32> {
    match s.parse::<f32>() {
        Ok(w) if w.is_finite() && (0.0..=10.0).contains(&w) => Ok(w),
        _ => Err(Error::data(file, line, Problem::BadWeight, s)),
    }
}

/// Normalizes a pattern the way inquiries are normalized.
fn pattern(file: &str, line: usize, s: &str) -> Result<String> {
    let p = Normalized::new(s).text().trim().to_string();
    if p.is_empty() {
        return Err(Error::data(file, line, Problem::EmptyPattern, s));
    }
    let chars = p.chars().count();
    if chars > MAX_PATTERN_CHARS {
        let start: String = p.chars().take(16).collect();
        return Err(Error::data(
            file,
            line,
            Problem::OutOfRange,
            format!("pattern of {chars} characters (at most {MAX_PATTERN_CHARS}): {start}…"),
        ));
    }
    Ok(p)
}

/// The longest pattern, word or brand a lexicon may hold, in characters
/// (after normalization). The shipped lexicons' longest is 23. The bound
/// keeps `build()` linear: aho-corasick's leftmost automaton takes time
/// quadratic in a periodic pattern's length (`aaaa…`: 10k characters
/// 0.59 s, 20k 2.2 s), so a runaway line would stall start-up.
pub const MAX_PATTERN_CHARS: usize = 64;

/// One label of the taxonomy.
#[derive(Clone, Debug)]
pub(crate) struct TaxonomyEntry {
    pub label: IssueLabel,
    pub zh_name: String,
    pub skill_group: String,
}

/// The issue taxonomy: labels in file order.
#[derive(Clone, Debug)]
pub(crate) struct Taxonomy {
    pub entries: Vec<TaxonomyEntry>,
    pub other: usize,
}

impl Taxonomy {
    pub fn parse(file: &str, text: &str) -> Result<Taxonomy> {
        let mut entries: Vec<TaxonomyEntry> = Vec::new();
        for (line, l) in entry_lines(file, text, Lexicon::Taxonomy.format_kind())? {
            let [label, zh_name, skill_group, _description] = columns::<4>(file, line, l)?;
            let valid = !label.is_empty()
                && label.len() <= 64
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(Error::data(file, line, Problem::UnknownLabel, label));
            }
            if skill_group.is_empty() {
                return Err(Error::data(file, line, Problem::Missing, l));
            }
            if entries.iter().any(|e| e.label == label) {
                return Err(Error::data(file, line, Problem::DuplicateEntry, label));
            }
            if entries.len() >= u16::MAX as usize {
                return Err(Error::data(file, line, Problem::OutOfRange, label));
            }
            entries.push(TaxonomyEntry {
                label: IssueLabel::new(label),
                zh_name: zh_name.to_string(),
                skill_group: skill_group.to_string(),
            });
        }
        let other = entries
            .iter()
            .position(|e| e.label == IssueLabel::OTHER)
            .ok_or_else(|| Error::data(file, 0, Problem::Missing, IssueLabel::OTHER))?;
        Ok(Taxonomy { entries, other })
    }

    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.label == label)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// What a lexicon pattern means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum CueKind {
    Issue(u16),
    Negative,
    Positive,
    Negator,
    Intensifier,
    Diminisher,
    Contrast,
    Sarcasm,
    Emotion(Emotion),
    HumanRequest,
    /// A contact channel (客服电话, 在线客服): a human request when the
    /// same clause asks for it with an [`CueKind::Ask`] entry.
    Channel,
    /// Asking for something (多少, 在哪, 给个, 有没有): what turns a
    /// channel into a request.
    Ask,
    Threat,
    Safety,
    Minor,
    Privacy,
    /// A false friend: swallows shorter cues. From `escalation.tsv` it
    /// blocks every lexicon (`all`), from `sentiment.tsv` only sentiment.
    Block {
        all: bool,
    },
}

/// Lexicons are matched independently: a long sentiment phrase must not hide
/// an issue cue inside it. Each family gets its own leftmost-longest pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Issue = 0,
    Sentiment = 1,
    Escalation = 2,
}

impl CueKind {
    fn family(self) -> Family {
        match self {
            CueKind::Issue(_) => Family::Issue,
            CueKind::Negative
            | CueKind::Positive
            | CueKind::Negator
            | CueKind::Intensifier
            | CueKind::Diminisher
            | CueKind::Contrast
            | CueKind::Sarcasm
            | CueKind::Emotion(_)
            | CueKind::Block { all: false } => Family::Sentiment,
            CueKind::HumanRequest
            | CueKind::Channel
            | CueKind::Ask
            | CueKind::Threat
            | CueKind::Safety
            | CueKind::Minor
            | CueKind::Privacy
            | CueKind::Block { all: true } => Family::Escalation,
        }
    }

    fn parse_sentiment(s: &str) -> Option<CueKind> {
        Some(match s {
            "negative" => CueKind::Negative,
            "positive" => CueKind::Positive,
            "negator" => CueKind::Negator,
            "intensifier" => CueKind::Intensifier,
            "diminisher" => CueKind::Diminisher,
            "contrast" => CueKind::Contrast,
            "sarcasm" => CueKind::Sarcasm,
            "anger" => CueKind::Emotion(Emotion::Anger),
            "anxiety" => CueKind::Emotion(Emotion::Anxiety),
            "disappointment" => CueKind::Emotion(Emotion::Disappointment),
            "block" => CueKind::Block { all: false },
            _ => return None,
        })
    }

    fn parse_escalation(s: &str) -> Option<CueKind> {
        Some(match s {
            "human_request" => CueKind::HumanRequest,
            "channel" => CueKind::Channel,
            "ask" => CueKind::Ask,
            "threat" => CueKind::Threat,
            "safety" => CueKind::Safety,
            "minor" => CueKind::Minor,
            "privacy" => CueKind::Privacy,
            "block" => CueKind::Block { all: true },
            _ => return None,
        })
    }
}

/// A pattern's meaning and weight.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CueEntry {
    pub kind: CueKind,
    pub weight: f32,
}

#[derive(Clone, Debug)]
struct PatternInfo {
    entries: Range<u32>,
    /// Bit `f` set when an entry belongs to family `f`.
    families: u8,
    /// The pattern starts / ends with an ASCII letter or digit, so it only
    /// matches at an ASCII word boundary ("rg" not inside "argue").
    ascii_start: bool,
    ascii_end: bool,
    /// Written with a leading `^` / trailing `$`: matches only at the start
    /// / end of a clause (see [`at_clause_start`], [`at_clause_end`]).
    clause_start: bool,
    clause_end: bool,
}

/// A match of a lexicon pattern in normalized text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub pattern: u32,
    pub start: u32,
    pub end: u32,
}

/// All cue lexicons compiled into one automaton.
///
/// A character-wise double-array Aho–Corasick automaton (daachorse): one
/// transition per character instead of one per UTF-8 byte. On the bench
/// corpus the scan costs 0.28x `Jieba::cut`, against 0.51x with aho-corasick's
/// contiguous NFA; its DFA was as fast but added 5 MiB of peak memory.
#[derive(Clone)]
pub(crate) struct Cues {
    ac: CharwiseDoubleArrayAhoCorasick<u32>,
    patterns: Vec<PatternInfo>,
    entries: Vec<CueEntry>,
}

/// Reusable buffers for [`Cues::scan`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ScanScratch {
    all: Vec<Hit>,
    pub families: [Vec<Hit>; 3],
}

/// Raw lexicon entries before compilation: `(pattern, entry)`.
#[derive(Default)]
pub(crate) struct CueSet {
    items: Vec<(String, CueEntry)>,
}

impl CueSet {
    pub fn add_issue_cues(&mut self, file: &str, text: &str, taxonomy: &Taxonomy) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for (line, l) in entry_lines(file, text, Lexicon::IssueCues.format_kind())? {
            let [p, label, w] = columns::<3>(file, line, l)?;
            let p = pattern(file, line, p)?;
            let idx = taxonomy
                .index_of(label)
                .ok_or_else(|| Error::data(file, line, Problem::UnknownLabel, label))?;
            let weight = weight(file, line, w)?;
            if !seen.insert((p.clone(), idx)) {
                return Err(Error::data(file, line, Problem::DuplicateEntry, l));
            }
            let kind = CueKind::Issue(idx as u16);
            self.items.push((p, CueEntry { kind, weight }));
        }
        Ok(())
    }

    pub fn add_kinded(&mut self, file: &str, text: &str, lexicon: Lexicon) -> Result<()> {
        let parse: fn(&str) -> Option<CueKind> = match lexicon {
            Lexicon::Sentiment => CueKind::parse_sentiment,
            _ => CueKind::parse_escalation,
        };
        let mut seen = std::collections::HashSet::new();
        for (line, l) in entry_lines(file, text, lexicon.format_kind())? {
            let [p, kind, w] = columns::<3>(file, line, l)?;
            let p = pattern(file, line, p)?;
            let kind =
                parse(kind).ok_or_else(|| Error::data(file, line, Problem::UnknownKind, kind))?;
            let weight = weight(file, line, w)?;
            if !seen.insert((p.clone(), format!("{kind:?}"))) {
                return Err(Error::data(file, line, Problem::DuplicateEntry, l));
            }
            self.items.push((p, CueEntry { kind, weight }));
        }
        Ok(())
    }

    pub fn build(mut self) -> Result<Cues> {
        // A leading `^` / trailing `$` anchors a pattern at the start / end
        // of a clause; the automaton matches the pattern without them.
        let anchors = |p: String| -> (String, (bool, bool)) {
            let (p, end) = match p.strip_suffix('$') {
                Some(bare) if !bare.is_empty() => (bare.to_string(), true),
                _ => (p, false),
            };
            match p.strip_prefix('^') {
                Some(bare) if !bare.is_empty() => (bare.to_string(), (true, end)),
                _ => (p, (false, end)),
            }
        };
        let mut items: Vec<_> = self
            .items
            .drain(..)
            .map(|(p, e)| {
                let (p, a) = anchors(p);
                (p, a, e)
            })
            .collect();
        // Group entries by pattern so each automaton pattern has one range.
        items.sort_by(|a, b| a.0.cmp(&b.0));
        let mut pats: Vec<String> = Vec::new();
        let mut patterns: Vec<PatternInfo> = Vec::new();
        let mut entries = Vec::with_capacity(items.len());
        for (p, (clause_start, clause_end), e) in items {
            if pats.last() != Some(&p) {
                let ascii_start = p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
                let ascii_end = p
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                pats.push(p);
                let at = entries.len() as u32;
                patterns.push(PatternInfo {
                    entries: at..at,
                    families: 0,
                    ascii_start,
                    ascii_end,
                    clause_start,
                    clause_end,
                });
            } else if patterns
                .last()
                .is_some_and(|i| (i.clause_start, i.clause_end) != (clause_start, clause_end))
            {
                // One automaton pattern cannot be both anchored and not.
                return Err(Error::data(
                    "<lexicons>",
                    0,
                    Problem::DuplicateEntry,
                    format!("{p}, anchored in one line and not in another"),
                ));
            }
            let info = patterns.last_mut().expect("pushed above");
            info.entries.end += 1;
            // A false friend (`block`) swallows shorter cues of every
            // lexicon: 曝光补偿 is neither a threat nor a complaint.
            info.families |= if e.kind == (CueKind::Block { all: true }) {
                0b111
            } else {
                1 << e.kind.family() as u8
            };
            entries.push(e);
        }
        let ac = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .build_with_values(pats.iter().zip(0u32..))
            .map_err(|e| Error::data("<lexicons>", 0, Problem::OutOfRange, e.to_string()))?;
        Ok(Cues {
            ac,
            patterns,
            entries,
        })
    }
}

impl std::fmt::Debug for Cues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cues")
            .field("patterns", &self.patterns.len())
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl Cues {
    /// Finds every cue in `text`, leftmost-longest within each family.
    pub fn scan(&self, text: &str, scratch: &mut ScanScratch) {
        scratch.all.clear();
        let bytes = text.as_bytes();
        for m in self.ac.find_overlapping_iter(text) {
            let pattern = m.value();
            let info = &self.patterns[pattern as usize];
            if info.ascii_start && m.start() > 0 && bytes[m.start() - 1].is_ascii_alphanumeric() {
                continue;
            }
            if info.ascii_end
                && bytes
                    .get(m.end())
                    .is_some_and(|b| b.is_ascii_alphanumeric())
            {
                continue;
            }
            if info.clause_start && !at_clause_start(&text[..m.start()]) {
                continue;
            }
            if info.clause_end && !at_clause_end(&text[m.end()..]) {
                continue;
            }
            scratch.all.push(Hit {
                pattern,
                start: m.start() as u32,
                end: m.end() as u32,
            });
        }
        scratch
            .all
            .sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut last_end = [0u32; 3];
        for f in &mut scratch.families {
            f.clear();
        }
        for hit in &scratch.all {
            let fam = self.patterns[hit.pattern as usize].families;
            for (f, end) in last_end.iter_mut().enumerate() {
                if fam & (1 << f) != 0 && hit.start >= *end {
                    scratch.families[f].push(*hit);
                    *end = hit.end;
                }
            }
        }
    }

    /// The entries of a hit's pattern that belong to `family`.
    pub fn entries(&self, hit: &Hit, family: Family) -> impl Iterator<Item = &CueEntry> {
        let r = &self.patterns[hit.pattern as usize].entries;
        self.entries[r.start as usize..r.end as usize]
            .iter()
            .filter(move |e| e.kind.family() == family)
    }

    /// Number of distinct patterns.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }
}

/// Whether `rest`, the text after a match, starts where a clause may end:
/// nothing, or anything but a Chinese character or an ASCII letter or
/// digit (punctuation, a space, an emoji), or a sentence-final particle
/// (`换人吧`, `有没有人啊`). What a pattern written with a trailing `$`
/// needs: `换人$` is a request in `你是机器人吗?换人`, not in `换人收货`.
pub(crate) fn at_clause_end(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() => false,
        Some(c) if crate::text::normalize::is_cjk(c) => matches!(
            c,
            '啊' | '吧'
                | '呀'
                | '吗'
                | '呢'
                | '啦'
                | '嘛'
                | '哈'
                | '哇'
                | '哦'
                | '噢'
                | '喔'
                | '么'
                | '咯'
                | '嘞'
        ),
        Some(_) => true,
    }
}

/// Whether `before`, the text before a match, ends where a clause may
/// start: nothing, or anything but a Chinese character, an ASCII letter or
/// digit, or `@` (the match would be part of a handle, `@客服`). What a
/// pattern written with a leading `^` needs: `^客服客服` is a request in
/// `客服客服客服`, not in `打客服客服说` or `@客服客服`.
pub(crate) fn at_clause_start(before: &str) -> bool {
    match before.chars().next_back() {
        None => true,
        Some(c) => !(c.is_ascii_alphanumeric() || c == '@' || crate::text::normalize::is_cjk(c)),
    }
}

/// One user-dictionary entry: word, frequency, part-of-speech tag.
pub(crate) type DictEntry = (String, Option<usize>, Option<String>);

/// Parses a jieba user dictionary.
pub(crate) fn parse_user_dict(file: &str, text: &str) -> Result<Vec<DictEntry>> {
    let mut out = Vec::new();
    for (line, l) in entry_lines(file, text, Lexicon::UserDict.format_kind())? {
        let mut parts = l.split_whitespace();
        let word = parts.next().unwrap_or_default();
        let word = pattern(file, line, word)?;
        let freq = match parts.next() {
            None => None,
            Some(f) => Some(
                f.parse::<usize>()
                    .ok()
                    .filter(|&f| f > 0 && f < 1_000_000_000)
                    .ok_or_else(|| Error::data(file, line, Problem::BadWeight, f))?,
            ),
        };
        let tag = parts.next().map(str::to_string);
        if parts.next().is_some() {
            return Err(Error::data(file, line, Problem::WrongColumnCount, l));
        }
        out.push((word, freq, tag));
    }
    Ok(out)
}

/// Parses the product-brand list: one normalized brand per entry.
pub(crate) fn parse_brands(file: &str, text: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, l) in entry_lines(file, text, Lexicon::ProductBrands.format_kind())? {
        let b = pattern(file, line, l)?;
        if !seen.insert(b.clone()) {
            return Err(Error::data(file, line, Problem::DuplicateEntry, l));
        }
        out.push(b);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAX: &str =
        "#! kefu-triage taxonomy v1\nlogistics\t物流查询\tlogistics\td\nother\t其他\tgeneral\td\n";

    fn taxonomy() -> Taxonomy {
        Taxonomy::parse("t.tsv", TAX).unwrap()
    }

    #[test]
    fn embedded_files_parse() {
        let t = Taxonomy::parse("taxonomy.tsv", Lexicon::Taxonomy.embedded()).unwrap();
        assert_eq!(t.len(), 17);
        let mut set = CueSet::default();
        set.add_issue_cues("issue_cues.tsv", Lexicon::IssueCues.embedded(), &t)
            .unwrap();
        set.add_kinded(
            "sentiment.tsv",
            Lexicon::Sentiment.embedded(),
            Lexicon::Sentiment,
        )
        .unwrap();
        set.add_kinded(
            "escalation.tsv",
            Lexicon::Escalation.embedded(),
            Lexicon::Escalation,
        )
        .unwrap();
        assert!(set.build().unwrap().pattern_count() > 100);
        assert!(
            parse_user_dict("user_dict.txt", Lexicon::UserDict.embedded())
                .unwrap()
                .len()
                > 100
        );
        assert!(
            !parse_brands("b", Lexicon::ProductBrands.embedded())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn errors_name_file_line_and_value() {
        let e = Taxonomy::parse("t.tsv", "#! kefu-triage taxonomy v2\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.tsv:1: bad or missing format header: \"#! kefu-triage taxonomy v2\""
        );
        let e = Taxonomy::parse("t.tsv", "#! kefu-triage taxonomy v1\nlogistics\tx\n").unwrap_err();
        assert_eq!(e.problem(), Some(Problem::WrongColumnCount));
        let e = Taxonomy::parse("t.tsv", "#! kefu-triage taxonomy v1\nlogistics\ta\tb\tc\n")
            .unwrap_err();
        assert_eq!(e.to_string(), "t.tsv:0: missing entry: \"other\"");

        let mut set = CueSet::default();
        let bad = "#! kefu-triage issue-cues v1\n# c\n快递\tlogistics\tlots\n";
        let e = set.add_issue_cues("c.tsv", bad, &taxonomy()).unwrap_err();
        assert_eq!(e.to_string(), "c.tsv:3: bad weight: \"lots\"");
        let dup = "#! kefu-triage issue-cues v1\n快递\tlogistics\t1\nＫＵＡＩ递\tlogistics\t1\n快递\tlogistics\t2\n";
        let e = set.add_issue_cues("c.tsv", dup, &taxonomy()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.tsv:4: duplicate entry: \"快递\\tlogistics\\t2\""
        );
        let e = set
            .add_kinded(
                "s.tsv",
                "#! kefu-triage sentiment v1\n好\tgood\t1\n",
                Lexicon::Sentiment,
            )
            .unwrap_err();
        assert_eq!(e.to_string(), "s.tsv:2: unknown kind: \"good\"");
        let e = set
            .add_kinded(
                "s.tsv",
                "#! kefu-triage sentiment v1\n\u{200b}\tnegative\t1\n",
                Lexicon::Sentiment,
            )
            .unwrap_err();
        assert_eq!(e.problem(), Some(Problem::EmptyPattern));
        let e = set
            .add_kinded(
                "s.tsv",
                "#! kefu-triage sentiment v1\n差\tnegative\tNaN\n",
                Lexicon::Sentiment,
            )
            .unwrap_err();
        assert_eq!(e.problem(), Some(Problem::BadWeight));
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = decode_utf8("x.tsv", b"ok\nok\n\xff\xfe".to_vec()).unwrap_err();
        assert_eq!(e.to_string(), "x.tsv:3: invalid utf-8: \"bytes ff fe\"");
    }

    #[test]
    fn families_are_matched_independently() {
        let t = taxonomy();
        let mut set = CueSet::default();
        set.add_issue_cues(
            "c",
            "#! kefu-triage issue-cues v1\n快递\tlogistics\t1\n",
            &t,
        )
        .unwrap();
        set.add_kinded(
            "s",
            "#! kefu-triage sentiment v1\n快递太慢\tnegative\t2\n不\tnegator\t1\n不错\tpositive\t1\n",
            Lexicon::Sentiment,
        )
        .unwrap();
        set.add_kinded(
            "e",
            "#! kefu-triage escalation v1\n人工\thuman_request\t1\n人工智能\tblock\t0\nrg\thuman_request\t1\n",
            Lexicon::Escalation,
        )
        .unwrap();
        let cues = set.build().unwrap();
        let mut s = ScanScratch::default();
        cues.scan("快递太慢,不错,人工智能,rg,argue,人工", &mut s);
        // A block from escalation.tsv (人工智能) swallows cues in every
        // family; it carries no entry there, so it only hides.
        let spans = |f: Family| -> Vec<(u32, u32)> {
            s.families[f as usize]
                .iter()
                .map(|h| (h.start, h.end))
                .collect()
        };
        assert_eq!(spans(Family::Issue), vec![(0, 6), (20, 32)]);
        assert_eq!(spans(Family::Sentiment), vec![(0, 12), (13, 19), (20, 32)]);
        let issue_hit = &s.families[Family::Issue as usize][1];
        assert_eq!(cues.entries(issue_hit, Family::Issue).count(), 0);
        let esc = &s.families[Family::Escalation as usize];
        assert_eq!(esc.len(), 3); // 人工智能 (block), rg, 人工 — not the rg in argue
        let kinds: Vec<_> = esc
            .iter()
            .map(|h| cues.entries(h, Family::Escalation).next().unwrap().kind)
            .collect();
        assert_eq!(
            kinds,
            vec![
                CueKind::Block { all: true },
                CueKind::HumanRequest,
                CueKind::HumanRequest
            ]
        );
    }

    #[test]
    fn a_leading_caret_anchors_at_the_start_of_a_clause() {
        let mut set = CueSet::default();
        set.add_kinded(
            "e",
            "#! kefu-triage escalation v1\n^客服客服\thuman_request\t1\n",
            Lexicon::Escalation,
        )
        .unwrap();
        let cues = set.build().unwrap();
        let mut s = ScanScratch::default();
        let mut found = |text: &str| {
            cues.scan(text, &mut s);
            s.families[Family::Escalation as usize].len()
        };
        for text in ["客服客服客服", "喂,客服客服", "😡客服客服", "ok 客服客服"]
        {
            assert_eq!(found(text), 1, "{text}");
        }
        for text in ["打客服客服说", "@客服客服", "a客服客服"] {
            assert_eq!(found(text), 0, "{text}");
        }
    }

    #[test]
    fn a_trailing_dollar_anchors_at_the_end_of_a_clause() {
        let mut set = CueSet::default();
        set.add_kinded(
            "e",
            "#! kefu-triage escalation v1\n换人$\thuman_request\t1\n$\tblock\t0\n",
            Lexicon::Escalation,
        )
        .unwrap();
        let cues = set.build().unwrap();
        let mut s = ScanScratch::default();
        let found = |s: &mut ScanScratch, text: &str| {
            cues.scan(text, s);
            s.families[Family::Escalation as usize]
                .iter()
                .filter(|h| (h.end - h.start) as usize == "换人".len())
                .count()
        };
        for text in [
            "换人",
            "换人!",
            "换人吧",
            "你是机器人吗?换人 谢谢",
            "换人😡",
        ] {
            assert_eq!(found(&mut s, text), 1, "{text}");
        }
        for text in ["换人收货", "换人a", "换人了"] {
            assert_eq!(found(&mut s, text), 0, "{text}");
        }
        // A pattern cannot be anchored in one line and not in another.
        let mut set = CueSet::default();
        set.add_kinded(
            "e",
            "#! kefu-triage escalation v1\n换人$\thuman_request\t1\n换人\tblock\t0\n",
            Lexicon::Escalation,
        )
        .unwrap();
        let e = set.build().unwrap_err();
        assert_eq!(e.problem(), Some(Problem::DuplicateEntry));
    }
}
