//! Rules 1–8 of the routing policy (DESIGN.md), evaluated in order.
//!
//! Every rule that fires becomes a reason. The first rule that decides picks
//! the lane and skill group; the priority is the highest any fired rule
//! gives, so a later rule can make a customer more urgent but never less.

use std::fmt::{self, Write as _};

use crate::decision::{Fixed2, Route, Rule};
use crate::domain::{Channel, Emotion, Industry, Lane, Tier};
use crate::inquiry::Inquiry;
use crate::route::policy::Policy;
use crate::score::sentiment::Signals;
use crate::text::cues::Taxonomy;

/// A rule that fired: its detail and the normalized spans behind it.
#[derive(Clone, Debug)]
pub(crate) struct Fired {
    pub rule: Rule,
    pub detail: String,
    pub spans: Vec<(u32, u32)>,
}

/// What the rules read about the text.
pub(crate) struct Assessed<'a> {
    pub label: usize,
    pub confidence: f32,
    pub abstained: bool,
    pub negativity: f32,
    pub emotion: Emotion,
    pub signals: &'a Signals,
    pub issue_spans: &'a [(u32, u32)],
    pub sentiment_spans: &'a [(u32, u32)],
}

/// The skill group for a label in an industry.
pub(crate) fn skill_group<'p>(
    policy: &'p Policy,
    taxonomy: &'p Taxonomy,
    industry: Industry,
    label: usize,
) -> &'p str {
    let entry = &taxonomy.entries[label];
    policy
        .profile(industry)
        .skill_groups
        .get(entry.label.as_str())
        .map_or(entry.skill_group.as_str(), String::as_str)
}

/// The rules that fired for one inquiry. Entries past `len` keep their
/// buffers for the next inquiry, so firing allocates nothing once warm.
#[derive(Clone, Debug, Default)]
pub(crate) struct FiredList {
    items: Vec<Fired>,
    len: usize,
}

impl FiredList {
    pub fn clear(&mut self) {
        self.len = 0;
    }

    pub fn as_slice(&self) -> &[Fired] {
        &self.items[..self.len]
    }

    /// Records `rule` with the detail `write` produces and `spans`.
    pub fn fire_with(
        &mut self,
        rule: Rule,
        spans: impl IntoIterator<Item = (u32, u32)>,
        write: impl FnOnce(&mut String),
    ) {
        if self.len == self.items.len() {
            self.items.push(Fired {
                rule,
                detail: String::new(),
                spans: Vec::new(),
            });
        }
        let f = &mut self.items[self.len];
        self.len += 1;
        f.rule = rule;
        f.detail.clear();
        write(&mut f.detail);
        f.spans.clear();
        f.spans.extend(spans);
    }

    /// Records `rule` with a formatted detail and `spans`.
    pub fn fire(&mut self, rule: Rule, detail: fmt::Arguments<'_>, spans: &[(u32, u32)]) {
        self.fire_with(rule, spans.iter().copied(), |d| {
            let _ = d.write_fmt(detail);
        });
    }
}

