//! One engine shared by eight threads decides exactly what one thread
//! decides: the same JSON, byte for byte, for every one of 10,000 inquiries.

use kefu_triage::{Customer, Engine, Industry, Inquiry, Tier};

const INQUIRIES: usize = 10_000;
const THREADS: usize = 8;

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[path = "common/corpus.rs"]
mod corpus;

/// The texts of the repository's labeled inquiries.
fn base_texts() -> Vec<String> {
    let out = corpus::written_texts();
    assert!(out.len() > 1_000, "only {} texts", out.len());
    out
}

/// Variation `k` of `text`: the hostile spellings and additions real
/// traffic has, so every stage (masking, escalation, emphasis …) runs.
fn vary(text: &str, k: usize, rng: &mut Lcg) -> String {
    match k % 8 {
        0 => text.to_string(),
        1 => format!("你好，{text}！！！"),
        2 => text
            .chars()
            .flat_map(|c| [c, '\u{200b}'])
            .collect::<String>(),
        3 => format!("{text} 我电话1{:010}", rng.next() % 10_000_000_000),
        4 => format!("{text}，转 人 工😡"),
        5 => text
            .chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xfee0).unwrap_or(c),
                c => c,
            })
            .collect(),
        6 => format!("{text}。再不处理我就打12315投訴你們"),
        _ => {
            // Cut at a random character and repeat: odd lengths, odd ends.
            let cut = text.chars().count().max(1);
            let n = rng.below(cut) + 1;
            let head: String = text.chars().take(n).collect();
            format!("{head} {head}")
        }
    }
}

struct Item {
    text: String,
    tier: Tier,
    prior: u32,
    industry: Industry,
}

fn items() -> Vec<Item> {
    let base = base_texts();
    let mut rng = Lcg(0x6b65_6675);
    let tiers = Tier::ALL;
    let industries = Industry::ALL;
    (0..INQUIRIES)
        .map(|i| {
            let text = &base[rng.below(base.len())];
            Item {
                text: vary(text, i, &mut rng),
                tier: tiers[rng.below(tiers.len())],
                prior: rng.below(4) as u32,
                industry: industries[rng.below(industries.len())],
            }
        })
        .collect()
}

fn inquiry(item: &Item) -> Inquiry<'_> {
    Inquiry::new(&item.text)
        .customer(
            Customer::new("c")
                .tier(item.tier)
                .prior_contacts(item.prior),
        )
        .industry(item.industry)
}

#[test]
fn eight_threads_decide_exactly_like_one() {
    let items = items();
    let engine = Engine::default();

    // Single-threaded reference, one fresh scratch per inquiry.
    let expected: Vec<String> = items
        .iter()
        .map(|it| serde_json::to_string(&engine.triage(&inquiry(it))).expect("serialize"))
        .collect();

    // Eight threads share the engine; thread t takes every 8th inquiry
    // from t, in reverse order, reusing one scratch for all of them (so a
    // scratch that leaked state from one inquiry into the next would show).
    let mut got: Vec<Option<String>> = vec![None; items.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let engine = &engine;
                let items = &items;
                s.spawn(move || {
                    let mut scratch = engine.scratch();
                    let mut out = Vec::new();
                    for i in (t..items.len()).step_by(THREADS).rev() {
                        let d = engine.triage_with(&mut scratch, &inquiry(&items[i]));
                        out.push((i, serde_json::to_string(&d).expect("serialize")));
                    }
                    out
                })
            })
            .collect();
        for h in handles {
            for (i, json) in h.join().expect("worker panicked") {
                got[i] = Some(json);
            }
        }
    });

    let mut mismatches = 0;
    for (i, (want, got)) in expected.iter().zip(&got).enumerate() {
        let got = got.as_deref().expect("every inquiry triaged");
        if got != want {
            mismatches += 1;
            if mismatches <= 3 {
                eprintln!(
                    "inquiry {i} {:?}:\n  one thread: {want}\n  8 threads:  {got}",
                    items[i].text
                );
            }
        }
    }
    assert_eq!(
        mismatches,
        0,
        "{mismatches} of {} decisions differ",
        items.len()
    );
}

#[test]
fn clones_of_the_engine_share_and_agree() {
    // Clones bump a reference count; decisions from clones in other
    // threads equal the original's.
    let engine = Engine::default();
    let texts = [
        "转人工",
        "快递到哪了",
        "我电话13812345678，退款",
        "垃圾！！！",
    ];
    let want: Vec<_> = texts
        .iter()
        .map(|t| engine.triage(&Inquiry::new(t)))
        .collect();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let e = engine.clone();
            std::thread::spawn(move || {
                texts
                    .iter()
                    .map(|t| e.triage(&Inquiry::new(t)))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("worker panicked"), want);
    }
}

/// `triage_batch` on several threads returns, in input order, exactly the
/// decisions of `triage` one by one (blocks are taken in turn, so results
/// arrive out of order and must be put back).
#[test]
fn batch_on_threads_keeps_order_and_decisions() {
    let items = items();
    let engine = Engine::default();
    let inquiries: Vec<Inquiry> = items.iter().map(inquiry).collect();
    assert!(inquiries.len() > 4 * kefu_triage::BATCH_BLOCK);
    let one_by_one: Vec<_> = inquiries.iter().map(|q| engine.triage(q)).collect();
    for threads in [1, 2, 3, 8] {
        let batch = engine.triage_batch(&inquiries, threads);
        assert_eq!(batch.len(), one_by_one.len());
        assert!(batch == one_by_one, "{threads} threads differ");
    }
    assert!(engine.triage_batch(&[], 4).is_empty());
}
