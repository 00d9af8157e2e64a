//! The engine: built once from the lexicons and the policy, then shared.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use crate::decision::{
    Decision, Entity, Evidence, Fixed2, Flags, LabelScore, PiiFound, Reason, Route, Rule,
    SentimentAssessment, WaitEstimate,
};
use crate::domain::{Emotion, IssueLabel};
use crate::error::{Error, Result};
use crate::inquiry::Inquiry;
use crate::route::policy::Policy;
use crate::route::rules::{self, Assessed, FiredList};
use crate::score::issue::{IssueInput, IssueOutput, IssueScorer};
use crate::score::linear::{IssueModel, LinearModel};
use crate::score::sentiment::{self, SentimentOutput, SentimentScorer, Signals};
use crate::score::sums::{ModelInput, ModelSums, Models};
use crate::text::cues::{self, CueSet, Cues, Family, Lexicon, ScanScratch, Taxonomy};
use crate::text::normalize::{Normalized, cut_inquiry};
use crate::text::pii::{self, Detector, EntityMatch, PiiMatch};

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
    inner: Arc<Inner>,
}

struct Inner {
    /// Unique per built engine in this process (see `Scratch::labels`).
    id: u64,
    taxonomy: Taxonomy,
    cues: Cues,
    /// Built on first use unless the issue model reads jieba tokens.
    jieba: OnceLock<Jieba>,
    /// The domain dictionary, added to jieba when it is built.
    user_words: Vec<cues::DictEntry>,
    /// Whether triage segments and feeds the tokens to the issue model.
    word_features: bool,
    detector: Detector,
    issue: IssueScorer,
    sentiment: SentimentScorer,
    models: Models,
    policy: Policy,
    /// `policy.variants` compiled, in the same order.
    variants: Vec<Policy>,
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

impl Default for Engine {
    /// The engine on the embedded lexicons and policy.
    ///
    /// The embedded data is checked by the test suite, so this does not fail
    /// in a released crate; should it ever, it panics with the data error,
    /// which is a bug in this crate, not in the caller's input.
    fn default() -> Engine {
        match Engine::builder().build() {
            Ok(e) => e,
            Err(e) => panic!("embedded lexicons are invalid (a kefu-triage bug): {e}"),
        }
    }
}

/// Inquiries a [`Engine::triage_batch`] thread takes at a time.
pub const BATCH_BLOCK: usize = 256;

/// The classifier's verdict on the current inquiry.
#[derive(Clone, Copy, Debug, Default)]
struct Verdict {
    best: usize,
    confidence: f32,
    abstained: bool,
    /// `best`, or `other` when abstaining.
    label: usize,
}

/// A stage of the pipeline, for [`Engine::run_stage`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Width, case, invisible characters, spacing, punctuation runs.
    Normalize,
    /// Personal data found and masked; entities extracted.
    Mask,
    /// jieba segmentation. [`Engine::triage`] runs it only when the issue
    /// model reads jieba tokens ([`EngineBuilder::word_features`]).
    Segment,
    /// The lexicon scan.
    Scan,
    /// Issue type with abstention, escalation signals, negativity and
    /// emotion: the cue lexicons and the three linear models, which share
    /// one pass over the features.
    Classify,
    /// Routing rules and the wait estimate.
    Policy,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: &'static [Stage] = &[
        Stage::Normalize,
        Stage::Mask,
        Stage::Segment,
        Stage::Scan,
        Stage::Classify,
        Stage::Policy,
    ];
}

/// Source of `Inner::id`.
static NEXT_ENGINE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Reusable buffers for [`Engine::triage_with`]; make one per thread with
/// [`Engine::scratch`].
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    norm: Normalized,
    scan: ScanScratch,
    tokens: Vec<(u32, u32)>,
    pii: Vec<PiiMatch>,
    raw_pii: Vec<PiiMatch>,
    entities: Vec<EntityMatch>,
    entity_kinds: Vec<&'static str>,
    masked: String,
    issue: IssueOutput,
    sums: ModelSums,
    ranking: Vec<(usize, f32)>,
    verdict: Verdict,
    issue_spans: Vec<(u32, u32)>,
    sentiment: SentimentOutput,
    signals: Signals,
    fired: FiredList,
    /// The decision of the last `triage_with`, reused by the next.
    decision: Option<Decision>,
    pools: Pools,
    /// This scratch's own copies of the taxonomy's labels, and the id of
    /// the engine they were copied from (0: none yet). The decision's
    /// labels are clones of these. Cloning the engine's shared `Arc`s
    /// instead made every triage on every thread increment and decrement
    /// the same few reference counts: eight contended atomic operations
    /// per decision, bouncing cache lines between cores.
    labels: Vec<IssueLabel>,
    labels_of: u64,
}

