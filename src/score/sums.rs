//! One pass over a message's features for all three linear models.
//!
//! The issue, negativity and emotion models read the same character
//! unigrams and bigrams. Scoring them one after another hashed every
//! n-gram three times through a `String` and looked it up in three maps:
//! 3.2× `Jieba::cut` for the two classifier stages (benches/triage.rs,
//! 13,000 lines). Here every feature is hashed once, straight from the
//! characters (n-grams from their code points, other features from their
//! bytes), and looked up once in a table that holds what each model has
//! for it (see [`Entry`]).
//!
//! Three lookups serve the character n-grams, the hot path:
//! - a bigram `pc` in `Models::bigrams`, whose entry also carries the
//!   unigram `c` (one lookup per character where the bigram is known);
//! - otherwise the unigram, by code point through `Models::bmp_index`;
//! - every other feature (tokens, cue labels, entity and personal-data
//!   kinds, lexicon sums) in `Models::table`.
//!
//! For the shipped model sizes the sums are kept in fixed-size local
//! arrays ([`LocalSums`]); other sizes add into the `ModelSums` vectors. How
//! this pass got to its cost is told in `benches/HISTORY.md`.
//!
//! Which features a message has is defined once, by
//! [`visit_ngrams`] and [`visit_others`] in `score/features.rs`; the
//! trainers read the same visit as names (`u快`, `b快递`, `w快递`,
//! `qlogistics`, …), and this pass hashes them to [`feature_hash`] of those
//! names without building the strings (a test checks that both give the
//! same sums).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::score::features::{
    FNV_OFFSET, ISSUE, ModelInput, NgramVisitor, OtherVisitor, SENTIMENT, SUM_FEATURES,
    bigram_hash, feature_hash, fnv1a_extend, fnv1a_extend_char, fold, skip, unigram_hash,
    visit_ngrams, visit_others,
};
use crate::score::linear::{IdentityHasher, IssueModel, LANES, LinearModel};
use crate::text::cues::Taxonomy;
use crate::text::pii::PiiKind;

const ABSENT: u32 = u32::MAX;
/// `sums += value × row`, four floats at a time: `Models` pads every row
/// in `blocks`, and the sums, to whole chunks of [`LANES`].
///
/// Rows of up to 8 chunks (32 classes) go through [`axpy_fixed`], whose
/// length the compiler knows: it emits one `mulps`/`addps` pair per
/// chunk. The loop over chunks of unknown count (kept for wider models)
/// was vectorized *across* chunks instead, gathering scalars with
/// shuffles: callgrind counted 80 instructions per 17-class row add, and
/// 206 per `Models::add` call. Inlined, each call site has its own
/// dispatch, which the branch predictor learns: one shared jump table,
/// alternating between 1-chunk emotion rows and 5-chunk issue rows,
/// mispredicted 83% of the time (cachegrind `--branch-sim`). With the
/// padding there is no tail to handle; that and inlining `Models::apply`
/// took `Models::score` from 139.6 M to 124.1 M instructions
/// (`examples/profile_triage 5`).
#[inline(always)]
fn axpy(sums: &mut [f32], row: &[f32], value: f32) {
    let (sums, _) = sums.as_chunks_mut::<LANES>();
    let (row, _) = row.as_chunks::<LANES>();
    let done = match row.len() {
        0 => true,
        1 => axpy_fixed::<1>(sums, row, value),
        2 => axpy_fixed::<2>(sums, row, value),
        3 => axpy_fixed::<3>(sums, row, value),
        4 => axpy_fixed::<4>(sums, row, value),
        5 => axpy_fixed::<5>(sums, row, value),
        6 => axpy_fixed::<6>(sums, row, value),
        7 => axpy_fixed::<7>(sums, row, value),
        8 => axpy_fixed::<8>(sums, row, value),
        _ => false,
    };
    if !done {
        for (s, w) in sums.iter_mut().zip(row) {
            *s = lane_axpy(*s, w, value);
        }
    }
}

