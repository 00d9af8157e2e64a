//! The crate's error type.

use std::fmt;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while building an [`Engine`](crate::Engine).
///
/// Triage itself never fails: any text gives a [`Decision`](crate::Decision).
/// Errors only come from data supplied by the user — lexicon files, models
/// and policies — and every message names the file, the line (1-based, 0 when
/// the problem is not tied to one line) and the offending value.
///
/// # Examples
///
/// ```
/// use kefu_triage::{Engine, Lexicon};
///
/// let bad = "#! kefu-triage issue-cues v1\n退款\tno_such_label\t1.0\n";
/// let err = Engine::builder()
///     .lexicon_str(Lexicon::IssueCues, "my_cues.tsv", bad)
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "my_cues.tsv:2: unknown issue label: \"no_such_label\"",
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of a data file could not be understood. The value is quoted
    /// with escapes (a lexicon value may hide a tab or an invisible
    /// character), except in policy errors, whose value is a sentence about
    /// the field (`escalate_negativity = 1.7 (allowed 0..=1)`), printed as
    /// written.
    #[error("{file}:{line}: {problem}: {}", shown(*problem, value))]
    Data {
        /// The file (or the name given to an in-memory source).
        file: String,
        /// 1-based line number; 0 when the whole file is at fault.
        line: usize,
        /// What is wrong, in lowercase words.
        problem: Problem,
        /// The offending value, verbatim.
        value: String,
    },
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The path that failed.
        file: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// How [`Error::Data`] shows its value.
fn shown(problem: Problem, value: &str) -> String {
    if problem == Problem::BadPolicy {
        value.to_string()
    } else {
        format!("{value:?}")
    }
}

/// The kind of problem found in a data file; part of [`Error::Data`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// The first line is not the expected `#! kefu-triage <kind> v1` header.
    BadHeader,
    /// A line has the wrong number of columns (tab-separated in the `.tsv`
    /// lexicons, space-separated in the jieba user dictionary).
    WrongColumnCount,
    /// A pattern or word is empty after normalization.
    EmptyPattern,
    /// A weight is not a finite number in the allowed range.
    BadWeight,
    /// A kind column names no known kind.
    UnknownKind,
    /// A label is not in the taxonomy.
    UnknownLabel,
    /// The same entry appears twice.
    DuplicateEntry,
    /// The file is not valid UTF-8.
    InvalidUtf8,
    /// A policy file does not parse or does not validate.
    BadPolicy,
    /// A model file is inconsistent with the taxonomy or itself.
    BadModel,
    /// A required entry is missing.
    Missing,
    /// A value is out of its allowed range.
    OutOfRange,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::BadHeader => "bad or missing format header",
            Problem::WrongColumnCount => "wrong number of columns",
            Problem::EmptyPattern => "empty pattern",
            Problem::BadWeight => "bad weight",
            Problem::UnknownKind => "unknown kind",
            Problem::UnknownLabel => "unknown issue label",
            Problem::DuplicateEntry => "duplicate entry",
            Problem::InvalidUtf8 => "invalid utf-8",
            Problem::BadPolicy => "invalid policy",
            Problem::BadModel => "invalid model",
            Problem::Missing => "missing entry",
            Problem::OutOfRange => "value out of range",
        })
    }
}

impl Error {
    pub(crate) fn data(
        file: &str,
        line: usize,
        problem: Problem,
        value: impl Into<String>,
    ) -> Error {
        Error::Data {
            file: file.to_string(),
            line,
            problem,
            value: value.into(),
        }
    }

    /// The problem, for errors about data; `None` for I/O errors.
    pub fn problem(&self) -> Option<Problem> {
        match self {
            Error::Data { problem, .. } => Some(*problem),
            Error::Io { .. } => None,
        }
    }
}
