//! Rules 1–8 of the routing policy (README, "Routing policy"), in order.
//!
//! Every rule that fires becomes a reason. The first rule that decides picks
//! the lane and skill group; the priority is the highest any fired rule
//! gives, so a later rule can make a customer more urgent but never less.

use std::fmt::{self, Write as _};

use crate::decision::{Route, Rule, TwoDecimals};
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

/// The skill group a decision names for the dedicated lane (专属管家).
pub(crate) const DEDICATED_GROUP: &str = "dedicated";

/// What every rule reads: the policy, the inquiry and its assessment.
struct Ctx<'p, 'q> {
    policy: &'p Policy,
    profile: &'p crate::route::policy::IndustryProfile,
    inquiry: &'q Inquiry<'q>,
    assessed: &'q Assessed<'q>,
    label_name: &'p str,
    /// The skill group of the issue label in the inquiry's industry.
    issue_group: &'p str,
    vip: bool,
    /// A dedicated agent is online, or the caller gave no queue state.
    dedicated_available: bool,
}

impl<'p> Ctx<'p, '_> {
    /// Where "a human" is for this customer: for a VIP, the dedicated agent
    /// (or the VIP queue when none is online), else `group`.
    fn human(&self, group: &'p str) -> (Lane, &'p str) {
        if self.vip && self.dedicated_available {
            (Lane::Dedicated, DEDICATED_GROUP)
        } else if self.vip {
            (Lane::Human, &self.policy.groups.vip_queue)
        } else {
            (Lane::Human, group)
        }
    }
}

/// The route as the rules build it: the lane and group of the first rule
/// that decides, and the highest priority any fired rule gives.
struct Outcome<'p> {
    decided: Option<(Lane, &'p str)>,
    priority: u8,
}

impl<'p> Outcome<'p> {
    /// Records a rule's choice unless an earlier rule decided, and its
    /// priority.
    fn decide(&mut self, choice: (Lane, &'p str), priority: u8) {
        self.decided.get_or_insert(choice);
        self.priority = self.priority.max(priority);
    }
}

/// Rules 1–8 for one inquiry: fills `out`'s lane, channel, skill group and
/// priority (reusing its buffers) and records every rule that fired.
pub(crate) fn route(
    policy: &Policy,
    taxonomy: &Taxonomy,
    inquiry: &Inquiry<'_>,
    assessed: &Assessed<'_>,
    fired: &mut FiredList,
    out: &mut Route,
) {
    let ctx = Ctx {
        policy,
        profile: policy.profile(inquiry.industry),
        inquiry,
        assessed,
        label_name: taxonomy.entries[assessed.label].label.as_str(),
        issue_group: skill_group(policy, taxonomy, inquiry.industry, assessed.label),
        vip: inquiry.customer.tier == Tier::Vip,
        dedicated_available: inquiry.queue.is_none_or(|q| q.dedicated_online > 0),
    };
    let mut outcome = Outcome {
        decided: None,
        priority: 0,
    };
    human_request(&ctx, fired, &mut outcome);
    high_risk(&ctx, fired, &mut outcome);
    vip(&ctx, fired, &mut outcome);
    negativity(&ctx, fired, &mut outcome);
    repeat_contact(&ctx, fired, &mut outcome);
    low_confidence(&ctx, fired, &mut outcome);
    let (lane, group) = lane_default(&ctx, fired, &mut outcome);
    let (lane, channel) = industry_channels(&ctx, fired, &mut outcome, lane, group);
    let priority = if lane == Lane::Ai {
        policy.priority.ai
    } else {
        outcome.priority
    };
    out.lane = lane;
    out.channel = channel;
    out.skill_group.clear();
    out.skill_group.push_str(if group.is_empty() {
        ctx.issue_group
    } else {
        group
    });
    out.priority = priority.min(9);
}

/// Rule 1: an explicit request for a human.
fn human_request<'p>(ctx: &Ctx<'p, '_>, fired: &mut FiredList, outcome: &mut Outcome<'p>) {
    let spans = &ctx.assessed.signals.human_request;
    if spans.is_empty() {
        return;
    }
    fired.fire(
        Rule::HumanRequest,
        format_args!("customer asked for a human agent"),
        spans,
    );
    outcome.decide(
        ctx.human(ctx.issue_group),
        ctx.policy.priority.human_request,
    );
}

