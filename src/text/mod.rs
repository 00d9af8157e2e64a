//! Stage 1 of the pipeline: the text itself — normalized with offsets back
//! to the raw text, personal data found and masked, entities extracted, and
//! the lexicon cues scanned in one pass.

pub(crate) mod cues;
pub mod normalize;
pub mod pii;
