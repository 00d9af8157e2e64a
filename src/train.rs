//! Training of the crate's linear models, for the tools in `examples/`
//! (`train_issue`, `train_sentiment`). Deterministic: the same data and
//! settings give the same model file byte for byte.
//!
//! The model is a multinomial logistic regression trained with AdaGrad and
//! L2 in a seeded order; each example's feature values are divided by
//! (feature count)^`norm`; the softmax temperature is fitted on
//! out-of-fold predictions (k-fold cross-validation on the training data
//! only; on the examples added with [`Dataset::push_calibration`] where
//! there are any), which is what makes the engine's probabilities
//! calibrated.
//!
//! ```
//! use kefu_triage::train::{Dataset, TrainConfig, train};
//! use kefu_triage::Lexicon;
//!
//! let mut data = Dataset::default();
//! for i in 0..40 {
//!     let (f, class) = if i % 2 == 0 { ("u好", 0) } else { ("u差", 1) };
//!     data.push([(f, 1.0), ("u的", 1.0)], class, 1.0);
//! }
//! let classes = ["good".to_string(), "bad".to_string()];
//! let cfg = TrainConfig { folds: 2, ..TrainConfig::default() };
//! let model = train(Lexicon::SentimentModel, &classes, &data, &cfg, "toy", &mut |_| {});
//! assert!(model.oof_accuracy > 0.99);
//! assert!(model.text.starts_with("#! kefu-triage sentiment-model v1\n"));
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::rng::SplitMix64;
use crate::score::linear::softmax_by;
use crate::text::cues::Lexicon;

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad learning rate.
    pub lr: f32,
    /// L2 penalty per update.
    pub l2: f32,
    /// Features seen in fewer examples are dropped (except `q`/`e`/`s`
    /// summary features, always kept).
    pub min_df: usize,
    /// Feature values are divided by (feature count)^norm.
    pub norm: f32,
    /// Folds for the out-of-fold temperature fit (at least 2).
    pub folds: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Weights smaller than this are not written.
    pub prune: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 20,
            lr: 0.3,
            l2: 1e-5,
            min_df: 2,
            norm: 0.5,
            folds: 5,
            seed: 7,
            prune: 0.005,
        }
    }
}

/// Training examples with interned feature names.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    names: Vec<String>,
    index: HashMap<String, u32>,
    df: Vec<u32>,
    examples: Vec<Example>,
    /// Names of the example groups (see [`Dataset::group`]).
    groups: Vec<String>,
    /// The group new examples join.
    current_group: usize,
}

#[derive(Clone, Debug)]
struct Example {
    /// Distinct features with summed values.
    features: Vec<(u32, f32)>,
    /// Features emitted (with repeats), for the norm.
    count: usize,
    class: usize,
    weight: f32,
    /// Whether the temperature is fitted on this example's out-of-fold
    /// prediction (see [`Dataset::push_calibration`]).
    calibrate: bool,
    /// Index into `Dataset::groups`, or `usize::MAX` before any group.
    group: usize,
}

impl Dataset {
    /// Puts the examples added from now on into the group `name` (created on
    /// first use), for which [`train`] reports the out-of-fold accuracy and
    /// log-loss apart: compare settings by how they serve each kind of data,
    /// not only the calibration examples. Groups change nothing in training.
    pub fn group(&mut self, name: &str) {
        self.current_group = match self.groups.iter().position(|g| g == name) {
            Some(i) => i,
            None => {
                self.groups.push(name.to_string());
                self.groups.len() - 1
            }
        };
    }

    /// Adds an example: its features as the engine emits them (repeats
    /// allowed), its class index and its weight in the loss.
    pub fn push<'a>(
        &mut self,
        features: impl IntoIterator<Item = (&'a str, f32)>,
        class: usize,
        weight: f32,
    ) {
        self.push_example(features, class, weight, false);
    }

    /// Adds an example, as [`Dataset::push`], whose out-of-fold prediction
    /// also fits the softmax temperature. Once any example is added this
    /// way, only these fit it: mark the examples that look like what the
    /// model will meet (real messages), so that its confidence means what
    /// it says on them rather than on the easier written or weakly labeled
    /// examples.
    pub fn push_calibration<'a>(
        &mut self,
        features: impl IntoIterator<Item = (&'a str, f32)>,
        class: usize,
        weight: f32,
    ) {
        self.push_example(features, class, weight, true);
    }