/// A high risk found by rule 2: what, the specialist group, the evidence.
type Risk<'p, 'q> = (&'static str, &'p str, &'q [(u32, u32)]);

/// Rule 2: high risk goes to a specialist group, VIP or not.
fn high_risk<'p, 'q>(ctx: &Ctx<'p, 'q>, fired: &mut FiredList, outcome: &mut Outcome<'p>) {
    let (policy, assessed, signals) = (ctx.policy, ctx.assessed, ctx.assessed.signals);
    let risky_label =
        !assessed.abstained && policy.high_risk_labels.iter().any(|l| l == ctx.label_name);
    // Clearly angry: anger at rule 4's strong negativity, not a faint
    // anger in a mildly negative message.
    let angry_complaint = policy.angry_complaint_is_high_risk
        && ctx.label_name == "complaint"
        && assessed.emotion == Emotion::Anger
        && assessed.negativity >= escalate_negativity(ctx);
    // One entry per kind at most: a fixed array, not a Vec.
    let mut risks: [Risk<'p, 'q>; 6] = [("", "", &[]); 6];
    let mut count = 0;
    macro_rules! add {
        ($risk:expr) => {{
            risks[count] = $risk;
            count += 1;
        }};
    }
    if risky_label {
        add!((
            "high-risk issue type",
            ctx.issue_group,
            assessed.issue_spans
        ));
    }
    if !signals.minor.is_empty() {
        add!(("a minor is involved", &policy.groups.minor, &signals.minor));
    }
    if !signals.privacy.is_empty() {
        add!(("privacy matter", &policy.groups.privacy, &signals.privacy));
    }
    if !signals.safety.is_empty() {
        let group = ctx
            .profile
            .safety_group
            .as_deref()
            .unwrap_or(&policy.groups.safety);
        add!(("safety matter", group, &signals.safety));
    }
    if !signals.threat.is_empty() {
        add!((
            "legal, regulator or media threat",
            &policy.groups.threat,
            &signals.threat,
        ));
    }
    if angry_complaint {
        add!(("angry complaint", ctx.issue_group, assessed.sentiment_spans));
    }
    let found = &risks[..count];
    let Some(&(_, group, _)) = found.first() else {
        return;
    };
    fired.fire_with(
        Rule::HighRisk,
        found.iter().flat_map(|r| r.2.iter().copied()),
        |detail| {
            for (i, r) in found.iter().enumerate() {
                if i > 0 {
                    detail.push_str("; ");
                }
                detail.push_str(r.0);
            }
        },
    );
    // A specialist outranks rule 1's generic human (or dedicated agent),
    // VIP or not.
    outcome.decided = Some((Lane::Human, group));
    outcome.priority = outcome.priority.max(policy.priority.high_risk);
}

/// Rule 3: VIPs.
fn vip<'p>(ctx: &Ctx<'p, '_>, fired: &mut FiredList, outcome: &mut Outcome<'p>) {
    if !ctx.vip {
        return;
    }
    let detail = if ctx.dedicated_available {
        "VIP: dedicated agent"
    } else {
        "VIP: no dedicated agent online, VIP queue"
    };
    fired.fire(Rule::Vip, format_args!("{detail}"), &[]);
    outcome.decide(ctx.human(ctx.issue_group), ctx.policy.priority.vip);
}

/// The negativity from which rules 2 (an angry complaint) and 4 act: the
/// industry profile's, else the policy's.
fn escalate_negativity(ctx: &Ctx<'_, '_>) -> f32 {
    ctx.profile
        .escalate_negativity
        .unwrap_or(ctx.policy.escalate_negativity)
}

/// Rule 4: strong negativity; the priority rises with intensity.
fn negativity<'p>(ctx: &Ctx<'p, '_>, fired: &mut FiredList, outcome: &mut Outcome<'p>) {
    let (policy, negativity) = (ctx.policy, ctx.assessed.negativity);
    let escalate = escalate_negativity(ctx);
    if negativity < escalate {
        return;
    }
    let prio = &policy.priority;
    let range = (1.0 - escalate).max(1e-3);
    let intensity = ((negativity - escalate) / range).clamp(0.0, 1.0);
    let priority =
        prio.negativity_min as f32 + intensity * (prio.negativity_max - prio.negativity_min) as f32;
    // This rule and rule 6 fire for 36% of the bench corpus's inquiries:
    // written without `core::fmt`, which costs ~790 instructions per reason
    // (callgrind).
    fired.fire_with(
        Rule::Negativity,
        ctx.assessed.sentiment_spans.iter().copied(),
        |detail| {
            detail.push_str("negativity ");
            TwoDecimals(negativity).push_to(detail);
            detail.push_str(" ≥ ");
            TwoDecimals(escalate).push_to(detail);
        },
    );
    outcome.decide(ctx.human(ctx.issue_group), priority.round() as u8);
}

