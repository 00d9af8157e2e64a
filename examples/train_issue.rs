//! Trains the issue model and writes `lexicons/issue_model.tsv`.
//!
//! ```text
//! cargo run --release --example train_issue -- \
//!     [--train FILE]... [--out lexicons/issue_model.tsv] \
//!     [--epochs 20] [--l2 0.00001] [--lr 0.3] [--min-df 2] [--norm 0.5] \
//!     [--folds 5] [--seed 7]
//! ```
//!
//! Input: JSON lines `{"text": ..., "issue": ...}`; by default the training
//! files of `tests/data/issues/` (never the held-out ones). The model is a
//! multinomial logistic regression over `Engine::issue_features` (character
//! unigrams and bigrams, jieba tokens, issue-cue scores, entity kinds),
//! each example's feature values divided by (feature count)^norm so long
//! messages are not overconfident, trained with AdaGrad and L2 in a seeded
//! order, so the same data and
//! flags give the same file byte for byte. The softmax temperature is fitted
//! on out-of-fold predictions (k-fold cross-validation on the training file
//! only), which is what makes `issue.confidence` a calibrated probability.
//! Progress goes to stderr.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::process::ExitCode;

use kefu_triage::{Engine, Lexicon};

struct Args {
    train: Vec<String>,
    out: String,
    epochs: usize,
    l2: f32,
    lr: f32,
    min_df: usize,
    norm: f32,
    folds: usize,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        train: Vec::new(),
        out: "lexicons/issue_model.tsv".into(),
        epochs: 20,
        l2: 1e-5,
        lr: 0.3,
        min_df: 2,
        norm: 0.5,
        folds: 5,
        seed: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        let num = |v: String| {
            v.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--train" => a.train.push(val()?),
            "--out" => a.out = val()?,
            "--epochs" => a.epochs = num(val()?)? as usize,
            "--l2" => a.l2 = num(val()?)? as f32,
            "--lr" => a.lr = num(val()?)? as f32,
            "--min-df" => a.min_df = num(val()?)? as usize,
            "--norm" => a.norm = num(val()?)? as f32,
            "--folds" => a.folds = (num(val()?)? as usize).max(2),
            "--seed" => a.seed = num(val()?)? as u64,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.train.is_empty() {
        a.train = DEFAULT_TRAIN.iter().map(|s| s.to_string()).collect();
    }
    Ok(a)
}

/// The training files written or labeled for this project. Never the
/// held-out files (`heldout.jsonl`, `alipay_labeled.jsonl`).
const DEFAULT_TRAIN: &[&str] = &[
    "tests/data/issues/train.jsonl",
    "tests/data/issues/train2.jsonl",
    "tests/data/issues/train_alipay.jsonl",
];

/// splitmix64: a tiny seeded generator, so training order is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

struct Example {
    features: Vec<(u32, f32)>,
    label: usize,
}

struct Model {
    n: usize,
    w: Vec<f32>,
    bias: Vec<f32>,
}

impl Model {
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

fn softmax(z: &mut [f32], t: f32) {
    let max = z.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = ((*v - max) / t).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

fn train(data: &[&Example], n_features: usize, n: usize, a: &Args, log: bool) -> Model {
    let mut m = Model {
        n,
        w: vec![0.0; n_features * n],
        bias: vec![0.0; n],
    };
    let mut g2 = vec![1e-6f32; n_features * n];
    let mut gb2 = vec![1e-6f32; n];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = Rng(a.seed);
    let mut p = vec![0.0; n];
    for epoch in 0..a.epochs {
        rng.shuffle(&mut order);
        let mut loss = 0.0f64;
        for &i in &order {
            let ex = data[i];
            m.logits(&ex.features, &mut p);
            softmax(&mut p, 1.0);
            loss -= (p[ex.label].max(1e-12) as f64).ln();
            for (j, pj) in p.iter_mut().enumerate() {
                *pj -= if j == ex.label { 1.0 } else { 0.0 };
            }
            for (j, &g) in p.iter().enumerate() {
                gb2[j] += g * g;
                m.bias[j] -= a.lr * g / gb2[j].sqrt();
            }
            for &(f, v) in &ex.features {
                let base = f as usize * n;
                for (j, &gj) in p.iter().enumerate() {
                    let k = base + j;
                    let g = gj * v + a.l2 * m.w[k];
                    g2[k] += g * g;
                    m.w[k] -= a.lr * g / g2[k].sqrt();
                }
            }
        }
        if log && (epoch + 1) % 5 == 0 {
            eprintln!(
                "  epoch {:>3}/{}: mean loss {:.4}",
                epoch + 1,
                a.epochs,
                loss / data.len() as f64
            );
        }
    }
    m
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train_issue: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let a = parse_args()?;
    // Features do not depend on the model; start from an empty one so that
    // a broken or stale embedded model never blocks retraining.
    let empty = "#! kefu-triage issue-model v1\nlabels\ntemperature\t1\nnorm\t0\nbias\n";
    let engine = Engine::builder()
        .lexicon_str(Lexicon::IssueModel, "<empty model>", empty)
        .build()
        .map_err(|e| e.to_string())?;
    let labels: Vec<String> = engine.labels().map(|l| l.to_string()).collect();
    let mut lines: Vec<(String, usize, String)> = Vec::new();
    for file in &a.train {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        for (i, line) in text.lines().enumerate() {
            lines.push((file.clone(), i + 1, line.to_string()));
        }
    }

    // Features as strings first, then a vocabulary of those seen in at
    // least `min_df` examples (cue and entity features always kept).
    let mut raw: Vec<(Vec<(String, f32)>, usize)> = Vec::new();
    for (file, line_no, line) in &lines {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{file}:{line_no}: {e}"))?;
        let (Some(t), Some(l)) = (v["text"].as_str(), v["issue"].as_str()) else {
            return Err(format!("{file}:{line_no}: needs \"text\" and \"issue\""));
        };
        let label = labels
            .iter()
            .position(|x| x == l)
            .ok_or_else(|| format!("{file}:{line_no}: unknown label {l:?}"))?;
        let mut f = engine.issue_features(t);
        // The engine divides the feature sum by (features emitted)^norm.
        let scale = (f.len() as f32).max(1.0).powf(a.norm);
        for x in &mut f {
            x.1 /= scale;
        }
        f.sort_by(|x, y| x.0.cmp(&y.0));
        f.dedup_by(|x, y| {
            if x.0 == y.0 {
                y.1 += x.1;
                true
            } else {
                false
            }
        });
        raw.push((f, label));
    }
    eprintln!("{} examples, {} labels", raw.len(), labels.len());
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for (f, _) in &raw {
        for (name, _) in f {
            *df.entry(name.as_str()).or_default() += 1;
        }
    }
    let vocab: Vec<&str> = df
        .iter()
        .filter(|(name, c)| **c >= a.min_df || name.starts_with('q') || name.starts_with('e'))
        .map(|(name, _)| *name)
        .collect();
    let index: HashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, i as u32))
        .collect();
    eprintln!("{} features (min df {})", vocab.len(), a.min_df);
    let data: Vec<Example> = raw
        .iter()
        .map(|(f, label)| Example {
            features: f
                .iter()
                .filter_map(|(name, v)| index.get(name.as_str()).map(|&i| (i, *v)))
                .collect(),
            label: *label,
        })
        .collect();
    let n = labels.len();