impl Engine {
    /// A builder to replace lexicons or the policy.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Fresh scratch buffers for [`Engine::triage_with`].
    pub fn scratch(&self) -> Scratch {
        Scratch::default()
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The taxonomy's labels, in file order.
    pub fn labels(&self) -> impl Iterator<Item = &crate::domain::IssueLabel> {
        self.inner.taxonomy.entries.iter().map(|e| &e.label)
    }

    /// jieba with the domain dictionary, built on first use.
    fn jieba(&self) -> &Jieba {
        self.inner
            .jieba
            .get_or_init(|| build_jieba(&self.inner.user_words))
    }

    /// Segments `text` with jieba (HMM on) and the domain dictionary of
    /// `lexicons/user_dict.txt`, so that 团购券, 核销 or 玻尿酸 come out whole.
    ///
    /// Triage itself segments only when the issue model reads jieba tokens
    /// (see [`EngineBuilder::word_features`]): on the written training set,
    /// the model without them scores the same (out-of-fold accuracy 0.887
    /// against 0.889, held-out 0.866 both) at a sixth of the cost. The first
    /// call builds jieba's dictionary (about 60 ms).
    ///
    /// ```
    /// let engine = kefu_triage::Engine::default();
    /// assert_eq!(engine.segment("团购券怎么核销"), ["团购券", "怎么", "核销"]);
    /// ```
    pub fn segment<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba()
            .cut(text, true)
            .into_iter()
            .map(|t| t.word)
            .collect()
    }

    /// Steps 1–4 of the pipeline: normalize, find personal data and
    /// entities, segment (when the issue model reads tokens), scan the
    /// lexicons.
    fn analyze(&self, s: &mut Scratch, raw: &str, policy: &Policy) {
        s.norm.update(raw);
        self.stage_mask(s, raw, policy);
        if self.inner.word_features {
            self.stage_segment(s);
        } else {
            s.tokens.clear();
        }
        self.stage_scan(s);
    }

    /// Step 2: personal data (mapped to raw spans, masked into the
    /// scratch's `masked`) and entities.
    fn stage_mask(&self, s: &mut Scratch, raw: &str, policy: &Policy) {
        let detector = &self.inner.detector;
        let text = s.norm.text();
        detector.find_pii(text, &mut s.pii);
        detector.find_entities_excluding(text, &s.pii, &mut s.entities);
        s.raw_pii.clear();
        for m in &s.pii {
            let (start, end) = s.norm.raw_span(m.start, m.end);
            s.raw_pii.push(PiiMatch {
                kind: m.kind,
                start,
                end,
            });
        }
        s.entity_kinds.clear();
        s.entity_kinds
            .extend(s.entities.iter().map(|e| e.kind.as_str()));
        s.masked.clear();
        let style = policy.mask_style;
        pii::mask_into(raw, &s.raw_pii, style, &mut s.masked);
    }

    /// Step 3: jieba segmentation of the normalized text.
    fn stage_segment(&self, s: &mut Scratch) {
        s.tokens.clear();
        s.tokens.extend(
            self.jieba()
                .cut(s.norm.text(), true)
                .iter()
                .map(|t| (t.byte_start as u32, t.byte_end as u32)),
        );
    }

    /// Step 4: one scan over every lexicon.
    fn stage_scan(&self, s: &mut Scratch) {
        self.inner.cues.scan(s.norm.text(), &mut s.scan);
    }

    /// The policy for this inquiry: the customer's variant, or the base.
    fn policy_for(&self, inquiry: &Inquiry<'_>) -> (&Policy, Option<&str>) {
        let inner = &*self.inner;
        match inner.policy.variant_for(&inquiry.customer.id) {
            Some(i) => (
                &inner.variants[i],
                Some(inner.policy.variants[i].name.as_str()),
            ),
            None => (&inner.policy, None),
        }
    }

    /// Steps 5 and 6: issue type with the abstention verdict, escalation
    /// signals, negativity and emotion. The lexicon passes run first; then
    /// one fused pass feeds all three models.
    fn stage_classify(&self, s: &mut Scratch, policy: &Policy, inquiry: &Inquiry<'_>) {
        let inner = &*self.inner;
        let confidence_threshold = policy
            .profile(inquiry.industry)
            .confidence_threshold
            .unwrap_or(policy.confidence_threshold);
        let mut issue = std::mem::take(&mut s.issue);
        inner.issue.cue_scores(
            &inner.taxonomy,
            &inner.cues,
            &issue_input(s, inner.word_features),
            &mut issue,
        );
        s.issue = issue;
        self.sentiment_pass(s);
        self.score_models(s, policy, true);
        inner.issue.probabilities(
            &inner.taxonomy,
            inner.models.issue.as_ref(),
            &s.sums.issue,
            s.sums.issue_count,
            &mut s.issue,
        );
        let other = inner.taxonomy.other;
        s.ranking.clear();
        s.ranking.extend(s.issue.ranking(3));
        let (best, confidence) = s.ranking.first().copied().unwrap_or((other, 0.0));
        let margin = confidence - s.ranking.get(1).map_or(0.0, |r| r.1);
        // Abstain when unsure, or when two labels are too close to call
        // (a margin only matters when the winner is a real issue type).
        let abstained = confidence < confidence_threshold
            || (best != other && margin < policy.margin_threshold);
        s.verdict = Verdict {
            best,
            confidence,
            abstained,
            label: if abstained { other } else { best },
        };
        s.issue_spans.clear();
        s.issue_spans.extend(
            s.issue
                .cues
                .iter()
                .filter(|c| c.2 as usize == best)
                .map(|c| (c.0, c.1)),
        );
    }

