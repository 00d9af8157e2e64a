//! The stages of one triage, in pipeline order: normalize and mask, segment,
//! scan, classify, route.

#[cfg(feature = "segment")]
use jieba_rs::Jieba;

use crate::decision::{Decision, Route, SentimentAssessment};
use crate::domain::Emotion;
#[cfg(feature = "segment")]
use crate::engine::builder::build_jieba;
use crate::engine::core::Engine;
use crate::engine::scratch::{Scratch, Verdict};
use crate::inquiry::Inquiry;
use crate::route::policy::Policy;
use crate::route::rules::{self, Assessed};
use crate::score::features::ModelInput;
use crate::score::issue::IssueInput;
use crate::score::sentiment::{self, SentimentOutput};
use crate::text::cues::Family;
use crate::text::normalize::cut_inquiry;
use crate::text::pii::{self, PiiMatch};

/// A stage of the pipeline, for [`Engine::run_stage`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Width, case, invisible characters, spacing, punctuation runs.
    Normalize,
    /// Personal data found and masked; entities extracted.
    Mask,
    /// jieba segmentation. [`Engine::triage`] runs it only when the issue
    /// model reads jieba tokens ([`EngineBuilder::word_features`](crate::EngineBuilder::word_features)).
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

impl Engine {
    /// jieba with the domain dictionary, built on first use.
    #[cfg(feature = "segment")]
    pub(super) fn jieba(&self) -> &Jieba {
        self.inner
            .jieba
            .get_or_init(|| build_jieba(&self.inner.user_words))
    }

    /// Steps 1–4 of the pipeline: normalize, find personal data and
    /// entities, segment (when the issue model reads tokens), scan the
    /// lexicons.
    pub(super) fn analyze(&self, s: &mut Scratch, raw: &str, policy: &Policy) {
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
    pub(super) fn stage_mask(&self, s: &mut Scratch, raw: &str, policy: &Policy) {
        let detector = &self.inner.detector;
        let text = s.norm.text();
        detector.find_pii_and_entities(text, &mut s.pii, &mut s.entities);
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

    /// Step 3: jieba segmentation of the normalized text (no tokens
    /// without the `segment` feature, where no model can read them).
    pub(super) fn stage_segment(&self, s: &mut Scratch) {
        s.tokens.clear();
        #[cfg(feature = "segment")]
        s.tokens.extend(
            self.jieba()
                .cut(s.norm.text(), true)
                .iter()
                .map(|t| (t.byte_start as u32, t.byte_end as u32)),
        );
    }

    /// Step 4: one scan over every lexicon.
    pub(super) fn stage_scan(&self, s: &mut Scratch) {
        self.inner.cues.scan(s.norm.text(), &mut s.scan);
    }

    /// The policy for this inquiry: the customer's variant, or the base.
    pub(super) fn policy_for(&self, inquiry: &Inquiry<'_>) -> (&Policy, Option<&str>) {
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
    /// one one-pass scoring feeds all three models.
    pub(super) fn stage_classify(&self, s: &mut Scratch, policy: &Policy, inquiry: &Inquiry<'_>) {
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
    pub(super) fn stage_policy(
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

    /// Escalation signals, then the sentiment lexicon pass (after
    /// `analyze`).
    pub(super) fn sentiment_pass(&self, s: &mut Scratch) {
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

    /// The one-pass scoring over the three models (the issue model only when
    /// `issue`; its inputs are then read from the earlier stages), and the
    /// negativity and emotion it gives, into `s.sums` and `s.sentiment`.
    pub(super) fn score_models(&self, s: &mut Scratch, policy: &Policy, issue: bool) {
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
}

/// What the one-pass model scoring reads of `s` (the issue model's inputs only
/// when `issue`).
pub(super) fn model_input(s: &Scratch, issue: bool) -> ModelInput<'_> {
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
pub(super) fn assessment(out: &SentimentOutput, policy: &Policy) -> SentimentAssessment {
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

pub(super) fn issue_input(s: &Scratch, segmented: bool) -> IssueInput<'_> {
    IssueInput {
        hits: &s.scan.families[Family::Issue as usize],
        tokens: segmented.then_some(&s.tokens[..]),
    }
}
