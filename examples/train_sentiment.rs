//! Trains the negativity and emotion models and writes
//! `lexicons/sentiment_model.tsv` and `lexicons/emotion_model.tsv`.
//!
//! ```text
//! cargo run --release --example train_sentiment -- [--out-dir lexicons] [--service-weight 3] \
//!     [--real-weight 8] [--weak-weight 0.5] [--epochs 8] [--min-df 6] [--l2 L] [--norm N] \
//!     [--dump-examples FILE]
//! ```
//!
//! `--dump-examples FILE` writes the negativity model's train and tune
//! examples instead of models, one JSON object a line: `split` (`train`,
//! `tune`), `source` (`shopping`, `weibo`, `service`, `real`, `weak`),
//! `class` (1 negative), `weight` and `features` as `[name, value]` pairs,
//! exactly as the trainer reads them. `examples/compare_models.py
//! --sentiment` fits other kinds of model to it.
//!
//! `--epochs`, `--min-df`, `--l2` and `--norm` set the trainer's passes,
//! minimum document frequency of a feature, L2 penalty and feature-vector
//! norm (the shipped models use the defaults shown, and the library
//! trainer's for `--l2` and `--norm`). It reads the corpora of
//! `../shared/data/` (see `examples/common/sentiment_data.rs` for the files
//! and where they come from); to train on your own labeled messages, use
//! the library trainer (`kefu_triage::train`), as `src/architecture.md`
//! ("Retraining on your own data") shows.
//!
//! Negativity: shopping reviews, Weibo emotion posts (angry/sad/fear =
//! negative), the customer-service messages written here, the real-message
//! dev set and the labels the other real sources carry, train splits only
//! (see `examples/common/sentiment_data.rs`); service and real messages
//! weigh more, since that is the domain the engine serves, and the
//! sources' own labels less. Emotion: the Weibo
//! posts (angry → anger, fear → anxiety, sad → disappointment, others →
//! none). Then the threshold for `sentiment.negative` is chosen on the tune
//! splits (best mean of the shopping accuracy, the Weibo negative-F1 and,
//! counted twice, the real messages' accuracy) and printed, for
//! `negativity_threshold` in `lexicons/policy.json`.

#[path = "common/sentiment_data.rs"]
mod data;
#[path = "common/real_data.rs"]
mod real;

#[path = "common/usage.rs"]
mod usage;

use std::process::ExitCode;

