//! Trains fastText-style subword skip-gram word vectors on the unlabeled
//! real Chinese text of `../shared/data`, for `expand_cues`.
//!
//! ```text
//! cargo run --release --example train_vectors -- \
//!     [--data DIR] [--out /tmp/vectors.txt] [--dim 64] [--window 4] \
//!     [--neg 5] [--min-count 3] [--minn 1] [--maxn 3] [--bucket 200000] \
//!     [--epochs 5] [--lr 0.05] [--sample 1e-4] [--seed 7] \
//!     [--extra-words 骑手,退房]
//! ```
//!
//! # Data
//!
//! The data directory is `--data`, else `$KEFU_SHARED_DATA`, else
//! `../shared/data` next to the crate. Read, in this order: the Alipay
//! questions (one a line), the STC-3 Weibo helpdesk posts, the shopping
//! reviews (column `review`), the 之江杯 cosmetics reviews (`Reviews`), the
//! chatbot messages (pre-segmented: spaces removed), and the `text` of every
//! `intents/*.jsonl` and `emotion/*.jsonl`. Labels are never read.
//!
//! Each text is lowercased (ASCII only) and segmented with jieba (HMM on)
//! plus the domain dictionary `lexicons/user_dict.txt`; tokens without a
//! letter, digit or CJK character (punctuation, whitespace, emoji, the
//! `***` of masked numbers) are dropped. Every text is one sentence: windows
//! never cross texts.
//!
//! # Algorithm
//!
//! Skip-gram with negative sampling (Mikolov et al., 2013, "Distributed
//! representations of words and phrases and their compositionality") with
//! the subword model of Bojanowski, Grave, Joulin and Mikolov (2017),
//! "Enriching word vectors with subword information" (TACL 5), as in the
//! fastText reference implementation:
//!
//! - a word `w` is represented by its own input vector plus the vectors of
//!   its character n-grams (`minn..=maxn`, here 1–3) taken from `<w>`, each
//!   n-gram hashed (32-bit FNV-1a over its UTF-8 bytes) into one of
//!   `bucket` shared rows; the lone `<` and `>` are not n-grams. For
//!   Chinese, the 1- and 2-grams are characters and character pairs, so a
//!   rare compound still gets a vector from its morphemes;
//! - the hidden vector `h` is the mean of those rows; for each context word
//!   `c` within a window of random size `1..=window` around the centre, the
//!   loss `-log σ(h·u_c) - Σ_neg log σ(-h·u_n)` is minimised by SGD, with
//!   `neg` negatives drawn from the unigram distribution raised to 3/4 (a
//!   table of 10M entries, a negative equal to `c` is redrawn); the gradient
//!   with respect to `h` is added, undivided, to every row of the word;
//! - frequent words are subsampled per occurrence and per epoch: a word of
//!   relative frequency `f` is kept with probability `√(t/f) + t/f`;
//! - the learning rate decays linearly from `lr` to 0 over all epochs;
//!   input rows start uniform in `±1/dim`, output rows at 0.
//!
//! Training is single-threaded and driven by one seeded splitmix64
//! generator (the texts are shuffled once per epoch), so a run is
//! reproducible bit for bit on the same machine.
//!
//! # Output
//!
//! A text file: the first line is `words dim`; then one line per vocabulary
//! word, most frequent first: `word count x1 … xdim`, where `count` is the
//! word's corpus frequency and `x` is the sum of the word's own vector and
//! its n-gram vectors, L2-normalised. (Unlike fastText's `.vec`, the count
//! column lets readers filter rare words.) Last come the `--extra-words`
//! that are not in the vocabulary, with count 0 and, as fastText's
//! `print-word-vectors` gives them, the sum of their n-gram vectors alone.

#[path = "common/usage.rs"]
mod usage;

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use jieba_rs::Jieba;

/// Training settings; the defaults are those of the brief.
#[derive(Clone, Debug)]
struct Config {
    data: PathBuf,
    out: PathBuf,
    dim: usize,
    window: usize,
    neg: usize,
    min_count: u64,
    minn: usize,
    maxn: usize,
    bucket: usize,
    epochs: usize,
    lr: f32,
    sample: f64,
    seed: u64,
    /// Out-of-vocabulary words to write n-gram vectors for.
    extra: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        let data = std::env::var_os("KEFU_SHARED_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"))
            });
        Config {
            data,
            out: PathBuf::from("/tmp/vectors.txt"),
            dim: 64,
            window: 4,
            neg: 5,
            min_count: 3,
            minn: 1,
            maxn: 3,
            bucket: 200_000,
            epochs: 5,
            lr: 0.05,
            sample: 1e-4,
            seed: 7,
            extra: Vec::new(),
        }
    }
}

