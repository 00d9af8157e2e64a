//! The routing policy: data, validation and the rules of DESIGN.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Channel, Industry};
use crate::error::{Error, Problem, Result};
use crate::lexicon::Taxonomy;

/// The header value every policy file carries in its `format` field.
pub const POLICY_FORMAT: &str = "kefu-triage policy v1";

/// The routing policy. `Policy::default()` is the shipped policy
/// (`lexicons/policy.json`).
///
/// ```
/// use kefu_triage::Policy;
/// let p = Policy::default();
/// assert_eq!(p.repeat_contacts, 2);
/// let json = r#"{"format": "kefu-triage policy v1", "escalate_negativity": 2.0}"#;
/// let err = Policy::from_json_str("my_policy.json", json).unwrap_err();
/// assert!(err.to_string().starts_with("my_policy.json:1: invalid policy"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Must be `"kefu-triage policy v1"`.
    pub format: String,
    /// Longer inquiries are cut to this many bytes (a `truncated` reason).
    pub max_text_bytes: usize,
    /// `sentiment.negative` is set at or above this negativity.
    pub negativity_threshold: f32,
    /// A negative message reports its most probable negative emotion when
    /// that emotion's probability is at least this (else `none`).
    pub emotion_floor: f32,
    /// Rule 4: a human takes over at or above this negativity.
    pub escalate_negativity: f32,
    /// Rule 6: below this confidence the classifier abstains.
    pub confidence_threshold: f32,
    /// Rule 6: the classifier also abstains when the top two labels are
    /// closer than this.
    pub margin_threshold: f32,
    /// Rule 5: this many prior contacts in the window make a repeat contact.
    pub repeat_contacts: u32,
    /// Rule 5: the repeat window, in days (the caller counts contacts in it).
    pub repeat_window_days: u32,
    /// Rule 2: labels that are always high risk.
    pub high_risk_labels: Vec<String>,
    /// Rule 2: a complaint with anger is high risk.
    pub angry_complaint_is_high_risk: bool,
    /// Specialist skill groups.
    pub groups: Groups,
    /// Priorities given by each rule (0 lowest … 9 highest).
    pub priority: Priorities,
    /// Industry profiles.
    pub industries: BTreeMap<Industry, IndustryProfile>,
}

/// Specialist skill groups used by the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Groups {
    /// VIPs when no dedicated agent is online.
    pub vip_queue: String,
    /// Legal, regulator and media threats.
    pub threat: String,
    /// Safety matters.
    pub safety: String,
    /// Minors.
    pub minor: String,
    /// Privacy.
    pub privacy: String,
}

/// The priority each rule gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Priorities {
    /// The AI lane.
    pub ai: u8,
    /// Rule 7: returning customers.
    pub lane_default: u8,
    /// Rule 6.
    pub low_confidence: u8,
    /// Rule 5.
    pub repeat_contact: u8,
    /// Rule 1.
    pub human_request: u8,
    /// Rule 4, at the threshold.
    pub negativity_min: u8,
    /// Rule 4, at negativity 1.0.
    pub negativity_max: u8,
    /// Rule 3.
    pub vip: u8,
    /// Rule 2.
    pub high_risk: u8,
}

/// One industry's profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndustryProfile {
    /// Channels never offered in this industry.
    pub disabled_channels: Vec<Channel>,
    /// Skill group per issue label, overriding the taxonomy's default.
    pub skill_groups: BTreeMap<String, String>,
    /// Where safety matters go in this industry (default: `groups.safety`).
    pub safety_group: Option<String>,
    /// A notice attached to every decision (e.g. finance safety advice).
    pub notice: Option<String>,
}

impl IndustryProfile {
    /// Whether `channel` may be offered.
    pub fn allows(&self, channel: Channel) -> bool {
        !self.disabled_channels.contains(&channel)
    }
}

static EMBEDDED: &str = include_str!("../lexicons/policy.json");

