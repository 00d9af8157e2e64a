//! Stage 2: scores — the features of a message, the linear models and the
//! one pass that sums their rows, the issue type with its confidence, and
//! negativity and emotion.

pub(crate) mod features;
pub(crate) mod issue;
pub(crate) mod linear;
pub(crate) mod sentiment;
pub(crate) mod sums;
