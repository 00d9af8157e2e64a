//! The public entry points: triage one inquiry, a batch, or only its
//! sentiment or masking.

use crate::decision::{Decision, SentimentAssessment};
use crate::engine::core::Engine;
use crate::engine::scratch::Scratch;
use crate::engine::stages::{assessment, issue_input, model_input};
use crate::inquiry::Inquiry;
use crate::route::policy::Policy;
use crate::score::features::{ISSUE, ModelInput, SENTIMENT, for_each_named};
use crate::score::issue::IssueOutput;
use crate::text::normalize::cut_inquiry;

/// Inquiries a [`Engine::triage_batch`] thread takes at a time.
pub const BATCH_BLOCK: usize = 256;

impl Engine {
    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The taxonomy's labels, in file order.
    pub fn labels(&self) -> impl Iterator<Item = &crate::domain::IssueLabel> {
        self.inner.taxonomy.entries.iter().map(|e| &e.label)
    }

    /// Every skill group a decision of this engine can name, sorted: the
    /// taxonomy's, and those of the policy and its variants (see
    /// [`Policy::skill_groups`]). A [`QueueSnapshot`](crate::QueueSnapshot)
    /// that covers these gives a wait estimate for every route.
    ///
    /// ```
    /// let engine = kefu_triage::Engine::default();
    /// let groups = engine.skill_groups();
    /// for g in ["logistics", "shipping_returns", "returns", "vip", "general"] {
    ///     assert!(groups.contains(&g), "{g}");
    /// }
    /// ```
    pub fn skill_groups(&self) -> Vec<&str> {
        let inner = &*self.inner;
        let mut all: Vec<&str> = inner
            .taxonomy
            .entries
            .iter()
            .map(|e| e.skill_group.as_str())
            .chain(inner.policy.skill_groups())
            .chain(inner.variants.iter().flat_map(Policy::skill_groups))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Segments `text` with jieba (HMM on) and the domain dictionary of
    /// `lexicons/user_dict.txt`, so that 团购券, 核销 or 玻尿酸 come out whole.
    ///
    /// Triage itself segments only when the issue model reads jieba tokens
    /// (see [`EngineBuilder::word_features`](crate::EngineBuilder::word_features)): on the written training set,
    /// the model without them scores the same (out-of-fold accuracy 0.887
    /// against 0.889, held-out 0.866 both) at a sixth of the cost. The first
    /// call builds jieba's dictionary (about 60 ms).
    ///
    /// ```
    /// let engine = kefu_triage::Engine::default();
    /// assert_eq!(engine.segment("团购券怎么核销"), ["团购券", "怎么", "核销"]);
    /// ```
    #[cfg(feature = "segment")]
    pub fn segment<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba()
            .cut(text, true)
            .into_iter()
            .map(|t| t.word)
            .collect()
    }

    /// The features the issue model reads for `text`, with their values.
    ///
    /// This is what `examples/train_issue.rs` trains on; the engine hashes
    /// the same features when it scores, so a model trained on these
    /// strings is the model the engine runs.
    ///
    /// ```
    /// let engine = kefu_triage::Engine::default();
    /// let f = engine.issue_features("快递到哪了");
    /// assert!(f.iter().any(|(name, _)| name == "b快递"));
    /// assert!(f.iter().any(|(name, v)| name == "qlogistics" && *v > 0.0));
    /// ```
    pub fn issue_features(&self, text: &str) -> Vec<(String, f32)> {
        let inner = &*self.inner;
        let raw = cut_inquiry(text, inner.policy.max_text_bytes);
        let mut s = self.scratch();
        self.analyze(&mut s, raw, &inner.policy);
        let input = issue_input(&s, inner.word_features);
        let mut out = IssueOutput::default();
        inner
            .issue
            .cue_scores(&inner.taxonomy, &inner.cues, &input, &mut out);
        let labels: Vec<&str> = inner
            .taxonomy
            .entries
            .iter()
            .map(|e| e.label.as_str())
            .collect();
        let model_input = ModelInput {
            cue_sums: &out.cue_sums,
            tokens: input.tokens.unwrap_or_default(),
            ..model_input(&s, true)
        };
        let mut features = Vec::new();
        for_each_named(&model_input, ISSUE, &labels, &mut String::new(), |f, v| {
            features.push((f.to_string(), v))
        });
        features
    }