/// Parses the command line into a [`Config`].
fn parse_args() -> Result<Config, String> {
    let mut cfg = Config::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let val = it.next().ok_or(format!("{flag} needs a value"))?;
        let int = || {
            val.parse::<usize>()
                .map_err(|_| format!("{flag}: not a whole number: {val}"))
        };
        let real = || {
            val.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number: {val}"))
        };
        match flag.as_str() {
            "--data" => cfg.data = PathBuf::from(&val),
            "--out" => cfg.out = PathBuf::from(&val),
            "--dim" => cfg.dim = int()?.max(1),
            "--window" => cfg.window = int()?.max(1),
            "--neg" => cfg.neg = int()?,
            "--min-count" => cfg.min_count = int()?.max(1) as u64,
            "--minn" => cfg.minn = int()?,
            "--maxn" => cfg.maxn = int()?,
            "--bucket" => cfg.bucket = int()?,
            "--epochs" => cfg.epochs = int()?.max(1),
            "--lr" => cfg.lr = real()? as f32,
            "--sample" => cfg.sample = real()?,
            "--seed" => cfg.seed = int()? as u64,
            "--extra-words" => {
                cfg.extra = val
                    .split(',')
                    .map(|w| w.trim().to_ascii_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect()
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if cfg.minn == 0 || cfg.maxn < cfg.minn || cfg.bucket == 0 {
        // No n-grams at all: plain skip-gram (word2vec).
        cfg.maxn = 0;
    }
    Ok(cfg)
}

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("train_vectors.rs"), "train_vectors.rs");
        return ExitCode::SUCCESS;
    }
    match parse_args().and_then(|cfg| run(&cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train_vectors: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cfg: &Config) -> Result<(), String> {
    let start = Instant::now();
    let texts = read_corpus(&cfg.data)?;
    eprintln!(
        "read {} texts from {} ({:.1}s)",
        texts.len(),
        cfg.data.display(),
        start.elapsed().as_secs_f64()
    );

    let jieba = build_jieba()?;
    let mut vocab = Vocab::default();
    let mut sentences: Vec<Vec<u32>> = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        let lower = text.to_ascii_lowercase();
        let ids: Vec<u32> = jieba
            .cut(&lower, true)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| vocab.add(t.word))
            .collect();
        if !ids.is_empty() {
            sentences.push(ids);
        }
        if (i + 1) % 50_000 == 0 {
            eprintln!("segmented {} texts", i + 1);
        }
    }
    drop(texts);
    let (vocab, sentences) = vocab.prune(sentences, cfg.min_count);
    let ntokens: u64 = sentences.iter().map(|s| s.len() as u64).sum();
    eprintln!(
        "vocabulary {} words (count >= {}), {} sentences, {} tokens ({:.1}s)",
        vocab.words.len(),
        cfg.min_count,
        sentences.len(),
        ntokens,
        start.elapsed().as_secs_f64()
    );

    let mut model = Model::new(cfg, &vocab);
    model.train(cfg, sentences, ntokens);
    eprintln!("trained ({:.1}s)", start.elapsed().as_secs_f64());

    let extra = write_vectors(&cfg.out, &vocab, &model, cfg)?;
    eprintln!(
        "wrote {} ({} words + {extra} out-of-vocabulary, dim {}) in {:.1}s",
        cfg.out.display(),
        vocab.words.len(),
        cfg.dim,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Corpus

/// Reads every text of the corpus, in a fixed order.
fn read_corpus(dir: &Path) -> Result<Vec<String>, String> {
    let read = |rel: &str| {
        let p = dir.join(rel);
        std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let mut texts = Vec::new();

    let questions = read("questions/atec_alipay_questions.txt")?;
    texts.extend(questions.lines().map(str::to_string));
    texts.extend(json_texts(
        &read("inquiries/stc3_weibo_helpdesk_train.jsonl")?,
        "text",
    )?);
    texts.extend(csv_column(
        &read("sentiment/online_shopping_9_cats.csv")?,
        "review",
    )?);
    texts.extend(csv_column(
        &read("opinion/zhijiang_reviews_train.csv")?,
        "Reviews",
    )?);
    texts.extend(
        json_texts(&read("sentiment/xs_chatbot_messages.jsonl")?, "text")?
            .into_iter()
            .map(|t| t.split_whitespace().collect::<String>()),
    );
    for sub in ["intents", "emotion"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .map_err(|e| format!("{}/{sub}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        for f in files {
            let body = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            texts.extend(json_texts(&body, "text")?);
        }
    }
    texts.retain(|t| !t.trim().is_empty());
    Ok(texts)
}

/// The string field `field` of every JSON line of `body`.
fn json_texts(body: &str, field: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (i, line) in body.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        if let Some(t) = v[field].as_str() {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

/// The column named `name` of a CSV file with a header row (RFC 4180:
/// quoted fields may hold commas, doubled quotes and line breaks).
fn csv_column(body: &str, name: &str) -> Result<Vec<String>, String> {
    let mut rows = csv_rows(body).into_iter();
    let header = rows.next().ok_or("empty CSV")?;
    let col = header
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .ok_or(format!("no CSV column {name:?}"))?;
    Ok(rows
        .filter_map(|mut r| (col < r.len()).then(|| r.swap_remove(col)))
        .collect())
}

/// Splits CSV text into rows of fields.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, _) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// jieba's default dictionary plus `lexicons/user_dict.txt`
/// (`word freq tag` lines; `#` lines are comments).
fn build_jieba() -> Result<Jieba, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/lexicons/user_dict.txt");
    let body = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut jieba = Jieba::new();
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse::<usize>().ok());
        let tag = parts.next();
        jieba.add_word(word, freq, tag);
    }
    Ok(jieba)
}

/// Whether a jieba token is a word: it holds a letter, digit or CJK
/// character (not only punctuation, symbols or emoji) and no whitespace.
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric) && !token.chars().any(char::is_whitespace)
}

// ---------------------------------------------------------------------------
// Vocabulary

/// Words and their counts. While counting, ids are in order of first
/// appearance; after [`Vocab::prune`], by count (descending), then word.
#[derive(Default)]
struct Vocab {
    words: Vec<String>,
    counts: Vec<u64>,
    index: HashMap<String, u32>,
}

impl Vocab {
    /// Counts one occurrence of `word`; returns its id.
    fn add(&mut self, word: &str) -> u32 {
        let id = match self.index.get(word) {
            Some(&id) => id,
            None => {
                let id = self.words.len() as u32;
                self.words.push(word.to_string());
                self.counts.push(0);
                self.index.insert(word.to_string(), id);
                id
            }
        };
        self.counts[id as usize] += 1;
        id
    }

    /// Keeps the words seen at least `min_count` times, renumbers them by
    /// frequency, and rewrites the sentences (dropping the other words).
    fn prune(self, sentences: Vec<Vec<u32>>, min_count: u64) -> (Vocab, Vec<Vec<u32>>) {
        let mut order: Vec<u32> = (0..self.words.len() as u32)
            .filter(|&i| self.counts[i as usize] >= min_count)
            .collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            self.counts[b]
                .cmp(&self.counts[a])
                .then_with(|| self.words[a].cmp(&self.words[b]))
        });
        let mut remap = vec![u32::MAX; self.words.len()];
        let mut kept = Vocab::default();
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
            let w = &self.words[old as usize];
            kept.words.push(w.clone());
            kept.counts.push(self.counts[old as usize]);
            kept.index.insert(w.clone(), new as u32);
        }
        let sentences = sentences
            .into_iter()
            .map(|s| {
                s.into_iter()
                    .map(|id| remap[id as usize])
                    .filter(|&id| id != u32::MAX)
                    .collect::<Vec<u32>>()
            })
            .filter(|s| !s.is_empty())
            .collect();
        (kept, sentences)
    }
}

