//! What-if staffing table for a contact centre queue.
//!
//! ```text
//! cargo run --release --example queue_whatif -- \
//!     --arrivals-per-hour 600 --aht-seconds 300 --agents 55 [--patience-seconds 120] [--json]
//! ```
//!
//! Without `--patience-seconds` the Erlang C model (nobody hangs up) is used;
//! with it, Erlang A (exponential patience with that mean). `--json` prints a
//! single JSON object for the given number of agents instead of the table.

use std::process::ExitCode;

use kefu_triage::queue::{
    ServiceTarget, agents_for_service_level, agents_for_service_level_erlang_a, erlang_a, erlang_c,
};
use serde_json::json;

const USAGE: &str = "usage: queue_whatif --arrivals-per-hour N --aht-seconds S --agents C \
[--patience-seconds P] [--json]";

/// Answer-time threshold of the reported service level, seconds.
const SL_SECONDS: f64 = 20.0;

#[derive(Debug)]
struct Args {
    arrivals_per_hour: f64,
    aht_s: f64,
    agents: u32,
    patience_s: Option<f64>,
    json: bool,
}

fn parse_number(flag: &str, value: &str) -> Result<f64, String> {
    let v: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("{flag}: '{value}' is not a number"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{flag}: '{value}' must be finite"))
    }
}

/// `Ok(None)` means `--help` was requested.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut arrivals = None;
    let mut aht = None;
    let mut agents = None;
    let mut patience = None;
    let mut json = false;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" if inline.is_none() => {
                json = true;
                continue;
            }
            "--arrivals-per-hour" | "--aht-seconds" | "--agents" | "--patience-seconds" => {}
            _ => return Err(format!("unknown argument '{arg}'")),
        }
        let value = match inline {
            Some(v) => v,
            None => it.next().ok_or_else(|| format!("{flag} needs a value"))?,
        };
        match flag.as_str() {
            "--arrivals-per-hour" => {
                let v = parse_number(&flag, &value)?;
                if v < 0.0 {
                    return Err(format!("{flag} must be ≥ 0, got {value}"));
                }
                arrivals = Some(v);
            }
            "--aht-seconds" => {
                let v = parse_number(&flag, &value)?;
                if v <= 0.0 {
                    return Err(format!("{flag} must be > 0, got {value}"));
                }
                aht = Some(v);
            }
            "--patience-seconds" => {
                let v = parse_number(&flag, &value)?;
                if v <= 0.0 {
                    return Err(format!("{flag} must be > 0, got {value}"));
                }
                patience = Some(v);
            }
            _ => {
                let v: u32 = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{flag}: '{value}' is not a whole number of agents"))?;
                agents = Some(v);
            }
        }
    }
    Ok(Some(Args {
        arrivals_per_hour: arrivals.ok_or("--arrivals-per-hour is required")?,
        aht_s: aht.ok_or("--aht-seconds is required")?,
        agents: agents.ok_or("--agents is required")?,
        patience_s: patience,
        json,
    }))
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn secs(x: Option<f64>) -> String {
    match x {
        Some(v) => format!("{v:.1}"),
        None => "∞".to_string(),
    }
}

fn staffing_line(agents: Option<u32>) -> String {
    let target = ServiceTarget::default();
    let what = format!(
        "{:.0}% answered within {:.0} s",
        100.0 * target.fraction,
        target.within_s
    );
    match agents {
        Some(c) => format!("Agents needed for {what}: {c}"),
        None => format!("Agents needed for {what}: not reachable"),
    }
}

/// Agent counts for the table: a window around the given count, starting no
/// lower than `first`, always including `given`.
fn table_rows(first: u32, given: u32) -> Vec<u32> {
    let start = first.max(given.saturating_sub(15));
    let end = given.max(first).saturating_add(10);
    let mut rows: Vec<u32> = (start..=end).collect();
    if given < start {
        rows.insert(0, given);
    }
    rows
}