/// [`axpy`] over exactly `N` chunks; false when either side is shorter.
#[inline(always)]
fn axpy_fixed<const N: usize>(sums: &mut [[f32; LANES]], row: &[[f32; LANES]], value: f32) -> bool {
    let (Some(sums), Some(row)) = (sums.first_chunk_mut::<N>(), row.first_chunk::<N>()) else {
        return false;
    };
    for (s, w) in sums.iter_mut().zip(row) {
        *s = lane_axpy(*s, w, value);
    }
    true
}

#[inline(always)]
fn lane_axpy(a: [f32; LANES], w: &[f32; LANES], value: f32) -> [f32; LANES] {
    [
        a[0] + value * w[0],
        a[1] + value * w[1],
        a[2] + value * w[2],
        a[3] + value * w[3],
    ]
}

/// What the table holds for one feature: its negativity weight inline and
/// where its emotion and issue rows sit in `Models::blocks`.
///
/// Layout chosen by measurement: with three separate weight arrays a
/// feature present in all models touched up to five cache lines (the
/// table's bucket, two for the 17 issue weights, one each for the other
/// two models), and cachegrind put half of all L1 misses of a triage in
/// this lookup. The negativity model has two classes, so only the
/// difference of its two weights matters (the softmax of [a, b] is that
/// of [0, b − a]): it fits in the bucket, and the features that only
/// that model knows (most of them) cost one probe. The emotion and
/// issue rows of a feature are stored next to each other.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Negativity weight minus not-negative weight; 0 when absent.
    sentiment: f32,
    /// Offset into `blocks` in the low 30 bits, [`HAS_EMOTION`] and
    /// [`HAS_ISSUE`] above; `[emotion row][issue row]`, each if present.
    block: u32,
}

/// `which` bits: the issue model, and the negativity and emotion models.
const HAS_EMOTION: u32 = 1 << 31;
const HAS_ISSUE: u32 = 1 << 30;
const OFFSET: u32 = HAS_ISSUE - 1;

/// A table from feature hash to its entry (the keys are already hashes).
type Table = HashMap<u64, Entry, BuildHasherDefault<IdentityHasher>>;

/// The three models and a table from feature hash to their weights.
#[derive(Clone, Debug)]
pub(crate) struct Models {
    pub issue: Option<IssueModel>,
    pub sentiment: Option<LinearModel>,
    pub emotion: Option<LinearModel>,
    table: Table,
    /// Character bigrams go into a table of their own, whose entry for `pc`
    /// holds the bigram's weights plus those of the unigram `c`.
    ///
    /// Every character the models read gives a unigram and, after the first
    /// of a run, a bigram ending in it, scored for the same models or fewer
    /// (both characters of the bigram must be read: see `Models::score`). One
    /// lookup of the merged bigram then does the work of two; the unigram
    /// alone is looked up only where the bigram is unknown (15% of the bench
    /// corpus's bigrams) or read by fewer models. A linear model's sums are the
    /// same either way, up to float rounding (the one-pass test checks them
    /// against the model files). A bigram with no emotion or issue rows of its
    /// own points at its unigram's rows, so only the 14k bigrams with rows
    /// get a merged copy (+5 ms start-up, +1.6 MiB peak RSS); the model pass
    /// costs 0.67× `Jieba::cut` with merged entries against 0.82× without.
    bigrams: Table,
    /// Unigrams of the Basic Multilingual Plane by code point: 1 + index
    /// into `bmp_entries`, 0 when no model has the character: a unigram
    /// costs one load instead of a hash and a probe (10% of the
    /// instructions of `Models::score` when unigrams were half the
    /// lookups). It serves the first character of each run and the bigrams
    /// no model knows. 128 KiB, filled at build by probing the table once
    /// per code point.
    bmp_index: Vec<u16>,
    bmp_entries: Vec<Entry>,
    /// The emotion and issue rows, per feature.
    blocks: Vec<f32>,
    /// Row lengths in `blocks`, padded to whole chunks of [`LANES`] (0 for
    /// a missing model).
    emotion_stride: usize,
    issue_stride: usize,
    /// Hash of `q<label>` per taxonomy index.
    cue_hashes: Vec<u64>,
    /// Hash of each `s…` lexicon-sum feature.
    sum_hashes: Vec<u64>,
}

