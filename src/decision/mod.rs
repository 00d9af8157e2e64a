//! What the engine decided, and why.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{Channel, Emotion, IssueLabel, Lane};

/// The outcome of triaging one inquiry.
///
/// Every span in it is a byte range of the raw inquiry text. Its `Debug`,
/// `Display` and serde forms carry the masked text, never the raw one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Decision {
    /// The issue type.
    pub issue: IssueAssessment,
    /// Negativity and emotion.
    pub sentiment: SentimentAssessment,
    /// Flags raised by the text and the context.
    pub flags: Flags,
    /// Where the inquiry goes.
    pub route: Route,
    /// How long the customer will wait, when it can be estimated.
    pub wait: Option<WaitEstimate>,
    /// The raw text with personal data masked: safe to log.
    pub masked_text: String,
    /// Personal data found (spans into the raw text; the values are not kept).
    pub pii: Vec<PiiFound>,
    /// Useful entities: order and tracking numbers, product models, amounts.
    pub entities: Vec<Entity>,
    /// Every rule that fired, in evaluation order, with its evidence.
    pub reasons: Vec<Reason>,
    /// The policy variant (gray release / A/B) the customer is in, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub variant: Option<String>,
}

/// Displays an `f32` exactly as `{:.2}` does, without the general
/// float-formatting machinery: `float_to_decimal_common_exact` was 6% of
/// the instructions of a triage (callgrind), for the one or two numbers
/// each reason detail carries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TwoDecimals(pub f32);

impl TwoDecimals {
    /// The digits in `buf`, or `None` for values `{:.2}` must print itself
    /// (non-finite, or 10^9 and more).
    fn digits(self, buf: &mut [u8; 16]) -> Option<&str> {
        let x = self.0;
        if !x.is_finite() || x.abs() >= 1e9 {
            return None;
        }
        // f32 values are dyadic, so x·100 lands exactly on a .5 only at
        // true ties, which `{:.2}` rounds to even; elsewhere it is far from
        // one compared with f64's error.
        let mut n = (f64::from(x.abs()) * 100.0).round_ties_even() as u64;
        // Digits from the right: "-" + 10 + "." + 2.
        let mut at = buf.len();
        for i in 0.. {
            if i == 2 {
                at -= 1;
                buf[at] = b'.';
            }
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 && i >= 2 {
                break;
            }
        }
        if x.is_sign_negative() {
            at -= 1;
            buf[at] = b'-';
        }
        std::str::from_utf8(&buf[at..]).ok()
    }

    /// Appends the number to `out` without going through `core::fmt`,
    /// whose machinery cost ~670 instructions per reason written with
    /// `write!` in `triage_with` (callgrind).
    pub(crate) fn push_to(self, out: &mut String) {
        let x = self.0;
        // Probabilities and scores, nearly every number written, have one
        // digit before the point: pushed as three digits, without the
        // buffer and its UTF-8 check.
        if x.is_sign_positive() && x < 9.995 {
            let n = (f64::from(x) * 100.0).round_ties_even() as u32;
            if n < 1000 {
                let digit = |d: u32| char::from(b'0' + (d % 10) as u8);
                out.push(digit(n / 100));
                out.push('.');
                out.push(digit(n / 10));
                out.push(digit(n));
                return;
            }
        }
        match self.digits(&mut [0; 16]) {
            Some(d) => out.push_str(d),
            None => {
                use fmt::Write as _;
                let _ = write!(out, "{:.2}", self.0);
            }
        }
    }
}

impl fmt::Display for TwoDecimals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.digits(&mut [0; 16]) {
            Some(d) => f.write_str(d),
            None => write!(f, "{:.2}", self.0),
        }
    }
}

impl Decision {
    /// A blank decision whose buffers [`crate::Engine::triage_with`] fills
    /// and reuses.
    pub(crate) fn empty() -> Decision {
        Decision {
            issue: IssueAssessment {
                label: IssueLabel::new(IssueLabel::OTHER),
                confidence: 0.0,
                abstained: false,
                top: Vec::new(),
            },
            sentiment: SentimentAssessment {
                negativity: 0.0,
                negative: false,
                emotion: Emotion::None,
                emotion_score: 0.0,
            },
            flags: Flags::default(),
            route: Route::empty(),
            wait: None,
            masked_text: String::new(),
            pii: Vec::new(),
            entities: Vec::new(),
            reasons: Vec::new(),
            variant: None,
        }
    }
}

