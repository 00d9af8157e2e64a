//! # kefu-triage
//!
//! Decides, in microseconds and without any network call, what to do with a
//! message a customer sends to a business's 联系我们 (contact us) entry on a
//! short-video platform: which issue it is about, how upset the customer is,
//! whether the AI assistant may answer or a human must take over (AI first,
//! human fallback — 智能预判 + 人工兜底), which skill group and priority,
//! and how long the wait will be — with the reasons for every choice.
//!
//! The pipeline, all built once in an [`Engine`]:
//!
//! 1. [`normalize`]: full/half width, case, zero-width and spacing tricks,
//!    repeated punctuation, with offsets back to the raw text;
//! 2. [`pii`]: personal data masked (phones, ID cards with checksum, bank
//!    cards with Luhn, e-mail, WeChat/QQ ids, addresses …) and entities
//!    extracted (order and tracking numbers, product models, amounts);
//! 3. segmentation with jieba-rs plus the domain dictionary in `lexicons/`
//!    ([`Engine::segment`]; inside triage only for an issue model trained on
//!    jieba tokens, see [`EngineBuilder::word_features`]);
//! 4. one character-wise Aho-Corasick scan (daachorse) over the issue,
//!    sentiment and escalation lexicons;
//! 5. issue type over the taxonomy — weighted cues plus a trained linear
//!    model — with a calibrated confidence and abstention;
//! 6. negativity and emotion (trained models over negation-aware lexicon
//!    features) and explicit escalation cues (转人工, 投诉, 12315, 曝光 …);
//! 7. the routing policy ([`Policy`]: rules 1–9 as the README tables them, industry
//!    profiles, overflow, aging, A/B variants), explained in Chinese or
//!    English ([`Decision::explain`]);
//! 8. a wait estimate from the live [`QueueSnapshot`] ([`queue`]: Erlang C
//!    and A, position-based estimates, staffing).
//!
//! Hot loops reuse buffers with [`Engine::triage_with`], which allocates
//! nothing once warm; offline jobs use [`Engine::triage_batch`];
//! [`Engine::sentiment`] scores negativity and emotion alone;
//! [`Engine::run_stage`] runs one [`Stage`] for
//! profiling. [`compliance::screen_reply`] screens the AI assistant's
//! outgoing answers for advertising-law terms. [`train`] holds the
//! trainer behind `examples/train_issue.rs` and `examples/train_sentiment.rs`.
//!
//! # Example
//!
//! ```
//! use kefu_triage::{Customer, Engine, Inquiry, Lane, Tier};
//!
//! let engine = Engine::default();
//! let inquiry = Inquiry::new("订单号2024111100123456 怎么还没发货？？我电话13812345678")
//!     .customer(Customer::new("u1001").tier(Tier::New));
//! let d = engine.triage(&inquiry);
//! assert_eq!(d.issue.label, "logistics");
//! assert!(!d.masked_text.contains("13812345678"));
//! assert!(d.masked_text.contains("[手机号]"));
//! for reason in &d.reasons {
//!     for e in &reason.evidence {
//!         // Evidence spans point into the raw text.
//!         assert!(inquiry.text.get(e.start..e.end).is_some());
//!     }
//! }
//! ```
//!
//! # Data
//!
//! The taxonomy, lexicons, user dictionary and policy are text files under
//! `lexicons/`, embedded at compile time and replaceable through
//! [`EngineBuilder`]. Every file has a format header that is checked, and
//! every problem is an [`Error`] naming the file, line and value.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[doc = include_str!("architecture.md")]
pub mod architecture {}
pub mod compliance;
mod decision;
mod domain;
mod engine;
mod error;
mod inquiry;
pub mod queue;
mod request;
#[cfg(any(feature = "train", test))]
mod rng;
mod route;
mod score;
mod text;
mod tracker;
#[cfg(feature = "train")]
pub mod train;

pub use text::{normalize, pii};

pub use decision::{
    Decision, Entity, Evidence, Flags, IssueAssessment, LabelScore, Language, PiiFound, Reason,
    Route, Rule, SentimentAssessment, Text, WaitEstimate,
};
pub use domain::{Channel, Emotion, Industry, IssueLabel, Lane, Tier, UnknownName};
pub use engine::{BATCH_BLOCK, Engine, EngineBuilder, Scratch, Stage};
pub use error::{Error, Problem, Result};
pub use inquiry::{Customer, Inquiry};
pub use queue::snapshot::{GroupState, QueueSnapshot, Waiting};
pub use request::Request;
pub use route::policy::{
    Aging, Groups, IndustryProfile, MAX_LOAD_MULTIPLIER, MAX_TEXT_BYTES, MIN_TEXT_BYTES, Overflow,
    POLICY_FORMAT, Policy, Priorities, Variant,
};
pub use text::cues::{Lexicon, MAX_PATTERN_CHARS};
pub use tracker::{QueueEvent, QueueTracker, TrackError, TrackerStats};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Engine>();
        assert_send_sync::<EngineBuilder>();
        assert_send_sync::<Scratch>();
        assert_send_sync::<Decision>();
        assert_send_sync::<Inquiry<'_>>();
        assert_send_sync::<Request>();
        assert_send_sync::<Policy>();
        assert_send_sync::<QueueSnapshot>();
        assert_send_sync::<Error>();
    }
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
