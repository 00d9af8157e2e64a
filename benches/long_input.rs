//! Long inquiries: triage time per byte must not grow with the length.
//!
//! ```text
//! cargo bench --bench long_input
//! ```
//!
//! Builds 1 KB, 64 KB and 1 MB inquiries from the repository's own
//! customer messages (`tests/data/issues/`, joined as one long message, the
//! way a pasted chat log arrives), triages them with an engine whose
//! `max_text_bytes` is raised to 2 MB so nothing is cut, and measures with
//! criterion (throughput in bytes). Then, timed directly in the same run,
//! prints the time per byte of each size, the 1 MB / 1 KB ratio of the
//! whole triage and of every pipeline stage (`Engine::run_stage`), so a
//! super-linear stage shows by name. A ratio near 1 is linear; the target
//! is within 3×.
//!
//! Then the doubling checks of hostile input, each as the ratio of the
//! work at 2n to the work at n (2.0 is linear): 1 and 2 MB of
//! `退款13812345678，` (a personal-data span and a cue every 20 bytes) with
//! `max_text_bytes` at its largest allowed value, and a product-brand list
//! of 100k and 200k characters of ordinary lines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use kefu_triage::{Engine, Inquiry, Lexicon, MAX_TEXT_BYTES, Policy, Stage};

const SIZES: [(usize, &str); 3] = [(1 << 10, "1KB"), (64 << 10, "64KB"), (1 << 20, "1MB")];

#[path = "../tests/common/corpus.rs"]
mod corpus;

/// The repository's inquiries, in file order.
fn messages() -> Vec<String> {
    corpus::written_texts()
}

/// About `bytes` bytes of messages joined by `。`, cut on a character
/// boundary.
fn long_text(messages: &[String], bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 256);
    for m in messages.iter().cycle() {
        if s.len() >= bytes {
            break;
        }
        s.push_str(m);
        s.push('。');
    }
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn engine() -> Engine {
    let mut policy = Policy::default();
    policy.max_text_bytes = 2 << 20;
    Engine::builder()
        .policy(policy)
        .build()
        .expect("engine with a 2 MB limit")
}

/// The stage's name (from `Debug`, so new stages need no change here).
fn stage_name(stage: Stage) -> String {
    format!("{stage:?}").to_lowercase()
}

/// Fastest of `runs` timings of `f` (at least one), in nanoseconds.
fn best_ns(runs: usize, mut f: impl FnMut() -> Duration) -> f64 {
    (0..runs.max(1))
        .map(|_| f().as_nanos() as f64)
        .fold(f64::INFINITY, f64::min)
}

/// Runs enough repetitions for about `budget` of work per size.
fn runs_for(bytes: usize) -> usize {
    (4 << 20) / bytes.max(1)
}

fn criterion_pass(c: &mut Criterion, engine: &Engine, texts: &[(String, &str)]) {
    let mut g = c.benchmark_group("long_input");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    let mut scratch = engine.scratch();
    for (text, name) in texts {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                engine
                    .triage_with(&mut scratch, &Inquiry::new(black_box(text)))
                    .reasons
                    .len()
            })
        });
    }
    g.finish();
}

fn direct_pass(engine: &Engine, texts: &[(String, &str)]) {
    // (size name, bytes, triage ns/byte, per-stage ns/byte)
    let mut rows: Vec<(&str, usize, f64, Vec<f64>)> = Vec::new();
    let mut scratch = engine.scratch();
    for (text, name) in texts {
        let runs = runs_for(text.len()).clamp(3, 2_000);
        let q = Inquiry::new(text);
        let total = best_ns(runs, || {
            let t = Instant::now();
            black_box(engine.triage_with(&mut scratch, &q));
            t.elapsed()
        });
        let mut stages = vec![f64::INFINITY; Stage::ALL.len()];
        for _ in 0..runs {
            for (k, &stage) in Stage::ALL.iter().enumerate() {
                let t = Instant::now();
                engine.run_stage(&mut scratch, stage, &q);
                stages[k] = stages[k].min(t.elapsed().as_nanos() as f64);
            }
        }
        let per = |ns: f64| ns / text.len() as f64;
        rows.push((
            name,
            text.len(),
            per(total),
            stages.into_iter().map(per).collect(),
        ));
    }

    println!("\nlong inquiries, fastest run, time per byte:");
    print!("  {:<6} {:>9} {:>10}", "size", "bytes", "triage");
    for &s in Stage::ALL {
        print!(" {:>10}", stage_name(s));
    }
    println!();
    for (name, bytes, total, stages) in &rows {
        print!("  {name:<6} {bytes:>9} {:>7.2} ns", total);
        for s in stages {
            print!(" {s:>7.2} ns");
        }
        println!();
    }
    let (Some(small), Some(large)) = (rows.first(), rows.last()) else {
        return;
    };
    let ratio = large.2 / small.2;
    println!(
        "\n  per-byte ratio {} / {}: triage {ratio:.2}x ({})",
        large.0,
        small.0,
        if ratio <= 3.0 {
            "within 3x: linear"
        } else {
            "over 3x: super-linear"
        }
    );
    for (k, &s) in Stage::ALL.iter().enumerate() {
        println!(
            "    {:<10} {:>6.2}x",
            stage_name(s),
            large.3[k] / small.3[k]
        );
    }
}

