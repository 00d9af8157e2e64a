//! The real-message dev set and the weak labels, shared by `train_issue`,
//! `train_sentiment` and `weak_labels` (included with `#[path]`).
//!
//! - The dev set `tests/data/real/devset.jsonl`: real messages drawn from
//!   every source of `../shared/data/` (`examples/sample_devset.py`),
//!   labeled for issue and negativity by two blind labelers with the
//!   disagreements settled (`tests/data/real/README.md`), split once into
//!   `train` and `test`. Only the `train` part is ever trained or tuned on.
//! - The unlabeled real text of `../shared/data/` with its metadata (the
//!   assistant-query domain, the medical intent, the CrossWOZ request, the
//!   review's polarity, the helpdesk satisfaction score, …). Every dev-set
//!   text, train or test, is left out of it.
//! - Weak labels: labeling functions vote on each unlabeled text — the
//!   regular-expression rules of `examples/common/weak_rules.tsv` (per
//!   label and per source), the engine's own issue cues, and the majority
//!   label that the real training messages give each metadata value. Each
//!   function's vote weighs the log-odds of its accuracy on the real
//!   training messages (smoothed), as in the simplest label models of weak
//!   supervision (Ratner et al., "Snorkel", 2017); the votes are summed per
//!   label and the margin between the best two becomes the confidence.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// `../shared/data` next to the project, or `$KEFU_SHARED_DATA`.
pub fn shared_data() -> PathBuf {
    std::env::var_os("KEFU_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// The dev set's path.
pub fn devset_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real/devset.jsonl")
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// One labeled real message.
#[derive(Clone, Debug)]
pub struct DevItem {
    pub source: String,
    pub text: String,
    pub issue: String,
    pub secondary: Option<String>,
    pub negative: bool,
    /// `train` or `test`.
    pub split: String,
}

/// Loads the dev set.
pub fn load_devset() -> Result<Vec<DevItem>, String> {
    load_labeled(&devset_path())
}

/// The real messages labeled here for training only (their `split` is
/// `train`), beside the dev set: see `tests/data/real/README.md`.
pub const TRAINING_FILES: [&str; 6] = [
    "extra.jsonl",
    "helpdesk_more.jsonl",
    "chatbot_more.jsonl",
    "more.jsonl",
    "more2.jsonl",
    "more3.jsonl",
];

/// Loads the dev set and the real messages labeled for training only
/// ([`TRAINING_FILES`]).
pub fn load_real() -> Result<Vec<DevItem>, String> {
    let mut items = load_devset()?;
    for file in TRAINING_FILES {
        items.extend(load_labeled(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/real")
                .join(file),
        )?);
    }
    Ok(items)
}

fn load_labeled(path: &Path) -> Result<Vec<DevItem>, String> {
    let text = read(path)?;
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), i + 1);
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{at}: {e}"))?;
        let field = |k: &str| {
            v[k].as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{at}: needs {k:?}"))
        };
        items.push(DevItem {
            source: field("source")?,
            text: field("text")?,
            issue: field("issue")?,
            secondary: v["secondary"].as_str().map(str::to_string),
            negative: v["negative"]
                .as_bool()
                .ok_or_else(|| format!("{at}: needs \"negative\""))?,
            split: field("split")?,
        });
    }
    Ok(items)
}

/// One unlabeled real text with what its source says about it.
#[derive(Clone, Debug)]
pub struct Unlabeled {
    pub source: &'static str,
    pub text: String,
    /// A metadata value the majority-label functions key on (the domain,
    /// the intent, the request, the polarity); empty when there is none.
    pub meta: String,
    /// What the source's own labels say of negativity, where they do.
    pub negative: Option<bool>,
}