/// 32-bit FNV-1a, as fastText hashes n-grams.
fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for &b in s.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(16_777_619);
    }
    h
}

/// The input rows of `word` (id `id`): its own row, then its n-gram rows
/// ([`ngram_rows`]).
fn subword_rows(word: &str, id: u32, nwords: usize, cfg: &Config) -> Vec<u32> {
    let mut rows = vec![id];
    rows.extend(ngram_rows(word, nwords, cfg));
    rows
}

/// The rows of the character n-grams of `<word>` (length `minn..=maxn`),
/// hashed into `bucket` rows after the `nwords` word rows. As in fastText,
/// the lone boundary symbols `<` and `>` are not n-grams.
fn ngram_rows(word: &str, nwords: usize, cfg: &Config) -> Vec<u32> {
    let mut rows = Vec::new();
    if cfg.maxn == 0 {
        return rows;
    }
    let chars: Vec<char> = std::iter::once('<')
        .chain(word.chars())
        .chain(std::iter::once('>'))
        .collect();
    let mut gram = String::new();
    for i in 0..chars.len() {
        for n in cfg.minn..=cfg.maxn {
            let j = i + n;
            if j > chars.len() {
                break;
            }
            if n == 1 && (i == 0 || j == chars.len()) {
                continue;
            }
            gram.clear();
            gram.extend(&chars[i..j]);
            rows.push((nwords + fnv1a(&gram) as usize % cfg.bucket) as u32);
        }
    }
    rows
}

