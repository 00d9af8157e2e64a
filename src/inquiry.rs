//! What the service knows when a message arrives.

use serde::{Deserialize, Serialize};

use crate::domain::{Industry, Tier};
use crate::queue::snapshot::QueueSnapshot;

/// The customer behind an inquiry.
///
/// ```
/// use kefu_triage::{Customer, Tier};
/// let c = Customer::new("u42").tier(Tier::Returning).prior_contacts(3);
/// assert_eq!(c.id, "u42");
/// assert_eq!(c.prior_contacts, 3);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Customer {
    /// The business's id for the customer; used for stable A/B assignment.
    /// In JSON a string or an integer (`"u42"`, `42`).
    #[serde(deserialize_with = "id_from_string_or_integer")]
    pub id: String,
    /// New, returning or VIP.
    pub tier: Tier,
    /// Contacts about the same matter within the repeat window (二次咨询).
    pub prior_contacts: u32,
}

/// A customer id written as a string or as an integer.
fn id_from_string_or_integer<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    struct Id;
    impl serde::de::Visitor<'_> for Id {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a customer id, as a string or an integer")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<String, E> {
            Ok(s.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<String, E> {
            Ok(n.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<String, E> {
            Ok(n.to_string())
        }
    }
    deserializer.deserialize_any(Id)
}

impl Customer {
    /// A new customer with this id.
    pub fn new(id: impl Into<String>) -> Customer {
        Customer {
            id: id.into(),
            ..Customer::default()
        }
    }

    /// Sets the tier.
    pub fn tier(mut self, tier: Tier) -> Customer {
        self.tier = tier;
        self
    }

    /// Sets the number of prior contacts within the repeat window.
    pub fn prior_contacts(mut self, n: u32) -> Customer {
        self.prior_contacts = n;
        self
    }
}

/// One message to triage, with its context.
///
/// The text and the queue snapshot are borrowed: building an `Inquiry` copies
/// nothing.
///
/// ```
/// use kefu_triage::{Customer, Industry, Inquiry, Tier};
/// let q = Inquiry::new("我的快递到哪了")
///     .customer(Customer::new("u1").tier(Tier::Vip))
///     .industry(Industry::Ecommerce)
///     .received_at(1_732_600_000);
/// assert_eq!(q.text, "我的快递到哪了");
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Inquiry<'a> {
    /// The customer's raw message.
    pub text: &'a str,
    /// Who sent it.
    pub customer: Customer,
    /// The business's industry profile.
    pub industry: Industry,
    /// When it arrived, in Unix seconds (the library reads no clock).
    pub received_at: Option<i64>,
    /// The live queue state, for wait estimates; `None` gives no estimate.
    pub queue: Option<&'a QueueSnapshot>,
}

impl<'a> Inquiry<'a> {
    /// A new customer's message in the default industry.
    pub fn new(text: &'a str) -> Inquiry<'a> {
        Inquiry {
            text,
            ..Inquiry::default()
        }
    }

    /// Sets the customer.
    pub fn customer(mut self, customer: Customer) -> Inquiry<'a> {
        self.customer = customer;
        self
    }

    /// Sets the industry profile.
    pub fn industry(mut self, industry: Industry) -> Inquiry<'a> {
        self.industry = industry;
        self
    }

    /// Sets the arrival time (Unix seconds).
    pub fn received_at(mut self, unix_seconds: i64) -> Inquiry<'a> {
        self.received_at = Some(unix_seconds);
        self
    }

    /// Sets the queue snapshot used for the wait estimate.
    pub fn queue(mut self, snapshot: &'a QueueSnapshot) -> Inquiry<'a> {
        self.queue = Some(snapshot);
        self
    }
}
