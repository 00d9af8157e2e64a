//! The discrete-event model of a contact centre behind
//! `examples/simulate.rs`: skill groups with agents rostered per time of
//! day, priority queues with aging, handle times and patience drawn from
//! the roster's distributions, AI conversations of which a share still
//! ends with a human. Who goes where is decided by a [`Router`] — in the
//! simulator, the engine itself, shown the live queue state — so overflow,
//! callbacks past the wait limit and disabled channels behave exactly as
//! the policy says. No engine types are needed here, so the queueing tests
//! (`tests/simulate.rs`) drive it with a trivial router.

#![allow(dead_code)]

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};

use kefu_triage::{Aging, GroupState, QueueSnapshot, Waiting};
use serde::Deserialize;

/// The roster file's header value.
pub const ROSTER_FORMAT: &str = "kefu-triage roster v1";

/// Handle-time distribution of a skill group.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HandleTime {
    /// Mean handle time in seconds (> 0).
    pub mean_seconds: f64,
    /// `exponential` (the Erlang models' assumption) or `lognormal` (what
    /// contact centres measure; needs `cv`).
    #[serde(default = "exponential")]
    pub distribution: String,
    /// Coefficient of variation (standard deviation / mean) of a
    /// lognormal handle time.
    #[serde(default)]
    pub cv: f64,
}

fn exponential() -> String {
    "exponential".to_string()
}

/// One skill group's staffing.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GroupRoster {
    /// Agents logged in from each local time ("HH:MM") until the next
    /// entry; the last entry of the day holds past midnight until the
    /// first.
    pub agents: BTreeMap<String, u32>,
    /// Handle times.
    pub handle: HandleTime,
    /// Mean patience in seconds of this group's waiting customers
    /// (exponential); the roster's when absent.
    #[serde(default)]
    pub patience_seconds: Option<f64>,
}

/// The roster: agents per skill group per time of day, handle times,
/// patience, and what the AI assistant hands on.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    /// Must be [`ROSTER_FORMAT`].
    pub format: String,
    /// Mean patience in seconds (exponential) of a waiting customer before
    /// they give up; nobody gives up when absent.
    #[serde(default)]
    pub patience_seconds: Option<f64>,
    /// Share (0–1) of AI conversations that still end with a human.
    #[serde(default)]
    pub ai_handoff_share: f64,
    /// How long an AI conversation lasts before such a handoff, seconds.
    #[serde(default = "ai_seconds")]
    pub ai_seconds: f64,
    /// Skill groups by name. `"*"` applies to every group not listed
    /// (without it, an unlisted group has no agents). `"dedicated"` is the
    /// VIPs' dedicated agents (专属管家).
    pub groups: BTreeMap<String, GroupRoster>,
}

fn ai_seconds() -> f64 {
    90.0
}

