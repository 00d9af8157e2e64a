//! Keeps a [`QueueSnapshot`] current from a service's own contact and agent
//! events, so that nobody computes arrival rates and handle times by hand.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::queue::LoadProfile;
use crate::queue::snapshot::{GroupState, QueueSnapshot, Waiting};
use crate::route::policy::{Aging, Policy};
use crate::route::rules::DEDICATED_GROUP;

/// Something that happened in the contact centre, as the service saw it.
///
/// Events deserialize from JSON tagged by `"event"`, so a service can feed
/// the tracker from its own event stream:
///
/// ```
/// use kefu_triage::QueueEvent;
/// let e: QueueEvent = serde_json::from_str(
///     r#"{"event": "queued", "contact": "c42", "skill_group": "shipping_returns", "priority": 3}"#,
/// ).unwrap();
/// assert_eq!(e, QueueEvent::queued("c42", "shipping_returns", 3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum QueueEvent {
    /// A contact joined a skill group's queue at a priority (the decision's
    /// `route.priority`).
    Queued {
        /// The service's id for the contact (conversation, ticket, call).
        contact: String,
        /// The skill group it waits for.
        skill_group: String,
        /// Its priority, higher first.
        priority: u8,
    },
    /// A waiting contact moved to another group or priority (overflow, a
    /// transfer, a manual change). Not a new arrival.
    Moved {
        /// The contact.
        contact: String,
        /// The group it now waits for.
        skill_group: String,
        /// Its priority now.
        priority: u8,
    },
    /// An agent took a waiting contact.
    Answered {
        /// The contact.
        contact: String,
    },
    /// The agent finished with a contact (wrap-up included, if the service
    /// counts it as handle time).
    Finished {
        /// The contact.
        contact: String,
    },
    /// A waiting contact gave up (left the chat, hung up).
    Abandoned {
        /// The contact.
        contact: String,
    },
    /// An agent became available for a skill group. An agent who serves
    /// several groups logs in to each.
    AgentLoggedIn {
        /// The skill group.
        skill_group: String,
    },
    /// An agent left a skill group.
    AgentLoggedOut {
        /// The skill group.
        skill_group: String,
    },
}

impl QueueEvent {
    /// A contact joined `skill_group`'s queue at `priority`.
    pub fn queued(
        contact: impl Into<String>,
        skill_group: impl Into<String>,
        priority: u8,
    ) -> Self {
        QueueEvent::Queued {
            contact: contact.into(),
            skill_group: skill_group.into(),
            priority,
        }
    }

    /// A waiting contact moved to `skill_group` at `priority`.
    pub fn moved(contact: impl Into<String>, skill_group: impl Into<String>, priority: u8) -> Self {
        QueueEvent::Moved {
            contact: contact.into(),
            skill_group: skill_group.into(),
            priority,
        }
    }

    /// An agent took `contact`.
    pub fn answered(contact: impl Into<String>) -> Self {
        QueueEvent::Answered {
            contact: contact.into(),
        }
    }

    /// The agent finished with `contact`.
    pub fn finished(contact: impl Into<String>) -> Self {
        QueueEvent::Finished {
            contact: contact.into(),
        }
    }

    /// `contact` gave up waiting.
    pub fn abandoned(contact: impl Into<String>) -> Self {
        QueueEvent::Abandoned {
            contact: contact.into(),
        }
    }

    /// An agent logged in to `skill_group`.
    pub fn agent_logged_in(skill_group: impl Into<String>) -> Self {
        QueueEvent::AgentLoggedIn {
            skill_group: skill_group.into(),
        }
    }

    /// An agent logged out of `skill_group`.
    pub fn agent_logged_out(skill_group: impl Into<String>) -> Self {
        QueueEvent::AgentLoggedOut {
            skill_group: skill_group.into(),
        }
    }
}

/// The largest event time accepted, in seconds either side of 0.
const MAX_EVENT_TIME: f64 = 1e11;

/// An event the tracker could not apply; its state is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// The timestamp is NaN, infinite, or beyond ±10^11 seconds (about
    /// 3,000 years from the epoch: a time in milliseconds, say, which would
    /// make every later event in seconds arrive "late" and freeze the clock).
    #[error("event time {0} is not a number of seconds within ±1e11")]
    BadTime(String),
    /// `queued` for a contact the tracker already holds.
    #[error("contact {0:?} is already queued or in service")]
    AlreadyTracked(String),
    /// `answered`, `moved` or `abandoned` for a contact that is not waiting.
    #[error("contact {0:?} is not waiting")]
    NotWaiting(String),
    /// `finished` for a contact that is not in service.
    #[error("contact {0:?} is not in service")]
    NotInService(String),
    /// `agent_logged_out` for a group with nobody logged in.
    #[error("no agent is logged in to skill group {0:?}")]
    NoAgentOnline(String),
}

/// What the tracker has counted since it was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TrackerStats {
    /// Events applied.
    pub applied: u64,
    /// Events rejected with a [`TrackError`].
    pub rejected: u64,
    /// Events older than the latest one seen, applied at the latest time.
    pub late: u64,
    /// Contacts dropped because no event came for them within
    /// [`QueueTracker::stale_after`] (a lost `finished` or `abandoned`).
    pub expired: u64,
}

