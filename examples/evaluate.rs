//! Measures issue classification on labeled JSON lines.
//!
//! ```text
//! cargo run --release --example evaluate -- FILE [--markdown]
//! ```
//!
//! FILE holds `{"text": ..., "issue": ...}` lines (other fields ignored).
//! Prints accuracy and macro-F1 of the top label, per-label precision,
//! recall and F1, the confusion matrix, the reliability table
//! (confidence bins against observed accuracy, with the expected
//! calibration error) and what abstention does: how many the engine hands
//! to a human as unsure and the accuracy on the rest.

use std::process::ExitCode;

use kefu_triage::{Engine, Inquiry};

fn main() -> ExitCode {
    let mut file = None;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--markdown" => {}
            _ => file = Some(a),
        }
    }
    let Some(file) = file else {
        eprintln!("usage: evaluate FILE");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("evaluate: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let engine = Engine::default();
    let labels: Vec<String> = engine.labels().map(|l| l.to_string()).collect();
    let n = labels.len();
    let mut confusion = vec![vec![0usize; n]; n];
    // (confidence of the top label, correct?)
    let mut scored: Vec<(f32, bool)> = Vec::new();
    let mut abstained = 0usize;
    let mut covered_right = 0usize;
    let mut errors = Vec::new();
    let mut scratch = engine.scratch();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{file}:{}: {e}", i + 1);
                return ExitCode::from(2);
            }
        };
        let (Some(t), Some(gold)) = (v["text"].as_str(), v["issue"].as_str()) else {
            eprintln!("{file}:{}: needs \"text\" and \"issue\"", i + 1);
            return ExitCode::from(2);
        };
        let Some(g) = labels.iter().position(|l| l == gold) else {
            eprintln!("{file}:{}: unknown label {gold:?}", i + 1);
            return ExitCode::from(2);
        };
        let d = engine.triage_with(&mut scratch, &Inquiry::new(t));
        let top = &d.issue.top[0];
        let p = labels
            .iter()
            .position(|l| l == top.label.as_str())
            .unwrap_or(n - 1);
        confusion[g][p] += 1;
        scored.push((top.score, p == g));
        if d.issue.abstained {
            abstained += 1;
        } else if d.issue.label == gold {
            covered_right += 1;
        }
        if p != g {
            errors.push(format!(
                "  {gold:>16} → {:<16} {:.2}  {t}",
                top.label, top.score
            ));
        }
    }
    let total = scored.len();
    if total == 0 {
        eprintln!("evaluate: {file}: no examples");
        return ExitCode::from(2);
    }
    let right: usize = (0..n).map(|i| confusion[i][i]).sum();
    println!("file: {file}");
    println!("examples: {total}");
    println!("accuracy (top label): {:.3}", right as f64 / total as f64);

    println!("\n| label | precision | recall | F1 | support |");
    println!("|---|---|---|---|---|");
    let mut f1s = Vec::new();
    for i in 0..n {
        let tp = confusion[i][i] as f64;
        let support: usize = confusion[i].iter().sum();
        let predicted: usize = confusion.iter().map(|r| r[i]).sum();
        if support == 0 && predicted == 0 {
            continue;
        }
        let p = if predicted > 0 {
            tp / predicted as f64
        } else {
            0.0
        };
        let r = if support > 0 {
            tp / support as f64
        } else {
            0.0
        };
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        if support > 0 {
            f1s.push(f1);
        }
        println!("| {} | {p:.3} | {r:.3} | {f1:.3} | {support} |", labels[i]);
    }
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    println!("\nmacro-F1 (labels with support): {macro_f1:.3}");

    println!(
        "\nconfusion matrix (rows gold, columns predicted; label index as in the table above):"
    );
    print!("{:>18}", "");
    for j in 0..n {
        print!("{j:>4}");
    }
    println!();
    for i in 0..n {
        if confusion[i].iter().sum::<usize>() == 0 {
            continue;
        }
        print!("{:>14} {i:>3}", labels[i]);
        for count in &confusion[i] {
            print!("{count:>4}");
        }
        println!();
    }

    println!("\nreliability (top-label confidence vs observed accuracy):");
    println!("| confidence | n | mean confidence | accuracy |");
    println!("|---|---|---|---|");
    let mut ece = 0.0;
    for b in 0..10 {
        let lo = b as f32 / 10.0;
        let hi = lo + 0.1;
        let bin: Vec<&(f32, bool)> = scored
            .iter()
            .filter(|(c, _)| *c >= lo && (*c < hi || (b == 9 && *c <= 1.0)))
            .collect();
        if bin.is_empty() {
            continue;
        }
        let conf = bin.iter().map(|x| x.0 as f64).sum::<f64>() / bin.len() as f64;
        let acc = bin.iter().filter(|x| x.1).count() as f64 / bin.len() as f64;
        ece += bin.len() as f64 / total as f64 * (conf - acc).abs();
        println!("| {lo:.1}–{hi:.1} | {} | {conf:.3} | {acc:.3} |", bin.len());
    }
    println!("\nexpected calibration error: {ece:.3}");
    let covered = total - abstained;
    println!(
        "abstained (handed to a human as unsure): {abstained} ({:.1}%); accuracy on the rest: {:.3}",
        100.0 * abstained as f64 / total as f64,
        if covered > 0 {
            covered_right as f64 / covered as f64
        } else {
            0.0
        }
    );
    if std::env::var_os("EVAL_ERRORS").is_some() {
        println!("\nerrors:");
        for e in &errors {
            println!("{e}");
        }
    }
    ExitCode::SUCCESS
}
