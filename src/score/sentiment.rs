//! Negative sentiment, emotion and escalation signals from the cue lexicons.
//!
//! The scorer walks the sentiment hits in text order and keeps a little
//! state: a negator (不/没/别 …) flips the polarity of the next polar word in
//! the same clause, intensifiers and diminishers scale it, a contrast word
//! (但是/可是 …) discounts what came before it and weights what follows.
//! Emotion words feed both negativity and their emotion; repeated `!`/`?`
//! add emphasis to an already negative message.

use crate::domain::Emotion;
use crate::score::features::Scope;
use crate::score::linear::LinearModel;
use crate::text::cues::{CueKind, Cues, Family, Hit, at_clause_end, at_clause_start};

/// The classes of the negativity model.
pub(crate) const SENTIMENT_CLASSES: [&str; 2] = ["not_negative", "negative"];
/// The classes of the emotion model.
pub(crate) const EMOTION_CLASSES: [&str; 4] = ["none", "anger", "anxiety", "disappointment"];

/// Bytes between a negator and an escalation cue it negates: one CJK
/// character (不去投诉), not two (再不退就投诉 is a threat).
const ESCALATION_NEGATION_BYTES: u32 = 3;

/// Bytes between a contact channel and the words that ask for it: four CJK
/// characters (`在线客服入口在哪`, `给个客服电话`).
const ASK_BYTES: u32 = 12;

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
}

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

/// Whether the negator starting at byte `start` is the middle of an A-not-A
/// question (有没有, 能不能, 是不是, 要不要, 可不可以): the same character on
/// both sides of 不 or 没. `有没有真人客服` and `能不能来个人` ask for a human;
/// they do not decline one.
fn is_a_not_a(text: &str, start: u32) -> bool {
    let (Some(before), Some(after)) = (text.get(..start as usize), text.get(start as usize..))
    else {
        return false;
    };
    let mut after = after.chars();
    let (neg, next) = (after.next(), after.next());
    matches!(neg, Some('不' | '没')) && next.is_some() && before.chars().next_back() == next
}

/// How far, in characters, [`in_title`] looks for the marks of a title on
/// either side of a cue.
const TITLE_CHARS: usize = 32;

/// Endings of the titles of laws and regulations.
const LAW_TITLE_ENDINGS: [&str; 6] = ["法", "条例", "规定", "办法", "细则", "法规"];

/// Whether `start..end` lies inside a title in 《》 (a book, a film, a show:
/// 《律师本色》, 《人工智能导论》), which names a work rather than threatens
/// or asks. Titles of laws and regulations (《消费者权益保护法》, ending in
/// 法, 条例, 规定, 办法 …) are a legal claim and keep their cues.
fn in_title(text: &str, start: u32, end: u32) -> bool {
    let (start, end) = (start as usize, end as usize);
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
        return false;
    };
    let mark = |c: &char| matches!(c, '《' | '》');
    if before.chars().rev().take(TITLE_CHARS).find(mark) != Some('《') {
        return false;
    }
    let Some((i, '》')) = after
        .char_indices()
        .take(TITLE_CHARS)
        .find(|(_, c)| mark(c))
    else {
        return false;
    };
    let tail = if i == 0 {
        &text[start..end]
    } else {
        &after[..i]
    };
    !LAW_TITLE_ENDINGS.iter().any(|e| tail.ends_with(e))
}

/// The span from a contact channel (`escalation[i]`) to the hit next to it
/// that asks for it (`客服电话多少`, `有没有客服微信`): in the same clause, at
/// most [`ASK_BYTES`] away. A clause that is the channel alone (`联系客服！`)
/// asks for it too.
fn asked_for(text: &str, cues: &Cues, escalation: &[Hit], i: usize) -> Option<(u32, u32)> {
    let hit = escalation[i];
    if let (Some(before), Some(after)) =
        (text.get(..hit.start as usize), text.get(hit.end as usize..))
        && at_clause_start(before)
        && at_clause_end(after)
    {
        return Some((hit.start, hit.end));
    }
    let is_ask = |h: &Hit| {
        cues.entries(h, Family::Escalation)
            .any(|e| e.kind == CueKind::Ask)
    };
    let near = |from: u32, to: u32| {
        to - from <= ASK_BYTES
            && !text
                .get(from as usize..to as usize)
                .unwrap_or(",")
                .chars()
                .any(is_clause_break)
    };
    if let Some(prev) = i.checked_sub(1).map(|j| escalation[j])
        && is_ask(&prev)
        && near(prev.end, hit.start)
    {
        return Some((prev.start, hit.end));
    }
    if let Some(&next) = escalation.get(i + 1)
        && is_ask(&next)
        && near(hit.end, next.start)
    {
        return Some((hit.start, next.end));
    }
    None
}

/// Finds escalation cues; a negated request ("不用转人工了") does not count,
/// nor does a cue inside a title (《律师本色》), nor a contact channel
/// nobody asks for (`打了三次客服电话` tells, `客服电话多少` asks).
pub(crate) fn find_signals(
    text: &str,
    cues: &Cues,
    sentiment: &[Hit],
    escalation: &[Hit],
    out: &mut Signals,
) {
    out.clear();
    for (i, hit) in escalation.iter().enumerate() {
        let Some(entry) = cues.entries(hit, Family::Escalation).next() else {
            continue;
        };
        if matches!(entry.kind, CueKind::Block { .. } | CueKind::Ask)
            || in_title(text, hit.start, hit.end)
        {
            continue;
        }
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
                    && !is_a_not_a(text, n.start)
            });
        let span = (hit.start, hit.end);
        match entry.kind {
            CueKind::HumanRequest if !negated => out.human_request.push(span),
            CueKind::Channel if !negated => {
                if let Some(span) = asked_for(text, cues, escalation, i) {
                    out.human_request.push(span);
                }
            }
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
    /// Negativity and emotion from the models' feature sums (after the
    /// lexicon pass, whose values stand where a model is missing).
    pub fn apply_models(
        &self,
        sentiment: Option<&LinearModel>,
        emotion: Option<&LinearModel>,
        sums: &crate::score::sums::ModelSums,
        policy: &crate::route::policy::Policy,
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
                let e = crate::score::linear::exp_nonpositive(-d.abs());
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
