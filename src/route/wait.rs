//! Steps 8–9: the wait estimate for a human queue, overflow to a fallback
//! group, and the peak-time rule (a callback or ticket instead of a long
//! chat queue). Pure functions over the inquiry's `QueueSnapshot`.

use std::fmt;

use crate::decision::{Route, Rule, WaitEstimate};
use crate::domain::{Channel, Lane};
use crate::inquiry::Inquiry;
use crate::queue;
use crate::queue::snapshot::GroupState;
use crate::route::policy::Policy;
use crate::route::rules::FiredList;

/// A wait estimate before it is worded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Wait {
    pub position: u32,
    pub low_s: f64,
    pub high_s: f64,
    pub low_seconds: u32,
    pub high_seconds: u32,
}

impl Wait {
    /// Writes the estimate into `out`, reusing its message buffer.
    pub fn fill(&self, out: &mut WaitEstimate) {
        out.position = self.position;
        out.low_seconds = self.low_seconds;
        out.high_seconds = self.high_seconds;
        out.message.clear();
        queue::write_wait(&mut out.message, self.position, self.low_s, self.high_s);
    }
}

/// Why a group's wait cannot be estimated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum NoWait<'a> {
    NoAgents(&'a str),
    NoHistory(&'a str),
    Overloaded {
        group: &'a str,
        per_hour: f64,
        agents: u32,
    },
    NoEstimate(&'a str),
}

impl fmt::Display for NoWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NoWait::NoAgents(g) => write!(f, "no agent online in {g}"),
            NoWait::NoHistory(g) => write!(f, "no handle-time history for {g}"),
            NoWait::Overloaded {
                group,
                per_hour,
                agents,
            } => write!(
                f,
                "{group} is overloaded: {per_hour:.0} arrivals/h exceed what {agents} agents can serve"
            ),
            NoWait::NoEstimate(g) => write!(f, "no estimate for {g}"),
        }
    }
}

/// The business's local hour of `received_at`, if given.
pub(crate) fn local_hour(received_at: Option<i64>, utc_offset_minutes: i32) -> Option<u32> {
    let t = received_at?.checked_add(utc_offset_minutes as i64 * 60)?;
    Some(t.rem_euclid(86_400) as u32 / 3600)
}

/// The wait of a customer entering `group` at `priority`, or why there is
/// none.
///
/// With per-priority waiting counts, the position-based estimate of Whitt
/// (1999): only contacts of equal or higher priority are ahead, free agents
/// take them first, abandonment ahead shortens the wait. Without counts but
/// with an arrival history, a load-based one: arrivals scaled by the hour
/// and promotion profile, Erlang C (or Erlang A with patience) for the
/// expected queue, whose length is taken as the position.
pub(crate) fn estimate<'g>(
    policy: &Policy,
    group: &'g GroupState,
    priority: u8,
    hour: Option<u32>,
    promotion: bool,
) -> Result<Wait, NoWait<'g>> {
    let name = group.skill_group.as_str();
    if group.agents_online == 0 {
        return Err(NoWait::NoAgents(name));
    }
    if !(group.aht_seconds > 0.0 && group.aht_seconds.is_finite()) {
        return Err(NoWait::NoHistory(name));
    }
    let free = group.agents_free();
    let mut ahead = group.ahead_of(priority);
    if group.waiting.is_empty() && free == 0 && group.arrivals_per_hour > 0.0 {
        let per_hour = match hour {
            Some(h) => policy
                .load
                .scale_arrivals(group.arrivals_per_hour, h, promotion),
            None if promotion => group.arrivals_per_hour * policy.load.promotion_multiplier,
            None => group.arrivals_per_hour,
        };
        let lambda = per_hour / 3600.0;
        let mean_wait = match group.patience_seconds {
            Some(p) => {
                queue::erlang_a(lambda, group.aht_seconds, group.agents_online, p).mean_wait_s
            }
            None => queue::erlang_c(lambda, group.aht_seconds, group.agents_online).mean_wait_s,
        };
        let Some(w) = mean_wait else {
            return Err(NoWait::Overloaded {
                group: name,
                per_hour,
                agents: group.agents_online,
            });
        };
        // Little's law: the expected queue is λ·W contacts long.
        ahead = (lambda * w).round().min(u32::MAX as f64) as u32;
    }
    let est = queue::estimate_wait(
        ahead,
        group.agents_online,
        free,
        group.aht_seconds,
        group.patience_seconds,
    )
    .ok_or(NoWait::NoEstimate(name))?;
    Ok(Wait {
        position: ahead.saturating_sub(free),
        low_s: est.low_s,
        high_s: est.high_s,
        low_seconds: est.low_s.round() as u32,
        high_seconds: est.high_s.round().max(est.low_s.round()) as u32,
    })
}

