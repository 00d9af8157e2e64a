//! The wait of one contact that knows its place: `k` ahead, all agents
//! busy, with or without abandonment, as a range between two quantiles.

use crate::queue::erlang_a::BetaChain;
use crate::queue::numeric::{nonneg, prob};

/// Lower quantile used for the wait ranges of [`estimate_wait`] (20th percentile).
pub const LOW_QUANTILE: f64 = 0.2;

/// Upper quantile used for the wait ranges of [`estimate_wait`] (80th percentile).
pub const HIGH_QUANTILE: f64 = 0.8;

/// Standard normal quantile at [`HIGH_QUANTILE`]; its negative is the quantile
/// at [`LOW_QUANTILE`].
pub(super) const Z_HIGH: f64 = 0.841_621_233_572_914_3;

/// Largest queue position for which [`estimate_wait`] with abandonment uses
/// the exact distribution (a normal approximation is used beyond).
pub(super) const EXACT_POSITION_MAX: u32 = 1024;

/// How close, in seconds, the exact wait quantiles are computed.
const WAIT_TOLERANCE_S: f64 = 1e-3;

/// Largest number of stages summed term by term; longer sums use an
/// Euler–Maclaurin tail.
pub(super) const DIRECT_SUM_MAX: u32 = 4096;

/// Below this shape the Erlang quantile is found on the exact CDF; above it
/// the Wilson–Hilferty approximation is used.
pub(super) const EXACT_ERLANG_SHAPE_MAX: f64 = 64.0;

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
#[non_exhaustive]
pub struct WaitRange {
    /// Expected wait in seconds.
    pub mean_s: f64,
    /// Optimistic end of the range (≈ 20th percentile), in seconds.
    pub low_s: f64,
    /// Pessimistic end of the range (≈ 80th percentile), in seconds.
    pub high_s: f64,
}

impl WaitRange {
    pub(super) const ZERO: WaitRange = WaitRange {
        mean_s: 0.0,
        low_s: 0.0,
        high_s: 0.0,
    };
}

/// The `p`-quantile of a continuous, non-decreasing CDF on `[0, ∞)`, with
/// `hi` a first guess for an upper bracket, to a relative 1e-10 or
/// `abs_tol`, whichever is coarser.
///
/// Regula falsi with the Illinois modification (Dowell & Jarratt 1971)
/// inside a bracket that always holds the root: it converges
/// superlinearly on these smooth CDFs, so a quantile costs a little over
/// half the CDF evaluations bisection needs (0.57× over the shapes and
/// quantiles of `quantiles_agree_with_bisection_in_fewer_cdf_evaluations`;
/// each evaluation of the wait
/// distribution is a walk over every contact ahead), and a step that
/// leaves the bracket's interior falls back to bisection. A new point is
/// kept half a tolerance from either end, so once it is near the root the
/// bracket closes from both sides.
pub(super) fn quantile_of_cdf(p: f64, mut hi: f64, abs_tol: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    let tol = |x: f64| (1e-10 * x).max(abs_tol);
    let (mut lo, mut f_lo) = (0.0, cdf(0.0) - p);
    if f_lo >= 0.0 {
        return 0.0;
    }
    let mut f_hi = cdf(hi) - p;
    let mut doublings = 0;
    while f_hi < 0.0 {
        (lo, f_lo) = (hi, f_hi);
        hi *= 2.0;
        doublings += 1;
        if doublings > 200 || !hi.is_finite() {
            return hi;
        }
        f_hi = cdf(hi) - p;
    }
    // Which end the last step moved: -1 low, 1 high.
    let mut side = 0;
    for _ in 0..100 {
        let width = hi - lo;
        if width <= tol(hi) {
            break;
        }
        let mut c = hi - f_hi * width / (f_hi - f_lo);
        if !(c > lo && c < hi) {
            c = 0.5 * (lo + hi);
        }
        let margin = (0.5 * tol(c)).min(0.25 * width);
        c = c.clamp(lo + margin, hi - margin);
        let f_c = cdf(c) - p;
        if f_c < 0.0 {
            (lo, f_lo) = (c, f_c);
            if side == -1 {
                f_hi *= 0.5;
            }
            side = -1;
        } else {
            (hi, f_hi) = (c, f_c);
            if side == 1 {
                f_lo *= 0.5;
            }
            side = 1;
        }
    }
    0.5 * (lo + hi)
}

/// CDF of the Erlang (gamma) distribution with integer shape `n` and unit rate:
/// `P(X ≤ x) = 1 − e^{−x} Σ_{i<n} xⁱ/i!`. Only used for small `n`.
pub(super) fn erlang_cdf_unit(n: u32, x: f64) -> f64 {
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
/// the exact CDF's quantile for small shapes, Wilson–Hilferty
/// `n·(1 − 1/(9n) + z/(3√n))³` above.
pub(super) fn erlang_quantile_unit(n: f64, p: f64, z: f64) -> f64 {
    if n < EXACT_ERLANG_SHAPE_MAX {
        let k = n as u32;
        quantile_of_cdf(p, n + 4.0 * n.sqrt() + 4.0, 0.0, |x| erlang_cdf_unit(k, x))
    } else {
        let v = 1.0 / (9.0 * n);
        let r = 1.0 - v + z * v.sqrt();
        n * (r * r * r).max(0.0)
    }
}

/// Mean and variance of `Σ_{j=0..k} Exp(cμ + jθ)`; long sums use an
/// Euler–Maclaurin tail.
pub(super) fn stage_moments(k: u32, cmu: f64, theta: f64) -> (f64, f64) {
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
/// distributed with mean `(k+1)/(cμ)`; its 20th/80th percentiles are found on
/// the exact CDF (Wilson–Hilferty for long queues). When the
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
            // The u-independent part of each step, once for the ~40 chains
            // the two quantile searches run (the same values, bit for bit).
            let mut steps = [0.0f64; EXACT_POSITION_MAX as usize];
            let mut probe = BetaChain::new(beta, 1.0, beta);
            for step in steps.iter_mut().take(k as usize) {
                *step = probe.step();
                probe.advance_by(*step);
            }
            let steps = &steps[..k as usize];
            let cdf = |v: f64| {
                let mut ch = BetaChain::new(beta, theta * v, cmu * v);
                for &step in steps {
                    ch.advance_by(step);
                }
                ch.value()
            };
            let guess = mean + 3.0 * sd;
            WaitRange {
                mean_s: mean,
                // To the millisecond: waits are shown in whole seconds at
                // best, and each probe costs `k` stages.
                low_s: quantile_of_cdf(LOW_QUANTILE, guess, WAIT_TOLERANCE_S, cdf),
                high_s: quantile_of_cdf(HIGH_QUANTILE, guess, WAIT_TOLERANCE_S, cdf),
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
/// range is `[0, ∞)` with an infinite mean, which [`describe_wait`](super::describe_wait) phrases as
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
