//! Criterion benchmarks: every pipeline stage and the whole triage against
//! jieba-rs segmentation of the same inquiries, in one run.
//!
//! ```text
//! cargo bench --bench triage
//! ```
//!
//! The corpus is 12,000 distinct inquiry lines from this repository alone:
//! every message written for this project (`tests/data/issues/`,
//! `examples/`) and, generated from them by `tests/common/corpus.rs`, the
//! same messages as customers send them in chat (greetings, closings,
//! pasted order numbers and phones, several messages run together).
//! `KEFU_BENCH_REAL=1` adds real customer-service questions and reviews
//! from `../shared/data/` when it is there. Distinct lines matter: one
//! sentence repeated stays in cache and runs several times faster than real
//! traffic.
//!
//! Stages are timed as prefixes of the pipeline on one warm scratch, as
//! `triage_with` runs them: `upto_scan` runs normalize, mask and scan on
//! every line, and the scan's cost is `upto_scan − upto_mask`. (Timing each
//! stage alone needs a prepared scratch per line, 12,000 of them, whose
//! cold memory made the classify stage look 1.2× `cut` dearer than it is
//! inside triage.) Segmentation, which triage runs only for a model that
//! reads jieba tokens, is `normalize + segment − upto_normalize`. After
//! the groups, each cost is printed as a ratio to `jieba_rs::Jieba::cut`
//! from criterion's own estimates.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group};
use kefu_triage::{Engine, Inquiry, Stage};

#[path = "../tests/common/corpus.rs"]
mod corpus;

#[path = "../examples/common/minimal_sum.rs"]
mod minimal_sum;

/// Lines of the in-repository corpus.
const LINES: usize = 12_000;

/// The corpus: [`corpus::bench_corpus`] (written inquiries and the same
/// messages as customers send them in chat, all from this repository), and
/// with `KEFU_BENCH_REAL=1` real customer-service questions and short real
/// reviews from `../shared/data/` as well, when it is there. Says which.
fn corpus() -> Vec<String> {
    let mut lines = corpus::bench_corpus(LINES);
    if std::env::var_os("KEFU_BENCH_REAL").is_none() {
        eprintln!(
            "bench corpus: {} in-repository lines (KEFU_BENCH_REAL=1 adds real ones from \
             ../shared/data)",
            lines.len()
        );
        return lines;
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let base = lines.len();
    let mut set: BTreeSet<String> = lines.iter().cloned().collect();
    let questions = read(&shared.join("questions/atec_alipay_questions.txt"));
    let mut added = (0, 0);
    for line in questions
        .lines()
        .filter(|l| l.chars().count() >= 4)
        .take(5_000)
    {
        if set.insert(line.to_string()) {
            lines.push(line.to_string());
            added.0 += 1;
        }
    }
    let reviews = read(&shared.join("sentiment/online_shopping_9_cats.csv"));
    for line in reviews.lines().skip(1).step_by(7).take(3_000) {
        let Some(review) = line.splitn(3, ',').nth(2) else {
            continue;
        };
        let review = review.trim_matches('"');
        if (8..=150).contains(&review.chars().count()) && set.insert(review.to_string()) {
            lines.push(review.to_string());
            added.1 += 1;
        }
    }
    eprintln!(
        "bench corpus: {} in-repository lines + {} ATEC Alipay questions + {} \
         online_shopping_9_cats reviews from {}",
        base,
        added.0,
        added.1,
        shared.display()
    );
    lines
}

/// The stages `triage_with` runs, in order.
const PIPELINE: [Stage; 5] = [
    Stage::Normalize,
    Stage::Mask,
    Stage::Scan,
    Stage::Classify,
    Stage::Policy,
];

/// The first `k` stages of [`PIPELINE`] on every line, on one warm scratch.
fn run_prefix(engine: &Engine, scratch: &mut kefu_triage::Scratch, lines: &[String], k: usize) {
    run_prefix_then(engine, scratch, lines, k, |_| {});
}

/// [`run_prefix`], with `then` run on each line after its stages.
fn run_prefix_then(
    engine: &Engine,
    scratch: &mut kefu_triage::Scratch,
    lines: &[String],
    k: usize,
    mut then: impl FnMut(&str),
) {
    for l in lines {
        let q = Inquiry::new(black_box(l));
        for &stage in &PIPELINE[..k] {
            engine.run_stage(scratch, stage, &q);
        }
        then(l);
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Normalize => "normalize",
        Stage::Mask => "mask",
        Stage::Segment => "segment",
        Stage::Scan => "scan",
        Stage::Classify => "classify",
        Stage::Policy => "policy",
        _ => "other",
    }
}

fn bench(c: &mut Criterion) {
    let lines = corpus();
    let bytes: usize = lines.iter().map(String::len).sum();
    let engine = Engine::default();
    let jieba = jieba_rs::Jieba::new();
    eprintln!(
        "corpus: {} distinct inquiries, {} bytes, {:.1} chars on average",
        lines.len(),
        bytes,
        lines.iter().map(|l| l.chars().count()).sum::<usize>() as f64 / lines.len() as f64
    );

    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("jieba_cut", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += jieba.cut(black_box(l), true).len();
            }
            n
        })
    });
    let mut scratch = engine.scratch();
    for k in 1..=PIPELINE.len() {
        g.bench_function(format!("upto_{}", stage_name(PIPELINE[k - 1])), |b| {
            b.iter(|| run_prefix(&engine, &mut scratch, &lines, k))
        });
    }
    g.bench_function("normalize_segment", |b| {
        b.iter(|| {
            for l in &lines {
                let q = Inquiry::new(black_box(l));
                engine.run_stage(&mut scratch, Stage::Normalize, &q);
                engine.run_stage(&mut scratch, Stage::Segment, &q);
            }
        })
    });
    // The floor of the model pass: a bare sum of the three models' rows
    // for every character unigram and bigram (examples/common/minimal_sum.rs).
    let minimal = minimal_sum::MinimalSum::new();
    g.bench_function("minimal_sum", |b| b.iter(|| minimal.sum_lines(&lines)));
    // Negativity and emotion alone (Engine::sentiment_with): normalize,
    // scan, the sentiment lexicon pass and the two sentiment models.
    let mut scratch = engine.scratch();
    g.bench_function("sentiment", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += engine.sentiment_with(&mut scratch, black_box(l)).negative as usize;
            }
            n
        })
    });
    g.bench_function("triage", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += engine.triage(&Inquiry::new(black_box(l))).reasons.len();
            }
            n
        })
    });
    let mut scratch = engine.scratch();
    g.bench_function("triage_with", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += engine
                    .triage_with(&mut scratch, &Inquiry::new(black_box(l)))
                    .reasons
                    .len();
            }
            n
        })
    });
    let inquiries: Vec<Inquiry> = lines.iter().map(|l| Inquiry::new(l)).collect();
    for threads in [1, 2] {
        g.bench_function(format!("batch_{threads}"), |b| {
            b.iter(|| engine.triage_batch(black_box(&inquiries), threads).len())
        });
    }
    g.finish();

    let mut s = c.benchmark_group("startup");
    s.sample_size(10);
    s.bench_function("jieba_new", |b| b.iter(jieba_rs::Jieba::new));
    s.bench_function("engine_default", |b| b.iter(Engine::default));
    s.finish();
}

