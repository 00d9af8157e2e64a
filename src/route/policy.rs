//! The routing policy: its data, its files and their validation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::aging::Aging;

use crate::domain::{Channel, Industry};
use crate::error::{Error, Problem, Result};
use crate::queue::LoadProfile;
use crate::text::cues::Taxonomy;

#[cfg(feature = "toml")]
use super::locate::line_at;
use super::locate::{Origin, OriginText, key_before, line_of, line_of_path};

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
#[non_exhaustive]
pub struct Policy {
    /// Must be `"kefu-triage policy v1"`, and must be present: a file
    /// without it (an empty file, `{}`) is an error, not the shipped policy.
    pub format: String,
    /// Longer inquiries are cut to this many bytes (a `truncated` reason)
    /// before anything else runs; the cut never splits a run of digits, so
    /// no partial phone number escapes masking.
    /// [`MIN_TEXT_BYTES`]`..=`[`MAX_TEXT_BYTES`].
    pub max_text_bytes: usize,
    /// How `masked_text` hides personal data: `placeholder` (`[手机号]`) or
    /// `partial` (`138****5678`).
    pub mask_style: crate::text::pii::MaskStyle,
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
    /// Rule 5: this many prior contacts in the window make a repeat contact
    /// (0–1000).
    pub repeat_contacts: u32,
    /// Rule 5: the repeat window, in days (the caller counts contacts in
    /// it; 0–3660).
    pub repeat_window_days: u32,
    /// Rule 2: labels that are always high risk.
    pub high_risk_labels: Vec<String>,
    /// Rule 2: a complaint with anger, at `escalate_negativity` or above, is high risk.
    pub angry_complaint_is_high_risk: bool,
    /// Specialist skill groups.
    pub groups: Groups,
    /// Priorities given by each rule (0 lowest … 9 highest).
    pub priority: Priorities,
    /// Industry profiles.
    pub industries: BTreeMap<Industry, IndustryProfile>,
    /// Priority aging: no contact waits past the maximum because of higher
    /// lanes.
    pub aging: Aging,
    /// Per skill group: where contacts overflow when its wait is too long.
    pub overflow: BTreeMap<String, Overflow>,
    /// Time-of-day and promotion (大促) load, for load-based wait estimates:
    /// hourly multipliers in `0..=`[`MAX_LOAD_MULTIPLIER`], the promotion
    /// multiplier above 0 and at most the same.
    pub load: LoadProfile,
    /// Offset of the business's local time from UTC, in minutes (China: 480).
    pub utc_offset_minutes: i32,
    /// Gray release and A/B variants: a stable share of customers (by id)
    /// gets the policy with the variant's overrides.
    pub variants: Vec<Variant>,
    /// The file and text this policy was parsed from, so that a problem
    /// found when an engine is built with it still has its line.
    #[serde(skip)]
    pub(crate) origin: Origin,
}

/// Where a skill group overflows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Overflow {
    /// The fallback skill group.
    pub to: String,
    /// Overflow when the estimated wait (pessimistic end) exceeds this
    /// (0–86,400 seconds).
    pub after_seconds: u32,
}

impl Overflow {
    /// Overflow to `to` when the estimated wait exceeds `after_seconds`.
    pub fn new(to: impl Into<String>, after_seconds: u32) -> Overflow {
        Overflow {
            to: to.into(),
            after_seconds,
        }
    }
}

/// A gray-release or A/B variant of the policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Variant {
    /// The name recorded in decisions.
    pub name: String,
    /// Share of customers, in percent (0–100; all variants together ≤ 100).
    pub percent: f32,
    /// Fields of the policy that differ, as a partial policy object.
    pub overrides: serde_json::Map<String, serde_json::Value>,
}

impl Variant {
    /// A variant for `percent` of customers with no overrides yet.
    ///
    /// ```
    /// use kefu_triage::{Policy, Variant};
    /// let mut v = Variant::new("gray_threshold", 5.0);
    /// v.overrides.insert("escalate_negativity".into(), 0.6.into());
    /// let mut policy = Policy::default();
    /// policy.variants.push(v);
    /// assert!(kefu_triage::Engine::builder().policy(policy).build().is_ok());
    /// ```
    pub fn new(name: impl Into<String>, percent: f32) -> Variant {
        Variant {
            name: name.into(),
            percent,
            overrides: serde_json::Map::new(),
        }
    }
}

