//! Peak memory of a process that builds the engine, against one that only
//! builds jieba-rs (Linux: `VmHWM` from /proc/self/status).
//!
//! ```text
//! cargo run --release --example startup_memory -- engine
//! cargo run --release --example startup_memory -- jieba
//! ```

#[path = "common/usage.rs"]
mod usage;

use std::time::Instant;

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    if usage::asked() {
        usage::print(include_str!("startup_memory.rs"), "startup_memory.rs");
        return;
    }
    let which = std::env::args().nth(1).unwrap_or_else(|| "engine".into());
    let start = Instant::now();
    let n = match which.as_str() {
        "jieba" => jieba_rs::Jieba::new().cut("快递到哪了", true).len(),
        _ => kefu_triage::Engine::default()
            .triage(&kefu_triage::Inquiry::new("快递到哪了"))
            .reasons
            .len(),
    };
    let ms = start.elapsed().as_secs_f64() * 1e3;
    match peak_kib() {
        Some(kib) => println!(
            "{which}: built in {ms:.0} ms, peak RSS {:.1} MiB ({n})",
            kib as f64 / 1024.0
        ),
        None => println!("{which}: built in {ms:.0} ms, peak RSS unknown on this platform ({n})"),
    }
}