    /// Steps 7–9: the routing rules, then the wait estimate with overflow
    /// and the peak-time rule. Rules that fire are left in `s.fired`.
    fn stage_policy(
        &self,
        s: &mut Scratch,
        policy: &Policy,
        inquiry: &Inquiry<'_>,
        route: &mut Route,
    ) -> Option<crate::route::wait::Wait> {
        s.fired.clear();
        let assessed = Assessed {
            label: s.verdict.label,
            confidence: s.verdict.confidence,
            abstained: s.verdict.abstained,
            negativity: s.sentiment.negativity,
            emotion: s.sentiment.emotion,
            signals: &s.signals,
            issue_spans: &s.issue_spans,
            sentiment_spans: &s.sentiment.evidence,
        };
        rules::route(
            policy,
            &self.inner.taxonomy,
            inquiry,
            &assessed,
            &mut s.fired,
            route,
        );
        crate::route::wait::apply(policy, inquiry, route, &mut s.fired)
    }

    /// Runs one stage of the pipeline on `inquiry`, for profiling and
    /// benchmarks: each stage reads what the stages before it left in
    /// `scratch`, so run them in order on the same inquiry, timing only
    /// the one of interest. [`Engine::triage_with`] runs them all.
    ///
    /// ```
    /// use kefu_triage::{Engine, Inquiry, Stage};
    /// let engine = Engine::default();
    /// let mut scratch = engine.scratch();
    /// let q = Inquiry::new("快递到哪了");
    /// for &stage in Stage::ALL {
    ///     engine.run_stage(&mut scratch, stage, &q);
    /// }
    /// ```
    pub fn run_stage(&self, scratch: &mut Scratch, stage: Stage, inquiry: &Inquiry<'_>) {
        let raw = cut_inquiry(inquiry.text, self.inner.policy.max_text_bytes);
        let (policy, _) = self.policy_for(inquiry);
        match stage {
            Stage::Normalize => scratch.norm.update(raw),
            Stage::Mask => self.stage_mask(scratch, raw, policy),
            Stage::Segment => self.stage_segment(scratch),
            Stage::Scan => self.stage_scan(scratch),
            Stage::Classify => self.stage_classify(scratch, policy, inquiry),
            Stage::Policy => {
                let mut d = scratch.decision.take().unwrap_or_else(Decision::empty);
                let _ = self.stage_policy(scratch, policy, inquiry, &mut d.route);
                scratch.decision = Some(d);
            }
        }
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
        let mut features = Vec::new();
        inner
            .issue
            .features(&inner.taxonomy, &input, &mut out, |f, v| {
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
        inner
            .sentiment
            .features(s.norm.text(), &mut s.sentiment, |f, v| {
                features.push((f.to_string(), v))
            });
        features
    }

    /// Escalation signals, then the sentiment lexicon pass (after
    /// `analyze`).
    fn sentiment_pass(&self, s: &mut Scratch) {
        let inner = &*self.inner;
        let text = s.norm.text();
        let sent_hits = &s.scan.families[Family::Sentiment as usize];
        let esc_hits = &s.scan.families[Family::Escalation as usize];
        sentiment::find_signals(text, &inner.cues, sent_hits, esc_hits, &mut s.signals);
        inner.sentiment.score(
            text,
            &inner.cues,
            sent_hits,
            s.norm.emphasis(),
            &s.signals,
            &mut s.sentiment,
        );
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

    /// The fused pass over the three models (the issue model only when
    /// `issue`; its inputs are then read from the earlier stages), and the
    /// negativity and emotion it gives, into `s.sums` and `s.sentiment`.
    fn score_models(&self, s: &mut Scratch, policy: &Policy, issue: bool) {
        let inner = &*self.inner;
        // Out of the scratch while the input borrows it (no allocation:
        // the vectors move).
        let mut sums = std::mem::take(&mut s.sums);
        inner.models.score(&model_input(s, issue), &mut sums, issue);
        s.sums = sums;
        inner.sentiment.apply_models(
            inner.models.sentiment.as_ref(),
            inner.models.emotion.as_ref(),
            &s.sums,
            policy,
            &mut s.sentiment,
        );
    }

    /// Triage one inquiry. Never fails and never panics, whatever the text.
    pub fn triage(&self, inquiry: &Inquiry<'_>) -> Decision {
        self.triage_owned(&mut self.scratch(), inquiry)
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

    /// An owned copy of [`triage_with`](Self::triage_with)'s decision.
    /// Cloning allocates each buffer once at its final size, where taking
    /// the decision out would leave the scratch to grow a new one push by
    /// push (batch_1 was 1.32x triage_with that way, benches/triage.rs).
    fn triage_owned(&self, scratch: &mut Scratch, inquiry: &Inquiry<'_>) -> Decision {
        self.triage_with(scratch, inquiry).clone()
    }

    /// Runs the pipeline and writes the decision into `d`, reusing its
    /// buffers and the spares in `s.pools`.
    fn decide(&self, s: &mut Scratch, inquiry: &Inquiry<'_>, d: &mut Decision) {
        use std::fmt::Write as _;
        let inner = &*self.inner;
        let (policy, variant) = self.policy_for(inquiry);
        let full = inquiry.text;
        let raw = cut_inquiry(full, policy.max_text_bytes);

        self.analyze(s, raw, policy);
        self.stage_classify(s, policy, inquiry);
        let wait = self.stage_policy(s, policy, inquiry, &mut d.route);
        let Verdict {
            best,
            confidence,
            abstained,
            label: label_idx,
        } = s.verdict;
        let negativity = s.sentiment.negativity;
        let pools = &mut s.pools;
        let (norm, raw_pii) = (&s.norm, &s.raw_pii);

        // Reasons, each with its evidence: normalized spans → raw spans,
        // personal data never shown.
        for r in &mut d.reasons {
            pools.evidence.append(&mut r.evidence);
        }
        pools.reasons.append(&mut d.reasons);
        let mut w = ReasonWriter {
            reasons: &mut d.reasons,
            pools: &mut *pools,
            norm,
            raw_pii,
            raw,
        };
        if raw.len() < full.len() {
            w.add(Rule::Truncated, [], |t| {
                let _ = write!(
                    t,
                    "text of {} bytes cut to the first {} (max_text_bytes)",
                    full.len(),
                    raw.len()
                );
            });
        }
        if !raw_pii.is_empty() {
            w.add_pii();
        }
        let best_entry = &inner.taxonomy.entries[best];
        // The two reasons of nearly every decision are written piece by
        // piece: `write!` cost ~670 instructions each (callgrind).
        w.add(Rule::IssueType, s.issue_spans.iter().copied(), |t| {
            t.push_str(best_entry.label.as_str());
            t.push_str(" (");
            t.push_str(&best_entry.zh_name);
            t.push_str(") p=");
            Fixed2(confidence).push_to(t);
            if abstained {
                t.push_str(", abstained");
            }
        });
        if !s.sentiment.evidence.is_empty() {
            let emotion = s.sentiment.emotion;
            w.add(Rule::Sentiment, s.sentiment.evidence.iter().copied(), |t| {
                t.push_str("negativity ");
                Fixed2(negativity).push_to(t);
                t.push_str(", emotion ");
                t.push_str(emotion.as_str());
            });
        }
        for f in s.fired.as_slice() {
            w.add(f.rule, f.spans.iter().copied(), |t| t.push_str(&f.detail));
        }

        let label = &inner.taxonomy.entries[label_idx].label;
        d.flags = Flags {
            human_requested: !s.signals.human_request.is_empty(),
            repeat_contact: inquiry.customer.prior_contacts >= policy.repeat_contacts,
            high_risk: d.reasons.iter().any(|r| r.rule == Rule::HighRisk),
            threat: !s.signals.threat.is_empty(),
            safety: !s.signals.safety.is_empty(),
            minor: !s.signals.minor.is_empty()
                || (!abstained && label.as_str() == "minor_protection"),
            pii_found: !raw_pii.is_empty(),
        };
        if s.labels_of != inner.id {
            s.labels.clear();
            s.labels.extend(
                inner
                    .taxonomy
                    .entries
                    .iter()
                    .map(|e| IssueLabel::new(e.label.as_str())),
            );
            s.labels_of = inner.id;
        }
        let own = |i: usize| s.labels.get(i).unwrap_or(&inner.taxonomy.entries[i].label);
        // Same label as the last decision (pointer-equal): no refcount
        // traffic at all.
        if d.issue.label != *own(label_idx) {
            d.issue.label.clone_from(own(label_idx));
        }
        d.issue.confidence = s.issue.probs.get(label_idx).copied().unwrap_or(0.0);
        d.issue.abstained = abstained;
        d.issue.top.truncate(s.ranking.len());
        for (k, &(i, p)) in s.ranking.iter().enumerate() {
            match d.issue.top.get_mut(k) {
                Some(t) => {
                    if t.label != *own(i) {
                        t.label.clone_from(own(i));
                    }
                    t.score = p;
                }
                None => d.issue.top.push(LabelScore {
                    label: own(i).clone(),
                    score: p,
                }),
            }
        }
        d.sentiment = assessment(&s.sentiment, policy);

        let profile = policy.profile(inquiry.industry);
        set_opt(
            &mut d.route.notice,
            profile.notice.as_deref(),
            &mut pools.strings,
        );
        pools.strings.append(&mut d.route.offers);
        for o in &profile.offers {
            set_str(
                reuse(&mut d.route.offers, &mut pools.strings, String::new),
                o,
            );
        }
        match (wait, &mut d.wait) {
            (Some(w), Some(out)) => w.fill(out),
            (Some(w), slot @ None) => w.fill(slot.insert(pools.wait.take().unwrap_or_default())),
            (None, slot) => {
                if let Some(old) = slot.take() {
                    pools.wait = Some(old);
                }
            }
        }
        // The masked text was built for this inquiry: swap it in.
        std::mem::swap(&mut d.masked_text, &mut s.masked);

        pools.pii.append(&mut d.pii);
        for p in raw_pii {
            let out = reuse(&mut d.pii, &mut pools.pii, PiiFound::default);
            set_str(&mut out.kind, p.kind.as_str());
            out.start = p.start;
            out.end = p.end;
        }
        pools.entities.append(&mut d.entities);
        for e in &s.entities {
            let (start, end) = norm.raw_span(e.start, e.end);
            let out = reuse(&mut d.entities, &mut pools.entities, Entity::default);
            set_str(&mut out.kind, e.kind.as_str());
            set_str(&mut out.text, raw.get(start..end).unwrap_or(""));
            out.start = start;
            out.end = end;
            set_opt(&mut out.carrier, e.carrier, &mut pools.strings);
        }
        set_opt(&mut d.variant, variant, &mut pools.strings);
    }
}

/// What the fused model pass reads of `s` (the issue model's inputs only
/// when `issue`).
fn model_input(s: &Scratch, issue: bool) -> ModelInput<'_> {
    ModelInput {
        text: s.norm.text(),
        tokens: if issue { &s.tokens } else { &[] },
        cue_sums: if issue { &s.issue.cue_sums } else { &[] },
        entity_kinds: if issue { &s.entity_kinds } else { &[] },
        pii: if issue { &s.pii } else { &[] },
        scopes: &s.sentiment.scopes,
        lexicon_sums: &s.sentiment.sums,
    }
}

/// The public form of the sentiment stage's output.
fn assessment(out: &SentimentOutput, policy: &Policy) -> SentimentAssessment {
    SentimentAssessment {
        negativity: out.negativity,
        negative: out.negativity >= policy.negativity_threshold,
        emotion: out.emotion,
        emotion_score: if out.emotion == Emotion::None {
            0.0
        } else {
            out.emotion_score
        },
    }
}

/// Appends reasons to a decision, reusing spare buffers.
struct ReasonWriter<'a> {
    reasons: &'a mut Vec<Reason>,
    pools: &'a mut Pools,
    norm: &'a Normalized,
    raw_pii: &'a [PiiMatch],
    raw: &'a str,
}

impl ReasonWriter<'_> {
    /// A reason whose evidence is the raw text of `spans` (normalized byte
    /// spans), or `[PII]` where it overlaps personal data.
    fn add(
        &mut self,
        rule: Rule,
        spans: impl IntoIterator<Item = (u32, u32)>,
        write: impl FnOnce(&mut String),
    ) {
        let r = new_reason(self.reasons, &mut self.pools.reasons, rule);
        write(&mut r.detail);
        for (a, b) in spans {
            let (start, end) = self.norm.raw_span(a as usize, b as usize);
            // Personal-data spans are sorted and disjoint, so their ends
            // are sorted too: the first span ending after `start` is the
            // only one that can overlap (a scan of all of them per span
            // was quadratic: 1 MB of `退款13812345678，` took 1.2 s).
            let first = self.raw_pii.partition_point(|p| p.end <= start);
            let hides_pii = self.raw_pii.get(first).is_some_and(|p| p.start < end);
            let text = if hides_pii {
                "[PII]"
            } else {
                self.raw.get(start..end).unwrap_or("")
            };
            let e = reuse(&mut r.evidence, &mut self.pools.evidence, Evidence::default);
            e.start = start;
            e.end = end;
            set_str(&mut e.text, text);
        }
    }

    /// The personal-data reason: its evidence shows placeholders.
    fn add_pii(&mut self) {
        let raw_pii = self.raw_pii;
        let r = new_reason(self.reasons, &mut self.pools.reasons, Rule::PiiMasked);
        r.detail.push_str("masked: ");
        for (i, p) in raw_pii.iter().enumerate() {
            if i > 0 {
                r.detail.push_str(", ");
            }
            r.detail.push_str(p.kind.as_str());
            let e = reuse(&mut r.evidence, &mut self.pools.evidence, Evidence::default);
            e.start = p.start;
            e.end = p.end;
            set_str(&mut e.text, p.kind.placeholder());
        }
    }
}

/// A blank reason for `rule` pushed onto `reasons`.
fn new_reason<'r>(
    reasons: &'r mut Vec<Reason>,
    spare: &mut Vec<Reason>,
    rule: Rule,
) -> &'r mut Reason {
    let r = reuse(reasons, spare, || Reason {
        rule,
        detail: String::new(),
        evidence: Vec::new(),
    });
    r.rule = rule;
    r.detail.clear();
    r
}