    /// The features the negativity and emotion models read for `text`:
    /// character unigrams and bigrams and the sentiment-lexicon sums (`s…`).
    /// This is what `examples/train_sentiment.rs` trains on.
    ///
    /// ```
    /// let engine = kefu_triage::Engine::default();
    /// let f = engine.sentiment_features("太差了！！");
    /// assert!(f.iter().any(|(name, _)| name == "b太差"));
    /// assert!(f.iter().any(|(name, v)| name == "sneg" && *v > 0.0));
    /// ```
    pub fn sentiment_features(&self, text: &str) -> Vec<(String, f32)> {
        let inner = &*self.inner;
        let raw = cut_inquiry(text, inner.policy.max_text_bytes);
        let mut s = self.scratch();
        self.analyze(&mut s, raw, &inner.policy);
        self.sentiment_pass(&mut s);
        let mut features = Vec::new();
        for_each_named(
            &model_input(&s, false),
            SENTIMENT,
            &[],
            &mut String::new(),
            |f, v| features.push((f.to_string(), v)),
        );
        features
    }

    /// Negativity and emotion of `text` alone, as [`Engine::triage`] would
    /// report them in [`Decision::sentiment`] under the base policy, without
    /// the personal-data, issue-type and routing stages: for scoring reviews
    /// or comments in bulk.
    ///
    /// ```
    /// use kefu_triage::{Emotion, Engine};
    /// let engine = Engine::default();
    /// let s = engine.sentiment("什么破质量，气死我了！！");
    /// assert!(s.negative);
    /// assert_eq!(s.emotion, Emotion::Anger);
    /// assert!(!engine.sentiment("挺好的，谢谢").negative);
    /// ```
    pub fn sentiment(&self, text: &str) -> SentimentAssessment {
        self.sentiment_with(&mut self.scratch(), text)
    }

    /// [`Engine::sentiment`] reusing `scratch`'s buffers; allocates nothing
    /// once warm.
    pub fn sentiment_with(&self, scratch: &mut Scratch, text: &str) -> SentimentAssessment {
        let inner = &*self.inner;
        let policy = &inner.policy;
        let s = scratch;
        s.norm.update(cut_inquiry(text, policy.max_text_bytes));
        self.stage_scan(s);
        self.sentiment_pass(s);
        self.score_models(s, policy, false);
        assessment(&s.sentiment, policy)
    }