/// A decayed sum: every unit added at time `t` weighs `exp(-(now - t)/tau)`.
#[derive(Clone, Copy, Debug, Default)]
struct Decayed {
    value: f64,
    at: f64,
}

impl Decayed {
    fn add(&mut self, t: f64, x: f64, tau: f64) {
        self.value = self.at(t, tau) + x;
        self.at = t;
    }

    fn at(&self, t: f64, tau: f64) -> f64 {
        self.value * (-(t - self.at).max(0.0) / tau).exp()
    }
}

/// Per skill group: agents, and the decayed sums behind the estimates.
#[derive(Clone, Debug, Default)]
struct Group {
    online: u32,
    in_service: u32,
    arrivals: Decayed,
    handled: Decayed,
    handle_seconds: Decayed,
    abandons: Decayed,
    /// Time spent waiting by contacts that left the queue (answered or
    /// abandoned): the exposure behind the patience estimate.
    waited_seconds: Decayed,
}

#[derive(Clone, Debug)]
struct Contact {
    group: String,
    priority: u8,
    /// When it was first queued: its priority ages from here.
    queued_at: f64,
    /// When it joined its current group's queue (queued or moved there):
    /// its exposure to abandoning counts for that group from here, so a
    /// move does not hand the old group's wait to the new one.
    in_group_since: f64,
    answered_at: Option<f64>,
    last_event: f64,
}

/// Turns a service's contact and agent events into the [`QueueSnapshot`]
/// the engine reads for wait estimates and overflow.
///
/// Per skill group it counts agents online, contacts in service and
/// contacts waiting by priority (aged as the policy says), and estimates
/// the arrival rate, the mean handle time and the customers' patience as
/// exponentially weighted averages over the recent past (half-life
/// [`half_life`](QueueTracker::half_life), 15 minutes by default).
///
/// Pure: no clock, no I/O. Every event carries the caller's timestamp
/// (seconds, any epoch, the same for all events); events that arrive a
/// little late are applied at the latest time seen and counted in
/// [`stats`](QueueTracker::stats). The tracker is `Send + Sync`; share it
/// behind the lock of your choice.
///
/// ```
/// use std::sync::Mutex;
/// use kefu_triage::{QueueEvent, QueueTracker};
/// use kefu_triage::{Customer, Engine, Industry, Inquiry, Tier};
///
/// let engine = Engine::default();
/// let tracker = Mutex::new(QueueTracker::for_policy(engine.policy()));
/// {
///     let mut t = tracker.lock().unwrap();
///     for _ in 0..3 {
///         t.record(0.0, &QueueEvent::agent_logged_in("shipping_returns")).unwrap();
///     }
///     // An hour of a contact every 20 s, each answered at once and
///     // handled for 15 s.
///     for i in 0..180 {
///         let at = f64::from(i) * 20.0;
///         let id = format!("c{i}");
///         t.record(at, &QueueEvent::queued(id.as_str(), "shipping_returns", 3)).unwrap();
///         t.record(at, &QueueEvent::answered(id.as_str())).unwrap();
///         t.record(at + 15.0, &QueueEvent::finished(id.as_str())).unwrap();
///     }
///     // Now all three agents are busy and four contacts wait.
///     for i in 0..3 {
///         t.record(3600.0, &QueueEvent::queued(format!("busy{i}"), "shipping_returns", 3)).unwrap();
///         t.record(3600.0, &QueueEvent::answered(format!("busy{i}"))).unwrap();
///     }
///     for i in 0..4 {
///         t.record(3610.0, &QueueEvent::queued(format!("w{i}"), "shipping_returns", 3)).unwrap();
///     }
/// }
/// let snapshot = tracker.lock().unwrap().snapshot(3620.0);
/// let g = snapshot.group("shipping_returns").unwrap();
/// assert_eq!((g.agents_online, g.agents_busy, g.ahead_of(3)), (3, 3, 4));
/// assert!((g.aht_seconds - 15.0).abs() < 1e-6);
/// // Arrivals are counted against the policy's hourly load curve (t = 0
/// // is 08:00 in the policy's UTC+8): times the hour's multiplier, the
/// // rate seen, a contact every 20 s.
/// let m = engine.policy().load.multiplier(8, false);
/// assert!((g.arrivals_per_hour * m - 187.0).abs() < 20.0, "{}", g.arrivals_per_hour);
///
/// let inquiry = Inquiry::new("我的快递到哪了")
///     .customer(Customer::new("u7").tier(Tier::Returning))
///     .industry(Industry::Ecommerce)
///     .queue(&snapshot);
/// let d = engine.triage(&inquiry);
/// assert_eq!(d.route.skill_group, "shipping_returns");
/// let wait = d.wait.expect("a wait estimate");
/// assert_eq!(wait.position, 4);
/// ```
#[derive(Clone, Debug)]
pub struct QueueTracker {
    tau: f64,
    stale_after: f64,
    prior_aht: f64,
    aging: Option<Aging>,
    /// The policy's load curve and UTC offset: arrivals are counted
    /// de-seasonalised, as the engine scales the rate back by the hour.
    load: Option<(LoadProfile, i32)>,
    promotion: bool,
    start: Option<f64>,
    now: f64,
    groups: BTreeMap<String, Group>,
    contacts: HashMap<String, Contact>,
    stats: TrackerStats,
    since_expiry: u32,
    last_sweep: f64,
}