/// Takes a spare element (or makes one) and pushes it onto `v`; the spare
/// keeps the buffers an earlier decision grew.
fn reuse<'v, T>(v: &'v mut Vec<T>, spare: &mut Vec<T>, make: impl FnOnce() -> T) -> &'v mut T {
    v.push(spare.pop().unwrap_or_else(make));
    let last = v.len() - 1;
    &mut v[last]
}

fn set_str(s: &mut String, value: &str) {
    s.clear();
    s.push_str(value);
}

fn set_opt(slot: &mut Option<String>, value: Option<&str>, spare: &mut Vec<String>) {
    match value {
        Some(v) => set_str(
            slot.get_or_insert_with(|| spare.pop().unwrap_or_default()),
            v,
        ),
        None => {
            if let Some(old) = slot.take() {
                spare.push(old);
            }
        }
    }
}

/// Elements of earlier decisions, kept for their buffers.
#[derive(Clone, Debug, Default)]
struct Pools {
    reasons: Vec<Reason>,
    evidence: Vec<Evidence>,
    strings: Vec<String>,
    pii: Vec<PiiFound>,
    entities: Vec<Entity>,
    wait: Option<WaitEstimate>,
}

fn issue_input(s: &Scratch, segmented: bool) -> IssueInput<'_> {
    IssueInput {
        text: s.norm.text(),
        hits: &s.scan.families[Family::Issue as usize],
        tokens: segmented.then_some(&s.tokens[..]),
        pii: &s.pii,
        entity_kinds: &s.entity_kinds,
    }
}

