//! Building an engine from the embedded files or the caller's own.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
#[cfg(feature = "segment")]
use std::sync::OnceLock;

#[cfg(feature = "segment")]
use jieba_rs::Jieba;

use crate::engine::core::{Engine, Inner};
use crate::engine::scratch::NEXT_ENGINE_ID;
use crate::error::{Error, Result};
use crate::route::policy::Policy;
use crate::score::issue::IssueScorer;
use crate::score::linear::{IssueModel, LinearModel};
use crate::score::sentiment::{self, SentimentScorer};
use crate::score::sums::Models;
use crate::text::cues::{self, CueSet, Lexicon, Taxonomy};
use crate::text::pii::Detector;

impl Engine {
    /// A builder to replace lexicons or the policy.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }
}

impl Default for Engine {
    /// The engine on the embedded lexicons and policy.
    ///
    /// The embedded data is checked by the test suite, so this does not fail
    /// in a released crate; should it ever, it panics with the data error,
    /// which is a bug in this crate, not in the caller's input.
    fn default() -> Engine {
        match Engine::builder().build() {
            Ok(e) => e,
            Err(e) => panic!("embedded lexicons are invalid (a kefu-triage bug): {e}"),
        }
    }
}

/// jieba's default dictionary plus the domain words.
#[cfg(feature = "segment")]
pub(super) fn build_jieba(words: &[cues::DictEntry]) -> Jieba {
    let mut jieba = Jieba::new();
    for (word, freq, tag) in words {
        jieba.add_word(word, *freq, tag.as_deref());
    }
    jieba
}

/// Builds an [`Engine`], replacing any embedded lexicon or the policy.
///
/// Sources are read when given; any error is reported by
/// [`build`](EngineBuilder::build), naming the file, line and value.
///
/// ```
/// use kefu_triage::{Engine, Inquiry, Lexicon};
///
/// let cues = "#! kefu-triage issue-cues v1\n茶叶\tproduct\t2.0\n";
/// let engine = Engine::builder()
///     .lexicon_str(Lexicon::IssueCues, "tea_cues.tsv", cues)
///     .build()
///     .unwrap();
/// assert_eq!(engine.triage(&Inquiry::new("茶叶是今年的吗")).issue.label, "product");
/// ```
#[derive(Default)]
pub struct EngineBuilder {
    sources: Vec<(Lexicon, String, String)>,
    /// (source name, policy, source text when read from a file).
    policy: Option<(String, Policy, String)>,
    word_features: Option<bool>,
    error: Option<Error>,
}

impl std::fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder").finish_non_exhaustive()
    }
}

impl EngineBuilder {
    fn keep_error(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// Replaces a lexicon with the text of a file.
    pub fn lexicon_path(mut self, lexicon: Lexicon, path: impl AsRef<Path>) -> EngineBuilder {
        let path = path.as_ref();
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match cues::decode_utf8(&name, bytes) {
                Ok(text) => self.sources.push((lexicon, name, text)),
                Err(e) => self.keep_error(e),
            },
            Err(source) => self.keep_error(Error::Io { file: name, source }),
        }
        self
    }

    /// Replaces a lexicon with text read from a reader; `name` is used in
    /// error messages.
    pub fn lexicon_reader(
        mut self,
        lexicon: Lexicon,
        name: &str,
        mut reader: impl Read,
    ) -> EngineBuilder {
        let mut bytes = Vec::new();
        match reader.read_to_end(&mut bytes) {
            Ok(_) => match cues::decode_utf8(name, bytes) {
                Ok(text) => self.sources.push((lexicon, name.to_string(), text)),
                Err(e) => self.keep_error(e),
            },
            Err(source) => self.keep_error(Error::Io {
                file: name.to_string(),
                source,
            }),
        }
        self
    }

    /// Replaces a lexicon with in-memory text; `name` is used in errors.
    pub fn lexicon_str(mut self, lexicon: Lexicon, name: &str, text: &str) -> EngineBuilder {
        self.sources
            .push((lexicon, name.to_string(), text.to_string()));
        self
    }

    /// Replaces the policy. A policy parsed from a file (and not changed
    /// since) keeps its file name and lines in the errors `build` finds;
    /// otherwise they name `<policy>` and the field.
    pub fn policy(mut self, policy: Policy) -> EngineBuilder {
        let (file, text) = match policy.source() {
            Some(o) => (o.file.clone(), o.text.clone()),
            None => ("<policy>".to_string(), String::new()),
        };
        self.policy = Some((file, policy, text));
        self
    }

    /// Replaces the policy with a JSON or TOML file (by extension).
    pub fn policy_path(mut self, path: impl AsRef<Path>) -> EngineBuilder {
        let path = path.as_ref();
        match Policy::read_path(path) {
            Ok((p, text)) => self.policy = Some((path.display().to_string(), p, text)),
            Err(e) => self.keep_error(e),
        }
        self
    }