    /// Triage one inquiry. Never fails and never panics, whatever the text.
    ///
    /// Runs [`Engine::triage_with`] on a scratch kept per thread (shared
    /// by every engine on that thread), so its buffers are warm, and
    /// returns the decision, taken out of the scratch.
    pub fn triage(&self, inquiry: &Inquiry<'_>) -> Decision {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
        }
        SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut scratch) => {
                    let d = self.triage_owned(&mut scratch, inquiry);
                    scratch.shrink_if_large();
                    d
                }
                // Re-entered (from a destructor, say): a fresh scratch.
                Err(_) => self.triage_owned(&mut self.scratch(), inquiry),
            })
            // The thread is shutting down: a fresh scratch.
            .unwrap_or_else(|_| self.triage_owned(&mut self.scratch(), inquiry))
    }

    /// Appends `text` to `out` with its personal data masked (the policy's
    /// `mask_style`), reusing `scratch`: the masking of
    /// [`Decision::masked_text`] alone, for logging pipelines.
    ///
    /// ```
    /// use kefu_triage::Engine;
    /// let engine = Engine::default();
    /// let mut scratch = engine.scratch();
    /// let mut out = String::new();
    /// engine.mask_into(&mut scratch, "电话１３８１２３４５６７８，快递到哪了", &mut out);
    /// assert_eq!(out, "电话[手机号]，快递到哪了");
    /// ```
    pub fn mask_into(&self, scratch: &mut Scratch, text: &str, out: &mut String) {
        let raw = cut_inquiry(text, self.inner.policy.max_text_bytes);
        scratch.norm.update(raw);
        self.stage_mask(scratch, raw, &self.inner.policy);
        out.push_str(&scratch.masked);
        // Text past the length limit is not scanned, so it is not logged.
    }

    /// Triage many inquiries, in order, for offline work. With
    /// `threads > 1` they are triaged on that many scoped threads, each with
    /// its own scratch, taking blocks of [`BATCH_BLOCK`] inquiries in turn
    /// (so long messages bunched together do not leave one thread idle);
    /// the decisions are the same as one by one (the engine is
    /// deterministic).
    ///
    /// ```
    /// use kefu_triage::{Engine, Inquiry};
    /// let engine = Engine::default();
    /// let texts = ["快递到哪了", "转人工", "你好"];
    /// let inquiries: Vec<Inquiry> = texts.iter().map(|t| Inquiry::new(t)).collect();
    /// let parallel = engine.triage_batch(&inquiries, 2);
    /// let serial = engine.triage_batch(&inquiries, 1);
    /// assert_eq!(parallel, serial);
    /// assert_eq!(parallel[1].route.lane, kefu_triage::Lane::Human);
    /// ```
    pub fn triage_batch(&self, inquiries: &[Inquiry<'_>], threads: usize) -> Vec<Decision> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let threads = threads.clamp(1, inquiries.len().div_ceil(BATCH_BLOCK).max(1));
        if threads == 1 {
            let mut scratch = self.scratch();
            return inquiries
                .iter()
                .map(|q| self.triage_owned(&mut scratch, q))
                .collect();
        }
        let blocks: Vec<&[Inquiry<'_>]> = inquiries.chunks(BATCH_BLOCK).collect();
        let next = AtomicUsize::new(0);
        let mut done: Vec<(usize, Vec<Decision>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut scratch = self.scratch();
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(block) = blocks.get(i) else {
                                break;
                            };
                            let out = block
                                .iter()
                                .map(|q| self.triage_owned(&mut scratch, q))
                                .collect();
                            mine.push((i, out));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| match h.join() {
                    Ok(v) => v,
                    // triage_with does not panic; should a bug make it, the
                    // caller sees the panic rather than missing decisions.
                    Err(payload) => std::panic::resume_unwind(payload),
                })
                .collect()
        });
        done.sort_unstable_by_key(|d| d.0);
        let mut out = Vec::with_capacity(inquiries.len());
        for (_, block) in done {
            out.extend(block);
        }
        out
    }

    /// Triage one inquiry reusing `scratch`'s buffers, for hot loops: the
    /// decision lives in `scratch` and is overwritten by the next call, so
    /// once the buffers have grown to the traffic's sizes a call allocates
    /// nothing (`tests/zero_alloc.rs` counts). Clone the decision to keep
    /// it. (With an issue model that reads jieba tokens, jieba-rs 0.11's
    /// `cut` still returns a fresh `Vec` per call.)
    ///
    /// ```
    /// use kefu_triage::{Engine, Inquiry};
    /// let engine = Engine::default();
    /// let mut scratch = engine.scratch();
    /// for text in ["快递到哪了", "我要退款"] {
    ///     let d = engine.triage_with(&mut scratch, &Inquiry::new(text));
    ///     println!("{} → {}", d.issue.label, d.route.skill_group);
    /// }
    /// ```
    pub fn triage_with<'s>(&self, scratch: &'s mut Scratch, inquiry: &Inquiry<'_>) -> &'s Decision {
        let mut d = scratch.decision.take().unwrap_or_else(Decision::empty);
        self.decide(scratch, inquiry, &mut d);
        scratch.decision.insert(d)
    }

    /// [`triage_with`](Self::triage_with)'s decision, taken out of the
    /// scratch, which starts the next one afresh.
    ///
    /// Taking costs the allocations of a new decision's buffers, one each
    /// at their usual size (the masked text is reserved at the text's
    /// length, the reasons at 8; short strings are inline `Text`s); cloning
    /// cost the same allocations plus a copy of everything in it.
    /// `triage()` over `triage_with` on the bench corpus: 1.098 cloning,
    /// 1.082 taking in instructions; 1.068–1.099 and 1.044–1.074 in time,
    /// interleaved (`benches/HISTORY.md`).
    pub(super) fn triage_owned(&self, scratch: &mut Scratch, inquiry: &Inquiry<'_>) -> Decision {
        self.triage_with(scratch, inquiry);
        let d = scratch.decision.take().unwrap_or_else(Decision::empty);
        // The fresh decision's placeholder label shares the one just made.
        scratch.decision = Some(Decision::empty_with(d.issue.label.clone()));
        d
    }
}
