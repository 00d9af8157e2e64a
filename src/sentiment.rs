//! Negative sentiment, emotion and escalation signals from the cue lexicons.
//!
//! The scorer walks the sentiment hits in text order and keeps a little
//! state: a negator (不/没/别 …) flips the polarity of the next polar word in
//! the same clause, intensifiers and diminishers scale it, a contrast word
//! (但是/可是 …) discounts what came before it and weights what follows.
//! Emotion words feed both negativity and their emotion; repeated `!`/`?`
//! add emphasis to an already negative message.

use crate::domain::Emotion;
use crate::features::for_each_text_feature;
use crate::lexicon::{CueKind, Cues, Family, Hit};
use crate::model::LinearModel;

/// The classes of the negativity model.
pub(crate) const SENTIMENT_CLASSES: [&str; 2] = ["not_negative", "negative"];
/// The classes of the emotion model.
pub(crate) const EMOTION_CLASSES: [&str; 4] = ["none", "anger", "anxiety", "disappointment"];

/// Bytes between a negator and an escalation cue it negates: one CJK
/// character (不去投诉), not two (再不退就投诉 is a threat).
const ESCALATION_NEGATION_BYTES: u32 = 3;

/// Bytes between a modifier and the word it modifies: two CJK characters
/// ("不太满意", "不是很好" keep the negator through the intensifier).
const SCOPE_BYTES: u32 = 6;

/// The scorer: lexicon rules, and the trained models when present.
///
/// Without models, `negativity = sigmoid(scale * (neg - pos) + bias)` over
/// the lexicon sums. With them, the lexicon sums become features of the
/// negativity and emotion models (`s…` features), beside character
/// unigrams and bigrams, and the models' probabilities are used.
#[derive(Clone, Debug)]
pub(crate) struct SentimentScorer {
    pub scale: f32,
    pub bias: f32,
}

impl Default for SentimentScorer {
    fn default() -> Self {
        SentimentScorer {
            scale: 1.6,
            bias: -1.2,
        }
    }
}

/// What the scorer found.
#[derive(Clone, Debug, Default)]
pub(crate) struct SentimentOutput {
    pub negativity: f32,
    pub emotion: Emotion,
    pub emotion_score: f32,
    /// Normalized spans of the words that made it negative.
    pub evidence: Vec<(u32, u32)>,
    /// Spans whose characters the models read differently: a negated
    /// polar word with its negator, a sarcasm marker (normalized offsets,
    /// in text order).
    pub scopes: Vec<(u32, u32, Scope)>,
    /// Lexicon sums: negative, positive, anger, anxiety, disappointment,
    /// sarcasm, emphasis, threat, human request.
    pub sums: [f32; 9],
    probs: Vec<f32>,
    buf: String,
}

/// How the models read the characters of a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Inside a negation ("不是不好", "不好吃"): no n-gram features, so the
    /// plain "不好" or "好吃" is not read; the negation-aware lexicon sums
    /// (`sneg`, `spos`) speak for the span.
    Negated,
    /// A sarcasm marker ("真是谢谢你们了"): no n-gram features; the marker
    /// speaks through the `ssarcasm` sum instead of its polite words.
    Sarcasm,
}

/// Names of the lexicon-sum features, in [`SentimentOutput::sums`] order.
pub(crate) const SUM_FEATURES: [&str; 9] = [
    "sneg",
    "spos",
    "sanger",
    "sanxiety",
    "sdisappointment",
    "ssarcasm",
    "semphasis",
    "sthreat",
    "shuman",
];

/// Escalation signals with their normalized spans.
#[derive(Clone, Debug, Default)]
pub(crate) struct Signals {
    pub human_request: Vec<(u32, u32)>,
    pub threat: Vec<(u32, u32)>,
    pub safety: Vec<(u32, u32)>,
    pub minor: Vec<(u32, u32)>,
    pub privacy: Vec<(u32, u32)>,
    /// Sum of threat weights, for negativity.
    pub threat_weight: f32,
}

impl Signals {
    pub fn clear(&mut self) {
        self.human_request.clear();
        self.threat.clear();
        self.safety.clear();
        self.minor.clear();
        self.privacy.clear();
        self.threat_weight = 0.0;
    }
}

/// Ends a sentence (and so a clause).
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '!' | '?' | ';' | '，' | '。' | '！' | '？' | '；' | '~' | '\n'
    )
}