impl Route {
    /// A blank route, filled by the routing rules.
    pub(crate) fn empty() -> Route {
        Route {
            lane: Lane::Ai,
            channel: Channel::AiAssistant,
            skill_group: String::new(),
            priority: 0,
            notice: None,
            offers: Vec::new(),
        }
    }
}

/// The issue type and how sure the classifier is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IssueAssessment {
    /// The chosen label (`other` when the classifier abstains).
    pub label: IssueLabel,
    /// Probability that `label` is right, in 0..=1.
    pub confidence: f32,
    /// Whether the classifier abstained (too unsure; a human should read it).
    pub abstained: bool,
    /// The best labels with their probabilities, best first (at most 3).
    pub top: Vec<LabelScore>,
}

impl IssueAssessment {
    /// The confidence at or above which a label is trusted by default.
    pub const RELIABLE_CONFIDENCE: f32 = 0.5;

    /// Whether the label can be acted on without a human check.
    pub fn is_reliable(&self) -> bool {
        !self.abstained && self.confidence >= Self::RELIABLE_CONFIDENCE
    }
}

/// A label with its probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LabelScore {
    /// The label.
    pub label: IssueLabel,
    /// Its probability.
    pub score: f32,
}

/// How negative the customer is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SentimentAssessment {
    /// Probability-like negativity in 0..=1.
    pub negativity: f32,
    /// `negativity` at or above the configured threshold.
    pub negative: bool,
    /// The dominant negative emotion.
    pub emotion: Emotion,
    /// Strength of that emotion in 0..=1 (0 for `none`).
    pub emotion_score: f32,
}

/// Flags raised while triaging.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Flags {
    /// The customer asked for a human (转人工 …).
    pub human_requested: bool,
    /// Repeat contact within the window (二次咨询).
    pub repeat_contact: bool,
    /// A high-risk matter: minors, privacy, threats, safety.
    pub high_risk: bool,
    /// A legal, regulator or media threat (12315, 律师, 曝光 …).
    pub threat: bool,
    /// A safety matter (complications, injury, food poisoning, fire …).
    pub safety: bool,
    /// A minor is involved.
    pub minor: bool,
    /// Personal data was found and masked.
    pub pii_found: bool,
}

/// Where the inquiry goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    /// AI assistant, human or dedicated agent.
    pub lane: Lane,
    /// The channel the customer is offered.
    pub channel: Channel,
    /// The skill group that takes it.
    pub skill_group: String,
    /// Queue priority, 0 (lowest) to 9 (highest).
    pub priority: u8,
    /// A notice the industry profile attaches (e.g. finance safety advice).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notice: Option<String>,
    /// What the industry profile offers besides the route (e.g.
    /// `advisor_booking`, `trial_class`, `store_hours`, `navigation`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub offers: Vec<String>,
}

/// A wait estimate, as a range with the queue position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct WaitEstimate {
    /// Contacts of equal or higher priority ahead.
    pub position: u32,
    /// Optimistic wait, seconds.
    pub low_seconds: u32,
    /// Pessimistic wait, seconds.
    pub high_seconds: u32,
    /// What the customer is told, e.g. "前面还有3位，预计2–4分钟".
    pub message: String,
}

/// Personal data found in the inquiry (its kind and where; not its value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct PiiFound {
    /// `phone`, `id_card`, `bank_card`, `email`, …
    pub kind: String,
    /// Byte start in the raw text.
    pub start: usize,
    /// Byte end in the raw text.
    pub end: usize,
}

/// An entity extracted from the inquiry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct Entity {
    /// `order_number`, `tracking_number`, `product_model` or `amount`.
    pub kind: String,
    /// The entity as the customer wrote it.
    pub text: String,
    /// Byte start in the raw text.
    pub start: usize,
    /// Byte end in the raw text.
    pub end: usize,
    /// The courier for tracking numbers (`sf`, `jd`, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub carrier: Option<String>,
}