impl Default for QueueTracker {
    fn default() -> Self {
        QueueTracker::new()
    }
}

impl QueueTracker {
    /// A tracker with a 15-minute half-life, no aging, arrival rates as
    /// observed, and contacts forgotten after four hours without an event.
    /// Agents of the group `"dedicated"` (the engine's dedicated lane) are
    /// the dedicated agents online.
    pub fn new() -> QueueTracker {
        QueueTracker {
            tau: 900.0 / std::f64::consts::LN_2,
            stale_after: 4.0 * 3600.0,
            prior_aht: 0.0,
            aging: None,
            load: None,
            promotion: false,
            start: None,
            now: f64::NEG_INFINITY,
            groups: BTreeMap::new(),
            contacts: HashMap::new(),
            stats: TrackerStats::default(),
            since_expiry: 0,
            last_sweep: f64::NEG_INFINITY,
        }
    }

    /// A tracker for `policy`: waiting contacts are aged by its
    /// [`aging`](Policy::aging), and arrivals are counted against its
    /// [`load`](Policy::load) curve (in its local time, ×the promotion
    /// multiplier while [`set_promotion`](QueueTracker::set_promotion) is
    /// on): `arrivals_per_hour` is then the day-average rate that the
    /// engine scales by the hour of each inquiry, not the rate of the last
    /// minutes, which the engine would scale a second time.
    pub fn for_policy(policy: &Policy) -> QueueTracker {
        QueueTracker {
            aging: Some(policy.aging.clone()),
            load: Some((policy.load.clone(), policy.utc_offset_minutes)),
            ..QueueTracker::new()
        }
    }

    /// Sets the half-life of the rate, handle-time and patience estimates
    /// in seconds (clamped to 1 s – 7 days; NaN keeps the current one).
    pub fn half_life(mut self, seconds: f64) -> QueueTracker {
        if !seconds.is_nan() {
            self.tau = seconds.clamp(1.0, 7.0 * 86_400.0) / std::f64::consts::LN_2;
        }
        self
    }

    /// Sets how long a contact is kept without any event before it is
    /// dropped as lost (clamped to 1 minute – 7 days; NaN keeps the current
    /// one). Dropped contacts are counted in [`TrackerStats::expired`].
    pub fn stale_after(mut self, seconds: f64) -> QueueTracker {
        if !seconds.is_nan() {
            self.stale_after = seconds.clamp(60.0, 7.0 * 86_400.0);
        }
        self
    }

    /// Sets the handle time reported for a group before any contact of it
    /// has finished (seconds; 0, the default, reports none, and the engine
    /// then gives no wait estimate for the group).
    pub fn prior_handle_time(mut self, seconds: f64) -> QueueTracker {
        self.prior_aht = if seconds.is_finite() && seconds > 0.0 {
            seconds
        } else {
            0.0
        };
        self
    }

    /// Marks a promotion (大促) on or off; copied into the snapshot.
    pub fn set_promotion(&mut self, on: bool) {
        self.promotion = on;
    }

    /// What the tracker has counted.
    pub fn stats(&self) -> TrackerStats {
        self.stats
    }

    /// Applies an event that happened at `at` seconds. On an error the
    /// state is unchanged and the event is counted as rejected.
    pub fn record(&mut self, at: f64, event: &QueueEvent) -> Result<(), TrackError> {
        let result = self.apply(at, event);
        match result {
            Ok(()) => self.stats.applied += 1,
            Err(_) => self.stats.rejected += 1,
        }
        result
    }

