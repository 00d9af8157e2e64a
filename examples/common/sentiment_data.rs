//! The labeled sentiment data and its fixed splits, shared by
//! `train_sentiment` and `evaluate_sentiment` (included with `#[path]`).
//!
//! Splits are by row position, so they never change:
//! - shopping reviews (`../shared/data/sentiment/online_shopping_9_cats.csv`):
//!   row % 10 == 0 test, == 1 tune, else train;
//! - Weibo emotion posts (`../shared/data/emotion/smp2020_ewect_virus_train.jsonl`):
//!   row % 10 == 1 tune, else train; `smp2020_ewect_usual_eval.jsonl` is test only;
//! - customer-service messages written here: `tests/data/issues/train*.jsonl`
//!   train, `tests/data/issues/heldout.jsonl` and `heldout2.jsonl` test only;
//! - the real-message dev set (`tests/data/real/devset.jsonl`, see
//!   `examples/common/real_data.rs`) and the real messages labeled here for
//!   training (`real::TRAINING_FILES`): the dev set's test part is test only; of the
//!   rest, one text in four (by a hash of the text) is the tune split the
//!   threshold is chosen on, the rest train;
//! - source labels on the rest of the real text of `../shared/data/`
//!   (`Source::Weak`, train only, labeled texts left out): the chatbot
//!   messages labeled positive by hand as not negative, the cosmetics
//!   reviews' opinion polarities, the helpdesk posts with the lowest
//!   satisfaction scores as negative, and the
//!   calm requests to a voice assistant (its small talk left out), to a
//!   travel assistant and to a medical search engine as not negative.

#![allow(dead_code)]

use std::path::Path;

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
    /// Real messages labeled here (the dev set and `real::TRAINING_FILES`).
    Real,
    /// Labels the other real sources carry.
    Weak,
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

use crate::real::{self, shared_data};

/// Texts per weak source at most.
const WEAK_CAP: usize = 6000;

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
        ("train5.jsonl", Split::Train),
        ("train6.jsonl", Split::Train),
        // Not train7.jsonl (nor train8/9.jsonl, written the same way): with
        // it the tune-split mean the threshold is chosen by fell from 0.864
        // to 0.857 (0.858 at service weight 1).
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
    let dev = real::load_real()?;
    for d in &dev {
        let split = match (d.split.as_str(), real::text_hash(&d.text, 0) % 4) {
            ("test", _) => Split::Test,
            (_, 0) => Split::Tune,
            _ => Split::Train,
        };
        items.push(Item {
            text: d.text.clone(),
            negative: d.negative,
            emotion: None,
            source: Source::Real,
            split,
        });
    }
    let dev_texts: std::collections::HashSet<&str> = dev.iter().map(|d| d.text.as_str()).collect();
    let weak = real::sample_unlabeled(real::load_unlabeled()?, &dev_texts, WEAK_CAP, 11);
    for u in weak {
        let negative = match u.source {
            // Shopping and Weibo come with their own splits above.
            "chatbot" | "cosmetics" | "helpdesk" | "crosswoz" | "medical" => u.negative,
            "assistant" if u.meta != "chat" => Some(false),
            _ => None,
        };
        if let Some(negative) = negative {
            items.push(Item {
                text: u.text,
                negative,
                emotion: None,
                source: Source::Weak,
                split: Split::Train,
            });
        }
    }
    Ok(items)
}