/// Per-model feature sums for one message.
#[derive(Clone, Debug, Default)]
pub(crate) struct ModelSums {
    pub issue: Vec<f32>,
    pub issue_count: usize,
    pub sentiment: Vec<f32>,
    pub emotion: Vec<f32>,
    pub sentiment_count: usize,
}

/// The emotion and issue rows of `e` in `blocks`, each if present: the one
/// place that reads an entry's block.
#[inline(always)]
fn rows_of_entry(
    e: Entry,
    blocks: &[f32],
    strides: (usize, usize),
) -> (Option<&[f32]>, Option<&[f32]>) {
    let mut at = (e.block & OFFSET) as usize;
    let emotion = if e.block & HAS_EMOTION != 0 {
        let r = blocks.get(at..at + strides.0);
        at += strides.0;
        r
    } else {
        None
    };
    let issue = if e.block & HAS_ISSUE != 0 {
        blocks.get(at..at + strides.1)
    } else {
        None
    };
    (emotion, issue)
}

/// Where the character n-gram pass adds a feature's weights.
trait Sink {
    fn add(&mut self, models: &Models, e: Entry, value: f32, which: u8);
}

/// Any model sizes: straight into the `ModelSums` vectors.
struct Dynamic<'a>(&'a mut ModelSums);

impl Sink for Dynamic<'_> {
    #[inline(always)]
    fn add(&mut self, models: &Models, e: Entry, value: f32, which: u8) {
        models.apply(e, value, which, self.0);
    }
}

/// The character n-grams of one message, scored as [`visit_ngrams`] gives
/// them: one lookup of the merged bigram entry where the bigram is known.
struct NgramScorer<'m, 's, S> {
    models: &'m Models,
    sink: &'s mut S,
    issue_count: usize,
    sentiment_count: usize,
    /// Entries found and not yet added, in text order, with the models
    /// that read them.
    pending: [(Entry, u8); PENDING],
    n_pending: usize,
}

/// Lookups made before their rows are added: the probes of consecutive
/// characters do not wait on each other's adds, so their cache misses
/// overlap.
const PENDING: usize = 32;

impl<'m, 's, S: Sink> NgramScorer<'m, 's, S> {
    #[inline(always)]
    fn new(models: &'m Models, sink: &'s mut S) -> Self {
        NgramScorer {
            models,
            sink,
            issue_count: 0,
            sentiment_count: 0,
            pending: [(
                Entry {
                    sentiment: 0.0,
                    block: 0,
                },
                0,
            ); PENDING],
            n_pending: 0,
        }
    }

    #[inline(always)]
    fn defer(&mut self, e: Entry, which: u8) {
        if self.n_pending == PENDING {
            self.flush();
        }
        self.pending[self.n_pending] = (e, which);
        self.n_pending += 1;
    }

    /// Adds the pending entries, in the order they were found (the sums
    /// are the same, bit for bit, as adding each at once).
    #[inline(always)]
    fn flush(&mut self) {
        for &(e, which) in &self.pending[..self.n_pending] {
            self.sink.add(self.models, e, 1.0, which);
        }
        self.n_pending = 0;
    }
}

impl<S: Sink> NgramVisitor for NgramScorer<'_, '_, S> {
    #[inline(always)]
    fn ngram(&mut self, prev: Option<char>, c: char, unigram: u8, bigram: u8) {
        self.issue_count += usize::from(unigram & ISSUE != 0);
        self.sentiment_count += usize::from(unigram & SENTIMENT != 0);
        // The merged bigram entry carries the unigram of `c` for the models
        // it is read by (a subset of the unigram's: both of its characters
        // must be read); the unigram alone covers the rest, and everything
        // where the bigram is unknown.
        let mut unigram_only = unigram;
        if let Some(p) = prev {
            if bigram != 0
                && let Some(&e) = self.models.bigrams.get(&bigram_hash(p, c))
            {
                self.defer(e, bigram);
                unigram_only &= !bigram;
            }
            self.issue_count += usize::from(bigram & ISSUE != 0);
            self.sentiment_count += usize::from(bigram & SENTIMENT != 0);
        }
        if unigram_only != 0
            && let Some(e) = self.models.unigram(c)
        {
            self.defer(e, unigram_only);
        }
    }
}

