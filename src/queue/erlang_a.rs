//! Erlang A (M/M/c+M): Erlang C with customers who abandon after an
//! exponential patience; exact by the birth–death chain, a fluid limit for
//! very large centres.

use crate::queue::erlang_c::{
    ServiceTarget, agents_for_service_level, erlang_b, erlang_c, offered_load,
};
use crate::queue::numeric::{finite, nonneg, prob};

/// Hard cap on the number of queue states summed by the Erlang A model.
pub(super) const ERLANG_A_MAX_TERMS: usize = 2_000_000;

/// Running evaluation of the regularised incomplete beta function
/// `I_x(i+1, β)` for `i = 0, 1, 2, …` with `x = 1 − e^{−u}`, using
/// `I_x(α+1, β) = I_x(α, β) − x^α (1−x)^β / (α·B(α, β))`, the subtracted term
/// being updated in log space by the ratio `x·(i+1+β)/(i+2)`.
///
/// If `Y ~ Beta(β, i+1)` then `−ln Y` is distributed as a sum of exponentials
/// with rates `β, β+1, …, β+i`, and `P(−ln Y ≤ u) = I_x(i+1, β)`. That is the
/// potential wait (in units of `1/θ`) of a customer with `i` contacts ahead in
/// an Erlang A queue, where the stage rates are `cμ + jθ`.
pub(super) struct BetaChain {
    s: f64,
    ln_d: f64,
    ln_x: f64,
    shift: f64,
    i: f64,
}

impl BetaChain {
    /// `beta_u` is `β·u`, passed separately to avoid rounding in `β = cμ/θ`.
    pub(super) fn new(beta: f64, u: f64, beta_u: f64) -> Self {
        let x = -(-u).exp_m1();
        let ln_x = x.ln();
        BetaChain {
            s: -(-beta_u).exp_m1(),
            ln_d: beta.ln() + ln_x - beta_u,
            ln_x,
            shift: beta - 1.0,
            i: 0.0,
        }
    }

    pub(super) fn value(&self) -> f64 {
        prob(self.s)
    }

    pub(super) fn advance(&mut self) {
        self.advance_by(self.step());
    }

    /// The part of the next step that does not depend on `u`: the same
    /// for every chain with this `beta`, so callers that run many chains
    /// may compute it once ([`BetaChain::advance_by`]).
    pub(super) fn step(&self) -> f64 {
        (self.shift / (self.i + 2.0)).ln_1p()
    }

    /// [`BetaChain::advance`] with its [`step`](BetaChain::step) given.
    pub(super) fn advance_by(&mut self, step: f64) {
        self.s -= self.ln_d.exp();
        self.ln_d += self.ln_x + step;
        self.i += 1.0;
    }
}

/// Steady-state performance of an Erlang A queue (M/M/c+M): like Erlang C,
/// but each waiting contact abandons after an exponentially distributed
/// patience with mean `patience_s`.
///
/// Waits are "time in queue": until answered, or until the contact gives up.
///
/// ```
/// use kefu_triage::queue::erlang_a;
/// // Overloaded (A = 60 > 55 agents) yet stable thanks to abandonment.
/// let m = erlang_a(720.0 / 3600.0, 300.0, 55, 120.0);
/// assert!(m.stable);
/// assert!(m.p_abandon > 0.0 && m.p_abandon < 1.0);
/// // Abandonment rate = θ·E[queue] / λ.
/// let q = m.mean_queue_len.unwrap();
/// assert!((m.p_abandon - q / 120.0 / (720.0 / 3600.0)).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ErlangA {
    /// Arrival rate λ per second (after sanitising).
    pub arrivals_per_s: f64,
    /// Mean handle time in seconds (after sanitising).
    pub aht_s: f64,
    /// Number of agents `c`.
    pub agents: u32,
    /// Mean patience `1/θ` in seconds (after sanitising; `∞` = never abandons,
    /// `0` = abandons as soon as it would have to wait).
    pub patience_s: f64,
    /// Offered load `A = λ·AHT` in Erlangs.
    pub offered_load: f64,
    /// Always `true` with finite patience; with infinite patience this is the
    /// Erlang C stability condition `A < c`.
    pub stable: bool,
    /// Probability that an arriving contact finds all agents busy.
    pub p_wait: f64,
    /// Probability that a contact abandons before being answered.
    pub p_abandon: f64,
    /// Mean number of contacts waiting; `None` if unbounded.
    pub mean_queue_len: Option<f64>,
    /// Mean time in queue over all contacts (answered or not), in seconds.
    pub mean_wait_s: Option<f64>,
    /// Mean wait of the contacts that are eventually answered (including the
    /// ones answered at once); `None` if nobody is answered.
    pub mean_wait_served_s: Option<f64>,
    /// `false` if the state sum hit its iteration cap (astronomically long
    /// queues); the figures are then fluid/heavy-traffic approximations.
    pub converged: bool,
}

