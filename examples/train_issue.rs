//! Trains the issue model and writes `lexicons/issue_model.tsv`.
//!
//! ```text
//! cargo run --release --example train_issue -- \
//!     [--train FILE]... [--out lexicons/issue_model.tsv] \
//!     [--epochs 20] [--l2 0.00001] [--lr 0.3] [--min-df 2] [--norm 0.5] \
//!     [--folds 5] [--seed 7] [--words]
//! ```
//!
//! Input: JSON lines `{"text": ..., "issue": ...}`; by default the training
//! files of `tests/data/issues/` (never the held-out ones). The model reads
//! `Engine::issue_features` (character unigrams and bigrams, issue-cue
//! scores, entity kinds, and with `--words` jieba tokens); see
//! `kefu_triage::train` for the algorithm. Progress goes to stderr; the
//! output is deterministic.
//!
//! Why no tokens by default: on the training set of 2026-11-26 (4,270
//! lines) tokens moved out-of-fold accuracy from 0.887 to 0.889 and the
//! held-out accuracy not at all (0.866 both), while segmenting costs about
//! a jieba `cut` per inquiry (benches/triage.rs).

use std::process::ExitCode;

use kefu_triage::train::{Dataset, TrainConfig, train};
use kefu_triage::{Engine, Lexicon};

/// The training files written or labeled for this project. Never the
/// held-out files (`heldout.jsonl`, `alipay_labeled.jsonl`).
const DEFAULT_TRAIN: &[&str] = &[
    "tests/data/issues/train.jsonl",
    "tests/data/issues/train2.jsonl",
    "tests/data/issues/train3.jsonl",
    "tests/data/issues/train4.jsonl",
    "tests/data/issues/train_alipay.jsonl",
];

/// Parses the flags shared by the training tools.
fn parse_args(
    out: &mut String,
    train: &mut Vec<String>,
    cfg: &mut TrainConfig,
    words: &mut bool,
) -> Result<(), String> {
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--words" {
            *words = true;
            continue;
        }
        let val = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = || {
            val.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number: {val}"))
        };
        match flag.as_str() {
            "--train" => train.push(val.clone()),
            "--out" => *out = val.clone(),
            "--epochs" => cfg.epochs = num()? as usize,
            "--l2" => cfg.l2 = num()? as f32,
            "--lr" => cfg.lr = num()? as f32,
            "--min-df" => cfg.min_df = num()? as usize,
            "--norm" => cfg.norm = num()? as f32,
            "--folds" => cfg.folds = (num()? as usize).max(2),
            "--seed" => cfg.seed = num()? as u64,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(())
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
    let mut out = "lexicons/issue_model.tsv".to_string();
    let mut files = Vec::new();
    let mut cfg = TrainConfig::default();
    let mut words = false;
    parse_args(&mut out, &mut files, &mut cfg, &mut words)?;
    if files.is_empty() {
        files = DEFAULT_TRAIN.iter().map(|s| s.to_string()).collect();
    }
    // Features do not depend on the model; start from an empty one so that
    // a broken or stale embedded model never blocks retraining.
    let empty = "#! kefu-triage issue-model v1\nlabels\ntemperature\t1\nnorm\t0\nbias\n";
    let engine = Engine::builder()
        .lexicon_str(Lexicon::IssueModel, "<empty model>", empty)
        .word_features(words)
        .build()
        .map_err(|e| e.to_string())?;
    let labels: Vec<String> = engine.labels().map(|l| l.to_string()).collect();

    let mut data = Dataset::default();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let at = format!("{file}:{}", i + 1);
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{at}: {e}"))?;
            let (Some(t), Some(l)) = (v["text"].as_str(), v["issue"].as_str()) else {
                return Err(format!("{at}: needs \"text\" and \"issue\""));
            };
            let class = labels
                .iter()
                .position(|x| x == l)
                .ok_or_else(|| format!("{at}: unknown label {l:?}"))?;
            let features = engine.issue_features(t);
            data.push(features.iter().map(|(f, v)| (f.as_str(), *v)), class, 1.0);
        }
    }
    let comment = format!("trained by examples/train_issue.rs on {}", files.join(" "));
    let model = train(
        Lexicon::IssueModel,
        &labels,
        &data,
        &cfg,
        &comment,
        &mut |line| eprintln!("{line}"),
    );
    std::fs::write(&out, &model.text).map_err(|e| format!("{out}: {e}"))?;
    eprintln!("wrote {out} ({} feature rows)", model.rows);
    Ok(())
}