// ---------------------------------------------------------------------------
// Model

/// splitmix64 (Steele, Lea and Flood, 2014): the crate's generator is
/// private, so the examples carry their own copy.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates shuffle.
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Entries of the negative-sampling table (as in fastText).
const NEG_TABLE_SIZE: usize = 10_000_000;

/// The two embedding matrices, row-major, and what training needs.
struct Model {
    dim: usize,
    /// Word rows then n-gram bucket rows.
    input: Vec<f32>,
    /// One row per word (the context vectors).
    output: Vec<f32>,
    /// The input rows of each word.
    subwords: Vec<Vec<u32>>,
    /// Word ids, each repeated in proportion to count^0.75.
    neg_table: Vec<u32>,
    /// Probability of keeping each word (subsampling).
    keep: Vec<f64>,
    rng: Rng,
}

impl Model {
    fn new(cfg: &Config, vocab: &Vocab) -> Model {
        let nwords = vocab.words.len();
        let nbuckets = if cfg.maxn == 0 { 0 } else { cfg.bucket };
        let mut rng = Rng(cfg.seed);
        let bound = 1.0 / cfg.dim as f64;
        let input = (0..(nwords + nbuckets) * cfg.dim)
            .map(|_| ((rng.unit() * 2.0 - 1.0) * bound) as f32)
            .collect();
        let subwords = vocab
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| subword_rows(w, i as u32, nwords, cfg))
            .collect();

        let weights: Vec<f64> = vocab
            .counts
            .iter()
            .map(|&c| (c as f64).powf(0.75))
            .collect();
        let z: f64 = weights.iter().sum();
        let mut neg_table = Vec::with_capacity(NEG_TABLE_SIZE + nwords);
        for (i, w) in weights.iter().enumerate() {
            let n = (w / z * NEG_TABLE_SIZE as f64).ceil() as usize;
            neg_table.extend(std::iter::repeat_n(i as u32, n));
        }
        rng.shuffle(&mut neg_table);

        let total: u64 = vocab.counts.iter().sum();
        let keep = vocab
            .counts
            .iter()
            .map(|&c| {
                let r = cfg.sample / (c as f64 / total as f64);
                if cfg.sample > 0.0 { r.sqrt() + r } else { 1.0 }
            })
            .collect();