impl ErlangA {
    /// Fraction of **all** contacts answered within `within_s` seconds
    /// (contacts that abandon count as not answered).
    ///
    /// ```
    /// use kefu_triage::queue::erlang_a;
    /// let m = erlang_a(720.0 / 3600.0, 300.0, 55, 120.0);
    /// let sl = m.service_level(20.0);
    /// assert!(sl > 1.0 - m.p_wait && sl < 1.0 - m.p_abandon);
    /// ```
    pub fn service_level(&self, within_s: f64) -> f64 {
        erlang_a_eval(
            self.arrivals_per_s,
            self.aht_s,
            self.agents,
            self.patience_s,
            Some(within_s),
        )
        .1
    }
}

/// Raw Erlang A figures (time/length fields may be non-finite or `NaN`).
pub(super) struct AFigures {
    p_wait: f64,
    p_abandon: f64,
    mean_queue: f64,
    mean_wait_all: f64,
    mean_wait_served: f64,
    service_level: f64,
    converged: bool,
}

impl AFigures {
    fn no_wait() -> Self {
        AFigures {
            p_wait: 0.0,
            p_abandon: 0.0,
            mean_queue: 0.0,
            mean_wait_all: 0.0,
            mean_wait_served: 0.0,
            service_level: 1.0,
            converged: true,
        }
    }
}

/// Service rate of all `c` agents together, `c/AHT` (`0` without agents).
pub(super) fn total_service_rate(agents: u32, aht: f64) -> f64 {
    if agents == 0 {
        0.0
    } else {
        f64::from(agents) / aht
    }
}

/// Erlang A from the birth–death chain, for `0 ≤ λ < ∞` and `0 < θ < ∞`.
///
/// States are summed relative to state `c` (all agents busy, empty queue):
/// states below `c` contribute `(1 − B)/B` with `B` the Erlang B value, and
/// queue states `c + j` have weights `w_j = Π_{i=1..j} λ/(cμ + iθ)`. Per
/// arrival (PASTA) a contact finding `j` waiting is answered with probability
/// `cμ/(cμ + (j+1)θ)` and spends `E[min(V, patience)] = (j+1)/(cμ + (j+1)θ)`
/// in queue, which gives the abandonment probability and the mean wait
/// without dividing by λ (they agree with `θ·E[Q]/λ` and Little's law).
pub(super) fn erlang_a_chain(
    lam: f64,
    aht: f64,
    agents: u32,
    theta: f64,
    within: Option<f64>,
) -> AFigures {
    let a = offered_load(lam, aht);
    let b = erlang_b(a, agents);
    if b < 1e-300 {
        return AFigures::no_wait();
    }
    let cmu = total_service_rate(agents, aht);
    let mut below = (1.0 - b) / b;
    let mut w = 1.0;
    let (mut tail, mut queue, mut abandon, mut wait_all, mut wait_served, mut answered) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let mut stage_sum = 0.0;
    let mut chain = within.map(|t| {
        let t = nonneg(t);
        BetaChain::new(cmu / theta + 1.0, theta * t, (cmu + theta) * t)
    });
    let mut converged = false;
    let mode = (lam - cmu) / theta;
    if mode < ERLANG_A_MAX_TERMS as f64 {
        for j in 0..ERLANG_A_MAX_TERMS {
            let jf = j as f64;
            // Exit rate of a contact with j ahead, also the death rate of state c+j+1.
            let rate = cmu + (jf + 1.0) * theta;
            let served = cmu / rate;
            stage_sum += 1.0 / rate;
            tail += w;
            queue += jf * w;
            abandon += w * ((jf + 1.0) * theta / rate);
            wait_all += w * ((jf + 1.0) / rate);
            wait_served += w * served * stage_sum;
            if let Some(ch) = chain.as_mut() {
                answered += w * served * ch.value();
                ch.advance();
            }
            let r = lam / rate;
            if r.is_nan() || r > 1e50 {
                break;
            }
            w *= r;
            if r < 1.0 {
                let rest = w * ((jf + 2.0) / (1.0 - r) + 1.0 / ((1.0 - r) * (1.0 - r)));
                if rest <= 1e-17 * (below + tail) {
                    converged = true;
                    break;
                }
            }
            if w > 1e200 {
                let s = 1e-200;
                w *= s;
                below *= s;
                tail *= s;
                queue *= s;
                abandon *= s;
                wait_all *= s;
                wait_served *= s;
                answered *= s;
            }
        }
    }
    let z = below + tail;
    if !converged || !z.is_finite() || z <= 0.0 {
        return erlang_a_fluid(lam, aht, agents, theta, within);
    }
    let p_abandon = prob(abandon / z);
    let served_fraction = 1.0 - p_abandon;
    AFigures {
        p_wait: prob(tail / z),
        p_abandon,
        mean_queue: queue / z,
        mean_wait_all: wait_all / z,
        mean_wait_served: if served_fraction > 0.0 {
            wait_served / z / served_fraction
        } else {
            f64::NAN
        },
        service_level: prob(below / z + answered / z),
        converged: true,
    }
}

