//! Replays a day of inquiries through the engine and a discrete-event model
//! of the contact centre, for each policy given, before any gray release.
//!
//! ```text
//! cargo run --release --example simulate -- [--policy FILE]... [--roster FILE]
//!     [--input FILE | --generate N] [--promotion] [--shares NEW,RETURNING,VIP]
//!     [--industry NAME] [--roster-scale F] [--seed S] [--threads N] [--json] [--svg FILE]
//! ```
//!
//! - `--policy FILE`: a JSON or TOML policy (`shipped`: the embedded one);
//!   repeat it to compare policies (the difference to the first is
//!   printed). The shipped policy when none.
//! - `--roster FILE`: agents per skill group per time of day, handle times,
//!   patience and the share of AI conversations that still end with a
//!   human (format below). Default: `examples/roster.json`.
//! - `--input FILE`: the `triage` CLI's JSON request lines, each with
//!   `received_at` (Unix seconds). Without it, `--generate N` (default
//!   20,000) makes a day: arrivals over the policy's hourly load curve
//!   (`load.hourly`, local time), ×`load.promotion_multiplier` with
//!   `--promotion` (大促); texts drawn from `examples/sample_inquiries.txt`
//!   and the bench corpus; tiers in the `--shares` given (default
//!   0.70,0.25,0.05); returning customers with 0–3 prior contacts; all in
//!   `--industry` (default ecommerce) unless a sample line names another.
//! - `--roster-scale F`: multiply every agent count (to replay a bigger day
//!   on the same shape).
//! - `--json`: one JSON object per policy per line instead of the tables.
//! - `--svg FILE`: a chart of queue length and mean wait per half hour,
//!   one column per policy.
//!
//! The engine triages every inquiry (`triage_batch`); a contact whose route
//! is a human chat queue is routed again when it arrives, with the live
//! queue state, so overflow, callbacks past the wait limit and the VIP
//! queue behave as the policy says. Agents take the highest aged priority
//! first (the base policy's `aging`), the longest-waiting first within it;
//! the queue state a new contact is routed with counts the waiting at
//! their aged priority (brought up to date every 15 simulated seconds), as
//! a live `QueueTracker` reports them.
//! Waiting customers give up after an exponential patience; a share of the
//! AI assistant's conversations reach a human after `ai_seconds`.
//! Gray-release variants are simulated as such and reported per variant.
//! Deterministic for a seed.
//!
//! Roster format (`examples/roster.json` is one):
//!
//! ```json
//! {"format": "kefu-triage roster v1",
//!  "patience_seconds": 240,          // mean, exponential; none: nobody gives up
//!  "ai_handoff_share": 0.15,         // AI conversations that still end with a human
//!  "ai_seconds": 90,                 // how long before they do
//!  "groups": {
//!    "shipping_returns": {"agents": {"00:00": 2, "08:00": 12, "19:00": 16, "23:00": 4},
//!                         "handle": {"mean_seconds": 240, "distribution": "lognormal", "cv": 0.8},
//!                         "patience_seconds": 300},
//!    "dedicated": {...},             // VIPs' dedicated agents
//!    "*": {...}}}                    // every group not listed
//! ```

#[path = "common/chart.rs"]
mod chart;
#[path = "../tests/common/corpus.rs"]
mod corpus;
#[path = "common/sim.rs"]
pub mod sim;
#[path = "common/usage.rs"]
mod usage;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use kefu_triage::{
    Channel, Customer, Engine, Industry, Inquiry, Policy, QueueSnapshot, Request, Scratch, Tier,
};
use serde_json::{Value, json};
use sim::{Arrival, Fate, Roster, Routed, Router, Settings, TierKind};