    // Out-of-fold logits for the temperature.
    let mut fold_of: Vec<usize> = (0..data.len()).map(|i| i % a.folds).collect();
    Rng(a.seed ^ 0x5eed).shuffle(&mut fold_of);
    let mut oof: Vec<(Vec<f32>, usize)> = Vec::with_capacity(data.len());
    for k in 0..a.folds {
        eprintln!("fold {}/{}", k + 1, a.folds);
        let tr: Vec<&Example> = data
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| **f != k)
            .map(|(e, _)| e)
            .collect();
        let m = train(&tr, vocab.len(), n, &a, false);
        for (e, _) in data.iter().zip(&fold_of).filter(|(_, f)| **f == k) {
            let mut z = vec![0.0; n];
            m.logits(&e.features, &mut z);
            oof.push((z, e.label));
        }
    }
    let nll = |t: f32| -> f64 {
        oof.iter()
            .map(|(z, y)| {
                let mut p = z.clone();
                softmax(&mut p, t);
                -(p[*y].max(1e-12) as f64).ln()
            })
            .sum::<f64>()
            / oof.len() as f64
    };
    let mut best_t = 1.0f32;
    let mut best = f64::MAX;
    for step in 0..=200 {
        let t = 0.25 + step as f32 * 0.025;
        let v = nll(t);
        if v < best {
            best = v;
            best_t = t;
        }
    }
    let acc = oof
        .iter()
        .filter(|(z, y)| {
            z.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|m| m.0)
                == Some(*y)
        })
        .count() as f64
        / oof.len() as f64;
    eprintln!(
        "out-of-fold accuracy {acc:.3}; temperature {best_t:.3} (nll {best:.4} vs {:.4} at 1.0)",
        nll(1.0)
    );

    eprintln!("final model on all {} examples", data.len());
    let refs: Vec<&Example> = data.iter().collect();
    let m = train(&refs, vocab.len(), n, &a, true);

    let mut out = String::new();
    out.push_str("#! kefu-triage issue-model v1\n");
    let _ = writeln!(
        out,
        "# generated by examples/train_issue.rs from {} ({} examples); do not edit by hand.\n\
         # epochs {} lr {} l2 {} min-df {} norm {} folds {} seed {}; out-of-fold accuracy {:.3}",
        a.train.join(" "),
        data.len(),
        a.epochs,
        a.lr,
        a.l2,
        a.min_df,
        a.norm,
        a.folds,
        a.seed,
        acc
    );
    let _ = writeln!(out, "labels\t{}", labels.join("\t"));
    let _ = writeln!(out, "temperature\t{best_t:.3}");
    let _ = writeln!(out, "norm\t{}", a.norm);
    let bias: Vec<String> = m.bias.iter().map(|b| format!("{b:.4}")).collect();
    let _ = writeln!(out, "bias\t{}", bias.join("\t"));
    let mut kept = 0;
    for (i, name) in vocab.iter().enumerate() {
        let row = &m.w[i * n..(i + 1) * n];
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .filter(|(_, w)| w.abs() >= 0.005)
            .map(|(j, w)| format!("{j}:{w:.3}"))
            .collect();
        if !cells.is_empty() {
            kept += 1;
            let _ = writeln!(out, "{name}\t{}", cells.join(" "));
        }
    }
    std::fs::write(&a.out, out).map_err(|e| format!("{}: {e}", a.out))?;
    eprintln!("wrote {} ({kept} feature rows)", a.out);
    Ok(())
}