/// Specialist skill groups used by the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct IndustryProfile {
    /// Channels never offered in this industry.
    pub disabled_channels: Vec<Channel>,
    /// Skill group per issue label, overriding the taxonomy's default.
    pub skill_groups: BTreeMap<String, String>,
    /// Where safety matters go in this industry (default: `groups.safety`).
    pub safety_group: Option<String>,
    /// A notice attached to every decision (e.g. finance safety advice).
    pub notice: Option<String>,
    /// What the customer is offered besides the route (e.g. education:
    /// `advisor_booking`, `trial_class`; local life: `store_hours`,
    /// `navigation`).
    pub offers: Vec<String>,
    /// Rule 4 threshold for this industry (default: the policy's).
    pub escalate_negativity: Option<f32>,
    /// Rule 6 threshold for this industry (default: the policy's).
    pub confidence_threshold: Option<f32>,
    /// Rule 9: above this estimated wait (seconds) a callback or ticket is
    /// offered instead of the chat queue.
    pub max_wait_seconds: Option<u32>,
    /// Local hours (0–23) that are peak time for this industry, named in
    /// the rule 9 reason when a wait passes the limit at one of them.
    /// Arrivals are scaled by [`Policy::load`], not by these.
    pub peak_hours: Vec<u8>,
}

impl IndustryProfile {
    /// Whether `channel` may be offered.
    pub fn allows(&self, channel: Channel) -> bool {
        !self.disabled_channels.contains(&channel)
    }

    /// What replaces a chat queue that cannot serve now: a phone callback,
    /// else a ticket, whichever the profile allows first.
    pub fn callback_channel(&self) -> Option<Channel> {
        [Channel::PhoneCallback, Channel::Ticket]
            .into_iter()
            .find(|&c| self.allows(c))
    }
}