/// A rule that fired and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// The rule, e.g. `human_request`, `negativity`, `lane_default`.
    pub rule: Rule,
    /// A short English explanation with the numbers involved.
    pub detail: String,
    /// The spans of the raw text that triggered it.
    pub evidence: Vec<Evidence>,
}

/// A span of the raw text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct Evidence {
    /// Byte start in the raw text.
    pub start: usize,
    /// Byte end in the raw text.
    pub end: usize,
    /// The text of the span (masked if it was personal data).
    pub text: String,
}

crate::domain::closed_enum! {
    /// The rules of the routing policy and the signals they read.
    pub enum Rule {
        /// The issue classifier's choice and its cues.
        IssueType => "issue_type",
        /// Negative sentiment cues.
        Sentiment => "sentiment",
        /// Personal data was masked.
        PiiMasked => "pii_masked",
        /// The text was longer than the configured maximum and was cut.
        Truncated => "truncated",
        /// Rule 1: the customer asked for a human.
        HumanRequest => "human_request",
        /// Rule 2: a high-risk matter.
        HighRisk => "high_risk",
        /// Rule 3: a VIP goes to a dedicated agent.
        Vip => "vip",
        /// Rule 4: strong negativity.
        Negativity => "negativity",
        /// Rule 5: repeat contact.
        RepeatContact => "repeat_contact",
        /// Rule 6: the classifier is unsure.
        LowConfidence => "low_confidence",
        /// Rule 7: the lane's default.
        LaneDefault => "lane_default",
        /// Rule 8: the industry profile changed the channel or group.
        IndustryProfile => "industry_profile",
        /// A skill group's wait was too long: overflow to its fallback.
        Overflow => "overflow",
        /// Rule 9: the wait is too long; a callback or ticket is offered.
        PeakWait => "peak_wait",
        /// No wait estimate could be made, and why.
        WaitUnknown => "wait_unknown",
    }
}

/// The language of [`Decision::explain`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Rule {
    /// The rule's name in `language`.
    pub fn name(self, language: Language) -> &'static str {
        let (zh, en) = match self {
            Rule::IssueType => ("问题类型", "issue type"),
            Rule::Sentiment => ("情绪", "sentiment"),
            Rule::PiiMasked => ("个人信息已脱敏", "personal data masked"),
            Rule::Truncated => ("超长截断", "text truncated"),
            Rule::HumanRequest => ("用户要求人工", "customer asked for a human"),
            Rule::HighRisk => ("高风险", "high risk"),
            Rule::Vip => ("VIP专属服务", "VIP"),
            Rule::Negativity => ("负面情绪升级", "strong negativity"),
            Rule::RepeatContact => ("二次咨询", "repeat contact"),
            Rule::LowConfidence => ("意图不明确", "classifier unsure"),
            Rule::LaneDefault => ("默认分流", "lane default"),
            Rule::IndustryProfile => ("行业配置", "industry profile"),
            Rule::Overflow => ("溢出分流", "overflow"),
            Rule::PeakWait => ("高峰期等待过长", "peak-time wait"),
            Rule::WaitUnknown => ("无法估算等待", "wait unknown"),
        };
        match language {
            Language::Zh => zh,
            Language::En => en,
        }
    }
}

