//! A discrete-event M/M/c(+M) simulation the queueing models and the
//! tracker are tested against.

/// Uniform and exponential draws from splitmix64.
pub(crate) struct Rng(crate::rng::SplitMix64);
impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(crate::rng::SplitMix64(seed))
    }
    /// Uniform in (0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.0.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
    pub(crate) fn exp(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }
}

/// One simulated contact: when it arrived, when an agent took it (if
/// one did) and when it left (finished or abandoned).
pub(crate) struct SimContact {
    pub(crate) arrive: f64,
    pub(crate) start: Option<f64>,
    pub(crate) leave: f64,
}

/// FCFS M/M/c(+M) simulation: each arrival takes the earliest free agent
/// unless its patience runs out first (abandoned contacts never occupy an
/// agent, so the virtual wait of each arrival is known on arrival).
pub(crate) fn simulate_contacts(
    lam: f64,
    mu: f64,
    c: usize,
    theta: f64,
    customers: usize,
    seed: u64,
) -> Vec<SimContact> {
    let mut rng = Rng::new(seed);
    let mut free = vec![0.0f64; c];
    let mut t = 0.0;
    let mut out = Vec::with_capacity(customers);
    for _ in 0..customers {
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
        if start - t <= patience {
            free[idx] = start + service;
            out.push(SimContact {
                arrive: t,
                start: Some(start),
                leave: start + service,
            });
        } else {
            out.push(SimContact {
                arrive: t,
                start: None,
                leave: t + patience,
            });
        }
    }
    out
}
