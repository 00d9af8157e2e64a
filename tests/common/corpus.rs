//! The inquiry texts written for this project, shared by tests, benches and
//! examples (each includes this file with `#[path]`).

#![allow(dead_code)]

use std::path::Path;

/// The labeled files of `tests/data/issues/` whose texts were written here.
pub const WRITTEN: [&str; 6] = [
    "train.jsonl",
    "train2.jsonl",
    "train3.jsonl",
    "train4.jsonl",
    "heldout.jsonl",
    "heldout2.jsonl",
];

/// Every `text` of the written files, in file order (repeats kept).
pub fn written_texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/issues");
    let mut out = Vec::new();
    for f in WRITTEN {
        let text = std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{f}:{}: {e}", i + 1));
            if let Some(t) = v["text"].as_str() {
                out.push(t.to_string());
            }
        }
    }
    out
}