/// Approximation used when the state sum cannot be carried out within the
/// iteration cap: fluid limit when overloaded (queue ≈ (λ − cμ)/θ, everyone
/// answered waits ≈ ln(λ/cμ)/θ), Erlang C otherwise (patience so long that
/// abandonment hardly matters).
pub(super) fn erlang_a_fluid(
    lam: f64,
    aht: f64,
    agents: u32,
    theta: f64,
    within: Option<f64>,
) -> AFigures {
    let cmu = total_service_rate(agents, aht);
    let t = within.map_or(0.0, nonneg);
    if lam > cmu {
        let served_fraction = if lam.is_finite() { cmu / lam } else { 0.0 };
        let p_abandon = prob(1.0 - served_fraction);
        let wait_all = p_abandon / theta;
        let wait_served = if served_fraction > 0.0 {
            (lam / cmu).ln() / theta
        } else {
            f64::NAN
        };
        AFigures {
            p_wait: 1.0,
            p_abandon,
            mean_queue: lam * wait_all,
            mean_wait_all: wait_all,
            mean_wait_served: wait_served,
            service_level: if t >= wait_served {
                served_fraction
            } else {
                0.0
            },
            converged: false,
        }
    } else {
        let ec = erlang_c(lam, aht, agents);
        match ec.mean_wait_s {
            Some(w) => AFigures {
                p_wait: ec.p_wait,
                p_abandon: prob(theta * w),
                mean_queue: lam * w,
                mean_wait_all: w,
                mean_wait_served: w,
                service_level: ec.service_level(t),
                converged: false,
            },
            None => AFigures {
                p_wait: 1.0,
                p_abandon: 0.0,
                mean_queue: f64::NAN,
                mean_wait_all: f64::NAN,
                mean_wait_served: f64::NAN,
                service_level: 0.0,
                converged: false,
            },
        }
    }
}

/// Dispatch on the patience regime; returns the model and the service level
/// for `within` (`NaN` if not requested).
pub(super) fn erlang_a_eval(
    arrivals_per_s: f64,
    aht_s: f64,
    agents: u32,
    patience_s: f64,
    within: Option<f64>,
) -> (ErlangA, f64) {
    let lam = nonneg(arrivals_per_s);
    let aht = nonneg(aht_s);
    let patience = nonneg(patience_s);
    let a = offered_load(lam, aht);
    let theta = 1.0 / patience;
    let mut out = ErlangA {
        arrivals_per_s: lam,
        aht_s: aht,
        agents,
        patience_s: patience,
        offered_load: a,
        stable: true,
        p_wait: 1.0,
        p_abandon: 0.0,
        mean_queue_len: None,
        mean_wait_s: None,
        mean_wait_served_s: None,
        converged: true,
    };
    if theta == 0.0 {
        // Infinite patience: plain Erlang C.
        let ec = erlang_c(lam, aht, agents);
        out.stable = ec.stable;
        out.p_wait = ec.p_wait;
        out.mean_wait_s = ec.mean_wait_s;
        out.mean_wait_served_s = ec.mean_wait_s;
        out.mean_queue_len = ec.mean_wait_s.and_then(|w| finite(lam * w));
        let sl = within.map_or(f64::NAN, |t| ec.service_level(t));
        return (out, sl);
    }
    let fig = if theta == f64::INFINITY {
        // Zero patience: a loss system (Erlang B); nobody ever waits.
        let b = erlang_b(a, agents);
        AFigures {
            p_wait: b,
            p_abandon: b,
            mean_queue: 0.0,
            mean_wait_all: 0.0,
            mean_wait_served: if b < 1.0 { 0.0 } else { f64::NAN },
            service_level: 1.0 - b,
            converged: true,
        }
    } else if !lam.is_finite() {
        erlang_a_fluid(lam, aht, agents, theta, within)
    } else {
        erlang_a_chain(lam, aht, agents, theta, within)
    };
    out.p_wait = prob(fig.p_wait);
    out.p_abandon = prob(fig.p_abandon);
    out.mean_queue_len = finite(fig.mean_queue);
    out.mean_wait_s = finite(fig.mean_wait_all);
    out.mean_wait_served_s = finite(fig.mean_wait_served);
    out.converged = fig.converged;
    let sl = if within.is_some() {
        prob(fig.service_level)
    } else {
        f64::NAN
    };
    (out, sl)
}