    fn push_example<'a>(
        &mut self,
        features: impl IntoIterator<Item = (&'a str, f32)>,
        class: usize,
        weight: f32,
        calibrate: bool,
    ) {
        let mut fs: Vec<(u32, f32)> = Vec::new();
        let mut count = 0;
        for (name, v) in features {
            count += 1;
            let id = match self.index.get(name) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.names.push(name.to_string());
                    self.index.insert(name.to_string(), id);
                    self.df.push(0);
                    id
                }
            };
            fs.push((id, v));
        }
        fs.sort_by_key(|f| f.0);
        fs.dedup_by(|x, y| {
            if x.0 == y.0 {
                y.1 += x.1;
                true
            } else {
                false
            }
        });
        for f in &fs {
            self.df[f.0 as usize] += 1;
        }
        self.examples.push(Example {
            features: fs,
            count,
            class,
            weight,
            calibrate,
            group: if self.groups.is_empty() {
                usize::MAX
            } else {
                self.current_group
            },
        });
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.examples.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.examples.is_empty()
    }
}

/// A trained model.
#[derive(Clone, Debug)]
pub struct Trained {
    /// The model file's text.
    pub text: String,
    /// Accuracy of the out-of-fold predictions (of the calibration
    /// examples, where there are any).
    pub oof_accuracy: f64,
    /// The fitted temperature.
    pub temperature: f32,
    /// Per group of [`Dataset::group`]: name, examples, out-of-fold
    /// accuracy and mean log-loss at the fitted temperature.
    pub oof_by_group: Vec<(String, usize, f64, f64)>,
    /// Feature rows written.
    pub rows: usize,
}

struct Weights {
    n: usize,
    w: Vec<f32>,
    bias: Vec<f32>,
}

impl Weights {
    fn logits(&self, x: &[(u32, f32)], out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        for &(f, v) in x {
            let row = &self.w[f as usize * self.n..(f as usize + 1) * self.n];
            for (o, w) in out.iter_mut().zip(row) {
                *o += v * w;
            }
        }
    }
}

/// A training row: scaled features, class, weight.
type Row = (Vec<(u32, f32)>, usize, f32);

/// Share of `(logits, class)` pairs whose largest logit is the class.
/// Index of the largest value (the last of equal ones, as `max_by` picks);
/// 0 when empty.
fn argmax(z: &[f32]) -> usize {
    z.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |m| m.0)
}

fn accuracy(oof: &[(Vec<f32>, usize)]) -> f64 {
    let right = oof.iter().filter(|(z, y)| argmax(z) == *y).count();
    right as f64 / oof.len().max(1) as f64
}

fn fit(
    data: &[&Row],
    n_features: usize,
    n: usize,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&str),
) -> Weights {
    let mut m = Weights {
        n,
        w: vec![0.0; n_features * n],
        bias: vec![0.0; n],
    };
    let mut g2 = vec![1e-6f32; n_features * n];
    let mut gb2 = vec![1e-6f32; n];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = SplitMix64(cfg.seed);
    let mut p = vec![0.0; n];
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let mut loss = 0.0f64;
        for &i in &order {
            let (x, y, weight) = data[i];
            m.logits(x, &mut p);
            softmax_by(&mut p, 1.0, f32::exp);
            loss -= *weight as f64 * (p[*y].max(1e-12) as f64).ln();
            for (j, pj) in p.iter_mut().enumerate() {
                *pj = (*pj - if j == *y { 1.0 } else { 0.0 }) * weight;
            }
            for (j, &g) in p.iter().enumerate() {
                gb2[j] += g * g;
                m.bias[j] -= cfg.lr * g / gb2[j].sqrt();
            }
            for &(f, v) in x {
                let base = f as usize * n;
                for (j, &gj) in p.iter().enumerate() {
                    let k = base + j;
                    let g = gj * v + cfg.l2 * m.w[k];
                    g2[k] += g * g;
                    m.w[k] -= cfg.lr * g / g2[k].sqrt();
                }
            }
        }
        progress(&format!(
            "  epoch {:>3}/{}: mean loss {:.4}",
            epoch + 1,
            cfg.epochs,
            loss / data.len().max(1) as f64
        ));
    }
    m
}

