//! The linear issue model: a multinomial logistic regression over the
//! features of [`crate::features`], read from a diffable text file.
//!
//! Format (`lexicons/issue_model.tsv`):
//!
//! ```text
//! #! kefu-triage issue-model v1
//! # comments
//! labels<TAB>logistics<TAB>return_refund<TAB>…
//! temperature<TAB>1.25
//! norm<TAB>0.5                            (feature sum ÷ feature count^norm)
//! bias<TAB>0.1<TAB>-0.3<TAB>…            (one per label)
//! <feature><TAB>3:0.512 7:-0.125 …        (label index:weight, sparse)
//! ```
//!
//! Labels of the taxonomy that the model does not know are scored from
//! their issue cues alone, so a user can add a label with cues before
//! retraining.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::{Error, Problem, Result};
use crate::features::fnv1a;
use crate::lexicon::{Taxonomy, entry_lines};

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

#[derive(Clone, Debug)]
pub(crate) struct IssueModel {
    /// Model column → taxonomy index.
    pub columns: Vec<usize>,
    /// Taxonomy index → model column.
    pub column_of: Vec<Option<usize>>,
    pub temperature: f32,
    /// The feature sum is divided by (number of features emitted)^norm.
    pub norm: f32,
    pub bias: Vec<f32>,
    rows: FeatureMap,
    /// Row-major, `columns.len()` per row.
    weights: Vec<f32>,
}

impl IssueModel {
    pub fn parse(file: &str, text: &str, taxonomy: &Taxonomy) -> Result<IssueModel> {
        let lines = entry_lines(file, text, crate::Lexicon::IssueModel.format_kind())?;
        let mut it = lines.into_iter();
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
        let (line, names) = next_keyed("labels")?;
        let mut columns = Vec::new();
        let mut column_of = vec![None; taxonomy.len()];
        for name in names.iter().filter(|n| !n.is_empty()) {
            let idx = taxonomy
                .index_of(name)
                .ok_or_else(|| Error::data(file, line, Problem::UnknownLabel, *name))?;
            if column_of[idx].is_some() {
                return Err(Error::data(file, line, Problem::DuplicateEntry, *name));
            }
            column_of[idx] = Some(columns.len());
            columns.push(idx);
        }
        let n = columns.len();
        let number = |line: usize, s: &str| -> Result<f32> {
            s.trim()
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= 1e4)
                .ok_or_else(|| Error::data(file, line, Problem::BadWeight, s))
        };
        let (line, t) = next_keyed("temperature")?;
        let temperature = match t.as_slice() {
            [t] => number(line, t)?,
            _ => {
                return Err(Error::data(
                    file,
                    line,
                    Problem::WrongColumnCount,
                    t.join("\t"),
                ));
            }
        };
        if temperature <= 0.0 {
            return Err(Error::data(
                file,
                line,
                Problem::OutOfRange,
                temperature.to_string(),
            ));
        }
        let (line, k) = next_keyed("norm")?;
        let norm = match k.as_slice() {
            [k] => number(line, k)?,
            _ => {
                return Err(Error::data(
                    file,
                    line,
                    Problem::WrongColumnCount,
                    k.join("\t"),
                ));
            }
        };
        if !(0.0..=2.0).contains(&norm) {
            return Err(Error::data(
                file,
                line,
                Problem::OutOfRange,
                norm.to_string(),
            ));
        }
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

        let mut rows = FeatureMap::default();
        let mut weights = Vec::new();
        for (line, l) in it {
            let (feature, rest) = l
                .split_once('\t')
                .ok_or_else(|| Error::data(file, line, Problem::WrongColumnCount, l))?;
            if feature.is_empty() {
                return Err(Error::data(file, line, Problem::EmptyPattern, l));
            }
            let row = rows.len() as u32;
            if rows.insert(fnv1a(feature.as_bytes()), row).is_some() {
                return Err(Error::data(file, line, Problem::DuplicateEntry, feature));
            }
            let at = weights.len();
            weights.resize(at + n, 0.0);
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
        Ok(IssueModel {
            columns,
            column_of,
            temperature,
            norm,
            bias,
            rows,
            weights,
        })
    }

    /// Number of feature rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Adds `value ×` the feature's weights to `logits` (model columns).
    #[inline]
    pub fn add_feature(&self, feature: &str, value: f32, logits: &mut [f32]) {
        if let Some(&row) = self.rows.get(&fnv1a(feature.as_bytes())) {
            let n = self.columns.len();
            let w = &self.weights[row as usize * n..row as usize * n + n];
            for (l, w) in logits.iter_mut().zip(w) {
                *l += value * w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAX: &str =
        "#! kefu-triage taxonomy v1\nlogistics\t物流\tlogistics\td\nother\t其他\tgeneral\td\n";

    #[test]
    fn parses_and_scores() {
        let tax = Taxonomy::parse("t", TAX).unwrap();
        let m = "#! kefu-triage issue-model v1\nlabels\tlogistics\tother\ntemperature\t2\nnorm\t0\nbias\t0.5\t-0.5\nb快递\t0:1.5 1:-1\nu好\t1:0.25\n";
        let model = IssueModel::parse("m.tsv", m, &tax).unwrap();
        assert_eq!(model.len(), 2);
        let mut logits = model.bias.clone();
        model.add_feature("b快递", 2.0, &mut logits);
        model.add_feature("nope", 1.0, &mut logits);
        assert_eq!(logits, vec![3.5, -2.5]);
    }

    #[test]
    fn errors_name_line_and_value() {
        let tax = Taxonomy::parse("t", TAX).unwrap();
        let cases = [
            (
                "labels\tlogistics\tspace\n",
                "m.tsv:2: unknown issue label: \"space\"",
            ),
            (
                "labels\tlogistics\ntemperature\t-1\n",
                "m.tsv:3: value out of range: \"-1\"",
            ),
            (
                "labels\tlogistics\ntemperature\t1\nnorm\t0\nbias\t0\tx\n",
                "m.tsv:5: wrong number of tab-separated columns: \"0\\tx\"",
            ),
            (
                "labels\tlogistics\ntemperature\t1\nnorm\t0\nbias\t0\nu好\t3:1\n",
                "m.tsv:6: invalid model: \"3:1\"",
            ),
            (
                "labels\tlogistics\ntemperature\t1\nnorm\t0\nbias\t0\nu好\t0:inf\n",
                "m.tsv:6: bad weight: \"inf\"",
            ),
            (
                "labels\tlogistics\ntemperature\t1\nnorm\t0\nbias\t0\nu好\t0:1\nu好\t0:2\n",
                "m.tsv:7: duplicate entry: \"u好\"",
            ),
            (
                "labels\tlogistics\n",
                "m.tsv:0: missing entry: \"temperature\"",
            ),
        ];
        for (body, want) in cases {
            let text = format!("#! kefu-triage issue-model v1\n{body}");
            let e = IssueModel::parse("m.tsv", &text, &tax).unwrap_err();
            assert_eq!(e.to_string(), want);
        }
    }
}
