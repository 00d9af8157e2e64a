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

/// The rest of the written files (food delivery, hotels, telecom, reviews,
/// small talk; features named 隐私), added to the bench corpus.
pub const WRITTEN_MORE: [&str; 2] = ["train5.jsonl", "train6.jsonl"];

/// Every `text` of the written files, in file order (repeats kept).
pub fn written_texts() -> Vec<String> {
    texts_of(&WRITTEN)
}

/// Every `text` of `files` in `tests/data/issues/`, in order.
fn texts_of(files: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/issues");
    let mut out = Vec::new();
    for f in files {
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

/// The sample inquiries of `examples/sample_inquiries.txt` (JSON request
/// lines or plain text).
pub fn sample_texts() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample_inquiries.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v["text"].as_str().map(str::to_string))
                .unwrap_or_else(|| line.to_string())
        })
        .collect()
}

/// How a customer opens a chat message.
const OPENINGS: [&str; 24] = [
    "你好，",
    "您好，",
    "在吗？",
    "在吗 ",
    "客服你好，",
    "亲，",
    "hello，",
    "hi ",
    "那个，",
    "请问一下，",
    "麻烦问下，",
    "客服客服！",
    "人呢？",
    "急！",
    "打扰一下，",
    "老板，",
    "你好 请问",
    "喂喂，",
    "不好意思，",
    "我想问一下，",
    "店家你好，",
    "哈喽，",
    "小姐姐你好，",
    "有人吗 ",
];

/// How it ends.
const CLOSINGS: [&str; 28] = [
    "，谢谢",
    "？？",
    "！！！",
    "，麻烦尽快处理",
    " 在线等",
    "，急",
    "。",
    "～",
    "，谢谢啦🙏",
    " 😭",
    " [捂脸]",
    "，好吗",
    "，能不能快点",
    " thx",
    "，等你回复",
    "，多谢了",
    "??",
    "，回复一下",
    " 急急急",
    "，拜托了",
    "，辛苦了",
    "。。。",
    " 🙄",
    "，说话啊",
    "！",
    "，在线等挺急的",
    " 谢谢亲",
    "，怎么回事",
];

/// Details customers paste in: order and tracking numbers, phones,
/// amounts, model names (the pipeline masks and extracts these).
fn detail(r: &mut u64) -> String {
    let n = |r: &mut u64, digits: u32| next(r) % 10u64.pow(digits);
    match next(r) % 8 {
        0 => format!("，订单号{:018}", n(r, 18)),
        1 => format!(" 单号SF{:013}", n(r, 13)),
        2 => format!("，我电话13{:09}", n(r, 9)),
        3 => format!("，付了{}.{}元", 10 + n(r, 3), n(r, 1)),
        4 => format!("，订单{:016} 手机尾号{:04}", n(r, 16), n(r, 4)),
        5 => format!(
            " 型号XR-{}{:02}",
            ["A", "B", "S", "Pro"][(next(r) % 4) as usize],
            n(r, 2)
        ),
        6 => format!("，快递单号YT{:012}", n(r, 12)),
        _ => format!("，{}号下的单", 1 + n(r, 2) % 28),
    }
}

/// splitmix64 step.
fn next(r: &mut u64) -> u64 {
    *r = r.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *r;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The benchmark corpus: every distinct written inquiry and sample
/// inquiry, then the same messages the way customers send them in chat —
/// with an opening, a closing or a pasted order number, phone or amount,
/// and two or three messages run together into one long message — until
/// there are `lines` distinct lines (at least 10,000 are asked for by the
/// benches). Deterministic: the same lines in the same order every run,
/// from files in the repository only.
pub fn bench_corpus(lines: usize) -> Vec<String> {
    let mut base: Vec<String> = written_texts();
    base.extend(texts_of(&WRITTEN_MORE));
    base.extend(sample_texts());
    let mut seen = std::collections::HashSet::new();
    base.retain(|t| !t.trim().is_empty() && seen.insert(t.clone()));
    let mut out = base.clone();
    let mut r = 0x6b65_6675_u64;
    let mut tries = 0usize;
    while out.len() < lines && tries < lines * 20 {
        tries += 1;
        let pick = |r: &mut u64| &base[(next(r) % base.len() as u64) as usize];
        let body = pick(&mut r)
            .trim_end_matches(['。', '！', '？', '?', '!'])
            .to_string();
        let line = match next(&mut r) % 10 {
            0..=2 => format!("{}{body}", OPENINGS[(next(&mut r) % 24) as usize]),
            3..=4 => format!("{body}{}", CLOSINGS[(next(&mut r) % 28) as usize]),
            5 => format!(
                "{}{body}{}",
                OPENINGS[(next(&mut r) % 24) as usize],
                detail(&mut r)
            ),
            6..=7 => format!("{body}，{}", pick(&mut r)),
            _ => format!(
                "{}{body}。{}。{}{}",
                OPENINGS[(next(&mut r) % 24) as usize],
                pick(&mut r),
                pick(&mut r),
                CLOSINGS[(next(&mut r) % 28) as usize]
            ),
        };
        if seen.insert(line.clone()) {
            out.push(line);
        }
    }
    out
}
