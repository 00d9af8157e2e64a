//! The closed vocabulary of the domain: tiers, industries, lanes, channels,
//! emotions, and the open one: issue labels, which come from the taxonomy.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $s:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        /// Read from its name in any ASCII case (`"vip"`, `"VIP"`, `"Vip"`);
        /// an unknown name is an error that lists the known ones.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                struct Names;
                impl serde::de::Visitor<'_> for Names {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " name"))
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        $( if s.eq_ignore_ascii_case($s) { return Ok($name::$variant); } )+
                        Err(E::unknown_variant(s, &[$($s),+]))
                    }
                }
                deserializer.deserialize_str(Names)
            }
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in data files and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownName;
            fn from_str(s: &str) -> Result<$name, $crate::domain::UnknownName> {
                match s { $($s => Ok($name::$variant),)+ _ => Err($crate::domain::UnknownName(s.to_string())) }
            }
        }
    };
}

pub(crate) use closed_enum;

/// A name that is not one of an enum's values (see the `FromStr` impls).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown name: {0:?}")]
pub struct UnknownName(pub String);

closed_enum! {
    /// Who the customer is to the business.
    ///
    /// ```
    /// use kefu_triage::Tier;
    /// assert_eq!("vip".parse::<Tier>().unwrap(), Tier::Vip);
    /// assert_eq!(Tier::Returning.as_str(), "returning");
    /// ```
    #[derive(Default)]
    pub enum Tier {
        /// First contact, or nothing known: the AI assistant answers first.
        #[default]
        New => "new",
        /// Has bought or contacted before: straight to a human.
        Returning => "returning",
        /// A VIP: a dedicated agent (专属管家).
        Vip => "vip",
    }
}

closed_enum! {
    /// The business's industry, which selects a routing profile.
    #[derive(Default)]
    pub enum Industry {
        /// 电商: e-commerce shops and live-stream selling.
        #[default]
        Ecommerce => "ecommerce",
        /// 本地生活: restaurants, group-buy vouchers, hotels, leisure.
        LocalLife => "local_life",
        /// 教育: courses, trial classes.
        Education => "education",
        /// 医美: medical beauty clinics.
        MedicalBeauty => "medical_beauty",
        /// 金融: payments, credit, insurance.
        Finance => "finance",
        /// 3C 数码家电: electronics and appliances.
        Electronics => "electronics",
        /// 旅游: travel, tickets, hotels.
        Travel => "travel",
    }
}

closed_enum! {
    /// Who answers: the AI assistant, a human agent, or a dedicated agent.
    pub enum Lane {
        /// The AI assistant (智能客服).
        Ai => "ai",
        /// A human agent from a skill group (人工客服).
        Human => "human",
        /// The customer's dedicated agent (专属管家).
        Dedicated => "dedicated",
    }
}

closed_enum! {
    /// How the customer is reached.
    pub enum Channel {
        /// Chat with the AI assistant.
        AiAssistant => "ai_assistant",
        /// Live chat with a human agent.
        HumanChat => "human_chat",
        /// A dedicated agent's chat.
        DedicatedAgent => "dedicated_agent",
        /// An agent calls the customer back.
        PhoneCallback => "phone_callback",
        /// An online form / ticket answered later.
        Ticket => "ticket",
        /// The customer calls a phone line directly.
        Phone => "phone",
    }
}

closed_enum! {
    /// The dominant negative emotion of an inquiry.
    #[derive(Default)]
    pub enum Emotion {
        /// No clear negative emotion.
        #[default]
        None => "none",
        /// 愤怒: anger.
        Anger => "anger",
        /// 焦虑: anxiety and urgency.
        Anxiety => "anxiety",
        /// 失望: disappointment.
        Disappointment => "disappointment",
    }
}

/// An issue-type label from the taxonomy, such as `logistics` or `complaint`.
///
/// Labels are data (`lexicons/taxonomy.tsv`), so users can add their own;
/// the engine interns each label once and decisions share it (cloning is a
/// reference-count increment, never an allocation).
///
/// ```
/// use kefu_triage::IssueLabel;
/// let l = IssueLabel::new("logistics");
/// assert_eq!(l.as_str(), "logistics");
/// assert_eq!(l, "logistics");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IssueLabel(Arc<str>);

impl IssueLabel {
    /// The label every taxonomy must have: small talk and anything unsure.
    pub const OTHER: &'static str = "other";

    /// Makes a label from its snake_case name.
    pub fn new(name: &str) -> IssueLabel {
        IssueLabel(Arc::from(name))
    }

    /// The snake_case name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IssueLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for IssueLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for IssueLabel {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for IssueLabel {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for IssueLabel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IssueLabel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IssueLabel, D::Error> {
        let s = String::deserialize(d)?;
        Ok(IssueLabel(Arc::from(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &t in Tier::ALL {
            assert_eq!(t.as_str().parse::<Tier>().unwrap(), t);
        }
        for &i in Industry::ALL {
            assert_eq!(i.as_str().parse::<Industry>().unwrap(), i);
            let json = serde_json::to_string(&i).unwrap();
            assert_eq!(json, format!("\"{}\"", i.as_str()));
        }
        for &c in Channel::ALL {
            assert_eq!(c.to_string().parse::<Channel>().unwrap(), c);
        }
        assert!("VIP".parse::<Tier>().is_err());
        assert_eq!(Industry::ALL.len(), 7);
    }
}
