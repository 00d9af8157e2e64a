//! The labeled sentiment data and its fixed splits, shared by
//! `train_sentiment` and `evaluate_sentiment` (included with `#[path]`).
//!
//! Splits are by row position, so they never change:
//! - shopping reviews (`../shared/data/sentiment/online_shopping_9_cats.csv`):
//!   row % 10 == 0 test, == 1 tune, else train;
//! - Weibo emotion posts (`../shared/data/emotion/smp2020_ewect_virus_train.jsonl`):
//!   row % 10 == 1 tune, else train; `smp2020_ewect_usual_eval.jsonl` is test only;
//! - customer-service messages written here: `tests/data/issues/train*.jsonl`
//!   train, `tests/data/issues/heldout.jsonl` and `heldout2.jsonl` test only.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Which part of the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Tune,
    Test,
}

/// Where a text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Shopping,
    Emotion,
    EmotionEval,
    Service,
}

/// One labeled text.
#[derive(Clone, Debug)]
pub struct Item {
    pub text: String,
    pub negative: bool,
    /// `none`, `anger`, `anxiety` or `disappointment` where known.
    pub emotion: Option<&'static str>,
    pub source: Source,
    pub split: Split,
}

/// `../shared/data` next to the project, or `$KEFU_SHARED_DATA`.
pub fn shared_data() -> PathBuf {
    std::env::var_os("KEFU_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses one line of the shopping CSV (`cat,label,review`; the review may
/// be quoted with doubled quotes inside).
fn shopping_row(line: &str) -> Option<(bool, String)> {
    let (_, rest) = line.split_once(',')?;
    let (label, review) = rest.split_once(',')?;
    let review = match review.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => review.to_string(),
    };
    Some((label.trim() == "0", review))
}

fn emotion_of(label: &str) -> (&'static str, bool) {
    match label {
        "angry" => ("anger", true),
        "fear" => ("anxiety", true),
        "sad" => ("disappointment", true),
        _ => ("none", false),
    }
}

/// Loads every item of every source with its split.
pub fn load() -> Result<Vec<Item>, String> {
    let data = shared_data();
    let mut items = Vec::new();
    let shopping = read(&data.join("sentiment/online_shopping_9_cats.csv"))?;
    for (i, line) in shopping.lines().skip(1).enumerate() {
        let Some((negative, text)) = shopping_row(line) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let split = match i % 10 {
            0 => Split::Test,
            1 => Split::Tune,
            _ => Split::Train,
        };
        items.push(Item {
            text,
            negative,
            emotion: None,
            source: Source::Shopping,
            split,
        });
    }
    for (file, source) in [
        ("emotion/smp2020_ewect_virus_train.jsonl", Source::Emotion),
        (
            "emotion/smp2020_ewect_usual_eval.jsonl",
            Source::EmotionEval,
        ),
    ] {
        let text = read(&data.join(file))?;
        for (i, line) in text.lines().enumerate() {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{file}:{}: {e}", i + 1))?;
            let (Some(t), Some(l)) = (v["text"].as_str(), v["label"].as_str()) else {
                continue;
            };
            let (emotion, negative) = emotion_of(l);
            let split = match (source, i % 10) {
                (Source::EmotionEval, _) => Split::Test,
                (_, 1) => Split::Tune,
                _ => Split::Train,
            };
            items.push(Item {
                text: t.to_string(),
                negative,
                emotion: Some(emotion),
                source,
                split,
            });
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/issues");
    for (file, split) in [
        ("train.jsonl", Split::Train),
        ("train2.jsonl", Split::Train),
        ("train3.jsonl", Split::Train),
        ("train4.jsonl", Split::Train),
        ("heldout.jsonl", Split::Test),
        ("heldout2.jsonl", Split::Test),
    ] {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{file}:{}: {e}", i + 1))?;
            let (Some(t), Some(n)) = (v["text"].as_str(), v["negative"].as_bool()) else {
                continue;
            };
            items.push(Item {
                text: t.to_string(),
                negative: n,
                emotion: None,
                source: Source::Service,
                split,
            });
        }
    }
    Ok(items)
}