use data::{Source, Split};
use kefu_triage::train::{Dataset, TrainConfig, train};
use kefu_triage::{Engine, Inquiry, Lexicon};

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("train_sentiment.rs"), "train_sentiment.rs");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train_sentiment: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut out_dir = "lexicons".to_string();
    let mut service_weight = 3.0f32;
    // Chosen on the tune splits by the same mean the threshold is chosen by
    // (shopping accuracy, Weibo negative-F1, real accuracy twice): 0.858 at
    // 3, 0.861 at 5, 0.864 at 8, with the 3,200 real messages labeled on
    // 2026-12-06.
    let mut real_weight = 8.0f32;
    let mut weak_weight = 0.5f32;
    let mut dump: Option<String> = None;
    // min-df 6 rather than 3: on the tune splits the same accuracy
    // (shopping 0.929, Weibo 0.861 at either), with 38k negativity rows
    // instead of 71k and 8.6k emotion rows instead of 16k, which halves
    // the table every character of every inquiry is looked up in.
    // (min-df 12: 21.7k rows, tune accuracy 0.926 and 0.857.)
    let mut cfg = TrainConfig {
        min_df: 6,
        epochs: 8,
        folds: 3,
        ..TrainConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let val = args.next().ok_or(format!("{flag} needs a value"))?;
        let num = || {
            val.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number: {val}"))
        };
        match flag.as_str() {
            "--out-dir" => out_dir = val.clone(),
            "--service-weight" => service_weight = num()? as f32,
            "--real-weight" => real_weight = num()? as f32,
            "--weak-weight" => weak_weight = num()? as f32,
            "--epochs" => cfg.epochs = num()? as usize,
            "--min-df" => cfg.min_df = num()? as usize,
            "--l2" => cfg.l2 = num()? as f32,
            "--norm" => cfg.norm = num()? as f32,
            "--dump-examples" => dump = Some(val.clone()),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let items = data::load()?;
    let empty = |kind: &str| {
        format!("#! kefu-triage {kind}-model v1\nlabels\ntemperature\t1\nnorm\t0\nbias\n")
    };
    // Features come from the lexicons alone: start from empty models.
    let engine = Engine::builder()
        .lexicon_str(Lexicon::SentimentModel, "<empty>", &empty("sentiment"))
        .lexicon_str(Lexicon::EmotionModel, "<empty>", &empty("emotion"))
        .build()
        .map_err(|e| e.to_string())?;

    let weight_of = |source: Source| match source {
        Source::Service => service_weight,
        Source::Real => real_weight,
        Source::Weak => weak_weight,
        _ => 1.0,
    };
    if let Some(path) = dump {
        let mut out = String::new();
        for item in items.iter().filter(|i| i.split != Split::Test) {
            let line = serde_json::json!({
                "split": if item.split == Split::Train { "train" } else { "tune" },
                "source": match item.source {
                    Source::Shopping => "shopping",
                    Source::Emotion | Source::EmotionEval => "weibo",
                    Source::Service => "service",
                    Source::Real => "real",
                    Source::Weak => "weak",
                },
                "class": usize::from(item.negative),
                "weight": weight_of(item.source),
                "features": engine.sentiment_features(&item.text),
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        std::fs::write(&path, out).map_err(|e| format!("{path}: {e}"))?;
        eprintln!("wrote the train and tune examples to {path}");
        return Ok(());
    }
    let mut negativity = Dataset::default();
    let mut emotion = Dataset::default();
    let emotions = ["none", "anger", "anxiety", "disappointment"];
    for (n, item) in items.iter().filter(|i| i.split == Split::Train).enumerate() {
        let f = engine.sentiment_features(&item.text);
        let feats = || f.iter().map(|(a, v)| (a.as_str(), *v));
        negativity.push(feats(), item.negative as usize, weight_of(item.source));
        if let Some(e) = item.emotion {
            let class = emotions.iter().position(|x| *x == e).unwrap_or(0);
            emotion.push(feats(), class, 1.0);
        }
        if (n + 1) % 10_000 == 0 {
            eprintln!("features: {} examples", n + 1);
        }
    }
    let log = &mut |line: &str| eprintln!("{line}");
    let classes: Vec<String> = ["not_negative", "negative"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    eprintln!("negativity model:");
    let neg_model = train(
        Lexicon::SentimentModel,
        &classes,
        &negativity,
        &cfg,
        "trained by examples/train_sentiment.rs: shopping reviews + SMP2020-EWECT virus_train + written service messages + real-message dev set and real sources' labels + weak labels (train splits)",
        log,
    );
    let classes: Vec<String> = emotions.iter().map(|s| s.to_string()).collect();
    eprintln!("emotion model:");
    let emo_model = train(
        Lexicon::EmotionModel,
        &classes,
        &emotion,
        &cfg,
        "trained by examples/train_sentiment.rs: SMP2020-EWECT virus_train (train split)",
        log,
    );
    let neg_path = format!("{out_dir}/sentiment_model.tsv");
    let emo_path = format!("{out_dir}/emotion_model.tsv");
    std::fs::write(&neg_path, &neg_model.text).map_err(|e| format!("{neg_path}: {e}"))?;
    std::fs::write(&emo_path, &emo_model.text).map_err(|e| format!("{emo_path}: {e}"))?;
    eprintln!(
        "wrote {neg_path} ({} rows), {emo_path} ({} rows)",
        neg_model.rows, emo_model.rows
    );

    // The threshold, on the tune splits, with the models just trained.
    let engine = Engine::builder()
        .lexicon_str(Lexicon::SentimentModel, &neg_path, &neg_model.text)
        .lexicon_str(Lexicon::EmotionModel, &emo_path, &emo_model.text)
        .build()
        .map_err(|e| e.to_string())?;
    let mut scratch = engine.scratch();
    let tune: Vec<(f32, bool, Source)> = items
        .iter()
        .filter(|i| i.split == Split::Tune)
        .map(|i| {
            let d = engine.triage_with(&mut scratch, &Inquiry::new(&i.text));
            (d.sentiment.negativity, i.negative, i.source)
        })
        .collect();
    let acc = |t: f32, src: Source| {
        let part: Vec<_> = tune.iter().filter(|x| x.2 == src).collect();
        part.iter().filter(|x| (x.0 >= t) == x.1).count() as f64 / part.len().max(1) as f64
    };
    // Negative-F1 on a source's tune split at threshold `t`.
    let neg_f1 = |t: f32, src: Source| {
        let part: Vec<_> = tune.iter().filter(|x| x.2 == src).collect();
        let tp = part.iter().filter(|x| x.0 >= t && x.1).count() as f64;
        let wrong = part.iter().filter(|x| (x.0 >= t) != x.1).count() as f64;
        2.0 * tp / (2.0 * tp + wrong).max(1.0)
    };
    // What the targets measure: accuracy on shopping reviews and on real
    // messages (counted twice: they are what the engine meets), and on
    // Weibo posts the negative-F1, since anger and distress there are the
    // minority that matters. (Weibo accuracy in its place chose 0.57, which
    // kept the tune-split F1 at 0.720 where 0.40 gives 0.753, for 0.010 of
    // real-message accuracy that the tune split cannot tell from noise.)
    let objective = |t: f32| {
        (acc(t, Source::Shopping) + neg_f1(t, Source::Emotion) + 2.0 * acc(t, Source::Real)) / 4.0
    };
    let (mut best_t, mut best) = (0.5f32, 0.0f64);
    for step in 5..=95 {
        let t = step as f32 / 100.0;
        let v = objective(t);
        if v > best {
            best = v;
            best_t = t;
        }
    }
    println!("threshold on the tune splits: shopping accuracy, Weibo negative-F1, real accuracy");
    for step in (30..=70).step_by(5) {
        let t = step as f32 / 100.0;
        println!(
            "  {t:.2}: {:.3} {:.3} {:.3}",
            acc(t, Source::Shopping),
            neg_f1(t, Source::Emotion),
            acc(t, Source::Real)
        );
    }
    println!(
        "negativity threshold on the tune splits: {best_t:.2} (shopping {:.3}, weibo F1 {:.3}, real messages {:.3})",
        acc(best_t, Source::Shopping),
        neg_f1(best_t, Source::Emotion),
        acc(best_t, Source::Real)
    );

    // The emotion floor, on the Weibo tune split at that threshold: the
    // floor with the best mean of emotion accuracy (none included) and
    // anger recall — an angry customer left unflagged costs the most.
    let weibo: Vec<_> = items
        .iter()
        .filter(|i| i.split == Split::Tune && i.source == Source::Emotion)
        .collect();
    println!("emotion floor on the Weibo tune split (threshold {best_t:.2}):");
    let (mut best_floor, mut best_score) = (0.0f32, -1.0f64);
    for floor in [0.0f32, 0.1, 0.2, 0.3, 0.4, 0.5] {
        let mut policy = kefu_triage::Policy::default();
        policy.negativity_threshold = best_t;
        policy.emotion_floor = floor;
        let engine = Engine::builder()
            .lexicon_str(Lexicon::SentimentModel, &neg_path, &neg_model.text)
            .lexicon_str(Lexicon::EmotionModel, &emo_path, &emo_model.text)
            .policy(policy)
            .build()
            .map_err(|e| e.to_string())?;
        let (mut right, mut angry, mut anger) = (0, 0, 0);
        for i in &weibo {
            let got = engine
                .triage_with(&mut scratch, &Inquiry::new(&i.text))
                .sentiment
                .emotion;
            right += (Some(got.as_str()) == i.emotion) as usize;
            if i.emotion == Some("anger") {
                angry += 1;
                anger += (got == kefu_triage::Emotion::Anger) as usize;
            }
        }
        let accuracy = right as f64 / weibo.len().max(1) as f64;
        let recall = anger as f64 / angry.max(1) as f64;
        println!("  floor {floor:.1}: emotion accuracy {accuracy:.3}, anger recall {recall:.3}");
        if (accuracy + recall) / 2.0 > best_score {
            best_score = (accuracy + recall) / 2.0;
            best_floor = floor;
        }
    }
    println!("emotion floor chosen: {best_floor:.1} (set emotion_floor in lexicons/policy.json)");
    Ok(())
}