    /// Segment every inquiry with jieba and give the issue model its tokens
    /// (`w…` features), or not.
    ///
    /// By default the engine segments exactly when the issue model has
    /// token rows. The embedded model has none: measured on the written
    /// training set, tokens added 0.2 points of out-of-fold accuracy and
    /// nothing on the held-out set, while jieba costs as much as all the
    /// other stages together. `examples/train_issue.rs --words` trains a
    /// model that reads them. Segmenting also changes the cue scores: a cue
    /// that cuts through a jieba token counts for less.
    pub fn word_features(mut self, on: bool) -> EngineBuilder {
        self.word_features = Some(on);
        self
    }

    /// Builds the engine: parses and checks every lexicon, compiles the
    /// automaton, loads the jieba dictionary with the user dictionary.
    ///
    /// # Errors
    ///
    /// The first problem found, naming the file, the line and the value.
    pub fn build(self) -> Result<Engine> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let source = |lex: Lexicon| -> (&str, &str) {
            self.sources
                .iter()
                .rev()
                .find(|s| s.0 == lex)
                .map_or((lex.file_name(), lex.embedded()), |s| {
                    (s.1.as_str(), s.2.as_str())
                })
        };
        let (file, text) = source(Lexicon::UserDict);
        let words = cues::parse_user_dict(file, text)?;
        let policy_choice = self.policy;
        // Whether the model has token rows (`w…` lines), known before
        // parsing it so that jieba can be built alongside.
        let word_features = self.word_features.unwrap_or_else(|| {
            let (_, text) = source(Lexicon::IssueModel);
            // A line that starts with `w`, found with a substring search
            // rather than by splitting 1.8 MB into lines.
            text.starts_with('w') || text.contains("\nw")
        });
        std::thread::scope(|scope| {
            // Without `segment` the dictionary is still read, for its errors.
            #[cfg(not(feature = "segment"))]
            let _ = (scope, &words);
            // jieba's dictionary takes about as long as all the rest
            // (Jieba::new 49 ms against 37 ms for the lexicons and models in
            // one bench run): when triage needs it, build it on the other
            // core meanwhile; otherwise on first use.
            #[cfg(feature = "segment")]
            let jieba = word_features.then(|| scope.spawn(|| build_jieba(&words)));
            #[cfg(not(feature = "segment"))]
            if word_features {
                let (file, _) = source(Lexicon::IssueModel);
                return Err(Error::data(
                    file,
                    0,
                    crate::error::Problem::BadModel,
                    "the issue model reads jieba tokens (w… rows, or word_features(true)): \
                     build kefu-triage with the `segment` feature"
                        .to_string(),
                ));
            }
            let (file, text) = source(Lexicon::Taxonomy);
            let taxonomy = Taxonomy::parse(file, text)?;
            let mut set = CueSet::default();
            let (file, text) = source(Lexicon::IssueCues);
            set.add_issue_cues(file, text, &taxonomy)?;
            for lex in [Lexicon::Sentiment, Lexicon::Escalation] {
                let (file, text) = source(lex);
                set.add_kinded(file, text, lex)?;
            }
            let cues = set.build()?;
            let (brands_file, text) = source(Lexicon::ProductBrands);
            let brands = cues::parse_brands(brands_file, text)?;
            let (file, text) = source(Lexicon::IssueModel);
            let model = IssueModel::parse(file, text, &taxonomy)?;
            let mut sentiment_models = Vec::new();
            for (lex, classes) in [
                (Lexicon::SentimentModel, &sentiment::SENTIMENT_CLASSES[..]),
                (Lexicon::EmotionModel, &sentiment::EMOTION_CLASSES[..]),
            ] {
                let (file, text) = source(lex);
                let m = LinearModel::parse(file, text, lex)?;
                if m.n_classes() > 0 {
                    m.expect_classes(file, classes)?;
                }
                sentiment_models.push(m);
            }

            let detector = Detector::new(brands.iter().map(String::as_str)).map_err(|e| {
                Error::data(
                    brands_file,
                    0,
                    crate::error::Problem::OutOfRange,
                    e.to_string(),
                )
            })?;
            let (policy_file, policy, policy_text) = match policy_choice {
                Some(p) => p,
                None => ("policy.json".to_string(), Policy::default(), String::new()),
            };
            policy.validate(&policy_file, &policy_text)?;
            let variants = policy.compile_variants(&policy_file, &policy_text)?;
            policy.validate_labels(&policy_file, &policy_text, &taxonomy)?;
            let emotion_model = sentiment_models.pop();
            let models = Models::new(
                Some(model),
                sentiment_models.pop(),
                emotion_model,
                &taxonomy,
            );
            let sentiment = SentimentScorer::default();
            #[cfg(feature = "segment")]
            let built = OnceLock::new();
            #[cfg(feature = "segment")]
            if let Some(handle) = jieba {
                match handle.join() {
                    Ok(j) => {
                        let _ = built.set(j);
                    }
                    Err(payload) => std::panic::resume_unwind(payload),
                }
            }
            Ok(Engine {
                inner: Arc::new(Inner {
                    id: NEXT_ENGINE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    taxonomy,
                    cues,
                    #[cfg(feature = "segment")]
                    jieba: built,
                    #[cfg(feature = "segment")]
                    user_words: words.clone(),
                    word_features,
                    detector,
                    issue: IssueScorer::default(),
                    models,
                    sentiment,
                    policy,
                    variants,
                }),
            })
        })
    }
}
