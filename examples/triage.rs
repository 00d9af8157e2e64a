//! Triage inquiries, one per line, and print one JSON decision per line.
//!
//! ```text
//! cargo run --release --example triage -- [FILE] [--queue SNAPSHOT.json] [--keep-going]
//! ```
//!
//! Reads FILE, or standard input without one. A line that is a JSON object
//! is a `kefu_triage::Request`:
//! `{"text": "...", "customer": {"id": "..." or 42, "tier": "new|returning|vip",
//! "prior_contacts": 0}, "industry": "ecommerce", "received_at": 1732600000,
//! "queue": {...}}` (all but `text` optional; names in any case; an unknown
//! field is an error); any other line is the text of a new customer's
//! inquiry in the default industry; blank lines are skipped. Output objects
//! are the `Decision`s, in input order, each with the 1-based input `line`;
//! a line that cannot be read gives `{"line": N, "error": "..."}` and
//! processing continues. The exit status is 1 when any line was an error
//! (after every line is printed), 0 with `--keep-going`.
//!
//! Without `--queue`, the demo snapshot `examples/demo_queue.json` is used
//! for wait estimates of requests that bring no snapshot of their own.

#[path = "common/usage.rs"]
mod usage;

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;

use kefu_triage::{Customer, Engine, Inquiry, QueueSnapshot, Request};
use serde_json::{Value, json};

const DEMO_QUEUE: &str = include_str!("demo_queue.json");

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("triage.rs"), "triage.rs");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(
            Outcome { errors: 0, .. }
            | Outcome {
                keep_going: true, ..
            },
        ) => ExitCode::SUCCESS,
        Ok(Outcome { errors, .. }) => {
            eprintln!("triage: {errors} line(s) could not be triaged (--keep-going exits 0)");
            ExitCode::from(1)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triage: {e}");
            ExitCode::from(2)
        }
    }
}

/// How a run went: lines that were errors, and whether they still exit 0.
struct Outcome {
    errors: usize,
    keep_going: bool,
}

fn run() -> io::Result<Outcome> {
    let mut file = None;
    let mut queue_path = None;
    let mut keep_going = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--queue" => queue_path = args.next(),
            "--keep-going" => keep_going = true,
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
    let mut errors = 0;
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
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => triage_line(&engine, &mut scratch, &queue, line_no, &line),
        };
        errors += usize::from(value.get("error").is_some());
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Outcome { errors, keep_going })
}

fn triage_line(
    engine: &Engine,
    scratch: &mut kefu_triage::Scratch,
    queue: &QueueSnapshot,
    line_no: usize,
    line: &str,
) -> Value {
    let request;
    let inquiry = if line.trim_start().starts_with('{') {
        request = match serde_json::from_str::<Request>(line) {
            Ok(r) => r,
            Err(e) => return json!({"line": line_no, "error": format!("bad request: {e}")}),
        };
        let mut q = request.inquiry();
        q.queue = q.queue.or(Some(queue));
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