fn build_jieba(words: &[cues::DictEntry]) -> Jieba {
    let mut jieba = Jieba::new();
    for (word, freq, tag) in words {
        jieba.add_word(word, *freq, tag.as_deref());
    }
    jieba
}

/// Builds an [`Engine`], replacing any embedded lexicon or the policy.
///
/// Sources are read when given; any error is reported by
/// [`build`](EngineBuilder::build), naming the file, line and value.
///
/// ```
/// use kefu_triage::{Engine, Inquiry, Lexicon};
///
/// let cues = "#! kefu-triage issue-cues v1\n茶叶\tproduct\t2.0\n";
/// let engine = Engine::builder()
///     .lexicon_str(Lexicon::IssueCues, "tea_cues.tsv", cues)
///     .build()
///     .unwrap();
/// assert_eq!(engine.triage(&Inquiry::new("茶叶是今年的吗")).issue.label, "product");
/// ```
#[derive(Default)]
pub struct EngineBuilder {
    sources: Vec<(Lexicon, String, String)>,
    /// (source name, policy, source text when read from a file).
    policy: Option<(String, Policy, String)>,
    word_features: Option<bool>,
    error: Option<Error>,
}

impl std::fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder").finish_non_exhaustive()
    }
}

impl EngineBuilder {
    fn keep_error(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// Replaces a lexicon with the text of a file.
    pub fn lexicon_path(mut self, lexicon: Lexicon, path: impl AsRef<Path>) -> EngineBuilder {
        let path = path.as_ref();
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match cues::decode_utf8(&name, bytes) {
                Ok(text) => self.sources.push((lexicon, name, text)),
                Err(e) => self.keep_error(e),
            },
            Err(source) => self.keep_error(Error::Io { file: name, source }),
        }
        self
    }

