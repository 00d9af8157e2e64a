//! Linear models — multinomial logistic regressions over hashed text
//! features — read from diffable text files.
//!
//! Format (`lexicons/issue_model.tsv`, `sentiment_model.tsv`,
//! `emotion_model.tsv`; the header kind differs):
//!
//! ```text
//! #! kefu-triage issue-model v1
//! # comments
//! labels<TAB>logistics<TAB>return_refund<TAB>…   (the classes)
//! temperature<TAB>1.25                         (softmax temperature)
//! norm<TAB>0.5                                 (feature sum ÷ feature count^norm)
//! bias<TAB>0.1<TAB>-0.3<TAB>…                  (one per class)
//! <feature><TAB>3:0.512 7:-0.125 …             (class index:weight, sparse)
//! ```
//!
//! For the issue model, labels of the taxonomy that the model does not know
//! are scored from their issue cues alone, so a user can add a label with
//! cues before retraining.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::{Error, Problem, Result};
use crate::score::features::feature_hash;
use crate::text::cues::{Lexicon, Taxonomy, entries};

/// Keys are already FNV hashes: pass them through.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatureMap = HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>;

/// Rows are padded to a multiple of this many floats (one SSE register).
pub(crate) const LANES: usize = 4;

/// A parsed linear model.
#[derive(Clone, Debug)]
pub(crate) struct LinearModel {
    pub classes: Vec<String>,
    /// Line of the `labels` line, for errors about classes.
    pub labels_line: usize,
    pub temperature: f32,
    /// The feature sum is divided by (number of features emitted)^norm.
    pub norm: f32,
    pub bias: Vec<f32>,
    rows: FeatureMap,
    /// Hash and second character of every character-bigram feature
    /// (`b<p><c>`), for the scoring table, which folds the unigram of `c`
    /// into the bigram's entry.
    bigrams: Vec<(u64, char)>,
    /// Row-major, `stride` per row: the classes' weights, then zeros.
    weights: Vec<f32>,
    /// `classes.len()`, rounded up to a multiple of [`LANES`] when it is
    /// larger, so that the one-pass scoring adds wide rows four floats at a time
    /// (the 2-class negativity model stays unpadded: its 70k rows would
    /// double).
    stride: usize,
    /// Number of feature rows (kept when the weights are dropped).
    n_rows: usize,
}

impl LinearModel {
    pub fn parse(file: &str, text: &str, kind: Lexicon) -> Result<LinearModel> {
        // Sized up front: growing by doubling made the peak memory of a
        // 70k-row model twice its size; the lines are streamed, not held.
        let expected_rows = text.lines().count().saturating_sub(4);
        let mut it = entries(file, text, kind.format_kind())?;
        let mut next_keyed = |key: &str| -> Result<(usize, Vec<&str>)> {
            match it.next() {
                Some((line, l)) => {
                    let mut cols = l.split('\t');
                    if cols.next() != Some(key) {
                        return Err(Error::data(file, line, Problem::BadModel, l));
                    }
                    Ok((line, cols.collect()))
                }
                None => Err(Error::data(file, 0, Problem::Missing, key)),
            }
        };
        let number = |line: usize, s: &str| -> Result<f32> {
            s.trim()
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= 1e4)
                .ok_or_else(|| Error::data(file, line, Problem::BadWeight, s))
        };
        let single = |line: usize, cols: &[&str], lo: f32, hi: f32| -> Result<f32> {
            let [v] = cols else {
                return Err(Error::data(
                    file,
                    line,
                    Problem::WrongColumnCount,
                    cols.join("\t"),
                ));
            };
            let v = number(line, v)?;
            if !(lo..=hi).contains(&v) {
                return Err(Error::data(file, line, Problem::OutOfRange, v.to_string()));
            }
            Ok(v)
        };

        let (labels_line, names) = next_keyed("labels")?;
        let mut classes: Vec<String> = Vec::new();
        for name in names.iter().filter(|n| !n.is_empty()) {
            if classes.iter().any(|c| c == name) {
                return Err(Error::data(
                    file,
                    labels_line,
                    Problem::DuplicateEntry,
                    *name,
                ));
            }
            classes.push(name.to_string());
        }
        let n = classes.len();
        let (line, t) = next_keyed("temperature")?;
        let temperature = single(line, &t, 1e-3, 1e3)?;
        let (line, k) = next_keyed("norm")?;
        let norm = single(line, &k, 0.0, 2.0)?;
        let (line, b) = next_keyed("bias")?;
        if b.len() != n {
            return Err(Error::data(
                file,
                line,
                Problem::WrongColumnCount,
                b.join("\t"),
            ));
        }
        let bias = b
            .iter()
            .map(|s| number(line, s))
            .collect::<Result<Vec<f32>>>()?;

