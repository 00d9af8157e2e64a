//! Measures issue classification, negativity and routing on labeled JSON
//! lines.
//!
//! ```text
//! cargo run --release --example evaluate -- FILE [--split test] \
//!     [--issue-model FILE] [--sentiment-model FILE] [--emotion-model FILE] \
//!     [--cues FILE] [--policy FILE]
//! ```
//!
//! FILE holds `{"text": ..., "issue": ...}` lines; optional fields are
//! `secondary` (a second label the labeling guide allows), `negative`
//! (`true`/`false` or `1`/`0`), `source` (where the text comes from) and
//! `split`; `--split NAME` keeps only the lines of that split (the real dev
//! set `tests/data/real/devset.jsonl` is split into `train` and `test`).
//!
//! Prints accuracy and macro-F1 of the top label (strict, and counting the
//! allowed secondary label), per-label precision, recall and F1, the
//! confusion matrix, the reliability table (confidence bins against
//! observed accuracy, with the expected calibration error), what abstention
//! does, and, where the lines carry them, accuracy per source, negativity
//! accuracy and the AI containment: the share of calm, routine messages
//! (not negative, not a high-risk label) that a new customer's inquiry
//! leaves with the AI assistant. `EVAL_ERRORS=1` lists the mistakes. The
//! `--…-model` flags measure a model file in place of the embedded one
//! (as `train_issue --out` and `train_sentiment --out-dir` write them).

#[path = "common/usage.rs"]
mod usage;

use std::collections::BTreeMap;
use std::process::ExitCode;

use kefu_triage::{Customer, Engine, Inquiry, Lane, Lexicon, Tier};

/// One labeled line.
struct Item {
    text: String,
    gold: usize,
    secondary: Option<usize>,
    negative: Option<bool>,
    source: String,
}

/// Counts of one source.
#[derive(Default)]
struct Tally {
    n: usize,
    strict: usize,
    loose: usize,
    neg_n: usize,
    neg_right: usize,
    calm: usize,
    calm_ai: usize,
}

/// What the engine got right on one line.
struct Outcome {
    strict: bool,
    loose: bool,
    /// Where the line is labeled for negativity.
    negativity_right: Option<bool>,
    /// Where the line is calm and routine: did it stay with the AI?
    calm_ai: Option<bool>,
}

impl Tally {
    fn add(&mut self, o: &Outcome) {
        self.n += 1;
        self.strict += o.strict as usize;
        self.loose += o.loose as usize;
        if let Some(right) = o.negativity_right {
            self.neg_n += 1;
            self.neg_right += right as usize;
        }
        if let Some(ai) = o.calm_ai {
            self.calm += 1;
            self.calm_ai += ai as usize;
        }
    }
}

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("evaluate.rs"), "evaluate.rs");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("evaluate: {e}");
            ExitCode::from(2)
        }
    }
}

/// What the flags set.
struct Args {
    file: String,
    split: Option<String>,
    models: Vec<(Lexicon, String)>,
    policy: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut file = None;
    let mut split = None;
    let mut models = Vec::new();
    let mut policy = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--markdown" => {}
            "--split" => split = Some(value()?),
            "--issue-model" => models.push((Lexicon::IssueModel, value()?)),
            "--sentiment-model" => models.push((Lexicon::SentimentModel, value()?)),
            "--emotion-model" => models.push((Lexicon::EmotionModel, value()?)),
            "--cues" => models.push((Lexicon::IssueCues, value()?)),
            "--policy" => policy = Some(value()?),
            _ if a.starts_with("--") => return Err(format!("unknown flag {a}")),
            _ => file = Some(a),
        }
    }
    let file = file.ok_or("usage: evaluate FILE [--split NAME]")?;
    Ok(Args {
        file,
        split,
        models,
        policy,
    })
}

fn read_items(file: &str, split: Option<&str>, labels: &[String]) -> Result<Vec<Item>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let label = |at: &str, l: &str| {
        labels
            .iter()
            .position(|x| x == l)
            .ok_or_else(|| format!("{at}: unknown label {l:?}"))
    };
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file}:{}", i + 1);
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{at}: {e}"))?;
        if let Some(s) = split
            && v["split"].as_str() != Some(s)
        {
            continue;
        }
        let (Some(t), Some(gold)) = (v["text"].as_str(), v["issue"].as_str()) else {
            return Err(format!("{at}: needs \"text\" and \"issue\""));
        };
        let secondary = match v["secondary"].as_str() {
            Some(s) => Some(label(&at, s)?),
            None => None,
        };
        let negative = match &v["negative"] {
            serde_json::Value::Bool(b) => Some(*b),
            serde_json::Value::Number(n) => Some(n.as_f64() != Some(0.0)),
            _ => None,
        };
        items.push(Item {
            text: t.to_string(),
            gold: label(&at, gold)?,
            secondary,
            negative,
            source: v["source"].as_str().unwrap_or("all").to_string(),
        });
    }
    if items.is_empty() {
        return Err(format!("{file}: no examples"));
    }
    Ok(items)
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "–".to_string()
    } else {
        format!("{:.3}", a as f64 / b as f64)
    }
}

