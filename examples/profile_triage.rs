//! Runs the whole triage (or a part of it) over a corpus many times, for
//! profilers (`perf record`, `valgrind --tool=callgrind`).
//!
//! ```text
//! cargo run --release --example profile_triage -- [ROUNDS] [MODE] [--bench-corpus]
//! ```
//!
//! MODE is what runs on each line:
//! - `with` (the default): `Engine::triage_with` on one warm scratch;
//! - `owned`: `Engine::triage`, an owned `Decision`;
//! - `cut`: `jieba_rs::Jieba::cut` (HMM on), the baseline of the bench;
//! - `minimal`: the floor of the model pass, a bare sum of the three
//!   models' rows for every character unigram and bigram
//!   (`examples/common/minimal_sum.rs`);
//! - `upto_normalize`, `upto_mask`, `upto_scan`, `upto_classify`,
//!   `upto_policy`: the pipeline's stages up to that one, as
//!   `benches/triage.rs` times them (a stage costs its prefix minus the one
//!   before).
//!
//! The corpus is the written messages of `tests/data/issues/` and
//! `examples/` (5,389 lines), or with `--bench-corpus` the 12,000 lines of
//! `cargo bench --bench triage`. Instructions per line are stable where
//! times are not: run callgrind with 3 rounds and with 1, and divide the
//! difference by 2 × the lines (`benches/instructions.sh` does it for every
//! mode).

#[path = "common/minimal_sum.rs"]
mod minimal_sum;

#[path = "common/usage.rs"]
mod usage;

use std::hint::black_box;

use kefu_triage::{Engine, Inquiry, Stage};

#[path = "../tests/common/corpus.rs"]
mod corpus;

/// The stages `triage_with` runs, in order (as in benches/triage.rs).
const PIPELINE: [(&str, Stage); 5] = [
    ("upto_normalize", Stage::Normalize),
    ("upto_mask", Stage::Mask),
    ("upto_scan", Stage::Scan),
    ("upto_classify", Stage::Classify),
    ("upto_policy", Stage::Policy),
];

fn main() {
    if usage::asked() {
        usage::print(include_str!("profile_triage.rs"), "profile_triage.rs");
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_corpus = args.iter().any(|a| a == "--bench-corpus");
    let mut positional = args.iter().filter(|a| !a.starts_with("--"));
    let rounds: usize = positional.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let mode = positional.next().map_or("with", String::as_str);
    let lines = if bench_corpus {
        corpus::bench_corpus(12_000)
    } else {
        corpus::written_texts()
    };
    let mut n = 0usize;
    match mode {
        "cut" => {
            let jieba = jieba_rs::Jieba::new();
            for _ in 0..rounds {
                for l in &lines {
                    n += jieba.cut(black_box(l), true).len();
                }
            }
        }
        "minimal" => {
            let model = minimal_sum::MinimalSum::new();
            for _ in 0..rounds {
                n += model.sum_lines(&lines);
            }
        }
        "with" | "owned" => {
            let engine = Engine::default();
            let mut scratch = engine.scratch();
            for _ in 0..rounds {
                for l in &lines {
                    n += if mode == "owned" {
                        engine.triage(&Inquiry::new(l)).reasons.len()
                    } else {
                        engine
                            .triage_with(&mut scratch, &Inquiry::new(l))
                            .reasons
                            .len()
                    };
                }
            }
        }
        _ => {
            let Some(k) = PIPELINE.iter().position(|(name, _)| *name == mode) else {
                eprintln!(
                    "profile_triage: unknown mode {mode:?} (with, owned, cut, minimal, {})",
                    PIPELINE.map(|p| p.0).join(", ")
                );
                std::process::exit(2);
            };
            let engine = Engine::default();
            let mut scratch = engine.scratch();
            for _ in 0..rounds {
                for l in &lines {
                    let q = Inquiry::new(black_box(l));
                    for &(_, stage) in &PIPELINE[..=k] {
                        engine.run_stage(&mut scratch, stage, &q);
                    }
                    n += 1;
                }
            }
        }
    }
    eprintln!("{} lines × {rounds} rounds ({mode}): {n}", lines.len());
}