        let mut rows = FeatureMap::with_capacity_and_hasher(expected_rows, Default::default());
        let stride = if n > LANES {
            n.div_ceil(LANES) * LANES
        } else {
            n
        };
        let mut weights = Vec::with_capacity(expected_rows * stride);
        let mut bigrams = Vec::new();
        for (line, l) in it {
            let (feature, rest) = l
                .split_once('\t')
                .ok_or_else(|| Error::data(file, line, Problem::WrongColumnCount, l))?;
            if feature.is_empty() {
                return Err(Error::data(file, line, Problem::EmptyPattern, l));
            }
            let row = rows.len() as u32;
            let hash = feature_hash(feature);
            if rows.insert(hash, row).is_some() {
                return Err(Error::data(file, line, Problem::DuplicateEntry, feature));
            }
            if let Some((_, c)) = crate::score::features::bigram_chars(feature) {
                bigrams.push((hash, c));
            }
            let at = weights.len();
            weights.resize(at + stride, 0.0);
            for pair in rest.split(' ').filter(|p| !p.is_empty()) {
                let (j, w) = pair
                    .split_once(':')
                    .ok_or_else(|| Error::data(file, line, Problem::BadModel, pair))?;
                let j: usize = j
                    .parse()
                    .ok()
                    .filter(|&j| j < n)
                    .ok_or_else(|| Error::data(file, line, Problem::BadModel, pair))?;
                weights[at + j] = number(line, w)?;
            }
        }
        Ok(LinearModel {
            classes,
            labels_line,
            temperature,
            norm,
            bias,
            rows,
            bigrams,
            n_rows: weights.len() / stride.max(1),
            weights,
            stride,
        })
    }

    /// Number of feature rows.
    pub fn len(&self) -> usize {
        self.n_rows
    }

    /// Moves out the map from feature hash to row (the scoring table takes
    /// over lookups; keeping both cost ~3 MiB of peak memory).
    pub fn take_rows(&mut self) -> impl Iterator<Item = (u64, u32)> {
        std::mem::take(&mut self.rows).into_iter()
    }

    /// Moves out the hash and second character of each bigram feature.
    pub fn take_bigrams(&mut self) -> Vec<(u64, char)> {
        std::mem::take(&mut self.bigrams)
    }

    /// Frees the weights once the scoring table holds a copy; `row` must not
    /// be called afterwards.
    pub fn drop_weights(&mut self) {
        self.weights = Vec::new();
    }

    /// The weights of a row: one per class, padded with zeros to
    /// [`stride`](Self::stride).
    #[inline]
    pub fn row(&self, row: u32) -> &[f32] {
        let at = row as usize * self.stride;
        &self.weights[at..at + self.stride]
    }

    /// Length of a row and of the sums the one-pass scoring keeps.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// Adds `value ×` the feature's weights to `sums` (before its rows are
    /// taken by the scoring table).
    #[cfg(test)]
    pub fn add_feature(&self, feature: &str, value: f32, sums: &mut [f32]) {
        if let Some(&row) = self.rows.get(&feature_hash(feature)) {
            for (s, w) in sums.iter_mut().zip(self.row(row)) {
                *s += value * w;
            }
        }
    }

    /// What the feature sums are multiplied by for `count` features:
    /// 1 / count^norm.
    #[inline]
    pub fn scale(&self, count: usize) -> f32 {
        let count = (count as f32).max(1.0);
        // The shipped models use norm 0.5: `powf` is a libm call per model
        // per message, a square root is one instruction.
        if self.norm == 0.5 {
            1.0 / count.sqrt()
        } else if self.norm == 0.0 {
            1.0
        } else {
            count.powf(-self.norm)
        }
    }

    /// Logit of class `j` from feature sums times [`scale`](Self::scale).
    #[inline]
    pub fn logit(&self, j: usize, sums: &[f32], scale: f32) -> f32 {
        self.bias[j] + sums[j] * scale
    }

    /// Class probabilities into `out` from feature sums over `count`
    /// features.
    pub fn probabilities(&self, sums: &[f32], count: usize, out: &mut Vec<f32>) {
        let scale = self.scale(count);
        out.clear();
        // [`logit`](Self::logit) of every class, as one loop over the two
        // arrays that vectorizes (by index, with two bounds checks per
        // class, it was 18 instructions per class).
        out.extend(self.bias.iter().zip(sums).map(|(b, s)| b + s * scale));
        softmax(out, 1.0 / self.temperature);
    }

    /// Checks that the classes are exactly `expected`, in order.
    pub fn expect_classes(&self, file: &str, expected: &[&str]) -> Result<()> {
        if self.classes.len() != expected.len()
            || self.classes.iter().zip(expected).any(|(a, b)| a != b)
        {
            return Err(Error::data(
                file,
                self.labels_line,
                Problem::BadModel,
                self.classes.join("\t"),
            ));
        }
        Ok(())
    }
}

