//! The bench corpus runs from a clone: enough distinct lines from this
//! repository alone, varied in length, the same every run.

#[path = "common/corpus.rs"]
mod corpus;

use std::collections::HashSet;

#[test]
fn bench_corpus_is_large_distinct_varied_and_stable() {
    let lines = corpus::bench_corpus(12_000);
    assert_eq!(lines.len(), 12_000);
    let distinct: HashSet<&String> = lines.iter().collect();
    assert_eq!(distinct.len(), lines.len());
    assert!(lines.iter().all(|l| !l.trim().is_empty()));
    let chars: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let share = |f: &dyn Fn(usize) -> bool| {
        chars.iter().filter(|&&n| f(n)).count() as f64 / chars.len() as f64
    };
    let (short, long) = (share(&|n| n <= 12), share(&|n| n > 60));
    eprintln!(
        "{short:.3} short, {long:.3} long, {:.3} over 120",
        share(&|n| n > 120)
    );
    assert!(short > 0.05, "short lines: {short:.3}");
    assert!(long > 0.05, "long lines: {long:.3}");
    assert!(chars.iter().any(|&n| n > 120));
    // Written texts come first, unchanged; generation is deterministic.
    assert_eq!(lines[0], corpus::written_texts()[0]);
    assert_eq!(corpus::bench_corpus(12_000), lines);
}