/// Criterion's point estimate of the mean, in ns, for `<group>/<name>`.
fn mean_ns(group_and_name: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("criterion").join(group_and_name);
    let text = std::fs::read_to_string(dir.join("new/estimates.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

fn report_ratios(lines: usize) {
    let Some(base) = mean_ns("corpus/jieba_cut") else {
        return;
    };
    println!(
        "\nratio to jieba_rs::Jieba::cut from criterion's estimates (timed one after another, so \
         they move with the machine's load; the interleaved section below is the steadier one):"
    );
    let per_s = |t: f64| lines as f64 / (t / 1e9);
    let mut before = 0.0;
    for stage in PIPELINE {
        let name = stage_name(stage);
        if let Some(t) = mean_ns(&format!("corpus/upto_{name}")) {
            let own = t - before;
            println!(
                "  {name:<12} {:>6.2}x   {:>9.0} inquiries/s   (pipeline up to here {:.2}x)",
                own / base,
                per_s(own),
                t / base
            );
            before = t;
        }
    }
    if let (Some(n), Some(t)) = (
        mean_ns("corpus/upto_normalize"),
        mean_ns("corpus/normalize_segment"),
    ) {
        println!(
            "  {:<12} {:>6.2}x   {:>9.0} inquiries/s   (not run by triage by default)",
            "segment",
            (t - n) / base,
            per_s(t - n)
        );
    }
    for name in [
        "minimal_sum",
        "sentiment",
        "triage",
        "triage_with",
        "batch_1",
        "batch_2",
    ] {
        if let Some(t) = mean_ns(&format!("corpus/{name}")) {
            println!(
                "  {name:<12} {:>6.2}x   {:>9.0} inquiries/s",
                t / base,
                per_s(t)
            );
        }
    }
    if let (Some(one), Some(two)) = (mean_ns("corpus/batch_1"), mean_ns("corpus/batch_2")) {
        println!("  batch speed-up on 2 threads: {:.2}x", one / two);
    }
    if let (Some(j), Some(e)) = (
        mean_ns("startup/jieba_new"),
        mean_ns("startup/engine_default"),
    ) {
        println!(
            "start-up: Engine::default {:.0} ms, Jieba::new {:.0} ms: {:.2}x",
            e / 1e6,
            j / 1e6,
            e / j
        );
    }
}

criterion_group!(benches, bench);

/// Per-inquiry latency percentiles of `triage_with` over the corpus
/// (five passes after a warm-up pass), for the p99/p50 ratio. The corpus
/// runs from 2 to 190 characters, so the raw ratio mostly measures text
/// length: the same percentiles of the length itself, of the time per
/// byte, and of `Jieba::cut`'s own latency on the same lines (timed in the
/// same passes) are printed beside it, and both ratios within bands of
/// similar length.
///
/// Within a band two ratios are printed. Over every single timing, a line
/// that an interrupt or another tenant of the machine delayed once counts
/// as slow: on a shared machine that ratio moves by ±0.5 between runs.
/// Over each line's median of the five passes, it measures what the
/// engine does with the slowest inputs, which is what the target is about.
fn report_latency() {
    /// Upper bounds (characters) of the length bands: each spans a factor
    /// of two, so that within a band the ratio measures the engine, not
    /// the length (the corpus runs to 190 characters).
    const BANDS: [usize; 6] = [8, 16, 32, 64, 128, usize::MAX];
    const PASSES: usize = 5;
    let lines = corpus();
    let engine = Engine::default();
    let jieba = jieba_rs::Jieba::new();
    let mut scratch = engine.scratch();
    for l in &lines {
        black_box(engine.triage_with(&mut scratch, &Inquiry::new(l)));
        black_box(jieba.cut(l, true));
    }
    // Per line, the (triage, cut) time of each pass.
    let mut times: Vec<[(f64, f64); PASSES]> = vec![[(0.0, 0.0); PASSES]; lines.len()];
    for pass in 0..PASSES {
        for (l, t) in lines.iter().zip(&mut times) {
            let start = std::time::Instant::now();
            black_box(engine.triage_with(&mut scratch, &Inquiry::new(black_box(l))));
            let ours = start.elapsed().as_nanos() as f64;
            let start = std::time::Instant::now();
            black_box(jieba.cut(black_box(l), true));
            t[pass] = (ours, start.elapsed().as_nanos() as f64);
        }
    }
    let at = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * q) as usize]
    };
    let median = |t: &[(f64, f64); PASSES], side: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = t.iter().map(side).collect();
        at(&mut v, 0.5)
    };
    let mut ns: Vec<f64> = times.iter().flatten().map(|t| t.0).collect();
    let mut cut_ns: Vec<f64> = times.iter().flatten().map(|t| t.1).collect();
    let mut per_byte: Vec<f64> = lines
        .iter()
        .zip(&times)
        .flat_map(|(l, t)| t.iter().map(|t| t.0 / l.len().max(1) as f64))
        .collect();
    let mut bytes: Vec<f64> = lines.iter().map(|l| l.len() as f64).collect();
    let (p50, p90, p99) = (at(&mut ns, 0.5), at(&mut ns, 0.9), at(&mut ns, 0.99));
    println!(
        "latency per inquiry: p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, p99/p50 {:.2}",
        p50 / 1e3,
        p90 / 1e3,
        p99 / 1e3,
        p99 / p50
    );
    println!(
        "  text length p99/p50 {:.2}; time per byte p50 {:.1} ns, p99 {:.1} ns, p99/p50 {:.2}",
        at(&mut bytes, 0.99) / at(&mut bytes, 0.5),
        at(&mut per_byte, 0.5),
        at(&mut per_byte, 0.99),
        at(&mut per_byte, 0.99) / at(&mut per_byte, 0.5)
    );
    let (c50, c99) = (at(&mut cut_ns, 0.5), at(&mut cut_ns, 0.99));
    println!(
        "  Jieba::cut on the same lines: p50 {:.1} µs, p99 {:.1} µs, p99/p50 {:.2}",
        c50 / 1e3,
        c99 / 1e3,
        c99 / c50
    );
    println!(
        "  p99/p50 within length bands, triage (cut): over every timing; over each line's median of {PASSES}"
    );
    let mut low = 1;
    for high in BANDS {
        let in_band: Vec<&[(f64, f64); PASSES]> = lines
            .iter()
            .zip(&times)
            .filter(|(l, _)| (low..=high).contains(&l.chars().count()))
            .map(|(_, t)| t)
            .collect();
        if !in_band.is_empty() {
            let ratio = |mut v: Vec<f64>| at(&mut v, 0.99) / at(&mut v, 0.5);
            let every = |side: fn(&(f64, f64)) -> f64| {
                ratio(in_band.iter().flat_map(|t| t.iter().map(side)).collect())
            };
            let medians = |side: fn(&(f64, f64)) -> f64| {
                ratio(in_band.iter().map(|t| median(t, side)).collect())
            };
            let mut p50: Vec<f64> = in_band.iter().map(|t| median(t, |p| p.0)).collect();
            let upper = if high == usize::MAX {
                "+".to_string()
            } else {
                format!("-{high}")
            };
            println!(
                "    {low:>3}{upper:<4} chars: {:>5} lines, p50 {:.1} µs, p99/p50 {:.2} ({:.2}); {:.2} ({:.2})",
                in_band.len(),
                at(&mut p50, 0.5) / 1e3,
                every(|p| p.0),
                every(|p| p.1),
                medians(|p| p.0),
                medians(|p| p.1),
            );
        }
        low = high.saturating_add(1);
    }
}