/// The issue model: a linear model whose classes are taxonomy labels.
#[derive(Clone, Debug)]
pub(crate) struct IssueModel {
    pub model: LinearModel,
    /// Taxonomy index → model column.
    pub column_of: Vec<Option<usize>>,
    /// Whether `column_of` is `Some(i)` for every label `i`: the model's
    /// classes are the taxonomy's, in its order (the shipped model).
    pub identity: bool,
}

impl IssueModel {
    pub fn parse(file: &str, text: &str, taxonomy: &Taxonomy) -> Result<IssueModel> {
        let model = LinearModel::parse(file, text, Lexicon::IssueModel)?;
        let mut column_of = vec![None; taxonomy.len()];
        for (j, name) in model.classes.iter().enumerate() {
            let idx = taxonomy
                .index_of(name)
                .ok_or_else(|| Error::data(file, model.labels_line, Problem::UnknownLabel, name))?;
            column_of[idx] = Some(j);
        }
        let identity = column_of.iter().enumerate().all(|(i, c)| *c == Some(i));
        Ok(IssueModel {
            model,
            column_of,
            identity,
        })
    }
}

/// In-place softmax of `scale * x`, as served: with [`exp_nonpositive`].
#[inline]
pub(crate) fn softmax(xs: &mut [f32], scale: f32) {
    softmax_by(xs, scale, exp_nonpositive);
}

/// In-place softmax of `scale * x` with the exponential `exp`: the one
/// softmax of the crate. Serving passes [`exp_nonpositive`]; the trainer
/// passes `f32::exp`, whose last-bit differences would otherwise move the
/// trained weights.
#[inline]
pub(crate) fn softmax_by(xs: &mut [f32], scale: f32, exp: impl Fn(f32) -> f32) {
    let max = xs.iter().copied().fold(f32::MIN, f32::max);
    // Two loops: the exponentials vectorize, the sum (a sequential float
    // reduction) does not.
    for x in xs.iter_mut() {
        *x = exp(scale * (*x - max));
    }
    let sum: f32 = xs.iter().sum();
    if sum > 0.0 {
        for x in xs.iter_mut() {
            *x /= sum;
        }
    }
}

