//! The decision a caller gets back: issue, sentiment, route, wait, flags,
//! and every reason with its evidence.

use serde::{Deserialize, Serialize};

use crate::decision::text::Text;
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
    pub variant: Option<Text>,
}

impl Decision {
    /// A blank decision whose buffers [`crate::Engine::triage_with`] fills
    /// and reuses.
    pub(crate) fn empty() -> Decision {
        Decision::empty_with(IssueLabel::new(IssueLabel::OTHER))
    }

    /// [`Decision::empty`] with `label` as its placeholder label (a clone
    /// of a label already made allocates nothing).
    pub(crate) fn empty_with(label: IssueLabel) -> Decision {
        Decision {
            issue: IssueAssessment {
                label,
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
            skill_group: Text::new(),
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
    pub skill_group: Text,
    /// Queue priority, 0 (lowest) to 9 (highest).
    pub priority: u8,
    /// A notice the industry profile attaches (e.g. finance safety advice).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notice: Option<Text>,
    /// What the industry profile offers besides the route (e.g.
    /// `advisor_booking`, `trial_class`, `store_hours`, `navigation`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub offers: Vec<Text>,
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
    pub message: Text,
}

/// Personal data found in the inquiry (its kind and where; not its value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct PiiFound {
    /// `phone`, `id_card`, `bank_card`, `email`, …
    pub kind: Text,
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
    pub kind: Text,
    /// The entity as the customer wrote it.
    pub text: Text,
    /// Byte start in the raw text.
    pub start: usize,
    /// Byte end in the raw text.
    pub end: usize,
    /// The courier for tracking numbers (`sf`, `jd`, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub carrier: Option<Text>,
}

/// A rule that fired and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// The rule, e.g. `human_request`, `negativity`, `lane_default`.
    pub rule: Rule,
    /// A short English explanation with the numbers involved.
    pub detail: Text,
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
    pub text: Text,
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