/// Whether the negator hit at `neg` governs the word starting at `start`.
fn in_scope(text: &str, neg_end: u32, start: u32) -> bool {
    neg_end <= start
        && start - neg_end <= SCOPE_BYTES
        && !text
            .get(neg_end as usize..start as usize)
            .unwrap_or("")
            .chars()
            .any(is_clause_break)
}

/// Finds escalation cues; a negated request ("不用转人工了") does not count.
pub(crate) fn find_signals(
    text: &str,
    cues: &Cues,
    sentiment: &[Hit],
    escalation: &[Hit],
    out: &mut Signals,
) {
    out.clear();
    for hit in escalation {
        let Some(entry) = cues.entries(hit, Family::Escalation).next() else {
            continue;
        };
        // Only a negator ending just before the cue governs it: 不用转人工,
        // 不要投诉, 不去投诉 — but not 再不退就投诉, where 不 belongs to 退.
        // The hits are sorted and do not overlap, so their ends are sorted
        // too: a binary search finds the candidates (the scan over every
        // sentiment hit was quadratic on long texts — 34% of a 1 MB triage).
        let from = hit.start.saturating_sub(ESCALATION_NEGATION_BYTES);
        let first = sentiment.partition_point(|n| n.end < from);
        let negated = sentiment[first..]
            .iter()
            .take_while(|n| n.end <= hit.start)
            .any(|n| {
                cues.entries(n, Family::Sentiment)
                    .any(|e| e.kind == CueKind::Negator)
                    && in_scope(text, n.end, hit.start)
            });
        let span = (hit.start, hit.end);
        match entry.kind {
            CueKind::HumanRequest if !negated => out.human_request.push(span),
            CueKind::Threat if !negated => {
                out.threat.push(span);
                out.threat_weight += entry.weight;
            }
            CueKind::Safety if !negated => out.safety.push(span),
            CueKind::Minor => out.minor.push(span),
            CueKind::Privacy => out.privacy.push(span),
            _ => {}
        }
    }
}

impl SentimentScorer {
    pub fn score(
        &self,
        text: &str,
        cues: &Cues,
        hits: &[Hit],
        emphasis: u32,
        signals: &Signals,
        out: &mut SentimentOutput,
    ) {
        out.evidence.clear();
        out.scopes.clear();
        let mut neg = 0.0f32;
        let mut pos = 0.0f32;
        let mut emotions = [0.0f32; 3];
        // (start, end) of the governing negator; the end moves across
        // intensifiers ("不太满意").
        let mut negator: Option<(u32, u32)> = None;
        let mut modifier: Option<(u32, f32)> = None;
        let mut after_contrast = 1.0f32;
        let mut sarcasm = 0.0f32;
        let mut last_end = 0u32;
        for hit in hits {
            // A clause break clears pending modifiers and the contrast boost.
            let gap = text
                .get(last_end as usize..hit.start as usize)
                .unwrap_or("");
            // One pass over the gap: sentence ends are clause breaks too.
            let mut breaks = gap.chars().filter(|&c| is_clause_break(c));
            if let Some(first) = breaks.next() {
                negator = None;
                modifier = None;
                if is_sentence_end(first) || breaks.any(is_sentence_end) {
                    after_contrast = 1.0;
                }
            }
            last_end = hit.end;
            let negated = negator.is_some_and(|n| in_scope(text, n.1, hit.start));
            let mut scope_from: Option<u32> = None;
            let mult = match modifier {
                Some((e, m)) if in_scope(text, e, hit.start) => m,
                _ => 1.0,
            };
            let mut polar = false;
            for e in cues.entries(hit, Family::Sentiment) {
                let w = e.weight * mult * after_contrast;
                match e.kind {
                    CueKind::Negator => negator = Some((hit.start, hit.end)),
                    CueKind::Intensifier | CueKind::Diminisher => {
                        modifier = Some((hit.end, e.weight));
                        // Keep a negator alive across "不太", "没那么".
                        if let Some(n) = negator.as_mut()
                            && in_scope(text, n.1, hit.start)
                        {
                            n.1 = hit.end;
                        }
                    }
                    CueKind::Contrast => {
                        neg *= 0.6;
                        pos *= 0.6;
                        after_contrast = 1.4;
                    }
                    CueKind::Negative if negated => {
                        pos += 0.5 * w;
                        scope_from = negator.map(|n| n.0);
                    }
                    CueKind::Negative => {
                        neg += w;
                        polar = true;
                    }
                    CueKind::Positive if negated => {
                        neg += 0.9 * w;
                        polar = true;
                        scope_from = negator.map(|n| n.0);
                    }
                    CueKind::Positive => pos += w,
                    CueKind::Sarcasm => {
                        out.scopes.push((hit.start, hit.end, Scope::Sarcasm));
                        sarcasm += w;
                        neg += w;
                        emotions[0] += 0.5 * w;
                        emotions[2] += 0.5 * w;
                        polar = true;
                    }
                    CueKind::Emotion(em) if !negated => {
                        let i = match em {
                            Emotion::Anger => 0,
                            Emotion::Anxiety => 1,
                            _ => 2,
                        };
                        emotions[i] += w;
                        // Anxiety is urgency as much as displeasure.
                        neg += if i == 1 { 0.5 * w } else { 0.8 * w };
                        polar = true;
                    }
                    _ => {}
                }
            }
            if let Some(from) = scope_from {
                out.scopes.push((from, hit.end, Scope::Negated));
            }
            if polar {
                out.evidence.push((hit.start, hit.end));
                negator = None;
                modifier = None;
            }
        }
        neg += 0.8 * signals.threat_weight + 0.3 * signals.human_request.len().min(2) as f32;
        if neg > 0.0 {
            neg += 0.25 * emphasis.min(4) as f32;
            emotions[0] += 0.2 * emphasis.min(4) as f32;
        }
        out.sums = [
            neg,
            pos,
            emotions[0],
            emotions[1],
            emotions[2],
            sarcasm,
            emphasis.min(4) as f32,
            signals.threat_weight,
            signals.human_request.len().min(2) as f32,
        ];
        out.negativity = sigmoid(self.scale * (neg - pos) + self.bias);
        let (i, &best) = emotions
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((0, &0.0));
        if best >= 0.5 && out.negativity >= 0.4 {
            out.emotion = [Emotion::Anger, Emotion::Anxiety, Emotion::Disappointment][i];
            out.emotion_score = 1.0 - (-best).exp();
        } else {
            out.emotion = Emotion::None;
            out.emotion_score = 0.0;
        }
    }
}