/// `e^x` for `x ≤ 0` (clamped to [-87, 0]), within 2 ulp of `f32::exp`
/// there (a test checks a million points), and NaN for NaN.
///
/// Written without calls or branches so the softmax loop over 17 labels
/// can vectorize: `f32::exp` is a call into libm per label. With it and the
/// separate sum, `IssueScorer::probabilities` went from 1,312 to 834
/// instructions per message (callgrind, bench corpus).
/// Range reduction `x = n·ln2 + r` with |r| ≤ ln2/2 (n rounded by the
/// 1.5·2^23 trick, which needs no SSE4.1 `roundps`), a degree-7 Taylor
/// polynomial for `e^r` (remainder below 2^-27), then `2^n` from the
/// exponent bits.
#[inline]
pub(crate) fn exp_nonpositive(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2^23
    // A NaN stays NaN through `clamp` and the polynomial, whatever power of
    // two its bits make.
    let x = x.clamp(-87.0, 0.0);
    let t = x * LOG2E + ROUND;
    let n = t - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    // n in [-126, 0]: a normal power of two. Its exponent comes from the
    // low bits of `t` (1.5·2^23 + n), integer arithmetic only: `n as i32`,
    // a saturating conversion, kept the loop from vectorizing.
    let biased = t.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127);
    let two_n = f32::from_bits(biased << 23);
    p * two_n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_nonpositive_matches_std() {
        let mut worst = 0u32;
        for k in 0..=1_000_000u32 {
            let x = -87.0 * k as f32 / 1_000_000.0;
            let (a, b) = (exp_nonpositive(x), x.exp());
            worst = worst.max(a.to_bits().abs_diff(b.to_bits()));
        }
        assert!(worst <= 2, "worst {worst} ulp");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-0.0), 1.0);
        assert!(exp_nonpositive(-1000.0) < 1e-37);
        assert!(exp_nonpositive(f32::NEG_INFINITY) < 1e-37);
        assert!(exp_nonpositive(f32::NAN).is_nan());
    }

    #[test]
    fn softmax_sums_to_one() {
        let mut v = vec![1.0, 2.0, 3.0];
        softmax(&mut v, 1.0);
        assert!((v.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(v[2] > v[1] && v[1] > v[0]);
    }

    const TAX: &str =
        "#! kefu-triage taxonomy v1\nlogistics\t物流\tlogistics\td\nother\t其他\tgeneral\td\n";

    #[test]
    fn parses_and_scores() {
        let tax = Taxonomy::parse("t", TAX).unwrap();
        let m = "#! kefu-triage issue-model v1\nlabels\tlogistics\tother\ntemperature\t2\nnorm\t0\nbias\t0.5\t-0.5\nb快递\t0:1.5 1:-1\nu好\t1:0.25\n";
        let issue = IssueModel::parse("m.tsv", m, &tax).unwrap();
        let model = &issue.model;
        assert_eq!(model.len(), 2);
        assert_eq!(issue.column_of, vec![Some(0), Some(1)]);
        let mut sums = vec![0.0; 2];
        model.add_feature("b快递", 2.0, &mut sums);
        model.add_feature("nope", 1.0, &mut sums);
        assert_eq!(sums, vec![3.0, -2.0]);
        assert_eq!(model.scale(2), 1.0); // norm 0
        assert_eq!(model.logit(0, &sums, model.scale(2)), 3.5);
        assert_eq!(model.stride(), 2);
        assert_eq!(model.row(0), [1.5, -1.0]);
        let mut p = Vec::new();
        model.probabilities(&sums, 2, &mut p);
        // Logits 3.5 and -2.5 at temperature 2: p = 1 / (1 + e^-3).
        assert!((p[0] - 0.952_574).abs() < 1e-5 && (p[0] + p[1] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn errors_name_line_and_value() {
        let tax = Taxonomy::parse("t", TAX).unwrap();
        let head = "labels\tlogistics\ntemperature\t1\nnorm\t0\n";
        let cases = [
            (
                "labels\tlogistics\tspace\ntemperature\t1\nnorm\t0\nbias\t0\t0\n".to_string(),
                "m.tsv:2: unknown issue label: \"space\"",
            ),
            (
                "labels\tlogistics\ntemperature\t-1\n".into(),
                "m.tsv:3: value out of range: \"-1\"",
            ),
            (
                "labels\tlogistics\ntemperature\t1\nnorm\t3\n".into(),
                "m.tsv:4: value out of range: \"3\"",
            ),
            (
                format!("{head}bias\t0\tx\n"),
                "m.tsv:5: wrong number of columns: \"0\\tx\"",
            ),
            (
                format!("{head}bias\t0\nu好\t3:1\n"),
                "m.tsv:6: invalid model: \"3:1\"",
            ),
            (
                format!("{head}bias\t0\nu好\t0:inf\n"),
                "m.tsv:6: bad weight: \"inf\"",
            ),
            (
                format!("{head}bias\t0\nu好\t0:1\nu好\t0:2\n"),
                "m.tsv:7: duplicate entry: \"u好\"",
            ),
            (
                "labels\tlogistics\n".into(),
                "m.tsv:0: missing entry: \"temperature\"",
            ),
            (
                "temperature\t1\n".into(),
                "m.tsv:2: invalid model: \"temperature\\t1\"",
            ),
        ];
        for (body, want) in cases {
            let text = format!("#! kefu-triage issue-model v1\n{body}");
            let e = IssueModel::parse("m.tsv", &text, &tax).unwrap_err();
            assert_eq!(e.to_string(), want);
        }
    }
}