impl Decision {
    /// A human-readable account of the decision: the route, the wait and
    /// every rule that fired with the words that triggered it. Uses the
    /// masked text only.
    ///
    /// ```
    /// use kefu_triage::{Engine, Inquiry, Language};
    /// let d = Engine::default().triage(&Inquiry::new("转人工！快递三天没动了"));
    /// let zh = d.explain(Language::Zh);
    /// assert!(zh.contains("用户要求人工") && zh.contains("「转人工」"), "{zh}");
    /// let en = d.explain(Language::En);
    /// assert!(en.contains("customer asked for a human"), "{en}");
    /// ```
    pub fn explain(&self, language: Language) -> String {
        use std::fmt::Write as _;
        let zh = language == Language::Zh;
        let lane = match (self.route.lane, zh) {
            (Lane::Ai, true) => "智能客服",
            (Lane::Human, true) => "人工客服",
            (Lane::Dedicated, true) => "专属管家",
            (Lane::Ai, false) => "AI assistant",
            (Lane::Human, false) => "human agent",
            (Lane::Dedicated, false) => "dedicated agent",
        };
        let mut out = String::new();
        if zh {
            let _ = writeln!(
                out,
                "分流：{lane}（渠道 {}，技能组 {}，优先级 {}）",
                self.route.channel, self.route.skill_group, self.route.priority
            );
            let _ = writeln!(
                out,
                "问题：{}（置信度 {:.0}%）；负面程度 {:.0}%，情绪 {}",
                self.issue.label,
                self.issue.confidence * 100.0,
                self.sentiment.negativity * 100.0,
                self.sentiment.emotion
            );
        } else {
            let _ = writeln!(
                out,
                "Route: {lane} (channel {}, skill group {}, priority {})",
                self.route.channel, self.route.skill_group, self.route.priority
            );
            let _ = writeln!(
                out,
                "Issue: {} (confidence {:.0}%); negativity {:.0}%, emotion {}",
                self.issue.label,
                self.issue.confidence * 100.0,
                self.sentiment.negativity * 100.0,
                self.sentiment.emotion
            );
        }
        if let Some(w) = &self.wait {
            if zh {
                let _ = writeln!(out, "等待：{}", w.message);
            } else {
                let _ = writeln!(
                    out,
                    "Wait: {}",
                    crate::queue::describe_wait_en(
                        w.position,
                        w.low_seconds as f64,
                        w.high_seconds as f64
                    )
                );
            }
        }
        if let Some(v) = &self.variant {
            let _ = writeln!(
                out,
                "{} {v}",
                if zh {
                    "策略版本："
                } else {
                    "Policy variant:"
                }
            );
        }
        let _ = writeln!(out, "{}", if zh { "依据：" } else { "Because:" });
        for (i, r) in self.reasons.iter().enumerate() {
            let _ = write!(out, "{}. {} — {}", i + 1, r.rule.name(language), r.detail);
            for e in &r.evidence {
                let _ = write!(out, " 「{}」", e.text);
            }
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Decision {
    /// One line for logs: label, confidence, negativity, route and masked text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({:.2}) neg={:.2} → {}/{}/{} p{}",
            self.issue.label,
            self.issue.confidence,
            self.sentiment.negativity,
            self.route.lane,
            self.route.channel,
            self.route.skill_group,
            self.route.priority
        )?;
        if let Some(w) = &self.wait {
            write!(f, " [{}]", w.message)?;
        }
        write!(f, ": {}", self.masked_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed2_matches_the_standard_formatting() {
        let mut x: u32 = 0x1234_5678;
        let mut values = vec![
            0.0f32,
            -0.0,
            0.125,
            0.375,
            0.625,
            0.875,
            0.005,
            0.995,
            0.999,
            1.0,
            0.4,
            0.52,
            -0.125,
            -0.004,
            1e-30,
            123.456,
            1e9,
            2e9,
            f32::NAN,
            f32::INFINITY,
            f32::MAX,
        ];
        for _ in 0..200_000 {
            // xorshift32 over the bit patterns of [0, 1] and of any f32.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            values.push(f32::from_bits(x % 0x3f80_0001));
            values.push(f32::from_bits(x));
        }
        let mut pushed = String::new();
        for v in values {
            let want = format!("{v:.2}");
            assert_eq!(TwoDecimals(v).to_string(), want, "{v:e}");
            pushed.clear();
            TwoDecimals(v).push_to(&mut pushed);
            assert_eq!(pushed, want, "{v:e}");
        }
        for v in [9.994f32, 9.995, 9.996, 10.0] {
            pushed.clear();
            TwoDecimals(v).push_to(&mut pushed);
            assert_eq!(pushed, format!("{v:.2}"), "{v:e}");
        }
    }
}