fn run() -> Result<(), String> {
    let Args {
        file,
        split,
        models,
        policy,
    } = parse_args()?;
    let mut builder = Engine::builder();
    if let Some(path) = policy {
        builder = builder.policy_path(path);
    }
    for (kind, path) in models {
        builder = builder.lexicon_path(kind, path);
    }
    let engine = builder.build().map_err(|e| e.to_string())?;
    let labels: Vec<String> = engine.labels().map(|l| l.to_string()).collect();
    let items = read_items(&file, split.as_deref(), &labels)?;
    let n = labels.len();
    let high_risk = &engine.policy().high_risk_labels;
    let mut confusion = vec![vec![0usize; n]; n];
    // (confidence of the top label, correct?)
    let mut scored: Vec<(f32, bool)> = Vec::new();
    let mut abstained = 0usize;
    let mut covered_right = 0usize;
    let mut errors = Vec::new();
    let mut by_source: BTreeMap<String, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    let (mut negatives, mut negatives_human) = (0usize, 0usize);
    let mut scratch = engine.scratch();
    let customer = Customer::new("evaluate").tier(Tier::New);
    for item in &items {
        let inquiry = Inquiry::new(&item.text).customer(customer.clone());
        let d = engine.triage_with(&mut scratch, &inquiry);
        let top = &d.issue.top[0];
        let p = labels
            .iter()
            .position(|l| l == top.label.as_str())
            .unwrap_or(n - 1);
        let g = item.gold;
        confusion[g][p] += 1;
        scored.push((top.score, p == g));
        if d.issue.abstained {
            abstained += 1;
        } else if p == g {
            covered_right += 1;
        }
        let loose = p == g || item.secondary == Some(p);
        let calm = item.negative == Some(false) && !high_risk.contains(&labels[g]);
        let outcome = Outcome {
            strict: p == g,
            loose,
            negativity_right: item.negative.map(|neg| d.sentiment.negative == neg),
            calm_ai: calm.then_some(d.route.lane == Lane::Ai),
        };
        by_source
            .entry(item.source.clone())
            .or_default()
            .add(&outcome);
        all.add(&outcome);
        if item.negative == Some(true) {
            negatives += 1;
            negatives_human += (d.route.lane != Lane::Ai) as usize;
        }
        if !loose {
            errors.push(format!(
                "  {:>16} → {:<16} {:.2}  [{}] {}",
                labels[g], top.label, top.score, item.source, item.text
            ));
        }
    }
    let total = scored.len();
    let right: usize = (0..n).map(|i| confusion[i][i]).sum();
    println!("file: {file}");
    if let Some(s) = &split {
        println!("split: {s}");
    }
    println!("examples: {total}");
    println!("accuracy (top label): {:.3}", right as f64 / total as f64);
    println!(
        "accuracy counting an allowed secondary label: {}",
        ratio(all.loose, all.n)
    );

    println!("\n| label | precision | recall | F1 | support |");
    println!("|---|---|---|---|---|");
    let mut f1s = Vec::new();
    let mut f1s_20 = Vec::new();
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
        if support >= 20 {
            f1s_20.push(f1);
        }
        println!("| {} | {p:.3} | {r:.3} | {f1:.3} | {support} |", labels[i]);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!("\nmacro-F1 (labels with support): {:.3}", mean(&f1s));
    println!(
        "macro-F1 (labels with at least 20 examples, {} labels): {:.3}",
        f1s_20.len(),
        mean(&f1s_20)
    );

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
        "abstained (handed to a human as unsure): {abstained} ({:.1}%); accuracy on the rest: {}",
        100.0 * abstained as f64 / total as f64,
        ratio(covered_right, covered)
    );

    if by_source.len() > 1 || all.neg_n > 0 {
        println!("\nper source (a new customer, default industry):");
        println!(
            "| source | n | issue strict | issue with secondary | negativity | calm routine | stays with the AI |"
        );
        println!("|---|---|---|---|---|---|---|");
        // Lines without a `source` are counted under "all" already: the
        // total row is printed once.
        let rows = by_source
            .iter()
            .filter(|(s, _)| s.as_str() != "all")
            .map(|(s, t)| (s.as_str(), t));
        for (name, t) in rows.chain([("all", &all)]) {
            println!(
                "| {name} | {} | {} | {} | {} | {} | {} |",
                t.n,
                ratio(t.strict, t.n),
                ratio(t.loose, t.n),
                ratio(t.neg_right, t.neg_n),
                t.calm,
                ratio(t.calm_ai, t.calm)
            );
        }
        println!(
            "\nAI containment (calm routine messages left with the AI): {}",
            ratio(all.calm_ai, all.calm)
        );
        println!(
            "negative messages handed to a human: {}",
            ratio(negatives_human, negatives)
        );
    }
    if std::env::var_os("EVAL_ERRORS").is_some() {
        println!("\nerrors:");
        for e in &errors {
            println!("{e}");
        }
    }
    Ok(())
}
