//! An inquiry as a service receives it: owned, and read straight from the
//! JSON body of a request.

use serde::{Deserialize, Serialize};

use crate::domain::Industry;
use crate::inquiry::{Customer, Inquiry};
use crate::queue::snapshot::QueueSnapshot;

/// One inquiry with its context, owned and serde-able: what a service
/// deserializes from a request body and hands to the engine with
/// [`Request::inquiry`].
///
/// Only `text` is required. Unknown fields are errors that name the field
/// (a misspelt `industy` is never silently routed under the default
/// profile); a customer id may be a string or an integer; tier and industry
/// names are read in any ASCII case.
///
/// ```
/// use kefu_triage::{Engine, Lane, Request};
///
/// let body = r#"{"text": "这个耳机有白色的吗",
///                "customer": {"id": 42, "tier": "VIP"},
///                "industry": "Electronics", "received_at": 1732600000}"#;
/// let request: Request = serde_json::from_str(body).unwrap();
/// assert_eq!(request.customer.id, "42");
/// let d = Engine::default().triage(&request.inquiry());
/// assert_eq!(d.route.lane, Lane::Dedicated);
///
/// let typo = r#"{"text": "我的征信有问题", "industy": "finance"}"#;
/// let err = serde_json::from_str::<Request>(typo).unwrap_err();
/// assert!(err.to_string().contains("unknown field `industy`"), "{err}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Request {
    /// The customer's raw message.
    pub text: String,
    /// Who sent it (a new customer without an id when absent).
    #[serde(default)]
    pub customer: Customer,
    /// The business's industry profile (the default profile when absent).
    #[serde(default)]
    pub industry: Industry,
    /// When it arrived, in Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<i64>,
    /// The live queue state for the wait estimate, when the caller sends it
    /// with the inquiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueSnapshot>,
}

impl Request {
    /// A new customer's message in the default industry.
    pub fn new(text: impl Into<String>) -> Request {
        Request {
            text: text.into(),
            ..Request::default()
        }
    }

    /// The [`Inquiry`] the engine triages, borrowing this request's text and
    /// queue snapshot.
    pub fn inquiry(&self) -> Inquiry<'_> {
        let mut inquiry = Inquiry::new(&self.text)
            .customer(self.customer.clone())
            .industry(self.industry);
        inquiry.received_at = self.received_at;
        inquiry.queue = self.queue.as_ref();
        inquiry
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Tier;

    #[test]
    fn names_in_any_case_and_integer_ids() {
        let r: Request = serde_json::from_str(
            r#"{"text": "t", "customer": {"id": -7, "tier": "Returning", "prior_contacts": 2},
                "industry": "LOCAL_LIFE"}"#,
        )
        .unwrap();
        assert_eq!(r.customer.id, "-7");
        assert_eq!(r.customer.tier, Tier::Returning);
        assert_eq!(r.industry, Industry::LocalLife);
        let q = r.inquiry();
        assert_eq!((q.text, q.customer.prior_contacts), ("t", 2));
    }

    #[test]
    fn unknown_fields_and_names_are_errors_that_name_them() {
        for (body, needle) in [
            (r#"{"text": "t", "industy": "finance"}"#, "industy"),
            (r#"{"text": "t", "customer": {"idd": "u"}}"#, "idd"),
            (r#"{"text": "t", "industry": "fintech"}"#, "fintech"),
            (r#"{"text": "t", "customer": {"tier": "gold"}}"#, "gold"),
            (r#"{"customer": {"id": "u"}}"#, "text"),
            (r#"{"text": "t", "customer": {"id": 1.5}}"#, "customer id"),
        ] {
            let err = serde_json::from_str::<Request>(body)
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{body}: {err}");
        }
    }

    #[test]
    fn a_request_round_trips() {
        let mut r = Request::new("快递到哪了");
        r.received_at = Some(1_732_600_000);
        let back: Request = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
