//! Time-of-day and promotion (大促) load profiles that scale the arrival
//! rate.

use crate::queue::numeric::nonneg;

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