const DEFAULT_ROSTER: &str = "examples/roster.json";
/// 2026-11-11 00:00 UTC: generated inquiries fall on this day, local time.
const GENERATED_DAY: f64 = 1_794_355_200.0;
/// "Answered within" of `service_level_20s`, seconds.
const SERVICE_LEVEL_S: f64 = 20.0;
/// Inquiries triaged at a time (owned decisions are dropped per chunk).
const CHUNK: usize = 32_768;

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("simulate.rs"), "simulate.rs");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("simulate: {e}");
            ExitCode::from(2)
        }
    }
}

/// The command line.
pub struct Args {
    pub policies: Vec<PathBuf>,
    pub roster: PathBuf,
    pub input: Option<PathBuf>,
    pub generate: usize,
    pub promotion: bool,
    pub shares: [f64; 3],
    pub industry: Industry,
    pub roster_scale: f64,
    pub seed: u64,
    pub threads: usize,
    pub json: bool,
    pub svg: Option<PathBuf>,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            policies: Vec::new(),
            roster: Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_ROSTER),
            input: None,
            generate: 20_000,
            promotion: false,
            shares: [0.70, 0.25, 0.05],
            industry: Industry::Ecommerce,
            roster_scale: 1.0,
            seed: 1,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            json: false,
            svg: None,
        }
    }
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| -> Result<f64, String> {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or(format!("{flag}: not a non-negative number: {v}"))
        };
        match flag.as_str() {
            "--policy" => a.policies.push(value()?.into()),
            "--roster" => a.roster = value()?.into(),
            "--input" => a.input = Some(value()?.into()),
            "--generate" => a.generate = number(value()?)? as usize,
            "--promotion" => a.promotion = true,
            "--shares" => {
                let v = value()?;
                let parts: Vec<f64> = v
                    .split(',')
                    .map(|p| number(p.trim().to_string()))
                    .collect::<Result<_, _>>()?;
                let sum: f64 = parts.iter().sum();
                if parts.len() != 3 || sum <= 0.0 {
                    return Err(format!("--shares: three shares NEW,RETURNING,VIP: {v}"));
                }
                a.shares = [parts[0] / sum, parts[1] / sum, parts[2] / sum];
            }
            "--industry" => {
                let v = value()?;
                a.industry = serde_json::from_value(Value::String(v.clone()))
                    .map_err(|e| format!("--industry {v}: {e}"))?;
            }
            "--roster-scale" => a.roster_scale = number(value()?)?,
            "--seed" => a.seed = number(value()?)? as u64,
            "--threads" => a.threads = (number(value()?)? as usize).max(1),
            "--json" => a.json = true,
            "--svg" => a.svg = Some(value()?.into()),
            other => return Err(format!("unknown option {other} (--help for the usage)")),
        }
    }
    Ok(a)
}

/// The day's inquiries: texts (shared by all), and per contact the text,
/// the customer, the industry and the time.
pub struct Day {
    texts: Vec<String>,
    contacts: Vec<Contact>,
}

struct Contact {
    text: u32,
    id: String,
    tier: Tier,
    prior: u32,
    industry: Industry,
    at: f64,
}

impl Day {
    fn inquiry(&self, i: usize) -> Inquiry<'_> {
        let c = &self.contacts[i];
        Inquiry::new(&self.texts[c.text as usize])
            .customer(
                Customer::new(c.id.as_str())
                    .tier(c.tier)
                    .prior_contacts(c.prior),
            )
            .industry(c.industry)
            .received_at(c.at as i64)
    }
}

pub fn read_input(path: &Path) -> Result<Day, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut day = Day {
        texts: Vec::new(),
        contacts: Vec::new(),
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Request =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let at = r
            .received_at
            .ok_or(format!("{}:{}: no received_at", path.display(), n + 1))?;
        day.contacts.push(Contact {
            text: day.texts.len() as u32,
            id: r.customer.id.clone(),
            tier: r.customer.tier,
            prior: r.customer.prior_contacts,
            industry: r.industry,
            at: at as f64,
        });
        day.texts.push(r.text);
    }
    if day.contacts.is_empty() {
        return Err(format!("{}: no inquiries", path.display()));
    }
    day.contacts.sort_by(|a, b| a.at.total_cmp(&b.at));
    Ok(day)
}

