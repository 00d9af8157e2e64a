//! Rules 1–8 of the routing policy (DESIGN.md), evaluated in order.
//!
//! Every rule that fires becomes a reason. The first rule that decides picks
//! the lane and skill group; the priority is the highest any fired rule
//! gives, so a later rule can make a customer more urgent but never less.

use crate::decision::{Route, Rule};
use crate::domain::{Channel, Emotion, Industry, Lane, Tier};
use crate::inquiry::Inquiry;
use crate::lexicon::Taxonomy;
use crate::policy::Policy;
use crate::sentiment::Signals;

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

fn fire(fired: &mut Vec<Fired>, rule: Rule, detail: String, spans: &[(u32, u32)]) {
    fired.push(Fired {
        rule,
        detail,
        spans: spans.to_vec(),
    });
}

pub(crate) fn route(
    policy: &Policy,
    taxonomy: &Taxonomy,
    inquiry: &Inquiry<'_>,
    a: &Assessed<'_>,
    fired: &mut Vec<Fired>,
) -> Route {
    let p = &policy.priority;
    let profile = policy.profile(inquiry.industry);
    let label_name = taxonomy.entries[a.label].label.as_str();
    let issue_group = skill_group(policy, taxonomy, inquiry.industry, a.label);
    let s = a.signals;
    let mut priority = 0u8;
    // (lane, group) chosen by the first rule that decides.
    let mut decided: Option<(Lane, String)> = None;
    let vip = inquiry.customer.tier == Tier::Vip;
    let dedicated_available = inquiry.queue.is_none_or(|q| q.dedicated_online > 0);
    // For a VIP, "a human" means the dedicated agent (or the VIP queue).
    let human = |group: &str| -> (Lane, String) {
        if vip && dedicated_available {
            (Lane::Dedicated, "dedicated".to_string())
        } else if vip {
            (Lane::Human, policy.groups.vip_queue.clone())
        } else {
            (Lane::Human, group.to_string())
        }
    };

    // Rule 1: an explicit request for a human.
    if !s.human_request.is_empty() {
        fire(
            fired,
            Rule::HumanRequest,
            "customer asked for a human agent".into(),
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
    let mut risk: Vec<Risk<'_>> = Vec::new();
    if risky_label {
        risk.push(("high-risk issue type", issue_group, a.issue_spans));
    }
    if !s.minor.is_empty() {
        risk.push(("a minor is involved", &policy.groups.minor, &s.minor));
    }
    if !s.privacy.is_empty() {
        risk.push(("privacy matter", &policy.groups.privacy, &s.privacy));
    }
    if !s.safety.is_empty() {
        let group = profile
            .safety_group
            .as_deref()
            .unwrap_or(&policy.groups.safety);
        risk.push(("safety matter", group, &s.safety));
    }
    if !s.threat.is_empty() {
        risk.push((
            "legal, regulator or media threat",
            &policy.groups.threat,
            &s.threat,
        ));
    }
    if angry_complaint {
        risk.push(("angry complaint", issue_group, a.sentiment_spans));
    }
    if let Some(&(_, group, _)) = risk.first() {
        let what: Vec<&str> = risk.iter().map(|r| r.0).collect();
        let spans: Vec<(u32, u32)> = risk.iter().flat_map(|r| r.2.iter().copied()).collect();
        fire(fired, Rule::HighRisk, what.join("; "), &spans);
        if decided.as_ref().is_none_or(|d| d.0 != Lane::Human || vip) {
            // A specialist outranks a generic human choice made by rule 1.
            decided = Some((Lane::Human, group.to_string()));
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
        fire(fired, Rule::Vip, detail.into(), &[]);
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
        fire(
            fired,
            Rule::Negativity,
            format!("negativity {:.2} ≥ {:.2}", a.negativity, escalate),
            a.sentiment_spans,
        );
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(prio.round() as u8);
    }

    // Rule 5: repeat contact.
    if inquiry.customer.prior_contacts >= policy.repeat_contacts {
        fire(
            fired,
            Rule::RepeatContact,
            format!(
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
        fire(
            fired,
            Rule::LowConfidence,
            format!(
                "issue confidence {:.2} below {:.2} or too close to the runner-up",
                a.confidence, policy.confidence_threshold
            ),
            &[],
        );
        decided.get_or_insert_with(|| human(issue_group));
        priority = priority.max(p.low_confidence);
    }

    // Rule 7: the lane's default.
    let (mut lane, mut group) = match decided {
        Some(d) => d,
        None => {
            let d = match inquiry.customer.tier {
                Tier::New => (Lane::Ai, issue_group.to_string()),
                Tier::Returning => (Lane::Human, issue_group.to_string()),
                Tier::Vip => human(issue_group),
            };
            let detail = format!("{} customer → {}", inquiry.customer.tier, d.0);
            fire(fired, Rule::LaneDefault, detail, &[]);
            if d.0 != Lane::Ai {
                priority = priority.max(p.lane_default);
            }
            d
        }
    };

    // Rule 8: the industry profile's channels.
    if lane == Lane::Ai && !profile.allows(Channel::AiAssistant) {
        fire(
            fired,
            Rule::IndustryProfile,
            format!(
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
                .and_then(|q| q.group(&group))
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
                fire(
                    fired,
                    Rule::WaitUnknown,
                    format!("no agent online in {group}: offering {chosen}"),
                    &[],
                );
            } else if chosen != Channel::HumanChat {
                fire(
                    fired,
                    Rule::IndustryProfile,
                    format!(
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
        group = issue_group.to_string();
    }
    Route {
        lane,
        channel,
        skill_group: group,
        priority: priority.min(9),
        notice: profile.notice.clone(),
        offers: profile.offers.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Industry;
    use crate::inquiry::Customer;
    use crate::lexicon::{Lexicon, Taxonomy};
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
                route(&policy, &taxonomy, &inquiry, &assessed, &mut Vec::new()).priority
            };
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(priority(lo) <= priority(hi), "{lo} → {}, {hi} → {}", priority(lo), priority(hi));
        }
    }
}
