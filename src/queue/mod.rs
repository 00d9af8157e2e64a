//! Queueing models for contact-centre staffing and for the wait estimate shown
//! to a customer who is waiting for a human agent.
//!
//! * **Erlang C** (M/M/c): probability of waiting, mean wait, service level and
//!   the staffing needed for a service-level target ([`erlang_c`],
//!   [`agents_for_service_level`]).
//! * **Erlang A** (M/M/c+M, customers abandon after an exponential patience):
//!   waiting and abandonment probabilities, mean waits and service level
//!   ([`erlang_a`], [`agents_for_service_level_erlang_a`]).
//! * **Position-based estimates** for a single customer who knows how many
//!   contacts are ahead (Whitt 1999; Ibrahim & Whitt 2009): [`estimate_wait`],
//!   [`position_wait`].
//! * Phrasing of a wait range the way a person would say it
//!   ([`describe_wait`], [`describe_wait_en`]).
//! * Time-of-day arrival profiles ([`LoadProfile`]).
//!
//! Everything here is a pure function: no I/O, no clock, no global state, and
//! no panics for any `f64`/`u32` input. Rates are per **second** and times are
//! in **seconds**. Inputs that make no sense are sanitised the same way
//! everywhere: `NaN` and negative values are treated as `0`, `+∞` is kept and
//! propagates the way the model implies (an infinite handle time means nobody
//! is ever served, infinite patience means nobody abandons, …).
//!
//! # Example
//!
//! ```
//! use kefu_triage::queue::{agents_for_service_level, erlang_c, ServiceTarget};
//!
//! // 600 contacts per hour, 5-minute handle time: 50 Erlangs of work.
//! let lambda = 600.0 / 3600.0;
//! let m = erlang_c(lambda, 300.0, 55);
//! assert!(m.stable);
//! assert!((m.offered_load - 50.0).abs() < 1e-9);
//! assert!(m.p_wait > 0.3 && m.p_wait < 0.5);
//!
//! // Agents needed so that 80 % of contacts are answered within 20 s.
//! let c = agents_for_service_level(lambda, 300.0, ServiceTarget::default()).unwrap();
//! assert!(erlang_c(lambda, 300.0, c).service_level(20.0) >= 0.8);
//! assert!(erlang_c(lambda, 300.0, c - 1).service_level(20.0) < 0.8);
//! ```

pub(crate) mod snapshot;

/// Lower quantile used for the wait ranges of [`estimate_wait`] (20th percentile).
pub const LOW_QUANTILE: f64 = 0.2;

/// Upper quantile used for the wait ranges of [`estimate_wait`] (80th percentile).
pub const HIGH_QUANTILE: f64 = 0.8;

/// Standard normal quantile at [`HIGH_QUANTILE`]; its negative is the quantile
/// at [`LOW_QUANTILE`].
const Z_HIGH: f64 = 0.841_621_233_572_914_3;

/// Hard cap on the number of queue states summed by the Erlang A model.
const ERLANG_A_MAX_TERMS: usize = 2_000_000;

/// Largest queue position for which [`estimate_wait`] with abandonment uses
/// the exact distribution (a normal approximation is used beyond).
const EXACT_POSITION_MAX: u32 = 1024;

/// Largest number of stages summed term by term; longer sums use an
/// Euler–Maclaurin tail.
const DIRECT_SUM_MAX: u32 = 4096;

/// Below this shape the Erlang quantile is found by bisection of the exact
/// CDF; above it the Wilson–Hilferty approximation is used.
const EXACT_ERLANG_SHAPE_MAX: f64 = 64.0;

