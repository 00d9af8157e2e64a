//! The contact-centre simulation behind `examples/simulate.rs` agrees with
//! the queueing theory where the theory applies, and follows the policy's
//! priorities, aging and roster where it does not.

// The model alone, driven by trivial routers; it is the simulator's own
// copy (`examples/common/sim.rs`, included by `examples/simulate.rs`).
use simulate::sim;

use kefu_triage::queue::{erlang_a, erlang_c};
use kefu_triage::{Aging, QueueSnapshot};
use sim::{Arrival, Fate, Roster, Routed, Router, Settings, TierKind};

/// Every contact to one group at one priority.
struct OneGroup(u8);

impl Router for OneGroup {
    fn route(&mut self, _: usize, _: &QueueSnapshot, _: f64) -> Routed<'_> {
        Routed::Queue {
            group: "g",
            priority: self.0,
        }
    }
}

fn roster(agents: u32, aht: f64, patience: Option<f64>) -> Roster {
    let patience = patience.map_or(String::new(), |p| format!("\"patience_seconds\": {p},"));
    let json = format!(
        r#"{{"format": "kefu-triage roster v1", {patience}
            "groups": {{"g": {{"agents": {{"00:00": {agents}}},
                               "handle": {{"mean_seconds": {aht}}}}}}}}}"#
    );
    Roster::from_json_str("test.json", &json).unwrap()
}

fn poisson(rate: f64, n: usize, seed: u64) -> Vec<Arrival> {
    let mut rng = sim::Rng::new(seed);
    let mut t = 1_000_000.0;
    (0..n)
        .map(|_| {
            t += rng.exp_mean(1.0 / rate);
            Arrival {
                at: t,
                tier: TierKind::Returning,
                variant: 0,
            }
        })
        .collect()
}

/// Mean of `f` over contacts after a 5% warm-up, and the half-width of
/// its 99% confidence interval from 20 batch means.
fn batch_mean(values: &[f64]) -> (f64, f64) {
    let rest = &values[values.len() / 20..];
    let size = rest.len() / 20;
    let means: Vec<f64> = rest
        .chunks_exact(size)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect();
    let n = means.len() as f64;
    let mean = means.iter().sum::<f64>() / n;
    let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (n - 1.0);
    // Student's t, 19 degrees of freedom, two-sided 99%.
    (mean, 2.861 * (var / n).sqrt())
}

#[test]
fn one_group_agrees_with_erlang_c() {
    // 60 Erlangs on 65 agents: 92% busy.
    let (rate, aht, agents) = (0.5, 120.0, 65);
    let arrivals = poisson(rate, 200_000, 11);
    let report = sim::run(
        &arrivals,
        &roster(agents, aht, None),
        &["g"],
        &mut OneGroup(3),
        Settings::default(),
    );
    assert!(report.outcomes.iter().all(|o| o.fate == Fate::Answered));
    let waits: Vec<f64> = report.outcomes.iter().map(|o| o.wait).collect();
    let (mean, half) = batch_mean(&waits);
    let m = erlang_c(rate, aht, agents);
    let w = m.mean_wait_s.unwrap();
    assert!(
        (mean - w).abs() <= half,
        "simulated {mean:.2} ± {half:.2} s, Erlang C {w:.2} s"
    );
    let within: Vec<f64> = waits
        .iter()
        .map(|&x| f64::from(u8::from(x <= 20.0)))
        .collect();
    let (sl, sl_half) = batch_mean(&within);
    let theory = m.service_level(20.0);
    assert!(
        (sl - theory).abs() <= sl_half,
        "{sl:.4} ± {sl_half:.4} vs {theory:.4}"
    );
    // Occupancy is the offered load over the agents.
    let g = &report.groups[0];
    let occupancy = g.busy_seconds / g.online_seconds;
    assert!((occupancy - 60.0 / 65.0).abs() < 0.01, "{occupancy}");
}