/// The wait for a routed inquiry, with overflow and the peak-time rule
/// applied to `route`. Only human chat queues wait; nothing is estimated
/// without a snapshot.
pub(crate) fn apply(
    policy: &Policy,
    inquiry: &Inquiry<'_>,
    route: &mut Route,
    fired: &mut FiredList,
) -> Option<Wait> {
    let snapshot = inquiry.queue?;
    if route.lane != Lane::Human || route.channel != Channel::HumanChat {
        return None;
    }
    let profile = policy.profile(inquiry.industry);
    let hour = local_hour(inquiry.received_at, policy.utc_offset_minutes);
    let Some(group) = snapshot.group(&route.skill_group) else {
        fired.fire(
            Rule::WaitUnknown,
            format_args!(
                "skill group {} not in the queue snapshot",
                route.skill_group
            ),
            &[],
        );
        return None;
    };
    let mut wait = match estimate(policy, group, route.priority, hour, snapshot.promotion) {
        Ok(w) => w,
        Err(why) => {
            // Too thin to estimate: say why, and offer a callback or a
            // ticket where the profile allows one.
            match profile.callback_channel() {
                Some(c) => {
                    route.channel = c;
                    fired.fire(Rule::WaitUnknown, format_args!("{why}: offering {c}"), &[]);
                }
                None => fired.fire(Rule::WaitUnknown, format_args!("{why}"), &[]),
            }
            return None;
        }
    };

    // Overflow: one hop to the fallback group when it is quicker.
    if let Some(o) = policy.overflow.get(route.skill_group.as_str())
        && wait.high_seconds > o.after_seconds
        && let Some(to) = snapshot.group(&o.to)
        && let Ok(w) = estimate(policy, to, route.priority, hour, snapshot.promotion)
        && w.high_seconds < wait.high_seconds
    {
        fired.fire(
            Rule::Overflow,
            format_args!(
                "{} wait up to {} s > {} s: overflow to {} (up to {} s)",
                route.skill_group, wait.high_seconds, o.after_seconds, o.to, w.high_seconds
            ),
            &[],
        );
        route.skill_group.clear();
        route.skill_group.push_str(&o.to);
        wait = w;
    }

    // Rule 9: past the profile's limit, a callback or ticket is offered.
    if let Some(limit) = profile.max_wait_seconds
        && wait.high_seconds > limit
        && let Some(c) = profile.callback_channel()
    {
        let peak = hour.filter(|&h| profile.peak_hours.contains(&(h as u8)));
        fired.fire_with(Rule::PeakWait, [], |d| {
            use std::fmt::Write as _;
            let _ = write!(
                d,
                "estimated wait up to {} s exceeds {} s",
                wait.high_seconds, limit
            );
            if let Some(h) = peak {
                let _ = write!(d, ", peak hour {h}:00");
            }
            let _ = write!(d, ": offering {c}");
        });
        route.channel = c;
    }
    Some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::snapshot::Waiting;

    fn group(online: u32, busy: u32, waiting: Vec<Waiting>) -> GroupState {
        GroupState {
            skill_group: "g".into(),
            agents_online: online,
            agents_busy: busy,
            aht_seconds: 300.0,
            arrivals_per_hour: 60.0,
            patience_seconds: None,
            waiting,
        }
    }

    #[test]
    fn local_hours() {
        // 2024-11-11 00:00 UTC is 08:00 in China.
        assert_eq!(local_hour(Some(1_731_283_200), 480), Some(8));
        assert_eq!(local_hour(Some(0), -60), Some(23));
        assert_eq!(local_hour(None, 480), None);
        assert_eq!(local_hour(Some(i64::MAX), 480), None);
    }

    #[test]
    fn waits_grow_with_the_queue_and_shrink_with_agents() {
        let p = Policy::default();
        let w = |online, n| {
            estimate(
                &p,
                &group(
                    online,
                    online,
                    vec![Waiting {
                        priority: 3,
                        count: n,
                    }],
                ),
                3,
                None,
                false,
            )
            .unwrap()
            .high_seconds
        };
        assert!(w(4, 10) > w(4, 2));
        assert!(w(8, 10) < w(4, 10));
        let free = estimate(
            &p,
            &group(
                5,
                2,
                vec![Waiting {
                    priority: 3,
                    count: 1,
                }],
            ),
            3,
            None,
            false,
        )
        .unwrap();
        assert_eq!((free.position, free.high_seconds), (0, 0));
    }

    #[test]
    fn thin_snapshots_say_why() {
        let p = Policy::default();
        let g = group(0, 0, vec![]);
        let e = estimate(&p, &g, 3, None, false).unwrap_err();
        assert_eq!(e.to_string(), "no agent online in g");
        let mut g = group(3, 3, vec![]);
        g.aht_seconds = 0.0;
        assert_eq!(
            estimate(&p, &g, 3, None, false).unwrap_err().to_string(),
            "no handle-time history for g"
        );
        // Load-based: 60/h × 300 s = 20 Erlangs on 3 agents is overloaded.
        let g = group(3, 3, vec![]);
        assert!(
            estimate(&p, &g, 3, None, false)
                .unwrap_err()
                .to_string()
                .contains("overloaded")
        );
        let mut g = group(30, 30, vec![]);
        g.arrivals_per_hour = 300.0;
        let quiet = estimate(&p, &g, 3, Some(4), false).unwrap();
        let peak = estimate(&p, &g, 3, Some(21), true);
        assert!(peak.is_err() || peak.unwrap().high_seconds >= quiet.high_seconds);
    }
}