impl SentimentScorer {
    /// Calls `emit` for every feature of the negativity and emotion models
    /// (after the lexicon pass filled `out.sums`).
    pub fn features(&self, text: &str, out: &mut SentimentOutput, mut emit: impl FnMut(&str, f32)) {
        for_each_text_feature(text, &out.scopes, |s| (s.0, s.1), &mut out.buf, &mut emit);
        for (name, &v) in SUM_FEATURES.iter().zip(&out.sums) {
            if v != 0.0 {
                emit(name, v);
            }
        }
    }

    /// Negativity and emotion from the models' feature sums (after the
    /// lexicon pass, whose values stand where a model is missing).
    pub fn apply_models(
        &self,
        sentiment: Option<&LinearModel>,
        emotion: Option<&LinearModel>,
        sums: &crate::fused::ModelSums,
        policy: &crate::Policy,
        out: &mut SentimentOutput,
    ) {
        let mut probs = std::mem::take(&mut out.probs);
        if let Some(m) = sentiment {
            out.negativity = if m.n_classes() == 2 {
                // The softmax of two logits is the logistic function of
                // their difference: no buffer, one exponential.
                let scale = m.scale(sums.sentiment_count);
                let d = (m.logit(1, &sums.sentiment, scale) - m.logit(0, &sums.sentiment, scale))
                    / m.temperature;
                let e = crate::classify::exp_nonpositive(-d.abs());
                if d >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                }
            } else {
                m.probabilities(&sums.sentiment, sums.sentiment_count, &mut probs);
                probs.get(1).copied().unwrap_or(0.0)
            };
        }
        if let Some(m) = emotion {
            out.emotion = Emotion::None;
            out.emotion_score = 0.0;
            m.probabilities(&sums.emotion, sums.sentiment_count, &mut probs);
            // Only a negative message has a negative emotion; among the
            // three, the most probable one if it clears the policy's floor.
            let (i, &p) = probs[1..]
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap_or((0, &0.0));
            if out.negativity >= policy.negativity_threshold && p >= policy.emotion_floor {
                out.emotion = [Emotion::Anger, Emotion::Anxiety, Emotion::Disappointment][i];
                out.emotion_score = p;
            }
        }
        out.probs = probs;
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}