/// Trains a model of `kind` over `classes` and renders its file.
///
/// `comment` goes into the file's header comment (say what data it came
/// from); `progress` receives one line per fold and epoch.
pub fn train(
    kind: Lexicon,
    classes: &[String],
    data: &Dataset,
    cfg: &TrainConfig,
    comment: &str,
    progress: &mut dyn FnMut(&str),
) -> Trained {
    let n = classes.len();
    let folds = cfg.folds.max(2);
    // Vocabulary: frequent features, plus summary features always.
    let keep: Vec<bool> = data
        .names
        .iter()
        .zip(&data.df)
        .map(|(name, &df)| df as usize >= cfg.min_df || name.starts_with(['q', 'e', 's']))
        .collect();
    let mut new_id = vec![u32::MAX; data.names.len()];
    let mut vocab: Vec<usize> = (0..data.names.len()).filter(|&i| keep[i]).collect();
    vocab.sort_by(|&a, &b| data.names[a].cmp(&data.names[b]));
    for (new, &old) in vocab.iter().enumerate() {
        new_id[old] = new as u32;
    }
    let rows: Vec<Row> = data
        .examples
        .iter()
        .map(|e| {
            let scale = (e.count as f32).max(1.0).powf(cfg.norm);
            let x = e
                .features
                .iter()
                .filter(|f| new_id[f.0 as usize] != u32::MAX)
                .map(|f| (new_id[f.0 as usize], f.1 / scale))
                .collect();
            (x, e.class.min(n.saturating_sub(1)), e.weight)
        })
        .collect();
    progress(&format!(
        "{} examples, {} classes, {} features (min df {})",
        rows.len(),
        n,
        vocab.len(),
        cfg.min_df
    ));

    let mut fold_of: Vec<usize> = (0..rows.len()).map(|i| i % folds).collect();
    SplitMix64(cfg.seed ^ 0x5eed).shuffle(&mut fold_of);
    // Out-of-fold logits of the examples that fit the temperature: the
    // calibration examples where there are any, else all.
    let any_calibration = data.examples.iter().any(|e| e.calibrate);
    let calibrates = |i: usize| !any_calibration || data.examples[i].calibrate;
    let mut oof: Vec<(Vec<f32>, usize)> = Vec::new();
    // Out-of-fold logits of every example in a group, by group.
    let mut oof_grouped: Vec<Vec<(Vec<f32>, usize)>> = vec![Vec::new(); data.groups.len()];
    for k in 0..folds {
        progress(&format!("fold {}/{}", k + 1, folds));
        let tr: Vec<_> = rows
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| **f != k)
            .map(|(r, _)| r)
            .collect();
        let m = fit(&tr, vocab.len(), n, cfg, &mut |_| {});
        for (i, (r, &fold)) in rows.iter().zip(&fold_of).enumerate() {
            let group = data.examples[i].group;
            if fold != k || !(calibrates(i) || group < oof_grouped.len()) {
                continue;
            }
            let mut z = vec![0.0; n];
            m.logits(&r.0, &mut z);
            if group < oof_grouped.len() {
                oof_grouped[group].push((z.clone(), r.1));
            }
            if calibrates(i) {
                oof.push((z, r.1));
            }
        }
    }
    let nll_of = |oof: &[(Vec<f32>, usize)], t: f32| -> f64 {
        oof.iter()
            .map(|(z, y)| {
                let mut p = z.clone();
                softmax_by(&mut p, 1.0 / t, f32::exp);
                -(p[*y].max(1e-12) as f64).ln()
            })
            .sum::<f64>()
            / oof.len().max(1) as f64
    };
    let nll = |t: f32| nll_of(&oof, t);
    let (mut temperature, mut best) = (1.0f32, f64::MAX);
    for step in 0..=200 {
        let t = 0.25 + step as f32 * 0.025;
        let v = nll(t);
        if v < best {
            best = v;
            temperature = t;
        }
    }
    let oof_accuracy = accuracy(&oof);
    progress(&format!(
        "out-of-fold accuracy {oof_accuracy:.3}; temperature {temperature:.3} (nll {best:.4} vs {:.4} at 1.0)",
        nll(1.0)
    ));
    let oof_by_group: Vec<(String, usize, f64, f64)> = data
        .groups
        .iter()
        .zip(&oof_grouped)
        .map(|(name, o)| (name.clone(), o.len(), accuracy(o), nll_of(o, temperature)))
        .collect();
    for ((name, len, acc, loss), o) in oof_by_group.iter().zip(&oof_grouped) {
        progress(&format!(
            "  out-of-fold, {name}: {len} examples, accuracy {acc:.3}, log-loss {loss:.4}"
        ));
        // Recall and precision per class, where the weak spots are.
        let mut counts = vec![(0usize, 0usize, 0usize); n]; // (gold, right, predicted)
        for (z, y) in o {
            let top = argmax(z);
            counts[*y].0 += 1;
            counts[top].2 += 1;
            if top == *y {
                counts[*y].1 += 1;
            }
        }
        let per_class: Vec<String> = classes
            .iter()
            .zip(&counts)
            .filter(|(_, c)| c.0 > 0)
            .map(|(class, &(gold, right, predicted))| {
                format!(
                    "{class} {:.2}/{:.2} ({gold})",
                    right as f64 / gold as f64,
                    right as f64 / predicted.max(1) as f64
                )
            })
            .collect();
        progress(&format!("    recall/precision: {}", per_class.join(", ")));
    }

    progress(&format!("final model on all {} examples", rows.len()));
    let all: Vec<_> = rows.iter().collect();
    let m = fit(&all, vocab.len(), n, cfg, progress);

    let mut text = String::new();
    let _ = writeln!(text, "#! kefu-triage {} v1", kind.format_kind());
    let _ = writeln!(
        text,
        "# generated by kefu_triage::train; do not edit by hand.\n# {comment}\n\
         # {} examples; epochs {} lr {} l2 {} min-df {} norm {} folds {} seed {}; \
         out-of-fold accuracy {oof_accuracy:.3}",
        rows.len(),
        cfg.epochs,
        cfg.lr,
        cfg.l2,
        cfg.min_df,
        cfg.norm,
        folds,
        cfg.seed
    );
    let _ = writeln!(text, "labels\t{}", classes.join("\t"));
    let _ = writeln!(text, "temperature\t{temperature:.3}");
    let _ = writeln!(text, "norm\t{}", cfg.norm);
    let bias: Vec<String> = m.bias.iter().map(|b| format!("{b:.4}")).collect();
    let _ = writeln!(text, "bias\t{}", bias.join("\t"));
    let mut written = 0;
    for (i, &old) in vocab.iter().enumerate() {
        let row = &m.w[i * n..(i + 1) * n];
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .filter(|(_, w)| w.abs() >= cfg.prune)
            .map(|(j, w)| format!("{j}:{w:.3}"))
            .collect();
        if !cells.is_empty() {
            written += 1;
            let _ = writeln!(text, "{}\t{}", data.names[old], cells.join(" "));
        }
    }
    Trained {
        text,
        oof_accuracy,
        temperature,
        oof_by_group,
        rows: written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clean examples, plus `noisy` examples that say the same words but
    /// whose class is a coin toss.
    fn data(calibrate_noisy: bool) -> Dataset {
        let mut d = Dataset::default();
        for i in 0..60 {
            let (f, class) = if i % 2 == 0 { ("u好", 0) } else { ("u差", 1) };
            d.push([(f, 1.0), ("u的", 1.0)], class, 1.0);
        }
        for i in 0..40 {
            let f = if i % 2 == 0 { "u好" } else { "u差" };
            let class = (i / 2) % 2;
            let features = [(f, 1.0), ("u的", 1.0)];
            if calibrate_noisy {
                d.push_calibration(features, class, 1.0);
            } else {
                d.push(features, class, 1.0);
            }
        }
        d
    }

    #[test]
    fn calibration_examples_alone_fit_the_temperature() {
        let classes = ["good".to_string(), "bad".to_string()];
        let cfg = TrainConfig {
            folds: 2,
            ..TrainConfig::default()
        };
        let all = train(
            Lexicon::IssueModel,
            &classes,
            &data(false),
            &cfg,
            "",
            &mut |_| {},
        );
        let noisy = train(
            Lexicon::IssueModel,
            &classes,
            &data(true),
            &cfg,
            "",
            &mut |_| {},
        );
        // Fitted on the coin-toss examples alone, the softmax must flatten
        // far more than when the clean majority fits it too.
        assert!(
            noisy.temperature > 2.0 * all.temperature,
            "{} vs {}",
            noisy.temperature,
            all.temperature
        );
        assert!(noisy.oof_accuracy < 0.75, "{}", noisy.oof_accuracy);
    }
}
