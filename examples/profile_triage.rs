//! Runs the whole triage over the written and real inquiries many times, for
//! profilers (`perf record`, `valgrind --tool=callgrind`).
//!
//! ```text
//! cargo run --release --example profile_triage -- [ROUNDS] [owned]
//! ```
//!
//! With `owned`, each inquiry goes through `Engine::triage` (an owned
//! `Decision`) instead of `triage_with`.

#[path = "common/usage.rs"]
mod usage;

use kefu_triage::{Engine, Inquiry};

#[path = "../tests/common/corpus.rs"]
mod corpus;

fn main() {
    if usage::asked() {
        usage::print(include_str!("profile_triage.rs"), "profile_triage.rs");
        return;
    }
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let lines = corpus::written_texts();
    let engine = Engine::default();
    let mut scratch = engine.scratch();
    let owned = std::env::args().nth(2).is_some_and(|a| a == "owned");
    let mut n = 0usize;
    for _ in 0..rounds {
        for l in &lines {
            n += if owned {
                engine.triage(&Inquiry::new(l)).reasons.len()
            } else {
                engine
                    .triage_with(&mut scratch, &Inquiry::new(l))
                    .reasons
                    .len()
            };
        }
    }
    eprintln!("{} inquiries × {rounds} rounds, {n} reasons", lines.len());
}
