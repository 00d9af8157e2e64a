//! Writing the decision: issue, sentiment, route and every reason with its
//! evidence, into buffers reused from the last one.

use crate::decision::{
    Decision, Entity, Evidence, Flags, LabelScore, PiiFound, Reason, Rule, Text, TwoDecimals,
};
use crate::domain::IssueLabel;
use crate::engine::core::Engine;
use crate::engine::scratch::{Pools, Scratch, Verdict, reuse, set_opt};
use crate::engine::stages::assessment;
use crate::inquiry::Inquiry;
use crate::text::normalize::{Normalized, cut_inquiry};
use crate::text::pii::PiiMatch;

impl Engine {
    /// Runs the pipeline and writes the decision into `decision`, reusing
    /// its buffers and the spares in `scratch.pools`.
    pub(super) fn decide(
        &self,
        scratch: &mut Scratch,
        inquiry: &Inquiry<'_>,
        decision: &mut Decision,
    ) {
        use std::fmt::Write as _;
        let inner = &*self.inner;
        let (policy, variant) = self.policy_for(inquiry);
        let full = inquiry.text;
        let raw = cut_inquiry(full, policy.max_text_bytes);

        self.analyze(scratch, raw, policy);
        self.stage_classify(scratch, policy, inquiry);
        let wait = self.stage_policy(scratch, policy, inquiry, &mut decision.route);
        let Verdict {
            best,
            confidence,
            abstained,
            label: label_idx,
        } = scratch.verdict;
        let negativity = scratch.sentiment.negativity;
        let pools = &mut scratch.pools;
        let (norm, raw_pii) = (&scratch.norm, &scratch.raw_pii);

        // Reasons, each with its evidence: normalized spans → raw spans,
        // personal data never shown.
        for r in &mut decision.reasons {
            pools.evidence.append(&mut r.evidence);
        }
        pools.reasons.append(&mut decision.reasons);
        // A decision taken out by `triage()` leaves a fresh one: room for
        // the usual reasons at once rather than growing 4 → 8.
        if decision.reasons.capacity() == 0 {
            decision.reasons.reserve(8);
        }
        let mut writer = ReasonWriter {
            reasons: &mut decision.reasons,
            pools: &mut *pools,
            norm,
            raw_pii,
            raw,
        };
        if raw.len() < full.len() {
            writer.add(Rule::Truncated, [], |t| {
                let _ = write!(
                    t,
                    "text of {} bytes cut to the first {} (max_text_bytes)",
                    full.len(),
                    raw.len()
                );
            });
        }
        if !raw_pii.is_empty() {
            writer.add_pii();
        }
        let best_entry = &inner.taxonomy.entries[best];
        // The two reasons of nearly every decision are written piece by
        // piece: `write!` cost ~670 instructions each (callgrind).
        writer.add(Rule::IssueType, scratch.issue_spans.iter().copied(), |t| {
            t.push_str(best_entry.label.as_str());
            t.push_str(" (");
            t.push_str(&best_entry.zh_name);
            t.push_str(") p=");
            TwoDecimals(confidence).push_to(t);
            if abstained {
                t.push_str(", abstained");
            }
        });
        if !scratch.sentiment.evidence.is_empty() {
            let emotion = scratch.sentiment.emotion;
            writer.add(
                Rule::Sentiment,
                scratch.sentiment.evidence.iter().copied(),
                |t| {
                    t.push_str("negativity ");
                    TwoDecimals(negativity).push_to(t);
                    t.push_str(", emotion ");
                    t.push_str(emotion.as_str());
                },
            );
        }
        for f in scratch.fired.as_slice() {
            writer.add(f.rule, f.spans.iter().copied(), |t| t.push_str(&f.detail));
        }

        let label = &inner.taxonomy.entries[label_idx].label;
        decision.flags = Flags {
            human_requested: !scratch.signals.human_request.is_empty(),
            repeat_contact: inquiry.customer.prior_contacts >= policy.repeat_contacts,
            high_risk: decision.reasons.iter().any(|r| r.rule == Rule::HighRisk),
            threat: !scratch.signals.threat.is_empty(),
            safety: !scratch.signals.safety.is_empty(),
            minor: !scratch.signals.minor.is_empty()
                || (!abstained && label.as_str() == "minor_protection"),
            pii_found: !raw_pii.is_empty(),
        };
        if scratch.labels_of != inner.id {
            scratch.labels.clear();
            scratch.labels.extend(
                inner
                    .taxonomy
                    .entries
                    .iter()
                    .map(|e| IssueLabel::new(e.label.as_str())),
            );
            scratch.labels_of = inner.id;
        }
        let own = |i: usize| {
            scratch
                .labels
                .get(i)
                .unwrap_or(&inner.taxonomy.entries[i].label)
        };
        // Same label as the last decision (pointer-equal): no refcount
        // traffic at all.
        if decision.issue.label != *own(label_idx) {
            decision.issue.label.clone_from(own(label_idx));
        }
        decision.issue.confidence = scratch.issue.probs.get(label_idx).copied().unwrap_or(0.0);
        decision.issue.abstained = abstained;
        decision.issue.top.truncate(scratch.ranking.len());
        for (k, &(i, p)) in scratch.ranking.iter().enumerate() {
            match decision.issue.top.get_mut(k) {
                Some(t) => {
                    if t.label != *own(i) {
                        t.label.clone_from(own(i));
                    }
                    t.score = p;
                }
                None => decision.issue.top.push(LabelScore {
                    label: own(i).clone(),
                    score: p,
                }),
            }
        }
        decision.sentiment = assessment(&scratch.sentiment, policy);

        let profile = policy.profile(inquiry.industry);
        set_opt(
            &mut decision.route.notice,
            profile.notice.as_deref(),
            &mut pools.strings,
        );
        pools.strings.append(&mut decision.route.offers);
        for o in &profile.offers {
            reuse(&mut decision.route.offers, &mut pools.strings, Text::new).set(o);
        }
        match (wait, &mut decision.wait) {
            (Some(estimate), Some(out)) => estimate.fill(out),
            (Some(estimate), slot @ None) => {
                estimate.fill(slot.insert(pools.wait.take().unwrap_or_default()))
            }
            (None, slot) => {
                if let Some(old) = slot.take() {
                    pools.wait = Some(old);
                }
            }
        }
        // The masked text was built for this inquiry: swap it in.
        std::mem::swap(&mut decision.masked_text, &mut scratch.masked);

        pools.pii.append(&mut decision.pii);
        for p in raw_pii {
            let out = reuse(&mut decision.pii, &mut pools.pii, PiiFound::default);
            out.kind.set(p.kind.as_str());
            out.start = p.start;
            out.end = p.end;
        }
        pools.entities.append(&mut decision.entities);
        for e in &scratch.entities {
            let (start, end) = norm.raw_span(e.start, e.end);
            let out = reuse(&mut decision.entities, &mut pools.entities, Entity::default);
            out.kind.set(e.kind.as_str());
            out.text.set(raw.get(start..end).unwrap_or(""));
            out.start = start;
            out.end = end;
            set_opt(&mut out.carrier, e.carrier, &mut pools.strings);
        }
        set_opt(&mut decision.variant, variant, &mut pools.strings);
    }
}

/// Appends reasons to a decision, reusing spare buffers.
pub(super) struct ReasonWriter<'a> {
    pub(super) reasons: &'a mut Vec<Reason>,
    pub(super) pools: &'a mut Pools,
    pub(super) norm: &'a Normalized,
    pub(super) raw_pii: &'a [PiiMatch],
    pub(super) raw: &'a str,
}

impl ReasonWriter<'_> {
    /// A reason whose evidence is the raw text of `spans` (normalized byte
    /// spans), or `[PII]` where it overlaps personal data.
    fn add(
        &mut self,
        rule: Rule,
        spans: impl IntoIterator<Item = (u32, u32)>,
        write: impl FnOnce(&mut Text),
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
            e.text.set(text);
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
            e.text.set(p.kind.placeholder());
        }
    }
}

/// A blank reason for `rule` pushed onto `reasons`.
pub(super) fn new_reason<'r>(
    reasons: &'r mut Vec<Reason>,
    spare: &mut Vec<Reason>,
    rule: Rule,
) -> &'r mut Reason {
    let r = reuse(reasons, spare, || Reason {
        rule,
        detail: Text::new(),
        evidence: Vec::new(),
    });
    r.rule = rule;
    r.detail.clear();
    r
}
