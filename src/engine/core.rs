//! The engine itself: what is built once and shared.

use std::sync::Arc;
#[cfg(feature = "segment")]
use std::sync::OnceLock;

#[cfg(feature = "segment")]
use jieba_rs::Jieba;

use crate::route::policy::Policy;
use crate::score::issue::IssueScorer;
use crate::score::sentiment::SentimentScorer;
use crate::score::sums::Models;
#[cfg(feature = "segment")]
use crate::text::cues;
use crate::text::cues::{Cues, Taxonomy};
use crate::text::pii::Detector;

/// The triage engine.
///
/// Build it once — [`Engine::default()`] on the embedded lexicons and
/// policy, or [`Engine::builder()`] to replace any of them — and share it:
/// it is immutable, `Send + Sync`, and cloning it only bumps a reference
/// count.
///
/// # Examples
///
/// ```
/// use kefu_triage::{Customer, Engine, Inquiry, Lane, Tier};
///
/// let engine = Engine::default();
/// let d = engine.triage(&Inquiry::new("快递三天没动了，转人工！"));
/// assert_eq!(d.issue.label, "logistics");
/// assert!(d.flags.human_requested);
/// assert_eq!(d.route.lane, Lane::Human);
///
/// let vip = Inquiry::new("这个耳机有白色的吗").customer(Customer::new("v1").tier(Tier::Vip));
/// assert_eq!(engine.triage(&vip).route.lane, Lane::Dedicated);
/// ```
#[derive(Clone)]
pub struct Engine {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    /// Unique per built engine in this process (see `Scratch::labels`).
    pub(super) id: u64,
    pub(super) taxonomy: Taxonomy,
    pub(super) cues: Cues,
    /// Built on first use unless the issue model reads jieba tokens.
    #[cfg(feature = "segment")]
    pub(super) jieba: OnceLock<Jieba>,
    /// The domain dictionary, added to jieba when it is built.
    #[cfg(feature = "segment")]
    pub(super) user_words: Vec<cues::DictEntry>,
    /// Whether triage segments and feeds the tokens to the issue model.
    pub(super) word_features: bool,
    pub(super) detector: Detector,
    pub(super) issue: IssueScorer,
    pub(super) sentiment: SentimentScorer,
    pub(super) models: Models,
    pub(super) policy: Policy,
    /// `policy.variants` compiled, in the same order.
    pub(super) variants: Vec<Policy>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("labels", &self.inner.taxonomy.len())
            .field("cue_patterns", &self.inner.cues.pattern_count())
            .field(
                "model_features",
                &self
                    .inner
                    .models
                    .issue
                    .as_ref()
                    .map_or(0, |m| m.model.len()),
            )
            .finish_non_exhaustive()
    }
}
