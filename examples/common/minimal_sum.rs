//! The floor the model pass is measured against: a minimal sum of the
//! three shipped models' rows for every character unigram and bigram of a
//! line, with none of the engine's work around it (no normalization, no
//! skipped characters or spans, no folding of digits, no counts, no
//! softmax). Keys are built from code points; each n-gram is one lookup in
//! one `HashMap` (std's, which is hashbrown) of rows of 24 floats: 17 issue
//! weights, 2 negativity, 4 emotion, 1 of padding.
//!
//! Used by `benches/triage.rs` (time, as a ratio to `Jieba::cut`) and by
//! `examples/profile_triage.rs` (`minimal` mode, instructions).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Floats per row.
pub const ROW: usize = 24;

/// A hasher for keys that are code points: MurmurHash3's 64-bit finalizer.
#[derive(Default)]
pub struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Every unigram and bigram row of the three models, by code-point key.
pub struct MinimalSum {
    rows: HashMap<u64, [f32; ROW], BuildHasherDefault<Mix>>,
}

fn unigram_key(c: char) -> u64 {
    1 << 63 | c as u64
}

fn bigram_key(p: char, c: char) -> u64 {
    (p as u64) << 21 | c as u64
}

impl MinimalSum {
    /// Reads the embedded model files (the same ones the engine embeds).
    pub fn new() -> MinimalSum {
        let mut rows: HashMap<u64, [f32; ROW], BuildHasherDefault<Mix>> = HashMap::default();
        let files = [
            (include_str!("../../lexicons/issue_model.tsv"), 0),
            (include_str!("../../lexicons/sentiment_model.tsv"), 17),
            (include_str!("../../lexicons/emotion_model.tsv"), 19),
        ];
        for (text, offset) in files {
            for line in text.lines() {
                let Some((name, weights)) = line.split_once('\t') else {
                    continue;
                };
                let mut chars = name.chars();
                let key = match (chars.next(), chars.next(), chars.next(), chars.next()) {
                    (Some('u'), Some(c), None, None) => unigram_key(c),
                    (Some('b'), Some(p), Some(c), None) => bigram_key(p, c),
                    _ => continue,
                };
                let row = rows.entry(key).or_insert([0.0; ROW]);
                for w in weights.split(' ') {
                    if let Some((k, v)) = w.split_once(':')
                        && let (Ok(k), Ok(v)) = (k.parse::<usize>(), v.parse::<f32>())
                        && let Some(slot) = row.get_mut(offset + k)
                    {
                        *slot = v;
                    }
                }
            }
        }
        MinimalSum { rows }
    }

    /// Adds the rows of every unigram and bigram of `text` into `out`;
    /// returns how many were found.
    #[inline(never)]
    pub fn sum(&self, text: &str, out: &mut [f32; ROW]) -> usize {
        let mut found = 0;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let keys = [Some(unigram_key(c)), prev.map(|p| bigram_key(p, c))];
            for key in keys.into_iter().flatten() {
                if let Some(row) = self.rows.get(&key) {
                    for (o, w) in out.iter_mut().zip(row) {
                        *o += w;
                    }
                    found += 1;
                }
            }
            prev = Some(c);
        }
        found
    }

    /// [`MinimalSum::sum`] of one line into fresh sums, kept from the
    /// optimizer. Returns how many rows were found.
    pub fn sum_line(&self, line: &str) -> usize {
        let mut sums = [0.0f32; ROW];
        let found = self.sum(std::hint::black_box(line), &mut sums);
        std::hint::black_box(&sums);
        found
    }

    /// [`MinimalSum::sum_line`] of every line: what the bench and the
    /// profiler time. Returns how many rows were found.
    pub fn sum_lines(&self, lines: &[String]) -> usize {
        lines.iter().map(|l| self.sum_line(l)).sum()
    }
}
