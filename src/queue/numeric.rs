//! Guards shared by the formulas: non-negative, probability, finite.

/// `x` if it is a positive number (including `+∞`), otherwise `0`.
pub(super) fn nonneg(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// Clamp to `[0, 1]`, mapping `NaN` to `0`.
pub(super) fn prob(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// `Some(x)` if `x` is finite.
pub(super) fn finite(x: f64) -> Option<f64> {
    if x.is_finite() { Some(x) } else { None }
}
