//! Per-thread buffers that make a warm triage allocate nothing.

use crate::decision::{Decision, Entity, Evidence, PiiFound, Reason, Text, WaitEstimate};
use crate::domain::IssueLabel;
use crate::engine::core::Engine;
use crate::route::rules::FiredList;
use crate::score::issue::IssueOutput;
use crate::score::sentiment::{SentimentOutput, Signals};
use crate::score::sums::ModelSums;
use crate::text::cues::ScanScratch;
use crate::text::normalize::Normalized;
use crate::text::pii::{EntityMatch, PiiMatch};

/// The classifier's verdict on the current inquiry.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Verdict {
    pub(super) best: usize,
    pub(super) confidence: f32,
    pub(super) abstained: bool,
    /// `best`, or `other` when abstaining.
    pub(super) label: usize,
}

/// Source of `Inner::id`.
pub(super) static NEXT_ENGINE_ID: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// Reusable buffers for [`Engine::triage_with`]; make one per thread with
/// [`Engine::scratch`].
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    pub(super) norm: Normalized,
    pub(super) scan: ScanScratch,
    pub(super) tokens: Vec<(u32, u32)>,
    pub(super) pii: Vec<PiiMatch>,
    pub(super) raw_pii: Vec<PiiMatch>,
    pub(super) entities: Vec<EntityMatch>,
    pub(super) entity_kinds: Vec<&'static str>,
    pub(super) masked: String,
    pub(super) issue: IssueOutput,
    pub(super) sums: ModelSums,
    pub(super) ranking: Vec<(usize, f32)>,
    pub(super) verdict: Verdict,
    pub(super) issue_spans: Vec<(u32, u32)>,
    pub(super) sentiment: SentimentOutput,
    pub(super) signals: Signals,
    pub(super) fired: FiredList,
    /// The decision of the last `triage_with`, reused by the next.
    pub(super) decision: Option<Decision>,
    pub(super) pools: Pools,
    /// This scratch's own copies of the taxonomy's labels, and the id of
    /// the engine they were copied from (0: none yet). The decision's
    /// labels are clones of these. Cloning the engine's shared `Arc`s
    /// instead made every triage on every thread increment and decrement
    /// the same few reference counts: eight contended atomic operations
    /// per decision, bouncing cache lines between cores.
    pub(super) labels: Vec<IssueLabel>,
    pub(super) labels_of: u64,
}

impl Scratch {
    /// Drops buffers grown by a long text (more than 64 KiB masked), so a
    /// scratch kept per thread does not hold them for good.
    pub(super) fn shrink_if_large(&mut self) {
        if self.masked.capacity() > 64 * 1024 {
            *self = Scratch::default();
        }
    }
}

impl Engine {
    /// Fresh scratch buffers for [`Engine::triage_with`].
    pub fn scratch(&self) -> Scratch {
        Scratch::default()
    }
}

/// Takes a spare element (or makes one) and pushes it onto `v`; the spare
/// keeps the buffers an earlier decision grew.
pub(super) fn reuse<'v, T>(
    v: &'v mut Vec<T>,
    spare: &mut Vec<T>,
    make: impl FnOnce() -> T,
) -> &'v mut T {
    v.push(spare.pop().unwrap_or_else(make));
    let last = v.len() - 1;
    &mut v[last]
}

pub(super) fn set_opt(slot: &mut Option<Text>, value: Option<&str>, spare: &mut Vec<Text>) {
    match value {
        Some(v) => slot
            .get_or_insert_with(|| spare.pop().unwrap_or_default())
            .set(v),
        None => {
            if let Some(old) = slot.take() {
                spare.push(old);
            }
        }
    }
}

/// Elements of earlier decisions, kept for their buffers.
#[derive(Clone, Debug, Default)]
pub(super) struct Pools {
    pub(super) reasons: Vec<Reason>,
    pub(super) evidence: Vec<Evidence>,
    pub(super) strings: Vec<Text>,
    pub(super) pii: Vec<PiiFound>,
    pub(super) entities: Vec<Entity>,
    pub(super) wait: Option<WaitEstimate>,
}