#[test]
fn impatient_customers_agree_with_erlang_a() {
    // 60 Erlangs on 58 agents: overloaded without abandonment, held
    // stable by a 2-minute patience.
    let (rate, aht, agents, patience) = (1.0, 60.0, 58, 120.0);
    let arrivals = poisson(rate, 200_000, 12);
    let report = sim::run(
        &arrivals,
        &roster(agents, aht, Some(patience)),
        &["g"],
        &mut OneGroup(3),
        Settings::default(),
    );
    let waits: Vec<f64> = report.outcomes.iter().map(|o| o.wait).collect();
    let gave_up: Vec<f64> = report
        .outcomes
        .iter()
        .map(|o| f64::from(u8::from(o.fate == Fate::Abandoned)))
        .collect();
    let m = erlang_a(rate, aht, agents, patience);
    let (mean, half) = batch_mean(&waits);
    let w = m.mean_wait_s.unwrap();
    assert!(
        (mean - w).abs() <= half,
        "simulated {mean:.2} ± {half:.2} s, Erlang A {w:.2} s"
    );
    let (ab, ab_half) = batch_mean(&gave_up);
    assert!(
        (ab - m.p_abandon).abs() <= ab_half,
        "{ab:.4} ± {ab_half:.4} vs {:.4}",
        m.p_abandon
    );
}

/// Two priorities on one overloaded group: the high one waits far less,
/// and with aging nobody waits past the aging maximum by much.
#[test]
fn priorities_and_aging() {
    struct Alternate;
    impl Router for Alternate {
        fn route(&mut self, i: usize, _: &QueueSnapshot, _: f64) -> Routed<'_> {
            Routed::Queue {
                group: "g",
                priority: if i.is_multiple_of(4) { 8 } else { 3 },
            }
        }
    }
    let arrivals = poisson(1.0, 20_000, 13);
    let r = roster(50, 60.0, Some(600.0));
    let mean_wait = |report: &sim::Report, high: bool| {
        let w: Vec<f64> = report
            .outcomes
            .iter()
            .enumerate()
            .filter(|(i, _)| i.is_multiple_of(4) == high)
            .map(|(_, o)| o.wait)
            .collect();
        w.iter().sum::<f64>() / w.len() as f64
    };
    let plain = sim::run(&arrivals, &r, &["g"], &mut Alternate, Settings::default());
    let (high, low) = (mean_wait(&plain, true), mean_wait(&plain, false));
    assert!(high * 5.0 < low, "high {high:.1} s, low {low:.1} s");
    let aged = Settings {
        aging: Some(Aging::new(30, 150)),
        ..Settings::default()
    };
    let with_aging = sim::run(&arrivals, &r, &["g"], &mut Alternate, aged);
    let (high_aged, low_aged) = (mean_wait(&with_aging, true), mean_wait(&with_aging, false));
    assert!(high_aged > high && low_aged < low, "{high_aged} {low_aged}");
    // Deterministic for a seed.
    let again = sim::run(&arrivals, &r, &["g"], &mut Alternate, Settings::default());
    assert!(
        again
            .outcomes
            .iter()
            .zip(&plain.outcomes)
            .all(|(a, b)| a.wait == b.wait && a.fate == b.fate)
    );
}