    /// Replaces a lexicon with text read from a reader; `name` is used in
    /// error messages.
    pub fn lexicon_reader(
        mut self,
        lexicon: Lexicon,
        name: &str,
        mut reader: impl Read,
    ) -> EngineBuilder {
        let mut bytes = Vec::new();
        match reader.read_to_end(&mut bytes) {
            Ok(_) => match cues::decode_utf8(name, bytes) {
                Ok(text) => self.sources.push((lexicon, name.to_string(), text)),
                Err(e) => self.keep_error(e),
            },
            Err(source) => self.keep_error(Error::Io {
                file: name.to_string(),
                source,
            }),
        }
        self
    }

    /// Replaces a lexicon with in-memory text; `name` is used in errors.
    pub fn lexicon_str(mut self, lexicon: Lexicon, name: &str, text: &str) -> EngineBuilder {
        self.sources
            .push((lexicon, name.to_string(), text.to_string()));
        self
    }

    /// Replaces the policy.
    pub fn policy(mut self, policy: Policy) -> EngineBuilder {
        self.policy = Some(("<policy>".to_string(), policy, String::new()));
        self
    }

    /// Replaces the policy with a JSON or TOML file (by extension).
    pub fn policy_path(mut self, path: impl AsRef<Path>) -> EngineBuilder {
        let path = path.as_ref();
        match Policy::read_path(path) {
            Ok((p, text)) => self.policy = Some((path.display().to_string(), p, text)),
            Err(e) => self.keep_error(e),
        }
        self
    }

    /// Segment every inquiry with jieba and give the issue model its tokens
    /// (`w…` features), or not.
    ///
    /// By default the engine segments exactly when the issue model has
    /// token rows. The embedded model has none: measured on the written
    /// training set, tokens added 0.2 points of out-of-fold accuracy and
    /// nothing on the held-out set, while jieba costs as much as all the
    /// other stages together. `examples/train_issue.rs --words` trains a
    /// model that reads them. Segmenting also changes the cue scores: a cue
    /// that cuts through a jieba token counts for less.
    pub fn word_features(mut self, on: bool) -> EngineBuilder {
        self.word_features = Some(on);
        self
    }