/// The other features of one message, as [`visit_others`] gives them,
/// added straight into the sums.
struct OtherScorer<'m, 's> {
    models: &'m Models,
    sums: &'s mut ModelSums,
    issue_bit: u8,
    issue_count: usize,
    sentiment_count: usize,
}

impl OtherScorer<'_, '_> {
    #[inline(always)]
    fn issue(&mut self, hash: u64, value: f32) {
        self.models.add(hash, value, self.issue_bit, self.sums);
        self.issue_count += 1;
    }
}

impl OtherVisitor for OtherScorer<'_, '_> {
    #[inline(always)]
    fn token(&mut self, token: &str) {
        let hash = token
            .chars()
            .map(fold)
            .fold(fnv1a_extend(FNV_OFFSET, b"w"), fnv1a_extend_char);
        self.issue(hash, 1.0);
    }

    #[inline(always)]
    fn cue(&mut self, label: usize, weight: f32) {
        if let Some(&hash) = self.models.cue_hashes.get(label) {
            self.issue(hash, weight);
        }
    }

    #[inline(always)]
    fn entity(&mut self, kind: &str) {
        self.issue(
            fnv1a_extend(fnv1a_extend(FNV_OFFSET, b"e"), kind.as_bytes()),
            1.0,
        );
    }

    #[inline(always)]
    fn personal_data(&mut self, kind: PiiKind) {
        self.issue(
            fnv1a_extend(fnv1a_extend(FNV_OFFSET, b"p"), kind.as_str().as_bytes()),
            1.0,
        );
    }

    #[inline(always)]
    fn lexicon_sum(&mut self, index: usize, value: f32) {
        if let Some(&hash) = self.models.sum_hashes.get(index) {
            self.models.add(hash, value, SENTIMENT, self.sums);
            self.sentiment_count += 1;
        }
    }
}

/// `E` emotion and `I` issue chunks in local arrays.
struct LocalSums<const E: usize, const I: usize> {
    emotion: [[f32; LANES]; E],
    issue: [[f32; LANES]; I],
    sentiment: f32,
}

/// The first `N` chunks of `row`.
#[inline(always)]
fn whole_chunks<const N: usize>(row: &[f32]) -> Option<&[[f32; LANES]; N]> {
    row.as_chunks::<LANES>().0.first_chunk::<N>()
}

impl<const E: usize, const I: usize> Sink for LocalSums<E, I> {
    #[inline(always)]
    fn add(&mut self, models: &Models, e: Entry, value: f32, which: u8) {
        let (emotion, issue) = rows_of_entry(e, &models.blocks, models.strides());
        if which & SENTIMENT != 0 {
            if let Some(row) = emotion.and_then(whole_chunks::<E>) {
                for (s, w) in self.emotion.iter_mut().zip(row) {
                    *s = lane_axpy(*s, w, value);
                }
            }
            self.sentiment += value * e.sentiment;
        }
        if which & ISSUE != 0
            && let Some(row) = issue.and_then(whole_chunks::<I>)
        {
            for (s, w) in self.issue.iter_mut().zip(row) {
                *s = lane_axpy(*s, w, value);
            }
        }
    }
}