/// Rules 1–8 for one inquiry: fills `out`'s lane, channel, skill group and
/// priority (reusing its buffers) and records every rule that fired.
pub(crate) fn route(
    policy: &Policy,
    taxonomy: &Taxonomy,
    inquiry: &Inquiry<'_>,
    a: &Assessed<'_>,
    fired: &mut FiredList,
    out: &mut Route,
) {
    let p = &policy.priority;
    let profile = policy.profile(inquiry.industry);
    let label_name = taxonomy.entries[a.label].label.as_str();
    let issue_group = skill_group(policy, taxonomy, inquiry.industry, a.label);
    let s = a.signals;
    let mut priority = 0u8;
    // (lane, group) chosen by the first rule that decides.
    let mut decided: Option<(Lane, &str)> = None;
    let vip = inquiry.customer.tier == Tier::Vip;
    let dedicated_available = inquiry.queue.is_none_or(|q| q.dedicated_online > 0);
    // For a VIP, "a human" means the dedicated agent (or the VIP queue).
    let human = |group| -> (Lane, &str) {
        if vip && dedicated_available {
            (Lane::Dedicated, "dedicated")
        } else if vip {
            (Lane::Human, &policy.groups.vip_queue)
        } else {
            (Lane::Human, group)
        }
    };

    // Rule 1: an explicit request for a human.
    if !s.human_request.is_empty() {
        fired.fire(
            Rule::HumanRequest,
            format_args!("customer asked for a human agent"),
            &s.human_request,
        );
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(p.human_request);
    }

    // Rule 2: high risk goes to a specialist group, VIP or not.
    let risky_label = !a.abstained && policy.high_risk_labels.iter().any(|l| l == label_name);
    let angry_complaint = policy.angry_complaint_is_high_risk
        && label_name == "complaint"
        && a.emotion == Emotion::Anger;
    // (what, specialist group, evidence)
    type Risk<'a> = (&'a str, &'a str, &'a [(u32, u32)]);
    // One entry per kind at most: a fixed array, not a Vec.
    let mut risks: [Risk<'_>; 6] = [("", "", &[]); 6];
    let mut n = 0;
    macro_rules! risk {
        ($r:expr) => {{
            risks[n] = $r;
            n += 1;
        }};
    }
    if risky_label {
        risk!(("high-risk issue type", issue_group, a.issue_spans));
    }
    if !s.minor.is_empty() {
        risk!(("a minor is involved", &policy.groups.minor, &s.minor));
    }
    if !s.privacy.is_empty() {
        risk!(("privacy matter", &policy.groups.privacy, &s.privacy));
    }
    if !s.safety.is_empty() {
        let group = profile
            .safety_group
            .as_deref()
            .unwrap_or(&policy.groups.safety);
        risk!(("safety matter", group, &s.safety));
    }
    if !s.threat.is_empty() {
        risk!((
            "legal, regulator or media threat",
            &policy.groups.threat,
            &s.threat,
        ));
    }
    if angry_complaint {
        risk!(("angry complaint", issue_group, a.sentiment_spans));
    }
    let risk = &risks[..n];
    if let Some(&(_, group, _)) = risk.first() {
        fired.fire_with(
            Rule::HighRisk,
            risk.iter().flat_map(|r| r.2.iter().copied()),
            |d| {
                for (i, r) in risk.iter().enumerate() {
                    if i > 0 {
                        d.push_str("; ");
                    }
                    d.push_str(r.0);
                }
            },
        );
        if decided.is_none_or(|d| d.0 != Lane::Human || vip) {
            // A specialist outranks a generic human choice made by rule 1.
            decided = Some((Lane::Human, group));
        }
        priority = priority.max(p.high_risk);
    }

    // Rule 3: VIPs.
    if vip {
        let detail = if dedicated_available {
            "VIP: dedicated agent"
        } else {
            "VIP: no dedicated agent online, VIP queue"
        };
        fired.fire(Rule::Vip, format_args!("{detail}"), &[]);
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(p.vip);
    }

    // Rule 4: strong negativity; priority rises with intensity.
    let escalate = profile
        .escalate_negativity
        .unwrap_or(policy.escalate_negativity);
    if a.negativity >= escalate {
        let span = (1.0 - escalate).max(1e-3);
        let t = ((a.negativity - escalate) / span).clamp(0.0, 1.0);
        let prio = p.negativity_min as f32 + t * (p.negativity_max - p.negativity_min) as f32;
        // This rule and rule 6 fire for 36% of the bench corpus's
        // inquiries: written without `core::fmt`, which cost ~790
        // instructions per reason (callgrind; route 10.8 M → 8.2 M).
        fired.fire_with(Rule::Negativity, a.sentiment_spans.iter().copied(), |d| {
            d.push_str("negativity ");
            Fixed2(a.negativity).push_to(d);
            d.push_str(" ≥ ");
            Fixed2(escalate).push_to(d);
        });
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(prio.round() as u8);
    }

    // Rule 5: repeat contact.
    if inquiry.customer.prior_contacts >= policy.repeat_contacts {
        fired.fire(
            Rule::RepeatContact,
            format_args!(
                "{} prior contacts within {} days (≥ {})",
                inquiry.customer.prior_contacts, policy.repeat_window_days, policy.repeat_contacts
            ),
            &[],
        );
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(p.repeat_contact);
    }

    // Rule 6: the classifier is unsure; the AI should not guess.
    if a.abstained {
        fired.fire_with(Rule::LowConfidence, [], |d| {
            d.push_str("issue confidence ");
            Fixed2(a.confidence).push_to(d);
            d.push_str(" below ");
            Fixed2(policy.confidence_threshold).push_to(d);
            d.push_str(" or too close to the runner-up");
        });
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(p.low_confidence);
    }

    // Rule 7: the lane's default.
    let (mut lane, mut group) = match decided {
        Some(d) => d,
        None => {
            let d = match inquiry.customer.tier {
                Tier::New => (Lane::Ai, issue_group),
                Tier::Returning => (Lane::Human, issue_group),
                Tier::Vip => human(issue_group),
            };
            // Fires for most inquiries: written without `core::fmt`.
            fired.fire_with(Rule::LaneDefault, [], |t| {
                t.push_str(inquiry.customer.tier.as_str());
                t.push_str(" customer → ");
                t.push_str(d.0.as_str());
            });
            if d.0 != Lane::Ai {
                priority = priority.max(p.lane_default);
            }
            d
        }
    };

    // Rule 8: the industry profile's channels.
    if lane == Lane::Ai && !profile.allows(Channel::AiAssistant) {
        fired.fire(
            Rule::IndustryProfile,
            format_args!(
                "{}: AI assistant disabled, human takes it",
                inquiry.industry
            ),
            &[],
        );
        lane = Lane::Human;
        priority = priority.max(p.lane_default);
    }
    let channel = match lane {
        Lane::Ai => Channel::AiAssistant,
        Lane::Dedicated => Channel::DedicatedAgent,
        Lane::Human => {
            let open = inquiry
                .queue
                .and_then(|q| q.group(group))
                .is_none_or(|g| g.agents_online > 0);
            let preferred: &[Channel] = if open {
                &[
                    Channel::HumanChat,
                    Channel::PhoneCallback,
                    Channel::Ticket,
                    Channel::Phone,
                ]
            } else {
                &[
                    Channel::PhoneCallback,
                    Channel::Ticket,
                    Channel::HumanChat,
                    Channel::Phone,
                ]
            };
            let chosen = preferred
                .iter()
                .copied()
                .find(|&c| profile.allows(c))
                .unwrap_or(Channel::HumanChat);
            if !open {
                fired.fire(
                    Rule::WaitUnknown,
                    format_args!("no agent online in {group}: offering {chosen}"),
                    &[],
                );
            } else if chosen != Channel::HumanChat {
                fired.fire(
                    Rule::IndustryProfile,
                    format_args!(
                        "{}: human chat disabled, offering {chosen}",
                        inquiry.industry
                    ),
                    &[],
                );
            }
            chosen
        }
    };
    if lane == Lane::Ai {
        priority = p.ai;
    }
    if group.is_empty() {
        group = issue_group;
    }
    out.lane = lane;
    out.channel = channel;
    out.skill_group.clear();
    out.skill_group.push_str(group);
    out.priority = priority.min(9);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Industry;
    use crate::inquiry::Customer;
    use crate::text::cues::{Lexicon, Taxonomy};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn more_negativity_never_lowers_priority(
            a in 0.0f32..=1.0,
            b in 0.0f32..=1.0,
            label in 0usize..17,
            tier in 0usize..3,
            industry in 0usize..7,
            abstained in any::<bool>(),
            anger in any::<bool>(),
            prior in 0u32..4,
        ) {
            let policy = Policy::default();
            let taxonomy = Taxonomy::parse("t", Lexicon::Taxonomy.embedded()).unwrap();
            let signals = Signals::default();
            let inquiry = Inquiry::new("x")
                .customer(Customer::new("c").tier(Tier::ALL[tier]).prior_contacts(prior))
                .industry(Industry::ALL[industry]);
            let priority = |negativity: f32| {
                let assessed = Assessed {
                    label,
                    confidence: 0.9,
                    abstained,
                    negativity,
                    emotion: if anger { Emotion::Anger } else { Emotion::None },
                    signals: &signals,
                    issue_spans: &[],
                    sentiment_spans: &[],
                };
                let mut out = Route::empty();
                route(&policy, &taxonomy, &inquiry, &assessed, &mut FiredList::default(), &mut out);
                out.priority
            };
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(priority(lo) <= priority(hi), "{lo} → {}, {hi} → {}", priority(lo), priority(hi));
        }
    }
}