/// A day of `n` inquiries over the policy's hourly load curve.
pub fn generate(a: &Args, policy: &Policy) -> Day {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<(String, Option<Industry>)> = Vec::new();
    let samples =
        std::fs::read_to_string(root.join("examples/sample_inquiries.txt")).unwrap_or_default();
    for line in samples.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Request>(line) {
            Ok(r) => {
                let industry = line.contains("\"industry\"").then_some(r.industry);
                texts.push((r.text, industry));
            }
            Err(_) => texts.push((line.to_string(), None)),
        }
    }
    texts.extend(corpus::bench_corpus(12_000).into_iter().map(|t| (t, None)));
    let load = &policy.load;
    let n = if a.promotion {
        (a.generate as f64 * load.promotion_multiplier).round() as usize
    } else {
        a.generate
    };
    let total: f64 = load.hourly.iter().sum();
    let mut rng = sim::Rng::new(a.seed ^ 0x6461_7973);
    let offset = f64::from(policy.utc_offset_minutes) * 60.0;
    let start = GENERATED_DAY - offset;
    let mut contacts: Vec<Contact> = (0..n)
        .map(|i| {
            let mut u = rng.uniform() * total;
            let mut hour = 23;
            for (h, w) in load.hourly.iter().enumerate() {
                if u < *w {
                    hour = h;
                    break;
                }
                u -= w;
            }
            let at = start + 3600.0 * (hour as f64 + rng.uniform());
            let text = (rng.next_u64() % texts.len() as u64) as u32;
            let t = rng.uniform();
            let tier = if t < a.shares[0] {
                Tier::New
            } else if t < a.shares[0] + a.shares[1] {
                Tier::Returning
            } else {
                Tier::Vip
            };
            let prior = if tier == Tier::New {
                0
            } else {
                (rng.next_u64() % 4) as u32
            };
            Contact {
                text,
                id: format!("c{i}"),
                tier,
                prior,
                industry: texts[text as usize].1.unwrap_or(a.industry),
                at,
            }
        })
        .collect();
    contacts.sort_by(|a, b| a.at.total_cmp(&b.at));
    Day {
        texts: texts.into_iter().map(|t| t.0).collect(),
        contacts,
    }
}

/// The route the engine gave without queue state.
#[derive(Clone, Copy)]
struct First {
    channel: Channel,
    group: u32,
    variant: u16,
}

/// The engine as the simulation's router.
struct EngineRouter<'d> {
    engine: &'d Engine,
    day: &'d Day,
    first: Vec<First>,
    groups: Vec<String>,
    scratch: Scratch,
    lane_default: u8,
    retriaged: u64,
}

impl Router for EngineRouter<'_> {
    fn route(&mut self, i: usize, snapshot: &QueueSnapshot, _: f64) -> Routed<'_> {
        let f = self.first[i];
        let to_queue = matches!(f.channel, Channel::HumanChat | Channel::DedicatedAgent);
        if !to_queue {
            return match f.channel {
                Channel::AiAssistant => Routed::Ai {
                    group: &self.groups[f.group as usize],
                    priority: self.lane_default,
                },
                Channel::PhoneCallback => Routed::Callback,
                Channel::Ticket => Routed::Ticket,
                _ => Routed::Elsewhere,
            };
        }
        // A human queue: the engine decides again with the live state
        // (overflow, the wait limit, the dedicated agents online).
        self.retriaged += 1;
        let inquiry = self.day.inquiry(i).queue(snapshot);
        let d = self.engine.triage_with(&mut self.scratch, &inquiry);
        let r = &d.route;
        match r.channel {
            Channel::HumanChat => Routed::Queue {
                group: &r.skill_group,
                priority: r.priority,
            },
            Channel::DedicatedAgent => Routed::Queue {
                group: "dedicated",
                priority: r.priority,
            },
            Channel::AiAssistant => Routed::Ai {
                group: &r.skill_group,
                priority: self.lane_default,
            },
            Channel::PhoneCallback => Routed::Callback,
            Channel::Ticket => Routed::Ticket,
            _ => Routed::Elsewhere,
        }
    }
}