/// Reads the sources' texts the way `examples/sample_devset.py` draws them
/// (the chatbot messages without their segmentation spaces), so that a
/// dev-set text is recognized here.
pub fn load_unlabeled() -> Result<Vec<Unlabeled>, String> {
    let data = shared_data();
    let jsonl = |p: &str| -> Result<Vec<serde_json::Value>, String> {
        read(&data.join(p))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| format!("{p}: {e}")))
            .collect()
    };
    let s = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let mut out = Vec::new();
    let mut push = |source, text: String, meta: String, negative| {
        out.push(Unlabeled {
            source,
            text: text.trim().to_string(),
            meta,
            negative,
        })
    };
    for v in jsonl("inquiries/stc3_weibo_helpdesk_train.jsonl")? {
        let sat = v["mean_S"].as_f64().unwrap_or(0.0);
        // Satisfaction with the whole dialogue: a rough proxy, trusted
        // only at its low end (on the dev set's train part, 41 of the 43
        // posts at or below -0.8 are negative by the guide, but only 14 of
        // the 25 at or above 0.6 are calm).
        let negative = (sat <= -0.8).then_some(true);
        push("helpdesk", s(&v, "text"), String::new(), negative);
    }
    for line in read(&data.join("questions/atec_alipay_questions.txt"))?.lines() {
        push("alipay", line.to_string(), String::new(), None);
    }
    let shopping = read(&data.join("sentiment/online_shopping_9_cats.csv"))?;
    for line in shopping.lines().skip(1) {
        let mut parts = line.splitn(3, ',');
        let (Some(cat), Some(label), Some(review)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let review = match review.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(q) => q.replace("\"\"", "\""),
            None => review.to_string(),
        };
        let negative = label.trim() == "0";
        let polarity = if negative { "neg" } else { "pos" };
        push(
            "shopping",
            review,
            format!("{cat}:{polarity}"),
            Some(negative),
        );
    }
    let reviews = read(&data.join("opinion/zhijiang_reviews_train.csv"))?;
    let opinions = read(&data.join("opinion/zhijiang_labels_train.csv"))?;
    // id → the negative aspect categories, or "pos" when none.
    let mut aspects: HashMap<&str, Vec<&str>> = HashMap::new();
    for line in opinions.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() >= 9 {
            let e = aspects.entry(cols[0]).or_default();
            if cols[8] == "负面" {
                e.push(cols[7]);
            }
        }
    }
    for line in reviews.lines().skip(1) {
        let Some((id, text)) = line.split_once(',') else {
            continue;
        };
        let neg = aspects.get(id).cloned().unwrap_or_default();
        let meta = neg
            .first()
            .map_or("pos".to_string(), |c| format!("neg:{c}"));
        push("cosmetics", text.to_string(), meta, Some(!neg.is_empty()));
    }
    for v in jsonl("sentiment/xs_chatbot_messages.jsonl")? {
        // The upstream `negative` is wider than the guide's (teasing,
        // banter): on the dev set's train part 47 of its 87 negatives are
        // calm by the guide, while 62 of its 63 positives are. Only its
        // positives are taken.
        let negative = (s(&v, "label") != "negative").then_some(false);
        let text = s(&v, "text").replace(' ', "");
        push("chatbot", text, s(&v, "label"), negative);
    }
    for v in jsonl("intents/smp2017_ecdt_domains.jsonl")? {
        push("assistant", s(&v, "text"), s(&v, "label"), None);
    }
    for v in jsonl("intents/kuake_qic_medical_queries.jsonl")? {
        push("medical", s(&v, "text"), s(&v, "label"), Some(false));
    }
    for v in jsonl("intents/crosswoz_user_turns.jsonl")? {
        // The first thing asked for: `Request 餐馆 营业时间` → `餐馆:营业时间`.
        let meta = v["acts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_array())
            .find(|a| a.first().and_then(|x| x.as_str()) == Some("Request"))
            .map(|a| {
                let f = |i: usize| a.get(i).and_then(|x| x.as_str()).unwrap_or("");
                format!("{}:{}", f(1), f(2))
            })
            .unwrap_or_else(|| "inform".to_string());
        push("crosswoz", s(&v, "text"), meta, Some(false));
    }
    for p in [
        "emotion/smp2020_ewect_virus_train.jsonl",
        "emotion/smp2020_ewect_usual_eval.jsonl",
    ] {
        for v in jsonl(p)? {
            let label = s(&v, "label");
            let negative = matches!(label.as_str(), "angry" | "sad" | "fear");
            push("weibo", s(&v, "text"), label, Some(negative));
        }
    }
    Ok(out)
}

