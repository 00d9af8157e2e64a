//! Runs the whole triage over the written and real inquiries many times, for
//! profilers (`perf record`, `valgrind --tool=callgrind`).
//!
//! ```text
//! cargo run --release --example profile_triage -- [ROUNDS]
//! ```

use kefu_triage::{Engine, Inquiry};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lines = Vec::new();
    for f in [
        "train.jsonl",
        "train2.jsonl",
        "train3.jsonl",
        "heldout.jsonl",
    ] {
        let text =
            std::fs::read_to_string(root.join("tests/data/issues").join(f)).unwrap_or_default();
        for l in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(l)
                && let Some(t) = v["text"].as_str()
            {
                lines.push(t.to_string());
            }
        }
    }
    let engine = Engine::default();
    let mut scratch = engine.scratch();
    let mut n = 0usize;
    for _ in 0..rounds {
        for l in &lines {
            n += engine
                .triage_with(&mut scratch, &Inquiry::new(l))
                .reasons
                .len();
        }
    }
    eprintln!("{} inquiries × {rounds} rounds, {n} reasons", lines.len());
}