/// One policy's run.
pub struct Run {
    pub name: String,
    /// The figures, as printed with `--json`.
    pub summary: Value,
    pub series: chart::Series,
}

/// What the report calls the customers outside every gray-release variant.
const BASE: &str = "base";

fn run() -> Result<(), String> {
    let a = parse_args()?;
    let roster_text = std::fs::read_to_string(&a.roster)
        .map_err(|e| format!("{}: cannot read: {e}", a.roster.display()))?;
    let mut roster = Roster::from_json_str(&a.roster.display().to_string(), &roster_text)?;
    roster.scale_agents(a.roster_scale);

    let mut engines: Vec<(String, Engine)> = Vec::new();
    if a.policies.is_empty() {
        engines.push(("shipped".to_string(), Engine::default()));
    }
    for p in &a.policies {
        if p.as_os_str() == "shipped" {
            engines.push(("shipped".to_string(), Engine::default()));
            continue;
        }
        let engine = Engine::builder()
            .policy_path(p)
            .build()
            .map_err(|e| e.to_string())?;
        let name = p.file_stem().map_or(p.display().to_string(), |s| {
            s.to_string_lossy().into_owned()
        });
        engines.push((name, engine));
    }
    let clock = Instant::now();
    let day = match &a.input {
        Some(path) => read_input(path)?,
        None => generate(&a, engines[0].1.policy()),
    };
    eprintln!(
        "simulate: {} inquiries ({}), made in {:.2} s",
        day.contacts.len(),
        a.input
            .as_ref()
            .map_or("generated".to_string(), |p| p.display().to_string()),
        clock.elapsed().as_secs_f64()
    );

    let mut runs = Vec::new();
    for (name, engine) in &engines {
        runs.push(simulate(name, engine, &day, &roster, &a)?);
    }
    if a.json {
        for r in &runs {
            println!("{}", r.summary);
        }
    } else {
        for r in &runs {
            print_tables(&r.summary);
        }
        if runs.len() > 1 {
            print_difference(&runs);
        }
    }
    if let Some(path) = &a.svg {
        let series: Vec<chart::Series> = runs.into_iter().map(|r| r.series).collect();
        chart::write_svg(path, &series)?;
        eprintln!("simulate: chart written to {}", path.display());
    }
    Ok(())
}