/// The snapshot a router sees counts waiting contacts at their aged
/// priority, as a live tracker reports them, and every waiting contact
/// exactly once.
#[test]
fn the_snapshot_counts_waiting_contacts_at_their_aged_priority() {
    /// Routes everyone at priority 1 and records, at each arrival, how
    /// many are waiting in all and at priority 5 or above.
    struct Record(Vec<(u32, u32)>);
    impl Router for Record {
        fn route(&mut self, _: usize, s: &QueueSnapshot, _: f64) -> Routed<'_> {
            let g = &s.groups[0];
            let all = g.waiting.iter().map(|w| w.count).sum();
            let high = g
                .waiting
                .iter()
                .filter(|w| w.priority >= 5)
                .map(|w| w.count)
                .sum();
            self.0.push((all, high));
            Routed::Queue {
                group: "g",
                priority: 1,
            }
        }
    }
    // Overloaded: 1 arrival per second, 20 agents of 60 s (1/3 s⁻¹), so
    // the queue grows and the oldest wait minutes.
    let arrivals = poisson(1.0, 3_000, 5);
    let r = roster(20, 60.0, None);
    let run = |settings: Settings| {
        let mut rec = Record(Vec::new());
        let report = sim::run(&arrivals, &r, &["g"], &mut rec, settings);
        (rec.0, report)
    };
    let (plain, _) = run(Settings::default());
    assert!(plain.iter().all(|&(_, high)| high == 0));
    let (aged, report) = run(Settings {
        aging: Some(Aging::new(30, 0)),
        ..Settings::default()
    });
    // Counts add up: a contact is counted once, whatever its level.
    assert_eq!(
        plain.iter().map(|p| p.0).collect::<Vec<_>>(),
        aged.iter().map(|p| p.0).collect::<Vec<_>>(),
        "aging must not change who waits when all share one base priority"
    );
    // Late in the run, most of the queue has waited over 2 minutes
    // (four aging steps): it shows at priority 5 or above.
    let (all, high) = aged[2_900];
    assert!(all > 500 && high * 2 > all, "{high} of {all} aged");
    assert!(report.outcomes.iter().all(|o| o.fate != Fate::Abandoned));
}

/// Agents follow the roster through the day; contacts for a group nobody
/// staffs are unserved or give up; callbacks and the AI are counted.
#[test]
fn roster_shifts_handoffs_and_unstaffed_groups() {
    let json = r#"{"format": "kefu-triage roster v1", "ai_handoff_share": 0.5, "ai_seconds": 60,
        "groups": {"day": {"agents": {"00:00": 0, "09:00": 5, "18:00": 0},
                           "handle": {"mean_seconds": 60, "distribution": "lognormal", "cv": 0.8}}}}"#;
    let r = Roster::from_json_str("r.json", json).unwrap();
    struct Mixed;
    impl Router for Mixed {
        fn route(&mut self, i: usize, _: &QueueSnapshot, _: f64) -> Routed<'_> {
            match i % 4 {
                0 => Routed::Ai {
                    group: "day",
                    priority: 3,
                },
                1 => Routed::Queue {
                    group: "day",
                    priority: 3,
                },
                2 => Routed::Queue {
                    group: "nobody",
                    priority: 3,
                },
                _ => Routed::Callback,
            }
        }
    }
    // One contact a minute from 08:00 to 10:00 UTC (offset 0).
    let day = 20_000.0 * 86_400.0;
    let arrivals: Vec<Arrival> = (0..120)
        .map(|i| Arrival {
            at: day + 8.0 * 3600.0 + 60.0 * f64::from(i),
            tier: TierKind::New,
            variant: 0,
        })
        .collect();
    let report = sim::run(&arrivals, &r, &["day"], &mut Mixed, Settings::default());
    let o = &report.outcomes;
    // Before 09:00 nobody answers; the 08:00 contact waits until then.
    assert_eq!(o[1].fate, Fate::Answered);
    assert!((o[1].wait - (3600.0 - 60.0)).abs() < 1e-6, "{}", o[1].wait);
    assert!(
        o.iter()
            .skip(2)
            .step_by(4)
            .all(|x| x.fate == Fate::Unserved)
    );
    assert!(
        o.iter()
            .skip(3)
            .step_by(4)
            .all(|x| x.fate == Fate::Callback)
    );
    let ai: Vec<_> = o.iter().step_by(4).collect();
    let handed = ai.iter().filter(|x| x.queued).count();
    assert!(handed > 5 && handed < 25, "{handed} of 30");
    assert!(ai.iter().all(|x| x.queued == (x.fate != Fate::AiContained)));
    let day_group = report.groups.iter().find(|g| g.name == "day").unwrap();
    // Five agents from 09:00 until the last contact leaves, near 10:00.
    let hours = day_group.online_seconds / 5.0 / 3600.0;
    assert!((0.9..1.5).contains(&hours), "{hours}");
    assert!(report.half_hours.len() >= 4);
    assert_eq!(
        report.half_hours.iter().map(|h| h.arrivals).sum::<u64>(),
        120
    );
}

