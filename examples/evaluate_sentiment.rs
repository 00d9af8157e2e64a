//! Measures negativity and emotion on the held-out splits.
//!
//! ```text
//! cargo run --release --example evaluate_sentiment -- [--dump DIR]
//! ```
//!
//! For each test split (shopping reviews, Weibo emotion eval posts, the
//! customer-service held-out messages; see
//! `examples/common/sentiment_data.rs`) prints accuracy, negative
//! precision/recall/F1 and the engine's time per inquiry (the whole triage,
//! not just sentiment); for the Weibo posts also how many angry posts are
//! flagged negative and how many get the emotion `anger`. `--dump DIR`
//! writes each test split as JSON lines `{"text", "negative"}` so other
//! tools (`examples/compare_snownlp.py`) score the very same items.

#[path = "common/sentiment_data.rs"]
mod data;
#[path = "common/real_data.rs"]
mod real;

#[path = "common/usage.rs"]
mod usage;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use data::{Source, Split};
use kefu_triage::{Emotion, Engine, Inquiry};

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(
            include_str!("evaluate_sentiment.rs"),
            "evaluate_sentiment.rs",
        );
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("evaluate_sentiment: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut dump = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--dump" => dump = args.next(),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let items = data::load()?;
    let engine = Engine::default();
    let threshold = engine.policy().negativity_threshold;
    println!("threshold (policy negativity_threshold): {threshold:.2}\n");
    println!(
        "| test set | n | accuracy | neg precision | neg recall | neg F1 | µs / inquiry (sentiment) | µs / inquiry (whole triage) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut scratch = engine.scratch();
    for (name, source, file) in [
        (
            "shopping reviews (10% test split)",
            Source::Shopping,
            "shopping_test.jsonl",
        ),
        (
            "Weibo emotion eval (angry/sad/fear = negative)",
            Source::EmotionEval,
            "weibo_eval.jsonl",
        ),
        (
            "customer-service held-out (written here)",
            Source::Service,
            "service_heldout.jsonl",
        ),
        (
            "real messages (dev set, test part)",
            Source::Real,
            "real_test.jsonl",
        ),
    ] {
        let test: Vec<_> = items
            .iter()
            .filter(|i| i.source == source && i.split == Split::Test)
            .collect();
        // Sentiment alone (`Engine::sentiment_with`), then the whole triage,
        // each timed over the split; both must agree.
        let start = Instant::now();
        let decisions: Vec<_> = test
            .iter()
            .map(|i| engine.sentiment_with(&mut scratch, &i.text))
            .collect();
        let micros = start.elapsed().as_secs_f64() * 1e6 / test.len().max(1) as f64;
        let start = Instant::now();
        let mut disagree = 0;
        for (i, d) in test.iter().zip(&decisions) {
            let t = engine.triage_with(&mut scratch, &Inquiry::new(&i.text));
            disagree += (t.sentiment != *d) as usize;
        }
        let triage_micros = start.elapsed().as_secs_f64() * 1e6 / test.len().max(1) as f64;
        if disagree > 0 {
            return Err(format!(
                "{name}: Engine::sentiment and triage disagree on {disagree} texts"
            ));
        }
        let (mut tp, mut fp, mut tn, mut fneg) = (0, 0, 0, 0);
        for (i, d) in test.iter().zip(&decisions) {
            match (d.negative, i.negative) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, false) => tn += 1,
                (false, true) => fneg += 1,
            }
        }
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fneg).max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        let acc = (tp + tn) as f64 / test.len().max(1) as f64;
        println!(
            "| {name} | {} | {acc:.3} | {p:.3} | {r:.3} | {f1:.3} | {micros:.1} | {triage_micros:.1} |",
            test.len()
        );
        if source == Source::EmotionEval {
            let angry: Vec<_> = test
                .iter()
                .zip(&decisions)
                .filter(|(i, _)| i.emotion == Some("anger"))
                .collect();
            let flagged = angry.iter().filter(|(_, d)| d.negative).count();
            let anger = angry
                .iter()
                .filter(|(_, d)| d.emotion == Emotion::Anger)
                .count();
            let n = angry.len().max(1) as f64;
            eprintln!(
                "weibo angry posts: {} — flagged negative {:.3}, emotion anger {:.3}",
                angry.len(),
                flagged as f64 / n,
                anger as f64 / n
            );
        }
        if let Some(dir) = &dump {
            std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
            let path = format!("{dir}/{file}");
            let mut f = std::fs::File::create(&path).map_err(|e| format!("{path}: {e}"))?;
            for i in &test {
                let line = serde_json::json!({"text": i.text, "negative": i.negative});
                writeln!(f, "{line}").map_err(|e| format!("{path}: {e}"))?;
            }
        }
    }
    Ok(())
}