// Serde's container-level `default` builds `Default::default()` before it
// reads any field, and our `Default` *is* the embedded file: while that file
// is being parsed, defaults are the empty skeleton (every field is present in
// the file, so none of it survives; a unit test checks this).
thread_local! {
    static PARSING_EMBEDDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

static EMBEDDED_POLICY: std::sync::LazyLock<Policy> = std::sync::LazyLock::new(|| {
    PARSING_EMBEDDED.with(|f| f.set(true));
    let parsed = serde_json::from_str(EMBEDDED);
    PARSING_EMBEDDED.with(|f| f.set(false));
    parsed.unwrap_or_else(|_| Policy::skeleton())
});

fn parsing_embedded() -> bool {
    PARSING_EMBEDDED.with(|f| f.get())
}

impl Default for Policy {
    fn default() -> Policy {
        if parsing_embedded() {
            Policy::skeleton()
        } else {
            EMBEDDED_POLICY.clone()
        }
    }
}

impl Default for Groups {
    fn default() -> Groups {
        if parsing_embedded() {
            Policy::skeleton().groups
        } else {
            EMBEDDED_POLICY.groups.clone()
        }
    }
}

impl Default for Priorities {
    fn default() -> Priorities {
        if parsing_embedded() {
            Policy::skeleton().priority
        } else {
            EMBEDDED_POLICY.priority.clone()
        }
    }
}

impl Policy {
    /// Empty values, only ever seen while the embedded file is parsed.
    fn skeleton() -> Policy {
        Policy {
            format: String::new(),
            max_text_bytes: 0,
            negativity_threshold: 0.0,
            emotion_floor: 0.0,
            escalate_negativity: 0.0,
            confidence_threshold: 0.0,
            margin_threshold: 0.0,
            repeat_contacts: 0,
            repeat_window_days: 0,
            high_risk_labels: vec![],
            angry_complaint_is_high_risk: false,
            groups: Groups {
                vip_queue: String::new(),
                threat: String::new(),
                safety: String::new(),
                minor: String::new(),
                privacy: String::new(),
            },
            priority: Priorities {
                ai: 0,
                lane_default: 0,
                low_confidence: 0,
                repeat_contact: 0,
                human_request: 0,
                negativity_min: 0,
                negativity_max: 0,
                vip: 0,
                high_risk: 0,
            },
            industries: BTreeMap::new(),
        }
    }

    /// Parses a JSON policy. `file` names the source in errors. The policy
    /// is checked for its own consistency; labels are checked against the
    /// taxonomy when an engine is built with it.
    pub fn from_json_str(file: &str, json: &str) -> Result<Policy> {
        let policy: Policy = serde_json::from_str(json)
            .map_err(|e| Error::data(file, e.line(), Problem::BadPolicy, format!("{e}")))?;
        policy.validate(file)?;
        Ok(policy)
    }

    /// The profile of an industry (an empty one if the policy has none).
    pub fn profile(&self, industry: Industry) -> &IndustryProfile {
        static EMPTY: IndustryProfile = IndustryProfile {
            disabled_channels: Vec::new(),
            skill_groups: BTreeMap::new(),
            safety_group: None,
            notice: None,
        };
        self.industries.get(&industry).unwrap_or(&EMPTY)
    }

    /// Checks ranges and that every profile leaves a human channel.
    pub(crate) fn validate(&self, file: &str) -> Result<()> {
        let bad = |field: &str, value: String| {
            Err(Error::data(
                file,
                1,
                Problem::BadPolicy,
                format!("{field} = {value}"),
            ))
        };
        if self.format != POLICY_FORMAT {
            return bad("format", format!("{:?}", self.format));
        }
        for (field, v) in [
            ("negativity_threshold", self.negativity_threshold),
            ("emotion_floor", self.emotion_floor),
            ("escalate_negativity", self.escalate_negativity),
            ("confidence_threshold", self.confidence_threshold),
            ("margin_threshold", self.margin_threshold),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(field, v.to_string());
            }
        }
        if self.max_text_bytes < 16 {
            return bad("max_text_bytes", self.max_text_bytes.to_string());
        }
        let p = &self.priority;
        for (field, v) in [
            ("priority.ai", p.ai),
            ("priority.lane_default", p.lane_default),
            ("priority.low_confidence", p.low_confidence),
            ("priority.repeat_contact", p.repeat_contact),
            ("priority.human_request", p.human_request),
            ("priority.negativity_min", p.negativity_min),
            ("priority.negativity_max", p.negativity_max),
            ("priority.vip", p.vip),
            ("priority.high_risk", p.high_risk),
        ] {
            if v > 9 {
                return bad(field, v.to_string());
            }
        }
        if p.negativity_min > p.negativity_max {
            return bad("priority.negativity_min", p.negativity_min.to_string());
        }
        let g = &self.groups;
        for (field, v) in [
            ("groups.vip_queue", &g.vip_queue),
            ("groups.threat", &g.threat),
            ("groups.safety", &g.safety),
            ("groups.minor", &g.minor),
            ("groups.privacy", &g.privacy),
        ] {
            if v.trim().is_empty() {
                return bad(field, format!("{v:?}"));
            }
        }
        for (industry, profile) in &self.industries {
            let human = [
                Channel::HumanChat,
                Channel::PhoneCallback,
                Channel::Ticket,
                Channel::Phone,
            ];
            if !human.iter().any(|&c| profile.allows(c)) {
                return bad(
                    &format!("industries.{industry}.disabled_channels"),
                    format!("{:?}", profile.disabled_channels),
                );
            }
        }
        Ok(())
    }

    /// Checks that every label the policy names is in the taxonomy.
    pub(crate) fn validate_labels(&self, file: &str, taxonomy: &Taxonomy) -> Result<()> {
        let labels = self
            .high_risk_labels
            .iter()
            .chain(self.industries.values().flat_map(|p| p.skill_groups.keys()));
        for label in labels {
            if taxonomy.index_of(label).is_none() {
                return Err(Error::data(file, 1, Problem::UnknownLabel, label.clone()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_policy_parses_and_validates() {
        let p = Policy::from_json_str("policy.json", EMBEDDED).unwrap();
        assert_eq!(p, Policy::default());
        // Every field is in the file: nothing came from the skeleton.
        let v: serde_json::Value = serde_json::from_str(EMBEDDED).unwrap();
        let full = serde_json::to_value(&p).unwrap();
        for (k, _) in full.as_object().unwrap() {
            assert!(v.get(k).is_some(), "policy.json lacks {k}");
        }
        for k in ["groups", "priority"] {
            assert_eq!(
                v[k].as_object().unwrap().len(),
                full[k].as_object().unwrap().len(),
                "{k}"
            );
        }
        assert_eq!(p.industries.len(), 7);
        assert!(!p.profile(Industry::LocalLife).allows(Channel::AiAssistant));
        let tax = Taxonomy::parse("t", crate::Lexicon::Taxonomy.embedded()).unwrap();
        p.validate_labels("policy.json", &tax).unwrap();
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = Policy::from_json_str(
            "p.json",
            "{\n\"format\": \"kefu-triage policy v1\",\n\"nope\": 1}",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("p.json:3: invalid policy: \"unknown field `nope`"),
            "{e}"
        );
        let e = Policy::from_json_str(
            "p.json",
            "{\"format\": \"kefu-triage policy v1\", \"repeat_contacts\": \"two\"}",
        )
        .unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        let e = Policy::from_json_str("p.json", "{\"format\": \"x\"}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.json:1: invalid policy: \"format = \\\"x\\\"\""
        );
        let all_off = r#"{"format": "kefu-triage policy v1", "industries": {"travel":
            {"disabled_channels": ["human_chat", "phone_callback", "ticket", "phone"]}}}"#;
        let e = Policy::from_json_str("p.json", all_off).unwrap_err();
        assert!(
            e.to_string()
                .contains("industries.travel.disabled_channels"),
            "{e}"
        );
        let bad_channel = r#"{"format": "kefu-triage policy v1", "industries": {"travel":
            {"disabled_channels": ["pigeon"]}}}"#;
        assert!(Policy::from_json_str("p.json", bad_channel).is_err());
    }
}