/// One regular-expression labeling function.
#[derive(Debug)]
pub struct Rule {
    /// `file:line` of the rule.
    pub name: String,
    /// The source it applies to, or `*`.
    pub source: String,
    /// A metadata prefix it requires, or empty.
    pub meta: String,
    pub pattern: Regex,
    pub label: String,
}

/// Reads `examples/common/weak_rules.tsv`.
pub fn load_rules() -> Result<Vec<Rule>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/common/weak_rules.tsv");
    let text = read(&path)?;
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{}:{}", path.display(), i + 1);
        let cols: Vec<&str> = line.split('\t').collect();
        let [source, meta, pattern, label] = cols[..] else {
            return Err(format!("{at}: needs 4 tab-separated columns, got {line:?}"));
        };
        let pattern = Regex::new(pattern).map_err(|e| format!("{at}: {pattern:?}: {e}"))?;
        rules.push(Rule {
            name: format!("rule:{}", i + 1),
            source: source.to_string(),
            meta: if meta == "*" {
                String::new()
            } else {
                meta.to_string()
            },
            pattern,
            label: label.to_string(),
        });
    }
    Ok(rules)
}

/// A rule's metadata condition: empty matches anything, `*suffix` a
/// value that ends so, anything else a value that starts so.
fn meta_matches(condition: &str, meta: &str) -> bool {
    match condition.strip_prefix('*') {
        Some(suffix) => meta.ends_with(suffix),
        None => meta.starts_with(condition),
    }
}

/// A weak label: the label and its confidence.
#[derive(Clone, Debug)]
pub struct Weak {
    pub label: String,
    pub confidence: f32,
}

/// The combined labeling functions, their weights estimated on the real
/// training messages (the dev set's train part and [`TRAINING_FILES`]).
pub struct LabelModel {
    rules: Vec<Rule>,
    /// (source, meta) → majority label of the real training messages.
    majority: HashMap<(String, String), String>,
    /// Function name → vote weight (log-odds of its smoothed accuracy).
    weights: HashMap<String, f32>,
    /// Function name → (fired, right) on the real training messages.
    pub stats: BTreeMap<String, (usize, usize)>,
}

/// A dev-set item with its source metadata and its issue-cue scores
/// (`q…` features), what the label model is fitted on.
pub type FitItem<'a> = (&'a DevItem, String, Vec<(String, f32)>);

/// A function's vote: the log-odds of its accuracy, smoothed towards 0.6
/// with two pseudo-votes (`fired` times it voted, `right` times rightly).
fn vote_weight(fired: usize, right: usize) -> f32 {
    let acc = (right as f32 + 1.2) / (fired as f32 + 2.0);
    (acc / (1.0 - acc)).ln()
}

/// Minimum issue-cue score for the cue function to vote.
const CUE_VOTE: f32 = 1.5;

