//! Erlang B and C (M/M/c): the probability of waiting, the mean wait, the
//! service level, and the agents needed for a service-level target.

use crate::queue::numeric::{finite, nonneg, prob};

/// A service-level target: `fraction` of contacts answered within `within_s`
/// seconds. The default is the classic 80/20.
///
/// ```
/// use kefu_triage::queue::ServiceTarget;
/// let t = ServiceTarget::default();
/// assert_eq!(t, ServiceTarget { fraction: 0.8, within_s: 20.0 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceTarget {
    /// Required fraction answered in time, in `[0, 1]`.
    pub fraction: f64,
    /// Answer-time threshold in seconds.
    pub within_s: f64,
}

impl Default for ServiceTarget {
    fn default() -> Self {
        ServiceTarget {
            fraction: 0.8,
            within_s: 20.0,
        }
    }
}

/// Offered load `A = λ·AHT` in Erlangs (busy agents needed on average).
///
/// `NaN`/negative inputs count as `0`; `0·∞` is `0`.
///
/// ```
/// use kefu_triage::queue::offered_load;
/// assert_eq!(offered_load(600.0 / 3600.0, 300.0), 50.0);
/// assert_eq!(offered_load(f64::NAN, 300.0), 0.0);
/// ```
pub fn offered_load(arrivals_per_s: f64, aht_s: f64) -> f64 {
    let a = nonneg(arrivals_per_s) * nonneg(aht_s);
    if a.is_nan() { 0.0 } else { a }
}

/// Where to start the Erlang B recurrence so that reaching `c` is cheap even
/// for loads in the millions.
///
/// The recurrence `B(k) = A·B(k−1)/(k + A·B(k−1))` contracts errors by a
/// factor of roughly `k/A` per step below `A` (and `A/k` above), so starting
/// from the fluid value `1 − s/A` a few `√A` steps below the target and
/// stepping forward reproduces the exact value to full precision. Returns
/// `(0, 1)`, the exact start, whenever that is cheap anyway.
pub(super) fn erlang_b_start(a: f64, c: u32) -> (u32, f64) {
    let cf = f64::from(c);
    // Number of steps n needed so that the accumulated contraction exceeds
    // e^40: below A, n·d + n²/2 ≥ 40·A with d = A − c, i.e.
    // n = 80A / (√(d² + 80A) + d), written so that nothing overflows.
    let r = 80f64.sqrt() * a.sqrt();
    let steps = if cf <= a {
        let d = a - cf;
        r * (r / (d.hypot(r) + d))
    } else {
        r + (cf - a)
    };
    let start = cf - steps.ceil();
    if start.is_nan() || start < 1.0 {
        (0, 1.0)
    } else {
        // start < c here, so the cast is exact.
        (start as u32, 1.0 - start / a)
    }
}

/// Erlang B blocking probability for offered load `offered_load` (Erlangs) and
/// `agents` servers, via the numerically stable recurrence
/// `B(0) = 1`, `B(k) = A·B(k−1) / (k + A·B(k−1))`.
///
/// Works for any number of agents: the recurrence is warm-started close to
/// the answer when the load is large, and values below `1e-300` are returned
/// as `0`, so the cost is `O(√A)` steps rather than `O(c)`.
///
/// ```
/// use kefu_triage::queue::erlang_b;
/// // One server, load A: B = A / (1 + A).
/// assert!((erlang_b(1.0, 1) - 0.5).abs() < 1e-15);
/// assert_eq!(erlang_b(3.0, 0), 1.0);
/// assert_eq!(erlang_b(0.0, 3), 0.0);
/// ```
pub fn erlang_b(offered_load: f64, agents: u32) -> f64 {
    let a = nonneg(offered_load);
    if agents == 0 || a == f64::INFINITY {
        return 1.0;
    }
    if a == 0.0 {
        return 0.0;
    }
    let (start, mut b) = erlang_b_start(a, agents);
    let mut k = start;
    while k < agents {
        k += 1;
        b = a * b / (f64::from(k) + a * b);
        if b < 1e-300 {
            // Below this the value is zero for every purpose (and subnormal
            // values stop decreasing under rounding).
            return 0.0;
        }
    }
    prob(b)
}

/// Erlang C waiting probability from the Erlang B value: `C = c·B / (c − A(1 − B))`.
/// Caller guarantees `0 ≤ a < c`.
pub(super) fn erlang_c_from_b(a: f64, c: f64, b: f64) -> f64 {
    let denom = c - a * (1.0 - b);
    if denom > 0.0 {
        prob(c * b / denom)
    } else {
        1.0
    }
}

/// Erlang C service level `1 − P_wait·e^{−(c−A)t/AHT}` for a stable system.
pub(super) fn erlang_c_service_level(p_wait: f64, a: f64, c: f64, aht: f64, within_s: f64) -> f64 {
    if p_wait <= 0.0 {
        return 1.0;
    }
    let x = (c - a) * nonneg(within_s) / aht;
    if x.is_nan() {
        return prob(1.0 - p_wait);
    }
    prob(1.0 - p_wait * (-x).exp())
}