    fn apply(&mut self, at: f64, event: &QueueEvent) -> Result<(), TrackError> {
        if at.is_nan() || at.abs() > MAX_EVENT_TIME {
            return Err(TrackError::BadTime(at.to_string()));
        }
        self.forget_if_stale(at.max(self.now), event);
        self.check(event)?;
        let t = if at < self.now {
            self.stats.late += 1;
            self.now
        } else {
            at
        };
        self.now = t;
        self.start.get_or_insert(t);
        let tau = self.tau;
        match event {
            QueueEvent::Queued {
                contact,
                skill_group,
                priority,
            } => {
                let weight = self.arrival_weight(t);
                self.group(skill_group).arrivals.add(t, weight, tau);
                self.contacts.insert(
                    contact.clone(),
                    Contact {
                        group: skill_group.clone(),
                        priority: *priority,
                        queued_at: t,
                        in_group_since: t,
                        answered_at: None,
                        last_event: t,
                    },
                );
            }
            QueueEvent::Moved {
                contact,
                skill_group,
                priority,
            } => {
                self.group(skill_group);
                let c = self.contacts.get_mut(contact).expect("checked");
                // The time spent in the old group is exposure there that
                // ended without abandoning.
                let (old, spent) = (std::mem::take(&mut c.group), t - c.in_group_since);
                c.group.clone_from(skill_group);
                c.priority = *priority;
                c.in_group_since = t;
                c.last_event = t;
                self.group(&old).waited_seconds.add(t, spent, tau);
            }
            QueueEvent::Answered { contact } => {
                let c = self.contacts.get_mut(contact).expect("checked");
                c.answered_at = Some(t);
                c.last_event = t;
                let (group, waited) = (c.group.clone(), t - c.in_group_since);
                let g = self.group(&group);
                g.in_service += 1;
                g.waited_seconds.add(t, waited, tau);
            }
            QueueEvent::Finished { contact } => {
                let c = self.contacts.remove(contact).expect("checked");
                let handle = t - c.answered_at.unwrap_or(t);
                let g = self.group(&c.group);
                g.in_service = g.in_service.saturating_sub(1);
                g.handled.add(t, 1.0, tau);
                g.handle_seconds.add(t, handle, tau);
            }
            QueueEvent::Abandoned { contact } => {
                let c = self.contacts.remove(contact).expect("checked");
                let g = self.group(&c.group);
                g.abandons.add(t, 1.0, tau);
                g.waited_seconds.add(t, t - c.in_group_since, tau);
            }
            QueueEvent::AgentLoggedIn { skill_group } => {
                let g = self.group(skill_group);
                g.online = g.online.saturating_add(1);
            }
            QueueEvent::AgentLoggedOut { skill_group } => {
                let g = self.group(skill_group);
                g.online -= 1;
            }
        }
        self.since_expiry += 1;
        if self.since_expiry >= 1024 || t - self.last_sweep > self.stale_after / 4.0 {
            self.expire();
        }
        Ok(())
    }

    /// Rejects an event that does not fit the state, before anything changes.
    fn check(&self, event: &QueueEvent) -> Result<(), TrackError> {
        let waiting = |id: &String| match self.contacts.get(id) {
            Some(c) if c.answered_at.is_none() => Ok(()),
            _ => Err(TrackError::NotWaiting(id.clone())),
        };
        match event {
            QueueEvent::Queued { contact, .. } if self.contacts.contains_key(contact) => {
                Err(TrackError::AlreadyTracked(contact.clone()))
            }
            QueueEvent::Queued { .. } => Ok(()),
            QueueEvent::Moved { contact, .. }
            | QueueEvent::Answered { contact }
            | QueueEvent::Abandoned { contact } => waiting(contact),
            QueueEvent::Finished { contact } => match self.contacts.get(contact) {
                Some(c) if c.answered_at.is_some() => Ok(()),
                _ => Err(TrackError::NotInService(contact.clone())),
            },
            QueueEvent::AgentLoggedIn { .. } => Ok(()),
            QueueEvent::AgentLoggedOut { skill_group } => match self.groups.get(skill_group) {
                Some(g) if g.online > 0 => Ok(()),
                _ => Err(TrackError::NoAgentOnline(skill_group.clone())),
            },
        }
    }

    /// One arrival at `t`, divided by the policy's load multiplier for
    /// that local hour (1 without a policy).
    fn arrival_weight(&self, t: f64) -> f64 {
        let Some((load, offset)) = &self.load else {
            return 1.0;
        };
        let local = t + f64::from(*offset) * 60.0;
        let hour = (local.rem_euclid(86_400.0) / 3600.0) as u32;
        let m = load.multiplier(hour.min(23), self.promotion);
        if m.is_finite() && m > 1e-6 {
            1.0 / m
        } else {
            1.0
        }
    }

    /// A contact the event names that has had no event for longer than
    /// `stale_after` is dropped (and counted as expired) first, so that
    /// whether an event is accepted does not depend on when the last sweep
    /// ran: a reused id queues anew, a late `answered` is rejected.
    fn forget_if_stale(&mut self, t: f64, event: &QueueEvent) {
        let id = match event {
            QueueEvent::Queued { contact, .. }
            | QueueEvent::Moved { contact, .. }
            | QueueEvent::Answered { contact }
            | QueueEvent::Finished { contact }
            | QueueEvent::Abandoned { contact } => contact,
            _ => return,
        };
        let stale = self
            .contacts
            .get(id)
            .is_some_and(|c| t - c.last_event > self.stale_after);
        if stale && let Some(c) = self.contacts.remove(id) {
            if c.answered_at.is_some() {
                let g = self.group(&c.group);
                g.in_service = g.in_service.saturating_sub(1);
            }
            self.stats.expired += 1;
        }
    }

    fn group(&mut self, name: &str) -> &mut Group {
        if !self.groups.contains_key(name) {
            self.groups.insert(name.to_string(), Group::default());
        }
        self.groups.get_mut(name).expect("inserted")
    }