impl Roster {
    /// Parses and checks a roster; errors name the file, the line where
    /// it is known, the field and the value.
    pub fn from_json_str(file: &str, text: &str) -> Result<Roster, String> {
        let roster: Roster = serde_json::from_str(text)
            .map_err(|e| format!("{file}:{}: invalid roster: {e}", e.line()))?;
        let line_of = |needle: &str| {
            text.find(needle)
                .map_or(1, |i| 1 + text[..i].matches('\n').count())
        };
        let bad = |needle: &str, what: String| {
            Err(format!(
                "{file}:{}: invalid roster: {what}",
                line_of(needle)
            ))
        };
        if roster.format != ROSTER_FORMAT {
            return bad(
                "\"format\"",
                format!("format = {:?}, expected {ROSTER_FORMAT:?}", roster.format),
            );
        }
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if let Some(p) = roster.patience_seconds
            && !positive(p)
        {
            return bad(
                "\"patience_seconds\"",
                format!("patience_seconds = {p} (allowed > 0)"),
            );
        }
        if !(0.0..=1.0).contains(&roster.ai_handoff_share) {
            return bad(
                "\"ai_handoff_share\"",
                format!(
                    "ai_handoff_share = {} (allowed 0..=1)",
                    roster.ai_handoff_share
                ),
            );
        }
        if !(roster.ai_seconds.is_finite() && roster.ai_seconds >= 0.0) {
            return bad(
                "\"ai_seconds\"",
                format!("ai_seconds = {} (allowed ≥ 0)", roster.ai_seconds),
            );
        }
        if roster.groups.is_empty() {
            return bad("\"groups\"", "groups is empty".to_string());
        }
        for (name, g) in &roster.groups {
            let at = format!("\"{name}\"");
            let h = &g.handle;
            if !positive(h.mean_seconds) {
                return bad(
                    &at,
                    format!(
                        "groups.{name}.handle.mean_seconds = {} (allowed > 0)",
                        h.mean_seconds
                    ),
                );
            }
            match h.distribution.as_str() {
                "exponential" => {}
                "lognormal" if positive(h.cv) && h.cv <= 10.0 => {}
                "lognormal" => {
                    return bad(
                        &at,
                        format!("groups.{name}.handle.cv = {} (allowed 0 < cv ≤ 10)", h.cv),
                    );
                }
                other => {
                    return bad(
                        &at,
                        format!(
                            "groups.{name}.handle.distribution = {other:?} (allowed \
                             \"exponential\", \"lognormal\")"
                        ),
                    );
                }
            }
            if let Some(p) = g.patience_seconds
                && !positive(p)
            {
                return bad(
                    &at,
                    format!("groups.{name}.patience_seconds = {p} (allowed > 0)"),
                );
            }
            if g.agents.is_empty() {
                return bad(&at, format!("groups.{name}.agents is empty"));
            }
            for time in g.agents.keys() {
                if minute_of(time).is_none() {
                    return bad(
                        &format!("\"{time}\""),
                        format!("groups.{name}.agents: {time:?} is not a time HH:MM"),
                    );
                }
            }
        }
        Ok(roster)
    }

    /// Multiplies every agent count by `factor` (rounded, at least 1 where
    /// there was any).
    pub fn scale_agents(&mut self, factor: f64) {
        for g in self.groups.values_mut() {
            for n in g.agents.values_mut() {
                if *n > 0 {
                    *n = ((f64::from(*n) * factor).round() as u32).max(1);
                }
            }
        }
    }

    fn group(&self, name: &str) -> Option<&GroupRoster> {
        self.groups.get(name).or_else(|| self.groups.get("*"))
    }
}

/// "HH:MM" → minutes after midnight.
fn minute_of(time: &str) -> Option<u32> {
    let (h, m) = time.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let digits = time
        .bytes()
        .enumerate()
        .all(|(i, b)| i == 2 || b.is_ascii_digit());
    (h < 24 && m < 60 && time.len() == 5 && digits).then_some(h * 60 + m)
}

/// Who sent a contact, for the per-lane figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierKind {
    /// A new customer.
    New,
    /// A returning customer.
    Returning,
    /// A VIP.
    Vip,
}

/// One arriving contact.
#[derive(Clone, Copy, Debug)]
pub struct Arrival {
    /// Seconds (Unix time, or any epoch; local time of day is
    /// `(at + utc_offset) mod 86,400`).
    pub at: f64,
    /// Who.
    pub tier: TierKind,
    /// The policy variant it falls in (0: the base policy).
    pub variant: u16,
}

/// Where the router sends a contact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Routed<'a> {
    /// The AI assistant; a share of these reach `group` at `priority`
    /// after the AI conversation.
    Ai {
        /// The group a handoff joins.
        group: &'a str,
        /// Its priority there.
        priority: u8,
    },
    /// A human chat queue (the dedicated agents: group `"dedicated"`).
    Queue {
        /// The skill group.
        group: &'a str,
        /// Priority, higher first.
        priority: u8,
    },
    /// A phone callback is offered instead of the chat queue.
    Callback,
    /// A ticket (online form) is offered.
    Ticket,
    /// Anything else (a phone line): counted, not simulated.
    Elsewhere,
}