/// Steady-state performance of an M/M/c queue (Erlang C): Poisson arrivals,
/// exponential handle times, `agents` identical agents, infinite patience,
/// first come first served.
///
/// ```
/// use kefu_triage::queue::erlang_c;
/// // M/M/1 with ρ = 0.5: P(wait) = ρ, E[W] = ρ/(μ − λ).
/// let m = erlang_c(0.5, 1.0, 1);
/// assert!((m.p_wait - 0.5).abs() < 1e-12);
/// assert!((m.mean_wait_s.unwrap() - 1.0).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ErlangC {
    /// Arrival rate λ per second (after sanitising).
    pub arrivals_per_s: f64,
    /// Mean handle time in seconds (after sanitising).
    pub aht_s: f64,
    /// Number of agents `c`.
    pub agents: u32,
    /// Offered load `A = λ·AHT` in Erlangs.
    pub offered_load: f64,
    /// `true` iff `A < c`; otherwise the queue grows without bound.
    pub stable: bool,
    /// Probability that an arriving contact has to wait (`1.0` when unstable).
    pub p_wait: f64,
    /// Mean wait in queue over all contacts, in seconds; `None` when unstable.
    pub mean_wait_s: Option<f64>,
    /// Agent occupancy `A/c`, capped at `1`.
    pub occupancy: f64,
}

impl ErlangC {
    /// Fraction of contacts answered within `within_s` seconds:
    /// `SL(t) = 1 − P_wait·e^{−(c−A)t/AHT}`; `0` for an unstable queue.
    ///
    /// ```
    /// use kefu_triage::queue::erlang_c;
    /// let m = erlang_c(600.0 / 3600.0, 300.0, 55);
    /// let sl = m.service_level(20.0);
    /// assert!(sl > 1.0 - m.p_wait && sl < 1.0);
    /// assert_eq!(m.service_level(f64::INFINITY), 1.0);
    /// ```
    pub fn service_level(&self, within_s: f64) -> f64 {
        if !self.stable {
            return 0.0;
        }
        erlang_c_service_level(
            self.p_wait,
            self.offered_load,
            f64::from(self.agents),
            self.aht_s,
            within_s,
        )
    }
}

/// Erlang C (M/M/c) for arrival rate `arrivals_per_s`, mean handle time
/// `aht_s` and `agents` agents.
///
/// An unstable load (`A ≥ c`, including `c = 0`) is reported with
/// `stable: false`, `p_wait = 1.0` and `mean_wait_s = None`.
///
/// ```
/// use kefu_triage::queue::erlang_c;
/// let m = erlang_c(1.0, 10.0, 10); // A = 10 = c
/// assert!(!m.stable);
/// assert_eq!(m.p_wait, 1.0);
/// assert_eq!(m.mean_wait_s, None);
///
/// // Thousands of agents close to saturation are fine.
/// let big = erlang_c(4990.0, 1.0, 5000);
/// assert!(big.stable && big.p_wait > 0.0 && big.p_wait < 1.0);
/// ```
pub fn erlang_c(arrivals_per_s: f64, aht_s: f64, agents: u32) -> ErlangC {
    let lam = nonneg(arrivals_per_s);
    let aht = nonneg(aht_s);
    let a = offered_load(lam, aht);
    let c = f64::from(agents);
    let stable = a < c;
    let mut out = ErlangC {
        arrivals_per_s: lam,
        aht_s: aht,
        agents,
        offered_load: a,
        stable,
        p_wait: 1.0,
        mean_wait_s: None,
        occupancy: 1.0,
    };
    if !stable {
        return out;
    }
    let b = erlang_b(a, agents);
    let p_wait = erlang_c_from_b(a, c, b);
    out.p_wait = p_wait;
    out.occupancy = prob(a / c);
    out.mean_wait_s = if p_wait == 0.0 {
        Some(0.0)
    } else {
        finite(p_wait * aht / (c - a))
    };
    out
}

/// Smallest number of agents for which the Erlang C queue is stable and the
/// service level reaches `target` (e.g. 80 % answered within 20 s).
///
/// The search starts at the first stable count `⌊A⌋ + 1` and walks upwards,
/// extending the Erlang B recurrence one agent per step, so thousands of
/// agents cost only a few thousand arithmetic operations. At least one agent
/// is returned even for zero traffic. Returns `None` if the target fraction
/// is `NaN` or above `1`, the load is infinite, or the answer would exceed
/// `⌊A⌋ + 1 + 100·√A + 1000` agents (or `u32::MAX`).
///
/// ```
/// use kefu_triage::queue::{agents_for_service_level, ServiceTarget};
/// let c = agents_for_service_level(600.0 / 3600.0, 300.0, ServiceTarget::default());
/// assert_eq!(c, Some(57));
/// assert_eq!(agents_for_service_level(1.0, 1.0, ServiceTarget { fraction: 1.5, within_s: 20.0 }), None);
/// ```
pub fn agents_for_service_level(
    arrivals_per_s: f64,
    aht_s: f64,
    target: ServiceTarget,
) -> Option<u32> {
    let frac = target.fraction;
    if frac.is_nan() || frac > 1.0 {
        return None;
    }
    let aht = nonneg(aht_s);
    let a = offered_load(arrivals_per_s, aht);
    if !a.is_finite() {
        return None;
    }
    if a == 0.0 {
        return Some(1);
    }
    let first = a.floor() + 1.0;
    let cap = (first + 100.0 * a.sqrt() + 1000.0).min(f64::from(u32::MAX));
    if first > cap {
        return None;
    }
    let cap = cap as u32;
    let mut c = first as u32;
    let mut b = erlang_b(a, c);
    loop {
        let cf = f64::from(c);
        let p_wait = erlang_c_from_b(a, cf, b);
        if erlang_c_service_level(p_wait, a, cf, aht, target.within_s) >= frac {
            return Some(c);
        }
        if c >= cap {
            return None;
        }
        c += 1;
        b = a * b / (f64::from(c) + a * b);
    }
}
