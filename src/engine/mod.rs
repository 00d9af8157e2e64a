//! The engine: built once from the lexicons and the policy, then shared.

mod builder;
mod core;
mod decide;
mod scratch;
mod stages;
mod triage;

pub use builder::EngineBuilder;
pub use core::Engine;
pub use scratch::Scratch;
pub use stages::Stage;
pub use triage::BATCH_BLOCK;

#[cfg(test)]
mod tests {

    use super::{core::*, stages::*};

    use crate::inquiry::Inquiry;

    use crate::score::linear::{IssueModel, LinearModel};

    use crate::text::cues::{Lexicon, Taxonomy};

    /// jieba segments with the domain dictionary: its words come out whole.
    #[test]
    fn user_dictionary_words_are_single_tokens() {
        let text = "团购券怎么核销，直播间小黄车在哪，玻尿酸术后能喝酒吗";
        let engine = Engine::default();
        let words = engine.segment(text);
        for word in ["团购券", "核销", "直播间", "小黄车", "玻尿酸", "术后"] {
            assert!(words.contains(&word), "{word} not a token in {words:?}");
        }
        // The default model reads no tokens, so triage does not segment;
        // with word features on, the tokens become features.
        assert!(!engine.inner.word_features);
        assert!(!engine.issue_features(text).iter().any(|f| f.0 == "w团购券"));
        let with_words = Engine::builder().word_features(true).build().unwrap();
        let f = with_words.issue_features(text);
        for word in ["w团购券", "w核销", "w直播间", "w小黄车", "w玻尿酸", "w术后"] {
            assert!(
                f.iter().any(|(name, _)| name == word),
                "{word} not a feature"
            );
        }
    }

    /// Freshly parsed copies of the shipped models (not the scoring table).
    struct FreshModels {
        issue: IssueModel,
        negativity: LinearModel,
        emotion: LinearModel,
    }

    static FRESH: std::sync::LazyLock<FreshModels> = std::sync::LazyLock::new(|| {
        let taxonomy = Taxonomy::parse("t", Lexicon::Taxonomy.embedded()).unwrap();
        let parse = |lex: Lexicon| LinearModel::parse("m", lex.embedded(), lex).unwrap();
        FreshModels {
            issue: IssueModel::parse("i", Lexicon::IssueModel.embedded(), &taxonomy).unwrap(),
            negativity: parse(Lexicon::SentimentModel),
            emotion: parse(Lexicon::EmotionModel),
        }
    });

    static ENGINE: std::sync::LazyLock<Engine> = std::sync::LazyLock::new(Engine::default);

