//! Stage 3: routing — the policy and its files, the rules (README, "Routing
//! policy") that turn scores into a lane, channel, skill group and
//! priority, and the wait estimate that goes with the route.

mod aging;
mod locate;
pub(crate) mod policy;
pub(crate) mod rules;
pub(crate) mod wait;
