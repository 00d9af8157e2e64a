//! Triage inquiries, one per line, and print one JSON decision per line.
//!
//! ```text
//! cargo run --release --example triage -- [FILE] [--queue SNAPSHOT.json]
//! ```
//!
//! Reads FILE, or standard input without one. A line that is a JSON object
//! is an inquiry:
//! `{"text": "...", "customer": {"id": "...", "tier": "new|returning|vip",
//! "prior_contacts": 0}, "industry": "ecommerce", "received_at": 1732600000}`
//! (all but `text` optional); any other line is the text of a new customer's
//! inquiry in the default industry. Output objects are the `Decision`s, in
//! input order, each with the 1-based input `line`; a line that cannot be
//! read gives `{"line": N, "error": "..."}` and processing continues.
//!
//! Without `--queue`, the demo snapshot `examples/demo_queue.json` is used
//! for wait estimates.

#[path = "common/usage.rs"]
mod usage;

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;

use kefu_triage::{Customer, Engine, Industry, Inquiry, QueueSnapshot};
use serde::Deserialize;
use serde_json::{Value, json};

const DEMO_QUEUE: &str = include_str!("demo_queue.json");

#[derive(Deserialize)]
struct InquiryLine {
    text: String,
    #[serde(default)]
    customer: Customer,
    #[serde(default)]
    industry: Industry,
    #[serde(default)]
    received_at: Option<i64>,
}

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("triage.rs"), "triage.rs");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triage: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> io::Result<()> {
    let mut file = None;
    let mut queue_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--queue" => queue_path = args.next(),
            "-h" | "--help" => {
                println!("usage: triage [FILE] [--queue SNAPSHOT.json]");
                return Ok(());
            }
            _ if file.is_none() => file = Some(a),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("unexpected argument {a:?}"),
                ));
            }
        }
    }
    let queue_text = match &queue_path {
        Some(p) => std::fs::read_to_string(p)?,
        None => DEMO_QUEUE.to_string(),
    };
    let queue: QueueSnapshot = serde_json::from_str(&queue_text).map_err(|e| {
        let name = queue_path.as_deref().unwrap_or("demo_queue.json");
        io::Error::new(io::ErrorKind::InvalidData, format!("{name}: {e}"))
    })?;

    let input: Box<dyn Read> = match &file {
        Some(p) => Box::new(
            std::fs::File::open(p).map_err(|e| io::Error::new(e.kind(), format!("{p}: {e}")))?,
        ),
        None => Box::new(io::stdin()),
    };
    let engine = Engine::default();
    let mut scratch = engine.scratch();
    let out = io::stdout();
    let mut out = BufWriter::new(out.lock());
    for (i, line) in BufReader::new(input).split(b'\n').enumerate() {
        let line_no = i + 1;
        let mut bytes = line?;
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let value = match String::from_utf8(bytes) {
            Err(e) => {
                json!({"line": line_no, "error": format!("invalid utf-8: {}", e.utf8_error())})
            }
            Ok(line) => triage_line(&engine, &mut scratch, &queue, line_no, &line),
        };
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn triage_line(
    engine: &Engine,
    scratch: &mut kefu_triage::Scratch,
    queue: &QueueSnapshot,
    line_no: usize,
    line: &str,
) -> Value {
    let parsed;
    let inquiry = if line.trim_start().starts_with('{') {
        parsed = match serde_json::from_str::<InquiryLine>(line) {
            Ok(p) => p,
            Err(e) => return json!({"line": line_no, "error": format!("bad inquiry json: {e}")}),
        };
        let mut q = Inquiry::new(&parsed.text)
            .customer(parsed.customer.clone())
            .industry(parsed.industry)
            .queue(queue);
        q.received_at = parsed.received_at;
        q
    } else {
        Inquiry::new(line)
            .customer(Customer::new(format!("line-{line_no}")))
            .queue(queue)
    };
    let decision = engine.triage_with(scratch, &inquiry);
    match serde_json::to_value(decision) {
        Ok(Value::Object(mut map)) => {
            let mut obj = serde_json::Map::new();
            obj.insert("line".into(), json!(line_no));
            obj.append(&mut map);
            Value::Object(obj)
        }
        Ok(other) => other,
        Err(e) => json!({"line": line_no, "error": format!("cannot serialize decision: {e}")}),
    }
}