    /// Equal up to float rounding (the one-pass scoring adds in another order,
    /// and merged bigram rows hold a precomputed sum); `b` may be padded
    /// with zeros.
    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() <= b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-4 * x.abs().max(1.0))
            && b[a.len()..].iter().all(|&p| p == 0.0)
    }

    /// Checks the one-pass scoring over `text` against the string features the
    /// models were trained on, and its fixed-size path against the
    /// general one; returns the issue sums from the model files.
    fn check_one_pass(text: &str) -> Vec<f32> {
        let (engine, fresh) = (&*ENGINE, &*FRESH);
        let mut s = engine.scratch();
        for stage in [Stage::Normalize, Stage::Mask, Stage::Scan, Stage::Classify] {
            engine.run_stage(&mut s, stage, &Inquiry::new(text));
        }

        let features = engine.issue_features(text);
        let mut issue_want = vec![0.0; fresh.issue.model.n_classes()];
        for (f, v) in &features {
            fresh.issue.model.add_feature(f, *v, &mut issue_want);
        }
        assert!(
            close(&issue_want, &s.sums.issue),
            "{text:?}: issue sums differ"
        );
        assert_eq!(features.len(), s.sums.issue_count, "{text:?}");

        let features = engine.sentiment_features(text);
        let mut want = vec![0.0; 2];
        for (f, v) in &features {
            fresh.negativity.add_feature(f, *v, &mut want);
        }
        // The one-pass scoring keeps the difference of the two classes.
        let (diff, got) = (want[1] - want[0], s.sums.sentiment[1] - s.sums.sentiment[0]);
        assert!(
            (diff - got).abs() <= 1e-4 * diff.abs().max(1.0),
            "{text:?}: negativity sums differ"
        );
        let mut want = vec![0.0; fresh.emotion.n_classes()];
        for (f, v) in &features {
            fresh.emotion.add_feature(f, *v, &mut want);
        }
        assert!(
            close(&want, &s.sums.emotion),
            "{text:?}: emotion sums differ"
        );
        assert_eq!(features.len(), s.sums.sentiment_count, "{text:?}");

        // The general path (models of other sizes) gives the same sums
        // as the fixed-size one the shipped models take.
        for issue in [true, false] {
            let mut fixed = crate::score::sums::ModelSums::default();
            let mut general = crate::score::sums::ModelSums::default();
            let input = model_input(&s, issue);
            engine
                .inner
                .models
                .score_with(&input, &mut fixed, issue, true);
            engine
                .inner
                .models
                .score_with(&input, &mut general, issue, false);
            assert_eq!(fixed.issue, general.issue, "{text:?}");
            assert_eq!(fixed.emotion, general.emotion, "{text:?}");
            assert_eq!(fixed.sentiment, general.sentiment, "{text:?}");
            assert_eq!(fixed.issue_count, general.issue_count, "{text:?}");
            assert_eq!(fixed.sentiment_count, general.sentiment_count, "{text:?}");
        }
        issue_want
    }

    /// The one-pass scoring gives the sums of the string features the models
    /// were trained on, looked up in freshly parsed copies of the model
    /// files (not the scoring table).
    #[test]
    fn one_pass_scoring_matches_the_training_features() {
        assert_eq!(
            crate::score::features::feature_hash("b快递"),
            crate::score::features::bigram_hash('快', '递')
        );
        let texts = [
            "快递三天没动了，转人工！",
            "不是不好，就是想问问尺码",
            "呵呵，真是谢谢你们了",
            "iPhone 15 Pro 用了一周就黑屏 订单号2024111100123456",
            "",
            "😡😡 垃 圾 ！！！",
            "没有不满意，挺好的",
            // More n-grams than the plain path probes before it adds.
            "我想问一下这个快递为什么三天了还在路上，物流信息一直显示在转运中心，麻烦帮我查一下到哪里了，谢谢客服",
        ];
        for text in texts {
            let issue_sums = check_one_pass(text);
            if !text.is_empty() {
                assert!(
                    issue_sums.iter().any(|&w| w != 0.0),
                    "{text}: no issue row found"
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// The same on generated messages: negation and sarcasm scopes,
        /// personal data, digits, emoji, Latin, spacing and punctuation,
        /// at every position relative to the bigrams.
        #[test]
        fn one_pass_scoring_matches_on_generated_messages(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("快递"),
                    proptest::strategy::Just("不"),
                    proptest::strategy::Just("没有"),
                    proptest::strategy::Just("不是不好"),
                    proptest::strategy::Just("呵呵"),
                    proptest::strategy::Just("太差了"),
                    proptest::strategy::Just("退款"),
                    proptest::strategy::Just("转人工"),
                    proptest::strategy::Just("13812345678"),
                    proptest::strategy::Just("订单号2024111100123456"),
                    proptest::strategy::Just("iPhone 15"),
                    proptest::strategy::Just("😡"),
                    proptest::strategy::Just("，"),
                    proptest::strategy::Just("！！"),
                    proptest::strategy::Just(" "),
                    proptest::strategy::Just("满意"),
                    proptest::strategy::Just("虽然"),
                    proptest::strategy::Just("但是"),
                ],
                0..16,
            )
        ) {
            check_one_pass(&pieces.concat());
        }
    }
}