pub fn simulate(
    name: &str,
    engine: &Engine,
    day: &Day,
    roster: &Roster,
    a: &Args,
) -> Result<Run, String> {
    let policy = engine.policy();
    // The report names the customers outside every variant `base`; a
    // variant of that name would be counted with them.
    if let Some(i) = policy.variants.iter().position(|v| v.name == BASE) {
        return Err(format!(
            "{name}: variants[{i}] is named {BASE:?}, which the simulator's report keeps for the \
             customers outside every variant; rename it"
        ));
    }
    let clock = Instant::now();
    // 1. Classify and route everything, in chunks, keeping the route only.
    let mut group_ids: HashMap<String, u32> = HashMap::new();
    let mut groups: Vec<String> = Vec::new();
    let mut variants: Vec<String> = vec![BASE.to_string()];
    let mut first = Vec::with_capacity(day.contacts.len());
    let mut starts = 0;
    while starts < day.contacts.len() {
        let end = (starts + CHUNK).min(day.contacts.len());
        let inquiries: Vec<Inquiry<'_>> = (starts..end).map(|i| day.inquiry(i)).collect();
        for d in engine.triage_batch(&inquiries, a.threads) {
            let group = *group_ids
                .entry(d.route.skill_group.to_string())
                .or_insert_with(|| {
                    groups.push(d.route.skill_group.to_string());
                    groups.len() as u32 - 1
                });
            let variant = match &d.variant {
                None => 0,
                Some(v) => match variants.iter().position(|x| x == v) {
                    Some(i) => i,
                    None => {
                        variants.push(v.to_string());
                        variants.len() - 1
                    }
                },
            };
            first.push(First {
                channel: d.route.channel,
                group,
                variant: variant as u16,
            });
        }
        starts = end;
    }
    let triage_s = clock.elapsed().as_secs_f64();

    // 2. The day in the contact centre.
    let arrivals: Vec<Arrival> = day
        .contacts
        .iter()
        .zip(&first)
        .map(|(c, f)| Arrival {
            at: c.at,
            tier: match c.tier {
                Tier::Returning => TierKind::Returning,
                Tier::Vip => TierKind::Vip,
                _ => TierKind::New,
            },
            variant: f.variant,
        })
        .collect();
    let mut all_groups: Vec<&str> = engine.skill_groups();
    all_groups.push("dedicated");
    let settings = Settings {
        utc_offset_minutes: policy.utc_offset_minutes,
        aging: Some(policy.aging.clone()),
        seed: a.seed,
    };
    let mut router = EngineRouter {
        engine,
        day,
        first,
        groups,
        scratch: engine.scratch(),
        lane_default: policy.priority.lane_default,
        retriaged: 0,
    };
    let report = sim::run(&arrivals, roster, &all_groups, &mut router, settings);
    let total_s = clock.elapsed().as_secs_f64();
    eprintln!(
        "simulate: {name}: {} inquiries triaged in {triage_s:.2} s, {} routed again with the live \
         queue, {} events, {total_s:.2} s in all",
        arrivals.len(),
        router.retriaged,
        report.events
    );
    Ok(summarize(name, &arrivals, &variants, &report, policy))
}

/// Mean and 90th percentile of `waits` (0, 0 when empty).
fn mean_p90(waits: &mut [f64]) -> (f64, f64) {
    if waits.is_empty() {
        return (0.0, 0.0);
    }
    let mean = waits.iter().sum::<f64>() / waits.len() as f64;
    waits.sort_by(f64::total_cmp);
    let i = ((waits.len() as f64 * 0.9).ceil() as usize).clamp(1, waits.len()) - 1;
    (mean, waits[i])
}

fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

/// The headline figures of a set of contacts.
fn figures(report: &sim::Report, keep: &dyn Fn(usize) -> bool) -> Value {
    let (mut contacts, mut contained, mut human, mut within, mut abandoned) = (0u64, 0, 0, 0, 0);
    let (mut callbacks, mut tickets, mut unserved, mut elsewhere) = (0u64, 0, 0, 0);
    let mut waits = Vec::new();
    for (i, o) in report.outcomes.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        contacts += 1;
        match o.fate {
            Fate::AiContained => contained += 1,
            Fate::Callback => callbacks += 1,
            Fate::Ticket => tickets += 1,
            Fate::Elsewhere => elsewhere += 1,
            Fate::Abandoned => abandoned += 1,
            Fate::Unserved => unserved += 1,
            Fate::Answered => {
                if o.wait <= SERVICE_LEVEL_S {
                    within += 1;
                }
            }
        }
        if o.queued {
            human += 1;
            waits.push(o.wait);
        }
    }
    let share = |n: u64, of: u64| {
        if of == 0 {
            0.0
        } else {
            round(n as f64 / of as f64, 4)
        }
    };
    let (mean, p90) = mean_p90(&mut waits);
    json!({
        "contacts": contacts,
        "ai_contained": share(contained, contacts),
        "human_contacts": human,
        "service_level_20s": share(within, human),
        "mean_wait_s": round(mean, 1),
        "p90_wait_s": round(p90, 1),
        "abandoned": share(abandoned, human),
        "unserved": unserved,
        "callbacks": callbacks,
        "tickets": tickets,
        "elsewhere": elsewhere,
    })
}

