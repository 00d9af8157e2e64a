//! Issue-type scoring over the taxonomy's labels: a hybrid of the weighted
//! cue lexicon and the trained linear model.
//!
//! The cue lexicon gives each label a cue score: the sum of the weights of
//! its cues found in the text, a cue that lines up with jieba's word
//! boundaries counting fully and one that cuts through a word counting
//! less. The model reads character unigrams and bigrams, jieba tokens,
//! those cue scores and entity kinds ([`crate::score::features`]) and gives a
//! logit per label; a softmax with the model's fitted temperature turns the
//! logits into probabilities, so `confidence` is the winning label's
//! probability. Labels the model does not know (added to the taxonomy after
//! training) are scored from their cues alone.

use crate::score::linear::{IssueModel, softmax};
use crate::text::cues::{CueKind, Cues, Family, Hit, Taxonomy};

/// How much a cue that does not line up with a jieba token counts.
const MISALIGNED: f32 = 0.6;

#[derive(Clone, Debug)]
pub(crate) struct IssueScorer {
    /// Cue-only scoring: score units per nat.
    pub cue_scale: f32,
    /// Cue score the `other` label gets for free, so that text with no cue
    /// leans to `other` (and, with a flat distribution, abstains).
    pub other_prior: f32,
}

impl Default for IssueScorer {
    fn default() -> IssueScorer {
        IssueScorer {
            cue_scale: 2.5,
            other_prior: 0.2,
        }
    }
}

/// Per-label probabilities and the cues behind them.
#[derive(Clone, Debug, Default)]
pub(crate) struct IssueOutput {
    pub probs: Vec<f32>,
    /// Cue score per label.
    pub cue_sums: Vec<f32>,
    /// `(start, end, label)` of every issue cue, normalized offsets.
    pub cues: Vec<(u32, u32, u16)>,
}

impl IssueOutput {
    /// Label indices sorted by probability, best first (ties: lower index).
    pub fn ranking(&self, k: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        // Insertion into three slots by hand: `rotate_right` on the slice
        // was an out-of-line call per insertion, 66 instructions each
        // (callgrind: 62.6 M over 949k calls).
        let mut best: [(usize, f32); 3] = [(usize::MAX, f32::MIN); 3];
        for (i, &p) in self.probs.iter().enumerate() {
            if p > best[0].1 {
                best = [(i, p), best[0], best[1]];
            } else if p > best[1].1 {
                best = [best[0], (i, p), best[1]];
            } else if p > best[2].1 {
                best[2] = (i, p);
            }
        }
        best.into_iter()
            .take(k.min(3))
            .filter(|b| b.0 != usize::MAX)
    }
}

/// Whether a cue hit starts and ends on token boundaries; always, when the
/// text was not segmented.
fn aligned(tokens: Option<&[(u32, u32)]>, hit: &Hit) -> bool {
    let Some(tokens) = tokens else {
        return true;
    };
    let starts = tokens.binary_search_by(|t| t.0.cmp(&hit.start)).is_ok();
    let ends = tokens.binary_search_by(|t| t.1.cmp(&hit.end)).is_ok();
    starts && ends
}

/// The text-derived inputs of the cue scores.
pub(crate) struct IssueInput<'a> {
    pub hits: &'a [Hit],
    /// jieba tokens, when the engine segments.
    pub tokens: Option<&'a [(u32, u32)]>,
}

impl IssueScorer {
    /// Cue scores per label into `out.cue_sums` and `out.cues`.
    pub fn cue_scores(
        &self,
        taxonomy: &Taxonomy,
        cues: &Cues,
        input: &IssueInput<'_>,
        out: &mut IssueOutput,
    ) {
        out.cue_sums.clear();
        out.cue_sums.resize(taxonomy.len(), 0.0);
        out.cues.clear();
        for hit in input.hits {
            let factor = if aligned(input.tokens, hit) {
                1.0
            } else {
                MISALIGNED
            };
            for e in cues.entries(hit, Family::Issue) {
                if let CueKind::Issue(label) = e.kind
                    && let Some(p) = out.cue_sums.get_mut(label as usize)
                {
                    *p += e.weight * factor;
                    out.cues.push((hit.start, hit.end, label));
                }
            }
        }
    }

    /// Label probabilities into `out.probs` from the issue model's feature
    /// sums (after [`cue_scores`](Self::cue_scores)); cue scores alone when
    /// there is no model, and for labels the model does not know.
    pub fn probabilities(
        &self,
        taxonomy: &Taxonomy,
        model: Option<&IssueModel>,
        sums: &[f32],
        count: usize,
        out: &mut IssueOutput,
    ) {
        let n = taxonomy.len();
        out.probs.clear();
        out.probs.resize(n, 0.0);
        match model {
            None => {
                for (p, c) in out.probs.iter_mut().zip(&out.cue_sums) {
                    *p = self.cue_scale * c;
                }
                out.probs[taxonomy.other] += self.cue_scale * self.other_prior;
                softmax(&mut out.probs, 1.0);
            }
            Some(model) if model.identity => {
                // The shipped model: its classes are the labels, so the
                // model's own probabilities are theirs, without the
                // `column_of` lookup per label below.
                model.model.probabilities(sums, count, &mut out.probs);
                out.probs.resize(n, 0.0);
            }
            Some(model) => {
                let scale = model.model.scale(count);
                // Long messages emit many features: dividing by count^norm
                // keeps them from being overconfident (out-of-fold NLL 0.70
                // → 0.62 at norm 0.5 on the training files).
                for (i, p) in out.probs.iter_mut().enumerate() {
                    *p = match model.column_of[i] {
                        Some(j) => model.model.logit(j, sums, scale),
                        None => self.cue_scale * out.cue_sums[i] - self.cue_scale,
                    };
                }
                softmax(&mut out.probs, 1.0 / model.model.temperature);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_columns_score_like_the_general_path() {
        use crate::text::cues::Lexicon;
        let tax = Taxonomy::parse("taxonomy.tsv", Lexicon::Taxonomy.embedded()).unwrap();
        let mut model =
            IssueModel::parse("issue_model.tsv", Lexicon::IssueModel.embedded(), &tax).unwrap();
        assert!(
            model.identity,
            "the shipped model lists the taxonomy in order"
        );
        let scorer = IssueScorer::default();
        let sums: Vec<f32> = (0..20).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        for count in [0, 1, 7, 40] {
            let (mut fast, mut general) = (IssueOutput::default(), IssueOutput::default());
            fast.cue_sums = vec![0.0; tax.len()];
            general.cue_sums = vec![0.0; tax.len()];
            model.identity = true;
            scorer.probabilities(&tax, Some(&model), &sums, count, &mut fast);
            model.identity = false;
            scorer.probabilities(&tax, Some(&model), &sums, count, &mut general);
            assert_eq!(fast.probs, general.probs, "count {count}");
            assert!((fast.probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn ranking_is_best_first() {
        let out = IssueOutput {
            probs: vec![0.1, 0.5, 0.05, 0.3, 0.05],
            ..IssueOutput::default()
        };
        let r: Vec<_> = out.ranking(3).map(|(i, _)| i).collect();
        assert_eq!(r, vec![1, 3, 0]);
        let out = IssueOutput {
            probs: vec![0.6, 0.4],
            ..IssueOutput::default()
        };
        assert_eq!(out.ranking(3).count(), 2);
    }
}