        Model {
            dim: cfg.dim,
            input,
            output: vec![0.0; nwords * cfg.dim],
            subwords,
            neg_table,
            keep,
            rng,
        }
    }

    /// Runs `cfg.epochs` passes of skip-gram over `sentences`.
    fn train(&mut self, cfg: &Config, mut sentences: Vec<Vec<u32>>, ntokens: u64) {
        let dim = self.dim;
        let total = (cfg.epochs as u64 * ntokens).max(1) as f64;
        let mut hidden = vec![0.0f32; dim];
        let mut grad = vec![0.0f32; dim];
        let mut line: Vec<u32> = Vec::new();
        let mut seen: u64 = 0;
        let report_every = (total as u64 / 20).max(1);
        let mut next_report = report_every;
        let (mut loss_sum, mut loss_n) = (0.0f64, 0u64);
        let start = Instant::now();

        for epoch in 0..cfg.epochs {
            self.rng.shuffle(&mut sentences);
            for sentence in &sentences {
                seen += sentence.len() as u64;
                let lr = cfg.lr * (1.0 - (seen as f64 / total) as f32).max(0.0);
                line.clear();
                for &w in sentence {
                    if self.rng.unit() < self.keep[w as usize] {
                        line.push(w);
                    }
                }
                for (pos, &center) in line.iter().enumerate() {
                    let boundary = 1 + self.rng.below(cfg.window);
                    let lo = pos.saturating_sub(boundary);
                    let hi = (pos + boundary).min(line.len() - 1);
                    for (cpos, &context) in line.iter().enumerate().take(hi + 1).skip(lo) {
                        if cpos == pos {
                            continue;
                        }
                        loss_sum +=
                            self.update(center, context, cfg.neg, lr, &mut hidden, &mut grad)
                                as f64;
                        loss_n += 1;
                    }
                }
                if seen >= next_report {
                    next_report += report_every;
                    eprintln!(
                        "epoch {}/{} progress {:5.1}% lr {:.5} loss {:.4} {:.0}k tokens/s",
                        epoch + 1,
                        cfg.epochs,
                        100.0 * seen as f64 / total,
                        lr,
                        loss_sum / loss_n.max(1) as f64,
                        seen as f64 / start.elapsed().as_secs_f64().max(1e-9) / 1e3
                    );
                    (loss_sum, loss_n) = (0.0, 0);
                }
            }
        }
    }

    /// One SGD step for the pair (`center`, `context`) and `neg` negatives;
    /// returns the loss before the step.
    fn update(
        &mut self,
        center: u32,
        context: u32,
        neg: usize,
        lr: f32,
        hidden: &mut [f32],
        grad: &mut [f32],
    ) -> f32 {
        let dim = self.dim;
        let rows = &self.subwords[center as usize];
        hidden.fill(0.0);
        for &r in rows {
            let row = &self.input[r as usize * dim..(r as usize + 1) * dim];
            for (h, x) in hidden.iter_mut().zip(row) {
                *h += x;
            }
        }
        let inv = 1.0 / rows.len() as f32;
        hidden.iter_mut().for_each(|h| *h *= inv);
        grad.fill(0.0);

        let mut loss = 0.0;
        for k in 0..=neg {
            let (target, label) = if k == 0 {
                (context, 1.0)
            } else {
                (draw_negative(&mut self.rng, &self.neg_table, context), 0.0)
            };
            let out = &mut self.output[target as usize * dim..(target as usize + 1) * dim];
            let score = sigmoid(dot(hidden, out));
            loss -= if label > 0.0 { score } else { 1.0 - score }.max(1e-7).ln();
            let alpha = lr * (label - score);
            for ((g, o), h) in grad.iter_mut().zip(out.iter_mut()).zip(hidden.iter()) {
                *g += alpha * *o;
                *o += alpha * h;
            }
        }
        for &r in rows {
            let row = &mut self.input[r as usize * dim..(r as usize + 1) * dim];
            for (x, g) in row.iter_mut().zip(grad.iter()) {
                *x += g;
            }
        }
        loss
    }

    /// The sum of the input `rows`, L2-normalised: the output vector of a
    /// word given its [`subword_rows`].
    fn word_vector(&self, rows: &[u32]) -> Vec<f32> {
        let dim = self.dim;
        let mut v = vec![0.0f32; dim];
        for &r in rows {
            let row = &self.input[r as usize * dim..(r as usize + 1) * dim];
            for (a, x) in v.iter_mut().zip(row) {
                *a += x;
            }
        }
        let norm = dot(&v, &v).sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|a| *a /= norm);
        }
        v
    }
}

/// A negative word for `target`: drawn from `table`, never `target` itself
/// (unless the table holds nothing else).
fn draw_negative(rng: &mut Rng, table: &[u32], target: u32) -> u32 {
    for _ in 0..64 {
        let n = table[rng.below(table.len())];
        if n != target {
            return n;
        }
    }
    table[rng.below(table.len())]
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sigmoid(x: f32) -> f32 {
    if x > 8.0 {
        1.0
    } else if x < -8.0 {
        0.0
    } else {
        1.0 / (1.0 + (-x).exp())
    }
}

/// Writes `words dim`, then `word count x1 … xdim` per word; then, with
/// count 0, the n-gram vectors of the `extra` words not in the vocabulary.
fn write_vectors(path: &Path, vocab: &Vocab, model: &Model, cfg: &Config) -> Result<usize, String> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let nwords = vocab.words.len();
    let mut extra: Vec<&str> = Vec::new();
    for word in &cfg.extra {
        let rows = ngram_rows(word, nwords, cfg);
        if !vocab.index.contains_key(word) && !rows.is_empty() && !extra.contains(&word.as_str()) {
            extra.push(word);
        }
    }
    let file = std::fs::File::create(path).map_err(err)?;
    let mut w = BufWriter::new(file);
    writeln!(w, "{} {}", nwords + extra.len(), model.dim).map_err(err)?;
    let lines = vocab
        .words
        .iter()
        .zip(&vocab.counts)
        .zip(&model.subwords)
        .map(|((word, &count), rows)| (word.as_str(), count, model.word_vector(rows)))
        .chain(
            extra
                .iter()
                .map(|&word| (word, 0, model.word_vector(&ngram_rows(word, nwords, cfg)))),
        );
    for (word, count, vector) in lines {
        write!(w, "{word} {count}").map_err(err)?;
        for x in vector {
            write!(w, " {x:.5}").map_err(err)?;
        }
        writeln!(w).map_err(err)?;
    }
    w.flush().map_err(err)?;
    Ok(extra.len())
}
