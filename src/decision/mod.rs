//! What the engine decided, and why.

mod explain;
mod number;
pub(crate) mod text;
mod types;

pub use explain::Language;
pub(crate) use number::TwoDecimals;
pub use text::Text;
pub use types::{
    Decision, Entity, Evidence, Flags, IssueAssessment, LabelScore, PiiFound, Reason, Route, Rule,
    SentimentAssessment, WaitEstimate,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed2_matches_the_standard_formatting() {
        let mut x: u32 = 0x1234_5678;
        let mut values = vec![
            0.0f32,
            -0.0,
            0.125,
            0.375,
            0.625,
            0.875,
            0.005,
            0.995,
            0.999,
            1.0,
            0.4,
            0.52,
            -0.125,
            -0.004,
            1e-30,
            123.456,
            1e9,
            2e9,
            f32::NAN,
            f32::INFINITY,
            f32::MAX,
        ];
        for _ in 0..200_000 {
            // xorshift32 over the bit patterns of [0, 1] and of any f32.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            values.push(f32::from_bits(x % 0x3f80_0001));
            values.push(f32::from_bits(x));
        }
        let mut pushed = String::new();
        for v in values {
            let want = format!("{v:.2}");
            assert_eq!(TwoDecimals(v).to_string(), want, "{v:e}");
            pushed.clear();
            TwoDecimals(v).push_to(&mut pushed);
            assert_eq!(pushed, want, "{v:e}");
        }
        for v in [9.994f32, 9.995, 9.996, 10.0] {
            pushed.clear();
            TwoDecimals(v).push_to(&mut pushed);
            assert_eq!(pushed, format!("{v:.2}"), "{v:e}");
        }
    }
}