/// Decides where each contact goes, seeing the live queue state.
pub trait Router {
    /// The route of contact `index` arriving at `now`.
    fn route(&mut self, index: usize, snapshot: &QueueSnapshot, now: f64) -> Routed<'_>;
}

/// Settings of one run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Local time = UTC + this many minutes.
    pub utc_offset_minutes: i32,
    /// Priority aging, as the policy's (`None`: none).
    pub aging: Option<Aging>,
    /// Seed of the random draws.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            utc_offset_minutes: 0,
            aging: None,
            seed: 1,
        }
    }
}

/// What became of one contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Stayed with the AI assistant.
    AiContained,
    /// Answered by a human after waiting.
    Answered,
    /// Gave up waiting.
    Abandoned,
    /// Still waiting when the simulation ended (no agent ever came).
    Unserved,
    /// Offered a callback.
    Callback,
    /// Offered a ticket.
    Ticket,
    /// Sent to a channel not simulated.
    Elsewhere,
}

/// One contact's outcome.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// What became of it.
    pub fate: Fate,
    /// Its skill group (index into [`Report::groups`]) when it queued.
    pub group: u32,
    /// When it joined a human queue.
    pub queued_at: f64,
    /// How long it waited for a human (to the answer, the abandonment or
    /// the end); 0 when it never queued.
    pub wait: f64,
    /// Whether it joined a human queue (directly or after the AI).
    pub queued: bool,
}

/// Per skill group totals.
#[derive(Clone, Debug, Default)]
pub struct GroupTotals {
    /// The group's name.
    pub name: String,
    /// Seconds agents were logged in, summed over agents.
    pub online_seconds: f64,
    /// Seconds agents were busy, summed over agents.
    pub busy_seconds: f64,
}

