//! Criterion benchmarks: the whole triage against jieba-rs segmentation of
//! the same inquiries, in one run.
//!
//! ```text
//! cargo bench --bench triage
//! ```
//!
//! The corpus is every distinct inquiry text written for this project
//! (`tests/data/issues/*.jsonl` and `examples/sample_inquiries.txt`), so the
//! dictionaries see realistic variety rather than one sentence kept hot in
//! cache. After the groups run, the ratios of each stage to
//! `jieba_rs::Jieba::cut` are printed from criterion's own estimates.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group};
use kefu_triage::{Engine, Inquiry};

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut set = BTreeSet::new();
    for f in [
        "tests/data/issues/train.jsonl",
        "tests/data/issues/heldout.jsonl",
    ] {
        let text = std::fs::read_to_string(root.join(f)).unwrap_or_default();
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                && let Some(t) = v["text"].as_str()
            {
                set.insert(t.to_string());
            }
        }
    }
    let samples =
        std::fs::read_to_string(root.join("examples/sample_inquiries.txt")).unwrap_or_default();
    for line in samples.lines() {
        let t = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v["text"].as_str().map(str::to_string))
            .unwrap_or_else(|| line.to_string());
        set.insert(t);
    }
    assert!(set.len() > 100, "bench corpus missing: {} lines", set.len());
    set.into_iter().collect()
}

fn bench(c: &mut Criterion) {
    let lines = corpus();
    let bytes: usize = lines.iter().map(String::len).sum();
    let engine = Engine::default();
    let jieba = jieba_rs::Jieba::new();

    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("jieba_cut", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += jieba.cut(black_box(l), true).len();
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
    g.finish();
    eprintln!("corpus: {} inquiries, {} bytes", lines.len(), bytes);
}

/// Criterion's point estimate of the mean, in ns, for `corpus/<name>`.
fn mean_ns(name: &str) -> Option<f64> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/criterion/corpus")
        .join(name);
    let text = std::fs::read_to_string(dir.join("new/estimates.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

fn report_ratios() {
    let Some(base) = mean_ns("jieba_cut") else {
        return;
    };
    println!("\nratio to jieba_rs::Jieba::cut (same corpus, same run):");
    for name in ["triage", "triage_with"] {
        if let Some(t) = mean_ns(name) {
            println!("  {name:<12} {:.2}x", t / base);
        }
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report_ratios();
}
