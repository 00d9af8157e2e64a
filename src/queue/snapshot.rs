//! The live queue state a service passes in: per skill group, who is online
//! and who is waiting.

use serde::{Deserialize, Serialize};

/// A snapshot of the contact centre at one moment, keyed by skill-group
/// names: [`Engine::skill_groups`](crate::Engine::skill_groups) lists every
/// group a decision can name. A [`QueueTracker`](crate::QueueTracker)
/// keeps one current from the service's own events.
///
/// ```
/// use kefu_triage::{GroupState, QueueSnapshot};
/// let snap: QueueSnapshot = serde_json::from_str(r#"{
///   "dedicated_online": 2,
///   "groups": [{"skill_group": "shipping_returns", "agents_online": 4, "agents_busy": 4,
///               "aht_seconds": 180, "waiting": [{"priority": 3, "count": 5}]}]
/// }"#).unwrap();
/// let group = snap.group("shipping_returns").unwrap();
/// assert_eq!((group.ahead_of(3), group.ahead_of(5)), (5, 0));
///
/// // The default e-commerce profile sends a parcel question there, and the
/// // decision says how long the wait is.
/// use kefu_triage::{Customer, Engine, Inquiry, Tier};
/// let inquiry = Inquiry::new("我的快递到哪了")
///     .customer(Customer::new("u1").tier(Tier::Returning))
///     .queue(&snap);
/// let d = Engine::default().triage(&inquiry);
/// assert_eq!(d.route.skill_group, "shipping_returns");
/// assert_eq!(d.wait.unwrap().position, 5);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct QueueSnapshot {
    /// Dedicated agents (专属管家) online now.
    pub dedicated_online: u32,
    /// A promotion (大促) is on: arrivals are scaled by the policy's
    /// promotion multiplier in load-based estimates.
    pub promotion: bool,
    /// One entry per skill group.
    pub groups: Vec<GroupState>,
}

impl QueueSnapshot {
    /// The state of a skill group, if the snapshot has it.
    pub fn group(&self, skill_group: &str) -> Option<&GroupState> {
        self.groups.iter().find(|g| g.skill_group == skill_group)
    }
}

/// One skill group's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupState {
    /// The skill group's name, as in the taxonomy and policy.
    pub skill_group: String,
    /// Agents logged in.
    pub agents_online: u32,
    /// Agents busy with a contact.
    pub agents_busy: u32,
    /// Mean handle time in seconds (history).
    pub aht_seconds: f64,
    /// Arrivals per hour (history), for load-based estimates.
    pub arrivals_per_hour: f64,
    /// Mean patience in seconds before a waiting customer gives up, if known.
    pub patience_seconds: Option<f64>,
    /// Contacts waiting, by priority.
    pub waiting: Vec<Waiting>,
}

impl GroupState {
    /// A group with nobody online and nobody waiting; set the fields the
    /// service knows.
    ///
    /// ```
    /// use kefu_triage::{GroupState, Waiting};
    /// let mut g = GroupState::new("shipping_returns");
    /// g.agents_online = 4;
    /// g.agents_busy = 4;
    /// g.aht_seconds = 180.0;
    /// g.waiting = vec![Waiting::new(3, 5)];
    /// assert_eq!(g.ahead_of(3), 5);
    /// assert_eq!(g.agents_free(), 0);
    /// ```
    pub fn new(skill_group: impl Into<String>) -> GroupState {
        GroupState {
            skill_group: skill_group.into(),
            ..GroupState::default()
        }
    }

    /// Contacts waiting with priority equal to or higher than `priority`:
    /// the ones who will be served first.
    pub fn ahead_of(&self, priority: u8) -> u32 {
        self.waiting
            .iter()
            .filter(|w| w.priority >= priority)
            .fold(0u32, |n, w| n.saturating_add(w.count))
    }

    /// Agents free right now.
    pub fn agents_free(&self) -> u32 {
        self.agents_online.saturating_sub(self.agents_busy)
    }
}

/// Contacts waiting at one priority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Waiting {
    /// Priority (higher is served first).
    pub priority: u8,
    /// How many are waiting.
    pub count: u32,
}

impl Waiting {
    /// `count` contacts waiting at `priority`.
    pub fn new(priority: u8, count: u32) -> Waiting {
        Waiting { priority, count }
    }
}