/// Per half hour totals.
#[derive(Clone, Debug, Default)]
pub struct HalfHour {
    /// Start, seconds (same epoch as the arrivals).
    pub start: f64,
    /// Contacts that arrived.
    pub arrivals: u64,
    /// Contact-seconds spent waiting in all queues (÷ 1,800: mean queue length).
    pub waiting_seconds: f64,
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Report {
    /// One per arrival, in arrival order.
    pub outcomes: Vec<Outcome>,
    /// Per skill group.
    pub groups: Vec<GroupTotals>,
    /// Per half hour from the first arrival's half hour.
    pub half_hours: Vec<HalfHour>,
    /// Events processed.
    pub events: u64,
}

/// splitmix64, with uniform and exponential draws.
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponential with this mean.
    pub fn exp_mean(&mut self, mean: f64) -> f64 {
        -self.uniform().ln() * mean
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn handle(&mut self, h: &HandleTime) -> f64 {
        if h.distribution == "lognormal" {
            let s2 = (1.0 + h.cv * h.cv).ln();
            let mu = h.mean_seconds.ln() - s2 / 2.0;
            (mu + s2.sqrt() * self.normal()).exp()
        } else {
            self.exp_mean(h.mean_seconds)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// An agent of the group finishes the contact.
    Done { group: u32, contact: u32 },
    /// A waiting contact's patience runs out.
    Patience { contact: u32 },
    /// An AI conversation ends with a handoff to a human.
    Handoff { contact: u32 },
    /// The roster changes the group's agents.
    Shift { group: u32, agents: u32 },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Waiting,
    Served,
    Left,
}

struct Group {
    roster: Option<GroupRoster>,
    patience: Option<f64>,
    online: u32,
    busy: u32,
    /// Waiting contacts by base priority, oldest first; entries that left
    /// are skipped when reached.
    queues: [VecDeque<u32>; 10],
    waiting: u32,
}

struct Sim<'r, R: Router> {
    router: &'r mut R,
    settings: Settings,
    roster: &'r Roster,
    now: f64,
    heap: BinaryHeap<Reverse<(u64, u64, Event)>>,
    seq: u64,
    /// Events in the heap other than roster shifts.
    live_events: u64,
    groups: Vec<Group>,
    names: HashMap<String, u32>,
    snapshot: QueueSnapshot,
    state: Vec<State>,
    priority: Vec<u8>,
    /// The level each waiting contact is counted at in the snapshot: its
    /// base priority when it joins, its aged priority after a refresh.
    counted: Vec<u8>,
    /// When the snapshot's aged counts are next brought up to date.
    next_refresh: f64,
    handoff: Vec<(u32, u8)>,
    out: Vec<Outcome>,
    totals: Vec<GroupTotals>,
    half_hours: Vec<HalfHour>,
    first_half_hour: f64,
    total_waiting: u32,
    events: u64,
    name_buf: String,
}

/// How often (simulated seconds) the snapshot's counts follow aging.
pub const AGED_REFRESH_SECONDS: f64 = 15.0;

/// Time as a heap key: non-negative finite floats order like their bits.
fn key(t: f64) -> u64 {
    t.max(0.0).to_bits()
}

/// Runs the contact centre over `arrivals` (sorted by time), routing each
/// with `router`, until every queue has drained or nobody is left who can
/// be served. `groups` are created up front (the snapshot has them all);
/// groups the router names later are added as they come.
pub fn run<R: Router>(
    arrivals: &[Arrival],
    roster: &Roster,
    groups: &[&str],
    router: &mut R,
    settings: Settings,
) -> Report {
    let first = arrivals.first().map_or(0.0, |a| a.at);
    let mut sim = Sim {
        router,
        settings,
        roster,
        now: first,
        heap: BinaryHeap::new(),
        seq: 0,
        live_events: 0,
        groups: Vec::new(),
        names: HashMap::new(),
        snapshot: QueueSnapshot::default(),
        state: vec![State::Pending; arrivals.len()],
        priority: vec![0; arrivals.len()],
        counted: vec![0; arrivals.len()],
        next_refresh: first,
        handoff: vec![(u32::MAX, 0); arrivals.len()],
        out: vec![
            Outcome {
                fate: Fate::Elsewhere,
                group: u32::MAX,
                queued_at: 0.0,
                wait: 0.0,
                queued: false,
            };
            arrivals.len()
        ],
        totals: Vec::new(),
        half_hours: Vec::new(),
        first_half_hour: (first / 1800.0).floor() * 1800.0,
        total_waiting: 0,
        events: 0,
        name_buf: String::new(),
    };
    let last = arrivals.last().map_or(first, |a| a.at);
    for name in groups {
        sim.group_index(name, first, last);
    }
    let mut next = 0;
    loop {
        let heap_next = sim.heap.peek().map(|Reverse((t, _, _))| f64::from_bits(*t));
        let arrival_next = arrivals.get(next).map(|a| a.at.max(sim.now));
        let take_arrival = match (arrival_next, heap_next) {
            (Some(a), Some(h)) => a <= h,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        sim.events += 1;
        if take_arrival {
            let t = arrival_next.expect("some");
            sim.advance(t);
            sim.half_hour(t).arrivals += 1;
            sim.arrive(next, last);
            next += 1;
        } else {
            let Reverse((t, _, event)) = sim.heap.pop().expect("some");
            let t = f64::from_bits(t);
            if !matches!(event, Event::Shift { .. }) {
                sim.live_events -= 1;
            }
            // Past the last arrival only shifts remain: stop when nobody
            // waits or can still be served.
            // The patience of a contact already served or gone: nothing
            // happens, and the clock does not move for it.
            if let Event::Patience { contact } = event
                && sim.state[contact as usize] != State::Waiting
            {
                continue;
            }
            if matches!(event, Event::Shift { .. })
                && next == arrivals.len()
                && sim.only_shifts_left()
            {
                break;
            }
            sim.advance(t);
            sim.handle(event);
        }
    }
    let end = sim.now;
    for (i, o) in sim.out.iter_mut().enumerate() {
        if sim.state[i] == State::Waiting {
            o.fate = Fate::Unserved;
            o.wait = end - o.queued_at;
        }
    }
    Report {
        outcomes: sim.out,
        groups: sim.totals,
        half_hours: sim.half_hours,
        events: sim.events,
    }
}

impl<R: Router> Sim<'_, R> {
    /// The random stream of one contact for one purpose (1: AI handoff,
    /// 2: patience, 3: handle time): the same contact draws the same
    /// patience and handle time under every policy, so two policies'
    /// figures differ by what the policies do, not by luck (common random
    /// numbers), whichever path (AI first or not) it took. A contact
    /// queues at most once, so each purpose is drawn at most once.
    fn draw(&self, contact: u32, purpose: u64) -> Rng {
        let mut r = Rng::new(
            self.settings.seed
                ^ (u64::from(contact) << 8 | purpose << 4).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        );
        r.next_u64();
        r
    }

    fn push(&mut self, at: f64, event: Event) {
        self.seq += 1;
        if !matches!(event, Event::Shift { .. }) {
            self.live_events += 1;
        }
        self.heap.push(Reverse((key(at), self.seq, event)));
    }

    fn only_shifts_left(&self) -> bool {
        let busy = self.groups.iter().any(|g| g.busy > 0);
        let servable = self
            .groups
            .iter()
            .any(|g| g.waiting > 0 && g.roster.is_some());
        !busy && !servable && self.live_events == 0
    }

    /// The group's index, creating it (with its roster shifts from `from`
    /// to `to` plus a day) when new.
    fn group_index(&mut self, name: &str, from: f64, to: f64) -> u32 {
        if let Some(&i) = self.names.get(name) {
            return i;
        }
        let i = self.groups.len() as u32;
        let roster = self.roster.group(name).cloned();
        let patience = roster
            .as_ref()
            .and_then(|r| r.patience_seconds)
            .or(self.roster.patience_seconds);
        let mut state = GroupState::new(name);
        if let Some(r) = &roster {
            state.aht_seconds = r.handle.mean_seconds;
        }
        state.patience_seconds = patience;
        state.waiting = (0..10u8).rev().map(|p| Waiting::new(p, 0)).collect();
        self.snapshot.groups.push(state);
        self.groups.push(Group {
            roster: roster.clone(),
            patience,
            online: 0,
            busy: 0,
            queues: Default::default(),
            waiting: 0,
        });
        self.totals.push(GroupTotals {
            name: name.to_string(),
            ..GroupTotals::default()
        });
        self.names.insert(name.to_string(), i);
        if let Some(r) = roster {
            self.schedule_shifts(i, &r, from, to + 86_400.0);
        }
        i
    }

    /// Shift events for every roster change between `from` and `to`, and
    /// the agents at `from` at once.
    fn schedule_shifts(&mut self, group: u32, r: &GroupRoster, from: f64, to: f64) {
        let offset = f64::from(self.settings.utc_offset_minutes) * 60.0;
        let changes: Vec<(f64, u32)> = r
            .agents
            .iter()
            .filter_map(|(t, &n)| minute_of(t).map(|m| (f64::from(m) * 60.0, n)))
            .collect();
        let at_time_of_day = |tod: f64| {
            changes
                .iter()
                .rev()
                .find(|(m, _)| *m <= tod)
                .or(changes.last())
                .map_or(0, |c| c.1)
        };
        let local = from + offset;
        let day_start = (local / 86_400.0).floor() * 86_400.0 - offset;
        let first = at_time_of_day(local - (day_start + offset));
        self.set_agents(group, first);
        let mut day = day_start;
        while day <= to {
            for &(m, n) in &changes {
                let t = day + m;
                if t > from && t <= to {
                    self.push(t, Event::Shift { group, agents: n });
                }
            }
            day += 86_400.0;
        }
    }

    /// Integrates queue lengths and agent time up to `t`.
    fn advance(&mut self, t: f64) {
        if t <= self.now {
            return;
        }
        let dt = t - self.now;
        for (g, totals) in self.groups.iter().zip(self.totals.iter_mut()) {
            totals.online_seconds += f64::from(g.online) * dt;
            totals.busy_seconds += f64::from(g.busy) * dt;
        }
        if self.total_waiting > 0 {
            let w = f64::from(self.total_waiting);
            let mut from = self.now;
            while from < t {
                let bucket_end = ((from - self.first_half_hour) / 1800.0).floor() * 1800.0
                    + self.first_half_hour
                    + 1800.0;
                let upto = bucket_end.min(t);
                self.half_hour(from).waiting_seconds += w * (upto - from);
                from = upto;
            }
        }
        self.now = t;
    }

    fn half_hour(&mut self, t: f64) -> &mut HalfHour {
        let i = ((t - self.first_half_hour) / 1800.0).floor().max(0.0) as usize;
        while self.half_hours.len() <= i {
            let start = self.first_half_hour + 1800.0 * self.half_hours.len() as f64;
            self.half_hours.push(HalfHour {
                start,
                ..HalfHour::default()
            });
        }
        &mut self.half_hours[i]
    }

    fn arrive(&mut self, index: usize, last: f64) {
        if self.now >= self.next_refresh {
            self.refresh_aged();
        }
        self.snapshot.dedicated_online = self
            .names
            .get("dedicated")
            .map_or(0, |&g| self.groups[g as usize].online);
        let now = self.now;
        // The route borrows the router: copy its group name out.
        let mut name = std::mem::take(&mut self.name_buf);
        name.clear();
        let routed = match self.router.route(index, &self.snapshot, now) {
            Routed::Ai { group, priority } => {
                name.push_str(group);
                Some((true, priority))
            }
            Routed::Queue { group, priority } => {
                name.push_str(group);
                Some((false, priority))
            }
            Routed::Callback => {
                self.out[index].fate = Fate::Callback;
                None
            }
            Routed::Ticket => {
                self.out[index].fate = Fate::Ticket;
                None
            }
            Routed::Elsewhere => None,
        };
        let (fate, queue) = match routed {
            Some((true, priority)) => {
                let g = self.group_index(&name, now, last);
                if self.draw(index as u32, 1).uniform() < self.roster.ai_handoff_share {
                    self.handoff[index] = (g, priority);
                    let at = now + self.roster.ai_seconds;
                    self.push(
                        at,
                        Event::Handoff {
                            contact: index as u32,
                        },
                    );
                }
                (Fate::AiContained, None)
            }
            Some((false, priority)) => (
                Fate::Answered,
                Some((self.group_index(&name, now, last), priority)),
            ),
            None => (self.out[index].fate, None),
        };
        self.name_buf = name;
        self.out[index].fate = fate;
        if let Some((g, p)) = queue {
            self.enqueue(index as u32, g, p);
        }
    }

    fn enqueue(&mut self, contact: u32, group: u32, priority: u8) {
        let c = contact as usize;
        let p = priority.min(9);
        self.priority[c] = p;
        self.counted[c] = p;
        self.state[c] = State::Waiting;
        self.out[c].queued = true;
        self.out[c].group = group;
        self.out[c].queued_at = self.now;
        self.out[c].fate = Fate::Answered;
        let g = &mut self.groups[group as usize];
        g.queues[p as usize].push_back(contact);
        g.waiting += 1;
        self.total_waiting += 1;
        self.snapshot.groups[group as usize].waiting[9 - p as usize].count += 1;
        if let Some(patience) = g.patience {
            let at = self.now + self.draw(contact, 2).exp_mean(patience);
            self.push(at, Event::Patience { contact });
        }
        self.serve(group);
    }

    /// Leaves the queue (answered or abandoned).
    fn dequeue(&mut self, contact: u32) {
        let c = contact as usize;
        let g = self.out[c].group as usize;
        self.groups[g].waiting -= 1;
        self.total_waiting -= 1;
        self.snapshot.groups[g].waiting[9 - self.counted[c] as usize].count -= 1;
        self.out[c].wait = self.now - self.out[c].queued_at;
    }

    /// Gives free agents of the group the waiting contacts, highest aged
    /// priority first, the longest waiting first within it.
    fn serve(&mut self, group: u32) {
        loop {
            let g = &mut self.groups[group as usize];
            if g.busy >= g.online || g.waiting == 0 {
                return;
            }
            if g.roster.is_none() {
                return;
            }
            let mut best: Option<(u8, f64, usize)> = None;
            for p in 0..10 {
                let q = &mut self.groups[group as usize].queues[p];
                while let Some(&head) = q.front() {
                    if self.state[head as usize] == State::Waiting {
                        break;
                    }
                    q.pop_front();
                }
                let Some(&head) = q.front() else { continue };
                let queued_at = self.out[head as usize].queued_at;
                let aged = self.aged(p as u8, self.now - queued_at);
                let better = match best {
                    None => true,
                    Some((bp, bt, _)) => aged > bp || (aged == bp && queued_at < bt),
                };
                if better {
                    best = Some((aged, queued_at, p));
                }
            }
            let Some((_, _, p)) = best else { return };
            let contact = self.groups[group as usize].queues[p]
                .pop_front()
                .expect("a head");
            self.dequeue(contact);
            self.state[contact as usize] = State::Served;
            let g = &mut self.groups[group as usize];
            g.busy += 1;
            self.snapshot.groups[group as usize].agents_busy = g.busy.min(g.online);
            let handle = &self.groups[group as usize]
                .roster
                .as_ref()
                .expect("checked above")
                .handle;
            let done = self.now + self.draw(contact, 3).handle(handle);
            self.push(done, Event::Done { group, contact });
        }
    }

    /// Moves each waiting contact's count in the snapshot to its aged
    /// priority, as a live tracker reports it, so the router sees who is
    /// really ahead of a new contact. Runs at an arrival at most once per
    /// [`AGED_REFRESH_SECONDS`] of simulated time: a walk over the waiting
    /// contacts, not one per arrival.
    fn refresh_aged(&mut self) {
        self.next_refresh = self.now + AGED_REFRESH_SECONDS;
        if self.settings.aging.is_none() {
            return;
        }
        for g in 0..self.groups.len() {
            for p in 0..10 {
                for i in 0..self.groups[g].queues[p].len() {
                    let c = self.groups[g].queues[p][i] as usize;
                    if self.state[c] != State::Waiting {
                        continue;
                    }
                    let level = self.aged(p as u8, self.now - self.out[c].queued_at);
                    let was = self.counted[c];
                    if level != was {
                        let waiting = &mut self.snapshot.groups[g].waiting;
                        waiting[9 - was as usize].count -= 1;
                        waiting[9 - level as usize].count += 1;
                        self.counted[c] = level;
                    }
                }
            }
        }
    }

    fn aged(&self, priority: u8, waited: f64) -> u8 {
        let waited = waited.max(0.0) as u32;
        self.settings
            .aging
            .as_ref()
            .map_or(priority, |a| a.priority_after(priority, waited))
    }

    fn set_agents(&mut self, group: u32, agents: u32) {
        let g = &mut self.groups[group as usize];
        g.online = agents;
        let state = &mut self.snapshot.groups[group as usize];
        state.agents_online = agents;
        state.agents_busy = g.busy.min(agents);
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Done { group, .. } => {
                let g = &mut self.groups[group as usize];
                g.busy -= 1;
                self.snapshot.groups[group as usize].agents_busy = g.busy.min(g.online);
                self.serve(group);
            }
            Event::Patience { contact } => {
                if self.state[contact as usize] == State::Waiting {
                    self.dequeue(contact);
                    self.state[contact as usize] = State::Left;
                    self.out[contact as usize].fate = Fate::Abandoned;
                }
            }
            Event::Handoff { contact } => {
                let (g, p) = self.handoff[contact as usize];
                self.enqueue(contact, g, p);
            }
            Event::Shift { group, agents } => {
                self.set_agents(group, agents);
                self.serve(group);
            }
        }
    }
}