/// Fastest of three timings of `f`, in seconds.
fn best_of_3(mut f: impl FnMut()) -> f64 {
    best_ns(3, || {
        let t = Instant::now();
        f();
        t.elapsed()
    }) / 1e9
}

fn doubling_pass() {
    println!("\ndoubling checks (time at 2n / time at n; 2.0 is linear):");
    let engine = Engine::builder()
        .policy({
            let mut p = Policy::default();
            p.max_text_bytes = MAX_TEXT_BYTES;
            p
        })
        .build()
        .expect("engine at the largest max_text_bytes");
    let dense = |bytes: usize| "退款13812345678，".repeat(bytes / 20);
    let (a, b) = (dense(1 << 20), dense(2 << 20));
    let ta = best_of_3(|| {
        black_box(engine.triage(&Inquiry::new(&a)));
    });
    let tb = best_of_3(|| {
        black_box(engine.triage(&Inquiry::new(&b)));
    });
    println!(
        "  dense personal data, 1 MB {:.3} s, 2 MB {:.3} s: {:.2}x",
        ta,
        tb,
        tb / ta
    );
    // Ordinary brand lines: six distinct lowercase letters' worth each.
    let brands = |chars: usize| {
        let mut s = String::from("#! kefu-triage product-brands v1\n");
        for i in 0..chars / 6 {
            let mut k = i;
            for _ in 0..6 {
                s.push((b'a' + (k % 26) as u8) as char);
                k /= 26;
            }
            s.push('\n');
        }
        s
    };
    let (a, b) = (brands(100_000), brands(200_000));
    let build = |text: &str| {
        best_of_3(|| {
            let built = Engine::builder()
                .lexicon_str(Lexicon::ProductBrands, "brands.txt", text)
                .build();
            assert!(built.is_ok(), "{:?}", built.err());
            black_box(built.is_ok());
        })
    };
    let base = build("#! kefu-triage product-brands v1\napple\n");
    let (ta, tb) = (build(&a) - base, build(&b) - base);
    println!(
        "  brand list above an empty one, 100k chars {:.3} s, 200k chars {:.3} s: {:.2}x",
        ta,
        tb,
        tb / ta
    );
    // One line of 200,000 characters: refused with a typed error (longer
    // than MAX_PATTERN_CHARS) after reading it once, in far less time than
    // the same characters as ordinary lines take to build.
    let long_line = format!(
        "#! kefu-triage product-brands v1\n{}\n",
        "a".repeat(200_000)
    );
    let tl = best_of_3(|| {
        let built = Engine::builder()
            .lexicon_str(Lexicon::ProductBrands, "brands.txt", &long_line)
            .build();
        assert!(built.is_err());
        black_box(built.is_err());
    });
    println!(
        "  one 200k-char brand line (an error) {:.4} s vs 200k chars of ordinary lines {:.3} s: {:.3}x",
        tl,
        tb + base,
        tl / (tb + base)
    );
}

fn main() {
    let messages = messages();
    let engine = engine();
    let texts: Vec<(String, &str)> = SIZES
        .iter()
        .map(|&(bytes, name)| (long_text(&messages, bytes), name))
        .collect();
    for (t, name) in &texts {
        let d = engine.triage(&Inquiry::new(t));
        eprintln!(
            "{name}: {} bytes, {} chars, issue {}, {} pii spans, {} reasons",
            t.len(),
            t.chars().count(),
            d.issue.label,
            d.pii.len(),
            d.reasons.len()
        );
    }
    let mut c = Criterion::default().configure_from_args();
    criterion_pass(&mut c, &engine, &texts);
    c.final_summary();
    direct_pass(&engine, &texts);
    doubling_pass();
}