#[test]
fn roster_errors_name_file_line_and_field() {
    let cases = [
        (
            r#"{"format": "v0", "groups": {}}"#,
            "r.json:1: invalid roster: format = \"v0\"",
        ),
        (
            "{\"format\": \"kefu-triage roster v1\",\n \"ai_handoff_share\": 1.5, \"groups\": {}}",
            "r.json:2: invalid roster: ai_handoff_share = 1.5 (allowed 0..=1)",
        ),
        (
            "{\"format\": \"kefu-triage roster v1\",\n\"groups\": {\n\"g\": {\"agents\": {\"25:00\": 3}, \"handle\": {\"mean_seconds\": 60}}}}",
            "r.json:3: invalid roster: groups.g.agents: \"25:00\" is not a time HH:MM",
        ),
        (
            "{\"format\": \"kefu-triage roster v1\",\n\"groups\": {\n\"g\": {\"agents\": {\"00:00\": 3}, \"handle\": {\"mean_seconds\": 60, \"distribution\": \"gamma\"}}}}",
            "r.json:3: invalid roster: groups.g.handle.distribution = \"gamma\"",
        ),
        (
            "{\"format\": \"kefu-triage roster v1\", \"groups\": {}, \"agnets\": 1}",
            "unknown field `agnets`",
        ),
        ("", "r.json:1: invalid roster"),
    ];
    for (text, want) in cases {
        let e = Roster::from_json_str("r.json", text).unwrap_err();
        assert!(e.contains(want), "{e}\nwanted: {want}");
    }
}

// The simulator end to end: the engine routes, the model replays.
#[allow(dead_code, unused_imports, clippy::duplicate_mod)]
#[path = "../examples/simulate.rs"]
mod simulate;

fn replay(
    policy_json: Option<&str>,
    roster_json: &str,
    tweak: impl Fn(&mut simulate::Args),
) -> serde_json::Value {
    let engine = match policy_json {
        Some(text) => kefu_triage::Engine::builder()
            .policy(kefu_triage::Policy::from_json_str("p.json", text).unwrap())
            .build()
            .unwrap(),
        None => kefu_triage::Engine::default(),
    };
    let roster = simulate::sim::Roster::from_json_str("r.json", roster_json).unwrap();
    let mut args = simulate::Args {
        generate: 3_000,
        threads: 2,
        ..simulate::Args::default()
    };
    tweak(&mut args);
    let day = simulate::generate(&args, engine.policy());
    simulate::simulate("p", &engine, &day, &roster, &args)
        .unwrap()
        .summary
}

fn staffed(agents: u32) -> String {
    staffed_with(agents, 200)
}

fn staffed_with(agents: u32, handle: u32) -> String {
    format!(
        r#"{{"format": "kefu-triage roster v1", "patience_seconds": 300, "ai_handoff_share": 0.1,
            "groups": {{"*": {{"agents": {{"00:00": {agents}}}, "handle": {{"mean_seconds": {handle}}}}}}}}}"#
    )
}