fn run_erlang_c(args: &Args, lam: f64) {
    let m = erlang_c(lam, args.aht_s, args.agents);
    let needed = agents_for_service_level(lam, args.aht_s, ServiceTarget::default());
    if !m.stable {
        eprintln!(
            "warning: offered load {:.2} Erlangs ≥ {} agents: the queue is unstable and waits grow without bound",
            m.offered_load, args.agents
        );
    }
    if args.json {
        let out = json!({
            "offered_load": m.offered_load,
            "p_wait": m.p_wait,
            "mean_wait_s": m.mean_wait_s,
            "service_level_20s": m.service_level(SL_SECONDS),
            "agents_for_80_in_20s": needed,
        });
        println!("{out}");
        return;
    }
    println!(
        "Offered load: {:.2} Erlangs ({} contacts/h × {} s AHT)",
        m.offered_load, args.arrivals_per_hour, args.aht_s
    );
    println!("Model: Erlang C (M/M/c, callers never hang up)");
    println!();
    println!(
        "{:>8}  {:>8}  {:>14}  {:>8}",
        "agents", "P(wait)", "mean wait (s)", "SL 20 s"
    );
    let first = (m.offered_load.floor() + 1.0).min(f64::from(u32::MAX)) as u32;
    for c in table_rows(first, args.agents) {
        let r = erlang_c(lam, args.aht_s, c);
        let mark = if c == args.agents { " <" } else { "" };
        if r.stable {
            println!(
                "{:>8}  {:>8}  {:>14}  {:>8}{mark}",
                c,
                pct(r.p_wait),
                secs(r.mean_wait_s),
                pct(r.service_level(SL_SECONDS))
            );
        } else {
            println!(
                "{c:>8}  {:>8}  {:>14}  {:>8}{mark}",
                "100.0%", "unstable", "0.0%"
            );
        }
    }
    println!();
    println!("{}", staffing_line(needed));
}

fn run_erlang_a(args: &Args, lam: f64, patience: f64) {
    let m = erlang_a(lam, args.aht_s, args.agents, patience);
    let needed =
        agents_for_service_level_erlang_a(lam, args.aht_s, patience, ServiceTarget::default());
    if !m.converged {
        eprintln!(
            "warning: queue too long to sum exactly; figures are heavy-traffic approximations"
        );
    }
    if args.json {
        let out = json!({
            "offered_load": m.offered_load,
            "p_wait": m.p_wait,
            "p_abandon": m.p_abandon,
            "mean_wait_s": m.mean_wait_s,
            "service_level_20s": m.service_level(SL_SECONDS),
            "agents_for_80_in_20s": needed,
        });
        println!("{out}");
        return;
    }
    println!(
        "Offered load: {:.2} Erlangs ({} contacts/h × {} s AHT)",
        m.offered_load, args.arrivals_per_hour, args.aht_s
    );
    println!("Model: Erlang A (M/M/c+M, mean patience {patience} s)");
    println!();
    println!(
        "{:>8}  {:>8}  {:>10}  {:>14}  {:>8}",
        "agents", "P(wait)", "P(abandon)", "mean wait (s)", "SL 20 s"
    );
    for c in table_rows(args.agents.saturating_sub(10).max(1), args.agents) {
        let r = erlang_a(lam, args.aht_s, c, patience);
        let mark = if c == args.agents { " <" } else { "" };
        println!(
            "{:>8}  {:>8}  {:>10}  {:>14}  {:>8}{mark}",
            c,
            pct(r.p_wait),
            pct(r.p_abandon),
            secs(r.mean_wait_s),
            pct(r.service_level(SL_SECONDS))
        );
    }
    println!();
    println!("{}", staffing_line(needed));
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("queue_whatif: {msg}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let lam = args.arrivals_per_hour / 3600.0;
    match args.patience_s {
        None => run_erlang_c(&args, lam),
        Some(p) => run_erlang_a(&args, lam, p),
    }
    ExitCode::SUCCESS
}