/// `x` if it is a positive number (including `+∞`), otherwise `0`.
fn nonneg(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// Clamp to `[0, 1]`, mapping `NaN` to `0`.
fn prob(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// `Some(x)` if `x` is finite.
fn finite(x: f64) -> Option<f64> {
    if x.is_finite() { Some(x) } else { None }
}

// ---------------------------------------------------------------------------
// Erlang B / Erlang C
// ---------------------------------------------------------------------------

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
fn erlang_b_start(a: f64, c: u32) -> (u32, f64) {
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
fn erlang_c_from_b(a: f64, c: f64, b: f64) -> f64 {
    let denom = c - a * (1.0 - b);
    if denom > 0.0 {
        prob(c * b / denom)
    } else {
        1.0
    }
}

/// Erlang C service level `1 − P_wait·e^{−(c−A)t/AHT}` for a stable system.
fn erlang_c_service_level(p_wait: f64, a: f64, c: f64, aht: f64, within_s: f64) -> f64 {
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

// ---------------------------------------------------------------------------
// Erlang A
// ---------------------------------------------------------------------------

/// Running evaluation of the regularised incomplete beta function
/// `I_x(i+1, β)` for `i = 0, 1, 2, …` with `x = 1 − e^{−u}`, using
/// `I_x(α+1, β) = I_x(α, β) − x^α (1−x)^β / (α·B(α, β))`, the subtracted term
/// being updated in log space by the ratio `x·(i+1+β)/(i+2)`.
///
/// If `Y ~ Beta(β, i+1)` then `−ln Y` is distributed as a sum of exponentials
/// with rates `β, β+1, …, β+i`, and `P(−ln Y ≤ u) = I_x(i+1, β)`. That is the
/// potential wait (in units of `1/θ`) of a customer with `i` contacts ahead in
/// an Erlang A queue, where the stage rates are `cμ + jθ`.
struct BetaChain {
    s: f64,
    ln_d: f64,
    ln_x: f64,
    shift: f64,
    i: f64,
}

impl BetaChain {
    /// `beta_u` is `β·u`, passed separately to avoid rounding in `β = cμ/θ`.
    fn new(beta: f64, u: f64, beta_u: f64) -> Self {
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

    fn value(&self) -> f64 {
        prob(self.s)
    }

    fn advance(&mut self) {
        self.s -= self.ln_d.exp();
        self.ln_d += self.ln_x + (self.shift / (self.i + 2.0)).ln_1p();
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
struct AFigures {
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
fn total_service_rate(agents: u32, aht: f64) -> f64 {
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
fn erlang_a_chain(lam: f64, aht: f64, agents: u32, theta: f64, within: Option<f64>) -> AFigures {
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
fn erlang_a_fluid(lam: f64, aht: f64, agents: u32, theta: f64, within: Option<f64>) -> AFigures {
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
fn erlang_a_eval(
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

// ---------------------------------------------------------------------------
// Position-based estimate
// ---------------------------------------------------------------------------

/// A wait estimate for one customer: mean and a likely range (roughly the
/// 20th–80th percentiles, see [`LOW_QUANTILE`] and [`HIGH_QUANTILE`]), in
/// seconds. Always `0 ≤ low_s ≤ high_s`.
///
/// ```
/// use kefu_triage::queue::estimate_wait;
/// let e = estimate_wait(3, 10, 0, 300.0, None).unwrap();
/// assert!(e.low_s < e.mean_s && e.mean_s < e.high_s);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaitRange {
    /// Expected wait in seconds.
    pub mean_s: f64,
    /// Optimistic end of the range (≈ 20th percentile), in seconds.
    pub low_s: f64,
    /// Pessimistic end of the range (≈ 80th percentile), in seconds.
    pub high_s: f64,
}

impl WaitRange {
    const ZERO: WaitRange = WaitRange {
        mean_s: 0.0,
        low_s: 0.0,
        high_s: 0.0,
    };
}

/// Bisection for the `p`-quantile of a non-decreasing CDF on `[0, ∞)`, with
/// `hi` a first guess for an upper bracket.
fn quantile_by_bisection(p: f64, mut hi: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    let mut lo = 0.0;
    let mut doublings = 0;
    while cdf(hi) < p {
        lo = hi;
        hi *= 2.0;
        doublings += 1;
        if doublings > 200 || !hi.is_finite() {
            return hi;
        }
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if hi - lo <= 1e-10 * hi || mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// CDF of the Erlang (gamma) distribution with integer shape `n` and unit rate:
/// `P(X ≤ x) = 1 − e^{−x} Σ_{i<n} xⁱ/i!`. Only used for small `n`.
fn erlang_cdf_unit(n: u32, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let mut term = (-x).exp();
    let mut sum = term;
    for i in 1..n {
        term *= x / f64::from(i);
        sum += term;
    }
    prob(1.0 - sum)
}

/// Quantile of the Erlang distribution with shape `n` (≥ 1) and unit rate:
/// exact bisection for small shapes, Wilson–Hilferty
/// `n·(1 − 1/(9n) + z/(3√n))³` above.
fn erlang_quantile_unit(n: f64, p: f64, z: f64) -> f64 {
    if n < EXACT_ERLANG_SHAPE_MAX {
        let k = n as u32;
        quantile_by_bisection(p, n + 4.0 * n.sqrt() + 4.0, |x| erlang_cdf_unit(k, x))
    } else {
        let v = 1.0 / (9.0 * n);
        let r = 1.0 - v + z * v.sqrt();
        n * (r * r * r).max(0.0)
    }
}

/// Mean and variance of `Σ_{j=0..k} Exp(cμ + jθ)`; long sums use an
/// Euler–Maclaurin tail.
fn stage_moments(k: u32, cmu: f64, theta: f64) -> (f64, f64) {
    let direct = k.min(DIRECT_SUM_MAX);
    let (mut mean, mut var) = (0.0, 0.0);
    for j in 0..=direct {
        let r = cmu + f64::from(j) * theta;
        mean += 1.0 / r;
        var += 1.0 / (r * r);
    }
    if k > direct {
        let m0 = f64::from(direct) + 1.0;
        let kf = f64::from(k);
        let r0 = cmu + m0 * theta;
        let r1 = cmu + kf * theta;
        let span = kf - m0;
        mean += (span * theta / r0).ln_1p() / theta
            + 0.5 * (1.0 / r0 + 1.0 / r1)
            + theta / 12.0 * (1.0 / (r0 * r0) - 1.0 / (r1 * r1));
        var += span / (r0 * r1)
            + 0.5 * (1.0 / (r0 * r0) + 1.0 / (r1 * r1))
            + theta / 6.0 * (1.0 / (r0 * r0 * r0) - 1.0 / (r1 * r1 * r1));
    }
    (mean, var)
}

/// Wait estimate for a customer with `ahead` contacts of equal or higher
/// priority in front, when `agents` agents serve the queue with mean handle
/// time `aht_s`, of whom `free_agents` are idle right now.
///
/// Following Whitt (1999) and Ibrahim & Whitt (2009): with all `c` agents
/// busy, the queue moves one place at each service completion (rate `cμ`,
/// `μ = 1/AHT`), so without abandonment the wait is Erlang(`k+1`, `cμ`)
/// distributed with mean `(k+1)/(cμ)`; its 20th/80th percentiles are found by
/// bisection of the exact CDF (Wilson–Hilferty for long queues). When the
/// contacts ahead may abandon (`patience_s = Some(mean patience)`), the stage
/// with `j` contacts ahead has rate `cμ + jθ` and the mean is
/// `Σ_{j=0..k} 1/(cμ + jθ)`; the range comes from the exact distribution
/// (a log-beta law) for up to 1024 contacts ahead and from a normal
/// approximation with variance `Σ 1/(cμ + jθ)²` beyond. This is the time until
/// this customer is answered assuming they keep waiting.
///
/// `patience_s = None` (or `Some(∞)`) means nobody ahead abandons;
/// `Some(0)` (or a `NaN`/negative value) means contacts ahead give up at once.
///
/// Free agents first take the contacts ahead: if `free_agents > ahead` the wait
/// is zero, otherwise the customer effectively has `ahead − free_agents`
/// contacts ahead. Returns `None` when nobody can be served (no agents or an
/// infinite handle time).
///
/// ```
/// use kefu_triage::queue::estimate_wait;
/// // 4 ahead, 10 agents, 5-minute AHT: mean 5 stages of 30 s.
/// let e = estimate_wait(4, 10, 0, 300.0, None).unwrap();
/// assert!((e.mean_s - 150.0).abs() < 1e-9);
/// // Abandonment ahead of you can only make it shorter.
/// let ab = estimate_wait(4, 10, 0, 300.0, Some(60.0)).unwrap();
/// assert!(ab.mean_s < e.mean_s);
/// // An idle agent for everyone ahead and you: no wait.
/// assert_eq!(estimate_wait(2, 10, 3, 300.0, None).unwrap().high_s, 0.0);
/// assert!(estimate_wait(2, 0, 0, 300.0, None).is_none());
/// ```
pub fn estimate_wait(
    ahead: u32,
    agents: u32,
    free_agents: u32,
    aht_s: f64,
    patience_s: Option<f64>,
) -> Option<WaitRange> {
    if agents == 0 {
        return None;
    }
    let free = free_agents.min(agents);
    if free > ahead {
        return Some(WaitRange::ZERO);
    }
    let aht = nonneg(aht_s);
    if aht == f64::INFINITY {
        return None;
    }
    let cmu = f64::from(agents) / aht;
    if !cmu.is_finite() {
        return Some(WaitRange::ZERO);
    }
    let k = ahead - free;
    let theta = patience_s.map_or(0.0, |p| 1.0 / nonneg(p));
    let est = if theta == 0.0 || theta == f64::INFINITY {
        // No abandonment: Erlang(k+1, cμ). Instant abandonment of everyone
        // ahead leaves a single stage.
        let n = if theta == 0.0 {
            f64::from(k) + 1.0
        } else {
            1.0
        };
        WaitRange {
            mean_s: n / cmu,
            low_s: erlang_quantile_unit(n, LOW_QUANTILE, -Z_HIGH) / cmu,
            high_s: erlang_quantile_unit(n, HIGH_QUANTILE, Z_HIGH) / cmu,
        }
    } else {
        let (mean, var) = stage_moments(k, cmu, theta);
        let sd = var.sqrt();
        if k <= EXACT_POSITION_MAX {
            let beta = cmu / theta;
            let cdf = |v: f64| {
                let mut ch = BetaChain::new(beta, theta * v, cmu * v);
                for _ in 0..k {
                    ch.advance();
                }
                ch.value()
            };
            let guess = mean + 3.0 * sd;
            WaitRange {
                mean_s: mean,
                low_s: quantile_by_bisection(LOW_QUANTILE, guess, cdf),
                high_s: quantile_by_bisection(HIGH_QUANTILE, guess, cdf),
            }
        } else {
            WaitRange {
                mean_s: mean,
                low_s: (mean - Z_HIGH * sd).max(0.0),
                high_s: mean + Z_HIGH * sd,
            }
        }
    };
    if !(est.mean_s.is_finite() && est.low_s.is_finite() && est.high_s.is_finite()) {
        return None;
    }
    let low = est.low_s.max(0.0);
    Some(WaitRange {
        mean_s: est.mean_s.max(0.0),
        low_s: low,
        high_s: est.high_s.max(low),
    })
}

/// Position-based wait range with every agent busy, in the form the triage
/// engine uses: [`estimate_wait`] with no free agents, but always returning a
/// range. When nobody can be served (no agents, infinite handle time) the
/// range is `[0, ∞)` with an infinite mean, which [`describe_wait`] phrases as
/// "请您耐心等待".
///
/// ```
/// use kefu_triage::queue::{describe_wait, estimate_wait, position_wait};
/// let r = position_wait(4, 4, 240.0, None);
/// assert_eq!(Some(r), estimate_wait(4, 4, 0, 240.0, None));
/// assert_eq!(describe_wait(4, r.low_s, r.high_s), "前面还有4位，预计3–7分钟");
/// let none = position_wait(4, 0, 240.0, None);
/// assert_eq!(none.high_s, f64::INFINITY);
/// assert_eq!(describe_wait(4, none.low_s, none.high_s), "前面还有4位，请您耐心等待");
/// ```
pub fn position_wait(ahead: u32, agents: u32, aht_s: f64, patience_s: Option<f64>) -> WaitRange {
    estimate_wait(ahead, agents, 0, aht_s, patience_s).unwrap_or(WaitRange {
        mean_s: f64::INFINITY,
        low_s: 0.0,
        high_s: f64::INFINITY,
    })
}

// ---------------------------------------------------------------------------
// Phrasing
// ---------------------------------------------------------------------------

/// A wait range rounded the way people say it.
enum Spoken {
    /// More than two days at the pessimistic end, or unknown.
    Unknown,
    /// Even the optimistic end is a day or more.
    OverDay,
    /// "within N minutes".
    WithinMinutes(u64),
    /// "A–B minutes".
    Minutes(u64, u64),
    /// "M minutes to H hours".
    MinutesToHours(u64, u64),
    /// "within H hours".
    WithinHours(u64),
    /// "A–B hours".
    Hours(u64, u64),
}

fn spoken_range(low_s: f64, high_s: f64) -> Spoken {
    const DAY: f64 = 86_400.0;
    let low = nonneg(low_s);
    if high_s.is_nan() || high_s > 2.0 * DAY {
        return if low >= DAY {
            Spoken::OverDay
        } else {
            Spoken::Unknown
        };
    }
    let high = nonneg(high_s);
    let low = low.min(high);
    if low >= DAY {
        return Spoken::OverDay;
    }
    // Round the optimistic end down and the pessimistic end up.
    let lo_m = (low / 60.0).floor() as u64;
    let hi_m = ((high / 60.0).ceil() as u64).max(1);
    if hi_m <= 60 && lo_m < 60 {
        return if lo_m == 0 {
            Spoken::WithinMinutes(hi_m)
        } else {
            Spoken::Minutes(lo_m, hi_m.max(lo_m + 1))
        };
    }
    let lo_h = (low / 3600.0).floor() as u64;
    let hi_h = (high / 3600.0).ceil() as u64;
    match (lo_h, lo_m) {
        (0, 0) => Spoken::WithinHours(hi_h),
        (0, m) => Spoken::MinutesToHours(m, hi_h),
        (h, _) => Spoken::Hours(h, hi_h.max(h + 1)),
    }
}

/// Tell a waiting customer, in natural Chinese, how many are ahead and how
/// long it will probably take, given a range in seconds (e.g. from
/// [`estimate_wait`]). The optimistic end is rounded down and the pessimistic
/// end up to whole minutes (whole hours beyond an hour), and the range never
/// collapses to a single number.
///
/// ```
/// use kefu_triage::queue::describe_wait;
/// assert_eq!(describe_wait(3, 150.0, 210.0), "前面还有3位，预计2–4分钟");
/// assert_eq!(describe_wait(1, 10.0, 45.0), "前面还有1位，预计1分钟内");
/// assert_eq!(describe_wait(0, 10.0, 45.0), "马上为您接通");
/// assert_eq!(describe_wait(0, 40.0, 150.0), "您是下一位，预计3分钟内");
/// assert_eq!(describe_wait(120, 4000.0, 6500.0), "前面还有120位，预计1–2小时");
/// ```
pub fn describe_wait(position_ahead: u32, low_s: f64, high_s: f64) -> String {
    let mut out = String::new();
    write_wait(&mut out, position_ahead, low_s, high_s);
    out
}

/// [`describe_wait`] appended to `out`, without allocating when `out` has
/// room.
pub(crate) fn write_wait(out: &mut String, position_ahead: u32, low_s: f64, high_s: f64) {
    use std::fmt::Write as _;
    // Nobody ahead: "right away" only when that is true; when every agent
    // is busy the customer is next, and says so with the time.
    if position_ahead == 0 {
        if high_s.is_nan() || high_s <= 60.0 {
            out.push_str("马上为您接通");
            return;
        }
        out.push_str("您是下一位");
    } else {
        let _ = write!(out, "前面还有{position_ahead}位");
    }
    let _ = match spoken_range(low_s, high_s) {
        Spoken::Unknown => write!(out, "，请您耐心等待"),
        Spoken::OverDay => write!(out, "，预计超过一天"),
        Spoken::WithinMinutes(m) => write!(out, "，预计{m}分钟内"),
        Spoken::Minutes(a, b) => write!(out, "，预计{a}–{b}分钟"),
        Spoken::MinutesToHours(m, h) => write!(out, "，预计{m}分钟–{h}小时"),
        Spoken::WithinHours(h) => write!(out, "，预计{h}小时内"),
        Spoken::Hours(a, b) => write!(out, "，预计{a}–{b}小时"),
    };
}

/// English counterpart of [`describe_wait`], with the same rounding.
///
/// ```
/// use kefu_triage::queue::describe_wait_en;
/// assert_eq!(describe_wait_en(3, 150.0, 210.0), "3 ahead of you, about 2–4 min");
/// assert_eq!(describe_wait_en(1, 10.0, 45.0), "1 ahead of you, under 1 min");
/// assert_eq!(describe_wait_en(0, 10.0, 45.0), "connecting you now");
/// ```
pub fn describe_wait_en(position_ahead: u32, low_s: f64, high_s: f64) -> String {
    if position_ahead == 0 {
        return "connecting you now".to_string();
    }
    let n = position_ahead;
    match spoken_range(low_s, high_s) {
        Spoken::Unknown => format!("{n} ahead of you, please bear with us"),
        Spoken::OverDay => format!("{n} ahead of you, more than a day"),
        Spoken::WithinMinutes(1) => format!("{n} ahead of you, under 1 min"),
        Spoken::WithinMinutes(m) => format!("{n} ahead of you, within {m} min"),
        Spoken::Minutes(a, b) => format!("{n} ahead of you, about {a}–{b} min"),
        Spoken::MinutesToHours(m, h) => format!("{n} ahead of you, about {m} min–{h} h"),
        Spoken::WithinHours(h) => format!("{n} ahead of you, within {h} h"),
        Spoken::Hours(a, b) => format!("{n} ahead of you, about {a}–{b} h"),
    }
}

// ---------------------------------------------------------------------------
// Load profiles
// ---------------------------------------------------------------------------

/// Hour-of-day arrival multipliers of a typical Chinese e-commerce /
/// live-commerce customer-service day (local time, index = hour). Quiet from
/// midnight to 7 h, a morning peak around 10–12 h, an afternoon plateau and
/// the main evening peak (live-stream shopping) around 20–23 h. The values
/// average exactly `1.0` over the day.
///
/// ```
/// use kefu_triage::queue::ECOMMERCE_DAY_CURVE;
/// let mean: f64 = ECOMMERCE_DAY_CURVE.iter().sum::<f64>() / 24.0;
/// assert!((mean - 1.0).abs() < 1e-12);
/// assert!(ECOMMERCE_DAY_CURVE[21] > ECOMMERCE_DAY_CURVE[11]);
/// assert!(ECOMMERCE_DAY_CURVE[4] < 0.1);
/// ```
pub const ECOMMERCE_DAY_CURVE: [f64; 24] = [
    0.50, 0.28, 0.16, 0.10, 0.08, 0.10, 0.22, 0.45, // 00–07
    0.80, 1.20, 1.60, 1.70, 1.40, 1.20, 1.30, 1.32, // 08–15
    1.25, 1.15, 1.10, 1.30, 1.80, 1.95, 1.85, 1.19, // 16–23
];

/// Default multiplier applied on promotion days (大促: 双11, 618, …).
pub const DEFAULT_PROMOTION_MULTIPLIER: f64 = 3.0;

/// How contact volume varies over the day, and on promotion days.
///
/// ```
/// use kefu_triage::queue::LoadProfile;
/// let p = LoadProfile::default();
/// // 1 000 contacts/h on average → fewer at 4 am, more at 9 pm, ×3 on 大促.
/// assert!(p.scale_arrivals(1000.0, 4, false) < 100.0);
/// assert!(p.scale_arrivals(1000.0, 21, false) > 1500.0);
/// assert_eq!(p.scale_arrivals(1000.0, 21, true), 3.0 * p.scale_arrivals(1000.0, 21, false));
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadProfile {
    /// Multiplier of the daily-average hourly volume, per local hour `0..24`.
    pub hourly: [f64; 24],
    /// Extra multiplier applied on promotion (大促) days.
    pub promotion_multiplier: f64,
}

impl Default for LoadProfile {
    /// [`ECOMMERCE_DAY_CURVE`] with [`DEFAULT_PROMOTION_MULTIPLIER`].
    fn default() -> Self {
        LoadProfile {
            hourly: ECOMMERCE_DAY_CURVE,
            promotion_multiplier: DEFAULT_PROMOTION_MULTIPLIER,
        }
    }
}

impl LoadProfile {
    /// A profile with no daily variation (every hour `1.0`) and the default
    /// promotion multiplier.
    ///
    /// ```
    /// use kefu_triage::queue::LoadProfile;
    /// assert_eq!(LoadProfile::flat().scale_arrivals(500.0, 3, false), 500.0);
    /// ```
    pub fn flat() -> Self {
        LoadProfile {
            hourly: [1.0; 24],
            promotion_multiplier: DEFAULT_PROMOTION_MULTIPLIER,
        }
    }

    /// Combined multiplier for `local_hour` (taken modulo 24) and promotion
    /// status. `NaN`/negative multipliers count as `0`.
    ///
    /// ```
    /// use kefu_triage::queue::LoadProfile;
    /// let p = LoadProfile::default();
    /// assert_eq!(p.multiplier(45, false), p.multiplier(21, false));
    /// ```
    pub fn multiplier(&self, local_hour: u32, promotion: bool) -> f64 {
        let hour = nonneg(self.hourly[(local_hour % 24) as usize]);
        let promo = if promotion {
            nonneg(self.promotion_multiplier)
        } else {
            1.0
        };
        let m = hour * promo;
        if m.is_nan() { 0.0 } else { m }
    }

    /// Expected arrivals per hour at `local_hour`, given the daily-average
    /// hourly volume `base_per_hour`. Divide by 3600 for the per-second rate
    /// used by the queueing functions. Never negative or `NaN`.
    ///
    /// ```
    /// use kefu_triage::queue::LoadProfile;
    /// let p = LoadProfile::default();
    /// let day_total: f64 = (0..24).map(|h| p.scale_arrivals(100.0, h, false)).sum();
    /// assert!((day_total - 2400.0).abs() < 1e-9);
    /// assert_eq!(p.scale_arrivals(f64::NAN, 10, true), 0.0);
    /// ```
    pub fn scale_arrivals(&self, base_per_hour: f64, local_hour: u32, promotion: bool) -> f64 {
        let v = nonneg(base_per_hour) * self.multiplier(local_hour, promotion);
        if v.is_nan() { 0.0 } else { v }
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    /// Erlang C straight from its definition (small c only).
    fn direct_erlang_c(a: f64, c: u32) -> f64 {
        let mut sum = 0.0;
        let mut term = 1.0; // A^k / k!
        for k in 0..c {
            sum += term;
            term *= a / f64::from(k + 1);
        }
        let top = term * f64::from(c) / (f64::from(c) - a);
        top / (sum + top)
    }

    /// Erlang C via log-sum-exp of the definition (any c).
    fn log_erlang_c(a: f64, c: u32) -> f64 {
        let mut ln_terms = Vec::with_capacity(c as usize + 1);
        let mut ln_t = 0.0;
        ln_terms.push(ln_t);
        for k in 1..=c {
            ln_t += a.ln() - f64::from(k).ln();
            ln_terms.push(ln_t);
        }
        let ln_top = ln_terms[c as usize] + (f64::from(c) / (f64::from(c) - a)).ln();
        let rest: f64 = ln_terms[..c as usize]
            .iter()
            .map(|&l| (l - ln_top).exp())
            .sum();
        1.0 / (1.0 + rest)
    }

    /// Erlang B by the plain recurrence from B(0) = 1.
    fn full_erlang_b(a: f64, c: u32) -> f64 {
        let mut b = 1.0;
        for k in 1..=c {
            b = a * b / (f64::from(k) + a * b);
        }
        b
    }

    fn rel_err(x: f64, y: f64) -> f64 {
        (x - y).abs() / y.abs().max(1e-300)
    }

    /// Uniform and exponential draws from splitmix64.
    struct Rng(crate::rng::SplitMix64);
    impl Rng {
        fn new(seed: u64) -> Rng {
            Rng(crate::rng::SplitMix64(seed))
        }
        /// Uniform in (0, 1).
        fn uniform(&mut self) -> f64 {
            ((self.0.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
        }
        fn exp(&mut self, rate: f64) -> f64 {
            -self.uniform().ln() / rate
        }
    }

    struct SimResult {
        mean_wait: f64,
        p_wait: f64,
        p_abandon: f64,
        answered_within: f64,
        mean_wait_served: f64,
    }

    /// FCFS M/M/c(+M) simulation: each arrival takes the earliest free agent
    /// unless its patience runs out first (abandoned contacts never occupy an
    /// agent, so the virtual wait of each arrival is known on arrival).
    fn simulate(
        lam: f64,
        mu: f64,
        c: usize,
        theta: f64,
        customers: usize,
        within: f64,
        seed: u64,
    ) -> SimResult {
        let mut rng = Rng::new(seed);
        let mut free = vec![0.0f64; c];
        let mut t = 0.0;
        let warmup = customers / 20;
        let (mut n, mut waited, mut abandoned, mut ok) = (0usize, 0usize, 0usize, 0usize);
        let (mut wait_sum, mut served_wait_sum, mut served) = (0.0, 0.0, 0usize);
        for i in 0..customers + warmup {
            t += rng.exp(lam);
            let patience = if theta > 0.0 {
                rng.exp(theta)
            } else {
                f64::INFINITY
            };
            let service = rng.exp(mu);
            let (idx, &f) = free
                .iter()
                .enumerate()
                .min_by(|x, y| x.1.total_cmp(y.1))
                .unwrap();
            let start = f.max(t);
            let virtual_wait = start - t;
            let (wait, gets_served) = if virtual_wait <= patience {
                free[idx] = start + service;
                (virtual_wait, true)
            } else {
                (patience, false)
            };
            if i < warmup {
                continue;
            }
            n += 1;
            wait_sum += wait;
            if virtual_wait > 0.0 {
                waited += 1;
            }
            if gets_served {
                served += 1;
                served_wait_sum += wait;
                if wait <= within {
                    ok += 1;
                }
            } else {
                abandoned += 1;
            }
        }
        let nf = n as f64;
        SimResult {
            mean_wait: wait_sum / nf,
            p_wait: waited as f64 / nf,
            p_abandon: abandoned as f64 / nf,
            answered_within: ok as f64 / nf,
            mean_wait_served: served_wait_sum / served as f64,
        }
    }

    #[test]
    fn erlang_c_matches_direct_sum_table() {
        for c in 1..=20u32 {
            let cf = f64::from(c);
            for &load in &[0.05, 0.3, 0.5, 0.7, 0.85, 0.95, 0.99] {
                let a = load * cf;
                let m = erlang_c(a, 1.0, c);
                let direct = direct_erlang_c(a, c);
                assert!(m.stable);
                assert!(
                    (m.p_wait - direct).abs() < 1e-9,
                    "c={c} A={a}: {} vs {direct}",
                    m.p_wait
                );
                let w = m.mean_wait_s.unwrap();
                assert!((w - direct / (cf - a)).abs() < 1e-9 * (1.0 + w));
            }
        }
    }

    #[test]
    fn textbook_600_per_hour_300s_55_agents() {
        let m = erlang_c(600.0 / 3600.0, 300.0, 55);
        assert!((m.offered_load - 50.0).abs() < 1e-12);
        let direct = direct_erlang_c(50.0, 55);
        assert!(rel_err(m.p_wait, direct) < 1e-10);
        // Reference values computed independently with 50-digit arithmetic.
        assert!(
            (m.p_wait - 0.384_547_317_932_928_5).abs() < 1e-12,
            "{}",
            m.p_wait
        );
        let sl_direct = 1.0 - direct * (-(55.0 - 50.0) * 20.0 / 300.0f64).exp();
        let sl = m.service_level(20.0);
        assert!((sl - sl_direct).abs() < 1e-10);
        assert!((sl - 0.724_459_806_303_883_1).abs() < 1e-12, "{sl}");
        assert!((m.mean_wait_s.unwrap() - direct * 300.0 / 5.0).abs() < 1e-8);
        assert_eq!(
            agents_for_service_level(600.0 / 3600.0, 300.0, ServiceTarget::default()),
            Some(57)
        );
    }

    #[test]
    fn mm1_closed_form() {
        for &(lam, mu) in &[(0.1, 1.0), (0.5, 1.0), (0.9, 1.0), (2.0, 5.0), (0.999, 1.0)] {
            let m = erlang_c(lam, 1.0 / mu, 1);
            let rho = lam / mu;
            assert!((m.p_wait - rho).abs() < 1e-12);
            let w = rho / (mu - lam);
            assert!(rel_err(m.mean_wait_s.unwrap(), w) < 1e-9);
            // M/M/1: P(W > t) = ρ e^{−(μ−λ)t}.
            let sl = m.service_level(2.0);
            assert!((sl - (1.0 - rho * (-(mu - lam) * 2.0f64).exp())).abs() < 1e-12);
        }
    }

    #[test]
    fn large_near_saturation_is_accurate() {
        let m = erlang_c(4990.0, 1.0, 5000);
        assert!(m.stable);
        let reference = log_erlang_c(4990.0, 5000);
        assert!(
            rel_err(m.p_wait, reference) < 1e-9,
            "{} vs {reference}",
            m.p_wait
        );
        let w = m.mean_wait_s.unwrap();
        assert!(w.is_finite() && w > 0.0);
        // Very close to saturation still finite.
        let m = erlang_c(4999.999, 1.0, 5000);
        assert!(m.stable && m.p_wait > 0.99 && m.mean_wait_s.unwrap().is_finite());
    }

    #[test]
    fn warm_started_erlang_b_matches_full_recurrence() {
        for a in [100.0f64, 999.5, 12_345.6, 100_000.0, 1_234_567.0] {
            let sa = a.sqrt();
            let offsets = [
                -1.0e3, -60.0, -20.0, -9.0, -3.0, -1.0, 0.0, 0.5, 2.0, 8.0, 30.0,
            ];
            for &off in &offsets {
                let c = (a + off * sa).max(1.0).round() as u32;
                let full = full_erlang_b(a, c);
                let fast = erlang_b(a, c);
                assert!(
                    rel_err(fast, full) < 1e-11 || (full < 1e-290 && fast < 1e-290),
                    "A={a} c={c}: {fast} vs {full}"
                );
            }
        }
        // Huge agent counts return quickly.
        assert_eq!(erlang_b(10.0, u32::MAX), 0.0);
        let b = erlang_b(f64::from(u32::MAX) - 1000.0, u32::MAX);
        assert!(b > 0.0 && b < 1.0);
    }

    #[test]
    fn unstable_is_reported() {
        for &(lam, aht, c) in &[
            (1.0, 10.0, 10u32),
            (1.0, 10.0, 5),
            (1.0, 1.0, 0),
            (0.0, 1.0, 0),
        ] {
            let m = erlang_c(lam, aht, c);
            assert!(!m.stable);
            assert_eq!(m.p_wait, 1.0);
            assert_eq!(m.mean_wait_s, None);
            assert_eq!(m.service_level(20.0), 0.0);
        }
        let m = erlang_c(0.0, 300.0, 3);
        assert!(m.stable);
        assert_eq!(m.p_wait, 0.0);
        assert_eq!(m.mean_wait_s, Some(0.0));
        assert_eq!(m.service_level(0.0), 1.0);
    }

    #[test]
    fn staffing_is_minimal_and_monotonic() {
        let target = ServiceTarget::default();
        let mut prev = 0;
        for per_hour in [0.0, 10.0, 60.0, 600.0, 3_000.0, 30_000.0, 300_000.0] {
            let lam = per_hour / 3600.0;
            let c = agents_for_service_level(lam, 300.0, target).unwrap();
            assert!(c >= prev, "{per_hour}/h: {c} < {prev}");
            prev = c;
            assert!(erlang_c(lam, 300.0, c).service_level(20.0) >= 0.8);
            if c > 1 {
                let below = erlang_c(lam, 300.0, c - 1);
                assert!(!below.stable || below.service_level(20.0) < 0.8);
            }
        }
        // Stricter targets need more agents.
        let lam = 1_000.0 / 3600.0;
        let c80 = agents_for_service_level(lam, 300.0, target).unwrap();
        let c90 = agents_for_service_level(
            lam,
            300.0,
            ServiceTarget {
                fraction: 0.9,
                within_s: 20.0,
            },
        )
        .unwrap();
        let c90_10 = agents_for_service_level(
            lam,
            300.0,
            ServiceTarget {
                fraction: 0.9,
                within_s: 10.0,
            },
        )
        .unwrap();
        assert!(c80 < c90 && c90 <= c90_10);
        // Zero target: first stable count.
        let c0 = agents_for_service_level(
            lam,
            300.0,
            ServiceTarget {
                fraction: 0.0,
                within_s: 20.0,
            },
        );
        assert_eq!(c0, Some(84));
        // Impossible targets.
        assert_eq!(
            agents_for_service_level(
                lam,
                300.0,
                ServiceTarget {
                    fraction: f64::NAN,
                    within_s: 20.0
                }
            ),
            None
        );
        assert_eq!(agents_for_service_level(f64::INFINITY, 300.0, target), None);
        // 100% within 0 s is reached once the waiting probability underflows.
        assert!(
            agents_for_service_level(
                lam,
                300.0,
                ServiceTarget {
                    fraction: 1.0,
                    within_s: 0.0
                }
            )
            .is_some()
        );
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_with_infinite_patience() {
        for &(lam, aht, c) in &[
            (4.0, 1.0, 5u32),
            (600.0 / 3600.0, 300.0, 55),
            (1.0, 10.0, 12),
        ] {
            let ec = erlang_c(lam, aht, c);
            let ea = erlang_a(lam, aht, c, 1e10);
            assert!(ea.converged);
            assert!(rel_err(ea.p_wait, ec.p_wait) < 1e-6);
            assert!(rel_err(ea.mean_wait_s.unwrap(), ec.mean_wait_s.unwrap()) < 1e-5);
            assert!(ea.p_abandon < 1e-6);
            assert!((ea.service_level(20.0) - ec.service_level(20.0)).abs() < 1e-6);
            // Literally infinite patience is exactly Erlang C.
            let inf = erlang_a(lam, aht, c, f64::INFINITY);
            assert_eq!(inf.p_wait, ec.p_wait);
            assert_eq!(inf.mean_wait_s, ec.mean_wait_s);
        }
    }

    #[test]
    fn erlang_a_abandonment_rises_as_patience_falls() {
        let mut prev = 0.0;
        for patience in [1e6, 3600.0, 600.0, 180.0, 60.0, 20.0, 5.0] {
            let m = erlang_a(720.0 / 3600.0, 300.0, 55, patience);
            assert!(m.converged && m.stable);
            assert!(m.p_abandon > prev, "patience {patience}");
            prev = m.p_abandon;
        }
        // Zero patience is the Erlang B loss system.
        let m = erlang_a(4.0, 1.0, 5, 0.0);
        assert!((m.p_abandon - erlang_b(4.0, 5)).abs() < 1e-15);
        assert_eq!(m.mean_wait_s, Some(0.0));
    }

    #[test]
    fn erlang_a_internal_consistency() {
        for &(lam, aht, c, pat) in &[
            (5.0, 1.0, 5u32, 2.0),
            (0.2, 300.0, 55, 120.0),
            (0.5, 300.0, 100, 30.0),
            (3.0, 1.0, 0, 4.0),
            (100.0, 1.0, 10, 50.0),
        ] {
            let m = erlang_a(lam, aht, c, pat);
            assert!(m.converged);
            let q = m.mean_queue_len.unwrap();
            let w = m.mean_wait_s.unwrap();
            // Little's law and P(ab) = θ·E[Q]/λ.
            assert!(rel_err(q, lam * w) < 1e-9, "{q} vs {}", lam * w);
            assert!((m.p_abandon - q / pat / lam).abs() < 1e-9);
            assert!(m.p_abandon <= m.p_wait + 1e-12);
            let sl = m.service_level(1e12);
            assert!(
                (sl - (1.0 - m.p_abandon)).abs() < 1e-9,
                "{sl} vs {}",
                1.0 - m.p_abandon
            );
            assert!((m.service_level(0.0) - (1.0 - m.p_wait)).abs() < 1e-9);
        }
        // No agents: Poisson queue, everybody abandons after their patience.
        let m = erlang_a(3.0, 1.0, 0, 4.0);
        assert!((m.p_abandon - 1.0).abs() < 1e-12);
        assert!((m.mean_queue_len.unwrap() - 12.0).abs() < 1e-9);
        assert_eq!(m.mean_wait_served_s, None);
    }

    #[test]
    fn simulation_matches_erlang_c() {
        let (lam, mu, c) = (4.0, 1.0, 5usize);
        let sim = simulate(lam, mu, c, 0.0, 600_000, 0.5, 0x5eed_1234);
        let m = erlang_c(lam, 1.0 / mu, c as u32);
        let w = m.mean_wait_s.unwrap();
        assert!(
            rel_err(sim.mean_wait, w) < 0.05,
            "sim {} vs {w}",
            sim.mean_wait
        );
        assert!(
            (sim.p_wait - m.p_wait).abs() < 0.02,
            "sim {} vs {}",
            sim.p_wait,
            m.p_wait
        );
        let sl = m.service_level(0.5);
        assert!(
            (sim.answered_within - sl).abs() < 0.02,
            "sim {} vs {sl}",
            sim.answered_within
        );
    }

    #[test]
    fn simulation_matches_erlang_a() {
        // Overloaded without abandonment (A = c = 5), stabilised by patience.
        let (lam, mu, c, theta) = (5.0, 1.0, 5usize, 0.5);
        let sim = simulate(lam, mu, c, theta, 400_000, 0.3, 0xabcd_ef01);
        let m = erlang_a(lam, 1.0 / mu, c as u32, 1.0 / theta);
        let w = m.mean_wait_s.unwrap();
        assert!(
            rel_err(sim.mean_wait, w) < 0.05,
            "sim {} vs {w}",
            sim.mean_wait
        );
        assert!(
            rel_err(sim.p_abandon, m.p_abandon) < 0.06,
            "sim {} vs {}",
            sim.p_abandon,
            m.p_abandon
        );
        assert!(rel_err(sim.p_wait, m.p_wait) < 0.05);
        let ws = m.mean_wait_served_s.unwrap();
        assert!(
            rel_err(sim.mean_wait_served, ws) < 0.06,
            "sim {} vs {ws}",
            sim.mean_wait_served
        );
        let sl = m.service_level(0.3);
        assert!(
            (sim.answered_within - sl).abs() < 0.02,
            "sim {} vs {sl}",
            sim.answered_within
        );
    }

    #[test]
    fn erlang_a_staffing() {
        let lam = 1_200.0 / 3600.0;
        let target = ServiceTarget::default();
        let mut prev = u32::MAX;
        for patience in [30.0, 120.0, 600.0, 1e7] {
            let c = agents_for_service_level_erlang_a(lam, 300.0, patience, target).unwrap();
            assert!(erlang_a(lam, 300.0, c, patience).service_level(20.0) >= 0.8);
            assert!(erlang_a(lam, 300.0, c - 1, patience).service_level(20.0) < 0.8);
            // Longer patience: the queue is not thinned out, so no fewer agents are needed.
            assert!(prev == u32::MAX || c >= prev);
            prev = c;
        }
        let cc = agents_for_service_level(lam, 300.0, target).unwrap();
        assert_eq!(
            agents_for_service_level_erlang_a(lam, 300.0, f64::INFINITY, target),
            Some(cc)
        );
        assert!(prev.abs_diff(cc) <= 1);
    }

    #[test]
    fn position_estimates() {
        // Grows with position, shrinks with agents.
        for patience in [None, Some(120.0)] {
            let mut prev = 0.0;
            for k in [0, 1, 2, 5, 10, 50, 200, 1000, 1100, 5000, 100_000] {
                let e = estimate_wait(k, 20, 0, 300.0, patience).unwrap();
                assert!(e.mean_s > prev, "k={k} {patience:?}");
                assert!(
                    e.low_s <= e.mean_s && e.mean_s <= e.high_s * 1.0001,
                    "{e:?}"
                );
                assert!(e.low_s >= 0.0);
                prev = e.mean_s;
            }
            let mut prev = f64::INFINITY;
            for c in [1, 2, 5, 10, 100, 1000] {
                let e = estimate_wait(10, c, 0, 300.0, patience).unwrap();
                assert!(e.mean_s < prev && e.high_s < prev);
                prev = e.mean_s;
            }
        }
        // No abandonment: exact Erlang(k+1, cμ) moments and quantiles.
        let e = estimate_wait(0, 10, 0, 300.0, None).unwrap();
        assert!((e.mean_s - 30.0).abs() < 1e-12);
        assert!((e.low_s - 30.0 * (1.0f64 / 0.8).ln()).abs() < 1e-7);
        assert!((e.high_s - 30.0 * 5.0f64.ln()).abs() < 1e-7);
        // Wilson–Hilferty (used from shape 64 on) vs bisection of the exact CDF.
        for n in [64u32, 100, 400] {
            let nf = f64::from(n);
            for (p, z) in [(LOW_QUANTILE, -Z_HIGH), (HIGH_QUANTILE, Z_HIGH)] {
                let wh = erlang_quantile_unit(nf, p, z);
                let exact = quantile_by_bisection(p, nf, |x| erlang_cdf_unit(n, x));
                assert!(rel_err(wh, exact) < 2e-4, "n={n} p={p}: {wh} vs {exact}");
            }
        }
        // With abandonment: mean is Σ 1/(cμ + jθ); exact and normal ranges agree
        // at the switch-over.
        let (cmu, theta) = (20.0 / 300.0, 1.0 / 120.0);
        let k = 40;
        let mean: f64 = (0..=k).map(|j| 1.0 / (cmu + f64::from(j) * theta)).sum();
        let e = estimate_wait(k, 20, 0, 300.0, Some(120.0)).unwrap();
        assert!(rel_err(e.mean_s, mean) < 1e-12);
        let exact = estimate_wait(EXACT_POSITION_MAX, 20, 0, 300.0, Some(120.0)).unwrap();
        let normal = estimate_wait(EXACT_POSITION_MAX + 1, 20, 0, 300.0, Some(120.0)).unwrap();
        assert!(rel_err(normal.high_s, exact.high_s) < 0.05);
        assert!(rel_err(normal.low_s, exact.low_s) < 0.05);
        // Euler–Maclaurin tail vs direct sum.
        let big = 50_000u32;
        let (m, v) = stage_moments(big, cmu, theta);
        let (md, vd) = (0..=big).fold((0.0, 0.0), |(m, v), j| {
            let r = cmu + f64::from(j) * theta;
            (m + 1.0 / r, v + 1.0 / (r * r))
        });
        assert!(rel_err(m, md) < 1e-10 && rel_err(v, vd) < 1e-10);
        // Free agents.
        assert_eq!(estimate_wait(3, 10, 4, 300.0, None), Some(WaitRange::ZERO));
        let shifted = estimate_wait(5, 10, 2, 300.0, None).unwrap();
        assert_eq!(Some(shifted), estimate_wait(3, 10, 0, 300.0, None));
    }

    #[test]
    fn position_quantiles_match_monte_carlo_with_abandonment() {
        let (cmu, theta, k) = (0.1, 0.05, 6u32);
        let e = estimate_wait(k, 1, 0, 10.0, Some(20.0)).unwrap();
        let mut rng = Rng::new(42);
        let mut samples: Vec<f64> = (0..100_000)
            .map(|_| (0..=k).map(|j| rng.exp(cmu + f64::from(j) * theta)).sum())
            .collect();
        samples.sort_by(f64::total_cmp);
        let q20 = samples[20_000];
        let q80 = samples[80_000];
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        assert!(rel_err(e.low_s, q20) < 0.02, "{} vs {q20}", e.low_s);
        assert!(rel_err(e.high_s, q80) < 0.02, "{} vs {q80}", e.high_s);
        assert!(rel_err(e.mean_s, mean) < 0.02);
    }

    #[test]
    fn describe_wait_strings() {
        assert_eq!(describe_wait(3, 150.0, 210.0), "前面还有3位，预计2–4分钟");
        assert_eq!(describe_wait(1, 10.0, 45.0), "前面还有1位，预计1分钟内");
        assert_eq!(describe_wait(1, 0.0, 0.0), "前面还有1位，预计1分钟内");
        assert_eq!(describe_wait(0, 100.0, 900.0), "您是下一位，预计1–15分钟");
        assert_eq!(describe_wait(0, 5.0, 50.0), "马上为您接通");
        assert_eq!(
            describe_wait(120, 4000.0, 6500.0),
            "前面还有120位，预计1–2小时"
        );
        assert_eq!(describe_wait(5, 40.0, 170.0), "前面还有5位，预计3分钟内");
        assert_eq!(describe_wait(5, 120.0, 120.0), "前面还有5位，预计2–3分钟");
        assert_eq!(describe_wait(5, 240.0, 120.0), "前面还有5位，预计2–3分钟");
        assert_eq!(
            describe_wait(40, 3000.0, 4200.0),
            "前面还有40位，预计50分钟–2小时"
        );
        assert_eq!(describe_wait(40, 30.0, 5000.0), "前面还有40位，预计2小时内");
        assert_eq!(
            describe_wait(40, 3600.0, 3600.0),
            "前面还有40位，预计1–2小时"
        );
        assert_eq!(
            describe_wait(9, 100_000.0, f64::INFINITY),
            "前面还有9位，预计超过一天"
        );
        assert_eq!(
            describe_wait(9, f64::NAN, f64::NAN),
            "前面还有9位，请您耐心等待"
        );
        assert_eq!(describe_wait(9, -5.0, 59.9), "前面还有9位，预计1分钟内");

        assert_eq!(
            describe_wait_en(3, 150.0, 210.0),
            "3 ahead of you, about 2–4 min"
        );
        assert_eq!(
            describe_wait_en(1, 10.0, 45.0),
            "1 ahead of you, under 1 min"
        );
        assert_eq!(describe_wait_en(0, 10.0, 45.0), "connecting you now");
        assert_eq!(
            describe_wait_en(5, 40.0, 170.0),
            "5 ahead of you, within 3 min"
        );
        assert_eq!(
            describe_wait_en(120, 4000.0, 6500.0),
            "120 ahead of you, about 1–2 h"
        );
        assert_eq!(
            describe_wait_en(40, 3000.0, 4200.0),
            "40 ahead of you, about 50 min–2 h"
        );
        assert_eq!(
            describe_wait_en(9, 0.0, f64::INFINITY),
            "9 ahead of you, please bear with us"
        );
    }

    #[test]
    fn describe_from_estimates() {
        let e = estimate_wait(3, 10, 0, 300.0, None).unwrap();
        assert_eq!(
            describe_wait(3, e.low_s, e.high_s),
            "前面还有3位，预计1–3分钟"
        );
        let e = estimate_wait(120, 50, 0, 300.0, None).unwrap();
        assert_eq!(
            describe_wait(120, e.low_s, e.high_s),
            "前面还有120位，预计11–14分钟"
        );
    }

    #[test]
    fn load_profile() {
        let p = LoadProfile::default();
        let mean: f64 = p.hourly.iter().sum::<f64>() / 24.0;
        assert!((mean - 1.0).abs() < 1e-12);
        assert!(p.hourly[..7].iter().all(|&m| m <= 0.5));
        let morning_peak = p.hourly[10..=12].iter().cloned().fold(0.0, f64::max);
        let evening_peak = p.hourly[20..=23].iter().cloned().fold(0.0, f64::max);
        assert!(morning_peak > 1.3 && evening_peak > morning_peak);
        assert_eq!(p.scale_arrivals(100.0, 21, true), 100.0 * 1.95 * 3.0);
        assert_eq!(p.scale_arrivals(-1.0, 21, false), 0.0);
        assert_eq!(
            p.scale_arrivals(100.0, 24, false),
            p.scale_arrivals(100.0, 0, false)
        );
        let mut q = p.clone();
        q.promotion_multiplier = f64::NAN;
        q.hourly[3] = f64::INFINITY;
        assert_eq!(q.scale_arrivals(100.0, 10, true), 0.0);
        assert_eq!(q.scale_arrivals(0.0, 3, false), 0.0);
        assert_ne!(p, q);
    }

    #[test]
    fn no_panics_on_weird_inputs() {
        let floats = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            0.0,
            5e-324,
            1e-300,
            0.3,
            7.0,
            1e300,
            f64::MAX,
        ];
        let ints = [0u32, 1, 7, 5000, u32::MAX];
        for &x in &floats {
            let _ = offered_load(x, x);
            for &c in &ints {
                let b = erlang_b(x, c);
                assert!((0.0..=1.0).contains(&b));
                let _ = LoadProfile::default().scale_arrivals(x, c, true);
                for &y in &floats {
                    let _ = describe_wait(c, x, y);
                    let _ = describe_wait_en(c, x, y);
                    let m = erlang_c(x, y, c);
                    assert!((0.0..=1.0).contains(&m.p_wait));
                    for &t in &floats {
                        let sl = m.service_level(t);
                        assert!((0.0..=1.0).contains(&sl));
                    }
                    for &f in &[f64::NAN, 0.0, 0.8, 1.0, 2.0] {
                        let target = ServiceTarget {
                            fraction: f,
                            within_s: y,
                        };
                        let _ = agents_for_service_level(x, y, target);
                    }
                    for &free in &ints {
                        for &p in &floats {
                            if let Some(e) = estimate_wait(c, free, 0, x, Some(p)) {
                                assert!(e.low_s >= 0.0 && e.low_s <= e.high_s, "{e:?}");
                            }
                        }
                        let _ = estimate_wait(c, free, c, y, None);
                    }
                }
            }
        }
        // Erlang A on a smaller grid (each call may sum many states).
        let floats = [f64::NAN, f64::INFINITY, -1.0, 0.0, 1e-300, 0.5, 3.0, 1e300];
        let ints = [0u32, 1, 7, u32::MAX];
        for &lam in &floats {
            for &aht in &floats {
                for &c in &ints {
                    for &pat in &floats {
                        let m = erlang_a(lam, aht, c, pat);
                        assert!((0.0..=1.0).contains(&m.p_wait));
                        assert!((0.0..=1.0).contains(&m.p_abandon));
                        let sl = m.service_level(20.0);
                        assert!((0.0..=1.0).contains(&sl), "{m:?} {sl}");
                    }
                }
                for &pat in &floats {
                    let _ =
                        agents_for_service_level_erlang_a(lam, aht, pat, ServiceTarget::default());
                }
            }
        }
    }
}