    /// Builds the engine: parses and checks every lexicon, compiles the
    /// automaton, loads the jieba dictionary with the user dictionary.
    ///
    /// # Errors
    ///
    /// The first problem found, naming the file, the line and the value.
    pub fn build(self) -> Result<Engine> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let source = |lex: Lexicon| -> (&str, &str) {
            self.sources
                .iter()
                .rev()
                .find(|s| s.0 == lex)
                .map_or((lex.file_name(), lex.embedded()), |s| {
                    (s.1.as_str(), s.2.as_str())
                })
        };
        let (file, text) = source(Lexicon::UserDict);
        let words = cues::parse_user_dict(file, text)?;
        let policy_choice = self.policy;
        // Whether the model has token rows (`w…` lines), known before
        // parsing it so that jieba can be built alongside.
        let word_features = self.word_features.unwrap_or_else(|| {
            let (_, text) = source(Lexicon::IssueModel);
            // A line that starts with `w`, found with a substring search
            // rather than by splitting 1.8 MB into lines.
            text.starts_with('w') || text.contains("\nw")
        });
        std::thread::scope(|scope| {
            // jieba's dictionary takes about as long as all the rest
            // (Jieba::new 49 ms against 37 ms for the lexicons and models in
            // one bench run): when triage needs it, build it on the other
            // core meanwhile; otherwise on first use.
            let jieba = word_features.then(|| scope.spawn(|| build_jieba(&words)));
            let (file, text) = source(Lexicon::Taxonomy);
            let taxonomy = Taxonomy::parse(file, text)?;
            let mut set = CueSet::default();
            let (file, text) = source(Lexicon::IssueCues);
            set.add_issue_cues(file, text, &taxonomy)?;
            for lex in [Lexicon::Sentiment, Lexicon::Escalation] {
                let (file, text) = source(lex);
                set.add_kinded(file, text, lex)?;
            }
            let cues = set.build()?;
            let (brands_file, text) = source(Lexicon::ProductBrands);
            let brands = cues::parse_brands(brands_file, text)?;
            let (file, text) = source(Lexicon::IssueModel);
            let model = IssueModel::parse(file, text, &taxonomy)?;
            let mut sentiment_models = Vec::new();
            for (lex, classes) in [
                (Lexicon::SentimentModel, &sentiment::SENTIMENT_CLASSES[..]),
                (Lexicon::EmotionModel, &sentiment::EMOTION_CLASSES[..]),
            ] {
                let (file, text) = source(lex);
                let m = LinearModel::parse(file, text, lex)?;
                if m.n_classes() > 0 {
                    m.expect_classes(file, classes)?;
                }
                sentiment_models.push(m);
            }

            let detector = Detector::new(brands.iter().map(String::as_str)).map_err(|e| {
                Error::data(
                    brands_file,
                    0,
                    crate::error::Problem::OutOfRange,
                    e.to_string(),
                )
            })?;
            let (policy_file, policy, policy_text) = match policy_choice {
                Some(p) => p,
                None => ("policy.json".to_string(), Policy::default(), String::new()),
            };
            policy.validate(&policy_file, &policy_text)?;
            let variants = policy.compile_variants(&policy_file, &policy_text)?;
            policy.validate_labels(&policy_file, &policy_text, &taxonomy)?;
            let emotion_model = sentiment_models.pop();
            let models = Models::new(
                Some(model),
                sentiment_models.pop(),
                emotion_model,
                &taxonomy,
            );
            let sentiment = SentimentScorer::default();
            let built = OnceLock::new();
            if let Some(handle) = jieba {
                match handle.join() {
                    Ok(j) => {
                        let _ = built.set(j);
                    }
                    Err(payload) => std::panic::resume_unwind(payload),
                }
            }
            Ok(Engine {
                inner: Arc::new(Inner {
                    id: NEXT_ENGINE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    taxonomy,
                    cues,
                    jieba: built,
                    user_words: words.clone(),
                    word_features,
                    detector,
                    issue: IssueScorer::default(),
                    models,
                    sentiment,
                    policy,
                    variants,
                }),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// jieba segments with the domain dictionary: its words come out whole.
    #[test]
    fn user_dictionary_words_are_single_tokens() {
        let text = "团购券怎么核销，直播间小黄车在哪，玻尿酸术后能喝酒吗";
        let engine = Engine::default();
        let words = engine.segment(text);
        for word in ["团购券", "核销", "直播间", "小黄车", "玻尿酸", "术后"] {
            assert!(words.contains(&word), "{word} not a token in {words:?}");
        }
        // The default model reads no tokens, so triage does not segment;
        // with word features on, the tokens become features.
        assert!(!engine.inner.word_features);
        assert!(!engine.issue_features(text).iter().any(|f| f.0 == "w团购券"));
        let with_words = Engine::builder().word_features(true).build().unwrap();
        let f = with_words.issue_features(text);
        for word in ["w团购券", "w核销", "w直播间", "w小黄车", "w玻尿酸", "w术后"] {
            assert!(
                f.iter().any(|(name, _)| name == word),
                "{word} not a feature"
            );
        }
    }

    /// Freshly parsed copies of the shipped models (not the fused table).
    struct FreshModels {
        issue: IssueModel,
        negativity: LinearModel,
        emotion: LinearModel,
    }

    static FRESH: std::sync::LazyLock<FreshModels> = std::sync::LazyLock::new(|| {
        let taxonomy = Taxonomy::parse("t", Lexicon::Taxonomy.embedded()).unwrap();
        let parse = |lex: Lexicon| LinearModel::parse("m", lex.embedded(), lex).unwrap();
        FreshModels {
            issue: IssueModel::parse("i", Lexicon::IssueModel.embedded(), &taxonomy).unwrap(),
            negativity: parse(Lexicon::SentimentModel),
            emotion: parse(Lexicon::EmotionModel),
        }
    });

    static ENGINE: std::sync::LazyLock<Engine> = std::sync::LazyLock::new(Engine::default);

    /// Equal up to float rounding (the fused pass adds in another order,
    /// and merged bigram rows hold a precomputed sum); `b` may be padded
    /// with zeros.
    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() <= b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-4 * x.abs().max(1.0))
            && b[a.len()..].iter().all(|&p| p == 0.0)
    }

    /// Checks the fused pass over `text` against the string features the
    /// models were trained on, and its fixed-size path against the
    /// general one; returns the issue sums from the model files.
    fn check_fused(text: &str) -> Vec<f32> {
        let (engine, fresh) = (&*ENGINE, &*FRESH);
        let mut s = engine.scratch();
        for stage in [Stage::Normalize, Stage::Mask, Stage::Scan, Stage::Classify] {
            engine.run_stage(&mut s, stage, &Inquiry::new(text));
        }

        let features = engine.issue_features(text);
        let mut issue_want = vec![0.0; fresh.issue.model.n_classes()];
        for (f, v) in &features {
            fresh.issue.model.add_feature(f, *v, &mut issue_want);
        }
        assert!(
            close(&issue_want, &s.sums.issue),
            "{text:?}: issue sums differ"
        );
        assert_eq!(features.len(), s.sums.issue_count, "{text:?}");

        let features = engine.sentiment_features(text);
        let mut want = vec![0.0; 2];
        for (f, v) in &features {
            fresh.negativity.add_feature(f, *v, &mut want);
        }
        // The fused pass keeps the difference of the two classes.
        let (diff, got) = (want[1] - want[0], s.sums.sentiment[1] - s.sums.sentiment[0]);
        assert!(
            (diff - got).abs() <= 1e-4 * diff.abs().max(1.0),
            "{text:?}: negativity sums differ"
        );
        let mut want = vec![0.0; fresh.emotion.n_classes()];
        for (f, v) in &features {
            fresh.emotion.add_feature(f, *v, &mut want);
        }
        assert!(
            close(&want, &s.sums.emotion),
            "{text:?}: emotion sums differ"
        );
        assert_eq!(features.len(), s.sums.sentiment_count, "{text:?}");

        // The general path (models of other sizes) gives the same sums
        // as the fixed-size one the shipped models take.
        for issue in [true, false] {
            let mut fixed = crate::score::sums::ModelSums::default();
            let mut general = crate::score::sums::ModelSums::default();
            let input = model_input(&s, issue);
            engine
                .inner
                .models
                .score_with(&input, &mut fixed, issue, true);
            engine
                .inner
                .models
                .score_with(&input, &mut general, issue, false);
            assert_eq!(fixed.issue, general.issue, "{text:?}");
            assert_eq!(fixed.emotion, general.emotion, "{text:?}");
            assert_eq!(fixed.sentiment, general.sentiment, "{text:?}");
            assert_eq!(fixed.issue_count, general.issue_count, "{text:?}");
            assert_eq!(fixed.sentiment_count, general.sentiment_count, "{text:?}");
        }
        issue_want
    }

    /// The fused pass gives the sums of the string features the models
    /// were trained on, looked up in freshly parsed copies of the model
    /// files (not the fused table).
    #[test]
    fn fused_scoring_matches_the_training_features() {
        assert_eq!(
            crate::score::features::feature_hash("b快递"),
            crate::score::features::bigram_hash('快', '递')
        );
        let texts = [
            "快递三天没动了，转人工！",
            "不是不好，就是想问问尺码",
            "呵呵，真是谢谢你们了",
            "iPhone 15 Pro 用了一周就黑屏 订单号2024111100123456",
            "",
            "😡😡 垃 圾 ！！！",
            "没有不满意，挺好的",
        ];
        for text in texts {
            let issue_sums = check_fused(text);
            if !text.is_empty() {
                assert!(
                    issue_sums.iter().any(|&w| w != 0.0),
                    "{text}: no issue row found"
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// The same on generated messages: negation and sarcasm scopes,
        /// personal data, digits, emoji, Latin, spacing and punctuation,
        /// at every position relative to the bigrams.
        #[test]
        fn fused_scoring_matches_on_generated_messages(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("快递"),
                    proptest::strategy::Just("不"),
                    proptest::strategy::Just("没有"),
                    proptest::strategy::Just("不是不好"),
                    proptest::strategy::Just("呵呵"),
                    proptest::strategy::Just("太差了"),
                    proptest::strategy::Just("退款"),
                    proptest::strategy::Just("转人工"),
                    proptest::strategy::Just("13812345678"),
                    proptest::strategy::Just("订单号2024111100123456"),
                    proptest::strategy::Just("iPhone 15"),
                    proptest::strategy::Just("😡"),
                    proptest::strategy::Just("，"),
                    proptest::strategy::Just("！！"),
                    proptest::strategy::Just(" "),
                    proptest::strategy::Just("满意"),
                    proptest::strategy::Just("虽然"),
                    proptest::strategy::Just("但是"),
                ],
                0..16,
            )
        ) {
            check_fused(&pieces.concat());
        }
    }
}