/// Erlang A (M/M/c+M) for arrival rate `arrivals_per_s`, mean handle time
/// `aht_s`, `agents` agents and mean patience `patience_s` seconds.
///
/// The stationary distribution of the birth–death chain (birth `λ`, death
/// `min(n,c)·μ + max(n−c,0)·θ`) is summed with running ratios until the
/// remaining terms are negligible, with a hard iteration cap. With finite
/// patience the system is stable for any load; infinite patience gives the
/// Erlang C answer, zero patience the Erlang B loss system.
///
/// ```
/// use kefu_triage::queue::{erlang_a, erlang_c};
/// let c = erlang_c(4.0, 1.0, 5);
/// let a = erlang_a(4.0, 1.0, 5, 1e9);
/// assert!((a.p_wait - c.p_wait).abs() < 1e-6);
/// assert!(erlang_a(4.0, 1.0, 5, 10.0).p_abandon < erlang_a(4.0, 1.0, 5, 1.0).p_abandon);
/// ```
pub fn erlang_a(arrivals_per_s: f64, aht_s: f64, agents: u32, patience_s: f64) -> ErlangA {
    erlang_a_eval(arrivals_per_s, aht_s, agents, patience_s, None).0
}

/// Smallest number of agents for which the Erlang A service level (fraction
/// of **all** contacts answered within `target.within_s`, abandoned contacts
/// counting as missed) reaches `target.fraction`.
///
/// Since at most a fraction `c/A` of contacts can be answered, the search
/// starts at `⌊fraction·A⌋`, then gallops upwards and bisects. Infinite
/// patience falls back to [`agents_for_service_level`]. At least one agent is
/// returned; `None` under the same conditions as the Erlang C version.
///
/// ```
/// use kefu_triage::queue::{agents_for_service_level_erlang_a, erlang_a, ServiceTarget};
/// let lam = 600.0 / 3600.0;
/// let c = agents_for_service_level_erlang_a(lam, 300.0, 180.0, ServiceTarget::default()).unwrap();
/// assert!(erlang_a(lam, 300.0, c, 180.0).service_level(20.0) >= 0.8);
/// assert!(erlang_a(lam, 300.0, c - 1, 180.0).service_level(20.0) < 0.8);
/// ```
pub fn agents_for_service_level_erlang_a(
    arrivals_per_s: f64,
    aht_s: f64,
    patience_s: f64,
    target: ServiceTarget,
) -> Option<u32> {
    let frac = target.fraction;
    if frac.is_nan() || frac > 1.0 {
        return None;
    }
    let patience = nonneg(patience_s);
    if patience == f64::INFINITY {
        return agents_for_service_level(arrivals_per_s, aht_s, target);
    }
    let lam = nonneg(arrivals_per_s);
    let aht = nonneg(aht_s);
    let a = offered_load(lam, aht);
    if !a.is_finite() {
        return None;
    }
    let meets = |c: u32| erlang_a_eval(lam, aht, c, patience, Some(target.within_s)).1 >= frac;
    let cap = (a.floor() + 1.0 + 100.0 * a.sqrt() + 1000.0).min(f64::from(u32::MAX));
    let first = (frac * a).floor().max(1.0);
    if first > cap {
        return None;
    }
    let cap = cap as u32;
    let mut lo = first as u32;
    if meets(lo) {
        return Some(lo);
    }
    // Gallop: lo always fails, hi is the first probe that meets the target.
    let mut step = (a.sqrt() as u32).max(1);
    let mut hi;
    loop {
        hi = lo.saturating_add(step).min(cap);
        if meets(hi) {
            break;
        }
        if hi >= cap {
            return None;
        }
        lo = hi;
        step = step.saturating_mul(2);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}