static EMBEDDED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/lexicons/policy.json"));

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
            mask_style: crate::text::pii::MaskStyle::Placeholder,
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
            aging: Aging {
                step_seconds: 0,
                max_wait_seconds: 0,
            },
            overflow: BTreeMap::new(),
            load: LoadProfile::flat(),
            utc_offset_minutes: 0,
            variants: Vec::new(),
            origin: Origin::default(),
        }
    }

    /// Parses a JSON policy. `file` names the source in errors. Fields
    /// left out keep the shipped defaults. The policy is checked for its
    /// own consistency (and its variants compiled); labels and skill groups
    /// are checked against the taxonomy when an engine is built with it.
    ///
    /// # Errors
    ///
    /// [`Error::Data`] naming the file, the line and the field.
    pub fn from_json_str(file: &str, json: &str) -> Result<Policy> {
        // A byte-order mark is accepted, as in every data file.
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        // serde would also read a struct from an array of its fields in
        // order; `[]` would then silently be the shipped policy.
        if !json.trim_start().starts_with('{') {
            let first = json
                .trim_start()
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default();
            return Err(Error::data(
                file,
                1,
                Problem::BadPolicy,
                format!("expected a JSON object, found {first:?}"),
            ));
        }
        let policy: Policy = serde_json::from_str(json).map_err(|e| {
            // serde names the value but not the field: take the key on the
            // offending line, left of the error's column.
            let field = key_before(json, e.line(), e.column())
                .map(|k| format!("{k}: "))
                .unwrap_or_default();
            Error::data(file, e.line(), Problem::BadPolicy, format!("{field}{e}"))
        })?;
        // `{}` would otherwise be the shipped policy, silently: the format
        // line says the file is a policy and which version.
        let has_format = serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .is_some_and(|v| v.get("format").is_some());
        require_format(file, has_format)?;
        policy.check(file, json)?;
        Ok(policy.with_origin(file, json, false))
    }

    /// Parses a TOML policy; as [`Policy::from_json_str`].
    ///
    /// ```
    /// use kefu_triage::Policy;
    /// let toml = "format = \"kefu-triage policy v1\"\nescalate_negativity = 0.8\n";
    /// let p = Policy::from_toml_str("p.toml", toml).unwrap();
    /// assert_eq!(p.escalate_negativity, 0.8);
    /// let bad = "format = \"kefu-triage policy v1\"\n\nrepeat_contacts = \"two\"\n";
    /// let e = Policy::from_toml_str("p.toml", bad).unwrap_err();
    /// assert!(e.to_string().starts_with("p.toml:3: invalid policy"), "{e}");
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml_str(file: &str, text: &str) -> Result<Policy> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let policy: Policy = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |r| line_at(text, r.start));
            // The key on the offending line, as for JSON.
            let field = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| format!("{}: ", k.trim()))
                .unwrap_or_default();
            Error::data(
                file,
                line,
                Problem::BadPolicy,
                format!("{field}{}", e.message()),
            )
        })?;
        let has_format = toml::from_str::<toml::Table>(text)
            .ok()
            .is_some_and(|t| t.contains_key("format"));
        require_format(file, has_format)?;
        policy.check(file, text)?;
        Ok(policy.with_origin(file, text, true))
    }

    /// Parses a policy file, JSON or TOML by its extension (`.toml`, else
    /// JSON).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Policy> {
        Policy::read_path(path).map(|(p, _)| p)
    }

    /// [`Policy::from_path`], keeping the text for later error lines.
    pub(crate) fn read_path(path: impl AsRef<std::path::Path>) -> Result<(Policy, String)> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            file: name.clone(),
            source,
        })?;
        let text = crate::text::cues::decode_utf8(&name, bytes)?;
        let policy = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            #[cfg(feature = "toml")]
            {
                Policy::from_toml_str(&name, &text)?
            }
            #[cfg(not(feature = "toml"))]
            return Err(Error::data(
                &name,
                0,
                Problem::BadPolicy,
                "a TOML policy needs kefu-triage's `toml` feature".to_string(),
            ));
        } else {
            Policy::from_json_str(&name, &text)?
        };
        Ok((policy, text))
    }

    fn with_origin(mut self, file: &str, text: &str, toml: bool) -> Policy {
        self.origin = Origin(Some(std::sync::Arc::new(OriginText {
            file: file.to_string(),
            text: text.to_string(),
            toml,
        })));
        self
    }

    /// The file and text this policy was parsed from, if it still says
    /// what the policy says (a caller may have changed fields since).
    pub(crate) fn source(&self) -> Option<&OriginText> {
        let o = self.origin.0.as_deref()?;
        let again = if o.toml {
            #[cfg(feature = "toml")]
            {
                Policy::from_toml_str(&o.file, &o.text)
            }
            #[cfg(not(feature = "toml"))]
            return None;
        } else {
            Policy::from_json_str(&o.file, &o.text)
        };
        again.ok().filter(|p| p == self).map(|_| o)
    }

    /// Validates and compiles the variants, locating errors in `text`.
    fn check(&self, file: &str, text: &str) -> Result<()> {
        self.validate(file, text)?;
        self.compile_variants(file, text)?;
        Ok(())
    }

    /// The priority of a contact that has waited `waited_seconds`: one
    /// level more per `aging.step_seconds`, the top level (9) once it has
    /// waited `aging.max_wait_seconds`, so no lane waits past the maximum
    /// because of higher lanes. It never lowers a priority set above 9.
    pub fn aged_priority(&self, priority: u8, waited_seconds: u32) -> u8 {
        self.aging.priority_after(priority, waited_seconds)
    }

    /// The skill groups this policy names, sorted: the rules' specialist
    /// groups, the industry profiles' groups and the overflow targets. The
    /// engine also routes to the taxonomy's groups; [`Engine::skill_groups`]
    /// lists both, which is what a [`QueueSnapshot`](crate::QueueSnapshot)
    /// should cover.
    ///
    /// [`Engine::skill_groups`]: crate::Engine::skill_groups
    ///
    /// ```
    /// let p = kefu_triage::Policy::default();
    /// let groups = p.skill_groups();
    /// assert!(groups.contains(&"vip") && groups.contains(&"shipping_returns"));
    /// ```
    pub fn skill_groups(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .rule_groups()
            .chain(self.overflow.values().map(|o| o.to.as_str()))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The groups the rules and industry profiles route to.
    fn rule_groups(&self) -> impl Iterator<Item = &str> {
        let g = &self.groups;
        [
            g.vip_queue.as_str(),
            g.threat.as_str(),
            g.safety.as_str(),
            g.minor.as_str(),
            g.privacy.as_str(),
        ]
        .into_iter()
        .chain(self.industries.values().flat_map(|p| {
            p.skill_groups
                .values()
                .map(String::as_str)
                .chain(p.safety_group.as_deref())
        }))
    }

    /// The variant a customer id falls in, by a stable hash: 64-bit FNV-1a
    /// of the id's UTF-8 bytes, modulo 10,000 — the same on every process,
    /// platform and crate version. Variants take consecutive slices of the
    /// 10,000 buckets in file order; the rest keep the base policy. An empty
    /// id always keeps the base policy.
    ///
    /// ```
    /// use kefu_triage::{Policy, Variant};
    /// let mut p = Policy::default();
    /// p.variants.push(Variant::new("new_routing", 5.0));
    /// let hits = (0..10_000).filter(|i| p.variant_for(&format!("u{i}")).is_some()).count();
    /// assert!((400..600).contains(&hits), "{hits}");
    /// assert_eq!(p.variant_for("u42"), p.variant_for("u42"));
    /// assert_eq!(p.variant_for(""), None);
    /// ```
    pub fn variant_for(&self, customer_id: &str) -> Option<usize> {
        if customer_id.is_empty() || self.variants.is_empty() {
            return None;
        }
        let bucket = (crate::score::features::fnv1a(customer_id.as_bytes()) % 10_000) as f32;
        let mut upper = 0.0f32;
        for (i, v) in self.variants.iter().enumerate() {
            upper += v.percent * 100.0;
            if bucket < upper {
                return Some(i);
            }
        }
        None
    }

    /// Each variant's full policy: this policy with its overrides merged
    /// in (objects merge key by key; other values replace).
    pub(crate) fn compile_variants(&self, file: &str, text: &str) -> Result<Vec<Policy>> {
        let base = serde_json::to_value(self)
            .map_err(|e| Error::data(file, 0, Problem::BadPolicy, e.to_string()))?;
        let mut out = Vec::with_capacity(self.variants.len());
        for (i, v) in self.variants.iter().enumerate() {
            let at = |field: &str| {
                let line = line_of(text, &v.name).max(line_of(text, field));
                (line, format!("variants[{i}] {:?}: {field}", v.name))
            };
            if v.overrides.contains_key("variants") {
                let (line, what) = at("variants");
                return Err(Error::data(
                    file,
                    line,
                    Problem::BadPolicy,
                    format!("{what}: variants cannot nest"),
                ));
            }
            let mut merged = base.clone();
            merge(
                &mut merged,
                &serde_json::Value::Object(v.overrides.clone()),
                "",
            )
            .map_err(|field| {
                let (line, what) = at(&field);
                Error::data(
                    file,
                    line,
                    Problem::BadPolicy,
                    format!("{what}: unknown field"),
                )
            })?;
            let mut policy: Policy = serde_json::from_value(merged).map_err(|e| {
                let (line, what) = at("overrides");
                Error::data(file, line, Problem::BadPolicy, format!("{what}: {e}"))
            })?;
            policy.variants.clear();
            policy.validate(file, text).map_err(|e| match e {
                Error::Data { line, value, .. } => Error::data(
                    file,
                    line,
                    Problem::BadPolicy,
                    format!("variants[{i}] {:?}: {value}", v.name),
                ),
                other => other,
            })?;
            out.push(policy);
        }
        Ok(out)
    }

    /// The profile of an industry (an empty one if the policy has none).
    pub fn profile(&self, industry: Industry) -> &IndustryProfile {
        static EMPTY: IndustryProfile = IndustryProfile {
            disabled_channels: Vec::new(),
            skill_groups: BTreeMap::new(),
            safety_group: None,
            notice: None,
            offers: Vec::new(),
            escalate_negativity: None,
            confidence_threshold: None,
            max_wait_seconds: None,
            peak_hours: Vec::new(),
        };
        self.industries.get(&industry).unwrap_or(&EMPTY)
    }

    /// Checks ranges and that every profile leaves a human channel.
    pub(crate) fn validate(&self, file: &str, text: &str) -> Result<()> {
        let bad = |field: &str, value: String| {
            let key = field.rsplit('.').next().unwrap_or(field);
            Err(Error::data(
                file,
                line_of(text, key),
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
                return bad(field, format!("{v} (allowed 0..=1)"));
            }
        }
        if !(MIN_TEXT_BYTES..=MAX_TEXT_BYTES).contains(&self.max_text_bytes) {
            return bad(
                "max_text_bytes",
                format!(
                    "{} (allowed {MIN_TEXT_BYTES}..={MAX_TEXT_BYTES})",
                    self.max_text_bytes
                ),
            );
        }
        if self.repeat_contacts > 1000 {
            return bad(
                "repeat_contacts",
                format!("{} (allowed 0..=1000)", self.repeat_contacts),
            );
        }
        if self.repeat_window_days > 3660 {
            return bad(
                "repeat_window_days",
                format!("{} (allowed 0..=3660)", self.repeat_window_days),
            );
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
                return bad(field, format!("{v} (allowed 0..=9)"));
            }
        }
        if p.negativity_min > p.negativity_max {
            return bad(
                "priority.negativity_min",
                format!(
                    "{} (allowed 0..=priority.negativity_max, {})",
                    p.negativity_min, p.negativity_max
                ),
            );
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
                let names: Vec<String> = profile
                    .disabled_channels
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect();
                return bad(
                    &format!("industries.{industry}.disabled_channels"),
                    format!(
                        "[{}] (at least one human channel must stay open)",
                        names.join(", ")
                    ),
                );
            }
        }
        for (industry, profile) in &self.industries {
            for (field, v) in [
                ("escalate_negativity", profile.escalate_negativity),
                ("confidence_threshold", profile.confidence_threshold),
            ] {
                if let Some(v) = v
                    && !(0.0..=1.0).contains(&v)
                {
                    return bad(
                        &format!("industries.{industry}.{field}"),
                        format!("{v} (allowed 0..=1)"),
                    );
                }
            }
            if let Some(&h) = profile.peak_hours.iter().find(|&&h| h > 23) {
                return bad(
                    &format!("industries.{industry}.peak_hours"),
                    format!("{h} (allowed 0..=23)"),
                );
            }
        }
        let day = 86_400;
        for (field, v) in [
            ("aging.step_seconds", self.aging.step_seconds),
            ("aging.max_wait_seconds", self.aging.max_wait_seconds),
        ] {
            if !(1..=day).contains(&v) {
                return bad(field, format!("{v} (allowed 1..={day})"));
            }
        }
        for (group, o) in &self.overflow {
            if o.after_seconds > day {
                return bad(
                    &format!("overflow.{group}.after_seconds"),
                    format!("{} (allowed 0..={day})", o.after_seconds),
                );
            }
        }
        if let Some(m) = self
            .load
            .hourly
            .iter()
            .find(|m| !(0.0..=MAX_LOAD_MULTIPLIER).contains(*m))
        {
            return bad(
                "load.hourly",
                format!("{} (allowed 0..={MAX_LOAD_MULTIPLIER})", short(*m)),
            );
        }
        let m = self.load.promotion_multiplier;
        if !(m > 0.0 && m <= MAX_LOAD_MULTIPLIER) {
            return bad(
                "load.promotion_multiplier",
                format!(
                    "{} (allowed above 0, up to {MAX_LOAD_MULTIPLIER})",
                    short(m)
                ),
            );
        }
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return bad("utc_offset_minutes", self.utc_offset_minutes.to_string());
        }
        // Overflow must end somewhere: follow each chain, refusing cycles.
        for start in self.overflow.keys() {
            let mut seen = vec![start.as_str()];
            let mut at = start.as_str();
            while let Some(o) = self.overflow.get(at) {
                if o.to.trim().is_empty() {
                    return bad(&format!("overflow.{at}.to"), format!("{:?}", o.to));
                }
                if seen.contains(&o.to.as_str()) {
                    seen.push(&o.to);
                    return bad(
                        &format!("overflow.{start}"),
                        format!("cycle {}", seen.join(" -> ")),
                    );
                }
                seen.push(&o.to);
                at = &o.to;
            }
        }
        let mut total = 0.0;
        for (i, v) in self.variants.iter().enumerate() {
            if !(0.0..=100.0).contains(&v.percent) || v.name.trim().is_empty() {
                return bad(
                    &format!("variants[{i}].percent"),
                    format!("{} ({:?})", v.percent, v.name),
                );
            }
            if self.variants[..i].iter().any(|w| w.name == v.name) {
                return bad(
                    &format!("variants[{i}].name"),
                    format!("{:?} twice", v.name),
                );
            }
            total += v.percent;
        }
        if total > 100.0 {
            return bad("variants", format!("percents add up to {total}"));
        }
        Ok(())
    }

    /// Checks that every label the policy names is in the taxonomy.
    pub(crate) fn validate_labels(
        &self,
        file: &str,
        text: &str,
        taxonomy: &Taxonomy,
    ) -> Result<()> {
        let labels = self
            .high_risk_labels
            .iter()
            .map(|l| ("high_risk_labels".to_string(), l))
            .chain(self.industries.iter().flat_map(|(i, p)| {
                p.skill_groups
                    .keys()
                    .map(move |l| (format!("industries.{i}.skill_groups"), l))
            }));
        for (field, label) in labels {
            if taxonomy.index_of(label).is_none() {
                let line = if text.is_empty() {
                    0
                } else {
                    line_of(text, label)
                };
                return Err(Error::data(
                    file,
                    line,
                    Problem::UnknownLabel,
                    format!("{field}: {label}"),
                ));
            }
        }
        // Overflow targets must be groups something routes to (a source
        // nothing routes to is harmless: it never overflows).
        let known: Vec<&str> = taxonomy
            .entries
            .iter()
            .map(|e| e.skill_group.as_str())
            .chain(self.rule_groups())
            .collect();
        for (from, o) in &self.overflow {
            if !known.contains(&o.to.as_str()) {
                return Err(Error::data(
                    file,
                    line_of_path(text, &["overflow", from, "to"]),
                    Problem::BadPolicy,
                    format!(
                        "overflow.{from}.to = \"{}\": not a skill group the policy or the \
                         taxonomy routes to",
                        o.to
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Merges `over` into `base`: objects key by key, other values replace.
/// A key `base` lacks is an error naming its dotted path.
fn merge(
    base: &mut serde_json::Value,
    over: &serde_json::Value,
    path: &str,
) -> std::result::Result<(), String> {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                // Maps keyed by data (industries, overflow, skill groups)
                // may gain keys; struct fields may not.
                let open_map = matches!(path.rsplit('.').next(), Some("overflow" | "skill_groups"))
                    || path == "industries";
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v, &here)?,
                    None if open_map => {
                        b.insert(k.clone(), v.clone());
                    }
                    None => return Err(here),
                }
            }
            Ok(())
        }
        (slot, v) => {
            *slot = v.clone();
            Ok(())
        }
    }
}

/// The smallest `max_text_bytes` a policy may set.
pub const MIN_TEXT_BYTES: usize = 16;
/// The largest `max_text_bytes` a policy may set (16 MiB): every stage is
/// linear in the text, so this bounds the work of one inquiry.
pub const MAX_TEXT_BYTES: usize = 16 << 20;
/// The largest load multiplier (`load.hourly`, `load.promotion_multiplier`).
pub const MAX_LOAD_MULTIPLIER: f64 = 100.0;

/// A number as a person writes it: `1e308`, not 309 digits.
fn short(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// A policy file must say what it is: without a `format` field, an empty
/// file or `{}` would silently be the shipped policy.
fn require_format(file: &str, has_format: bool) -> Result<()> {
    if has_format {
        Ok(())
    } else {
        Err(Error::data(
            file,
            1,
            Problem::BadPolicy,
            format!("format: missing (a policy starts with format = {POLICY_FORMAT:?})"),
        ))
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
        p.validate_labels("policy.json", "", &tax).unwrap();
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
                .starts_with("p.json:3: invalid policy: unknown field `nope`"),
            "{e}"
        );
        let e = Policy::from_json_str(
            "p.json",
            "{\"format\": \"kefu-triage policy v1\", \"repeat_contacts\": \"two\"}",
        )
        .unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        let e = Policy::from_json_str("p.json", "{\"format\": \"x\"}").unwrap_err();
        assert_eq!(e.to_string(), "p.json:1: invalid policy: format = \"x\"");
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
