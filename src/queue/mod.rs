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

mod erlang_a;
mod erlang_c;
mod load;
mod numeric;
mod phrasing;
mod position;
#[cfg(test)]
pub(crate) mod sim;
pub(crate) mod snapshot;

pub use erlang_a::{ErlangA, agents_for_service_level_erlang_a, erlang_a};
pub use erlang_c::{
    ErlangC, ServiceTarget, agents_for_service_level, erlang_b, erlang_c, offered_load,
};
pub use load::{DEFAULT_PROMOTION_MULTIPLIER, ECOMMERCE_DAY_CURVE, LoadProfile};
pub(crate) use phrasing::write_wait;
pub use phrasing::{describe_wait, describe_wait_en};
pub use position::{HIGH_QUANTILE, LOW_QUANTILE, WaitRange, estimate_wait, position_wait};

#[cfg(test)]
mod tests {
    use super::sim::{Rng, simulate_contacts};
    use super::*;
    use super::{erlang_c::*, position::*};
    use std::cell::Cell;

    /// Plain bisection, the reference `quantile_of_cdf` is checked against:
    /// the quantile and the number of CDF evaluations it took.
    fn bisection(p: f64, mut hi: f64, abs_tol: f64, cdf: impl Fn(f64) -> f64) -> (f64, u32) {
        let calls = Cell::new(0);
        let cdf = |x| {
            calls.set(calls.get() + 1);
            cdf(x)
        };
        let mut lo = 0.0;
        while cdf(hi) < p {
            lo = hi;
            hi *= 2.0;
        }
        while hi - lo > (1e-10 * hi).max(abs_tol) {
            let mid = 0.5 * (lo + hi);
            if cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (0.5 * (lo + hi), calls.get())
    }

    #[test]
    fn quantiles_agree_with_bisection_in_fewer_cdf_evaluations() {
        let (mut ours_calls, mut ref_calls) = (0u32, 0u32);
        for n in [1u32, 2, 3, 5, 10, 20, 40, 63] {
            let nf = f64::from(n);
            for p in [0.01, LOW_QUANTILE, 0.5, HIGH_QUANTILE, 0.99] {
                for (guess, tol) in [(nf + 4.0 * nf.sqrt() + 4.0, 0.0), (0.1, 1e-3), (1e4, 1e-3)] {
                    let calls = Cell::new(0u32);
                    let q = quantile_of_cdf(p, guess, tol, |x| {
                        calls.set(calls.get() + 1);
                        erlang_cdf_unit(n, x)
                    });
                    let (r, rc) = bisection(p, guess, tol, |x| erlang_cdf_unit(n, x));
                    let allowed = 2.0 * (1e-10 * r).max(tol) + 1e-12;
                    assert!(
                        (q - r).abs() <= allowed,
                        "n={n} p={p} guess={guess}: {q} vs {r}"
                    );
                    ours_calls += calls.get();
                    ref_calls += rc;
                }
            }
        }
        assert!(
            f64::from(ours_calls) < 0.6 * f64::from(ref_calls),
            "{ours_calls} CDF evaluations vs bisection's {ref_calls}"
        );
        // Degenerate CDFs: a step, and one already past `p` at zero.
        let step = quantile_of_cdf(0.5, 1.0, 1e-6, |x| if x < 3.0 { 0.0 } else { 1.0 });
        assert!((step - 3.0).abs() <= 1e-5, "{step}");
        assert_eq!(quantile_of_cdf(0.5, 1.0, 1e-6, |_| 1.0), 0.0);
    }

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

    struct SimResult {
        mean_wait: f64,
        p_wait: f64,
        p_abandon: f64,
        answered_within: f64,
        mean_wait_served: f64,
    }

    /// Waiting-time statistics of [`simulate_contacts`] after a warm-up of
    /// a twentieth of the customers.
    fn simulate(
        lam: f64,
        mu: f64,
        c: usize,
        theta: f64,
        customers: usize,
        within: f64,
        seed: u64,
    ) -> SimResult {
        let warmup = customers / 20;
        let all = simulate_contacts(lam, mu, c, theta, customers + warmup, seed);
        let (mut n, mut waited, mut abandoned, mut ok) = (0usize, 0usize, 0usize, 0usize);
        let (mut wait_sum, mut served_wait_sum, mut served) = (0.0, 0.0, 0usize);
        for s in &all[warmup..] {
            n += 1;
            match s.start {
                Some(start) => {
                    let wait = start - s.arrive;
                    wait_sum += wait;
                    if wait > 0.0 {
                        waited += 1;
                    }
                    served += 1;
                    served_wait_sum += wait;
                    if wait <= within {
                        ok += 1;
                    }
                }
                None => {
                    wait_sum += s.leave - s.arrive;
                    waited += 1;
                    abandoned += 1;
                }
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
        // Wilson–Hilferty (used from shape 64 on) vs the exact CDF's quantile.
        for n in [64u32, 100, 400] {
            let nf = f64::from(n);
            for (p, z) in [(LOW_QUANTILE, -Z_HIGH), (HIGH_QUANTILE, Z_HIGH)] {
                let wh = erlang_quantile_unit(nf, p, z);
                let exact = bisection(p, nf, 0.0, |x| erlang_cdf_unit(n, x)).0;
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