/// Rule 5: repeat contact.
fn repeat_contact<'p>(ctx: &Ctx<'p, '_>, fired: &mut FiredList, outcome: &mut Outcome<'p>) {
    let (policy, prior) = (ctx.policy, ctx.inquiry.customer.prior_contacts);
    if prior < policy.repeat_contacts {
        return;
    }
    fired.fire(
        Rule::RepeatContact,
        format_args!(
            "{} prior contacts within {} days (≥ {})",
            prior, policy.repeat_window_days, policy.repeat_contacts
        ),
        &[],
    );
    outcome.decide(ctx.human(ctx.issue_group), policy.priority.repeat_contact);
}

/// Rule 6: the classifier is unsure; the AI should not guess.
fn low_confidence<'p>(ctx: &Ctx<'p, '_>, fired: &mut FiredList, outcome: &mut Outcome<'p>) {
    if !ctx.assessed.abstained {
        return;
    }
    fired.fire_with(Rule::LowConfidence, [], |detail| {
        detail.push_str("issue confidence ");
        TwoDecimals(ctx.assessed.confidence).push_to(detail);
        detail.push_str(" below ");
        // The industry's threshold where it sets one, as stage_classify uses.
        let threshold = ctx
            .profile
            .confidence_threshold
            .unwrap_or(ctx.policy.confidence_threshold);
        TwoDecimals(threshold).push_to(detail);
        detail.push_str(" or too close to the runner-up");
    });
    outcome.decide(
        ctx.human(ctx.issue_group),
        ctx.policy.priority.low_confidence,
    );
}

/// Rule 7: the lane's default, when no earlier rule decided.
fn lane_default<'p>(
    ctx: &Ctx<'p, '_>,
    fired: &mut FiredList,
    outcome: &mut Outcome<'p>,
) -> (Lane, &'p str) {
    if let Some(decided) = outcome.decided {
        return decided;
    }
    let tier = ctx.inquiry.customer.tier;
    let choice = match tier {
        Tier::New => (Lane::Ai, ctx.issue_group),
        Tier::Returning => (Lane::Human, ctx.issue_group),
        Tier::Vip => ctx.human(ctx.issue_group),
    };
    // Fires for most inquiries: written without `core::fmt`.
    fired.fire_with(Rule::LaneDefault, [], |detail| {
        detail.push_str(tier.as_str());
        detail.push_str(" customer → ");
        detail.push_str(choice.0.as_str());
    });
    if choice.0 != Lane::Ai {
        outcome.priority = outcome.priority.max(ctx.policy.priority.lane_default);
    }
    choice
}

/// Rule 8: the industry profile's channels. A disabled AI assistant hands
/// the inquiry to a human; a human lane gets the first channel the profile
/// allows (a callback or ticket first when nobody in `group` is online).
fn industry_channels(
    ctx: &Ctx<'_, '_>,
    fired: &mut FiredList,
    outcome: &mut Outcome<'_>,
    lane: Lane,
    group: &str,
) -> (Lane, Channel) {
    let (profile, industry) = (ctx.profile, ctx.inquiry.industry);
    let mut lane = lane;
    if lane == Lane::Ai && !profile.allows(Channel::AiAssistant) {
        fired.fire(
            Rule::IndustryProfile,
            format_args!("{industry}: AI assistant disabled, human takes it"),
            &[],
        );
        lane = Lane::Human;
        outcome.priority = outcome.priority.max(ctx.policy.priority.lane_default);
    }
    let channel = match lane {
        Lane::Ai => Channel::AiAssistant,
        Lane::Dedicated => Channel::DedicatedAgent,
        Lane::Human => {
            let open = ctx
                .inquiry
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
                    format_args!("{industry}: human chat disabled, offering {chosen}"),
                    &[],
                );
            }
            chosen
        }
    };
    (lane, channel)
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