fn summarize(
    name: &str,
    arrivals: &[Arrival],
    variants: &[String],
    report: &sim::Report,
    policy: &Policy,
) -> Run {
    let mut summary = figures(report, &|_| true);
    let mut by_lane = serde_json::Map::new();
    for (lane, tier) in [
        ("new", TierKind::New),
        ("returning", TierKind::Returning),
        ("vip", TierKind::Vip),
    ] {
        let mut waits: Vec<f64> = report
            .outcomes
            .iter()
            .zip(arrivals)
            .filter(|(o, a)| o.queued && a.tier == tier)
            .map(|(o, _)| o.wait)
            .collect();
        let (mean, p90) = mean_p90(&mut waits);
        by_lane.insert(
            lane.to_string(),
            json!({"human_contacts": waits.len(), "mean_wait_s": round(mean, 1), "p90_wait_s": round(p90, 1)}),
        );
    }
    let mut by_group = serde_json::Map::new();
    for (gi, g) in report.groups.iter().enumerate() {
        let mut waits: Vec<f64> = report
            .outcomes
            .iter()
            .filter(|o| o.queued && o.group == gi as u32)
            .map(|o| o.wait)
            .collect();
        if waits.is_empty() && g.online_seconds == 0.0 {
            continue;
        }
        let (mean, _) = mean_p90(&mut waits);
        let occupancy = if g.online_seconds > 0.0 {
            round((g.busy_seconds / g.online_seconds).min(1.0), 3)
        } else {
            0.0
        };
        by_group.insert(
            g.name.clone(),
            json!({"contacts": waits.len(), "mean_wait_s": round(mean, 1), "occupancy": occupancy}),
        );
    }
    // Per half hour: arrivals, time-averaged queue length, mean wait of
    // the contacts that joined a queue in it.
    let mut wait_sum = vec![(0.0f64, 0u64); report.half_hours.len()];
    let first = report.half_hours.first().map_or(0.0, |h| h.start);
    for o in report.outcomes.iter().filter(|o| o.queued) {
        let i = ((o.queued_at - first) / 1800.0).floor().max(0.0) as usize;
        // A handoff after the last arrival may fall past the last bucket.
        if wait_sum.len() <= i {
            wait_sum.resize(i + 1, (0.0, 0));
        }
        wait_sum[i].0 += o.wait;
        wait_sum[i].1 += 1;
    }
    let offset = f64::from(policy.utc_offset_minutes) * 60.0;
    let label = |t: f64| {
        let tod = (t + offset).rem_euclid(86_400.0);
        let days = ((t + offset - (first + offset - (first + offset).rem_euclid(86_400.0)))
            / 86_400.0)
            .floor() as i64;
        let hhmm = format!(
            "{:02}:{:02}",
            (tod / 3600.0) as u32,
            ((tod % 3600.0) / 60.0) as u32
        );
        if days > 0 {
            format!("+{days}d {hhmm}")
        } else {
            hhmm
        }
    };
    let mut by_half_hour = Vec::new();
    let mut series = chart::Series {
        policy: name.to_string(),
        half_hours: Vec::new(),
    };
    for (h, w) in report.half_hours.iter().zip(&wait_sum) {
        let queue = h.waiting_seconds / 1800.0;
        let mean = (w.1 > 0).then(|| w.0 / w.1 as f64);
        by_half_hour.push(json!({
            "start": label(h.start),
            "arrivals": h.arrivals,
            "queue_length": round(queue, 2),
            "mean_wait_s": mean.map(|m| round(m, 1)),
        }));
        series.half_hours.push((label(h.start), queue, mean));
    }
    let obj = summary.as_object_mut().expect("an object");
    let mut ordered = serde_json::Map::new();
    ordered.insert("policy".into(), json!(name));
    ordered.extend(std::mem::take(obj));
    ordered.insert("by_lane".into(), Value::Object(by_lane));
    ordered.insert("by_group".into(), Value::Object(by_group));
    if variants.len() > 1 {
        let mut by_variant = serde_json::Map::new();
        for (vi, v) in variants.iter().enumerate() {
            by_variant.insert(
                v.clone(),
                figures(report, &|i| arrivals[i].variant == vi as u16),
            );
        }
        ordered.insert("by_variant".into(), Value::Object(by_variant));
    }
    ordered.insert("by_half_hour".into(), Value::Array(by_half_hour));
    Run {
        name: name.to_string(),
        summary: Value::Object(ordered),
        series,
    }
}