impl LabelModel {
    /// The votes `(function, label)` of every function on one text;
    /// `cues` is the text's issue-cue score per label (`q…` features).
    fn votes(
        &self,
        source: &str,
        meta: &str,
        text: &str,
        cues: &[(String, f32)],
    ) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for r in &self.rules {
            if (r.source == "*" || r.source == source)
                && meta_matches(&r.meta, meta)
                && r.pattern.is_match(text)
            {
                v.push((r.name.clone(), r.label.clone()));
            }
        }
        for (f, w) in cues {
            if let Some(label) = f.strip_prefix('q')
                && *w >= CUE_VOTE
            {
                v.push((format!("cue:{label}"), label.to_string()));
            }
        }
        if !meta.is_empty()
            && let Some(label) = self.majority.get(&(source.to_string(), meta.to_string()))
        {
            v.push((format!("meta:{source}"), label.clone()));
        }
        v
    }

    /// Builds the model: the majority labels and the functions' weights
    /// from `dev`, the real training messages only (never the dev set's
    /// test part), each with its source metadata and its issue-cue scores.
    pub fn fit(rules: Vec<Rule>, dev: &[FitItem<'_>]) -> LabelModel {
        let mut counts: HashMap<(String, String), BTreeMap<String, usize>> = HashMap::new();
        for (d, meta, _) in dev {
            if !meta.is_empty() {
                *counts
                    .entry((d.source.clone(), meta.clone()))
                    .or_default()
                    .entry(d.issue.clone())
                    .or_default() += 1;
            }
        }
        let mut majority = HashMap::new();
        for (key, labels) in counts {
            let total: usize = labels.values().sum();
            let (label, n) = labels.into_iter().max_by_key(|x| x.1).expect("non-empty");
            if total >= 3 && n as f64 >= 0.6 * total as f64 {
                majority.insert(key, label);
            }
        }
        let mut model = LabelModel {
            rules,
            majority,
            weights: HashMap::new(),
            stats: BTreeMap::new(),
        };
        // Accuracy of each function on the real training messages. The
        // majority function is scored on the items it was built from, a
        // small optimism that only sets its vote's weight.
        let mut stats: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (d, meta, cues) in dev {
            for (name, label) in model.votes(&d.source, meta, &d.text, cues) {
                let e = stats.entry(name).or_default();
                e.0 += 1;
                e.1 +=
                    (label == d.issue || d.secondary.as_deref() == Some(label.as_str())) as usize;
            }
        }
        for (name, &(fired, right)) in &stats {
            model
                .weights
                .insert(name.clone(), vote_weight(fired, right));
        }
        model.stats = stats;
        model
    }

    /// The weak label of one text, if the functions that fire agree enough.
    pub fn label(
        &self,
        source: &str,
        meta: &str,
        text: &str,
        cues: &[(String, f32)],
    ) -> Option<Weak> {
        let mut score: BTreeMap<String, f32> = BTreeMap::new();
        for (name, label) in self.votes(source, meta, text, cues) {
            // A function never seen firing on the real training messages
            // votes with about the prior's weight, ln(0.6 / 0.4) rounded
            // (the shipped model was trained with this value).
            let w = self.weights.get(&name).copied().unwrap_or(0.405);
            if w > 0.0 {
                *score.entry(label).or_default() += w;
            }
        }
        let mut ranked: Vec<(String, f32)> = score.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let (label, top) = ranked.first()?.clone();
        let second = ranked.get(1).map_or(0.0, |x| x.1);
        let confidence = 1.0 / (1.0 + (-(top - second)).exp());
        Some(Weak { label, confidence })
    }
}

/// A stable 64-bit hash of a text (FNV-1a), for seeded, order-free
/// sampling.
pub fn text_hash(text: &str, seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in text.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// At most `cap` items of each source, the same ones on every run: those
/// whose text hashes lowest under `seed`. Dev-set texts and duplicates
/// are left out first.
pub fn sample_unlabeled(
    items: Vec<Unlabeled>,
    dev: &HashSet<&str>,
    cap: usize,
    seed: u64,
) -> Vec<Unlabeled> {
    let mut seen = HashSet::new();
    let mut by_source: BTreeMap<&'static str, Vec<Unlabeled>> = BTreeMap::new();
    for u in items {
        if u.text.chars().count() < 2 || dev.contains(u.text.as_str()) {
            continue;
        }
        if seen.insert(u.text.clone()) {
            by_source.entry(u.source).or_default().push(u);
        }
    }
    let mut out = Vec::new();
    for (_, mut v) in by_source {
        v.sort_by_key(|u| text_hash(&u.text, seed));
        v.truncate(cap);
        out.extend(v);
    }
    out
}
