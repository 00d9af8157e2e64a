//! The wait said the way a person would: 前面还有3位，预计2–4分钟, and in
//! English.

use crate::queue::numeric::nonneg;

/// A wait range rounded the way people say it.
pub(super) enum Spoken {
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

pub(super) fn spoken_range(low_s: f64, high_s: f64) -> Spoken {
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
/// [`estimate_wait`](super::estimate_wait)). The optimistic end is rounded down and the pessimistic
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
pub(crate) fn write_wait(
    out: &mut impl std::fmt::Write,
    position_ahead: u32,
    low_s: f64,
    high_s: f64,
) {
    // Nobody ahead: "right away" only when that is true; when every agent
    // is busy the customer is next, and says so with the time.
    if position_ahead == 0 {
        if high_s.is_nan() || high_s <= 60.0 {
            let _ = out.write_str("马上为您接通");
            return;
        }
        let _ = out.write_str("您是下一位");
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