fn print_tables(s: &Value) {
    let f = |k: &str| s[k].to_string();
    println!("\n## policy {}\n", s["policy"].as_str().unwrap_or(""));
    println!(
        "| contacts | AI contained | human contacts | answered ≤ 20 s | mean wait | p90 wait | abandoned | unserved | callbacks | tickets |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {} | {} s | {} s | {} | {} | {} | {} |",
        f("contacts"),
        f("ai_contained"),
        f("human_contacts"),
        f("service_level_20s"),
        f("mean_wait_s"),
        f("p90_wait_s"),
        f("abandoned"),
        f("unserved"),
        f("callbacks"),
        f("tickets")
    );
    println!("\n| lane | human contacts | mean wait | p90 wait |\n|---|---|---|---|");
    for lane in ["new", "returning", "vip"] {
        let l = &s["by_lane"][lane];
        println!(
            "| {lane} | {} | {} s | {} s |",
            l["human_contacts"], l["mean_wait_s"], l["p90_wait_s"]
        );
    }
    println!("\n| skill group | contacts | mean wait | occupancy |\n|---|---|---|---|");
    if let Some(groups) = s["by_group"].as_object() {
        for (g, v) in groups {
            println!(
                "| {g} | {} | {} s | {} |",
                v["contacts"], v["mean_wait_s"], v["occupancy"]
            );
        }
    }
    if let Some(variants) = s["by_variant"].as_object() {
        println!(
            "\n| variant | contacts | AI contained | answered ≤ 20 s | mean wait | abandoned |\n|---|---|---|---|---|---|"
        );
        for (v, x) in variants {
            println!(
                "| {v} | {} | {} | {} | {} s | {} |",
                x["contacts"],
                x["ai_contained"],
                x["service_level_20s"],
                x["mean_wait_s"],
                x["abandoned"]
            );
        }
    }
    println!("\n| half hour | arrivals | queue length | mean wait |\n|---|---|---|---|");
    if let Some(hours) = s["by_half_hour"].as_array() {
        for h in hours {
            println!(
                "| {} | {} | {} | {} |",
                h["start"].as_str().unwrap_or(""),
                h["arrivals"],
                h["queue_length"],
                match h["mean_wait_s"].as_f64() {
                    Some(w) => format!("{w} s"),
                    None => "–".to_string(),
                }
            );
        }
    }
}

fn print_difference(runs: &[Run]) {
    let base = &runs[0];
    println!("\n## difference to {}\n", base.name);
    let keys = [
        "ai_contained",
        "human_contacts",
        "service_level_20s",
        "mean_wait_s",
        "p90_wait_s",
        "abandoned",
        "unserved",
        "callbacks",
        "tickets",
    ];
    println!("| policy | {} |", keys.join(" | "));
    println!("|---|{}", "---|".repeat(keys.len()));
    for r in &runs[1..] {
        let cells: Vec<String> = keys
            .iter()
            .map(|k| {
                let (x, y) = (
                    r.summary[k].as_f64().unwrap_or(0.0),
                    base.summary[k].as_f64().unwrap_or(0.0),
                );
                format!("{:+}", round(x - y, 4))
            })
            .collect();
        println!("| {} | {} |", r.name, cells.join(" | "));
    }
}