#[test]
fn replayed_day_adds_up_and_is_deterministic() {
    let s = replay(None, &staffed(3), |_| {});
    assert_eq!(s["contacts"], 3_000);
    let human = s["human_contacts"].as_u64().unwrap();
    let by_lane: u64 = ["new", "returning", "vip"]
        .iter()
        .map(|l| s["by_lane"][l]["human_contacts"].as_u64().unwrap())
        .sum();
    assert_eq!(by_lane, human);
    let by_group: u64 = s["by_group"]
        .as_object()
        .unwrap()
        .values()
        .map(|g| g["contacts"].as_u64().unwrap())
        .sum();
    assert_eq!(by_group, human);
    let arrivals: u64 = s["by_half_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["arrivals"].as_u64().unwrap())
        .sum();
    assert_eq!(arrivals, 3_000);
    let contained = s["ai_contained"].as_f64().unwrap();
    assert!(contained > 0.1 && contained < 0.9, "{contained}");
    assert_eq!(replay(None, &staffed(3), |_| {}), s);
    assert_ne!(replay(None, &staffed(3), |a| a.seed = 2), s);
}

/// Local life disables the AI assistant: nobody stays with it.
#[test]
fn disabled_channels_are_respected() {
    let s = replay(None, &staffed(3), |a| {
        a.industry = kefu_triage::Industry::LocalLife;
        a.shares = [1.0, 0.0, 0.0];
    });
    // Sample lines that name another industry keep it; all others are
    // local life, where every new customer goes to a human.
    let contained = s["ai_contained"].as_f64().unwrap();
    assert!(contained < 0.02, "{contained}");
    let e = replay(None, &staffed(3), |a| a.shares = [1.0, 0.0, 0.0]);
    assert!(e["ai_contained"].as_f64().unwrap() > 0.3, "{e}");
}

/// Past the industry's wait limit the engine offers a callback: a thin
/// roster gets many, a deep one none; more agents mean shorter waits.
#[test]
fn callbacks_past_the_wait_limit_and_staffing() {
    let thin = replay(None, &staffed_with(1, 1_500), |_| {});
    let deep = replay(None, &staffed(200), |_| {});
    assert!(
        thin["callbacks"].as_u64().unwrap() > 50,
        "{}",
        thin["callbacks"]
    );
    assert_eq!(deep["callbacks"], 0);
    assert!(
        deep["mean_wait_s"].as_f64().unwrap() < 1.0,
        "{}",
        deep["mean_wait_s"]
    );
    assert!(thin["mean_wait_s"].as_f64().unwrap() > 30.0);
    assert!(
        thin["service_level_20s"].as_f64().unwrap() < deep["service_level_20s"].as_f64().unwrap()
    );
}

/// A gray-release variant is replayed as such and reported apart.
#[test]
fn variants_are_reported_apart() {
    let policy = r#"{"format": "kefu-triage policy v1",
        "variants": [{"name": "strict", "percent": 30, "overrides": {"escalate_negativity": 0.3}}]}"#;
    let s = replay(Some(policy), &staffed(3), |_| {});
    let v = s["by_variant"].as_object().expect("by_variant");
    let (base, strict) = (&v["base"], &v["strict"]);
    let n = base["contacts"].as_u64().unwrap() + strict["contacts"].as_u64().unwrap();
    assert_eq!(n, 3_000);
    let share = strict["contacts"].as_f64().unwrap() / 3_000.0;
    assert!((share - 0.3).abs() < 0.04, "{share}");
    // Escalating at 0.3 sends more of the new customers to a human.
    assert!(strict["ai_contained"].as_f64().unwrap() < base["ai_contained"].as_f64().unwrap());
}

#[test]
fn a_variant_named_like_the_base_bucket_is_an_error() {
    let text = r#"{"format": "kefu-triage policy v1",
        "variants": [{"name": "base", "percent": 10, "overrides": {"negativity_threshold": 0.6}}]}"#;
    let engine = kefu_triage::Engine::builder()
        .policy(kefu_triage::Policy::from_json_str("p.json", text).unwrap())
        .build()
        .unwrap();
    let roster = simulate::sim::Roster::from_json_str("r.json", &staffed(20)).unwrap();
    let args = simulate::Args {
        generate: 100,
        ..simulate::Args::default()
    };
    let day = simulate::generate(&args, engine.policy());
    let Err(err) = simulate::simulate("p", &engine, &day, &roster, &args) else {
        panic!("a variant named \"base\" was accepted");
    };
    assert!(
        err.contains("variants[0]") && err.contains("\"base\""),
        "{err}"
    );
}
