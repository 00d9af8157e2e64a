//! The decision told in Chinese or English, and the one-line form for logs.

use std::fmt;

use crate::domain::Lane;

use crate::decision::types::{Decision, Rule};

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