/// The same costs with every pass interleaved: 15 rounds, each timing every
/// pass over the whole corpus once, and the median per pass. Criterion
/// times its functions one after another, so a change in the machine's
/// load between them (these machines are shared) moves their ratios; here
/// every pass sees the same load. Stages are prefixes of the pipeline, as
/// above. A last pass runs the minimal n-gram sum after the stages before
/// classify, line by line, so that the floor of the model pass is also
/// measured where classify runs: alone it keeps its rows in cache.
fn report_interleaved() {
    const ROUNDS: usize = 15;
    let lines = corpus();
    let engine = Engine::default();
    let jieba = jieba_rs::Jieba::new();
    let minimal = minimal_sum::MinimalSum::new();
    let mut scratch = engine.scratch();
    let names = [
        "cut",
        "minimal_sum",
        "upto_normalize",
        "upto_mask",
        "upto_scan",
        "upto_classify",
        "upto_policy",
        "triage_with",
        "triage",
        "scan_minimal",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); names.len()];
    for round in 0..=ROUNDS {
        for (pass, t) in times.iter_mut().enumerate() {
            let start = std::time::Instant::now();
            match pass {
                0 => {
                    for l in &lines {
                        black_box(jieba.cut(black_box(l), true));
                    }
                }
                1 => {
                    black_box(minimal.sum_lines(&lines));
                }
                2..=6 => run_prefix(&engine, &mut scratch, &lines, pass - 1),
                7 => {
                    for l in &lines {
                        black_box(engine.triage_with(&mut scratch, &Inquiry::new(black_box(l))));
                    }
                }
                8 => {
                    for l in &lines {
                        black_box(engine.triage(&Inquiry::new(black_box(l))));
                    }
                }
                // The minimal sum where classify runs: after the stages
                // before it, line by line.
                _ => run_prefix_then(&engine, &mut scratch, &lines, 3, |l| {
                    black_box(minimal.sum_line(l));
                }),
            }
            // Round 0 warms every pass up.
            if round > 0 {
                t.push(start.elapsed().as_secs_f64());
            }
        }
    }
    let median: Vec<f64> = times
        .iter_mut()
        .map(|t| {
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect();
    let cut = median[0];
    println!(
        "\ninterleaved ({ROUNDS} rounds, medians; cut {:.2} µs per line), ratio to cut:",
        cut / lines.len() as f64 * 1e6
    );
    let per_s = |t: f64| lines.len() as f64 / t;
    let mut before = 0.0;
    for (k, name) in names.iter().enumerate().take(9).skip(1) {
        let t = median[k];
        if let Some(stage) = name.strip_prefix("upto_") {
            let own = t - before;
            println!(
                "  {:<12} {:>6.2}x   {:>9.0} inquiries/s   (pipeline up to here {:.2}x)",
                stage,
                own / cut,
                per_s(own),
                t / cut
            );
            before = t;
        } else {
            println!(
                "  {name:<12} {:>6.2}x   {:>9.0} inquiries/s",
                t / cut,
                per_s(t)
            );
        }
    }
    println!("  triage() over triage_with: {:.3}", median[8] / median[7]);
    // Alone, the minimal sum keeps the rows it reads in cache; after the
    // stages before classify, as classify runs, it does not. Per round,
    // both over the same prefix.
    let mut per_round: Vec<f64> = (0..ROUNDS)
        .map(|r| (times[5][r] - times[4][r]) / (times[9][r] - times[4][r]))
        .collect();
    per_round.sort_by(f64::total_cmp);
    println!(
        "  minimal_sum after normalize, mask and scan (where classify runs): {:.2}x; classify over it: {:.2} (median of rounds)",
        (median[9] - median[4]) / cut,
        per_round[ROUNDS / 2]
    );
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report_ratios(corpus().len());
    report_interleaved();
    report_latency();
}
