//! Priority aging: how a waiting contact's priority rises with its wait.

use serde::{Deserialize, Serialize};

/// Priority aging.
///
/// ```
/// use kefu_triage::Policy;
/// let p = Policy::default();
/// assert_eq!(p.aged_priority(3, 0), 3);
/// assert!(p.aged_priority(3, p.aging.step_seconds) > 3);
/// assert_eq!(p.aged_priority(0, p.aging.max_wait_seconds), 9);
/// assert_eq!(p.aged_priority(12, p.aging.max_wait_seconds), 12); // only raises
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Aging {
    /// A waiting contact gains one priority level per this many seconds
    /// (1–86,400).
    pub step_seconds: u32,
    /// After this long a contact has the top priority, whatever its lane
    /// (1–86,400 seconds).
    pub max_wait_seconds: u32,
}

impl Aging {
    /// One level per `step_seconds` of waiting, the top priority after
    /// `max_wait_seconds`; 0 turns either part off (a policy file must give
    /// both, 1–86,400).
    ///
    /// ```
    /// use kefu_triage::Aging;
    /// let a = Aging::new(30, 150);
    /// assert_eq!(a.priority_after(2, 65), 4);
    /// assert_eq!(a.priority_after(2, 150), 9);
    /// assert_eq!(Aging::new(30, 0).priority_after(2, 10_000), 9); // capped at 9
    /// ```
    pub fn new(step_seconds: u32, max_wait_seconds: u32) -> Aging {
        Aging {
            step_seconds,
            max_wait_seconds,
        }
    }

    /// `priority` after `waited_seconds` in the queue (see
    /// [`Policy::aged_priority`]); never lowered.
    pub fn priority_after(&self, priority: u8, waited_seconds: u32) -> u8 {
        if self.max_wait_seconds > 0 && waited_seconds >= self.max_wait_seconds {
            return priority.max(9);
        }
        let steps = waited_seconds.checked_div(self.step_seconds).unwrap_or(0);
        priority.max(u32::from(priority).saturating_add(steps).min(9) as u8)
    }
}