    /// Drops contacts with no event for longer than `stale_after` (run
    /// every 1,024 events); returns how many.
    fn expire(&mut self) -> usize {
        self.since_expiry = 0;
        self.last_sweep = self.now;
        let (now, limit) = (self.now, self.stale_after);
        let before = self.contacts.len();
        let mut lost_in_service: Vec<String> = Vec::new();
        self.contacts.retain(|_, c| {
            let keep = now - c.last_event <= limit;
            if !keep && c.answered_at.is_some() {
                lost_in_service.push(c.group.clone());
            }
            keep
        });
        for group in lost_in_service {
            let g = self.group(&group);
            g.in_service = g.in_service.saturating_sub(1);
        }
        let dropped = before - self.contacts.len();
        self.stats.expired += dropped as u64;
        dropped
    }

    /// The contact centre as of `at` seconds (the time of the inquiry being
    /// triaged, normally the latest event or later).
    ///
    /// Per group: agents logged in, contacts in service (at most the agents
    /// online), contacts waiting by priority — aged by the policy's aging
    /// when the tracker was made [`for_policy`](QueueTracker::for_policy) —,
    /// arrivals per hour, the mean handle time (or the
    /// [`prior_handle_time`](QueueTracker::prior_handle_time) until a
    /// contact has finished) and the mean patience, once at least one
    /// contact's worth of abandonments has been seen.
    pub fn snapshot(&self, at: f64) -> QueueSnapshot {
        let t = if at.is_finite() {
            at.max(self.now)
        } else {
            self.now
        };
        let tau = self.tau;
        let mut waiting: BTreeMap<&str, BTreeMap<u8, u32>> = BTreeMap::new();
        let mut exposure: BTreeMap<&str, f64> = BTreeMap::new();
        // Contacts in service with no event for too long: a lost
        // `finished`; their agents are counted free at once.
        let mut lost_in_service: BTreeMap<&str, u32> = BTreeMap::new();
        for c in self.contacts.values() {
            if t - c.last_event > self.stale_after {
                if c.answered_at.is_some() {
                    *lost_in_service.entry(&c.group).or_default() += 1;
                }
                continue;
            }
            if c.answered_at.is_some() {
                continue;
            }
            let waited = t - c.queued_at;
            let priority = match &self.aging {
                // Whole seconds, saturating: `as` maps NaN to 0.
                Some(a) => a.priority_after(c.priority, waited as u32),
                None => c.priority,
            };
            *waiting
                .entry(&c.group)
                .or_default()
                .entry(priority)
                .or_default() += 1;
            *exposure.entry(&c.group).or_default() += t - c.in_group_since;
        }
        let elapsed = self.start.map_or(0.0, |s| t - s);
        // The decayed count of a Poisson stream at rate λ has mean
        // λ·τ·(1 − e^(−elapsed/τ)); dividing by that removes the start-up bias.
        let window = tau * (1.0 - (-elapsed / tau).exp());
        let mut snapshot = QueueSnapshot {
            promotion: self.promotion,
            ..QueueSnapshot::default()
        };
        for (name, g) in &self.groups {
            let mut state = GroupState::new(name.as_str());
            state.agents_online = g.online;
            let lost = lost_in_service.get(name.as_str()).copied().unwrap_or(0);
            state.agents_busy = g.in_service.saturating_sub(lost).min(g.online);
            if window > 0.0 {
                state.arrivals_per_hour = g.arrivals.at(t, tau) / window * 3600.0;
            }
            // Both sums are added to at the same moments, so their ratio
            // does not decay: a quiet night does not lose the handle time.
            state.aht_seconds = if g.handled.value > 0.0 {
                g.handle_seconds.value / g.handled.value
            } else {
                self.prior_aht
            };
            let abandons = g.abandons.at(t, tau);
            let exposed =
                g.waited_seconds.at(t, tau) + exposure.get(name.as_str()).copied().unwrap_or(0.0);
            // Gated on the count as of the last abandonment, not decayed to
            // now: decayed, a lone abandonment fell under 1 the moment after
            // it, and the estimate came and went with the traffic (and the
            // wait estimate with it, Erlang A one minute and C the next).
            // The ratio itself does not decay.
            if g.abandons.value >= 1.0 && abandons > 0.0 && exposed > 0.0 {
                state.patience_seconds = Some(exposed / abandons);
            }
            if let Some(by_priority) = waiting.get(name.as_str()) {
                state.waiting = by_priority
                    .iter()
                    .rev()
                    .map(|(&p, &n)| Waiting::new(p, n))
                    .collect();
            }
            if name == DEDICATED_GROUP {
                snapshot.dedicated_online = g.online;
            }
            snapshot.groups.push(state);
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::sim::simulate_contacts;

    fn rel_err(x: f64, y: f64) -> f64 {
        (x - y).abs() / y.abs().max(1e-300)
    }

    /// Feeds a simulated day's events to a [`QueueTracker`] and checks, at
    /// checkpoints, the counts against the simulation's truth and the
    /// estimates against the simulation's parameters.
    #[test]
    fn tracker_follows_the_simulation() {
        // 30 contacts a minute, 2-minute handle time, 5-minute patience,
        // 60 agents: fully loaded, held stable by abandonment.
        let (lam, aht, c, patience) = (0.5, 120.0, 60usize, 300.0);
        let contacts = simulate_contacts(lam, 1.0 / aht, c, 1.0 / patience, 50_000, 0x7ac4);
        // (time, order at equal times, event)
        let mut events: Vec<(f64, u8, QueueEvent)> = Vec::new();
        for (i, s) in contacts.iter().enumerate() {
            let id = format!("c{i}");
            events.push((s.arrive, 1, QueueEvent::queued(id.as_str(), "g", 3)));
            match s.start {
                Some(start) => {
                    events.push((start, 2, QueueEvent::answered(id.as_str())));
                    events.push((s.leave, 0, QueueEvent::finished(id.as_str())));
                }
                None => events.push((s.leave, 0, QueueEvent::abandoned(id.as_str()))),
            }
        }
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut tracker = QueueTracker::new().half_life(1800.0);
        for _ in 0..c {
            tracker
                .record(0.0, &QueueEvent::agent_logged_in("g"))
                .unwrap();
        }
        let horizon = contacts.last().unwrap().arrive;
        let mut next = 0usize;
        let (mut checked, mut sum_rate, mut sum_aht, mut sum_patience) = (0, 0.0, 0.0, 0.0);
        let mut checkpoint = 2_000.0;
        while checkpoint < horizon {
            while next < events.len() && events[next].0 <= checkpoint {
                tracker.record(events[next].0, &events[next].2).unwrap();
                next += 1;
            }
            let snap = tracker.snapshot(checkpoint);
            let g = snap.group("g").unwrap();
            let waiting = contacts
                .iter()
                .filter(|s| s.arrive <= checkpoint && s.start.unwrap_or(s.leave) > checkpoint)
                .count() as u32;
            let busy = contacts
                .iter()
                .filter(|s| s.start.is_some_and(|t| t <= checkpoint) && s.leave > checkpoint)
                .count() as u32;
            assert_eq!(g.ahead_of(0), waiting, "waiting at {checkpoint}");
            assert_eq!(g.agents_busy, busy, "busy at {checkpoint}");
            assert_eq!(g.agents_online, c as u32);
            if checkpoint >= 10_000.0 {
                let rate = g.arrivals_per_hour / 3600.0;
                let p = g.patience_seconds.unwrap();
                assert!(rel_err(rate, lam) < 0.12, "rate {rate} at {checkpoint}");
                assert!(rel_err(g.aht_seconds, aht) < 0.12, "aht {}", g.aht_seconds);
                assert!(rel_err(p, patience) < 0.35, "patience {p} at {checkpoint}");
                checked += 1;
                sum_rate += rate;
                sum_aht += g.aht_seconds;
                sum_patience += p;
            }
            checkpoint += 2_000.0;
        }
        assert!(checked >= 40, "{checked}");
        let n = f64::from(checked);
        assert!(rel_err(sum_rate / n, lam) < 0.03, "{}", sum_rate / n);
        assert!(rel_err(sum_aht / n, aht) < 0.03, "{}", sum_aht / n);
        assert!(
            rel_err(sum_patience / n, patience) < 0.1,
            "{}",
            sum_patience / n
        );
        assert_eq!(tracker.stats().rejected, 0);
        assert_eq!(tracker.stats().late, 0);
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn is_send_and_sync() {
        assert_send_sync::<QueueTracker>();
        assert_send_sync::<QueueEvent>();
    }

    #[test]
    fn bad_events_are_rejected_and_change_nothing() {
        let mut t = QueueTracker::new();
        t.record(0.0, &QueueEvent::queued("a", "g", 3)).unwrap();
        let before = t.snapshot(10.0);
        let cases = [
            (
                f64::NAN,
                QueueEvent::answered("a"),
                "not a number of seconds",
            ),
            (
                f64::INFINITY,
                QueueEvent::answered("a"),
                "not a number of seconds",
            ),
            // Milliseconds since the epoch, not seconds.
            (1.8e12, QueueEvent::answered("a"), "1800000000000 is not"),
            (-1.0000001e11, QueueEvent::answered("a"), "within ±1e11"),
            (1.0, QueueEvent::queued("a", "g", 3), "already queued"),
            (1.0, QueueEvent::answered("zz"), "\"zz\" is not waiting"),
            (1.0, QueueEvent::abandoned("zz"), "not waiting"),
            (1.0, QueueEvent::moved("zz", "h", 2), "not waiting"),
            (1.0, QueueEvent::finished("a"), "\"a\" is not in service"),
            (
                1.0,
                QueueEvent::agent_logged_out("g"),
                "no agent is logged in",
            ),
            (1.0, QueueEvent::agent_logged_out("nobody"), "\"nobody\""),
        ];
        for (at, event, message) in &cases {
            let err = t.record(*at, event).unwrap_err();
            assert!(err.to_string().contains(message), "{event:?}: {err}");
        }
        assert_eq!(t.snapshot(10.0), before);
        assert_eq!(t.stats().rejected, cases.len() as u64);
        assert_eq!(t.stats().applied, 1);
        // After an answer the contact can finish but not be answered again.
        t.record(2.0, &QueueEvent::answered("a")).unwrap();
        assert!(t.record(3.0, &QueueEvent::answered("a")).is_err());
        t.record(4.0, &QueueEvent::finished("a")).unwrap();
        assert!(t.record(5.0, &QueueEvent::finished("a")).is_err());
    }

    #[test]
    fn late_events_apply_at_the_latest_time() {
        let mut t = QueueTracker::new();
        t.record(100.0, &QueueEvent::queued("a", "g", 3)).unwrap();
        t.record(50.0, &QueueEvent::answered("a")).unwrap();
        assert_eq!(t.stats().late, 1);
        t.record(130.0, &QueueEvent::finished("a")).unwrap();
        let g = t.snapshot(130.0).groups.remove(0);
        assert_eq!(g.aht_seconds, 30.0);
    }

    #[test]
    fn moves_aging_patience_and_dedicated_agents() {
        let policy = Policy::default();
        // The engine's dedicated lane; agents of the VIP queue are not
        // dedicated agents.
        let vip = DEDICATED_GROUP.to_string();
        let mut t = QueueTracker::for_policy(&policy).prior_handle_time(200.0);
        t.record(
            0.0,
            &QueueEvent::agent_logged_in(policy.groups.vip_queue.as_str()),
        )
        .unwrap();
        t.record(0.0, &QueueEvent::agent_logged_in(vip.as_str()))
            .unwrap();
        t.record(0.0, &QueueEvent::agent_logged_in(vip.as_str()))
            .unwrap();
        t.record(0.0, &QueueEvent::agent_logged_out(vip.as_str()))
            .unwrap();
        t.record(0.0, &QueueEvent::queued("a", "g", 3)).unwrap();
        t.record(0.0, &QueueEvent::queued("b", "g", 3)).unwrap();
        t.record(10.0, &QueueEvent::moved("b", "h", 5)).unwrap();
        let s = t.snapshot(10.0);
        assert_eq!(s.dedicated_online, 1);
        let (g, h) = (s.group("g").unwrap(), s.group("h").unwrap());
        assert_eq!((g.ahead_of(0), h.ahead_of(5)), (1, 1));
        // No contact finished yet: the prior handle time stands in.
        assert_eq!(g.aht_seconds, 200.0);
        // A moved contact is not a second arrival.
        assert!(h.arrivals_per_hour == 0.0 && g.arrivals_per_hour > 0.0);
        // Aging: one level per step, the top one past the maximum wait.
        let step = f64::from(policy.aging.step_seconds);
        let at = 2.0 * step + 1.0;
        assert_eq!(
            t.snapshot(at).group("g").unwrap().waiting,
            [Waiting::new(5, 1)]
        );
        let late = f64::from(policy.aging.max_wait_seconds);
        assert_eq!(t.snapshot(late).group("g").unwrap().waiting[0].priority, 9);
        // Patience: one abandonment after 60 s, and the 10 s the moved
        // contact waited in `g` before it left without abandoning.
        t.record(60.0, &QueueEvent::abandoned("a")).unwrap();
        let h = t.snapshot(60.0);
        let p = h.group("g").unwrap().patience_seconds;
        assert!(p.is_some_and(|p| (p - 70.0).abs() < 1.0), "{p:?}");
        assert_eq!(h.group("h").unwrap().patience_seconds, None);
        // In `h` the moved contact's exposure starts at the move: 60 s,
        // not the 70 s since it was first queued; its aging does count
        // the whole wait.
        assert_eq!(
            t.snapshot(70.0).group("h").unwrap().waiting[0].priority,
            policy.aged_priority(5, 70)
        );
        t.record(70.0, &QueueEvent::abandoned("b")).unwrap();
        let p = t.snapshot(70.0).group("h").unwrap().patience_seconds;
        assert!(p.is_some_and(|p| (p - 60.0).abs() < 1.0), "{p:?}");
    }

    #[test]
    fn patience_stays_once_seen() {
        let mut t = QueueTracker::new().half_life(600.0);
        t.record(0.0, &QueueEvent::queued("a", "g", 3)).unwrap();
        t.record(90.0, &QueueEvent::abandoned("a")).unwrap();
        for at in [90.0, 91.0, 600.0, 3_600.0] {
            let p = t.snapshot(at).group("g").unwrap().patience_seconds;
            assert!(p.is_some_and(|p| (p - 90.0).abs() < 1e-6), "{p:?} at {at}");
        }
        // A contact waiting now adds its exposure so far.
        t.record(3_600.0, &QueueEvent::queued("b", "g", 3)).unwrap();
        let p = t.snapshot(3_630.0).group("g").unwrap().patience_seconds;
        assert!(p.is_some_and(|p| p > 90.0), "{p:?}");
        // Nothing seen, nothing said.
        let mut u = QueueTracker::new();
        u.record(0.0, &QueueEvent::queued("a", "g", 3)).unwrap();
        u.record(50.0, &QueueEvent::answered("a")).unwrap();
        assert_eq!(u.snapshot(60.0).group("g").unwrap().patience_seconds, None);
    }

    #[test]
    fn lost_contacts_expire_and_are_counted() {
        let mut t = QueueTracker::new().stale_after(600.0);
        t.record(0.0, &QueueEvent::agent_logged_in("g")).unwrap();
        t.record(0.0, &QueueEvent::queued("lost", "g", 3)).unwrap();
        t.record(0.0, &QueueEvent::queued("served", "g", 3))
            .unwrap();
        t.record(0.0, &QueueEvent::answered("served")).unwrap();
        // The snapshot ignores them at once, the waiting one and the agent
        // whose `finished` was lost.
        let g = t.snapshot(700.0).groups.remove(0);
        assert_eq!((g.ahead_of(0), g.agents_busy), (0, 0));
        // An event for a lost contact finds it gone, whenever the last
        // sweep ran: its id queues anew, a late answer is rejected.
        t.record(700.0, &QueueEvent::queued("lost", "g", 3))
            .unwrap();
        assert!(t.record(701.0, &QueueEvent::finished("served")).is_err());
        assert_eq!(t.stats().expired, 2);
        // The state drops the rest by time, not only by event count.
        t.record(2_000.0, &QueueEvent::agent_logged_in("g"))
            .unwrap();
        assert_eq!(t.stats().expired, 3);
        let g = t.snapshot(2_000.0).groups.remove(0);
        assert_eq!((g.ahead_of(0), g.agents_busy, g.agents_online), (0, 0, 2));
    }

    /// The handle time survives a night without contacts.
    #[test]
    fn handle_time_survives_a_quiet_night() {
        let mut t = QueueTracker::new();
        t.record(0.0, &QueueEvent::queued("a", "g", 3)).unwrap();
        t.record(0.0, &QueueEvent::answered("a")).unwrap();
        t.record(300.0, &QueueEvent::finished("a")).unwrap();
        let g = t.snapshot(300.0 + 12.0 * 3600.0).groups.remove(0);
        assert_eq!(g.aht_seconds, 300.0);
    }

    /// With a policy, arrivals are counted against its hourly curve, so the
    /// engine's own scaling by the hour gives back the observed rate.
    #[test]
    fn arrival_rate_is_the_day_average_the_engine_scales() {
        let policy = Policy::default();
        let offset = f64::from(policy.utc_offset_minutes) * 60.0;
        // 21:00 local, a peak hour (multiplier > 1).
        let start = 86_400.0 * 20_000.0 + 21.0 * 3600.0 - offset;
        let m = policy.load.multiplier(21, false);
        assert!(m > 1.0);
        let mut plain = QueueTracker::new().half_life(600.0);
        let mut adjusted = QueueTracker::for_policy(&policy).half_life(600.0);
        // 360 contacts an hour for 40 minutes.
        for i in 0..240 {
            let at = start + 10.0 * f64::from(i);
            for t in [&mut plain, &mut adjusted] {
                t.record(at, &QueueEvent::queued(format!("c{i}"), "g", 3))
                    .unwrap();
                t.record(at, &QueueEvent::abandoned(format!("c{i}")))
                    .unwrap();
            }
        }
        let end = start + 2_400.0;
        let observed = plain.snapshot(end).groups[0].arrivals_per_hour;
        let average = adjusted.snapshot(end).groups[0].arrivals_per_hour;
        assert!((observed - 360.0).abs() < 30.0, "{observed}");
        assert!(
            (average * m - observed).abs() < 1e-6 * observed,
            "{average} × {m}"
        );
    }

    #[test]
    fn events_round_trip_through_json() {
        let events = [
            QueueEvent::queued("c1", "g", 3),
            QueueEvent::moved("c1", "h", 4),
            QueueEvent::answered("c1"),
            QueueEvent::finished("c1"),
            QueueEvent::abandoned("c2"),
            QueueEvent::agent_logged_in("g"),
            QueueEvent::agent_logged_out("g"),
        ];
        for e in &events {
            let json = serde_json::to_string(e).unwrap();
            assert_eq!(
                &serde_json::from_str::<QueueEvent>(&json).unwrap(),
                e,
                "{json}"
            );
        }
        let err = serde_json::from_str::<QueueEvent>(r#"{"event":"answered","contact":"c","x":1}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `x`"), "{err}");
    }

    #[test]
    fn weird_times_and_settings_do_not_panic() {
        let mut t = QueueTracker::new()
            .half_life(f64::NAN)
            .half_life(-5.0)
            .stale_after(f64::INFINITY)
            .prior_handle_time(f64::NAN);
        assert!(
            t.record(-1e300, &QueueEvent::queued("a", "g", 255))
                .is_err()
        );
        t.record(-1e11, &QueueEvent::queued("a", "g", 255)).unwrap();
        // Stale by then (stale_after is clamped to 7 days): forgotten.
        assert!(t.record(1e11, &QueueEvent::answered("a")).is_err());
        t.record(1e11, &QueueEvent::queued("b", "g", 0)).unwrap();
        t.record(1e11, &QueueEvent::answered("b")).unwrap();
        for at in [f64::NAN, f64::NEG_INFINITY, 0.0, 1e308] {
            let s = t.snapshot(at);
            let g = &s.groups[0];
            assert!(g.arrivals_per_hour.is_finite() && g.aht_seconds.is_finite());
        }
    }
}