impl Models {
    pub fn new(
        issue: Option<IssueModel>,
        sentiment: Option<LinearModel>,
        emotion: Option<LinearModel>,
        taxonomy: &Taxonomy,
    ) -> Models {
        let mut issue = issue.filter(|m| m.model.n_classes() > 0);
        let mut sentiment = sentiment.filter(|m| m.n_classes() > 0);
        let mut emotion = emotion.filter(|m| m.n_classes() > 0);
        let rows: usize = [
            issue.as_ref().map_or(0, |m| m.model.len()),
            sentiment.as_ref().map_or(0, LinearModel::len),
            emotion.as_ref().map_or(0, LinearModel::len),
        ]
        .iter()
        .sum();
        let mut rows_of: HashMap<u64, [u32; 3], BuildHasherDefault<IdentityHasher>> =
            HashMap::with_capacity_and_hasher(rows, Default::default());
        let models = [
            issue.as_mut().map(|m| &mut m.model),
            sentiment.as_mut(),
            emotion.as_mut(),
        ];
        let mut bigram_list = Vec::new();
        for (k, m) in models.into_iter().enumerate() {
            if let Some(m) = m {
                for (hash, row) in m.take_rows() {
                    rows_of.entry(hash).or_insert([ABSENT; 3])[k] = row;
                }
                bigram_list.extend(m.take_bigrams());
            }
        }
        bigram_list.sort_unstable_by_key(|b| b.0);
        bigram_list.dedup_by_key(|b| b.0);
        // Rows padded to whole chunks of LANES floats (see `axpy`).
        let padded = |n: usize| n.div_ceil(LANES) * LANES;
        let issue_stride = padded(issue.as_ref().map_or(0, |m| m.model.stride()));
        let emotion_stride = padded(emotion.as_ref().map_or(0, LinearModel::stride));
        let push_row = |blocks: &mut Vec<f32>, row: &[f32], stride: usize| {
            let at = blocks.len();
            blocks.extend_from_slice(row);
            blocks.resize(at + stride, 0.0);
        };
        // The bigrams go into their own table below.
        let mut table = Table::with_capacity_and_hasher(
            rows_of.len().saturating_sub(bigram_list.len()),
            Default::default(),
        );
        let mut blocks = Vec::new();
        // In hash order, so the layout does not depend on the map's.
        let mut hashes: Vec<u64> = rows_of.keys().copied().collect();
        hashes.sort_unstable();
        // A feature's own negativity weight, emotion row and issue row.
        let own = |rows: [u32; 3]| {
            let sentiment_diff = match (&sentiment, rows[1]) {
                (Some(m), r) if r != ABSENT => {
                    let w = m.row(r);
                    w.get(1).copied().unwrap_or(0.0) - w.first().copied().unwrap_or(0.0)
                }
                _ => 0.0,
            };
            let emotion_row = emotion
                .as_ref()
                .filter(|_| rows[2] != ABSENT)
                .map(|m| m.row(rows[2]));
            let issue_row = issue
                .as_ref()
                .filter(|_| rows[0] != ABSENT)
                .map(|m| m.model.row(rows[0]));
            (sentiment_diff, emotion_row, issue_row)
        };
        let is_bigram = |h: &u64| bigram_list.binary_search_by_key(h, |b| b.0).is_ok();
        for hash in hashes.into_iter().filter(|h| !is_bigram(h)) {
            let (sentiment_diff, emotion_row, issue_row) = own(rows_of[&hash]);
            // Offsets past 2^30 floats (a 4 GiB model) are not supported.
            let mut block = (blocks.len() as u32).min(OFFSET);
            if let Some(row) = emotion_row {
                push_row(&mut blocks, row, emotion_stride);
                block |= HAS_EMOTION;
            }
            if let Some(row) = issue_row {
                push_row(&mut blocks, row, issue_stride);
                block |= HAS_ISSUE;
            }
            table.insert(
                hash,
                Entry {
                    sentiment: sentiment_diff,
                    block,
                },
            );
        }
        let strides = (emotion_stride, issue_stride);
        let mut bigrams: Table =
            Table::with_capacity_and_hasher(bigram_list.len(), Default::default());
        let mut merged: Vec<f32> = Vec::with_capacity(emotion_stride + issue_stride);
        for &(hash, c) in &bigram_list {
            let Some(&rows) = rows_of.get(&hash) else {
                continue;
            };
            let (own_sentiment, own_emotion, own_issue) = own(rows);
            let u = table.get(&unigram_hash(c)).copied().unwrap_or(Entry {
                sentiment: 0.0,
                block: 0,
            });
            let sentiment = own_sentiment + u.sentiment;
            if own_emotion.is_none() && own_issue.is_none() {
                bigrams.insert(
                    hash,
                    Entry {
                        sentiment,
                        block: u.block,
                    },
                );
                continue;
            }
            let (u_emotion, u_issue) = rows_of_entry(u, &blocks, strides);
            merged.clear();
            let mut flags = 0;
            for (x, y, stride, flag) in [
                (own_emotion, u_emotion, emotion_stride, HAS_EMOTION),
                (own_issue, u_issue, issue_stride, HAS_ISSUE),
            ] {
                if x.is_none() && y.is_none() {
                    continue;
                }
                let at = merged.len();
                merged.resize(at + stride, 0.0);
                for r in [x, y].into_iter().flatten() {
                    for (m, w) in merged[at..].iter_mut().zip(r) {
                        *m += w;
                    }
                }
                flags |= flag;
            }
            let block = (blocks.len() as u32).min(OFFSET) | flags;
            blocks.extend_from_slice(&merged);
            bigrams.insert(hash, Entry { sentiment, block });
        }
        // The rows now live in `blocks` and the table.
        for m in [
            issue.as_mut().map(|m| &mut m.model),
            sentiment.as_mut(),
            emotion.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            m.drop_weights();
        }
        let mut bmp_index = vec![0u16; 0x1_0000];
        let mut bmp_entries = Vec::new();
        for (cp, slot) in bmp_index.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            if let Some(&e) = table.get(&unigram_hash(c))
                && bmp_entries.len() < usize::from(u16::MAX)
            {
                bmp_entries.push(e);
                *slot = bmp_entries.len() as u16;
            }
        }
        let cue_hashes = taxonomy
            .entries
            .iter()
            .map(|e| feature_hash(&format!("q{}", e.label)))
            .collect();
        let sum_hashes = SUM_FEATURES.iter().map(|f| feature_hash(f)).collect();
        Models {
            issue,
            sentiment,
            emotion,
            table,
            bigrams,
            bmp_index,
            bmp_entries,
            blocks,
            emotion_stride,
            issue_stride,
            cue_hashes,
            sum_hashes,
        }
    }

    /// Adds a feature's weights to the models flagged in `which`
    /// (bit 0 issue, bit 1 negativity and emotion). The negativity sum is
    /// kept as `sums.sentiment[1]` over a zero `sums.sentiment[0]`.
    #[inline]
    fn add(&self, hash: u64, value: f32, which: u8, sums: &mut ModelSums) {
        if let Some(&e) = self.table.get(&hash) {
            self.apply(e, value, which, sums);
        }
    }

    /// The entry of the unigram `c`, through `bmp_index` when `c` is in
    /// the Basic Multilingual Plane.
    #[inline]
    fn unigram(&self, c: char) -> Option<Entry> {
        match self.bmp_index.get(c as usize) {
            Some(&0) => None,
            Some(&k) => self.bmp_entries.get(usize::from(k) - 1).copied(),
            None => self.table.get(&unigram_hash(c)).copied(),
        }
    }

    #[inline(always)]
    fn apply(&self, e: Entry, value: f32, which: u8, sums: &mut ModelSums) {
        let (emotion, issue) = rows_of_entry(e, &self.blocks, self.strides());
        if which & SENTIMENT != 0 {
            if let Some(row) = emotion {
                axpy(&mut sums.emotion, row, value);
            }
            if let Some(s) = sums.sentiment.get_mut(1) {
                *s += value * e.sentiment;
            }
        }
        if which & ISSUE != 0
            && let Some(row) = issue
        {
            axpy(&mut sums.issue, row, value);
        }
    }

    /// Emotion and issue row lengths in `blocks`.
    #[inline(always)]
    fn strides(&self) -> (usize, usize) {
        (self.emotion_stride, self.issue_stride)
    }

    /// The character unigrams and bigrams of `input`, added to `sink`;
    /// returns how many the issue and the sentiment models read.
    #[inline(always)]
    fn ngrams(
        &self,
        input: &ModelInput<'_>,
        issue_bit: u8,
        sink: &mut impl Sink,
    ) -> (usize, usize) {
        let mut scorer = NgramScorer::new(self, sink);
        visit_ngrams(input, issue_bit | SENTIMENT, &mut scorer);
        scorer.flush();
        (scorer.issue_count, scorer.sentiment_count)
    }

    /// [`Models::ngrams`] into fixed-size accumulators of `E` emotion and
    /// `I` issue chunks (the shipped models: 1 and 5), then into `sums`.
    ///
    /// In local arrays the compiler keeps the sums in registers or fixed
    /// stack slots; in `Vec`s every add reloads their pointers and checks
    /// their lengths (13% more instructions in `Models::score`, callgrind).
    fn ngrams_fixed<const E: usize, const I: usize>(
        &self,
        input: &ModelInput<'_>,
        issue_bit: u8,
        sums: &mut ModelSums,
    ) -> (usize, usize) {
        let mut acc = LocalSums::<E, I> {
            emotion: [[0.0; LANES]; E],
            issue: [[0.0; LANES]; I],
            sentiment: 0.0,
        };
        let counts =
            if I > 0 && issue_bit == ISSUE && input.scopes.is_empty() && input.pii.is_empty() {
                self.ngrams_plain(input.text, &mut acc)
            } else {
                self.ngrams(input, issue_bit, &mut acc)
            };
        for (s, a) in sums.emotion.iter_mut().zip(acc.emotion.as_flattened()) {
            *s += a;
        }
        for (s, a) in sums.issue.iter_mut().zip(acc.issue.as_flattened()) {
            *s += a;
        }
        if let Some(s) = sums.sentiment.get_mut(1) {
            *s += acc.sentiment;
        }
        counts
    }

    /// [`Models::ngrams`] for a message with no negated or sarcastic span
    /// and no personal data, read by all three models: every character
    /// and every bigram goes to every model, so the per-character
    /// bookkeeping of [`visit_ngrams`] (which spans cover it, which models
    /// read it, two counts) drops out. The sums are the same, bit for bit:
    /// the same rows are added in the same order (the one-pass tests
    /// compare both paths).
    #[inline(always)]
    fn ngrams_plain<const E: usize, const I: usize>(
        &self,
        text: &str,
        acc: &mut LocalSums<E, I>,
    ) -> (usize, usize) {
        // Probed first, added after (see `NgramScorer::defer`).
        let mut scorer = NgramScorer::new(self, acc);
        let mut read = 0usize;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            if skip(c) {
                prev = None;
                continue;
            }
            let c = fold(c);
            read += 1;
            let mut entry = None;
            if let Some(p) = prev {
                read += 1;
                entry = self.bigrams.get(&bigram_hash(p, c)).copied();
            }
            if let Some(e) = entry.or_else(|| self.unigram(c)) {
                scorer.defer(e, ISSUE | SENTIMENT);
            }
            prev = Some(c);
        }
        scorer.flush();
        (read, read)
    }

    /// All three models' feature sums for one message; with `issue` false,
    /// only the negativity and emotion models'.
    pub fn score(&self, input: &ModelInput<'_>, sums: &mut ModelSums, issue: bool) {
        self.score_with(input, sums, issue, true);
    }

    /// [`Models::score`]; `fixed` false forces the general path that
    /// models of other sizes take (for the test that both agree).
    pub(crate) fn score_with(
        &self,
        input: &ModelInput<'_>,
        sums: &mut ModelSums,
        issue: bool,
        fixed: bool,
    ) {
        let reset = |v: &mut Vec<f32>, n: usize| {
            v.clear();
            v.resize(n, 0.0);
        };
        reset(
            &mut sums.issue,
            if issue && self.issue.is_some() {
                self.issue_stride
            } else {
                0
            },
        );
        reset(
            &mut sums.sentiment,
            self.sentiment.as_ref().map_or(0, LinearModel::stride),
        );
        reset(&mut sums.emotion, self.emotion_stride);
        let issue_bit: u8 = if issue && self.issue.is_some() {
            ISSUE
        } else {
            0
        };

        let (issue_count, sentiment_count) = match (fixed, self.emotion_stride, sums.issue.len()) {
            (true, 4, 20) => self.ngrams_fixed::<1, 5>(input, issue_bit, sums),
            (true, 4, 0) => self.ngrams_fixed::<1, 0>(input, issue_bit, sums),
            _ => self.ngrams(input, issue_bit, &mut Dynamic(sums)),
        };
        let mut others = OtherScorer {
            models: self,
            sums,
            issue_bit,
            issue_count,
            sentiment_count,
        };
        visit_others(input, issue_bit | SENTIMENT, &mut others);
        let (issue_count, sentiment_count) = (others.issue_count, others.sentiment_count);
        sums.issue_count = issue_count;
        sums.sentiment_count = sentiment_count;
    }
}
